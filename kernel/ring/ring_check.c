// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of the rejection reasons, as the YNL spec spells them (the table is
 * generated from it), for sysfs, netlink dumps and the userspace tests.
 */
#include "ring_check.h"
#include "cvm_names.h"

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
