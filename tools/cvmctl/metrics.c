// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl metrics [--textfile DIR]: the state of cvm_core, cvm_convert and
 * cvm_ring in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector or any scraper.
 *
 * Names are stable and documented in cvmctl.8: every metric starts with
 * cvm_, counters end in _total, gauges do not.  With --textfile the
 * output goes to DIR/cvmguard.prom, replaced atomically (temporary file
 * in DIR, fsync, rename), so a scrape never sees half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "nl.h"

#define CVM_MET_MAX_OWNERS	4096

static const char *const cvm_met_modules[] = {
	"cvm_core", "cvm_convert", "cvm_bounce", "cvm_ring", "cvm_hostsim",
};

struct cvm_met_owners {
	struct cvm_nl_vals *v;
	size_t n;
	bool nomem;
};

static int cvm_met_status_cb(struct nl_msg *msg, void *arg)
{
	cvm_nl_vals_parse(msg, arg, CVM_A_STATUS_VERSION,
			  CVM_A_STATUS_TECHNOLOGY_NAME);
	return NL_OK;
}

static int cvm_met_owner_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_met_owners *o = arg;
	struct cvm_nl_vals *nv;

	if (o->n >= CVM_MET_MAX_OWNERS)
		return NL_OK;
	nv = realloc(o->v, (o->n + 1) * sizeof(*o->v));
	if (!nv) {
		o->nomem = true;
		return NL_OK;
	}
	o->v = nv;
	memset(&o->v[o->n], 0, sizeof(*o->v));
	cvm_nl_vals_parse(msg, &o->v[o->n], CVM_A_CONV_OWNER_NAME, 0);
	o->n++;
	return NL_OK;
}

/* A label value, escaped as the exposition format wants: \\ \" \n. */
static void cvm_met_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void cvm_met_head(FILE *f, const char *name, const char *type,
			 const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void cvm_met_one(FILE *f, const char *name, const char *type,
			const char *help, uint64_t v)
{
	cvm_met_head(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* The conv-get totals: attribute, metric name, type, help. */
static const struct {
	int attr;
	const char *name;
	const char *type;
	const char *help;
} cvm_met_conv[] = {
	{ CVM_A_CONV_SHARED_PAGES, "cvm_convert_shared_pages", "gauge",
	  "Pages currently converted to shared through cvm_convert." },
	{ CVM_A_CONV_PEAK_PAGES, "cvm_convert_peak_pages", "gauge",
	  "Highest number of pages shared at once." },
	{ CVM_A_CONV_SHARE_OPS, "cvm_convert_share_ops_total", "counter",
	  "Successful conversions to shared." },
	{ CVM_A_CONV_UNSHARE_OPS, "cvm_convert_unshare_ops_total", "counter",
	  "Successful conversions back to private." },
	{ CVM_A_CONV_SHARE_FAILURES, "cvm_convert_share_failures_total",
	  "counter", "Conversions to shared that failed." },
	{ CVM_A_CONV_UNSHARE_FAILURES, "cvm_convert_unshare_failures_total",
	  "counter", "Conversions back to private that failed." },
	{ CVM_A_CONV_LEAKED_PAGES, "cvm_convert_leaked_pages", "gauge",
	  "Pages withheld from the page allocator after a failed unshare." },
	{ CVM_A_CONV_ANOMALIES, "cvm_convert_anomalies_total", "counter",
	  "Anomalies seen by the ledger (double share, unknown or foreign unshare)." },
	{ CVM_A_CONV_RANGES, "cvm_convert_ranges", "gauge",
	  "Ranges in the shared-page ledger." },
	{ CVM_A_CONV_OWNERS, "cvm_convert_owners", "gauge",
	  "Owners known to the shared-page ledger." },
	{ CVM_A_CONV_OBSERVER, "cvm_convert_observer", "gauge",
	  "1 if the observer of untracked conversions is on." },
	{ CVM_A_CONV_OBSERVED_OPS, "cvm_convert_observed_ops_total", "counter",
	  "Conversions made outside cvm_convert that the observer saw." },
};

/* Per owner, from conv-owner-get. */
static const struct {
	int attr;
	const char *name;
	const char *type;
	const char *help;
} cvm_met_owner[] = {
	{ CVM_A_CONV_OWNER_SHARED_PAGES, "cvm_convert_owner_shared_pages",
	  "gauge", "Pages an owner currently has shared." },
	{ CVM_A_CONV_OWNER_PEAK_PAGES, "cvm_convert_owner_peak_pages",
	  "gauge", "Highest number of pages an owner had shared at once." },
	{ CVM_A_CONV_OWNER_SHARE_OPS, "cvm_convert_owner_share_ops_total",
	  "counter", "Successful conversions to shared by an owner." },
	{ CVM_A_CONV_OWNER_UNSHARE_OPS, "cvm_convert_owner_unshare_ops_total",
	  "counter", "Successful conversions back to private by an owner." },
	{ CVM_A_CONV_OWNER_FAILURES, "cvm_convert_owner_failures_total",
	  "counter", "Failed conversions of an owner." },
	{ CVM_A_CONV_OWNER_LEAKED_PAGES, "cvm_convert_owner_leaked_pages",
	  "gauge", "Pages of an owner leaked after a failed unshare." },
	{ CVM_A_CONV_OWNER_ANOMALIES, "cvm_convert_owner_anomalies_total",
	  "counter", "Anomalies attributed to an owner." },
};

/* The ring-get totals of cvm_ring. */
static const struct {
	int attr;
	const char *name, *type, *help;
} cvm_met_ring[] = {
	{ CVM_A_RING_RINGS, "cvm_ring_rings", "gauge",
	  "Rings cvm_ring validates now." },
	{ CVM_A_RING_CHECKED, "cvm_ring_checked_total", "counter",
	  "Ring entries, packets and indices validated." },
	{ CVM_A_RING_VIOLATIONS, "cvm_ring_violations_total", "counter",
	  "Host-written ring data cvm_ring rejected." },
	{ CVM_A_RING_BROKEN, "cvm_ring_broken", "gauge",
	  "Rings the enforce policy marked broken." },
};

static void cvm_met_print_ring(FILE *f, const struct cvm_nl_vals *ring)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cvm_met_ring); i++)
		if (cvm_nl_vals_has(ring, cvm_met_ring[i].attr))
			cvm_met_one(f, cvm_met_ring[i].name,
				    cvm_met_ring[i].type, cvm_met_ring[i].help,
				    ring->num[cvm_met_ring[i].attr]);
}

/* The pool-get totals of cvm_bounce (its 64-bit attributes). */
static const struct {
	int attr;
	const char *name;
	const char *type;
	const char *help;
} cvm_met_pool[] = {
	{ CVM_A_POOL_SIZE, "cvm_bounce_size_bytes", "gauge",
	  "Shared memory held by the bounce pool." },
	{ CVM_A_POOL_SLOTS, "cvm_bounce_slots", "gauge",
	  "Slots in the bounce pool." },
	{ CVM_A_POOL_USED, "cvm_bounce_used_slots", "gauge",
	  "Slots of the bounce pool mapped now." },
	{ CVM_A_POOL_HIGH_WATER, "cvm_bounce_high_water_slots", "gauge",
	  "Most slots of the bounce pool mapped at once." },
	{ CVM_A_POOL_MAPS, "cvm_bounce_maps_total", "counter",
	  "Mappings made through the bounce pool." },
	{ CVM_A_POOL_UNMAPS, "cvm_bounce_unmaps_total", "counter",
	  "Mappings of the bounce pool ended." },
	{ CVM_A_POOL_BYTES, "cvm_bounce_mapped_bytes_total", "counter",
	  "Bytes mapped through the bounce pool." },
	{ CVM_A_POOL_SYNCS, "cvm_bounce_syncs_total", "counter",
	  "Syncs of bounce pool mappings." },
	{ CVM_A_POOL_FAILURES, "cvm_bounce_failures_total", "counter",
	  "Mappings refused for lack of room or size." },
	{ CVM_A_POOL_VIOLATIONS, "cvm_bounce_violations_total", "counter",
	  "Unmaps and syncs refused as misuse." },
	{ CVM_A_POOL_GROWS, "cvm_bounce_grows_total", "counter",
	  "Chunks added to the bounce pool." },
	{ CVM_A_POOL_SHRINKS, "cvm_bounce_shrinks_total", "counter",
	  "Chunks given back to private memory." },
	{ CVM_A_POOL_LEAKED_CHUNKS, "cvm_bounce_leaked_chunks", "gauge",
	  "Chunks withheld for good after a failed unshare." },
	{ CVM_A_POOL_WAITS, "cvm_bounce_waits_total", "counter",
	  "Mappings that waited for room." },
	{ CVM_A_POOL_DRIVER_LEAKS, "cvm_bounce_driver_leaks_total", "counter",
	  "Mappings drivers left live after unbinding, reclaimed at detach." },
	{ CVM_A_POOL_COHERENT_REFUSED, "cvm_bounce_coherent_refused_total",
	  "counter", "Coherent allocations refused (atomic, or beyond the mask)." },
};

static void cvm_met_print_pool(FILE *f, const struct cvm_nl_vals *pool)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cvm_met_pool); i++)
		if (cvm_nl_vals_has(pool, cvm_met_pool[i].attr))
			cvm_met_one(f, cvm_met_pool[i].name,
				    cvm_met_pool[i].type, cvm_met_pool[i].help,
				    pool->num[cvm_met_pool[i].attr]);
}

static void cvm_met_print(FILE *f, const struct cvm_nl_vals *st,
			  const struct cvm_nl_vals *conv,
			  const struct cvm_met_owners *ow)
{
	size_t i, j;

	if (st) {
		cvm_met_head(f, "cvm_info", "gauge",
			     "cvm_core version and the confidential-computing technology.");
		fputs("cvm_info{version=\"", f);
		cvm_met_label(f, st->str);
		fputs("\",technology=\"", f);
		cvm_met_label(f, st->str2[0] ? st->str2 : "none");
		fputs("\"} 1\n", f);
		if (cvm_nl_vals_has(st, CVM_A_STATUS_MEM_ENCRYPT))
			cvm_met_one(f, "cvm_mem_encrypt", "gauge",
				    "1 if memory encryption is active.",
				    st->num[CVM_A_STATUS_MEM_ENCRYPT] ? 1 : 0);
		if (cvm_nl_vals_has(st, CVM_A_STATUS_EVENT_RATELIMIT))
			cvm_met_one(f, "cvm_event_ratelimit", "gauge",
				    "Events per second cvm_core sends at most.",
				    st->num[CVM_A_STATUS_EVENT_RATELIMIT]);
		if (cvm_nl_vals_has(st, CVM_A_STATUS_EVENTS_SENT))
			cvm_met_one(f, "cvm_events_sent_total", "counter",
				    "Events sent on the events multicast group.",
				    st->num[CVM_A_STATUS_EVENTS_SENT]);
		if (cvm_nl_vals_has(st, CVM_A_STATUS_EVENTS_DROPPED))
			cvm_met_one(f, "cvm_events_dropped_total", "counter",
				    "Events dropped by the rate limit or for lack of memory.",
				    st->num[CVM_A_STATUS_EVENTS_DROPPED]);
	}

	cvm_met_head(f, "cvm_module_loaded", "gauge",
		     "1 if the cvmguard module is loaded.");
	for (i = 0; i < ARRAY_SIZE(cvm_met_modules); i++)
		fprintf(f, "cvm_module_loaded{module=\"%s\"} %d\n",
			cvm_met_modules[i],
			cvm_module_loaded(cvm_met_modules[i]) ? 1 : 0);

	if (!conv)
		return;
	for (i = 0; i < ARRAY_SIZE(cvm_met_conv); i++)
		if (cvm_nl_vals_has(conv, cvm_met_conv[i].attr))
			cvm_met_one(f, cvm_met_conv[i].name,
				    cvm_met_conv[i].type, cvm_met_conv[i].help,
				    conv->num[cvm_met_conv[i].attr]);
	if (!ow->n)
		return;
	for (i = 0; i < ARRAY_SIZE(cvm_met_owner); i++) {
		cvm_met_head(f, cvm_met_owner[i].name, cvm_met_owner[i].type,
			     cvm_met_owner[i].help);
		for (j = 0; j < ow->n; j++) {
			fprintf(f, "%s{owner=\"", cvm_met_owner[i].name);
			cvm_met_label(f, ow->v[j].str);
			fprintf(f, "\"} %" PRIu64 "\n",
				ow->v[j].num[cvm_met_owner[i].attr]);
		}
	}
}

/* Collect everything, then print to @f. Return: 0 or -1 (printed). */
static int cvm_met_collect(FILE *f)
{
	struct cvm_nl_vals st = { 0 }, conv = { 0 }, ring = { 0 }, pool = { 0 };
	struct cvm_met_owners ow = { 0 };
	bool have_conv = false, have_ring = false, have_pool = false;
	struct cvm_nl_err err;
	struct nl_msg *msg;
	struct cvm_nl nl;
	int ret = -1;

	if (!cvm_module_loaded("cvm_core")) {
		/* Nothing to ask; the module gauges say why. */
		cvm_met_print(f, NULL, NULL, &ow);
		return 0;
	}
	if (cvm_nl_open(&nl))
		return -1;
	msg = cvm_nl_new_req(&nl, CVM_CMD_GET_STATUS);
	if (!msg || cvm_nl_do(&nl, msg, cvm_met_status_cb, &st, &err)) {
		if (!msg)
			cvmctl_err("get-status: %s", strerror(ENOMEM));
		else
			cvm_nl_perror(cvm_op_str(CVM_CMD_GET_STATUS), &err);
		goto out;
	}
	if (cvm_module_loaded("cvm_convert")) {
		if (cvm_nl_get_vals(&nl, CVM_CMD_CONV_GET, &conv))
			goto out;
		msg = cvm_nl_new_dump(&nl, CVM_CMD_CONV_OWNER_GET);
		if (!msg || cvm_nl_do(&nl, msg, cvm_met_owner_cb, &ow, &err)) {
			if (!msg)
				cvmctl_err("conv-owner-get: %s", strerror(ENOMEM));
			else
				cvm_nl_perror(cvm_op_str(CVM_CMD_CONV_OWNER_GET), &err);
			goto out;
		}
		if (ow.nomem) {
			cvmctl_err("conv-owner-get: %s", strerror(ENOMEM));
			goto out;
		}
		have_conv = true;
	}
	have_ring = cvm_module_loaded("cvm_ring");
	if (have_ring &&
	    cvm_nl_get_vals(&nl, CVM_CMD_RING_GET, &ring))
		goto out;
	have_pool = cvm_module_loaded("cvm_bounce");
	if (have_pool &&
	    cvm_nl_get_vals(&nl, CVM_CMD_POOL_GET, &pool))
		goto out;
	cvm_met_print(f, &st, have_conv ? &conv : NULL, &ow);
	if (have_pool)
		cvm_met_print_pool(f, &pool);
	if (have_ring)
		cvm_met_print_ring(f, &ring);
	ret = 0;
out:
	free(ow.v);
	cvm_nl_close(&nl);
	return ret;
}

static int cvm_met_textfile(const char *dir)
{
	char tmp[4096], dst[4096];
	FILE *f;
	int fd;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/cvmguard.prom", dir) >=
	    sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.cvmguard.prom.XXXXXX",
			     dir) >= sizeof(tmp)) {
		cvmctl_err("metrics: directory name too long");
		return CVMCTL_EXIT_FAIL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		cvmctl_err("metrics: cannot create a file in %s: %s", dir,
			   strerror(errno));
		return CVMCTL_EXIT_FAIL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		cvmctl_err("metrics: %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return CVMCTL_EXIT_FAIL;
	}
	if (cvm_met_collect(f)) {
		fclose(f);
		unlink(tmp);
		return CVMCTL_EXIT_FAIL;
	}
	if (fchmod(fd, 0644) || fflush(f) || ferror(f) || fsync(fd)) {
		cvmctl_err("metrics: writing %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return CVMCTL_EXIT_FAIL;
	}
	if (fclose(f)) {
		cvmctl_err("metrics: writing %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return CVMCTL_EXIT_FAIL;
	}
	if (rename(tmp, dst)) {
		cvmctl_err("metrics: cannot rename %s to %s: %s", tmp, dst,
			   strerror(errno));
		unlink(tmp);
		return CVMCTL_EXIT_FAIL;
	}
	return CVMCTL_EXIT_OK;
}

static int cvmctl_do_metrics(const struct cvmctl_ctx *ctx, int argc,
			     char **argv)
{
	(void)ctx;
	if (argc == 0)
		return cvm_met_collect(stdout) ? CVMCTL_EXIT_FAIL :
						 CVMCTL_EXIT_OK;
	if (argc == 2 && !strcmp(argv[0], "--textfile") && argv[1][0])
		return cvm_met_textfile(argv[1]);
	cvmctl_err("metrics: unexpected argument '%s'", argv[argc > 2 ? 2 : 0]);
	cvmctl_usage_hint(&cvmctl_cmd_metrics);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_metrics = {
	.name = "metrics",
	.args = "[--textfile DIR]",
	.help = "print Prometheus metrics, or write DIR/cvmguard.prom atomically",
	.handler = cvmctl_do_metrics,
};
