// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validator of a virtio split used ring. The driver's bookkeeping (which
 * heads are outstanding, how many bytes each may receive) is private state
 * in struct cvm_vsplit; every value read from the ring is read once and
 * checked against it:
 *   - the used index may advance by no more than the chains outstanding
 *     (which never exceeds the ring size) since the guest last looked;
 *   - a used id must be below the ring size and the head of a chain the
 *     guest has outstanding (not returned twice, never invented);
 *   - a used length may not exceed the writable capacity posted with it.
 *
 * Linux's virtio_ring checks used ids but not lengths (that check was
 * merged and reverted in 2021), so a driver may trust a length the host
 * made up; this is where it is caught.
 */
#include <virtio_split.h>

/**
 * cvm_vsplit_init() - start validating a split ring
 * @r: the guest's private state
 * @num: ring size, a power of two up to 32768
 * @slot: @num entries of storage for the heads' state
 * @last_used: used index to start at (0 for a fresh ring)
 *
 * Return: 0, or -EINVAL for a bad ring size.
 */
int cvm_vsplit_init(struct cvm_vsplit *r, u16 num, u64 *slot, u16 last_used)
{
	if (!is_power_of_2(num) || num > CVM_VSPLIT_MAX_NUM)
		return -EINVAL;
	r->num = num;
	r->last_used = last_used;
	r->seen_idx = last_used;
	r->outstanding = 0;
	r->slot = slot;
	r->race.fn = NULL;
	r->race.copied = NULL;
	memset(slot, 0, num * sizeof(*slot));
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vsplit_init);

/**
 * cvm_vsplit_post() - record a chain the guest made available
 * @r: the ring
 * @head: index of the chain's first descriptor
 * @writable: bytes the device may write into the chain
 *
 * Called by the guest side, never with host data.
 *
 * Return: 0, -EINVAL for a head out of range, -EBUSY if it is outstanding.
 */
int cvm_vsplit_post(struct cvm_vsplit *r, u16 head, u32 writable)
{
	if (head >= r->num)
		return -EINVAL;
	if (r->slot[head] & CVM_VSPLIT_BUSY)
		return -EBUSY;
	r->slot[head] = CVM_VSPLIT_BUSY | writable;
	r->outstanding++;
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vsplit_post);

/**
 * cvm_vsplit_pending() - read the used index once and bound it
 * @r: the ring
 * @used: the used ring in shared memory
 * @v: verdict on the index
 * @pass: monitor policy: on a violation, still let cvm_vsplit_next() read
 *	entries, at most one ring's worth, as the kernel would
 *
 * Return: the entries cvm_vsplit_next() will return (0 when the index was
 * rejected and @pass is false).
 */
u32 cvm_vsplit_pending(struct cvm_vsplit *r,
		       const struct cvm_vsplit_used *used,
		       struct cvm_ring_verdict *v, bool pass)
{
	u16 idx = le16_to_cpu(READ_ONCE(used->idx));
	u16 n = idx - r->last_used;

	v->reason = CVM_RING_REASON_NONE;
	v->consumed = false;
	/* Entries are read only after the index that covers them. */
	virt_rmb();
	if (unlikely(n > r->outstanding)) {
		cvm_ring_reject(v, CVM_RING_REASON_IDX_ADVANCE, n,
				r->outstanding);
		if (!pass) {
			r->seen_idx = r->last_used;
			return 0;
		}
		n = min_t(u16, n, r->num);
	}
	r->seen_idx = r->last_used + n;
	return n;
}
EXPORT_SYMBOL_GPL(cvm_vsplit_pending);

/**
 * cvm_vsplit_next() - copy, check and consume the next used entry
 * @r: the ring
 * @used: the used ring in shared memory
 * @v: the entry as copied, and the verdict on it
 * @pass: monitor policy: a rejected entry is still consumed (a chain
 *	returned with a bad length is returned; a bad id is skipped)
 *
 * Only entries below the index cvm_vsplit_pending() accepted are read.
 * When an entry is rejected and @pass is false nothing changes: the
 * caller marks the ring broken.
 *
 * Return: true if an entry was read into @v.
 */
bool cvm_vsplit_next(struct cvm_vsplit *r, const struct cvm_vsplit_used *used,
		     struct cvm_ring_verdict *v, bool pass)
{
	const struct cvm_vsplit_used_elem *e;

	if (r->last_used == r->seen_idx)
		return false;
	e = &used->ring[r->last_used & (r->num - 1)];
	v->id = le32_to_cpu(READ_ONCE(e->id));
	v->len = le32_to_cpu(READ_ONCE(e->len));
	v->reason = CVM_RING_REASON_NONE;
	v->consumed = false;
	cvm_ring_race_point(&r->race);

	if (unlikely(v->id >= r->num)) {
		cvm_ring_reject(v, CVM_RING_REASON_ID_RANGE, v->id, r->num);
	} else {
		/* The host's id indexes private memory: no speculation past. */
		v->id = array_index_nospec(v->id, r->num);
		if (unlikely(!(r->slot[v->id] & CVM_VSPLIT_BUSY)))
			cvm_ring_reject(v, CVM_RING_REASON_ID_NOT_OUTSTANDING,
					v->id, r->num);
		else if (unlikely(v->len > (u32)r->slot[v->id]))
			cvm_ring_reject(v, CVM_RING_REASON_LEN_OVER, v->len,
					(u32)r->slot[v->id]);
	}

	switch (v->reason) {
	case CVM_RING_REASON_NONE:
		break;
	case CVM_RING_REASON_LEN_OVER:
		if (pass)
			break;
		return true;
	default:
		if (pass) {
			r->last_used++;
			v->consumed = true;
		}
		return true;
	}
	r->slot[v->id] = 0;
	r->outstanding--;
	r->last_used++;
	v->consumed = true;
	return true;
}
EXPORT_SYMBOL_GPL(cvm_vsplit_next);

/**
 * cvm_vsplit_poll() - consume the valid used entries in a batch
 * @r: the ring
 * @used: the used ring in shared memory
 * @done: receives the id and length of each entry accepted
 * @max: room in @done
 *
 * The fast path of cvm_vsplit_next(): each entry is read once and checked
 * the same way, and the batch stops before the first entry that fails,
 * which cvm_vsplit_next() then reads and judges under the ring's policy.
 *
 * Return: entries accepted into @done.
 */
u32 cvm_vsplit_poll(struct cvm_vsplit *r, const struct cvm_vsplit_used *used,
		    struct cvm_ring_done *done, u32 max)
{
	u16 last = r->last_used, mask = r->num - 1;
	u32 n, num = r->num, todo = (u16)(r->seen_idx - last);
	u64 *slot = r->slot;

	/* The test hook needs the entry-at-a-time path. */
	if (unlikely(r->race.fn))
		return 0;
	todo = min(todo, max);
	/* Locals, not r->: stores to @done cannot alias them. */
	for (n = 0; n < todo; n++) {
		const struct cvm_vsplit_used_elem *e;
		struct cvm_vsplit_used_elem el;
		u32 id, len;
		u64 s;

		/* Id and length together, in one read of the ring. */
		e = &used->ring[(u16)(last + n) & mask];
		el = READ_ONCE(*e);
		id = le32_to_cpu(el.id);
		len = le32_to_cpu(el.len);
		/*
		 * In range, outstanding and within capacity: the masked load
		 * stays inside @slot, and counts only when @id is in range.
		 */
		s = slot[id & mask];
		if (unlikely((id >= num) | (s < (CVM_VSPLIT_BUSY | len))))
			break;
		slot[id] = 0;
		done[n].id = id;
		done[n].len = len;
	}
	last += n;
	r->outstanding -= n;
	r->last_used = last;
	return n;
}
EXPORT_SYMBOL_GPL(cvm_vsplit_poll);
