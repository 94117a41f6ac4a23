/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_CVM_H
#define _UAPI_LINUX_CVM_H

#define CVM_FAMILY_NAME		"cvm"
#define CVM_FAMILY_VERSION	1

/**
 * enum cvm_technology - Confidential-computing technology of the guest as the
 *   kernel sees it. Names match `systemd-detect-virt --cvm` where they
 *   overlap.
 * @CVM_TECHNOLOGY_NONE: Not a confidential guest, or one this kernel cannot
 *   recognise.
 * @CVM_TECHNOLOGY_SEV: AMD SEV (memory encryption only).
 * @CVM_TECHNOLOGY_SEV_ES: AMD SEV-ES (memory and register state encryption).
 * @CVM_TECHNOLOGY_SEV_SNP: AMD SEV-SNP, including Hyper-V SNP isolation.
 * @CVM_TECHNOLOGY_TDX: Intel TDX, including Hyper-V TDX isolation.
 * @CVM_TECHNOLOGY_HYPERV_ISOLATED: Hyper-V isolation that is neither SNP nor
 *   TDX (VBS).
 */
enum cvm_technology {
	CVM_TECHNOLOGY_NONE,
	CVM_TECHNOLOGY_SEV,
	CVM_TECHNOLOGY_SEV_ES,
	CVM_TECHNOLOGY_SEV_SNP,
	CVM_TECHNOLOGY_TDX,
	CVM_TECHNOLOGY_HYPERV_ISOLATED,
};

/**
 * enum cvm_module - The cvmguard modules that can register with cvm_core.
 */
enum cvm_module {
	CVM_MODULE_CORE,
	CVM_MODULE_CONVERT,
	CVM_MODULE_BOUNCE,
	CVM_MODULE_RING,
};

/**
 * enum cvm_conv_state - State of a range in the shared-page ledger.
 * @CVM_CONV_STATE_SHARED: Converted to shared and owned by a live owner.
 * @CVM_CONV_STATE_LEAKED: A conversion failed, in either direction, so the
 *   pages are in an unknown state; they are withheld from the page allocator
 *   for good.
 */
enum cvm_conv_state {
	CVM_CONV_STATE_SHARED,
	CVM_CONV_STATE_LEAKED,
};

/**
 * enum cvm_conv_event - What a conv-ntf reports.
 * @CVM_CONV_EVENT_SHARE_FAILED: Conversion to shared failed; the pages may be
 *   partly shared and are leaked (a leaked event follows when the ledger
 *   tracked the conversion).
 * @CVM_CONV_EVENT_UNSHARE_FAILED: Conversion back to private failed.
 * @CVM_CONV_EVENT_LEAKED: Pages leaked on purpose after share-failed or
 *   unshare-failed.
 * @CVM_CONV_EVENT_ALREADY_SHARED: A share of a range that overlaps a range
 *   already shared.
 * @CVM_CONV_EVENT_NOT_SHARED: An unshare of a range the ledger never saw
 *   shared.
 * @CVM_CONV_EVENT_WRONG_OWNER: An unshare of a range shared by another owner.
 */
enum cvm_conv_event {
	CVM_CONV_EVENT_SHARE_FAILED,
	CVM_CONV_EVENT_UNSHARE_FAILED,
	CVM_CONV_EVENT_LEAKED,
	CVM_CONV_EVENT_ALREADY_SHARED,
	CVM_CONV_EVENT_NOT_SHARED,
	CVM_CONV_EVENT_WRONG_OWNER,
};

/**
 * enum cvm_ring_kind - What kind of host-written ring cvm_ring validates.
 * @CVM_RING_KIND_VIRTIO_SPLIT: Used ring of a virtio split virtqueue.
 * @CVM_RING_KIND_VIRTIO_PACKED: Descriptor ring of a virtio packed virtqueue.
 * @CVM_RING_KIND_VMBUS: Inbound Hyper-V vmbus ring buffer.
 * @CVM_RING_KIND_VIRTQUEUE: A live virtqueue of a real device, watched by the
 *   auditor.
 */
enum cvm_ring_kind {
	CVM_RING_KIND_VIRTIO_SPLIT,
	CVM_RING_KIND_VIRTIO_PACKED,
	CVM_RING_KIND_VMBUS,
	CVM_RING_KIND_VIRTQUEUE,
};

/**
 * enum cvm_ring_policy - What cvm_ring does with a violation on a ring.
 * @CVM_RING_POLICY_MONITOR: Count and report; pass the data through as the
 *   kernel would.
 * @CVM_RING_POLICY_ENFORCE: Count, report, refuse the data and mark the ring
 *   broken.
 */
enum cvm_ring_policy {
	CVM_RING_POLICY_MONITOR,
	CVM_RING_POLICY_ENFORCE,
};

/**
 * enum cvm_ring_reason - Why cvm_ring rejected host-written ring data.
 * @CVM_RING_REASON_NONE: Accepted.
 * @CVM_RING_REASON_IDX_ADVANCE: The used index moved by more than the chains
 *   outstanding.
 * @CVM_RING_REASON_ID_RANGE: A used id or buffer id not below the ring size.
 * @CVM_RING_REASON_ID_NOT_OUTSTANDING: A used id the guest has no chain or
 *   request outstanding for.
 * @CVM_RING_REASON_LEN_OVER: A used length above the writable capacity posted
 *   (live virtqueues: above all the bytes of the buffer, readable and
 *   writable).
 * @CVM_RING_REASON_FLAGS: Never reported since packed descriptors whose AVAIL
 *   and USED differ are read as "not used yet", as Linux and DPDK read them (a
 *   device skips the non-head descriptors of a chain, which keep the driver's
 *   flags of the lap before); kept so that the values after it do not move.
 * @CVM_RING_REASON_IDX_RANGE: A vmbus ring index not below the ring's data
 *   size.
 * @CVM_RING_REASON_IDX_ALIGN: A vmbus ring index not 8-byte aligned.
 * @CVM_RING_REASON_READ_IDX_MOVED: The host changed the read index the guest
 *   owns.
 * @CVM_RING_REASON_PKT_TYPE: A vmbus packet type the guest does not accept
 *   from the host.
 * @CVM_RING_REASON_HDR_BOUNDS: A vmbus packet header offset outside the
 *   packet.
 * @CVM_RING_REASON_PKT_BOUNDS: A vmbus packet beyond the bytes available in
 *   the ring.
 * @CVM_RING_REASON_PKT_TOO_BIG: A vmbus packet above the channel's maximum
 *   size.
 * @CVM_RING_REASON_TRAILER: A vmbus packet's trailing index does not name the
 *   packet's offset in its high 32 bits (the low 32 are reserved and not
 *   checked).
 * @CVM_RING_REASON_TRANS_ID: A vmbus completion for no outstanding transaction
 *   id.
 * @CVM_RING_REASON_TOKEN: A live virtqueue returned a token the auditor never
 *   saw posted.
 */
enum cvm_ring_reason {
	CVM_RING_REASON_NONE,
	CVM_RING_REASON_IDX_ADVANCE,
	CVM_RING_REASON_ID_RANGE,
	CVM_RING_REASON_ID_NOT_OUTSTANDING,
	CVM_RING_REASON_LEN_OVER,
	CVM_RING_REASON_FLAGS,
	CVM_RING_REASON_IDX_RANGE,
	CVM_RING_REASON_IDX_ALIGN,
	CVM_RING_REASON_READ_IDX_MOVED,
	CVM_RING_REASON_PKT_TYPE,
	CVM_RING_REASON_HDR_BOUNDS,
	CVM_RING_REASON_PKT_BOUNDS,
	CVM_RING_REASON_PKT_TOO_BIG,
	CVM_RING_REASON_TRAILER,
	CVM_RING_REASON_TRANS_ID,
	CVM_RING_REASON_TOKEN,

	/* private: */
	__CVM_RING_REASON_MAX,
	CVM_RING_REASON_MAX = (__CVM_RING_REASON_MAX - 1)
};

/**
 * enum cvm_bounce_event - What a pool-ntf reports.
 * @CVM_BOUNCE_EVENT_STRAY: Unmap or sync of an address that is not the start
 *   of a live mapping of this device (never mapped, or mapped by another one).
 * @CVM_BOUNCE_EVENT_DOUBLE_UNMAP: Unmap of a mapping that was already
 *   unmapped.
 * @CVM_BOUNCE_EVENT_SIZE_MISMATCH: Unmap with a size other than the mapped
 *   one; the mapping ends all the same (slots released by the mapped size).
 * @CVM_BOUNCE_EVENT_DIR_MISMATCH: Unmap or sync with a direction other than
 *   the mapped one (a bidirectional mapping may be synced either way). A sync
 *   is refused; an unmap ends the mapping all the same.
 * @CVM_BOUNCE_EVENT_SYNC_RANGE: Sync of a range that is not inside the
 *   mapping.
 * @CVM_BOUNCE_EVENT_EXHAUSTED: A mapping failed because the pool had no room
 *   for it.
 * @CVM_BOUNCE_EVENT_GROW: The pool added a chunk.
 * @CVM_BOUNCE_EVENT_SHRINK: The pool gave an idle chunk back to private
 *   memory.
 * @CVM_BOUNCE_EVENT_CHUNK_LEAKED: Converting an idle chunk back to private
 *   failed: the chunk is leaked through the cvm_convert ledger and never used
 *   again.
 * @CVM_BOUNCE_EVENT_TOO_BIG: A mapping larger than the pool's maximum mapping
 *   size.
 * @CVM_BOUNCE_EVENT_DRIVER_LEAK: The device's driver left mappings live after
 *   it unbound (or the device was removed with them live). An unbound device
 *   has been reset and can no longer DMA, so the pool scrubbed those slots and
 *   took them back; size is the bytes, addr 0. A driver that leaves coherent
 *   memory is reported the same way on removal, with error -EBUSY: those pages
 *   stay shared in the ledger.
 */
enum cvm_bounce_event {
	CVM_BOUNCE_EVENT_STRAY,
	CVM_BOUNCE_EVENT_DOUBLE_UNMAP,
	CVM_BOUNCE_EVENT_SIZE_MISMATCH,
	CVM_BOUNCE_EVENT_DIR_MISMATCH,
	CVM_BOUNCE_EVENT_SYNC_RANGE,
	CVM_BOUNCE_EVENT_EXHAUSTED,
	CVM_BOUNCE_EVENT_GROW,
	CVM_BOUNCE_EVENT_SHRINK,
	CVM_BOUNCE_EVENT_CHUNK_LEAKED,
	CVM_BOUNCE_EVENT_TOO_BIG,
	CVM_BOUNCE_EVENT_DRIVER_LEAK,
};

enum {
	CVM_A_STATUS_VERSION = 1,
	CVM_A_STATUS_TECHNOLOGY,
	CVM_A_STATUS_TECHNOLOGY_NAME,
	CVM_A_STATUS_MEM_ENCRYPT,
	CVM_A_STATUS_EVENT_RATELIMIT,
	CVM_A_STATUS_EVENTS_SENT,
	CVM_A_STATUS_EVENTS_DROPPED,
	CVM_A_STATUS_MODULE,
	CVM_A_STATUS_PAD,

	__CVM_A_STATUS_MAX,
	CVM_A_STATUS_MAX = (__CVM_A_STATUS_MAX - 1)
};

enum {
	CVM_A_MODULE_INFO_ID = 1,
	CVM_A_MODULE_INFO_NAME,
	CVM_A_MODULE_INFO_VERSION,

	__CVM_A_MODULE_INFO_MAX,
	CVM_A_MODULE_INFO_MAX = (__CVM_A_MODULE_INFO_MAX - 1)
};

enum {
	CVM_A_CONV_SHARED_PAGES = 1,
	CVM_A_CONV_PEAK_PAGES,
	CVM_A_CONV_SHARE_OPS,
	CVM_A_CONV_UNSHARE_OPS,
	CVM_A_CONV_SHARE_FAILURES,
	CVM_A_CONV_UNSHARE_FAILURES,
	CVM_A_CONV_LEAKED_PAGES,
	CVM_A_CONV_ANOMALIES,
	CVM_A_CONV_RANGES,
	CVM_A_CONV_OWNERS,
	CVM_A_CONV_OBSERVER,
	CVM_A_CONV_OBSERVER_REASON,
	CVM_A_CONV_OBSERVED_OPS,
	CVM_A_CONV_PAD,

	__CVM_A_CONV_MAX,
	CVM_A_CONV_MAX = (__CVM_A_CONV_MAX - 1)
};

enum {
	CVM_A_CONV_RANGE_START_PFN = 1,
	CVM_A_CONV_RANGE_PAGES,
	CVM_A_CONV_RANGE_OWNER,
	CVM_A_CONV_RANGE_STATE,
	CVM_A_CONV_RANGE_AGE_MS,
	CVM_A_CONV_RANGE_PAD,

	__CVM_A_CONV_RANGE_MAX,
	CVM_A_CONV_RANGE_MAX = (__CVM_A_CONV_RANGE_MAX - 1)
};

enum {
	CVM_A_CONV_OWNER_NAME = 1,
	CVM_A_CONV_OWNER_SHARED_PAGES,
	CVM_A_CONV_OWNER_PEAK_PAGES,
	CVM_A_CONV_OWNER_SHARE_OPS,
	CVM_A_CONV_OWNER_UNSHARE_OPS,
	CVM_A_CONV_OWNER_FAILURES,
	CVM_A_CONV_OWNER_LEAKED_PAGES,
	CVM_A_CONV_OWNER_ANOMALIES,
	CVM_A_CONV_OWNER_PAD,

	__CVM_A_CONV_OWNER_MAX,
	CVM_A_CONV_OWNER_MAX = (__CVM_A_CONV_OWNER_MAX - 1)
};

enum {
	CVM_A_CONV_NTF_EVENT = 1,
	CVM_A_CONV_NTF_OWNER,
	CVM_A_CONV_NTF_START_PFN,
	CVM_A_CONV_NTF_PAGES,
	CVM_A_CONV_NTF_ERROR,
	CVM_A_CONV_NTF_PAD,

	__CVM_A_CONV_NTF_MAX,
	CVM_A_CONV_NTF_MAX = (__CVM_A_CONV_NTF_MAX - 1)
};

enum {
	CVM_A_RING_RINGS = 1,
	CVM_A_RING_CHECKED,
	CVM_A_RING_VIOLATIONS,
	CVM_A_RING_BROKEN,
	CVM_A_RING_PAD,
	CVM_A_RING_AUDITOR,
	CVM_A_RING_AUDITOR_MISSED,

	__CVM_A_RING_MAX,
	CVM_A_RING_MAX = (__CVM_A_RING_MAX - 1)
};

enum {
	CVM_A_RING_INFO_ID = 1,
	CVM_A_RING_INFO_KIND,
	CVM_A_RING_INFO_OWNER,
	CVM_A_RING_INFO_POLICY,
	CVM_A_RING_INFO_BROKEN,
	CVM_A_RING_INFO_CHECKED,
	CVM_A_RING_INFO_VIOLATIONS,
	CVM_A_RING_INFO_REASON,
	CVM_A_RING_INFO_PAD,
	CVM_A_RING_INFO_OVERSTATED,
	CVM_A_RING_INFO_CLAMPED,

	__CVM_A_RING_INFO_MAX,
	CVM_A_RING_INFO_MAX = (__CVM_A_RING_INFO_MAX - 1)
};

enum {
	CVM_A_RING_REASON_COUNT_REASON = 1,
	CVM_A_RING_REASON_COUNT_NAME,
	CVM_A_RING_REASON_COUNT_COUNT,
	CVM_A_RING_REASON_COUNT_PAD,

	__CVM_A_RING_REASON_COUNT_MAX,
	CVM_A_RING_REASON_COUNT_MAX = (__CVM_A_RING_REASON_COUNT_MAX - 1)
};

enum {
	CVM_A_RING_NTF_ID = 1,
	CVM_A_RING_NTF_KIND,
	CVM_A_RING_NTF_OWNER,
	CVM_A_RING_NTF_REASON,
	CVM_A_RING_NTF_POLICY,
	CVM_A_RING_NTF_VALUE,
	CVM_A_RING_NTF_LIMIT,
	CVM_A_RING_NTF_PAD,

	__CVM_A_RING_NTF_MAX,
	CVM_A_RING_NTF_MAX = (__CVM_A_RING_NTF_MAX - 1)
};

enum {
	CVM_A_POOL_SIZE = 1,
	CVM_A_POOL_SLOTS,
	CVM_A_POOL_USED,
	CVM_A_POOL_HIGH_WATER,
	CVM_A_POOL_SLOT_SIZE,
	CVM_A_POOL_CHUNKS,
	CVM_A_POOL_MAX_CHUNKS,
	CVM_A_POOL_MAX_MAPPING,
	CVM_A_POOL_MAPS,
	CVM_A_POOL_UNMAPS,
	CVM_A_POOL_BYTES,
	CVM_A_POOL_SYNCS,
	CVM_A_POOL_FAILURES,
	CVM_A_POOL_VIOLATIONS,
	CVM_A_POOL_GROWS,
	CVM_A_POOL_SHRINKS,
	CVM_A_POOL_LEAKED_CHUNKS,
	CVM_A_POOL_WAITS,
	CVM_A_POOL_ZERO_FROM_DEVICE,
	CVM_A_POOL_ZERO_SLACK,
	CVM_A_POOL_SCRUB,
	CVM_A_POOL_MISUSE_WARN,
	CVM_A_POOL_WAIT_MS,
	CVM_A_POOL_IDLE_MS,
	CVM_A_POOL_PAD,
	CVM_A_POOL_DRIVER_LEAKS,
	CVM_A_POOL_COHERENT_REFUSED,

	__CVM_A_POOL_MAX,
	CVM_A_POOL_MAX = (__CVM_A_POOL_MAX - 1)
};

enum {
	CVM_A_POOL_DEV_NAME = 1,
	CVM_A_POOL_DEV_ATTACHED,
	CVM_A_POOL_DEV_MAPS,
	CVM_A_POOL_DEV_UNMAPS,
	CVM_A_POOL_DEV_BYTES,
	CVM_A_POOL_DEV_SYNCS,
	CVM_A_POOL_DEV_INFLIGHT_SLOTS,
	CVM_A_POOL_DEV_INFLIGHT_BYTES,
	CVM_A_POOL_DEV_HIGH_WATER,
	CVM_A_POOL_DEV_FAILURES,
	CVM_A_POOL_DEV_VIOLATIONS,
	CVM_A_POOL_DEV_STRAY,
	CVM_A_POOL_DEV_DOUBLE_UNMAP,
	CVM_A_POOL_DEV_SIZE_MISMATCH,
	CVM_A_POOL_DEV_DIR_MISMATCH,
	CVM_A_POOL_DEV_SYNC_RANGE,
	CVM_A_POOL_DEV_WAITS,
	CVM_A_POOL_DEV_PAD,
	CVM_A_POOL_DEV_COHERENT_PAGES,
	CVM_A_POOL_DEV_ZERO_FROM_DEVICE,

	__CVM_A_POOL_DEV_MAX,
	CVM_A_POOL_DEV_MAX = (__CVM_A_POOL_DEV_MAX - 1)
};

enum {
	CVM_A_POOL_ATTACH_DEVICE = 1,
	CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE,

	__CVM_A_POOL_ATTACH_MAX,
	CVM_A_POOL_ATTACH_MAX = (__CVM_A_POOL_ATTACH_MAX - 1)
};

enum {
	CVM_A_POOL_NTF_EVENT = 1,
	CVM_A_POOL_NTF_DEVICE,
	CVM_A_POOL_NTF_ADDR,
	CVM_A_POOL_NTF_SIZE,
	CVM_A_POOL_NTF_ERROR,
	CVM_A_POOL_NTF_PAD,

	__CVM_A_POOL_NTF_MAX,
	CVM_A_POOL_NTF_MAX = (__CVM_A_POOL_NTF_MAX - 1)
};

enum {
	CVM_A_SWIOTLB_OBSERVER = 1,
	CVM_A_SWIOTLB_OBSERVER_REASON,
	CVM_A_SWIOTLB_MAPS,
	CVM_A_SWIOTLB_UNMAPS,
	CVM_A_SWIOTLB_BYTES,
	CVM_A_SWIOTLB_FAILURES,
	CVM_A_SWIOTLB_INFLIGHT_SLOTS,
	CVM_A_SWIOTLB_HIGH_WATER,
	CVM_A_SWIOTLB_ADVICE_SLABS,
	CVM_A_SWIOTLB_PAD,

	__CVM_A_SWIOTLB_MAX,
	CVM_A_SWIOTLB_MAX = (__CVM_A_SWIOTLB_MAX - 1)
};

enum {
	CVM_A_SWIOTLB_DEV_NAME = 1,
	CVM_A_SWIOTLB_DEV_MAPS,
	CVM_A_SWIOTLB_DEV_UNMAPS,
	CVM_A_SWIOTLB_DEV_BYTES,
	CVM_A_SWIOTLB_DEV_FAILURES,
	CVM_A_SWIOTLB_DEV_INFLIGHT_SLOTS,
	CVM_A_SWIOTLB_DEV_INFLIGHT_BYTES,
	CVM_A_SWIOTLB_DEV_HIGH_WATER,
	CVM_A_SWIOTLB_DEV_PAD,

	__CVM_A_SWIOTLB_DEV_MAX,
	CVM_A_SWIOTLB_DEV_MAX = (__CVM_A_SWIOTLB_DEV_MAX - 1)
};

enum {
	CVM_A_CONFIG_EVENT_RATELIMIT = 1,

	__CVM_A_CONFIG_MAX,
	CVM_A_CONFIG_MAX = (__CVM_A_CONFIG_MAX - 1)
};

enum {
	CVM_CMD_GET_STATUS = 1,
	CVM_CMD_SET_CONFIG,
	CVM_CMD_CONFIG_NTF,
	CVM_CMD_CONV_GET,
	CVM_CMD_POOL_GET,
	CVM_CMD_RING_GET,
	CVM_CMD_CONV_SET,
	CVM_CMD_CONV_RANGE_GET,
	CVM_CMD_CONV_OWNER_GET,
	CVM_CMD_CONV_NTF,
	CVM_CMD_RING_LIST_GET,
	CVM_CMD_RING_SET,
	CVM_CMD_RING_NTF,
	CVM_CMD_POOL_SET,
	CVM_CMD_POOL_DEV_GET,
	CVM_CMD_POOL_ATTACH,
	CVM_CMD_POOL_DETACH,
	CVM_CMD_POOL_NTF,
	CVM_CMD_SWIOTLB_GET,
	CVM_CMD_SWIOTLB_SET,
	CVM_CMD_SWIOTLB_DEV_GET,
	CVM_CMD_RING_AUDITOR_SET,

	__CVM_CMD_MAX,
	CVM_CMD_MAX = (__CVM_CMD_MAX - 1)
};

#define CVM_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_CVM_H */
