/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_ring: validation of ring data the host writes. A consumer of a ring
 * registers it, runs the validators (virtio_split.h, virtio_packed.h,
 * vmbus.h beside this header; exported by cvm_ring.ko) over what the host
 * wrote, and hands every verdict to cvm_ring_account(), which counts it,
 * reports violations and applies the ring's policy.
 */
#ifndef _CVM_RING_H
#define _CVM_RING_H

#include <linux/types.h>
#include <uapi/linux/cvm.h>

#define CVM_RING_OWNER_LEN	48

struct cvm_ring;
struct cvm_ring_verdict;

struct cvm_ring *cvm_ring_register(u32 kind, const char *owner, u32 policy);
void cvm_ring_unregister(struct cvm_ring *ring);
bool cvm_ring_account(struct cvm_ring *ring, const struct cvm_ring_verdict *v);
bool cvm_ring_account_ok(struct cvm_ring *ring, u32 n);
bool cvm_ring_monitor(const struct cvm_ring *ring);
bool cvm_ring_is_broken(const struct cvm_ring *ring);
u32 cvm_ring_id(const struct cvm_ring *ring);
void cvm_ring_repair(struct cvm_ring *ring);

#endif /* _CVM_RING_H */
