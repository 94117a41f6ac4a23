// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_ring's ring-ntf events: violations, sent to the "cvm" family's
 * events group through cvm_core. The registry calls in here; nothing here
 * calls back.
 */
#include <net/genetlink.h>
#include "ring.h"

/**
 * cvm_ring_notify() - report a violation on "events"
 * @ring: the ring
 * @v: the verdict, with the offending value and its bound
 *
 * Any context; cvm_core applies its rate limit.
 */
void cvm_ring_notify(const struct cvm_ring *ring,
		     const struct cvm_ring_verdict *v)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cvm_core_event_new(CVM_CMD_RING_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, CVM_A_RING_NTF_ID, ring->id) ||
	    nla_put_u32(skb, CVM_A_RING_NTF_KIND, ring->kind) ||
	    nla_put_string(skb, CVM_A_RING_NTF_OWNER, ring->owner) ||
	    nla_put_u32(skb, CVM_A_RING_NTF_REASON, v->reason) ||
	    nla_put_u32(skb, CVM_A_RING_NTF_POLICY, READ_ONCE(ring->policy)) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_NTF_VALUE, v->value,
			      CVM_A_RING_NTF_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_NTF_LIMIT, v->limit,
			      CVM_A_RING_NTF_PAD)) {
		nlmsg_free(skb);
		return;
	}
	cvm_core_event_send(skb, hdr);
}
