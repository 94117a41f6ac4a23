// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl-gen.h"

/* Integer value ranges */
static const struct netlink_range_validation cvm_a_pool_idle_ms_range = {
	.min	= 10ULL,
	.max	= 3600000ULL,
};

static const struct netlink_range_validation cvm_a_config_event_ratelimit_range = {
	.min	= 1ULL,
	.max	= 100000ULL,
};

/* CVM_CMD_GET_STATUS - do */
const struct nla_policy cvm_get_status_nl_policy[CVM_A_STATUS_MAX + 1] = {
};

/* CVM_CMD_SET_CONFIG - do */
const struct nla_policy cvm_set_config_nl_policy[CVM_A_CONFIG_EVENT_RATELIMIT + 1] = {
	[CVM_A_CONFIG_EVENT_RATELIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &cvm_a_config_event_ratelimit_range),
};

/* CVM_CMD_CONV_GET - do */
const struct nla_policy cvm_conv_get_nl_policy[CVM_A_CONV_MAX + 1] = {
};

/* CVM_CMD_POOL_GET - do */
const struct nla_policy cvm_pool_get_nl_policy[CVM_A_POOL_MAX + 1] = {
};

/* CVM_CMD_RING_GET - do */
const struct nla_policy cvm_ring_get_nl_policy[CVM_A_RING_MAX + 1] = {
};

/* CVM_CMD_CONV_SET - do */
const struct nla_policy cvm_conv_set_nl_policy[CVM_A_CONV_OBSERVER + 1] = {
	[CVM_A_CONV_OBSERVER] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* CVM_CMD_CONV_RANGE_GET - dump */
const struct nla_policy cvm_conv_range_get_nl_policy[CVM_A_CONV_RANGE_MAX + 1] = {
};

/* CVM_CMD_CONV_OWNER_GET - dump */
const struct nla_policy cvm_conv_owner_get_nl_policy[CVM_A_CONV_OWNER_MAX + 1] = {
};

/* CVM_CMD_RING_LIST_GET - dump */
const struct nla_policy cvm_ring_list_get_nl_policy[CVM_A_RING_INFO_MAX + 1] = {
};

/* CVM_CMD_RING_SET - do */
const struct nla_policy cvm_ring_set_nl_policy[CVM_A_RING_INFO_POLICY + 1] = {
	[CVM_A_RING_INFO_ID] = { .type = NLA_U32, },
	[CVM_A_RING_INFO_POLICY] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* CVM_CMD_POOL_SET - do */
const struct nla_policy cvm_pool_set_nl_policy[CVM_A_POOL_IDLE_MS + 1] = {
	[CVM_A_POOL_ZERO_FROM_DEVICE] = NLA_POLICY_MAX(NLA_U8, 1),
	[CVM_A_POOL_ZERO_SLACK] = NLA_POLICY_MAX(NLA_U8, 1),
	[CVM_A_POOL_SCRUB] = NLA_POLICY_MAX(NLA_U8, 1),
	[CVM_A_POOL_MISUSE_WARN] = NLA_POLICY_MAX(NLA_U8, 1),
	[CVM_A_POOL_WAIT_MS] = NLA_POLICY_MAX(NLA_U32, 10000),
	[CVM_A_POOL_IDLE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &cvm_a_pool_idle_ms_range),
};

/* CVM_CMD_POOL_DEV_GET - dump */
const struct nla_policy cvm_pool_dev_get_nl_policy[CVM_A_POOL_DEV_MAX + 1] = {
};

/* CVM_CMD_POOL_ATTACH - do */
const struct nla_policy cvm_pool_attach_nl_policy[CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE + 1] = {
	[CVM_A_POOL_ATTACH_DEVICE] = { .type = NLA_NUL_STRING, .len = 63, },
	[CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* CVM_CMD_POOL_DETACH - do */
const struct nla_policy cvm_pool_detach_nl_policy[CVM_A_POOL_ATTACH_DEVICE + 1] = {
	[CVM_A_POOL_ATTACH_DEVICE] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* CVM_CMD_SWIOTLB_GET - do */
const struct nla_policy cvm_swiotlb_get_nl_policy[CVM_A_SWIOTLB_MAX + 1] = {
};

/* CVM_CMD_SWIOTLB_SET - do */
const struct nla_policy cvm_swiotlb_set_nl_policy[CVM_A_SWIOTLB_OBSERVER + 1] = {
	[CVM_A_SWIOTLB_OBSERVER] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* CVM_CMD_SWIOTLB_DEV_GET - dump */
const struct nla_policy cvm_swiotlb_dev_get_nl_policy[CVM_A_SWIOTLB_DEV_MAX + 1] = {
};

/* CVM_CMD_RING_AUDITOR_SET - do */
const struct nla_policy cvm_ring_auditor_set_nl_policy[CVM_A_RING_AUDITOR + 1] = {
	[CVM_A_RING_AUDITOR] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Ops table for cvm */
const struct genl_ops cvm_nl_ops[18] = {
	{
		.cmd		= CVM_CMD_GET_STATUS,
		.doit		= cvm_nl_get_status_doit,
		.policy		= cvm_get_status_nl_policy,
		.maxattr	= CVM_A_STATUS_MAX,
	},
	{
		.cmd		= CVM_CMD_SET_CONFIG,
		.doit		= cvm_nl_set_config_doit,
		.policy		= cvm_set_config_nl_policy,
		.maxattr	= CVM_A_CONFIG_EVENT_RATELIMIT,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_CONV_GET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_conv_get_nl_policy,
		.maxattr	= CVM_A_CONV_MAX,
	},
	{
		.cmd		= CVM_CMD_POOL_GET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_pool_get_nl_policy,
		.maxattr	= CVM_A_POOL_MAX,
	},
	{
		.cmd		= CVM_CMD_RING_GET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_ring_get_nl_policy,
		.maxattr	= CVM_A_RING_MAX,
	},
	{
		.cmd		= CVM_CMD_CONV_SET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_conv_set_nl_policy,
		.maxattr	= CVM_A_CONV_OBSERVER,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_CONV_RANGE_GET,
		.dumpit		= cvm_nl_feature_dumpit,
		.policy		= cvm_conv_range_get_nl_policy,
		.maxattr	= CVM_A_CONV_RANGE_MAX,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_CONV_OWNER_GET,
		.dumpit		= cvm_nl_feature_dumpit,
		.policy		= cvm_conv_owner_get_nl_policy,
		.maxattr	= CVM_A_CONV_OWNER_MAX,
	},
	{
		.cmd		= CVM_CMD_RING_LIST_GET,
		.dumpit		= cvm_nl_feature_dumpit,
		.policy		= cvm_ring_list_get_nl_policy,
		.maxattr	= CVM_A_RING_INFO_MAX,
	},
	{
		.cmd		= CVM_CMD_RING_SET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_ring_set_nl_policy,
		.maxattr	= CVM_A_RING_INFO_POLICY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_POOL_SET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_pool_set_nl_policy,
		.maxattr	= CVM_A_POOL_IDLE_MS,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_POOL_DEV_GET,
		.dumpit		= cvm_nl_feature_dumpit,
		.policy		= cvm_pool_dev_get_nl_policy,
		.maxattr	= CVM_A_POOL_DEV_MAX,
	},
	{
		.cmd		= CVM_CMD_POOL_ATTACH,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_pool_attach_nl_policy,
		.maxattr	= CVM_A_POOL_ATTACH_ZERO_FROM_DEVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_POOL_DETACH,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_pool_detach_nl_policy,
		.maxattr	= CVM_A_POOL_ATTACH_DEVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_SWIOTLB_GET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_swiotlb_get_nl_policy,
		.maxattr	= CVM_A_SWIOTLB_MAX,
	},
	{
		.cmd		= CVM_CMD_SWIOTLB_SET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_swiotlb_set_nl_policy,
		.maxattr	= CVM_A_SWIOTLB_OBSERVER,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= CVM_CMD_SWIOTLB_DEV_GET,
		.dumpit		= cvm_nl_feature_dumpit,
		.policy		= cvm_swiotlb_dev_get_nl_policy,
		.maxattr	= CVM_A_SWIOTLB_DEV_MAX,
	},
	{
		.cmd		= CVM_CMD_RING_AUDITOR_SET,
		.doit		= cvm_nl_feature_doit,
		.policy		= cvm_ring_auditor_set_nl_policy,
		.maxattr	= CVM_A_RING_AUDITOR,
		.flags		= GENL_ADMIN_PERM,
	},
};

const struct genl_multicast_group cvm_nl_mcgrps[1] = {
	[CVM_NLGRP_EVENTS] = {
		.name	= "events",
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

const u8 cvm_nl_cmd_owners[CVM_CMD_MAX + 1] = {
	[CVM_CMD_CONV_GET] = CVM_MODULE_CONVERT,
	[CVM_CMD_POOL_GET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_RING_GET] = CVM_MODULE_RING,
	[CVM_CMD_CONV_SET] = CVM_MODULE_CONVERT,
	[CVM_CMD_CONV_RANGE_GET] = CVM_MODULE_CONVERT,
	[CVM_CMD_CONV_OWNER_GET] = CVM_MODULE_CONVERT,
	[CVM_CMD_RING_LIST_GET] = CVM_MODULE_RING,
	[CVM_CMD_RING_SET] = CVM_MODULE_RING,
	[CVM_CMD_POOL_SET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_POOL_DEV_GET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_POOL_ATTACH] = CVM_MODULE_BOUNCE,
	[CVM_CMD_POOL_DETACH] = CVM_MODULE_BOUNCE,
	[CVM_CMD_SWIOTLB_GET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_SWIOTLB_SET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_SWIOTLB_DEV_GET] = CVM_MODULE_BOUNCE,
	[CVM_CMD_RING_AUDITOR_SET] = CVM_MODULE_RING,
};
