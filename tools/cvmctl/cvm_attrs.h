/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Do not edit: generated from Documentation/netlink/specs/cvm.yaml
 * by scripts/ynl-names.py (scripts/ynl-gen.sh).
 */

#ifndef _CVM_ATTRS_H
#define _CVM_ATTRS_H

#include <linux/cvm.h>

#define CVM_STATUS_ATTRS(X) \
	X(CVM_A_STATUS_VERSION, version, STRING) \
	X(CVM_A_STATUS_TECHNOLOGY, technology, U32) \
	X(CVM_A_STATUS_TECHNOLOGY_NAME, technology_name, STRING) \
	X(CVM_A_STATUS_MEM_ENCRYPT, mem_encrypt, U8) \
	X(CVM_A_STATUS_EVENT_RATELIMIT, event_ratelimit, U32) \
	X(CVM_A_STATUS_EVENTS_SENT, events_sent, U64) \
	X(CVM_A_STATUS_EVENTS_DROPPED, events_dropped, U64) \
	/* end of status */

#define CVM_MODULE_INFO_ATTRS(X) \
	X(CVM_A_MODULE_INFO_ID, id, U32) \
	X(CVM_A_MODULE_INFO_NAME, name, STRING) \
	X(CVM_A_MODULE_INFO_VERSION, version, STRING) \
	/* end of module-info */

#define CVM_CONV_ATTRS(X) \
	X(CVM_A_CONV_SHARED_PAGES, shared_pages, U64) \
	X(CVM_A_CONV_PEAK_PAGES, peak_pages, U64) \
	X(CVM_A_CONV_SHARE_OPS, share_ops, U64) \
	X(CVM_A_CONV_UNSHARE_OPS, unshare_ops, U64) \
	X(CVM_A_CONV_SHARE_FAILURES, share_failures, U64) \
	X(CVM_A_CONV_UNSHARE_FAILURES, unshare_failures, U64) \
	X(CVM_A_CONV_LEAKED_PAGES, leaked_pages, U64) \
	X(CVM_A_CONV_ANOMALIES, anomalies, U64) \
	X(CVM_A_CONV_RANGES, ranges, U32) \
	X(CVM_A_CONV_OWNERS, owners, U32) \
	X(CVM_A_CONV_OBSERVER, observer, U8) \
	X(CVM_A_CONV_OBSERVER_REASON, observer_reason, STRING) \
	X(CVM_A_CONV_OBSERVED_OPS, observed_ops, U64) \
	/* end of conv */

#define CVM_CONV_RANGE_ATTRS(X) \
	X(CVM_A_CONV_RANGE_START_PFN, start_pfn, U64) \
	X(CVM_A_CONV_RANGE_PAGES, pages, U64) \
	X(CVM_A_CONV_RANGE_OWNER, owner, STRING) \
	X(CVM_A_CONV_RANGE_STATE, state, U32) \
	X(CVM_A_CONV_RANGE_AGE_MS, age_ms, U64) \
	/* end of conv-range */

#define CVM_CONV_OWNER_ATTRS(X) \
	X(CVM_A_CONV_OWNER_NAME, name, STRING) \
	X(CVM_A_CONV_OWNER_SHARED_PAGES, shared_pages, U64) \
	X(CVM_A_CONV_OWNER_PEAK_PAGES, peak_pages, U64) \
	X(CVM_A_CONV_OWNER_SHARE_OPS, share_ops, U64) \
	X(CVM_A_CONV_OWNER_UNSHARE_OPS, unshare_ops, U64) \
	X(CVM_A_CONV_OWNER_FAILURES, failures, U64) \
	X(CVM_A_CONV_OWNER_LEAKED_PAGES, leaked_pages, U64) \
	X(CVM_A_CONV_OWNER_ANOMALIES, anomalies, U64) \
	/* end of conv-owner */

#define CVM_CONV_NTF_ATTRS(X) \
	X(CVM_A_CONV_NTF_EVENT, event, U32) \
	X(CVM_A_CONV_NTF_OWNER, owner, STRING) \
	X(CVM_A_CONV_NTF_START_PFN, start_pfn, U64) \
	X(CVM_A_CONV_NTF_PAGES, pages, U64) \
	X(CVM_A_CONV_NTF_ERROR, error, S32) \
	/* end of conv-ntf */

#define CVM_RING_ATTRS(X) \
	X(CVM_A_RING_RINGS, rings, U32) \
	X(CVM_A_RING_CHECKED, checked, U64) \
	X(CVM_A_RING_VIOLATIONS, violations, U64) \
	X(CVM_A_RING_BROKEN, broken, U32) \
	X(CVM_A_RING_AUDITOR, auditor, U8) \
	X(CVM_A_RING_AUDITOR_MISSED, auditor_missed, U64) \
	/* end of ring */

#define CVM_RING_INFO_ATTRS(X) \
	X(CVM_A_RING_INFO_ID, id, U32) \
	X(CVM_A_RING_INFO_KIND, kind, U32) \
	X(CVM_A_RING_INFO_OWNER, owner, STRING) \
	X(CVM_A_RING_INFO_POLICY, policy, U32) \
	X(CVM_A_RING_INFO_BROKEN, broken, U8) \
	X(CVM_A_RING_INFO_CHECKED, checked, U64) \
	X(CVM_A_RING_INFO_VIOLATIONS, violations, U64) \
	X(CVM_A_RING_INFO_OVERSTATED, overstated, U64) \
	X(CVM_A_RING_INFO_CLAMPED, clamped, U64) \
	/* end of ring-info */

#define CVM_RING_REASON_COUNT_ATTRS(X) \
	X(CVM_A_RING_REASON_COUNT_REASON, reason, U32) \
	X(CVM_A_RING_REASON_COUNT_NAME, name, STRING) \
	X(CVM_A_RING_REASON_COUNT_COUNT, count, U64) \
	/* end of ring-reason-count */

#define CVM_RING_NTF_ATTRS(X) \
	X(CVM_A_RING_NTF_ID, id, U32) \
	X(CVM_A_RING_NTF_KIND, kind, U32) \
	X(CVM_A_RING_NTF_OWNER, owner, STRING) \
	X(CVM_A_RING_NTF_REASON, reason, U32) \
	X(CVM_A_RING_NTF_POLICY, policy, U32) \
	X(CVM_A_RING_NTF_VALUE, value, U64) \
	X(CVM_A_RING_NTF_LIMIT, limit, U64) \
	/* end of ring-ntf */

#define CVM_POOL_ATTRS(X) \
	X(CVM_A_POOL_SIZE, size, U64) \
	X(CVM_A_POOL_SLOTS, slots, U64) \
	X(CVM_A_POOL_USED, used, U64) \
	X(CVM_A_POOL_HIGH_WATER, high_water, U64) \
	X(CVM_A_POOL_SLOT_SIZE, slot_size, U32) \
	X(CVM_A_POOL_CHUNKS, chunks, U32) \
	X(CVM_A_POOL_MAX_CHUNKS, max_chunks, U32) \
	X(CVM_A_POOL_MAX_MAPPING, max_mapping, U32) \
	X(CVM_A_POOL_MAPS, maps, U64) \
	X(CVM_A_POOL_UNMAPS, unmaps, U64) \
	X(CVM_A_POOL_BYTES, bytes, U64) \
	X(CVM_A_POOL_SYNCS, syncs, U64) \
	X(CVM_A_POOL_FAILURES, failures, U64) \
	X(CVM_A_POOL_VIOLATIONS, violations, U64) \
	X(CVM_A_POOL_GROWS, grows, U64) \
	X(CVM_A_POOL_SHRINKS, shrinks, U64) \
	X(CVM_A_POOL_LEAKED_CHUNKS, leaked_chunks, U64) \
	X(CVM_A_POOL_WAITS, waits, U64) \
	X(CVM_A_POOL_ZERO_FROM_DEVICE, zero_from_device, U8) \
	X(CVM_A_POOL_ZERO_SLACK, zero_slack, U8) \
	X(CVM_A_POOL_SCRUB, scrub, U8) \
	X(CVM_A_POOL_MISUSE_WARN, misuse_warn, U8) \
	X(CVM_A_POOL_WAIT_MS, wait_ms, U32) \
	X(CVM_A_POOL_IDLE_MS, idle_ms, U32) \
	X(CVM_A_POOL_DRIVER_LEAKS, driver_leaks, U64) \
	X(CVM_A_POOL_COHERENT_REFUSED, coherent_refused, U64) \
	/* end of pool */

#define CVM_POOL_DEV_ATTRS(X) \
	X(CVM_A_POOL_DEV_NAME, name, STRING) \
	X(CVM_A_POOL_DEV_ATTACHED, attached, U8) \
	X(CVM_A_POOL_DEV_MAPS, maps, U64) \
	X(CVM_A_POOL_DEV_UNMAPS, unmaps, U64) \
	X(CVM_A_POOL_DEV_BYTES, bytes, U64) \
	X(CVM_A_POOL_DEV_SYNCS, syncs, U64) \
	X(CVM_A_POOL_DEV_INFLIGHT_SLOTS, inflight_slots, U64) \
	X(CVM_A_POOL_DEV_INFLIGHT_BYTES, inflight_bytes, U64) \
	X(CVM_A_POOL_DEV_HIGH_WATER, high_water, U64) \
	X(CVM_A_POOL_DEV_FAILURES, failures, U64) \
	X(CVM_A_POOL_DEV_VIOLATIONS, violations, U64) \
	X(CVM_A_POOL_DEV_STRAY, stray, U64) \
	X(CVM_A_POOL_DEV_DOUBLE_UNMAP, double_unmap, U64) \
	X(CVM_A_POOL_DEV_SIZE_MISMATCH, size_mismatch, U64) \
	X(CVM_A_POOL_DEV_DIR_MISMATCH, dir_mismatch, U64) \
	X(CVM_A_POOL_DEV_SYNC_RANGE, sync_range, U64) \
	X(CVM_A_POOL_DEV_WAITS, waits, U64) \
	X(CVM_A_POOL_DEV_COHERENT_PAGES, coherent_pages, U64) \
	X(CVM_A_POOL_DEV_ZERO_FROM_DEVICE, zero_from_device, U8) \
	/* end of pool-dev */

#define CVM_POOL_ATTACH_ATTRS(X) \
	X(CVM_A_POOL_ATTACH_DEVICE, device, STRING) \
	X(CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE, zero_from_device, U8) \
	/* end of pool-attach */

#define CVM_POOL_NTF_ATTRS(X) \
	X(CVM_A_POOL_NTF_EVENT, event, U32) \
	X(CVM_A_POOL_NTF_DEVICE, device, STRING) \
	X(CVM_A_POOL_NTF_ADDR, addr, U64) \
	X(CVM_A_POOL_NTF_SIZE, size, U64) \
	X(CVM_A_POOL_NTF_ERROR, error, S32) \
	/* end of pool-ntf */

#define CVM_SWIOTLB_ATTRS(X) \
	X(CVM_A_SWIOTLB_OBSERVER, observer, U8) \
	X(CVM_A_SWIOTLB_OBSERVER_REASON, observer_reason, STRING) \
	X(CVM_A_SWIOTLB_MAPS, maps, U64) \
	X(CVM_A_SWIOTLB_UNMAPS, unmaps, U64) \
	X(CVM_A_SWIOTLB_BYTES, bytes, U64) \
	X(CVM_A_SWIOTLB_FAILURES, failures, U64) \
	X(CVM_A_SWIOTLB_INFLIGHT_SLOTS, inflight_slots, U64) \
	X(CVM_A_SWIOTLB_HIGH_WATER, high_water, U64) \
	X(CVM_A_SWIOTLB_ADVICE_SLABS, advice_slabs, U64) \
	/* end of swiotlb */

#define CVM_SWIOTLB_DEV_ATTRS(X) \
	X(CVM_A_SWIOTLB_DEV_NAME, name, STRING) \
	X(CVM_A_SWIOTLB_DEV_MAPS, maps, U64) \
	X(CVM_A_SWIOTLB_DEV_UNMAPS, unmaps, U64) \
	X(CVM_A_SWIOTLB_DEV_BYTES, bytes, U64) \
	X(CVM_A_SWIOTLB_DEV_FAILURES, failures, U64) \
	X(CVM_A_SWIOTLB_DEV_INFLIGHT_SLOTS, inflight_slots, U64) \
	X(CVM_A_SWIOTLB_DEV_INFLIGHT_BYTES, inflight_bytes, U64) \
	X(CVM_A_SWIOTLB_DEV_HIGH_WATER, high_water, U64) \
	/* end of swiotlb-dev */

#define CVM_CONFIG_ATTRS(X) \
	X(CVM_A_CONFIG_EVENT_RATELIMIT, event_ratelimit, U32) \
	/* end of config */

#endif /* _CVM_ATTRS_H */
