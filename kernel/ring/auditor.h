/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live virtqueue auditor of cvm_ring (auditor.c): opt-in, through the
 * "auditor" module parameter or /sys/kernel/cvm/ring/auditor.
 */
#ifndef _CVM_RING_AUDITOR_H
#define _CVM_RING_AUDITOR_H

#include <linux/ptrace.h>
#include "ring.h"

/* How an add function's arguments describe the device-writable bytes. */
enum {
	CVM_RING_ADD_SGS,	/* (vq, sgs[], out_sgs, in_sgs, data, ...) */
	CVM_RING_ADD_IN,	/* (vq, sg, num, data, ...): all writable */
	CVM_RING_ADD_OUT,	/* (vq, sg, num, data, ...): none writable */
};

/*
 * At a probed function's first instruction, where it returns to: the
 * word at the stack pointer on x86 (what the kretprobe code saves too).
 * Other architectures keep it in a register; the auditor is x86-only
 * like the confidential guests it serves, and 0 disables the check.
 */
static inline unsigned long cvm_ring_return_address(struct pt_regs *regs)
{
#ifdef CONFIG_X86
	return *(unsigned long *)kernel_stack_pointer(regs);
#else
	return 0;
#endif
}

int cvm_ring_auditor_set(bool on);
bool cvm_ring_auditor_enabled(void);
u64 cvm_ring_auditor_missed(void);
int cvm_ring_auditor_init(void);
void cvm_ring_auditor_exit(void);

#endif /* _CVM_RING_AUDITOR_H */
