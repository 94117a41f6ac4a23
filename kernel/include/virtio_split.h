/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validator of a virtio split virtqueue's used ring (virtio 1.2, 2.7.8),
 * which the device (the host) writes and the driver (the guest) reads.
 */
#ifndef _CVM_RING_VIRTIO_SPLIT_H
#define _CVM_RING_VIRTIO_SPLIT_H

#include "ring_check.h"

#define CVM_VSPLIT_MAX_NUM	32768
#define CVM_VSPLIT_BUSY		BIT_ULL(32)

/* The used ring as it lies in shared memory (struct vring_used). */
struct cvm_vsplit_used_elem {
	__le32 id;
	__le32 len;
};

struct cvm_vsplit_used {
	__le16 flags;
	__le16 idx;
	struct cvm_vsplit_used_elem ring[];
};

/**
 * struct cvm_vsplit - the guest's private view of one split virtqueue
 * @num: ring size, a power of two
 * @last_used: next used index the guest reads
 * @seen_idx: used index read by the last cvm_vsplit_pending(), as bounded
 * @outstanding: chains posted and not yet returned
 * @slot: [@num] per head: CVM_VSPLIT_BUSY while outstanding, ORed with the
 *	writable bytes posted with it (one word: one load per used entry)
 * @race: test hook, called after each entry is copied
 *
 * All of it lives in private memory and is never read back from the ring:
 * the host can only influence what cvm_vsplit_next() reads from the used
 * ring, and each of those reads is checked against this state.
 */
struct cvm_vsplit {
	u16 num;
	u16 last_used;
	u16 seen_idx;
	u16 outstanding;
	u64 *slot;
	struct cvm_ring_race race;
};

int cvm_vsplit_init(struct cvm_vsplit *r, u16 num, u64 *slot, u16 last_used);
int cvm_vsplit_post(struct cvm_vsplit *r, u16 head, u32 writable);
u32 cvm_vsplit_pending(struct cvm_vsplit *r,
		       const struct cvm_vsplit_used *used,
		       struct cvm_ring_verdict *v, bool pass);
u32 cvm_vsplit_poll(struct cvm_vsplit *r, const struct cvm_vsplit_used *used,
		    struct cvm_ring_done *done, u32 max);
bool cvm_vsplit_next(struct cvm_vsplit *r, const struct cvm_vsplit_used *used,
		     struct cvm_ring_verdict *v, bool pass);

#endif /* _CVM_RING_VIRTIO_SPLIT_H */
