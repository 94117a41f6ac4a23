// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observer of the kernel's own swiotlb (opt-in): a kretprobe on
 * swiotlb_tbl_map_single() and a kprobe on the unmap function count, per
 * device, the mappings swiotlb makes and refuses and the slots it has in
 * flight, and keep the high-water mark of the whole pool, from which it
 * derives a swiotlb= value. swiotlb itself keeps only pool-wide numbers,
 * in debugfs.
 *
 * Both functions take the device first and the size third on every kernel
 * of the matrix; the unmap function's name changed (see cvm_compat.h).
 * Slots are counted as swiotlb does, from the slot offset of the bounce
 * address and the size, in IO_TLB_SIZE units.
 *
 * Devices are recognised by pointer and named at first sight; a device
 * that goes away and whose memory is reused by another one would be
 * counted under the old name, which is why entries are never reused
 * while the observer is on. Turning it off clears everything.
 */
#include <linux/device.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/swiotlb.h>
#include "bounce.h"

#define CVM_OBS_DEVS	32

struct cvm_obs_dev {
	struct device *dev;	/* set once, under cvm_obs_lock */
	char name[32];
	atomic64_t maps, unmaps, bytes, failures;
	atomic_long_t inflight_slots, inflight_bytes, high_water;
};

static struct cvm_obs_dev cvm_obs_devs[CVM_OBS_DEVS];
static DEFINE_SPINLOCK(cvm_obs_lock);
static DEFINE_MUTEX(cvm_obs_mutex);	/* turning on and off */
static bool cvm_obs_on;
static char cvm_obs_reason[96] = "disabled";
static atomic_long_t cvm_obs_inflight, cvm_obs_high_water;
static atomic64_t cvm_obs_unknown;	/* devices past the table */

struct cvm_obs_call {
	struct device *dev;
	size_t size;
};

static struct cvm_obs_dev *cvm_obs_find(struct device *dev, bool add)
{
	unsigned long flags;
	int i;

	if (!dev)
		return NULL;
	for (i = 0; i < CVM_OBS_DEVS; i++) {
		struct device *d = READ_ONCE(cvm_obs_devs[i].dev);

		if (d == dev)
			return &cvm_obs_devs[i];
		if (!d)
			break;
	}
	if (!add)
		return NULL;
	spin_lock_irqsave(&cvm_obs_lock, flags);
	for (i = 0; i < CVM_OBS_DEVS; i++) {
		struct cvm_obs_dev *o = &cvm_obs_devs[i];

		if (o->dev == dev)
			break;
		if (!o->dev) {
			strscpy(o->name, dev_name(dev), sizeof(o->name));
			/* Name before pointer: lockless readers see both. */
			smp_store_release(&o->dev, dev);
			break;
		}
	}
	spin_unlock_irqrestore(&cvm_obs_lock, flags);
	if (i == CVM_OBS_DEVS) {
		atomic64_inc(&cvm_obs_unknown);
		return NULL;
	}
	return &cvm_obs_devs[i];
}

static void cvm_obs_max(atomic_long_t *hw, long v)
{
	long old = atomic_long_read(hw);

	while (v > old) {
		long seen = atomic_long_cmpxchg(hw, old, v);

		if (seen == old)
			break;
		old = seen;
	}
}

static long cvm_obs_slots(phys_addr_t tlb, size_t size)
{
	return DIV_ROUND_UP((tlb & (IO_TLB_SIZE - 1)) + size, IO_TLB_SIZE);
}

static int cvm_obs_map_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct cvm_obs_call *c = (void *)ri->data;

	c->dev = (struct device *)regs_get_kernel_argument(regs, 0);
	c->size = regs_get_kernel_argument(regs, 2);
	return 0;
}

static int cvm_obs_map_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct cvm_obs_call *c = (void *)ri->data;
	phys_addr_t tlb = regs_return_value(regs);
	struct cvm_obs_dev *o = cvm_obs_find(c->dev, true);
	long slots;

	if (!o)
		return 0;
	if (tlb == (phys_addr_t)DMA_MAPPING_ERROR) {
		atomic64_inc(&o->failures);
		return 0;
	}
	slots = cvm_obs_slots(tlb, c->size);
	atomic64_inc(&o->maps);
	atomic64_add(c->size, &o->bytes);
	atomic_long_add(c->size, &o->inflight_bytes);
	cvm_obs_max(&o->high_water,
		    atomic_long_add_return(slots, &o->inflight_slots));
	cvm_obs_max(&cvm_obs_high_water,
		    atomic_long_add_return(slots, &cvm_obs_inflight));
	return 0;
}

static int cvm_obs_unmap_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct device *dev = (struct device *)regs_get_kernel_argument(regs, 0);
	phys_addr_t tlb = regs_get_kernel_argument(regs, 1);
	size_t size = regs_get_kernel_argument(regs, 2);
	struct cvm_obs_dev *o = cvm_obs_find(dev, false);
	long slots = cvm_obs_slots(tlb, size);

	/* Mapped before the observer started: not in the counts. */
	if (!o || atomic_long_read(&o->inflight_slots) < slots)
		return 0;
	atomic64_inc(&o->unmaps);
	atomic_long_sub(size, &o->inflight_bytes);
	atomic_long_sub(slots, &o->inflight_slots);
	atomic_long_sub(slots, &cvm_obs_inflight);
	return 0;
}

/* Filled in when the observer is turned on. */
static struct kretprobe cvm_obs_map_probe;
static struct kprobe cvm_obs_unmap_probe;

static void cvm_obs_clear(void)
{
	int i;

	for (i = 0; i < CVM_OBS_DEVS; i++)
		memset(&cvm_obs_devs[i], 0, sizeof(cvm_obs_devs[i]));
	atomic_long_set(&cvm_obs_inflight, 0);
	atomic_long_set(&cvm_obs_high_water, 0);
	atomic64_set(&cvm_obs_unknown, 0);
}

/**
 * cvm_bounce_observer_set() - turn the swiotlb observer on or off
 * @on: the new state
 *
 * Sleeps.
 *
 * Return: 0, or the error of registering the probes (the reason is kept
 * for swiotlb-get).
 */
int cvm_bounce_observer_set(bool on)
{
	static const char *const unmap_syms[] = CVM_SWIOTLB_UNMAP_SYMS;
	int err = 0;
	unsigned int i;

	mutex_lock(&cvm_obs_mutex);
	if (on == cvm_obs_on)
		goto out;
	if (!on) {
		unregister_kprobe(&cvm_obs_unmap_probe);
		unregister_kretprobe(&cvm_obs_map_probe);
		cvm_obs_on = false;
		cvm_obs_clear();
		strscpy(cvm_obs_reason, "disabled", sizeof(cvm_obs_reason));
		goto out;
	}
	cvm_obs_clear();
	/* Probe structures are reused: start from a clean state. */
	memset(&cvm_obs_map_probe, 0, sizeof(cvm_obs_map_probe));
	cvm_obs_map_probe.kp.symbol_name = "swiotlb_tbl_map_single";
	cvm_obs_map_probe.entry_handler = cvm_obs_map_entry;
	cvm_obs_map_probe.handler = cvm_obs_map_ret;
	cvm_obs_map_probe.data_size = sizeof(struct cvm_obs_call);
	cvm_obs_map_probe.maxactive = 64;
	err = register_kretprobe(&cvm_obs_map_probe);
	if (err) {
		snprintf(cvm_obs_reason, sizeof(cvm_obs_reason),
			 "cannot probe swiotlb_tbl_map_single (%d)", err);
		goto out;
	}
	err = -ENOENT;
	for (i = 0; i < ARRAY_SIZE(unmap_syms) && err; i++) {
		memset(&cvm_obs_unmap_probe, 0, sizeof(cvm_obs_unmap_probe));
		cvm_obs_unmap_probe.pre_handler = cvm_obs_unmap_pre;
		cvm_obs_unmap_probe.symbol_name = unmap_syms[i];
		err = register_kprobe(&cvm_obs_unmap_probe);
	}
	if (err) {
		unregister_kretprobe(&cvm_obs_map_probe);
		snprintf(cvm_obs_reason, sizeof(cvm_obs_reason),
			 "cannot probe the swiotlb unmap function (%d)", err);
		goto out;
	}
	cvm_obs_on = true;
	cvm_obs_reason[0] = '\0';
out:
	mutex_unlock(&cvm_obs_mutex);
	return err;
}

void cvm_bounce_observer_exit(void)
{
	cvm_bounce_observer_set(false);
}

/**
 * cvm_bounce_observer_totals() - what the observer saw, all devices
 * @t: filled in
 */
void cvm_bounce_observer_totals(struct cvm_bounce_obs_totals *t)
{
	u64 hw;
	int i;

	memset(t, 0, sizeof(*t));
	mutex_lock(&cvm_obs_mutex);
	t->on = cvm_obs_on;
	strscpy(t->reason, cvm_obs_reason, sizeof(t->reason));
	mutex_unlock(&cvm_obs_mutex);
	for (i = 0; i < CVM_OBS_DEVS; i++) {
		struct cvm_obs_dev *o = &cvm_obs_devs[i];

		if (!READ_ONCE(o->dev))
			break;
		t->maps += atomic64_read(&o->maps);
		t->unmaps += atomic64_read(&o->unmaps);
		t->bytes += atomic64_read(&o->bytes);
		t->failures += atomic64_read(&o->failures);
	}
	t->inflight_slots = atomic_long_read(&cvm_obs_inflight);
	hw = atomic_long_read(&cvm_obs_high_water);
	t->high_water = hw;
	/* Twice the high-water mark, in whole segments of IO_TLB_SEGSIZE. */
	t->advice_slabs = hw ? roundup(2 * hw, IO_TLB_SEGSIZE) : 0;
}

/**
 * cvm_bounce_observer_dev_at() - the @i-th device the observer saw
 * @i: position
 * @d: filled in
 *
 * Return: true if there is one.
 */
bool cvm_bounce_observer_dev_at(unsigned int i, struct cvm_bounce_obs_dev *d)
{
	struct cvm_obs_dev *o;

	if (i >= CVM_OBS_DEVS)
		return false;
	o = &cvm_obs_devs[i];
	/* Pairs with the release in cvm_obs_find(): the name is there. */
	if (!smp_load_acquire(&o->dev))
		return false;
	strscpy(d->name, o->name, sizeof(d->name));
	d->maps = atomic64_read(&o->maps);
	d->unmaps = atomic64_read(&o->unmaps);
	d->bytes = atomic64_read(&o->bytes);
	d->failures = atomic64_read(&o->failures);
	d->inflight_slots = atomic_long_read(&o->inflight_slots);
	d->inflight_bytes = atomic_long_read(&o->inflight_bytes);
	d->high_water = atomic_long_read(&o->high_water);
	return true;
}
