// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bounce's commands of the "cvm" family (pool-get, pool-set,
 * pool-dev-get, pool-attach, pool-detach, swiotlb-get, swiotlb-set,
 * swiotlb-dev-get). cvm_core validated the attributes and checked admin
 * permission already.
 */
#include <linux/build_bug.h>
#include <net/genetlink.h>
#include "bounce.h"
#include "nl-gen.h"

static int cvm_bounce_put64(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, CVM_A_POOL_PAD);
}

static int cvm_bounce_fill_pool(struct sk_buff *skb)
{
	struct cvm_bounce_policy *p = &cvm_bounce_policy;
	struct cvm_bounce_stats st;

	cvm_bounce_stats(&st);
	if (cvm_bounce_put64(skb, CVM_A_POOL_SIZE, st.size) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_SLOTS, st.slots) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_USED, st.used) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_HIGH_WATER, st.high_water) ||
	    nla_put_u32(skb, CVM_A_POOL_SLOT_SIZE, st.slot_size) ||
	    nla_put_u32(skb, CVM_A_POOL_CHUNKS, st.chunks) ||
	    nla_put_u32(skb, CVM_A_POOL_MAX_CHUNKS, st.max_chunks) ||
	    nla_put_u32(skb, CVM_A_POOL_MAX_MAPPING, st.max_mapping) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_MAPS, st.maps) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_UNMAPS, st.unmaps) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_BYTES, st.bytes) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_SYNCS, st.syncs) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_FAILURES, st.failures) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_VIOLATIONS, st.violations) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_GROWS, st.grows) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_SHRINKS, st.shrinks) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_LEAKED_CHUNKS, st.leaked_chunks) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_WAITS, st.waits) ||
	    nla_put_u8(skb, CVM_A_POOL_ZERO_FROM_DEVICE,
		       READ_ONCE(p->zero_from_device)) ||
	    nla_put_u8(skb, CVM_A_POOL_ZERO_SLACK, READ_ONCE(p->zero_slack)) ||
	    nla_put_u8(skb, CVM_A_POOL_SCRUB, READ_ONCE(p->scrub)) ||
	    nla_put_u8(skb, CVM_A_POOL_MISUSE_WARN, READ_ONCE(p->misuse_warn)) ||
	    nla_put_u32(skb, CVM_A_POOL_WAIT_MS, READ_ONCE(p->wait_ms)) ||
	    nla_put_u32(skb, CVM_A_POOL_IDLE_MS, READ_ONCE(p->idle_ms)) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_DRIVER_LEAKS, st.driver_leaks) ||
	    cvm_bounce_put64(skb, CVM_A_POOL_COHERENT_REFUSED,
			     st.coherent_refused))
		return -EMSGSIZE;
	return 0;
}

int cvm_bounce_nl_pool_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return cvm_core_reply(info, CVM_CMD_POOL_GET, cvm_bounce_fill_pool);
}

int cvm_bounce_nl_pool_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct cvm_bounce_policy *p = &cvm_bounce_policy;
	struct nlattr **a = info->attrs;
	bool any = false;

#define CVM_BOUNCE_SET(attr, field, get)				\
	do {								\
		if (a[attr]) {						\
			WRITE_ONCE(p->field, get(a[attr]));		\
			any = true;					\
		}							\
	} while (0)
	CVM_BOUNCE_SET(CVM_A_POOL_ZERO_FROM_DEVICE, zero_from_device, nla_get_u8);
	CVM_BOUNCE_SET(CVM_A_POOL_ZERO_SLACK, zero_slack, nla_get_u8);
	CVM_BOUNCE_SET(CVM_A_POOL_SCRUB, scrub, nla_get_u8);
	CVM_BOUNCE_SET(CVM_A_POOL_MISUSE_WARN, misuse_warn, nla_get_u8);
	CVM_BOUNCE_SET(CVM_A_POOL_WAIT_MS, wait_ms, nla_get_u32);
	CVM_BOUNCE_SET(CVM_A_POOL_IDLE_MS, idle_ms, nla_get_u32);
#undef CVM_BOUNCE_SET
	if (!any) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}
	if (a[CVM_A_POOL_IDLE_MS])
		cvm_bounce_pool_kick_shrink();
	return 0;
}

struct cvm_bounce_dev_cursor {
	unsigned int next;
};

static int cvm_bounce_put_dev(struct sk_buff *skb, struct netlink_callback *cb,
			      struct cvm_bounce_client *c, bool attached)
{
	u64 v = 0;
	void *hdr;
	int i;

	for (i = 0; i < CVM_BOUNCE_NR_MISUSE; i++)
		v += atomic64_read(&c->misuse[i]);
	hdr = cvm_core_dump_put(skb, cb, CVM_CMD_POOL_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
#define P64(t, x) nla_put_u64_64bit(skb, t, x, CVM_A_POOL_DEV_PAD)
	if (nla_put_string(skb, CVM_A_POOL_DEV_NAME, c->name) ||
	    nla_put_u8(skb, CVM_A_POOL_DEV_ATTACHED, attached) ||
	    P64(CVM_A_POOL_DEV_MAPS, atomic64_read(&c->maps)) ||
	    P64(CVM_A_POOL_DEV_UNMAPS, atomic64_read(&c->unmaps)) ||
	    P64(CVM_A_POOL_DEV_BYTES, atomic64_read(&c->bytes)) ||
	    P64(CVM_A_POOL_DEV_SYNCS, atomic64_read(&c->syncs)) ||
	    P64(CVM_A_POOL_DEV_INFLIGHT_SLOTS,
		atomic_long_read(&c->inflight_slots)) ||
	    P64(CVM_A_POOL_DEV_INFLIGHT_BYTES,
		atomic_long_read(&c->inflight_bytes)) ||
	    P64(CVM_A_POOL_DEV_HIGH_WATER, atomic_long_read(&c->high_water)) ||
	    P64(CVM_A_POOL_DEV_FAILURES, atomic64_read(&c->failures)) ||
	    P64(CVM_A_POOL_DEV_VIOLATIONS, v) ||
	    P64(CVM_A_POOL_DEV_STRAY,
		atomic64_read(&c->misuse[CVM_BOUNCE_EVENT_STRAY])) ||
	    P64(CVM_A_POOL_DEV_DOUBLE_UNMAP,
		atomic64_read(&c->misuse[CVM_BOUNCE_EVENT_DOUBLE_UNMAP])) ||
	    P64(CVM_A_POOL_DEV_SIZE_MISMATCH,
		atomic64_read(&c->misuse[CVM_BOUNCE_EVENT_SIZE_MISMATCH])) ||
	    P64(CVM_A_POOL_DEV_DIR_MISMATCH,
		atomic64_read(&c->misuse[CVM_BOUNCE_EVENT_DIR_MISMATCH])) ||
	    P64(CVM_A_POOL_DEV_SYNC_RANGE,
		atomic64_read(&c->misuse[CVM_BOUNCE_EVENT_SYNC_RANGE])) ||
	    P64(CVM_A_POOL_DEV_WAITS, atomic64_read(&c->waits)) ||
	    P64(CVM_A_POOL_DEV_COHERENT_PAGES,
		atomic_long_read(&c->coherent_pages)) ||
	    nla_put_u8(skb, CVM_A_POOL_DEV_ZERO_FROM_DEVICE,
		       cvm_bounce_zero_from_device(c))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
#undef P64
	genlmsg_end(skb, hdr);
	return 0;
}

int cvm_bounce_nl_pool_dev_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct cvm_bounce_dev_cursor *cur = (void *)cb->ctx;
	struct cvm_bounce_client *snap;
	bool attached;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cur) > sizeof(cb->ctx));
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	while (cvm_bounce_client_at(cur->next, snap, &attached)) {
		err = cvm_bounce_put_dev(skb, cb, snap, attached);
		if (err)
			break;
		cur->next++;
	}
	kfree(snap);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

int cvm_bounce_nl_pool_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *zfd = info->attrs[CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE];

	if (!info->attrs[CVM_A_POOL_ATTACH_DEVICE]) {
		NL_SET_ERR_MSG(info->extack, "no device given");
		return -EINVAL;
	}
	return cvm_bounce_attach(nla_data(info->attrs[CVM_A_POOL_ATTACH_DEVICE]),
				 zfd ? nla_get_u8(zfd) : -1, info->extack);
}

int cvm_bounce_nl_pool_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[CVM_A_POOL_ATTACH_DEVICE]) {
		NL_SET_ERR_MSG(info->extack, "no device given");
		return -EINVAL;
	}
	return cvm_bounce_detach(nla_data(info->attrs[CVM_A_POOL_ATTACH_DEVICE]),
				 info->extack);
}

static int cvm_bounce_fill_swiotlb(struct sk_buff *skb)
{
	struct cvm_bounce_obs_totals t;

	cvm_bounce_observer_totals(&t);
#define P64(a, v) nla_put_u64_64bit(skb, a, v, CVM_A_SWIOTLB_PAD)
	if (nla_put_u8(skb, CVM_A_SWIOTLB_OBSERVER, t.on) ||
	    (t.reason[0] &&
	     nla_put_string(skb, CVM_A_SWIOTLB_OBSERVER_REASON, t.reason)) ||
	    P64(CVM_A_SWIOTLB_MAPS, t.maps) ||
	    P64(CVM_A_SWIOTLB_UNMAPS, t.unmaps) ||
	    P64(CVM_A_SWIOTLB_BYTES, t.bytes) ||
	    P64(CVM_A_SWIOTLB_FAILURES, t.failures) ||
	    P64(CVM_A_SWIOTLB_INFLIGHT_SLOTS, t.inflight_slots) ||
	    P64(CVM_A_SWIOTLB_HIGH_WATER, t.high_water) ||
	    P64(CVM_A_SWIOTLB_ADVICE_SLABS, t.advice_slabs))
		return -EMSGSIZE;
#undef P64
	return 0;
}

int cvm_bounce_nl_swiotlb_get_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	return cvm_core_reply(info, CVM_CMD_SWIOTLB_GET,
			      cvm_bounce_fill_swiotlb);
}

int cvm_bounce_nl_swiotlb_set_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CVM_A_SWIOTLB_OBSERVER];
	int err;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}
	err = cvm_bounce_observer_set(nla_get_u8(attr));
	if (err)
		NL_SET_ERR_MSG(info->extack,
			       "observer unavailable; observer-reason says why");
	return err;
}

int cvm_bounce_nl_swiotlb_dev_get_dumpit(struct sk_buff *skb,
					 struct netlink_callback *cb)
{
	struct cvm_bounce_dev_cursor *cur = (void *)cb->ctx;
	struct cvm_bounce_obs_dev d;
	void *hdr;

	while (cvm_bounce_observer_dev_at(cur->next, &d)) {
		hdr = cvm_core_dump_put(skb, cb, CVM_CMD_SWIOTLB_DEV_GET);
		if (!hdr)
			break;
#define P64(a, v) nla_put_u64_64bit(skb, a, v, CVM_A_SWIOTLB_DEV_PAD)
		if (nla_put_string(skb, CVM_A_SWIOTLB_DEV_NAME, d.name) ||
		    P64(CVM_A_SWIOTLB_DEV_MAPS, d.maps) ||
		    P64(CVM_A_SWIOTLB_DEV_UNMAPS, d.unmaps) ||
		    P64(CVM_A_SWIOTLB_DEV_BYTES, d.bytes) ||
		    P64(CVM_A_SWIOTLB_DEV_FAILURES, d.failures) ||
		    P64(CVM_A_SWIOTLB_DEV_INFLIGHT_SLOTS, d.inflight_slots) ||
		    P64(CVM_A_SWIOTLB_DEV_INFLIGHT_BYTES, d.inflight_bytes) ||
		    P64(CVM_A_SWIOTLB_DEV_HIGH_WATER, d.high_water)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
#undef P64
		genlmsg_end(skb, hdr);
		cur->next++;
	}
	return skb->len;
}
