// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/cvm_hostsim/bounce: drives cvm_bounce for the
 * selftests, playing both the guest driver (map, unmap, sync, including
 * the misuse a buggy driver commits) and the host (reading and writing the
 * shared slots the way a device would). Each write is one command; a
 * following read returns its result line. Commands (see
 * selftests/cvm_bounce_test.c):
 *
 *   map SIZE DIR OFF          private buffer at offset OFF of a page, filled
 *                             with a secret pattern, mapped  -> ID ADDR
 *   map-skip SIZE DIR OFF     the same with DMA_ATTR_SKIP_CPU_SYNC
 *   unmap ID                  with the mapped size and dir   -> ok | -ERRNO
 *   unmap-skip ID             the same with DMA_ATTR_SKIP_CPU_SYNC
 *   unmap-as ID SIZE DIR      with these instead (misuse)    -> ok | -ERRNO
 *   unmap-addr ADDR SIZE DIR  of a raw address (stray)       -> ok | -ERRNO
 *   sync ID cpu|dev OFF SIZE DIR                             -> ok | -ERRNO
 *   host-read ID              the slots of the mapping as the host sees
 *                             them -> zero N | secret K nonzero M
 *   host-write ID BYTE        the host fills the data with BYTE -> ok
 *   private ID                the private buffer -> BYTE (if uniform) | mixed
 *   fill N SIZE DIR           N more mappings that may sleep, until one
 *                             fails -> M ERR
 *   wait-map SIZE             one mapping that may sleep -> ERR MS
 *   drain                     unmap every live mapping      -> N
 *   grow | shrink             cvm_bounce_grow_now()/shrink_now() -> RESULT
 *   concurrent T ITERS        T threads per online CPU map, check, write
 *                             as the host, unmap and check  -> ok | why not
 *
 * DIR is to, from or bidi. Everything is unmapped at rmmod.
 *
 * A module of its own (cvm_hostsim_bounce), linked against cvm_bounce
 * and against cvm_hostsim for the command parser, so cvm_hostsim itself
 * loads without cvm_bounce for the tests of cvm_convert. Its client of
 * the pool is registered at the first command, as a driver's would be at
 * its first mapping.
 */
#include <linux/completion.h>
#include <linux/io.h>
#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <cvm_bounce.h>
#include "hostsim.h"

#define CVM_HOSTSIM_MAX_MAPS	4096

/**
 * struct cvm_hostsim_map - a mapping hostsim made
 * @buf: private buffer (pages)
 * @order: its allocation order
 * @off: offset of the data in @buf
 * @size: bytes mapped
 * @dir: direction
 * @addr: slot address cvm_bounce returned
 * @live: not unmapped yet
 */
struct cvm_hostsim_map {
	u8 *buf;
	unsigned int order;
	unsigned int off;
	size_t size;
	enum dma_data_direction dir;
	phys_addr_t addr;
	bool live;
};

/* Everything below is under the lock. */
static bool cvm_hostsim_bound;

static DEFINE_MUTEX(cvm_hostsim_bounce_lock);
static struct cvm_bounce_client *cvm_hostsim_client;
static struct cvm_hostsim_map *cvm_hostsim_maps;
static unsigned int cvm_hostsim_nmaps;
static char cvm_hostsim_bresult[128];

static void cvm_hostsim_bset(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(cvm_hostsim_bresult, sizeof(cvm_hostsim_bresult), fmt, args);
	va_end(args);
}

/* The secret a buffer holds: never zero, different at every offset. */
static u8 cvm_hostsim_secret(size_t i)
{
	return 0x80 | ((i * 7 + 3) & 0x7f);
}

static int cvm_hostsim_dir(const char *s, enum dma_data_direction *dir)
{
	if (!strcmp(s, "to"))
		*dir = DMA_TO_DEVICE;
	else if (!strcmp(s, "from"))
		*dir = DMA_FROM_DEVICE;
	else if (!strcmp(s, "bidi"))
		*dir = DMA_BIDIRECTIONAL;
	else
		return -EINVAL;
	return 0;
}

static struct cvm_hostsim_map *cvm_hostsim_bfind(const char *arg)
{
	unsigned int id;

	if (kstrtouint(arg, 10, &id) || !id || id > cvm_hostsim_nmaps)
		return NULL;
	return &cvm_hostsim_maps[id - 1];
}

static int cvm_hostsim_do_map(size_t size, enum dma_data_direction dir,
			      unsigned int off, unsigned int flags,
			      unsigned int *id)
{
	struct cvm_hostsim_map *m;
	size_t i;
	int err;

	if (cvm_hostsim_nmaps == CVM_HOSTSIM_MAX_MAPS)
		return -ENOSPC;
	m = &cvm_hostsim_maps[cvm_hostsim_nmaps];
	memset(m, 0, sizeof(*m));
	m->order = get_order(size + off);
	m->buf = (u8 *)__get_free_pages(GFP_KERNEL, m->order);
	if (!m->buf)
		return -ENOMEM;
	m->off = off;
	m->size = size;
	m->dir = dir;
	for (i = 0; i < size; i++)
		m->buf[off + i] = cvm_hostsim_secret(i);
	err = cvm_bounce_map(cvm_hostsim_client, virt_to_phys(m->buf + off),
			     size, dir, 0, flags, &m->addr);
	if (err) {
		free_pages((unsigned long)m->buf, m->order);
		return err;
	}
	m->live = true;
	*id = ++cvm_hostsim_nmaps;
	return 0;
}

static int cvm_hostsim_map_flags(char **argv, unsigned int flags)
{
	enum dma_data_direction dir;
	unsigned int off, id;
	size_t size;
	int err;

	if (kstrtoul(argv[1], 0, &size) || cvm_hostsim_dir(argv[2], &dir) ||
	    kstrtouint(argv[3], 0, &off) || off >= PAGE_SIZE ||
	    size > (1 << 20))
		return -EINVAL;
	err = cvm_hostsim_do_map(size, dir, off, flags, &id);
	if (err)
		cvm_hostsim_bset("%d\n", err);
	else
		cvm_hostsim_bset("%u %pa\n", id,
				 &cvm_hostsim_maps[id - 1].addr);
	return 0;
}

static int cvm_hostsim_cmd_map(char **argv)
{
	return cvm_hostsim_map_flags(argv, 0);
}

static int cvm_hostsim_cmd_map_skip(char **argv)
{
	return cvm_hostsim_map_flags(argv, CVM_BOUNCE_SKIP_SYNC);
}

static void cvm_hostsim_release(struct cvm_hostsim_map *m)
{
	m->live = false;
	free_pages((unsigned long)m->buf, m->order);
	m->buf = NULL;
}

static int cvm_hostsim_unmap_flags(char **argv, unsigned int flags)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	int err;

	if (!m)
		return -ENOENT;
	/* A second unmap of the same mapping is a test, not a mistake. */
	err = cvm_bounce_unmap(cvm_hostsim_client, m->addr, m->size, m->dir, flags);
	if (!err)
		m->live = false;
	cvm_hostsim_bset(err ? "%d\n" : "ok\n", err);
	return 0;
}

static int cvm_hostsim_cmd_unmap(char **argv)
{
	return cvm_hostsim_unmap_flags(argv, 0);
}

static int cvm_hostsim_cmd_unmap_skip(char **argv)
{
	return cvm_hostsim_unmap_flags(argv, CVM_BOUNCE_SKIP_SYNC);
}

static int cvm_hostsim_cmd_unmap_as(char **argv)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	enum dma_data_direction dir;
	size_t size;
	int err;

	if (!m || kstrtoul(argv[2], 0, &size) || cvm_hostsim_dir(argv[3], &dir))
		return -EINVAL;
	err = cvm_bounce_unmap(cvm_hostsim_client, m->addr, size, dir, 0);
	/* A wrong size or direction still ends the mapping. */
	if (!err || err == -EINVAL || err == -EPERM)
		m->live = false;
	cvm_hostsim_bset(err ? "%d\n" : "ok\n", err);
	return 0;
}

static int cvm_hostsim_cmd_unmap_addr(char **argv)
{
	enum dma_data_direction dir;
	u64 addr;
	size_t size;
	int err;

	if (kstrtou64(argv[1], 0, &addr) || kstrtoul(argv[2], 0, &size) ||
	    cvm_hostsim_dir(argv[3], &dir))
		return -EINVAL;
	err = cvm_bounce_unmap(cvm_hostsim_client, addr, size, dir, 0);
	cvm_hostsim_bset(err ? "%d\n" : "ok\n", err);
	return 0;
}

static int cvm_hostsim_cmd_sync(char **argv)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	enum dma_data_direction dir;
	size_t off, size;
	int err;

	if (!m || kstrtoul(argv[3], 0, &off) || kstrtoul(argv[4], 0, &size) ||
	    cvm_hostsim_dir(argv[5], &dir))
		return -EINVAL;
	if (!strcmp(argv[2], "cpu"))
		err = cvm_bounce_sync_for_cpu(cvm_hostsim_client,
					      m->addr + off, size, dir);
	else if (!strcmp(argv[2], "dev"))
		err = cvm_bounce_sync_for_device(cvm_hostsim_client,
						 m->addr + off, size, dir);
	else
		return -EINVAL;
	cvm_hostsim_bset(err ? "%d\n" : "ok\n", err);
	return 0;
}

/* The whole slots of a mapping: what the host can read there. */
static void cvm_hostsim_span(const struct cvm_hostsim_map *m, u8 **start,
			     size_t *len)
{
	unsigned int slot = cvm_bounce_slot_size();
	size_t head = m->addr & (slot - 1);

	*start = (u8 *)phys_to_virt(m->addr) - head;
	*len = ALIGN(head + m->size, slot);
}

static int cvm_hostsim_cmd_host_read(char **argv)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	size_t len, i, head, secret = 0, nonzero = 0;
	u8 *p;

	if (!m)
		return -ENOENT;
	cvm_hostsim_span(m, &p, &len);
	head = m->addr - virt_to_phys(p);
	for (i = 0; i < len; i++) {
		u8 v = READ_ONCE(p[i]);

		if (v)
			nonzero++;
		if (i >= head && i - head < m->size &&
		    v == cvm_hostsim_secret(i - head))
			secret++;
	}
	if (!nonzero)
		cvm_hostsim_bset("zero %zu\n", len);
	else
		cvm_hostsim_bset("secret %zu nonzero %zu\n", secret, nonzero);
	return 0;
}

static int cvm_hostsim_cmd_host_write(char **argv)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	u8 byte;

	if (!m || kstrtou8(argv[2], 0, &byte))
		return -EINVAL;
	memset(phys_to_virt(m->addr), byte, m->size);
	cvm_hostsim_bset("ok\n");
	return 0;
}

static int cvm_hostsim_cmd_private(char **argv)
{
	struct cvm_hostsim_map *m = cvm_hostsim_bfind(argv[1]);
	size_t i;

	if (!m || !m->buf)
		return -ENOENT;
	for (i = 1; i < m->size; i++)
		if (m->buf[m->off + i] != m->buf[m->off])
			break;
	if (i < m->size)
		cvm_hostsim_bset("mixed\n");
	else
		cvm_hostsim_bset("%u\n", m->buf[m->off]);
	return 0;
}

static int cvm_hostsim_cmd_fill(char **argv)
{
	enum dma_data_direction dir;
	unsigned int n, i, id;
	size_t size;
	int err = 0;

	if (kstrtouint(argv[1], 0, &n) || kstrtoul(argv[2], 0, &size) ||
	    cvm_hostsim_dir(argv[3], &dir) || size > (1 << 20))
		return -EINVAL;
	for (i = 0; i < n && !err; i++) {
		/* The wait_ms policy decides whether this waits for room. */
		err = cvm_hostsim_do_map(size, dir, 0, CVM_BOUNCE_MAY_SLEEP,
					 &id);
		if (err)
			break;
	}
	cvm_hostsim_bset("%u %d\n", i, err);
	return 0;
}

static int cvm_hostsim_cmd_wait_map(char **argv)
{
	unsigned long start = jiffies;
	unsigned int id;
	size_t size;
	int err;

	if (kstrtoul(argv[1], 0, &size) || size > (1 << 20))
		return -EINVAL;
	err = cvm_hostsim_do_map(size, DMA_TO_DEVICE, 0, CVM_BOUNCE_MAY_SLEEP,
				 &id);
	cvm_hostsim_bset("%d %u\n", err, jiffies_to_msecs(jiffies - start));
	return 0;
}

static unsigned int cvm_hostsim_drain(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < cvm_hostsim_nmaps; i++) {
		struct cvm_hostsim_map *m = &cvm_hostsim_maps[i];

		if (m->live &&
		    !cvm_bounce_unmap(cvm_hostsim_client, m->addr, m->size,
				      m->dir, 0))
			n++;
		if (m->buf)
			cvm_hostsim_release(m);
	}
	cvm_hostsim_nmaps = 0;
	return n;
}

static int cvm_hostsim_cmd_drain(char **argv)
{
	cvm_hostsim_bset("%u\n", cvm_hostsim_drain());
	return 0;
}

static int cvm_hostsim_cmd_grow(char **argv)
{
	cvm_hostsim_bset("%d\n", cvm_bounce_grow_now());
	return 0;
}

static int cvm_hostsim_cmd_shrink(char **argv)
{
	cvm_hostsim_bset("%d\n", cvm_bounce_shrink_now());
	return 0;
}

struct cvm_hostsim_bworker {
	struct completion done;
	unsigned long iters;
	atomic_t *failures;
	char *why;	/* first failure, under the worker's own slot */
};

static const size_t cvm_hostsim_sizes[] = { 256, 1536, 4096, 16384, 65536 };

static bool cvm_hostsim_uniform(const u8 *p, size_t n, u8 v)
{
	return !n || (p[0] == v && !memcmp(p, p + 1, n - 1));
}

static int cvm_hostsim_bworker_fn(void *arg)
{
	struct cvm_hostsim_bworker *w = arg;
	u8 *buf = kmalloc(65536, GFP_KERNEL);
	unsigned long i;

	for (i = 0; buf && i < w->iters && !atomic_read(w->failures); i++) {
		u32 r = get_random_u32();
		size_t size = cvm_hostsim_sizes[r % 5];
		enum dma_data_direction dir = (r >> 8) % 3;
		u8 fill = 1 + (r >> 16) % 250, host = fill + 1;
		const char *bad = NULL;
		phys_addr_t a;
		int err;

		memset(buf, fill, size);
		err = cvm_bounce_map(cvm_hostsim_client, virt_to_phys(buf),
				     size, dir, 0, 0, &a);
		if (err == -ENOSPC) {
			cond_resched();
			continue;
		}
		if (err) {
			bad = "map failed";
		} else {
			u8 *s = phys_to_virt(a);

			if (dir != DMA_FROM_DEVICE &&
			    !cvm_hostsim_uniform(s, size, fill))
				bad = "slot does not hold the buffer";
			else if (dir == DMA_FROM_DEVICE &&
				 !cvm_hostsim_uniform(s, size, 0))
				bad = "FROM_DEVICE slot not zeroed";
			if (dir != DMA_TO_DEVICE)
				memset(s, host, size);
			if (cvm_bounce_unmap(cvm_hostsim_client, a, size, dir,
					     0))
				bad = "unmap refused";
			else if (dir != DMA_TO_DEVICE &&
				 !cvm_hostsim_uniform(buf, size, host))
				bad = "buffer lacks the device's data";
		}
		if (bad) {
			snprintf(w->why, 64, "%s (size %zu dir %d)", bad, size,
				 dir);
			atomic_inc(w->failures);
		}
		cond_resched();
	}
	if (!buf) {
		snprintf(w->why, 64, "no memory");
		atomic_inc(w->failures);
	}
	kfree(buf);
	kthread_complete_and_exit(&w->done, 0);
}

static int cvm_hostsim_cmd_concurrent(char **argv)
{
	struct cvm_hostsim_bworker *workers;
	unsigned int per_cpu, n = 0, cpu, t, i;
	atomic_t failures = ATOMIC_INIT(0);
	unsigned long iters;
	char *why;

	if (kstrtouint(argv[1], 10, &per_cpu) || !per_cpu || per_cpu > 8 ||
	    kstrtoul(argv[2], 10, &iters) || !iters)
		return -EINVAL;
	workers = kcalloc(per_cpu * num_possible_cpus(), sizeof(*workers),
			  GFP_KERNEL);
	why = kcalloc(per_cpu * num_possible_cpus(), 64, GFP_KERNEL);
	if (!workers || !why) {
		kfree(workers);
		kfree(why);
		return -ENOMEM;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		for (t = 0; t < per_cpu; t++) {
			struct cvm_hostsim_bworker *w = &workers[n];
			struct task_struct *task;

			init_completion(&w->done);
			w->iters = iters;
			w->failures = &failures;
			w->why = why + n * 64;
			task = kthread_create(cvm_hostsim_bworker_fn, w,
					      "cvm_hostsim_b/%u:%u", cpu, t);
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
	cvm_hostsim_bset("ok\n");
	for (i = 0; i < n; i++)
		if (why[i * 64]) {
			cvm_hostsim_bset("%s\n", why + i * 64);
			break;
		}
	if (atomic_read(&failures) && i == n)
		cvm_hostsim_bset("%d failures\n", atomic_read(&failures));
	kfree(workers);
	kfree(why);
	return 0;
}

static const struct cvm_hostsim_cmd cvm_hostsim_bcmds[] = {
	{ "map",		4, cvm_hostsim_cmd_map },
	{ "map-skip",		4, cvm_hostsim_cmd_map_skip },
	{ "unmap",		2, cvm_hostsim_cmd_unmap },
	{ "unmap-skip",		2, cvm_hostsim_cmd_unmap_skip },
	{ "unmap-as",		4, cvm_hostsim_cmd_unmap_as },
	{ "unmap-addr",		4, cvm_hostsim_cmd_unmap_addr },
	{ "sync",		6, cvm_hostsim_cmd_sync },
	{ "host-read",		2, cvm_hostsim_cmd_host_read },
	{ "host-write",		3, cvm_hostsim_cmd_host_write },
	{ "private",		2, cvm_hostsim_cmd_private },
	{ "fill",		4, cvm_hostsim_cmd_fill },
	{ "wait-map",		2, cvm_hostsim_cmd_wait_map },
	{ "drain",		1, cvm_hostsim_cmd_drain },
	{ "grow",		1, cvm_hostsim_cmd_grow },
	{ "shrink",		1, cvm_hostsim_cmd_shrink },
	{ "concurrent",		3, cvm_hostsim_cmd_concurrent },
};

static int cvm_hostsim_bounce_bind(void)
{
	if (cvm_hostsim_bound)
		return 0;
	cvm_hostsim_client = cvm_bounce_client_new("cvm_hostsim");
	if (!cvm_hostsim_client)
		return -ENOMEM;
	cvm_hostsim_bound = true;
	return 0;
}

static ssize_t cvm_hostsim_bounce_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct cvm_hostsim_args a;
	int err;

	err = cvm_hostsim_args_get(&a, ubuf, len);
	if (err)
		return err;
	mutex_lock(&cvm_hostsim_bounce_lock);
	cvm_hostsim_bresult[0] = '\0';
	err = cvm_hostsim_bounce_bind() ?:
	      cvm_hostsim_call(cvm_hostsim_bcmds,
			       ARRAY_SIZE(cvm_hostsim_bcmds), &a);
	mutex_unlock(&cvm_hostsim_bounce_lock);
	return err ?: len;
}

static ssize_t cvm_hostsim_bounce_read(struct file *file, char __user *ubuf,
				       size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&cvm_hostsim_bounce_lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, cvm_hostsim_bresult,
				      strlen(cvm_hostsim_bresult));
	mutex_unlock(&cvm_hostsim_bounce_lock);
	return ret;
}

static const struct file_operations cvm_hostsim_bounce_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= cvm_hostsim_bounce_read,
	.write	= cvm_hostsim_bounce_write,
	.llseek	= default_llseek,
};

static struct dentry *cvm_hostsim_bounce_dir;

static int __init cvm_hostsim_bounce_init(void)
{
	cvm_hostsim_maps = kvcalloc(CVM_HOSTSIM_MAX_MAPS,
				    sizeof(*cvm_hostsim_maps), GFP_KERNEL);
	if (!cvm_hostsim_maps)
		return -ENOMEM;
	cvm_hostsim_bounce_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("bounce", 0600, cvm_hostsim_bounce_dir, NULL,
			    &cvm_hostsim_bounce_fops);
	pr_info("loaded: test-only module, do not use on a real guest\n");
	return 0;
}

static void __exit cvm_hostsim_bounce_exit(void)
{
	/* The file first, so no command runs while its state is released. */
	debugfs_remove_recursive(cvm_hostsim_bounce_dir);
	if (cvm_hostsim_bound) {
		cvm_hostsim_drain();
		/* Cannot be busy: drain unmapped every live mapping. */
		WARN_ON(cvm_bounce_client_free(cvm_hostsim_client));
	}
	kvfree(cvm_hostsim_maps);
}

module_init(cvm_hostsim_bounce_init);
module_exit(cvm_hostsim_bounce_exit);

MODULE_DESCRIPTION("cvmguard test-only hostile host: bounce mappings");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
