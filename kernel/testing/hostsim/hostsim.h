/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_hostsim internals: a hostile host inside the guest, for tests only.
 */
#ifndef _CVM_HOSTSIM_H
#define _CVM_HOSTSIM_H

#include <linux/debugfs.h>
#include <linux/types.h>

/* cmd.c (cvm_hostsim, exported): a command written to a debugfs file */
struct cvm_hostsim_args {
	char buf[128];
	char *argv[6];
	int argc;
};

struct cvm_hostsim_cmd {
	const char *name;
	int argc;			/* words, the name included */
	int (*fn)(char **argv);
};

int cvm_hostsim_args_get(struct cvm_hostsim_args *a, const char __user *ubuf,
			 size_t len);
int cvm_hostsim_call(const struct cvm_hostsim_cmd *cmds, unsigned int n,
		     struct cvm_hostsim_args *a);

/* convert.c: /sys/kernel/debug/cvm_hostsim/convert */
void cvm_hostsim_convert_init(struct dentry *dir);
void cvm_hostsim_convert_exit(void);

#endif /* _CVM_HOSTSIM_H */
