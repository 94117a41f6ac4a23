// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live auditor (opt-in): watches the real virtqueues of the running
 * guest at the virtqueue API. kretprobes on the exported virtqueue_add_*()
 * record, per (virtqueue, token), the writable capacity the driver posted
 * (the sum of the device-writable scatterlist lengths) and the buffer's
 * size (readable and writable); kretprobes on virtqueue_get_buf{,_ctx}()
 * check the token and the used length that come back. virtio_ring itself
 * checks used ids, but not that a used length fits the buffer (that check
 * was merged and reverted in 2021 because real devices overstate it): a
 * driver that trusts the length reads past its buffer. A length within
 * the buffer but over the capacity is what those devices do (QEMU's
 * virtio-scsi adds the bytes it read) and is counted as overstated; one
 * over the whole buffer is len-over. Under enforce policy either is cut to
 * the capacity before the driver sees it, and the ring keeps running.
 *
 * Each virtqueue is a ring of kind virtqueue in the registry, owned by
 * "<device>/<queue>", so counts, policy and events work as for any ring.
 * A queue's policy outlives its ring: it is kept by the parent device (the
 * PCI function) and queue, so enforce survives the driver rebinding.
 * Probe handlers run in atomic context, possibly in interrupts: one
 * spinlock with interrupts off, GFP_ATOMIC allocations.
 */
#include <linux/hashtable.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/scatterlist.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include "auditor.h"

static bool auditor;
module_param(auditor, bool, 0444);
MODULE_PARM_DESC(auditor, "Watch real virtqueues from load on (default off; /sys/kernel/cvm/ring/auditor)");

/* A virtqueue seen since the auditor started. */
struct cvm_ring_vq {
	struct hlist_node node;
	struct virtqueue *vq;
	struct cvm_ring *ring;
	/*
	 * Every buffer outstanding was posted while we watched, so an
	 * unknown token is a violation. False while buffers posted before
	 * the auditor started may still come back; set once the queue was
	 * seen empty.
	 */
	bool synced;
	/*
	 * Where the policy is kept when the queue goes away: computed while
	 * the queue lives, since vring_del_virtqueue() frees it (and its
	 * name) before our probe sees it return.
	 */
	char key[CVM_RING_OWNER_LEN];
};

/* A policy set on a queue that went away, for the next queue of that key. */
struct cvm_ring_kept {
	struct list_head node;
	u32 policy;
	char key[CVM_RING_OWNER_LEN];
};

/* A buffer posted and not yet returned: its writable capacity and size. */
struct cvm_ring_tok {
	struct hlist_node node;
	struct virtqueue *vq;
	void *token;
	u64 cap;
	u64 size;
};

static DEFINE_SPINLOCK(cvm_ring_aud_lock);
static DEFINE_HASHTABLE(cvm_ring_aud_vqs, 6);
static DEFINE_HASHTABLE(cvm_ring_aud_toks, 10);
static LIST_HEAD(cvm_ring_aud_kept);
/* Missed probe hits when the queues were last marked unsynced. */
static unsigned long cvm_ring_aud_add_missed;
/* Serialises on/off. */
static DEFINE_MUTEX(cvm_ring_aud_mutex);
static bool cvm_ring_aud_on;

static unsigned long cvm_ring_tok_key(struct virtqueue *vq, void *token)
{
	return (unsigned long)vq ^ ((unsigned long)token >> 4);
}

static bool cvm_ring_vq_empty(struct virtqueue *vq)
{
	return READ_ONCE(vq->num_free) == virtqueue_get_vring_size(vq);
}

/*
 * The key a queue's policy is kept under: the virtio device's parent (the
 * PCI function; virtioN is renumbered when virtio-pci rebinds), the
 * queue's index and its name (virtio-scsi names all its request queues
 * "request").
 */
static void cvm_ring_vq_key(struct virtqueue *vq, char *key, size_t size)
{
	struct device *dev = &vq->vdev->dev;

	snprintf(key, size, "%s/%u/%s", dev_name(dev->parent ?: dev),
		 vq->index, vq->name);
}

static struct cvm_ring_kept *cvm_ring_kept_find(const char *key)
{
	struct cvm_ring_kept *k;

	list_for_each_entry(k, &cvm_ring_aud_kept, node)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

/* Remembers the policy of @v's ring, which is going away; false if it cannot. */
static bool cvm_ring_vq_keep(struct cvm_ring_vq *v)
{
	u32 policy = cvm_ring_policy(v->ring);
	struct cvm_ring_kept *k;

	k = cvm_ring_kept_find(v->key);
	if (!k && policy == CVM_RING_POLICY_MONITOR)
		return true;
	if (!k) {
		k = kzalloc(sizeof(*k), GFP_ATOMIC);
		if (!k)
			return false;
		strscpy(k->key, v->key, sizeof(k->key));
		list_add(&k->node, &cvm_ring_aud_kept);
	}
	k->policy = policy;
	return true;
}

/* Finds or starts watching @vq; NULL when out of memory. */
static struct cvm_ring_vq *cvm_ring_vq_get(struct virtqueue *vq, bool synced)
{
	u32 policy = CVM_RING_POLICY_MONITOR;
	char owner[CVM_RING_OWNER_LEN];
	struct cvm_ring_kept *k;
	struct cvm_ring_vq *v;

	lockdep_assert_held(&cvm_ring_aud_lock);
	hash_for_each_possible(cvm_ring_aud_vqs, v, node, (unsigned long)vq)
		if (v->vq == vq)
			return v;
	v = kzalloc(sizeof(*v), GFP_ATOMIC);
	if (!v)
		return NULL;
	cvm_ring_vq_key(vq, v->key, sizeof(v->key));
	k = cvm_ring_kept_find(v->key);
	if (k)
		policy = k->policy;
	snprintf(owner, sizeof(owner), "%s/%s", dev_name(&vq->vdev->dev),
		 vq->name);
	v->ring = cvm_ring_register_gfp(CVM_RING_KIND_VIRTQUEUE, owner,
					policy, GFP_ATOMIC);
	if (IS_ERR(v->ring)) {
		kfree(v);
		return NULL;
	}
	v->vq = vq;
	v->synced = synced;
	hash_add(cvm_ring_aud_vqs, &v->node, (unsigned long)vq);
	return v;
}

static struct cvm_ring_tok *cvm_ring_tok_find(struct virtqueue *vq,
					      void *token)
{
	struct cvm_ring_tok *t;

	hash_for_each_possible(cvm_ring_aud_toks, t, node,
			       cvm_ring_tok_key(vq, token))
		if (t->vq == vq && t->token == token)
			return t;
	return NULL;
}

/* What an add probe saw at entry. */
struct cvm_ring_add_data {
	struct virtqueue *vq;
	void *token;
	u64 cap;
	u64 size;
	bool empty;
};

/* The bytes of every entry of a list, as virtio_ring walks them. */
static u64 cvm_ring_sg_bytes(struct scatterlist *sg, bool premapped)
{
	u64 n = 0;

	for (; sg; sg = sg_next(sg))
		n += premapped ? sg_dma_len(sg) : sg->length;
	return n;
}

static int cvm_ring_add_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs, u32 how)
{
	struct cvm_ring_add_data *d = (void *)ri->data;
	struct scatterlist *sg = (void *)regs_get_kernel_argument(regs, 1);
	bool premapped = how >= CVM_RING_ADD_IN_PREMAPPED;
	struct scatterlist **sgs;
	unsigned int out, in, i;

	d->vq = (void *)regs_get_kernel_argument(regs, 0);
	d->cap = 0;
	d->size = 0;
	switch (how) {
	case CVM_RING_ADD_SGS:
		sgs = (void *)regs_get_kernel_argument(regs, 1);
		out = regs_get_kernel_argument(regs, 2);
		in = regs_get_kernel_argument(regs, 3);
		for (i = 0; i < out + in; i++) {
			u64 n = cvm_ring_sg_bytes(sgs[i], false);

			d->size += n;
			if (i >= out)
				d->cap += n;
		}
		d->token = (void *)regs_get_kernel_argument(regs, 4);
		break;
	case CVM_RING_ADD_IN:
	case CVM_RING_ADD_IN_PREMAPPED:
		d->cap = cvm_ring_sg_bytes(sg, premapped);
		d->size = d->cap;
		d->token = (void *)regs_get_kernel_argument(regs, 3);
		break;
	default:
		d->size = cvm_ring_sg_bytes(sg, premapped);
		d->token = (void *)regs_get_kernel_argument(regs, 3);
	}
	d->empty = cvm_ring_vq_empty(d->vq);
	return 0;
}

static int cvm_ring_add_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct cvm_ring_add_data *d = (void *)ri->data;
	struct cvm_ring_tok *t;
	struct cvm_ring_vq *v;
	unsigned long flags;

	if (regs_return_value(regs))
		return 0;
	spin_lock_irqsave(&cvm_ring_aud_lock, flags);
	v = cvm_ring_vq_get(d->vq, d->empty);
	t = cvm_ring_tok_find(d->vq, d->token);
	if (!t) {
		t = kmalloc(sizeof(*t), GFP_ATOMIC);
		if (t) {
			t->vq = d->vq;
			t->token = d->token;
			hash_add(cvm_ring_aud_toks, &t->node,
				 cvm_ring_tok_key(d->vq, d->token));
		} else if (v) {
			/* This token will come back unknown: not the host's fault. */
			v->synced = false;
		}
	}
	if (t) {
		t->cap = d->cap;
		t->size = d->size;
	}
	spin_unlock_irqrestore(&cvm_ring_aud_lock, flags);
	return 0;
}

#define CVM_RING_ADD_ENTRY(how)						\
static int cvm_ring_add_entry_##how(struct kretprobe_instance *ri,	\
				    struct pt_regs *regs)		\
{									\
	return cvm_ring_add_entry(ri, regs, CVM_RING_ADD_##how);	\
}
CVM_RING_ADD_ENTRY(SGS)
CVM_RING_ADD_ENTRY(IN)
CVM_RING_ADD_ENTRY(OUT)
CVM_RING_ADD_ENTRY(IN_PREMAPPED)
CVM_RING_ADD_ENTRY(OUT_PREMAPPED)

/* What a get_buf probe saw at entry. */
struct cvm_ring_get_data {
	struct virtqueue *vq;
	unsigned int *len;
};

/*
 * Entry handlers take no lock: a kprobe hit through int3 (where the
 * function has no ftrace entry, as on the debug kernel) runs in NMI-like
 * context. They only note the arguments; return handlers do the rest.
 */
static int cvm_ring_get_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct cvm_ring_get_data *d = (void *)ri->data;

	d->vq = (void *)regs_get_kernel_argument(regs, 0);
	d->len = (void *)regs_get_kernel_argument(regs, 1);
	return 0;
}

static unsigned long cvm_ring_missed_now(void);

/*
 * A probe hit the kprobes core dropped (it drops any hit while another
 * probe's handler runs on the CPU, such as a NAPI poll in a softirq that
 * interrupted one) may be a buffer posted unseen: no queue may call an
 * unknown token a violation until it has been seen empty again.
 */
static void cvm_ring_check_missed(void)
{
	unsigned long missed = cvm_ring_missed_now();
	struct cvm_ring_vq *v;
	int bkt;

	lockdep_assert_held(&cvm_ring_aud_lock);
	if (likely(missed == cvm_ring_aud_add_missed))
		return;
	cvm_ring_aud_add_missed = missed;
	hash_for_each(cvm_ring_aud_vqs, bkt, v, node)
		v->synced = false;
}

static int cvm_ring_get_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct cvm_ring_get_data *d = (void *)ri->data;
	void *token = (void *)regs_return_value(regs);
	struct cvm_ring_verdict verdict = {};
	struct cvm_ring_tok *t;
	struct cvm_ring_vq *v;
	unsigned long flags;
	bool known = false, synced, over;
	u64 cap = 0, size = 0;

	if (!token)
		return 0;
	spin_lock_irqsave(&cvm_ring_aud_lock, flags);
	cvm_ring_check_missed();
	t = cvm_ring_tok_find(d->vq, token);
	if (t) {
		known = true;
		cap = t->cap;
		size = t->size;
		hash_del(&t->node);
	}
	v = cvm_ring_vq_get(d->vq, false);
	synced = v && v->synced;
	if (v && !v->synced && cvm_ring_vq_empty(d->vq))
		v->synced = true;
	spin_unlock_irqrestore(&cvm_ring_aud_lock, flags);
	kfree(t);
	if (!v || (!known && !synced))
		return 0;
	/* The queue outlives this call: the driver serialises get_buf and del. */
	verdict.len = READ_ONCE(*d->len);
	verdict.consumed = true;
	if (!known) {
		cvm_ring_reject(&verdict, CVM_RING_REASON_TOKEN, 0, 0);
		cvm_ring_account(v->ring, &verdict);
		return 0;
	}
	over = verdict.len > cap;
	if (verdict.len > size)
		cvm_ring_reject(&verdict, CVM_RING_REASON_LEN_OVER,
				verdict.len, size);
	if (cvm_ring_account_len(v->ring, &verdict, over))
		WRITE_ONCE(*d->len, cap);
	return 0;
}

/* Drops the buffers of @vq (all of them if @token is NULL) and maybe @vq. */
static void cvm_ring_forget(struct virtqueue *vq, void *token, bool del)
{
	struct cvm_ring_vq *v;
	struct cvm_ring_tok *t;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&cvm_ring_aud_lock, flags);
	if (token) {
		t = cvm_ring_tok_find(vq, token);
		if (t) {
			hash_del(&t->node);
			kfree(t);
		}
	} else {
		hash_for_each_safe(cvm_ring_aud_toks, bkt, tmp, t, node) {
			if (t->vq == vq || !vq) {
				hash_del(&t->node);
				kfree(t);
			}
		}
	}
	hash_for_each_safe(cvm_ring_aud_vqs, bkt, tmp, v, node) {
		if (!del || (vq && v->vq != vq))
			continue;
		if (!cvm_ring_vq_keep(v))
			pr_warn_ratelimited("auditor: cannot keep the policy of %s: its next queue starts under monitor\n",
					    v->ring->owner);
		hash_del(&v->node);
		cvm_ring_unregister(v->ring);
		kfree(v);
	}
	spin_unlock_irqrestore(&cvm_ring_aud_lock, flags);
}

static int cvm_ring_detach_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct cvm_ring_get_data *d = (void *)ri->data;
	void *token = (void *)regs_return_value(regs);

	if (token)
		cvm_ring_forget(d->vq, token, false);
	return 0;
}

/* After vring_del_virtqueue(): the queue is gone, its address a key. */
static int cvm_ring_del_ret(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct cvm_ring_get_data *d = (void *)ri->data;

	cvm_ring_forget(d->vq, NULL, true);
	return 0;
}

#define CVM_RING_RP(sym, entry, ret, type)				\
	{ .kp.symbol_name = sym, .entry_handler = entry,		\
	  .handler = ret, .data_size = sizeof(struct type) }

static struct kretprobe cvm_ring_rp_get_buf =
	CVM_RING_RP("virtqueue_get_buf", cvm_ring_get_entry, cvm_ring_get_ret,
		    cvm_ring_get_data);

/* The optional probes are newer kernels' add variants; @on: registered. */
static struct {
	struct kretprobe rp;
	bool optional;
	bool on;
} cvm_ring_rps[] = {
	{ CVM_RING_RP("virtqueue_add_sgs", cvm_ring_add_entry_SGS,
		      cvm_ring_add_ret, cvm_ring_add_data) },
	{ CVM_RING_RP("virtqueue_add_inbuf", cvm_ring_add_entry_IN,
		      cvm_ring_add_ret, cvm_ring_add_data) },
	{ CVM_RING_RP("virtqueue_add_inbuf_ctx", cvm_ring_add_entry_IN,
		      cvm_ring_add_ret, cvm_ring_add_data) },
	{ CVM_RING_RP("virtqueue_add_outbuf", cvm_ring_add_entry_OUT,
		      cvm_ring_add_ret, cvm_ring_add_data) },
	{ CVM_RING_RP("virtqueue_add_inbuf_premapped", cvm_ring_add_entry_IN_PREMAPPED,
		      cvm_ring_add_ret, cvm_ring_add_data), true },
	{ CVM_RING_RP("virtqueue_add_inbuf_cache_clean", cvm_ring_add_entry_IN,
		      cvm_ring_add_ret, cvm_ring_add_data), true },
	{ CVM_RING_RP("virtqueue_add_outbuf_premapped", cvm_ring_add_entry_OUT_PREMAPPED,
		      cvm_ring_add_ret, cvm_ring_add_data), true },
	{ CVM_RING_RP("virtqueue_get_buf_ctx", cvm_ring_get_entry,
		      cvm_ring_get_ret, cvm_ring_get_data) },
	{ CVM_RING_RP("virtqueue_detach_unused_buf", cvm_ring_get_entry,
		      cvm_ring_detach_ret, cvm_ring_get_data) },
	{ CVM_RING_RP("vring_del_virtqueue", cvm_ring_get_entry,
		      cvm_ring_del_ret, cvm_ring_get_data) },
};
/* Index of virtqueue_get_buf_ctx in cvm_ring_rps. */
#define CVM_RING_RP_GET_BUF_CTX	7

/*
 * Whether virtqueue_get_buf() calls or tail-calls virtqueue_get_buf_ctx()
 * (the debug kernel) rather than having its own copy (Debian's 6.1): then
 * the inner probe sees every buffer and the outer one must not, or each
 * buffer is checked twice, the second time as an unknown token. Looks for
 * an x86 call or jmp rel32 to @ctx in the wrapper's first bytes.
 */
static bool cvm_ring_get_buf_calls(unsigned long get_buf, unsigned long ctx)
{
#ifdef CONFIG_X86
	u8 code[48];
	unsigned long target;
	s32 rel;
	int i;

	if (copy_from_kernel_nofault(code, (void *)get_buf, sizeof(code)))
		return false;
	for (i = 1; i + 5 <= sizeof(code); i++) {
		if (code[i] != 0xe8 && code[i] != 0xe9)
			continue;
		memcpy(&rel, &code[i + 1], sizeof(rel));
		target = get_buf + i + 5 + rel;
		/* ctx's probe address may be past an endbr64 (4 bytes). */
		if (target <= ctx && ctx - target <= 4)
			return true;
	}
#endif
	return false;
}

static void cvm_ring_auditor_stop(void)
{
	struct cvm_ring_kept *k, *tmp;
	int i;

	if (cvm_ring_rp_get_buf.kp.addr)
		unregister_kretprobe(&cvm_ring_rp_get_buf);
	cvm_ring_rp_get_buf.kp.addr = NULL;
	for (i = 0; i < ARRAY_SIZE(cvm_ring_rps); i++) {
		if (cvm_ring_rps[i].on)
			unregister_kretprobe(&cvm_ring_rps[i].rp);
		cvm_ring_rps[i].on = false;
	}
	/* No handler runs any more: forget every queue, buffer and policy. */
	cvm_ring_forget(NULL, NULL, true);
	list_for_each_entry_safe(k, tmp, &cvm_ring_aud_kept, node) {
		list_del(&k->node);
		kfree(k);
	}
	cvm_ring_aud_add_missed = 0;
}

static void cvm_ring_probe_reset(struct kprobe *kp, const char *sym)
{
	memset(kp, 0, sizeof(*kp));
	kp->symbol_name = sym;
}

static int cvm_ring_auditor_start(void)
{
	/* Instances in flight at once: one per CPU and interrupt level. */
	int maxactive = max_t(int, 32, 4 * num_possible_cpus());
	struct kretprobe *rp;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(cvm_ring_rps); i++) {
		rp = &cvm_ring_rps[i].rp;
		/* kprobes must be zeroed apart from the symbol to register again. */
		cvm_ring_probe_reset(&rp->kp, rp->kp.symbol_name);
		rp->nmissed = 0;
		rp->maxactive = maxactive;
		err = register_kretprobe(rp);
		if (err == -ENOENT && cvm_ring_rps[i].optional)
			continue;
		if (err) {
			pr_err("auditor: cannot probe %s: %d\n",
			       rp->kp.symbol_name, err);
			goto fail;
		}
		cvm_ring_rps[i].on = true;
	}
	cvm_ring_probe_reset(&cvm_ring_rp_get_buf.kp, "virtqueue_get_buf");
	cvm_ring_rp_get_buf.nmissed = 0;
	cvm_ring_rp_get_buf.maxactive = maxactive;
	/* Registered disarmed, so its code is read unpatched. */
	cvm_ring_rp_get_buf.kp.flags = KPROBE_FLAG_DISABLED;
	err = register_kretprobe(&cvm_ring_rp_get_buf);
	if (err)
		goto fail;
	rp = &cvm_ring_rps[CVM_RING_RP_GET_BUF_CTX].rp;
	if (cvm_ring_get_buf_calls((unsigned long)cvm_ring_rp_get_buf.kp.addr,
				   (unsigned long)rp->kp.addr)) {
		unregister_kretprobe(&cvm_ring_rp_get_buf);
		cvm_ring_rp_get_buf.kp.addr = NULL;
		pr_info("auditor: virtqueue_get_buf calls virtqueue_get_buf_ctx: probing the latter only\n");
		return 0;
	}
	err = enable_kretprobe(&cvm_ring_rp_get_buf);
	if (err) {
		unregister_kretprobe(&cvm_ring_rp_get_buf);
		cvm_ring_rp_get_buf.kp.addr = NULL;
		goto fail;
	}
	return 0;
fail:
	for (i = 0; i < ARRAY_SIZE(cvm_ring_rps); i++) {
		if (cvm_ring_rps[i].on)
			unregister_kretprobe(&cvm_ring_rps[i].rp);
		cvm_ring_rps[i].on = false;
	}
	cvm_ring_rp_get_buf.kp.addr = NULL;
	return err;
}

/**
 * cvm_ring_auditor_set() - start or stop watching real virtqueues
 * @on: the new state
 *
 * Stopping forgets every queue (its ring leaves the registry) and buffer.
 * Context: process context.
 * Return: 0, or the error of registering a probe.
 */
int cvm_ring_auditor_set(bool on)
{
	int err = 0;

	mutex_lock(&cvm_ring_aud_mutex);
	if (on && !cvm_ring_aud_on)
		err = cvm_ring_auditor_start();
	else if (!on && cvm_ring_aud_on)
		cvm_ring_auditor_stop();
	if (!err)
		cvm_ring_aud_on = on;
	mutex_unlock(&cvm_ring_aud_mutex);
	return err;
}

bool cvm_ring_auditor_enabled(void)
{
	return READ_ONCE(cvm_ring_aud_on);
}

/* Probe hits dropped by the kprobes core since the probes were registered. */
static unsigned long cvm_ring_missed_now(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(cvm_ring_rps); i++)
		if (READ_ONCE(cvm_ring_rps[i].on))
			n += READ_ONCE(cvm_ring_rps[i].rp.nmissed) +
			     READ_ONCE(cvm_ring_rps[i].rp.kp.nmissed);
	if (READ_ONCE(cvm_ring_rp_get_buf.kp.addr))
		n += READ_ONCE(cvm_ring_rp_get_buf.nmissed) +
		     READ_ONCE(cvm_ring_rp_get_buf.kp.nmissed);
	return n;
}

/* Probe hits the kprobes core could not run our handlers for. */
u64 cvm_ring_auditor_missed(void)
{
	u64 n = 0;

	mutex_lock(&cvm_ring_aud_mutex);
	if (cvm_ring_aud_on)
		n = cvm_ring_missed_now();
	mutex_unlock(&cvm_ring_aud_mutex);
	return n;
}

int cvm_ring_auditor_init(void)
{
	return auditor ? cvm_ring_auditor_set(true) : 0;
}

void cvm_ring_auditor_exit(void)
{
	cvm_ring_auditor_set(false);
}
