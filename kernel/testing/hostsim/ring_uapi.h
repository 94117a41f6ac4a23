/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * TEST-ONLY interface of cvm_hostsim_ring (/dev/cvm_hostsim_ring), shared
 * by the module and selftests/cvm_ring_test.c. Each open file is one ring
 * in memory shared with the host (through cvm_convert): the test mmaps it,
 * writes what a hostile host would, and asks the guest side to consume.
 *
 * Layout of the mapping, by kind:
 *   virtio-split   the used ring at 0: le16 flags, le16 idx, num x {le32
 *                  id, le32 len}
 *   virtio-packed  num descriptors at 0: {le64 addr, le32 len, le16 id,
 *                  le16 flags}
 *   vmbus          the ring header at 0 (le32 write_index, le32
 *                  read_index, ...), the data area (dsize bytes) at 4096
 */
#ifndef _CVM_HOSTSIM_RING_UAPI_H
#define _CVM_HOSTSIM_RING_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define CVM_HSR_DEV		"/dev/cvm_hostsim_ring"
#define CVM_HSR_MAX_NUM		256
#define CVM_HSR_MAX_DSIZE	(64 * 1024)
#define CVM_HSR_MAX_TRANS	64
#define CVM_HSR_MAX_RESULTS	1024
#define CVM_HSR_VMBUS_DATA	4096

/**
 * struct cvm_hsr_setup - the ring of this file (once per file)
 * @kind: enum cvm_ring_kind (virtio-split, virtio-packed or vmbus)
 * @policy: enum cvm_ring_policy to register it with
 * @num: virtio ring size (split: power of two), 1..CVM_HSR_MAX_NUM
 * @dsize: vmbus data bytes, multiple of 8, 32..CVM_HSR_MAX_DSIZE
 * @max_pkt: vmbus channel's largest packet
 * @ring_id: out: id in cvm_ring's registry
 * @map_size: out: bytes to mmap
 */
struct cvm_hsr_setup {
	__u32 kind;
	__u32 policy;
	__u32 num;
	__u32 dsize;
	__u32 max_pkt;
	__u32 ring_id;
	__u32 map_size;
	__u32 pad;
};

/**
 * struct cvm_hsr_post - what the guest made available before the host ran
 * @id: split: head; packed: buffer id
 * @cap: writable bytes of the chain or buffer
 * @ndesc: packed: descriptors the buffer takes
 * @trans_id: vmbus: request outstanding
 */
struct cvm_hsr_post {
	__u32 id;
	__u32 cap;
	__u32 ndesc;
	__u32 pad;
	__u64 trans_id;
};

/**
 * struct cvm_hsr_result - one verdict, as the guest's validator gave it
 * @reason: enum cvm_ring_reason
 * @id: split/packed: id read; vmbus: packet type
 * @len: length read (vmbus: packet bytes)
 * @consumed: 1 if the guest moved past the entry
 * @value: offending value
 * @limit: its bound
 * @head: vmbus: the first 16 bytes of the guest's private copy
 */
struct cvm_hsr_result {
	__u32 reason;
	__u32 id;
	__u32 len;
	__u32 consumed;
	__u64 value;
	__u64 limit;
	__u8 head[16];
};

/**
 * struct cvm_hsr_run - reset the guest's state, then let it consume
 * @start: split: last used index; packed: next used descriptor; vmbus:
 *	read index (the test writes the header's copy itself)
 * @wrap: packed: used wrap counter (0 or 1)
 * @nposts: entries at @posts
 * @max_results: room at @results
 * @posts: user pointer to struct cvm_hsr_post[]
 * @results: user pointer to struct cvm_hsr_result[]
 * @race_at: the host writes @race_val after the validator's @race_at-th
 *	read point (after each copied entry, packed flags word, vmbus
 *	descriptor; 1-based), 0 for never
 * @race_off: offset in the mapping of the write
 * @race_len: bytes of @race_val written (1, 2, 4 or 8)
 * @race_val: value written, little endian
 * @idx_reason: out: split: verdict on the used index
 * @nresults: out: verdicts written to @results
 * @accepted: out: entries accepted
 * @rejected: out: entries rejected
 * @broken: out: 1 if the ring is broken afterwards (enforce)
 */
struct cvm_hsr_run {
	__u32 start;
	__u32 wrap;
	__u32 nposts;
	__u32 max_results;
	__u64 posts;
	__u64 results;
	__u32 race_at;
	__u32 race_off;
	__u32 race_len;
	__u32 pad;
	__u64 race_val;
	__u32 idx_reason;
	__u32 nresults;
	__u32 accepted;
	__u32 rejected;
	__u32 broken;
	__u32 pad2;
};

#define CVM_HSR_IOC_SETUP	_IOWR('C', 0x50, struct cvm_hsr_setup)
#define CVM_HSR_IOC_RUN		_IOWR('C', 0x51, struct cvm_hsr_run)

#endif /* _CVM_HOSTSIM_RING_UAPI_H */
