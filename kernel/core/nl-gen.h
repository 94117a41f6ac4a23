/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#ifndef _KERNEL_CORE_NL_GEN_H
#define _KERNEL_CORE_NL_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/cvm.h>

extern const struct nla_policy cvm_get_status_nl_policy[CVM_A_STATUS_MAX + 1];
extern const struct nla_policy cvm_set_config_nl_policy[CVM_A_CONFIG_EVENT_RATELIMIT + 1];
extern const struct nla_policy cvm_conv_get_nl_policy[CVM_A_CONV_MAX + 1];
extern const struct nla_policy cvm_pool_get_nl_policy[CVM_A_POOL_MAX + 1];
extern const struct nla_policy cvm_ring_get_nl_policy[CVM_A_RING_MAX + 1];
extern const struct nla_policy cvm_conv_set_nl_policy[CVM_A_CONV_OBSERVER + 1];
extern const struct nla_policy cvm_conv_range_get_nl_policy[CVM_A_CONV_RANGE_MAX + 1];
extern const struct nla_policy cvm_conv_owner_get_nl_policy[CVM_A_CONV_OWNER_MAX + 1];
extern const struct nla_policy cvm_ring_list_get_nl_policy[CVM_A_RING_INFO_MAX + 1];
extern const struct nla_policy cvm_ring_set_nl_policy[CVM_A_RING_INFO_POLICY + 1];
extern const struct nla_policy cvm_pool_set_nl_policy[CVM_A_POOL_IDLE_MS + 1];
extern const struct nla_policy cvm_pool_dev_get_nl_policy[CVM_A_POOL_DEV_MAX + 1];
extern const struct nla_policy cvm_pool_attach_nl_policy[CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE + 1];
extern const struct nla_policy cvm_pool_detach_nl_policy[CVM_A_POOL_ATTACH_DEVICE + 1];
extern const struct nla_policy cvm_swiotlb_get_nl_policy[CVM_A_SWIOTLB_MAX + 1];
extern const struct nla_policy cvm_swiotlb_set_nl_policy[CVM_A_SWIOTLB_OBSERVER + 1];
extern const struct nla_policy cvm_swiotlb_dev_get_nl_policy[CVM_A_SWIOTLB_DEV_MAX + 1];
extern const struct nla_policy cvm_ring_auditor_set_nl_policy[CVM_A_RING_AUDITOR + 1];

/* Ops table for cvm */
extern const struct genl_ops cvm_nl_ops[18];

int cvm_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_nl_feature_doit(struct sk_buff *skb, struct genl_info *info);
int cvm_nl_feature_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

extern const struct genl_multicast_group cvm_nl_mcgrps[1];
enum {
	CVM_NLGRP_EVENTS,
};

/* The cvm_module that answers each command */
extern const u8 cvm_nl_cmd_owners[CVM_CMD_MAX + 1];

#endif /* _KERNEL_CORE_NL_GEN_H */
