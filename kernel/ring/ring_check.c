// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of the rejection reasons, as the YNL spec spells them, for sysfs,
 * netlink dumps and the userspace tests.
 */
#include "ring_check.h"

static const char *const cvm_ring_reason_names[] = {
	[CVM_RING_REASON_NONE]			= "none",
	[CVM_RING_REASON_IDX_ADVANCE]		= "idx-advance",
	[CVM_RING_REASON_ID_RANGE]		= "id-range",
	[CVM_RING_REASON_ID_NOT_OUTSTANDING]	= "id-not-outstanding",
	[CVM_RING_REASON_LEN_OVER]		= "len-over",
	[CVM_RING_REASON_FLAGS]			= "flags",
	[CVM_RING_REASON_IDX_RANGE]		= "idx-range",
	[CVM_RING_REASON_IDX_ALIGN]		= "idx-align",
	[CVM_RING_REASON_READ_IDX_MOVED]	= "read-idx-moved",
	[CVM_RING_REASON_PKT_TYPE]		= "pkt-type",
	[CVM_RING_REASON_HDR_BOUNDS]		= "hdr-bounds",
	[CVM_RING_REASON_PKT_BOUNDS]		= "pkt-bounds",
	[CVM_RING_REASON_PKT_TOO_BIG]		= "pkt-too-big",
	[CVM_RING_REASON_TRAILER]		= "trailer",
	[CVM_RING_REASON_TRANS_ID]		= "trans-id",
	[CVM_RING_REASON_TOKEN]			= "token",
};

/**
 * cvm_ring_reason_name() - the spec's name of a rejection reason
 * @reason: enum cvm_ring_reason
 *
 * Return: the name, or "unknown" for a value outside the enum.
 */
const char *cvm_ring_reason_name(u32 reason)
{
	BUILD_BUG_ON(ARRAY_SIZE(cvm_ring_reason_names) !=
		     CVM_RING_REASON_MAX + 1);
	if (reason > CVM_RING_REASON_MAX)
		return "unknown";
	return cvm_ring_reason_names[reason];
}
EXPORT_SYMBOL_GPL(cvm_ring_reason_name);
