// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of rings cvm_ring validates: per ring a kind, an owner, a
 * policy and counters per rejection reason. Consumers account every
 * verdict here; this is where monitor and enforce differ.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "ring.h"

/*
 * Guards the list and ids; counters are atomics, flags READ/WRITE_ONCE.
 * A spinlock with interrupts off: the auditor registers and drops
 * virtqueues from probes that can run in interrupt context.
 */
static DEFINE_SPINLOCK(cvm_ring_lock);
static LIST_HEAD(cvm_ring_list);
static u32 cvm_ring_next_id = 1;
/* Since load: rings come and go, the totals stay. */
static atomic64_t cvm_ring_checked_total = ATOMIC64_INIT(0);
static atomic64_t cvm_ring_violations_total = ATOMIC64_INIT(0);

/**
 * cvm_ring_register() - start counting a ring
 * @kind: enum cvm_ring_kind
 * @owner: who consumes it (device and queue, a test), truncated to fit
 * @policy: enum cvm_ring_policy to start with
 *
 * Context: process context.
 * Return: the ring, or an ERR_PTR() on a bad argument or lack of memory.
 */
struct cvm_ring *cvm_ring_register(u32 kind, const char *owner, u32 policy)
{
	return cvm_ring_register_gfp(kind, owner, policy, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(cvm_ring_register);

/* cvm_ring_register() in any context, with @gfp. */
struct cvm_ring *cvm_ring_register_gfp(u32 kind, const char *owner,
				       u32 policy, gfp_t gfp)
{
	struct cvm_ring *ring;
	unsigned long flags;

	if (kind > CVM_RING_KIND_VIRTQUEUE || policy > CVM_RING_POLICY_ENFORCE)
		return ERR_PTR(-EINVAL);
	ring = kzalloc(sizeof(*ring), gfp);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->kind = kind;
	ring->policy = policy;
	strscpy(ring->owner, owner, sizeof(ring->owner));
	spin_lock_irqsave(&cvm_ring_lock, flags);
	ring->id = cvm_ring_next_id++;
	/* Ids only grow, so the list stays sorted for dump cursors. */
	list_add_tail(&ring->node, &cvm_ring_list);
	spin_unlock_irqrestore(&cvm_ring_lock, flags);
	return ring;
}

/**
 * cvm_ring_unregister() - stop counting a ring and free it
 * @ring: from cvm_ring_register(); NULL or an error pointer is ignored
 *
 * The caller must not account verdicts on @ring any more. Any context.
 */
void cvm_ring_unregister(struct cvm_ring *ring)
{
	unsigned long flags;

	if (IS_ERR_OR_NULL(ring))
		return;
	spin_lock_irqsave(&cvm_ring_lock, flags);
	list_del(&ring->node);
	spin_unlock_irqrestore(&cvm_ring_lock, flags);
	kfree(ring);
}
EXPORT_SYMBOL_GPL(cvm_ring_unregister);

/* Counts a rejected verdict and reports it. */
static void cvm_ring_violation(struct cvm_ring *ring,
			       const struct cvm_ring_verdict *v)
{
	atomic64_inc(&ring->reasons[min_t(u32, v->reason, CVM_RING_REASON_MAX)]);
	atomic64_inc(&ring->violations);
	atomic64_inc(&cvm_ring_violations_total);
	cvm_ring_notify(ring, v);
}

/**
 * cvm_ring_account() - count a verdict and apply the ring's policy
 * @ring: the ring the verdict is about
 * @v: the verdict of a validator
 *
 * A violation is counted under its reason and reported on the events
 * group (rate-limited by cvm_core). Under enforce it also marks the ring
 * broken. Any context: no locks, no sleeping.
 *
 * Return: true if the consumer may use the data (accepted, or monitor
 * policy), false if it must refuse it.
 */
bool cvm_ring_account(struct cvm_ring *ring, const struct cvm_ring_verdict *v)
{
	atomic64_inc(&ring->checked);
	atomic64_inc(&cvm_ring_checked_total);
	if (likely(v->reason == CVM_RING_REASON_NONE))
		return !READ_ONCE(ring->broken);
	cvm_ring_violation(ring, v);
	if (READ_ONCE(ring->policy) == CVM_RING_POLICY_MONITOR)
		return true;
	WRITE_ONCE(ring->broken, true);
	return false;
}
EXPORT_SYMBOL_GPL(cvm_ring_account);

/*
 * The live auditor's verdict on a used length, where the consumer can cut
 * the length to the capacity rather than refuse the buffer: @over when the
 * length exceeds the writable bytes posted, @v rejected (len-over) when it
 * exceeds even the readable and writable bytes together. Real devices do
 * the former (QEMU's virtio-scsi and virtio-input count the bytes they
 * read), so it is counted apart and is not a violation. Enforce cuts both
 * and never marks the ring broken: the driver sees a length it posted
 * room for, so nothing is refused. Any context.
 *
 * Returns true if the consumer must clamp the length.
 */
bool cvm_ring_account_len(struct cvm_ring *ring,
			  const struct cvm_ring_verdict *v, bool over)
{
	atomic64_inc(&ring->checked);
	atomic64_inc(&cvm_ring_checked_total);
	if (!over)
		return false;
	if (v->reason == CVM_RING_REASON_NONE)
		atomic64_inc(&ring->overstated);
	else
		cvm_ring_violation(ring, v);
	if (READ_ONCE(ring->policy) == CVM_RING_POLICY_MONITOR)
		return false;
	atomic64_inc(&ring->clamped);
	return true;
}

u32 cvm_ring_policy(const struct cvm_ring *ring)
{
	return READ_ONCE(ring->policy);
}

/**
 * cvm_ring_account_ok() - count entries a batch validator accepted
 * @ring: the ring
 * @n: entries accepted
 *
 * Any context.
 *
 * Return: true if the consumer may use them (the ring is not broken).
 */
bool cvm_ring_account_ok(struct cvm_ring *ring, u32 n)
{
	atomic64_add(n, &ring->checked);
	atomic64_add(n, &cvm_ring_checked_total);
	return !READ_ONCE(ring->broken);
}
EXPORT_SYMBOL_GPL(cvm_ring_account_ok);

/**
 * cvm_ring_monitor() - whether the ring passes violations through
 * @ring: the ring
 *
 * Validators take this as their @pass argument.
 *
 * Return: true under monitor policy.
 */
bool cvm_ring_monitor(const struct cvm_ring *ring)
{
	return READ_ONCE(ring->policy) == CVM_RING_POLICY_MONITOR;
}
EXPORT_SYMBOL_GPL(cvm_ring_monitor);

/**
 * cvm_ring_is_broken() - whether enforce refused data on the ring
 * @ring: the ring
 *
 * Return: true once broken, until ring-set or cvm_ring_repair() clears it.
 */
bool cvm_ring_is_broken(const struct cvm_ring *ring)
{
	return READ_ONCE(ring->broken);
}
EXPORT_SYMBOL_GPL(cvm_ring_is_broken);

/**
 * cvm_ring_id() - the ring's id in dumps and events
 * @ring: the ring
 *
 * Return: the id.
 */
u32 cvm_ring_id(const struct cvm_ring *ring)
{
	return ring->id;
}
EXPORT_SYMBOL_GPL(cvm_ring_id);

/**
 * cvm_ring_repair() - clear the broken mark after the consumer reset the ring
 * @ring: the ring
 */
void cvm_ring_repair(struct cvm_ring *ring)
{
	WRITE_ONCE(ring->broken, false);
}
EXPORT_SYMBOL_GPL(cvm_ring_repair);

void cvm_ring_totals(struct cvm_ring_totals *t)
{
	struct cvm_ring *ring;
	unsigned long flags;

	memset(t, 0, sizeof(*t));
	spin_lock_irqsave(&cvm_ring_lock, flags);
	list_for_each_entry(ring, &cvm_ring_list, node) {
		t->rings++;
		t->broken += READ_ONCE(ring->broken);
	}
	spin_unlock_irqrestore(&cvm_ring_lock, flags);
	t->checked = atomic64_read(&cvm_ring_checked_total);
	t->violations = atomic64_read(&cvm_ring_violations_total);
}

/* Copies the first ring with an id of at least @from_id; false if none. */
bool cvm_ring_info_next(u32 from_id, struct cvm_ring_info *info)
{
	struct cvm_ring *ring;
	unsigned long flags;
	bool found = false;
	int i;

	spin_lock_irqsave(&cvm_ring_lock, flags);
	list_for_each_entry(ring, &cvm_ring_list, node) {
		if (ring->id < from_id)
			continue;
		info->id = ring->id;
		info->kind = ring->kind;
		info->policy = READ_ONCE(ring->policy);
		info->broken = READ_ONCE(ring->broken);
		memcpy(info->owner, ring->owner, sizeof(info->owner));
		info->checked = atomic64_read(&ring->checked);
		info->violations = atomic64_read(&ring->violations);
		for (i = 0; i <= CVM_RING_REASON_MAX; i++)
			info->reasons[i] = atomic64_read(&ring->reasons[i]);
		info->overstated = atomic64_read(&ring->overstated);
		info->clamped = atomic64_read(&ring->clamped);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&cvm_ring_lock, flags);
	return found;
}

int cvm_ring_set_policy(u32 id, u32 policy)
{
	struct cvm_ring *ring;
	unsigned long flags;
	int err = -ENOENT;

	spin_lock_irqsave(&cvm_ring_lock, flags);
	list_for_each_entry(ring, &cvm_ring_list, node) {
		if (ring->id != id)
			continue;
		WRITE_ONCE(ring->policy, policy);
		if (policy == CVM_RING_POLICY_MONITOR)
			WRITE_ONCE(ring->broken, false);
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&cvm_ring_lock, flags);
	return err;
}

/* Rings still registered at unload belong to no one any more. */
void cvm_ring_registry_exit(void)
{
	struct cvm_ring *ring, *tmp;

	list_for_each_entry_safe(ring, tmp, &cvm_ring_list, node) {
		pr_warn("ring %u (%s) still registered at unload\n", ring->id,
			ring->owner);
		list_del(&ring->node);
		kfree(ring);
	}
}
