// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/cvm/convert/: the ledger totals, one value per file, created
 * by cvm_core_register(). Documented in
 * Documentation/ABI/testing/sysfs-kernel-cvm.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "convert.h"

#define CVM_CONVERT_TOTAL_ATTR(field)					\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct cvm_convert_totals t;					\
									\
	cvm_ledger_totals(&t);						\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)t.field);	\
}									\
static struct kobj_attribute cvm_convert_attr_##field = __ATTR_RO(field)

CVM_CONVERT_TOTAL_ATTR(shared_pages);
CVM_CONVERT_TOTAL_ATTR(peak_pages);
CVM_CONVERT_TOTAL_ATTR(share_ops);
CVM_CONVERT_TOTAL_ATTR(unshare_ops);
CVM_CONVERT_TOTAL_ATTR(share_failures);
CVM_CONVERT_TOTAL_ATTR(unshare_failures);
CVM_CONVERT_TOTAL_ATTR(leaked_pages);
CVM_CONVERT_TOTAL_ATTR(anomalies);
CVM_CONVERT_TOTAL_ATTR(ranges);
CVM_CONVERT_TOTAL_ATTR(owners);
CVM_CONVERT_TOTAL_ATTR(observed_ops);

/* Read-only here: turning it on is an admin netlink command (conv-set). */
static ssize_t observer_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", cvm_observer_on());
}
static struct kobj_attribute cvm_convert_attr_observer = __ATTR_RO(observer);

static ssize_t observer_reason_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	char reason[96];

	cvm_observer_reason(reason, sizeof(reason));
	return sysfs_emit(buf, "%s\n", reason);
}
static struct kobj_attribute cvm_convert_attr_observer_reason =
	__ATTR_RO(observer_reason);

static struct attribute *cvm_convert_attrs[] = {
	&cvm_convert_attr_shared_pages.attr,
	&cvm_convert_attr_peak_pages.attr,
	&cvm_convert_attr_share_ops.attr,
	&cvm_convert_attr_unshare_ops.attr,
	&cvm_convert_attr_share_failures.attr,
	&cvm_convert_attr_unshare_failures.attr,
	&cvm_convert_attr_leaked_pages.attr,
	&cvm_convert_attr_anomalies.attr,
	&cvm_convert_attr_ranges.attr,
	&cvm_convert_attr_owners.attr,
	&cvm_convert_attr_observer.attr,
	&cvm_convert_attr_observer_reason.attr,
	&cvm_convert_attr_observed_ops.attr,
	NULL,
};

static const struct attribute_group cvm_convert_group = {
	.attrs = cvm_convert_attrs,
};

const struct attribute_group *cvm_convert_groups[] = {
	&cvm_convert_group,
	NULL,
};
