// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_hostsim_ring: TEST-ONLY. A hostile host for cvm_ring. Each open of
 * /dev/cvm_hostsim_ring is one virtio split, virtio packed or vmbus ring
 * in pages shared through cvm_convert, registered with cvm_ring. The
 * selftest (playing the host) mmaps the pages, writes what it likes, and
 * asks with CVM_HSR_IOC_RUN for the guest side to consume: the guest's
 * private state is reset from the request, cvm_ring's validators read the
 * ring, every verdict is accounted under the ring's policy and returned.
 * A "race" write lets the host change bytes right after the guest read
 * them. Interface: ring_uapi.h.
 *
 * A module of its own rather than part of cvm_hostsim, so that the
 * conversion tests do not need cvm_ring loaded.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <cvm_convert.h>
#include <cvm_ring.h>
#include <virtio_split.h>
#include <virtio_packed.h>
#include <vmbus.h>
#include "ring_uapi.h"

#define CVM_HSR_OWNER	"hostsim-ring"

struct cvm_hsr_kind;

/**
 * struct cvm_hsr - one simulated ring
 * @lock: serialises the ioctls on the file
 * @kind: what its kind of ring does (cvm_hsr_kinds), NULL until set up
 * @set_up: CVM_HSR_IOC_SETUP succeeded
 * @ring: cvm_ring's registration
 * @shared: pages shared with the host
 * @npages: their number
 * @split: guest state of a split ring
 * @packed: guest state of a packed ring
 * @vmbus: guest state of a vmbus ring
 * @slot: head states (split)
 * @cap: capacities (packed)
 * @ndesc: chain lengths (packed)
 * @trans: transaction ids (vmbus)
 * @trans_busy: their marks
 * @pkt: private copy of the packet being read (vmbus), batch results
 * @res: verdicts of a run, CVM_HSR_MAX_RESULTS
 * @race: the pending race write
 * @race_points: read points passed in this run
 */
struct cvm_hsr {
	struct mutex lock;
	const struct cvm_hsr_kind *kind;
	bool set_up;
	struct cvm_ring *ring;
	void *shared;
	size_t npages;
	struct cvm_vsplit split;
	struct cvm_vpacked packed;
	struct cvm_vmbus vmbus;
	u64 *slot;
	u32 *cap;
	u16 *ndesc;
	u64 *trans;
	u8 *trans_busy;
	void *pkt;
	struct cvm_hsr_result *res;
	struct cvm_hsr_run race;
	u32 race_points;
};

/* The host's write at the chosen read point: the guest read just before. */
static void cvm_hsr_race(void *arg)
{
	struct cvm_hsr *h = arg;
	__le64 val = cpu_to_le64(h->race.race_val);

	if (++h->race_points != h->race.race_at)
		return;
	memcpy((u8 *)h->shared + h->race.race_off, &val, h->race.race_len);
}

/* Per kind: the bytes of shared memory a setup asks for, or -EINVAL. */
static int cvm_hsr_split_size(const struct cvm_hsr_setup *s, size_t *bytes)
{
	if (!is_power_of_2(s->num) || s->num > CVM_HSR_MAX_NUM)
		return -EINVAL;
	*bytes = sizeof(struct cvm_vsplit_used) +
		 s->num * sizeof(struct cvm_vsplit_used_elem);
	return 0;
}

static int cvm_hsr_packed_size(const struct cvm_hsr_setup *s, size_t *bytes)
{
	if (!s->num || s->num > CVM_HSR_MAX_NUM)
		return -EINVAL;
	*bytes = s->num * sizeof(struct cvm_vpacked_desc);
	return 0;
}

static int cvm_hsr_vmbus_size(const struct cvm_hsr_setup *s, size_t *bytes)
{
	if (s->dsize < 32 || s->dsize > CVM_HSR_MAX_DSIZE ||
	    !IS_ALIGNED(s->dsize, 8) || s->max_pkt < 16 ||
	    !IS_ALIGNED(s->max_pkt, 8) || s->max_pkt > s->dsize - 8)
		return -EINVAL;
	*bytes = CVM_HSR_VMBUS_DATA + s->dsize;
	return 0;
}

/* Per kind: reset the guest's private state to what the test posted. */
static int cvm_hsr_split_reset(struct cvm_hsr *h, const struct cvm_hsr_run *run,
			       const struct cvm_hsr_post *posts)
{
	int err;
	u32 i;

	err = cvm_vsplit_init(&h->split, h->split.num, h->slot, run->start);
	for (i = 0; i < run->nposts && !err; i++)
		err = cvm_vsplit_post(&h->split, posts[i].id, posts[i].cap);
	h->split.race.fn = run->race_at ? cvm_hsr_race : NULL;
	h->split.race.arg = h;
	return err;
}

static int cvm_hsr_packed_reset(struct cvm_hsr *h,
				const struct cvm_hsr_run *run,
				const struct cvm_hsr_post *posts)
{
	int err;
	u32 i;

	err = cvm_vpacked_init(&h->packed, h->packed.num, h->cap, h->ndesc,
			       run->start, run->wrap);
	for (i = 0; i < run->nposts && !err; i++)
		err = cvm_vpacked_post(&h->packed, posts[i].id, posts[i].cap,
				       posts[i].ndesc);
	h->packed.race.fn = run->race_at ? cvm_hsr_race : NULL;
	h->packed.race.arg = h;
	return err;
}

static int cvm_hsr_vmbus_reset(struct cvm_hsr *h, const struct cvm_hsr_run *run,
			       const struct cvm_hsr_post *posts)
{
	int err;
	u32 i;

	err = cvm_vmbus_init(&h->vmbus, h->vmbus.dsize, run->start,
			     h->vmbus.max_pkt, h->trans, h->trans_busy,
			     CVM_HSR_MAX_TRANS);
	for (i = 0; i < run->nposts && !err; i++)
		err = cvm_vmbus_request(&h->vmbus, posts[i].trans_id);
	h->vmbus.race.fn = run->race_at ? cvm_hsr_race : NULL;
	h->vmbus.race.arg = h;
	return err;
}

/* Split only: the used index is judged before any entry. */
static void cvm_hsr_split_pending(struct cvm_hsr *h, struct cvm_ring_verdict *v,
				  bool pass)
{
	cvm_vsplit_pending(&h->split, h->shared, v, pass);
}

/* Per kind: one step of the guest's consumer; false when it has no more. */
static bool cvm_hsr_split_step(struct cvm_hsr *h, struct cvm_ring_verdict *v,
			       bool pass)
{
	return cvm_vsplit_next(&h->split, h->shared, v, pass);
}

static bool cvm_hsr_packed_step(struct cvm_hsr *h, struct cvm_ring_verdict *v,
				bool pass)
{
	return cvm_vpacked_next(&h->packed, h->shared, v, pass);
}

static bool cvm_hsr_vmbus_step(struct cvm_hsr *h, struct cvm_ring_verdict *v,
			       bool pass)
{
	/* A verdict on the indices leaves no stale packet behind. */
	memset(h->pkt, 0, sizeof(struct cvm_vmbus_desc));
	return cvm_vmbus_recv(&h->vmbus, h->shared,
			      (u8 *)h->shared + CVM_HSR_VMBUS_DATA, h->pkt, v,
			      pass);
}

/* The virtio kinds' batch results, from the done entries of a poll. */
static u32 cvm_hsr_done(struct cvm_hsr *h, struct cvm_hsr_run *run,
			struct cvm_hsr_result *res,
			const struct cvm_ring_done *done, u32 n)
{
	u32 i;

	cvm_ring_account_ok(h->ring, n);
	for (i = 0; i < n; i++) {
		struct cvm_hsr_result *r = &res[run->nresults++];

		r->reason = CVM_RING_REASON_NONE;
		r->id = done[i].id;
		r->len = done[i].len;
		r->consumed = 1;
	}
	run->accepted += n;
	return n;
}

/*
 * Per kind: the batch fast path (none while a race is armed: the
 * validators then go entry by entry); returns entries accepted. What it
 * stops at is judged by the kind's step.
 */
static u32 cvm_hsr_split_poll(struct cvm_hsr *h, struct cvm_hsr_run *run,
			      struct cvm_hsr_result *res, u32 room)
{
	struct cvm_ring_done *done = h->pkt;

	return cvm_hsr_done(h, run, res, done,
			    cvm_vsplit_poll(&h->split, h->shared, done, room));
}

static u32 cvm_hsr_packed_poll(struct cvm_hsr *h, struct cvm_hsr_run *run,
			       struct cvm_hsr_result *res, u32 room)
{
	struct cvm_ring_done *done = h->pkt;

	return cvm_hsr_done(h, run, res, done,
			    cvm_vpacked_poll(&h->packed, h->shared, done, room));
}

/* vmbus: a packet at a time, into the one private buffer hostsim has. */
static u32 cvm_hsr_vmbus_poll(struct cvm_hsr *h, struct cvm_hsr_run *run,
			      struct cvm_hsr_result *res, u32 room)
{
	const struct cvm_vmbus_desc *d = h->pkt;
	struct cvm_hsr_result *r;
	void *buf = h->pkt;

	if (!cvm_vmbus_poll(&h->vmbus, h->shared,
			    (u8 *)h->shared + CVM_HSR_VMBUS_DATA, &buf, 1))
		return 0;
	cvm_ring_account_ok(h->ring, 1);
	r = &res[run->nresults++];
	r->reason = CVM_RING_REASON_NONE;
	r->id = le16_to_cpu(d->type);
	r->len = (u32)le16_to_cpu(d->len8) * 8;
	r->consumed = 1;
	memcpy(r->head, h->pkt, sizeof(r->head));
	run->accepted++;
	return 1;
}

/**
 * struct cvm_hsr_kind - what differs between the kinds of ring
 * @size: checks a setup, gives the bytes of shared memory it needs
 * @reset: resets the guest's private state to what the test posted
 * @pending: judges the ring's indices before any entry, or NULL
 * @step: one step of the guest's consumer; false when it has no more
 * @poll: the batch fast path; entries accepted
 * @head: results carry the head of the packet (vmbus)
 */
struct cvm_hsr_kind {
	int (*size)(const struct cvm_hsr_setup *s, size_t *bytes);
	int (*reset)(struct cvm_hsr *h, const struct cvm_hsr_run *run,
		     const struct cvm_hsr_post *posts);
	void (*pending)(struct cvm_hsr *h, struct cvm_ring_verdict *v,
			bool pass);
	bool (*step)(struct cvm_hsr *h, struct cvm_ring_verdict *v, bool pass);
	u32 (*poll)(struct cvm_hsr *h, struct cvm_hsr_run *run,
		    struct cvm_hsr_result *res, u32 room);
	bool head;
};

static const struct cvm_hsr_kind cvm_hsr_kinds[] = {
	[CVM_RING_KIND_VIRTIO_SPLIT] = {
		.size		= cvm_hsr_split_size,
		.reset		= cvm_hsr_split_reset,
		.pending	= cvm_hsr_split_pending,
		.step		= cvm_hsr_split_step,
		.poll		= cvm_hsr_split_poll,
	},
	[CVM_RING_KIND_VIRTIO_PACKED] = {
		.size		= cvm_hsr_packed_size,
		.reset		= cvm_hsr_packed_reset,
		.step		= cvm_hsr_packed_step,
		.poll		= cvm_hsr_packed_poll,
	},
	[CVM_RING_KIND_VMBUS] = {
		.size		= cvm_hsr_vmbus_size,
		.reset		= cvm_hsr_vmbus_reset,
		.step		= cvm_hsr_vmbus_step,
		.poll		= cvm_hsr_vmbus_poll,
		.head		= true,
	},
};

static int cvm_hsr_setup(struct cvm_hsr *h, struct cvm_hsr_setup *s)
{
	const struct cvm_hsr_kind *k;
	size_t bytes;
	int err;

	/* Once per file, even after a failed attempt. */
	if (h->cap)
		return -EBUSY;
	if (s->kind >= ARRAY_SIZE(cvm_hsr_kinds))
		return -EINVAL;
	k = &cvm_hsr_kinds[array_index_nospec(s->kind,
					      ARRAY_SIZE(cvm_hsr_kinds))];
	if (!k->size)
		return -EINVAL;
	err = k->size(s, &bytes);
	if (err)
		return err;
	if (s->policy > CVM_RING_POLICY_ENFORCE)
		return -EINVAL;

	h->cap = kcalloc(CVM_HSR_MAX_NUM, sizeof(*h->cap), GFP_KERNEL);
	h->slot = kcalloc(CVM_HSR_MAX_NUM, sizeof(*h->slot), GFP_KERNEL);
	h->ndesc = kcalloc(CVM_HSR_MAX_NUM, sizeof(*h->ndesc), GFP_KERNEL);
	h->trans = kcalloc(CVM_HSR_MAX_TRANS, sizeof(*h->trans), GFP_KERNEL);
	h->trans_busy = kcalloc(CVM_HSR_MAX_TRANS, 1, GFP_KERNEL);
	h->pkt = kmalloc(CVM_HSR_MAX_DSIZE, GFP_KERNEL);
	h->res = kvcalloc(CVM_HSR_MAX_RESULTS, sizeof(*h->res), GFP_KERNEL);
	if (!h->cap || !h->slot || !h->ndesc || !h->trans || !h->trans_busy ||
	    !h->pkt || !h->res)
		return -ENOMEM;
	h->npages = DIV_ROUND_UP(bytes, PAGE_SIZE);
	h->shared = cvm_convert_alloc_shared(CVM_HSR_OWNER, h->npages,
					     GFP_KERNEL);
	if (IS_ERR(h->shared)) {
		err = PTR_ERR(h->shared);
		h->shared = NULL;
		return err;
	}
	h->ring = cvm_ring_register(s->kind, CVM_HSR_OWNER, s->policy);
	if (IS_ERR(h->ring))
		return PTR_ERR(h->ring);
	h->kind = k;
	h->split.num = s->num;
	h->packed.num = s->num;
	h->vmbus.dsize = s->dsize;
	h->vmbus.max_pkt = s->max_pkt;
	s->ring_id = cvm_ring_id(h->ring);
	s->map_size = h->npages << PAGE_SHIFT;
	/* Publishes shared and npages to mmap, which does not take the lock. */
	smp_store_release(&h->set_up, true);
	return 0;
}

/* Resets the guest's private state to what the test says it posted. */
static int cvm_hsr_reset(struct cvm_hsr *h, const struct cvm_hsr_run *run,
			 const struct cvm_hsr_post *posts)
{
	int err = h->kind->reset(h, run, posts);

	cvm_ring_repair(h->ring);
	h->race = *run;
	h->race_points = 0;
	return err;
}

static u32 cvm_hsr_poll(struct cvm_hsr *h, struct cvm_hsr_run *run,
			struct cvm_hsr_result *res)
{
	u32 room = run->max_results - run->nresults;

	room = min_t(u32, room, CVM_HSR_MAX_DSIZE / sizeof(struct cvm_ring_done));
	return h->kind->poll(h, run, res, room);
}

static int cvm_hsr_consume(struct cvm_hsr *h, struct cvm_hsr_run *run,
			   struct cvm_hsr_result *res)
{
	struct cvm_ring_verdict v;
	bool pass = cvm_ring_monitor(h->ring);

	run->idx_reason = CVM_RING_REASON_NONE;
	if (h->kind->pending) {
		h->kind->pending(h, &v, pass);
		run->idx_reason = v.reason;
		if (v.reason && !cvm_ring_account(h->ring, &v))
			return 0;
	}
	while (run->nresults < run->max_results) {
		struct cvm_hsr_result *r;
		bool ok;

		if (cvm_hsr_poll(h, run, res))
			continue;
		if (!h->kind->step(h, &v, pass))
			break;
		r = &res[run->nresults++];
		ok = cvm_ring_account(h->ring, &v);

		r->reason = v.reason;
		r->id = v.id;
		r->len = v.len;
		r->consumed = v.consumed;
		r->value = v.value;
		r->limit = v.limit;
		if (h->kind->head)
			memcpy(r->head, h->pkt, sizeof(r->head));
		if (v.reason)
			run->rejected++;
		else
			run->accepted++;
		/* Enforce refused it; a monitor pass that cannot move stops. */
		if (!ok || !v.consumed)
			break;
	}
	return 0;
}

static long cvm_hsr_run(struct cvm_hsr *h, struct cvm_hsr_run __user *urun)
{
	struct cvm_hsr_result *res = h->res;
	struct cvm_hsr_post *posts = NULL;
	struct cvm_hsr_run run;
	size_t map = h->npages << PAGE_SHIFT;
	long err;

	if (!h->set_up)
		return -ENODEV;
	if (copy_from_user(&run, urun, sizeof(run)))
		return -EFAULT;
	if (run.nposts > CVM_HSR_MAX_NUM ||
	    run.max_results > CVM_HSR_MAX_RESULTS ||
	    (run.race_at && (run.race_len > 8 || !run.race_len ||
			     run.race_off > map - run.race_len)))
		return -EINVAL;
	posts = memdup_user(u64_to_user_ptr(run.posts),
			    run.nposts * sizeof(*posts));
	if (IS_ERR(posts))
		return PTR_ERR(posts);
	memset(res, 0, run.max_results * sizeof(*res));
	err = cvm_hsr_reset(h, &run, posts);
	if (err)
		goto out;
	run.nresults = 0;
	run.accepted = 0;
	run.rejected = 0;
	cvm_hsr_consume(h, &run, res);
	run.broken = cvm_ring_is_broken(h->ring);
	if (copy_to_user(u64_to_user_ptr(run.results), res,
			 run.nresults * sizeof(*res)) ||
	    copy_to_user(urun, &run, sizeof(run)))
		err = -EFAULT;
out:
	kfree(posts);
	return err;
}

static long cvm_hsr_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct cvm_hsr *h = file->private_data;
	struct cvm_hsr_setup s;
	long err;

	mutex_lock(&h->lock);
	switch (cmd) {
	case CVM_HSR_IOC_SETUP:
		err = -EFAULT;
		if (copy_from_user(&s, (void __user *)arg, sizeof(s)))
			break;
		err = cvm_hsr_setup(h, &s);
		if (!err && copy_to_user((void __user *)arg, &s, sizeof(s)))
			err = -EFAULT;
		break;
	case CVM_HSR_IOC_RUN:
		err = cvm_hsr_run(h, (void __user *)arg);
		break;
	default:
		err = -ENOTTY;
	}
	mutex_unlock(&h->lock);
	return err;
}

static int cvm_hsr_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cvm_hsr *h = file->private_data;
	unsigned long size = vma->vm_end - vma->vm_start;

	/*
	 * Not under h->lock: mmap runs with mmap_lock held, and the ioctls
	 * fault on user memory under h->lock. The pages never change once
	 * set up.
	 */
	if (!smp_load_acquire(&h->set_up) || vma->vm_pgoff ||
	    size > (h->npages << PAGE_SHIFT))
		return -EINVAL;
	/* The host's view: the pages as shared (unencrypted) memory. */
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start,
			       page_to_pfn(virt_to_page(h->shared)), size,
			       vma->vm_page_prot);
}

static int cvm_hsr_open(struct inode *inode, struct file *file)
{
	struct cvm_hsr *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	mutex_init(&h->lock);
	file->private_data = h;
	return 0;
}

/* Mappings hold the file, so no one can still write the pages here. */
static int cvm_hsr_release(struct inode *inode, struct file *file)
{
	struct cvm_hsr *h = file->private_data;

	cvm_ring_unregister(h->ring);
	if (h->shared)
		cvm_convert_free_shared(CVM_HSR_OWNER, h->shared, h->npages);
	kvfree(h->res);
	kfree(h->pkt);
	kfree(h->trans_busy);
	kfree(h->trans);
	kfree(h->ndesc);
	kfree(h->slot);
	kfree(h->cap);
	mutex_destroy(&h->lock);
	kfree(h);
	return 0;
}

static const struct file_operations cvm_hsr_fops = {
	.owner		= THIS_MODULE,
	.open		= cvm_hsr_open,
	.release	= cvm_hsr_release,
	.mmap		= cvm_hsr_mmap,
	.unlocked_ioctl	= cvm_hsr_ioctl,
};

static struct miscdevice cvm_hsr_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "cvm_hostsim_ring",
	.fops	= &cvm_hsr_fops,
	.mode	= 0600,
};

static int __init cvm_hsr_init(void)
{
	int err = misc_register(&cvm_hsr_dev);

	if (!err)
		pr_info("loaded: test-only module, do not use on a real guest\n");
	return err;
}

static void __exit cvm_hsr_exit(void)
{
	misc_deregister(&cvm_hsr_dev);
}

module_init(cvm_hsr_init);
module_exit(cvm_hsr_exit);

MODULE_DESCRIPTION("cvmguard test-only hostile host for cvm_ring");
MODULE_AUTHOR("The cvmguard authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(CVMGUARD_VERSION);
