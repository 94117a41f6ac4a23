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
#include "../kernel/hostsim/ring_uapi.h"

#define SYSFS		"/sys/kernel/cvm/ring/"
#define DUMP_BUF	(64 * 1024)
#define MAXRES		CVM_HSR_MAX_RESULTS
#define COMP		0xb

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int one_in(uint32_t n)
{
	return below(n) == 0;
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* A length the way a hostile host picks one: near the bound, or wild. */
static uint32_t pick_u32(uint32_t bound)
{
	switch (below(8)) {
	case 0: return bound + 1;
	case 1: return bound ? bound - 1 : 0;
	case 2: return 0xffffffff;
	case 3: return 0;
	case 4: return rnd();
	default: return bound;
	}
}

/* One simulated ring and what the model expects its counters to be. */
struct sim {
	int fd;
	uint8_t *map;
	struct cvm_hsr_setup s;
	uint64_t checked;
	uint64_t reasons[CVM_RING_REASON_MAX + 1];
};

/* What the model says one run gives. */
struct expect {
	uint32_t idx_reason;
	uint32_t n;
	int broken;
	struct cvm_hsr_result r[MAXRES];
};

/* The host's pending race write, applied by the model at the same point. */
struct race {
	uint32_t at, off, len;
	uint64_t val;
};

static void race_apply(uint8_t *mem, const struct race *rc, uint32_t point)
{
	if (rc->at && point == rc->at)
		memcpy(mem + rc->off, &rc->val, rc->len);
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

static struct cvm_hsr_result *add(struct expect *e, uint32_t reason,
				  uint32_t id, uint32_t len, uint64_t value,
				  uint64_t limit)
{
	struct cvm_hsr_result *r = &e->r[e->n++];

	memset(r, 0, sizeof(*r));
	r->reason = reason;
	r->id = id;
	r->len = len;
	if (reason) {
		r->value = value;
		r->limit = limit;
	}
	return r;
}

/* ---- virtio split: the model ---- */

struct split_used {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[];
};

static void split_model(const struct sim *sim, const uint8_t *shared,
			const struct cvm_hsr_run *run,
			const struct cvm_hsr_post *posts, const struct race *rc,
			struct expect *e)
{
	static uint8_t mem[8192];
	struct split_used *u = (void *)mem;
	uint32_t num = sim->s.num, outstanding = run->nposts, i, point = 0;
	uint32_t cap[CVM_HSR_MAX_NUM] = { 0 };
	uint8_t busy[CVM_HSR_MAX_NUM] = { 0 };
	int pass = sim->s.policy == CVM_RING_POLICY_MONITOR;
	uint16_t last = run->start, n, seen;

	memcpy(mem, shared, 4 + 8 * num);
	for (i = 0; i < run->nposts; i++) {
		busy[posts[i].id] = 1;
		cap[posts[i].id] = posts[i].cap;
	}
	memset(e, 0, sizeof(*e));
	n = (uint16_t)(u->idx - last);
	if (n > outstanding) {
		e->idx_reason = CVM_RING_REASON_IDX_ADVANCE;
		if (!pass) {
			e->broken = 1;
			return;
		}
		if (n > num)
			n = num;
	}
	seen = last + n;
	while (last != seen && e->n < MAXRES) {
		uint32_t id, len, reason = 0;
		uint64_t value = 0, limit = 0;
		struct cvm_hsr_result *r;

		id = u->ring[last % num].id;
		len = u->ring[last % num].len;
		race_apply(mem, rc, ++point);
		if (id >= num) {
			reason = CVM_RING_REASON_ID_RANGE;
			value = id;
			limit = num;
		} else if (!busy[id]) {
			reason = CVM_RING_REASON_ID_NOT_OUTSTANDING;
			value = id;
			limit = num;
		} else if (len > cap[id]) {
			reason = CVM_RING_REASON_LEN_OVER;
			value = len;
			limit = cap[id];
		}
		r = add(e, reason, id, len, value, limit);
		if (reason && !pass) {
			e->broken = 1;
			return;
		}
		if (!reason || reason == CVM_RING_REASON_LEN_OVER) {
			busy[id] = 0;
			outstanding--;
		}
		last++;
		r->consumed = 1;
	}
}

/* ---- virtio split: the host ---- */

static void split_host(struct sim *sim, struct cvm_hsr_run *run,
		       struct cvm_hsr_post *posts, struct race *rc)
{
	struct split_used *u = (void *)sim->map;
	uint32_t num = sim->s.num, k, i, a, perm[CVM_HSR_MAX_NUM];
	uint16_t start;

	memset(run, 0, sizeof(*run));
	memset(rc, 0, sizeof(*rc));
	memset(sim->map, 0, 4 + 8 * num);
	/* A quarter of the runs start just before the 16-bit index wraps. */
	start = one_in(4) ? (uint16_t)(0 - 1 - below(num)) : rnd();
	run->start = start;
	for (i = 0; i < num; i++)
		perm[i] = i;
	for (i = num - 1; i > 0; i--) {
		uint32_t j = below(i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	k = below(num + 1);
	for (i = 0; i < k; i++) {
		posts[i].id = perm[i];
		posts[i].cap = one_in(8) ? 0xffffffff : below(70000);
	}
	run->nposts = k;
	/* The host returns a of them, in another order. */
	a = below(k + 1);
	for (i = 0; i < a; i++) {
		uint32_t p = (a - 1 - i) % k;

		u->ring[(uint16_t)(start + i) % num].id = posts[p].id;
		u->ring[(uint16_t)(start + i) % num].len =
			one_in(3) ? posts[p].cap : below(posts[p].cap + 1);
	}
	u->idx = start + a;
	u->flags = rnd();
	/* Then lies about some of it. */
	switch (below(10)) {
	case 0:
		u->idx = start + k + 1;
		break;
	case 1:
		u->idx = one_in(2) ? start + num + 1 : rnd();
		break;
	case 2:
	case 3:
		if (a) {
			uint32_t s = (uint16_t)(start + below(a)) % num;

			if (one_in(2))
				u->ring[s].id = one_in(2) ? num : pick_u32(num);
			else
				u->ring[s].id = one_in(2) ? perm[k % num] :
					u->ring[(s + 1) % num].id;
		}
		break;
	case 4:
	case 5:
		if (a) {
			uint32_t s = (uint16_t)(start + below(a)) % num;
			uint32_t c = 0;

			for (i = 0; i < k; i++)
				if (posts[i].id == u->ring[s].id)
					c = posts[i].cap;
			u->ring[s].len = pick_u32(c);
		}
		break;
	case 6:
		for (i = 0; i < 4 + 8 * num; i++)
			sim->map[i] = rnd();
		break;
	default:
		break;
	}
	/* A race: the host rewrites an entry or the index after a read. */
	if (one_in(6)) {
		rc->at = 1 + below(a + 1);
		rc->len = one_in(4) ? 2 : 4;
		rc->off = rc->len == 2 ? 2 : 4 + 8 * below(num) + 4 * below(2);
		rc->val = one_in(2) ? rnd() : below(num + 1);
	}
}

/* ---- virtio packed ---- */

#define P_AVAIL (1u << 7)
#define P_USED (1u << 15)

struct pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id, flags;
};

static void packed_model(const struct sim *sim, const uint8_t *shared,
			 const struct cvm_hsr_run *run,
			 const struct cvm_hsr_post *posts,
			 const struct race *rc, struct expect *e)
{
	static uint8_t mem[CVM_HSR_MAX_NUM * 16];
	struct pdesc *d = (void *)mem;
	uint32_t num = sim->s.num, next = run->start, i, point = 0;
	uint32_t cap[CVM_HSR_MAX_NUM] = { 0 }, nd[CVM_HSR_MAX_NUM] = { 0 };
	int pass = sim->s.policy == CVM_RING_POLICY_MONITOR, wrap = run->wrap;

	memcpy(mem, shared, 16 * num);
	for (i = 0; i < run->nposts; i++) {
		nd[posts[i].id] = posts[i].ndesc;
		cap[posts[i].id] = posts[i].cap;
	}
	memset(e, 0, sizeof(*e));
	while (e->n < MAXRES) {
		uint16_t flags = d[next].flags;
		int avail = !!(flags & P_AVAIL), used = !!(flags & P_USED);
		uint32_t id, len, reason = 0, adv = 1;
		uint64_t value = 0, limit = 0;
		struct cvm_hsr_result *r;

		if (used != wrap)
			return;
		race_apply(mem, rc, ++point);
		id = d[next].id;
		len = d[next].len;
		if (avail != wrap) {
			reason = CVM_RING_REASON_FLAGS;
			value = flags;
			limit = wrap;
		} else if (id >= num) {
			reason = CVM_RING_REASON_ID_RANGE;
			value = id;
			limit = num;
		} else if (!nd[id]) {
			reason = CVM_RING_REASON_ID_NOT_OUTSTANDING;
			value = id;
			limit = num;
		} else if (len > cap[id]) {
			reason = CVM_RING_REASON_LEN_OVER;
			value = len;
			limit = cap[id];
		}
		r = add(e, reason, id, len, value, limit);
		if (reason && !pass) {
			e->broken = 1;
			return;
		}
		if (!reason || reason == CVM_RING_REASON_LEN_OVER) {
			adv = nd[id];
			nd[id] = 0;
		}
		next += adv;
		if (next >= num) {
			next -= num;
			wrap = !wrap;
		}
		r->consumed = 1;
	}
}

static void packed_host(struct sim *sim, struct cvm_hsr_run *run,
			struct cvm_hsr_post *posts, struct race *rc)
{
	struct pdesc *d = (void *)sim->map;
	uint32_t num = sim->s.num, i, k = 0, room, pos, a, w;
	uint32_t used_pos[CVM_HSR_MAX_NUM];

	memset(run, 0, sizeof(*run));
	memset(rc, 0, sizeof(*rc));
	run->start = below(num);
	run->wrap = below(2);
	/* Before start the next lap's counter applies; nothing is used. */
	for (i = 0; i < num; i++) {
		w = i >= run->start ? run->wrap : !run->wrap;
		d[i].addr = rnd();
		d[i].id = rnd();
		d[i].len = rnd();
		d[i].flags = one_in(2) ? (w ? P_AVAIL : P_USED) :
					  (w ? 0 : P_AVAIL | P_USED);
	}
	/* The guest posted buffers of 1 to 4 descriptors. */
	room = num;
	for (i = 0; room && i < num && !one_in(num + 4); i++) {
		uint32_t nd = 1 + below(room < 4 ? room : 4);

		posts[k].id = (i * 7 + run->start) % num;
		posts[k].cap = one_in(8) ? 0xffffffff : below(70000);
		posts[k].ndesc = nd;
		room -= nd;
		k++;
	}
	/* Unique ids: stride 7 is coprime with the sizes used. */
	run->nposts = k;
	/* The device uses the first a of them. */
	a = below(k + 1);
	pos = run->start;
	w = run->wrap;
	for (i = 0; i < a; i++) {
		used_pos[i] = pos;
		d[pos].id = posts[i].id;
		d[pos].len = one_in(3) ? posts[i].cap : below(posts[i].cap + 1);
		d[pos].flags = w ? P_AVAIL | P_USED : 0;
		pos += posts[i].ndesc;
		if (pos >= num) {
			pos -= num;
			w = !w;
		}
	}
	if (a) {
		struct pdesc *x = &d[used_pos[below(a)]];

		switch (below(8)) {
		case 0:
			x->flags ^= P_AVAIL;
			break;
		case 1:
			x->id = one_in(2) ? num : pick_u32(num);
			break;
		case 2:
			x->id = one_in(2) ? (x->id + 1) % num : d[used_pos[0]].id;
			break;
		case 3:
			x->len = pick_u32(x->len);
			break;
		case 4:
			x->flags = rnd();
			break;
		default:
			break;
		}
	}
	if (one_in(12))
		for (i = 0; i < num * 16; i++)
			sim->map[i] = rnd();
	if (one_in(6)) {
		rc->at = 1 + below(a + 1);
		rc->len = below(3) ? 4 : 2;
		i = below(num);
		rc->off = 16 * i + (rc->len == 4 ? 8 : (one_in(2) ? 12 : 14));
		rc->val = one_in(2) ? rnd() : below(num + 1);
	}
}

/* ---- vmbus ---- */

struct vdesc {
	uint16_t type, off8, len8, flags;
	uint64_t trans_id;
};

static void ring_copy(uint8_t *dst, const uint8_t *data, uint32_t dsize,
		      uint32_t off, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		dst[i] = data[(off + i) % dsize];
}

static void vmbus_model(const struct sim *sim, const uint8_t *shared,
			const struct cvm_hsr_run *run,
			const struct cvm_hsr_post *posts,
			const struct race *rc, struct expect *e)
{
	static uint8_t mem[CVM_HSR_VMBUS_DATA + CVM_HSR_MAX_DSIZE];
	uint32_t dsize = sim->s.dsize, max = sim->s.max_pkt, read = run->start;
	uint8_t *data = mem + CVM_HSR_VMBUS_DATA, tbusy[CVM_HSR_MAX_TRANS];
	int pass = sim->s.policy == CVM_RING_POLICY_MONITOR;
	uint32_t i, point = 0;

	memcpy(mem, shared, CVM_HSR_VMBUS_DATA + dsize);
	memset(tbusy, 0, sizeof(tbusy));
	for (i = 0; i < run->nposts; i++)
		tbusy[i] = 1;
	memset(e, 0, sizeof(*e));
	while (e->n < MAXRES) {
		uint32_t w, r, avail, plen, hlen, reason = 0, slot = ~0u;
		uint64_t value = 0, limit = 0, trailer;
		struct cvm_hsr_result *res;
		struct vdesc dc;

		memcpy(&w, mem, 4);
		memcpy(&r, mem + 4, 4);
		if (w >= dsize || w % 8 || r != read) {
			if (w >= dsize)
				add(e, CVM_RING_REASON_IDX_RANGE, 0, 0, w, dsize);
			else if (w % 8)
				add(e, CVM_RING_REASON_IDX_ALIGN, 0, 0, w, 8);
			else
				add(e, CVM_RING_REASON_READ_IDX_MOVED, 0, 0, r,
				    read);
			e->broken = !pass;
			return;
		}
		avail = w >= read ? w - read : dsize - read + w;
		if (!avail)
			return;
		if (avail < 24) {
			add(e, CVM_RING_REASON_PKT_BOUNDS, 0, 0, avail, 24);
			e->broken = !pass;
			return;
		}
		ring_copy((uint8_t *)&dc, data, dsize, read, 16);
		race_apply(mem, rc, ++point);
		plen = dc.len8 * 8;
		hlen = dc.off8 * 8;
		if (plen > max) {
			reason = CVM_RING_REASON_PKT_TOO_BIG;
			value = plen;
			limit = max;
		} else if (plen + 8 > avail) {
			reason = CVM_RING_REASON_PKT_BOUNDS;
			value = plen;
			limit = avail - 8;
		} else if (hlen < 16 || hlen > plen) {
			reason = CVM_RING_REASON_HDR_BOUNDS;
			value = hlen;
			limit = plen;
		}
		res = add(e, reason, dc.type, plen, value, limit);
		memcpy(res->head, &dc, 16);
		if (reason) {
			e->broken = !pass;
			return;
		}
		ring_copy((uint8_t *)&trailer, data, dsize, (read + plen) % dsize,
			  8);
		if (dc.type != 6 && dc.type != 7 && dc.type != COMP) {
			reason = CVM_RING_REASON_PKT_TYPE;
			value = dc.type;
			limit = 0;
		} else if (trailer != (uint64_t)read << 32) {
			reason = CVM_RING_REASON_TRAILER;
			value = trailer;
			limit = (uint64_t)read << 32;
		} else if (dc.type == COMP) {
			for (i = 0; i < run->nposts; i++)
				if (tbusy[i] && posts[i].trans_id == dc.trans_id)
					slot = i;
			if (slot == ~0u) {
				reason = CVM_RING_REASON_TRANS_ID;
				value = dc.trans_id;
				limit = 0;
			}
		}
		res->reason = reason;
		res->value = value;
		res->limit = limit;
		if (reason && !pass) {
			e->broken = 1;
			return;
		}
		if (slot != ~0u)
			tbusy[slot] = 0;
		read = (read + plen + 8) % dsize;
		memcpy(mem + 4, &read, 4);
		res->consumed = 1;
	}
}

static void vmbus_host(struct sim *sim, struct cvm_hsr_run *run,
		       struct cvm_hsr_post *posts, struct race *rc)
{
	uint32_t dsize = sim->s.dsize, max = sim->s.max_pkt, i, k, off, used;
	uint8_t *data = sim->map + CVM_HSR_VMBUS_DATA;
	uint32_t starts[256], lens[256], np = 0, w;

	memset(run, 0, sizeof(*run));
	memset(rc, 0, sizeof(*rc));
	/* Old packets are garbage enough; fresh noise now and then. */
	if (one_in(16))
		for (i = 0; i < dsize; i++)
			data[i] = rnd();
	run->start = 8 * below(dsize / 8);
	k = below(8);
	for (i = 0; i < k; i++)
		posts[i].trans_id = rnd() % 16;
	/* Duplicate ids are refused by the guest: keep them unique. */
	for (i = 0; i < k; i++)
		posts[i].trans_id = posts[i].trans_id * 8 + i;
	run->nposts = k;
	off = run->start;
	used = 0;
	while (np < 256 && !one_in(6)) {
		uint32_t len8 = 2 + below(max / 8 - 1), n = len8 * 8 + 8;
		struct vdesc dc = { 0 };
		uint64_t trailer = (uint64_t)off << 32;
		uint8_t pkt[CVM_HSR_MAX_DSIZE];

		if (used + n >= dsize)
			break;
		dc.type = below(3) == 0 ? 6 : (one_in(2) ? 7 : COMP);
		dc.off8 = 2 + below(len8 - 1);
		dc.len8 = len8;
		dc.trans_id = k && one_in(2) ? posts[below(k)].trans_id : rnd();
		for (i = 0; i < n; i++)
			pkt[i] = rnd();
		memcpy(pkt, &dc, 16);
		memcpy(pkt + len8 * 8, &trailer, 8);
		for (i = 0; i < n; i++)
			data[(off + i) % dsize] = pkt[i];
		starts[np] = off;
		lens[np++] = len8;
		off = (off + n) % dsize;
		used += n;
	}
	w = off;
	memcpy(sim->map + 4, &run->start, 4);
	if (np) {
		uint32_t p = below(np), s = starts[p];
		struct vdesc dc;

		ring_copy((uint8_t *)&dc, data, dsize, s, 16);
		switch (below(14)) {
		case 0:
			dc.len8 = one_in(2) ? max / 8 + 1 : pick_u32(lens[p]);
			break;
		case 1:
			dc.len8 = one_in(2) ? 1 : 0;
			break;
		case 2:
			dc.off8 = one_in(2) ? dc.len8 + 1 : below(2);
			break;
		case 3:
			dc.type = one_in(2) ? below(16) : rnd();
			break;
		case 4: {
			uint64_t t = ((uint64_t)s << 32) + (one_in(2) ? 8 : rnd());

			for (i = 0; i < 8; i++)
				data[(s + lens[p] * 8 + i) % dsize] = t >> (8 * i);
			break;
		}
		case 5:
			w = (w + 8 * dsize - 8 * below(4)) % dsize;
			break;
		case 6:
			w = one_in(2) ? dsize : dsize + 8 * below(100);
			break;
		case 7:
			w += 1 + below(7);
			break;
		case 8: {
			uint32_t r = (run->start + 8) % dsize;

			memcpy(sim->map + 4, &r, 4);
			break;
		}
		default:
			break;
		}
		for (i = 0; i < 16; i++)
			data[(s + i) % dsize] = ((uint8_t *)&dc)[i];
	}
	memcpy(sim->map, &w, 4);
	if (one_in(6)) {
		rc->at = 1 + below(np + 1);
		rc->len = 8;
		if (np && one_in(2))
			rc->off = CVM_HSR_VMBUS_DATA + starts[below(np)];
		else
			rc->off = one_in(2) ? 0 : CVM_HSR_VMBUS_DATA +
						 8 * below(dsize / 8);
		rc->val = one_in(2) ? rnd() : (rnd() & 0xffff00ff00000000ULL);
	}
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

static int nl_dump(int fd, uint16_t family, uint8_t cmd,
		   void (*fn)(const struct nlattr *attrs, int len, void *ctx),
		   void *ctx)
{
	struct nl_msg_builder m;
	char *buf = malloc(DUMP_BUF);
	int err = 0, done = 0;

	if (!buf)
		return -ENOMEM;
	nl_start(&m, family, cmd);
	((struct nlmsghdr *)m.buf)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	err = nl_send(fd, &m);
	while (!err && !done) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(fd, buf, DUMP_BUF, 0);

		if (n < 0) {
			err = -errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				done = 1;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				done = 1;
				break;
			}
			fn((struct nlattr *)((char *)NLMSG_DATA(nlh) +
					     GENL_HDRLEN),
			   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), ctx);
		}
	}
	free(buf);
	return err;
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
	/* Every reason of the kind was provoked: none is left untested. */
	for (r = first; r <= last; r++) {
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
		CVM_RING_REASON_FLAGS);
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
TEST_F(ring, cvmctl_rings)
{
	struct cvm_hsr_post post = { .id = 2, .cap = 10 };
	struct cvm_hsr_result res[4];
	struct cvm_hsr_run run = { 0 };
	struct split_used *u;
	struct ring_counts c;
	char out[65536], want[512];
	struct sim sim;

	if (access("/usr/bin/cvmctl", X_OK))
		SKIP(return, "cvmctl not installed");
	ASSERT_EQ(0, sim_open(&sim, CVM_RING_KIND_VIRTIO_SPLIT,
			      CVM_RING_POLICY_ENFORCE, 4, 0, 0));
	u = (void *)sim.map;
	u->ring[0].id = 2;
	u->ring[0].len = 11;
	u->idx = 1;
	run.nposts = 1;
	run.posts = (uintptr_t)&post;
	run.results = (uintptr_t)res;
	run.max_results = 4;
	ASSERT_EQ(0, ioctl(sim.fd, CVM_HSR_IOC_RUN, &run));
	ASSERT_EQ(1, run.broken);

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

TEST_HARNESS_MAIN
