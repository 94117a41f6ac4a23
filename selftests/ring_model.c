// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host and the model of cvm_ring_test (see ring_model.h). The host
 * writes a ring as a hostile host would: valid, then lied about in one
 * field (every field in turn, off by one or wild), sometimes noise, and
 * sometimes a race: bytes changed right after the guest read them. The
 * model replays the guest's reads on a copy of what the host wrote and
 * applies the rules of the virtio 1.2 and vmbus ring formats.
 */
#include <stdlib.h>
#include <string.h>
#include "ring_model.h"

uint64_t rng_state;

uint64_t rnd(void)
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

static void race_apply(uint8_t *mem, const struct race *rc, uint32_t point)
{
	if (rc->at && point == rc->at)
		memcpy(mem + rc->off, &rc->val, rc->len);
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


void split_model(const struct sim *sim, const uint8_t *shared,
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

void split_host(struct sim *sim, struct cvm_hsr_run *run,
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

void packed_model(const struct sim *sim, const uint8_t *shared,
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

		/* Used: AVAIL == USED == wrap, as Linux reads it. */
		if (used != wrap || avail != used)
			return;
		race_apply(mem, rc, ++point);
		id = d[next].id;
		len = d[next].len;
		if (id >= num) {
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

void packed_host(struct sim *sim, struct cvm_hsr_run *run,
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

void vmbus_model(const struct sim *sim, const uint8_t *shared,
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
		} else if ((uint32_t)(trailer >> 32) != read) {
			/* Only the high half is defined: the packet's offset. */
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

void vmbus_host(struct sim *sim, struct cvm_hsr_run *run,
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
