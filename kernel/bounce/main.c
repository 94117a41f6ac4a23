// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bounce: a hardened bounce-buffer pool for confidential guests, used
 * through an exported API (cvm_bounce.h) or as the dma_map_ops of a device
 * an administrator attaches it to. Reports through /sys/kernel/cvm/bounce/
 * and the "cvm" netlink family of cvm_core.
 */
#include <linux/module.h>
#include "bounce.h"
#include "nl-gen.h"

static unsigned int slot_size = 2048;
module_param(slot_size, uint, 0444);
MODULE_PARM_DESC(slot_size, "Slot size in bytes, a power of two, 512..PAGE_SIZE (2048)");

static unsigned int chunk_kib = 1024;
module_param(chunk_kib, uint, 0444);
MODULE_PARM_DESC(chunk_kib, "The pool grows and shrinks by chunks of this many KiB (1024)");

static unsigned int init_chunks = 16;
module_param(init_chunks, uint, 0444);
MODULE_PARM_DESC(init_chunks, "Chunks the first client takes, kept while any is attached (16)");

static unsigned int max_chunks = 64;
module_param(max_chunks, uint, 0444);
MODULE_PARM_DESC(max_chunks, "Chunks the pool may grow to (64)");

static unsigned int max_mapping_kib = 256;
module_param(max_mapping_kib, uint, 0444);
MODULE_PARM_DESC(max_mapping_kib, "Largest mapping in KiB, a power of two (256)");

/*
 * Initial policies; changed at run time through sysfs or pool-set. No
 * scrub after unmap by default: what keeps private data from the host is
 * zeroing before a slot is exposed (zero_from_device, zero_slack, and
 * stale slack at map time); the host could read a slot all the while it
 * was mapped, so scrubbing it afterwards only shortens that window.
 */
struct cvm_bounce_policy cvm_bounce_policy = {
	.zero_from_device	= true,
	.zero_slack		= true,
	.idle_ms		= 5000,
};
module_param_named(zero_from_device, cvm_bounce_policy.zero_from_device, bool, 0444);
MODULE_PARM_DESC(zero_from_device, "Zero DMA_FROM_DEVICE slots instead of copying the private buffer (1)");
module_param_named(zero_slack, cvm_bounce_policy.zero_slack, bool, 0444);
MODULE_PARM_DESC(zero_slack, "Zero slot bytes around the data (1)");
module_param_named(scrub, cvm_bounce_policy.scrub, bool, 0444);
MODULE_PARM_DESC(scrub, "Also zero slots on unmap, to shorten the host's view (0)");
module_param_named(misuse_warn, cvm_bounce_policy.misuse_warn, bool, 0444);
MODULE_PARM_DESC(misuse_warn, "WARN with a stack trace on misuse, not only a log line (0)");
module_param_named(wait_ms, cvm_bounce_policy.wait_ms, uint, 0444);
MODULE_PARM_DESC(wait_ms, "Bounded wait for room of callers that may sleep, ms (0: off)");
module_param_named(idle_ms, cvm_bounce_policy.idle_ms, uint, 0444);
MODULE_PARM_DESC(idle_ms, "Give a chunk back after it was unused this long, ms (5000)");

static bool swiotlb_observer;
module_param(swiotlb_observer, bool, 0444);
MODULE_PARM_DESC(swiotlb_observer, "Observe the kernel's swiotlb per device (kprobes); also swiotlb-set");

static struct cvm_core_feature cvm_bounce_feature = {
	.id		= CVM_MODULE_BOUNCE,
	.name		= "bounce",
	.version	= CVMGUARD_VERSION,
	.groups		= cvm_bounce_groups,
	.cmds		= cvm_bounce_nl_cmds,
	.n_cmds		= ARRAY_SIZE(cvm_bounce_nl_cmds),
};

static int __init cvm_bounce_init(void)
{
	int err;

	if (cvm_bounce_policy.wait_ms > 10000 ||
	    cvm_bounce_policy.idle_ms < 10 ||
	    cvm_bounce_policy.idle_ms > 3600000) {
		pr_err("wait_ms or idle_ms out of range\n");
		return -EINVAL;
	}
	err = cvm_bounce_pool_init(slot_size, chunk_kib, init_chunks,
				   max_chunks, max_mapping_kib);
	if (err)
		return err;
	err = cvm_bounce_dmaops_init();
	if (err) {
		cvm_bounce_pool_exit();
		return err;
	}
	/* An observer that cannot start is reported, not fatal. */
	if (swiotlb_observer && cvm_bounce_observer_set(true))
		pr_warn("swiotlb observer requested but unavailable\n");
	/* Last: from here on netlink and sysfs reach the pool. */
	err = cvm_core_register(&cvm_bounce_feature);
	if (err) {
		cvm_bounce_observer_exit();
		cvm_bounce_dmaops_exit();
		cvm_bounce_pool_exit();
	}
	return err;
}

/*
 * Attached devices hold a module reference and API clients depend on the
 * module, so no mapping is live here.
 */
static void __exit cvm_bounce_exit(void)
{
	/* First: waits for netlink handlers and removes the sysfs files. */
	cvm_core_unregister(&cvm_bounce_feature);
	cvm_bounce_observer_exit();
	cvm_bounce_dmaops_exit();
	cvm_bounce_pool_exit();
}

module_init(cvm_bounce_init);
module_exit(cvm_bounce_exit);

MODULE_DESCRIPTION("cvmguard hardened bounce-buffer pool and dma_map_ops");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
