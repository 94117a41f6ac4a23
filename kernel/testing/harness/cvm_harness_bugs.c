// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deliberate kernel bugs, one per load, to prove that the VM runner fails
 * a run on each kind of report the debug kernel can make. If the runner
 * ever passes a run that loaded this module, its judging is broken.
 * Test-only: built with CVM_HARNESS=m by scripts/check-harness.sh alone.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "uaf | leak | warn | lockdep");

static DEFINE_MUTEX(cvm_harness_a);
static DEFINE_MUTEX(cvm_harness_b);
static void *cvm_harness_leaked;

static noinline void cvm_harness_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	pr_info("read after free: %d\n", READ_ONCE(p[8]));
}

/* A-then-B and B-then-A in one thread: no deadlock, but lockdep sees one. */
static void cvm_harness_lock_inversion(void)
{
	mutex_lock(&cvm_harness_a);
	mutex_lock(&cvm_harness_b);
	mutex_unlock(&cvm_harness_b);
	mutex_unlock(&cvm_harness_a);
	mutex_lock(&cvm_harness_b);
	mutex_lock(&cvm_harness_a);
	mutex_unlock(&cvm_harness_a);
	mutex_unlock(&cvm_harness_b);
}

static int __init cvm_harness_init(void)
{
	if (!strcmp(bug, "uaf")) {
		cvm_harness_uaf();
	} else if (!strcmp(bug, "leak")) {
		/* Lose the only reference so kmemleak finds the block. */
		cvm_harness_leaked = kmalloc(128, GFP_KERNEL);
		WRITE_ONCE(cvm_harness_leaked, NULL);
	} else if (!strcmp(bug, "warn")) {
		WARN(1, "deliberate warning\n");
	} else if (!strcmp(bug, "lockdep")) {
		cvm_harness_lock_inversion();
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit cvm_harness_exit(void)
{
}

module_init(cvm_harness_init);
module_exit(cvm_harness_exit);
MODULE_DESCRIPTION("cvmguard test harness self-check: deliberate bugs");
MODULE_LICENSE("GPL");
