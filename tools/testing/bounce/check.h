/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A shadow model of a slot area, shared by the unit test and the fuzzer:
 * it repeats every allocation and free of the real allocator on a plain
 * array and checks the invariants the pool relies on.
 */
#ifndef _CVM_SLOTS_CHECK_H
#define _CVM_SLOTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include "../../../kernel/bounce/slots.h"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

struct shadow {
	struct cvm_slots s;
	unsigned long *map;
	u32 *owner;		/* 0 = free, else mapping id */
	u32 used;
};

static inline void shadow_init(struct shadow *sh, u64 base, unsigned int shift,
			       u32 nslots, u32 max_slots)
{
	sh->map = calloc(CVM_SLOTS_MAP_LONGS(nslots), sizeof(long));
	sh->owner = calloc(nslots, sizeof(u32));
	sh->used = 0;
	CHECK(sh->map && sh->owner, "oom");
	CHECK(cvm_slots_init(&sh->s, base, shift, 12, nslots, max_slots,
			     sh->map) == 0, "init");
}

static inline void shadow_fini(struct shadow *sh)
{
	free(sh->map);
	free(sh->owner);
}

/* Whether any placement of @req exists (brute force, the reference). */
static inline bool shadow_fits(const struct shadow *sh,
			       const struct cvm_slots_req *req)
{
	const struct cvm_slots *s = &sh->s;
	struct cvm_slots_res lay;
	u64 slot = 1ULL << s->slot_shift, seg = (u64)s->max_slots * slot;
	u64 align;

	if (cvm_slots_layout(s, req, &lay))
		return false;
	align = req->alloc_align_mask;
	if (!align && !req->min_align_mask && req->size >= 4096)
		align = 4095;
	align |= slot - 1;
	for (u32 i = 0; i + lay.nslots <= s->nslots; i++) {
		u64 a = s->base + i * slot, m = a + lay.offset;
		bool ok = (a & align) == 0 &&
			  (m & req->min_align_mask) ==
			  (req->orig & req->min_align_mask) &&
			  a / seg == (a + lay.nslots * slot - 1) / seg;

		for (u32 j = i; ok && j < i + lay.nslots; j++)
			ok = !sh->owner[j];
		if (ok)
			return true;
	}
	return false;
}

/* Whether the area holds a whole segment aligned to the segment size. */
static inline bool shadow_has_segment(const struct shadow *sh)
{
	const struct cvm_slots *s = &sh->s;
	u64 seg = (u64)s->max_slots << s->slot_shift;
	u64 first = (s->base + seg - 1) / seg * seg;

	return first + seg <= s->base + ((u64)s->nslots << s->slot_shift);
}

/* Allocate through the allocator and check the result; returns errno. */
static inline int shadow_alloc(struct shadow *sh,
			       const struct cvm_slots_req *req, u32 id,
			       struct cvm_slots_res *res)
{
	const struct cvm_slots *s = &sh->s;
	u64 slot = 1ULL << s->slot_shift, seg = (u64)s->max_slots * slot;
	bool fits = shadow_fits(sh, req);
	int err = cvm_slots_alloc(&sh->s, req, res);
	u64 a, m;

	if (req->size && !req->alloc_align_mask &&
	    req->size <= cvm_slots_max_size(s, req->min_align_mask))
		CHECK(err != -E2BIG, "size %llu <= max %llu refused",
		      (unsigned long long)req->size,
		      (unsigned long long)cvm_slots_max_size(s, req->min_align_mask));
	/*
	 * The oracle of max_mapping_size: up to the maximum, any address
	 * is placeable on an empty area, or blk-mq requeues forever. Mask
	 * bits at or above the segment size choose a segment the area may
	 * not have (no device has such a mask; swiotlb cannot serve it).
	 */
	if (req->size && !req->alloc_align_mask && !sh->used &&
	    shadow_has_segment(sh) && !(req->min_align_mask & ~(seg - 1)) &&
	    req->size <= cvm_slots_max_size(s, req->min_align_mask))
		CHECK(err == 0 && fits,
		      "empty area: size %llu <= max %llu orig %#llx mam %#llx not placed (%d)",
		      (unsigned long long)req->size,
		      (unsigned long long)cvm_slots_max_size(s, req->min_align_mask),
		      (unsigned long long)req->orig,
		      (unsigned long long)req->min_align_mask, err);
	if (err) {
		CHECK(err == -ENOSPC || err == -E2BIG || err == -EINVAL,
		      "err %d", err);
		CHECK(!((err == -ENOSPC || err == -E2BIG) && fits),
		      "%d but a placement exists (size %llu orig %#llx mam %#llx aam %#llx)",
		      err,
		      (unsigned long long)req->size,
		      (unsigned long long)req->orig,
		      (unsigned long long)req->min_align_mask,
		      (unsigned long long)req->alloc_align_mask);
		CHECK(s->used == sh->used, "used %u shadow %u", s->used, sh->used);
		return err;
	}
	CHECK(fits, "allocator placed what the reference cannot");
	a = s->base + res->index * slot;
	m = a + res->offset;
	CHECK(res->index + res->nslots <= s->nslots, "out of the area");
	CHECK(res->nslots == (req->size + res->offset + slot - 1) / slot,
	      "nslots %u for size %llu offset %u", res->nslots,
	      (unsigned long long)req->size, res->offset);
	CHECK(res->nslots <= s->max_slots, "too many slots");
	CHECK((m & req->min_align_mask) == (req->orig & req->min_align_mask),
	      "min_align_mask %#llx: mapped %#llx orig %#llx",
	      (unsigned long long)req->min_align_mask,
	      (unsigned long long)m, (unsigned long long)req->orig);
	CHECK((a & req->alloc_align_mask) == 0, "alloc_align_mask");
	if (!req->alloc_align_mask && !req->min_align_mask && req->size >= 4096)
		CHECK((a & 4095) == 0, "page mapping not page aligned");
	CHECK(a / seg == (a + res->nslots * slot - 1) / seg, "crosses a segment");
	for (u32 j = res->index; j < res->index + res->nslots; j++) {
		CHECK(!sh->owner[j], "slot %u overlaps mapping %u", j,
		      sh->owner[j]);
		CHECK(cvm_slots_test(s, j), "slot %u not marked", j);
		sh->owner[j] = id;
	}
	sh->used += res->nslots;
	CHECK(s->used == sh->used, "used %u shadow %u", s->used, sh->used);
	return 0;
}

static inline void shadow_free(struct shadow *sh, u32 index, u32 nslots)
{
	u32 id = sh->owner[index];

	CHECK(cvm_slots_free(&sh->s, index, nslots) == 0, "free");
	for (u32 j = index; j < index + nslots; j++) {
		CHECK(sh->owner[j] == id, "free spans mappings");
		CHECK(!cvm_slots_test(&sh->s, j), "slot %u still marked", j);
		sh->owner[j] = 0;
	}
	sh->used -= nslots;
	CHECK(sh->s.used == sh->used, "used %u shadow %u", sh->s.used, sh->used);
}

#endif /* _CVM_SLOTS_CHECK_H */
