/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-device bounce counts of the kernel's swiotlb without any cvmguard
 * module: an in-kernel histogram (a hist trigger) on the
 * swiotlb:swiotlb_bounced tracepoint, read through tracefs.
 */
#ifndef CVMCTL_SWTRACE_H
#define CVMCTL_SWTRACE_H

#include <stdbool.h>
#include <stdint.h>

struct cvm_swtrace_dev {
	char name[64];
	uint64_t maps;		/* tracepoint hits: one per swiotlb_map() */
	uint64_t bytes;		/* their sizes added up */
};

int cvm_swtrace_read(struct cvm_swtrace_dev *devs, int max, const char **why);
int cvm_swtrace_set(bool on);

#endif
