// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the bounce pool's slot allocator: the input picks
 * an area geometry and then a sequence of allocations and frees; the
 * shadow model (check.h) aborts on any overlap, broken alignment, wrong
 * count, or an -ENOSPC while a placement exists.
 */
#include "check.h"

struct rd {
	const u8 *p;
	size_t n;
};

static u64 take(struct rd *r, unsigned int bytes)
{
	u64 v = 0;

	while (bytes--) {
		v <<= 8;
		if (r->n) {
			v |= *r->p++;
			r->n--;
		}
	}
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct rd r = { data, size };
	struct shadow sh;
	struct { u32 index, nslots; } live[256];
	unsigned int shift = 6 + take(&r, 1) % 7;	/* 64 B .. 4 KiB slots */
	u32 max_slots = 1u << (take(&r, 1) % 8);	/* 1 .. 128 */
	u32 nslots = max_slots + take(&r, 2) % 1024;
	u64 base = (take(&r, 3) << shift) & 0xffffffffULL;
	int nlive = 0, id = 1;

	shadow_init(&sh, base, shift, nslots, max_slots);
	while (r.n) {
		u8 op = take(&r, 1);

		if (op & 1 && nlive) {
			int k = take(&r, 1) % nlive;

			shadow_free(&sh, live[k].index, live[k].nslots);
			live[k] = live[--nlive];
		} else if (nlive < 256) {
			struct cvm_slots_req q;
			struct cvm_slots_res res;

			q.size = take(&r, 3) % ((u64)(max_slots + 1) << shift);
			q.orig = take(&r, 4);
			/* Real masks are low masks; bit 1 of op adds holes. */
			q.min_align_mask = (op & 2) ? take(&r, 2) :
				(1ULL << (take(&r, 1) % 17)) - 1;
			q.alloc_align_mask = (op & 4) ?
				(1ULL << (take(&r, 1) % 17)) - 1 : 0;
			if (!shadow_alloc(&sh, &q, id++, &res)) {
				live[nlive].index = res.index;
				live[nlive++].nslots = res.nslots;
			}
		}
	}
	while (nlive--)
		shadow_free(&sh, live[nlive].index, live[nlive].nslots);
	CHECK(sh.s.used == 0, "not empty at the end");
	shadow_fini(&sh);
	return 0;
}
