/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#ifndef _KERNEL_CONVERT_NL_GEN_H
#define _KERNEL_CONVERT_NL_GEN_H

#include <net/genetlink.h>

#include <cvm_core.h>

int cvm_convert_nl_conv_get_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_convert_nl_conv_set_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_convert_nl_conv_range_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int cvm_convert_nl_conv_owner_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* What cvm_convert registers with cvm_core */
extern const struct cvm_core_cmd cvm_convert_nl_cmds[4];

#endif /* _KERNEL_CONVERT_NL_GEN_H */
