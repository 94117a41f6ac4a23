// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_hostsim: TEST-ONLY. Plays the untrusted host inside the guest so the
 * selftests can drive cvmguard's guest side from debugfs: conversions
 * through cvm_convert (convert.c). Its command parser (cmd.c) is also
 * cvm_hostsim_bounce's, which drives bounce mappings through cvm_bounce.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include "hostsim.h"

static struct dentry *cvm_hostsim_dir;

static int __init cvm_hostsim_init(void)
{
	cvm_hostsim_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(cvm_hostsim_dir))
		return PTR_ERR(cvm_hostsim_dir);
	cvm_hostsim_convert_init(cvm_hostsim_dir);
	pr_info("loaded: test-only module, do not use on a real guest\n");
	return 0;
}

static void __exit cvm_hostsim_exit(void)
{
	/* Files first, so no command runs while its state is released. */
	debugfs_remove_recursive(cvm_hostsim_dir);
	cvm_hostsim_convert_exit();
}

module_init(cvm_hostsim_init);
module_exit(cvm_hostsim_exit);

MODULE_DESCRIPTION("cvmguard test-only hostile host simulator");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
