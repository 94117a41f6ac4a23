/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validator of an inbound Hyper-V vmbus ring buffer: the host writes
 * packets and the write index, the guest reads them and owns the read
 * index.
 */
#ifndef _CVM_RING_VMBUS_H
#define _CVM_RING_VMBUS_H

#include "ring_check.h"

/* Packet types (include/linux/hyperv.h, enum vmbus_packet_type). */
#define CVM_VMBUS_PKT_DATA_INBAND	0x6
#define CVM_VMBUS_PKT_DATA_XFER_PAGES	0x7
#define CVM_VMBUS_PKT_COMP		0xb

/* The start of struct hv_ring_buffer: the rest is not validated. */
struct cvm_vmbus_ring_hdr {
	__le32 write_index;
	__le32 read_index;
	__le32 interrupt_mask;
	__le32 pending_send_sz;
};

/* struct vmpacket_descriptor: lengths in units of 8 bytes. */
struct cvm_vmbus_desc {
	__le16 type;
	__le16 offset8;
	__le16 len8;
	__le16 flags;
	__le64 trans_id;
};

#define CVM_VMBUS_TRAILER	8
#define CVM_VMBUS_MIN_PKT	sizeof(struct cvm_vmbus_desc)

/**
 * struct cvm_vmbus - the guest's private view of one inbound ring
 * @dsize: bytes in the ring's data area, a multiple of 8
 * @read: the guest's read index: the copy in the ring header is only for
 *	the host to see, and is never trusted back
 * @max_pkt: the channel's largest packet (descriptor included), bytes
 * @trans: [@ntrans] transaction ids of requests outstanding
 * @trans_busy: [@ntrans] 1 where @trans holds an outstanding id
 * @ntrans: slots in @trans
 * @race: test hook, called after the descriptor is copied and before the
 *	rest of the packet is
 */
struct cvm_vmbus {
	u32 dsize;
	u32 read;
	u32 max_pkt;
	u64 *trans;
	u8 *trans_busy;
	u32 ntrans;
	struct cvm_ring_race race;
};

int cvm_vmbus_init(struct cvm_vmbus *r, u32 dsize, u32 read, u32 max_pkt,
		   u64 *trans, u8 *trans_busy, u32 ntrans);
int cvm_vmbus_request(struct cvm_vmbus *r, u64 trans_id);
bool cvm_vmbus_recv(struct cvm_vmbus *r, struct cvm_vmbus_ring_hdr *hdr,
		    const u8 *data, void *buf, struct cvm_ring_verdict *v,
		    bool pass);
u32 cvm_vmbus_poll(struct cvm_vmbus *r, struct cvm_vmbus_ring_hdr *hdr,
		   const u8 *data, void *const *bufs, u32 n);

#endif /* _CVM_RING_VMBUS_H */
