/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_hostsim internals: a hostile host inside the guest, for tests only.
 */
#ifndef _CVM_HOSTSIM_H
#define _CVM_HOSTSIM_H

#include <linux/debugfs.h>

/* convert.c: /sys/kernel/debug/cvm_hostsim/convert */
void cvm_hostsim_convert_init(struct dentry *dir);
void cvm_hostsim_convert_exit(void);

/* bounce.c: /sys/kernel/debug/cvm_hostsim/bounce */
int cvm_hostsim_bounce_init(struct dentry *dir);
void cvm_hostsim_bounce_exit(void);

#endif /* _CVM_HOSTSIM_H */
