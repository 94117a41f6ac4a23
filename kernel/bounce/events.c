// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bounce's pool-ntf events: refused misuse, exhaustion, changes of the
 * pool's size and leaks, sent to the "cvm" family's events group through
 * cvm_core. The pool, clients, mappings and DMA ops call in here; nothing
 * here calls back.
 */
#include <net/genetlink.h>
#include "bounce.h"

/**
 * cvm_bounce_notify() - report a misuse, exhaustion or resize on "events"
 * @event: CVM_BOUNCE_EVENT_*
 * @name: client (device) name
 * @addr: address concerned, 0 if none
 * @size: size concerned
 * @error: negative errno returned to the caller, 0 if none
 *
 * Atomic context is fine; cvm_core applies its rate limit, except to a
 * leaked chunk or a driver's leak, which a host must not crowd out.
 */
void cvm_bounce_notify(u32 event, const char *name, u64 addr, u64 size,
		       int error)
{
	struct sk_buff *skb;
	void *hdr;

	skb = event == CVM_BOUNCE_EVENT_CHUNK_LEAKED ||
	      event == CVM_BOUNCE_EVENT_DRIVER_LEAK ?
	      cvm_core_event_new_lost(CVM_CMD_POOL_NTF, &hdr) :
	      cvm_core_event_new(CVM_CMD_POOL_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, CVM_A_POOL_NTF_EVENT, event) ||
	    nla_put_string(skb, CVM_A_POOL_NTF_DEVICE, name) ||
	    nla_put_u64_64bit(skb, CVM_A_POOL_NTF_ADDR, addr,
			      CVM_A_POOL_NTF_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_POOL_NTF_SIZE, size,
			      CVM_A_POOL_NTF_PAD) ||
	    (error && nla_put_s32(skb, CVM_A_POOL_NTF_ERROR, error))) {
		nlmsg_free(skb);
		return;
	}
	cvm_core_event_send(skb, hdr);
}
