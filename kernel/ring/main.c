// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_ring: validation of the ring data a confidential guest reads from
 * the host. Exports the validators of virtio split and packed rings and
 * of vmbus ring buffers (shared plain C, also built in userspace for
 * tests, fuzzers and benchmarks), keeps a registry of the rings they
 * check with counters per reason and a policy per ring, and reports
 * through /sys/kernel/cvm/ring/ and the "cvm" netlink family.
 */
#include <linux/module.h>
#include "auditor.h"
#include "nl-gen.h"

static struct cvm_core_feature cvm_ring_feature = {
	.id		= CVM_MODULE_RING,
	.name		= "ring",
	.version	= CVMGUARD_VERSION,
	.groups		= cvm_ring_groups,
	.cmds		= cvm_ring_nl_cmds,
	.n_cmds		= ARRAY_SIZE(cvm_ring_nl_cmds),
};

static int __init cvm_ring_init(void)
{
	int err;
	/*
	 * The auditor first: once registered, netlink and sysfs can turn it
	 * on, and a failure after that would unload the module under live
	 * probes.
	 */
	err = cvm_ring_auditor_init();
	if (err)
		return err;
	err = cvm_core_register(&cvm_ring_feature);
	if (err)
		cvm_ring_auditor_exit();
	return err;
}

static void __exit cvm_ring_exit(void)
{
	/* First: waits for netlink handlers and removes the sysfs files. */
	cvm_core_unregister(&cvm_ring_feature);
	cvm_ring_auditor_exit();
	cvm_ring_registry_exit();
}

module_init(cvm_ring_init);
module_exit(cvm_ring_exit);

MODULE_DESCRIPTION("cvmguard ring validation: virtio split/packed and vmbus rings written by the host");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
