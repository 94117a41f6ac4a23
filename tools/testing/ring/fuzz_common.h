/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the libFuzzer targets of the ring validators share: a reader that
 * turns the fuzzer's bytes into the guest's state and the host's ring,
 * and a race hook that lets later input bytes rewrite the ring while the
 * validator reads it. Each target checks the validator's promises on what
 * it accepts, independently of how the validator got there.
 */
#ifndef _CVM_RING_FUZZ_COMMON_H
#define _CVM_RING_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

/* A race: after the @at-th read point, copy @len input bytes to @off. */
struct fuzz_race {
	uint8_t *ring;
	size_t size;
	uint32_t at, point, off, len;
	uint8_t val[8];
};

static inline void fuzz_race_fn(void *arg)
{
	struct fuzz_race *r = arg;

	if (++r->point != r->at || !r->size)
		return;
	memcpy(r->ring + r->off % r->size, r->val,
	       r->len < r->size - r->off % r->size ? r->len :
	       r->size - r->off % r->size);
}

static inline void fuzz_race_init(struct fuzz_race *r, struct fuzz_in *in,
				  uint8_t *ring, size_t size)
{
	uint64_t v;

	r->ring = ring;
	r->size = size;
	r->point = 0;
	r->at = fuzz_take(in, 1) % 8;
	r->off = fuzz_take(in, 2);
	r->len = 1 + fuzz_take(in, 1) % 8;
	v = fuzz_take(in, 8);
	memcpy(r->val, &v, 8);
}

#define FUZZ_CHECK(cond) do { if (!(cond)) abort(); } while (0)

#endif /* _CVM_RING_FUZZ_COMMON_H */
