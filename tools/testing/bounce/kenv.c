// SPDX-License-Identifier: GPL-2.0-only
/* The kernel around map.c and pool.c in userspace: see kenv.h. */
#include <unistd.h>
#include "kenv.h"

/* volatile as the kernel's: read anew at every use. */
volatile unsigned long jiffies = 1000;
void *high_memory = (void *)~0UL;
struct cvm_bounce_policy cvm_bounce_policy;
struct kenv_reports kenv;

int kshim_possible_cpus(void)
{
	static int n;

	if (!n)
		n = sysconf(_SC_NPROCESSORS_CONF);
	return n;
}

void *kmalloc(size_t n, gfp_t gfp)
{
	void *p = aligned_alloc(64, ALIGN(n, 64));

	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, n);
	return p;
}

void *kzalloc(size_t n, gfp_t gfp)
{
	return kmalloc(n, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t m, gfp_t gfp)
{
	return kzalloc(n * m, gfp);
}

void kfree(const void *p)
{
	free((void *)p);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return (unsigned long)p;
}

void free_pages(unsigned long addr, unsigned int order)
{
	free((void *)addr);
}

/* Shared memory is ordinary memory here: conversions are not the subject. */
void *cvm_convert_alloc_shared(const char *owner, size_t npages, gfp_t gfp)
{
	void *p = (void *)__get_free_pages(gfp, get_order(npages * PAGE_SIZE));

	return p ? p : ERR_PTR(-ENOMEM);
}

int cvm_convert_free_shared(const char *owner, void *addr, size_t npages)
{
	free(addr);
	return 0;
}

void cvm_bounce_misuse(struct cvm_bounce_client *c, u32 kind,
		       phys_addr_t addr, size_t size, int err)
{
	kenv.misuses++;
	kenv.last_kind = kind;
	kenv.last_err = err;
}

/* One client per program: its slots in flight, as client.c sums them. */
long cvm_bounce_client_inflight(struct cvm_bounce_client *c)
{
	return c->pcpu->slots;
}

void cvm_bounce_notify(u32 event, const char *name, u64 addr, u64 size,
		       int error)
{
	kenv.notices++;
}

static void kenv_die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s\n", prog, what);
	exit(1);
}

struct cvm_bounce_client *kenv_start(const char *prog, const char *name)
{
	struct cvm_bounce_client *c;

	if (cvm_bounce_pool_init(KENV_SLOT_SIZE, KENV_CHUNK_KIB,
				 KENV_INIT_CHUNKS, KENV_MAX_CHUNKS,
				 KENV_MAX_MAP_KIB))
		kenv_die(prog, "cvm_bounce_pool_init failed");
	if (cvm_bounce_pool_get())
		kenv_die(prog, "cvm_bounce_pool_get failed");
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		kenv_die(prog, "out of memory");
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->zero_from_device = -1;
	c->pcpu = alloc_percpu(struct cvm_bounce_client_pcpu);
	if (!c->pcpu)
		kenv_die(prog, "out of memory");
	return c;
}
