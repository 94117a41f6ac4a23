// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_hostsim_dma: TEST-ONLY. The differential DMA contract test: one
 * table of DMA API call sequences runs on a platform device, once while
 * the device uses the kernel's swiotlb (the guest boots with
 * swiotlb=force) and once with cvm_bounce attached to it. After every
 * step it records what the CPU buffer holds and what the host can read in
 * the bounce slot, and the second run is compared with the first: the
 * kernel's own swiotlb is the reference, no expected data is written by
 * hand. /sys/kernel/debug/cvm_hostsim_dma/ctl takes:
 *
 *   reference   run the table, keep what each step showed
 *   compare     run it again and compare -> the summary line, then one
 *               line per difference (at most 16)
 *   hold        act as a driver that leaves things behind: allocate
 *               DMAC_HOLD_PAGES pages of coherent memory and map
 *               DMAC_HOLD_MAPS small buffers, ending none of them
 *   free-coherent  free the coherent memory "hold" took
 *   peek-held   read the host's side of what "hold" mapped ->
 *               "held: N of M bytes not zero" (each buffer is mapped
 *               holding DMAC_HOLD_BYTE; after a detach reclaimed them the
 *               host must read zeros, whatever the scrub policy)
 *   forget      free the buffers "hold" mapped, without unmapping them
 *               (cvm_bounce's detach has reclaimed them by then)
 *   alloc-atomic  allocate a page of coherent memory with GFP_ATOMIC and
 *               free it: the write fails with ENOMEM if it was refused
 *   mask BITS   dma_set_mask_and_coherent() to BITS bits: the write
 *               fails with its error
 *
 * A difference is allowed only where a named cvm_bounce policy says so
 * (Documentation/admin-guide.md), each counted as a named exception:
 *
 *   zero-from-device  in a sequence with a DMA_FROM_DEVICE mapping, a byte
 *                     swiotlb shows as the private buffer's is zero
 *   strict-direction  in a sequence that syncs or unmaps a DMA_TO_DEVICE
 *                     mapping as DMA_FROM_DEVICE, the CPU buffer keeps
 *                     its own bytes where swiotlb copied the host's
 *
 * The device is "cvm-dmacontract" on the platform bus, with no driver,
 * so that the pool can be attached to it by name.
 */

#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define DMAC_NAME	"cvm-dmacontract"
#define DMAC_GUARD	64		/* bytes recorded on each side */
#define DMAC_MAXSTEPS	12
#define DMAC_NSG	3
#define DMAC_OUT	4096
#define DMAC_HOLD_PAGES	3
#define DMAC_HOLD_MAPS	5
#define DMAC_HOLD_LEN	100
#define DMAC_HOLD_BYTE	0x5a

enum dmac_op {
	DMAC_END,
	DMAC_MAP,	/* dir, attrs */
	DMAC_UNMAP,	/* dir, len (0: as mapped), attrs */
	DMAC_SYNC_CPU,	/* dir, off, len */
	DMAC_SYNC_DEV,	/* dir, off, len */
	DMAC_DEV_WRITE,	/* off, len, byte: the host writes the slot */
	DMAC_CPU_WRITE,	/* off, len, byte: the driver writes its buffer */
};

/* What a sequence may show that swiotlb does not: the policy it names. */
enum dmac_kind { DMAC_EXACT, DMAC_FROM, DMAC_STRICT };

static const char *const dmac_kind_names[] = {
	[DMAC_EXACT] = "exact",
	[DMAC_FROM] = "zero-from-device",
	[DMAC_STRICT] = "strict-direction",
};

struct dmac_step {
	u8 op;
	u8 dir;
	u8 byte;
	u32 off;
	u32 len;
	unsigned long attrs;
};

/**
 * struct dmac_seq - one sequence of the table, from a fresh buffer
 * @name: for the report
 * @kind: the one policy whose differences it may show
 * @mask: the device's min_align_mask for it
 * @off: offset of the buffer in its pages (its alignment class)
 * @size: bytes mapped; 0 means dma_max_mapping_size() of the device
 * @sg: map a scatterlist of DMAC_NSG entries of @sg_len bytes each at
 *	@sg_off in their pages, instead of one buffer
 * @sg_off: see @sg
 * @sg_len: see @sg
 * @steps: ended by DMAC_END
 */
struct dmac_seq {
	const char *name;
	u8 kind;
	u64 mask;
	u32 off;
	u32 size;
	bool sg;
	u32 sg_off[DMAC_NSG];
	u32 sg_len[DMAC_NSG];
	struct dmac_step steps[DMAC_MAXSTEPS];
};

#define TO	DMA_TO_DEVICE
#define FROM	DMA_FROM_DEVICE
#define BIDI	DMA_BIDIRECTIONAL
#define SKIP	DMA_ATTR_SKIP_CPU_SYNC
#define MAP(d, a)		{ DMAC_MAP, d, 0, 0, 0, a }
#define UNMAP(d, l, a)		{ DMAC_UNMAP, d, 0, 0, l, a }
#define SYNC_CPU(d, o, l)	{ DMAC_SYNC_CPU, d, 0, o, l, 0 }
#define SYNC_DEV(d, o, l)	{ DMAC_SYNC_DEV, d, 0, o, l, 0 }
#define DEV_WRITE(o, l, b)	{ DMAC_DEV_WRITE, 0, b, o, l, 0 }
#define CPU_WRITE(o, l, b)	{ DMAC_CPU_WRITE, 0, b, o, l, 0 }

/* The contract, by direction, sync, attribute, size and alignment. */
static const struct dmac_seq dmac_table[] = {
	{ "to: map, device reads, unmap", DMAC_EXACT, 0, 100, 3000,
	  .steps = { MAP(TO, 0), UNMAP(TO, 0, 0) } },
	{ "to: driver writes, sync for device, partial", DMAC_EXACT, 0, 0, 8192,
	  .steps = { MAP(TO, 0), CPU_WRITE(100, 5000, 0x11),
		     SYNC_DEV(TO, 1000, 2000), SYNC_DEV(TO, 0, 8192),
		     UNMAP(TO, 0, 0) } },
	{ "from: device writes all, unmap", DMAC_FROM, 0, 0, 4096,
	  .steps = { MAP(FROM, 0), DEV_WRITE(0, 4096, 0x5a),
		     UNMAP(FROM, 0, 0) } },
	{ "from: short device write, full unmap", DMAC_FROM, 0, 300, 6000,
	  .steps = { MAP(FROM, 0), DEV_WRITE(10, 100, 0x5a),
		     UNMAP(FROM, 0, 0) } },
	{ "from: partial syncs for cpu and device", DMAC_FROM, 0, 0, 8192,
	  .steps = { MAP(FROM, 0), DEV_WRITE(0, 8192, 0x21),
		     SYNC_CPU(FROM, 2048, 100), CPU_WRITE(0, 8192, 0x31),
		     SYNC_DEV(FROM, 0, 8192), DEV_WRITE(4000, 10, 0x41),
		     SYNC_CPU(FROM, 0, 8192), UNMAP(FROM, 0, 0) } },
	{ "from: skip cpu sync at unmap", DMAC_FROM, 0, 0, 2048,
	  .steps = { MAP(FROM, 0), DEV_WRITE(0, 2048, 0x66),
		     UNMAP(FROM, 0, SKIP) } },
	{ "to: skip cpu sync at map", DMAC_EXACT, 0, 64, 5000,
	  .steps = { MAP(TO, SKIP), SYNC_DEV(TO, 0, 5000),
		     UNMAP(TO, 0, SKIP) } },
	{ "from: skip cpu sync at map, short write", DMAC_FROM, 0, 0, 4096,
	  .steps = { MAP(FROM, SKIP), DEV_WRITE(0, 16, 0x77),
		     UNMAP(FROM, 0, 0) } },
	{ "bidi: map, device writes, unmap", DMAC_EXACT, 0, 8, 10000,
	  .steps = { MAP(BIDI, 0), DEV_WRITE(500, 600, 0x12),
		     UNMAP(BIDI, 0, 0) } },
	{ "bidi: synced as to-device and from-device", DMAC_EXACT, 0, 0, 4096,
	  .steps = { MAP(BIDI, 0), CPU_WRITE(0, 4096, 0x13),
		     SYNC_DEV(TO, 0, 4096), DEV_WRITE(0, 2048, 0x14),
		     SYNC_DEV(FROM, 0, 4096), SYNC_CPU(TO, 0, 4096),
		     SYNC_CPU(FROM, 1024, 2048), SYNC_CPU(BIDI, 0, 100),
		     UNMAP(BIDI, 0, 0) } },
	{ "bidi: unmap with a smaller size", DMAC_EXACT, 0, 0, 6000,
	  .steps = { MAP(BIDI, 0), DEV_WRITE(0, 6000, 0x15),
		     UNMAP(BIDI, 4000, 0) } },
	{ "to: unmapped as from-device", DMAC_STRICT, 0, 0, 4096,
	  .steps = { MAP(TO, 0), DEV_WRITE(0, 4096, 0x16),
		     UNMAP(FROM, 0, 0) } },
	{ "to: synced for cpu as from-device", DMAC_STRICT, 0, 0, 4096,
	  .steps = { MAP(TO, 0), DEV_WRITE(0, 4096, 0x17),
		     SYNC_CPU(FROM, 0, 4096), UNMAP(TO, 0, 0) } },
	/* Long syncs are copied a page at a time, relocking in between. */
	{ "bidi: long syncs of every direction", DMAC_EXACT, 0, 300, 70000,
	  .steps = { MAP(BIDI, 0), CPU_WRITE(0, 70000, 0x1c),
		     SYNC_DEV(TO, 1, 69000), DEV_WRITE(0, 70000, 0x1d),
		     SYNC_CPU(FROM, 4095, 60001), CPU_WRITE(8000, 30000, 0x1e),
		     SYNC_DEV(BIDI, 0, 70000), DEV_WRITE(65000, 5000, 0x1f),
		     SYNC_CPU(BIDI, 0, 70000), UNMAP(BIDI, 0, 0) } },
	{ "from: long partial syncs for cpu", DMAC_FROM, 0, 4000, 65536,
	  .steps = { MAP(FROM, 0), DEV_WRITE(0, 65536, 0x20),
		     SYNC_CPU(FROM, 4097, 40000), DEV_WRITE(100, 50000, 0x22),
		     SYNC_CPU(FROM, 0, 65536), UNMAP(FROM, 0, SKIP) } },
	{ "nvme mask, bit 11 set", DMAC_EXACT, 0xfff, 0xa00, 5000,
	  .steps = { MAP(BIDI, 0), DEV_WRITE(0, 100, 0x18),
		     UNMAP(BIDI, 0, 0) } },
	{ "sg: entries crossing slots, to-device", DMAC_EXACT, 0, 0, 0, true,
	  { 100, 2000, 4000 }, { 3000, 5000, 700 },
	  .steps = { MAP(TO, 0), CPU_WRITE(0, 9000, 0x19),
		     SYNC_DEV(TO, 0, 0), UNMAP(TO, 0, 0) } },
	{ "sg: entries crossing slots, from-device", DMAC_FROM, 0, 0, 0, true,
	  { 2047, 1, 512 }, { 4097, 2048, 3000 },
	  .steps = { MAP(FROM, 0), DEV_WRITE(0, 100, 0x1a),
		     SYNC_CPU(FROM, 0, 0), UNMAP(FROM, 0, 0) } },
};

/*
 * Every 512-byte alignment class at the largest mapping, for the masks
 * of real devices: each placeable, data intact (the allocator's oracle,
 * here against the kernel's own maximum).
 */
static const u64 dmac_max_masks[] = { 0, 0x7ff, 0xfff };

#define DMAC_NMAX	(ARRAY_SIZE(dmac_max_masks) * 8)
#define DMAC_NSEQ	(ARRAY_SIZE(dmac_table) + DMAC_NMAX)

static struct dmac_seq dmac_seq_at(unsigned int i)
{
	struct dmac_seq s = { .name = "max size", .kind = DMAC_EXACT,
		.steps = { MAP(BIDI, 0), DEV_WRITE(0, 4096, 0x1b),
			   SYNC_CPU(BIDI, 0, 8192), UNMAP(BIDI, 0, 0) } };

	if (i < ARRAY_SIZE(dmac_table))
		return dmac_table[i];
	i -= ARRAY_SIZE(dmac_table);
	s.mask = dmac_max_masks[i / 8];
	s.off = (i % 8) * 512 + (i & 1 ? 511 : 0);
	return s;
}

/* One recorded step: the CPU buffer with its guards, and the slot. */
struct dmac_snap {
	int ret;
	u32 cpu_len, host_len;
	u8 *cpu, *host;
};

static DEFINE_MUTEX(dmac_lock);
static struct platform_device *dmac_pdev;
static struct dentry *dmac_dir;
static struct dmac_snap *dmac_ref;	/* [DMAC_NSEQ * DMAC_MAXSTEPS] */
static char *dmac_out, *dmac_diff;
static size_t dmac_out_len, dmac_diff_len;
/* What "hold" left behind, as a driver that unbinds carelessly does. */
static void *dmac_hold_va, *dmac_hold_buf[DMAC_HOLD_MAPS];
static dma_addr_t dmac_hold_dma, dmac_hold_map[DMAC_HOLD_MAPS];

struct dmac_run {
	bool compare;
	u32 steps, diffs, exceptions[ARRAY_SIZE(dmac_kind_names)];
};

/* The differences, one a line, printed after the summary. */
static void dmac_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dmac_diff_len += vscnprintf(dmac_diff + dmac_diff_len,
				    DMAC_OUT - dmac_diff_len, fmt, ap);
	va_end(ap);
}

static u8 dmac_fill(u32 seq, u32 i)
{
	return 0x80 | ((i * 13 + seq * 7 + 1) & 0x7f);
}

/* The mapping or scatterlist being exercised. */
struct dmac_map {
	u8 *buf[DMAC_NSG];
	size_t alloc[DMAC_NSG];
	u32 off[DMAC_NSG], len[DMAC_NSG], n;
	struct scatterlist sg[DMAC_NSG];
	dma_addr_t dma[DMAC_NSG];
	int nents;
	bool mapped;
};

static u32 dmac_total(const struct dmac_map *m)
{
	u32 i, t = 0;

	for (i = 0; i < m->n; i++)
		t += m->len[i];
	return t;
}

/* Byte @pos of the whole mapping, in entry order, as the CPU or host sees it. */
static u8 *dmac_at(const struct dmac_map *m, u32 pos, bool host, u32 *entry,
		   u32 *in)
{
	u32 i;

	for (i = 0; i < m->n && pos >= m->len[i]; i++)
		pos -= m->len[i];
	if (i == m->n)
		return NULL;
	*entry = i;
	*in = pos;
	if (host)
		return phys_to_virt(dma_to_phys(&dmac_pdev->dev, m->dma[i])) +
		       pos;
	return m->buf[i] + m->off[i] + pos;
}

static void dmac_write(struct dmac_map *m, u32 off, u32 len, u8 byte,
		       bool host)
{
	u32 e, in, k;

	for (k = 0; k < len; k++) {
		u8 *p = dmac_at(m, off + k, host, &e, &in);

		if (p)
			*p = byte;
	}
}

static int dmac_map_all(struct dmac_map *m, const struct dmac_step *st)
{
	struct device *dev = &dmac_pdev->dev;
	u32 i;

	if (m->nents < 0) {
		m->dma[0] = dma_map_single_attrs(dev, m->buf[0] + m->off[0],
						 m->len[0], st->dir, st->attrs);
		if (dma_mapping_error(dev, m->dma[0]))
			return -ENOMEM;
		m->mapped = true;
		return 0;
	}
	sg_init_table(m->sg, m->n);
	for (i = 0; i < m->n; i++)
		sg_set_buf(&m->sg[i], m->buf[i] + m->off[i], m->len[i]);
	if (dma_map_sg_attrs(dev, m->sg, m->n, st->dir, st->attrs) != m->n)
		return -ENOMEM;
	for (i = 0; i < m->n; i++)
		m->dma[i] = sg_dma_address(&m->sg[i]);
	m->mapped = true;
	return 0;
}

/* A sync of [off, off + len) of a single mapping, or of the whole list. */
static void dmac_sync(struct dmac_map *m, const struct dmac_step *st,
		      bool for_cpu)
{
	struct device *dev = &dmac_pdev->dev;

	if (m->nents >= 0) {
		if (for_cpu)
			dma_sync_sg_for_cpu(dev, m->sg, m->n, st->dir);
		else
			dma_sync_sg_for_device(dev, m->sg, m->n, st->dir);
	} else if (for_cpu) {
		dma_sync_single_for_cpu(dev, m->dma[0] + st->off, st->len,
					st->dir);
	} else {
		dma_sync_single_for_device(dev, m->dma[0] + st->off, st->len,
					   st->dir);
	}
}

static int dmac_do(struct dmac_map *m, const struct dmac_step *st)
{
	struct device *dev = &dmac_pdev->dev;

	switch (st->op) {
	case DMAC_MAP:
		return dmac_map_all(m, st);
	case DMAC_UNMAP:
		if (!m->mapped)
			return -ENOENT;
		if (m->nents >= 0)
			dma_unmap_sg_attrs(dev, m->sg, m->n, st->dir, st->attrs);
		else
			dma_unmap_single_attrs(dev, m->dma[0],
					       st->len ?: m->len[0], st->dir,
					       st->attrs);
		m->mapped = false;
		return 0;
	case DMAC_SYNC_CPU:
	case DMAC_SYNC_DEV:
		if (!m->mapped)
			return -ENOENT;
		dmac_sync(m, st, st->op == DMAC_SYNC_CPU);
		return 0;
	case DMAC_DEV_WRITE:
		if (!m->mapped)
			return -ENOENT;
		dmac_write(m, st->off, st->len, st->byte, true);
		return 0;
	case DMAC_CPU_WRITE:
		dmac_write(m, st->off, st->len, st->byte, false);
		return 0;
	}
	return -EINVAL;
}

/* What the step left: CPU buffers with guards, and the slots if mapped. */
static int dmac_take(const struct dmac_map *m, int ret, struct dmac_snap *s)
{
	u32 i, pos = 0, e, in, total = dmac_total(m);

	s->ret = ret;
	s->cpu_len = 0;
	for (i = 0; i < m->n; i++)
		s->cpu_len += m->len[i] + 2 * DMAC_GUARD;
	s->host_len = m->mapped ? total : 0;
	s->cpu = kvmalloc(s->cpu_len, GFP_KERNEL);
	s->host = s->host_len ? kvmalloc(s->host_len, GFP_KERNEL) : NULL;
	if (!s->cpu || (s->host_len && !s->host))
		return -ENOMEM;
	for (i = 0; i < m->n; i++) {
		memcpy(s->cpu + pos, m->buf[i] + m->off[i] - DMAC_GUARD,
		       m->len[i] + 2 * DMAC_GUARD);
		pos += m->len[i] + 2 * DMAC_GUARD;
	}
	for (i = 0; i < s->host_len; i++)
		s->host[i] = *dmac_at(m, i, true, &e, &in);
	return 0;
}

static void dmac_free_snap(struct dmac_snap *s)
{
	kvfree(s->cpu);
	kvfree(s->host);
	s->cpu = NULL;
	s->host = NULL;
}

/*
 * Whether @cur may differ from @ref under the sequence's policy: every
 * differing byte is explained by it. Returns false for a plain difference.
 */
static bool dmac_explained(u8 kind, const u8 *ref, const u8 *cur, u32 len,
			   bool host, const u8 *orig)
{
	u32 i;

	for (i = 0; i < len; i++) {
		if (ref[i] == cur[i])
			continue;
		if (kind == DMAC_FROM && !cur[i])
			continue;
		/* The CPU buffer keeps its own bytes, never the host's. */
		if (kind == DMAC_STRICT && !host && orig && cur[i] == orig[i])
			continue;
		return false;
	}
	return true;
}

static void dmac_compare(struct dmac_run *r, u32 seq, u32 step, u8 kind,
			 const struct dmac_snap *ref,
			 const struct dmac_snap *cur, const u8 *orig)
{
	const char *what = NULL;
	bool named = false;

	r->steps++;
	if (ref->ret != cur->ret) {
		what = "return value";
	} else if (ref->cpu_len != cur->cpu_len ||
		   ref->host_len != cur->host_len) {
		what = "extent";
	} else if (memcmp(ref->cpu, cur->cpu, cur->cpu_len)) {
		what = "cpu buffer";
		named = kind != DMAC_EXACT &&
			dmac_explained(kind, ref->cpu, cur->cpu, cur->cpu_len,
				       false, orig);
	} else if (cur->host_len && memcmp(ref->host, cur->host, cur->host_len)) {
		what = "host view";
		named = kind == DMAC_FROM &&
			dmac_explained(kind, ref->host, cur->host,
				       cur->host_len, true, NULL);
	}
	if (!what)
		return;
	if (named) {
		r->exceptions[kind]++;
		return;
	}
	if (r->diffs++ < 16)
		dmac_printf("difference: %s, step %u: %s (ret %d vs %d)\n",
			    dmac_seq_at(seq).name, step, what, cur->ret,
			    ref->ret);
}

static int dmac_run_seq(struct dmac_run *r, u32 seq)
{
	struct dmac_seq s = dmac_seq_at(seq);
	struct device *dev = &dmac_pdev->dev;
	struct dmac_map m = { .nents = s.sg ? 0 : -1 };
	struct dmac_snap cur = { };
	u8 *orig = NULL;
	u32 i, k, pos = 0;
	int err = 0, ret;

	dma_set_min_align_mask(dev, s.mask);
	m.n = s.sg ? DMAC_NSG : 1;
	for (i = 0; i < m.n; i++) {
		m.off[i] = s.sg ? s.sg_off[i] : s.off;
		m.len[i] = s.sg ? s.sg_len[i] :
			   s.size ?: (u32)dma_max_mapping_size(dev);
		/* Room for the guards on both sides. */
		m.alloc[i] = PAGE_ALIGN(PAGE_SIZE + m.off[i] + m.len[i] +
					DMAC_GUARD);
		m.buf[i] = alloc_pages_exact(m.alloc[i], GFP_KERNEL);
		if (!m.buf[i]) {
			err = -ENOMEM;
			goto out;
		}
		/* The buffer starts a page in, at its alignment class. */
		m.off[i] += PAGE_SIZE;
		for (k = 0; k < m.alloc[i]; k++)
			m.buf[i][k] = dmac_fill(seq, k + i);
	}
	orig = kvmalloc(dmac_total(&m) + m.n * 2 * DMAC_GUARD, GFP_KERNEL);
	if (!orig) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < m.n; i++) {
		memcpy(orig + pos, m.buf[i] + m.off[i] - DMAC_GUARD,
		       m.len[i] + 2 * DMAC_GUARD);
		pos += m.len[i] + 2 * DMAC_GUARD;
	}
	for (k = 0; k < DMAC_MAXSTEPS && s.steps[k].op != DMAC_END; k++) {
		struct dmac_snap *ref = &dmac_ref[seq * DMAC_MAXSTEPS + k];
		struct dmac_step st = s.steps[k];

		/* Whole-list syncs of a scatterlist carry no range. */
		if (s.sg && !st.len && st.op != DMAC_UNMAP)
			st.len = dmac_total(&m);
		ret = dmac_do(&m, &st);
		err = dmac_take(&m, ret, r->compare ? &cur : ref);
		if (err)
			break;
		if (r->compare) {
			dmac_compare(r, seq, k, s.kind, ref, &cur, orig);
			dmac_free_snap(&cur);
		} else {
			r->steps++;
		}
		/* A failed map ends the sequence, in both runs alike. */
		if (st.op == DMAC_MAP && ret)
			break;
	}
	if (m.mapped) {
		struct dmac_step un = UNMAP(s.steps[0].dir, 0, SKIP);

		dmac_do(&m, &un);
	}
out:
	dmac_free_snap(&cur);
	kvfree(orig);
	for (i = 0; i < m.n; i++)
		if (m.buf[i])
			free_pages_exact(m.buf[i], m.alloc[i]);
	dma_set_min_align_mask(dev, 0);
	return err;
}

static void dmac_free_ref(void)
{
	u32 i;

	if (!dmac_ref)
		return;
	for (i = 0; i < DMAC_NSEQ * DMAC_MAXSTEPS; i++)
		dmac_free_snap(&dmac_ref[i]);
	vfree(dmac_ref);
	dmac_ref = NULL;
}

static int dmac_run(bool compare)
{
	struct dmac_run r = { .compare = compare };
	int err = 0;
	u32 i;

	dmac_out_len = 0;
	dmac_diff_len = 0;
	if (compare && !dmac_ref)
		return -ENODATA;
	if (!compare) {
		dmac_free_ref();
		dmac_ref = vzalloc(array_size(DMAC_NSEQ * DMAC_MAXSTEPS,
					      sizeof(*dmac_ref)));
		if (!dmac_ref)
			return -ENOMEM;
	}
	for (i = 0; i < DMAC_NSEQ && !err; i++)
		err = dmac_run_seq(&r, i);
	if (err)
		return err;
	if (!compare) {
		dmac_out_len = scnprintf(dmac_out, DMAC_OUT,
					 "dma-contract: %u steps recorded\n",
					 r.steps);
		return 0;
	}
	dmac_out_len = scnprintf(dmac_out, DMAC_OUT,
				 "dma-contract: %u steps compared, %u differences, %u named exceptions (%s %u, %s %u)\n%s",
				 r.steps, r.diffs,
				 r.exceptions[DMAC_FROM] +
				 r.exceptions[DMAC_STRICT],
				 dmac_kind_names[DMAC_FROM],
				 r.exceptions[DMAC_FROM],
				 dmac_kind_names[DMAC_STRICT],
				 r.exceptions[DMAC_STRICT], dmac_diff);
	return 0;
}

static int dmac_hold(void)
{
	struct device *dev = &dmac_pdev->dev;
	dma_addr_t dma;
	int i;

	if (dmac_hold_va || dmac_hold_buf[0])
		return -EBUSY;
	dmac_hold_va = dma_alloc_coherent(dev, DMAC_HOLD_PAGES * PAGE_SIZE,
					  &dmac_hold_dma, GFP_KERNEL);
	if (!dmac_hold_va)
		return -ENOMEM;
	for (i = 0; i < DMAC_HOLD_MAPS; i++) {
		dmac_hold_buf[i] = kmalloc(DMAC_HOLD_LEN, GFP_KERNEL);
		if (!dmac_hold_buf[i])
			return -ENOMEM;
		memset(dmac_hold_buf[i], DMAC_HOLD_BYTE, DMAC_HOLD_LEN);
		dma = dma_map_single(dev, dmac_hold_buf[i], DMAC_HOLD_LEN,
				     DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		dmac_hold_map[i] = dma;
	}
	return 0;
}

/*
 * The slots stay the pool's after a detach reclaimed them (the test keeps
 * the pool from shrinking meanwhile), so reading them is what the host
 * can do at any time.
 */
static int dmac_peek_held(void)
{
	u32 i, k, nonzero = 0;
	const u8 *p;

	if (!dmac_hold_buf[0])
		return -ENOENT;
	for (i = 0; i < DMAC_HOLD_MAPS; i++) {
		p = phys_to_virt(dma_to_phys(&dmac_pdev->dev,
					     dmac_hold_map[i]));
		for (k = 0; k < DMAC_HOLD_LEN; k++)
			nonzero += READ_ONCE(p[k]) != 0;
	}
	dmac_out_len = scnprintf(dmac_out, DMAC_OUT,
				 "held: %u of %u bytes not zero\n", nonzero,
				 DMAC_HOLD_MAPS * DMAC_HOLD_LEN);
	return 0;
}

static void dmac_free_coherent(void)
{
	if (dmac_hold_va)
		dma_free_coherent(&dmac_pdev->dev, DMAC_HOLD_PAGES * PAGE_SIZE,
				  dmac_hold_va, dmac_hold_dma);
	dmac_hold_va = NULL;
}

static void dmac_forget(void)
{
	int i;

	for (i = 0; i < DMAC_HOLD_MAPS; i++) {
		kfree(dmac_hold_buf[i]);
		dmac_hold_buf[i] = NULL;
	}
}

static int dmac_alloc_atomic(void)
{
	dma_addr_t dma;
	void *va;

	va = dma_alloc_coherent(&dmac_pdev->dev, PAGE_SIZE, &dma, GFP_ATOMIC);
	if (!va)
		return -ENOMEM;
	dma_free_coherent(&dmac_pdev->dev, PAGE_SIZE, va, dma);
	return 0;
}

static ssize_t dmac_ctl_write(struct file *f, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	unsigned int bits;
	char cmd[32];
	int err = 0;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = 0;
	strim(cmd);
	mutex_lock(&dmac_lock);
	if (!strcmp(cmd, "reference"))
		err = dmac_run(false);
	else if (!strcmp(cmd, "compare"))
		err = dmac_run(true);
	else if (!strcmp(cmd, "hold"))
		err = dmac_hold();
	else if (!strcmp(cmd, "free-coherent"))
		dmac_free_coherent();
	else if (!strcmp(cmd, "peek-held"))
		err = dmac_peek_held();
	else if (!strcmp(cmd, "forget"))
		dmac_forget();
	else if (!strcmp(cmd, "alloc-atomic"))
		err = dmac_alloc_atomic();
	else if (sscanf(cmd, "mask %u", &bits) == 1 && bits >= 12 && bits <= 64)
		err = dma_set_mask_and_coherent(&dmac_pdev->dev,
						DMA_BIT_MASK(bits));
	else
		err = -EINVAL;
	mutex_unlock(&dmac_lock);
	return err ?: len;
}

static ssize_t dmac_ctl_read(struct file *f, char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	ssize_t n;

	mutex_lock(&dmac_lock);
	n = simple_read_from_buffer(ubuf, len, ppos, dmac_out, dmac_out_len);
	mutex_unlock(&dmac_lock);
	return n;
}

static const struct file_operations dmac_ctl_fops = {
	.owner	= THIS_MODULE,
	.write	= dmac_ctl_write,
	.read	= dmac_ctl_read,
	.llseek	= default_llseek,
};

static int __init dmac_init(void)
{
	int err;

	dmac_out = kzalloc(DMAC_OUT, GFP_KERNEL);
	dmac_diff = kzalloc(DMAC_OUT, GFP_KERNEL);
	if (!dmac_out || !dmac_diff) {
		kfree(dmac_out);
		kfree(dmac_diff);
		return -ENOMEM;
	}
	dmac_pdev = platform_device_register_simple(DMAC_NAME, -1, NULL, 0);
	if (IS_ERR(dmac_pdev)) {
		kfree(dmac_out);
		kfree(dmac_diff);
		return PTR_ERR(dmac_pdev);
	}
	err = dma_coerce_mask_and_coherent(&dmac_pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		platform_device_unregister(dmac_pdev);
		kfree(dmac_out);
		kfree(dmac_diff);
		return err;
	}
	dmac_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, dmac_dir, NULL, &dmac_ctl_fops);
	pr_info("loaded: test-only module, do not use on a real guest\n");
	return 0;
}

static void __exit dmac_exit(void)
{
	debugfs_remove_recursive(dmac_dir);
	dmac_free_coherent();
	/* An attached pool detaches on removal and reclaims the mappings. */
	platform_device_unregister(dmac_pdev);
	dmac_forget();
	dmac_free_ref();
	kfree(dmac_out);
	kfree(dmac_diff);
}

module_init(dmac_init);
module_exit(dmac_exit);

MODULE_DESCRIPTION("cvmguard test-only differential DMA contract test");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
