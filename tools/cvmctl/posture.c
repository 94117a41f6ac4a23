// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl: posture probing. Every item comes from one file the kernel
 * exports; a file that is missing or unreadable makes the item "unknown"
 * or "unavailable", never an error: status must work on any guest.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvmctl.h"
#include "posture.h"

#define EFI_DIR		"/sys/firmware/efi"
/* The kernel's EFI_GLOBAL_VARIABLE_GUID (include/linux/efi.h), as efivarfs names it. */
#define EFI_GLOBAL_VARIABLE_GUID	"8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SECURE_BOOT_VAR	"/sys/firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_VARIABLE_GUID
#define LOCKDOWN_FILE	"/sys/kernel/security/lockdown"
#define TPM_DIR		"/sys/class/tpm/tpm0"
#define SIG_ENFORCE	"/sys/module/module/parameters/sig_enforce"
#define TAINT_FILE	"/proc/sys/kernel/tainted"
#define CMDLINE_FILE	"/proc/cmdline"
#define MOUNTS_FILE	"/proc/self/mounts"
#define DEBUGFS_DIR	"/sys/kernel/debug"
#define SWIOTLB_DIR	DEBUGFS_DIR "/swiotlb"
#define SWIOTLB_NSLABS	SWIOTLB_DIR "/io_tlb_nslabs"
#define SWIOTLB_USED	SWIOTLB_DIR "/io_tlb_used"

/* The kernel's taint letters (kernel/panic.c taint_flags[]), by bit. */
static const char cvm_taint_letters[] = "PFSRMBUDAWCIOELKXTN";

/* First line of @path without its newline; false if unreadable. */
bool cvm_read_line(const char *path, char *buf, size_t size)
{
	bool ok;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static bool cvm_read_ull(const char *path, unsigned long long *v)
{
	char buf[32], *end;

	if (!cvm_read_line(path, buf, sizeof(buf)) || !buf[0])
		return false;
	*v = strtoull(buf, &end, 10);
	return *end == '\0';
}

static bool cvm_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* The EFI variable: 4 bytes of attributes, then the 1-byte value. */
static enum cvm_tristate cvm_probe_secure_boot(void)
{
	unsigned char buf[5];
	size_t n;
	FILE *f;

	f = fopen(SECURE_BOOT_VAR, "re");
	if (!f)
		return cvm_exists(SECURE_BOOT_VAR) ? CVM_UNKNOWN : CVM_NO;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n != sizeof(buf))
		return CVM_UNKNOWN;
	return buf[4] == 1 ? CVM_YES : CVM_NO;
}

/* "none [integrity] confidentiality": the bracketed word is the mode. */
void cvm_lockdown_mode(char *mode, size_t size)
{
	char buf[128], *open, *close;

	mode[0] = '\0';
	if (!cvm_read_line(LOCKDOWN_FILE, buf, sizeof(buf)))
		return;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return;
	*close = '\0';
	snprintf(mode, size, "%s", open + 1);
}

static bool cvm_cmdline_has(const char *word)
{
	char buf[4096], *tok, *save = NULL;

	if (!cvm_read_line(CMDLINE_FILE, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

void cvm_posture_probe(struct cvm_posture *p)
{
	char buf[8];
	size_t i, n = 0;

	memset(p, 0, sizeof(*p));
	p->efi = cvm_exists(EFI_DIR) ? CVM_YES : CVM_NO;
	p->secure_boot = p->efi == CVM_YES ? cvm_probe_secure_boot() :
			 CVM_UNKNOWN;
	cvm_lockdown_mode(p->lockdown, sizeof(p->lockdown));
	p->tpm = cvm_exists(TPM_DIR);

	p->sig_enforce = CVM_UNKNOWN;
	if (cvm_read_line(SIG_ENFORCE, buf, sizeof(buf))) {
		if (!strcmp(buf, "Y"))
			p->sig_enforce = CVM_YES;
		else if (!strcmp(buf, "N"))
			p->sig_enforce = CVM_NO;
	}

	p->taint_known = cvm_read_ull(TAINT_FILE, &p->taint);
	for (i = 0; p->taint_known && i < 64; i++) {
		if (!(p->taint & (1ull << i)))
			continue;
		if (n + 1 < sizeof(p->taint_flags))
			p->taint_flags[n++] = i < strlen(cvm_taint_letters) ?
					      cvm_taint_letters[i] : '?';
	}
	p->taint_flags[n] = '\0';

	p->swiotlb_force = cvm_cmdline_has("swiotlb=force");
	p->swiotlb_known = cvm_swiotlb_stats(&p->swiotlb_nslabs,
					     &p->swiotlb_used, &p->swiotlb_none,
					     &p->swiotlb_why);
}

/* Whether debugfs is mounted where the kernel's files are looked for. */
static bool cvm_debugfs_mounted(void)
{
	char line[512], dev[128], dir[256], type[64];
	bool found = false;
	FILE *f;

	f = fopen(MOUNTS_FILE, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%127s %255s %63s", dev, dir, type) == 3 &&
			!strcmp(dir, DEBUGFS_DIR) && !strcmp(type, "debugfs");
	fclose(f);
	return found;
}

bool cvm_swiotlb_stats(unsigned long long *nslabs, unsigned long long *used,
		       bool *none, const char **why)
{
	*none = false;
	*why = NULL;
	if (cvm_read_ull(SWIOTLB_NSLABS, nslabs) &&
	    cvm_read_ull(SWIOTLB_USED, used))
		return true;
	if (access(DEBUGFS_DIR, R_OK | X_OK) && (errno == EACCES || errno == EPERM))
		*why = "unknown (debugfs is readable by root only)";
	else if (!cvm_debugfs_mounted())
		*why = "unknown (debugfs is not mounted: mount -t debugfs none " DEBUGFS_DIR ")";
	else if (cvm_exists(SWIOTLB_DIR))
		*why = "none (the kernel allocated no swiotlb buffer at boot: no device needed one)";
	else
		*why = "none (the kernel has no swiotlb)";
	*none = !strncmp(*why, "none", 4);
	return false;
}

const char *cvm_posture_secure_boot_str(const struct cvm_posture *p)
{
	if (p->efi != CVM_YES)
		return "unknown (no EFI)";
	switch (p->secure_boot) {
	case CVM_YES:
		return "enabled";
	case CVM_NO:
		return "disabled";
	default:
		return "unknown";
	}
}

const char *cvm_posture_lockdown_str(const struct cvm_posture *p)
{
	return p->lockdown[0] ? p->lockdown : "unavailable";
}

const char *cvm_posture_sig_enforce_str(const struct cvm_posture *p)
{
	switch (p->sig_enforce) {
	case CVM_YES:
		return "Y";
	case CVM_NO:
		return "N";
	default:
		return "unavailable";
	}
}

const char *cvm_posture_taint_str(const struct cvm_posture *p, char *buf,
				  unsigned int size)
{
	if (!p->taint_known)
		return "unknown";
	if (!p->taint)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%llu (%s)", p->taint, p->taint_flags);
	return buf;
}

#define CVM_TEXT_LINE	"%-18s%s\n"

void cvm_posture_print_text(const struct cvm_posture *p)
{
	char buf[64];

	printf(CVM_TEXT_LINE, "secure_boot:", cvm_posture_secure_boot_str(p));
	printf(CVM_TEXT_LINE, "lockdown:", cvm_posture_lockdown_str(p));
	printf(CVM_TEXT_LINE, "tpm:", p->tpm ? "present" : "absent");
	printf(CVM_TEXT_LINE, "sig_enforce:", cvm_posture_sig_enforce_str(p));
	printf(CVM_TEXT_LINE, "tainted:",
	       cvm_posture_taint_str(p, buf, sizeof(buf)));
	printf(CVM_TEXT_LINE, "swiotlb_force:", p->swiotlb_force ? "yes" : "no");
	if (p->swiotlb_known) {
		printf("%-18s%llu\n", "swiotlb_slabs:", p->swiotlb_nslabs);
		printf("%-18s%llu\n", "swiotlb_used:", p->swiotlb_used);
	} else {
		const char *v = p->swiotlb_none ? "none" : "unknown";

		printf(CVM_TEXT_LINE, "swiotlb_slabs:", v);
		printf(CVM_TEXT_LINE, "swiotlb_used:", v);
	}
}

void cvm_posture_print_json(struct jsonw *jw, const struct cvm_posture *p)
{
	jsonw_string_field(jw, "secure_boot",
			   p->secure_boot == CVM_UNKNOWN ? NULL :
			   cvm_posture_secure_boot_str(p));
	jsonw_bool_field(jw, "efi", p->efi == CVM_YES);
	jsonw_string_field(jw, "lockdown",
			   p->lockdown[0] ? p->lockdown : NULL);
	jsonw_bool_field(jw, "tpm", p->tpm);
	if (p->sig_enforce == CVM_UNKNOWN)
		jsonw_null_field(jw, "sig_enforce");
	else
		jsonw_bool_field(jw, "sig_enforce", p->sig_enforce == CVM_YES);
	if (p->taint_known) {
		jsonw_uint_field(jw, "taint", p->taint);
		jsonw_string_field(jw, "taint_flags", p->taint_flags);
	} else {
		jsonw_null_field(jw, "taint");
		jsonw_null_field(jw, "taint_flags");
	}
	jsonw_name(jw, "swiotlb");
	jsonw_start_object(jw);
	jsonw_bool_field(jw, "force", p->swiotlb_force);
	if (p->swiotlb_known) {
		jsonw_uint_field(jw, "slabs", p->swiotlb_nslabs);
		jsonw_uint_field(jw, "used", p->swiotlb_used);
	} else {
		jsonw_null_field(jw, "slabs");
		jsonw_null_field(jw, "used");
	}
	jsonw_end_object(jw);
}

static int cvm_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void cvm_module_params(const char *module,
		       void (*fn)(const char *param, const char *value,
				  void *arg),
		       void *arg)
{
	char path[256], value[256];
	char *names[64];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters", module);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cvm_name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 module, names[i]);
		/* Write-only parameters are not part of the posture. */
		if (cvm_read_line(path, value, sizeof(value)))
			fn(names[i], value, arg);
		free(names[i]);
	}
}
