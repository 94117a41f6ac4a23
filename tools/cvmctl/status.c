// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl status: platform posture and cvm_core state (get-status over
 * netlink) plus the loaded cvmguard modules (libkmod and sysfs), the
 * posture files (posture.c) and each feature module's headline numbers
 * (headline.c); and
 * `status --check`, which turns the posture into an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "headline.h"
#include "json.h"
#include "nl.h"
#include "posture.h"

#define CVM_STR_LEN	64

/* The cvmguard modules, in the order status lists them. */
static const struct {
	const char *name;
	int id;		/* enum cvm_module, -1 if it never registers */
} cvm_known_modules[] = {
	{ "cvm_core",		CVM_MODULE_CORE },
	{ "cvm_convert",	CVM_MODULE_CONVERT },
	{ "cvm_bounce",		CVM_MODULE_BOUNCE },
	{ "cvm_ring",		CVM_MODULE_RING },
	{ "cvm_hostsim",	-1 },
};

#define CVM_NR_KNOWN	ARRAY_SIZE(cvm_known_modules)

#define CVM_STATUS_NAME(attr, name, type) [attr] = #name,
static const char *const cvm_status_attr_names[CVM_A_STATUS_MAX + 1] = {
	CVM_STATUS_ATTRS(CVM_STATUS_NAME)
	[CVM_A_STATUS_MODULE] = "module",
};

_Static_assert(CVM_A_STATUS_MAX < 32, "status attributes must fit a u32 mask");
_Static_assert(CVM_NR_KNOWN <= 32, "known modules must fit a u32 mask");

#define CVM_CORE_MODULE_DIR	"/sys/module/cvm_core"

/* cvm_core is not loaded: can it be, and why (not). */
struct cvm_not_loaded {
	enum cvm_tristate loadable;
	char why[512];
};

/* The get-status reply. */
struct cvm_status {
	const struct cvm_not_loaded *not_loaded;	/* NULL: cvm_core loaded */
	bool got_reply;
	const char *bad_attr;	/* first malformed attribute, if any */
	uint32_t present;	/* bit per CVM_A_STATUS_* received */
	char version[CVM_STR_LEN];
	uint32_t technology;
	char technology_name[CVM_STR_LEN];
	uint8_t mem_encrypt;
	uint32_t event_ratelimit;
	uint64_t events_sent;
	uint64_t events_dropped;
	uint32_t registered;	/* bit per cvm_known_modules[] entry */
};

/* What libkmod and sysfs say about one of cvm_known_modules[]. */
struct cvm_module_state {
	bool loaded;
	bool has_version;
	char version[CVM_STR_LEN];
	const char *state;
	int refcnt;		/* < 0: unknown */
};

static bool cvm_status_has(const struct cvm_status *st, int type)
{
	return st->present & (1u << type);
}

/*
 * Which of cvm_known_modules[] a module nest names: by name ("cvm_core",
 * or "core" as in the module enum), else by id.
 * Return: the index, -1 for a module we do not know, -2 if malformed.
 */
static int cvm_status_module_index(struct nlattr *nest)
{
	struct nlattr *tb[CVM_A_MODULE_INFO_MAX + 1];
	char name[CVM_STR_LEN];
	uint32_t id;
	size_t i;

	if (nla_parse_nested(tb, CVM_A_MODULE_INFO_MAX, nest, NULL))
		return -2;

	if (tb[CVM_A_MODULE_INFO_NAME]) {
		cvm_nla_get_str(tb[CVM_A_MODULE_INFO_NAME], name, sizeof(name));
		for (i = 0; i < CVM_NR_KNOWN; i++) {
			const char *known = cvm_known_modules[i].name;

			if (!strcmp(name, known) ||
			    !strcmp(name, known + strlen("cvm_")))
				return i;
		}
		return -1;
	}

	if (tb[CVM_A_MODULE_INFO_ID]) {
		if (cvm_nla_get_u32(tb[CVM_A_MODULE_INFO_ID], &id))
			return -2;
		for (i = 0; i < CVM_NR_KNOWN; i++)
			if (cvm_known_modules[i].id >= 0 &&
			    (uint32_t)cvm_known_modules[i].id == id)
				return i;
	}
	return -1;
}

static int cvm_status_parse(struct nl_msg *msg, void *arg)
{
	struct cvm_status *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		if (!st->bad_attr)
			st->bad_attr = "genetlink header";
		return NL_SKIP;
	}
	gnlh = nlmsg_data(nlh);
	st->got_reply = true;

	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		int type = nla_type(nla);
		int bad = 0, idx;

		switch (type) {
		case CVM_A_STATUS_VERSION:
			bad = cvm_nla_get_str(nla, st->version,
					      sizeof(st->version));
			break;
		case CVM_A_STATUS_TECHNOLOGY:
			bad = cvm_nla_get_u32(nla, &st->technology);
			break;
		case CVM_A_STATUS_TECHNOLOGY_NAME:
			bad = cvm_nla_get_str(nla, st->technology_name,
					      sizeof(st->technology_name));
			break;
		case CVM_A_STATUS_MEM_ENCRYPT:
			bad = cvm_nla_get_u8(nla, &st->mem_encrypt);
			break;
		case CVM_A_STATUS_EVENT_RATELIMIT:
			bad = cvm_nla_get_u32(nla, &st->event_ratelimit);
			break;
		case CVM_A_STATUS_EVENTS_SENT:
			bad = cvm_nla_get_u64(nla, &st->events_sent);
			break;
		case CVM_A_STATUS_EVENTS_DROPPED:
			bad = cvm_nla_get_u64(nla, &st->events_dropped);
			break;
		case CVM_A_STATUS_MODULE:
			idx = cvm_status_module_index(nla);
			if (idx == -2)
				bad = -1;
			else if (idx >= 0)
				st->registered |= 1u << idx;
			break;
		default:
			/* From a newer kernel: not ours to judge. */
			continue;
		}
		if (bad) {
			if (!st->bad_attr)
				st->bad_attr = cvm_status_attr_names[type];
			continue;
		}
		st->present |= 1u << type;
	}
	return NL_OK;
}

static int cvm_status_fetch(struct cvm_status *st)
{
	struct cvm_nl_err err;
	struct nl_msg *msg;
	struct cvm_nl nl;
	int ret = -1;

	if (cvm_nl_open(&nl))
		return -1;

	msg = cvm_nl_new_req(&nl, CVM_CMD_GET_STATUS);
	if (!msg) {
		cvmctl_err("get-status: %s", strerror(ENOMEM));
		goto out;
	}
	if (cvm_nl_do(&nl, msg, cvm_status_parse, st, &err)) {
		cvm_nl_perror(cvm_op_str(CVM_CMD_GET_STATUS), &err);
		goto out;
	}
	if (st->bad_attr) {
		cvmctl_err("get-status: malformed attribute '%s' in the kernel's reply",
			   st->bad_attr);
		goto out;
	}
	if (!st->got_reply) {
		cvmctl_err("get-status: the kernel sent no reply");
		goto out;
	}
	ret = 0;
out:
	cvm_nl_close(&nl);
	return ret;
}

/* Read /sys/module/<name>/version; false if missing or empty. */
static bool cvm_read_module_version(const char *name, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/version", name);
	return cvm_read_line(path, buf, size) && buf[0] != '\0';
}

static void cvm_kmod_quiet(void *data, int priority, const char *file,
			   int line, const char *fn, const char *format,
			   va_list args)
{
	/* Failures are reported by the callers, in cvmctl's words. */
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

static void cvm_module_fill(struct cvm_module_state *m,
			    const struct kmod_module *mod, const char *name)
{
	int initstate;

	m->loaded = true;
	initstate = kmod_module_get_initstate(mod);
	m->state = initstate < 0 ? NULL : kmod_module_initstate_str(initstate);
	if (!m->state)
		m->state = "unknown";
	m->refcnt = kmod_module_get_refcnt(mod);
	m->has_version = cvm_read_module_version(name, m->version,
						 sizeof(m->version));
}

static int cvm_modules_collect(struct cvm_module_state *mods)
{
	/* No modprobe.d: listing loaded modules needs no configuration. */
	static const char *const no_config[] = { NULL };
	struct kmod_list *list = NULL, *itr;
	struct kmod_ctx *kctx;
	int ret;

	kctx = kmod_new(NULL, no_config);
	if (!kctx) {
		cvmctl_err("cannot initialise libkmod");
		return -1;
	}
	kmod_set_log_fn(kctx, cvm_kmod_quiet, NULL);

	ret = kmod_module_new_from_loaded(kctx, &list);
	if (ret < 0) {
		cvmctl_err("cannot list loaded modules: %s", strerror(-ret));
		kmod_unref(kctx);
		return -1;
	}

	kmod_list_foreach(itr, list) {
		struct kmod_module *mod = kmod_module_get_module(itr);
		const char *name = kmod_module_get_name(mod);
		size_t i;

		for (i = 0; i < CVM_NR_KNOWN; i++)
			if (!strcmp(name, cvm_known_modules[i].name))
				cvm_module_fill(&mods[i], mod, name);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	kmod_unref(kctx);
	return 0;
}

/*
 * The kernel names the technology itself, so a newer kernel's names show
 * up without a new cvmctl. NULL when it said nothing.
 */
static const char *cvm_status_technology(const struct cvm_status *st)
{
	if (cvm_status_has(st, CVM_A_STATUS_TECHNOLOGY_NAME) &&
	    st->technology_name[0])
		return st->technology_name;
	return NULL;
}

static const char *cvm_fmt_u64(char *buf, size_t size, bool has, uint64_t v)
{
	if (!has)
		return "-";
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static void cvm_param_text(const char *param, const char *value, void *arg)
{
	char line[128];

	snprintf(line, sizeof(line), "%s.%s=%s", (const char *)arg, param,
		 value);
	printf("%-18s%s\n", "param:", line);
}

static void cvm_param_json(const char *param, const char *value, void *arg)
{
	jsonw_string_field(arg, param, value);
}

#define CVM_TEXT_LINE	"%-18s%s\n"

static void cvm_status_print_text(const struct cvm_status *st,
				  const struct cvm_module_state *mods,
				  const struct cvm_posture *pos,
				  const struct cvm_headlines *heads)
{
	const char *tech = cvm_status_technology(st);
	char num[24];
	size_t i;

	printf(CVM_TEXT_LINE, "technology:", tech ? tech : "-");
	printf(CVM_TEXT_LINE, "mem_encrypt:",
	       !cvm_status_has(st, CVM_A_STATUS_MEM_ENCRYPT) ? "-" :
	       st->mem_encrypt ? "active" : "inactive");
	printf(CVM_TEXT_LINE, "version:",
	       cvm_status_has(st, CVM_A_STATUS_VERSION) ? st->version : "-");
	printf(CVM_TEXT_LINE, "event_ratelimit:",
	       cvm_fmt_u64(num, sizeof(num),
			   cvm_status_has(st, CVM_A_STATUS_EVENT_RATELIMIT),
			   st->event_ratelimit));
	printf(CVM_TEXT_LINE, "events_sent:",
	       cvm_fmt_u64(num, sizeof(num),
			   cvm_status_has(st, CVM_A_STATUS_EVENTS_SENT),
			   st->events_sent));
	printf(CVM_TEXT_LINE, "events_dropped:",
	       cvm_fmt_u64(num, sizeof(num),
			   cvm_status_has(st, CVM_A_STATUS_EVENTS_DROPPED),
			   st->events_dropped));

	for (i = 0; i < CVM_NR_KNOWN; i++) {
		const struct cvm_module_state *m = &mods[i];
		char refcnt[16];

		if (!m->loaded)
			continue;
		if (m->refcnt < 0)
			snprintf(refcnt, sizeof(refcnt), "-");
		else
			snprintf(refcnt, sizeof(refcnt), "%d", m->refcnt);
		printf("%-18s%s %s %s refcnt=%s\n", "module:",
		       cvm_known_modules[i].name,
		       m->has_version ? m->version : "-", m->state, refcnt);
	}
	if (st->not_loaded)
		printf("%-18scvm_core not loaded: %s\n", "module:",
		       st->not_loaded->why);

	/* Appended after the original lines: their consumers keep working. */
	cvm_posture_print_text(pos);
	for (i = 0; i < CVM_NR_KNOWN; i++)
		if (mods[i].loaded)
			cvm_module_params(cvm_known_modules[i].name,
					  cvm_param_text,
					  (void *)cvm_known_modules[i].name);
	cvm_headlines_print_text(heads);
}

static int cvm_status_print_json(const struct cvmctl_ctx *ctx,
				 const struct cvm_status *st,
				 const struct cvm_module_state *mods,
				 const struct cvm_posture *pos,
				 const struct cvm_headlines *heads)
{
	struct jsonw jw;
	size_t i;

	jsonw_init(&jw, stdout, ctx->pretty);
	jsonw_start_object(&jw);

	jsonw_string_field(&jw, "technology", cvm_status_technology(st));
	if (cvm_status_has(st, CVM_A_STATUS_MEM_ENCRYPT))
		jsonw_bool_field(&jw, "mem_encrypt", st->mem_encrypt);
	else
		jsonw_null_field(&jw, "mem_encrypt");
	jsonw_string_field(&jw, "version",
			   cvm_status_has(st, CVM_A_STATUS_VERSION) ?
			   st->version : NULL);
	if (cvm_status_has(st, CVM_A_STATUS_EVENT_RATELIMIT))
		jsonw_uint_field(&jw, "event_ratelimit", st->event_ratelimit);
	else
		jsonw_null_field(&jw, "event_ratelimit");
	if (cvm_status_has(st, CVM_A_STATUS_EVENTS_SENT))
		jsonw_uint_field(&jw, "events_sent", st->events_sent);
	else
		jsonw_null_field(&jw, "events_sent");
	if (cvm_status_has(st, CVM_A_STATUS_EVENTS_DROPPED))
		jsonw_uint_field(&jw, "events_dropped", st->events_dropped);
	else
		jsonw_null_field(&jw, "events_dropped");

	jsonw_name(&jw, "modules");
	jsonw_start_array(&jw);
	for (i = 0; i < CVM_NR_KNOWN; i++) {
		const struct cvm_module_state *m = &mods[i];

		if (!m->loaded)
			continue;
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "name", cvm_known_modules[i].name);
		jsonw_string_field(&jw, "version",
				   m->has_version ? m->version : NULL);
		jsonw_string_field(&jw, "state", m->state);
		if (m->refcnt >= 0)
			jsonw_uint_field(&jw, "refcnt", m->refcnt);
		else
			jsonw_null_field(&jw, "refcnt");
		jsonw_bool_field(&jw, "registered",
				 st->registered & (1u << i));
		jsonw_name(&jw, "parameters");
		jsonw_start_object(&jw);
		cvm_module_params(cvm_known_modules[i].name, cvm_param_json,
				  &jw);
		jsonw_end_object(&jw);
		jsonw_end_object(&jw);
	}
	jsonw_end_array(&jw);
	/* null while cvm_core is loaded */
	jsonw_name(&jw, "not_loaded");
	if (st->not_loaded) {
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "module", "cvm_core");
		if (st->not_loaded->loadable == CVM_UNKNOWN)
			jsonw_null_field(&jw, "loadable");
		else
			jsonw_bool_field(&jw, "loadable",
					 st->not_loaded->loadable == CVM_YES);
		jsonw_string_field(&jw, "why", st->not_loaded->why);
		jsonw_end_object(&jw);
	} else {
		jsonw_null(&jw);
	}

	cvm_posture_print_json(&jw, pos);
	cvm_headlines_print_json(&jw, heads);
	jsonw_end_object(&jw);

	if (jsonw_finish(&jw) && !ferror(stdout)) {
		cvmctl_err("internal error: unbalanced JSON output");
		return -1;
	}
	return 0;
}

/* ---- status --check -------------------------------------------------- */

/* The items, in the order they are checked and reported. */
enum cvm_check {
	CVM_CHECK_CVM,
	CVM_CHECK_MEM_ENCRYPT,
	CVM_CHECK_SECURE_BOOT,
	CVM_CHECK_LOCKDOWN,
	CVM_CHECK_TPM,
	CVM_CHECK_SIG_ENFORCE,
	CVM_CHECK_TAINT,
	CVM_NR_CHECKS
};

static const char *const cvm_check_items[CVM_NR_CHECKS] = {
	[CVM_CHECK_CVM]		= "cvm",
	[CVM_CHECK_MEM_ENCRYPT]	= "mem_encrypt",
	[CVM_CHECK_SECURE_BOOT]	= "secure_boot",
	[CVM_CHECK_LOCKDOWN]	= "lockdown",
	[CVM_CHECK_TPM]		= "tpm",
	[CVM_CHECK_SIG_ENFORCE]	= "sig_enforce",
	[CVM_CHECK_TAINT]	= "taint",
};

#define CVM_CHECK_ALL	((1u << CVM_NR_CHECKS) - 1)

/*
 * "ITEM,ITEM" to a mask of cvm_check_items[].
 * Return: 0, or -1 after saying which item is unknown.
 */
static int cvm_check_parse(const char *opt, const char *list, uint32_t *mask)
{
	char *copy, *tok, *save = NULL;
	int ret = 0;
	size_t i;

	*mask = 0;
	copy = strdup(list);
	if (!copy) {
		cvmctl_err("status: %s", strerror(ENOMEM));
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < CVM_NR_CHECKS; i++)
			if (!strcmp(tok, cvm_check_items[i]))
				break;
		if (i == CVM_NR_CHECKS) {
			cvmctl_err("status: %s: unknown item '%s' (items: cvm, mem_encrypt, secure_boot, lockdown, tpm, sig_enforce, taint)",
				   opt, tok);
			ret = -1;
			break;
		}
		*mask |= 1u << i;
	}
	if (!ret && !*mask) {
		cvmctl_err("status: %s: no items given", opt);
		ret = -1;
	}
	free(copy);
	return ret;
}

/* Why item @i fails, or NULL when it passes. */
static const char *cvm_check_reason(enum cvm_check i,
				    const struct cvm_status *st,
				    const struct cvm_posture *p,
				    char *buf, size_t size)
{
	const char *tech = cvm_status_technology(st);
	char taint[64];

	switch (i) {
	case CVM_CHECK_CVM:
		if (tech && strcmp(tech, "none"))
			return NULL;
		snprintf(buf, size, "not a confidential VM (technology: %s)",
			 tech ? tech : "unknown");
		return buf;
	case CVM_CHECK_MEM_ENCRYPT:
		if (cvm_status_has(st, CVM_A_STATUS_MEM_ENCRYPT) &&
		    st->mem_encrypt)
			return NULL;
		return cvm_status_has(st, CVM_A_STATUS_MEM_ENCRYPT) ?
		       "memory encryption is inactive" :
		       "memory encryption state unknown";
	case CVM_CHECK_SECURE_BOOT:
		if (p->efi == CVM_YES && p->secure_boot == CVM_YES)
			return NULL;
		snprintf(buf, size, "secure boot %s",
			 cvm_posture_secure_boot_str(p));
		return buf;
	case CVM_CHECK_LOCKDOWN:
		if (p->lockdown[0] && strcmp(p->lockdown, "none"))
			return NULL;
		return p->lockdown[0] ? "lockdown mode is none" :
		       "lockdown unavailable (no lockdown LSM or securityfs)";
	case CVM_CHECK_TPM:
		return p->tpm ? NULL : "no TPM (/sys/class/tpm/tpm0 absent)";
	case CVM_CHECK_SIG_ENFORCE:
		if (p->sig_enforce == CVM_YES)
			return NULL;
		return p->sig_enforce == CVM_NO ?
		       "module signatures are not enforced" :
		       "module signature enforcement unavailable";
	case CVM_CHECK_TAINT:
		if (p->taint_known && !(p->taint & ~CVM_TAINT_TOLERATED))
			return NULL;
		snprintf(buf, size, "kernel tainted: %s",
			 cvm_posture_taint_str(p, taint, sizeof(taint)));
		return buf;
	case CVM_NR_CHECKS:
		break;
	}
	return "unknown item";
}

static int cvm_status_check(uint32_t mask, const struct cvm_status *st,
			    const struct cvm_posture *p)
{
	int ret = CVMCTL_EXIT_OK;
	const char *why;
	char buf[128];
	size_t i;

	for (i = 0; i < CVM_NR_CHECKS; i++) {
		if (!(mask & (1u << i)))
			continue;
		why = cvm_check_reason((enum cvm_check)i, st, p, buf,
				       sizeof(buf));
		if (why) {
			cvmctl_err("check failed: %s: %s", cvm_check_items[i],
				   why);
			ret = CVMCTL_EXIT_CHECK;
		}
	}
	return ret;
}

static const struct option cvm_status_options[] = {
	{ "check",	optional_argument, NULL, 'c' },
	{ "skip",	required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

static bool cvm_is_global_opt(const char *arg)
{
	static const char *const opts[] = {
		"-j", "-p", "-h", "-V", "--json", "--pretty", "--help",
		"--version",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(arg, opts[i]))
			return true;
	return false;
}

static int cvmctl_do_status(const struct cvmctl_ctx *ctx, int argc,
			    char **argv)
{
	struct cvm_module_state mods[CVM_NR_KNOWN] = { 0 };
	struct cvm_headlines heads;
	struct cvm_status st = { 0 };
	struct cvm_not_loaded nl;
	struct cvm_posture pos;
	uint32_t check = 0, skip = 0, m;
	bool checking = false;
	int opt;

	/*
	 * getopt_long wants argv[0] to be the program: shift by one. 0, not
	 * 1: a full restart, main() has used getopt on another vector.
	 */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "+", cvm_status_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			checking = true;
			m = CVM_CHECK_ALL;
			if (optarg && cvm_check_parse("--check", optarg, &m))
				goto usage;
			check |= m;
			break;
		case 's':
			if (cvm_check_parse("--skip", optarg, &m))
				goto usage;
			skip |= m;
			break;
		default:
			cvmctl_err("status: unexpected argument '%s'%s",
				   argv[optind - 2],
				   cvm_is_global_opt(argv[optind - 2]) ?
				   " (global options go before the command)" :
				   "");
			goto usage;
		}
	}
	if (optind - 1 < argc) {
		cvmctl_err("status: unexpected argument '%s'%s",
			   argv[optind - 1], argv[optind - 1][0] == '-' ?
			   " (global options go before the command)" : "");
		goto usage;
	}
	if (skip && !checking) {
		cvmctl_err("status: --skip needs --check");
		goto usage;
	}

	/*
	 * Without cvm_core, the posture is still worth showing, and so is
	 * why the module is not loaded (the usual reason on a locked-down
	 * guest: it could not be).
	 */
	if (access(CVM_CORE_MODULE_DIR, F_OK)) {
		nl.loadable = cvm_load_diagnose("cvm_core", nl.why,
						sizeof(nl.why));
		st.not_loaded = &nl;
	} else if (cvm_status_fetch(&st)) {
		return CVMCTL_EXIT_FAIL;
	}
	cvm_posture_probe(&pos);
	if (checking) {
		if (st.not_loaded)
			cvmctl_err("cvm_core is not loaded: %s", nl.why);
		return cvm_status_check(check & ~skip, &st, &pos);
	}

	/* The others depend on cvm_core: none is loaded without it. */
	if (!st.not_loaded && cvm_modules_collect(mods))
		return CVMCTL_EXIT_FAIL;
	memset(&heads, 0, sizeof(heads));
	if (!st.not_loaded)
		cvm_headlines_fetch(&heads);

	if (!ctx->json) {
		cvm_status_print_text(&st, mods, &pos, &heads);
		return CVMCTL_EXIT_OK;
	}
	return cvm_status_print_json(ctx, &st, mods, &pos, &heads) ?
	       CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
usage:
	cvmctl_usage_hint(&cvmctl_cmd_status);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_status = {
	.name = "status",
	.args = "[--check[=ITEMS] [--skip=ITEMS]]",
	.help = "show platform posture, cvm_core state and loaded modules; --check: exit 3 if the posture is weak",
	.handler = cvmctl_do_status,
};
