// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bounce pool's slot allocator (see slots.h). Shared C: the same file
 * is compiled into cvm_bounce.ko and into tools/testing/bounce/.
 *
 * A bitmap per area, searched a word at a time: a candidate start that
 * meets the alignment rules is checked for a run of free slots, and the
 * first allocated slot in the way moves the next candidate past it, so a
 * search costs about one word per BITS_PER_LONG slots it passes.
 */
#include "slots.h"

/* A mapping's placement rules, from the request (see slots.h). */
struct cvm_slots_plan {
	u64 mask;	/* address bits a first slot is constrained on */
	u64 target;	/* ...and the value they must have */
	u32 nslots;
	u32 offset;
};

static u64 cvm_slots_addr(const struct cvm_slots *s, u32 index)
{
	return s->base + ((u64)index << s->slot_shift);
}

/*
 * The helpers of cvm_slots_alloc() are inlined into it: a map costs one
 * call into this file, not five (the count gate of make check counts
 * every instruction of a map+unmap).
 */
static __always_inline int cvm_slots_plan(const struct cvm_slots *s,
					  const struct cvm_slots_req *req,
					  struct cvm_slots_plan *p)
{
	u64 slot_mask = (1ULL << s->slot_shift) - 1;
	u64 seg_size = (u64)s->max_slots << s->slot_shift;
	u64 align = req->alloc_align_mask, match, offset, n;

	if (!req->size)
		return -EINVAL;
	/*
	 * swiotlb keeps mappings of a page or more page aligned when the
	 * device states no constraint; drivers have come to rely on it.
	 */
	if (!align && !req->min_align_mask &&
	    req->size >= (1ULL << s->page_shift))
		align = (1ULL << s->page_shift) - 1;
	align |= slot_mask;
	/* Bits under min_align_mask inside the alignment: an offset. */
	offset = req->orig & req->min_align_mask & align;
	/* Bits above it: the choice of the first slot keeps them. */
	match = req->min_align_mask & ~align;
	p->mask = align | match;
	p->target = req->orig & match;
	if (req->size > ((u64)s->max_slots << s->slot_shift))
		return -E2BIG;
	n = (req->size + offset + slot_mask) >> s->slot_shift;
	/*
	 * The bits of the target inside a segment fix the first slot's
	 * place in it: a run that cannot fit between there and the end of
	 * the segment fits nowhere, so say so rather than -ENOSPC, which
	 * callers take as "wait or grow".
	 */
	if (n + ((p->target & (seg_size - 1)) >> s->slot_shift) > s->max_slots)
		return -E2BIG;
	p->nslots = n;
	p->offset = offset;
	return 0;
}

/* First index >= @lo whose address meets the plan, or s->nslots. */
static __always_inline u32 cvm_slots_candidate(const struct cvm_slots *s,
					       const struct cvm_slots_plan *p,
					       u64 lo)
{
	u64 a, want;

	if (lo >= s->nslots)
		return s->nslots;
	a = cvm_slots_addr(s, lo);
	if ((p->mask & (p->mask + 1)) == 0) {
		/* A low mask (the usual case): one step to the next match. */
		want = (a & ~p->mask) | p->target;
		if (want < a)
			want += p->mask + 1;
		if (want < a)	/* wrapped around the address space */
			return s->nslots;
		want = (want - s->base) >> s->slot_shift;
		return want < s->nslots ? want : s->nslots;
	}
	/* Holes in the mask: rare, so a plain walk is good enough. */
	for (; lo < s->nslots; lo++)
		if ((cvm_slots_addr(s, lo) & p->mask) == p->target)
			return lo;
	return s->nslots;
}

/* First allocated slot in [@from, @to), or @to. */
static __always_inline u32 cvm_slots_first_used(const struct cvm_slots *s,
						u32 from, u32 to)
{
	while (from < to) {
		unsigned long w = s->map[from / BITS_PER_LONG];
		unsigned int bit = from % BITS_PER_LONG;

		w >>= bit;
		if (w) {
			from += __ffs(w);
			return from < to ? from : to;
		}
		from += BITS_PER_LONG - bit;
	}
	return to;
}

/* First free slot in [@from, @to), or @to. */
static u32 cvm_slots_first_zero_in(const struct cvm_slots *s, u32 from, u32 to)
{
	while (from < to) {
		unsigned long w = ~s->map[from / BITS_PER_LONG];
		unsigned int bit = from % BITS_PER_LONG;

		w >>= bit;
		if (w) {
			from += __ffs(w);
			return from < to ? from : to;
		}
		from += BITS_PER_LONG - bit;
	}
	return to;
}

/* The bits of slots [@i, @i + @n) in their word, when they share one. */
static __always_inline bool cvm_slots_word(u32 i, u32 n, unsigned long *mask)
{
	if (i % BITS_PER_LONG + n > BITS_PER_LONG)
		return false;
	*mask = (~0UL >> (BITS_PER_LONG - n)) << (i % BITS_PER_LONG);
	return true;
}

/* Sets or clears @n > 0 bits from @index, a word at a time. */
static __always_inline void cvm_slots_set(struct cvm_slots *s, u32 index,
					  u32 n, bool on)
{
	while (n) {
		unsigned int bit = index % BITS_PER_LONG;
		unsigned int k = min_t(u32, n, BITS_PER_LONG - bit);
		unsigned long mask = (~0UL >> (BITS_PER_LONG - k)) << bit;

		if (on)
			s->map[index / BITS_PER_LONG] |= mask;
		else
			s->map[index / BITS_PER_LONG] &= ~mask;
		index += k;
		n -= k;
	}
}

/**
 * cvm_slots_init() - set up an area
 * @s: the area
 * @base: address of slot 0, aligned to the slot size
 * @slot_shift: log2 of the slot size (at least 6)
 * @page_shift: log2 of the CPU page size
 * @nslots: slots in the area, at least @max_slots
 * @max_slots: most slots a mapping spans, a power of two
 * @map: CVM_SLOTS_MAP_LONGS(@nslots) longs, owned by the caller
 *
 * Return: 0, or -EINVAL for inconsistent parameters.
 */
int cvm_slots_init(struct cvm_slots *s, u64 base, unsigned int slot_shift,
		   unsigned int page_shift, u32 nslots, u32 max_slots,
		   unsigned long *map)
{
	if (slot_shift < 6 || slot_shift > 20 || page_shift > 30 ||
	    !max_slots || !is_power_of_2(max_slots) || nslots < max_slots ||
	    base & ((1ULL << slot_shift) - 1) || !map)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->slot_shift = slot_shift;
	s->page_shift = page_shift;
	s->nslots = nslots;
	s->max_slots = max_slots;
	s->map = map;
	memset(map, 0, CVM_SLOTS_MAP_LONGS(nslots) * sizeof(long));
	return 0;
}

/**
 * cvm_slots_layout() - how a request would be placed, without placing it
 * @s: the area
 * @req: the request
 * @res: gets nslots and offset (index is 0)
 *
 * Return: 0; -EINVAL for a zero size; -E2BIG when the request is larger
 * than a mapping may be.
 */
int cvm_slots_layout(const struct cvm_slots *s, const struct cvm_slots_req *req,
		     struct cvm_slots_res *res)
{
	struct cvm_slots_plan p;
	int err = cvm_slots_plan(s, req, &p);

	if (err)
		return err;
	res->index = 0;
	res->nslots = p.nslots;
	res->offset = p.offset;
	return 0;
}

/* Whether slots [@i, @i + @n) lie in one segment of max_slots slots. */
static __always_inline bool cvm_slots_in_segment(const struct cvm_slots *s,
						 u32 i, u32 n)
{
	u64 seg_mask = ((u64)s->max_slots << s->slot_shift) - 1;
	u64 a = cvm_slots_addr(s, i);

	return !((a ^ (a + ((u64)n << s->slot_shift) - 1)) & ~seg_mask);
}

/*
 * One pass over candidate starts in [@lo, @hi): a run may extend past @hi,
 * never past the area or across a boundary of max_slots slots.
 */
static __always_inline u32 cvm_slots_search(const struct cvm_slots *s,
					    const struct cvm_slots_plan *p,
					    u32 lo, u32 hi)
{
	u64 seg_mask = ((u64)s->max_slots << s->slot_shift) - 1, a;
	u32 i = cvm_slots_candidate(s, p, lo), used;

	while (i < hi && i + p->nslots <= s->nslots) {
		a = cvm_slots_addr(s, i);
		if (!cvm_slots_in_segment(s, i, p->nslots)) {
			/* Would cross a segment: go on at the next one. */
			i = cvm_slots_candidate(s, p, (u64)i +
				(((a | seg_mask) + 1 - a) >> s->slot_shift));
			continue;
		}
		used = cvm_slots_first_used(s, i, i + p->nslots);
		if (used == i + p->nslots)
			return i;
		i = cvm_slots_candidate(s, p, (u64)used + 1);
	}
	return s->nslots;
}

/**
 * cvm_slots_alloc() - allocate slots for a mapping
 * @s: the area
 * @req: the request
 * @res: where it went
 *
 * Return: 0; -EINVAL for a zero size; -E2BIG when the request is larger
 * than a mapping may be; -ENOSPC when the area has no run that fits.
 */
int cvm_slots_alloc(struct cvm_slots *s, const struct cvm_slots_req *req,
		    struct cvm_slots_res *res)
{
	struct cvm_slots_plan p;
	u32 i, lo, hi, hint = s->hint < s->nslots ? s->hint : 0;
	unsigned long mask;
	int err;

	/*
	 * The usual mapping: no alignment asked for, so the plan below says
	 * no more than the size and, from a page up, page alignment. Taken
	 * at the rotor's first aligned slot when the slots there are free.
	 */
	if (likely(!req->min_align_mask && !req->alloc_align_mask &&
		   req->size &&
		   req->size <= ((u64)s->max_slots << s->slot_shift))) {
		u64 slot_mask = (1ULL << s->slot_shift) - 1;
		u64 page_mask = (1ULL << s->page_shift) - 1, a;

		p.nslots = (req->size + slot_mask) >> s->slot_shift;
		i = hint;
		if (req->size > page_mask) {
			a = (cvm_slots_addr(s, hint) + page_mask) & ~page_mask;
			/* Past the end of the address space: no fast path. */
			i = a < s->base ? s->nslots :
			    (a - s->base) >> s->slot_shift;
		}
		if (i + p.nslots <= s->nslots &&
		    cvm_slots_in_segment(s, i, p.nslots) &&
		    cvm_slots_word(i, p.nslots, &mask) &&
		    !(s->map[i / BITS_PER_LONG] & mask)) {
			s->map[i / BITS_PER_LONG] |= mask;
			p.offset = 0;
			goto taken;
		}
	}
	err = cvm_slots_plan(s, req, &p);
	if (err)
		return err;
	if (p.nslots > s->nslots - s->used)
		return -ENOSPC;
	/*
	 * The rotor leaves the next free slots ahead of it: most mappings
	 * take the first candidate at the rotor, checked here in a few
	 * instructions before any search.
	 */
	i = cvm_slots_candidate(s, &p, hint);
	if (likely(i + p.nslots <= s->nslots &&
		   cvm_slots_in_segment(s, i, p.nslots) &&
		   cvm_slots_word(i, p.nslots, &mask) &&
		   !(s->map[i / BITS_PER_LONG] & mask))) {
		s->map[i / BITS_PER_LONG] |= mask;
		goto taken;
	}
	/* From the rotor to the end, then from the start to the rotor. */
	for (lo = hint, hi = s->nslots;; lo = 0, hi = hint) {
		i = cvm_slots_search(s, &p, lo, hi);
		if (i < s->nslots)
			break;
		if (!lo)
			return -ENOSPC;
	}
	cvm_slots_set(s, i, p.nslots, true);
taken:
	s->used += p.nslots;
	s->hint = i + p.nslots < s->nslots ? i + p.nslots : 0;
	res->index = i;
	res->nslots = p.nslots;
	res->offset = p.offset;
	return 0;
}

/**
 * cvm_slots_free() - release slots
 * @s: the area
 * @index: first slot, as cvm_slots_alloc() returned
 * @nslots: slots, as cvm_slots_alloc() returned
 *
 * The caller's own metadata decides what is a live mapping; this is the
 * second line: a range that is not wholly allocated is left alone.
 *
 * Return: 0, or -EINVAL if any slot of the range is out of the area or
 * free.
 */
int cvm_slots_free(struct cvm_slots *s, u32 index, u32 nslots)
{
	unsigned long mask;

	if (!nslots || index >= s->nslots || nslots > s->nslots - index)
		return -EINVAL;
	if (cvm_slots_word(index, nslots, &mask)) {
		if ((s->map[index / BITS_PER_LONG] & mask) != mask)
			return -EINVAL;
		s->map[index / BITS_PER_LONG] &= ~mask;
	} else {
		if (cvm_slots_first_zero_in(s, index, index + nslots) !=
		    index + nslots)
			return -EINVAL;
		cvm_slots_set(s, index, nslots, false);
	}
	s->used -= nslots;
	return 0;
}

/**
 * cvm_slots_test() - whether a slot is allocated
 * @s: the area
 * @index: slot
 *
 * Return: true if allocated; false if free or out of the area.
 */
bool cvm_slots_test(const struct cvm_slots *s, u32 index)
{
	return index < s->nslots &&
	       (s->map[index / BITS_PER_LONG] >> (index % BITS_PER_LONG)) & 1;
}

/**
 * cvm_slots_max_mapping() - largest mapping placeable whatever its address
 * @slot_shift: log2 of the slot size
 * @max_slots: most slots a mapping spans
 * @min_align_mask: the device's min_align_mask
 *
 * What dma_map_ops.max_mapping_size reports, as swiotlb_max_mapping_size()
 * computes it: min_align_mask rounded up to whole slots comes out of a
 * segment, because keeping its bits above the slot size can push the
 * first slot that far into a segment, and the bits below it become an
 * offset into the first slot. Bits of the mask at or above the segment
 * size only choose the segment, so they do not count (swiotlb would go
 * negative there). Any request of this size or less, of any address, fits
 * in an empty area that holds a whole aligned segment.
 *
 * Return: bytes.
 */
u64 cvm_slots_max_mapping(unsigned int slot_shift, u32 max_slots,
			  u64 min_align_mask)
{
	u64 seg_size = (u64)max_slots << slot_shift;
	u64 slot_mask = (1ULL << slot_shift) - 1;
	u64 mask = min_align_mask & (seg_size - 1);

	if (!mask)
		return seg_size;
	return seg_size - (((mask - 1) | slot_mask) + 1);
}

/**
 * cvm_slots_max_size() - largest mapping a device can get from an area
 * @s: an area
 * @min_align_mask: the device's min_align_mask
 *
 * Return: cvm_slots_max_mapping() for the area's geometry.
 */
u64 cvm_slots_max_size(const struct cvm_slots *s, u64 min_align_mask)
{
	return cvm_slots_max_mapping(s->slot_shift, s->max_slots,
				     min_align_mask);
}
