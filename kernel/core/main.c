// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_core: the root of cvmguard. Detects the platform, owns
 * /sys/kernel/cvm/ and the "cvm" generic netlink family, and lets the
 * feature modules plug into both.
 */
#include <linux/module.h>
#include <linux/rwsem.h>
#include "core.h"

DECLARE_RWSEM(cvm_core_features_lock);
struct cvm_core_feature *cvm_core_features[CVM_MODULE_RING + 1];

/* cvm_core lists itself among the modules of get-status. */
struct cvm_core_feature cvm_core_self = {
	.id		= CVM_MODULE_CORE,
	.name		= "core",
	.version	= CVMGUARD_VERSION,
};

/**
 * cvm_core_register() - plug a feature module into cvm_core
 * @feat: the feature; must stay valid until cvm_core_unregister()
 *
 * Creates /sys/kernel/cvm/<name>/ with @feat->groups and routes the
 * feature's netlink commands to @feat->cmds. Call it last in module init,
 * when the handlers can run.
 *
 * Return: 0 on success; -EINVAL if @feat is malformed or claims a command
 * another module owns; -EBUSY if a feature with this id is registered;
 * -ENOMEM or a sysfs error otherwise.
 */
int cvm_core_register(struct cvm_core_feature *feat)
{
	unsigned int i;
	int err;

	if (!feat->name || !feat->version || feat->id == CVM_MODULE_CORE ||
	    feat->id >= ARRAY_SIZE(cvm_core_features))
		return -EINVAL;
	for (i = 0; i < feat->n_cmds; i++) {
		u8 cmd = feat->cmds[i].cmd;

		if (cvm_nl_cmd_owner(cmd) != feat->id ||
		    (!feat->cmds[i].doit && !feat->cmds[i].dumpit))
			return -EINVAL;
	}

	down_write(&cvm_core_features_lock);
	if (cvm_core_features[feat->id]) {
		err = -EBUSY;
		goto out;
	}
	err = cvm_sysfs_add_feature(feat);
	if (!err)
		cvm_core_features[feat->id] = feat;
out:
	up_write(&cvm_core_features_lock);
	if (!err)
		pr_info("%s %s registered\n", feat->name, feat->version);
	return err;
}
EXPORT_SYMBOL_GPL(cvm_core_register);

/**
 * cvm_core_unregister() - unplug a feature registered with cvm_core_register()
 * @feat: the feature
 *
 * Waits until no netlink handler of @feat runs, so call it first in module
 * exit. Sysfs files of the feature are gone when it returns.
 */
void cvm_core_unregister(struct cvm_core_feature *feat)
{
	down_write(&cvm_core_features_lock);
	if (!WARN_ON(cvm_core_features[feat->id] != feat)) {
		cvm_core_features[feat->id] = NULL;
		cvm_sysfs_del_feature(feat);
	}
	up_write(&cvm_core_features_lock);
}
EXPORT_SYMBOL_GPL(cvm_core_unregister);

static int __init cvm_core_init(void)
{
	int err;

	cvm_platform_detect();
	cvm_core_features[CVM_MODULE_CORE] = &cvm_core_self;
	err = cvm_sysfs_init();
	if (err)
		return err;
	err = cvm_nl_init();
	if (err) {
		cvm_sysfs_exit();
		return err;
	}
	pr_info("cvmguard %s loaded\n", CVMGUARD_VERSION);
	return 0;
}

static void __exit cvm_core_exit(void)
{
	cvm_nl_exit();
	cvm_sysfs_exit();
}

module_init(cvm_core_init);
module_exit(cvm_core_exit);

MODULE_DESCRIPTION("cvmguard core: CVM posture, /sys/kernel/cvm and the cvm netlink family");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
