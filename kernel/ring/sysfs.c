// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/cvm/ring/: the registry's totals, one value per file,
 * created by cvm_core_register(). Documented in
 * Documentation/ABI/testing/sysfs-kernel-cvm. Per-ring counters are in
 * the netlink dump (ring-list-get), which can grow with the rings.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "auditor.h"

#define CVM_RING_TOTAL_ATTR(field)					\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct cvm_ring_totals t;					\
									\
	cvm_ring_totals(&t);						\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)t.field);	\
}									\
static struct kobj_attribute cvm_ring_attr_##field = __ATTR_RO(field)

CVM_RING_TOTAL_ATTR(rings);
CVM_RING_TOTAL_ATTR(checked);
CVM_RING_TOTAL_ATTR(violations);
CVM_RING_TOTAL_ATTR(broken);

/* Root-only: probing every virtqueue of the guest is an admin decision. */
static ssize_t auditor_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", cvm_ring_auditor_enabled());
}

static ssize_t auditor_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (!err)
		err = cvm_ring_auditor_set(on);
	return err ?: count;
}
static struct kobj_attribute cvm_ring_attr_auditor = __ATTR_RW_MODE(auditor, 0644);

static ssize_t auditor_missed_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)cvm_ring_auditor_missed());
}
static struct kobj_attribute cvm_ring_attr_auditor_missed = __ATTR_RO(auditor_missed);

static struct attribute *cvm_ring_attrs[] = {
	&cvm_ring_attr_auditor.attr,
	&cvm_ring_attr_auditor_missed.attr,
	&cvm_ring_attr_rings.attr,
	&cvm_ring_attr_checked.attr,
	&cvm_ring_attr_violations.attr,
	&cvm_ring_attr_broken.attr,
	NULL,
};

static const struct attribute_group cvm_ring_group = {
	.attrs = cvm_ring_attrs,
};

const struct attribute_group *cvm_ring_groups[] = {
	&cvm_ring_group,
	NULL,
};
