// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clients of the pool: devices it is attached to and kernel users of the
 * API. Every counter the per-device dump shows lives here, and so does the
 * reporting of misuse.
 *
 * Misuse is reported with a log line once per client and kind, not with
 * WARN_ONCE: the pool has already refused the call and nothing is
 * corrupted, and a WARN taints the kernel and panics systems booted with
 * panic_on_warn, which would let any buggy driver take the guest down
 * through a safety check. The misuse_warn policy turns it into a WARN
 * with a stack trace, for finding the driver during development.
 */
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "bounce.h"

static LIST_HEAD(cvm_bounce_clients);
/* Protects the client list; held across dumps of one entry. */
static DEFINE_MUTEX(cvm_bounce_clients_lock);

static const char * const cvm_bounce_misuse_names[CVM_BOUNCE_NR_MISUSE] = {
	[CVM_BOUNCE_EVENT_STRAY]	 = "unmap/sync of an address that is not a live mapping",
	[CVM_BOUNCE_EVENT_DOUBLE_UNMAP]	 = "double unmap",
	[CVM_BOUNCE_EVENT_SIZE_MISMATCH] = "unmap with a size other than mapped",
	[CVM_BOUNCE_EVENT_DIR_MISMATCH]	 = "unmap/sync with a direction other than mapped",
	[CVM_BOUNCE_EVENT_SYNC_RANGE]	 = "sync of a range outside the mapping",
};

/**
 * cvm_bounce_misuse() - count, log once and report a refused call
 * @c: the client that made it
 * @kind: CVM_BOUNCE_EVENT_* below CVM_BOUNCE_NR_MISUSE
 * @addr: the address it gave
 * @size: the size it gave
 * @err: what it got back
 */
void cvm_bounce_misuse(struct cvm_bounce_client *c, u32 kind,
		       phys_addr_t addr, size_t size, int err)
{
	if (WARN_ON_ONCE(kind >= CVM_BOUNCE_NR_MISUSE))
		return;
	atomic64_inc(&c->misuse[kind]);
	this_cpu_inc(cvm_bounce_pcpu.violations);
	if (READ_ONCE(cvm_bounce_policy.misuse_warn))
		WARN_ONCE(1, "%s: refused %s at %pa size %zu\n", c->name,
			  cvm_bounce_misuse_names[kind], &addr, size);
	else if (!test_and_set_bit(kind, &c->warned))
		pr_warn("%s: refused %s at %pa size %zu (%d); reported once per device and kind\n",
			c->name, cvm_bounce_misuse_names[kind], &addr, size,
			err);
	cvm_bounce_notify(kind, c->name, addr, size, err);
}

/*
 * Returns the client, or an ERR_PTR: -ENOMEM, or the error of the pool
 * taking its first chunks when this is its first client.
 */
struct cvm_bounce_client *cvm_bounce_client_create(const char *name,
						   struct device *dev)
{
	struct cvm_bounce_client *c;
	int err = -ENOMEM;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->pcpu = alloc_percpu(struct cvm_bounce_client_pcpu);
	if (c->pcpu)
		err = cvm_bounce_pool_get();
	if (err) {
		free_percpu(c->pcpu);
		kfree(c);
		return ERR_PTR(err);
	}
	strscpy(c->name, name, sizeof(c->name));
	c->dev = dev;
	c->zero_from_device = -1;
	mutex_lock(&cvm_bounce_clients_lock);
	list_add_tail(&c->node, &cvm_bounce_clients);
	mutex_unlock(&cvm_bounce_clients_lock);
	return c;
}

void cvm_bounce_client_destroy(struct cvm_bounce_client *c)
{
	mutex_lock(&cvm_bounce_clients_lock);
	list_del(&c->node);
	mutex_unlock(&cvm_bounce_clients_lock);
	free_percpu(c->pcpu);
	kfree(c);
	cvm_bounce_pool_put();
}

/**
 * cvm_bounce_client_new() - register a kernel user of the pool
 * @name: name in the per-device dump
 *
 * The pool's first client makes it take its initial chunks. Sleeps.
 *
 * Return: the client, or NULL without memory or when the pool could not
 * take its first chunk.
 */
struct cvm_bounce_client *cvm_bounce_client_new(const char *name)
{
	struct cvm_bounce_client *c = cvm_bounce_client_create(name, NULL);

	return IS_ERR(c) ? NULL : c;
}
EXPORT_SYMBOL_GPL(cvm_bounce_client_new);

/**
 * cvm_bounce_client_free() - unregister a client with no live mappings
 * @c: the client
 *
 * Sleeps.
 *
 * Return: 0, or -EBUSY while it still has mappings (it stays registered).
 */
int cvm_bounce_client_free(struct cvm_bounce_client *c)
{
	if (cvm_bounce_client_inflight(c))
		return -EBUSY;
	cvm_bounce_client_destroy(c);
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_bounce_client_free);

/**
 * cvm_bounce_client_inflight() - slots @c has mapped now
 * @c: the client
 *
 * The sum of its per-CPU counts; raises its high-water mark to it. Exact
 * when nothing maps or unmaps for @c meanwhile (free, detach); a moment
 * off otherwise.
 *
 * Return: the slots.
 */
long cvm_bounce_client_inflight(struct cvm_bounce_client *c)
{
	long n = 0, hw;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(c->pcpu, cpu)->slots);
	n = max(n, 0L);
	hw = atomic_long_read(&c->high_water);
	while (n > hw) {
		long old = atomic_long_cmpxchg(&c->high_water, hw, n);

		if (old == hw)
			break;
		hw = old;
	}
	return n;
}

/* The per-CPU traffic counters of @c, as totals in @snap. */
static void cvm_bounce_client_sum(struct cvm_bounce_client *c,
				  struct cvm_bounce_client *snap)
{
	u64 maps = 0, unmaps = 0, bytes = 0, unbytes = 0, syncs = 0;
	int cpu;

	atomic_long_set(&snap->inflight_slots, cvm_bounce_client_inflight(c));
	atomic_long_set(&snap->high_water, atomic_long_read(&c->high_water));

	for_each_possible_cpu(cpu) {
		const struct cvm_bounce_client_pcpu *p = per_cpu_ptr(c->pcpu, cpu);

		maps += READ_ONCE(p->maps);
		unmaps += READ_ONCE(p->unmaps);
		bytes += READ_ONCE(p->bytes);
		unbytes += READ_ONCE(p->unmapped_bytes);
		syncs += READ_ONCE(p->syncs);
	}
	atomic64_set(&snap->maps, maps);
	atomic64_set(&snap->unmaps, unmaps);
	atomic64_set(&snap->bytes, bytes);
	atomic64_set(&snap->syncs, syncs);
	/* Read without a lock: a map in flight may show for a moment. */
	atomic_long_set(&snap->inflight_bytes,
			bytes > unbytes ? bytes - unbytes : 0);
	snap->pcpu = NULL;
}

/**
 * cvm_bounce_client_at() - copy of the @i-th client, for dumps
 * @i: position
 * @snap: gets the copy (counters read once)
 * @attached: gets whether it is a device the pool is attached to
 *
 * Return: 1 when there is such a client, 0 past the end.
 */
int cvm_bounce_client_at(unsigned int i, struct cvm_bounce_client *snap,
			 bool *attached)
{
	struct cvm_bounce_client *c;
	int found = 0;

	mutex_lock(&cvm_bounce_clients_lock);
	list_for_each_entry(c, &cvm_bounce_clients, node) {
		if (i--)
			continue;
		memcpy(snap, c, sizeof(*snap));
		cvm_bounce_client_sum(c, snap);
		*attached = !!c->dev;
		found = 1;
		break;
	}
	mutex_unlock(&cvm_bounce_clients_lock);
	return found;
}
