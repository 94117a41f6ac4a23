// SPDX-License-Identifier: GPL-2.0-only
/*
 * One instance of the kernel's own swiotlb: kernel/dma/swiotlb.c from
 * Debian's linux-source, unmodified, over kshim.h, plus the calls the
 * benchmark makes, the way dma-direct makes them (dma_direct_map_page()
 * calls swiotlb_map(), dma_direct_unmap_page() swiotlb_tbl_unmap_single()).
 * The Makefile builds it once per pool size and hides every symbol but
 * the SWIOTLB_INST_* entry points, so two instances live in one process.
 */
#include "swiotlb.c"
#include "swiotlb_inst.h"

#define __inst __attribute__((__visibility__("default")))

/* Return: 0, or -ENOMEM. */
__inst int SWIOTLB_INST_INIT(size_t bytes, struct device *dev)
{
	int err = swiotlb_init_late(bytes, GFP_KERNEL, NULL);

	if (!err)
		swiotlb_dev_init(dev);
	return err;
}

/* Return: the slot's address, or DMA_MAPPING_ERROR. */
__inst dma_addr_t SWIOTLB_INST_MAP(struct device *dev, phys_addr_t phys,
				   size_t size, enum dma_data_direction dir)
{
	return swiotlb_map(dev, phys, size, dir, 0);
}

__inst void SWIOTLB_INST_UNMAP(struct device *dev, dma_addr_t addr,
			       size_t size, enum dma_data_direction dir)
{
	swiotlb_tbl_unmap_single(dev, addr, size, dir, 0);
}

/* Return: slots in use (mem_used()), 0 when every mapping was released. */
__inst unsigned long SWIOTLB_INST_USED(void)
{
	return mem_used(&io_tlb_default_mem);
}
