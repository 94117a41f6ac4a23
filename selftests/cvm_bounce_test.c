// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bounce, the hardened bounce pool, against its contract with exact
 * counts: mappings driven through cvm_hostsim_bounce's debugfs file
 * "bounce" (which also plays the host reading and writing the shared
 * slots), results
 * read back through sysfs, pool-get, pool-dev-get, conv-owner-get (the
 * ledger) and pool-ntf events.
 *
 * Needs cvm_core, cvm_convert, cvm_bounce and cvm_hostsim loaded, debugfs
 * and root; run by bounce.sh, which loads cvm_bounce with different
 * parameters for the groups of tests:
 *   default parameters:        everything but the "pool" fixture;
 *   init_chunks=1 max_chunks=1 the exhaustion tests  (-f small);
 *   init_chunks=1 max_chunks=4 growing and shrinking (-f grow).
 * Each test drains hostsim's mappings at the end and compares counters
 * as deltas.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/cvm.h>
#include "kselftest_harness.h"
#include "nl.h"
#include "util.h"

#define SYSFS		"/sys/kernel/cvm/bounce/"
#define HOSTSIM		"/sys/kernel/debug/cvm_hostsim_bounce/bounce"
#define FAILINJ		"/sys/kernel/debug/cvm_convert/"
#define CLIENT		"cvm_hostsim"

struct pool {
	uint64_t v[CVM_A_POOL_MAX + 1];
};

struct pdev {
	int found;
	uint64_t v[CVM_A_POOL_DEV_MAX + 1];
};

static const struct {
	int attr;
	const char *file;
} sysfs_files[] = {
	{ CVM_A_POOL_SIZE, "size" },
	{ CVM_A_POOL_SLOTS, "slots" },
	{ CVM_A_POOL_USED, "used" },
	{ CVM_A_POOL_HIGH_WATER, "high_water" },
	{ CVM_A_POOL_SLOT_SIZE, "slot_size" },
	{ CVM_A_POOL_CHUNKS, "chunks" },
	{ CVM_A_POOL_MAX_CHUNKS, "max_chunks" },
	{ CVM_A_POOL_MAX_MAPPING, "max_mapping" },
	{ CVM_A_POOL_MAPS, "maps" },
	{ CVM_A_POOL_UNMAPS, "unmaps" },
	{ CVM_A_POOL_BYTES, "bytes" },
	{ CVM_A_POOL_SYNCS, "syncs" },
	{ CVM_A_POOL_FAILURES, "failures" },
	{ CVM_A_POOL_VIOLATIONS, "violations" },
	{ CVM_A_POOL_GROWS, "grows" },
	{ CVM_A_POOL_SHRINKS, "shrinks" },
	{ CVM_A_POOL_LEAKED_CHUNKS, "leaked_chunks" },
	{ CVM_A_POOL_WAITS, "waits" },
	{ CVM_A_POOL_DRIVER_LEAKS, "driver_leaks" },
	{ CVM_A_POOL_ZERO_FROM_DEVICE, "zero_from_device" },
	{ CVM_A_POOL_ZERO_SLACK, "zero_slack" },
	{ CVM_A_POOL_SCRUB, "scrub" },
	{ CVM_A_POOL_MISUSE_WARN, "misuse_warn" },
	{ CVM_A_POOL_WAIT_MS, "wait_ms" },
	{ CVM_A_POOL_IDLE_MS, "idle_ms" },
};

static uint64_t sysfs_u64(const char *file)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), SYSFS "%s", file);
	if (cvm_read_file(path, buf, sizeof(buf)))
		return (uint64_t)-1;
	return strtoull(buf, NULL, 10);
}

static int sysfs_set(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), SYSFS "%s", file);
	return cvm_write_file(path, val);
}

/* One hostsim command: 0 and its result line, or the write's -errno. */
static int hs(char *out, size_t size, const char *fmt, ...)
{
	char cmd[128];
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	err = cvm_write_file(HOSTSIM, cmd);
	if (err)
		return err;
	return cvm_read_file(HOSTSIM, out, size);
}

static int pool_get(int fd, uint16_t family, struct pool *p)
{
	struct nl_msg_builder m;
	struct nl_reply *r = calloc(1, sizeof(*r));
	struct nlattr *a;
	int len, err;

	if (!r)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	nl_start(&m, family, CVM_CMD_POOL_GET);
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	if (!err && !r->attrs)
		err = -EPROTO;
	len = err ? 0 : r->attrs_len;
	nla_for_each(a, r->attrs, len) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t <= CVM_A_POOL_MAX && t != CVM_A_POOL_PAD)
			p->v[t] = nla_uint(a);
	}
	free(r);
	return err;
}

static int pool_set_u32(int fd, uint16_t family, int attr, uint32_t v,
			char *extack)
{
	struct nl_msg_builder m;
	struct nl_reply *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	nl_start(&m, family, CVM_CMD_POOL_SET);
	nl_put(&m, attr, &v, sizeof(v));
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	if (extack)
		strcpy(extack, r->extack);
	free(r);
	return err;
}

struct dev_query {
	const char *name;
	struct pdev *d;
	int total;
};

static void dev_cb(const struct nlattr *attrs, int len, void *ctx)
{
	struct dev_query *q = ctx;
	const struct nlattr *a;
	const char *name = "";
	int l = len;

	q->total++;
	nla_for_each(a, attrs, l)
		if ((a->nla_type & NLA_TYPE_MASK) == CVM_A_POOL_DEV_NAME)
			name = nla_data(a);
	if (strcmp(name, q->name))
		return;
	q->d->found++;
	nla_for_each(a, attrs, len) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t != CVM_A_POOL_DEV_NAME && t != CVM_A_POOL_DEV_PAD &&
		    t <= CVM_A_POOL_DEV_MAX)
			q->d->v[t] = nla_uint(a);
	}
}

static int dev_get(int fd, uint16_t family, const char *name, struct pdev *d)
{
	struct dev_query q = { name, d, 0 };

	memset(d, 0, sizeof(*d));
	return nl_dump(fd, family, CVM_CMD_POOL_DEV_GET, dev_cb, &q);
}

/* Pages the ledger says owner "cvm_bounce" has shared, and leaked. */
struct ledger {
	uint64_t shared, leaked;
	int found;
};

static void owner_cb(const struct nlattr *attrs, int len, void *ctx)
{
	struct ledger *l = ctx;
	const struct nlattr *a;
	const char *name = "";
	uint64_t shared = 0, leaked = 0;

	nla_for_each(a, attrs, len) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t == CVM_A_CONV_OWNER_NAME)
			name = nla_data(a);
		else if (t == CVM_A_CONV_OWNER_SHARED_PAGES)
			shared = nla_uint(a);
		else if (t == CVM_A_CONV_OWNER_LEAKED_PAGES)
			leaked = nla_uint(a);
	}
	if (strcmp(name, "cvm_bounce"))
		return;
	l->found++;
	l->shared = shared;
	l->leaked = leaked;
}

static int ledger_get(int fd, uint16_t family, struct ledger *l)
{
	memset(l, 0, sizeof(*l));
	return nl_dump(fd, family, CVM_CMD_CONV_OWNER_GET, owner_cb, l);
}

#define PDELTA(a, b, attr) ((a).v[attr] - (b).v[attr])

FIXTURE(bounce) {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	char out[128];
};

/*
 * Hostsim commands on one mapping, as the tests use them; each fails the
 * test on an unexpected answer. Macros, not functions: with helpers that
 * ASSERT (longjmp) GCC keeps the harness wrapper's `child` in a register
 * across its setjmp() and warns (-Wclobbered), rightly.
 */
/* Runs "map SIZE DIR OFFSET" @cmd: the mapping's @id and DMA @addr. */
#define HS_MAP_ADDR(id, addr, cmd) do {					\
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "%s", cmd));	\
	ASSERT_EQ(2, sscanf(self->out, "%d %lx", &(id), &(addr)))	\
		TH_LOG("%s: %s", cmd, self->out);			\
	ASSERT_LE(0, id) TH_LOG("%s: %s", cmd, self->out);		\
} while (0)

#define HS_MAP(id, cmd) do {						\
	unsigned long __addr;						\
									\
	HS_MAP_ADDR(id, __addr, cmd);					\
} while (0)

/* What the host sees in mapping @id's slots (host-read) is @want. */
#define EXPECT_HOST_READ(id, want) do {					\
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-read %d", id)); \
	EXPECT_STREQ(want, self->out) TH_LOG("mapping %d", id);	\
} while (0)

#define UNMAP_OK(id) do {						\
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap %d", id));	\
	EXPECT_STREQ("ok", self->out) TH_LOG("unmap %d", id);		\
} while (0)

FIXTURE_SETUP(bounce)
{
	uint32_t version = 0;

	ASSERT_EQ(0, access(HOSTSIM, W_OK)) TH_LOG("cvm_hostsim not loaded");
	/*
	 * hostsim binds on its first command, and the pool takes its
	 * init_chunks only for its first client: bind before any test
	 * reads the pool.
	 */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "drain"));
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nl_family(self->fd, CVM_FAMILY_NAME, &self->family,
			       &version, &self->events_grp));
}

FIXTURE_TEARDOWN(bounce)
{
	char out[64];

	hs(out, sizeof(out), "drain");
	close(self->fd);
}

/* Every sysfs file equals pool-get's attribute. */
static void expect_sysfs_equals_netlink(struct __test_metadata *_metadata,
					int fd, uint16_t family)
{
	struct pool p;
	unsigned int i;

	ASSERT_EQ(0, pool_get(fd, family, &p));
	for (i = 0; i < sizeof(sysfs_files) / sizeof(sysfs_files[0]); i++) {
		uint64_t v = sysfs_u64(sysfs_files[i].file);

		if (v != p.v[sysfs_files[i].attr])
			fprintf(stderr, "# sysfs %s: %llu, pool-get %llu\n",
				sysfs_files[i].file, (unsigned long long)v,
				(unsigned long long)p.v[sysfs_files[i].attr]);
		EXPECT_EQ(p.v[sysfs_files[i].attr], v);
	}
}

TEST_F(bounce, defaults_and_sysfs)
{
	struct pool p;
	struct stat st;

	ASSERT_EQ(0, pool_get(self->fd, self->family, &p));
	EXPECT_EQ(2048, p.v[CVM_A_POOL_SLOT_SIZE]);
	EXPECT_EQ(256 * 1024, p.v[CVM_A_POOL_MAX_MAPPING]);
	EXPECT_EQ(64, p.v[CVM_A_POOL_MAX_CHUNKS]);
	EXPECT_LE(4, p.v[CVM_A_POOL_CHUNKS]);
	EXPECT_EQ(p.v[CVM_A_POOL_CHUNKS] << 20, p.v[CVM_A_POOL_SIZE]);
	EXPECT_EQ(p.v[CVM_A_POOL_CHUNKS] * 512, p.v[CVM_A_POOL_SLOTS]);
	EXPECT_EQ(1, p.v[CVM_A_POOL_ZERO_FROM_DEVICE]);
	EXPECT_EQ(1, p.v[CVM_A_POOL_ZERO_SLACK]);
	EXPECT_EQ(0, p.v[CVM_A_POOL_SCRUB]);
	EXPECT_EQ(0, p.v[CVM_A_POOL_MISUSE_WARN]);
	EXPECT_EQ(0, p.v[CVM_A_POOL_WAIT_MS]);
	EXPECT_EQ(5000, p.v[CVM_A_POOL_IDLE_MS]);
	expect_sysfs_equals_netlink(_metadata, self->fd, self->family);
	/* Policies are root-writable, totals read-only. */
	ASSERT_EQ(0, stat(SYSFS "scrub", &st));
	EXPECT_EQ(0644, st.st_mode & 0777);
	ASSERT_EQ(0, stat(SYSFS "maps", &st));
	EXPECT_EQ(0444, st.st_mode & 0777);
	ASSERT_EQ(0, cvm_read_file(SYSFS "policies", self->out, sizeof(self->out)));
	EXPECT_STREQ("zero_from_device=1 zero_slack=1 scrub=0 misuse_warn=0 wait_ms=0 idle_ms=5000 swiotlb_observer=0",
		     self->out);
	EXPECT_EQ(-ERANGE, sysfs_set("idle_ms", "5"));
	EXPECT_EQ(-EINVAL, sysfs_set("scrub", "maybe"));
}

TEST_F(bounce, policy_set_over_netlink)
{
	char extack[256];
	struct pool p;

	EXPECT_EQ(0, pool_set_u32(self->fd, self->family, CVM_A_POOL_WAIT_MS,
				  250, extack));
	ASSERT_EQ(0, pool_get(self->fd, self->family, &p));
	EXPECT_EQ(250, p.v[CVM_A_POOL_WAIT_MS]);
	EXPECT_EQ(250, sysfs_u64("wait_ms"));
	/* Out of range: refused by the policy, value unchanged. */
	EXPECT_EQ(-ERANGE, pool_set_u32(self->fd, self->family,
					CVM_A_POOL_WAIT_MS, 10001, extack));
	EXPECT_EQ(250, sysfs_u64("wait_ms"));
	EXPECT_EQ(0, pool_set_u32(self->fd, self->family, CVM_A_POOL_WAIT_MS,
				  0, extack));
	EXPECT_EQ(0, sysfs_u64("wait_ms"));
}

TEST_F(bounce, map_unmap_counted_exactly)
{
	struct pool b, a;
	struct pdev db, da;
	unsigned long addr;
	int id[3], i;

	ASSERT_EQ(0, pool_get(self->fd, self->family, &b));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &db));
	ASSERT_EQ(1, db.found);
	HS_MAP_ADDR(id[0], addr, "map 256 to 0");
	HS_MAP_ADDR(id[1], addr, "map 4096 from 0");
	EXPECT_EQ(0, addr & 4095);	/* a page or more: page aligned */
	HS_MAP_ADDR(id[2], addr, "map 65536 bidi 0");

	ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(35, PDELTA(a, b, CVM_A_POOL_USED));	/* 1 + 2 + 32 slots */
	EXPECT_EQ(3, PDELTA(a, b, CVM_A_POOL_MAPS));
	EXPECT_EQ(256 + 4096 + 65536, PDELTA(a, b, CVM_A_POOL_BYTES));
	EXPECT_EQ(35, da.v[CVM_A_POOL_DEV_INFLIGHT_SLOTS]);
	EXPECT_EQ(256 + 4096 + 65536, da.v[CVM_A_POOL_DEV_INFLIGHT_BYTES]);
	EXPECT_LE(35, da.v[CVM_A_POOL_DEV_HIGH_WATER]);
	EXPECT_LE(a.v[CVM_A_POOL_USED], a.v[CVM_A_POOL_HIGH_WATER]);
	EXPECT_EQ(3, PDELTA(da, db, CVM_A_POOL_DEV_MAPS));
	EXPECT_EQ(0, da.v[CVM_A_POOL_DEV_ATTACHED]);
	expect_sysfs_equals_netlink(_metadata, self->fd, self->family);

	for (i = 0; i < 3; i++) {
		UNMAP_OK(id[i]);
	}
	ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_USED));
	EXPECT_EQ(3, PDELTA(a, b, CVM_A_POOL_UNMAPS));
	EXPECT_EQ(0, da.v[CVM_A_POOL_DEV_INFLIGHT_SLOTS]);
	EXPECT_EQ(0, da.v[CVM_A_POOL_DEV_INFLIGHT_BYTES]);
	EXPECT_EQ(3, PDELTA(da, db, CVM_A_POOL_DEV_UNMAPS));
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_VIOLATIONS));
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_FAILURES));
}

TEST_F(bounce, to_device_slot_holds_data_and_zero_slack)
{
	int id;

	/* 1536 bytes at offset 100: the rest of the 2 KiB slot is zero. */
	HS_MAP(id, "map 1536 to 100");
	EXPECT_HOST_READ(id, "secret 1536 nonzero 1536");
}

TEST_F(bounce, from_device_slot_never_holds_private_data)
{
	int id;

	HS_MAP(id, "map 4096 from 0");
	EXPECT_HOST_READ(id, "zero 4096");
	/* A bidirectional mapping must carry the data. */
	HS_MAP(id, "map 3000 bidi 0");
	EXPECT_HOST_READ(id, "secret 3000 nonzero 3000");

	/* The kernel's swiotlb behaviour, for contrast: the host sees it. */
	ASSERT_EQ(0, sysfs_set("zero_from_device", "0"));
	HS_MAP(id, "map 4096 from 0");
	EXPECT_HOST_READ(id, "secret 4096 nonzero 4096");
	ASSERT_EQ(0, sysfs_set("zero_from_device", "1"));
}

TEST_F(bounce, device_data_reaches_private_buffer)
{
	int id;

	HS_MAP(id, "map 4096 from 0");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x5a", id));
	/* sync_for_cpu copies exactly its range, once. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out),
			"sync %d cpu 0 4096 from", id));
	EXPECT_STREQ("ok", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id));
	EXPECT_STREQ("90", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x33", id));
	UNMAP_OK(id);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id));
	EXPECT_STREQ("51", self->out);
}

/* The opt-in scrub policy; off by default (zeroing before exposing is on). */
TEST_F(bounce, scrubbed_on_unmap)
{
	int id;

	ASSERT_EQ(0, sysfs_set("scrub", "1"));
	HS_MAP(id, "map 5000 to 0");
	UNMAP_OK(id);
	EXPECT_HOST_READ(id, "zero 6144");
	/* Only the mapped bytes needed it; the slack was zero already. */
	HS_MAP(id, "map 256 bidi 100");
	UNMAP_OK(id);
	EXPECT_HOST_READ(id, "zero 2048");

	/*
	 * Without it (the default) what was sent stays readable by the host,
	 * which read it while it was mapped anyway; the next mapping zeroes
	 * what it would expose.
	 */
	ASSERT_EQ(0, sysfs_set("scrub", "0"));
	HS_MAP(id, "map 5000 to 0");
	UNMAP_OK(id);
	EXPECT_HOST_READ(id, "secret 5000 nonzero 5000");
	HS_MAP(id, "map 5000 from 0");
	EXPECT_HOST_READ(id, "zero 6144");
	UNMAP_OK(id);
}

struct bevent {
	uint32_t event;
	char device[64];
	uint64_t addr, size;
	int32_t error;
};

static int next_pool_event(int fd, struct bevent *ev)
{
	char buf[8192];

	for (;;) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		struct nlattr *a;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int len;

		if (n < 0)
			return -errno;
		if (((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd !=
		    CVM_CMD_POOL_NTF)
			continue;
		a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		memset(ev, 0, sizeof(*ev));
		nla_for_each(a, a, len) {
			switch (a->nla_type & NLA_TYPE_MASK) {
			case CVM_A_POOL_NTF_EVENT:
				ev->event = nla_uint(a);
				break;
			case CVM_A_POOL_NTF_DEVICE:
				snprintf(ev->device, sizeof(ev->device), "%s",
					 (char *)nla_data(a));
				break;
			case CVM_A_POOL_NTF_ADDR:
				ev->addr = nla_uint(a);
				break;
			case CVM_A_POOL_NTF_SIZE:
				ev->size = nla_uint(a);
				break;
			case CVM_A_POOL_NTF_ERROR:
				memcpy(&ev->error, nla_data(a), 4);
				break;
			}
		}
		return 0;
	}
}

/* A socket on the events group; receives time out after @secs. */
static int events_open(uint32_t grp, int secs)
{
	struct timeval tv = { .tv_sec = secs };
	int fd = nl_open();

	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Counts the pool events that arrived, by kind, until none comes for the
 * socket's timeout; closes @fd. Events of another device than @device
 * (NULL: any) are not counted.
 */
static void count_pool_events(int fd, const char *device, int32_t error,
			      unsigned int *counts, unsigned int *bad_error)
{
	struct bevent ev;

	while (!next_pool_event(fd, &ev)) {
		if (device && strcmp(device, ev.device))
			continue;
		if (ev.event <= CVM_BOUNCE_EVENT_TOO_BIG)
			counts[ev.event]++;
		if (ev.error != error)
			(*bad_error)++;
	}
	close(fd);
}

TEST_F(bounce, misuse_refused_counted_and_reported)
{
	struct timeval tv = { .tv_sec = 2 };
	static const struct { uint32_t event; int32_t error; } want[] = {
		{ CVM_BOUNCE_EVENT_STRAY, -ENOENT },
		{ CVM_BOUNCE_EVENT_STRAY, -ENOENT },
		{ CVM_BOUNCE_EVENT_SYNC_RANGE, -ERANGE },
		{ CVM_BOUNCE_EVENT_SYNC_RANGE, -ERANGE },
		{ CVM_BOUNCE_EVENT_DIR_MISMATCH, -EPERM },
		{ CVM_BOUNCE_EVENT_SIZE_MISMATCH, -EINVAL },
		{ CVM_BOUNCE_EVENT_DOUBLE_UNMAP, -EALREADY },
		{ CVM_BOUNCE_EVENT_STRAY, -ENOENT },
		{ CVM_BOUNCE_EVENT_SIZE_MISMATCH, -EINVAL },
		{ CVM_BOUNCE_EVENT_DIR_MISMATCH, -EPERM },
	};
	struct pool b, a;
	struct pdev db, da;
	struct bevent ev;
	unsigned long addr;
	unsigned int i;
	int id, id2, id3, ev_fd;

	ev_fd = nl_open();
	ASSERT_LE(0, ev_fd);
	ASSERT_EQ(0, setsockopt(ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&self->events_grp, sizeof(self->events_grp)));
	ASSERT_EQ(0, setsockopt(ev_fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	ASSERT_EQ(0, pool_get(self->fd, self->family, &b));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &db));
	HS_MAP_ADDR(id, addr, "map 4096 to 0");

	/* Inside the mapping but not its start, and outside the pool. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-addr %#lx 4096 to",
			addr + 2048));
	EXPECT_STREQ("-2", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-addr 0x1000 4096 to"));
	EXPECT_STREQ("-2", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d cpu 4000 200 to", id));
	EXPECT_STREQ("-34", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d dev 0 4097 to", id));
	EXPECT_STREQ("-34", self->out);
	/* Strict direction: a TO_DEVICE mapping is synced as one. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d dev 0 100 from", id));
	EXPECT_STREQ("-1", self->out);
	/* Refused calls changed nothing: the mapping is live and intact. */
	EXPECT_HOST_READ(id, "secret 4096 nonzero 4096");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d dev 100 200 to", id));
	EXPECT_STREQ("ok", self->out);
	/*
	 * A wrong size is reported but ends the mapping, as swiotlb's
	 * unmap does: the slots go back by the size recorded at map time.
	 */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-as %d 2048 to", id));
	EXPECT_STREQ("-22", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap %d", id));
	EXPECT_STREQ("-114", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d cpu 0 100 to", id));
	EXPECT_STREQ("-2", self->out);

	/* Too large: what the device wrote comes back, no more than mapped. */
	HS_MAP(id2, "map 4096 from 0");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x5a", id2));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-as %d 8192 from", id2));
	EXPECT_STREQ("-22", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id2));
	EXPECT_STREQ("90", self->out);
	/* A TO_DEVICE mapping unmapped as FROM_DEVICE: host bytes stay out. */
	HS_MAP(id3, "map 4096 to 0");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x33", id3));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-as %d 4096 from", id3));
	EXPECT_STREQ("-1", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id3));
	EXPECT_STREQ("mixed", self->out);

	ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(10, PDELTA(a, b, CVM_A_POOL_VIOLATIONS));
	EXPECT_EQ(10, PDELTA(da, db, CVM_A_POOL_DEV_VIOLATIONS));
	EXPECT_EQ(3, PDELTA(da, db, CVM_A_POOL_DEV_STRAY));
	EXPECT_EQ(2, PDELTA(da, db, CVM_A_POOL_DEV_SIZE_MISMATCH));
	EXPECT_EQ(2, PDELTA(da, db, CVM_A_POOL_DEV_DIR_MISMATCH));
	EXPECT_EQ(2, PDELTA(da, db, CVM_A_POOL_DEV_SYNC_RANGE));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_DOUBLE_UNMAP));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_SYNCS));
	EXPECT_EQ(3, PDELTA(da, db, CVM_A_POOL_DEV_MAPS));
	EXPECT_EQ(3, PDELTA(da, db, CVM_A_POOL_DEV_UNMAPS));
	/* Nothing stays mapped: a buggy unmap cannot exhaust the pool. */
	EXPECT_EQ(0, da.v[CVM_A_POOL_DEV_INFLIGHT_SLOTS]);
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_USED));

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ASSERT_EQ(0, next_pool_event(ev_fd, &ev)) TH_LOG("event %u", i);
		EXPECT_EQ(want[i].event, ev.event) TH_LOG("event %u", i);
		EXPECT_EQ(want[i].error, ev.error) TH_LOG("event %u", i);
		EXPECT_STREQ(CLIENT, ev.device);
	}
	EXPECT_EQ(-EAGAIN, next_pool_event(ev_fd, &ev));
	close(ev_fd);
}

/*
 * A DMA_BIDIRECTIONAL mapping may be synced with either narrower
 * direction (dma-debug's check_sync allows it; page_pool and virtio-gpu
 * do it), and the copy follows the sync's direction, as in swiotlb.
 */
TEST_F(bounce, bidirectional_synced_either_way)
{
	int id;

	HS_MAP(id, "map 4096 bidi 0");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x33", id));
	/* for the device, TO_DEVICE: the buffer goes to the slot. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d dev 0 4096 to", id));
	EXPECT_STREQ("ok", self->out);
	EXPECT_HOST_READ(id, "secret 4096 nonzero 4096");
	/* for the device, FROM_DEVICE: legal, nothing to copy. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x44", id));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d dev 0 4096 from", id));
	EXPECT_STREQ("ok", self->out);
	EXPECT_HOST_READ(id, "secret 0 nonzero 4096");
	/* for the CPU, TO_DEVICE: legal, nothing to copy. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d cpu 0 4096 to", id));
	EXPECT_STREQ("ok", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id));
	EXPECT_STREQ("mixed", self->out);
	/* for the CPU, FROM_DEVICE: the device's bytes come back. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "sync %d cpu 0 4096 from", id));
	EXPECT_STREQ("ok", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "private %d", id));
	EXPECT_STREQ("68", self->out);
	UNMAP_OK(id);
}

/*
 * DMA_ATTR_SKIP_CPU_SYNC does not skip the copy at map time: swiotlb
 * copies the buffer in for every direction, so that a short device write
 * followed by a full unmap never hands back an earlier mapping's bytes
 * (CVE-2022-0854). The scrub is off (the default) so the slots do hold
 * such bytes.
 */
TEST_F(bounce, skip_cpu_sync_map_still_copies)
{
	int id, i;

	ASSERT_EQ(0, sysfs_set("scrub", "0"));
	/* Leave host bytes in many slots: whichever the next ones reuse. */
	for (i = 0; i < 8; i++) {
		HS_MAP(id, "map 16384 bidi 0");
		ASSERT_EQ(0, hs(self->out, sizeof(self->out), "host-write %d 0x5a", id));
		ASSERT_EQ(0, hs(self->out, sizeof(self->out), "unmap-skip %d", id));
		EXPECT_STREQ("ok", self->out);
	}
	for (i = 0; i < 8; i++) {
		HS_MAP(id, "map-skip 16384 to 0");
		EXPECT_HOST_READ(id, "secret 16384 nonzero 16384");
		HS_MAP(id, "map-skip 16384 bidi 0");
		EXPECT_HOST_READ(id, "secret 16384 nonzero 16384");
		/* The zero_from_device policy: the host sees zeros. */
		HS_MAP(id, "map-skip 16384 from 0");
		EXPECT_HOST_READ(id, "zero 16384");
		ASSERT_EQ(0, hs(self->out, sizeof(self->out), "drain"));
	}
	/* Without that policy, the buffer, as swiotlb shows it. */
	ASSERT_EQ(0, sysfs_set("zero_from_device", "0"));
	HS_MAP(id, "map-skip 16384 from 0");
	EXPECT_HOST_READ(id, "secret 16384 nonzero 16384");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "drain"));
	ASSERT_EQ(0, sysfs_set("zero_from_device", "1"));
}

TEST_F(bounce, too_big_refused)
{
	struct pdev db, da;

	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &db));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "map 262145 to 0"));
	EXPECT_STREQ("-7", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "map 262144 to 0"));
	EXPECT_EQ(NULL, strchr(self->out, '-'));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_FAILURES));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_MAPS));
}

/* Both CPUs map and unmap while a third process dumps the statistics. */
TEST_F_TIMEOUT(bounce, concurrent_map_unmap_with_stats, 300)
{
	struct pool b, a;
	struct pdev da;
	pid_t pid;
	int status, dumps = 0;

	ASSERT_EQ(0, pool_get(self->fd, self->family, &b));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char out[128];

		if (hs(out, sizeof(out), "concurrent 2 1000"))
			_exit(2);
		if (strcmp(out, "ok")) {
			fprintf(stderr, "# concurrent: %s\n", out);
			_exit(1);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
		ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
		EXPECT_LE(a.v[CVM_A_POOL_USED], a.v[CVM_A_POOL_SLOTS]);
		dumps++;
		usleep(10000);
	}
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_USED));
	EXPECT_EQ(PDELTA(a, b, CVM_A_POOL_MAPS), PDELTA(a, b, CVM_A_POOL_UNMAPS));
	EXPECT_LE(1, PDELTA(a, b, CVM_A_POOL_MAPS));
	EXPECT_EQ(0, PDELTA(a, b, CVM_A_POOL_VIOLATIONS));
	TH_LOG("%llu maps by 2 threads per CPU, %d stats dumps meanwhile",
	       (unsigned long long)PDELTA(a, b, CVM_A_POOL_MAPS), dumps);
}

/* cvm_bounce loaded with init_chunks=1 max_chunks=1: 512 slots. */
TEST_F(bounce, small_exhaustion_without_wait)
{
	struct pool b, a;
	struct pdev db, da;
	int err;

	unsigned int ev[CVM_BOUNCE_EVENT_TOO_BIG + 1] = { 0 }, bad_error = 0;
	int ev_fd;

	ASSERT_EQ(1, sysfs_u64("chunks")) TH_LOG("needs init_chunks=1 max_chunks=1");
	ASSERT_EQ(0, sysfs_set("wait_ms", "0"));
	ev_fd = events_open(self->events_grp, 1);
	ASSERT_LE(0, ev_fd);
	ASSERT_EQ(0, pool_get(self->fd, self->family, &b));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &db));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "fill 20 65536 to"));
	EXPECT_STREQ("16 -28", self->out);
	/* Refused at once: no wait is counted (its duration is no measure). */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "wait-map 256"));
	ASSERT_EQ(1, sscanf(self->out, "%d", &err));
	EXPECT_EQ(-ENOSPC, err);
	ASSERT_EQ(0, pool_get(self->fd, self->family, &a));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(2, PDELTA(a, b, CVM_A_POOL_FAILURES));
	EXPECT_EQ(2, PDELTA(da, db, CVM_A_POOL_DEV_FAILURES));
	EXPECT_EQ(0, PDELTA(da, db, CVM_A_POOL_DEV_WAITS));
	EXPECT_EQ(512, a.v[CVM_A_POOL_USED]);
	EXPECT_EQ(512, a.v[CVM_A_POOL_HIGH_WATER]);
	EXPECT_EQ(1, a.v[CVM_A_POOL_CHUNKS]);
	/* Each failure is one exhausted event of the device; no growth. */
	count_pool_events(ev_fd, CLIENT, -ENOSPC, ev, &bad_error);
	EXPECT_EQ(2, ev[CVM_BOUNCE_EVENT_EXHAUSTED]);
	EXPECT_EQ(0, ev[CVM_BOUNCE_EVENT_GROW]);
	EXPECT_EQ(0, bad_error);
}

TEST_F(bounce, small_exhaustion_bounded_wait)
{
	struct pdev db, da;
	unsigned int ms;
	int err;

	ASSERT_EQ(1, sysfs_u64("chunks")) TH_LOG("needs init_chunks=1 max_chunks=1");
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "fill 16 65536 to"));
	EXPECT_STREQ("16 0", self->out);
	ASSERT_EQ(0, sysfs_set("wait_ms", "300"));
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &db));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "wait-map 256"));
	ASSERT_EQ(2, sscanf(self->out, "%d %u", &err, &ms));
	EXPECT_EQ(-ENOSPC, err);
	/* It waited for the whole bound, and not much longer. */
	EXPECT_LE(290, ms);
	EXPECT_GE(3000, ms);
	ASSERT_EQ(0, dev_get(self->fd, self->family, CLIENT, &da));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_WAITS));
	EXPECT_EQ(1, PDELTA(da, db, CVM_A_POOL_DEV_FAILURES));
	EXPECT_EQ(0, sysfs_set("wait_ms", "0"));
}

/*
 * cvm_bounce loaded with init_chunks=1 max_chunks=1: with scrub off every
 * slot is left holding a secret, and the next mappings must still zero
 * what zero_slack and zero_from_device say; with scrub on again, their
 * unmaps zero whole slots, since the slack held an older mapping's bytes.
 */
TEST_F(bounce, unscrubbed_slots_still_zeroed_at_map)
{
	int id, from, bare;

	ASSERT_EQ(1, sysfs_u64("chunks")) TH_LOG("needs init_chunks=1 max_chunks=1");
	ASSERT_EQ(0, sysfs_set("scrub", "0"));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "fill 16 65536 to"));
	EXPECT_STREQ("16 0", self->out);
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "drain"));
	EXPECT_STREQ("16", self->out);

	HS_MAP(id, "map 256 to 100");
	EXPECT_HOST_READ(id, "secret 256 nonzero 256");
	HS_MAP(from, "map 4096 from 0");
	EXPECT_HOST_READ(from, "zero 4096");
	/* Without zero_slack the older secret shows around the data. */
	ASSERT_EQ(0, sysfs_set("zero_slack", "0"));
	HS_MAP(bare, "map 256 to 100");
	ASSERT_EQ(0, sysfs_set("zero_slack", "1"));
	EXPECT_HOST_READ(bare, "secret 256 nonzero 2048");

	ASSERT_EQ(0, sysfs_set("scrub", "1"));
	UNMAP_OK(bare);
	EXPECT_HOST_READ(bare, "zero 2048");
	UNMAP_OK(id);
	EXPECT_HOST_READ(id, "zero 2048");
	UNMAP_OK(from);
	EXPECT_HOST_READ(from, "zero 4096");
	ASSERT_EQ(0, sysfs_set("scrub", "0"));
}

/*
 * cvm_bounce loaded with init_chunks=1 max_chunks=4 idle_ms=100: the pool
 * grows under load (mappings that may sleep wait for the new chunk) and
 * shrinks back when idle; the ledger agrees to the page at every step.
 */
TEST_F_TIMEOUT(bounce, grow_shrink_ledger, 120)
{
	unsigned int ev[CVM_BOUNCE_EVENT_TOO_BIG + 1] = { 0 }, ev2[CVM_BOUNCE_EVENT_TOO_BIG + 1] = { 0 };
	unsigned int bad_error = 0, bad_error2 = 0;
	struct ledger l;
	struct pool p;
	int i, ev_fd;

	ASSERT_EQ(4, sysfs_u64("max_chunks")) TH_LOG("needs max_chunks=4");
	ev_fd = events_open(self->events_grp, 1);
	ASSERT_LE(0, ev_fd);
	ASSERT_EQ(0, ledger_get(self->fd, self->family, &l));
	EXPECT_EQ(256 * sysfs_u64("chunks"), l.shared);
	ASSERT_EQ(0, sysfs_set("wait_ms", "5000"));
	/* 4 MiB of mappings: the whole grown pool. */
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "fill 64 65536 to"));
	EXPECT_STREQ("64 0", self->out);
	ASSERT_EQ(0, pool_get(self->fd, self->family, &p));
	EXPECT_EQ(4, p.v[CVM_A_POOL_CHUNKS]);
	EXPECT_EQ(2048, p.v[CVM_A_POOL_USED]);
	EXPECT_EQ(3, p.v[CVM_A_POOL_GROWS]);
	ASSERT_EQ(0, ledger_get(self->fd, self->family, &l));
	EXPECT_EQ(1024, l.shared);
	ASSERT_EQ(0, sysfs_set("wait_ms", "0"));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "drain"));
	EXPECT_STREQ("64", self->out);

	/*
	 * Idle for idle_ms: back to init_chunks, by the delayed work. A chunk
	 * leaves the list before it is converted back: wait for the count of
	 * chunks given back, which comes last.
	 */
	for (i = 0; i < 200 && sysfs_u64("shrinks") < 3; i++)
		usleep(50000);
	ASSERT_EQ(0, pool_get(self->fd, self->family, &p));
	EXPECT_EQ(1, p.v[CVM_A_POOL_CHUNKS]);
	EXPECT_EQ(3, p.v[CVM_A_POOL_SHRINKS]);
	EXPECT_EQ(0, p.v[CVM_A_POOL_LEAKED_CHUNKS]);
	ASSERT_EQ(0, ledger_get(self->fd, self->family, &l));
	EXPECT_EQ(256, l.shared);
	EXPECT_EQ(0, l.leaked);
	/* One event per chunk added and given back; nobody ran out. */
	count_pool_events(ev_fd, "cvm_bounce", 0, ev, &bad_error);
	EXPECT_EQ(3, ev[CVM_BOUNCE_EVENT_GROW]);
	EXPECT_EQ(3, ev[CVM_BOUNCE_EVENT_SHRINK]);
	EXPECT_EQ(0, ev[CVM_BOUNCE_EVENT_CHUNK_LEAKED]);
	EXPECT_EQ(0, bad_error);

	/* A chunk whose unshare fails is leaked, never reused. */
	ev_fd = events_open(self->events_grp, 1);
	ASSERT_LE(0, ev_fd);
	ASSERT_EQ(0, sysfs_set("idle_ms", "600000"));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "grow"));
	EXPECT_STREQ("0", self->out);
	ASSERT_EQ(0, cvm_write_file(FAILINJ "fail_next_unshare", "1"));
	ASSERT_EQ(0, hs(self->out, sizeof(self->out), "shrink"));
	EXPECT_STREQ("1", self->out);
	ASSERT_EQ(0, pool_get(self->fd, self->family, &p));
	EXPECT_EQ(1, p.v[CVM_A_POOL_CHUNKS]);
	EXPECT_EQ(1, p.v[CVM_A_POOL_LEAKED_CHUNKS]);
	EXPECT_EQ(512, p.v[CVM_A_POOL_SLOTS]);
	ASSERT_EQ(0, ledger_get(self->fd, self->family, &l));
	EXPECT_EQ(256, l.shared);
	EXPECT_EQ(256, l.leaked);
	ASSERT_EQ(0, sysfs_set("idle_ms", "100"));
	/* The leak is an event with the unshare's error, not a shrink. */
	count_pool_events(ev_fd, "cvm_bounce", 0, ev2, &bad_error2);
	EXPECT_EQ(1, ev2[CVM_BOUNCE_EVENT_GROW]);
	EXPECT_EQ(0, ev2[CVM_BOUNCE_EVENT_SHRINK]);
	EXPECT_EQ(1, ev2[CVM_BOUNCE_EVENT_CHUNK_LEAKED]);
	EXPECT_EQ(1, bad_error2);
}

TEST_HARNESS_MAIN
