// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the ring validators (kernel/ring/), built in userspace
 * with ASan and UBSan: one case per rejection reason and per boundary,
 * with the exact verdict, value, limit and state afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include "virtio_split.h"
#include "virtio_packed.h"
#include "vmbus.h"

static int failures, checks;
/* Host-supplied ids clamped by array_index_nospec() (cvm_shim.h). */
unsigned long cvm_shim_nospec_clamps;

#define EXPECT(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "%s:%d: %s: FAIL %s\n", __FILE__,	\
			__LINE__, __func__, #cond);			\
	}								\
} while (0)

#define NUM 8
static u32 cap[NUM];
static u64 slot[NUM];
static u16 ndesc[NUM];
static union {
	struct cvm_vsplit_used u;
	u8 bytes[4 + NUM * 8];
} used;
static struct cvm_vpacked_desc pring[NUM];

static void set_used(u16 slot, u32 id, u32 len)
{
	used.u.ring[slot].id = cpu_to_le32(id);
	used.u.ring[slot].len = cpu_to_le32(len);
}

static void test_split(void)
{
	struct cvm_vsplit r;
	struct cvm_ring_verdict v;

	EXPECT(cvm_vsplit_init(&r, 6, slot, 0) == -EINVAL);
	EXPECT(cvm_vsplit_init(&r, NUM, slot, 65534) == 0);
	EXPECT(cvm_vsplit_post(&r, NUM, 10) == -EINVAL);
	EXPECT(cvm_vsplit_post(&r, 1, 100) == 0);
	EXPECT(cvm_vsplit_post(&r, 1, 100) == -EBUSY);
	EXPECT(cvm_vsplit_post(&r, 3, 50) == 0);

	/* Nothing used yet. */
	used.u.idx = cpu_to_le16(65534);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 0);
	EXPECT(v.reason == CVM_RING_REASON_NONE);
	EXPECT(!cvm_vsplit_next(&r, &used.u, &v, false));

	/* Three used with two outstanding, across the index wrap. */
	used.u.idx = cpu_to_le16(1);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 0);
	EXPECT(v.reason == CVM_RING_REASON_IDX_ADVANCE && v.value == 3 &&
	       v.limit == 2);

	/* Two, the second with one byte too many. */
	used.u.idx = cpu_to_le16(0);
	set_used(65534 % NUM, 3, 50);
	set_used(65535 % NUM, 1, 101);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 2);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && v.id == 3 && v.len == 50 &&
	       v.consumed);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_LEN_OVER && v.value == 101 &&
	       v.limit == 100 && !v.consumed);
	EXPECT(r.last_used == 65535 && r.outstanding == 1);
	/* Monitor passes it through. */
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, true));
	EXPECT(v.reason == CVM_RING_REASON_LEN_OVER && v.consumed);
	EXPECT(r.last_used == 0 && r.outstanding == 0);
	EXPECT(!cvm_vsplit_next(&r, &used.u, &v, true));

	/* id == num, and an id returned twice. */
	EXPECT(cvm_vsplit_post(&r, 2, 10) == 0);
	used.u.idx = cpu_to_le16(1);
	set_used(0, NUM, 0);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 1);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_ID_RANGE && v.value == NUM);
	set_used(0, 3, 0);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_ID_NOT_OUTSTANDING && v.value == 3);
	set_used(0, 2, 10);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && v.len == 10);

	/* The batch path stops before the entry that fails. */
	{
		struct cvm_ring_done done[NUM];

		EXPECT(cvm_vsplit_post(&r, 4, 8) == 0);
		EXPECT(cvm_vsplit_post(&r, 5, 8) == 0);
		EXPECT(cvm_vsplit_post(&r, 6, 8) == 0);
		used.u.idx = cpu_to_le16(4);
		set_used(1, 5, 8);
		set_used(2, 4, 9);
		set_used(3, 6, 0);
		EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 3);
		EXPECT(cvm_vsplit_poll(&r, &used.u, done, NUM) == 1);
		EXPECT(done[0].id == 5 && done[0].len == 8);
		EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
		EXPECT(v.reason == CVM_RING_REASON_LEN_OVER && v.limit == 8);
		set_used(2, 4, 8);
		EXPECT(cvm_vsplit_poll(&r, &used.u, done, 1) == 1);
		EXPECT(cvm_vsplit_poll(&r, &used.u, done, NUM) == 1);
		EXPECT(done[0].id == 6 && done[0].len == 0);
		EXPECT(cvm_vsplit_poll(&r, &used.u, done, NUM) == 0);
		EXPECT(r.outstanding == 0);
	}

	/* Monitor bounds a runaway index to one ring's worth. */
	used.u.idx = cpu_to_le16(1000);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, true) == NUM);
	EXPECT(v.reason == CVM_RING_REASON_IDX_ADVANCE);
}

static void set_desc(u16 slot, u16 id, u32 len, u16 flags)
{
	pring[slot].id = cpu_to_le16(id);
	pring[slot].len = cpu_to_le32(len);
	pring[slot].flags = cpu_to_le16(flags);
}

#define AU (CVM_VPACKED_F_AVAIL | CVM_VPACKED_F_USED)

static void set_desc_in(struct cvm_vpacked_desc *d, u16 slot, u16 id, u32 len,
			u16 flags)
{
	d[slot].id = cpu_to_le16(id);
	d[slot].len = cpu_to_le32(len);
	d[slot].flags = cpu_to_le16(flags);
}

static void test_packed(void)
{
	struct cvm_vpacked r;
	struct cvm_ring_verdict v;

	memset(pring, 0, sizeof(pring));
	EXPECT(cvm_vpacked_init(&r, NUM, cap, ndesc, NUM, true) == -EINVAL);
	EXPECT(cvm_vpacked_init(&r, NUM, cap, ndesc, 6, true) == 0);
	EXPECT(cvm_vpacked_post(&r, 0, 10, 0) == -EINVAL);
	EXPECT(cvm_vpacked_post(&r, 4, 64, 3) == 0);
	EXPECT(cvm_vpacked_post(&r, 4, 64, 1) == -EBUSY);
	EXPECT(cvm_vpacked_post(&r, 5, 8, 1) == 0);

	/* Driver-available (avail=1, used=0) is not used yet. */
	set_desc(6, 4, 0, CVM_VPACKED_F_AVAIL);
	EXPECT(!cvm_vpacked_next(&r, pring, &v, false));
	/*
	 * used=1 with avail=0: the driver's flags of the lap before (a
	 * descriptor inside a chain the device skipped): not used yet.
	 */
	set_desc(6, 4, 0, CVM_VPACKED_F_USED);
	EXPECT(!cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && !v.consumed);
	/* A three-descriptor buffer used: next_used wraps, counter flips. */
	set_desc(6, 4, 64, AU);
	EXPECT(cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && v.id == 4 && v.len == 64);
	EXPECT(r.next_used == 1 && !r.wrap && r.outstanding == 1);
	/* After the wrap, used means both flags clear. */
	set_desc(1, 5, 9, AU);
	EXPECT(!cvm_vpacked_next(&r, pring, &v, false));
	set_desc(1, 5, 9, 0);
	EXPECT(cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_LEN_OVER && v.value == 9 &&
	       v.limit == 8);
	set_desc(1, NUM, 0, 0);
	EXPECT(cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_ID_RANGE);
	set_desc(1, 4, 0, 0);
	EXPECT(cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_ID_NOT_OUTSTANDING);
	set_desc(1, 5, 8, 0);
	EXPECT(cvm_vpacked_next(&r, pring, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && r.next_used == 2 &&
	       r.outstanding == 0);

	/* Batch: two used, the third not yet. */
	{
		struct cvm_ring_done done[NUM];

		EXPECT(cvm_vpacked_post(&r, 1, 10, 2) == 0);
		EXPECT(cvm_vpacked_post(&r, 2, 10, 1) == 0);
		EXPECT(cvm_vpacked_post(&r, 3, 10, 1) == 0);
		set_desc(2, 1, 10, 0);
		set_desc(4, 2, 3, 0);
		set_desc(5, 3, 0, CVM_VPACKED_F_AVAIL);
		EXPECT(cvm_vpacked_poll(&r, pring, done, NUM) == 2);
		EXPECT(done[0].id == 1 && done[1].id == 2 && done[1].len == 3);
		EXPECT(r.next_used == 5 && r.outstanding == 1 && r.multi == 0);
		set_desc(5, 3, 11, 0);
		EXPECT(cvm_vpacked_poll(&r, pring, done, NUM) == 0);
		EXPECT(cvm_vpacked_next(&r, pring, &v, false));
		EXPECT(v.reason == CVM_RING_REASON_LEN_OVER);
	}

	/*
	 * Batch over single-descriptor buffers only (the loop without
	 * chain bookkeeping): across the end of the ring the wrap counter
	 * flips, so a descriptor still flagged for the first lap stops it.
	 */
	{
		struct cvm_ring_done done[NUM];
		u16 i;

		EXPECT(cvm_vpacked_init(&r, NUM, cap, ndesc, NUM - 2, true) == 0);
		for (i = 0; i < 4; i++)
			EXPECT(cvm_vpacked_post(&r, i, 100 + i, 1) == 0);
		set_desc(NUM - 2, 2, 50, AU);
		set_desc(NUM - 1, 0, 100, AU);
		set_desc(0, 3, 103, 0);
		set_desc(1, 1, 7, AU);
		EXPECT(cvm_vpacked_poll(&r, pring, done, NUM) == 3);
		EXPECT(done[0].id == 2 && done[0].len == 50 &&
		       done[1].id == 0 && done[1].len == 100 &&
		       done[2].id == 3 && done[2].len == 103);
		EXPECT(r.next_used == 1 && !r.wrap && r.outstanding == 1 &&
		       r.multi == 0);
		/* Room for one; then an id already returned stops it. */
		set_desc(1, 1, 7, 0);
		set_desc(2, 1, 7, 0);
		EXPECT(cvm_vpacked_poll(&r, pring, done, 1) == 1);
		EXPECT(done[0].id == 1 && done[0].len == 7 && r.next_used == 2);
		EXPECT(cvm_vpacked_poll(&r, pring, done, NUM) == 0);
		EXPECT(cvm_vpacked_next(&r, pring, &v, false));
		EXPECT(v.reason == CVM_RING_REASON_ID_NOT_OUTSTANDING);
	}
}

/*
 * A correct device over many laps, chains of one to four descriptors: it
 * writes one used descriptor per chain, at the chain's head, and leaves
 * the other descriptors with the driver's flags of their lap, so after a
 * wrap they read AVAIL != USED. Every completion is accepted, in order,
 * by the entry path (@batch false) or the batch path.
 */
#define LAPS_NUM 16
static struct cvm_vpacked_desc lring[LAPS_NUM];
static u32 lcap[LAPS_NUM];
static u16 lndesc[LAPS_NUM];

static void test_packed_laps(bool batch)
{
	struct { u16 id, nd; } q[LAPS_NUM];
	u32 head = 0, tail = 0, posted = 0, completed = 0, bad = 0;
	u16 avail_pos = 0, used_pos = 0, free_descs = LAPS_NUM;
	bool drv_w = true, dev_w = true, id_busy[LAPS_NUM] = { 0 };
	struct cvm_vpacked r;
	unsigned int seed = batch ? 7 : 3, round;
	unsigned long clamps0 = cvm_shim_nospec_clamps;

	memset(lring, 0, sizeof(lring));
	EXPECT(cvm_vpacked_init(&r, LAPS_NUM, lcap, lndesc, 0, true) == 0);
	for (round = 0; round < 4000; round++) {
		/*
		 * The driver posts up to three chains while it has room, so
		 * that the device often catches up with it: then the next
		 * descriptor the validator looks at is one of the lap before.
		 */
		for (u32 m = (seed = seed * 1103515245 + 12345) % 4; m; m--) {
			u16 nd = 1 + (seed = seed * 1103515245 + 12345) % 4, id, k;

			if (nd > free_descs)
				break;
			for (id = 0; id < LAPS_NUM && id_busy[id]; id++)
				;
			if (id == LAPS_NUM)
				break;
			id_busy[id] = true;
			EXPECT(cvm_vpacked_post(&r, id, 100 + id, nd) == 0);
			q[tail % LAPS_NUM].id = id;
			q[tail % LAPS_NUM].nd = nd;
			tail++;
			free_descs -= nd;
			for (k = 0; k < nd; k++) {
				set_desc_in(lring, avail_pos, id, 0,
					    drv_w ? CVM_VPACKED_F_AVAIL :
						    CVM_VPACKED_F_USED);
				if (++avail_pos == LAPS_NUM) {
					avail_pos = 0;
					drv_w = !drv_w;
				}
			}
			posted++;
		}
		/* The device uses some of them, in order, one entry each. */
		for (u32 n = (seed = seed * 1103515245 + 12345) % 3;
		     n && head < tail; n--) {
			u16 id = q[head % LAPS_NUM].id, nd = q[head % LAPS_NUM].nd;

			set_desc_in(lring, used_pos, id, id, dev_w ? AU : 0);
			used_pos += nd;
			if (used_pos >= LAPS_NUM) {
				used_pos -= LAPS_NUM;
				dev_w = !dev_w;
			}
			head++;
		}
		/* The validator takes what was used. */
		for (;;) {
			struct cvm_ring_done done[LAPS_NUM];
			struct cvm_ring_verdict v;
			u32 got, i;

			/*
			 * As the callers do: the batch first, then the entry
			 * path judges whatever the batch stopped at.
			 */
			got = batch ? cvm_vpacked_poll(&r, lring, done,
						       LAPS_NUM - 1) : 0;
			if (cvm_vpacked_next(&r, lring, &v, false)) {
				if (v.reason != CVM_RING_REASON_NONE) {
					bad++;
					break;
				}
				done[got].id = v.id;
				done[got++].len = v.len;
			}
			if (!got)
				break;
			for (i = 0; i < got; i++) {
				u16 id = done[i].id;

				/* In order, each once, with the device's length. */
				if (!id_busy[id] || done[i].len != id ||
				    q[completed % LAPS_NUM].id != id) {
					bad++;
					continue;
				}
				id_busy[id] = false;
				free_descs += q[completed % LAPS_NUM].nd;
				completed++;
			}
		}
		if (bad)
			break;
	}
	EXPECT(!bad);
	EXPECT(completed == head && posted == tail && completed > 1000);
	EXPECT(r.outstanding == tail - head);
	/* Every id the device returned indexed ndesc[]/cap[] clamped. */
	EXPECT(cvm_shim_nospec_clamps - clamps0 == completed);
}

/*
 * Split: each in-range id the device returns is clamped before it indexes
 * slot[] on the entry path; one out of range is refused before any use.
 * (The batch path masks the id with the ring size instead.)
 */
static void test_split_nospec(void)
{
	unsigned long clamps0 = cvm_shim_nospec_clamps;
	struct cvm_ring_verdict v;
	struct cvm_vsplit r;
	u16 i;

	memset(slot, 0, sizeof(slot));
	EXPECT(cvm_vsplit_init(&r, NUM, slot, 0) == 0);
	for (i = 0; i < 5; i++)
		EXPECT(cvm_vsplit_post(&r, i, 10) == 0);
	for (i = 0; i < 4; i++)
		set_used(i, 3 - i, 10);
	set_used(4, NUM, 10);
	used.u.idx = cpu_to_le16(5);
	EXPECT(cvm_vsplit_pending(&r, &used.u, &v, false) == 5);
	for (i = 0; i < 4; i++) {
		EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
		EXPECT(v.reason == CVM_RING_REASON_NONE && v.id == 3 - i);
	}
	EXPECT(cvm_shim_nospec_clamps - clamps0 == 4);
	EXPECT(cvm_vsplit_next(&r, &used.u, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_ID_RANGE);
	EXPECT(cvm_shim_nospec_clamps - clamps0 == 4);
}

#define DSIZE 256
static struct {
	struct cvm_vmbus_ring_hdr h;
	u8 data[DSIZE];
} vr;
static u64 trans[4];
static u8 trans_busy[4];

/* Writes a packet at @off (wrapping) and returns the offset after it. */
static u32 put_pkt(u32 off, u16 type, u16 off8, u16 len8, u64 tid,
		   u64 trailer)
{
	struct cvm_vmbus_desc d = {
		.type = cpu_to_le16(type), .offset8 = cpu_to_le16(off8),
		.len8 = cpu_to_le16(len8), .trans_id = cpu_to_le64(tid),
	};
	u8 pkt[DSIZE];
	u32 i, n = len8 * 8 + 8;

	memset(pkt, 0xa5, sizeof(pkt));
	memcpy(pkt, &d, sizeof(d));
	trailer = cpu_to_le64(trailer);
	memcpy(pkt + len8 * 8, &trailer, 8);
	for (i = 0; i < n; i++)
		vr.data[(off + i) % DSIZE] = pkt[i];
	return (off + n) % DSIZE;
}

static u32 trailer_at;
static u64 good_trailer;

/* The race hook of the trailer test: the host writes a good trailer. */
static void fix_trailer(void *arg)
{
	u64 t = cpu_to_le64(good_trailer);

	(void)arg;
	memcpy(&vr.data[trailer_at], &t, 8);
}

static void test_vmbus(void)
{
	struct cvm_vmbus r;
	struct cvm_ring_verdict v;
	u8 buf[64 + 8];
	u32 w;

	EXPECT(cvm_vmbus_init(&r, DSIZE, 4, 64, trans, trans_busy, 4) ==
	       -EINVAL);
	EXPECT(cvm_vmbus_init(&r, DSIZE, 232, 64, trans, trans_busy, 4) == 0);
	vr.h.read_index = cpu_to_le32(232);
	vr.h.write_index = cpu_to_le32(232);
	EXPECT(!cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));

	/* A 40-byte packet wrapping around the end of the data area. */
	w = put_pkt(232, CVM_VMBUS_PKT_DATA_INBAND, 2, 5, 7, 232ULL << 32);
	EXPECT(w == 24);
	vr.h.write_index = cpu_to_le32(DSIZE);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_IDX_RANGE && v.value == DSIZE);
	vr.h.write_index = cpu_to_le32(20);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_IDX_ALIGN);
	vr.h.write_index = cpu_to_le32(16);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_PKT_BOUNDS && v.value == 40 &&
	       v.limit == 32);
	vr.h.write_index = cpu_to_le32(24);
	vr.h.read_index = cpu_to_le32(0);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_READ_IDX_MOVED);
	vr.h.read_index = cpu_to_le32(232);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && v.len == 40 &&
	       v.id == CVM_VMBUS_PKT_DATA_INBAND && v.consumed);
	EXPECT(r.read == 24 && le32_to_cpu(vr.h.read_index) == 24);
	EXPECT(buf[39] == 0xa5 && buf[4] == 5);

	/* Header offset past the packet, below the descriptor. */
	w = put_pkt(24, CVM_VMBUS_PKT_DATA_INBAND, 3, 2, 0, 24ULL << 32);
	vr.h.write_index = cpu_to_le32(w);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_HDR_BOUNDS && v.value == 24 &&
	       v.limit == 16);
	put_pkt(24, CVM_VMBUS_PKT_DATA_INBAND, 1, 2, 0, 24ULL << 32);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_HDR_BOUNDS && v.value == 8);
	/* Too big for the channel (64 bytes) by one unit. */
	put_pkt(24, CVM_VMBUS_PKT_DATA_INBAND, 2, 9, 0, 24ULL << 32);
	vr.h.write_index = cpu_to_le32(24 + 80);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_PKT_TOO_BIG && v.value == 72 &&
	       v.limit == 64);
	/* Unknown type, bad trailer (monitor consumes it). */
	w = put_pkt(24, 5, 2, 2, 0, 24ULL << 32);
	vr.h.write_index = cpu_to_le32(w);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_PKT_TYPE && v.value == 5);
	put_pkt(24, CVM_VMBUS_PKT_DATA_INBAND, 2, 2, 0, 23ULL << 32);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_TRAILER && !v.consumed);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, true));
	EXPECT(v.reason == CVM_RING_REASON_TRAILER && v.consumed &&
	       r.read == w);

	/* The trailer's low 32 bits are reserved: not checked, by either path. */
	w = put_pkt(r.read, CVM_VMBUS_PKT_DATA_INBAND, 2, 2, 0,
		    ((u64)r.read << 32) | 0xdeadbeef);
	vr.h.write_index = cpu_to_le32(w);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && r.read == w);
	w = put_pkt(r.read, CVM_VMBUS_PKT_DATA_INBAND, 2, 2, 0,
		    ((u64)r.read << 32) | 1);
	vr.h.write_index = cpu_to_le32(w);
	{
		void *one[1] = { buf };

		EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, one, 1) == 1);
		EXPECT(r.read == w);
	}

	/*
	 * The trailer judged is the one copied: a host that rewrites the
	 * ring's trailer after the copy (to a good one) changes nothing,
	 * and the caller's buffer holds the value that was rejected.
	 */
	trailer_at = put_pkt(r.read, CVM_VMBUS_PKT_DATA_INBAND, 2, 2, 0,
			     (u64)(r.read + 8) << 32);
	good_trailer = (u64)r.read << 32;
	trailer_at = (r.read + 16) % DSIZE;
	vr.h.write_index = cpu_to_le32((r.read + 24) % DSIZE);
	r.race.copied = fix_trailer;
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	r.race.copied = NULL;
	EXPECT(v.reason == CVM_RING_REASON_TRAILER && !v.consumed &&
	       v.value == (u64)(r.read + 8) << 32);
	{
		u64 copied;

		memcpy(&copied, buf + 16, 8);
		EXPECT(le64_to_cpu(copied) == (u64)(r.read + 8) << 32);
	}
	/* The host's rewrite stands for the next read: then it is good. */
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && v.consumed);

	/* Completions: only for requests outstanding, once. */
	EXPECT(cvm_vmbus_request(&r, 42) == 0);
	EXPECT(cvm_vmbus_request(&r, 42) == -EEXIST);
	w = put_pkt(r.read, CVM_VMBUS_PKT_COMP, 2, 2, 43, (u64)r.read << 32);
	vr.h.write_index = cpu_to_le32(w);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_TRANS_ID && v.value == 43);
	put_pkt(r.read, CVM_VMBUS_PKT_COMP, 2, 2, 42, (u64)r.read << 32);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, buf, &v, false));
	EXPECT(v.reason == CVM_RING_REASON_NONE && r.read == w);
	EXPECT(cvm_vmbus_request(&r, 1) == 0 && cvm_vmbus_request(&r, 2) == 0);
	EXPECT(cvm_vmbus_request(&r, 3) == 0 && cvm_vmbus_request(&r, 4) == 0);
	EXPECT(cvm_vmbus_request(&r, 5) == -ENOSPC);
}

/*
 * The batch path: packets copied whole into their own buffers, a wrapped
 * descriptor and payload, the read index published once; a stop before
 * each kind of bad packet, which cvm_vmbus_recv() then names.
 */
static void test_vmbus_poll(void)
{
	/* After a good packet, one per reason (put_pkt's arguments). */
	static const struct {
		u32 reason;
		u16 type, off8, len8;
		u64 trans;
		bool stale_trailer;	/* names the good packet's offset */
		u32 short_by;		/* bytes claimed but not published */
	} bad_pkts[] = {
		{ CVM_RING_REASON_PKT_TOO_BIG, CVM_VMBUS_PKT_DATA_INBAND, 2, 9, .trans = 0 },
		{ CVM_RING_REASON_HDR_BOUNDS, CVM_VMBUS_PKT_DATA_INBAND, 3, 2, .trans = 0 },
		{ CVM_RING_REASON_PKT_TYPE, 5, 2, 2, .trans = 0 },
		{ CVM_RING_REASON_TRAILER, CVM_VMBUS_PKT_DATA_INBAND, 2, 2,
		  .stale_trailer = true },
		{ CVM_RING_REASON_TRANS_ID, CVM_VMBUS_PKT_COMP, 2, 2, .trans = 42 },
		{ CVM_RING_REASON_PKT_BOUNDS, CVM_VMBUS_PKT_DATA_INBAND, 2, 3,
		  .short_by = 8 },
	};
	static u8 b[4][64 + 8];
	void *bufs[4] = { b[0], b[1], b[2], b[3] };
	struct cvm_ring_verdict v;
	struct cvm_vmbus r;
	u32 w, i;

	EXPECT(cvm_vmbus_init(&r, DSIZE, 200, 64, trans, trans_busy, 4) == 0);
	vr.h.read_index = cpu_to_le32(200);
	vr.h.write_index = cpu_to_le32(200);
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 0);
	/* 40 bytes, then 32 whose descriptor wraps at 248, then 48. */
	w = put_pkt(200, CVM_VMBUS_PKT_DATA_INBAND, 2, 5, 1, 200ULL << 32);
	EXPECT(w == 248);
	w = put_pkt(248, CVM_VMBUS_PKT_DATA_XFER_PAGES, 2, 4, 2,
		    248ULL << 32);
	EXPECT(w == 32);
	w = put_pkt(32, CVM_VMBUS_PKT_DATA_INBAND, 2, 6, 3, 32ULL << 32);
	vr.h.write_index = cpu_to_le32(w);
	vr.h.read_index = cpu_to_le32(8);
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 0);
	EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, b[0], &v, false));
	EXPECT(v.reason == CVM_RING_REASON_READ_IDX_MOVED);
	vr.h.read_index = cpu_to_le32(200);
	memset(b, 0, sizeof(b));
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 2) == 2);
	EXPECT(r.read == 32 && le32_to_cpu(vr.h.read_index) == 32);
	for (i = 0; i < 40 + 8; i++)
		EXPECT(b[0][i] == vr.data[(200 + i) % DSIZE]);
	for (i = 0; i < 32 + 8; i++)
		EXPECT(b[1][i] == vr.data[(248 + i) % DSIZE]);
	EXPECT(b[1][0] == CVM_VMBUS_PKT_DATA_XFER_PAGES && b[1][4] == 4 &&
	       b[1][8] == 2 && b[1][31] == 0xa5 && b[1][36] == 248);
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 1);
	EXPECT(r.read == w && b[0][4] == 6);
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 0);
	EXPECT(!cvm_vmbus_recv(&r, &vr.h, vr.data, b[0], &v, false));

	/* A good packet, then one per reason: poll takes the good one only. */
	EXPECT(cvm_vmbus_request(&r, 42) == 0);
	for (i = 0; i < ARRAY_SIZE(bad_pkts); i++) {
		u32 at = r.read, bad;

		bad = put_pkt(at, CVM_VMBUS_PKT_COMP, 2, 2, 42,
			      (u64)at << 32);
		w = put_pkt(bad, bad_pkts[i].type, bad_pkts[i].off8,
			    bad_pkts[i].len8, bad_pkts[i].trans,
			    (u64)(bad_pkts[i].stale_trailer ? at : bad) << 32) -
		    bad_pkts[i].short_by;
		vr.h.write_index = cpu_to_le32(w % DSIZE);
		memset(b, 0, sizeof(b));
		EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 1);
		/* The completion's id is in its buffer, as checked. */
		EXPECT(r.read == bad && b[0][0] == CVM_VMBUS_PKT_COMP &&
		       b[0][8] == 42);
		EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 0);
		EXPECT(cvm_vmbus_recv(&r, &vr.h, vr.data, b[0], &v, false));
		EXPECT(v.reason == bad_pkts[i].reason);
		EXPECT(!v.consumed && r.read == bad);
		/* Start the next case after it; rearm the id. */
		r.read = w % DSIZE;
		vr.h.read_index = cpu_to_le32(r.read);
		EXPECT(cvm_vmbus_request(&r, 42) == 0);
	}
	/* The test hook leaves the batch path to cvm_vmbus_recv(). */
	w = put_pkt(r.read, CVM_VMBUS_PKT_DATA_INBAND, 2, 2, 0,
		    (u64)r.read << 32);
	vr.h.write_index = cpu_to_le32(w);
	r.race.fn = (void (*)(void *))abort;
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 0);
	r.race.fn = NULL;
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 0) == 0);
	EXPECT(cvm_vmbus_poll(&r, &vr.h, vr.data, bufs, 4) == 1);
}

static void test_names(void)
{
	EXPECT(!strcmp(cvm_ring_reason_name(CVM_RING_REASON_LEN_OVER),
		       "len-over"));
	EXPECT(!strcmp(cvm_ring_reason_name(CVM_RING_REASON_MAX + 1),
		       "unknown"));
}

int main(void)
{
	test_split();
	test_split_nospec();
	test_packed();
	test_packed_laps(false);
	test_packed_laps(true);
	test_vmbus();
	test_vmbus_poll();
	test_names();
	printf("test_ring: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
