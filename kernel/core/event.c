// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events on the "events" multicast group. Anomalies are driven by the
 * untrusted host, so a hostile host must not be able to turn them into a
 * netlink flood: every event passes one global per-second budget, and what
 * exceeds it is counted, not sent. Events that say memory was lost (a
 * failed conversion, leaked pages) skip the budget: the host could
 * otherwise hide them behind cheap ring violations, and each one stands
 * for guest memory withheld for good, so there cannot be a flood of them
 * without the guest running out of memory first.
 */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <linux/atomic.h>
#include "core.h"

static DEFINE_SPINLOCK(cvm_event_lock);
static u32 cvm_event_limit = CVM_EVENT_RATELIMIT_DEFAULT;
static u32 cvm_event_window_count;
static unsigned long cvm_event_window_end;
static atomic64_t cvm_event_sent = ATOMIC64_INIT(0);
static atomic64_t cvm_event_dropped = ATOMIC64_INIT(0);

u32 cvm_event_ratelimit(void)
{
	return READ_ONCE(cvm_event_limit);
}

int cvm_event_set_ratelimit(u32 per_sec)
{
	if (per_sec < CVM_CHECK_CONFIG_EVENT_RATELIMIT_MIN ||
	    per_sec > CVM_CHECK_CONFIG_EVENT_RATELIMIT_MAX)
		return -ERANGE;
	WRITE_ONCE(cvm_event_limit, per_sec);
	return 0;
}

u64 cvm_events_sent(void)
{
	return atomic64_read(&cvm_event_sent);
}

u64 cvm_events_dropped(void)
{
	return atomic64_read(&cvm_event_dropped);
}

static bool cvm_event_allow(void)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&cvm_event_lock, flags);
	if (time_after_eq(jiffies, cvm_event_window_end)) {
		cvm_event_window_end = jiffies + HZ;
		cvm_event_window_count = 0;
	}
	ok = cvm_event_window_count < READ_ONCE(cvm_event_limit);
	if (ok)
		cvm_event_window_count++;
	spin_unlock_irqrestore(&cvm_event_lock, flags);
	return ok;
}

static struct sk_buff *cvm_event_start(u8 cmd, void **hdr, bool budget)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&cvm_nl_family, &init_net, 0))
		return NULL;
	if (budget && !cvm_event_allow()) {
		atomic64_inc(&cvm_event_dropped);
		return NULL;
	}
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		goto drop;
	*hdr = genlmsg_put(skb, 0, 0, &cvm_nl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		goto drop;
	}
	return skb;
drop:
	atomic64_inc(&cvm_event_dropped);
	return NULL;
}

/**
 * cvm_core_event_new() - start an event message for the events group
 * @cmd: CVM_CMD_* notification the message carries
 * @hdr: set to the generic netlink header, to pass to cvm_core_event_send()
 *
 * Safe in atomic context. The caller adds attributes with the nla_put_*()
 * helpers and hands the message to cvm_core_event_send(), which consumes it
 * on every path. Nothing is allocated when nobody listens or the rate limit
 * is exhausted, so callers can report every anomaly unconditionally.
 *
 * Return: the message, or NULL when the event is not to be sent: nobody
 * listens (not counted), or the rate limit or memory ran out (counted in
 * events-dropped).
 */
struct sk_buff *cvm_core_event_new(u8 cmd, void **hdr)
{
	return cvm_event_start(cmd, hdr, true);
}
EXPORT_SYMBOL_GPL(cvm_core_event_new);

/**
 * cvm_core_event_new_lost() - start an event that memory was lost
 * @cmd: CVM_CMD_* notification the message carries
 * @hdr: as for cvm_core_event_new()
 *
 * As cvm_core_event_new(), but outside the rate limit: for failed
 * conversions and leaked pages only, which the host must not be able to
 * crowd out.
 *
 * Return: the message, or NULL when nobody listens or memory ran out
 * (counted in events-dropped).
 */
struct sk_buff *cvm_core_event_new_lost(u8 cmd, void **hdr)
{
	return cvm_event_start(cmd, hdr, false);
}
EXPORT_SYMBOL_GPL(cvm_core_event_new_lost);

/**
 * cvm_core_event_send() - send an event started by cvm_core_event_new()
 * @skb: the message
 * @hdr: its generic netlink header
 *
 * Safe in atomic context; consumes @skb.
 *
 * Return: 0 when sent or when the last listener left meanwhile, a negative
 * errno when the message could not be delivered (counted in events-dropped).
 */
int cvm_core_event_send(struct sk_buff *skb, void *hdr)
{
	int err;

	genlmsg_end(skb, hdr);
	err = genlmsg_multicast(&cvm_nl_family, skb, 0, 0, GFP_ATOMIC);
	if (err == -ESRCH)
		return 0;
	if (err) {
		atomic64_inc(&cvm_event_dropped);
		return err;
	}
	atomic64_inc(&cvm_event_sent);
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_core_event_send);
