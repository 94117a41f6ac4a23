// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names of the rejection reasons, as the YNL spec spells them (the table is
 * generated from it), for sysfs, netlink dumps and the userspace tests.
 */
#include <ring_check.h>
#include "cvm_names.h"

/**
 * cvm_ring_reason_name() - the spec's name of a rejection reason
 * @reason: enum cvm_ring_reason
 *
 * Return: the name, or "unknown" for a value outside the enum.
 */
const char *cvm_ring_reason_name(u32 reason)
{
	return cvm_ring_reason_str(reason) ?: "unknown";
}
EXPORT_SYMBOL_GPL(cvm_ring_reason_name);
