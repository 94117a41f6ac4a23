// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl rings: the ring validation of cvm_ring.
 *
 *	rings				totals (ring-get) and every ring with
 *					its counters per reason (ring-list-get)
 *	rings policy ID monitor|enforce	ring-set (root)
 *	rings auditor on|off		ring-auditor-set (root): the live
 *					auditor of the guest's virtqueues
 *
 * Rings are printed as their messages arrive; nothing is kept.
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

#define CVM_RING_OWNER_LEN	128
#define CVM_RING_HDR		"%4s %-13s %-8s %-6s %12s %10s  %s\n"
#define CVM_RING_ROW		"%4" PRIu32 " %-13s %-8s %-6s %12" PRIu64 " %10" PRIu64 "  %s\n"

static const char *cvm_ring_name(const char *name)
{
	return name ? name : "unknown";
}

/* One ring of the dump. */
struct cvm_ring_row {
	uint32_t id, kind, policy;
	uint8_t broken;
	uint64_t checked, violations;
	/* Live virtqueues only; has_len says the kernel sent them. */
	bool has_len;
	uint64_t overstated, clamped;
	char owner[CVM_RING_OWNER_LEN];
	unsigned int n_reasons;
	struct {
		char name[32];
		uint64_t count;
	} reasons[CVM_RING_REASON_MAX + 1];
};

struct cvm_rings {
	const struct cvmctl_ctx *ctx;
	struct jsonw jw;
	bool bad;
	bool got_totals;
	uint32_t rings, broken;
	uint64_t checked, violations;
	bool has_auditor;	/* a cvm_ring without the auditor omits it */
	uint8_t auditor;
	uint64_t auditor_missed;
};

static struct nlattr *cvm_ring_attrs(struct nl_msg *msg, int *len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NULL;
	gnlh = nlmsg_data(nlh);
	*len = genlmsg_attrlen(gnlh, 0);
	return genlmsg_attrdata(gnlh, 0);
}

static int cvm_ring_totals_parse(struct nl_msg *msg, void *arg)
{
	struct cvm_rings *r = arg;
	struct nlattr *nla, *head;
	int rem, len, bad = 0;

	head = cvm_ring_attrs(msg, &len);
	if (!head) {
		r->bad = true;
		return NL_SKIP;
	}
	nla_for_each_attr(nla, head, len, rem) {
		switch (nla_type(nla)) {
		case CVM_A_RING_RINGS:
			bad |= cvm_nla_get_u32(nla, &r->rings);
			break;
		case CVM_A_RING_BROKEN:
			bad |= cvm_nla_get_u32(nla, &r->broken);
			break;
		case CVM_A_RING_CHECKED:
			bad |= cvm_nla_get_u64(nla, &r->checked);
			break;
		case CVM_A_RING_VIOLATIONS:
			bad |= cvm_nla_get_u64(nla, &r->violations);
			break;
		case CVM_A_RING_AUDITOR:
			bad |= cvm_nla_get_u8(nla, &r->auditor);
			r->has_auditor = true;
			break;
		case CVM_A_RING_AUDITOR_MISSED:
			bad |= cvm_nla_get_u64(nla, &r->auditor_missed);
			break;
		}
	}
	r->bad |= bad;
	r->got_totals = true;
	return NL_OK;
}

static int cvm_ring_parse_reason(struct nlattr *nest, struct cvm_ring_row *row)
{
	struct nlattr *nla;
	int rem, bad = 0;

	if (row->n_reasons > CVM_RING_REASON_MAX)
		return -1;
	nla_for_each_nested(nla, nest, rem) {
		switch (nla_type(nla)) {
		case CVM_A_RING_REASON_COUNT_NAME:
			bad |= cvm_nla_get_str(nla,
				row->reasons[row->n_reasons].name,
				sizeof(row->reasons[0].name));
			break;
		case CVM_A_RING_REASON_COUNT_COUNT:
			bad |= cvm_nla_get_u64(nla,
				&row->reasons[row->n_reasons].count);
			break;
		}
	}
	row->n_reasons++;
	return bad;
}

static void cvm_ring_print(struct cvm_rings *r, const struct cvm_ring_row *row)
{
	const char *kind = cvm_ring_name(cvm_ring_kind_str(row->kind));
	const char *policy = cvm_ring_name(cvm_ring_policy_str(row->policy));
	unsigned int i;

	if (r->ctx->json) {
		struct jsonw *jw = &r->jw;

		jsonw_start_object(jw);
		jsonw_uint_field(jw, "id", row->id);
		jsonw_string_field(jw, "kind", kind);
		jsonw_string_field(jw, "owner", row->owner);
		jsonw_string_field(jw, "policy", policy);
		jsonw_bool_field(jw, "broken", row->broken);
		jsonw_uint_field(jw, "checked", row->checked);
		jsonw_uint_field(jw, "violations", row->violations);
		if (row->has_len) {
			jsonw_uint_field(jw, "overstated", row->overstated);
			jsonw_uint_field(jw, "clamped", row->clamped);
		}
		jsonw_name(jw, "reasons");
		jsonw_start_object(jw);
		for (i = 0; i < row->n_reasons; i++)
			jsonw_uint_field(jw, row->reasons[i].name,
					 row->reasons[i].count);
		jsonw_end_object(jw);
		jsonw_end_object(jw);
		return;
	}
	printf(CVM_RING_ROW, row->id, kind, policy, row->broken ? "yes" : "no",
	       row->checked, row->violations, row->owner);
	for (i = 0; i < row->n_reasons; i++)
		printf("%44s%s: %" PRIu64 "\n", "", row->reasons[i].name,
		       row->reasons[i].count);
	if (row->has_len && (row->overstated || row->clamped))
		printf("%44soverstated: %" PRIu64 ", clamped: %" PRIu64 "\n",
		       "", row->overstated, row->clamped);
}

static int cvm_ring_row_parse(struct nl_msg *msg, void *arg)
{
	struct cvm_rings *r = arg;
	struct cvm_ring_row row;
	struct nlattr *nla, *head;
	int rem, len, bad = 0;

	if (r->bad)
		return NL_SKIP;
	memset(&row, 0, sizeof(row));
	head = cvm_ring_attrs(msg, &len);
	if (!head) {
		r->bad = true;
		return NL_SKIP;
	}
	nla_for_each_attr(nla, head, len, rem) {
		switch (nla_type(nla)) {
		case CVM_A_RING_INFO_ID:
			bad |= cvm_nla_get_u32(nla, &row.id);
			break;
		case CVM_A_RING_INFO_KIND:
			bad |= cvm_nla_get_u32(nla, &row.kind);
			break;
		case CVM_A_RING_INFO_POLICY:
			bad |= cvm_nla_get_u32(nla, &row.policy);
			break;
		case CVM_A_RING_INFO_BROKEN:
			bad |= cvm_nla_get_u8(nla, &row.broken);
			break;
		case CVM_A_RING_INFO_CHECKED:
			bad |= cvm_nla_get_u64(nla, &row.checked);
			break;
		case CVM_A_RING_INFO_VIOLATIONS:
			bad |= cvm_nla_get_u64(nla, &row.violations);
			break;
		case CVM_A_RING_INFO_OVERSTATED:
			bad |= cvm_nla_get_u64(nla, &row.overstated);
			row.has_len = true;
			break;
		case CVM_A_RING_INFO_CLAMPED:
			bad |= cvm_nla_get_u64(nla, &row.clamped);
			row.has_len = true;
			break;
		case CVM_A_RING_INFO_OWNER:
			bad |= cvm_nla_get_str(nla, row.owner,
					       sizeof(row.owner));
			break;
		case CVM_A_RING_INFO_REASON:
			bad |= cvm_ring_parse_reason(nla, &row);
			break;
		}
	}
	if (bad) {
		r->bad = true;
		return NL_SKIP;
	}
	cvm_ring_print(r, &row);
	return NL_OK;
}

static int cvm_rings_show(const struct cvmctl_ctx *ctx)
{
	struct cvm_rings r = { .ctx = ctx };
	int ret = CVMCTL_EXIT_FAIL;
	struct cvm_nl nl;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	if (cvm_nl_request(&nl, cvm_nl_new_req(&nl, CVM_CMD_RING_GET),
			     cvm_op_str(CVM_CMD_RING_GET), cvm_ring_totals_parse, &r))
		goto out;
	if (!r.got_totals || r.bad) {
		cvmctl_err("ring-get: malformed or missing reply");
		goto out;
	}
	if (ctx->json) {
		jsonw_init(&r.jw, stdout, ctx->pretty);
		jsonw_start_object(&r.jw);
		jsonw_name(&r.jw, "totals");
		jsonw_start_object(&r.jw);
		jsonw_uint_field(&r.jw, "rings", r.rings);
		jsonw_uint_field(&r.jw, "checked", r.checked);
		jsonw_uint_field(&r.jw, "violations", r.violations);
		jsonw_uint_field(&r.jw, "broken", r.broken);
		if (r.has_auditor) {
			jsonw_bool_field(&r.jw, "auditor", r.auditor);
			jsonw_uint_field(&r.jw, "auditor_missed",
					 r.auditor_missed);
		} else {
			jsonw_null_field(&r.jw, "auditor");
			jsonw_null_field(&r.jw, "auditor_missed");
		}
		jsonw_end_object(&r.jw);
		jsonw_name(&r.jw, "rings");
		jsonw_start_array(&r.jw);
	} else {
		printf("%-18s%" PRIu32 "\n%-18s%" PRIu64 "\n%-18s%" PRIu64
		       "\n%-18s%" PRIu32 "\n", "rings:", r.rings, "checked:",
		       r.checked, "violations:", r.violations, "broken:",
		       r.broken);
		if (r.has_auditor)
			printf("%-18s%s\n%-18s%" PRIu64 "\n", "auditor:",
			       r.auditor ? "on" : "off", "auditor_missed:",
			       r.auditor_missed);
		putchar('\n');
		printf(CVM_RING_HDR, "ID", "KIND", "POLICY", "BROKEN", "CHECKED",
		       "VIOLATIONS", "OWNER");
	}
	if (cvm_nl_request(&nl, cvm_nl_new_dump(&nl, CVM_CMD_RING_LIST_GET),
			     cvm_op_str(CVM_CMD_RING_LIST_GET), cvm_ring_row_parse, &r))
		goto out;
	if (r.bad) {
		cvmctl_err("ring-list-get: malformed attribute in the kernel's reply");
		goto out;
	}
	if (ctx->json) {
		jsonw_end_array(&r.jw);
		jsonw_end_object(&r.jw);
		if (jsonw_finish(&r.jw) && !ferror(stdout)) {
			cvmctl_err("internal error: unbalanced JSON output");
			goto out;
		}
	}
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	return ret;
}

/* Sends @msg (ring-set or ring-auditor-set); -j prints null, as bpftool. */
static int cvm_rings_set(const struct cvmctl_ctx *ctx, struct cvm_nl *nl,
			 struct nl_msg *msg, const char *what)
{
	int ret = CVMCTL_EXIT_FAIL;

	if (!cvm_nl_request(nl, msg, what, NULL, NULL)) {
		if (ctx->json) {
			struct jsonw jw;

			jsonw_init(&jw, stdout, ctx->pretty);
			jsonw_null(&jw);
		}
		ret = CVMCTL_EXIT_OK;
	}
	cvm_nl_close(nl);
	return ret;
}

static int cvm_rings_policy(const struct cvmctl_ctx *ctx, uint32_t id,
			    uint32_t policy)
{
	struct cvm_nl nl;
	struct nl_msg *msg;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, CVM_CMD_RING_SET);
	if (msg && (nla_put_u32(msg, CVM_A_RING_INFO_ID, id) ||
		    nla_put_u32(msg, CVM_A_RING_INFO_POLICY, policy))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return cvm_rings_set(ctx, &nl, msg, cvm_op_str(CVM_CMD_RING_SET));
}

static int cvm_rings_auditor(const struct cvmctl_ctx *ctx, uint8_t on)
{
	struct cvm_nl nl;
	struct nl_msg *msg;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, CVM_CMD_RING_AUDITOR_SET);
	if (msg && nla_put_u8(msg, CVM_A_RING_AUDITOR, on)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return cvm_rings_set(ctx, &nl, msg, cvm_op_str(CVM_CMD_RING_AUDITOR_SET));
}

static int cvmctl_do_rings(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	unsigned long id;
	char *end;
	uint32_t p;

	if (argc == 0)
		return cvm_rings_show(ctx);
	if (!strcmp(argv[0], "auditor")) {
		if (argc == 2 && !strcmp(argv[1], "on"))
			return cvm_rings_auditor(ctx, 1);
		if (argc == 2 && !strcmp(argv[1], "off"))
			return cvm_rings_auditor(ctx, 0);
		cvmctl_err("rings: auditor needs 'on' or 'off'");
		goto usage;
	}
	if (strcmp(argv[0], "policy")) {
		cvmctl_err("rings: unexpected argument '%s'%s", argv[0],
			   argv[0][0] == '-' ?
			   " (global options go before the command)" : "");
		goto usage;
	}
	if (argc != 3) {
		cvmctl_err("rings: policy needs a ring id and 'monitor' or 'enforce'");
		goto usage;
	}
	errno = 0;
	id = strtoul(argv[1], &end, 10);
	if (errno || !*argv[1] || *end || id > UINT32_MAX) {
		cvmctl_err("rings: invalid ring id '%s'", argv[1]);
		goto usage;
	}
	for (p = 0; cvm_ring_policy_str(p); p++)
		if (!strcmp(argv[2], cvm_ring_policy_str(p)))
			return cvm_rings_policy(ctx, id, p);
	cvmctl_err("rings: invalid policy '%s': must be 'monitor' or 'enforce'",
		   argv[2]);
usage:
	cvmctl_usage_hint(&cvmctl_cmd_rings);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_rings = {
	.name = "rings",
	.args = "[policy ID monitor|enforce | auditor on|off]",
	.help = "show ring validation counters; set a ring's policy or the live auditor (root)",
	.handler = cvmctl_do_rings,
};
