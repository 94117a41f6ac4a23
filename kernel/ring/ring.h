/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_ring internals: the registry of rings and their counters, and the
 * netlink and sysfs views of it.
 */
#ifndef _CVM_RING_INTERNAL_H
#define _CVM_RING_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <cvm_core.h>
#include <cvm_ring.h>
#include <ring_check.h>

/**
 * struct cvm_ring - one ring cvm_ring validates
 * @node: in the registry, by id
 * @id: unique while cvm_ring is loaded
 * @kind: enum cvm_ring_kind
 * @policy: enum cvm_ring_policy; changed by ring-set at any time
 * @broken: set when enforce refused data; cleared by ring-set monitor
 * @owner: who registered it
 * @checked: verdicts accounted
 * @violations: rejections
 * @reasons: rejections per enum cvm_ring_reason
 * @overstated: live virtqueues: used lengths over the writable bytes but
 *	within the whole buffer (not violations)
 * @clamped: live virtqueues: used lengths enforce cut to the capacity
 */
struct cvm_ring {
	struct list_head node;
	u32 id;
	u32 kind;
	u32 policy;
	bool broken;
	char owner[CVM_RING_OWNER_LEN];
	atomic64_t checked;
	atomic64_t violations;
	atomic64_t reasons[CVM_RING_REASON_MAX + 1];
	atomic64_t overstated;
	atomic64_t clamped;
};

/* A copy of one ring's state, for dumps. */
struct cvm_ring_info {
	u32 id;
	u32 kind;
	u32 policy;
	bool broken;
	char owner[CVM_RING_OWNER_LEN];
	u64 checked;
	u64 violations;
	u64 reasons[CVM_RING_REASON_MAX + 1];
	u64 overstated;
	u64 clamped;
};

struct cvm_ring_totals {
	u32 rings;
	u32 broken;
	u64 checked;
	u64 violations;
};

/* registry.c */
struct cvm_ring *cvm_ring_register_gfp(u32 kind, const char *owner,
				       u32 policy, gfp_t gfp);
bool cvm_ring_account_len(struct cvm_ring *ring,
			  const struct cvm_ring_verdict *v, bool over);
u32 cvm_ring_policy(const struct cvm_ring *ring);
void cvm_ring_totals(struct cvm_ring_totals *t);
bool cvm_ring_info_next(u32 from_id, struct cvm_ring_info *info);
int cvm_ring_set_policy(u32 id, u32 policy);
void cvm_ring_registry_exit(void);

/* events.c */
void cvm_ring_notify(const struct cvm_ring *ring,
		     const struct cvm_ring_verdict *v);

/* sysfs.c */
extern const struct attribute_group *cvm_ring_groups[];

#endif /* _CVM_RING_INTERNAL_H */
