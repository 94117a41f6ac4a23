/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the ring validators (virtio_split.c, virtio_packed.c, vmbus.c) have
 * in common: the verdict they give on one entry or packet, and the test
 * hook that lets a simulated host change shared bytes between two reads.
 *
 * Plain C over cvm_shim.h: built into cvm_ring.ko and into the userspace
 * unit tests, fuzzers and benchmarks (tools/testing/ring/). The reasons
 * are the UAPI's enum cvm_ring_reason, so counters and events name them
 * the way Documentation/netlink/specs/cvm.yaml does.
 */
#ifndef _CVM_RING_CHECK_H
#define _CVM_RING_CHECK_H

#include "cvm_shim.h"
#include <uapi/linux/cvm.h>

/**
 * struct cvm_ring_verdict - what a validator decided about one entry
 * @reason: enum cvm_ring_reason; CVM_RING_REASON_NONE when accepted
 * @id: the entry's id as read (used id, buffer id; vmbus: packet type)
 * @len: the entry's length as read (used length; vmbus: packet bytes)
 * @value: the offending value when rejected
 * @limit: the bound @value broke
 * @consumed: the validator advanced past the entry (accepted, or passed
 *	through under monitor policy)
 */
struct cvm_ring_verdict {
	u32 reason;
	u32 id;
	u32 len;
	bool consumed;
	u64 value;
	u64 limit;
};

/**
 * struct cvm_ring_done - an entry a batch validator accepted
 * @id: used id (split) or buffer id (packed)
 * @len: bytes the device wrote, within the capacity posted
 */
struct cvm_ring_done {
	u32 id;
	u32 len;
};

/**
 * struct cvm_ring_race - test hook: a host writing between two reads
 * @fn: called by a validator right after it copied a header or flags
 *	word and before it reads the rest; NULL outside tests
 * @copied: called by cvm_vmbus_recv() right after it copied a whole
 *	packet, before it judges the copy; NULL outside tests
 * @arg: passed to @fn and @copied
 */
struct cvm_ring_race {
	void (*fn)(void *arg);
	void (*copied)(void *arg);
	void *arg;
};

static inline void cvm_ring_race_point(const struct cvm_ring_race *race)
{
	if (unlikely(race && race->fn))
		race->fn(race->arg);
}

static inline u32 cvm_ring_reject(struct cvm_ring_verdict *v, u32 reason,
				  u64 value, u64 limit)
{
	v->reason = reason;
	v->value = value;
	v->limit = limit;
	return reason;
}

const char *cvm_ring_reason_name(u32 reason);

#endif /* _CVM_RING_CHECK_H */
