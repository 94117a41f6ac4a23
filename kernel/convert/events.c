// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_convert's conv-ntf events: failed conversions, leaks and anomalies of
 * the ledger, sent to the "cvm" family's events group through cvm_core.
 * The ledger and the observer call in here; nothing here calls back.
 */
#include <net/genetlink.h>
#include "convert.h"

/**
 * cvm_convert_notify() - report a failure, leak or anomaly on "events"
 * @event: CVM_CONV_EVENT_*
 * @owner: owner tag or caller symbol
 * @pfn: first page of the range
 * @npages: pages in the range
 * @error: negative errno of a failed conversion, 0 if none
 *
 * Atomic context is fine; cvm_core applies its rate limit, except to
 * failed conversions and leaks, which a host must not crowd out.
 */
void cvm_convert_notify(u32 event, const char *owner, unsigned long pfn,
			unsigned long npages, int error)
{
	bool lost = event == CVM_CONV_EVENT_SHARE_FAILED ||
		    event == CVM_CONV_EVENT_UNSHARE_FAILED ||
		    event == CVM_CONV_EVENT_LEAKED;
	struct sk_buff *skb;
	void *hdr;

	skb = lost ? cvm_core_event_new_lost(CVM_CMD_CONV_NTF, &hdr) :
		     cvm_core_event_new(CVM_CMD_CONV_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, CVM_A_CONV_NTF_EVENT, event) ||
	    nla_put_string(skb, CVM_A_CONV_NTF_OWNER, owner) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_NTF_START_PFN, pfn,
			      CVM_A_CONV_NTF_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_NTF_PAGES, npages,
			      CVM_A_CONV_NTF_PAD) ||
	    (error && nla_put_s32(skb, CVM_A_CONV_NTF_ERROR, error))) {
		nlmsg_free(skb);
		return;
	}
	cvm_core_event_send(skb, hdr);
}
