/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvmctl: the guest's security posture as the kernel exposes it in sysfs,
 * procfs, securityfs and debugfs (secure boot, lockdown, vTPM, module
 * signatures, taint, swiotlb), for `cvmctl status` and `status --check`.
 */
#ifndef CVMCTL_POSTURE_H
#define CVMCTL_POSTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

enum cvm_tristate {
	CVM_UNKNOWN = -1,
	CVM_NO = 0,
	CVM_YES = 1,
};

struct cvm_posture {
	enum cvm_tristate efi;		/* /sys/firmware/efi exists */
	enum cvm_tristate secure_boot;	/* UNKNOWN: no EFI or unreadable */
	char lockdown[32];		/* "" when unavailable */
	bool tpm;
	enum cvm_tristate sig_enforce;
	bool taint_known;
	unsigned long long taint;
	char taint_flags[40];		/* letters of the set bits */
	bool swiotlb_force;		/* swiotlb=force on the command line */
	bool swiotlb_known;		/* debugfs statistics were readable */
	bool swiotlb_none;		/* debugfs says there is no buffer */
	const char *swiotlb_why;	/* when not known: why, with the fix */
	unsigned long long swiotlb_nslabs;
	unsigned long long swiotlb_used;
};

/*
 * The kernel's swiotlb totals from debugfs. Return: true with @nslabs and
 * @used; false with *@none set when debugfs shows there is no buffer (no
 * CONFIG_SWIOTLB, or none allocated at boot), and *@why saying which.
 */
bool cvm_swiotlb_stats(unsigned long long *nslabs, unsigned long long *used,
		       bool *none, const char **why);

/* First line of @path without its newline; false if unreadable. */
bool cvm_read_line(const char *path, char *buf, size_t size);

/* Read everything; never fails (what cannot be read is "unknown"). */
void cvm_posture_probe(struct cvm_posture *p);
/* The lockdown mode ("none", "integrity", "confidentiality"), "" when unavailable. */
void cvm_lockdown_mode(char *mode, size_t size);

void cvm_posture_print_text(const struct cvm_posture *p);
void cvm_posture_print_json(struct jsonw *jw, const struct cvm_posture *p);

/* The text and JSON strings of the items, shared with --check. */
const char *cvm_posture_secure_boot_str(const struct cvm_posture *p);
const char *cvm_posture_lockdown_str(const struct cvm_posture *p);
const char *cvm_posture_sig_enforce_str(const struct cvm_posture *p);
/* "0", or "12288 (OE)" */
const char *cvm_posture_taint_str(const struct cvm_posture *p, char *buf,
				  unsigned int size);
/* Taint bits that the check tolerates: O (out-of-tree) and E (unsigned). */
#define CVM_TAINT_TOLERATED	((1ull << 12) | (1ull << 13))

/*
 * The parameters of a loaded module, "name=value" in /sys/module/NAME/
 * parameters/, sorted; calls @fn for each readable one.
 */
void cvm_module_params(const char *module,
		       void (*fn)(const char *param, const char *value,
				  void *arg),
		       void *arg);

/*
 * Can module @name be loaded (load.c): CVM_YES, CVM_NO, or CVM_UNKNOWN when
 * the kernel decides; @why is one sentence with the fix.
 */
enum cvm_tristate cvm_load_diagnose(const char *name, char *why, size_t size);

#endif /* CVMCTL_POSTURE_H */
