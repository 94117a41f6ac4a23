// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pool as the dma_map_ops of a real device. An administrator attaches
 * it to a device that has no driver bound (netlink pool-attach or the
 * sysfs file attach), then binds the driver, whose streaming DMA then
 * bounces through the pool and whose coherent allocations come from
 * cvm_convert; after unbinding the driver, detach gives the device its
 * own DMA ops back. Every attachment holds a reference on this module.
 *
 * The host can remove a device at any time (hot-unplug): a bus notifier
 * then detaches it, so neither the attachment nor the module reference
 * outlives the device. Drivers do not always end their mappings before
 * unbinding (virtio-input leaves its event buffers mapped, swiotlb leaks
 * them silently); an unbound driver's device has been reset and can no
 * longer DMA, so detach scrubs and takes back what it left, and counts
 * it against the driver.
 *
 * Lock order: the device lock, then cvm_bounce_attach_lock (the bus
 * notifier is called with the device lock held for driver binding).
 *
 * Each attached device gets its own copy of the ops with its client next
 * to it, so a callback finds the client from the device in one step.
 */
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <cvm_convert.h>
#include "bounce.h"

#define CVM_BOUNCE_COHERENT_OWNER	"cvm_bounce-coherent"

/**
 * struct cvm_bounce_attachment - a device the pool is attached to
 * @ops: the device's dma_map_ops (must stay first: found from the device)
 * @client: its counters
 * @dev: the device (a reference is held)
 * @old_ops: its DMA ops before
 * @node: in cvm_bounce_attachments
 * @driver: the driver bound last, to name it when it leaves mappings
 */
struct cvm_bounce_attachment {
	const struct dma_map_ops ops;
	struct cvm_bounce_client *client;
	struct device *dev;
	const struct dma_map_ops *old_ops;
	struct list_head node;
	char driver[32];
};

static LIST_HEAD(cvm_bounce_attachments);
static DEFINE_MUTEX(cvm_bounce_attach_lock);
static const struct dma_map_ops cvm_bounce_dma_ops;

static struct cvm_bounce_client *cvm_bounce_dev_client(struct device *dev)
{
	const struct dma_map_ops *ops = get_dma_ops(dev);

	return container_of(ops, struct cvm_bounce_attachment, ops)->client;
}

static unsigned int cvm_bounce_attrs(unsigned long attrs)
{
	return attrs & DMA_ATTR_SKIP_CPU_SYNC ? CVM_BOUNCE_SKIP_SYNC : 0;
}

static dma_addr_t cvm_bounce_dma_map(struct device *dev, phys_addr_t phys,
				     size_t size, enum dma_data_direction dir,
				     unsigned long attrs)
{
	struct cvm_bounce_client *c = cvm_bounce_dev_client(dev);
	phys_addr_t slot;
	dma_addr_t dma;

	/* MMIO (peer-to-peer) has no private memory to bounce. */
	if (attrs & CVM_DMA_ATTR_MMIO)
		return DMA_MAPPING_ERROR;
	if (cvm_bounce_map(c, phys, size, dir, dma_get_min_align_mask(dev),
			   cvm_bounce_attrs(attrs), &slot))
		return DMA_MAPPING_ERROR;
	dma = phys_to_dma_unencrypted(dev, slot);
	/*
	 * dma_capable() changed its arguments and, in 7.x, calls a helper
	 * that is not exported; the pool's memory is shared, so the address
	 * limits are all there is to check.
	 */
	if (unlikely(dma + size - 1 > min_not_zero(*dev->dma_mask,
						   dev->bus_dma_limit))) {
		cvm_bounce_unmap(c, slot, size, dir, CVM_BOUNCE_SKIP_SYNC);
		dev_err_once(dev, "bounce pool above the DMA mask %#llx\n",
			     *dev->dma_mask);
		return DMA_MAPPING_ERROR;
	}
	return dma;
}

static void cvm_bounce_dma_unmap(struct device *dev, dma_addr_t dma,
				 size_t size, enum dma_data_direction dir,
				 unsigned long attrs)
{
	/* Refusals are counted and reported inside; nothing else to do. */
	cvm_bounce_unmap(cvm_bounce_dev_client(dev), dma_to_phys(dev, dma),
			 size, dir, cvm_bounce_attrs(attrs));
}

#ifdef CVM_HAVE_DMA_MAP_PHYS
static dma_addr_t cvm_bounce_dma_map_phys(struct device *dev, phys_addr_t phys,
					  size_t size,
					  enum dma_data_direction dir,
					  unsigned long attrs)
{
	return cvm_bounce_dma_map(dev, phys, size, dir, attrs);
}
#else
static dma_addr_t cvm_bounce_dma_map_page(struct device *dev, struct page *page,
					  unsigned long offset, size_t size,
					  enum dma_data_direction dir,
					  unsigned long attrs)
{
	return cvm_bounce_dma_map(dev, page_to_phys(page) + offset, size, dir,
				  attrs);
}
#endif

static void cvm_bounce_dma_unmap_sg(struct device *dev, struct scatterlist *sgl,
				    int nents, enum dma_data_direction dir,
				    unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		cvm_bounce_dma_unmap(dev, sg_dma_address(sg), sg_dma_len(sg),
				     dir, attrs);
}

static int cvm_bounce_dma_map_sg(struct device *dev, struct scatterlist *sgl,
				 int nents, enum dma_data_direction dir,
				 unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg->dma_address = cvm_bounce_dma_map(dev, sg_phys(sg),
						     sg->length, dir, attrs);
		if (sg->dma_address == DMA_MAPPING_ERROR) {
			cvm_bounce_dma_unmap_sg(dev, sgl, i, dir,
						attrs | DMA_ATTR_SKIP_CPU_SYNC);
			return -ENOMEM;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void cvm_bounce_dma_sync_cpu(struct device *dev, dma_addr_t dma,
				    size_t size, enum dma_data_direction dir)
{
	cvm_bounce_sync_for_cpu(cvm_bounce_dev_client(dev),
				dma_to_phys(dev, dma), size, dir);
}

static void cvm_bounce_dma_sync_device(struct device *dev, dma_addr_t dma,
				       size_t size, enum dma_data_direction dir)
{
	cvm_bounce_sync_for_device(cvm_bounce_dev_client(dev),
				   dma_to_phys(dev, dma), size, dir);
}

static void cvm_bounce_dma_sync_sg_cpu(struct device *dev,
				       struct scatterlist *sgl, int nents,
				       enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		cvm_bounce_dma_sync_cpu(dev, sg_dma_address(sg),
					sg_dma_len(sg), dir);
}

static void cvm_bounce_dma_sync_sg_device(struct device *dev,
					  struct scatterlist *sgl, int nents,
					  enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		cvm_bounce_dma_sync_device(dev, sg_dma_address(sg),
					   sg_dma_len(sg), dir);
}

/* Coherent memory is shared for its whole life: straight from the ledger. */
static void cvm_bounce_coherent_refuse(struct device *dev, size_t size,
				       const char *why)
{
	cvm_bounce_pool_coherent_refused();
	dev_warn_ratelimited(dev, "cvm_bounce: coherent allocation of %zu bytes refused: %s\n",
			     size, why);
}

/*
 * The zone dma-direct would take coherent memory from for @dev's mask
 * (dma_alloc_attrs() leaves the zone to the ops); 24 bits is x86's
 * ZONE_DMA. The address is checked against the mask afterwards anyway.
 */
static gfp_t cvm_bounce_coherent_zone(struct device *dev)
{
	u64 mask = dev->coherent_dma_mask;

	if (IS_ENABLED(CONFIG_ZONE_DMA) && mask <= DMA_BIT_MASK(24))
		return GFP_DMA;
	if (IS_ENABLED(CONFIG_ZONE_DMA32) && mask <= DMA_BIT_MASK(32))
		return GFP_DMA32;
	return 0;
}

static void *cvm_bounce_dma_alloc(struct device *dev, size_t size,
				  dma_addr_t *dma, gfp_t gfp,
				  unsigned long attrs)
{
	size_t pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	void *va;

	/*
	 * Making memory shared may sleep, and the pool keeps no shared
	 * reserve for atomic callers (dma-direct's atomic pool is one): say
	 * so rather than return NULL unexplained.
	 */
	if (!gfpflags_allow_blocking(gfp)) {
		cvm_bounce_coherent_refuse(dev, size, "atomic context (making memory shared may sleep)");
		return NULL;
	}
	gfp &= ~(__GFP_ZERO | __GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	va = cvm_convert_alloc_shared(CVM_BOUNCE_COHERENT_OWNER, pages,
				      gfp | cvm_bounce_coherent_zone(dev));
	if (IS_ERR(va))
		return NULL;
	*dma = phys_to_dma_unencrypted(dev, virt_to_phys(va));
	if (*dma + size - 1 > dev->coherent_dma_mask) {
		cvm_convert_free_shared(CVM_BOUNCE_COHERENT_OWNER, va, pages);
		cvm_bounce_coherent_refuse(dev, size, "no memory below the coherent DMA mask");
		return NULL;
	}
	atomic_long_add(pages, &cvm_bounce_dev_client(dev)->coherent_pages);
	return va;
}

static void cvm_bounce_dma_free(struct device *dev, size_t size, void *va,
				dma_addr_t dma, unsigned long attrs)
{
	size_t pages = PAGE_ALIGN(size) >> PAGE_SHIFT;

	/* On failure the ledger keeps the pages as leaked, never freed. */
	cvm_convert_free_shared(CVM_BOUNCE_COHERENT_OWNER, va, pages);
	atomic_long_sub(pages, &cvm_bounce_dev_client(dev)->coherent_pages);
}

/*
 * The pool's chunks come from anywhere in memory, so a mask that does not
 * reach all of it could not be served: dma_set_mask() fails and the
 * driver says so, where swiotlb accepts the mask and fails the mappings.
 */
static int cvm_bounce_dma_supported(struct device *dev, u64 mask)
{
	phys_addr_t top = virt_to_phys(high_memory - 1);

	if (mask >= phys_to_dma_unencrypted(dev, top))
		return 1;
	dev_warn(dev, "cvm_bounce: DMA mask %#llx does not reach all memory, where the pool's slots may be: refused\n",
		 mask);
	return 0;
}

static size_t cvm_bounce_dma_max_mapping_size(struct device *dev)
{
	return cvm_bounce_max_mapping_size(dma_get_min_align_mask(dev));
}

static const struct dma_map_ops cvm_bounce_dma_ops = {
	.alloc			= cvm_bounce_dma_alloc,
	.free			= cvm_bounce_dma_free,
#ifdef CVM_HAVE_DMA_MAP_PHYS
	.map_phys		= cvm_bounce_dma_map_phys,
	.unmap_phys		= cvm_bounce_dma_unmap,
#else
	.map_page		= cvm_bounce_dma_map_page,
	.unmap_page		= cvm_bounce_dma_unmap,
#endif
	.map_sg			= cvm_bounce_dma_map_sg,
	.unmap_sg		= cvm_bounce_dma_unmap_sg,
	.sync_single_for_cpu	= cvm_bounce_dma_sync_cpu,
	.sync_single_for_device	= cvm_bounce_dma_sync_device,
	.sync_sg_for_cpu	= cvm_bounce_dma_sync_sg_cpu,
	.sync_sg_for_device	= cvm_bounce_dma_sync_sg_device,
	.max_mapping_size	= cvm_bounce_dma_max_mapping_size,
	.dma_supported		= cvm_bounce_dma_supported,
};

static struct device *cvm_bounce_find_device(const char *name)
{
	struct device *dev;

	dev = bus_find_device_by_name(&pci_bus_type, NULL, name);
	if (!dev)
		dev = bus_find_device_by_name(&platform_bus_type, NULL, name);
	return dev;
}

/*
 * A device in an IOMMU DMA domain has its DMA translated by dma-iommu:
 * replacing its ops (6.1) would hand it addresses the IOMMU does not map,
 * and since 6.12 the DMA API calls dma-iommu before looking at the ops at
 * all, so an attachment would report success and bounce nothing.
 */
static bool cvm_bounce_behind_iommu(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && iommu_is_dma_domain(dom);
}

static struct cvm_bounce_attachment *cvm_bounce_attached(struct device *dev)
{
	struct cvm_bounce_attachment *at;

	lockdep_assert_held(&cvm_bounce_attach_lock);
	list_for_each_entry(at, &cvm_bounce_attachments, node)
		if (at->dev == dev)
			return at;
	return NULL;
}

/* Why @dev cannot be attached now, or 0. Device lock and attach_lock held. */
static int cvm_bounce_attach_refused(struct device *dev,
				     struct netlink_ext_ack *extack)
{
	if (dev->driver) {
		NL_SET_ERR_MSG(extack, "a driver is bound to the device; unbind it first");
		return -EBUSY;
	}
	if (cvm_bounce_attached(dev)) {
		NL_SET_ERR_MSG(extack, "already attached");
		return -EALREADY;
	}
	if (cvm_bounce_behind_iommu(dev)) {
		NL_SET_ERR_MSG(extack, "an IOMMU translates the device's DMA; cvm_bounce cannot stand in for it");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * cvm_bounce_attach() - make the pool a device's dma_map_ops
 * @name: device name (PCI or platform bus)
 * @zero_from_device: the device's own zero_from_device policy (0 or 1), or
 *	-1 to follow the pool's
 * @extack: for the error message, or NULL
 *
 * The pool's first client makes it take its initial chunks, so the first
 * attach converts them; a refused attach converts nothing.
 *
 * Return: 0; -ENODEV for an unknown device, -EBUSY when a driver is bound,
 * -EALREADY when attached already, -EOPNOTSUPP when an IOMMU translates
 * the device's DMA, -ENOMEM, or the error of converting the pool's first
 * chunk.
 */
int cvm_bounce_attach(const char *name, int zero_from_device,
		      struct netlink_ext_ack *extack)
{
	struct cvm_bounce_attachment *at;
	struct device *dev;
	int err;

	dev = cvm_bounce_find_device(name);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "no such PCI or platform device");
		return -ENODEV;
	}
	at = kzalloc(sizeof(*at), GFP_KERNEL);
	if (!at) {
		put_device(dev);
		return -ENOMEM;
	}
	/* The device lock keeps a driver from binding while we switch. */
	device_lock(dev);
	mutex_lock(&cvm_bounce_attach_lock);
	err = cvm_bounce_attach_refused(dev, extack);
	if (!err) {
		at->client = cvm_bounce_client_create(name, dev);
		if (IS_ERR(at->client)) {
			err = PTR_ERR(at->client);
			at->client = NULL;
			NL_SET_ERR_MSG(extack, "the pool could not take its first chunk of shared memory");
		}
	}
	if (!err && !try_module_get(THIS_MODULE))
		err = -ENODEV;
	if (!err) {
		at->client->zero_from_device = zero_from_device;
		/* Written once, before the device can see it. */
		memcpy((void *)&at->ops, &cvm_bounce_dma_ops, sizeof(at->ops));
		at->dev = dev;
		at->old_ops = get_dma_ops(dev);
		set_dma_ops(dev, &at->ops);
		/*
		 * A device that may skip syncs (coherent under dma-direct,
		 * 6.11+) would skip ours: every sync copies here.
		 */
		dma_reset_need_sync(dev);
		strscpy(at->driver, "(none)", sizeof(at->driver));
		list_add(&at->node, &cvm_bounce_attachments);
	}
	mutex_unlock(&cvm_bounce_attach_lock);
	device_unlock(dev);
	if (err) {
		if (at->client)
			cvm_bounce_client_destroy(at->client);
		kfree(at);
		put_device(dev);
		return err;
	}
	dev_info(dev, "DMA now bounces through cvm_bounce\n");
	return 0;
}

/*
 * Ends an attachment whose device no driver drives: what the driver left
 * mapped is reclaimed; coherent memory it never freed refuses a detach,
 * and on removal stays shared in the ledger, reported. Both locks held.
 */
static int cvm_bounce_end(struct cvm_bounce_attachment *at, bool removed,
			  struct netlink_ext_ack *extack)
{
	struct cvm_bounce_client *c = at->client;
	long coherent = atomic_long_read(&c->coherent_pages);
	unsigned long leaks;
	u64 bytes;

	if (coherent && !removed) {
		NL_SET_ERR_MSG(extack, "the device still holds coherent memory");
		return -EBUSY;
	}
	leaks = cvm_bounce_reclaim(c, &bytes);
	if (leaks) {
		cvm_bounce_pool_driver_leaks(leaks);
		dev_warn(at->dev, "driver %s left %lu mappings (%llu bytes) live after unbinding; scrubbed and reclaimed\n",
			 at->driver, leaks, bytes);
		cvm_bounce_notify(CVM_BOUNCE_EVENT_DRIVER_LEAK, c->name, 0,
				  bytes, 0);
	}
	if (coherent) {
		dev_warn(at->dev, "removed with %ld pages of coherent memory driver %s never freed; they stay shared (ledger owner %s)\n",
			 coherent, at->driver, CVM_BOUNCE_COHERENT_OWNER);
		cvm_bounce_notify(CVM_BOUNCE_EVENT_DRIVER_LEAK, c->name, 0,
				  (u64)coherent << PAGE_SHIFT, -EBUSY);
	}
	set_dma_ops(at->dev, at->old_ops);
	list_del(&at->node);
	return 0;
}

/* After cvm_bounce_end(), with the locks dropped. */
static void cvm_bounce_free_attachment(struct cvm_bounce_attachment *at)
{
	dev_info(at->dev, "DMA no longer bounces through cvm_bounce\n");
	cvm_bounce_client_destroy(at->client);
	put_device(at->dev);
	kfree(at);
	module_put(THIS_MODULE);
}

/**
 * cvm_bounce_detach() - give a device its own DMA ops back
 * @name: device name
 * @extack: for the error message, or NULL
 *
 * Mappings the unbound driver left live are scrubbed and taken back,
 * counted in the pool's driver_leaks and reported.
 *
 * Return: 0; -ENODEV for an unknown device, -ENOENT when not attached,
 * -EBUSY when a driver is bound or the device holds coherent memory.
 */
int cvm_bounce_detach(const char *name, struct netlink_ext_ack *extack)
{
	struct cvm_bounce_attachment *at;
	struct device *dev;
	int err = 0;

	dev = cvm_bounce_find_device(name);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "no such PCI or platform device");
		return -ENODEV;
	}
	device_lock(dev);
	mutex_lock(&cvm_bounce_attach_lock);
	at = cvm_bounce_attached(dev);
	if (!at) {
		NL_SET_ERR_MSG(extack, "not attached");
		err = -ENOENT;
	} else if (dev->driver) {
		NL_SET_ERR_MSG(extack, "a driver is bound to the device; unbind it first");
		err = -EBUSY;
	} else {
		err = cvm_bounce_end(at, false, extack);
	}
	mutex_unlock(&cvm_bounce_attach_lock);
	device_unlock(dev);
	put_device(dev);
	if (!err)
		cvm_bounce_free_attachment(at);
	return err;
}

/*
 * Bound: remember the driver's name. Removed (hot-unplug, or the PCI
 * core's remove): the driver has unbound and the device is gone, so the
 * attachment ends whatever it still holds.
 */
static int cvm_bounce_bus_event(struct notifier_block *nb,
				unsigned long action, void *data)
{
	struct device *dev = data;
	struct cvm_bounce_attachment *at;

	switch (action) {
	case BUS_NOTIFY_BOUND_DRIVER:
		mutex_lock(&cvm_bounce_attach_lock);
		at = cvm_bounce_attached(dev);
		if (at)
			strscpy(at->driver, dev_driver_string(dev),
				sizeof(at->driver));
		mutex_unlock(&cvm_bounce_attach_lock);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		device_lock(dev);
		mutex_lock(&cvm_bounce_attach_lock);
		at = cvm_bounce_attached(dev);
		if (at && cvm_bounce_end(at, true, NULL))
			at = NULL;
		mutex_unlock(&cvm_bounce_attach_lock);
		device_unlock(dev);
		if (at) {
			dev_info(dev, "removed while attached\n");
			cvm_bounce_free_attachment(at);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block cvm_bounce_pci_nb = {
	.notifier_call = cvm_bounce_bus_event,
};

static struct notifier_block cvm_bounce_platform_nb = {
	.notifier_call = cvm_bounce_bus_event,
};

/**
 * cvm_bounce_dmaops_init() - follow the buses the pool attaches to
 *
 * Return: 0 or a negative errno.
 */
int cvm_bounce_dmaops_init(void)
{
	int err = bus_register_notifier(&pci_bus_type, &cvm_bounce_pci_nb);

	if (err)
		return err;
	err = bus_register_notifier(&platform_bus_type,
				    &cvm_bounce_platform_nb);
	if (err)
		bus_unregister_notifier(&pci_bus_type, &cvm_bounce_pci_nb);
	return err;
}

/* No attachment is left: each holds a reference on the module. */
void cvm_bounce_dmaops_exit(void)
{
	bus_unregister_notifier(&platform_bus_type, &cvm_bounce_platform_nb);
	bus_unregister_notifier(&pci_bus_type, &cvm_bounce_pci_nb);
}

/**
 * cvm_bounce_attached_list() - names of the attached devices, one a line
 * @buf: sysfs buffer
 * @size: its size
 *
 * Return: bytes written.
 */
ssize_t cvm_bounce_attached_list(char *buf, size_t size)
{
	struct cvm_bounce_attachment *at;
	ssize_t n = 0;

	mutex_lock(&cvm_bounce_attach_lock);
	list_for_each_entry(at, &cvm_bounce_attachments, node)
		n += scnprintf(buf + n, size - n, "%s\n", dev_name(at->dev));
	mutex_unlock(&cvm_bounce_attach_lock);
	return n;
}
