// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/cvm/bounce/: the pool's totals, one value per file, its
 * policies (root-writable), and attach/detach (write a device name).
 * Documented in Documentation/ABI/testing/sysfs-kernel-cvm.
 */
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "bounce.h"

#define CVM_BOUNCE_STAT_ATTR(file, field)				\
static ssize_t file##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	struct cvm_bounce_stats st;					\
									\
	cvm_bounce_stats(&st);						\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)st.field);	\
}									\
static struct kobj_attribute cvm_bounce_attr_##file = __ATTR_RO(file)

CVM_BOUNCE_STAT_ATTR(size, size);
CVM_BOUNCE_STAT_ATTR(slots, slots);
CVM_BOUNCE_STAT_ATTR(used, used);
CVM_BOUNCE_STAT_ATTR(high_water, high_water);
CVM_BOUNCE_STAT_ATTR(slot_size, slot_size);
CVM_BOUNCE_STAT_ATTR(chunks, chunks);
CVM_BOUNCE_STAT_ATTR(max_chunks, max_chunks);
CVM_BOUNCE_STAT_ATTR(max_mapping, max_mapping);
CVM_BOUNCE_STAT_ATTR(maps, maps);
CVM_BOUNCE_STAT_ATTR(unmaps, unmaps);
CVM_BOUNCE_STAT_ATTR(bytes, bytes);
CVM_BOUNCE_STAT_ATTR(syncs, syncs);
CVM_BOUNCE_STAT_ATTR(failures, failures);
CVM_BOUNCE_STAT_ATTR(violations, violations);
CVM_BOUNCE_STAT_ATTR(grows, grows);
CVM_BOUNCE_STAT_ATTR(shrinks, shrinks);
CVM_BOUNCE_STAT_ATTR(leaked_chunks, leaked_chunks);
CVM_BOUNCE_STAT_ATTR(waits, waits);
CVM_BOUNCE_STAT_ATTR(driver_leaks, driver_leaks);
CVM_BOUNCE_STAT_ATTR(coherent_refused, coherent_refused);

#define CVM_BOUNCE_BOOL_ATTR(field)					\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%d\n",					\
			  READ_ONCE(cvm_bounce_policy.field));		\
}									\
static ssize_t field##_store(struct kobject *kobj,			\
			     struct kobj_attribute *attr,		\
			     const char *buf, size_t len)		\
{									\
	bool v;								\
	int err = kstrtobool(buf, &v);					\
									\
	if (err)							\
		return err;						\
	WRITE_ONCE(cvm_bounce_policy.field, v);				\
	return len;							\
}									\
static struct kobj_attribute cvm_bounce_attr_##field =			\
	__ATTR(field, 0644, field##_show, field##_store)

CVM_BOUNCE_BOOL_ATTR(zero_from_device);
CVM_BOUNCE_BOOL_ATTR(zero_slack);
CVM_BOUNCE_BOOL_ATTR(scrub);
CVM_BOUNCE_BOOL_ATTR(misuse_warn);

#define CVM_BOUNCE_MS_ATTR(field, lo, hi)				\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n",					\
			  READ_ONCE(cvm_bounce_policy.field));		\
}									\
static ssize_t field##_store(struct kobject *kobj,			\
			     struct kobj_attribute *attr,		\
			     const char *buf, size_t len)		\
{									\
	unsigned int v;							\
	int err = kstrtouint(buf, 0, &v);				\
									\
	if (err)							\
		return err;						\
	if (v < (lo) || v > (hi))					\
		return -ERANGE;						\
	WRITE_ONCE(cvm_bounce_policy.field, v);				\
	return len;							\
}									\
static struct kobj_attribute cvm_bounce_attr_##field =			\
	__ATTR(field, 0644, field##_show, field##_store)

CVM_BOUNCE_MS_ATTR(wait_ms, 0, 10000);
CVM_BOUNCE_MS_ATTR(idle_ms, 10, 3600000);

/*
 * Device names from a write, without the newline echo leaves; an empty
 * write does nothing (writing back what a read returned is harmless).
 */
static int cvm_bounce_devname(const char *buf, size_t len, char *name)
{
	if (len >= CVM_BOUNCE_NAME_LEN)
		return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	strim(name);
	return 0;
}

#define CVM_BOUNCE_ZFD	"zero_from_device="

/* "DEVICE" follows the pool's zero_from_device, "DEVICE zero_from_device=N" not. */
static ssize_t attach_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	char line[CVM_BOUNCE_NAME_LEN + sizeof(CVM_BOUNCE_ZFD) + 2];
	char *opt, *name;
	int zfd = -1;

	if (len >= sizeof(line))
		return -EINVAL;
	memcpy(line, buf, len);
	line[len] = '\0';
	opt = strim(line);
	name = strsep(&opt, " \t");
	if (!name[0])
		return len;
	if (opt) {
		opt = skip_spaces(opt);
		if (!str_has_prefix(opt, CVM_BOUNCE_ZFD) ||
		    kstrtoint(opt + strlen(CVM_BOUNCE_ZFD), 10, &zfd) ||
		    zfd < 0 || zfd > 1)
			return -EINVAL;
	}
	if (strlen(name) >= CVM_BOUNCE_NAME_LEN)
		return -EINVAL;
	return cvm_bounce_attach(name, zfd, NULL) ?: len;
}

/* Reading attach lists the devices the pool is attached to. */
static ssize_t attach_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return cvm_bounce_attached_list(buf, PAGE_SIZE);
}
static struct kobj_attribute cvm_bounce_attr_attach = __ATTR_RW(attach);

static ssize_t detach_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	char name[CVM_BOUNCE_NAME_LEN];
	int err = cvm_bounce_devname(buf, len, name);

	if (err || !strim(name)[0])
		return err ?: len;
	return cvm_bounce_detach(strim(name), NULL) ?: len;
}
static struct kobj_attribute cvm_bounce_attr_detach = __ATTR_WO(detach);

/* Every policy on one line, for a quick look and for change detection. */
static ssize_t policies_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct cvm_bounce_policy *p = &cvm_bounce_policy;
	struct cvm_bounce_obs_totals t;

	cvm_bounce_observer_totals(&t);
	return sysfs_emit(buf, "zero_from_device=%d zero_slack=%d scrub=%d misuse_warn=%d wait_ms=%u idle_ms=%u swiotlb_observer=%d\n",
			  READ_ONCE(p->zero_from_device),
			  READ_ONCE(p->zero_slack), READ_ONCE(p->scrub),
			  READ_ONCE(p->misuse_warn), READ_ONCE(p->wait_ms),
			  READ_ONCE(p->idle_ms), t.on);
}
static struct kobj_attribute cvm_bounce_attr_policies = __ATTR_RO(policies);

/* Read-only here: turning it on is an admin netlink command (swiotlb-set). */
static ssize_t swiotlb_observer_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct cvm_bounce_obs_totals t;

	cvm_bounce_observer_totals(&t);
	return sysfs_emit(buf, "%d\n", t.on);
}
static struct kobj_attribute cvm_bounce_attr_swiotlb_observer =
	__ATTR_RO(swiotlb_observer);

static struct attribute *cvm_bounce_attrs[] = {
	&cvm_bounce_attr_size.attr,
	&cvm_bounce_attr_slots.attr,
	&cvm_bounce_attr_used.attr,
	&cvm_bounce_attr_high_water.attr,
	&cvm_bounce_attr_slot_size.attr,
	&cvm_bounce_attr_chunks.attr,
	&cvm_bounce_attr_max_chunks.attr,
	&cvm_bounce_attr_max_mapping.attr,
	&cvm_bounce_attr_maps.attr,
	&cvm_bounce_attr_unmaps.attr,
	&cvm_bounce_attr_bytes.attr,
	&cvm_bounce_attr_syncs.attr,
	&cvm_bounce_attr_failures.attr,
	&cvm_bounce_attr_violations.attr,
	&cvm_bounce_attr_grows.attr,
	&cvm_bounce_attr_shrinks.attr,
	&cvm_bounce_attr_leaked_chunks.attr,
	&cvm_bounce_attr_driver_leaks.attr,
	&cvm_bounce_attr_coherent_refused.attr,
	&cvm_bounce_attr_waits.attr,
	&cvm_bounce_attr_zero_from_device.attr,
	&cvm_bounce_attr_zero_slack.attr,
	&cvm_bounce_attr_scrub.attr,
	&cvm_bounce_attr_misuse_warn.attr,
	&cvm_bounce_attr_wait_ms.attr,
	&cvm_bounce_attr_idle_ms.attr,
	&cvm_bounce_attr_attach.attr,
	&cvm_bounce_attr_detach.attr,
	&cvm_bounce_attr_swiotlb_observer.attr,
	&cvm_bounce_attr_policies.attr,
	NULL,
};

static const struct attribute_group cvm_bounce_group = {
	.attrs = cvm_bounce_attrs,
};

const struct attribute_group *cvm_bounce_groups[] = {
	&cvm_bounce_group,
	NULL,
};
