// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_hostsim_vrng: TEST-ONLY. A hostile virtio transport: a virtio-rng
 * device (one split virtqueue made by the kernel's own virtio_ring) with
 * our config ops, so the kernel's real virtio_rng driver binds to it. The
 * device side is the selftest, through debugfs
 * (/sys/kernel/debug/cvm_hostsim_vrng/):
 *   device    write 1 to register the device, 0 to remove it
 *   pending   "HEAD CAP" of the next buffer the driver posted, or "none"
 *   complete  write LEN: fill the next posted buffer (at most its
 *             capacity) and return it with used length LEN, whatever LEN
 *             is, then interrupt the driver
 *   completed buffers returned so far
 * It shows cvm_ring's live auditor (selftests/ring_auditor.sh) catching an
 * over-long used length on a real driver and clamping it under enforce.
 * No feature beyond VERSION_1 is offered: no indirect descriptors, no
 * event index, a split ring in guest memory (no DMA API).
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>

#define CVM_HSV_QSIZE	8

struct cvm_hsv {
	struct virtio_device vdev;
	struct virtqueue *vq;
	u8 status;
	u16 last_avail;
};

static DEFINE_MUTEX(cvm_hsv_lock);
static struct cvm_hsv *cvm_hsv_dev;
static struct dentry *cvm_hsv_dir;
static u64 cvm_hsv_completed;

static struct cvm_hsv *to_hsv(struct virtio_device *vdev)
{
	return container_of(vdev, struct cvm_hsv, vdev);
}

static void cvm_hsv_get(struct virtio_device *vdev, unsigned int offset,
			void *buf, unsigned int len)
{
	/* virtio-rng has no configuration space. */
	memset(buf, 0, len);
}

static void cvm_hsv_set(struct virtio_device *vdev, unsigned int offset,
			const void *buf, unsigned int len)
{
}

static u8 cvm_hsv_get_status(struct virtio_device *vdev)
{
	return to_hsv(vdev)->status;
}

static void cvm_hsv_set_status(struct virtio_device *vdev, u8 status)
{
	to_hsv(vdev)->status = status;
}

static void cvm_hsv_reset(struct virtio_device *vdev)
{
	to_hsv(vdev)->status = 0;
}

static u64 cvm_hsv_get_features(struct virtio_device *vdev)
{
	return BIT_ULL(VIRTIO_F_VERSION_1);
}

static int cvm_hsv_finalize_features(struct virtio_device *vdev)
{
	vring_transport_features(vdev);
	return 0;
}

/* The device side is passive: the selftest completes buffers. */
static bool cvm_hsv_notify(struct virtqueue *vq)
{
	return true;
}

static void cvm_hsv_del_vqs(struct virtio_device *vdev)
{
	struct cvm_hsv *h = to_hsv(vdev);

	if (h->vq)
		vring_del_virtqueue(h->vq);
	h->vq = NULL;
}

static int cvm_hsv_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			    struct virtqueue *vqs[],
			    struct virtqueue_info vqs_info[],
			    struct irq_affinity *desc)
{
	struct cvm_hsv *h = to_hsv(vdev);

	if (nvqs != 1 || h->vq)
		return -EINVAL;
	h->vq = vring_create_virtqueue(0, CVM_HSV_QSIZE, SMP_CACHE_BYTES, vdev,
				       true, false, false, cvm_hsv_notify,
				       vqs_info[0].callback, vqs_info[0].name);
	if (!h->vq)
		return -ENOMEM;
	h->last_avail = 0;
	vqs[0] = h->vq;
	return 0;
}
CVM_VIRTIO_FIND_VQS(cvm_hsv_find_vqs);

static const char *cvm_hsv_bus_name(struct virtio_device *vdev)
{
	return "cvm_hostsim";
}

static const struct virtio_config_ops cvm_hsv_ops = {
	.get			= cvm_hsv_get,
	.set			= cvm_hsv_set,
	.get_status		= cvm_hsv_get_status,
	.set_status		= cvm_hsv_set_status,
	.reset			= cvm_hsv_reset,
	.find_vqs		= CVM_VIRTIO_FIND_VQS_OP(cvm_hsv_find_vqs),
	.del_vqs		= cvm_hsv_del_vqs,
	.get_features		= cvm_hsv_get_features,
	.finalize_features	= cvm_hsv_finalize_features,
	.bus_name		= cvm_hsv_bus_name,
};

static void cvm_hsv_release(struct device *dev)
{
	kfree(container_of(dev, struct cvm_hsv, vdev.dev));
}

/*
 * The next buffer the driver posted and we did not return: its head and
 * the bytes the device may write. Caller holds cvm_hsv_lock.
 */
static int cvm_hsv_next(struct cvm_hsv *h, u16 *head, u32 *cap)
{
	const struct vring *vr = virtqueue_get_vring(h->vq);
	struct virtio_device *vdev = &h->vdev;
	u16 i, flags, n = 0;

	if (virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx)) == h->last_avail)
		return -ENOENT;
	virtio_rmb(true);
	*head = virtio16_to_cpu(vdev, vr->avail->ring[h->last_avail % vr->num]);
	*cap = 0;
	for (i = *head; i < vr->num && n++ < vr->num; i = virtio16_to_cpu(vdev, vr->desc[i].next)) {
		flags = virtio16_to_cpu(vdev, vr->desc[i].flags);
		if (flags & VRING_DESC_F_WRITE)
			*cap += virtio32_to_cpu(vdev, vr->desc[i].len);
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
	}
	return -EIO;
}

static int cvm_hsv_complete(struct cvm_hsv *h, u32 len)
{
	const struct vring *vr = virtqueue_get_vring(h->vq);
	struct virtio_device *vdev = &h->vdev;
	u32 cap, left, n;
	u16 head, i, flags, used;
	int err;

	err = cvm_hsv_next(h, &head, &cap);
	if (err)
		return err;
	/* Random bytes, but never beyond what the driver posted. */
	left = min(len, cap);
	for (i = head; left && i < vr->num; i = virtio16_to_cpu(vdev, vr->desc[i].next)) {
		flags = virtio16_to_cpu(vdev, vr->desc[i].flags);
		if (flags & VRING_DESC_F_WRITE) {
			n = min(left, virtio32_to_cpu(vdev, vr->desc[i].len));
			memset(phys_to_virt(virtio64_to_cpu(vdev, vr->desc[i].addr)),
			       0xa5, n);
			left -= n;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
	}
	used = virtio16_to_cpu(vdev, vr->used->idx);
	vr->used->ring[used % vr->num].id = cpu_to_virtio32(vdev, head);
	vr->used->ring[used % vr->num].len = cpu_to_virtio32(vdev, len);
	virtio_wmb(true);
	WRITE_ONCE(vr->used->idx, cpu_to_virtio16(vdev, used + 1));
	h->last_avail++;
	cvm_hsv_completed++;
	local_irq_disable();
	vring_interrupt(0, h->vq);
	local_irq_enable();
	return 0;
}

static int cvm_hsv_create(void)
{
	struct cvm_hsv *h;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->vdev.id.device = VIRTIO_ID_RNG;
	h->vdev.id.vendor = VIRTIO_DEV_ANY_ID;
	h->vdev.config = &cvm_hsv_ops;
	h->vdev.dev.release = cvm_hsv_release;
	err = register_virtio_device(&h->vdev);
	if (err) {
		put_device(&h->vdev.dev);
		return err;
	}
	cvm_hsv_dev = h;
	return 0;
}

static void cvm_hsv_destroy(void)
{
	if (!cvm_hsv_dev)
		return;
	unregister_virtio_device(&cvm_hsv_dev->vdev);
	cvm_hsv_dev = NULL;
}

static int cvm_hsv_device_get(void *data, u64 *val)
{
	*val = !!READ_ONCE(cvm_hsv_dev);
	return 0;
}

static int cvm_hsv_device_set(void *data, u64 val)
{
	int err = 0;

	mutex_lock(&cvm_hsv_lock);
	if (val && !cvm_hsv_dev)
		err = cvm_hsv_create();
	else if (!val)
		cvm_hsv_destroy();
	mutex_unlock(&cvm_hsv_lock);
	return err;
}
DEFINE_DEBUGFS_ATTRIBUTE(cvm_hsv_device_fops, cvm_hsv_device_get,
			 cvm_hsv_device_set, "%llu\n");

static int cvm_hsv_complete_set(void *data, u64 val)
{
	int err = -ENODEV;

	if (val > U32_MAX)
		return -EINVAL;
	mutex_lock(&cvm_hsv_lock);
	if (cvm_hsv_dev && cvm_hsv_dev->vq)
		err = cvm_hsv_complete(cvm_hsv_dev, val);
	mutex_unlock(&cvm_hsv_lock);
	return err;
}
DEFINE_DEBUGFS_ATTRIBUTE(cvm_hsv_complete_fops, NULL, cvm_hsv_complete_set,
			 "%llu\n");

static int cvm_hsv_pending_show(struct seq_file *m, void *v)
{
	u16 head;
	u32 cap;

	mutex_lock(&cvm_hsv_lock);
	if (cvm_hsv_dev && cvm_hsv_dev->vq &&
	    !cvm_hsv_next(cvm_hsv_dev, &head, &cap))
		seq_printf(m, "%u %u\n", head, cap);
	else
		seq_puts(m, "none\n");
	mutex_unlock(&cvm_hsv_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cvm_hsv_pending);

static int __init cvm_hsv_init(void)
{
	cvm_hsv_dir = debugfs_create_dir("cvm_hostsim_vrng", NULL);
	debugfs_create_file("device", 0600, cvm_hsv_dir, NULL,
			    &cvm_hsv_device_fops);
	debugfs_create_file("complete", 0200, cvm_hsv_dir, NULL,
			    &cvm_hsv_complete_fops);
	debugfs_create_file("pending", 0400, cvm_hsv_dir, NULL,
			    &cvm_hsv_pending_fops);
	debugfs_create_u64("completed", 0400, cvm_hsv_dir, &cvm_hsv_completed);
	return 0;
}

static void __exit cvm_hsv_exit(void)
{
	debugfs_remove_recursive(cvm_hsv_dir);
	mutex_lock(&cvm_hsv_lock);
	cvm_hsv_destroy();
	mutex_unlock(&cvm_hsv_lock);
}

module_init(cvm_hsv_init);
module_exit(cvm_hsv_exit);

MODULE_DESCRIPTION("cvmguard TEST-ONLY hostile virtio transport (virtio-rng device driven from debugfs)");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
