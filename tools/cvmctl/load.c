// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl load [--dir DIR] [MODULE [OPTION=VALUE...]]
 * cvmctl unload [MODULE]
 *
 * Through libkmod.  Without MODULE: cvm_core then cvm_convert (unload:
 * the reverse).  load looks modules up like modprobe does; with --dir it
 * loads DIR/MODULE.ko by path, after the modules named in its "depends"
 * (found in DIR too), as modules.dep is not there to say so.  Modules
 * that are already loaded (load) or not loaded (unload) are skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>

#include "cvmctl.h"
#include "posture.h"

static const char *const cvm_default_modules[] = { "cvm_core", "cvm_convert" };

#define CVM_DEP_DEPTH	8
#define CVM_BOUNCE_ATTACH	"/sys/kernel/cvm/bounce/attach"

static void cvm_kmod_silent(void *data, int priority, const char *file,
			    int line, const char *fn, const char *format,
			    va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

static struct kmod_ctx *cvm_kmod_open(void)
{
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);

	if (!kctx) {
		cvmctl_err("cannot initialise libkmod");
		return NULL;
	}
	kmod_set_log_fn(kctx, cvm_kmod_silent, NULL);
	kmod_load_resources(kctx);
	return kctx;
}

static bool cvm_mod_loaded(struct kmod_module *mod)
{
	int st = kmod_module_get_initstate(mod);

	return st == KMOD_MODULE_LIVE || st == KMOD_MODULE_COMING ||
	       st == KMOD_MODULE_BUILTIN;
}

#define CVM_SIGN_FIX \
	"sign the modules with a key the kernel trusts (make install MOK_KEY=KEY MOK_CERT=CERT, or DKMS) and enrol its certificate (mokutil --import CERT; see cvmguard(7))"

/* The module's signer as libkmod reads it: "" if signed by an unnamed key, NULL if unsigned. */
static const char *cvm_mod_signer(struct kmod_module *mod, char *buf,
				  size_t size)
{
	struct kmod_list *info = NULL, *itr;
	const char *ret = NULL;

	if (kmod_module_get_info(mod, &info) < 0)
		return NULL;
	kmod_list_foreach(itr, info) {
		const char *key = kmod_module_info_get_key(itr);

		if (!strcmp(key, "signer")) {
			snprintf(buf, size, "%s",
				 kmod_module_info_get_value(itr) ?: "");
			ret = buf;
			break;
		}
		if (!strcmp(key, "sig_id") || !strcmp(key, "signature")) {
			buf[0] = '\0';
			ret = buf;
		}
	}
	kmod_module_info_free_list(info);
	return ret;
}

/*
 * Whether the kernel holds a key named @signer: /proc/keys shows root the
 * keys of the kernel's keyrings (built-in, secondary, platform: UEFI db
 * and MOK), described "<subject>: <key id>", the subject being the
 * certificate's CN or "O: CN" (x509_fabricate_name()). libkmod names a
 * module's signer by the CN of its certificate's issuer: the key the
 * kernel verifies with (self-signed) or the CA above it.
 */
static bool cvm_key_held(const char *signer)
{
	char line[1024], alone[300], after_o[300];
	bool held = false;
	FILE *f;

	if (!signer[0])
		return false;
	f = fopen("/proc/keys", "re");
	if (!f)
		return false;
	/* The type column is printed "%-9.9s": "asymmetric" is cut to 9. */
	snprintf(alone, sizeof(alone), " asymmetri %s: ", signer);
	snprintf(after_o, sizeof(after_o), ": %s: ", signer);
	while (!held && fgets(line, sizeof(line), f))
		held = strstr(line, alone) ||
		       (strstr(line, " asymmetri ") && strstr(line, after_o));
	fclose(f);
	return held;
}

/*
 * Why the kernel refused a module, in one sentence with the fix. The
 * kernel's module_sig_check() says EKEYREJECTED when signatures are
 * enforced and the module is unsigned or signed by a key it does not
 * trust, and EPERM (the lockdown LSM's answer) when only lockdown asks
 * for a signature; EPERM also comes from capable(), modules_disabled
 * and LoadPin, so the posture tells which.
 */
static void cvm_load_perror(const char *name, struct kmod_module *mod,
			    int err)
{
	struct cvm_posture p;
	char buf[8], signer[128];
	const char *sig = mod ? cvm_mod_signer(mod, signer, sizeof(signer)) :
				"";

	switch (err) {
	case EKEYREJECTED:
		/* What the module file says tells the two cases apart. */
		if (!sig)
			cvmctl_err("cannot load %s: the kernel enforces module signatures and %s is unsigned; "
				   CVM_SIGN_FIX, name, name);
		else if (sig[0] && !cvm_key_held(sig))
			cvmctl_err("cannot load %s: the kernel enforces module signatures and %s is signed by \"%s\", a key /proc/keys does not list: enrol its certificate (mokutil --import CERT; see cvmguard(7))",
				   name, name, sig);
		else
			cvmctl_err("cannot load %s: the kernel enforces module signatures and %s is unsigned or signed by a key it does not trust; "
				   CVM_SIGN_FIX, name, name);
		return;
	case EBADMSG:
	case EMSGSIZE:
	case ENOPKG:
		cvmctl_err("cannot load %s: its signature is malformed or uses an algorithm this kernel lacks (%s); "
			   CVM_SIGN_FIX, name, strerror(err));
		return;
	case ENOEXEC:
		cvmctl_err("cannot load %s: it was built for another kernel (version magic or symbol versions differ); rebuild it against the headers of the running kernel (make install, or DKMS)",
			   name);
		return;
	case ENOENT:
		cvmctl_err("module %s not found (install it with 'make modules_install', or use --dir)",
			   name);
		return;
	case EPERM:
	case EACCES:
		break;
	default:
		cvmctl_err("cannot load %s: %s", name, strerror(err));
		return;
	}
	if (geteuid()) {
		cvmctl_err("permission denied: loading %s needs CAP_SYS_MODULE (run as root)",
			   name);
		return;
	}
	/* modules_disabled refuses before any signature is looked at. */
	cvm_posture_probe(&p);
	if (cvm_read_line("/proc/sys/kernel/modules_disabled", buf,
			  sizeof(buf)) && !strcmp(buf, "1"))
		cvmctl_err("cannot load %s: module loading is disabled until the next boot (kernel.modules_disabled=1)",
			   name);
	else if (p.lockdown[0] && strcmp(p.lockdown, "none"))
		cvmctl_err("cannot load %s: kernel lockdown (%s) refuses modules without a valid signature; "
			   CVM_SIGN_FIX, name, p.lockdown);
	else
		cvmctl_err("cannot load %s: permission denied although running as root: a security module (LoadPin, SELinux, AppArmor) refused it; see dmesg",
			   name);
}

/* "sig_enforce=Y", "lockdown: integrity", or NULL when nothing asks for signatures. */
static const char *cvm_sig_required(const struct cvm_posture *p, char *buf,
				    size_t size)
{
	if (p->sig_enforce == CVM_YES)
		return "sig_enforce=Y";
	/* Without CONFIG_MODULE_SIG (no sig_enforce) lockdown checks no module. */
	if (p->sig_enforce == CVM_NO && p->lockdown[0] &&
	    strcmp(p->lockdown, "none")) {
		snprintf(buf, size, "lockdown: %s", p->lockdown);
		return buf;
	}
	return NULL;
}

/**
 * cvm_load_diagnose() - can @name be loaded, and if not, why
 * @name: module name, looked up as modprobe does
 * @why: one sentence with the fix
 * @size: of @why
 *
 * From what the kernel shows root without any cvmguard module: module
 * support, kernel.modules_disabled, the module's installed file and its
 * signature, LoadPin, sig_enforce and lockdown.
 *
 * Return: CVM_YES when it can be loaded, CVM_NO when it cannot, CVM_UNKNOWN
 * when the kernel decides (a signature whose key may not be trusted).
 */
enum cvm_tristate cvm_load_diagnose(const char *name, char *why, size_t size)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod = NULL;
	enum cvm_tristate ret = CVM_YES;
	char buf[48], signer[128], rel[128] = "the running kernel";
	const char *need, *sig;
	struct kmod_ctx *kctx;
	struct cvm_posture p;
	struct utsname u;

	if (!uname(&u))
		snprintf(rel, sizeof(rel), "%s", u.release);
	if (access("/proc/modules", F_OK)) {
		snprintf(why, size, "the kernel has no module support (CONFIG_MODULES is off): build cvmguard into it");
		return CVM_NO;
	}
	if (cvm_read_line("/proc/sys/kernel/modules_disabled", buf,
			  sizeof(buf)) && !strcmp(buf, "1")) {
		snprintf(why, size, "module loading is disabled until the next boot (kernel.modules_disabled=1): remove what sets it (sysctl.d, a boot script) and reboot");
		return CVM_NO;
	}
	kctx = kmod_new(NULL, NULL);
	if (kctx) {
		kmod_set_log_fn(kctx, cvm_kmod_silent, NULL);
		if (kmod_module_new_from_lookup(kctx, name, &list) >= 0 && list)
			mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
	}
	if (!mod || !kmod_module_get_path(mod)) {
		snprintf(why, size, "%s is not installed for %s: install it (make install, or make dkms-install)",
			 name, rel);
		ret = CVM_NO;
		goto out;
	}
	cvm_posture_probe(&p);
	need = cvm_sig_required(&p, buf, sizeof(buf));
	sig = cvm_mod_signer(mod, signer, sizeof(signer));
	if (need && !sig) {
		snprintf(why, size, "the kernel requires signed modules (%s) and %s is unsigned: " CVM_SIGN_FIX,
			 need, kmod_module_get_path(mod));
		ret = CVM_NO;
	} else if (need && cvm_key_held(sig)) {
		snprintf(why, size, "%s can be loaded: the kernel requires signed modules (%s) and %s is signed by \"%s\", a key the kernel holds (/proc/keys): modprobe %s (or cvmctl load)",
			 name, need, kmod_module_get_path(mod), sig, name);
	} else if (need) {
		snprintf(why, size, "the kernel requires signed modules (%s); %s is signed%s%s%s, a key /proc/keys does not list: it loads only if the kernel trusts that key (enrol its certificate: mokutil --import CERT)",
			 need, kmod_module_get_path(mod), sig[0] ? " by \"" : "",
			 sig, sig[0] ? "\"" : "");
		ret = CVM_UNKNOWN;
	} else if (cvm_read_line("/proc/sys/kernel/loadpin/enforce", buf,
				 sizeof(buf)) && !strcmp(buf, "1")) {
		snprintf(why, size, "LoadPin is enforcing: modules load only from the filesystem the first module came from; install %s there",
			 name);
		ret = CVM_UNKNOWN;
	} else {
		snprintf(why, size, "%s can be loaded: modprobe %s (or cvmctl load)",
			 name, name);
	}
out:
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return ret;
}

/* Load DIR/@name.ko after its dependencies (from DIR as well). */
static int cvm_load_path(struct kmod_ctx *kctx, const char *dir,
			 const char *name, const char *options, int depth)
{
	struct kmod_list *info = NULL, *itr;
	struct kmod_module *mod = NULL;
	char path[4096], deps[512] = "";
	int err, ret = -1;

	if (depth > CVM_DEP_DEPTH) {
		cvmctl_err("cannot load %s: dependencies nest too deep", name);
		return -1;
	}
	/* By name first: is it loaded already? */
	if (!kmod_module_new_from_name(kctx, name, &mod)) {
		bool loaded = cvm_mod_loaded(mod);

		kmod_module_unref(mod);
		mod = NULL;
		if (loaded)
			return 0;
	}
	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	err = kmod_module_new_from_path(kctx, path, &mod);
	if (err < 0) {
		cvm_load_perror(path, NULL, -err);
		return -1;
	}
	if (kmod_module_get_info(mod, &info) >= 0) {
		kmod_list_foreach(itr, info) {
			if (!strcmp(kmod_module_info_get_key(itr), "depends")) {
				snprintf(deps, sizeof(deps), "%s",
					 kmod_module_info_get_value(itr));
				break;
			}
		}
		kmod_module_info_free_list(info);
	}
	if (deps[0]) {
		char *save = NULL, *dep;

		for (dep = strtok_r(deps, ",", &save); dep;
		     dep = strtok_r(NULL, ",", &save))
			if (cvm_load_path(kctx, dir, dep, NULL, depth + 1))
				goto out;
	}
	err = kmod_module_insert_module(mod, 0, options);
	if (err < 0 && err != -EEXIST) {
		cvm_load_perror(name, mod, -err);
		goto out;
	}
	ret = 0;
out:
	kmod_module_unref(mod);
	return ret;
}

/* Load @name like modprobe: modules.dep gives the dependencies. */
static int cvm_load_lookup(struct kmod_ctx *kctx, const char *name,
			   const char *options)
{
	struct kmod_list *list = NULL, *itr;
	int err, ret = -1;

	err = kmod_module_new_from_lookup(kctx, name, &list);
	if (err < 0 || !list) {
		cvm_load_perror(name, NULL, err < 0 ? -err : ENOENT);
		return -1;
	}
	kmod_list_foreach(itr, list) {
		struct kmod_module *mod = kmod_module_get_module(itr);

		err = kmod_module_probe_insert_module(mod,
						      KMOD_PROBE_IGNORE_LOADED,
						      options, NULL, NULL,
						      NULL);
		/* A dependency refused is signed as the module (one build). */
		if (err < 0)
			cvm_load_perror(name, mod, -err);
		kmod_module_unref(mod);
		if (err < 0)
			goto out;
		if (err > 0) {
			cvmctl_err("cannot load %s: blocked by the modprobe configuration",
				   name);
			goto out;
		}
	}
	ret = 0;
out:
	kmod_module_unref_list(list);
	return ret;
}

/* "OPT=VAL OPT=VAL" from argv; NULL when there are none. */
static char *cvm_join_options(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	if (!argc)
		return NULL;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static bool cvm_valid_module_name(const char *s)
{
	if (!*s || strlen(s) > 55)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int cvmctl_do_load(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	const char *dir = NULL;
	struct kmod_ctx *kctx;
	char *options = NULL;
	int i, ret = CVMCTL_EXIT_OK;

	(void)ctx;
	if (argc >= 1 && !strcmp(argv[0], "--dir")) {
		if (argc < 2 || !argv[1][0]) {
			cvmctl_err("load: --dir needs a directory");
			goto usage;
		}
		dir = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc >= 1 && !cvm_valid_module_name(argv[0])) {
		cvmctl_err("load: invalid module name '%s'", argv[0]);
		goto usage;
	}
	for (i = 1; i < argc; i++) {
		if (!strchr(argv[i], '=') || argv[i][0] == '=') {
			cvmctl_err("load: invalid option '%s': must be OPTION=VALUE",
				   argv[i]);
			goto usage;
		}
	}
	if (argc > 1) {
		options = cvm_join_options(argc - 1, argv + 1);
		if (!options) {
			cvmctl_err("load: %s", strerror(ENOMEM));
			return CVMCTL_EXIT_FAIL;
		}
	}

	kctx = cvm_kmod_open();
	if (!kctx) {
		free(options);
		return CVMCTL_EXIT_FAIL;
	}
	if (argc >= 1) {
		if (dir ? cvm_load_path(kctx, dir, argv[0], options, 0) :
			  cvm_load_lookup(kctx, argv[0], options))
			ret = CVMCTL_EXIT_FAIL;
	} else {
		for (i = 0; i < (int)ARRAY_SIZE(cvm_default_modules); i++) {
			const char *name = cvm_default_modules[i];

			if (dir ? cvm_load_path(kctx, dir, name, NULL, 0) :
				  cvm_load_lookup(kctx, name, NULL)) {
				ret = CVMCTL_EXIT_FAIL;
				break;
			}
		}
	}
	kmod_unref(kctx);
	free(options);
	return ret;
usage:
	cvmctl_usage_hint(&cvmctl_cmd_load);
	return CVMCTL_EXIT_USAGE;
}

/* "a, b" of the modules that hold @mod; "" if none. */
static void cvm_holders(struct kmod_module *mod, char *buf, size_t size)
{
	struct kmod_list *list, *itr;
	size_t len = 0;

	buf[0] = '\0';
	list = kmod_module_get_holders(mod);
	kmod_list_foreach(itr, list) {
		struct kmod_module *h = kmod_module_get_module(itr);

		if (len < size)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "",
					kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	kmod_module_unref_list(list);
}

/*
 * The devices attached to the bounce pool, space-separated, into @buf:
 * each holds a reference to cvm_bounce. Returns whether there is any.
 */
static bool cvm_bounce_attached(char *buf, size_t size)
{
	char line[128];
	size_t len = 0;
	FILE *f;

	buf[0] = '\0';
	f = fopen(CVM_BOUNCE_ATTACH, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && len < size)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? " " : "", line);
	}
	fclose(f);
	return buf[0] != '\0';
}

static int cvm_unload_one(struct kmod_ctx *kctx, const char *name)
{
	struct kmod_module *mod;
	char holders[256];
	int err, refcnt;

	err = kmod_module_new_from_name(kctx, name, &mod);
	if (err < 0) {
		cvmctl_err("unload %s: %s", name, strerror(-err));
		return -1;
	}
	if (!cvm_mod_loaded(mod)) {
		kmod_module_unref(mod);
		return 0;
	}
	if (kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN) {
		cvmctl_err("%s is built into the kernel and cannot be unloaded",
			   name);
		goto fail;
	}
	cvm_holders(mod, holders, sizeof(holders));
	if (holders[0]) {
		cvmctl_err("%s is in use by %s; unload that first", name,
			   holders);
		goto fail;
	}
	err = kmod_module_remove_module(mod, 0);
	if (err == -EPERM || err == -EACCES) {
		cvmctl_err("permission denied: unloading %s needs CAP_SYS_MODULE (run as root)",
			   name);
		goto fail;
	}
	if ((err == -EBUSY || err == -EAGAIN) && !strcmp(name, "cvm_bounce") &&
	    cvm_bounce_attached(holders, sizeof(holders))) {
		cvmctl_err("cvm_bounce is in use by the devices attached to its pool; detach them first (cvmctl pool detach DEVICE): %s",
			   holders);
		goto fail;
	}
	if (err == -EBUSY || err == -EAGAIN) {
		refcnt = kmod_module_get_refcnt(mod);
		cvmctl_err("%s is in use (%d references); close what uses it first",
			   name, refcnt);
		goto fail;
	}
	if (err < 0 && err != -ENOENT) {
		cvmctl_err("cannot unload %s: %s", name, strerror(-err));
		goto fail;
	}
	kmod_module_unref(mod);
	return 0;
fail:
	kmod_module_unref(mod);
	return -1;
}

static int cvmctl_do_unload(const struct cvmctl_ctx *ctx, int argc,
			    char **argv)
{
	struct kmod_ctx *kctx;
	int i, ret = CVMCTL_EXIT_OK;

	(void)ctx;
	if (argc > 1) {
		cvmctl_err("unload: unexpected argument '%s'", argv[1]);
		goto usage;
	}
	if (argc == 1 && !cvm_valid_module_name(argv[0])) {
		cvmctl_err("unload: invalid module name '%s'", argv[0]);
		goto usage;
	}
	kctx = cvm_kmod_open();
	if (!kctx)
		return CVMCTL_EXIT_FAIL;
	if (argc == 1) {
		if (cvm_unload_one(kctx, argv[0]))
			ret = CVMCTL_EXIT_FAIL;
	} else {
		for (i = ARRAY_SIZE(cvm_default_modules) - 1; i >= 0; i--) {
			if (cvm_unload_one(kctx, cvm_default_modules[i])) {
				ret = CVMCTL_EXIT_FAIL;
				break;
			}
		}
	}
	kmod_unref(kctx);
	return ret;
usage:
	cvmctl_usage_hint(&cvmctl_cmd_unload);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_load = {
	.name = "load",
	.args = "[--dir DIR] [MODULE [OPTION=VALUE...]]",
	.help = "load cvm_core and cvm_convert, or MODULE (libkmod); needs root",
	.handler = cvmctl_do_load,
};

const struct cvmctl_cmd cvmctl_cmd_unload = {
	.name = "unload",
	.args = "[MODULE]",
	.help = "unload cvm_convert and cvm_core, or MODULE; needs root",
	.handler = cvmctl_do_unload,
};
