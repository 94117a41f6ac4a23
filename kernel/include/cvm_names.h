/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Do not edit: generated from Documentation/netlink/specs/cvm.yaml
 * by scripts/ynl-names.py (scripts/ynl-gen.sh).
 */

#ifndef _CVM_NAMES_H
#define _CVM_NAMES_H

#include <uapi/linux/cvm.h>

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_technology_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_TECHNOLOGY_NONE] = "none",
		[CVM_TECHNOLOGY_SEV] = "sev",
		[CVM_TECHNOLOGY_SEV_ES] = "sev-es",
		[CVM_TECHNOLOGY_SEV_SNP] = "sev-snp",
		[CVM_TECHNOLOGY_TDX] = "tdx",
		[CVM_TECHNOLOGY_HYPERV_ISOLATED] = "hyperv-isolated",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_module_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_MODULE_CORE] = "core",
		[CVM_MODULE_CONVERT] = "convert",
		[CVM_MODULE_BOUNCE] = "bounce",
		[CVM_MODULE_RING] = "ring",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_conv_state_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_CONV_STATE_SHARED] = "shared",
		[CVM_CONV_STATE_LEAKED] = "leaked",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_conv_event_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_CONV_EVENT_SHARE_FAILED] = "share-failed",
		[CVM_CONV_EVENT_UNSHARE_FAILED] = "unshare-failed",
		[CVM_CONV_EVENT_LEAKED] = "leaked",
		[CVM_CONV_EVENT_ALREADY_SHARED] = "already-shared",
		[CVM_CONV_EVENT_NOT_SHARED] = "not-shared",
		[CVM_CONV_EVENT_WRONG_OWNER] = "wrong-owner",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_ring_kind_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_RING_KIND_VIRTIO_SPLIT] = "virtio-split",
		[CVM_RING_KIND_VIRTIO_PACKED] = "virtio-packed",
		[CVM_RING_KIND_VMBUS] = "vmbus",
		[CVM_RING_KIND_VIRTQUEUE] = "virtqueue",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_ring_policy_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_RING_POLICY_MONITOR] = "monitor",
		[CVM_RING_POLICY_ENFORCE] = "enforce",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_ring_reason_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_RING_REASON_NONE] = "none",
		[CVM_RING_REASON_IDX_ADVANCE] = "idx-advance",
		[CVM_RING_REASON_ID_RANGE] = "id-range",
		[CVM_RING_REASON_ID_NOT_OUTSTANDING] = "id-not-outstanding",
		[CVM_RING_REASON_LEN_OVER] = "len-over",
		[CVM_RING_REASON_FLAGS] = "flags",
		[CVM_RING_REASON_IDX_RANGE] = "idx-range",
		[CVM_RING_REASON_IDX_ALIGN] = "idx-align",
		[CVM_RING_REASON_READ_IDX_MOVED] = "read-idx-moved",
		[CVM_RING_REASON_PKT_TYPE] = "pkt-type",
		[CVM_RING_REASON_HDR_BOUNDS] = "hdr-bounds",
		[CVM_RING_REASON_PKT_BOUNDS] = "pkt-bounds",
		[CVM_RING_REASON_PKT_TOO_BIG] = "pkt-too-big",
		[CVM_RING_REASON_TRAILER] = "trailer",
		[CVM_RING_REASON_TRANS_ID] = "trans-id",
		[CVM_RING_REASON_TOKEN] = "token",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of @v, or NULL for a value it does not know. */
static inline const char *cvm_bounce_event_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_BOUNCE_EVENT_STRAY] = "stray",
		[CVM_BOUNCE_EVENT_DOUBLE_UNMAP] = "double-unmap",
		[CVM_BOUNCE_EVENT_SIZE_MISMATCH] = "size-mismatch",
		[CVM_BOUNCE_EVENT_DIR_MISMATCH] = "dir-mismatch",
		[CVM_BOUNCE_EVENT_SYNC_RANGE] = "sync-range",
		[CVM_BOUNCE_EVENT_EXHAUSTED] = "exhausted",
		[CVM_BOUNCE_EVENT_GROW] = "grow",
		[CVM_BOUNCE_EVENT_SHRINK] = "shrink",
		[CVM_BOUNCE_EVENT_CHUNK_LEAKED] = "chunk-leaked",
		[CVM_BOUNCE_EVENT_TOO_BIG] = "too-big",
		[CVM_BOUNCE_EVENT_DRIVER_LEAK] = "driver-leak",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

/* The spec's name of op @v, or NULL for a value it does not know. */
static inline const char *cvm_op_str(unsigned int v)
{
	static const char *const names[] = {
		[CVM_CMD_GET_STATUS] = "get-status",
		[CVM_CMD_SET_CONFIG] = "set-config",
		[CVM_CMD_CONFIG_NTF] = "config-ntf",
		[CVM_CMD_CONV_GET] = "conv-get",
		[CVM_CMD_POOL_GET] = "pool-get",
		[CVM_CMD_RING_GET] = "ring-get",
		[CVM_CMD_CONV_SET] = "conv-set",
		[CVM_CMD_CONV_RANGE_GET] = "conv-range-get",
		[CVM_CMD_CONV_OWNER_GET] = "conv-owner-get",
		[CVM_CMD_CONV_NTF] = "conv-ntf",
		[CVM_CMD_RING_LIST_GET] = "ring-list-get",
		[CVM_CMD_RING_SET] = "ring-set",
		[CVM_CMD_RING_NTF] = "ring-ntf",
		[CVM_CMD_POOL_SET] = "pool-set",
		[CVM_CMD_POOL_DEV_GET] = "pool-dev-get",
		[CVM_CMD_POOL_ATTACH] = "pool-attach",
		[CVM_CMD_POOL_DETACH] = "pool-detach",
		[CVM_CMD_POOL_NTF] = "pool-ntf",
		[CVM_CMD_SWIOTLB_GET] = "swiotlb-get",
		[CVM_CMD_SWIOTLB_SET] = "swiotlb-set",
		[CVM_CMD_SWIOTLB_DEV_GET] = "swiotlb-dev-get",
		[CVM_CMD_RING_AUDITOR_SET] = "ring-auditor-set",
	};

	return v < sizeof(names) / sizeof(*names) ? names[v] : NULL;
}

#define CVM_CHECK_CONV_OBSERVER_MAX 1

#define CVM_CHECK_RING_AUDITOR_MAX 1

#define CVM_CHECK_RING_INFO_POLICY_MAX 1

#define CVM_CHECK_POOL_ZERO_FROM_DEVICE_MAX 1
#define CVM_CHECK_POOL_ZERO_SLACK_MAX 1
#define CVM_CHECK_POOL_SCRUB_MAX 1
#define CVM_CHECK_POOL_MISUSE_WARN_MAX 1
#define CVM_CHECK_POOL_WAIT_MS_MAX 10000
#define CVM_CHECK_POOL_IDLE_MS_MAX 3600000
#define CVM_CHECK_POOL_IDLE_MS_MIN 10

#define CVM_CHECK_POOL_ATTACH_DEVICE_MAX_LEN 63
#define CVM_CHECK_POOL_ATTACH_ZERO_FROM_DEVICE_MAX 1

#define CVM_CHECK_SWIOTLB_OBSERVER_MAX 1

#define CVM_CHECK_CONFIG_EVENT_RATELIMIT_MAX 100000
#define CVM_CHECK_CONFIG_EVENT_RATELIMIT_MIN 1

#endif /* _CVM_NAMES_H */
