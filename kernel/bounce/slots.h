/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bounce pool's slot allocator: plain C over cvm_shim.h, built into
 * cvm_bounce.ko and into the userspace unit test and fuzzer under
 * tools/testing/bounce/. It never locks, allocates or prints: cvm_bounce
 * gives every area its own lock and the memory of its bitmap.
 *
 * One struct cvm_slots manages one area: @nslots slots of 1 << @slot_shift
 * bytes starting at address @base (the address the device sees, so that
 * alignment constraints are checked on what the device gets). Placement
 * follows the kernel's swiotlb (kernel/dma/swiotlb.c):
 *  - the bits of the original address under the device's min_align_mask
 *    are preserved in the returned address: those below the slot size as
 *    an offset into the first slot, those above by choosing the slot;
 *  - the first slot is aligned to alloc_align_mask (coherent allocations)
 *    or, for a mapping of a page or more with no other constraint, to a
 *    page;
 *  - a mapping never spans more than @max_slots slots, nor crosses a
 *    boundary of @max_slots slots (swiotlb's IO_TLB_SEGSIZE), so that a
 *    device's segment boundary of that size holds.
 */
#ifndef _CVM_BOUNCE_SLOTS_H
#define _CVM_BOUNCE_SLOTS_H

#include "../include/cvm_shim.h"

/**
 * struct cvm_slots - one area of slots
 * @base: address of slot 0 as the device sees it
 * @slot_shift: log2 of the slot size
 * @page_shift: log2 of the CPU page size (page alignment rule above)
 * @nslots: slots in the area
 * @max_slots: most slots one mapping may span, a power of two
 * @used: slots allocated now
 * @hint: where the next search starts (rotor, spreads reuse)
 * @map: bitmap of @nslots bits, set = allocated; storage from the caller
 */
struct cvm_slots {
	u64 base;
	unsigned int slot_shift;
	unsigned int page_shift;
	u32 nslots;
	u32 max_slots;
	u32 used;
	u32 hint;
	unsigned long *map;
};

/**
 * struct cvm_slots_req - what a mapping needs
 * @orig: original (private) address; only its low bits matter
 * @size: bytes to map, > 0
 * @min_align_mask: the device's dma_get_min_align_mask()
 * @alloc_align_mask: alignment of the first slot, or 0
 */
struct cvm_slots_req {
	u64 orig;
	u64 size;
	u64 min_align_mask;
	u64 alloc_align_mask;
};

/**
 * struct cvm_slots_res - where a mapping went
 * @index: first slot
 * @nslots: slots spanned
 * @offset: offset of the data in the first slot
 *
 * The mapped address is base + (index << slot_shift) + offset.
 */
struct cvm_slots_res {
	u32 index;
	u32 nslots;
	u32 offset;
};

/* Longs of bitmap storage an area of @nslots slots needs. */
#define CVM_SLOTS_MAP_LONGS(nslots) DIV_ROUND_UP((nslots), BITS_PER_LONG)

int cvm_slots_init(struct cvm_slots *s, u64 base, unsigned int slot_shift,
		   unsigned int page_shift, u32 nslots, u32 max_slots,
		   unsigned long *map);
int cvm_slots_layout(const struct cvm_slots *s, const struct cvm_slots_req *req,
		     struct cvm_slots_res *res);
int cvm_slots_alloc(struct cvm_slots *s, const struct cvm_slots_req *req,
		    struct cvm_slots_res *res);
int cvm_slots_free(struct cvm_slots *s, u32 index, u32 nslots);
bool cvm_slots_test(const struct cvm_slots *s, u32 index);
u64 cvm_slots_max_mapping(unsigned int slot_shift, u32 max_slots,
			  u64 min_align_mask);
u64 cvm_slots_max_size(const struct cvm_slots *s, u64 min_align_mask);

#endif /* _CVM_BOUNCE_SLOTS_H */
