// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bench: test-only benchmark of the shared-page ledger. Never install.
 *
 * Writing a number N to /sys/kernel/debug/cvm_bench/convert times, in one
 * go and side by side, N batches (after N/10 + 1 batches of warm-up) of:
 *   - share+unshare of 1 and of 512 pages through cvm_convert (tracked),
 *   - the same conversions straight through set_memory_decrypted() and
 *     set_memory_encrypted() (untracked),
 *   - a 4 KiB memcpy() between hot buffers and between buffers that walk
 *     16 MiB, so they are mostly out of the caches (cold).
 * Reading the file returns the table: median and 90th percentile of the
 * nanoseconds per operation, then the ratios the ledger is judged by.
 *
 * The clock is the TSC read with rdtsc_ordered() around a whole batch, so
 * its granularity and the cost of reading it vanish in the batch, and the
 * cycles are converted with tsc_khz. Conversions sleep (they may split
 * large pages and flush TLBs), so their batches run preemptible; memcpy
 * batches run with preemption disabled.
 */
#include <linux/cc_platform.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/tsc.h>
#include "cvm_convert.h"

#define CVM_BENCH_OWNER		"cvm_bench"
#define CVM_BENCH_BIG_ORDER	9	/* 512 pages */
#define CVM_BENCH_COLD_SIZE	(16UL << 20)
#define CVM_BENCH_MAX_BATCHES	100000
#define CVM_BENCH_OUT_LEN	4096

struct cvm_bench {
	void *page;		/* one page for 1-page conversions */
	void *big;		/* 512 pages for 512-page conversions */
	bool leaked;		/* a conversion back failed: never free */
	void *hot_src, *hot_dst;
	void *cold;		/* two halves: source and destination */
	unsigned long cold_off;
	u64 *samples;
};

struct cvm_bench_case {
	const char *name;
	unsigned int ops;	/* operations per batch */
	bool sleeps;		/* may sleep: keep the batch preemptible */
	int (*run)(struct cvm_bench *b, unsigned int ops);
};

/* Nanoseconds per operation, times 100. */
struct cvm_bench_result {
	u64 median;
	u64 p90;
};

static DEFINE_MUTEX(cvm_bench_lock);
static char *cvm_bench_out;
static size_t cvm_bench_out_len;
static struct dentry *cvm_bench_dir;

static int cvm_bench_tracked(void *addr, size_t npages, unsigned int ops,
			     struct cvm_bench *b)
{
	unsigned int i;
	int err;

	for (i = 0; i < ops; i++) {
		err = cvm_convert_share(CVM_BENCH_OWNER, addr, npages);
		if (err) {
			/* Leaked by the ledger, unless refused before. */
			b->leaked = cvm_convert_state(addr, npages) ==
				    CVM_CONV_STATE_LEAKED;
			return err;
		}
		err = cvm_convert_unshare(CVM_BENCH_OWNER, addr, npages);
		if (err) {
			b->leaked = true;
			return err;
		}
	}
	return 0;
}

static int cvm_bench_untracked(void *addr, size_t npages, unsigned int ops,
			       struct cvm_bench *b)
{
	unsigned long va = (unsigned long)addr;
	unsigned int i;
	int err;

	for (i = 0; i < ops; i++) {
		err = set_memory_decrypted(va, npages);
		if (err) {
			/* The state of the pages is unknown now. */
			b->leaked = true;
			return err;
		}
		err = set_memory_encrypted(va, npages);
		if (err) {
			b->leaked = true;
			return err;
		}
	}
	return 0;
}

static int cvm_bench_tracked_1(struct cvm_bench *b, unsigned int ops)
{
	return cvm_bench_tracked(b->page, 1, ops, b);
}

static int cvm_bench_untracked_1(struct cvm_bench *b, unsigned int ops)
{
	return cvm_bench_untracked(b->page, 1, ops, b);
}

static int cvm_bench_tracked_512(struct cvm_bench *b, unsigned int ops)
{
	return cvm_bench_tracked(b->big, 1 << CVM_BENCH_BIG_ORDER, ops, b);
}

static int cvm_bench_untracked_512(struct cvm_bench *b, unsigned int ops)
{
	return cvm_bench_untracked(b->big, 1 << CVM_BENCH_BIG_ORDER, ops, b);
}

static int cvm_bench_memcpy_hot(struct cvm_bench *b, unsigned int ops)
{
	unsigned int i;

	for (i = 0; i < ops; i++) {
		memcpy(b->hot_dst, b->hot_src, PAGE_SIZE);
		/* Keep the compiler from dropping or merging the copies. */
		barrier();
	}
	return 0;
}

/*
 * Each copy moves to the next 4 KiB + 64 bytes of a 8 MiB source and an
 * 8 MiB destination: far more than the caches of a small guest hold, and
 * an offset that keeps the hardware from treating it as one stream of
 * equal pages.
 */
static int cvm_bench_memcpy_cold(struct cvm_bench *b, unsigned int ops)
{
	const unsigned long half = CVM_BENCH_COLD_SIZE / 2;
	unsigned int i;

	for (i = 0; i < ops; i++) {
		memcpy(b->cold + half + b->cold_off, b->cold + b->cold_off,
		       PAGE_SIZE);
		barrier();
		b->cold_off += PAGE_SIZE + 64;
		if (b->cold_off + PAGE_SIZE > half)
			b->cold_off = (b->cold_off + 64) % PAGE_SIZE;
	}
	return 0;
}

enum {
	CVM_BENCH_TRACKED_1,
	CVM_BENCH_UNTRACKED_1,
	CVM_BENCH_TRACKED_512,
	CVM_BENCH_UNTRACKED_512,
	CVM_BENCH_MEMCPY_HOT,
	CVM_BENCH_MEMCPY_COLD,
	CVM_BENCH_NR_CASES,
};

static const struct cvm_bench_case cvm_bench_cases[CVM_BENCH_NR_CASES] = {
	[CVM_BENCH_TRACKED_1] = {
		"tracked share+unshare, 1 page", 8, true,
		cvm_bench_tracked_1,
	},
	[CVM_BENCH_UNTRACKED_1] = {
		"untracked decrypt+encrypt, 1 page", 8, true,
		cvm_bench_untracked_1,
	},
	[CVM_BENCH_TRACKED_512] = {
		"tracked share+unshare, 512 pages", 4, true,
		cvm_bench_tracked_512,
	},
	[CVM_BENCH_UNTRACKED_512] = {
		"untracked decrypt+encrypt, 512 pages", 4, true,
		cvm_bench_untracked_512,
	},
	[CVM_BENCH_MEMCPY_HOT] = {
		"memcpy 4 KiB, hot", 64, false, cvm_bench_memcpy_hot,
	},
	[CVM_BENCH_MEMCPY_COLD] = {
		"memcpy 4 KiB, cold", 64, false, cvm_bench_memcpy_cold,
	},
};

static int cvm_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Cycles of a batch of @ops operations to nanoseconds per op, times 100. */
static u64 cvm_bench_ns100(u64 cycles, unsigned int ops)
{
	return div64_u64(cycles * 100000000ULL, (u64)tsc_khz * ops);
}

static int cvm_bench_measure(struct cvm_bench *b,
			     const struct cvm_bench_case *c, unsigned int n,
			     struct cvm_bench_result *res)
{
	unsigned int warmup = n / 10 + 1;
	unsigned int i;
	u64 t0, t1;
	int err;

	for (i = 0; i < warmup + n; i++) {
		if (!c->sleeps)
			preempt_disable();
		t0 = rdtsc_ordered();
		err = c->run(b, c->ops);
		t1 = rdtsc_ordered();
		if (!c->sleeps)
			preempt_enable();
		if (err) {
			pr_err("%s: failed: %d\n", c->name, err);
			return err;
		}
		if (i >= warmup)
			b->samples[i - warmup] = t1 - t0;
		cond_resched();
	}
	sort(b->samples, n, sizeof(*b->samples), cvm_bench_cmp_u64, NULL);
	res->median = cvm_bench_ns100(b->samples[n / 2], c->ops);
	res->p90 = cvm_bench_ns100(b->samples[min(n - 1, n * 9 / 10)], c->ops);
	return 0;
}

/* "a/b" with two decimals, as "12.34"; "-" if b is 0. */
static void cvm_bench_ratio(char *buf, size_t size, s64 a, s64 b)
{
	s64 r;

	if (b <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	r = div64_s64(a * 100, b);
	snprintf(buf, size, "%s%lld.%02lld", r < 0 ? "-" : "",
		 abs(r) / 100, abs(r) % 100);
}

static int cvm_bench_format(char *out, size_t size, unsigned int n,
			    const struct cvm_bench_result *res)
{
	const struct cvm_bench_result *t1 = &res[CVM_BENCH_TRACKED_1];
	const struct cvm_bench_result *u1 = &res[CVM_BENCH_UNTRACKED_1];
	const struct cvm_bench_result *t512 = &res[CVM_BENCH_TRACKED_512];
	const struct cvm_bench_result *u512 = &res[CVM_BENCH_UNTRACKED_512];
	u64 hot = res[CVM_BENCH_MEMCPY_HOT].median;
	u64 cold = res[CVM_BENCH_MEMCPY_COLD].median;
	char r[6][16];
	int len, i;

	len = scnprintf(out, size,
			"cvm_bench convert: %u batches after %u warm-up, tsc_khz %u, mem_encrypt %s\n"
			"%-38s %9s %12s %12s\n", n, n / 10 + 1, tsc_khz,
			cc_platform_has(CC_ATTR_MEM_ENCRYPT) ?
			"active" : "inactive",
			"operation", "ops/batch", "median_ns", "p90_ns");
	for (i = 0; i < CVM_BENCH_NR_CASES; i++)
		len += scnprintf(out + len, size - len,
				 "%-38s %9u %9llu.%02llu %9llu.%02llu\n",
				 cvm_bench_cases[i].name, cvm_bench_cases[i].ops,
				 res[i].median / 100, res[i].median % 100,
				 res[i].p90 / 100, res[i].p90 % 100);

	cvm_bench_ratio(r[0], sizeof(r[0]), t1->median, u1->median);
	cvm_bench_ratio(r[1], sizeof(r[1]), t512->median, u512->median);
	cvm_bench_ratio(r[2], sizeof(r[2]), (s64)t1->median - u1->median, hot);
	cvm_bench_ratio(r[3], sizeof(r[3]), (s64)t512->median - u512->median,
			hot);
	cvm_bench_ratio(r[4], sizeof(r[4]), (s64)t1->median - u1->median,
			cold);
	cvm_bench_ratio(r[5], sizeof(r[5]), (s64)t512->median - u512->median,
			cold);
	len += scnprintf(out + len, size - len,
			 "ratios (medians): tracked/untracked 1p %s 512p %s; (tracked-untracked)/memcpy4k hot 1p %s 512p %s, cold 1p %s 512p %s\n",
			 r[0], r[1], r[2], r[3], r[4], r[5]);
	return len;
}

static void cvm_bench_free(struct cvm_bench *b)
{
	/* Pages whose conversion back failed may be shared: keep them. */
	if (!b->leaked) {
		if (b->page)
			free_page((unsigned long)b->page);
		if (b->big)
			free_pages((unsigned long)b->big, CVM_BENCH_BIG_ORDER);
	}
	kfree(b->hot_src);
	kfree(b->hot_dst);
	vfree(b->cold);
	kvfree(b->samples);
}

static int cvm_bench_run(unsigned int n)
{
	struct cvm_bench_result res[CVM_BENCH_NR_CASES];
	struct cvm_bench b = { };
	char *out;
	int err = -ENOMEM;
	int i, len;

	if (!tsc_khz)
		return -ENODEV;
	out = kzalloc(CVM_BENCH_OUT_LEN, GFP_KERNEL);
	b.page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
	b.big = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					 CVM_BENCH_BIG_ORDER);
	b.hot_src = kmalloc(PAGE_SIZE, GFP_KERNEL);
	b.hot_dst = kmalloc(PAGE_SIZE, GFP_KERNEL);
	b.cold = vzalloc(CVM_BENCH_COLD_SIZE);
	b.samples = kvmalloc_array(n, sizeof(*b.samples), GFP_KERNEL);
	if (!out || !b.page || !b.big || !b.hot_src || !b.hot_dst ||
	    !b.cold || !b.samples)
		goto out;
	memset(b.hot_src, 0x5a, PAGE_SIZE);

	for (i = 0; i < CVM_BENCH_NR_CASES; i++) {
		err = cvm_bench_measure(&b, &cvm_bench_cases[i], n, &res[i]);
		if (err)
			goto out;
	}
	len = cvm_bench_format(out, CVM_BENCH_OUT_LEN, n, res);

	kfree(cvm_bench_out);
	cvm_bench_out = out;
	cvm_bench_out_len = len;
	out = NULL;
	err = 0;
out:
	kfree(out);
	cvm_bench_free(&b);
	return err;
}

static ssize_t cvm_bench_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	unsigned int n;
	int err;

	err = kstrtouint_from_user(ubuf, count, 0, &n);
	if (err)
		return err;
	if (!n || n > CVM_BENCH_MAX_BATCHES)
		return -ERANGE;
	mutex_lock(&cvm_bench_lock);
	err = cvm_bench_run(n);
	mutex_unlock(&cvm_bench_lock);
	return err ? err : count;
}

static ssize_t cvm_bench_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&cvm_bench_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, cvm_bench_out,
				      cvm_bench_out_len);
	mutex_unlock(&cvm_bench_lock);
	return ret;
}

static const struct file_operations cvm_bench_fops = {
	.owner = THIS_MODULE,
	.read = cvm_bench_read,
	.write = cvm_bench_write,
	.llseek = default_llseek,
};

static int __init cvm_bench_init(void)
{
	cvm_bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("convert", 0600, cvm_bench_dir, NULL,
			    &cvm_bench_fops);
	return 0;
}

static void __exit cvm_bench_exit(void)
{
	debugfs_remove_recursive(cvm_bench_dir);
	kfree(cvm_bench_out);
}

module_init(cvm_bench_init);
module_exit(cvm_bench_exit);

MODULE_DESCRIPTION("cvmguard: benchmark of the shared-page ledger (test only)");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
