// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_ring's commands of the "cvm" family (ring-get, ring-list-get,
 * ring-set, ring-auditor-set). cvm_core validated the attributes and
 * checked admin permission already.
 */
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include "auditor.h"
#include "ring.h"
#include "nl-gen.h"

static int cvm_ring_fill_totals(struct sk_buff *skb)
{
	struct cvm_ring_totals t;

	cvm_ring_totals(&t);
	if (nla_put_u32(skb, CVM_A_RING_RINGS, t.rings) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_CHECKED, t.checked,
			      CVM_A_RING_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_VIOLATIONS, t.violations,
			      CVM_A_RING_PAD) ||
	    nla_put_u32(skb, CVM_A_RING_BROKEN, t.broken) ||
	    nla_put_u8(skb, CVM_A_RING_AUDITOR, cvm_ring_auditor_enabled()) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_AUDITOR_MISSED,
			      cvm_ring_auditor_missed(), CVM_A_RING_PAD))
		return -EMSGSIZE;
	return 0;
}

int cvm_ring_nl_ring_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return cvm_core_reply(info, CVM_CMD_RING_GET, cvm_ring_fill_totals);
}

int cvm_ring_nl_ring_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[CVM_A_RING_INFO_ID];
	struct nlattr *policy = info->attrs[CVM_A_RING_INFO_POLICY];
	int err;

	if (!id || !policy) {
		NL_SET_ERR_MSG(info->extack, "ring id and policy are required");
		return -EINVAL;
	}
	err = cvm_ring_set_policy(nla_get_u32(id), nla_get_u32(policy));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, id, "no ring with this id");
	return err;
}

int cvm_ring_nl_ring_auditor_set_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CVM_A_RING_AUDITOR];
	int err;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "auditor (0 or 1) is required");
		return -EINVAL;
	}
	err = cvm_ring_auditor_set(nla_get_u8(attr));
	if (err)
		NL_SET_ERR_MSG(info->extack,
			       "cannot probe the virtqueue API (is virtio_ring loaded?)");
	return err;
}

static int cvm_ring_put_reasons(struct sk_buff *skb,
				const struct cvm_ring_info *ri)
{
	struct nlattr *nest;
	u32 r;

	for (r = CVM_RING_REASON_NONE + 1; r <= CVM_RING_REASON_MAX; r++) {
		if (!ri->reasons[r])
			continue;
		nest = nla_nest_start(skb, CVM_A_RING_INFO_REASON);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, CVM_A_RING_REASON_COUNT_REASON, r) ||
		    nla_put_string(skb, CVM_A_RING_REASON_COUNT_NAME,
				   cvm_ring_reason_name(r)) ||
		    nla_put_u64_64bit(skb, CVM_A_RING_REASON_COUNT_COUNT,
				      ri->reasons[r],
				      CVM_A_RING_REASON_COUNT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int cvm_ring_put_info(struct sk_buff *skb, struct netlink_callback *cb,
			     const struct cvm_ring_info *ri)
{
	void *hdr;

	hdr = cvm_core_dump_put(skb, cb, CVM_CMD_RING_LIST_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CVM_A_RING_INFO_ID, ri->id) ||
	    nla_put_u32(skb, CVM_A_RING_INFO_KIND, ri->kind) ||
	    nla_put_string(skb, CVM_A_RING_INFO_OWNER, ri->owner) ||
	    nla_put_u32(skb, CVM_A_RING_INFO_POLICY, ri->policy) ||
	    nla_put_u8(skb, CVM_A_RING_INFO_BROKEN, ri->broken) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_INFO_CHECKED, ri->checked,
			      CVM_A_RING_INFO_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_RING_INFO_VIOLATIONS, ri->violations,
			      CVM_A_RING_INFO_PAD) ||
	    (ri->kind == CVM_RING_KIND_VIRTQUEUE &&
	     (nla_put_u64_64bit(skb, CVM_A_RING_INFO_OVERSTATED,
				ri->overstated, CVM_A_RING_INFO_PAD) ||
	      nla_put_u64_64bit(skb, CVM_A_RING_INFO_CLAMPED, ri->clamped,
				CVM_A_RING_INFO_PAD))) ||
	    cvm_ring_put_reasons(skb, ri)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The cursor is a ring id, never a pointer: rings may go between rounds. */
struct cvm_ring_cursor {
	u32 next_id;
};

int cvm_ring_nl_ring_list_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct cvm_ring_cursor *cur = (void *)cb->ctx;
	struct cvm_ring_info *ri;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cur) > sizeof(cb->ctx));
	ri = kmalloc(sizeof(*ri), GFP_KERNEL);
	if (!ri)
		return -ENOMEM;
	while (cvm_ring_info_next(cur->next_id, ri)) {
		err = cvm_ring_put_info(skb, cb, ri);
		if (err)
			break;
		cur->next_id = ri->id + 1;
	}
	kfree(ri);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}
