/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#ifndef _KERNEL_BOUNCE_NL_GEN_H
#define _KERNEL_BOUNCE_NL_GEN_H

#include <net/genetlink.h>

#include <cvm_core.h>

int cvm_bounce_nl_pool_get_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_pool_set_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_pool_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int cvm_bounce_nl_pool_attach_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_pool_detach_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_swiotlb_get_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_swiotlb_set_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_bounce_nl_swiotlb_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* What cvm_bounce registers with cvm_core */
extern const struct cvm_core_cmd cvm_bounce_nl_cmds[8];

#endif /* _KERNEL_BOUNCE_NL_GEN_H */
