// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel-wide observer (opt-in): kretprobes on set_memory_decrypted()
 * and set_memory_encrypted() record conversions made by any kernel code,
 * with the caller's symbol as owner and the return value as outcome.
 *
 * Conversions made through the ledger API are already recorded; they are
 * recognised by their return address, which lies in cvm_convert's own
 * text, and skipped. Where kretprobes cannot be used (kernel without
 * CONFIG_KRETPROBES, symbol not probeable, lockdown), the module works
 * without the observer and says why it is off.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/vmalloc.h>
#include "convert.h"

static DEFINE_MUTEX(cvm_observer_lock);
static bool cvm_observer_enabled;
static char cvm_observer_why[96] = "disabled";

#ifdef CONFIG_KRETPROBES

/* Arguments of the probed call, kept until it returns. */
struct cvm_observer_call {
	unsigned long addr;
	int numpages;
};

static int cvm_observer_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct cvm_observer_call *call = (void *)ri->data;

	call->addr = regs_get_kernel_argument(regs, 0);
	call->numpages = regs_get_kernel_argument(regs, 1);
	return 0;
}

/*
 * The pfn of page @i of the buffer at @addr, or ULONG_MAX where there is
 * none (vmalloc'd buffers are only virtually contiguous).
 */
static unsigned long cvm_observer_pfn(unsigned long addr, unsigned long i)
{
	void *p = (void *)(addr + i * PAGE_SIZE);

	if (is_vmalloc_addr(p))
		return vmalloc_to_pfn(p) ?: ULONG_MAX;
	if (virt_addr_valid(p))
		return PHYS_PFN(__pa(p));
	return ULONG_MAX;
}

static void cvm_observer_record(struct kretprobe_instance *ri,
				struct pt_regs *regs, bool share)
{
	struct cvm_observer_call *call = (void *)ri->data;
	unsigned long caller = get_kretprobe_retaddr(ri);
	int err = (int)regs_return_value(regs);
	char name[CVM_CONVERT_OWNER_LEN];
	unsigned long pfn, start, i, run;

	if (within_module(caller, THIS_MODULE) || call->numpages <= 0)
		return;
	start = cvm_observer_pfn(call->addr, 0);
	if (start == ULONG_MAX)
		return;
	snprintf(name, sizeof(name), "%ps", (void *)caller);
	if (!err && cvm_convert_observed_should_fail())
		err = -EIO;
	if (err)
		cvm_convert_notify(share ? CVM_CONV_EVENT_SHARE_FAILED :
					   CVM_CONV_EVENT_UNSHARE_FAILED,
				   name, start, call->numpages, err);
	/*
	 * One range per physically contiguous run: a vzalloc'ed buffer
	 * (Hyper-V's netvsc) is not the numpages pages after its first.
	 * A failure leaves every run in an unknown state.
	 */
	for (i = 1, run = 1; i <= call->numpages; i++, run++) {
		pfn = i < call->numpages ? cvm_observer_pfn(call->addr, i) :
					   ULONG_MAX;
		if (pfn == start + run)
			continue;
		cvm_ledger_observed(name, start, run, share, err, i == run);
		start = pfn;
		run = 0;
		if (pfn == ULONG_MAX && i < call->numpages)
			return;
	}
}

static int cvm_observer_decrypted(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	cvm_observer_record(ri, regs, true);
	return 0;
}

static int cvm_observer_encrypted(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	cvm_observer_record(ri, regs, false);
	return 0;
}

static struct kretprobe cvm_observer_probes[2];

static int cvm_observer_register(void)
{
	struct kretprobe *rps[] = {
		&cvm_observer_probes[0], &cvm_observer_probes[1],
	};
	int err;

	/*
	 * A kretprobe remembers the address it resolved, and registering
	 * one with both an address and a symbol fails: start afresh.
	 */
	memset(cvm_observer_probes, 0, sizeof(cvm_observer_probes));
	cvm_observer_probes[0].kp.symbol_name = "set_memory_decrypted";
	cvm_observer_probes[0].handler = cvm_observer_decrypted;
	cvm_observer_probes[1].kp.symbol_name = "set_memory_encrypted";
	cvm_observer_probes[1].handler = cvm_observer_encrypted;
	for (unsigned int i = 0; i < ARRAY_SIZE(cvm_observer_probes); i++) {
		cvm_observer_probes[i].entry_handler = cvm_observer_entry;
		cvm_observer_probes[i].data_size = sizeof(struct cvm_observer_call);
		cvm_observer_probes[i].maxactive = 4 * num_possible_cpus();
	}
	err = register_kretprobes(rps, ARRAY_SIZE(rps));
	if (err)
		snprintf(cvm_observer_why, sizeof(cvm_observer_why),
			 "kretprobe on set_memory_decrypted/encrypted failed: %d",
			 err);
	return err;
}

static void cvm_observer_unregister(void)
{
	struct kretprobe *rps[] = {
		&cvm_observer_probes[0], &cvm_observer_probes[1],
	};

	/* Waits for handlers in flight; pending returns are dropped. */
	unregister_kretprobes(rps, ARRAY_SIZE(rps));
}

#else /* !CONFIG_KRETPROBES */

static int cvm_observer_register(void)
{
	strscpy(cvm_observer_why, "kernel built without CONFIG_KRETPROBES",
		sizeof(cvm_observer_why));
	return -EOPNOTSUPP;
}

static void cvm_observer_unregister(void)
{
}

#endif /* CONFIG_KRETPROBES */

/**
 * cvm_observer_set() - turn the observer on or off
 * @on: the wanted state
 *
 * Sleeps.
 *
 * Return: 0, or why it could not be turned on (see cvm_observer_reason()).
 */
int cvm_observer_set(bool on)
{
	int err = 0;

	mutex_lock(&cvm_observer_lock);
	if (on && !cvm_observer_enabled) {
		err = cvm_observer_register();
		if (!err) {
			cvm_observer_enabled = true;
			cvm_observer_why[0] = '\0';
		}
	} else if (!on && cvm_observer_enabled) {
		cvm_observer_unregister();
		cvm_observer_enabled = false;
		strscpy(cvm_observer_why, "disabled", sizeof(cvm_observer_why));
	}
	mutex_unlock(&cvm_observer_lock);
	return err;
}

bool cvm_observer_on(void)
{
	return READ_ONCE(cvm_observer_enabled);
}

/**
 * cvm_observer_reason() - why the observer is off
 * @buf: filled with the reason, "" when it is on
 * @size: size of @buf
 */
void cvm_observer_reason(char *buf, size_t size)
{
	mutex_lock(&cvm_observer_lock);
	strscpy(buf, cvm_observer_why, size);
	mutex_unlock(&cvm_observer_lock);
}

void cvm_observer_exit(void)
{
	cvm_observer_set(false);
}
