// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the bounce pool's slot allocator (kernel/bounce/slots.c),
 * built in userspace with ASan and UBSan: exact placements, the alignment
 * rules of swiotlb, the maximum mapping size, exhaustion and the refusal
 * of frees of ranges that are not allocated.
 *
 * On the kernel's kselftest_harness.h: each test runs in its own process;
 * a failed CHECK (check.h, shared with the fuzzer) aborts it, and the
 * harness reports the signal after CHECK's message.
 */
#include "kselftest_harness.h"
#include "check.h"

/* A request as a compound literal: orig, size, min_align, alloc_align. */
#define req(o, s, m, a) ((struct cvm_slots_req){ (o), (s), (m), (a) })

TEST(test_init_rejects)
{
	unsigned long map[4];
	struct cvm_slots s;

	CHECK(cvm_slots_init(&s, 0, 5, 12, 64, 8, map) == -EINVAL, "shift 5");
	CHECK(cvm_slots_init(&s, 0, 11, 12, 64, 6, map) == -EINVAL, "max not pow2");
	CHECK(cvm_slots_init(&s, 0, 11, 12, 4, 8, map) == -EINVAL, "nslots < max");
	CHECK(cvm_slots_init(&s, 1024, 11, 12, 64, 8, map) == -EINVAL, "base unaligned");
	CHECK(cvm_slots_init(&s, 0, 11, 12, 64, 8, NULL) == -EINVAL, "no map");
	CHECK(cvm_slots_init(&s, 2048, 11, 12, 64, 8, map) == 0, "good");
}

TEST(test_sequential)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0x100000, 11, 256, 128);
	/* 256 B: one slot, offset 0, one after the other (rotor). */
	CHECK(shadow_alloc(&sh, &req(0x1234, 256, 0, 0), 1, &r) == 0, "a");
	CHECK(r.index == 0 && r.nslots == 1 && r.offset == 0, "at %u", r.index);
	CHECK(shadow_alloc(&sh, &req(0x1234, 1536, 0, 0), 2, &r) == 0, "b");
	CHECK(r.index == 1 && r.nslots == 1, "at %u", r.index);
	/* A page or more without constraints is page aligned: slot 2. */
	CHECK(shadow_alloc(&sh, &req(0x1234, 4096, 0, 0), 3, &r) == 0, "c");
	CHECK(r.index == 2 && r.nslots == 2, "at %u n %u", r.index, r.nslots);
	CHECK(shadow_alloc(&sh, &req(0, 2049, 0, 0), 4, &r) == 0, "d");
	CHECK(r.index == 4 && r.nslots == 2, "at %u n %u", r.index, r.nslots);
	shadow_free(&sh, 0, 1);
	shadow_free(&sh, 1, 1);
	shadow_free(&sh, 2, 2);
	shadow_free(&sh, 4, 2);
	CHECK(sh.s.used == 0, "empty");
	shadow_fini(&sh);
}

TEST(test_min_align_mask)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0x100000, 11, 256, 128);
	/* NVMe: 4 KiB min_align_mask keeps the offset in the page. */
	CHECK(shadow_alloc(&sh, &req(0x12bc, 512, 0xfff, 0), 1, &r) == 0, "a");
	CHECK(r.index == 0 && r.offset == 0x2bc, "index %u offset %#x",
	      r.index, r.offset);
	/* Bit 11 set: needs an odd slot. */
	CHECK(shadow_alloc(&sh, &req(0x1abc, 512, 0xfff, 0), 2, &r) == 0, "b");
	CHECK(r.index == 1 && r.offset == 0x2bc, "index %u", r.index);
	CHECK(shadow_alloc(&sh, &req(0xabc, 512, 0xfff, 0), 3, &r) == 0, "c");
	CHECK(r.index == 3, "index %u", r.index);
	/* An offset eats into the last slot: 2048 B at 0x7ff needs two. */
	CHECK(shadow_alloc(&sh, &req(0x7ff, 2048, 0x7ff, 0), 4, &r) == 0, "d");
	CHECK(r.nslots == 2 && r.offset == 0x7ff, "n %u", r.nslots);
	shadow_fini(&sh);
}

TEST(test_alloc_align_mask)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0x100800, 11, 256, 128);
	/* base is odd in slots: a 16 KiB-aligned coherent buffer at slot 7. */
	CHECK(shadow_alloc(&sh, &req(0, 100, 0, 0x3fff), 1, &r) == 0, "a");
	CHECK(r.index == 7 && r.offset == 0, "index %u", r.index);
	shadow_fini(&sh);
}

TEST(test_max_size)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0, 11, 512, 128);
	CHECK(cvm_slots_max_size(&sh.s, 0) == 256 * 1024, "max");
	/* swiotlb_max_mapping_size(): roundup(0xfff, 2048) comes off. */
	CHECK(cvm_slots_max_size(&sh.s, 0xfff) == 256 * 1024 - 4096, "max nvme");
	CHECK(cvm_slots_max_size(&sh.s, 0x7ff) == 256 * 1024 - 2048, "max 2k");
	CHECK(cvm_slots_max_size(&sh.s, 0x1ff) == 256 * 1024 - 2048, "max 512");
	CHECK(shadow_alloc(&sh, &req(0, 256 * 1024, 0, 0), 1, &r) == 0, "max fits");
	CHECK(r.nslots == 128 && r.index % 128 == 0, "one segment");
	CHECK(shadow_alloc(&sh, &req(0, 256 * 1024 + 1, 0, 0), 2, &r) == -E2BIG, "over");
	CHECK(shadow_alloc(&sh, &req(0x7ff, 256 * 1024 - 2047, 0xfff, 0), 3, &r) == 0,
	      "max with offset");
	CHECK(shadow_alloc(&sh, &req(0x7ff, 256 * 1024 - 2046, 0xfff, 0), 4, &r) == -E2BIG,
	      "one over with offset");
	CHECK(shadow_alloc(&sh, &req(0, 0, 0, 0), 5, &r) == -EINVAL, "zero");
	shadow_fini(&sh);

	/*
	 * The old maximum (256 KiB - 2047) with bit 11 set needs an odd
	 * first slot and 128 slots: it fits nowhere. -E2BIG, not -ENOSPC,
	 * which callers take as "wait or grow" (blk-mq requeued forever).
	 */
	shadow_init(&sh, 0, 11, 512, 128);
	CHECK(shadow_alloc(&sh, &req(0xfff, 256 * 1024 - 2047, 0xfff, 0), 1, &r) == -E2BIG,
	      "old max, bit 11 set");
	CHECK(shadow_alloc(&sh, &req(0xfff, 256 * 1024 - 4096, 0xfff, 0), 2, &r) == 0,
	      "new max, bit 11 set");
	CHECK(r.index % 128 == 1 && r.nslots == 127 && r.offset == 0x7ff,
	      "index %u nslots %u offset %#x", r.index, r.nslots, r.offset);
	shadow_fini(&sh);
}

/*
 * Every slot size, max_slots, low min_align_mask and alignment class of
 * the buffer: a request of the maximum size is placed on an empty area.
 */
TEST(test_max_size_every_class)
{
	static const u32 maxes[] = { 1, 2, 8, 64, 128 };
	unsigned long map[CVM_SLOTS_MAP_LONGS(2 * 128)];
	unsigned long placed = 0;
	struct cvm_slots_res r;
	struct cvm_slots s;

	for (unsigned int shift = 9; shift <= 12; shift++) {
		for (unsigned int mi = 0; mi < sizeof(maxes) / sizeof(*maxes); mi++) {
			u32 max_slots = maxes[mi];
			u64 seg = (u64)max_slots << shift;

			for (unsigned int bits = 0; bits <= 17; bits++) {
				u64 mask = (1ULL << bits) - 1;
				u64 max = cvm_slots_max_mapping(shift, max_slots, mask);
				u64 span = mask + 1 > 1024 ? mask + 1 : 1024;

				if (!max)
					continue;
				CHECK(max <= seg, "max %llu", (unsigned long long)max);
				/* Every 256-byte class, plus its last byte. */
				for (u64 o = 0; o < span; o += 256) {
					for (u64 lo = 0; lo < 256; lo += 255) {
						struct cvm_slots_req q =
							req(0x40000000 + o + lo, max, mask, 0);

						CHECK(cvm_slots_init(&s, 0x80000000ULL, shift, 12,
								     2 * max_slots, max_slots,
								     map) == 0, "init");
						CHECK(cvm_slots_alloc(&s, &q, &r) == 0,
						      "slot %u max_slots %u mask %#llx orig %#llx size %llu",
						      1u << shift, max_slots,
						      (unsigned long long)mask,
						      (unsigned long long)q.orig,
						      (unsigned long long)max);
						placed++;
					}
				}
			}
		}
	}
	printf("# %lu maximum-size mappings placed\n", placed);
}

TEST(test_segments_and_exhaustion)
{
	struct shadow sh;
	struct cvm_slots_res r;
	u32 i;

	shadow_init(&sh, 0, 11, 64, 16);
	/* Ten slots at 0: the next 10-slot run cannot cross slot 16. */
	CHECK(shadow_alloc(&sh, &req(0, 10 * 2048, 0xffff, 0), 1, &r) == 0, "a");
	CHECK(shadow_alloc(&sh, &req(0, 10 * 2048, 0x7ff, 0), 2, &r) == 0, "b");
	CHECK(r.index == 16, "index %u", r.index);
	for (i = 3; shadow_alloc(&sh, &req(0, 2048, 0, 0), i, &r) == 0; i++)
		;
	CHECK(sh.s.used == 64, "full: used %u", sh.s.used);
	CHECK(cvm_slots_alloc(&sh.s, &req(0, 1, 0, 0), &r) == -ENOSPC, "enospc");
	shadow_fini(&sh);
}

TEST(test_free_refuses)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0, 11, 64, 16);
	CHECK(shadow_alloc(&sh, &req(0, 4096, 0, 0), 1, &r) == 0, "a");
	CHECK(cvm_slots_free(&sh.s, r.index, 3) == -EINVAL, "longer");
	CHECK(cvm_slots_free(&sh.s, 5, 1) == -EINVAL, "free slot");
	CHECK(cvm_slots_free(&sh.s, 63, 2) == -EINVAL, "past end");
	CHECK(cvm_slots_free(&sh.s, 64, 1) == -EINVAL, "out");
	CHECK(cvm_slots_free(&sh.s, 0, 0) == -EINVAL, "zero");
	CHECK(sh.s.used == 2, "untouched");
	shadow_free(&sh, r.index, r.nslots);
	CHECK(cvm_slots_free(&sh.s, r.index, r.nslots) == -EINVAL, "double");
	shadow_fini(&sh);
}

TEST(test_mask_with_holes)
{
	struct shadow sh;
	struct cvm_slots_res r;

	shadow_init(&sh, 0, 11, 128, 16);
	/* A min_align_mask with a hole: the slow path must honour it. */
	CHECK(shadow_alloc(&sh, &req(0x5000, 100, 0x5000, 0), 1, &r) == 0, "a");
	CHECK(((r.index * 2048ULL) & 0x5000) == 0x5000, "index %u", r.index);
	shadow_fini(&sh);
}

TEST(test_random)
{
	struct shadow sh;
	struct cvm_slots_res r;
	struct { u32 index, nslots; } live[512];
	int nlive = 0;

	srand(4);
	shadow_init(&sh, 0x200000, 11, 1024, 128);
	for (int it = 0; it < 200000; it++) {
		if (nlive && (rand() % 2 || nlive == 512)) {
			int k = rand() % nlive;

			shadow_free(&sh, live[k].index, live[k].nslots);
			live[k] = live[--nlive];
		} else {
			u64 sizes[] = { 256, 1536, 4096, 16384, 65536, 3000 };
			u64 mam = rand() % 3 ? 0 : 0xfff;

			if (!shadow_alloc(&sh, &req(rand(), sizes[rand() % 6], mam, 0),
					  it + 1, &r)) {
				live[nlive].index = r.index;
				live[nlive++].nslots = r.nslots;
			}
		}
	}
	while (nlive--)
		shadow_free(&sh, live[nlive].index, live[nlive].nslots);
	CHECK(sh.s.used == 0, "empty");
	shadow_fini(&sh);
}

TEST_HARNESS_MAIN
