// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_ring against a hostile host. cvm_hostsim_ring puts virtio split,
 * virtio packed and vmbus rings in shared memory; this test plays the
 * host: it mmaps them, writes seeded, reproducible rings, valid and
 * mutated (every field, off-by-one bounds, index wrap-arounds, and races:
 * bytes changed right after the guest read them), lets the guest consume,
 * and compares every verdict with what its own model of the rules says,
 * written here independently of kernel/ring/. The counters cvm_ring keeps
 * (ring-list-get, sysfs) must then equal the model's, exactly.
 *
 * CVM_RING_ITERS (default 100000) rings per type; CVM_RING_SEED (default
 * 1) makes a failure reproducible. Needs cvm_core, cvm_convert, cvm_ring,
 * cvm_hostsim_ring and root; run by ring.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/cvm.h>
#include "kselftest_harness.h"
#include "nl.h"
#include "util.h"
#include "../kernel/testing/hostsim/ring_uapi.h"
#include "ring_model.h"

#define SYSFS		"/sys/kernel/cvm/ring/"

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static int sim_open(struct sim *sim, uint32_t kind, uint32_t policy,
		    uint32_t num, uint32_t dsize, uint32_t max_pkt)
{
	memset(sim, 0, sizeof(*sim));
	sim->fd = open(CVM_HSR_DEV, O_RDWR);
	if (sim->fd < 0)
		return -errno;
	sim->s.kind = kind;
	sim->s.policy = policy;
	sim->s.num = num;
	sim->s.dsize = dsize;
	sim->s.max_pkt = max_pkt;
	if (ioctl(sim->fd, CVM_HSR_IOC_SETUP, &sim->s))
		return -errno;
	sim->map = mmap(NULL, sim->s.map_size, PROT_READ | PROT_WRITE,
			MAP_SHARED, sim->fd, 0);
	return sim->map == MAP_FAILED ? -errno : 0;
}

static void sim_close(struct sim *sim)
{
	if (sim->map && sim->map != MAP_FAILED)
		munmap(sim->map, sim->s.map_size);
	close(sim->fd);
}

/* Runs the guest and compares with the model; returns mismatches. */
static int sim_run(struct sim *sim, struct cvm_hsr_run *run,
		   struct cvm_hsr_post *posts, const struct race *rc,
		   const struct expect *e, uint64_t iter,
		   struct __test_metadata *_metadata)
{
	static struct cvm_hsr_result res[MAXRES];
	uint32_t i, bad = 0;

	run->posts = (uintptr_t)posts;
	run->results = (uintptr_t)res;
	run->max_results = MAXRES;
	run->race_at = rc->at;
	run->race_off = rc->off;
	run->race_len = rc->len;
	run->race_val = rc->val;
	if (ioctl(sim->fd, CVM_HSR_IOC_RUN, run)) {
		TH_LOG("iter %llu: RUN: %s", (unsigned long long)iter,
		       strerror(errno));
		return 1;
	}
	if (run->idx_reason != e->idx_reason || run->nresults != e->n ||
	    run->broken != (uint32_t)e->broken)
		bad++;
	for (i = 0; !bad && i < e->n; i++) {
		const struct cvm_hsr_result *g = &res[i], *w = &e->r[i];

		if (g->reason != w->reason || g->consumed != w->consumed ||
		    g->id != w->id || g->len != w->len ||
		    (w->reason && (g->value != w->value ||
				   g->limit != w->limit)) ||
		    memcmp(g->head, w->head, sizeof(g->head)))
			bad++;
	}
	if (bad) {
		TH_LOG("iter %llu kind %u policy %u: idx %u/%u n %u/%u broken %u/%d",
		       (unsigned long long)iter, sim->s.kind, sim->s.policy,
		       run->idx_reason, e->idx_reason, run->nresults, e->n,
		       run->broken, e->broken);
		for (i = 0; i < e->n || i < run->nresults; i++)
			TH_LOG("  %u: got reason %u id %u len %u c %u v %llu l %llu | want %u id %u len %u c %u v %llu l %llu",
			       i, res[i].reason, res[i].id, res[i].len,
			       res[i].consumed,
			       (unsigned long long)res[i].value,
			       (unsigned long long)res[i].limit,
			       e->r[i].reason, e->r[i].id, e->r[i].len,
			       e->r[i].consumed,
			       (unsigned long long)e->r[i].value,
			       (unsigned long long)e->r[i].limit);
		return 1;
	}
	/* What cvm_ring must have counted. */
	if (e->idx_reason) {
		sim->checked++;
		sim->reasons[e->idx_reason]++;
	}
	for (i = 0; i < e->n; i++) {
		sim->checked++;
		sim->reasons[e->r[i].reason]++;
	}
	return 0;
}

/* ---- netlink ---- */

struct ring_counts {
	int found;
	uint32_t policy, broken;
	uint64_t checked, violations;
	uint64_t reasons[CVM_RING_REASON_MAX + 1];
	char names[CVM_RING_REASON_MAX + 1][32];
	char owner[64];
};

struct ring_query {
	uint32_t id;
	struct ring_counts *c;
	uint32_t seen;
};

static void reason_cb(const struct nlattr *nest, struct ring_counts *c)
{
	const struct nlattr *a;
	int len = nla_len(nest);
	uint32_t r = 0;
	uint64_t n = 0;
	const char *name = "";

	nla_for_each(a, (struct nlattr *)nla_data(nest), len) {
		if (a->nla_type == CVM_A_RING_REASON_COUNT_REASON)
			memcpy(&r, nla_data(a), 4);
		else if (a->nla_type == CVM_A_RING_REASON_COUNT_COUNT)
			memcpy(&n, nla_data(a), 8);
		else if (a->nla_type == CVM_A_RING_REASON_COUNT_NAME)
			name = nla_data(a);
	}
	if (r <= CVM_RING_REASON_MAX) {
		c->reasons[r] = n;
		snprintf(c->names[r], sizeof(c->names[r]), "%s", name);
	}
}

static void ring_cb(const struct nlattr *attrs, int len, void *ctx)
{
	struct ring_query *q = ctx;
	const struct nlattr *a;
	struct ring_counts tmp = { 0 };
	uint32_t id = 0;

	nla_for_each(a, attrs, len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CVM_A_RING_INFO_ID:
			memcpy(&id, nla_data(a), 4);
			break;
		case CVM_A_RING_INFO_POLICY:
			memcpy(&tmp.policy, nla_data(a), 4);
			break;
		case CVM_A_RING_INFO_BROKEN:
			tmp.broken = *(uint8_t *)nla_data(a);
			break;
		case CVM_A_RING_INFO_CHECKED:
			memcpy(&tmp.checked, nla_data(a), 8);
			break;
		case CVM_A_RING_INFO_VIOLATIONS:
			memcpy(&tmp.violations, nla_data(a), 8);
			break;
		case CVM_A_RING_INFO_OWNER:
			snprintf(tmp.owner, sizeof(tmp.owner), "%s",
				 (char *)nla_data(a));
			break;
		case CVM_A_RING_INFO_REASON:
			reason_cb(a, &tmp);
			break;
		}
	}
	q->seen++;
	if (id == q->id) {
		tmp.found = 1;
		*q->c = tmp;
	}
}

static int ring_counts(int fd, uint16_t family, uint32_t id,
		       struct ring_counts *c)
{
	struct ring_query q = { .id = id, .c = c };

	memset(c, 0, sizeof(*c));
	return nl_dump(fd, family, CVM_CMD_RING_LIST_GET, ring_cb, &q);
}

static int ring_set(int fd, uint16_t family, uint32_t id, uint32_t policy,
		    struct nl_reply *r)
{
	struct nl_msg_builder m;
	int err;

	nl_start(&m, family, CVM_CMD_RING_SET);
	nl_put(&m, CVM_A_RING_INFO_ID, &id, sizeof(id));
	nl_put(&m, CVM_A_RING_INFO_POLICY, &policy, sizeof(policy));
	err = nl_do(fd, &m, r);
	return err ?: r->error;
}

static uint64_t sysfs_u64(const char *file)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), SYSFS "%s", file);
	if (cvm_read_file(path, buf, sizeof(buf)) < 0)
		return ~0ULL;
	return strtoull(buf, NULL, 10);
}

/* ---- the tests ---- */

FIXTURE(ring) {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	struct nl_reply r;
};

FIXTURE_SETUP(ring)
{
	uint32_t version;

	if (access(CVM_HSR_DEV, R_OK | W_OK))
		SKIP(return, "%s missing: cvm_hostsim_ring not loaded", CVM_HSR_DEV);
	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nl_family(self->fd, CVM_FAMILY_NAME, &self->family,
			       &version, &self->events_grp));
}

FIXTURE_TEARDOWN(ring)
{
	if (self->fd > 0)
		close(self->fd);
}

typedef void (*host_fn)(struct sim *, struct cvm_hsr_run *,
			struct cvm_hsr_post *, struct race *);
typedef void (*model_fn)(const struct sim *, const uint8_t *,
			 const struct cvm_hsr_run *,
			 const struct cvm_hsr_post *, const struct race *,
			 struct expect *);

/*
 * @n rings of one kind, spread over simulated rings of several sizes and
 * both policies; then every ring's counters in cvm_ring must equal the
 * model's, and sysfs totals must have grown by their sum.
 */
static __attribute__((noinline)) void
hostile(struct __test_metadata *_metadata, struct _test_data_ring *self,
		    uint32_t kind, const uint32_t (*cfg)[3], unsigned int ncfg,
		    host_fn host, model_fn model, uint32_t first, uint32_t last)
{
	static struct expect e;
	static struct cvm_hsr_post posts[CVM_HSR_MAX_NUM];
	static uint8_t before[CVM_HSR_VMBUS_DATA + CVM_HSR_MAX_DSIZE];
	unsigned long n = env_ul("CVM_RING_ITERS", 100000);
	unsigned long seed = env_ul("CVM_RING_SEED", 1);
	uint64_t checked0 = sysfs_u64("checked"), viol0 = sysfs_u64("violations");
	uint64_t want_checked = 0, want_viol = 0, accepted = 0, rejected = 0;
	struct sim sims[8];
	struct cvm_hsr_run run;
	struct race rc;
	unsigned long i;
	unsigned int s, r;

	rng_state = seed * 0x9e3779b97f4a7c15ULL + kind + 1;
	for (s = 0; s < 2 * ncfg; s++)
		ASSERT_EQ(0, sim_open(&sims[s], kind, s % 2, cfg[s / 2][0],
				      cfg[s / 2][1], cfg[s / 2][2]));
	for (i = 0; i < n; i++) {
		struct sim *sim = &sims[i % (2 * ncfg)];
		size_t len = kind == CVM_RING_KIND_VMBUS ?
			CVM_HSR_VMBUS_DATA + sim->s.dsize : sim->s.map_size;

		host(sim, &run, posts, &rc);
		memcpy(before, sim->map, len);
		model(sim, before, &run, posts, &rc, &e);
		if (sim_run(sim, &run, posts, &rc, &e, i, _metadata))
			break;
		accepted += run.accepted;
		rejected += run.rejected;
	}
	EXPECT_EQ(n, i) TH_LOG("seed %lu: mismatch at iteration %lu", seed, i);
	for (s = 0; s < 2 * ncfg; s++) {
		struct ring_counts c;
		uint64_t viol = 0;

		ASSERT_EQ(0, ring_counts(self->fd, self->family,
					 sims[s].s.ring_id, &c));
		ASSERT_EQ(1, c.found);
		EXPECT_STREQ("hostsim-ring", c.owner);
		EXPECT_EQ(s % 2, c.policy);
		EXPECT_EQ(sims[s].checked, c.checked);
		for (r = 1; r <= CVM_RING_REASON_MAX; r++) {
			EXPECT_EQ(sims[s].reasons[r], c.reasons[r])
				TH_LOG("ring %u reason %u", s, r);
			viol += sims[s].reasons[r];
		}
		EXPECT_EQ(viol, c.violations);
		want_checked += sims[s].checked;
		want_viol += viol;
	}
	/*
	 * Every reason of the kind was provoked: none is left untested. Only
	 * a full run can promise that; short runs are traffic for the load
	 * and stress tests (loadcycle.sh, stress.sh).
	 */
	for (r = first; i >= 10000 && r <= last; r++) {
		uint64_t sum = 0;

		for (s = 0; s < 2 * ncfg; s++)
			sum += sims[s].reasons[r];
		EXPECT_LT(0, sum) TH_LOG("reason %u never provoked", r);
	}
	EXPECT_EQ(want_checked, sysfs_u64("checked") - checked0);
	EXPECT_EQ(want_viol, sysfs_u64("violations") - viol0);
	TH_LOG("kind %u: %lu rings (seed %lu), %llu entries accepted, %llu rejected, %llu violations",
	       kind, i, seed, (unsigned long long)accepted,
	       (unsigned long long)rejected, (unsigned long long)want_viol);
	for (s = 0; s < 2 * ncfg; s++)
		sim_close(&sims[s]);
}

TEST_F_TIMEOUT(ring, split_hostile, 1200)
{
	static const uint32_t cfg[][3] = { { 2 }, { 16 }, { 256 } };

	hostile(_metadata, self, CVM_RING_KIND_VIRTIO_SPLIT, cfg, 3,
		split_host, split_model, CVM_RING_REASON_IDX_ADVANCE,
		CVM_RING_REASON_LEN_OVER);
}

TEST_F_TIMEOUT(ring, packed_hostile, 1200)
{
	static const uint32_t cfg[][3] = { { 1 }, { 5 }, { 64 }, { 256 } };

	hostile(_metadata, self, CVM_RING_KIND_VIRTIO_PACKED, cfg, 4,
		packed_host, packed_model, CVM_RING_REASON_ID_RANGE,
		CVM_RING_REASON_LEN_OVER);
}

TEST_F_TIMEOUT(ring, vmbus_hostile, 1200)
{
	static const uint32_t cfg[][3] = {
		{ 0, 256, 64 }, { 0, 4096, 1024 }, { 0, 16384, 4096 },
	};

	hostile(_metadata, self, CVM_RING_KIND_VMBUS, cfg, 3, vmbus_host,
		vmbus_model, CVM_RING_REASON_IDX_RANGE,
		CVM_RING_REASON_TRANS_ID);
}

/* Bad requests from userspace get errors, not crashes. */
TEST_F(ring, bad_setup_and_run)
{
	struct cvm_hsr_setup s = { .kind = 99 };
	struct cvm_hsr_run run = { 0 };
	int fd = open(CVM_HSR_DEV, O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_RUN, &run));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	s.kind = CVM_RING_KIND_VIRTIO_SPLIT;
	s.num = 3;
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	s.num = 4;
	s.policy = 2;
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_SETUP, &s));
	EXPECT_EQ(EINVAL, errno);
	close(fd);

	fd = open(CVM_HSR_DEV, O_RDWR);
	ASSERT_LE(0, fd);
	s.policy = 0;
	ASSERT_EQ(0, ioctl(fd, CVM_HSR_IOC_SETUP, &s));
	EXPECT_EQ(4096, s.map_size);
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_SETUP, &s));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0));
	run.race_at = 1;
	run.race_len = 8;
	run.race_off = 4096 - 7;
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_RUN, &run));
	EXPECT_EQ(EINVAL, errno);
	run.race_at = 0;
	run.nposts = 1;
	run.posts = 0;
	EXPECT_EQ(-1, ioctl(fd, CVM_HSR_IOC_RUN, &run));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

static int ring_set_as_nobody(uint16_t family)
{
	struct nl_reply r;
	int fd = nl_open();

	if (fd < 0)
		return 2;
	return ring_set(fd, family, 1, CVM_RING_POLICY_MONITOR, &r) == -EPERM ?
		0 : 1;
}

/* Checks a ring-ntf for the len-over of policy_set_and_events. */
static int check_event(struct __test_metadata *_metadata, char *buf,
		       uint32_t ring_id)
{
	int got = 0;

	struct nlmsghdr *nlh = (void *)buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *a;
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	uint64_t v64;
	uint32_t v32;

	EXPECT_EQ(CVM_CMD_RING_NTF, g->cmd);
	nla_for_each(a, (struct nlattr *)((char *)g + GENL_HDRLEN), len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CVM_A_RING_NTF_ID:
			memcpy(&v32, nla_data(a), 4);
			EXPECT_EQ(ring_id, v32);
			got++;
			break;
		case CVM_A_RING_NTF_KIND:
			memcpy(&v32, nla_data(a), 4);
			EXPECT_EQ(CVM_RING_KIND_VIRTIO_SPLIT, v32);
			got++;
			break;
		case CVM_A_RING_NTF_REASON:
			memcpy(&v32, nla_data(a), 4);
			EXPECT_EQ(CVM_RING_REASON_LEN_OVER, v32);
			got++;
			break;
		case CVM_A_RING_NTF_POLICY:
			memcpy(&v32, nla_data(a), 4);
			EXPECT_EQ(CVM_RING_POLICY_ENFORCE, v32);
			got++;
			break;
		case CVM_A_RING_NTF_VALUE:
			memcpy(&v64, nla_data(a), 8);
			EXPECT_EQ(101, v64);
			got++;
			break;
		case CVM_A_RING_NTF_LIMIT:
			memcpy(&v64, nla_data(a), 8);
			EXPECT_EQ(100, v64);
			got++;
			break;
		case CVM_A_RING_NTF_OWNER:
			EXPECT_STREQ("hostsim-ring", (char *)nla_data(a));
			got++;
			break;
		}
	}
	return got;
}

/* ring-set switches policy; enforce breaks a ring, monitor repairs it. */
TEST_F(ring, policy_set_and_events)
{
	struct timeval tv = { .tv_sec = 2 };
	struct cvm_hsr_post post = { .id = 1, .cap = 100 };
	struct cvm_hsr_result res[4];
	struct cvm_hsr_run run = { 0 };
	struct split_used *u;
	struct ring_counts c;
	struct sim sim;
	char buf[8192];
	int ev, got = 0;
	uint32_t rate = 100000;
	struct nl_msg_builder m;
	ssize_t n;

	ASSERT_EQ(0, sim_open(&sim, CVM_RING_KIND_VIRTIO_SPLIT,
			      CVM_RING_POLICY_MONITOR, 4, 0, 0));
	EXPECT_EQ(-ENOENT, ring_set(self->fd, self->family, 0xffffff,
				    CVM_RING_POLICY_ENFORCE, &self->r));
	EXPECT_STREQ("no ring with this id", self->r.extack);
	EXPECT_EQ(-ERANGE, ring_set(self->fd, self->family, sim.s.ring_id, 2,
				    &self->r));
	EXPECT_EQ(0, cvm_as_nobody(ring_set_as_nobody, self->family));
	ASSERT_EQ(0, ring_set(self->fd, self->family, sim.s.ring_id,
			      CVM_RING_POLICY_ENFORCE, &self->r));
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(CVM_RING_POLICY_ENFORCE, c.policy);

	nl_start(&m, self->family, CVM_CMD_SET_CONFIG);
	nl_put(&m, CVM_A_CONFIG_EVENT_RATELIMIT, &rate, sizeof(rate));
	ASSERT_EQ(0, nl_do(self->fd, &m, &self->r));
	ev = nl_open();
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&self->events_grp, sizeof(self->events_grp)));
	ASSERT_EQ(0, setsockopt(ev, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	/* One chain of 100 bytes returned with 101. */
	u = (void *)sim.map;
	u->ring[0].id = 1;
	u->ring[0].len = 101;
	u->idx = 1;
	run.nposts = 1;
	run.posts = (uintptr_t)&post;
	run.results = (uintptr_t)res;
	run.max_results = 4;
	ASSERT_EQ(0, ioctl(sim.fd, CVM_HSR_IOC_RUN, &run));
	EXPECT_EQ(1, run.nresults);
	EXPECT_EQ(CVM_RING_REASON_LEN_OVER, res[0].reason);
	EXPECT_EQ(0, res[0].consumed);
	EXPECT_EQ(1, run.broken);
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(1, c.broken);
	EXPECT_EQ(1, c.reasons[CVM_RING_REASON_LEN_OVER]);
	EXPECT_STREQ("len-over", c.names[CVM_RING_REASON_LEN_OVER]);
	EXPECT_LE(1, sysfs_u64("broken"));
	/* Monitor clears the broken mark. */
	ASSERT_EQ(0, ring_set(self->fd, self->family, sim.s.ring_id,
			      CVM_RING_POLICY_MONITOR, &self->r));
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(0, c.broken);

	n = recv(ev, buf, sizeof(buf), 0);
	ASSERT_LT(0, n);
	got = check_event(_metadata, buf, sim.s.ring_id);
	EXPECT_EQ(7, got);
	/* Exactly one event. */
	EXPECT_EQ(-1, recv(ev, buf, sizeof(buf), MSG_DONTWAIT));
	close(ev);
	rate = 100;
	nl_start(&m, self->family, CVM_CMD_SET_CONFIG);
	nl_put(&m, CVM_A_CONFIG_EVENT_RATELIMIT, &rate, sizeof(rate));
	EXPECT_EQ(0, nl_do(self->fd, &m, &self->r));
	sim_close(&sim);
}

/* ring-get and sysfs agree; a closed ring leaves the registry. */
TEST_F(ring, totals_and_unregister)
{
	struct nl_msg_builder m;
	const struct nlattr *a;
	struct ring_counts c;
	struct sim sim;
	uint32_t rings = ~0u;
	uint64_t checked = ~0ULL;
	int len;

	ASSERT_EQ(0, sim_open(&sim, CVM_RING_KIND_VMBUS,
			      CVM_RING_POLICY_MONITOR, 0, 256, 64));
	EXPECT_EQ(8192, sim.s.map_size);
	nl_start(&m, self->family, CVM_CMD_RING_GET);
	ASSERT_EQ(0, nl_do(self->fd, &m, &self->r));
	ASSERT_EQ(0, self->r.error);
	len = self->r.attrs_len;
	nla_for_each(a, self->r.attrs, len) {
		if (a->nla_type == CVM_A_RING_RINGS)
			memcpy(&rings, nla_data(a), 4);
		if (a->nla_type == CVM_A_RING_CHECKED)
			memcpy(&checked, nla_data(a), 8);
	}
	EXPECT_EQ(sysfs_u64("rings"), rings);
	EXPECT_LE(1, rings);
	EXPECT_EQ(sysfs_u64("checked"), checked);
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(1, c.found);
	sim_close(&sim);
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(0, c.found);
	EXPECT_EQ(rings - 1, sysfs_u64("rings"));
}

static int run_out(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = 0;
	return pclose(f);
}

/* cvmctl rings shows what the kernel counted, exactly; policy sets it. */
/*
 * An enforce split ring whose device returned 11 bytes for a 10-byte
 * buffer: one len-over, and the ring is broken.
 */
static void len_over_ring(struct __test_metadata *_metadata, struct sim *sim)
{
	struct cvm_hsr_post post = { .id = 2, .cap = 10 };
	struct cvm_hsr_result res[4];
	struct cvm_hsr_run run = { 0 };
	struct split_used *u;

	ASSERT_EQ(0, sim_open(sim, CVM_RING_KIND_VIRTIO_SPLIT,
			      CVM_RING_POLICY_ENFORCE, 4, 0, 0));
	u = (void *)sim->map;
	u->ring[0].id = 2;
	u->ring[0].len = 11;
	u->idx = 1;
	run.nposts = 1;
	run.posts = (uintptr_t)&post;
	run.results = (uintptr_t)res;
	run.max_results = 4;
	ASSERT_EQ(0, ioctl(sim->fd, CVM_HSR_IOC_RUN, &run));
	ASSERT_EQ(1, run.broken);
}

TEST_F(ring, cvmctl_rings)
{
	struct ring_counts c;
	char out[65536], want[512];
	struct sim sim;

	if (access("/usr/bin/cvmctl", X_OK))
		SKIP(return, "cvmctl not installed");
	len_over_ring(_metadata, &sim);

	ASSERT_EQ(0, run_out("cvmctl -j rings", out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "{\"id\":%u,\"kind\":\"virtio-split\",\"owner\":\"hostsim-ring\",\"policy\":\"enforce\",\"broken\":true,\"checked\":1,\"violations\":1,\"reasons\":{\"len-over\":1}}",
		 sim.s.ring_id);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"totals\":{\"rings\":"));
	ASSERT_EQ(0, run_out("cvmctl rings", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "len-over: 1")) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "cvmctl -j rings policy %u monitor",
		 sim.s.ring_id);
	ASSERT_EQ(0, run_out(want, out, sizeof(out)));
	EXPECT_STREQ("null\n", out);
	ASSERT_EQ(0, ring_counts(self->fd, self->family, sim.s.ring_id, &c));
	EXPECT_EQ(CVM_RING_POLICY_MONITOR, c.policy);
	EXPECT_EQ(0, c.broken);
	EXPECT_NE(0, run_out("cvmctl rings policy 4000000000 monitor 2>&1",
			     out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "no ring with this id")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_out("cvmctl metrics", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\ncvm_ring_violations_total "))
		TH_LOG("%s", out);
	sim_close(&sim);
}

/* Generic netlink sockets that joined a multicast group. */
static int genl_listeners(void)
{
	char line[512];
	unsigned int proto;
	unsigned long groups;
	int n = 0;
	FILE *f = fopen("/proc/net/netlink", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %u %*s %lx", &proto, &groups) == 2 &&
		    proto == 16 && groups)
			n++;
	fclose(f);
	return n;
}

/*
 * The first line of @path that starts with @prefix, within 10 s: other
 * tests (stress.sh runs this one beside them) send events too.
 */
static int wait_line(const char *path, const char *prefix, char *out,
		     size_t size)
{
	FILE *f;
	int i;

	for (i = 0; i < 100; i++) {
		f = fopen(path, "re");
		while (f && fgets(out, size, f))
			if (!strncmp(out, prefix, strlen(prefix)) &&
			    strchr(out, '\n')) {
				fclose(f);
				return 0;
			}
		if (f)
			fclose(f);
		usleep(100000);
	}
	return -1;
}

/* cvmctl monitor prints a ring-ntf, in text and JSON, as the kernel sent it. */
TEST_F(ring, cvmctl_monitor)
{
	char out[1024], want[512], prefix[128];
	struct sim sim;
	int base, i;

	if (access("/usr/bin/cvmctl", X_OK))
		SKIP(return, "cvmctl not installed");
	base = genl_listeners();
	ASSERT_LE(0, base);
	ASSERT_EQ(0, system("cvmctl -j monitor >/tmp/ringmon.json 2>&1 & echo $! >/tmp/ringmon.pids;"
			    "cvmctl monitor >/tmp/ringmon.txt 2>&1 & echo $! >>/tmp/ringmon.pids"));
	for (i = 0; i < 100 && genl_listeners() < base + 2; i++)
		usleep(100000);
	/* Both join nlctrl's group first, then the events group. */
	sleep(1);
	len_over_ring(_metadata, &sim);

	snprintf(prefix, sizeof(prefix),
		 "{\"event\":\"ring\",\"reason\":\"len-over\",\"id\":%u,",
		 sim.s.ring_id);
	EXPECT_EQ(0, wait_line("/tmp/ringmon.json", prefix, out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "%s\"kind\":\"virtio-split\",\"owner\":\"hostsim-ring\",\"policy\":\"enforce\",\"value\":11,\"limit\":10}\n",
		 prefix);
	EXPECT_STREQ(want, out);
	snprintf(prefix, sizeof(prefix), "ring len-over id=%u ", sim.s.ring_id);
	EXPECT_EQ(0, wait_line("/tmp/ringmon.txt", prefix, out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "%skind=virtio-split owner=hostsim-ring policy=enforce value=11 limit=10\n",
		 prefix);
	EXPECT_STREQ(want, out);
	EXPECT_EQ(0, system("kill $(cat /tmp/ringmon.pids)"));
	sim_close(&sim);
}

TEST_HARNESS_MAIN
