// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the packed-ring validator. Input: ring size, policy,
 * start position and wrap counter, the buffers posted, a race, then the
 * descriptor ring the host wrote. An accepted descriptor carries both
 * flags equal to the wrap counter the driver had, an outstanding id below
 * the ring size and a length within its capacity; no id comes back twice.
 */
#include "fuzz_common.h"
#include "virtio_packed.h"

#define NUM_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t cap[NUM_MAX], want_cap[NUM_MAX];
	static uint16_t ndesc[NUM_MAX];
	static uint8_t posted[NUM_MAX];
	static struct cvm_vpacked_desc ring[NUM_MAX];
	struct fuzz_in in = { data, size };
	struct cvm_ring_verdict v;
	struct fuzz_race race;
	struct cvm_vpacked r;
	uint16_t num = 1 + fuzz_take(&in, 1) % NUM_MAX;
	uint8_t mode = fuzz_take(&in, 1);
	bool pass = mode & 1, batch = mode & 2;
	static struct cvm_ring_done done[NUM_MAX];
	uint16_t start = fuzz_take(&in, 1) % num;
	bool wrap = fuzz_take(&in, 1) & 1;
	uint32_t i, k = fuzz_take(&in, 1) % (num + 1), steps = 0;

	FUZZ_CHECK(cvm_vpacked_init(&r, num, cap, ndesc, start, wrap) == 0);
	memset(posted, 0, sizeof(posted));
	for (i = 0; i < k; i++) {
		uint16_t id = fuzz_take(&in, 1) % num;
		uint32_t c = fuzz_take(&in, 4);
		uint16_t nd = 1 + fuzz_take(&in, 1) % 4;

		if (cvm_vpacked_post(&r, id, c, nd) == 0) {
			posted[id] = 1;
			want_cap[id] = c;
		}
	}
	fuzz_race_init(&race, &in, (uint8_t *)ring, 16u * num);
	memset(ring, 0, sizeof(ring));
	memcpy(ring, in.p, in.n < 16u * num ? in.n : 16u * num);
	if (!batch) {
		r.race.fn = fuzz_race_fn;
		r.race.arg = &race;
	} else {
		uint32_t n = cvm_vpacked_poll(&r, ring, done, num);

		for (i = 0; i < n; i++) {
			FUZZ_CHECK(done[i].id < num && posted[done[i].id]);
			FUZZ_CHECK(done[i].len <= want_cap[done[i].id]);
			posted[done[i].id] = 0;
		}
	}

	while (++steps <= 2u * num + 8) {
		bool wrap_before = r.wrap;

		if (!cvm_vpacked_next(&r, ring, &v, pass))
			break;
		if (v.reason == CVM_RING_REASON_NONE) {
			FUZZ_CHECK(v.id < num && posted[v.id]);
			FUZZ_CHECK(v.len <= want_cap[v.id]);
			posted[v.id] = 0;
		} else if (!pass) {
			FUZZ_CHECK(!v.consumed && r.wrap == wrap_before);
			break;
		}
	}
	/* Progress is bounded: two laps at most, then the flags stop it. */
	FUZZ_CHECK(steps <= 2u * num + 8);
	/* The fast path's count of long chains matches the private state. */
	for (i = 0, k = 0; i < num; i++)
		k += ndesc[i] > 1;
	FUZZ_CHECK(r.multi == k);
	return 0;
}
