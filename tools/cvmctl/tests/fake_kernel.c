// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD shim that plays cvm_core for cvmctl's CLI tests, so the
 * netlink and libkmod paths can be exercised on a machine without the
 * module.
 *
 * CVMCTL_FAKE_ROOT=DIR
 *	open/openat/fopen/stat/access/opendir of /sys/module/...,
 *	/proc/modules and the posture files (/sys/firmware, /sys/kernel/
 *	security, /sys/class/tpm, /proc/sys/kernel/tainted, /proc/cmdline,
 *	/sys/kernel/debug, /proc/sys/kernel/modules_disabled and loadpin/,
 *	/lib/modules) go to DIR/... instead.
 *
 * CVMCTL_FAKE_NL=SCENARIO
 *	socket(AF_NETLINK, *, NETLINK_GENERIC) returns a fake socket whose
 *	"kernel" answers CTRL_CMD_GETFAMILY and the cvm commands the way the
 *	YNL spec says. Unset, cvmctl talks to the host's real kernel (which
 *	has no "cvm" family: cvm_core not loaded).
 *
 *	What the real cvm_core answers is tested against it in the VM suite:
 *	status and status --check (selftests/cvmctl.sh), the ledger and the
 *	errors without cvm_convert (cvmctl_conv.sh), set-config, conv-set and
 *	every EPERM (cvmctl_ops.sh, perm.sh), every op and policy check
 *	(ynl_cli.sh). The scenarios here are the replies no kernel we build
 *	gives, or none a test can make it give, which cvmctl must still
 *	survive; and "ok", the reply of a plain VM, under the fake /sys and
 *	/proc trees whose posture and module tables a VM cannot vary.
 *	  ok		get-status as on a plain VM (cvm_core registered
 *			as "core", as kernel/core/main.c names it);
 *			set-config succeeds
 *	  snp		SEV-SNP, mem-encrypt on (no SEV-SNP under TCG),
 *			u64-max counters, a pad attribute and one from the
 *			future, three registered modules (named "cvm_core",
 *			"convert" and by id only: older and newer kernels)
 *	  partial	get-status with only version and technology (enum)
 *	  malformed	get-status with a 2-byte technology attribute
 *	  noreply	get-status is ACKed without a reply
 *	  eopnotsupp	every cvm command fails with EOPNOTSUPP + extack
 *			(get-status is cvm_core's own: never in a kernel)
 *	  einval	set-config fails with EINVAL + extack (cvmctl checks
 *			the spec's range first: a kernel with other bounds)
 *	  missing	set-config fails with EINVAL + MISS_TYPE only
 *	  warn		set-config ACK carries an extack warning
 *	  nosock	socket() fails with EPROTONOSUPPORT
 *	  conv		conv-get with u64-max anomalies, the observer off
 *			after five ops with a reason, an attribute from the
 *			future; four owners in dump order (not sorted; two
 *			with the same shared pages); six ranges sent two per
 *			datagram (NLM_F_MULTI), one past 2^40 pages, one
 *			with a state this cvmctl does not know
 *	  conv-partial	conv-get with only shared-pages and ranges; an
 *			owner with only its name, a range with only its pfn
 *	  conv-many	CVMCTL_FAKE_RANGES ranges (default 100000) of one
 *			page each, in datagrams of up to 4 KiB
 *	  conv-dumperr	the range dump fails after two ranges (cvm_convert
 *			unloaded between rounds: EOPNOTSUPP in NLMSG_DONE)
 *	  conv-malformed a range with a 2-byte pages attribute
 * CVMCTL_FAKE_NOCAP=1
 *	ignore NETLINK_CAP_ACK: errors echo the request (uncapped).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/cvm.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define FAKE_FAMILY_ID	0x42
#define FAKE_PORTID	4242
#define FAKE_QUEUE_LEN	8
#define FAKE_BUF_LEN	4096

struct fake_dgram {
	size_t len;
	unsigned char data[FAKE_BUF_LEN];
};

/* A dump in progress: one datagram is made per recvmsg(), as the kernel does. */
struct fake_dump {
	bool active;
	uint8_t cmd;
	uint32_t seq, pid;
	unsigned long next, total;
};

static struct fake_dump fake_dump;
static int fake_fd = -1;
static int fake_ext_ack, fake_cap_ack;
static struct fake_dgram fake_queue[FAKE_QUEUE_LEN];
static unsigned int fake_head, fake_count;

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

/* ---- path redirection ------------------------------------------------ */

static const char *fake_path(const char *path, char *buf, size_t size)
{
	const char *root = getenv("CVMCTL_FAKE_ROOT");

	static const char *const faked[] = {
		"/sys/module", "/proc/modules", "/sys/firmware",
		"/sys/kernel/security", "/sys/class/tpm",
		"/proc/sys/kernel/tainted", "/proc/cmdline",
		"/sys/kernel/debug", "/proc/sys/kernel/modules_disabled",
		"/proc/sys/kernel/loadpin", "/lib/modules", "/proc/self/mounts",
		"/sys/kernel/tracing",
	};
	size_t i;

	if (!root || !path)
		return path;
	for (i = 0; i < sizeof(faked) / sizeof(faked[0]); i++)
		if (!strncmp(path, faked[i], strlen(faked[i])))
			break;
	if (i == sizeof(faked) / sizeof(faked[0]))
		return path;
	snprintf(buf, size, "%s%s", root, path);
	return buf;
}

DIR *opendir(const char *path)
{
	char buf[4096];

	return REAL(opendir)(fake_path(path, buf, sizeof(buf)));
}

int open(const char *path, int flags, ...)
{
	char buf[4096];
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return REAL(open)(fake_path(path, buf, sizeof(buf)), flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char buf[4096];
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return REAL(openat)(dirfd, fake_path(path, buf, sizeof(buf)), flags,
			    mode);
}

FILE *fopen(const char *path, const char *mode)
{
	char buf[4096];

	return REAL(fopen)(fake_path(path, buf, sizeof(buf)), mode);
}

int stat(const char *path, struct stat *st)
{
	char buf[4096];

	return REAL(stat)(fake_path(path, buf, sizeof(buf)), st);
}

int access(const char *path, int mode)
{
	char buf[4096];

	return REAL(access)(fake_path(path, buf, sizeof(buf)), mode);
}

/* ---- fake generic netlink ---------------------------------------------- */

static const char *scenario(void)
{
	const char *s = getenv("CVMCTL_FAKE_NL");

	return s ? s : "";
}

static bool is_scenario(const char *s)
{
	return !strcmp(scenario(), s);
}

static struct fake_dgram *fake_new_dgram(void)
{
	struct fake_dgram *d;

	if (fake_count == FAKE_QUEUE_LEN)
		abort();
	d = &fake_queue[(fake_head + fake_count++) % FAKE_QUEUE_LEN];
	memset(d, 0, sizeof(*d));
	return d;
}

static void *fake_put(struct fake_dgram *d, const void *data, size_t len)
{
	void *p = d->data + d->len;

	if (d->len + NLMSG_ALIGN(len) > sizeof(d->data))
		abort();
	memcpy(p, data, len);
	d->len += NLMSG_ALIGN(len);
	return p;
}

static size_t fake_attr(struct fake_dgram *d, int type, const void *data,
			size_t len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	size_t off = d->len;

	fake_put(d, &nla, sizeof(nla));
	if (len)
		fake_put(d, data, len);
	return off;
}

static void fake_attr_str(struct fake_dgram *d, int type, const char *s)
{
	fake_attr(d, type, s, strlen(s) + 1);
}

static void fake_attr_u32(struct fake_dgram *d, int type, uint32_t v)
{
	fake_attr(d, type, &v, sizeof(v));
}

static void fake_attr_u64(struct fake_dgram *d, int type, uint64_t v)
{
	fake_attr(d, type, &v, sizeof(v));
}

static size_t fake_nest_start(struct fake_dgram *d, int type)
{
	return fake_attr(d, type | NLA_F_NESTED, NULL, 0);
}

static void fake_nest_end(struct fake_dgram *d, size_t off)
{
	((struct nlattr *)(d->data + off))->nla_len = d->len - off;
}

static void fake_finish(struct fake_dgram *d)
{
	((struct nlmsghdr *)d->data)->nlmsg_len = d->len;
}

static struct fake_dgram *fake_reply(const struct nlmsghdr *req, int type,
				     uint8_t cmd)
{
	struct fake_dgram *d = fake_new_dgram();
	struct nlmsghdr nlh = {
		.nlmsg_type = type,
		.nlmsg_seq = req->nlmsg_seq,
		.nlmsg_pid = req->nlmsg_pid,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };

	fake_put(d, &nlh, sizeof(nlh));
	fake_put(d, &g, sizeof(g));
	return d;
}

/* The kernel's netlink_ack(), including the extack TLVs. */
static void fake_ack(const struct nlmsghdr *req, int error, const char *msg,
		     int miss_type)
{
	struct fake_dgram *d = fake_new_dgram();
	bool capped = !error || (fake_cap_ack && !getenv("CVMCTL_FAKE_NOCAP"));
	bool tlvs = fake_ext_ack && (msg || miss_type >= 0);
	struct nlmsghdr nlh = {
		.nlmsg_type = NLMSG_ERROR,
		.nlmsg_flags = (capped ? NLM_F_CAPPED : 0) |
			       (tlvs ? NLM_F_ACK_TLVS : 0),
		.nlmsg_seq = req->nlmsg_seq,
		.nlmsg_pid = req->nlmsg_pid,
	};
	struct nlmsgerr e = { .error = error, .msg = *req };

	fake_put(d, &nlh, sizeof(nlh));
	if (capped) {
		fake_put(d, &e, sizeof(e));
	} else {
		memcpy(d->data + d->len, &e, sizeof(e.error));
		d->len += sizeof(e.error);
		fake_put(d, req, req->nlmsg_len);
	}
	if (tlvs && msg)
		fake_attr_str(d, NLMSGERR_ATTR_MSG, msg);
	if (tlvs && miss_type >= 0)
		fake_attr_u32(d, NLMSGERR_ATTR_MISS_TYPE, miss_type);
	fake_finish(d);
}

static const struct nlattr *fake_find_attr(const struct nlmsghdr *req, int type)
{
	const unsigned char *p = (const unsigned char *)req + NLMSG_HDRLEN +
				 GENL_HDRLEN;
	const unsigned char *end = (const unsigned char *)req + req->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *nla = (const void *)p;

		if (nla->nla_len < NLA_HDRLEN || p + nla->nla_len > end)
			break;
		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
		p += NLA_ALIGN(nla->nla_len);
	}
	return NULL;
}

static void fake_ctrl(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g = NLMSG_DATA(req);
	const struct nlattr *name;
	struct fake_dgram *d;

	name = fake_find_attr(req, CTRL_ATTR_FAMILY_NAME);
	if (g->cmd != CTRL_CMD_GETFAMILY || !name ||
	    strcmp((const char *)name + NLA_HDRLEN, CVM_FAMILY_NAME)) {
		fake_ack(req, -ENOENT, NULL, -1);
		return;
	}
	d = fake_reply(req, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY);
	fake_attr(d, CTRL_ATTR_FAMILY_ID, &(uint16_t){ FAKE_FAMILY_ID }, 2);
	fake_attr_str(d, CTRL_ATTR_FAMILY_NAME, CVM_FAMILY_NAME);
	fake_attr_u32(d, CTRL_ATTR_VERSION, CVM_FAMILY_VERSION);
	fake_attr_u32(d, CTRL_ATTR_HDRSIZE, 0);
	fake_attr_u32(d, CTRL_ATTR_MAXATTR, CVM_A_STATUS_MAX);
	fake_finish(d);
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_ack(req, 0, NULL, -1);
}

static void fake_module(struct fake_dgram *d, int id, const char *name)
{
	size_t nest = fake_nest_start(d, CVM_A_STATUS_MODULE);

	if (id >= 0)
		fake_attr_u32(d, CVM_A_MODULE_INFO_ID, id);
	if (name)
		fake_attr_str(d, CVM_A_MODULE_INFO_NAME, name);
	fake_attr_str(d, CVM_A_MODULE_INFO_VERSION, "0.1.0");
	fake_nest_end(d, nest);
}

static void fake_get_status(const struct nlmsghdr *req)
{
	struct fake_dgram *d;
	uint8_t u8;

	if (is_scenario("noreply")) {
		fake_ack(req, 0, NULL, -1);
		return;
	}
	d = fake_reply(req, FAKE_FAMILY_ID, CVM_CMD_GET_STATUS);
	fake_attr_str(d, CVM_A_STATUS_VERSION, "0.1.0");
	if (is_scenario("malformed")) {
		fake_attr(d, CVM_A_STATUS_TECHNOLOGY, "\0\0", 2);
	} else if (is_scenario("partial")) {
		fake_attr_u32(d, CVM_A_STATUS_TECHNOLOGY, CVM_TECHNOLOGY_TDX);
	} else if (is_scenario("snp")) {
		fake_attr_u32(d, CVM_A_STATUS_TECHNOLOGY,
			      CVM_TECHNOLOGY_SEV_SNP);
		fake_attr_str(d, CVM_A_STATUS_TECHNOLOGY_NAME, "sev-snp");
		u8 = 1;
		fake_attr(d, CVM_A_STATUS_MEM_ENCRYPT, &u8, 1);
		fake_attr_u32(d, CVM_A_STATUS_EVENT_RATELIMIT, 100000);
		/* what nla_put_u64_64bit() adds where alignment needs it */
		fake_attr(d, CVM_A_STATUS_PAD, NULL, 0);
		fake_attr_u64(d, CVM_A_STATUS_EVENTS_SENT, UINT64_MAX);
		fake_attr_u64(d, CVM_A_STATUS_EVENTS_DROPPED, 12345678901ULL);
		fake_module(d, CVM_MODULE_CORE, "cvm_core");
		fake_module(d, CVM_MODULE_CONVERT, "convert");
		fake_module(d, CVM_MODULE_RING, NULL);
		/* an attribute from the future is ignored */
		fake_attr_u32(d, CVM_A_STATUS_MAX + 1, 7);
	} else {
		fake_attr_u32(d, CVM_A_STATUS_TECHNOLOGY, CVM_TECHNOLOGY_NONE);
		fake_attr_str(d, CVM_A_STATUS_TECHNOLOGY_NAME, "none");
		u8 = 0;
		fake_attr(d, CVM_A_STATUS_MEM_ENCRYPT, &u8, 1);
		fake_attr_u32(d, CVM_A_STATUS_EVENT_RATELIMIT, 100);
		fake_attr_u64(d, CVM_A_STATUS_EVENTS_SENT, 0);
		fake_attr_u64(d, CVM_A_STATUS_EVENTS_DROPPED, 0);
		/* as cvm_core names itself */
		fake_module(d, CVM_MODULE_CORE, "core");
	}
	fake_finish(d);
	fake_ack(req, 0, NULL, -1);
}

static void fake_set_config(const struct nlmsghdr *req)
{
	const struct nlattr *nla;
	uint32_t v;

	if (is_scenario("missing")) {
		fake_ack(req, -EINVAL, NULL, CVM_A_CONFIG_EVENT_RATELIMIT);
		return;
	}
	if (is_scenario("einval")) {
		fake_ack(req, -EINVAL, "integer out of range", -1);
		return;
	}
	nla = fake_find_attr(req, CVM_A_CONFIG_EVENT_RATELIMIT);
	if (!nla) {
		fake_ack(req, -EINVAL, NULL, CVM_A_CONFIG_EVENT_RATELIMIT);
		return;
	}
	if (nla->nla_len != NLA_HDRLEN + sizeof(v)) {
		fake_ack(req, -EINVAL, "bad attribute length", -1);
		return;
	}
	memcpy(&v, (const char *)nla + NLA_HDRLEN, sizeof(v));
	if (v < 1 || v > 100000) {
		fake_ack(req, -ERANGE, "integer out of range", -1);
		return;
	}
	fake_ack(req, 0, is_scenario("warn") ?
		 "rate limit applies from the next second" : NULL, -1);
}

/* ---- cvm_convert ----------------------------------------------------------- */

#define FAKE_NOCONVERT_MSG \
	"cvm_convert is not loaded; load it with 'modprobe cvm_convert'"

static bool fake_is_dump_cmd(uint8_t cmd)
{
	return cmd == CVM_CMD_CONV_RANGE_GET || cmd == CVM_CMD_CONV_OWNER_GET;
}

static void fake_attr_u8(struct fake_dgram *d, int type, uint8_t v)
{
	fake_attr(d, type, &v, sizeof(v));
}

/* ring-get of the fake cvm_ring; "partial" leaves two totals out. */
static void fake_ring_get(const struct nlmsghdr *req)
{
	struct fake_dgram *d = fake_reply(req, FAKE_FAMILY_ID, CVM_CMD_RING_GET);

	fake_attr_u32(d, CVM_A_RING_RINGS, 2);
	fake_attr_u64(d, CVM_A_RING_VIOLATIONS, 7);
	if (!is_scenario("partial")) {
		fake_attr_u64(d, CVM_A_RING_CHECKED, 1000);
		fake_attr_u32(d, CVM_A_RING_BROKEN, 1);
	}
	fake_finish(d);
	fake_ack(req, 0, NULL, -1);
}

static void fake_conv_get(const struct nlmsghdr *req)
{
	struct fake_dgram *d = fake_reply(req, FAKE_FAMILY_ID, CVM_CMD_CONV_GET);

	if (is_scenario("conv-partial")) {
		fake_attr_u64(d, CVM_A_CONV_SHARED_PAGES, 7);
		fake_attr_u32(d, CVM_A_CONV_RANGES, 3);
	} else {
		fake_attr(d, CVM_A_CONV_PAD, NULL, 0);
		fake_attr_u64(d, CVM_A_CONV_SHARED_PAGES, 1029);
		fake_attr_u64(d, CVM_A_CONV_PEAK_PAGES, 2048);
		fake_attr_u64(d, CVM_A_CONV_SHARE_OPS, 17);
		fake_attr_u64(d, CVM_A_CONV_UNSHARE_OPS, 9);
		fake_attr_u64(d, CVM_A_CONV_SHARE_FAILURES, 1);
		fake_attr_u64(d, CVM_A_CONV_UNSHARE_FAILURES, 1);
		fake_attr_u64(d, CVM_A_CONV_LEAKED_PAGES, 2);
		fake_attr_u64(d, CVM_A_CONV_ANOMALIES, UINT64_MAX);
		fake_attr_u32(d, CVM_A_CONV_RANGES, 6);
		fake_attr_u32(d, CVM_A_CONV_OWNERS, 4);
		/* off after 5 ops, with the reason the kernel gives */
		fake_attr_u8(d, CVM_A_CONV_OBSERVER, 0);
		fake_attr_str(d, CVM_A_CONV_OBSERVER_REASON,
			      "kprobes are not available");
		fake_attr_u64(d, CVM_A_CONV_OBSERVED_OPS, 5);
		/* an attribute from the future is ignored */
		fake_attr_u32(d, CVM_A_CONV_MAX + 1, 7);
	}
	fake_finish(d);
	fake_ack(req, 0, NULL, -1);
}

struct fake_owner {
	const char *name;
	uint64_t shared, peak, shares, unshares, failures, leaked, anomalies;
};

/* Dump order, as a hash table would give it: not sorted. */
static const struct fake_owner fake_owners[] = {
	{ "virtio-net", 512, 512, 2, 0, 0, 0, 0 },
	{ "swiotlb_init_late+0x1a5", 4, 4, 4, 0, 0, 0, 0 },
	{ "idle", 0, 8, 1, 1, 0, 0, 0 },
	{ "hostsim", 512, 1024, 10, 8, 2, 2, 3 },
};

struct fake_range {
	uint64_t pfn, pages;
	const char *owner;
	uint32_t state;
	uint64_t age_ms;
};

static const struct fake_range fake_ranges[] = {
	{ 0x1000, 512, "hostsim", CVM_CONV_STATE_SHARED, 1500 },
	{ 0x1400, 1, "hostsim", CVM_CONV_STATE_LEAKED, 90061000 },
	{ 0x1401, 1, "hostsim", CVM_CONV_STATE_LEAKED, 90061000 },
	{ 0x20000, 512, "virtio-net", CVM_CONV_STATE_SHARED, 12 },
	{ 0x3fffc, 4, "swiotlb_init_late+0x1a5", CVM_CONV_STATE_SHARED, 0 },
	{ 0x123456789ab, 1, "future", 7, 1 },
};

/* Append one dump message to the datagram @d (which may hold others). */
static void fake_dump_row(struct fake_dgram *d, unsigned long i)
{
	size_t start = d->len;
	struct nlmsghdr nlh = {
		.nlmsg_type = FAKE_FAMILY_ID,
		.nlmsg_flags = NLM_F_MULTI,
		.nlmsg_seq = fake_dump.seq,
		.nlmsg_pid = fake_dump.pid,
	};
	struct genlmsghdr g = { .cmd = fake_dump.cmd, .version = 1 };

	fake_put(d, &nlh, sizeof(nlh));
	fake_put(d, &g, sizeof(g));

	if (fake_dump.cmd == CVM_CMD_CONV_OWNER_GET) {
		const struct fake_owner *o = &fake_owners[i];

		fake_attr_str(d, CVM_A_CONV_OWNER_NAME, o->name);
		if (is_scenario("conv-partial"))
			goto out;
		fake_attr(d, CVM_A_CONV_OWNER_PAD, NULL, 0);
		fake_attr_u64(d, CVM_A_CONV_OWNER_SHARED_PAGES, o->shared);
		fake_attr_u64(d, CVM_A_CONV_OWNER_PEAK_PAGES, o->peak);
		fake_attr_u64(d, CVM_A_CONV_OWNER_SHARE_OPS, o->shares);
		fake_attr_u64(d, CVM_A_CONV_OWNER_UNSHARE_OPS, o->unshares);
		fake_attr_u64(d, CVM_A_CONV_OWNER_FAILURES, o->failures);
		fake_attr_u64(d, CVM_A_CONV_OWNER_LEAKED_PAGES, o->leaked);
		fake_attr_u64(d, CVM_A_CONV_OWNER_ANOMALIES, o->anomalies);
	} else if (is_scenario("conv-many")) {
		fake_attr_u64(d, CVM_A_CONV_RANGE_START_PFN, 0x100000 + 2 * i);
		fake_attr_u64(d, CVM_A_CONV_RANGE_PAGES, 1);
		fake_attr_str(d, CVM_A_CONV_RANGE_OWNER, "bulk");
		fake_attr_u32(d, CVM_A_CONV_RANGE_STATE, CVM_CONV_STATE_SHARED);
		fake_attr_u64(d, CVM_A_CONV_RANGE_AGE_MS, i % 1000);
	} else {
		const struct fake_range *r = &fake_ranges[i];

		fake_attr_u64(d, CVM_A_CONV_RANGE_START_PFN, r->pfn);
		if (is_scenario("conv-partial"))
			goto out;
		if (is_scenario("conv-malformed") && i == 1)
			fake_attr(d, CVM_A_CONV_RANGE_PAGES, "\1\0", 2);
		else
			fake_attr_u64(d, CVM_A_CONV_RANGE_PAGES, r->pages);
		fake_attr_str(d, CVM_A_CONV_RANGE_OWNER, r->owner);
		fake_attr_u32(d, CVM_A_CONV_RANGE_STATE, r->state);
		fake_attr(d, CVM_A_CONV_RANGE_PAD, NULL, 0);
		fake_attr_u64(d, CVM_A_CONV_RANGE_AGE_MS, r->age_ms);
	}
out:
	((struct nlmsghdr *)(d->data + start))->nlmsg_len = d->len - start;
}

/* netlink_dump_done(): the errno, then the extack message if any. */
static void fake_dump_done(int error, const char *msg)
{
	struct fake_dgram *d = fake_new_dgram();
	bool tlvs = fake_ext_ack && msg;
	struct nlmsghdr nlh = {
		.nlmsg_type = NLMSG_DONE,
		.nlmsg_flags = NLM_F_MULTI | (tlvs ? NLM_F_ACK_TLVS : 0),
		.nlmsg_seq = fake_dump.seq,
		.nlmsg_pid = fake_dump.pid,
	};

	fake_put(d, &nlh, sizeof(nlh));
	fake_put(d, &error, sizeof(error));
	if (tlvs)
		fake_attr_str(d, NLMSGERR_ATTR_MSG, msg);
	fake_finish(d);
	fake_dump.active = false;
}

/* Rows per datagram: two for the small scenarios, to test multi-part. */
static void fake_dump_next(void)
{
	unsigned int per = is_scenario("conv-many") ? 1000 : 2;
	struct fake_dgram *d;
	unsigned int n = 0;

	if (is_scenario("conv-dumperr") && fake_dump.next >= 2 &&
	    fake_dump.cmd == CVM_CMD_CONV_RANGE_GET) {
		fake_dump_done(-EOPNOTSUPP, FAKE_NOCONVERT_MSG);
		return;
	}
	if (fake_dump.next >= fake_dump.total) {
		fake_dump_done(0, NULL);
		return;
	}
	d = fake_new_dgram();
	while (n < per && fake_dump.next < fake_dump.total &&
	       d->len + 256 <= sizeof(d->data)) {
		fake_dump_row(d, fake_dump.next++);
		n++;
	}
}

static void fake_dump_start(const struct nlmsghdr *req, uint8_t cmd)
{
	const char *many = getenv("CVMCTL_FAKE_RANGES");

	fake_dump.active = true;
	fake_dump.cmd = cmd;
	fake_dump.seq = req->nlmsg_seq;
	fake_dump.pid = req->nlmsg_pid;
	fake_dump.next = 0;
	if (cmd == CVM_CMD_CONV_OWNER_GET)
		fake_dump.total = sizeof(fake_owners) / sizeof(fake_owners[0]);
	else if (is_scenario("conv-many"))
		fake_dump.total = many ? strtoul(many, NULL, 10) : 100000;
	else
		fake_dump.total = sizeof(fake_ranges) / sizeof(fake_ranges[0]);
	/* No ACK: a dump ends with NLMSG_DONE, made by recvmsg(). */
}

static void fake_conv(const struct nlmsghdr *req, uint8_t cmd)
{
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	/* genetlink: an operation without the handler asked for */
	if (dump != fake_is_dump_cmd(cmd)) {
		fake_ack(req, -EOPNOTSUPP, NULL, -1);
		return;
	}
	if (dump) {
		fake_dump_start(req, cmd);
		return;
	}
	if (cmd == CVM_CMD_CONV_GET)
		fake_conv_get(req);
	else
		fake_ack(req, -EOPNOTSUPP, "unknown command", -1);
}

static void fake_request(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g = NLMSG_DATA(req);

	if (req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    !(req->nlmsg_flags & NLM_F_REQUEST)) {
		fake_ack(req, -EINVAL, "bad request", -1);
		return;
	}
	if (req->nlmsg_type == GENL_ID_CTRL) {
		fake_ctrl(req);
		return;
	}
	if (req->nlmsg_type != FAKE_FAMILY_ID) {
		fake_ack(req, -ENOENT, NULL, -1);
		return;
	}
	if (g->version != CVM_FAMILY_VERSION) {
		fake_ack(req, -EINVAL, "bad family version", -1);
		return;
	}
	if (is_scenario("eopnotsupp")) {
		fake_ack(req, -EOPNOTSUPP,
			 "cvm_bounce is not loaded; load it with 'modprobe cvm_bounce'",
			 -1);
		return;
	}
	switch (g->cmd) {
	case CVM_CMD_GET_STATUS:
		fake_get_status(req);
		break;
	case CVM_CMD_SET_CONFIG:
		fake_set_config(req);
		break;
	case CVM_CMD_CONV_GET:
	case CVM_CMD_CONV_SET:
	case CVM_CMD_CONV_RANGE_GET:
	case CVM_CMD_CONV_OWNER_GET:
		fake_conv(req, g->cmd);
		break;
	case CVM_CMD_RING_GET:
		fake_ring_get(req);
		break;
	default:
		fake_ack(req, -EOPNOTSUPP, "unknown command", -1);
	}
}

int socket(int domain, int type, int protocol)
{
	if (domain != AF_NETLINK || protocol != NETLINK_GENERIC ||
	    !getenv("CVMCTL_FAKE_NL"))
		return REAL(socket)(domain, type, protocol);
	if (is_scenario("nosock")) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	fake_fd = memfd_create("fake-netlink", MFD_CLOEXEC);
	fake_ext_ack = fake_cap_ack = 0;
	fake_head = fake_count = 0;
	fake_dump.active = false;
	return fake_fd;
}

int close(int fd)
{
	if (fd >= 0 && fd == fake_fd)
		fake_fd = -1;
	return REAL(close)(fd);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (fd != fake_fd)
		return REAL(setsockopt)(fd, level, name, val, len);
	if (level == SOL_NETLINK && len == sizeof(int)) {
		if (name == NETLINK_EXT_ACK)
			fake_ext_ack = *(const int *)val;
		if (name == NETLINK_CAP_ACK)
			fake_cap_ack = *(const int *)val;
	}
	return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (fd != fake_fd)
		return REAL(bind)(fd, addr, len);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl nl = {
		.nl_family = AF_NETLINK,
		.nl_pid = FAKE_PORTID,
	};

	if (fd != fake_fd)
		return REAL(getsockname)(fd, addr, len);
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

static ssize_t fake_send(const unsigned char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	size_t rem = len;

	while (NLMSG_OK(nlh, rem)) {
		fake_request(nlh);
		nlh = NLMSG_NEXT(nlh, rem);
	}
	return len;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	unsigned char buf[FAKE_BUF_LEN];
	size_t i, len = 0;

	if (fd != fake_fd)
		return REAL(sendmsg)(fd, msg, flags);
	for (i = 0; i < msg->msg_iovlen; i++) {
		if (len + msg->msg_iov[i].iov_len > sizeof(buf))
			abort();
		memcpy(buf + len, msg->msg_iov[i].iov_base,
		       msg->msg_iov[i].iov_len);
		len += msg->msg_iov[i].iov_len;
	}
	return fake_send(buf, len);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *addr, socklen_t alen)
{
	if (fd != fake_fd)
		return REAL(sendto)(fd, buf, len, flags, addr, alen);
	return fake_send(buf, len);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct fake_dgram *d;
	size_t n;

	if (fd != fake_fd)
		return REAL(recvmsg)(fd, msg, flags);
	if (!fake_count && fake_dump.active)
		fake_dump_next();
	if (!fake_count) {
		/* A real socket would block forever: fail loudly instead. */
		errno = EAGAIN;
		return -1;
	}
	d = &fake_queue[fake_head];
	n = d->len < msg->msg_iov[0].iov_len ? d->len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, d->data, n);
	msg->msg_flags = n < d->len ? MSG_TRUNC : 0;
	if (msg->msg_name && msg->msg_namelen >= sizeof(kernel)) {
		memcpy(msg->msg_name, &kernel, sizeof(kernel));
		msg->msg_namelen = sizeof(kernel);
	}
	msg->msg_controllen = 0;
	if (!(flags & MSG_PEEK)) {
		fake_head = (fake_head + 1) % FAKE_QUEUE_LEN;
		fake_count--;
	}
	return (flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)n;
}
