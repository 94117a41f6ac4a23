// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_convert: the shared-page ledger. Records every conversion of guest
 * memory to shared and back made through its API, leaks pages whose
 * conversion back fails, and optionally observes the conversions the rest
 * of the kernel makes. Reports through /sys/kernel/cvm/convert/ and the
 * "cvm" netlink family of cvm_core.
 */
#include <linux/module.h>
#include "convert.h"
#include "nl-gen.h"

static bool observer;
module_param(observer, bool, 0444);
MODULE_PARM_DESC(observer,
		 "Record conversions made by any kernel code (kretprobes); also conv-set");

static struct cvm_core_feature cvm_convert_feature = {
	.id		= CVM_MODULE_CONVERT,
	.name		= "convert",
	.version	= CVMGUARD_VERSION,
	.groups		= cvm_convert_groups,
	.cmds		= cvm_convert_nl_cmds,
	.n_cmds		= ARRAY_SIZE(cvm_convert_nl_cmds),
};

static int __init cvm_convert_init(void)
{
	int err;

	err = cvm_ledger_init();
	if (err)
		return err;
	cvm_convert_failinj_init();
	/* An observer that cannot start is reported, not fatal. */
	if (observer && cvm_observer_set(true))
		pr_warn("observer requested but unavailable\n");

	/* Last: from here on netlink and sysfs reach the ledger. */
	err = cvm_core_register(&cvm_convert_feature);
	if (err) {
		cvm_observer_exit();
		cvm_convert_failinj_exit();
		cvm_ledger_exit();
	}
	return err;
}

static void __exit cvm_convert_exit(void)
{
	/* First: waits for netlink handlers and removes the sysfs files. */
	cvm_core_unregister(&cvm_convert_feature);
	cvm_observer_exit();
	cvm_convert_failinj_exit();
	cvm_ledger_exit();
}

module_init(cvm_convert_init);
module_exit(cvm_convert_exit);

MODULE_DESCRIPTION("cvmguard shared-page ledger: tracked conversions, leak on failure, observer");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
