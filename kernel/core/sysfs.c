// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/cvm/: version, platform/ and one directory per registered
 * feature module. Documented in Documentation/ABI/testing/sysfs-kernel-cvm.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "core.h"

static struct kobject *cvm_kobj;
static struct kobject *cvm_platform_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", CVMGUARD_VERSION);
}
static struct kobj_attribute cvm_attr_version = __ATTR_RO(version);

static ssize_t event_ratelimit_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", cvm_event_ratelimit());
}

static ssize_t event_ratelimit_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	u32 val;
	int err;

	err = kstrtou32(buf, 10, &val);
	if (err)
		return err;
	err = cvm_event_set_ratelimit(val);
	if (err)
		return err;
	cvm_nl_notify_config();
	return count;
}
static struct kobj_attribute cvm_attr_event_ratelimit =
	__ATTR(event_ratelimit, 0644, event_ratelimit_show, event_ratelimit_store);

static struct attribute *cvm_top_attrs[] = {
	&cvm_attr_version.attr,
	&cvm_attr_event_ratelimit.attr,
	NULL,
};

static const struct attribute_group cvm_top_group = {
	.attrs = cvm_top_attrs,
};

static ssize_t technology_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  cvm_platform_technology_name(cvm_platform_technology()));
}
static struct kobj_attribute cvm_attr_technology = __ATTR_RO(technology);

static ssize_t mem_encrypt_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", cvm_platform_mem_encrypt());
}
static struct kobj_attribute cvm_attr_mem_encrypt = __ATTR_RO(mem_encrypt);

static struct attribute *cvm_platform_attrs[] = {
	&cvm_attr_technology.attr,
	&cvm_attr_mem_encrypt.attr,
	NULL,
};

static const struct attribute_group cvm_platform_group = {
	.attrs = cvm_platform_attrs,
};

int cvm_sysfs_add_feature(struct cvm_core_feature *feat)
{
	int err;

	feat->kobj = kobject_create_and_add(feat->name, cvm_kobj);
	if (!feat->kobj)
		return -ENOMEM;
	if (!feat->groups)
		return 0;
	err = sysfs_create_groups(feat->kobj, feat->groups);
	if (err) {
		kobject_put(feat->kobj);
		feat->kobj = NULL;
	}
	return err;
}

void cvm_sysfs_del_feature(struct cvm_core_feature *feat)
{
	if (feat->groups)
		sysfs_remove_groups(feat->kobj, feat->groups);
	kobject_put(feat->kobj);
	feat->kobj = NULL;
}

int cvm_sysfs_init(void)
{
	int err;

	cvm_kobj = kobject_create_and_add("cvm", kernel_kobj);
	if (!cvm_kobj)
		return -ENOMEM;
	err = sysfs_create_group(cvm_kobj, &cvm_top_group);
	if (err)
		goto err_put;
	cvm_platform_kobj = kobject_create_and_add("platform", cvm_kobj);
	if (!cvm_platform_kobj) {
		err = -ENOMEM;
		goto err_top;
	}
	err = sysfs_create_group(cvm_platform_kobj, &cvm_platform_group);
	if (err)
		goto err_platform;
	return 0;

err_platform:
	kobject_put(cvm_platform_kobj);
err_top:
	sysfs_remove_group(cvm_kobj, &cvm_top_group);
err_put:
	kobject_put(cvm_kobj);
	return err;
}

void cvm_sysfs_exit(void)
{
	sysfs_remove_group(cvm_platform_kobj, &cvm_platform_group);
	kobject_put(cvm_platform_kobj);
	sysfs_remove_group(cvm_kobj, &cvm_top_group);
	kobject_put(cvm_kobj);
}
