// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#include "nl-gen.h"

const struct cvm_core_cmd cvm_bounce_nl_cmds[8] = {
	{
		.cmd	= CVM_CMD_POOL_GET,
		.doit	= cvm_bounce_nl_pool_get_doit,
	},
	{
		.cmd	= CVM_CMD_POOL_SET,
		.doit	= cvm_bounce_nl_pool_set_doit,
	},
	{
		.cmd	= CVM_CMD_POOL_DEV_GET,
		.dumpit	= cvm_bounce_nl_pool_dev_get_dumpit,
	},
	{
		.cmd	= CVM_CMD_POOL_ATTACH,
		.doit	= cvm_bounce_nl_pool_attach_doit,
	},
	{
		.cmd	= CVM_CMD_POOL_DETACH,
		.doit	= cvm_bounce_nl_pool_detach_doit,
	},
	{
		.cmd	= CVM_CMD_SWIOTLB_GET,
		.doit	= cvm_bounce_nl_swiotlb_get_doit,
	},
	{
		.cmd	= CVM_CMD_SWIOTLB_SET,
		.doit	= cvm_bounce_nl_swiotlb_set_doit,
	},
	{
		.cmd	= CVM_CMD_SWIOTLB_DEV_GET,
		.dumpit	= cvm_bounce_nl_swiotlb_dev_get_dumpit,
	},
};
