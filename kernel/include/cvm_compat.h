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
 * A device may skip DMA syncs (dev->dma_skip_sync, reset by
 * dma_reset_need_sync()) since 6.11; before, every sync reached the ops.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
struct device;
static inline void dma_reset_need_sync(struct device *dev)
{
}
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

/*
 * virtio_config_ops.find_vqs takes one struct virtqueue_info per queue
 * since 6.11; before, parallel arrays of callbacks, names and ctx flags.
 * CVM_VIRTIO_FIND_VQS(fn); defines the op around fn (newest signature),
 * CVM_VIRTIO_FIND_VQS_OP(fn) names it for the ops table.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
#include <linux/types.h>
struct virtqueue;
struct virtqueue_info {
	const char *name;
	void (*callback)(struct virtqueue *vq);
	bool ctx;
};
#define CVM_VIRTIO_FIND_VQS(fn)						\
static int fn##_compat(struct virtio_device *vdev, unsigned int nvqs,	\
		       struct virtqueue *vqs[], vq_callback_t *callbacks[],\
		       const char * const names[], const bool *ctx,	\
		       struct irq_affinity *desc)			\
{									\
	struct virtqueue_info info[4] = {};				\
	unsigned int i;							\
									\
	if (nvqs > ARRAY_SIZE(info))					\
		return -EINVAL;						\
	for (i = 0; i < nvqs; i++) {					\
		info[i].name = names[i];				\
		info[i].callback = callbacks[i];			\
		info[i].ctx = ctx && ctx[i];				\
	}								\
	return fn(vdev, nvqs, vqs, info, desc);				\
}
#define CVM_VIRTIO_FIND_VQS_OP(fn) fn##_compat
#else
#define CVM_VIRTIO_FIND_VQS(fn) static_assert(__same_type(fn, fn))
#define CVM_VIRTIO_FIND_VQS_OP(fn) fn
#endif

/*
 * The largest order the page allocator hands out: MAX_ORDER counted one
 * past it until 6.4, was the order itself from 6.4, and became
 * MAX_PAGE_ORDER in 6.8.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define CVM_MAX_PAGE_ORDER MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define CVM_MAX_PAGE_ORDER MAX_ORDER
#else
#define CVM_MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

/*
 * The policies generated from the spec keep their ranges const; before 6.2
 * a policy pointed to its range through a plain pointer, which netlink
 * only ever reads.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#include <net/netlink.h>
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

#endif /* _CVM_COMPAT_H */
