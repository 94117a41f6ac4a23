/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_bounce internals: the pool (pool.c), mappings (map.c), clients and
 * the dma_map_ops (client.c, dmaops.c), sysfs and netlink.
 */
#ifndef _CVM_BOUNCE_INT_H
#define _CVM_BOUNCE_INT_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <cvm_bounce.h>
#include <cvm_core.h>
#include "slots.h"

#define CVM_BOUNCE_OWNER	"cvm_bounce"
#define CVM_BOUNCE_NAME_LEN	64

/* What the private metadata of a slot says about it. */
enum cvm_bounce_slot_state {
	CVM_BOUNCE_FREE,	/* never mapped, or inside a freed mapping */
	CVM_BOUNCE_MAPPED,	/* first slot of a live mapping */
	CVM_BOUNCE_INNER,	/* further slot of a live mapping */
	CVM_BOUNCE_UNMAPPING,	/* first slot, unmap copying back */
	CVM_BOUNCE_UNMAPPED,	/* first slot of a mapping since unmapped */
};

/**
 * struct cvm_bounce_slot - private metadata of one slot
 * @orig: private buffer (first slot of a mapping)
 * @addr: address the client got (slot address + offset)
 * @client: who mapped it; kept after unmap to tell a double unmap
 * @size: bytes mapped
 * @nslots: slots spanned
 * @dir: enum dma_data_direction
 * @state: enum cvm_bounce_slot_state
 * @stale: the slot may hold bytes the guest put there (a mapping's data,
 *	or slack nobody zeroed) that no scrub has removed since; clear means
 *	the guest left nothing but zeros, so zeroing it again is not needed
 * @slack_stale: first slot: the mapping's slack may hold such bytes of an
 *	earlier mapping, so its scrub must cover whole slots, not the data
 *
 * Lives in private memory only: the host can write the slots, never this.
 */
struct cvm_bounce_slot {
	phys_addr_t orig;
	phys_addr_t addr;
	struct cvm_bounce_client *client;
	u32 size;
	u16 nslots;
	u8 dir;
	u8 state : 4;
	u8 stale : 1;
	u8 slack_stale : 1;
};

/**
 * struct cvm_bounce_area - slots of a chunk with their own lock
 * @lock: protects @slots, @retired and the metadata of these slots
 * @retired: the chunk is being given back: no more mappings
 * @first: index in the chunk of the area's first slot
 * @checked: jiffies when a mapping in this half-full area last made the
 *	pool see whether it is half full (cvm_bounce_pool_check())
 * @active: a mapping landed here since the idle check last looked
 * @slots: the allocator
 */
struct cvm_bounce_area {
	spinlock_t lock;
	bool retired;
	bool active;
	u32 first;
	unsigned long checked;
	struct cvm_slots slots;
} ____cacheline_aligned_in_smp;

/**
 * struct cvm_bounce_chunk - contiguous shared memory of the pool
 * @node: in cvm_bounce_chunks (RCU)
 * @vaddr: linear-map address
 * @phys: physical address
 * @size: bytes
 * @nslots: slots
 * @nareas: areas (a power of two)
 * @area_shift: log2 of slots per area
 * @last_active: jiffies when the idle check last found a mapping had
 *	landed in the chunk, or when the chunk was made
 * @areas: the areas
 * @meta: metadata of every slot
 * @maps: bitmap storage of all areas
 */
struct cvm_bounce_chunk {
	struct list_head node;
	void *vaddr;
	phys_addr_t phys;
	size_t size;
	u32 nslots;
	u32 nareas;
	unsigned int area_shift;
	unsigned long last_active;
	struct cvm_bounce_area *areas;
	struct cvm_bounce_slot *meta;
	unsigned long *maps;
};

/* Misuse kinds, counted per client; values of enum cvm_bounce_event. */
#define CVM_BOUNCE_NR_MISUSE	(CVM_BOUNCE_EVENT_SYNC_RANGE + 1)

/*
 * Per-CPU traffic counters of a client: no shared cache line and no
 * locked instruction per map. @slots is the slots this CPU mapped less
 * those it unmapped (negative where it unmaps more than it maps); the
 * client's slots in flight are the sum.
 */
struct cvm_bounce_client_pcpu {
	u64 maps, unmaps, bytes, unmapped_bytes, syncs;
	long slots;
};

/**
 * struct cvm_bounce_client - a device or API user of the pool
 * @node: in cvm_bounce_clients
 * @name: dev_name() or the API user's name
 * @dev: the device when attached as its dma_map_ops, else NULL
 * @old_ops: the device's DMA ops before the attach
 * @pcpu: traffic counters, summed into @maps.. by cvm_bounce_client_at()
 * @maps: counters, as dumps see them (only in snapshots for the traffic
 *	and for @inflight_slots and @inflight_bytes)
 * @high_water: the most slots in flight at once, as sampled (see
 *	cvm_bounce_client_inflight())
 * @coherent_pages: coherent memory the device's driver holds now
 * @warned: misuse kinds already logged once
 * @zero_from_device: the device's own zero_from_device policy (0 or 1), or
 *	-1 to follow the pool's
 */
struct cvm_bounce_client {
	struct list_head node;
	char name[CVM_BOUNCE_NAME_LEN];
	struct device *dev;
	const struct dma_map_ops *old_ops;
	struct cvm_bounce_client_pcpu __percpu *pcpu;
	atomic64_t maps;
	atomic64_t unmaps;
	atomic64_t bytes;
	atomic64_t syncs;
	atomic64_t failures;
	atomic64_t waits;
	atomic64_t misuse[CVM_BOUNCE_NR_MISUSE];
	atomic_long_t inflight_slots;
	atomic_long_t inflight_bytes;
	atomic_long_t high_water;
	atomic_long_t coherent_pages;
	unsigned long warned;
	s8 zero_from_device;
};

/**
 * struct cvm_bounce_policy - the hardening policies (see Documentation)
 */
struct cvm_bounce_policy {
	bool zero_from_device;
	bool zero_slack;
	bool scrub;
	bool misuse_warn;
	unsigned int wait_ms;
	unsigned int idle_ms;
};

extern struct cvm_bounce_policy cvm_bounce_policy;

/* The zero_from_device policy that applies to @c's mappings. */
static inline bool cvm_bounce_zero_from_device(const struct cvm_bounce_client *c)
{
	s8 own = READ_ONCE(c->zero_from_device);

	return own < 0 ? READ_ONCE(cvm_bounce_policy.zero_from_device) : own;
}

/**
 * struct cvm_bounce_stats - pool totals as sysfs and netlink show them
 */
struct cvm_bounce_stats {
	u64 size, slots, used, high_water;
	u32 slot_size, chunks, max_chunks, max_mapping;
	u64 maps, unmaps, bytes, syncs, failures, violations;
	u64 grows, shrinks, leaked_chunks, waits, driver_leaks;
	u64 coherent_refused;
};

/* pool.c */
extern struct list_head cvm_bounce_chunks;
extern unsigned int cvm_bounce_slot_shift;
extern u32 cvm_bounce_max_slots;
int cvm_bounce_pool_init(unsigned int slot_size, unsigned int chunk_kib,
			 unsigned int init_chunks, unsigned int max_chunks,
			 unsigned int max_mapping_kib);
void cvm_bounce_pool_exit(void);
int cvm_bounce_pool_get(void);
void cvm_bounce_pool_put(void);
void cvm_bounce_pool_check(void);
void cvm_bounce_pool_low(void);
void cvm_bounce_pool_ran_out(void);
void cvm_bounce_pool_kick_shrink(void);
struct cvm_bounce_place;
int cvm_bounce_pool_wait(struct cvm_bounce_client *c,
			 struct cvm_bounce_place *p, unsigned long deadline);
void cvm_bounce_pool_wake(void);
void cvm_bounce_stats(struct cvm_bounce_stats *st);
void cvm_bounce_pool_driver_leaks(unsigned long n);
void cvm_bounce_pool_coherent_refused(void);
struct cvm_bounce_chunk *cvm_bounce_chunk_find(phys_addr_t addr);

/* Per-CPU pool counters, summed when read; @slots as in a client's. */
struct cvm_bounce_pcpu {
	u64 maps, unmaps, bytes, syncs, failures, violations, waits;
	long slots;
};

DECLARE_PER_CPU(struct cvm_bounce_pcpu, cvm_bounce_pcpu);

/*
 * Accounts slots taken (> 0) or given back (< 0): one per-CPU add, no
 * shared cache line and no locked instruction per mapping. The sum is
 * read where it is needed (stats, growth, shrinking).
 */
static inline void cvm_bounce_pool_used(long nslots)
{
	this_cpu_add(cvm_bounce_pcpu.slots, nslots);
}

/**
 * struct cvm_bounce_place - a mapping being placed by cvm_bounce_alloc() (pool.h)
 * @req: what it needs
 * @orig: the private buffer
 * @dir: enum dma_data_direction
 * @zero_slack: the zero_slack policy, as read once by this mapping
 * @slot: out: the address for the device
 * @nslots: out: slots spanned
 * @offset: out: offset of @slot in the first slot
 * @stale: out: some slot may hold an earlier mapping's bytes (see
 *	struct cvm_bounce_slot), so the zeroing policies have work to do
 * @check: out: the area it went to is half full, and the pool was not
 *	looked at this tick: see whether it should grow
 */
struct cvm_bounce_place {
	struct cvm_slots_req req;
	phys_addr_t orig;
	enum dma_data_direction dir;
	bool zero_slack;
	phys_addr_t slot;
	u32 nslots;
	u32 offset;
	bool stale;
	bool check;
};

/* map.c */
unsigned long cvm_bounce_reclaim(struct cvm_bounce_client *c, u64 *bytes);

/* client.c */
struct cvm_bounce_client *cvm_bounce_client_create(const char *name,
						   struct device *dev);
void cvm_bounce_client_destroy(struct cvm_bounce_client *c);
void cvm_bounce_misuse(struct cvm_bounce_client *c, u32 kind,
		       phys_addr_t addr, size_t size, int err);
int cvm_bounce_client_at(unsigned int i, struct cvm_bounce_client *snap,
			 bool *attached);
long cvm_bounce_client_inflight(struct cvm_bounce_client *c);

/* dmaops.c */
int cvm_bounce_attach(const char *name, int zero_from_device,
		      struct netlink_ext_ack *extack);
int cvm_bounce_detach(const char *name, struct netlink_ext_ack *extack);
int cvm_bounce_dmaops_init(void);
void cvm_bounce_dmaops_exit(void);
ssize_t cvm_bounce_attached_list(char *buf, size_t size);

/* observer.c */
struct cvm_bounce_obs_totals {
	bool on;
	char reason[96];
	u64 maps, unmaps, bytes, failures;
	u64 inflight_slots, high_water, advice_slabs;
};

struct cvm_bounce_obs_dev {
	char name[32];
	u64 maps, unmaps, bytes, failures;
	u64 inflight_slots, inflight_bytes, high_water;
};

int cvm_bounce_observer_set(bool on);
void cvm_bounce_observer_exit(void);
void cvm_bounce_observer_totals(struct cvm_bounce_obs_totals *t);
bool cvm_bounce_observer_dev_at(unsigned int i, struct cvm_bounce_obs_dev *d);

/* events.c */
void cvm_bounce_notify(u32 event, const char *name, u64 addr, u64 size,
		       int error);

/* sysfs.c */
extern const struct attribute_group *cvm_bounce_groups[];

#endif /* _CVM_BOUNCE_INT_H */
