// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_bench_bounce: test-only benchmark of the bounce pool. Never install.
 *
 * Writing N to /sys/kernel/debug/cvm_bench_bounce/bounce times, side by
 * side in one go, N batches (after N/10 + 1 of warm-up) of one map and one
 * unmap of 256 B, 1.5 KiB, 4 KiB, 16 KiB and 64 KiB buffers, DMA to and
 * from the device, on one CPU and on two at once, through:
 *   - cvm_bounce, every hardening policy as it is set (defaults: on);
 *   - the kernel's swiotlb: dma_map_single()/dma_unmap_single() on a
 *     platform device of this module with no DMA ops, which the kernel
 *     bounces when booted with swiotlb=force (checked: else skipped);
 *   - a memcpy() of the same size between the same kind of buffers: the
 *     least any bounce costs (the floor).
 * Reading the file returns the table: median and 99th percentile of the
 * nanoseconds per map+unmap, the ratios cvm_bounce/swiotlb and
 * floor/cvm_bounce, and how two CPUs scale (2 x one-CPU time / two-CPU
 * time, per CPU median, for cvm_bounce).
 *
 * TSC read with rdtsc_ordered() around a batch of CVM_BB_OPS operations,
 * with preemption off; cycles converted with tsc_khz.
 *
 * Writing N to .../count runs the same cases (no memcpy on two CPUs) for
 * counting instead (make bench-count): each of the N batches is wrapped
 * in marker instructions that the cvm_count TCG plugin counts between
 * (tools/testing/count/cvm_count.c), with interrupts off so that nothing
 * else runs inside; reading the file returns the cases in the order they
 * ran ("case METHOD SIZE DIR CPUS BATCHES OPS"), which is the order of
 * the plugin's segments on each vCPU.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>
#include <cvm_bounce.h>

#define CVM_BB_OPS		16
#define CVM_BB_MAX_BATCHES	10000
#define CVM_BB_OUT_LEN		8192
#define CVM_BB_MAX_SIZE		65536

enum { CVM_BB_CVM, CVM_BB_SWIOTLB, CVM_BB_MEMCPY, CVM_BB_NMETHODS };

static const char *const cvm_bb_methods[] = { "cvm_bounce", "swiotlb", "memcpy" };
static const size_t cvm_bb_sizes[] = { 256, 1536, 4096, 16384, 65536 };

/* "nopl 0x434d5653(%rax,%rax,1)" and 0x434d5645: no-ops, plugin markers. */
static __always_inline void cvm_bb_mark_start(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x53, 0x56, 0x4d, 0x43" ::: "memory");
}

static __always_inline void cvm_bb_mark_stop(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x45, 0x56, 0x4d, 0x43" ::: "memory");
}

struct cvm_bb_worker {
	struct completion done;
	struct completion *go;
	int method;
	enum dma_data_direction dir;
	size_t size;
	unsigned int batches;
	u64 *samples;		/* per-op time in ns x 100, one per batch */
	void *buf;		/* private buffer */
	void *dst;		/* memcpy target */
	bool count;		/* between plugin markers, not timed */
	int err;
};

static DEFINE_MUTEX(cvm_bb_lock);
/* The count file's private data: which of the two files was written. */
static char cvm_bb_count_tag;
static struct dentry *cvm_bb_dir;
static struct platform_device *cvm_bb_pdev;
static struct cvm_bounce_client *cvm_bb_client;
static char *cvm_bb_out;
static size_t cvm_bb_len;

static int cvm_bb_one(struct cvm_bb_worker *w)
{
	struct device *dev = &cvm_bb_pdev->dev;
	phys_addr_t slot;
	dma_addr_t dma;
	int err;

	switch (w->method) {
	case CVM_BB_CVM:
		err = cvm_bounce_map(cvm_bb_client, virt_to_phys(w->buf),
				     w->size, w->dir, 0, 0, &slot);
		if (!err)
			err = cvm_bounce_unmap(cvm_bb_client, slot, w->size,
					       w->dir, 0);
		return err;
	case CVM_BB_SWIOTLB:
		dma = dma_map_single(dev, w->buf, w->size, w->dir);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		dma_unmap_single(dev, dma, w->size, w->dir);
		return 0;
	default:
		if (w->dir == DMA_TO_DEVICE)
			memcpy(w->dst, w->buf, w->size);
		else
			memcpy(w->buf, w->dst, w->size);
		return 0;
	}
}

static int cvm_bb_run(struct cvm_bb_worker *w)
{
	unsigned int b, i, warm = w->batches / 10 + 1;
	u64 t0, t1;
	int err = 0;

	for (b = 0; b < warm + w->batches && !err; b++) {
		if (w->count) {
			unsigned long flags;

			local_irq_save(flags);
			if (b >= warm)
				cvm_bb_mark_start();
			for (i = 0; i < CVM_BB_OPS && !err; i++)
				err = cvm_bb_one(w);
			if (b >= warm)
				cvm_bb_mark_stop();
			local_irq_restore(flags);
			cond_resched();
			continue;
		}
		preempt_disable();
		t0 = rdtsc_ordered();
		for (i = 0; i < CVM_BB_OPS && !err; i++)
			err = cvm_bb_one(w);
		t1 = rdtsc_ordered();
		preempt_enable();
		if (b >= warm)
			w->samples[b - warm] = div64_u64((t1 - t0) * 100000000ULL,
							 (u64)tsc_khz * CVM_BB_OPS);
		cond_resched();
	}
	return err;
}

static int cvm_bb_thread(void *arg)
{
	struct cvm_bb_worker *w = arg;

	wait_for_completion(w->go);
	w->err = cvm_bb_run(w);
	complete(&w->done);
	return 0;
}

static int cvm_bb_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median and p99 over the samples of @n workers, ns x 100. */
static void cvm_bb_stats(struct cvm_bb_worker *w, unsigned int n, u64 *all,
			 u64 *p50, u64 *p99)
{
	unsigned int i, k = 0, batches = w[0].batches;

	for (i = 0; i < n; i++) {
		memcpy(all + k, w[i].samples, batches * sizeof(u64));
		k += batches;
	}
	sort(all, k, sizeof(u64), cvm_bb_cmp, NULL);
	*p50 = all[k / 2];
	*p99 = all[min(k - 1, k * 99 / 100)];
}

/* One case on @nthreads CPUs (0 and 1) at once. */
static int cvm_bb_case(struct cvm_bb_worker *w, unsigned int nthreads,
		       int method, enum dma_data_direction dir, size_t size,
		       bool count, u64 *all, u64 *p50, u64 *p99)
{
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned int i;
	int err = 0;

	for (i = 0; i < nthreads; i++) {
		struct task_struct *t;

		init_completion(&w[i].done);
		w[i].go = &go;
		w[i].method = method;
		w[i].dir = dir;
		w[i].size = size;
		w[i].count = count;
		w[i].err = 0;
		t = kthread_create(cvm_bb_thread, &w[i], "cvm_bench_b/%u", i);
		if (IS_ERR(t))
			return PTR_ERR(t);
		kthread_bind(t, i);
		wake_up_process(t);
	}
	complete_all(&go);
	for (i = 0; i < nthreads; i++) {
		wait_for_completion(&w[i].done);
		err = err ?: w[i].err;
	}
	if (!err && !count)
		cvm_bb_stats(w, nthreads, all, p50, p99);
	return err;
}

static void cvm_bb_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cvm_bb_len += vscnprintf(cvm_bb_out + cvm_bb_len,
				 CVM_BB_OUT_LEN - cvm_bb_len, fmt, ap);
	va_end(ap);
}

/* x100 fixed point as "12.34", in @buf. */
static const char *cvm_bb_fix(char *buf, u64 v)
{
	snprintf(buf, 24, "%llu.%02u", (unsigned long long)(v / 100),
		 (unsigned int)(v % 100));
	return buf;
}

/* Every case between plugin markers; the output lists them in order. */
static int cvm_bb_count_all(struct cvm_bb_worker *w, unsigned int batches,
			    u64 *all)
{
	static const enum dma_data_direction dirs[] = {
		DMA_TO_DEVICE, DMA_FROM_DEVICE,
	};
	unsigned int s, d, m, t;
	u64 unused;
	int err = 0;

	for (s = 0; s < ARRAY_SIZE(cvm_bb_sizes) && !err; s++) {
		for (d = 0; d < ARRAY_SIZE(dirs) && !err; d++) {
			for (t = 1; t <= 2 && !err; t++) {
				for (m = 0; m < CVM_BB_NMETHODS && !err; m++) {
					if (t == 2 && m == CVM_BB_MEMCPY)
						continue;
					err = cvm_bb_case(w, t, m, dirs[d],
							  cvm_bb_sizes[s], true,
							  all, &unused, &unused);
					if (!err)
						cvm_bb_printf("case %s %zu %s %u %u %u\n",
							      cvm_bb_methods[m],
							      cvm_bb_sizes[s],
							      dirs[d] == DMA_TO_DEVICE ?
							      "to" : "from", t,
							      batches, CVM_BB_OPS);
				}
			}
		}
	}
	return err;
}

static int cvm_bb_all(unsigned int batches, bool count)
{
	static const enum dma_data_direction dirs[] = {
		DMA_TO_DEVICE, DMA_FROM_DEVICE,
	};
	struct cvm_bb_worker w[2] = { };
	u64 p50[CVM_BB_NMETHODS][2], p99[CVM_BB_NMETHODS][2], *all;
	char f[8][24];
	unsigned int s, d, m, t, i;
	bool bounced;
	dma_addr_t dma;
	int err = 0;

	all = kvcalloc(2 * batches, sizeof(u64), GFP_KERNEL);
	for (i = 0; i < 2; i++) {
		w[i].batches = batches;
		w[i].samples = kvcalloc(batches, sizeof(u64), GFP_KERNEL);
		w[i].buf = kmalloc(CVM_BB_MAX_SIZE, GFP_KERNEL);
		w[i].dst = kmalloc(CVM_BB_MAX_SIZE, GFP_KERNEL);
		if (!w[i].samples || !w[i].buf || !w[i].dst)
			err = -ENOMEM;
	}
	if (!all || err) {
		err = -ENOMEM;
		goto out;
	}
	/* Is the kernel bouncing this device (swiotlb=force)? */
	dma = dma_map_single(&cvm_bb_pdev->dev, w[0].buf, 256, DMA_TO_DEVICE);
	bounced = !dma_mapping_error(&cvm_bb_pdev->dev, dma) &&
		  dma != virt_to_phys(w[0].buf);
	if (!dma_mapping_error(&cvm_bb_pdev->dev, dma))
		dma_unmap_single(&cvm_bb_pdev->dev, dma, 256, DMA_TO_DEVICE);

	cvm_bb_len = 0;
	if (count) {
		err = bounced ? cvm_bb_count_all(w, batches, all) : -EOPNOTSUPP;
		goto out;
	}
	cvm_bb_printf("cvm_bench_bounce: map+unmap, ns/op, %u batches of %u after %u warm-up, tsc_khz %u, swiotlb %s\n",
		      batches, CVM_BB_OPS, batches / 10 + 1, tsc_khz,
		      bounced ? "forced (bounces)" : "NOT bouncing: boot with swiotlb=force");
	cvm_bb_printf("%-6s %-4s %3s %10s %10s %10s %10s %10s %10s %8s %8s\n",
		      "size", "dir", "cpu", "cvm_p50", "cvm_p99", "swtlb_p50",
		      "swtlb_p99", "copy_p50", "copy_p99", "cvm/swt", "copy/cvm");
	for (s = 0; s < ARRAY_SIZE(cvm_bb_sizes) && !err; s++) {
		for (d = 0; d < ARRAY_SIZE(dirs) && !err; d++) {
			for (t = 1; t <= 2 && !err; t++) {
				for (m = 0; m < CVM_BB_NMETHODS && !err; m++) {
					if (m == CVM_BB_SWIOTLB && !bounced) {
						p50[m][t - 1] = p99[m][t - 1] = 0;
						continue;
					}
					err = cvm_bb_case(w, t, m, dirs[d],
							  cvm_bb_sizes[s], false, all,
							  &p50[m][t - 1],
							  &p99[m][t - 1]);
				}
				if (err)
					break;
				cvm_bb_printf("%-6zu %-4s %3u %10s %10s %10s %10s %10s %10s %8s %8s\n",
					      cvm_bb_sizes[s],
					      dirs[d] == DMA_TO_DEVICE ? "to" : "from", t,
					      cvm_bb_fix(f[0], p50[0][t - 1]),
					      cvm_bb_fix(f[1], p99[0][t - 1]),
					      cvm_bb_fix(f[2], p50[1][t - 1]),
					      cvm_bb_fix(f[3], p99[1][t - 1]),
					      cvm_bb_fix(f[4], p50[2][t - 1]),
					      cvm_bb_fix(f[5], p99[2][t - 1]),
					      cvm_bb_fix(f[6], p50[1][t - 1] ?
							 div64_u64(p50[0][t - 1] * 100,
								   p50[1][t - 1]) : 0),
					      cvm_bb_fix(f[7], div64_u64(p50[2][t - 1] * 100,
									 max(p50[0][t - 1], 1ULL))));
			}
			if (!err)
				cvm_bb_printf("%-6zu %-4s 2 CPUs / 1: cvm_bounce %sx, swiotlb %sx, memcpy %sx\n",
					      cvm_bb_sizes[s],
					      dirs[d] == DMA_TO_DEVICE ? "to" : "from",
					      cvm_bb_fix(f[0], div64_u64(2 * 100 * p50[0][0],
									 max(p50[0][1], 1ULL))),
					      cvm_bb_fix(f[1], div64_u64(2 * 100 * p50[1][0],
									 max(p50[1][1], 1ULL))),
					      cvm_bb_fix(f[2], div64_u64(2 * 100 * p50[2][0],
									 max(p50[2][1], 1ULL))));
		}
	}
out:
	for (i = 0; i < 2; i++) {
		kvfree(w[i].samples);
		kfree(w[i].buf);
		kfree(w[i].dst);
	}
	kvfree(all);
	return err;
}

static ssize_t cvm_bb_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	bool count = file->private_data == &cvm_bb_count_tag;
	unsigned int batches;
	int err;

	err = kstrtouint_from_user(ubuf, len, 10, &batches);
	if (err)
		return err;
	if (!batches || batches > CVM_BB_MAX_BATCHES)
		return -ERANGE;
	if (num_online_cpus() < 2 || (!tsc_khz && !count))
		return -EOPNOTSUPP;
	mutex_lock(&cvm_bb_lock);
	err = cvm_bb_all(batches, count);
	mutex_unlock(&cvm_bb_lock);
	return err ?: len;
}

static ssize_t cvm_bb_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&cvm_bb_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, cvm_bb_out, cvm_bb_len);
	mutex_unlock(&cvm_bb_lock);
	return ret;
}

static const struct file_operations cvm_bb_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= cvm_bb_read,
	.write	= cvm_bb_write,
	.llseek	= default_llseek,
};

static int __init cvm_bb_init(void)
{
	int err;

	cvm_bb_out = kzalloc(CVM_BB_OUT_LEN, GFP_KERNEL);
	if (!cvm_bb_out)
		return -ENOMEM;
	cvm_bb_client = cvm_bounce_client_new("cvm_bench_bounce");
	if (!cvm_bb_client) {
		err = -ENOMEM;
		goto err_out;
	}
	/* A device with no DMA ops: the kernel's direct mapping, swiotlb. */
	cvm_bb_pdev = platform_device_register_simple("cvm_bench_dma", -1,
						      NULL, 0);
	if (IS_ERR(cvm_bb_pdev)) {
		err = PTR_ERR(cvm_bb_pdev);
		goto err_client;
	}
	cvm_bb_pdev->dev.dma_mask = &cvm_bb_pdev->dev.coherent_dma_mask;
	err = dma_coerce_mask_and_coherent(&cvm_bb_pdev->dev,
					   DMA_BIT_MASK(64));
	if (err)
		goto err_pdev;
	cvm_bb_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("bounce", 0600, cvm_bb_dir, NULL, &cvm_bb_fops);
	debugfs_create_file("count", 0600, cvm_bb_dir, &cvm_bb_count_tag,
			    &cvm_bb_fops);
	return 0;

err_pdev:
	platform_device_unregister(cvm_bb_pdev);
err_client:
	cvm_bounce_client_free(cvm_bb_client);
err_out:
	kfree(cvm_bb_out);
	return err;
}

static void __exit cvm_bb_exit(void)
{
	debugfs_remove_recursive(cvm_bb_dir);
	platform_device_unregister(cvm_bb_pdev);
	cvm_bounce_client_free(cvm_bb_client);
	kfree(cvm_bb_out);
}

module_init(cvm_bb_init);
module_exit(cvm_bb_exit);

MODULE_DESCRIPTION("cvmguard test-only benchmark of the bounce pool against swiotlb");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
