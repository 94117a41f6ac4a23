/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cvm_count plugin's markers (tools/testing/count/cvm_count.c):
 * "nopl 0x434d5653(%rax,%rax,1)" starts counting on the vCPU that runs
 * it, 0x434d5645 stops. No-ops on every x86 CPU.
 */
#ifndef CVM_COUNT_MARKS_H
#define CVM_COUNT_MARKS_H

#define MARK_START ".byte 0x0f, 0x1f, 0x84, 0x00, 0x53, 0x56, 0x4d, 0x43"
#define MARK_STOP ".byte 0x0f, 0x1f, 0x84, 0x00, 0x45, 0x56, 0x4d, 0x43"

#endif
