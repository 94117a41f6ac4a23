/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_convert internals shared between its files; other modules use
 * <cvm_convert.h>.
 */
#ifndef _CVM_CONVERT_INTERNAL_H
#define _CVM_CONVERT_INTERNAL_H

#include <linux/list.h>
#include <linux/rbtree.h>
#include <cvm_core.h>
#include <cvm_convert.h>

/**
 * struct cvm_convert_owner - one owner tag and its counters
 * @node: in the ledger's owner list, in order of creation
 * @name: the tag, or the caller's symbol for observed conversions
 * @shared_pages: pages this owner has shared now
 * @peak_pages: highest @shared_pages seen
 * @share_ops: successful conversions to shared
 * @unshare_ops: successful conversions back to private
 * @failures: failed conversions, both directions
 * @leaked_pages: pages withheld because converting them failed
 * @anomalies: already-shared, not-shared and wrong-owner calls
 *
 * Owners are never freed while the module is loaded: their counters are
 * the history an operator asks about, and the number of tags is bounded by
 * the call sites in the kernel. That also lets ranges point at their owner
 * without reference counting. All fields are under the ledger lock.
 */
struct cvm_convert_owner {
	struct list_head node;
	char name[CVM_CONVERT_OWNER_LEN];
	u64 shared_pages;
	u64 peak_pages;
	u64 share_ops;
	u64 unshare_ops;
	u64 failures;
	u64 leaked_pages;
	u64 anomalies;
};

/* Ledger-wide counters, as conv-get and sysfs report them. */
struct cvm_convert_totals {
	u64 shared_pages;
	u64 peak_pages;
	u64 share_ops;
	u64 unshare_ops;
	u64 share_failures;
	u64 unshare_failures;
	u64 leaked_pages;
	u64 anomalies;
	u64 observed_ops;
	u32 ranges;
	u32 owners;
};

/* One coalesced run of ranges, for the range dump. */
struct cvm_convert_run {
	u64 start_pfn;
	u64 pages;
	u32 state;		/* enum cvm_conv_state */
	u64 age_ms;
	char owner[CVM_CONVERT_OWNER_LEN];
};

struct cvm_convert_range;

/* ledger.c */
int cvm_ledger_init(void);
void cvm_ledger_exit(void);
int cvm_ledger_reserve(const char *owner, unsigned long pfn,
		       unsigned long npages, struct cvm_convert_range **rp);
void cvm_ledger_commit_share(struct cvm_convert_range *r);
void cvm_ledger_fail_share(struct cvm_convert_range *r);
int cvm_ledger_begin_unshare(const char *owner, unsigned long pfn,
			     unsigned long npages,
			     struct cvm_convert_range **rp);
void cvm_ledger_end_unshare(struct cvm_convert_range *r, int err);
int cvm_ledger_state(unsigned long pfn, unsigned long npages);
void cvm_ledger_observed(const char *caller, unsigned long pfn,
			 unsigned long npages, bool share, int err, bool first);
void cvm_ledger_totals(struct cvm_convert_totals *t);
bool cvm_ledger_next_run(u64 from_pfn, struct cvm_convert_run *run);
bool cvm_ledger_owner_at(unsigned int idx, struct cvm_convert_owner *copy);

/* failinj.c */
bool cvm_convert_should_fail(bool share, size_t npages);
bool cvm_convert_observed_should_fail(void);
void cvm_convert_failinj_init(void);
void cvm_convert_failinj_exit(void);

/* observer.c */
int cvm_observer_set(bool on);
bool cvm_observer_on(void);
void cvm_observer_reason(char *buf, size_t size);
void cvm_observer_exit(void);

/* events.c */
void cvm_convert_notify(u32 event, const char *owner, unsigned long pfn,
			unsigned long npages, int error);

/* sysfs.c */
extern const struct attribute_group *cvm_convert_groups[];

#endif /* _CVM_CONVERT_INTERNAL_H */
