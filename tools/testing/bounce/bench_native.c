// SPDX-License-Identifier: GPL-2.0-only
/*
 * Native benchmark of a map+unmap, side by side in one process (make
 * bench-native): cvm_bounce's map.c, pool.c and slots.c, unmodified,
 * against the kernel's own kernel/dma/swiotlb.c from Debian's
 * linux-source, unmodified, with its default 64 MiB pool and with a pool
 * the size of ours, and against the floors: a bare memcpy of the same
 * bytes, and a memset plus a memcpy.
 *
 * Each batch maps and unmaps one buffer BATCH times, timed with the TSC;
 * in every round each side runs one batch, in an order that rotates from
 * round to round, and each ratio printed is the median of the per-round
 * ratios, so a neighbour slowing the machine for a while slows both sides
 * of a ratio, not one. The device never touches the slots: what is timed
 * is what the pools do, not the DMA.
 *
 *   bench_native [ROUNDS]      default 301
 *
 * Rows run with cvm_bounce's default policies, with every policy (the
 * opt-in scrub too) and with none; the goals are measured on the defaults.
 * Ends with one line per goal of issue 16 it measures:
 * "goal NAME: measured X, target Y, met|missed".
 */
#include <unistd.h>
#include <linux/swiotlb.h>
#include "kenv.h"
#include "swiotlb_inst.h"
#include "../bench.h"

#define BATCH		64
#define MAX_SIZE	(64 * 1024)

static void die(const char *what)
{
	fprintf(stderr, "bench_native: %s\n", what);
	exit(1);
}

enum side { CVM, SWIOTLB_DEF, SWIOTLB_MAT, MEMCPY, MEMCPY_MEMSET, NSIDES };
static const char *const side_name[NSIDES] = {
	"cvm_bounce", "swiotlb 64M", "swiotlb 16M", "memcpy", "memset+memcpy",
};

static struct device dev_def, dev_mat;
static u64 dma_mask = ~0ULL;
static struct cvm_bounce_client *client;
static unsigned char *priv, *other;

/* One batch of one side; returns TSC ticks per map+unmap. */
static double batch(enum side s, size_t size, enum dma_data_direction dir)
{
	phys_addr_t orig = __pa(priv), slot;
	dma_addr_t a;
	u64 t0 = tsc();
	int i;

	for (i = 0; i < BATCH; i++) {
		switch (s) {
		case CVM:
			if (cvm_bounce_map(client, orig, size, dir, 0, 0, &slot))
				die("cvm_bounce_map failed");
			if (cvm_bounce_unmap(client, slot, size, dir, 0))
				die("cvm_bounce_unmap failed");
			break;
		case SWIOTLB_DEF:
			a = swiotlb_def_map(&dev_def, orig, size, dir);
			if (a == DMA_MAPPING_ERROR)
				die("swiotlb (64M) map failed");
			swiotlb_def_unmap(&dev_def, a, size, dir);
			break;
		case SWIOTLB_MAT:
			a = swiotlb_mat_map(&dev_mat, orig, size, dir);
			if (a == DMA_MAPPING_ERROR)
				die("swiotlb (16M) map failed");
			swiotlb_mat_unmap(&dev_mat, a, size, dir);
			break;
		case MEMCPY:
			memcpy(other, priv, size);
			break;
		case MEMCPY_MEMSET:
			memset(other, 0, size);
			memcpy(other, priv, size);
			break;
		default:
			break;
		}
		/* Keep the floors' copies from being merged or dropped. */
		__asm__ __volatile__("" : : "r"(other), "r"(priv) : "memory");
	}
	return (double)(tsc() - t0) / BATCH;
}

/*
 * The policies a row runs with: cvm_bounce's defaults (zero_from_device
 * and zero_slack; the goals are measured on these), every policy (the
 * opt-in scrub too), or none.
 */
enum policies { POL_DEFAULT, POL_ALL, POL_OFF, NPOL };
static const char *const pol_name[NPOL] = { "def", "all", "off" };

struct result {
	size_t size;
	enum dma_data_direction dir;
	enum policies pol;
	double ns[NSIDES];	/* median per map+unmap */
	double vs_def, vs_mat;	/* cvm / swiotlb, median of round ratios */
	double floor_cpy;	/* memcpy / cvm: the fraction of bare speed */
	double floor_set;	/* (memset + memcpy) / cvm */
};

static void run_case(struct result *r, int rounds)
{
	double *t[NSIDES], *q[4];
	int k, i;

	cvm_bounce_policy.zero_from_device = r->pol != POL_OFF;
	cvm_bounce_policy.zero_slack = r->pol != POL_OFF;
	cvm_bounce_policy.scrub = r->pol == POL_ALL;
	for (k = 0; k < NSIDES; k++)
		t[k] = calloc(rounds, sizeof(double));
	for (k = 0; k < 4; k++)
		q[k] = calloc(rounds, sizeof(double));
	/* Warm every side up once: first touches are not the steady state. */
	for (k = 0; k < NSIDES; k++)
		batch(k, r->size, r->dir);
	for (i = 0; i < rounds; i++) {
		for (k = 0; k < NSIDES; k++) {
			enum side s = (i + k) % NSIDES;

			t[s][i] = batch(s, r->size, r->dir);
		}
		q[0][i] = t[CVM][i] / t[SWIOTLB_DEF][i];
		q[1][i] = t[CVM][i] / t[SWIOTLB_MAT][i];
		q[2][i] = t[MEMCPY][i] / t[CVM][i];
		q[3][i] = t[MEMCPY_MEMSET][i] / t[CVM][i];
	}
	for (k = 0; k < NSIDES; k++) {
		r->ns[k] = median(t[k], rounds) / tsc_ghz;
		free(t[k]);
	}
	r->vs_def = median(q[0], rounds);
	r->vs_mat = median(q[1], rounds);
	r->floor_cpy = median(q[2], rounds);
	r->floor_set = median(q[3], rounds);
	for (k = 0; k < 4; k++)
		free(q[k]);
}


int main(int argc, char **argv)
{
	static const size_t sizes[] = { 256, 1536, 4096, 16384, 65536 };
	static const enum dma_data_direction dirs[] = {
		DMA_TO_DEVICE, DMA_FROM_DEVICE,
	};
	struct result res[ARRAY_SIZE(sizes) * 2 * NPOL], *r;
	struct cvm_bounce_stats st;
	int rounds = argc > 1 ? atoi(argv[1]) : 301;
	double g_def = 0, g_mat = 0, g_mat64 = 0, g_floor = 1e9,
	       g_floor_pol = 1e9;
	unsigned int n = 0, i, j, p;

	if (rounds < 1)
		die("usage: bench_native [ROUNDS]");
	calibrate();
	priv = aligned_alloc(PAGE_SIZE, MAX_SIZE);
	other = aligned_alloc(PAGE_SIZE, MAX_SIZE);
	if (!priv || !other)
		die("out of memory");
	for (i = 0; i < MAX_SIZE; i++)
		priv[i] = i * 7 + 1;
	memset(other, 0, MAX_SIZE);

	dev_def.init_name = "def";
	dev_def.dma_mask = &dma_mask;
	dev_mat.init_name = "mat";
	dev_mat.dma_mask = &dma_mask;
	if (swiotlb_def_init(IO_TLB_DEFAULT_SIZE, &dev_def) ||
	    swiotlb_mat_init((size_t)KENV_INIT_CHUNKS * KENV_CHUNK_KIB * 1024, &dev_mat))
		die("swiotlb_init_late failed");
	client = kenv_start("bench_native", "bench");

	printf("bench_native: %d rounds of %d map+unmap per side, %d CPUs (swiotlb areas), TSC %.2f GHz\n",
	       rounds, BATCH, kshim_possible_cpus(), tsc_ghz);
	printf("%-6s %-4s %-3s | %9s %9s %9s %9s %9s | %7s %7s %7s %7s\n",
	       "size", "dir", "pol", "cvm ns", "swt64 ns", "swt16 ns",
	       "cpy ns", "set+cpy", "/swt64", "/swt16", "cpy/cvm", "s+c/cvm");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(dirs); j++) {
			for (p = 0; p < NPOL; p++) {
				r = &res[n++];
				r->size = sizes[i];
				r->dir = dirs[j];
				r->pol = p;
				run_case(r, rounds);
				printf("%-6zu %-4s %-3s | %9.1f %9.1f %9.1f %9.1f %9.1f | %7.2f %7.2f %7.2f %7.2f\n",
				       r->size,
				       r->dir == DMA_TO_DEVICE ? "to" : "from",
				       pol_name[r->pol],
				       r->ns[CVM], r->ns[SWIOTLB_DEF],
				       r->ns[SWIOTLB_MAT], r->ns[MEMCPY],
				       r->ns[MEMCPY_MEMSET], r->vs_def,
				       r->vs_mat, r->floor_cpy, r->floor_set);
				if (r->pol != POL_DEFAULT)
					continue;
				if (r->size == 4096) {
					g_def = max(g_def, r->vs_def);
					g_mat = max(g_mat, r->vs_mat);
				}
				if (r->size == 65536) {
					g_mat64 = max(g_mat64, r->vs_mat);
					g_floor = min(g_floor, r->floor_cpy);
					/*
					 * Zeroing a FROM_DEVICE slot before the
					 * host sees it is the policy: its floor
					 * is a memset plus a memcpy.
					 */
					g_floor_pol = min(g_floor_pol,
						r->dir == DMA_FROM_DEVICE ?
						r->floor_set : r->floor_cpy);
				}
			}
		}
	}
	/* Every side released every slot it took, and nothing misbehaved. */
	cvm_bounce_stats(&st);
	if (swiotlb_def_used() || swiotlb_mat_used() || st.used ||
	    st.maps != st.unmaps || kenv.misuses || kenv.notices)
		die("a pool kept slots, or cvm_bounce reported misuse");
	printf("(pol: def = cvm_bounce's defaults, all = with the opt-in scrub, off = none;\n"
	       " ratios: median of per-round ratios; goals: worst direction, default policies)\n");
	print_goal("native-4k-vs-swiotlb-default", g_def, "<=", 0.4);
	print_goal("native-4k-vs-swiotlb-matched", g_mat, "<=", 0.5);
	print_goal("native-64k-vs-swiotlb-matched", g_mat64, "<=", 0.9);
	print_goal("native-64k-of-memcpy", g_floor, ">=", 0.8);
	print_goal("native-64k-of-policy-floor", g_floor_pol, ">=", 0.8);
	cvm_bounce_pool_exit();
	return 0;
}
