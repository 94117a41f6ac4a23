/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_bounce: the hardened bounce-buffer pool. A client (a device, or a
 * kernel user of this API such as the test-only cvm_hostsim) maps a private
 * buffer into a slot of shared memory, hands the slot's address to its
 * device and unmaps it when the device is done; all of it accounted per
 * client. The pool's memory comes from cvm_convert (owner "cvm_bounce").
 *
 * Addresses are physical addresses of the shared slot; a dma_map_ops user
 * converts them with phys_to_dma_unencrypted(). Misuse (an unmap or sync
 * of anything but a live mapping of the same client with the same size and
 * direction) is refused, counted and reported; it never corrupts memory.
 */
#ifndef _CVM_BOUNCE_H
#define _CVM_BOUNCE_H

#include <linux/dma-direction.h>
#include <linux/types.h>

struct cvm_bounce_client;

/* Flags of cvm_bounce_map() and cvm_bounce_unmap(). */
#define CVM_BOUNCE_MAY_SLEEP	BIT(0)	/* may wait for room (wait_ms policy) */
#define CVM_BOUNCE_SKIP_SYNC	BIT(1)	/* no copy (DMA_ATTR_SKIP_CPU_SYNC) */

struct cvm_bounce_client *cvm_bounce_client_new(const char *name);
int cvm_bounce_client_free(struct cvm_bounce_client *c);

int cvm_bounce_map(struct cvm_bounce_client *c, phys_addr_t orig, size_t size,
		   enum dma_data_direction dir, u64 min_align_mask,
		   unsigned int flags, phys_addr_t *slot);
int cvm_bounce_unmap(struct cvm_bounce_client *c, phys_addr_t slot,
		     size_t size, enum dma_data_direction dir,
		     unsigned int flags);
int cvm_bounce_sync_for_cpu(struct cvm_bounce_client *c, phys_addr_t slot,
			    size_t size, enum dma_data_direction dir);
int cvm_bounce_sync_for_device(struct cvm_bounce_client *c, phys_addr_t slot,
			       size_t size, enum dma_data_direction dir);
size_t cvm_bounce_max_mapping_size(u64 min_align_mask);
unsigned int cvm_bounce_slot_size(void);
int cvm_bounce_grow_now(void);
int cvm_bounce_shrink_now(void);

#endif /* _CVM_BOUNCE_H */
