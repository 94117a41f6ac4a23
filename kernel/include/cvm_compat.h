/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included by Kbuild into every cvmguard object, before anything
 * else: the only place that knows about kernel versions, so feature code
 * is written against the newest kernel API and never tests versions.
 */
#ifndef _CVM_COMPAT_H
#define _CVM_COMPAT_H

/* Every message names its module; set before printk.h can default it. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>

/* Hyper-V TDX isolation (6.6) has the value the TLFS gives it. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define HV_ISOLATION_TYPE_TDX 3
#endif

/*
 * dma_map_ops took physical addresses (map_phys/unmap_phys instead of
 * map_page/unmap_page) in 6.19, with DMA_ATTR_MMIO for peer-to-peer
 * mappings that have no struct page.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define CVM_HAVE_DMA_MAP_PHYS 1
#define CVM_DMA_ATTR_MMIO DMA_ATTR_MMIO
#else
#define CVM_DMA_ATTR_MMIO 0
#endif

/*
 * swiotlb's unmap function, as cvm_bounce's observer probes it: 6.1 has
 * swiotlb_tbl_unmap_single(); newer kernels made that an inline wrapper
 * of __swiotlb_tbl_unmap_single() (which takes the pool as well). Both
 * take the device, the bounce address and the size first. The observer
 * tries the names in order.
 */
#define CVM_SWIOTLB_UNMAP_SYMS \
	{ "__swiotlb_tbl_unmap_single", "swiotlb_tbl_unmap_single" }

#endif /* _CVM_COMPAT_H */
