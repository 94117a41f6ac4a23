/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_convert: the shared-page ledger. Every page a cvmguard module shares
 * with the host goes through these calls, so the ledger knows how much
 * guest memory is shared, who shared it, and which pages were withheld
 * because converting them back to private failed.
 *
 * Addresses are in the kernel's linear map (page_address(), kmalloc'd
 * page-aligned memory, alloc_pages_exact()); the ledger is keyed by pfn.
 * An owner tag names the caller in the ledger (at most
 * CVM_CONVERT_OWNER_LEN - 1 characters, longer tags are cut).
 */
#ifndef _CVM_CONVERT_H
#define _CVM_CONVERT_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <uapi/linux/cvm.h>

#define CVM_CONVERT_OWNER_LEN	64

int cvm_convert_share(const char *owner, void *addr, size_t npages);
int cvm_convert_unshare(const char *owner, void *addr, size_t npages);
void *cvm_convert_alloc_shared(const char *owner, size_t npages, gfp_t gfp);
int cvm_convert_free_shared(const char *owner, void *addr, size_t npages);
int cvm_convert_state(const void *addr, size_t npages);

#endif /* _CVM_CONVERT_H */
