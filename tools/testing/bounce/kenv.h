/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel and the rest of cvm_bounce give map.c and pool.c when
 * they are built in userspace over kshim.h (bench_native, test_map): the
 * allocators, conversions that only allocate, and the reporting calls,
 * which count what they are told.
 */
#ifndef _KENV_H
#define _KENV_H

#include "kshim.h"
#include "../../../kernel/bounce/bounce.h"

/* What cvm_bounce_misuse() and cvm_bounce_notify() were told. */
struct kenv_reports {
	unsigned long misuses;
	unsigned long notices;
	u32 last_kind;
	int last_err;
};
extern struct kenv_reports kenv;

/*
 * The pool with cvm_bounce's default geometry and one client on it, as
 * cvm_bounce_client_create() makes (client.c is not built here); exits
 * the program when it cannot.
 */
struct cvm_bounce_client *kenv_start(const char *prog, const char *name);

#define KENV_SLOT_SIZE	2048	/* kernel/bounce/main.c's defaults */
#define KENV_CHUNK_KIB	1024
#define KENV_INIT_CHUNKS 16
#define KENV_MAX_CHUNKS	64
#define KENV_MAX_MAP_KIB 256

#endif /* _KENV_H */
