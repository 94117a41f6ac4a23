// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the split used-ring validator. Input: ring size,
 * policy, start index, the chains posted with their capacities, a race,
 * then the used ring the host wrote. Whatever the bytes, an accepted
 * entry names an outstanding head below the ring size with a length
 * within its capacity, no head comes back twice, and no more entries are
 * accepted than were outstanding.
 */
#include "fuzz_common.h"
#include "virtio_split.h"

#define NUM_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t want_cap[NUM_MAX];
	static uint64_t slot[NUM_MAX];
	static uint8_t posted[NUM_MAX];
	static struct cvm_ring_done done[NUM_MAX];
	static uint8_t ring[4 + 8 * NUM_MAX];
	struct fuzz_in in = { data, size };
	struct cvm_ring_verdict v;
	struct fuzz_race race;
	struct cvm_vsplit r;
	uint16_t num = 1u << (fuzz_take(&in, 1) % 9);
	uint8_t mode = fuzz_take(&in, 1);
	bool pass = mode & 1, batch = mode & 2;
	uint16_t start = fuzz_take(&in, 2);
	uint32_t i, k = fuzz_take(&in, 1) % (num + 1), outstanding = 0;
	uint32_t accepted = 0, steps = 0;

	FUZZ_CHECK(cvm_vsplit_init(&r, num, slot, start) == 0);
	memset(posted, 0, sizeof(posted));
	for (i = 0; i < k; i++) {
		uint16_t head = fuzz_take(&in, 1) % num;
		uint32_t c = fuzz_take(&in, 4);

		if (cvm_vsplit_post(&r, head, c) == 0) {
			posted[head] = 1;
			want_cap[head] = c;
			outstanding++;
		}
	}
	fuzz_race_init(&race, &in, ring, 4 + 8 * num);
	memset(ring, 0, sizeof(ring));
	memcpy(ring, in.p, in.n < 4 + 8u * num ? in.n : 4 + 8u * num);
	/* The batch path has no race points. */
	if (!batch) {
		r.race.fn = fuzz_race_fn;
		r.race.arg = &race;
	}

	if (!cvm_vsplit_pending(&r, (void *)ring, &v, pass) &&
	    v.reason && !pass)
		return 0;
	if (batch) {
		uint32_t n = cvm_vsplit_poll(&r, (void *)ring, done, num);

		for (i = 0; i < n; i++) {
			FUZZ_CHECK(done[i].id < num && posted[done[i].id]);
			FUZZ_CHECK(done[i].len <= want_cap[done[i].id]);
			posted[done[i].id] = 0;
			accepted++;
		}
	}
	while (cvm_vsplit_next(&r, (void *)ring, &v, pass)) {
		FUZZ_CHECK(++steps <= num);
		if (v.reason == CVM_RING_REASON_NONE) {
			FUZZ_CHECK(v.id < num && posted[v.id]);
			FUZZ_CHECK(v.len <= want_cap[v.id]);
			posted[v.id] = 0;
			accepted++;
		} else if (!pass) {
			FUZZ_CHECK(!v.consumed);
			break;
		}
	}
	FUZZ_CHECK(accepted <= outstanding);
	FUZZ_CHECK(r.outstanding <= outstanding);
	return 0;
}
