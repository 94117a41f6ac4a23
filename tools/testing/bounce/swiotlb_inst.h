/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry points of the two swiotlb instances (swiotlb_inst.c built as
 * swiotlb_def.o, 64 MiB, and swiotlb_mat.o, our pool's size).
 */
#ifndef _SWIOTLB_INST_H
#define _SWIOTLB_INST_H

#define SWIOTLB_INST_DECLARE(p)						\
int swiotlb_##p##_init(size_t bytes, struct device *dev);		\
dma_addr_t swiotlb_##p##_map(struct device *dev, phys_addr_t phys,	\
			     size_t size, enum dma_data_direction dir);	\
void swiotlb_##p##_unmap(struct device *dev, dma_addr_t addr,		\
			 size_t size, enum dma_data_direction dir);	\
unsigned long swiotlb_##p##_used(void)

SWIOTLB_INST_DECLARE(def);
SWIOTLB_INST_DECLARE(mat);

#endif /* _SWIOTLB_INST_H */
