// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/cvm_hostsim/convert: drives conversions through
 * cvm_convert for the selftests. Each write is one command; a following
 * read returns its result line. A command that cannot run fails the write
 * with an errno. Commands (see selftests/cvm_convert_test.c):
 *
 *   alloc OWNER PAGES        cvm_convert_alloc_shared()  -> ID PFN PAGES
 *   free ID                  cvm_convert_free_shared()   -> ok | leaked
 *   share OWNER PAGES        private pages, cvm_convert_share() -> ID PFN PAGES
 *   unshare OWNER ID         cvm_convert_unshare()       -> ok | -ERRNO
 *   reshare OWNER ID         cvm_convert_share() again   -> ok | -ERRNO
 *   unshare-unknown OWNER    unshare a page never shared -> -ERRNO
 *   bulk OWNER N             N one-page shares, never adjacent -> N
 *   bulk-free OWNER          unshare and free them       -> N
 *   external PAGES           set_memory_*() directly     -> ok | -ERRNO
 *   vshare PAGES             vmap PAGES in runs of 4, set_memory_decrypted()
 *                            directly                    -> RUNS
 *   vcheck                   pages the ledger holds shared, run by run
 *                                                        -> PAGES
 *   vleaked                  pages the ledger holds leaked, run by run
 *                                                        -> PAGES
 *   vunshare                 set_memory_encrypted(), free unless it failed
 *                            or the ledger says leaked   -> ok | -ERRNO
 *   xshare PAGES             set_memory_decrypted() directly, kept shared
 *   xtrack OWNER             set_memory_encrypted() directly, then the same
 *                            pages through cvm_convert_share() and back
 *                                                        -> ok | -ERRNO
 *   check-leaked ID          leaked pages still withheld -> ok | why not
 *   concurrent OWNER T ITERS T kthreads per online CPU share and unshare
 *                            one page ITERS times        -> ok | why not
 *
 * Everything is released at rmmod, except leaked pages: those stay
 * withheld from the page allocator by design.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <cvm_convert.h>
#include "hostsim.h"

enum cvm_hostsim_state {
	CVM_HOSTSIM_SHARED,
	CVM_HOSTSIM_PRIVATE,
	CVM_HOSTSIM_LEAKED,
};

/**
 * struct cvm_hostsim_range - pages hostsim converted for a test
 * @node: in cvm_hostsim_ranges
 * @id: what the tests call it
 * @via_alloc: from cvm_convert_alloc_shared() rather than cvm_convert_share()
 * @state: enum cvm_hostsim_state
 * @addr: first page
 * @pages: number of pages
 * @owner: owner tag of the last successful share
 */
struct cvm_hostsim_range {
	struct list_head node;
	int id;
	bool via_alloc;
	u8 state;
	void *addr;
	size_t pages;
	char owner[CVM_CONVERT_OWNER_LEN];
};

#define CVM_HOSTSIM_CHECK_PAGES	4096

/* Serialises commands; everything below is under it. */
static DEFINE_MUTEX(cvm_hostsim_lock);
static LIST_HEAD(cvm_hostsim_ranges);
static int cvm_hostsim_next_id = 1;
static char cvm_hostsim_result[128];
/* The bulk shares, by block of pages (see cvm_hostsim_cmd_bulk()). */
struct cvm_hostsim_block {
	struct page *page;
	unsigned int order;
	unsigned long shared;	/* pages 0, 2, 4, ... of the block */
	bool leaked;		/* the share after those failed: page leaked */
};

static struct cvm_hostsim_block *cvm_hostsim_bulk;
static unsigned long cvm_hostsim_bulk_blocks;

static unsigned long cvm_hostsim_pfn(const void *addr)
{
	return page_to_pfn(virt_to_page(addr));
}

static void cvm_hostsim_set_result(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(cvm_hostsim_result, sizeof(cvm_hostsim_result), fmt, args);
	va_end(args);
}

static void cvm_hostsim_set_errno(int err)
{
	if (err)
		cvm_hostsim_set_result("%d\n", err);
	else
		cvm_hostsim_set_result("ok\n");
}

static struct cvm_hostsim_range *cvm_hostsim_find(const char *arg)
{
	struct cvm_hostsim_range *r;
	int id;

	if (kstrtoint(arg, 10, &id))
		return NULL;
	list_for_each_entry(r, &cvm_hostsim_ranges, node)
		if (r->id == id)
			return r;
	return NULL;
}

static struct cvm_hostsim_range *cvm_hostsim_add(const char *owner, void *addr,
						 size_t pages, bool via_alloc)
{
	struct cvm_hostsim_range *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->id = cvm_hostsim_next_id++;
	r->via_alloc = via_alloc;
	r->state = CVM_HOSTSIM_SHARED;
	r->addr = addr;
	r->pages = pages;
	strscpy(r->owner, owner, sizeof(r->owner));
	list_add_tail(&r->node, &cvm_hostsim_ranges);
	cvm_hostsim_set_result("%d %lu %zu\n", r->id, cvm_hostsim_pfn(addr),
			       pages);
	return r;
}

/* After a failed unshare: did cvm_convert leak the pages? */
static bool cvm_hostsim_leaked(const void *addr, size_t pages)
{
	return cvm_convert_state(addr, pages) == CVM_CONV_STATE_LEAKED;
}

static int cvm_hostsim_parse_pages(const char *arg, size_t *pages)
{
	unsigned int val;

	if (kstrtouint(arg, 10, &val) || !val || val > 1024)
		return -EINVAL;
	*pages = val;
	return 0;
}

static int cvm_hostsim_cmd_alloc(char **argv)
{
	size_t pages;
	void *addr;

	if (cvm_hostsim_parse_pages(argv[2], &pages))
		return -EINVAL;
	addr = cvm_convert_alloc_shared(argv[1], pages, GFP_KERNEL);
	if (IS_ERR(addr))
		return PTR_ERR(addr);
	if (!cvm_hostsim_add(argv[1], addr, pages, true)) {
		if (cvm_convert_free_shared(argv[1], addr, pages))
			pr_warn("alloc: pages leaked while undoing\n");
		return -ENOMEM;
	}
	return 0;
}

static int cvm_hostsim_cmd_free(char **argv)
{
	struct cvm_hostsim_range *r = cvm_hostsim_find(argv[1]);
	int err;

	if (!r || !r->via_alloc || r->state != CVM_HOSTSIM_SHARED)
		return -EINVAL;
	err = cvm_convert_free_shared(r->owner, r->addr, r->pages);
	if (!err) {
		list_del(&r->node);
		kfree(r);
		cvm_hostsim_set_result("ok\n");
	} else if (cvm_hostsim_leaked(r->addr, r->pages)) {
		r->state = CVM_HOSTSIM_LEAKED;
		cvm_hostsim_set_result("leaked\n");
	} else {
		return err;
	}
	return 0;
}

static int cvm_hostsim_cmd_share(char **argv)
{
	size_t pages;
	void *addr;
	int err;

	if (cvm_hostsim_parse_pages(argv[2], &pages))
		return -EINVAL;
	addr = alloc_pages_exact(pages << PAGE_SHIFT, GFP_KERNEL | __GFP_ZERO);
	if (!addr)
		return -ENOMEM;
	err = cvm_convert_share(argv[1], addr, pages);
	if (err) {
		/* A failed conversion leaks the pages: never freed. */
		if (!cvm_hostsim_leaked(addr, pages))
			free_pages_exact(addr, pages << PAGE_SHIFT);
		return err;
	}
	if (!cvm_hostsim_add(argv[1], addr, pages, false)) {
		if (!cvm_convert_unshare(argv[1], addr, pages))
			free_pages_exact(addr, pages << PAGE_SHIFT);
		return -ENOMEM;
	}
	return 0;
}

static int cvm_hostsim_cmd_unshare(char **argv)
{
	struct cvm_hostsim_range *r = cvm_hostsim_find(argv[2]);
	int err;

	if (!r || r->state == CVM_HOSTSIM_LEAKED)
		return -EINVAL;
	err = cvm_convert_unshare(argv[1], r->addr, r->pages);
	if (!err)
		r->state = CVM_HOSTSIM_PRIVATE;
	else if (cvm_hostsim_leaked(r->addr, r->pages))
		r->state = CVM_HOSTSIM_LEAKED;
	cvm_hostsim_set_errno(err);
	return 0;
}

static int cvm_hostsim_cmd_reshare(char **argv)
{
	struct cvm_hostsim_range *r = cvm_hostsim_find(argv[2]);
	int err;

	if (!r || r->state == CVM_HOSTSIM_LEAKED)
		return -EINVAL;
	err = cvm_convert_share(argv[1], r->addr, r->pages);
	if (!err) {
		r->state = CVM_HOSTSIM_SHARED;
		strscpy(r->owner, argv[1], sizeof(r->owner));
	} else if (cvm_hostsim_leaked(r->addr, r->pages)) {
		r->state = CVM_HOSTSIM_LEAKED;
	}
	cvm_hostsim_set_errno(err);
	return 0;
}

static int cvm_hostsim_cmd_unshare_unknown(char **argv)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int err;

	if (!page)
		return -ENOMEM;
	err = cvm_convert_unshare(argv[1], page_address(page), 1);
	if (!cvm_hostsim_leaked(page_address(page), 1))
		__free_page(page);
	cvm_hostsim_set_errno(err);
	return 0;
}

/*
 * Releases the bulk shares: every shared page is unshared; a block whose
 * pages all came back is freed whole, otherwise split so that only the
 * pages that could not be made private stay leaked.
 */
static unsigned long cvm_hostsim_bulk_release(const char *owner)
{
	unsigned long b, i, freed = 0;

	for (b = 0; b < cvm_hostsim_bulk_blocks; b++) {
		struct cvm_hostsim_block *blk = &cvm_hostsim_bulk[b];
		unsigned long n = 1UL << blk->order;
		bool leaked = blk->leaked;

		for (i = 0; i < blk->shared; i++) {
			void *addr = page_address(blk->page + 2 * i);

			if (cvm_convert_unshare(owner, addr, 1))
				leaked = true;
			else
				freed++;
		}
		if (!leaked) {
			__free_pages(blk->page, blk->order);
		} else {
			split_page(blk->page, blk->order);
			for (i = 0; i < n; i++)
				if (!cvm_hostsim_leaked(page_address(blk->page + i), 1))
					__free_page(blk->page + i);
		}
		cond_resched();
	}
	kvfree(cvm_hostsim_bulk);
	cvm_hostsim_bulk = NULL;
	cvm_hostsim_bulk_blocks = 0;
	return freed;
}

static char cvm_hostsim_bulk_owner[CVM_CONVERT_OWNER_LEN];

/* Blocks of up to 2 MiB, fewer if memory is fragmented; never one page. */
#define CVM_HOSTSIM_BULK_ORDER	9

static struct page *cvm_hostsim_bulk_block(unsigned int *order)
{
	struct page *page;

	for (; *order >= 1; (*order)--) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				   *order);
		if (page)
			return page;
	}
	return NULL;
}

/*
 * One-page shares that never coalesce in the ledger: blocks of 2^order
 * pages, naturally aligned, of which every other page is shared, so no
 * two shared pfns are adjacent, within a block or across blocks.
 */
static int cvm_hostsim_cmd_bulk(char **argv)
{
	unsigned int order = CVM_HOSTSIM_BULK_ORDER;
	unsigned long i, n, done = 0;
	int err = 0;

	if (kstrtoul(argv[2], 10, &n) || !n || n > 1000000)
		return -EINVAL;
	if (cvm_hostsim_bulk)
		return -EBUSY;
	/* Enough slots even if every block is of order 1. */
	cvm_hostsim_bulk = kvcalloc(n, sizeof(*cvm_hostsim_bulk), GFP_KERNEL);
	if (!cvm_hostsim_bulk)
		return -ENOMEM;
	strscpy(cvm_hostsim_bulk_owner, argv[1], sizeof(cvm_hostsim_bulk_owner));
	while (done < n && !err) {
		struct cvm_hostsim_block *blk;
		struct page *page = cvm_hostsim_bulk_block(&order);

		if (!page) {
			err = -ENOMEM;
			break;
		}
		blk = &cvm_hostsim_bulk[cvm_hostsim_bulk_blocks++];
		blk->page = page;
		blk->order = order;
		for (i = 0; i < (1UL << order) / 2 && done < n; i++) {
			err = cvm_convert_share(argv[1],
						page_address(page + 2 * i), 1);
			if (err) {
				blk->leaked = cvm_hostsim_leaked(page_address(page + 2 * i), 1);
				break;
			}
			blk->shared++;
			done++;
		}
		cond_resched();
	}
	if (err) {
		cvm_hostsim_bulk_release(argv[1]);
		return err;
	}
	cvm_hostsim_set_result("%lu\n", n);
	return 0;
}

static int cvm_hostsim_cmd_bulk_free(char **argv)
{
	if (!cvm_hostsim_bulk)
		return -ENOENT;
	cvm_hostsim_set_result("%lu\n", cvm_hostsim_bulk_release(argv[1]));
	return 0;
}

/*
 * Converts behind cvm_convert's back, as any kernel code may: the observer
 * must attribute these conversions to this function. noinline and no tail
 * call, so that it is the caller set_memory_*() returns to.
 */
static noinline int cvm_hostsim_external_convert(void *addr, int pages)
{
	int err;

	err = set_memory_decrypted((unsigned long)addr, pages);
	if (err)
		return err;
	err = set_memory_encrypted((unsigned long)addr, pages);
	barrier();
	return err;
}

static int cvm_hostsim_cmd_external(char **argv)
{
	size_t pages;
	void *addr;
	int err;

	if (cvm_hostsim_parse_pages(argv[1], &pages))
		return -EINVAL;
	addr = alloc_pages_exact(pages << PAGE_SHIFT, GFP_KERNEL | __GFP_ZERO);
	if (!addr)
		return -ENOMEM;
	err = cvm_hostsim_external_convert(addr, pages);
	/* State unknown after a failure: leak, as cvm_convert would. */
	if (!err)
		free_pages_exact(addr, pages << PAGE_SHIFT);
	cvm_hostsim_set_errno(err);
	return 0;
}

/* A vmap'ed buffer converted behind cvm_convert's back (vshare). */
static void *cvm_hostsim_vbuf, *cvm_hostsim_vblock;
static size_t cvm_hostsim_vpages;

/* Physically contiguous runs of cvm_hostsim_vbuf; @fn sees each. */
static unsigned long cvm_hostsim_vruns(void (*fn)(unsigned long pfn,
						  size_t n, size_t *acc),
				       size_t *acc)
{
	unsigned long start = 0, pfn, runs = 0;
	size_t i, n = 0;

	for (i = 0; i <= cvm_hostsim_vpages; i++) {
		pfn = i < cvm_hostsim_vpages ?
		      vmalloc_to_pfn(cvm_hostsim_vbuf + i * PAGE_SIZE) : 0;
		if (n && pfn == start + n) {
			n++;
			continue;
		}
		if (n) {
			runs++;
			if (fn)
				fn(start, n, acc);
		}
		start = pfn;
		n = 1;
	}
	return runs;
}

static void cvm_hostsim_vrun_shared(unsigned long pfn, size_t n, size_t *acc)
{
	if (cvm_convert_state(page_address(pfn_to_page(pfn)), n) ==
	    CVM_CONV_STATE_SHARED)
		*acc += n;
}

static void cvm_hostsim_vrun_leaked(unsigned long pfn, size_t n, size_t *acc)
{
	if (cvm_convert_state(page_address(pfn_to_page(pfn)), n) ==
	    CVM_CONV_STATE_LEAKED)
		*acc += n;
}

/* As cvm_hostsim_external_convert(), one direction at a time. */
static noinline int cvm_hostsim_vmalloc_convert(void *addr, int pages,
						bool share)
{
	int err;

	if (share)
		err = set_memory_decrypted((unsigned long)addr, pages);
	else
		err = set_memory_encrypted((unsigned long)addr, pages);
	barrier();
	return err;
}

/*
 * Frees what vshare set up: the mapping, then the pages under it, unless
 * the conversion back failed (state unknown: leaked).
 */
static void cvm_hostsim_vrelease(bool leak)
{
	vunmap(cvm_hostsim_vbuf);
	if (!leak)
		free_pages_exact(cvm_hostsim_vblock,
				 (cvm_hostsim_vpages * 2) << PAGE_SHIFT);
	cvm_hostsim_vbuf = NULL;
}

/*
 * A virtually contiguous buffer of @pages pages in runs of four physically
 * contiguous ones, a page apart: as vmalloc's pages are, but the same on
 * every boot.
 */
static int cvm_hostsim_cmd_vshare(char **argv)
{
	struct page **map;
	size_t pages, i;
	int err;

	if (cvm_hostsim_parse_pages(argv[1], &pages))
		return -EINVAL;
	if (cvm_hostsim_vbuf)
		return -EBUSY;
	cvm_hostsim_vblock = alloc_pages_exact((pages * 2) << PAGE_SHIFT,
					       GFP_KERNEL | __GFP_ZERO);
	map = kcalloc(pages, sizeof(*map), GFP_KERNEL);
	if (cvm_hostsim_vblock && map) {
		for (i = 0; i < pages; i++)
			map[i] = virt_to_page(cvm_hostsim_vblock) + i + i / 4;
		cvm_hostsim_vbuf = vmap(map, pages, VM_MAP, PAGE_KERNEL);
	}
	kfree(map);
	if (!cvm_hostsim_vbuf) {
		if (cvm_hostsim_vblock)
			free_pages_exact(cvm_hostsim_vblock,
					 (pages * 2) << PAGE_SHIFT);
		return -ENOMEM;
	}
	cvm_hostsim_vpages = pages;
	err = cvm_hostsim_vmalloc_convert(cvm_hostsim_vbuf, pages, true);
	if (err) {
		cvm_hostsim_vrelease(true);
		cvm_hostsim_set_errno(err);
		return 0;
	}
	cvm_hostsim_set_result("%lu\n", cvm_hostsim_vruns(NULL, NULL));
	return 0;
}

static int cvm_hostsim_cmd_vcheck(char **argv)
{
	size_t shared = 0;

	if (!cvm_hostsim_vbuf)
		return -ENOENT;
	cvm_hostsim_vruns(cvm_hostsim_vrun_shared, &shared);
	cvm_hostsim_set_result("%zu\n", shared);
	return 0;
}

static int cvm_hostsim_cmd_vleaked(char **argv)
{
	size_t leaked = 0;

	if (!cvm_hostsim_vbuf)
		return -ENOENT;
	cvm_hostsim_vruns(cvm_hostsim_vrun_leaked, &leaked);
	cvm_hostsim_set_result("%zu\n", leaked);
	return 0;
}

/*
 * A run the ledger holds leaked was taken for failed (fail_next_observed):
 * leak the pages as a caller whose conversion failed must.
 */
static int cvm_hostsim_cmd_vunshare(char **argv)
{
	size_t leaked = 0;
	int err;

	if (!cvm_hostsim_vbuf)
		return -ENOENT;
	err = cvm_hostsim_vmalloc_convert(cvm_hostsim_vbuf, cvm_hostsim_vpages,
					  false);
	cvm_hostsim_vruns(cvm_hostsim_vrun_leaked, &leaked);
	cvm_hostsim_vrelease(err || leaked);
	cvm_hostsim_set_errno(err);
	return 0;
}

/* Pages shared behind cvm_convert's back and kept shared (xshare). */
static void *cvm_hostsim_xbuf;
static size_t cvm_hostsim_xpages;

static int cvm_hostsim_cmd_xshare(char **argv)
{
	size_t pages;
	void *addr;
	int err;

	if (cvm_hostsim_parse_pages(argv[1], &pages))
		return -EINVAL;
	if (cvm_hostsim_xbuf)
		return -EBUSY;
	addr = alloc_pages_exact(pages << PAGE_SHIFT, GFP_KERNEL | __GFP_ZERO);
	if (!addr)
		return -ENOMEM;
	err = cvm_hostsim_vmalloc_convert(addr, pages, true);
	if (!err) {
		cvm_hostsim_xbuf = addr;
		cvm_hostsim_xpages = pages;
	}
	cvm_hostsim_set_errno(err);
	return 0;
}

/*
 * The unshare goes unseen when the test turned the observer off: the
 * ledger still holds the range, stale, when the pages are shared again
 * through it, as reused memory is.
 */
static int cvm_hostsim_cmd_xtrack(char **argv)
{
	void *addr = cvm_hostsim_xbuf;
	size_t pages = cvm_hostsim_xpages;
	int err;

	if (!addr)
		return -ENOENT;
	cvm_hostsim_xbuf = NULL;
	err = cvm_hostsim_vmalloc_convert(addr, pages, false);
	if (err) {
		cvm_hostsim_set_errno(err);
		return 0;
	}
	err = cvm_convert_share(argv[1], addr, pages);
	if (!err && cvm_convert_unshare(argv[1], addr, pages)) {
		cvm_hostsim_set_result("leaked\n");
		return 0;
	}
	free_pages_exact(addr, pages << PAGE_SHIFT);
	cvm_hostsim_set_errno(err);
	return 0;
}

static int cvm_hostsim_cmd_check_leaked(char **argv)
{
	struct cvm_hostsim_range *r = cvm_hostsim_find(argv[1]);
	unsigned long start, i, bad = 0;
	struct page **pages;
	int state;

	if (!r)
		return -EINVAL;
	if (r->state != CVM_HOSTSIM_LEAKED) {
		cvm_hostsim_set_result("range %d was not leaked\n", r->id);
		return 0;
	}
	state = cvm_convert_state(r->addr, r->pages);
	if (state != CVM_CONV_STATE_LEAKED) {
		cvm_hostsim_set_result("ledger state %d, not leaked\n", state);
		return 0;
	}
	start = cvm_hostsim_pfn(r->addr);
	/* A page back in the allocator has no reference left. */
	for (i = 0; i < r->pages; i++) {
		struct page *page = pfn_to_page(start + i);

		if (page_count(page) != 1) {
			cvm_hostsim_set_result("pfn %lu has page_count %d\n",
					       start + i, page_count(page));
			return 0;
		}
	}
	pages = kvcalloc(CVM_HOSTSIM_CHECK_PAGES, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < CVM_HOSTSIM_CHECK_PAGES; i++) {
		unsigned long pfn;

		pages[i] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!pages[i])
			break;
		pfn = page_to_pfn(pages[i]);
		if (pfn >= start && pfn < start + r->pages)
			bad = pfn;
	}
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	if (bad)
		cvm_hostsim_set_result("leaked pfn %lu handed out again\n", bad);
	else
		cvm_hostsim_set_result("ok\n");
	return 0;
}

struct cvm_hostsim_worker {
	struct completion done;
	const char *owner;
	unsigned long iters;
	atomic_t *failures;
};

static int cvm_hostsim_worker_fn(void *data)
{
	struct cvm_hostsim_worker *w = data;
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	unsigned long i;

	for (i = 0; page && i < w->iters; i++) {
		if (cvm_convert_share(w->owner, page_address(page), 1)) {
			atomic_inc(w->failures);
			if (cvm_hostsim_leaked(page_address(page), 1))
				page = NULL;
			break;
		}
		if (cvm_convert_unshare(w->owner, page_address(page), 1)) {
			atomic_inc(w->failures);
			if (cvm_hostsim_leaked(page_address(page), 1))
				page = NULL;
			break;
		}
		cond_resched();
	}
	if (page)
		__free_page(page);
	else
		atomic_inc(w->failures);
	kthread_complete_and_exit(&w->done, 0);
}

static int cvm_hostsim_cmd_concurrent(char **argv)
{
	struct cvm_hostsim_worker *workers;
	unsigned int per_cpu, n = 0, cpu, t, i;
	atomic_t failures = ATOMIC_INIT(0);
	unsigned long iters;

	if (kstrtouint(argv[2], 10, &per_cpu) || !per_cpu || per_cpu > 16 ||
	    kstrtoul(argv[3], 10, &iters) || !iters)
		return -EINVAL;
	workers = kcalloc(per_cpu * num_possible_cpus(), sizeof(*workers),
			  GFP_KERNEL);
	if (!workers)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		for (t = 0; t < per_cpu; t++) {
			struct cvm_hostsim_worker *w = &workers[n];
			struct task_struct *task;

			init_completion(&w->done);
			w->owner = argv[1];
			w->iters = iters;
			w->failures = &failures;
			task = kthread_create(cvm_hostsim_worker_fn, w,
					      "cvm_hostsim/%u:%u", cpu, t);
			if (IS_ERR(task)) {
				atomic_inc(&failures);
				continue;
			}
			kthread_bind(task, cpu);
			wake_up_process(task);
			n++;
		}
	}
	cpus_read_unlock();
	for (i = 0; i < n; i++)
		wait_for_completion(&workers[i].done);
	kfree(workers);
	if (atomic_read(&failures))
		cvm_hostsim_set_result("%d failures\n", atomic_read(&failures));
	else
		cvm_hostsim_set_result("ok\n");
	return 0;
}

static const struct cvm_hostsim_cmd cvm_hostsim_cmds[] = {
	{ "alloc",		3, cvm_hostsim_cmd_alloc },
	{ "free",		2, cvm_hostsim_cmd_free },
	{ "share",		3, cvm_hostsim_cmd_share },
	{ "unshare",		3, cvm_hostsim_cmd_unshare },
	{ "reshare",		3, cvm_hostsim_cmd_reshare },
	{ "unshare-unknown",	2, cvm_hostsim_cmd_unshare_unknown },
	{ "bulk",		3, cvm_hostsim_cmd_bulk },
	{ "bulk-free",		2, cvm_hostsim_cmd_bulk_free },
	{ "external",		2, cvm_hostsim_cmd_external },
	{ "vshare",		2, cvm_hostsim_cmd_vshare },
	{ "vcheck",		1, cvm_hostsim_cmd_vcheck },
	{ "vleaked",		1, cvm_hostsim_cmd_vleaked },
	{ "vunshare",		1, cvm_hostsim_cmd_vunshare },
	{ "xshare",		2, cvm_hostsim_cmd_xshare },
	{ "xtrack",		2, cvm_hostsim_cmd_xtrack },
	{ "check-leaked",	2, cvm_hostsim_cmd_check_leaked },
	{ "concurrent",		4, cvm_hostsim_cmd_concurrent },
};

static ssize_t cvm_hostsim_convert_write(struct file *file,
					 const char __user *ubuf, size_t len,
					 loff_t *ppos)
{
	struct cvm_hostsim_args a;
	int err;

	err = cvm_hostsim_args_get(&a, ubuf, len);
	if (err)
		return err;
	mutex_lock(&cvm_hostsim_lock);
	cvm_hostsim_result[0] = '\0';
	err = cvm_hostsim_call(cvm_hostsim_cmds, ARRAY_SIZE(cvm_hostsim_cmds), &a);
	mutex_unlock(&cvm_hostsim_lock);
	return err ?: len;
}

static ssize_t cvm_hostsim_convert_read(struct file *file, char __user *ubuf,
					size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&cvm_hostsim_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, cvm_hostsim_result,
				      strlen(cvm_hostsim_result));
	mutex_unlock(&cvm_hostsim_lock);
	return ret;
}

static const struct file_operations cvm_hostsim_convert_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= cvm_hostsim_convert_read,
	.write	= cvm_hostsim_convert_write,
	.llseek	= default_llseek,
};

void cvm_hostsim_convert_init(struct dentry *dir)
{
	debugfs_create_file("convert", 0600, dir, NULL,
			    &cvm_hostsim_convert_fops);
}

void cvm_hostsim_convert_exit(void)
{
	struct cvm_hostsim_range *r, *tmp;
	int err;

	mutex_lock(&cvm_hostsim_lock);
	if (cvm_hostsim_bulk)
		cvm_hostsim_bulk_release(cvm_hostsim_bulk_owner);
	/* Converted behind cvm_convert's back: back the same way. */
	if (cvm_hostsim_vbuf)
		cvm_hostsim_vrelease(cvm_hostsim_vmalloc_convert(cvm_hostsim_vbuf,
								 cvm_hostsim_vpages,
								 false));
	if (cvm_hostsim_xbuf &&
	    !cvm_hostsim_vmalloc_convert(cvm_hostsim_xbuf, cvm_hostsim_xpages,
					 false))
		free_pages_exact(cvm_hostsim_xbuf,
				 cvm_hostsim_xpages << PAGE_SHIFT);
	list_for_each_entry_safe(r, tmp, &cvm_hostsim_ranges, node) {
		err = 0;
		if (r->state == CVM_HOSTSIM_SHARED)
			err = cvm_convert_unshare(r->owner, r->addr, r->pages);
		/* Leaked pages are withheld for good: never freed. */
		if (!err && r->state != CVM_HOSTSIM_LEAKED)
			free_pages_exact(r->addr, r->pages << PAGE_SHIFT);
		list_del(&r->node);
		kfree(r);
	}
	mutex_unlock(&cvm_hostsim_lock);
}
