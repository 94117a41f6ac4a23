// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool's memory: chunks of shared memory from cvm_convert, each cut
 * into areas that have their own lock so CPUs rarely meet. A pool nobody
 * uses holds none: the first client (an attached device or a kernel user
 * of the API) takes init_chunks, and once the last one has gone they go
 * back after idle_ms like any idle chunk. Shared memory is what the host
 * can read, so none is exposed before a device needs it. The pool grows
 * (from a work item: converting memory sleeps, mapping does not) once half
 * of it is in use, until less than half is, up to max_chunks, and gives
 * chunks that stayed unused for idle_ms back to private memory, down to
 * init_chunks while it has clients. A chunk whose conversion back fails is
 * leaked through the cvm_convert ledger: it leaves the pool for good and
 * is never reused.
 */
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <cvm_convert.h>
#include "bounce.h"
#include "pool.h"

/* Read by every mapping, written at load and at growth: not beside counters. */
struct list_head cvm_bounce_chunks __read_mostly =
	LIST_HEAD_INIT(cvm_bounce_chunks);
unsigned int cvm_bounce_slot_shift __read_mostly;
u32 cvm_bounce_max_slots __read_mostly;
DEFINE_PER_CPU(struct cvm_bounce_pcpu, cvm_bounce_pcpu);

/* Serialises growing and shrinking; mapping never takes it. */
static DEFINE_MUTEX(cvm_bounce_pool_lock);
static DECLARE_WAIT_QUEUE_HEAD(cvm_bounce_wq);
static unsigned int cvm_bounce_chunk_pages;
static unsigned int cvm_bounce_init_chunks;
static unsigned int cvm_bounce_max_chunks;
static unsigned int cvm_bounce_nchunks;	/* under the mutex; READ_ONCE */
static unsigned int cvm_bounce_users;	/* clients; under the mutex */
static atomic_long_t cvm_bounce_high_water;
static atomic64_t cvm_bounce_grows;
static atomic64_t cvm_bounce_shrinks;
static atomic64_t cvm_bounce_leaked;
static atomic64_t cvm_bounce_driver_leaks;
static atomic64_t cvm_bounce_coherent_refused;
static bool cvm_bounce_exiting;
/* A mapping found no room: grow even if the pool is not half full. */
static atomic_t cvm_bounce_ran_out;

static void cvm_bounce_grow_fn(struct work_struct *work);
static void cvm_bounce_shrink_fn(struct work_struct *work);
static DECLARE_WORK(cvm_bounce_grow_work, cvm_bounce_grow_fn);
static DECLARE_DELAYED_WORK(cvm_bounce_shrink_work, cvm_bounce_shrink_fn);

static u32 cvm_bounce_total_slots(void)
{
	return READ_ONCE(cvm_bounce_nchunks) *
	       (cvm_bounce_chunk_pages << (PAGE_SHIFT - cvm_bounce_slot_shift));
}

/* Slots in use now; raises the high-water mark to it. */
static long cvm_bounce_pool_sample(void)
{
	long used = 0, hw;
	int cpu;

	for_each_possible_cpu(cpu)
		used += READ_ONCE(per_cpu_ptr(&cvm_bounce_pcpu, cpu)->slots);
	/* Mappings in flight between CPUs can make the sum dip a moment. */
	used = max(used, 0L);
	hw = atomic_long_read(&cvm_bounce_high_water);
	while (used > hw) {
		long old = atomic_long_cmpxchg(&cvm_bounce_high_water, hw, used);

		if (old == hw)
			break;
		hw = old;
	}
	return used;
}

/**
 * cvm_bounce_pool_check() - a mapping went to a half-full area
 *
 * Starts growing once half the pool is in use. Most mappings cannot wait
 * for a chunk to be converted (block I/O maps from atomic context), so
 * growth has to stay ahead of a burst: at half full the pool still has as
 * much room as is in use while it grows. Called at most once a tick per
 * area, and only for areas at least half full, so that the sum over CPUs
 * stays off the common path; the high-water marks are sampled then (the
 * mapping samples its client's) and whenever they are read.
 */
void cvm_bounce_pool_check(void)
{
	if ((u64)cvm_bounce_pool_sample() * 2 >= cvm_bounce_total_slots())
		cvm_bounce_pool_low();
}

/* Under half full, or none of it in use; wants the pool mutex held. */
static bool cvm_bounce_pool_roomy(void)
{
	return (u64)cvm_bounce_pool_sample() * 2 < cvm_bounce_total_slots();
}

/**
 * cvm_bounce_pool_ran_out() - a mapping found no room
 *
 * Fragmentation can refuse a large mapping in a pool that is not half
 * full; the next growth adds a chunk whatever the pool's use.
 */
void cvm_bounce_pool_ran_out(void)
{
	cvm_bounce_pool_sample();
	atomic_set(&cvm_bounce_ran_out, 1);
	cvm_bounce_pool_low();
}

/* Asks for one more chunk, if there may be one. */
void cvm_bounce_pool_low(void)
{
	if (READ_ONCE(cvm_bounce_nchunks) < cvm_bounce_max_chunks &&
	    !READ_ONCE(cvm_bounce_exiting))
		queue_work(system_unbound_wq, &cvm_bounce_grow_work);
}

void cvm_bounce_pool_kick_shrink(void)
{
	if (!READ_ONCE(cvm_bounce_exiting))
		mod_delayed_work(system_unbound_wq, &cvm_bounce_shrink_work,
				 msecs_to_jiffies(cvm_bounce_policy.idle_ms));
}

/**
 * cvm_bounce_pool_wait() - wait for room, then try again
 * @c: the client
 * @p: what it asks for, and where it went
 * @deadline: jiffies
 *
 * The allocation is retried after the task is on the wait queue, so an
 * unmap or a new chunk between a failed try and the sleep is not missed.
 *
 * Return: 0 with the slots allocated; -ENOSPC to wait again; -ETIMEDOUT
 * at the deadline; -EINTR on a fatal signal; or another error of the
 * allocation.
 */
int cvm_bounce_pool_wait(struct cvm_bounce_client *c,
			 struct cvm_bounce_place *p, unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	DEFINE_WAIT(wait);
	int err;

	if (left <= 0)
		return -ETIMEDOUT;
	prepare_to_wait(&cvm_bounce_wq, &wait, TASK_KILLABLE);
	err = cvm_bounce_alloc(c, p);
	if (err == -ENOSPC)
		schedule_timeout(left);
	finish_wait(&cvm_bounce_wq, &wait);
	if (err == -ENOSPC && fatal_signal_pending(current))
		return -EINTR;
	return err;
}

void cvm_bounce_pool_wake(void)
{
	/*
	 * Only callers that may sleep wait, and only while wait_ms is set;
	 * one that waits on after wait_ms went to 0 still ends at its
	 * deadline. This keeps the full barrier of wq_has_sleeper() off
	 * every unmap when nobody can wait.
	 */
	if (READ_ONCE(cvm_bounce_policy.wait_ms) &&
	    wq_has_sleeper(&cvm_bounce_wq))
		wake_up_all(&cvm_bounce_wq);
}

static void cvm_bounce_chunk_free_meta(struct cvm_bounce_chunk *ch)
{
	kvfree(ch->meta);
	kvfree(ch->maps);
	kfree(ch->areas);
	kfree(ch);
}

/* Areas: one per possible CPU (a power of two), each holding a mapping. */
static struct cvm_bounce_chunk *cvm_bounce_chunk_new(void)
{
	u32 nslots = cvm_bounce_chunk_pages <<
		     (PAGE_SHIFT - cvm_bounce_slot_shift);
	u32 nareas = roundup_pow_of_two(num_possible_cpus()), per, i;
	struct cvm_bounce_chunk *ch;
	size_t longs;
	int err;

	while (nareas > 1 && nslots / nareas < cvm_bounce_max_slots)
		nareas >>= 1;
	per = nslots / nareas;
	/* Each area's bitmap in lines of its own: CPUs map in their own. */
	longs = roundup(CVM_SLOTS_MAP_LONGS(per), L1_CACHE_BYTES / sizeof(long));
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->areas = kcalloc(nareas, sizeof(*ch->areas), GFP_KERNEL);
	ch->meta = kvcalloc(nslots, sizeof(*ch->meta), GFP_KERNEL);
	ch->maps = kvcalloc(longs * nareas, sizeof(long), GFP_KERNEL);
	if (!ch->areas || !ch->meta || !ch->maps) {
		err = -ENOMEM;
		goto err_meta;
	}
	ch->vaddr = cvm_convert_alloc_shared(CVM_BOUNCE_OWNER,
					     cvm_bounce_chunk_pages,
					     GFP_KERNEL | __GFP_NOWARN);
	if (IS_ERR(ch->vaddr)) {
		err = PTR_ERR(ch->vaddr);
		goto err_meta;
	}
	ch->phys = virt_to_phys(ch->vaddr);
	ch->size = (size_t)cvm_bounce_chunk_pages << PAGE_SHIFT;
	ch->nslots = nslots;
	ch->nareas = nareas;
	ch->area_shift = ilog2(per);
	ch->last_active = jiffies;
	for (i = 0; i < nareas; i++) {
		struct cvm_bounce_area *a = &ch->areas[i];

		spin_lock_init(&a->lock);
		a->first = i * per;
		/* Cannot fail: the parameters were checked at load. */
		WARN_ON(cvm_slots_init(&a->slots, ch->phys +
				       ((u64)a->first << cvm_bounce_slot_shift),
				       cvm_bounce_slot_shift, PAGE_SHIFT, per,
				       cvm_bounce_max_slots,
				       ch->maps + i * longs));
	}
	return ch;

err_meta:
	cvm_bounce_chunk_free_meta(ch);
	return ERR_PTR(err);
}

static int cvm_bounce_grow_one(bool growth)
{
	struct cvm_bounce_chunk *ch;

	lockdep_assert_held(&cvm_bounce_pool_lock);
	if (cvm_bounce_nchunks >= cvm_bounce_max_chunks)
		return -ENOSPC;
	ch = cvm_bounce_chunk_new();
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	/* Counted before anyone can map in it; the first chunks are not growth. */
	if (growth)
		atomic64_inc(&cvm_bounce_grows);
	list_add_tail_rcu(&ch->node, &cvm_bounce_chunks);
	WRITE_ONCE(cvm_bounce_nchunks, cvm_bounce_nchunks + 1);
	return 0;
}

/* After a chunk was added: an event, and the idle timer for it. */
static void cvm_bounce_grown(void)
{
	cvm_bounce_notify(CVM_BOUNCE_EVENT_GROW, CVM_BOUNCE_OWNER, 0,
			  (u64)cvm_bounce_chunk_pages << PAGE_SHIFT, 0);
	cvm_bounce_pool_kick_shrink();
}

/*
 * Grows a chunk at a time until under half the pool is in use: one chunk
 * is not enough when a burst doubled the use while it was converted.
 * Several mappings may have asked for the same growth; each chunk is
 * announced, and waiters retry, as soon as it can be mapped in.
 */
static void cvm_bounce_grow_fn(struct work_struct *work)
{
	int err, ran_out;

	for (;;) {
		mutex_lock(&cvm_bounce_pool_lock);
		ran_out = atomic_xchg(&cvm_bounce_ran_out, 0);
		if (!cvm_bounce_users ||
		    (!ran_out && cvm_bounce_pool_roomy())) {
			mutex_unlock(&cvm_bounce_pool_lock);
			break;
		}
		err = cvm_bounce_grow_one(true);
		mutex_unlock(&cvm_bounce_pool_lock);
		if (err || READ_ONCE(cvm_bounce_exiting))
			break;
		cvm_bounce_grown();
		cvm_bounce_pool_wake();
	}
	/* Waiters retry either way: a failed grow ends their wait early. */
	cvm_bounce_pool_wake();
}

/*
 * Takes an idle chunk out of service: every area empty and marked retired
 * under its lock, so no mapping can start in it afterwards.
 */
static bool cvm_bounce_chunk_retire(struct cvm_bounce_chunk *ch)
{
	unsigned long flags;
	bool busy = false;
	u32 i;

	for (i = 0; i < ch->nareas; i++) {
		spin_lock_irqsave(&ch->areas[i].lock, flags);
		if (ch->areas[i].slots.used)
			busy = true;
		else
			ch->areas[i].retired = true;
		spin_unlock_irqrestore(&ch->areas[i].lock, flags);
		if (busy)
			break;
	}
	if (!busy)
		return true;
	while (i--) {
		spin_lock_irqsave(&ch->areas[i].lock, flags);
		ch->areas[i].retired = false;
		spin_unlock_irqrestore(&ch->areas[i].lock, flags);
	}
	return false;
}

/* Gives @ch back to private memory; sleeps. Called without the mutex. */
static void cvm_bounce_chunk_release(struct cvm_bounce_chunk *ch)
{
	int err;

	/* Lookups by stray unmaps may still walk the list: wait for them. */
	synchronize_rcu();
	err = cvm_convert_free_shared(CVM_BOUNCE_OWNER, ch->vaddr,
				      cvm_bounce_chunk_pages);
	if (err) {
		/* The ledger keeps the pages as leaked; we forget them. */
		atomic64_inc(&cvm_bounce_leaked);
		cvm_bounce_notify(CVM_BOUNCE_EVENT_CHUNK_LEAKED,
				  CVM_BOUNCE_OWNER, ch->phys, ch->size, err);
	} else {
		atomic64_inc(&cvm_bounce_shrinks);
		cvm_bounce_notify(CVM_BOUNCE_EVENT_SHRINK, CVM_BOUNCE_OWNER,
				  ch->phys, ch->size, 0);
	}
	cvm_bounce_chunk_free_meta(ch);
}

/* Chunks the pool keeps however idle: init_chunks while it has clients. */
static unsigned int cvm_bounce_floor(void)
{
	return READ_ONCE(cvm_bounce_users) ? cvm_bounce_init_chunks : 0;
}

/*
 * Whether a mapping landed in @ch since the last look; clears the areas'
 * flags. A mapping that races with the clearing is lost, but it happened
 * now, and the caller stamps the chunk active now.
 */
static bool cvm_bounce_chunk_was_active(struct cvm_bounce_chunk *ch)
{
	bool active = false;
	u32 i;

	for (i = 0; i < ch->nareas; i++) {
		if (READ_ONCE(ch->areas[i].active)) {
			WRITE_ONCE(ch->areas[i].active, false);
			active = true;
		}
	}
	return active;
}

/*
 * One idle chunk above the floor (the newest first), or NULL. Mappings
 * only raise a flag in their area; the time is taken here, so a chunk
 * goes back between idle_ms and twice that after its last mapping (the
 * shrink work looks every idle_ms).
 */
static struct cvm_bounce_chunk *cvm_bounce_take_idle(bool force)
{
	unsigned long idle = msecs_to_jiffies(cvm_bounce_policy.idle_ms);
	struct cvm_bounce_chunk *ch;

	lockdep_assert_held(&cvm_bounce_pool_lock);
	if (cvm_bounce_nchunks <= cvm_bounce_floor())
		return NULL;
	list_for_each_entry_reverse(ch, &cvm_bounce_chunks, node) {
		if (!force && cvm_bounce_chunk_was_active(ch))
			ch->last_active = jiffies;
		if (!force && time_before(jiffies, ch->last_active + idle))
			continue;
		if (!cvm_bounce_chunk_retire(ch))
			continue;
		list_del_rcu(&ch->node);
		WRITE_ONCE(cvm_bounce_nchunks, cvm_bounce_nchunks - 1);
		return ch;
	}
	return NULL;
}

static int cvm_bounce_shrink(bool force)
{
	struct cvm_bounce_chunk *ch;
	int n = 0;

	for (;;) {
		mutex_lock(&cvm_bounce_pool_lock);
		ch = cvm_bounce_take_idle(force);
		mutex_unlock(&cvm_bounce_pool_lock);
		if (!ch)
			break;
		cvm_bounce_chunk_release(ch);
		n++;
	}
	return n;
}

static void cvm_bounce_shrink_fn(struct work_struct *work)
{
	cvm_bounce_shrink(false);
	/* Chunks above the floor that are still busy: look again later. */
	if (READ_ONCE(cvm_bounce_nchunks) > cvm_bounce_floor())
		cvm_bounce_pool_kick_shrink();
}

/**
 * cvm_bounce_pool_get() - a client arrives
 *
 * The first one takes init_chunks (those idle chunks that are still held
 * count). Sleeps.
 *
 * Return: 0 when the pool holds at least one chunk, or the error of the
 * first chunk's allocation or conversion (the client must not register).
 */
int cvm_bounce_pool_get(void)
{
	int err = 0;

	mutex_lock(&cvm_bounce_pool_lock);
	while (cvm_bounce_nchunks < cvm_bounce_init_chunks && !err)
		err = cvm_bounce_grow_one(false);
	if (err && cvm_bounce_nchunks) {
		/* Short of the floor: growth on demand adds the rest. */
		pr_warn("took %u of %u initial chunks (%d)\n",
			cvm_bounce_nchunks, cvm_bounce_init_chunks, err);
		err = 0;
	}
	if (!err)
		WRITE_ONCE(cvm_bounce_users, cvm_bounce_users + 1);
	mutex_unlock(&cvm_bounce_pool_lock);
	return err;
}

/**
 * cvm_bounce_pool_put() - a client has gone, with no mapping left
 *
 * After the last one every chunk goes back once idle for idle_ms.
 */
void cvm_bounce_pool_put(void)
{
	bool last;

	mutex_lock(&cvm_bounce_pool_lock);
	WRITE_ONCE(cvm_bounce_users, cvm_bounce_users - 1);
	last = !cvm_bounce_users;
	mutex_unlock(&cvm_bounce_pool_lock);
	if (last)
		cvm_bounce_pool_kick_shrink();
}

/**
 * cvm_bounce_grow_now() - add one chunk now (tests)
 *
 * Return: 0, -ENOSPC at max_chunks, or the error of the allocation.
 */
int cvm_bounce_grow_now(void)
{
	int err;

	mutex_lock(&cvm_bounce_pool_lock);
	err = cvm_bounce_grow_one(true);
	mutex_unlock(&cvm_bounce_pool_lock);
	if (!err)
		cvm_bounce_grown();
	return err;
}
EXPORT_SYMBOL_GPL(cvm_bounce_grow_now);

/**
 * cvm_bounce_shrink_now() - give back every unused chunk above the floor
 *
 * Ignores idle_ms; for tests and memory pressure.
 *
 * Return: the number of chunks that left the pool (leaked ones included).
 */
int cvm_bounce_shrink_now(void)
{
	return cvm_bounce_shrink(true);
}
EXPORT_SYMBOL_GPL(cvm_bounce_shrink_now);

/**
 * cvm_bounce_chunk_find() - the chunk holding @addr
 * @addr: physical address
 *
 * Call under rcu_read_lock().
 *
 * Return: the chunk, or NULL when @addr is not in the pool.
 */
struct cvm_bounce_chunk *cvm_bounce_chunk_find(phys_addr_t addr)
{
	struct cvm_bounce_chunk *ch;

	list_for_each_entry_rcu(ch, &cvm_bounce_chunks, node)
		if (addr >= ch->phys && addr - ch->phys < ch->size)
			return ch;
	return NULL;
}

/* Mappings drivers left live, reclaimed at detach: counted for good. */
void cvm_bounce_pool_driver_leaks(unsigned long n)
{
	atomic64_add(n, &cvm_bounce_driver_leaks);
}

void cvm_bounce_pool_coherent_refused(void)
{
	atomic64_inc(&cvm_bounce_coherent_refused);
}

void cvm_bounce_stats(struct cvm_bounce_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		struct cvm_bounce_pcpu *p = per_cpu_ptr(&cvm_bounce_pcpu, cpu);

		st->maps += READ_ONCE(p->maps);
		st->unmaps += READ_ONCE(p->unmaps);
		st->bytes += READ_ONCE(p->bytes);
		st->syncs += READ_ONCE(p->syncs);
		st->failures += READ_ONCE(p->failures);
		st->violations += READ_ONCE(p->violations);
		st->waits += READ_ONCE(p->waits);
	}
	st->chunks = READ_ONCE(cvm_bounce_nchunks);
	st->slots = cvm_bounce_total_slots();
	st->size = (u64)st->chunks * cvm_bounce_chunk_pages << PAGE_SHIFT;
	st->used = cvm_bounce_pool_sample();
	st->high_water = atomic_long_read(&cvm_bounce_high_water);
	st->slot_size = 1U << cvm_bounce_slot_shift;
	st->max_chunks = cvm_bounce_max_chunks;
	st->max_mapping = cvm_bounce_max_slots << cvm_bounce_slot_shift;
	st->grows = atomic64_read(&cvm_bounce_grows);
	st->shrinks = atomic64_read(&cvm_bounce_shrinks);
	st->leaked_chunks = atomic64_read(&cvm_bounce_leaked);
	st->driver_leaks = atomic64_read(&cvm_bounce_driver_leaks);
	st->coherent_refused = atomic64_read(&cvm_bounce_coherent_refused);
}

int cvm_bounce_pool_init(unsigned int slot_size, unsigned int chunk_kib,
			 unsigned int init_chunks, unsigned int max_chunks,
			 unsigned int max_mapping_kib)
{
	/* A chunk is one alloc_pages_exact(): no larger than the buddy's. */
	if (chunk_kib > (PAGE_SIZE << CVM_MAX_PAGE_ORDER) / 1024) {
		pr_err("chunk_kib=%u is above the largest contiguous allocation, %lu KiB\n",
		       chunk_kib, (PAGE_SIZE << CVM_MAX_PAGE_ORDER) / 1024);
		return -EINVAL;
	}
	if (!is_power_of_2(slot_size) || slot_size < 512 ||
	    slot_size > PAGE_SIZE || !is_power_of_2(chunk_kib) ||
	    chunk_kib < max_mapping_kib || chunk_kib > 16384 ||
	    !is_power_of_2(max_mapping_kib) ||
	    max_mapping_kib * 1024 < slot_size || !init_chunks ||
	    init_chunks > max_chunks || max_chunks > 4096 ||
	    chunk_kib * 1024 < PAGE_SIZE) {
		pr_err("inconsistent pool parameters\n");
		return -EINVAL;
	}
	cvm_bounce_slot_shift = ilog2(slot_size);
	cvm_bounce_max_slots = max_mapping_kib * 1024 / slot_size;
	cvm_bounce_chunk_pages = chunk_kib * 1024 / PAGE_SIZE;
	cvm_bounce_init_chunks = init_chunks;
	cvm_bounce_max_chunks = max_chunks;
	cvm_bounce_exiting = false;
	/* No chunk yet: the first client takes them (cvm_bounce_pool_get()). */
	return 0;
}

/* All mappings are gone (clients were freed first). */
void cvm_bounce_pool_exit(void)
{
	struct cvm_bounce_chunk *ch, *tmp;
	LIST_HEAD(gone);

	WRITE_ONCE(cvm_bounce_exiting, true);
	cancel_work_sync(&cvm_bounce_grow_work);
	cancel_delayed_work_sync(&cvm_bounce_shrink_work);
	mutex_lock(&cvm_bounce_pool_lock);
	list_for_each_entry_safe(ch, tmp, &cvm_bounce_chunks, node) {
		list_del_rcu(&ch->node);
		list_add(&ch->node, &gone);
	}
	cvm_bounce_nchunks = 0;
	mutex_unlock(&cvm_bounce_pool_lock);
	list_for_each_entry_safe(ch, tmp, &gone, node)
		cvm_bounce_chunk_release(ch);
}
