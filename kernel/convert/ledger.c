// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ledger: which pfn ranges are shared with the host, by whom, and
 * which were leaked because converting them back to private failed.
 *
 * Ranges live in an rbtree keyed by start pfn; they never overlap. One
 * spinlock covers the tree, the owners and the totals. It is a spinlock,
 * taken with interrupts off, because the observer records conversions from
 * kretprobe handlers, which run in atomic context on whatever path called
 * set_memory_decrypted(). It is never held across set_memory_*(), which
 * sleep: a conversion first reserves its range (so two callers cannot
 * convert the same pages at once), converts without the lock, then
 * commits or drops the reservation.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "convert.h"

enum cvm_range_state {
	CVM_RANGE_SHARING,	/* reserved, set_memory_decrypted() running */
	CVM_RANGE_SHARED,
	CVM_RANGE_UNSHARING,	/* set_memory_encrypted() running; still shared */
	CVM_RANGE_LEAKED,
};

/**
 * struct cvm_convert_range - pages converted by one call
 * @node: in cvm_ledger_ranges, keyed by @start_pfn
 * @start_pfn: first page
 * @npages: number of pages
 * @owner: who shared them; owners outlive ranges
 * @since: jiffies when the range was shared
 * @state: enum cvm_range_state
 * @observed: recorded by the observer, not reserved through the ledger
 */
struct cvm_convert_range {
	struct rb_node node;
	unsigned long start_pfn;
	unsigned long npages;
	struct cvm_convert_owner *owner;
	unsigned long since;
	u8 state;
	bool observed;
};

static DEFINE_SPINLOCK(cvm_ledger_lock);
static struct rb_root cvm_ledger_ranges = RB_ROOT;
static LIST_HEAD(cvm_ledger_owners);
static struct cvm_convert_totals cvm_ledger_sum;
static struct kmem_cache *cvm_range_cache;

/* Reserved ranges are not shared yet: dumps and totals do not show them. */
static bool cvm_range_visible(const struct cvm_convert_range *r)
{
	return r->state != CVM_RANGE_SHARING;
}

static u32 cvm_range_uapi_state(const struct cvm_convert_range *r)
{
	return r->state == CVM_RANGE_LEAKED ? CVM_CONV_STATE_LEAKED :
					      CVM_CONV_STATE_SHARED;
}

static struct cvm_convert_owner *cvm_ledger_find_owner(const char *name)
{
	struct cvm_convert_owner *o;

	lockdep_assert_held(&cvm_ledger_lock);
	list_for_each_entry(o, &cvm_ledger_owners, node)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/*
 * Finds or creates the owner called @name. The pointer stays valid until
 * module exit, so callers may use it after dropping the lock.
 */
static struct cvm_convert_owner *cvm_ledger_owner(const char *name, gfp_t gfp)
{
	struct cvm_convert_owner *o, *new;
	unsigned long flags;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	o = cvm_ledger_find_owner(name);
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	if (o)
		return o;

	new = kzalloc(sizeof(*new), gfp);
	if (!new)
		return NULL;
	strscpy(new->name, name, sizeof(new->name));

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	/* Another CPU may have added it meanwhile. */
	o = cvm_ledger_find_owner(new->name);
	if (!o) {
		list_add_tail(&new->node, &cvm_ledger_owners);
		cvm_ledger_sum.owners++;
		o = new;
		new = NULL;
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	kfree(new);
	return o;
}

/* Any range sharing a page with [pfn, pfn + npages). */
static struct cvm_convert_range *cvm_ledger_overlap(unsigned long pfn,
						    unsigned long npages)
{
	struct rb_node *node = cvm_ledger_ranges.rb_node;

	lockdep_assert_held(&cvm_ledger_lock);
	while (node) {
		struct cvm_convert_range *r =
			rb_entry(node, struct cvm_convert_range, node);

		if (pfn + npages <= r->start_pfn)
			node = node->rb_left;
		else if (pfn >= r->start_pfn + r->npages)
			node = node->rb_right;
		else
			return r;
	}
	return NULL;
}

static void cvm_ledger_insert(struct cvm_convert_range *new)
{
	struct rb_node **link = &cvm_ledger_ranges.rb_node, *parent = NULL;

	lockdep_assert_held(&cvm_ledger_lock);
	while (*link) {
		struct cvm_convert_range *r;

		parent = *link;
		r = rb_entry(parent, struct cvm_convert_range, node);
		link = new->start_pfn < r->start_pfn ? &parent->rb_left :
						       &parent->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &cvm_ledger_ranges);
}

static void cvm_ledger_add_shared(struct cvm_convert_owner *o,
				  unsigned long npages)
{
	o->shared_pages += npages;
	o->peak_pages = max(o->peak_pages, o->shared_pages);
	o->share_ops++;
	cvm_ledger_sum.shared_pages += npages;
	cvm_ledger_sum.peak_pages = max(cvm_ledger_sum.peak_pages,
					cvm_ledger_sum.shared_pages);
	cvm_ledger_sum.share_ops++;
	cvm_ledger_sum.ranges++;
}

/* Drops a shared range that is private again. */
static void cvm_ledger_del_shared(struct cvm_convert_range *r)
{
	r->owner->shared_pages -= r->npages;
	r->owner->unshare_ops++;
	cvm_ledger_sum.shared_pages -= r->npages;
	cvm_ledger_sum.unshare_ops++;
	cvm_ledger_sum.ranges--;
	rb_erase(&r->node, &cvm_ledger_ranges);
}

/* Ends a range an observed failure left in unknown state. */
static void cvm_ledger_del_leaked(struct cvm_convert_range *r)
{
	r->owner->leaked_pages -= r->npages;
	cvm_ledger_sum.leaked_pages -= r->npages;
	cvm_ledger_sum.ranges--;
	rb_erase(&r->node, &cvm_ledger_ranges);
}

/*
 * The caller of cvm_ledger_reserve() owns these pages now, so a range the
 * observer recorded on them is stale: a shared one's unshare went unseen
 * (the observer was off, or the conversion back was piecewise); a leaked
 * one's pages were freed by the code whose conversion failed, which the
 * kernel's own callers never do (their state is unknown), so that is said
 * aloud. Such ranges end; they never make a tracked conversion fail.
 */
static void cvm_ledger_drop_observed(unsigned long pfn, unsigned long npages)
{
	struct cvm_convert_range *r;

	lockdep_assert_held(&cvm_ledger_lock);
	while ((r = cvm_ledger_overlap(pfn, npages)) && r->observed) {
		if (r->state == CVM_RANGE_SHARED) {
			cvm_ledger_del_shared(r);
		} else {
			pr_warn_ratelimited("%s freed %lu pages at pfn %#lx whose conversion had failed (state unknown)\n",
					    r->owner->name, r->npages,
					    r->start_pfn);
			cvm_ledger_del_leaked(r);
		}
		kmem_cache_free(cvm_range_cache, r);
	}
}

static void cvm_ledger_anomaly(struct cvm_convert_owner *o)
{
	o->anomalies++;
	cvm_ledger_sum.anomalies++;
}

/**
 * cvm_ledger_reserve() - claim a range before converting it to shared
 * @owner: owner tag
 * @pfn: first page
 * @npages: number of pages
 * @rp: set to the reservation, for cvm_ledger_commit_share() or
 *	cvm_ledger_fail_share()
 *
 * Return: 0; -EEXIST (counted as an anomaly) if a page of the range is
 * already shared, leaked or being converted; -ENOMEM.
 */
int cvm_ledger_reserve(const char *owner, unsigned long pfn,
		       unsigned long npages, struct cvm_convert_range **rp)
{
	struct cvm_convert_owner *o;
	struct cvm_convert_range *r;
	unsigned long flags;
	int err = 0;

	o = cvm_ledger_owner(owner, GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	r = kmem_cache_zalloc(cvm_range_cache, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->start_pfn = pfn;
	r->npages = npages;
	r->owner = o;
	r->state = CVM_RANGE_SHARING;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	cvm_ledger_drop_observed(pfn, npages);
	if (cvm_ledger_overlap(pfn, npages)) {
		cvm_ledger_anomaly(o);
		err = -EEXIST;
	} else {
		cvm_ledger_insert(r);
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	if (err) {
		kmem_cache_free(cvm_range_cache, r);
		return err;
	}
	*rp = r;
	return 0;
}

/**
 * cvm_ledger_commit_share() - the reserved range is shared now
 * @r: from cvm_ledger_reserve()
 */
void cvm_ledger_commit_share(struct cvm_convert_range *r)
{
	unsigned long flags;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	r->state = CVM_RANGE_SHARED;
	r->since = jiffies;
	cvm_ledger_add_shared(r->owner, r->npages);
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
}

/**
 * cvm_ledger_fail_share() - converting the reserved range failed
 * @r: from cvm_ledger_reserve()
 *
 * set_memory_decrypted() may fail after part of the range changed state
 * (TDX and Hyper-V report the host's refusal half way), so the pages are
 * in an unknown state: the range stays in the ledger as leaked, for good,
 * as after a failed unshare, and its pages must never be freed.
 */
void cvm_ledger_fail_share(struct cvm_convert_range *r)
{
	unsigned long flags;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	r->state = CVM_RANGE_LEAKED;
	r->since = jiffies;
	r->owner->failures++;
	r->owner->leaked_pages += r->npages;
	cvm_ledger_sum.share_failures++;
	cvm_ledger_sum.leaked_pages += r->npages;
	cvm_ledger_sum.ranges++;
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
}

/**
 * cvm_ledger_begin_unshare() - claim a shared range to convert it back
 * @owner: owner tag of the caller
 * @pfn: first page
 * @npages: number of pages
 * @rp: set to the range, for cvm_ledger_end_unshare()
 *
 * Only a range shared by one call can be unshared, as a whole, by its
 * owner: anything else is a bug in the caller, and converting pages the
 * ledger does not know could expose or corrupt someone else's buffer.
 *
 * Return: 0; -ENOENT (not-shared anomaly) if no shared range is exactly
 * [@pfn, @pfn + @npages); -EPERM (wrong-owner anomaly) if another owner
 * shared it; -ENOMEM.
 */
int cvm_ledger_begin_unshare(const char *owner, unsigned long pfn,
			     unsigned long npages,
			     struct cvm_convert_range **rp)
{
	struct cvm_convert_owner *o;
	struct cvm_convert_range *r;
	unsigned long flags;
	int err = 0;

	o = cvm_ledger_owner(owner, GFP_KERNEL);
	if (!o)
		return -ENOMEM;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	r = cvm_ledger_overlap(pfn, npages);
	if (!r || r->start_pfn != pfn || r->npages != npages ||
	    r->state != CVM_RANGE_SHARED) {
		cvm_ledger_anomaly(o);
		err = -ENOENT;
	} else if (r->owner != o) {
		cvm_ledger_anomaly(o);
		err = -EPERM;
	} else {
		r->state = CVM_RANGE_UNSHARING;
		*rp = r;
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	return err;
}

/**
 * cvm_ledger_end_unshare() - record the outcome of converting a range back
 * @r: from cvm_ledger_begin_unshare()
 * @err: what the conversion returned
 *
 * On success the range leaves the ledger. On failure the pages are in an
 * unknown state, possibly still readable by the host: they stay in the
 * ledger as leaked, for good, and must never be freed.
 */
void cvm_ledger_end_unshare(struct cvm_convert_range *r, int err)
{
	struct cvm_convert_owner *o = r->owner;
	unsigned long flags;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	if (!err) {
		cvm_ledger_del_shared(r);
	} else {
		r->state = CVM_RANGE_LEAKED;
		o->shared_pages -= r->npages;
		o->failures++;
		o->leaked_pages += r->npages;
		cvm_ledger_sum.shared_pages -= r->npages;
		cvm_ledger_sum.unshare_failures++;
		cvm_ledger_sum.leaked_pages += r->npages;
		r = NULL;
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	if (r)
		kmem_cache_free(cvm_range_cache, r);
}

/**
 * cvm_ledger_state() - what the ledger says about a range
 * @pfn: first page
 * @npages: number of pages
 *
 * Return: CVM_CONV_STATE_SHARED or CVM_CONV_STATE_LEAKED if exactly this
 * range is in the ledger, else -ENOENT.
 */
int cvm_ledger_state(unsigned long pfn, unsigned long npages)
{
	struct cvm_convert_range *r;
	unsigned long flags;
	int state = -ENOENT;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	r = cvm_ledger_overlap(pfn, npages);
	if (r && r->start_pfn == pfn && r->npages == npages &&
	    cvm_range_visible(r))
		state = cvm_range_uapi_state(r);
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	return state;
}

/* Records a range the observer saw, in @state; the caller counts it. */
static void cvm_ledger_observed_insert(struct cvm_convert_range *r,
				       struct cvm_convert_owner *o,
				       unsigned long pfn, unsigned long npages,
				       u8 state)
{
	r->start_pfn = pfn;
	r->npages = npages;
	r->owner = o;
	r->since = jiffies;
	r->state = state;
	r->observed = true;
	cvm_ledger_insert(r);
}

/**
 * cvm_ledger_observed() - record a conversion the observer saw
 * @caller: symbol of the code that called set_memory_*()
 * @pfn: first page
 * @npages: number of pages
 * @share: true for set_memory_decrypted()
 * @err: what it returned
 * @first: the first physically contiguous run of the call (counts the op,
 *	or the failure)
 *
 * Atomic context. The ledger did not reserve these pages, so what it
 * records is best effort: a share that overlaps a known range, or that
 * finds no memory for its entry, is counted but not tracked; an unshare of
 * a range the ledger does not know (shared before the observer was on) is
 * counted, not an anomaly. A failed conversion, either way, leaves its
 * pages in an unknown state (the host may have converted part of them), so
 * they are recorded as leaked, as the kernel's own callers leak them; a
 * successful unshare of exactly such a range ends it. What it records
 * never blocks a conversion made through the ledger (see
 * cvm_ledger_drop_observed()).
 */
void cvm_ledger_observed(const char *caller, unsigned long pfn,
			 unsigned long npages, bool share, int err, bool first)
{
	struct cvm_convert_range *r, *new = NULL;
	struct cvm_convert_owner *o;
	unsigned long flags;

	o = cvm_ledger_owner(caller, GFP_ATOMIC);
	if (!o)
		return;
	if (share || err)
		new = kmem_cache_zalloc(cvm_range_cache, GFP_ATOMIC);

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	if (first)
		cvm_ledger_sum.observed_ops++;
	r = cvm_ledger_overlap(pfn, npages);
	if (r && (r->start_pfn != pfn || r->npages != npages))
		r = NULL;	/* only an exact match is the same range */
	if (err) {
		if (first) {
			o->failures++;
			if (share)
				cvm_ledger_sum.share_failures++;
			else
				cvm_ledger_sum.unshare_failures++;
		}
		if (!share && r && r->state == CVM_RANGE_SHARED) {
			r->owner->shared_pages -= npages;
			cvm_ledger_sum.shared_pages -= npages;
			r->state = CVM_RANGE_LEAKED;
			r->since = jiffies;
			r->owner->leaked_pages += npages;
			cvm_ledger_sum.leaked_pages += npages;
		} else if (new && !cvm_ledger_overlap(pfn, npages)) {
			/* State unknown, for good. */
			cvm_ledger_observed_insert(new, o, pfn, npages,
						   CVM_RANGE_LEAKED);
			o->leaked_pages += npages;
			cvm_ledger_sum.leaked_pages += npages;
			cvm_ledger_sum.ranges++;
			new = NULL;
		}
	} else if (share) {
		if (new && !cvm_ledger_overlap(pfn, npages)) {
			cvm_ledger_observed_insert(new, o, pfn, npages,
						   CVM_RANGE_SHARED);
			cvm_ledger_add_shared(o, npages);
			new = NULL;
		} else {
			o->share_ops++;
			cvm_ledger_sum.share_ops++;
		}
	} else if (r && r->state == CVM_RANGE_SHARED) {
		/* The sharer's counters balance, whoever unshares. */
		cvm_ledger_del_shared(r);
		new = r;
	} else {
		o->unshare_ops++;
		cvm_ledger_sum.unshare_ops++;
		if (r && r->observed && r->state == CVM_RANGE_LEAKED) {
			/* Private again: the state is known once more. */
			cvm_ledger_del_leaked(r);
			new = r;
		}
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	if (new)
		kmem_cache_free(cvm_range_cache, new);
}

/**
 * cvm_ledger_totals() - snapshot of the ledger-wide counters
 * @t: filled in
 */
void cvm_ledger_totals(struct cvm_convert_totals *t)
{
	unsigned long flags;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	*t = cvm_ledger_sum;
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
}

/* The first visible range starting at or after @pfn. */
static struct cvm_convert_range *cvm_ledger_first_from(unsigned long pfn)
{
	struct rb_node *node = cvm_ledger_ranges.rb_node, *found = NULL;

	while (node) {
		struct cvm_convert_range *r =
			rb_entry(node, struct cvm_convert_range, node);

		if (r->start_pfn >= pfn) {
			found = node;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	for (; found; found = rb_next(found)) {
		struct cvm_convert_range *r =
			rb_entry(found, struct cvm_convert_range, node);

		if (cvm_range_visible(r))
			return r;
	}
	return NULL;
}

/**
 * cvm_ledger_next_run() - the next coalesced run of ranges, for dumps
 * @from_pfn: first pfn the run may start at
 * @run: filled in
 *
 * Adjacent ranges of one owner in one state are reported as one run, aged
 * by the oldest of them. A dump resumes from the pfn after the last run it
 * sent, so it never holds a pointer into the ledger between rounds.
 *
 * Return: false when no range starts at or after @from_pfn.
 */
bool cvm_ledger_next_run(u64 from_pfn, struct cvm_convert_run *run)
{
	struct cvm_convert_range *r, *next;
	unsigned long flags, since, end;
	struct rb_node *node;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	r = cvm_ledger_first_from(from_pfn);
	if (!r) {
		spin_unlock_irqrestore(&cvm_ledger_lock, flags);
		return false;
	}
	run->start_pfn = r->start_pfn;
	run->state = cvm_range_uapi_state(r);
	strscpy(run->owner, r->owner->name, sizeof(run->owner));
	end = r->start_pfn + r->npages;
	since = r->since;
	for (node = rb_next(&r->node); node; node = rb_next(node)) {
		next = rb_entry(node, struct cvm_convert_range, node);
		if (next->start_pfn != end || next->owner != r->owner ||
		    !cvm_range_visible(next) ||
		    cvm_range_uapi_state(next) != run->state)
			break;
		end += next->npages;
		if (time_before(next->since, since))
			since = next->since;
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	run->pages = end - run->start_pfn;
	run->age_ms = jiffies_to_msecs(jiffies - since);
	return true;
}

/**
 * cvm_ledger_owner_at() - copy of the @idx-th owner, for dumps
 * @idx: position in order of creation; owners are only ever appended, so
 *	a dump can resume from a plain index
 * @copy: filled in (its list node is meaningless)
 *
 * Return: false past the last owner.
 */
bool cvm_ledger_owner_at(unsigned int idx, struct cvm_convert_owner *copy)
{
	struct cvm_convert_owner *o;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&cvm_ledger_lock, flags);
	list_for_each_entry(o, &cvm_ledger_owners, node) {
		if (!idx--) {
			*copy = *o;
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&cvm_ledger_lock, flags);
	return found;
}

int cvm_ledger_init(void)
{
	cvm_range_cache = KMEM_CACHE(cvm_convert_range, 0);
	return cvm_range_cache ? 0 : -ENOMEM;
}

/*
 * Module exit: users of the API hold a module reference, so only leaked
 * ranges and ranges the observer saw can be left. The metadata goes; the
 * leaked pages themselves were never freed and stay withheld from the page
 * allocator (they are page-allocator pages, which kmemleak does not track).
 */
void cvm_ledger_exit(void)
{
	struct cvm_convert_owner *o, *tmp;
	unsigned long leaked = 0;
	struct rb_node *node;

	while ((node = rb_first(&cvm_ledger_ranges))) {
		struct cvm_convert_range *r =
			rb_entry(node, struct cvm_convert_range, node);

		if (r->state == CVM_RANGE_LEAKED)
			leaked += r->npages;
		rb_erase(node, &cvm_ledger_ranges);
		kmem_cache_free(cvm_range_cache, r);
	}
	list_for_each_entry_safe(o, tmp, &cvm_ledger_owners, node)
		kfree(o);
	kmem_cache_destroy(cvm_range_cache);
	if (leaked)
		pr_warn("%lu leaked pages stay withheld from the page allocator\n",
			leaked);
}
