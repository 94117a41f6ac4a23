// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl pool: the hardened bounce pool of cvm_bounce.
 *
 *	pool				totals and policies (pool-get) and the
 *					devices (pool-dev-get dump)
 *	pool attach DEVICE [zero_from_device on|off]
 *					pool-attach, the device following the
 *					pool's zero_from_device or its own
 *	pool detach DEVICE		pool-detach
 *	pool set POLICY VALUE		pool-set (zero_from_device, zero_slack,
 *					scrub, misuse_warn: on|off; wait_ms,
 *					idle_ms: a number)
 *	swiotlb				the kernel's swiotlb: its size and use
 *					(debugfs), what cvm_bounce's observer saw
 *					(swiotlb-get, swiotlb-dev-get) and the
 *					swiotlb= value it advises
 *	swiotlb observer on|off		swiotlb-set
 *	swiotlb trace on|off		a hist trigger on swiotlb:swiotlb_bounced,
 *					whose counts swiotlb shows without
 *					cvm_bounce (swtrace.c)
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
#include "posture.h"
#include "swtrace.h"
#include "nl.h"

#define CVM_POOL_MAXDEV		64
#define CVM_POOL_NAMELEN	64

/* Keys are the spec names with '-' as '_'; the order is the output's. */
static const struct cvm_nl_field cvm_pool_fields[CVM_A_POOL_MAX + 1] = {
	CVM_POOL_ATTRS(CVM_NL_FIELD)
};

static const struct cvm_nl_field cvm_dev_fields[CVM_A_POOL_DEV_MAX + 1] = {
	CVM_POOL_DEV_ATTRS(CVM_NL_FIELD)
};

static const struct cvm_nl_field cvm_swt_fields[CVM_A_SWIOTLB_MAX + 1] = {
	CVM_SWIOTLB_ATTRS(CVM_NL_FIELD)
};

static const struct cvm_nl_field cvm_swt_dev_fields[CVM_A_SWIOTLB_DEV_MAX + 1] = {
	CVM_SWIOTLB_DEV_ATTRS(CVM_NL_FIELD)
};

_Static_assert(CVM_A_POOL_MAX < 64 && CVM_A_POOL_DEV_MAX < 64 &&
	       CVM_A_SWIOTLB_MAX < 64 && CVM_A_SWIOTLB_DEV_MAX < 64 &&
	       CVM_POOL_NAMELEN <= CVM_NL_VALS_STR,
	       "attributes must fit struct cvm_nl_vals");

struct cvm_pool_state {
	struct cvm_nl_vals pool;
	struct cvm_nl_vals *devs;
	unsigned int n_devs;
	const char *bad;
};

static int cvm_pool_get_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_pool_state *s = arg;

	s->bad = cvm_nl_parse_fields(msg, cvm_pool_fields, CVM_A_POOL_MAX, &s->pool);
	return NL_OK;
}

static int cvm_pool_dev_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_pool_state *s = arg;
	const char *bad;

	if (s->n_devs == CVM_POOL_MAXDEV)
		return NL_OK;
	bad = cvm_nl_parse_fields(msg, cvm_dev_fields, CVM_A_POOL_DEV_MAX,
			     &s->devs[s->n_devs]);
	if (bad && !s->bad)
		s->bad = bad;
	s->n_devs++;
	return NL_OK;
}

static void cvm_pool_print_json(const struct cvmctl_ctx *ctx,
				const struct cvm_pool_state *s)
{
	struct jsonw jw;
	unsigned int i;
	int t;

	jsonw_init(&jw, stdout, ctx->pretty);
	jsonw_start_object(&jw);
	jsonw_name(&jw, "pool");
	jsonw_start_object(&jw);
	for (t = 1; t <= CVM_A_POOL_MAX; t++) {
		if (!cvm_pool_fields[t].key)
			continue;
		if (!cvm_nl_vals_has(&s->pool, t))
			jsonw_null_field(&jw, cvm_pool_fields[t].key);
		else if (cvm_pool_fields[t].type == CVM_NL_U8)
			jsonw_bool_field(&jw, cvm_pool_fields[t].key,
					 s->pool.num[t]);
		else
			jsonw_uint_field(&jw, cvm_pool_fields[t].key,
					 s->pool.num[t]);
	}
	jsonw_end_object(&jw);
	jsonw_name(&jw, "devices");
	jsonw_start_array(&jw);
	for (i = 0; i < s->n_devs; i++) {
		const struct cvm_nl_vals *d = &s->devs[i];

		jsonw_start_object(&jw);
		for (t = 1; t <= CVM_A_POOL_DEV_MAX; t++) {
			const char *key = cvm_dev_fields[t].key;

			if (!key)
				continue;
			if (!cvm_nl_vals_has(d, t))
				jsonw_null_field(&jw, key);
			else if (cvm_dev_fields[t].type == CVM_NL_STRING)
				jsonw_string_field(&jw, key, d->str);
			else if (cvm_dev_fields[t].type == CVM_NL_U8)
				jsonw_bool_field(&jw, key, d->num[t]);
			else
				jsonw_uint_field(&jw, key, d->num[t]);
		}
		jsonw_end_object(&jw);
	}
	jsonw_end_array(&jw);
	jsonw_end_object(&jw);
	jsonw_finish(&jw);
}

static void cvm_pool_print_text(const struct cvm_pool_state *s)
{
	unsigned int i;
	int t;

	for (t = 1; t <= CVM_A_POOL_MAX; t++) {
		const struct cvm_nl_field *f = &cvm_pool_fields[t];
		char key[32];

		if (!f->key)
			continue;
		snprintf(key, sizeof(key), "%s:", f->key);
		if (!cvm_nl_vals_has(&s->pool, t))
			printf("%-18s-\n", key);
		else if (f->type == CVM_NL_U8)
			printf("%-18s%s\n", key, s->pool.num[t] ? "on" : "off");
		else
			printf("%-18s%" PRIu64 "\n", key, s->pool.num[t]);
	}
	if (!s->n_devs)
		return;
	printf("\n%-16s %-8s %10s %10s %12s %8s %10s %8s %10s %s\n", "DEVICE",
	       "ATTACHED", "MAPS", "UNMAPS", "BYTES", "INFLIGHT",
	       "HIGH_WATER", "FAILURES", "VIOLATIONS", "ZERO_FROM_DEVICE");
	for (i = 0; i < s->n_devs; i++) {
		const struct cvm_nl_vals *d = &s->devs[i];

		printf("%-16s %-8s %10" PRIu64 " %10" PRIu64 " %12" PRIu64
		       " %8" PRIu64 " %10" PRIu64 " %8" PRIu64 " %10" PRIu64
		       " %s\n",
		       d->str, d->num[CVM_A_POOL_DEV_ATTACHED] ? "yes" : "no",
		       d->num[CVM_A_POOL_DEV_MAPS], d->num[CVM_A_POOL_DEV_UNMAPS],
		       d->num[CVM_A_POOL_DEV_BYTES],
		       d->num[CVM_A_POOL_DEV_INFLIGHT_SLOTS],
		       d->num[CVM_A_POOL_DEV_HIGH_WATER],
		       d->num[CVM_A_POOL_DEV_FAILURES],
		       d->num[CVM_A_POOL_DEV_VIOLATIONS],
		       !cvm_nl_vals_has(d, CVM_A_POOL_DEV_ZERO_FROM_DEVICE) ? "-" :
		       d->num[CVM_A_POOL_DEV_ZERO_FROM_DEVICE] ? "on" : "off");
	}
}

static int cvm_pool_show(const struct cvmctl_ctx *ctx)
{
	struct cvm_pool_state s = { 0 };
	int ret = CVMCTL_EXIT_FAIL;
	struct cvm_nl nl;

	s.devs = calloc(CVM_POOL_MAXDEV, sizeof(*s.devs));
	if (!s.devs || cvm_nl_open(&nl)) {
		free(s.devs);
		return CVMCTL_EXIT_FAIL;
	}
	if (cvm_nl_request(&nl, cvm_nl_new_req(&nl, CVM_CMD_POOL_GET), cvm_op_str(CVM_CMD_POOL_GET),
			cvm_pool_get_cb, &s) ||
	    cvm_nl_request(&nl, cvm_nl_new_dump(&nl, CVM_CMD_POOL_DEV_GET),
			cvm_op_str(CVM_CMD_POOL_DEV_GET), cvm_pool_dev_cb, &s))
		goto out;
	if (s.bad) {
		cvmctl_err("malformed attribute from the kernel: %s", s.bad);
		goto out;
	}
	if (ctx->json)
		cvm_pool_print_json(ctx, &s);
	else
		cvm_pool_print_text(&s);
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	free(s.devs);
	return ret;
}

/* "on"/"1" -> 1, "off"/"0" -> 0, anything else -> -1. */
static int cvm_pool_onoff(const char *value)
{
	if (!strcmp(value, "on") || !strcmp(value, "1"))
		return 1;
	if (!strcmp(value, "off") || !strcmp(value, "0"))
		return 0;
	return -1;
}

/* @zfd: the device's own zero_from_device, or -1 to follow the pool's. */
static int cvm_pool_attach(const char *verb, const char *dev, int zfd)
{
	bool attach = !strcmp(verb, "attach");
	struct nl_msg *msg;
	struct cvm_nl nl;
	int ret;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, attach ? CVM_CMD_POOL_ATTACH :
					   CVM_CMD_POOL_DETACH);
	if (msg && (nla_put_string(msg, CVM_A_POOL_ATTACH_DEVICE, dev) ||
		    (zfd >= 0 && nla_put_u8(msg, CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE,
					    zfd)))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = cvm_nl_request(&nl, msg, attach ? cvm_op_str(CVM_CMD_POOL_ATTACH) : cvm_op_str(CVM_CMD_POOL_DETACH),
			  NULL, NULL) ? CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
	cvm_nl_close(&nl);
	return ret;
}

static int cvm_pool_set(const char *key, const char *value)
{
	unsigned long long v;
	struct nl_msg *msg;
	struct cvm_nl nl;
	char *end;
	int t, ret;

	for (t = CVM_A_POOL_ZERO_FROM_DEVICE; t <= CVM_A_POOL_IDLE_MS; t++)
		if (!strcmp(key, cvm_pool_fields[t].key))
			break;
	if (t > CVM_A_POOL_IDLE_MS) {
		cvmctl_err("unknown policy '%s'", key);
		return CVMCTL_EXIT_USAGE;
	}
	if (cvm_pool_fields[t].type == CVM_NL_U8) {
		if (cvm_pool_onoff(value) < 0) {
			cvmctl_err("%s: expected on or off, got '%s'", key, value);
			return CVMCTL_EXIT_USAGE;
		}
		v = cvm_pool_onoff(value);
	} else {
		errno = 0;
		v = strtoull(value, &end, 10);
		if (errno || !*value || *end || v > UINT32_MAX) {
			cvmctl_err("%s: expected a number, got '%s'", key, value);
			return CVMCTL_EXIT_USAGE;
		}
	}
	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, CVM_CMD_POOL_SET);
	if (msg && (cvm_pool_fields[t].type == CVM_NL_U8 ?
		    nla_put_u8(msg, t, v) : nla_put_u32(msg, t, v))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = cvm_nl_request(&nl, msg, cvm_op_str(CVM_CMD_POOL_SET), NULL, NULL) ?
	      CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
	cvm_nl_close(&nl);
	return ret;
}

static int cvm_pool_handler(const struct cvmctl_ctx *ctx, int argc,
			    char **argv)
{
	if (argc == 0)
		return cvm_pool_show(ctx);
	if (argc == 2 && (!strcmp(argv[0], "attach") ||
			  !strcmp(argv[0], "detach")))
		return cvm_pool_attach(argv[0], argv[1], -1);
	if (argc == 4 && !strcmp(argv[0], "attach") &&
	    !strcmp(argv[2], "zero_from_device")) {
		if (cvm_pool_onoff(argv[3]) < 0) {
			cvmctl_err("zero_from_device: expected on or off, got '%s'",
				   argv[3]);
			return CVMCTL_EXIT_USAGE;
		}
		return cvm_pool_attach(argv[0], argv[1], cvm_pool_onoff(argv[3]));
	}
	if (argc == 3 && !strcmp(argv[0], "set"))
		return cvm_pool_set(argv[1], argv[2]);
	cvmctl_usage_hint(&cvmctl_cmd_pool);
	return CVMCTL_EXIT_USAGE;
}

/* ---- swiotlb ------------------------------------------------------------ */

static int cvm_swt_get_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_pool_state *s = arg;

	s->bad = cvm_nl_parse_fields(msg, cvm_swt_fields, CVM_A_SWIOTLB_MAX,
				&s->pool);
	return NL_OK;
}

static int cvm_swt_dev_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_pool_state *s = arg;
	const char *bad;

	if (s->n_devs == CVM_POOL_MAXDEV)
		return NL_OK;
	bad = cvm_nl_parse_fields(msg, cvm_swt_dev_fields, CVM_A_SWIOTLB_DEV_MAX,
			     &s->devs[s->n_devs]);
	if (bad && !s->bad)
		s->bad = bad;
	s->n_devs++;
	return NL_OK;
}

/* What debugfs says of the kernel's swiotlb. */
struct cvm_swt_totals {
	bool known;
	unsigned long long nslabs, used;
	const char *why;
};

/* "pool": slabs and used, or nulls and why they are not known. */
static void cvm_swt_json_pool(struct jsonw *jw, const struct cvm_swt_totals *tot)
{
	jsonw_name(jw, "pool");
	jsonw_start_object(jw);
	if (tot->known) {
		jsonw_uint_field(jw, "slabs", tot->nslabs);
		jsonw_uint_field(jw, "used", tot->used);
	} else {
		jsonw_null_field(jw, "slabs");
		jsonw_null_field(jw, "used");
		jsonw_string_field(jw, "why", tot->why);
	}
	jsonw_end_object(jw);
}

static void cvm_swt_text_pool(const struct cvm_swt_totals *tot)
{
	if (tot->known)
		printf("%-18s%llu slabs (%llu MiB), %llu used\n", "pool:",
		       tot->nslabs, tot->nslabs >> 9, tot->used);
	else
		printf("%-18s%s\n", "pool:", tot->why);
}

/* Without cvm_bounce: what debugfs says, and why nothing more. */
#define CVM_SWT_NO_OBSERVER	"cvm_bounce is not loaded (modprobe cvm_bounce; then cvmctl swiotlb observer on)"

/* ... and, per device, what the swiotlb_bounced histogram counted. */
static void cvm_swt_print_alone(const struct cvmctl_ctx *ctx,
				const struct cvm_swt_totals *tot)
{
	struct cvm_swtrace_dev devs[CVM_POOL_MAXDEV];
	const char *why;
	struct jsonw jw;
	int n, i;

	n = cvm_swtrace_read(devs, CVM_POOL_MAXDEV, &why);
	if (!ctx->json) {
		cvm_swt_text_pool(tot);
		printf("%-18sunavailable - %s\n", "observer:",
		       CVM_SWT_NO_OBSERVER);
		if (n < 0 && !strncmp(why, "off", 3))
			printf("%-18s%s\n", "tracepoint:", why);
		else if (n < 0)
			printf("%-18sunavailable - %s\n", "tracepoint:", why);
		else
			printf("%-18son (swiotlb:swiotlb_bounced, since cvmctl swiotlb trace on)\n",
			       "tracepoint:");
		if (n > 0)
			printf("\n%-16s %10s %12s\n", "DEVICE", "MAPS", "BYTES");
		for (i = 0; i < n; i++)
			printf("%-16s %10" PRIu64 " %12" PRIu64 "\n", devs[i].name,
			       devs[i].maps, devs[i].bytes);
		return;
	}
	jsonw_init(&jw, stdout, ctx->pretty);
	jsonw_start_object(&jw);
	cvm_swt_json_pool(&jw, tot);
	jsonw_bool_field(&jw, "observer", false);
	jsonw_string_field(&jw, "observer_reason", CVM_SWT_NO_OBSERVER);
	jsonw_bool_field(&jw, "tracepoint", n >= 0);
	jsonw_string_field(&jw, "tracepoint_reason", n < 0 ? why : NULL);
	jsonw_name(&jw, "devices");
	jsonw_start_array(&jw);
	for (i = 0; i < n; i++) {
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "name", devs[i].name);
		jsonw_uint_field(&jw, "maps", devs[i].maps);
		jsonw_uint_field(&jw, "bytes", devs[i].bytes);
		jsonw_end_object(&jw);
	}
	jsonw_end_array(&jw);
	jsonw_end_object(&jw);
	jsonw_finish(&jw);
}

static void cvm_swt_print(const struct cvmctl_ctx *ctx,
			  const struct cvm_pool_state *s,
			  const struct cvm_swt_totals *tot)
{
	const struct cvm_nl_vals *p = &s->pool;
	uint64_t adv = p->num[CVM_A_SWIOTLB_ADVICE_SLABS];
	unsigned int i;
	struct jsonw jw;
	int t;

	if (!ctx->json) {
		cvm_swt_text_pool(tot);
		printf("%-18s%s%s%s\n", "observer:",
		       p->num[CVM_A_SWIOTLB_OBSERVER] ? "on" : "off",
		       p->str[0] ? " - " : "", p->str);
		for (t = CVM_A_SWIOTLB_MAPS; t <= CVM_A_SWIOTLB_HIGH_WATER; t++) {
			char key[32];

			snprintf(key, sizeof(key), "%s:", cvm_swt_fields[t].key);
			printf("%-18s%" PRIu64 "\n", key, p->num[t]);
		}
		if (adv)
			printf("%-18sswiotlb=%" PRIu64 " (%" PRIu64 " MiB: twice the high-water mark)\n",
			       "advice:", adv, adv >> 9);
		else
			printf("%-18s%s\n", "advice:", "none yet (no traffic observed)");
		if (!s->n_devs)
			return;
		printf("\n%-16s %10s %10s %12s %8s %10s %8s\n", "DEVICE", "MAPS",
		       "UNMAPS", "BYTES", "INFLIGHT", "HIGH_WATER", "FAILURES");
		for (i = 0; i < s->n_devs; i++) {
			const struct cvm_nl_vals *d = &s->devs[i];

			printf("%-16s %10" PRIu64 " %10" PRIu64 " %12" PRIu64 " %8" PRIu64
			       " %10" PRIu64 " %8" PRIu64 "\n", d->str,
			       d->num[CVM_A_SWIOTLB_DEV_MAPS],
			       d->num[CVM_A_SWIOTLB_DEV_UNMAPS],
			       d->num[CVM_A_SWIOTLB_DEV_BYTES],
			       d->num[CVM_A_SWIOTLB_DEV_INFLIGHT_SLOTS],
			       d->num[CVM_A_SWIOTLB_DEV_HIGH_WATER],
			       d->num[CVM_A_SWIOTLB_DEV_FAILURES]);
		}
		return;
	}
	jsonw_init(&jw, stdout, ctx->pretty);
	jsonw_start_object(&jw);
	cvm_swt_json_pool(&jw, tot);
	jsonw_bool_field(&jw, "observer", p->num[CVM_A_SWIOTLB_OBSERVER]);
	jsonw_string_field(&jw, "observer_reason", p->str[0] ? p->str : NULL);
	for (t = CVM_A_SWIOTLB_MAPS; t <= CVM_A_SWIOTLB_ADVICE_SLABS; t++)
		jsonw_uint_field(&jw, cvm_swt_fields[t].key, p->num[t]);
	jsonw_name(&jw, "devices");
	jsonw_start_array(&jw);
	for (i = 0; i < s->n_devs; i++) {
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "name", s->devs[i].str);
		for (t = CVM_A_SWIOTLB_DEV_MAPS; t <= CVM_A_SWIOTLB_DEV_HIGH_WATER; t++)
			jsonw_uint_field(&jw, cvm_swt_dev_fields[t].key,
					 s->devs[i].num[t]);
		jsonw_end_object(&jw);
	}
	jsonw_end_array(&jw);
	jsonw_end_object(&jw);
	jsonw_finish(&jw);
}

static int cvm_swt_show(const struct cvmctl_ctx *ctx)
{
	struct cvm_pool_state s = { 0 };
	struct cvm_swt_totals tot = { 0 };
	int ret = CVMCTL_EXIT_FAIL;
	struct cvm_nl nl;
	bool none;

	tot.known = cvm_swiotlb_stats(&tot.nslabs, &tot.used, &none, &tot.why);
	if (!cvm_module_loaded("cvm_bounce")) {
		cvm_swt_print_alone(ctx, &tot);
		return CVMCTL_EXIT_OK;
	}
	s.devs = calloc(CVM_POOL_MAXDEV, sizeof(*s.devs));
	if (!s.devs || cvm_nl_open(&nl)) {
		free(s.devs);
		return CVMCTL_EXIT_FAIL;
	}
	if (cvm_nl_request(&nl, cvm_nl_new_req(&nl, CVM_CMD_SWIOTLB_GET),
			cvm_op_str(CVM_CMD_SWIOTLB_GET), cvm_swt_get_cb, &s) ||
	    cvm_nl_request(&nl, cvm_nl_new_dump(&nl, CVM_CMD_SWIOTLB_DEV_GET),
			cvm_op_str(CVM_CMD_SWIOTLB_DEV_GET), cvm_swt_dev_cb, &s))
		goto out;
	if (s.bad) {
		cvmctl_err("malformed attribute from the kernel: %s", s.bad);
		goto out;
	}
	cvm_swt_print(ctx, &s, &tot);
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	free(s.devs);
	return ret;
}

static int cvm_swt_handler(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	struct nl_msg *msg;
	struct cvm_nl nl;
	int ret;

	if (argc == 0)
		return cvm_swt_show(ctx);
	if (argc != 2 || (strcmp(argv[0], "observer") && strcmp(argv[0], "trace")) ||
	    (strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
		cvmctl_usage_hint(&cvmctl_cmd_swiotlb);
		return CVMCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "trace"))
		return cvm_swtrace_set(!strcmp(argv[1], "on")) ?
		       CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;
	msg = cvm_nl_new_req(&nl, CVM_CMD_SWIOTLB_SET);
	if (msg && nla_put_u8(msg, CVM_A_SWIOTLB_OBSERVER,
			      !strcmp(argv[1], "on"))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = cvm_nl_request(&nl, msg, cvm_op_str(CVM_CMD_SWIOTLB_SET), NULL, NULL) ?
	      CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
	cvm_nl_close(&nl);
	return ret;
}

const struct cvmctl_cmd cvmctl_cmd_swiotlb = {
	.name		= "swiotlb",
	.args		= "[observer on|off | trace on|off]",
	.help		= "the kernel's swiotlb as cvm_bounce observes it, with sizing advice; per-device counts from its tracepoint without cvm_bounce",
	.handler	= cvm_swt_handler,
};

const struct cvmctl_cmd cvmctl_cmd_pool = {
	.name		= "pool",
	.args		= "[attach DEVICE [zero_from_device on|off] | detach DEVICE | set POLICY VALUE]",
	.help		= "bounce pool of cvm_bounce: totals, devices, policies",
	.handler	= cvm_pool_handler,
};
