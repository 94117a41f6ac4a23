// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mappings: the exported map/unmap/sync API that the dma_map_ops and the
 * test-only cvm_hostsim use.
 *
 * What the kernel's swiotlb does differently, and why this is safer:
 *  - a DMA_FROM_DEVICE slot is zeroed (zero_from_device), not filled with
 *    the private buffer, which swiotlb does since CVE-2022-0854 and which
 *    shows the host the buffer's old contents;
 *  - the bytes of the slots around the data are zeroed (zero_slack) and
 *    slots are zeroed when unmapped (scrub), so no earlier mapping's data
 *    stays readable by the host; each slot's private metadata says
 *    whether it may hold such data, so that each byte is zeroed once,
 *    not at unmap and again at the next map;
 *  - the metadata deciding what an unmap or sync may touch lives in
 *    private memory: a stray or double unmap or sync is refused, and
 *    host bytes never reach a buffer mapped DMA_TO_DEVICE (strict
 *    direction); swiotlb catches such misuse only under
 *    CONFIG_DMA_API_DEBUG.
 * Everything else is swiotlb's contract (kernel/dma/swiotlb.c, and what
 * kernel/dma/debug.c accepts): the buffer is copied in at map time
 * whatever DMA_ATTR_SKIP_CPU_SYNC says, a DMA_BIDIRECTIONAL mapping may
 * be synced in either direction, and an unmap with the wrong size or
 * direction still ends the mapping (counted and reported), releasing the
 * slots by the size recorded at map time, as swiotlb_release_slots()
 * does, so a buggy driver cannot exhaust the pool.
 * Data written by the host is copied into the private buffer once, by
 * memcpy from the slot; nothing read from a slot is ever interpreted.
 */
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include "bounce.h"
#include "pool.h"

static void *cvm_bounce_va(phys_addr_t phys)
{
	return phys_to_virt(phys);
}

/* Slots in flight, per CPU: detach and the high-water mark sum them. */
static void cvm_bounce_count(struct cvm_bounce_client *c, long slots)
{
	this_cpu_add(c->pcpu->slots, slots);
}

/**
 * cvm_bounce_map() - bounce a private buffer through a shared slot
 * @c: the client
 * @orig: physical address of the private buffer (in the linear map)
 * @size: bytes
 * @dir: direction of the DMA
 * @min_align_mask: the device's min_align_mask (bits of @orig kept)
 * @flags: CVM_BOUNCE_MAY_SLEEP (CVM_BOUNCE_SKIP_SYNC changes nothing here)
 * @slot: gets the address to give the device
 *
 * TO_DEVICE and BIDIRECTIONAL copy the buffer into the slot, as swiotlb
 * does, with or without CVM_BOUNCE_SKIP_SYNC. FROM_DEVICE zeroes it, or
 * copies the buffer when the zero_from_device policy is off.
 * Both zeroings (zero_from_device, zero_slack) are skipped for slots the
 * scrub policy left holding nothing of the guest's but zeros: the host can
 * write shared memory whenever it likes, so zeroing its own bytes again
 * protects nothing, and the write is the largest cost of a small mapping.
 * Without CVM_BOUNCE_MAY_SLEEP never sleeps.
 *
 * Return: 0; -EINVAL for a zero size or bad direction; -E2BIG above the
 * maximum mapping size; -ENOSPC when the pool is full (after waiting up
 * to the wait_ms policy if the caller may sleep).
 */
int cvm_bounce_map(struct cvm_bounce_client *c, phys_addr_t orig, size_t size,
		   enum dma_data_direction dir, u64 min_align_mask,
		   unsigned int flags, phys_addr_t *slot)
{
	struct cvm_bounce_place p = {
		.req = { .orig = orig, .size = size,
			 .min_align_mask = min_align_mask },
		.orig = orig,
		.dir = dir,
		.zero_slack = READ_ONCE(cvm_bounce_policy.zero_slack),
	};
	unsigned int wait_ms = READ_ONCE(cvm_bounce_policy.wait_ms);
	unsigned long deadline = 0;
	bool waited = false;
	void *va;
	int err;

	if (!size || size > U32_MAX || !valid_dma_direction(dir) ||
	    dir == DMA_NONE)
		return -EINVAL;
	err = cvm_bounce_alloc(c, &p);
	while (err == -ENOSPC) {
		cvm_bounce_pool_ran_out();
		if (!(flags & CVM_BOUNCE_MAY_SLEEP) || !wait_ms)
			break;
		if (!waited) {
			waited = true;
			deadline = jiffies + msecs_to_jiffies(wait_ms);
			atomic64_inc(&c->waits);
			this_cpu_inc(cvm_bounce_pcpu.waits);
		}
		err = cvm_bounce_pool_wait(c, &p, deadline);
	}
	/* Waited in vain: the pool was full all along, for this caller. */
	if (err == -ETIMEDOUT || err == -EINTR)
		err = -ENOSPC;
	if (err) {
		atomic64_inc(&c->failures);
		this_cpu_inc(cvm_bounce_pcpu.failures);
		cvm_bounce_notify(err == -E2BIG ? CVM_BOUNCE_EVENT_TOO_BIG :
						  CVM_BOUNCE_EVENT_EXHAUSTED,
				  c->name, 0, size, err);
		return err;
	}
	cvm_bounce_pool_used(p.nslots);
	cvm_bounce_count(c, p.nslots);
	/* The pool's use and this client's high-water mark, once a tick. */
	if (p.check) {
		cvm_bounce_pool_check();
		cvm_bounce_client_inflight(c);
	}
	va = cvm_bounce_va(p.slot);
	if (p.stale && p.zero_slack) {
		memset(va - p.offset, 0, p.offset);
		memset(va + size, 0, (p.nslots << cvm_bounce_slot_shift) -
				     p.offset - size);
	}
	/*
	 * swiotlb copies the buffer in whatever DMA_ATTR_SKIP_CPU_SYNC
	 * says: a device that writes less than the whole mapping must find
	 * the buffer's bytes, never an earlier mapping's (CVE-2022-0854).
	 */
	if (dir == DMA_FROM_DEVICE && cvm_bounce_zero_from_device(c)) {
		if (p.stale)
			memset(va, 0, size);
	} else {
		memcpy(va, cvm_bounce_va(orig), size);
	}
	this_cpu_inc(c->pcpu->maps);
	this_cpu_add(c->pcpu->bytes, size);
	this_cpu_inc(cvm_bounce_pcpu.maps);
	this_cpu_add(cvm_bounce_pcpu.bytes, size);
	*slot = p.slot;
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_bounce_map);

/* Where a lookup found a slot: its chunk, area and index in the chunk. */
struct cvm_bounce_where {
	struct cvm_bounce_chunk *chunk;
	struct cvm_bounce_area *area;
	u32 index;
	unsigned long irq;
};

/*
 * Finds the chunk and area of @addr; the caller locks the area. Call under
 * rcu_read_lock(). Returns false when @addr is not a slot of the pool.
 */
static bool cvm_bounce_locate(phys_addr_t addr, struct cvm_bounce_where *w)
{
	w->chunk = cvm_bounce_chunk_find(addr);
	if (!w->chunk)
		return false;
	w->index = (addr - w->chunk->phys) >> cvm_bounce_slot_shift;
	w->area = &w->chunk->areas[w->index >> w->chunk->area_shift];
	return true;
}

/*
 * The metadata of the mapping the located slot belongs to, area locked:
 * with @start the slot itself (an unmap names the start of a mapping),
 * otherwise the first slot of the mapping it is inside of.
 */
static struct cvm_bounce_slot *cvm_bounce_head(struct cvm_bounce_where *w,
					       bool start)
{
	struct cvm_bounce_slot *meta = w->chunk->meta;

	lockdep_assert_held(&w->area->lock);
	while (!start && meta[w->index].state == CVM_BOUNCE_INNER &&
	       w->index > w->area->first)
		w->index--;
	return &meta[w->index];
}

static bool cvm_bounce_live(const struct cvm_bounce_slot *m,
			    const struct cvm_bounce_client *c)
{
	return m->state == CVM_BOUNCE_MAPPED && m->client == c;
}

/*
 * Unmaps that copy back or scrub this much or less do it with the area
 * locked: one lock round trip instead of two, for a few hundred
 * nanoseconds with interrupts off. The lock is the area's, which other
 * CPUs take only when their own areas are full or when they unmap what
 * this one mapped. An unmap with nothing to copy or scrub (TO_DEVICE
 * without scrub) takes one round trip whatever its size.
 */
#define CVM_BOUNCE_UNMAP_LOCKED	PAGE_SIZE

/*
 * Copies @copy bytes the device wrote back into the private buffer, once,
 * and, with the scrub policy, scrubs: only the data, unless the slack
 * still holds an earlier mapping's bytes, then whole slots from the first.
 * Either way no slot keeps anything of the guest's but zeros, and its next
 * mapping need not zero it again. The mapping is the caller's: UNMAPPING,
 * or area locked. Returns whether it scrubbed.
 */
static __always_inline bool cvm_bounce_drain(const struct cvm_bounce_where *w,
					     const struct cvm_bounce_slot *m,
					     size_t copy)
{
	bool scrub = READ_ONCE(cvm_bounce_policy.scrub);
	void *va = cvm_bounce_va(m->addr);

	if (copy)
		memcpy(cvm_bounce_va(m->orig), va, copy);
	if (scrub && m->slack_stale)
		memset(w->chunk->vaddr +
		       ((size_t)w->index << cvm_bounce_slot_shift), 0,
		       (size_t)m->nslots << cvm_bounce_slot_shift);
	else if (scrub)
		memset(va, 0, m->size);
	return scrub;
}

/* Gives the slots of the mapping at @m back, area locked. */
static __always_inline void cvm_bounce_release(struct cvm_bounce_where *w,
					       struct cvm_bounce_slot *m,
					       u32 nslots, bool scrubbed)
{
	u32 j;

	lockdep_assert_held(&w->area->lock);
	m->state = CVM_BOUNCE_UNMAPPED;
	for (j = 0; j < nslots; j++) {
		m[j].stale = !scrubbed;
		if (j)
			m[j].state = CVM_BOUNCE_FREE;
	}
	/* Cannot fail: the metadata said these slots are allocated. */
	WARN_ON_ONCE(cvm_slots_free(&w->area->slots, w->index - w->area->first,
				    nslots));
}

/**
 * cvm_bounce_reclaim() - end every mapping a client left live
 * @c: a client that can no longer use its mappings: the device's driver
 *	has unbound (its device reset) or the device is gone
 * @bytes: gets the bytes those mappings spanned
 *
 * Nothing is copied back: the buffers belonged to a driver that is gone
 * and may have been freed. The slots are scrubbed whatever the policy
 * (whole, when the policy did not already): this path is rare, and such a
 * mapping has no later owner to reuse its slots.
 * Takes each area's lock in turn.
 *
 * Return: the number of mappings ended.
 */
unsigned long cvm_bounce_reclaim(struct cvm_bounce_client *c, u64 *bytes)
{
	struct cvm_bounce_chunk *ch;
	struct cvm_bounce_where w;
	unsigned long n = 0;
	u32 a, i, end;

	*bytes = 0;
	rcu_read_lock();
	list_for_each_entry_rcu(ch, &cvm_bounce_chunks, node) {
		w.chunk = ch;
		for (a = 0; a < ch->nareas; a++) {
			w.area = &ch->areas[a];
			end = w.area->first + (1U << ch->area_shift);
			spin_lock_irqsave(&w.area->lock, w.irq);
			for (i = w.area->first; i < end; i++) {
				struct cvm_bounce_slot *m = &ch->meta[i];
				u32 nslots = m->nslots;

				if (!cvm_bounce_live(m, c))
					continue;
				w.index = i;
				*bytes += m->size;
				if (!cvm_bounce_drain(&w, m, 0))
					memset(ch->vaddr + ((size_t)i <<
						cvm_bounce_slot_shift), 0,
					       (size_t)nslots <<
						cvm_bounce_slot_shift);
				cvm_bounce_release(&w, m, nslots, true);
				cvm_bounce_pool_used(-(long)nslots);
				cvm_bounce_count(c, -(long)nslots);
				n++;
				i += nslots - 1;
			}
			spin_unlock_irqrestore(&w.area->lock, w.irq);
		}
	}
	rcu_read_unlock();
	if (n)
		cvm_bounce_pool_wake();
	return n;
}

/*
 * The rest of an unmap that copies back or scrubs more than
 * CVM_BOUNCE_UNMAP_LOCKED bytes, the area unlocked: the mapping is in
 * state UNMAPPING, so nobody else touches its slots or metadata until
 * they are released here. Out of line: its copy of the metadata is not
 * set up on every unmap.
 */
static noinline void cvm_bounce_unmap_long(struct cvm_bounce_where *w,
					   struct cvm_bounce_slot *m,
					   size_t back)
{
	struct cvm_bounce_slot copy = *m;
	bool scrubbed = cvm_bounce_drain(w, &copy, back);

	spin_lock_irqsave(&w->area->lock, w->irq);
	cvm_bounce_release(w, m, copy.nslots, scrubbed);
	spin_unlock_irqrestore(&w->area->lock, w->irq);
}

static bool cvm_bounce_dir_from(enum dma_data_direction dir)
{
	return dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL;
}

/**
 * cvm_bounce_unmap() - end a mapping
 * @c: the client that mapped it
 * @slot: address cvm_bounce_map() returned
 * @size: size given to cvm_bounce_map()
 * @dir: direction given to cvm_bounce_map()
 * @flags: CVM_BOUNCE_SKIP_SYNC
 *
 * FROM_DEVICE and BIDIRECTIONAL copy the slot back into the buffer. When
 * the scrub policy is on, whatever the guest put in the slots is zeroed:
 * the mapped bytes, and the slack too if an earlier mapping's bytes may
 * be there. Never sleeps.
 *
 * An unmap of a live mapping with the wrong size or direction still ends
 * it, as swiotlb_tbl_unmap_single() does: the slots are released by the
 * size recorded at map time, and at most that many bytes are copied back,
 * only when both @dir and the mapping's direction let the device write.
 *
 * Return: 0; -EINVAL when @size differs, -EPERM when @dir differs (the
 * mapping is ended all the same, counted as misuse); or, refused and
 * counted as misuse with nothing copied or released: -ENOENT when @slot
 * is not the start of a live mapping of @c (stray), -EALREADY when it
 * was and is unmapped already (double unmap).
 */
int cvm_bounce_unmap(struct cvm_bounce_client *c, phys_addr_t slot,
		     size_t size, enum dma_data_direction dir,
		     unsigned int flags)
{
	struct cvm_bounce_where w;
	struct cvm_bounce_slot *m;
	bool later = false;
	u32 kind = 0, nslots = 0;
	size_t back = 0;
	int err = 0;

	rcu_read_lock();
	if (!cvm_bounce_locate(slot, &w)) {
		rcu_read_unlock();
		cvm_bounce_misuse(c, CVM_BOUNCE_EVENT_STRAY, slot, size,
				  -ENOENT);
		return -ENOENT;
	}
	spin_lock_irqsave(&w.area->lock, w.irq);
	m = cvm_bounce_head(&w, true);
	if (cvm_bounce_live(m, c) && m->addr == slot) {
		if (m->size != size) {
			kind = CVM_BOUNCE_EVENT_SIZE_MISMATCH;
			err = -EINVAL;
		} else if (m->dir != dir) {
			kind = CVM_BOUNCE_EVENT_DIR_MISMATCH;
			err = -EPERM;
		}
		if (!(flags & CVM_BOUNCE_SKIP_SYNC) &&
		    cvm_bounce_dir_from(dir) && cvm_bounce_dir_from(m->dir))
			back = min_t(size_t, size, m->size);
		nslots = m->nslots;
		if (max_t(size_t, back, READ_ONCE(cvm_bounce_policy.scrub) ?
			  m->size : 0) <= CVM_BOUNCE_UNMAP_LOCKED) {
			cvm_bounce_release(&w, m, nslots,
					   cvm_bounce_drain(&w, m, back));
		} else {
			/* Ours until freed below: a second unmap is double. */
			m->state = CVM_BOUNCE_UNMAPPING;
			later = true;
		}
	} else if ((m->state == CVM_BOUNCE_UNMAPPED ||
		    m->state == CVM_BOUNCE_UNMAPPING) &&
		   m->client == c && m->addr == slot) {
		kind = CVM_BOUNCE_EVENT_DOUBLE_UNMAP;
		err = -EALREADY;
	} else {
		kind = CVM_BOUNCE_EVENT_STRAY;
		err = -ENOENT;
	}
	spin_unlock_irqrestore(&w.area->lock, w.irq);
	if (!nslots) {
		rcu_read_unlock();
		cvm_bounce_misuse(c, kind, slot, size, err);
		return err;
	}
	if (later)
		cvm_bounce_unmap_long(&w, m, back);
	rcu_read_unlock();

	cvm_bounce_pool_used(-(long)nslots);
	cvm_bounce_count(c, -(long)nslots);
	this_cpu_inc(c->pcpu->unmaps);
	this_cpu_add(c->pcpu->unmapped_bytes, size);
	this_cpu_inc(cvm_bounce_pcpu.unmaps);
	cvm_bounce_pool_wake();
	if (err)
		cvm_bounce_misuse(c, kind, slot, size, err);
	return err;
}
EXPORT_SYMBOL_GPL(cvm_bounce_unmap);

/*
 * A sync copies exactly the requested range, once, with the area locked so
 * a concurrent (buggy) unmap cannot free the slots under the copy. A long
 * range is copied CVM_BOUNCE_UNMAP_LOCKED bytes at a time, the lock
 * dropped in between and the mapping checked live again before the next
 * piece: interrupts stay off for one piece, not for a whole 256 KiB copy.
 */
static int cvm_bounce_sync(struct cvm_bounce_client *c, phys_addr_t slot,
			   size_t size, enum dma_data_direction dir,
			   bool for_cpu)
{
	struct cvm_bounce_where w;
	struct cvm_bounce_slot *m, was;
	phys_addr_t at = slot, orig;
	size_t n, left = size;
	bool copy;
	u32 kind = 0;
	int err = 0;

	rcu_read_lock();
	if (!size || !cvm_bounce_locate(slot, &w)) {
		rcu_read_unlock();
		cvm_bounce_misuse(c, CVM_BOUNCE_EVENT_STRAY, slot, size,
				  -ENOENT);
		return -ENOENT;
	}
	spin_lock_irqsave(&w.area->lock, w.irq);
	m = cvm_bounce_head(&w, false);
	was = *m;
	if (!cvm_bounce_live(m, c) || slot < m->addr - (m->addr &
	    ((1U << cvm_bounce_slot_shift) - 1))) {
		kind = CVM_BOUNCE_EVENT_STRAY;
		err = -ENOENT;
	} else if (slot < m->addr || size > m->size ||
		   slot - m->addr > m->size - size) {
		kind = CVM_BOUNCE_EVENT_SYNC_RANGE;
		err = -ERANGE;
	} else if (!valid_dma_direction(dir) || dir == DMA_NONE ||
		   (dir != m->dir && m->dir != DMA_BIDIRECTIONAL)) {
		/* dma-debug's check_sync lets BIDIRECTIONAL take any. */
		kind = CVM_BOUNCE_EVENT_DIR_MISMATCH;
		err = -EPERM;
	}
	copy = for_cpu ? dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL :
			 dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL;
	orig = was.orig + (slot - was.addr);
	for (; !err && copy && left; left -= n) {
		n = min_t(size_t, left, CVM_BOUNCE_UNMAP_LOCKED);
		if (for_cpu)
			memcpy(cvm_bounce_va(orig), cvm_bounce_va(at), n);
		else
			memcpy(cvm_bounce_va(at), cvm_bounce_va(orig), n);
		at += n;
		orig += n;
		if (left == n)
			break;
		spin_unlock_irqrestore(&w.area->lock, w.irq);
		spin_lock_irqsave(&w.area->lock, w.irq);
		/* Unmapped meanwhile (a driver bug): the slots may be another's. */
		if (!cvm_bounce_live(m, c) || m->addr != was.addr ||
		    m->orig != was.orig || m->size != was.size) {
			kind = CVM_BOUNCE_EVENT_STRAY;
			err = -ENOENT;
		}
	}
	spin_unlock_irqrestore(&w.area->lock, w.irq);
	rcu_read_unlock();
	if (err) {
		cvm_bounce_misuse(c, kind, slot, size, err);
		return err;
	}
	this_cpu_inc(c->pcpu->syncs);
	this_cpu_inc(cvm_bounce_pcpu.syncs);
	return 0;
}

/**
 * cvm_bounce_sync_for_cpu() - let the CPU see what the device wrote
 * @c: the client that mapped it
 * @slot: address inside a mapping
 * @size: bytes from @slot, all inside the mapping
 * @dir: direction of the mapping
 *
 * Copies exactly [@slot, @slot + @size) back into the private buffer
 * when @dir is FROM_DEVICE or BIDIRECTIONAL, as swiotlb does. @dir must be
 * the mapping's, except that a BIDIRECTIONAL mapping may be synced with
 * any direction (dma-debug allows it). Never sleeps.
 *
 * Return: 0; or, refused and counted as misuse with nothing copied:
 * -ENOENT when @slot is in no live mapping of @c, -ERANGE when the range
 * leaves the mapping, -EPERM when @dir is not allowed; -ENOENT also when
 * the mapping is unmapped while a long range is copied (a driver bug),
 * which stops the copy there.
 */
int cvm_bounce_sync_for_cpu(struct cvm_bounce_client *c, phys_addr_t slot,
			    size_t size, enum dma_data_direction dir)
{
	return cvm_bounce_sync(c, slot, size, dir, true);
}
EXPORT_SYMBOL_GPL(cvm_bounce_sync_for_cpu);

/**
 * cvm_bounce_sync_for_device() - let the device see what the CPU wrote
 * @c: the client that mapped it
 * @slot: address inside a mapping
 * @size: bytes from @slot, all inside the mapping
 * @dir: direction of the mapping
 *
 * Copies exactly that range of the private buffer into the slot when
 * @dir is TO_DEVICE or BIDIRECTIONAL, as swiotlb does; @dir as for
 * cvm_bounce_sync_for_cpu(). Never sleeps.
 *
 * Return: as cvm_bounce_sync_for_cpu().
 */
int cvm_bounce_sync_for_device(struct cvm_bounce_client *c, phys_addr_t slot,
			       size_t size, enum dma_data_direction dir)
{
	return cvm_bounce_sync(c, slot, size, dir, false);
}
EXPORT_SYMBOL_GPL(cvm_bounce_sync_for_device);

/**
 * cvm_bounce_max_mapping_size() - largest mapping for a device
 * @min_align_mask: the device's min_align_mask
 *
 * As swiotlb_max_mapping_size(): every mapping of this size or less can
 * be placed whatever the low bits of its buffer (see
 * cvm_slots_max_mapping()).
 *
 * Return: bytes.
 */
size_t cvm_bounce_max_mapping_size(u64 min_align_mask)
{
	return cvm_slots_max_mapping(cvm_bounce_slot_shift,
				     cvm_bounce_max_slots, min_align_mask);
}
EXPORT_SYMBOL_GPL(cvm_bounce_max_mapping_size);

/**
 * cvm_bounce_slot_size() - the pool's slot size
 *
 * Return: bytes.
 */
unsigned int cvm_bounce_slot_size(void)
{
	return 1U << cvm_bounce_slot_shift;
}
EXPORT_SYMBOL_GPL(cvm_bounce_slot_size);
