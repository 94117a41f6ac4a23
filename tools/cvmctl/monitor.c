// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl monitor: print the events of the "events" multicast group, one
 * line per event, as they arrive.
 *
 *	config event_ratelimit=N
 *	conv KIND owner=OWNER start_pfn=0xHEX pages=N[ error=ENAME]
 *	pool KIND device=DEV addr=0xHEX size=N[ error=ENAME]
 *	ring REASON id=N kind=KIND owner=OWNER policy=POLICY value=N limit=N
 *
 * With -j, one JSON object per line:
 *	{"event":"config","event_ratelimit":N}
 *	{"event":"conv","kind":"leaked","owner":"x","start_pfn":N,"pages":N[,"error":"EIO"]}
 *	{"event":"pool","kind":"stray","device":"x","addr":N,"size":N[,"error":"ENOENT"]}
 *	{"event":"ring","reason":"idx-advance","id":N,"kind":"virtio-split",
 *	 "owner":"x","policy":"monitor","value":N,"limit":N}
 *
 * KIND and REASON are the names of the spec's enums (cvm_names.h); a value
 * this cvmctl does not know prints as event-N.
 *
 * The monitor also listens to nlctrl's "notify" group: when the cvm family
 * goes away (cvm_core unloaded) it says so on stderr and waits; when the
 * family comes back it joins the new events group again.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "json.h"
#include "nl.h"

#define CVM_MON_OWNER_LEN	128

static volatile sig_atomic_t cvm_mon_stop;

struct cvm_mon {
	const struct cvmctl_ctx *ctx;
	struct nl_sock *sk;	/* multicast listener */
	int family;		/* cvm family id, -1 while cvm_core is away */
	unsigned long count;	/* --count, 0 = no limit */
	unsigned long seen;
	bool bad_output;
};

static void cvm_mon_signal(int sig)
{
	(void)sig;
	cvm_mon_stop = 1;
}

/*
 * Resolve the cvm family and its events group on a socket of its own, so
 * that no multicast message is eaten by the resolver's receive loop, and
 * join the group.  Return: 0; -1 if cvm_core is not there; -2 when the
 * group refuses us: events carry pfns and DMA addresses, so joining needs
 * CAP_NET_ADMIN.
 */
static int cvm_mon_join(struct cvm_mon *m)
{
	struct nl_sock *rs;
	int fam, grp, ret;

	rs = nl_socket_alloc();
	if (!rs)
		return -1;
	if (genl_connect(rs)) {
		nl_socket_free(rs);
		return -1;
	}
	fam = genl_ctrl_resolve(rs, CVM_FAMILY_NAME);
	grp = fam < 0 ? fam :
	      genl_ctrl_resolve_grp(rs, CVM_FAMILY_NAME, CVM_MCGRP_EVENTS);
	nl_socket_free(rs);
	if (fam < 0 || grp < 0)
		return -1;
	ret = nl_socket_add_membership(m->sk, grp);
	if (ret == -NLE_PERM) {
		cvmctl_err("monitor: permission denied: the events group needs CAP_NET_ADMIN (run as root)");
		return -2;
	}
	if (ret < 0) {
		cvmctl_err("monitor: cannot join the events group: %s",
			   nl_geterror(ret));
		return -1;
	}
	m->family = fam;
	return 0;
}

/* @name, the spec's name of @v, or "event-N" for a value this cvmctl does not know. */
static const char *cvm_mon_name(const char *name, uint32_t v, char *buf,
				size_t size)
{
	if (name)
		return name;
	snprintf(buf, size, "event-%" PRIu32, v);
	return buf;
}

/* " error=EIO" (or the number when it has no name) after a text event. */
static void cvm_mon_error_text(int32_t error)
{
	const char *name = strerrorname_np(error < 0 ? -error : error);

	if (name && error <= 0)
		printf(" error=%s", name);
	else
		printf(" error=%" PRId32, error);
}

static void cvm_mon_error_json(struct jsonw *jw, int32_t error)
{
	const char *name = strerrorname_np(error < 0 ? -error : error);

	if (name && error <= 0)
		jsonw_string_field(jw, "error", name);
	else
		jsonw_int_field(jw, "error", error);
}

static void cvm_mon_conv_text(const char *kind, const char *owner,
			      uint64_t pfn, uint64_t pages, bool has_err,
			      int32_t error)
{
	printf("conv %s owner=%s start_pfn=0x%" PRIx64 " pages=%" PRIu64,
	       kind, owner, pfn, pages);
	if (has_err)
		cvm_mon_error_text(error);
	putchar('\n');
}

static void cvm_mon_conv_json(const struct cvmctl_ctx *ctx, const char *kind,
			      const char *owner, uint64_t pfn, uint64_t pages,
			      bool has_err, int32_t error)
{
	struct jsonw jw;

	jsonw_init(&jw, stdout, ctx->pretty);
	jsonw_start_object(&jw);
	jsonw_string_field(&jw, "event", "conv");
	jsonw_string_field(&jw, "kind", kind);
	jsonw_string_field(&jw, "owner", owner);
	jsonw_uint_field(&jw, "start_pfn", pfn);
	jsonw_uint_field(&jw, "pages", pages);
	if (has_err)
		cvm_mon_error_json(&jw, error);
	jsonw_end_object(&jw);
	jsonw_finish(&jw);
}

/*
 * pool KIND device=DEV addr=0xADDR size=N[ error=ENAME]
 * {"event":"pool","kind":K,"device":D,"addr":N,"size":N[,"error":E]}
 */
static bool cvm_mon_pool_event(struct cvm_mon *m, struct genlmsghdr *gnlh,
			       int len)
{
	struct nlattr *tb[CVM_A_POOL_NTF_MAX + 1];
	char dev[CVM_MON_OWNER_LEN] = "", kindbuf[32];
	uint64_t addr = 0, size = 0;
	uint32_t v, e = 0;
	const char *kind;

	if (nla_parse(tb, CVM_A_POOL_NTF_MAX, genlmsg_attrdata(gnlh, 0), len,
		      NULL) || !tb[CVM_A_POOL_NTF_EVENT] ||
	    cvm_nla_get_u32(tb[CVM_A_POOL_NTF_EVENT], &v) ||
	    (tb[CVM_A_POOL_NTF_ADDR] &&
	     cvm_nla_get_u64(tb[CVM_A_POOL_NTF_ADDR], &addr)) ||
	    (tb[CVM_A_POOL_NTF_SIZE] &&
	     cvm_nla_get_u64(tb[CVM_A_POOL_NTF_SIZE], &size)) ||
	    (tb[CVM_A_POOL_NTF_ERROR] &&
	     cvm_nla_get_u32(tb[CVM_A_POOL_NTF_ERROR], &e)))
		return false;
	kind = cvm_mon_name(cvm_bounce_event_str(v), v, kindbuf,
			    sizeof(kindbuf));
	if (tb[CVM_A_POOL_NTF_DEVICE])
		cvm_nla_get_str(tb[CVM_A_POOL_NTF_DEVICE], dev, sizeof(dev));
	if (m->ctx->json) {
		struct jsonw jw;

		jsonw_init(&jw, stdout, m->ctx->pretty);
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "event", "pool");
		jsonw_string_field(&jw, "kind", kind);
		jsonw_string_field(&jw, "device", dev);
		jsonw_uint_field(&jw, "addr", addr);
		jsonw_uint_field(&jw, "size", size);
		if (tb[CVM_A_POOL_NTF_ERROR])
			cvm_mon_error_json(&jw, (int32_t)e);
		jsonw_end_object(&jw);
		jsonw_finish(&jw);
		return true;
	}
	printf("pool %s device=%s addr=0x%" PRIx64 " size=%" PRIu64, kind,
	       dev[0] ? dev : "-", addr, size);
	if (tb[CVM_A_POOL_NTF_ERROR])
		cvm_mon_error_text((int32_t)e);
	putchar('\n');
	return true;
}

/*
 * ring REASON id=N kind=KIND owner=OWNER policy=POLICY value=N limit=N
 * {"event":"ring","reason":R,"id":N,"kind":K,"owner":O,"policy":P,
 *  "value":N,"limit":N}
 */
static bool cvm_mon_ring_event(struct cvm_mon *m, struct genlmsghdr *gnlh,
			       int len)
{
	struct nlattr *tb[CVM_A_RING_NTF_MAX + 1];
	char owner[CVM_MON_OWNER_LEN] = "", rbuf[32], kbuf[32], pbuf[32];
	uint32_t reason, id = 0, kind = 0, policy = 0;
	uint64_t value = 0, limit = 0;
	const char *rname, *kname, *pname;

	if (nla_parse(tb, CVM_A_RING_NTF_MAX, genlmsg_attrdata(gnlh, 0), len,
		      NULL) || !tb[CVM_A_RING_NTF_REASON] ||
	    cvm_nla_get_u32(tb[CVM_A_RING_NTF_REASON], &reason) ||
	    (tb[CVM_A_RING_NTF_ID] &&
	     cvm_nla_get_u32(tb[CVM_A_RING_NTF_ID], &id)) ||
	    (tb[CVM_A_RING_NTF_KIND] &&
	     cvm_nla_get_u32(tb[CVM_A_RING_NTF_KIND], &kind)) ||
	    (tb[CVM_A_RING_NTF_POLICY] &&
	     cvm_nla_get_u32(tb[CVM_A_RING_NTF_POLICY], &policy)) ||
	    (tb[CVM_A_RING_NTF_VALUE] &&
	     cvm_nla_get_u64(tb[CVM_A_RING_NTF_VALUE], &value)) ||
	    (tb[CVM_A_RING_NTF_LIMIT] &&
	     cvm_nla_get_u64(tb[CVM_A_RING_NTF_LIMIT], &limit)))
		return false;
	if (tb[CVM_A_RING_NTF_OWNER])
		cvm_nla_get_str(tb[CVM_A_RING_NTF_OWNER], owner, sizeof(owner));
	rname = cvm_mon_name(cvm_ring_reason_str(reason), reason, rbuf,
			     sizeof(rbuf));
	kname = cvm_mon_name(cvm_ring_kind_str(kind), kind, kbuf,
			     sizeof(kbuf));
	pname = cvm_mon_name(cvm_ring_policy_str(policy), policy, pbuf,
			     sizeof(pbuf));
	if (m->ctx->json) {
		struct jsonw jw;

		jsonw_init(&jw, stdout, m->ctx->pretty);
		jsonw_start_object(&jw);
		jsonw_string_field(&jw, "event", "ring");
		jsonw_string_field(&jw, "reason", rname);
		jsonw_uint_field(&jw, "id", id);
		jsonw_string_field(&jw, "kind", kname);
		jsonw_string_field(&jw, "owner", owner);
		jsonw_string_field(&jw, "policy", pname);
		jsonw_uint_field(&jw, "value", value);
		jsonw_uint_field(&jw, "limit", limit);
		jsonw_end_object(&jw);
		jsonw_finish(&jw);
		return true;
	}
	printf("ring %s id=%" PRIu32 " kind=%s owner=%s policy=%s value=%" PRIu64
	       " limit=%" PRIu64 "\n", rname, id, kname, owner[0] ? owner : "-",
	       pname, value, limit);
	return true;
}

/* One event of the cvm family. Return: true if it was printed. */
static bool cvm_mon_cvm_event(struct cvm_mon *m, struct genlmsghdr *gnlh,
			      int len)
{
	struct nlattr *tb[CVM_A_CONV_NTF_MAX + 1];
	char owner[CVM_MON_OWNER_LEN] = "";
	char kindbuf[32];
	const char *kind;
	uint64_t pfn = 0, pages = 0;
	uint32_t v = 0;
	int32_t error = 0;

	if (gnlh->cmd == CVM_CMD_CONFIG_NTF) {
		struct nlattr *ctb[CVM_A_CONFIG_MAX + 1];

		if (nla_parse(ctb, CVM_A_CONFIG_MAX, genlmsg_attrdata(gnlh, 0),
			      len, NULL) || !ctb[CVM_A_CONFIG_EVENT_RATELIMIT] ||
		    cvm_nla_get_u32(ctb[CVM_A_CONFIG_EVENT_RATELIMIT], &v))
			return false;
		if (m->ctx->json) {
			struct jsonw jw;

			jsonw_init(&jw, stdout, m->ctx->pretty);
			jsonw_start_object(&jw);
			jsonw_string_field(&jw, "event", "config");
			jsonw_uint_field(&jw, "event_ratelimit", v);
			jsonw_end_object(&jw);
			jsonw_finish(&jw);
		} else {
			printf("config event_ratelimit=%" PRIu32 "\n", v);
		}
		return true;
	}
	if (gnlh->cmd == CVM_CMD_POOL_NTF)
		return cvm_mon_pool_event(m, gnlh, len);
	if (gnlh->cmd == CVM_CMD_RING_NTF)
		return cvm_mon_ring_event(m, gnlh, len);
	if (gnlh->cmd != CVM_CMD_CONV_NTF)
		return false;
	if (nla_parse(tb, CVM_A_CONV_NTF_MAX, genlmsg_attrdata(gnlh, 0), len,
		      NULL) || !tb[CVM_A_CONV_NTF_EVENT] ||
	    cvm_nla_get_u32(tb[CVM_A_CONV_NTF_EVENT], &v))
		return false;
	kind = cvm_mon_name(cvm_conv_event_str(v), v, kindbuf,
			    sizeof(kindbuf));
	if (tb[CVM_A_CONV_NTF_OWNER])
		cvm_nla_get_str(tb[CVM_A_CONV_NTF_OWNER], owner, sizeof(owner));
	if (tb[CVM_A_CONV_NTF_START_PFN] &&
	    cvm_nla_get_u64(tb[CVM_A_CONV_NTF_START_PFN], &pfn))
		return false;
	if (tb[CVM_A_CONV_NTF_PAGES] &&
	    cvm_nla_get_u64(tb[CVM_A_CONV_NTF_PAGES], &pages))
		return false;
	if (tb[CVM_A_CONV_NTF_ERROR]) {
		if (cvm_nla_get_u32(tb[CVM_A_CONV_NTF_ERROR], &v))
			return false;
		error = (int32_t)v;
	}
	if (m->ctx->json)
		cvm_mon_conv_json(m->ctx, kind, owner, pfn, pages,
				  tb[CVM_A_CONV_NTF_ERROR], error);
	else
		cvm_mon_conv_text(kind, owner[0] ? owner : "-", pfn, pages,
				  tb[CVM_A_CONV_NTF_ERROR], error);
	return true;
}

/* nlctrl told us a family came or went; only "cvm" matters. */
static void cvm_mon_ctrl_event(struct cvm_mon *m, struct genlmsghdr *gnlh,
			       int len)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	char name[GENL_NAMSIZ];

	if (gnlh->cmd != CTRL_CMD_DELFAMILY && gnlh->cmd != CTRL_CMD_NEWFAMILY)
		return;
	if (nla_parse(tb, CTRL_ATTR_MAX, genlmsg_attrdata(gnlh, 0), len, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return;
	cvm_nla_get_str(tb[CTRL_ATTR_FAMILY_NAME], name, sizeof(name));
	if (strcmp(name, CVM_FAMILY_NAME))
		return;
	if (gnlh->cmd == CTRL_CMD_DELFAMILY) {
		if (m->family >= 0)
			cvmctl_err("cvm_core unloaded; waiting for it to come back");
		m->family = -1;
	} else if (m->family < 0 && !cvm_mon_join(m)) {
		cvmctl_err("cvm_core is back; monitoring");
	}
}

static int cvm_mon_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct cvm_mon *m = arg;
	struct genlmsghdr *gnlh;
	int len;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	gnlh = nlmsg_data(nlh);
	len = genlmsg_attrlen(gnlh, 0);
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		cvm_mon_ctrl_event(m, gnlh, len);
		return NL_OK;
	}
	if (m->family < 0 || nlh->nlmsg_type != m->family)
		return NL_SKIP;
	if (cvm_mon_cvm_event(m, gnlh, len)) {
		if (fflush(stdout) || ferror(stdout))
			m->bad_output = true;
		m->seen++;
		if (m->count && m->seen >= m->count)
			return NL_STOP;
	}
	return NL_OK;
}

static int cvm_parse_count(const char *s, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return (errno || *end || !*v) ? -1 : 0;
}

static int cvmctl_do_monitor(const struct cvmctl_ctx *ctx, int argc,
			     char **argv)
{
	struct cvm_mon m = { .ctx = ctx, .family = -1 };
	struct sigaction sa = { .sa_handler = cvm_mon_signal };
	sigset_t block, orig;
	struct pollfd pfd;
	int ret = CVMCTL_EXIT_FAIL, grp, err, i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (cvm_parse_count(argv[++i], &m.count)) {
				cvmctl_err("monitor: invalid count '%s': must be a positive integer",
					   argv[i]);
				goto usage;
			}
		} else {
			cvmctl_err("monitor: unexpected argument '%s'", argv[i]);
			goto usage;
		}
	}

	m.sk = nl_socket_alloc();
	if (!m.sk) {
		cvmctl_err("cannot allocate netlink socket: %s", strerror(ENOMEM));
		return CVMCTL_EXIT_FAIL;
	}
	errno = 0;
	err = genl_connect(m.sk);
	if (err < 0) {
		cvmctl_err("cannot create generic netlink socket: %s",
			   errno ? strerror(errno) : nl_geterror(err));
		goto out;
	}
	nl_socket_disable_seq_check(m.sk);
	nl_socket_modify_cb(m.sk, NL_CB_VALID, NL_CB_CUSTOM, cvm_mon_valid, &m);
	nl_socket_set_buffer_size(m.sk, 1 << 20, 0);

	/* Listen for the family first, so its return cannot be missed. */
	grp = genl_ctrl_resolve_grp(m.sk, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(m.sk, grp) < 0) {
		cvmctl_err("monitor: cannot join nlctrl's notify group: %s",
			   nl_geterror(grp < 0 ? grp : -NLE_FAILURE));
		goto out;
	}
	err = cvm_mon_join(&m);
	if (err == -2)
		goto out;
	if (err)
		cvmctl_err("cvm_core is not loaded; waiting for it");
	nl_socket_set_nonblocking(m.sk);

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd.fd = nl_socket_get_fd(m.sk);
	pfd.events = POLLIN;
	while (!cvm_mon_stop && !m.bad_output &&
	       !(m.count && m.seen >= m.count)) {
		int n = ppoll(&pfd, 1, NULL, &orig);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			cvmctl_err("monitor: poll: %s", strerror(errno));
			goto out;
		}
		err = nl_recvmsgs_default(m.sk);
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the socket overflowed, events are lost. */
			cvmctl_err("warning: events lost (receive buffer overflow)");
		} else if (err < 0 && err != -NLE_AGAIN) {
			cvmctl_err("monitor: receive: %s", nl_geterror(err));
			goto out;
		}
	}
	ret = m.bad_output ? CVMCTL_EXIT_FAIL : CVMCTL_EXIT_OK;
out:
	nl_socket_free(m.sk);
	return ret;
usage:
	cvmctl_usage_hint(&cvmctl_cmd_monitor);
	return CVMCTL_EXIT_USAGE;
}

const struct cvmctl_cmd cvmctl_cmd_monitor = {
	.name = "monitor",
	.args = "[--count N]",
	.help = "print cvm events as they happen; survives cvm_core reloads",
	.handler = cvmctl_do_monitor,
};
