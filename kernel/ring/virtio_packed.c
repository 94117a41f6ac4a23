// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validator of a virtio packed ring. A descriptor is used when its AVAIL
 * and USED flags both equal the driver's used wrap counter; AVAIL equal and
 * USED different is a buffer still with the device; both different is an
 * old entry of the previous lap. USED equal to the counter with AVAIL
 * different is a state no device produces: the flags are rejected.
 *
 * For a used descriptor the buffer id must be below the ring size and
 * outstanding, and its length no more than the writable bytes posted. The
 * driver's state (wrap counter, outstanding ids, capacities, chain
 * lengths) is private and never read back from the ring.
 */
#include <virtio_packed.h>

/**
 * cvm_vpacked_init() - start validating a packed ring
 * @r: the guest's private state
 * @num: ring size, 1 to 32768
 * @cap: @num entries of storage for posted capacities
 * @ndesc: @num entries of storage for chain lengths
 * @next_used: descriptor to start at (0 for a fresh ring)
 * @wrap: used wrap counter to start with (true for a fresh ring)
 *
 * Return: 0, or -EINVAL for a bad size or start.
 */
int cvm_vpacked_init(struct cvm_vpacked *r, u16 num, u32 *cap, u16 *ndesc,
		     u16 next_used, bool wrap)
{
	if (!num || num > CVM_VPACKED_MAX_NUM || next_used >= num)
		return -EINVAL;
	r->num = num;
	r->next_used = next_used;
	r->wrap = wrap;
	r->outstanding = 0;
	r->multi = 0;
	r->cap = cap;
	r->ndesc = ndesc;
	r->race.fn = NULL;
	r->race.copied = NULL;
	memset(cap, 0, num * sizeof(*cap));
	memset(ndesc, 0, num * sizeof(*ndesc));
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vpacked_init);

/**
 * cvm_vpacked_post() - record a buffer the guest made available
 * @r: the ring
 * @id: the buffer id the guest wrote into its descriptors
 * @writable: bytes the device may write into the buffer
 * @ndesc: descriptors the buffer takes in the ring
 *
 * Return: 0, -EINVAL for an id or length out of range, -EBUSY if the id
 * is outstanding.
 */
int cvm_vpacked_post(struct cvm_vpacked *r, u16 id, u32 writable, u16 ndesc)
{
	if (id >= r->num || !ndesc || ndesc > r->num)
		return -EINVAL;
	if (r->ndesc[id])
		return -EBUSY;
	r->ndesc[id] = ndesc;
	r->cap[id] = writable;
	r->outstanding++;
	if (ndesc > 1)
		r->multi++;
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vpacked_post);

static void cvm_vpacked_advance(struct cvm_vpacked *r, u16 n)
{
	u32 next = (u32)r->next_used + n;

	if (next >= r->num) {
		next -= r->num;
		r->wrap = !r->wrap;
	}
	r->next_used = next;
}

/**
 * cvm_vpacked_next() - copy, check and consume the next used descriptor
 * @r: the ring
 * @ring: the descriptor ring in shared memory
 * @v: the descriptor's id and length as copied, and the verdict on them
 * @pass: monitor policy: a rejected descriptor is still consumed (a bad
 *	length returns the buffer; anything else skips one descriptor)
 *
 * When a descriptor is rejected and @pass is false nothing changes: the
 * caller marks the ring broken.
 *
 * Return: true if a used descriptor was read into @v, false if the device
 * has not used the next descriptor yet.
 */
bool cvm_vpacked_next(struct cvm_vpacked *r,
		      const struct cvm_vpacked_desc *ring,
		      struct cvm_ring_verdict *v, bool pass)
{
	const struct cvm_vpacked_desc *d = &ring[r->next_used];
	u16 flags = le16_to_cpu(READ_ONCE(d->flags));
	bool avail = flags & CVM_VPACKED_F_AVAIL;
	bool used = flags & CVM_VPACKED_F_USED;

	v->reason = CVM_RING_REASON_NONE;
	v->consumed = false;
	/*
	 * Used means AVAIL == USED == the wrap counter, as Linux and DPDK
	 * read it. A device writes one used descriptor per chain and skips
	 * the rest, so after a wrap those still hold the driver's flags of
	 * the lap before (AVAIL != USED): not used yet, not a violation.
	 */
	if (used != r->wrap || avail != used)
		return false;
	/* The id and length are read only after the flags said "used". */
	virt_rmb();
	cvm_ring_race_point(&r->race);
	v->id = le16_to_cpu(READ_ONCE(d->id));
	v->len = le32_to_cpu(READ_ONCE(d->len));

	if (unlikely(v->id >= r->num)) {
		cvm_ring_reject(v, CVM_RING_REASON_ID_RANGE, v->id, r->num);
	} else {
		/* The host's id indexes private arrays: no speculation past. */
		v->id = array_index_nospec(v->id, r->num);
		if (unlikely(!r->ndesc[v->id]))
			cvm_ring_reject(v, CVM_RING_REASON_ID_NOT_OUTSTANDING,
					v->id, r->num);
		else if (unlikely(v->len > r->cap[v->id]))
			cvm_ring_reject(v, CVM_RING_REASON_LEN_OVER, v->len,
					r->cap[v->id]);
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
			cvm_vpacked_advance(r, 1);
			v->consumed = true;
		}
		return true;
	}
	cvm_vpacked_advance(r, r->ndesc[v->id]);
	if (r->ndesc[v->id] > 1)
		r->multi--;
	r->ndesc[v->id] = 0;
	r->outstanding--;
	v->consumed = true;
	return true;
}
EXPORT_SYMBOL_GPL(cvm_vpacked_next);

/*
 * The loop of cvm_vpacked_poll(), inlined twice: @multi false is the
 * common case where every outstanding buffer is one descriptor, so the
 * next used descriptor is the one after (which the CPU can load without
 * waiting for ndesc[id]), and the loop carries no chain bookkeeping.
 * Everything it uses is in locals: stores to @done cannot alias them.
 */
static __always_inline u32
cvm_vpacked_walk(struct cvm_vpacked *r, const struct cvm_vpacked_desc *ring,
		 struct cvm_ring_done *done, u32 max, const bool multi)
{
	const u16 both = CVM_VPACKED_F_AVAIL | CVM_VPACKED_F_USED;
	struct cvm_ring_done *out = done, *const out_end = done + max;
	u32 next = r->next_used, num = r->num, chains = r->multi;
	u16 *const ndesc = r->ndesc;
	const u32 *const cap = r->cap;
	/* The flags of a used descriptor in this lap. */
	u16 want = r->wrap ? both : 0;

	while (out != out_end) {
		const struct cvm_vpacked_desc *d = &ring[next];
		u16 flags = le16_to_cpu(READ_ONCE(d->flags));
		u32 id, len;

		if ((flags & both) != want)
			break;
		/* As in cvm_vpacked_next(): id and length after the flags. */
		virt_rmb();
		id = le16_to_cpu(READ_ONCE(d->id));
		len = le32_to_cpu(READ_ONCE(d->len));
		if (unlikely(id >= num))
			break;
		/* ndesc[id] picks the next ring load: clamp it first. */
		id = array_index_nospec(id, num);
		if (unlikely(!ndesc[id] || len > cap[id]))
			break;
		out->id = id;
		out->len = len;
		out++;
		if (multi) {
			next += ndesc[id];
			if (ndesc[id] > 1)
				chains--;
		} else {
			next++;
		}
		ndesc[id] = 0;
		if (next >= num) {
			next -= num;
			want ^= both;
		}
	}
	r->next_used = next;
	r->wrap = want != 0;
	r->outstanding -= out - done;
	r->multi = chains;
	return out - done;
}

/**
 * cvm_vpacked_poll() - consume the valid used descriptors in a batch
 * @r: the ring
 * @ring: the descriptor ring in shared memory
 * @done: receives the id and length of each buffer accepted
 * @max: room in @done
 *
 * The fast path of cvm_vpacked_next(), with the same checks on a single
 * read of each field; it stops before the first descriptor that is not
 * used or fails, which cvm_vpacked_next() then judges under the policy.
 *
 * Return: buffers accepted into @done.
 */
u32 cvm_vpacked_poll(struct cvm_vpacked *r,
		     const struct cvm_vpacked_desc *ring,
		     struct cvm_ring_done *done, u32 max)
{
	if (unlikely(r->race.fn))
		return 0;
	if (likely(!r->multi))
		return cvm_vpacked_walk(r, ring, done, max, false);
	return cvm_vpacked_walk(r, ring, done, max, true);
}
EXPORT_SYMBOL_GPL(cvm_vpacked_poll);
