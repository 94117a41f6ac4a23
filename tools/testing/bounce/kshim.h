/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel as kernel/dma/swiotlb.c and cvm_bounce's map.c/pool.c/slots.c
 * see it, in userspace: enough to build them unmodified and time them
 * side by side (the way tools/testing/vma builds mm/vma.c). Physical
 * addresses are virtual ones; locks and atomics are the real x86-64
 * instructions (lock cmpxchg, lock xadd), so the counts compare.
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <cvm_shim.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>

#define __init
#define __initdata
#define __read_mostly
#define __percpu
#define __rcu
#define __maybe_unused __attribute__((__unused__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define SMP_CACHE_BYTES 64
#define L1_CACHE_BYTES 64
#define ____cacheline_aligned_in_smp __aligned(SMP_CACHE_BYTES)
#define ____cacheline_aligned __aligned(SMP_CACHE_BYTES)
#define IS_ENABLED(c) 0
#define EXPORT_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern __typeof__(sym) sym
#define early_param(s, f) static __attribute__((__unused__)) void *__ep_##f = (void *)(f)
#define late_initcall(f) static __attribute__((__unused__)) void *__li_##f = (void *)(f)
#define fs_initcall(f) late_initcall(f)
#define subsys_initcall(f) late_initcall(f)
#define RESERVEDMEM_OF_DECLARE(a, b, c)

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef unsigned int gfp_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) ALIGN(x, PAGE_SIZE)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define ULONG_MAX_ (~0UL)
#define round_up(x, y) ((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define roundup(x, y) ((((x) + ((y) - 1)) / (y)) * (y))
#define array_size(a, b) ((size_t)(a) * (size_t)(b))
#define struct_size(p, m, n) (sizeof(*(p)) + sizeof(*(p)->m) * (n))
#define fls(x) ((x) ? 32 - __builtin_clz(x) : 0)
#define fls64(x) ((x) ? 64 - __builtin_clzll(x) : 0)
#define __fls(x) (63 - __builtin_clzl(x))
#define ilog2(n) ((int)(63 - __builtin_clzll(n)))
#define roundup_pow_of_two(n) (1UL << fls64((n) - 1))
#define order_base_2(n) ilog2(roundup_pow_of_two(n))
static inline int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0 : fls64((size - 1) >> PAGE_SHIFT);
}
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))
#define simple_strtoul strtoul
#define swap(a, b) do { __typeof__(a) __t = (a); (a) = (b); (b) = __t; } while (0)

/* Printing: the benchmark runs quietly; a warning still goes to stderr. */
#define pr_info(fmt, ...) do { } while (0)
#define pr_debug(fmt, ...) do { } while (0)
#define pr_warn(fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_warn_once pr_warn
#define pr_err_once pr_err
#define pr_warn_ratelimited pr_warn
#define pr_err_ratelimited pr_err
#define dev_warn(d, fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)
#define dev_err(d, fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited dev_warn
#define dev_err_ratelimited dev_err
#define dev_dbg(d, fmt, ...) do { } while (0)
#define dev_WARN_ONCE(d, c, fmt, ...) ({ int __c = !!(c); if (__c) fprintf(stderr, fmt, ##__VA_ARGS__); __c; })
#define WARN_ONCE(c, fmt, ...) dev_WARN_ONCE(NULL, c, fmt, ##__VA_ARGS__)
#define BUG_ON(c) assert(!(c))
#define BUG() abort()
#define might_sleep() do { } while (0)

/* Atomics: the instructions the kernel uses on x86-64. */
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i) { (i) }
#define __KSHIM_ATOMIC(pfx, t)						\
static inline t pfx##_read(const pfx##_t *v) { return READ_ONCE(v->counter); } \
static inline void pfx##_set(pfx##_t *v, t i) { WRITE_ONCE(v->counter, i); } \
static inline void pfx##_add(t i, pfx##_t *v) { __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_sub(t i, pfx##_t *v) { __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); } \
static inline void pfx##_inc(pfx##_t *v) { pfx##_add(1, v); }	\
static inline void pfx##_dec(pfx##_t *v) { pfx##_sub(1, v); }	\
static inline t pfx##_add_return(t i, pfx##_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline t pfx##_sub_return(t i, pfx##_t *v) { return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); } \
static inline t pfx##_inc_return(pfx##_t *v) { return pfx##_add_return(1, v); } \
static inline t pfx##_dec_return(pfx##_t *v) { return pfx##_sub_return(1, v); } \
static inline bool pfx##_dec_and_test(pfx##_t *v) { return pfx##_sub_return(1, v) == 0; } \
static inline bool pfx##_try_cmpxchg(pfx##_t *v, t *old, t new) \
{ return __atomic_compare_exchange_n(&v->counter, old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); } \
static inline t pfx##_cmpxchg(pfx##_t *v, t old, t new) { pfx##_try_cmpxchg(v, &old, new); return old; } \
static inline t pfx##_xchg(pfx##_t *v, t new) { return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST); }
__KSHIM_ATOMIC(atomic, int)
__KSHIM_ATOMIC(atomic_long, long)
__KSHIM_ATOMIC(atomic64, s64)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define smp_wmb() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define smp_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define cpu_relax() __builtin_ia32_pause()

/*
 * Spinlocks: one locked cmpxchg to take, a release store to drop, as
 * x86's qspinlock does uncontended. Interrupts are not modelled: the
 * kernel's pushf/cli/popf cost both pools alike.
 */
typedef struct { int locked; } spinlock_t;
#define __SPIN_LOCK_UNLOCKED(x) { 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }
static inline void spin_lock(spinlock_t *l)
{
	int z = 0;

	while (!__atomic_compare_exchange_n(&l->locked, &z, 1, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		z = 0;
		while (READ_ONCE(l->locked))
			cpu_relax();
	}
}
static inline bool spin_trylock(spinlock_t *l)
{
	int z = 0;

	return __atomic_compare_exchange_n(&l->locked, &z, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
#ifdef KSHIM_UNLOCK_HOOK
/*
 * Tests (test_map.c) run code between an unlock and the next lock, where
 * another CPU could run it in the kernel; the benchmark has no hook.
 */
extern void (*kshim_unlock_hook)(spinlock_t *l);
static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (kshim_unlock_hook)
		kshim_unlock_hook(l);
}
#else
static inline void spin_unlock(spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
#endif
#define spin_lock_irqsave(l, f) do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(f); spin_unlock(l); } while (0)
#define spin_lock_irq spin_lock
#define spin_unlock_irq spin_unlock
#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define local_irq_save(f) ((f) = 0)
#define local_irq_restore(f) ((void)(f))
#define lockdep_assert_held(l) do { } while (0)

/* RCU and lists: one reader at a time per pool in the benchmark. */
#define rcu_read_lock() barrier()
#define rcu_read_unlock() barrier()
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) smp_store_release(&(p), v)
#define synchronize_rcu() smp_mb()
struct rcu_head { void *next; void (*func)(struct rcu_head *); };
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD_INIT(n) { &(n), &(n) }
#define LIST_HEAD(n) struct list_head n = LIST_HEAD_INIT(n)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *p, struct list_head *x)
{ x->prev = n; n->next = x; n->prev = p; WRITE_ONCE(p->next, n); }
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void list_del(struct list_head *e) { e->next->prev = e->prev; WRITE_ONCE(e->prev->next, e->next); }
static inline bool list_empty(const struct list_head *h) { return READ_ONCE(h->next) == h; }
#define list_add_rcu list_add
#define list_add_tail_rcu list_add_tail
#define list_del_rcu list_del
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_for_each_entry(p, h, m) \
	for (p = list_entry((h)->next, __typeof__(*p), m); &p->m != (h); \
	     p = list_entry(p->m.next, __typeof__(*p), m))
#define list_for_each_entry_rcu(p, h, m, ...) list_for_each_entry(p, h, m)
#define list_for_each_entry_safe(p, n, h, m) \
	for (p = list_entry((h)->next, __typeof__(*p), m), \
	     n = list_entry(p->m.next, __typeof__(*p), m); &p->m != (h); \
	     p = n, n = list_entry(n->m.next, __typeof__(*n), m))

/* Work items never run here: the benchmark does no growth in its loop. */
struct work_struct { void (*func)(struct work_struct *); };
#define __WORK_INITIALIZER(n, f) { (f) }
#define INIT_WORK(w, f) ((w)->func = (f))
static inline bool schedule_work(struct work_struct *w) { return true; }
static inline bool cancel_work_sync(struct work_struct *w) { return false; }


/*
 * Per-CPU data: one thread maps, so a CPU's copy is the variable itself
 * and this_cpu_add() one add, as %gs-relative in the kernel.
 */
#define DEFINE_PER_CPU(t, n) __typeof__(t) n
#define DECLARE_PER_CPU(t, n) extern __typeof__(t) n
#define this_cpu_add(x, v) ((x) += (v))
#define this_cpu_inc(x) this_cpu_add(x, 1)
#define this_cpu_ptr(p) (p)
#define per_cpu_ptr(p, cpu) ((void)(cpu), (p))
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < 1; (cpu)++)
#define alloc_percpu(t) ((t *)kzalloc(sizeof(t), 0))
#define free_percpu(p) kfree(p)

/* Time stands still in the loop, as it does within one kernel tick. */
extern volatile unsigned long jiffies;
#define msecs_to_jiffies(ms) ((unsigned long)(ms) / 4)
#define time_before(a, b) ((long)((a) - (b)) < 0)
#define time_after(a, b) time_before(b, a)
#define U32_MAX ((u32)~0U)
#define CVM_MAX_PAGE_ORDER 10

/* Sleeping and deferred work: the benchmark never waits or grows. */
struct mutex { int unused; };
#define DEFINE_MUTEX(n) struct mutex n = { 0 }
static inline void mutex_lock(struct mutex *m) { }
static inline void mutex_unlock(struct mutex *m) { }
struct wait_queue_head { int sleepers; };
#define DECLARE_WAIT_QUEUE_HEAD(n) struct wait_queue_head n = { 0 }
#define DEFINE_WAIT(w) int w = 0
#define prepare_to_wait(q, w, s) ((void)(w))
#define finish_wait(q, w) do { } while (0)
static inline long schedule_timeout(long t) { return 0; }
#define TASK_KILLABLE 0
#define current NULL
#define fatal_signal_pending(t) false
#define wq_has_sleeper(q) (smp_mb(), READ_ONCE((q)->sleepers) != 0)
#define wake_up_all(q) do { } while (0)
struct delayed_work { struct work_struct work; };
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = { __WORK_INITIALIZER(n, f) }
#define system_unbound_wq NULL
static inline bool queue_work(void *q, struct work_struct *w) { return true; }
static inline bool queue_delayed_work(void *q, struct delayed_work *w, unsigned long d) { return true; }
#define mod_delayed_work(q, w, d) queue_delayed_work(q, w, d)
static inline bool cancel_delayed_work_sync(struct delayed_work *w) { return false; }
#define list_for_each_entry_reverse(p, h, m) \
	for (p = list_entry((h)->prev, __typeof__(*p), m); &p->m != (h); \
	     p = list_entry(p->m.prev, __typeof__(*p), m))
#define kvcalloc(n, m, g) kcalloc(n, m, g)
#define kvfree(p) kfree(p)

/* CPUs: this thread's CPU as the kernel would see it. */
static inline int raw_smp_processor_id(void) { int c = sched_getcpu(); return c < 0 ? 0 : c; }
#define smp_processor_id() raw_smp_processor_id()
int kshim_possible_cpus(void);
#define num_possible_cpus() kshim_possible_cpus()
#define nr_cpu_ids kshim_possible_cpus()

/* Memory: the linear map is the identity; nothing is high memory. */
struct page;
#define __pa(v) ((phys_addr_t)(unsigned long)(v))
#define __va(p) ((void *)(unsigned long)(p))
#define virt_to_phys(v) __pa(v)
#define phys_to_virt(p) __va(p)
#define pfn_to_page(pfn) ((struct page *)(unsigned long)PFN_PHYS(pfn))
#define page_to_phys(pg) ((phys_addr_t)(unsigned long)(pg))
#define page_address(pg) ((void *)(pg))
#define virt_to_page(v) ((struct page *)(v))
#define PageHighMem(pg) ((void)(pg), false)
#define memcpy_from_page(to, pg, off, n) memcpy(to, (char *)(pg) + (off), n)
#define memcpy_to_page(pg, off, from, n) memcpy((char *)(pg) + (off), from, n)
#define kmsan_unpoison_memory(p, n) do { } while (0)
extern void *high_memory;
#define GFP_KERNEL 0u
#define GFP_NOWAIT 0u
#define GFP_ATOMIC 0u
#define __GFP_ZERO 1u
#define __GFP_NOWARN 0u
#define __GFP_DMA 2u
#define __GFP_DMA32 4u
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
void *kmalloc(size_t n, gfp_t gfp);
void *kzalloc(size_t n, gfp_t gfp);
void *kcalloc(size_t n, size_t m, gfp_t gfp);
void kfree(const void *p);
/* Both pools are shared memory already: conversions are not timed. */
static inline int set_memory_decrypted(unsigned long a, int n) { return 0; }
static inline int set_memory_encrypted(unsigned long a, int n) { return 0; }
#define memblock_alloc(n, a) kzalloc(n, 0)
#define memblock_alloc_low(n, a) kzalloc(n, 0)
#define memblock_free(p, n) kfree(p)
#define memblock_free_late(p, n) kfree(__va(p))

struct sk_buff;
struct genl_info;
struct netlink_callback;
struct netlink_ext_ack;
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }
#define valid_dma_direction(d) ((d) == DMA_BIDIRECTIONAL || (d) == DMA_TO_DEVICE || (d) == DMA_FROM_DEVICE)

/* The device as the DMA API sees it: only what swiotlb reads. */
struct dentry;
struct io_tlb_mem;
struct device_dma_parameters {
	unsigned int max_segment_size;
	unsigned int min_align_mask;
	unsigned long segment_boundary_mask;
};
struct device {
	const char *init_name;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	u64 bus_dma_limit;
	struct device_dma_parameters *dma_parms;
	struct io_tlb_mem *dma_io_tlb_mem;
	bool dma_io_tlb_pools;
	bool dma_skip_sync;
	bool dma_coherent;
};
static inline const char *dev_name(const struct device *d) { return d->init_name; }
static inline unsigned int dma_get_min_align_mask(struct device *d)
{ return d->dma_parms ? d->dma_parms->min_align_mask : 0; }
static inline unsigned long dma_get_seg_boundary(struct device *d)
{ return d->dma_parms ? d->dma_parms->segment_boundary_mask : ~0UL; }
static inline dma_addr_t phys_to_dma_unencrypted(struct device *d, phys_addr_t p) { return p; }
#define phys_to_dma(d, p) phys_to_dma_unencrypted(d, p)
#define dma_to_phys(d, a) ((phys_addr_t)(a))
static inline bool dma_capable(struct device *d, dma_addr_t a, size_t n, bool is_ram)
{ return a + n - 1 <= *d->dma_mask; }
#define dev_is_dma_coherent(d) true
#define arch_sync_dma_for_device(p, n, dir) do { } while (0)
#define arch_sync_dma_for_cpu(p, n, dir) do { } while (0)
#define cc_platform_has(x) false

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};
#define DMA_ATTR_SKIP_CPU_SYNC (1UL << 5)
#define DMA_ATTR_NO_WARN (1UL << 8)
#define dma_reset_need_sync(d) do { } while (0)
#define trace_swiotlb_bounced(d, a, n) do { } while (0)

/* debugfs: swiotlb keeps its counters for it; nothing is created here. */
struct file_operations { int (*get)(void *, u64 *); int (*set)(void *, u64); };
#define DEFINE_DEBUGFS_ATTRIBUTE(n, g, s, f) static const struct file_operations n = { g, s }
#define debugfs_create_file(n, m, p, d, f) ((void)(f))
#define debugfs_create_dir(n, p) ((struct dentry *)NULL)
#define debugfs_create_ulong(n, m, p, v) do { } while (0)
#define debugfs_create_file_unsafe(n, m, p, d, f) do { } while (0)

#endif /* _KSHIM_H */
