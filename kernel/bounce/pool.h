/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pool's allocation of slots in its chunks, for mappings (map.c) and
 * for the callers that wait for room (pool.c).
 */
#ifndef _CVM_BOUNCE_POOL_H
#define _CVM_BOUNCE_POOL_H

#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include "bounce.h"

/*
 * Tries every area of every chunk, this CPU's area of a chunk first. The
 * slots it takes are marked stale at once: from here until a scrub, they
 * hold whatever this mapping puts there. Inline: it is most of a small
 * mapping's cost, and cvm_bounce_map() and the pool's waiters both take
 * slots with it.
 */
static __always_inline int cvm_bounce_alloc(struct cvm_bounce_client *c,
					    struct cvm_bounce_place *p)
{
	u32 need = DIV_ROUND_UP(p->req.size, 1U << cvm_bounce_slot_shift);
	struct cvm_bounce_chunk *ch;
	struct cvm_slots_res res;
	unsigned long flags, now;
	int err = -ENOSPC;
	u32 cpu = raw_smp_processor_id(), i;

	rcu_read_lock();
	list_for_each_entry_rcu(ch, &cvm_bounce_chunks, node) {
		for (i = 0; i < ch->nareas; i++) {
			struct cvm_bounce_area *a =
				&ch->areas[(cpu + i) & (ch->nareas - 1)];
			struct cvm_bounce_slot *m;
			bool stale = false;
			u32 idx, j;

			if (READ_ONCE(a->retired) ||
			    a->slots.nslots - READ_ONCE(a->slots.used) < need)
				continue;
			spin_lock_irqsave(&a->lock, flags);
			err = a->retired ? -ENOSPC :
			      cvm_slots_alloc(&a->slots, &p->req, &res);
			if (err) {
				spin_unlock_irqrestore(&a->lock, flags);
				if (err == -E2BIG)
					goto out;
				continue;
			}
			idx = a->first + res.index;
			m = &ch->meta[idx];
			for (j = 0; j < res.nslots; j++) {
				stale |= m[j].stale;
				m[j].stale = 1;
				m[j].state = CVM_BOUNCE_INNER;
			}
			m->orig = p->orig;
			m->addr = ch->phys +
				  ((phys_addr_t)idx << cvm_bounce_slot_shift) +
				  res.offset;
			m->client = c;
			m->size = p->req.size;
			m->nslots = res.nslots;
			m->dir = p->dir;
			m->state = CVM_BOUNCE_MAPPED;
			m->slack_stale = stale && !p->zero_slack;
			/*
			 * For the idle check (cvm_bounce_take_idle()): a flag
			 * in a line this CPU holds already, not a clock read;
			 * jiffies is a line the ticking CPU writes.
			 */
			if (!READ_ONCE(a->active))
				WRITE_ONCE(a->active, true);
			/* Once a tick, and only in a half-full area. */
			p->check = false;
			if (a->slots.used * 2 >= a->slots.nslots) {
				now = jiffies;
				p->check = a->checked != now;
				if (p->check)
					a->checked = now;
			}
			spin_unlock_irqrestore(&a->lock, flags);
			p->slot = m->addr;
			p->nslots = res.nslots;
			p->offset = res.offset;
			p->stale = stale;
			goto out;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

#endif /* _CVM_BOUNCE_POOL_H */
