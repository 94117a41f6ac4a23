// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl status: platform posture and cvm_core state (get-status over
 * netlink) plus the loaded cvmguard modules (libkmod and sysfs).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libkmod.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/cvm.h>

#include "cvmctl.h"
#include "json.h"
#include "nl.h"

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

static const char *const cvm_status_attr_names[CVM_A_STATUS_MAX + 1] = {
	[CVM_A_STATUS_VERSION]		= "version",
	[CVM_A_STATUS_TECHNOLOGY]	= "technology",
	[CVM_A_STATUS_TECHNOLOGY_NAME]	= "technology-name",
	[CVM_A_STATUS_MEM_ENCRYPT]	= "mem-encrypt",
	[CVM_A_STATUS_EVENT_RATELIMIT]	= "event-ratelimit",
	[CVM_A_STATUS_EVENTS_SENT]	= "events-sent",
	[CVM_A_STATUS_EVENTS_DROPPED]	= "events-dropped",
	[CVM_A_STATUS_MODULE]		= "module",
};

_Static_assert(CVM_A_STATUS_MAX < 32, "status attributes must fit a u32 mask");
_Static_assert(CVM_NR_KNOWN <= 32, "known modules must fit a u32 mask");

/* The get-status reply. */
struct cvm_status {
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
		cvm_nl_perror("get-status", &err);
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
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/version", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
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

#define CVM_TEXT_LINE	"%-18s%s\n"

static void cvm_status_print_text(const struct cvm_status *st,
				  const struct cvm_module_state *mods)
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
}

static int cvm_status_print_json(const struct cvmctl_ctx *ctx,
				 const struct cvm_status *st,
				 const struct cvm_module_state *mods)
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
		jsonw_end_object(&jw);
	}
	jsonw_end_array(&jw);
	jsonw_end_object(&jw);

	if (jsonw_finish(&jw) && !ferror(stdout)) {
		cvmctl_err("internal error: unbalanced JSON output");
		return -1;
	}
	return 0;
}

static int cvmctl_do_status(const struct cvmctl_ctx *ctx, int argc,
			    char **argv)
{
	struct cvm_module_state mods[CVM_NR_KNOWN] = { 0 };
	struct cvm_status st = { 0 };

	if (argc) {
		cvmctl_err("status: unexpected argument '%s'%s", argv[0],
			   argv[0][0] == '-' ?
			   " (global options go before the command)" : "");
		cvmctl_usage_hint(&cvmctl_cmd_status);
		return CVMCTL_EXIT_USAGE;
	}

	if (cvm_status_fetch(&st))
		return CVMCTL_EXIT_FAIL;
	if (cvm_modules_collect(mods))
		return CVMCTL_EXIT_FAIL;

	if (!ctx->json) {
		cvm_status_print_text(&st, mods);
		return CVMCTL_EXIT_OK;
	}
	return cvm_status_print_json(ctx, &st, mods) ?
	       CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
}

const struct cvmctl_cmd cvmctl_cmd_status = {
	.name = "status",
	.args = "",
	.help = "show platform posture, cvm_core state and loaded modules",
	.handler = cvmctl_do_status,
};
