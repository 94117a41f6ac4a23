// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_convert's commands of the "cvm" family (conv-get, conv-set,
 * conv-range-get, conv-owner-get). cvm_core validated the attributes and
 * checked admin permission already.
 */
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include "convert.h"
#include "nl-gen.h"

static int cvm_convert_fill_totals(struct sk_buff *skb)
{
	struct cvm_convert_totals t;
	char reason[96];

	cvm_ledger_totals(&t);
	cvm_observer_reason(reason, sizeof(reason));
	if (nla_put_u64_64bit(skb, CVM_A_CONV_SHARED_PAGES, t.shared_pages,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_PEAK_PAGES, t.peak_pages,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_SHARE_OPS, t.share_ops,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_UNSHARE_OPS, t.unshare_ops,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_SHARE_FAILURES, t.share_failures,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_UNSHARE_FAILURES,
			      t.unshare_failures, CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_LEAKED_PAGES, t.leaked_pages,
			      CVM_A_CONV_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_ANOMALIES, t.anomalies,
			      CVM_A_CONV_PAD) ||
	    nla_put_u32(skb, CVM_A_CONV_RANGES, t.ranges) ||
	    nla_put_u32(skb, CVM_A_CONV_OWNERS, t.owners) ||
	    nla_put_u8(skb, CVM_A_CONV_OBSERVER, cvm_observer_on()) ||
	    (reason[0] &&
	     nla_put_string(skb, CVM_A_CONV_OBSERVER_REASON, reason)) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OBSERVED_OPS, t.observed_ops,
			      CVM_A_CONV_PAD))
		return -EMSGSIZE;
	return 0;
}

int cvm_convert_nl_conv_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return cvm_core_reply(info, CVM_CMD_CONV_GET, cvm_convert_fill_totals);
}

int cvm_convert_nl_conv_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CVM_A_CONV_OBSERVER];
	int err;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}
	err = cvm_observer_set(nla_get_u8(attr));
	if (err)
		NL_SET_ERR_MSG(info->extack,
			       "observer unavailable; observer-reason says why");
	return err;
}

/* Dump cursors live in cb->ctx as plain data, never ledger pointers. */
struct cvm_convert_range_cursor {
	u64 next_pfn;
};

struct cvm_convert_owner_cursor {
	unsigned int next;
};

static int cvm_convert_put_run(struct sk_buff *skb, struct netlink_callback *cb,
			       const struct cvm_convert_run *run)
{
	void *hdr;

	hdr = cvm_core_dump_put(skb, cb, CVM_CMD_CONV_RANGE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, CVM_A_CONV_RANGE_START_PFN, run->start_pfn,
			      CVM_A_CONV_RANGE_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_RANGE_PAGES, run->pages,
			      CVM_A_CONV_RANGE_PAD) ||
	    nla_put_string(skb, CVM_A_CONV_RANGE_OWNER, run->owner) ||
	    nla_put_u32(skb, CVM_A_CONV_RANGE_STATE, run->state) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_RANGE_AGE_MS, run->age_ms,
			      CVM_A_CONV_RANGE_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int cvm_convert_nl_conv_range_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct cvm_convert_range_cursor *cur = (void *)cb->ctx;
	struct cvm_convert_run run;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cur) > sizeof(cb->ctx));
	while (cvm_ledger_next_run(cur->next_pfn, &run)) {
		err = cvm_convert_put_run(skb, cb, &run);
		if (err)
			break;
		cur->next_pfn = run.start_pfn + run.pages;
	}
	/* A full buffer ends this round; the next one resumes at next_pfn. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static int cvm_convert_put_owner(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 const struct cvm_convert_owner *o)
{
	void *hdr;

	hdr = cvm_core_dump_put(skb, cb, CVM_CMD_CONV_OWNER_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, CVM_A_CONV_OWNER_NAME, o->name) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_SHARED_PAGES,
			      o->shared_pages, CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_PEAK_PAGES, o->peak_pages,
			      CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_SHARE_OPS, o->share_ops,
			      CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_UNSHARE_OPS, o->unshare_ops,
			      CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_FAILURES, o->failures,
			      CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_LEAKED_PAGES,
			      o->leaked_pages, CVM_A_CONV_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_CONV_OWNER_ANOMALIES, o->anomalies,
			      CVM_A_CONV_OWNER_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int cvm_convert_nl_conv_owner_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct cvm_convert_owner_cursor *cur = (void *)cb->ctx;
	struct cvm_convert_owner o;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cur) > sizeof(cb->ctx));
	while (cvm_ledger_owner_at(cur->next, &o)) {
		err = cvm_convert_put_owner(skb, cb, &o);
		if (err)
			break;
		cur->next++;
	}
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}
