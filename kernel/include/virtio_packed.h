/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validator of a virtio packed virtqueue's descriptor ring (virtio 1.2,
 * 2.8) as the driver (the guest) reads used descriptors from it.
 */
#ifndef _CVM_RING_VIRTIO_PACKED_H
#define _CVM_RING_VIRTIO_PACKED_H

#include "ring_check.h"

#define CVM_VPACKED_MAX_NUM	32768
#define CVM_VPACKED_F_AVAIL	BIT(7)
#define CVM_VPACKED_F_USED	BIT(15)

/* One descriptor as it lies in shared memory (struct vring_packed_desc). */
struct cvm_vpacked_desc {
	__le64 addr;
	__le32 len;
	__le16 id;
	__le16 flags;
};

/**
 * struct cvm_vpacked - the guest's private view of one packed virtqueue
 * @num: ring size (any value up to 32768)
 * @next_used: descriptor where the next used buffer is expected
 * @wrap: the driver's used wrap counter
 * @outstanding: buffers posted and not yet returned
 * @cap: [@num] writable bytes posted with each buffer id
 * @ndesc: [@num] descriptors each outstanding buffer takes, 0 if none
 * @race: test hook, called after the flags are read and before the rest
 */
struct cvm_vpacked {
	u16 num;
	u16 next_used;
	bool wrap;
	u16 outstanding;
	u16 multi;	/* outstanding buffers of more than one descriptor */
	u32 *cap;
	u16 *ndesc;
	struct cvm_ring_race race;
};

int cvm_vpacked_init(struct cvm_vpacked *r, u16 num, u32 *cap, u16 *ndesc,
		     u16 next_used, bool wrap);
int cvm_vpacked_post(struct cvm_vpacked *r, u16 id, u32 writable, u16 ndesc);
u32 cvm_vpacked_poll(struct cvm_vpacked *r,
		     const struct cvm_vpacked_desc *ring,
		     struct cvm_ring_done *done, u32 max);
bool cvm_vpacked_next(struct cvm_vpacked *r,
		      const struct cvm_vpacked_desc *ring,
		      struct cvm_ring_verdict *v, bool pass);

#endif /* _CVM_RING_VIRTIO_PACKED_H */
