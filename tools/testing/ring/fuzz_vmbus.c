// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the vmbus ring validator. Input: data size, channel
 * maximum, policy, read index, outstanding transaction ids, a race, then
 * the ring header and data the host wrote. An accepted packet is within
 * the channel maximum and the bytes available, its header inside it, its
 * type known, and a completion's id was outstanding (once); the private
 * copy is the bytes that were in the ring when the validator read them.
 * The batch path, cvm_vmbus_poll(), runs first on a copy of the ring (it
 * has no race hook): packet for packet it must agree with
 * cvm_vmbus_recv() under enforce policy on another copy.
 */
#include "fuzz_common.h"
#include "vmbus.h"

#define DSIZE_MAX 4096

static uint8_t ring2[sizeof(struct cvm_vmbus_ring_hdr) + DSIZE_MAX];
static uint8_t ring3[sizeof(ring2)], pbuf[4][DSIZE_MAX], rbuf[DSIZE_MAX];
static uint64_t trans2[8], trans3[8];
static uint8_t busy2[8], busy3[8];

/* Poll in batches of 1 to 4 and recv one by one: the same packets. */
static void check_poll(const uint8_t *ring, uint32_t dsize, uint32_t read,
		       uint32_t max_pkt, const uint64_t *want, uint32_t k,
		       uint32_t batch)
{
	struct cvm_vmbus_ring_hdr *h2 = (void *)ring2, *h3 = (void *)ring3;
	uint8_t *d2 = ring2 + sizeof(*h2), *d3 = ring3 + sizeof(*h3);
	void *bufs[4] = { pbuf[0], pbuf[1], pbuf[2], pbuf[3] };
	struct cvm_vmbus r2, r3;
	struct cvm_ring_verdict v;
	uint32_t i, j, n, total = 0;

	memcpy(ring2, ring, sizeof(*h2) + dsize);
	memcpy(ring3, ring, sizeof(*h3) + dsize);
	FUZZ_CHECK(cvm_vmbus_init(&r2, dsize, read, max_pkt, trans2, busy2,
				  8) == 0);
	FUZZ_CHECK(cvm_vmbus_init(&r3, dsize, read, max_pkt, trans3, busy3,
				  8) == 0);
	for (i = 0; i < k; i++) {
		if (want[i] == ~0ULL)
			continue;
		FUZZ_CHECK(cvm_vmbus_request(&r2, want[i]) == 0);
		FUZZ_CHECK(cvm_vmbus_request(&r3, want[i]) == 0);
	}
	for (;; batch = batch / 4 + 7 * total) {
		n = cvm_vmbus_poll(&r2, h2, d2, bufs, batch % 4 + 1);
		FUZZ_CHECK(n <= batch % 4 + 1);
		if (!n)
			break;
		for (j = 0; j < n; j++) {
			const struct cvm_vmbus_desc *desc = bufs[j];

			FUZZ_CHECK(cvm_vmbus_recv(&r3, h3, d3, rbuf, &v,
						  false));
			FUZZ_CHECK(v.reason == CVM_RING_REASON_NONE);
			FUZZ_CHECK(desc->type == v.id &&
				   desc->len8 * 8 == v.len);
			FUZZ_CHECK(!memcmp(pbuf[j], rbuf, v.len + 8));
		}
		total += n;
		FUZZ_CHECK(r2.read == r3.read &&
			   h2->read_index == h3->read_index);
		FUZZ_CHECK(!memcmp(busy2, busy3, sizeof(busy2)));
	}
	/* Where poll stopped, recv accepts nothing either. */
	if (cvm_vmbus_recv(&r3, h3, d3, rbuf, &v, false))
		FUZZ_CHECK(v.reason != CVM_RING_REASON_NONE);
	FUZZ_CHECK(r2.read == r3.read);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ring[sizeof(struct cvm_vmbus_ring_hdr) + DSIZE_MAX];
	static uint8_t buf[DSIZE_MAX], snap[DSIZE_MAX];
	static uint64_t trans[8], want[8];
	static uint8_t trans_busy[8];
	struct cvm_vmbus_ring_hdr *hdr = (void *)ring;
	uint8_t *d = ring + sizeof(*hdr);
	struct fuzz_in in = { data, size };
	struct cvm_ring_verdict v;
	struct fuzz_race race;
	struct cvm_vmbus r;
	uint32_t dsize = 32 + 8 * (fuzz_take(&in, 2) % ((DSIZE_MAX - 32) / 8 + 1));
	uint32_t max_pkt = 16 + 8 * (fuzz_take(&in, 2) % ((dsize - 24) / 8 + 1));
	bool pass = fuzz_take(&in, 1) & 1;
	uint32_t read = 8 * (fuzz_take(&in, 2) % (dsize / 8));
	uint32_t i, k = fuzz_take(&in, 1) % 9, steps = 0;
	/* Mostly the host leaves the guest's read index alone. */
	bool keep_read = fuzz_take(&in, 1) % 8;

	FUZZ_CHECK(cvm_vmbus_init(&r, dsize, read, max_pkt, trans, trans_busy,
				  8) == 0);
	for (i = 0; i < k; i++) {
		want[i] = fuzz_take(&in, 1);
		if (cvm_vmbus_request(&r, want[i]))
			want[i] = ~0ULL;
	}
	for (; i < 8; i++)
		want[i] = ~0ULL;
	/* The race only rewrites data bytes here, so copies can be checked. */
	fuzz_race_init(&race, &in, d, dsize);
	memset(ring, 0, sizeof(ring));
	memcpy(ring, in.p, in.n < sizeof(*hdr) + dsize ? in.n : sizeof(*hdr) + dsize);
	if (keep_read)
		hdr->read_index = cpu_to_le32(read);
	check_poll(ring, dsize, read, max_pkt, want, k, race.off);
	r.race.fn = fuzz_race_fn;
	r.race.arg = &race;

	while (++steps <= dsize / 24 + 2) {
		uint32_t before = r.read;

		memcpy(snap, d, dsize);
		if (!cvm_vmbus_recv(&r, hdr, d, buf, &v, pass))
			break;
		if (v.reason == CVM_RING_REASON_NONE) {
			const struct cvm_vmbus_desc *desc = (void *)buf;
			uint32_t hl = desc->offset8 * 8;

			FUZZ_CHECK(v.len <= max_pkt && v.len >= 16);
			FUZZ_CHECK(hl >= 16 && hl <= v.len);
			FUZZ_CHECK(v.id == 6 || v.id == 7 || v.id == 0xb);
			/* The descriptor is the bytes before the race. */
			for (i = 0; i < 16; i++)
				FUZZ_CHECK(buf[i] == snap[(before + i) % dsize]);
			if (v.id == 0xb) {
				for (i = 0; i < 8; i++)
					if (want[i] == desc->trans_id)
						break;
				FUZZ_CHECK(i < 8);
				want[i] = ~0ULL;
			}
			FUZZ_CHECK(r.read == (before + v.len + 8) % dsize);
		} else if (!v.consumed) {
			FUZZ_CHECK(r.read == before);
			break;
		}
	}
	return 0;
}
