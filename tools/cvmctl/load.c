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

#include <libkmod.h>

#include "cvmctl.h"

static const char *const cvm_default_modules[] = { "cvm_core", "cvm_convert" };

#define CVM_DEP_DEPTH	8

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

static void cvm_load_perror(const char *name, int err)
{
	if (err == EPERM || err == EACCES)
		cvmctl_err("permission denied: loading %s needs CAP_SYS_MODULE (run as root)",
			   name);
	else if (err == ENOENT)
		cvmctl_err("module %s not found (install it with 'make modules_install', or use --dir)",
			   name);
	else
		cvmctl_err("cannot load %s: %s", name, strerror(err));
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
		cvm_load_perror(path, -err);
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
		cvm_load_perror(name, -err);
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
		cvm_load_perror(name, err < 0 ? -err : ENOENT);
		return -1;
	}
	kmod_list_foreach(itr, list) {
		struct kmod_module *mod = kmod_module_get_module(itr);

		err = kmod_module_probe_insert_module(mod,
						      KMOD_PROBE_IGNORE_LOADED,
						      options, NULL, NULL,
						      NULL);
		kmod_module_unref(mod);
		if (err < 0) {
			cvm_load_perror(name, -err);
			goto out;
		}
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
