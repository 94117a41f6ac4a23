/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_ring_test's host and model: seeded generators of hostile virtio
 * split, virtio packed and vmbus rings (ring_model.c), and a model of the
 * rules, written independently of kernel/ring/, that says what the guest
 * must answer to each.
 */
#ifndef _CVM_RING_MODEL_H
#define _CVM_RING_MODEL_H

#include <stdint.h>
#include <linux/cvm.h>
#include "../kernel/testing/hostsim/ring_uapi.h"

#define MAXRES		CVM_HSR_MAX_RESULTS
#define COMP		0xb

/* One simulated ring and what the model expects its counters to be. */
struct sim {
	int fd;
	uint8_t *map;
	struct cvm_hsr_setup s;
	uint64_t checked;
	uint64_t reasons[CVM_RING_REASON_MAX + 1];
};

/* What the model says one run gives. */
struct expect {
	uint32_t idx_reason;
	uint32_t n;
	int broken;
	struct cvm_hsr_result r[MAXRES];
};

/* The host's pending race write, applied by the model at the same point. */
struct race {
	uint32_t at, off, len;
	uint64_t val;
};

struct split_used {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[];
};

extern uint64_t rng_state;
uint64_t rnd(void);

void split_host(struct sim *sim, struct cvm_hsr_run *run,
		struct cvm_hsr_post *posts, struct race *rc);
void split_model(const struct sim *sim, const uint8_t *shared,
		 const struct cvm_hsr_run *run, const struct cvm_hsr_post *posts,
		 const struct race *rc, struct expect *e);
void packed_host(struct sim *sim, struct cvm_hsr_run *run,
		 struct cvm_hsr_post *posts, struct race *rc);
void packed_model(const struct sim *sim, const uint8_t *shared,
		  const struct cvm_hsr_run *run, const struct cvm_hsr_post *posts,
		  const struct race *rc, struct expect *e);
void vmbus_host(struct sim *sim, struct cvm_hsr_run *run,
		struct cvm_hsr_post *posts, struct race *rc);
void vmbus_model(const struct sim *sim, const uint8_t *shared,
		 const struct cvm_hsr_run *run, const struct cvm_hsr_post *posts,
		 const struct race *rc, struct expect *e);

#endif /* _CVM_RING_MODEL_H */
