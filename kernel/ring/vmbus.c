// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validator of an inbound vmbus ring buffer. Each packet is copied into
 * the caller's private buffer first, the descriptor in one read and the
 * rest only once the descriptor's bounds are checked; what is validated
 * and returned is that copy, so a host rewriting the ring meanwhile
 * changes nothing the guest uses. Linux's own reader (hv_pkt_iter_first)
 * copies too, but clamps a bad length silently; here every rejection is
 * named, in this order:
 *   idx-range, idx-align    the write index the host published
 *   read-idx-moved          the host wrote the guest's read index
 *   pkt-bounds              not even a descriptor and trailer available
 *   pkt-too-big             longer than the channel's maximum
 *   pkt-bounds              longer than the bytes available
 *   hdr-bounds              header offset below the descriptor or past
 *                           the packet
 *   pkt-type                not a type a host sends a guest
 *   trailer                 trailing index not the packet's own offset
 *   trans-id                a completion for no outstanding request
 */
#include <vmbus.h>

/**
 * cvm_vmbus_init() - start validating an inbound ring
 * @r: the guest's private state
 * @dsize: bytes in the ring's data area: a multiple of 8, at least 32
 * @read: read index to start at (0 for a fresh ring), 8-byte aligned
 * @max_pkt: largest packet of the channel: a multiple of 8, from 16 to
 *	@dsize - 8; the buffer passed to cvm_vmbus_recv() holds 8 bytes more
 * @trans: @ntrans entries of storage for outstanding transaction ids
 * @trans_busy: @ntrans entries of storage for their marks
 * @ntrans: requests the guest may have outstanding at once
 *
 * Return: 0, or -EINVAL for inconsistent sizes.
 */
int cvm_vmbus_init(struct cvm_vmbus *r, u32 dsize, u32 read, u32 max_pkt,
		   u64 *trans, u8 *trans_busy, u32 ntrans)
{
	if (dsize < 32 || !IS_ALIGNED(dsize, 8) || read >= dsize ||
	    !IS_ALIGNED(read, 8) || max_pkt < CVM_VMBUS_MIN_PKT ||
	    !IS_ALIGNED(max_pkt, 8) || max_pkt > dsize - CVM_VMBUS_TRAILER)
		return -EINVAL;
	r->dsize = dsize;
	r->read = read;
	r->max_pkt = max_pkt;
	r->trans = trans;
	r->trans_busy = trans_busy;
	r->ntrans = ntrans;
	r->race.fn = NULL;
	r->race.copied = NULL;
	memset(trans_busy, 0, ntrans);
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vmbus_init);

/**
 * cvm_vmbus_request() - record a request the guest sent with an id
 * @r: the ring its completion will arrive on
 * @trans_id: the request's transaction id
 *
 * Return: 0, -EEXIST if the id is outstanding, -ENOSPC if all slots are.
 */
int cvm_vmbus_request(struct cvm_vmbus *r, u64 trans_id)
{
	u32 i, slot = r->ntrans;

	for (i = 0; i < r->ntrans; i++) {
		if (r->trans_busy[i] && r->trans[i] == trans_id)
			return -EEXIST;
		if (!r->trans_busy[i] && slot == r->ntrans)
			slot = i;
	}
	if (slot == r->ntrans)
		return -ENOSPC;
	r->trans[slot] = trans_id;
	r->trans_busy[slot] = 1;
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_vmbus_request);

/* Copies @len bytes at offset @off of the circular data area. */
static void cvm_vmbus_copy(const struct cvm_vmbus *r, void *dst,
			   const u8 *data, u32 off, u32 len)
{
	u32 first = min(len, r->dsize - off);

	memcpy(dst, data + off, first);
	if (len > first)
		memcpy((u8 *)dst + first, data, len - first);
}

static u32 cvm_vmbus_wrap(const struct cvm_vmbus *r, u32 off)
{
	return off >= r->dsize ? off - r->dsize : off;
}

static bool cvm_vmbus_type_known(u16 type)
{
	return type == CVM_VMBUS_PKT_DATA_INBAND ||
	       type == CVM_VMBUS_PKT_DATA_XFER_PAGES ||
	       type == CVM_VMBUS_PKT_COMP;
}

static u32 cvm_vmbus_check_trans(struct cvm_vmbus *r, u64 trans_id,
				 struct cvm_ring_verdict *v)
{
	u32 i;

	for (i = 0; i < r->ntrans; i++)
		if (r->trans_busy[i] && r->trans[i] == trans_id)
			return i;
	cvm_ring_reject(v, CVM_RING_REASON_TRANS_ID, trans_id, 0);
	return r->ntrans;
}

/*
 * The trailer is the writer's start offset of the packet in its high 32
 * bits (Linux's hv_ringbuffer_write(): write_index << 32); the low 32 are
 * reserved, and Linux, FreeBSD and OpenVMM readers never look at any of
 * it. Only what the format defines is checked.
 */
static bool cvm_vmbus_trailer_ok(u64 trailer, u32 start)
{
	return (u32)(trailer >> 32) == start;
}

/**
 * cvm_vmbus_recv() - copy out, check and consume the next packet
 * @r: the ring
 * @hdr: the ring's header in shared memory (write and read index)
 * @data: the ring's data area in shared memory, @r->dsize bytes
 * @buf: private buffer of @r->max_pkt + 8 bytes that receives the packet
 *	and its trailing index
 * @v: the packet's type (@v->id) and length (@v->len), and the verdict
 * @pass: monitor policy: a packet whose extent is sound but whose type,
 *	trailer or transaction id is bad is still consumed, as Linux's
 *	reader would; index and bounds errors never are (there is no safe
 *	place to continue from)
 *
 * On acceptance @buf holds the packet, descriptor first, and the read
 * index in @hdr is advanced. Once a descriptor was read, @buf starts with
 * it whatever the verdict, for the caller's report. When a packet is rejected and not consumed,
 * nothing changes.
 *
 * Return: true if there was something to read (a packet or a bad index)
 * and @v says what; false if the ring is empty.
 */
bool cvm_vmbus_recv(struct cvm_vmbus *r, struct cvm_vmbus_ring_hdr *hdr,
		    const u8 *data, void *buf, struct cvm_ring_verdict *v,
		    bool pass)
{
	struct cvm_vmbus_desc d, *desc = buf;
	u32 write, read, avail, plen, hlen, slot = r->ntrans;
	__le64 raw_trailer;
	u64 trailer;

	v->reason = CVM_RING_REASON_NONE;
	v->consumed = false;
	v->id = 0;
	v->len = 0;
	write = le32_to_cpu(READ_ONCE(hdr->write_index));
	read = le32_to_cpu(READ_ONCE(hdr->read_index));
	if (unlikely(write >= r->dsize)) {
		cvm_ring_reject(v, CVM_RING_REASON_IDX_RANGE, write, r->dsize);
		return true;
	}
	if (unlikely(!IS_ALIGNED(write, 8))) {
		cvm_ring_reject(v, CVM_RING_REASON_IDX_ALIGN, write, 8);
		return true;
	}
	if (unlikely(read != r->read)) {
		cvm_ring_reject(v, CVM_RING_REASON_READ_IDX_MOVED, read,
				r->read);
		return true;
	}
	avail = write >= r->read ? write - r->read :
				   r->dsize - r->read + write;
	if (!avail)
		return false;
	if (unlikely(avail < CVM_VMBUS_MIN_PKT + CVM_VMBUS_TRAILER)) {
		cvm_ring_reject(v, CVM_RING_REASON_PKT_BOUNDS, avail,
				CVM_VMBUS_MIN_PKT + CVM_VMBUS_TRAILER);
		return true;
	}
	/* Packet bytes are read only after the index that covers them. */
	virt_rmb();
	if (likely(r->read + sizeof(d) <= r->dsize))
		memcpy(&d, data + r->read, sizeof(d));
	else
		cvm_vmbus_copy(r, &d, data, r->read, sizeof(d));
	cvm_ring_race_point(&r->race);
	v->id = le16_to_cpu(d.type);
	plen = (u32)le16_to_cpu(d.len8) * 8;
	hlen = (u32)le16_to_cpu(d.offset8) * 8;
	v->len = plen;

	if (unlikely(plen > r->max_pkt)) {
		cvm_ring_reject(v, CVM_RING_REASON_PKT_TOO_BIG, plen,
				r->max_pkt);
		*desc = d;
		return true;
	}
	if (unlikely(plen + CVM_VMBUS_TRAILER > avail)) {
		cvm_ring_reject(v, CVM_RING_REASON_PKT_BOUNDS, plen,
				avail - CVM_VMBUS_TRAILER);
		*desc = d;
		return true;
	}
	if (unlikely(hlen < sizeof(d) || hlen > plen)) {
		cvm_ring_reject(v, CVM_RING_REASON_HDR_BOUNDS, hlen,
				plen);
		*desc = d;
		return true;
	}

	/*
	 * The extent is sound: copy the packet and its trailer in one go
	 * (to an aligned destination, as fast as a plain memcpy), then put
	 * back the descriptor as first read: the host may have changed it
	 * since, and the copy must be what was checked. Only the copy is
	 * judged from here on.
	 */
	if (likely(r->read + plen + CVM_VMBUS_TRAILER <= r->dsize))
		memcpy(buf, data + r->read, plen + CVM_VMBUS_TRAILER);
	else
		cvm_vmbus_copy(r, buf, data, r->read,
			       plen + CVM_VMBUS_TRAILER);
	*desc = d;
	if (unlikely(r->race.copied))
		r->race.copied(r->race.arg);
	/* The trailer judged is the caller's copy: the ring is never re-read. */
	memcpy(&raw_trailer, (u8 *)buf + plen, sizeof(raw_trailer));
	trailer = le64_to_cpu(raw_trailer);

	if (unlikely(!cvm_vmbus_type_known(v->id)))
		cvm_ring_reject(v, CVM_RING_REASON_PKT_TYPE, v->id, 0);
	else if (unlikely(!cvm_vmbus_trailer_ok(trailer, r->read)))
		cvm_ring_reject(v, CVM_RING_REASON_TRAILER, trailer,
				(u64)r->read << 32);
	else if (v->id == CVM_VMBUS_PKT_COMP)
		slot = cvm_vmbus_check_trans(r, le64_to_cpu(d.trans_id), v);

	if (v->reason != CVM_RING_REASON_NONE && !pass)
		return true;
	if (slot < r->ntrans)
		r->trans_busy[slot] = 0;
	r->read = cvm_vmbus_wrap(r, r->read + plen + CVM_VMBUS_TRAILER);
	/* The host may reuse the bytes once it sees the index: read first. */
	virt_rmb();
	WRITE_ONCE(hdr->read_index, cpu_to_le32(r->read));
	v->consumed = true;
	return true;
}
EXPORT_SYMBOL_GPL(cvm_vmbus_recv);

/* The 8 bytes at @off of the data area, which is 8-byte aligned. */
static u64 cvm_vmbus_word(const u8 *data, u32 off)
{
	return le64_to_cpu(READ_ONCE(*(const __le64 *)(data + off)));
}

/**
 * cvm_vmbus_poll() - copy out and check the available packets in a batch
 * @r: the ring
 * @hdr: the ring's header in shared memory (write and read index)
 * @data: the ring's data area in shared memory, @r->dsize bytes
 * @bufs: @n private buffers of @r->max_pkt + 8 bytes each, as for
 *	cvm_vmbus_recv(); packet i is copied into @bufs[i]
 * @n: packets to take at most
 *
 * The fast path of cvm_vmbus_recv(): the indices are read once, each
 * packet is copied once into its own buffer and judged by the same checks
 * on what was copied; the read index is published once. It stops before
 * the first packet that fails (or at an index error), and
 * cvm_vmbus_recv() then judges that one under the ring's policy. The
 * buffers past the packets accepted may have been written.
 *
 * Return: packets accepted and consumed; each buffer starts with its
 * packet's descriptor, which gives its type and length.
 */
u32 cvm_vmbus_poll(struct cvm_vmbus *r, struct cvm_vmbus_ring_hdr *hdr,
		   const u8 *data, void *const *bufs, u32 n)
{
	u32 write, start = r->read, read = start, left, i;
	const u32 dsize = r->dsize, max_pkt = r->max_pkt;
	u64 w0_next;

	/* The test hook needs the packet-at-a-time path. */
	if (unlikely(r->race.fn))
		return 0;
	write = le32_to_cpu(READ_ONCE(hdr->write_index));
	if (unlikely(write >= dsize || !IS_ALIGNED(write, 8) ||
		     le32_to_cpu(READ_ONCE(hdr->read_index)) != start))
		return 0;
	left = write >= start ? write - start : dsize - start + write;
	/* Packet bytes are read only after the index that covers them. */
	virt_rmb();
	w0_next = cvm_vmbus_word(data, read);
	/*
	 * The walk is a chain: where a packet starts depends on the length
	 * in the one before, so that link is kept to one wrap, and the next
	 * descriptor is loaded as soon as its place is known, before this
	 * packet's copy, so the load is under way while memcpy runs (1 KiB
	 * packets: 0.87x memcpy's throughput loaded after the copy,
	 * 0.90-0.91x before). That word may lie past what the host has
	 * published; it is then dropped, never used.
	 *
	 * The words judged (the descriptor's first, a completion's
	 * transaction id, the trailer) are read once from the ring into
	 * registers and stored to the buffer from there; memcpy copies only
	 * the bytes between them, which no check reads. The buffer holds
	 * what was checked, whatever the host wrote meanwhile, and no byte
	 * used is read from the ring twice.
	 */
	for (i = 0; i < n; i++) {
		u8 *buf = bufs[i];
		u32 plen, hlen, slot, off, next, head = sizeof(u64);
		__le64 raw;
		u64 w0, trailer;
		u16 type;

		if (left < CVM_VMBUS_MIN_PKT + CVM_VMBUS_TRAILER)
			break;
		w0 = w0_next;
		/* struct cvm_vmbus_desc: type, offset8, len8, flags. */
		type = (u16)w0;
		hlen = (u32)(u16)(w0 >> 16) * 8;
		plen = (u32)(u16)(w0 >> 32) * 8;
		if (unlikely(plen > max_pkt ||
			     plen + CVM_VMBUS_TRAILER > left ||
			     hlen < CVM_VMBUS_MIN_PKT || hlen > plen ||
			     !cvm_vmbus_type_known(type)))
			break;
		next = read + plen + CVM_VMBUS_TRAILER;
		if (next >= dsize)
			next -= dsize;
		w0_next = cvm_vmbus_word(data, next);
		/* Not r->dsize, reloaded after each memcpy as it may alias *r. */
		off = read + plen;
		if (off >= dsize)
			off -= dsize;
		trailer = cvm_vmbus_word(data, off);
		if (unlikely(!cvm_vmbus_trailer_ok(trailer, read)))
			break;
		if (type == CVM_VMBUS_PKT_COMP) {
			u64 w1 = cvm_vmbus_word(data,
						cvm_vmbus_wrap(r, read + 8));
			struct cvm_ring_verdict v;

			slot = cvm_vmbus_check_trans(r, w1, &v);
			if (unlikely(slot == r->ntrans))
				break;
			r->trans_busy[slot] = 0;
			raw = cpu_to_le64(w1);
			memcpy(buf + sizeof(u64), &raw, sizeof(raw));
			head = CVM_VMBUS_MIN_PKT;
		}
		raw = cpu_to_le64(w0);
		memcpy(buf, &raw, sizeof(raw));
		raw = cpu_to_le64(trailer);
		memcpy(buf + plen, &raw, sizeof(raw));
		/* Between the words judged, what was not. */
		if (likely(read + plen <= dsize))
			memcpy(buf + head, data + read + head, plen - head);
		else
			cvm_vmbus_copy(r, buf + head, data,
				       cvm_vmbus_wrap(r, read + head),
				       plen - head);
		left -= plen + CVM_VMBUS_TRAILER;
		read = next;
	}
	if (i) {
		r->read = read;
		/* As in cvm_vmbus_recv(): every read before the index. */
		virt_rmb();
		WRITE_ONCE(hdr->read_index, cpu_to_le32(read));
	}
	return i;
}
EXPORT_SYMBOL_GPL(cvm_vmbus_poll);
