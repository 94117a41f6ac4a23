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
	static uint32_t cap[NUM_MAX], want_cap[NUM_MAX];
	static uint8_t busy[NUM_MAX], posted[NUM_MAX];
	static uint8_t ring[4 + 8 * NUM_MAX];
	struct fuzz_in in = { data, size };
	struct cvm_ring_verdict v;
	struct fuzz_race race;
	struct cvm_vsplit r;
	uint16_t num = 1u << (fuzz_take(&in, 1) % 9);
	bool pass = fuzz_take(&in, 1) & 1;
	uint16_t start = fuzz_take(&in, 2);
	uint32_t i, k = fuzz_take(&in, 1) % (num + 1), outstanding = 0;
	uint32_t accepted = 0, steps = 0;

	FUZZ_CHECK(cvm_vsplit_init(&r, num, cap, busy, start) == 0);
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
	r.race.fn = fuzz_race_fn;
	r.race.arg = &race;

	if (!cvm_vsplit_pending(&r, (void *)ring, &v, pass) &&
	    v.reason && !pass)
		return 0;
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
