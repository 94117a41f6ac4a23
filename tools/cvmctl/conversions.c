// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl conversions: the shared-page ledger of cvm_convert.
 *
 *	conversions			totals (conv-get) and owners
 *					(conv-owner-get dump)
 *	conversions --ranges		ranges (conv-range-get dump)
 *	conversions observer on|off	conv-set
 *
 * The owner table is sorted, so the owners are collected first (there are
 * few).  Ranges can number hundreds of thousands: each one is printed as
 * its message arrives, in text and in JSON, and nothing is kept.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "json.h"
#include "nl.h"

/* Owner tags are short names or kernel symbols; longer ones are cut. */
#define CVM_OWNER_LEN	128
#define CVM_REASON_LEN	128

#define CVM_TEXT_LINE	"%-18s%s\n"

/* Text layout; documented in cvmctl.8, keep it stable. */
#define CVM_OWNER_HDR	"%10s %10s %10s %10s %10s %10s %10s  %s\n"
#define CVM_OWNER_ROW	CVM_OWNER_HDR
#define CVM_RANGE_HDR	"%-12s %10s %-7s %12s  %s\n"
#define CVM_RANGE_ROW	CVM_RANGE_HDR

/* ---- attribute tables --------------------------------------------------- */

static const struct cvm_nl_field cvm_conv_fields[CVM_A_CONV_MAX + 1] = {
	CVM_CONV_ATTRS(CVM_NL_FIELD)
};

/* The order of the totals, text and JSON alike. */
static const int cvm_conv_order[] = {
	CVM_A_CONV_SHARED_PAGES, CVM_A_CONV_PEAK_PAGES,
	CVM_A_CONV_SHARE_OPS, CVM_A_CONV_UNSHARE_OPS,
	CVM_A_CONV_SHARE_FAILURES, CVM_A_CONV_UNSHARE_FAILURES,
	CVM_A_CONV_LEAKED_PAGES, CVM_A_CONV_ANOMALIES,
	CVM_A_CONV_RANGES, CVM_A_CONV_OWNERS,
	CVM_A_CONV_OBSERVER, CVM_A_CONV_OBSERVER_REASON,
	CVM_A_CONV_OBSERVED_OPS,
};

static const struct cvm_nl_field cvm_owner_fields[CVM_A_CONV_OWNER_MAX + 1] = {
	CVM_CONV_OWNER_ATTRS(CVM_NL_FIELD)
};

static const struct cvm_nl_field cvm_range_fields[CVM_A_CONV_RANGE_MAX + 1] = {
	CVM_CONV_RANGE_ATTRS(CVM_NL_FIELD)
};


_Static_assert(CVM_A_CONV_MAX < 64, "conv attributes must fit the u64 mask");
_Static_assert(CVM_OWNER_LEN <= CVM_NL_VALS_STR && CVM_REASON_LEN <= CVM_NL_VALS_STR,
	       "cvm_nl_vals.str too small");

static const char *cvm_fmt_num(char *buf, size_t size,
			       const struct cvm_nl_vals *v, int type)
{
	if (!cvm_nl_vals_has(v, type))
		return "-";
	snprintf(buf, size, "%" PRIu64, v->num[type]);
	return buf;
}

static void cvm_json_num(struct jsonw *jw, const char *key,
			 const struct cvm_nl_vals *v, int type)
{
	if (cvm_nl_vals_has(v, type))
		jsonw_uint_field(jw, key, v->num[type]);
	else
		jsonw_null_field(jw, key);
}

static const char *cvm_state_name(const struct cvm_nl_vals *v)
{
	uint64_t s = v->num[CVM_A_CONV_RANGE_STATE];

	if (!cvm_nl_vals_has(v, CVM_A_CONV_RANGE_STATE))
		return NULL;
	if (s <= UINT32_MAX && cvm_conv_state_str(s))
		return cvm_conv_state_str(s);
	return "unknown";
}

/* ---- requests ------------------------------------------------------------ */

/* ---- summary: totals and owners ----------------------------------------- */

struct cvm_summary {
	bool got_totals;
	const char *bad_attr;
	const char *bad_what;
	struct cvm_nl_vals totals;
	struct cvm_nl_vals *owners;
	size_t n_owners;
	size_t cap_owners;
	bool nomem;
};

static void cvm_summary_bad(struct cvm_summary *s, const char *what,
			    const char *attr)
{
	if (!s->bad_attr) {
		s->bad_attr = attr;
		s->bad_what = what;
	}
}

static int cvm_totals_parse(struct nl_msg *msg, void *arg)
{
	struct cvm_summary *s = arg;
	const char *bad;

	bad = cvm_nl_parse_fields(msg, cvm_conv_fields, CVM_A_CONV_MAX, &s->totals);
	if (bad)
		cvm_summary_bad(s, cvm_op_str(CVM_CMD_CONV_GET), bad);
	else
		s->got_totals = true;
	return NL_OK;
}

static int cvm_owner_parse(struct nl_msg *msg, void *arg)
{
	struct cvm_summary *s = arg;
	struct cvm_nl_vals *o;
	const char *bad;

	if (s->bad_attr || s->nomem)
		return NL_SKIP;
	if (s->n_owners == s->cap_owners) {
		size_t cap = s->cap_owners ? 2 * s->cap_owners : 16;

		o = realloc(s->owners, cap * sizeof(*o));
		if (!o) {
			s->nomem = true;
			return NL_SKIP;
		}
		s->owners = o;
		s->cap_owners = cap;
	}
	o = &s->owners[s->n_owners];
	bad = cvm_nl_parse_fields(msg, cvm_owner_fields, CVM_A_CONV_OWNER_MAX, o);
	if (bad) {
		cvm_summary_bad(s, cvm_op_str(CVM_CMD_CONV_OWNER_GET), bad);
		return NL_SKIP;
	}
	s->n_owners++;
	return NL_OK;
}

/* Most shared pages first, then by name; a missing count sorts as 0. */
static int cvm_owner_cmp(const void *a, const void *b)
{
	const struct cvm_nl_vals *x = a, *y = b;
	uint64_t px = x->num[CVM_A_CONV_OWNER_SHARED_PAGES];
	uint64_t py = y->num[CVM_A_CONV_OWNER_SHARED_PAGES];

	if (px != py)
		return px > py ? -1 : 1;
	return strcmp(x->str, y->str);
}

static void cvm_summary_print_text(const struct cvm_summary *s)
{
	const struct cvm_nl_vals *t = &s->totals;
	char num[24], key[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cvm_conv_order); i++) {
		int type = cvm_conv_order[i];
		const char *val;

		snprintf(key, sizeof(key), "%s:", cvm_conv_fields[type].key);
		if (type == CVM_A_CONV_OBSERVER)
			val = !cvm_nl_vals_has(t, type) ? "-" :
			      t->num[type] ? "on" : "off";
		else if (type == CVM_A_CONV_OBSERVER_REASON)
			val = cvm_nl_vals_has(t, type) && t->str[0] ? t->str : "-";
		else
			val = cvm_fmt_num(num, sizeof(num), t, type);
		printf(CVM_TEXT_LINE, key, val);
	}

	printf("\n" CVM_OWNER_HDR, "SHARED", "PEAK", "SHARES", "UNSHARES",
	       "FAILURES", "LEAKED", "ANOMALIES", "OWNER");
	for (i = 0; i < s->n_owners; i++) {
		const struct cvm_nl_vals *o = &s->owners[i];
		char n[7][24];

		printf(CVM_OWNER_ROW,
		       cvm_fmt_num(n[0], sizeof(n[0]), o,
				   CVM_A_CONV_OWNER_SHARED_PAGES),
		       cvm_fmt_num(n[1], sizeof(n[1]), o,
				   CVM_A_CONV_OWNER_PEAK_PAGES),
		       cvm_fmt_num(n[2], sizeof(n[2]), o,
				   CVM_A_CONV_OWNER_SHARE_OPS),
		       cvm_fmt_num(n[3], sizeof(n[3]), o,
				   CVM_A_CONV_OWNER_UNSHARE_OPS),
		       cvm_fmt_num(n[4], sizeof(n[4]), o,
				   CVM_A_CONV_OWNER_FAILURES),
		       cvm_fmt_num(n[5], sizeof(n[5]), o,
				   CVM_A_CONV_OWNER_LEAKED_PAGES),
		       cvm_fmt_num(n[6], sizeof(n[6]), o,
				   CVM_A_CONV_OWNER_ANOMALIES),
		       cvm_nl_vals_has(o, CVM_A_CONV_OWNER_NAME) ? o->str : "-");
	}
}

static void cvm_summary_print_json(struct jsonw *jw,
				   const struct cvm_summary *s)
{
	const struct cvm_nl_vals *t = &s->totals;
	size_t i;
	int a;

	jsonw_start_object(jw);
	jsonw_name(jw, "totals");
	jsonw_start_object(jw);
	for (i = 0; i < ARRAY_SIZE(cvm_conv_order); i++) {
		int type = cvm_conv_order[i];
		const char *key = cvm_conv_fields[type].key;

		if (type == CVM_A_CONV_OBSERVER && cvm_nl_vals_has(t, type))
			jsonw_bool_field(jw, key, t->num[type]);
		else if (type == CVM_A_CONV_OBSERVER_REASON)
			jsonw_string_field(jw, key, cvm_nl_vals_has(t, type) &&
					   t->str[0] ? t->str : NULL);
		else
			cvm_json_num(jw, key, t, type);
	}
	jsonw_end_object(jw);

	jsonw_name(jw, "owners");
	jsonw_start_array(jw);
	for (i = 0; i < s->n_owners; i++) {
		const struct cvm_nl_vals *o = &s->owners[i];

		jsonw_start_object(jw);
		jsonw_string_field(jw, "name",
				   cvm_nl_vals_has(o, CVM_A_CONV_OWNER_NAME) ?
				   o->str : NULL);
		for (a = CVM_A_CONV_OWNER_SHARED_PAGES;
		     a <= CVM_A_CONV_OWNER_ANOMALIES; a++)
			cvm_json_num(jw, cvm_owner_fields[a].key, o, a);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

static int cvm_conv_summary(const struct cvmctl_ctx *ctx)
{
	struct cvm_summary s = { 0 };
	int ret = CVMCTL_EXIT_FAIL;
	struct cvm_nl nl;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;

	if (cvm_nl_request(&nl, cvm_nl_new_req(&nl, CVM_CMD_CONV_GET),
			     cvm_op_str(CVM_CMD_CONV_GET), cvm_totals_parse, &s))
		goto out;
	if (!s.bad_attr && !s.got_totals) {
		cvmctl_err("conv-get: the kernel sent no reply");
		goto out;
	}
	if (!s.bad_attr &&
	    cvm_nl_request(&nl, cvm_nl_new_dump(&nl, CVM_CMD_CONV_OWNER_GET),
			     cvm_op_str(CVM_CMD_CONV_OWNER_GET), cvm_owner_parse, &s))
		goto out;
	if (s.bad_attr) {
		cvmctl_err("%s: malformed attribute '%s' in the kernel's reply",
			   s.bad_what, s.bad_attr);
		goto out;
	}
	if (s.nomem) {
		cvmctl_err("conv-owner-get: %s", strerror(ENOMEM));
		goto out;
	}

	if (s.n_owners)
		qsort(s.owners, s.n_owners, sizeof(*s.owners), cvm_owner_cmp);
	if (ctx->json) {
		struct jsonw jw;

		jsonw_init(&jw, stdout, ctx->pretty);
		cvm_summary_print_json(&jw, &s);
		if (jsonw_finish(&jw) && !ferror(stdout)) {
			cvmctl_err("internal error: unbalanced JSON output");
			goto out;
		}
	} else {
		cvm_summary_print_text(&s);
	}
	ret = CVMCTL_EXIT_OK;
out:
	free(s.owners);
	cvm_nl_close(&nl);
	return ret;
}

/* ---- ranges: streamed ------------------------------------------------- */

struct cvm_ranges {
	const struct cvmctl_ctx *ctx;
	struct jsonw jw;
	bool started;		/* header or "{"ranges":[" written */
	const char *bad_attr;
	uint64_t rows;
};

static void cvm_ranges_start(struct cvm_ranges *r)
{
	if (r->started)
		return;
	r->started = true;
	if (r->ctx->json) {
		jsonw_start_object(&r->jw);
		jsonw_name(&r->jw, "ranges");
		jsonw_start_array(&r->jw);
	} else {
		printf(CVM_RANGE_HDR, "START_PFN", "PAGES", "STATE", "AGE_MS",
		       "OWNER");
	}
}

static void cvm_ranges_end(struct cvm_ranges *r)
{
	cvm_ranges_start(r);
	if (r->ctx->json) {
		jsonw_end_array(&r->jw);
		jsonw_end_object(&r->jw);
	}
}

static int cvm_range_row(struct nl_msg *msg, void *arg)
{
	struct cvm_ranges *r = arg;
	const char *bad, *state;
	struct cvm_nl_vals v;
	char pfn[24], pages[24], age[24];

	if (r->bad_attr)
		return NL_SKIP;
	bad = cvm_nl_parse_fields(msg, cvm_range_fields, CVM_A_CONV_RANGE_MAX, &v);
	if (bad) {
		r->bad_attr = bad;
		return NL_SKIP;
	}
	cvm_ranges_start(r);
	r->rows++;
	state = cvm_state_name(&v);

	if (r->ctx->json) {
		struct jsonw *jw = &r->jw;

		jsonw_start_object(jw);
		cvm_json_num(jw, "start_pfn", &v, CVM_A_CONV_RANGE_START_PFN);
		cvm_json_num(jw, "pages", &v, CVM_A_CONV_RANGE_PAGES);
		jsonw_string_field(jw, "owner",
				   cvm_nl_vals_has(&v, CVM_A_CONV_RANGE_OWNER) ?
				   v.str : NULL);
		jsonw_string_field(jw, "state", state);
		cvm_json_num(jw, "age_ms", &v, CVM_A_CONV_RANGE_AGE_MS);
		jsonw_end_object(jw);
		return NL_OK;
	}

	if (cvm_nl_vals_has(&v, CVM_A_CONV_RANGE_START_PFN))
		snprintf(pfn, sizeof(pfn), "0x%010" PRIx64,
			 v.num[CVM_A_CONV_RANGE_START_PFN]);
	else
		snprintf(pfn, sizeof(pfn), "-");
	printf(CVM_RANGE_ROW, pfn,
	       cvm_fmt_num(pages, sizeof(pages), &v, CVM_A_CONV_RANGE_PAGES),
	       state ? state : "-",
	       cvm_fmt_num(age, sizeof(age), &v, CVM_A_CONV_RANGE_AGE_MS),
	       cvm_nl_vals_has(&v, CVM_A_CONV_RANGE_OWNER) ? v.str : "-");
	return NL_OK;
}

static int cvm_conv_ranges(const struct cvmctl_ctx *ctx)
{
	struct cvm_ranges r = { .ctx = ctx };
	int ret = CVMCTL_EXIT_FAIL;
	struct cvm_nl nl;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	jsonw_init(&r.jw, stdout, ctx->pretty);

	if (cvm_nl_request(&nl, cvm_nl_new_dump(&nl, CVM_CMD_CONV_RANGE_GET),
			     "the range dump", cvm_range_row, &r)) {
		/* Rows already out: keep the JSON well-formed. */
		if (r.started)
			cvm_ranges_end(&r);
		goto out;
	}
	cvm_ranges_end(&r);
	if (r.bad_attr) {
		cvmctl_err("conv-range-get: malformed attribute '%s' in the kernel's reply",
			   r.bad_attr);
		goto out;
	}
	if (jsonw_finish(&r.jw) && !ferror(stdout)) {
		cvmctl_err("internal error: unbalanced JSON output");
		goto out;
	}
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	return ret;
}

/* ---- observer on|off ------------------------------------------------------ */

static int cvm_conv_observer(const struct cvmctl_ctx *ctx, uint8_t on)
{
	int ret = CVMCTL_EXIT_FAIL;
	struct nl_msg *msg;
	struct cvm_nl nl;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, CVM_CMD_CONV_SET);
	if (msg && nla_put_u8(msg, CVM_A_CONV_OBSERVER, on)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (cvm_nl_request(&nl, msg, "changing the observer", NULL, NULL))
		goto out;
	/* As bpftool does: a command without output prints null in JSON. */
	if (ctx->json) {
		struct jsonw jw;

		jsonw_init(&jw, stdout, ctx->pretty);
		jsonw_null(&jw);
	}
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	return ret;
}

/**
 * cvmctl_observer_run() - parse "on|off" and switch the observer
 * @ctx: global options
 * @cmd: the command that was run ("conversions" or "set"), for messages
 * @argc/@argv: the arguments after "observer"
 *
 * Shared by 'cvmctl conversions observer' and 'cvmctl set observer'.
 * Return: a CVMCTL_EXIT_* status.
 */
int cvmctl_observer_run(const struct cvmctl_ctx *ctx,
			const struct cvmctl_cmd *cmd, int argc, char **argv)
{
	if (argc < 1) {
		cvmctl_err("%s: observer needs 'on' or 'off'", cmd->name);
		goto usage;
	}
	if (argc > 1) {
		cvmctl_err("%s: unexpected argument '%s'", cmd->name, argv[1]);
		goto usage;
	}
	if (!strcmp(argv[0], "on"))
		return cvm_conv_observer(ctx, 1);
	if (!strcmp(argv[0], "off"))
		return cvm_conv_observer(ctx, 0);
	cvmctl_err("%s: invalid observer setting '%s': must be 'on' or 'off'",
		   cmd->name, argv[0]);
usage:
	cvmctl_usage_hint(cmd);
	return CVMCTL_EXIT_USAGE;
}

static int cvmctl_do_conversions(const struct cvmctl_ctx *ctx, int argc,
				 char **argv)
{
	if (argc == 0)
		return cvm_conv_summary(ctx);
	if (!strcmp(argv[0], "--ranges")) {
		if (argc > 1) {
			cvmctl_err("conversions: unexpected argument '%s'",
				   argv[1]);
			goto usage;
		}
		return cvm_conv_ranges(ctx);
	}
	if (!strcmp(argv[0], "observer"))
		return cvmctl_observer_run(ctx, &cvmctl_cmd_conversions,
					   argc - 1, argv + 1);
	cvmctl_err("conversions: unexpected argument '%s'%s", argv[0],
		   argv[0][0] == '-' ?
		   " (global options go before the command)" : "");
usage:
	cvmctl_usage_hint(&cvmctl_cmd_conversions);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_conversions = {
	.name = "conversions",
	.args = "[--ranges|observer on|off]",
	.help = "show the shared-page ledger; switch its observer (root)",
	.handler = cvmctl_do_conversions,
};
