// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#include "nl-gen.h"

const struct cvm_core_cmd cvm_convert_nl_cmds[4] = {
	{
		.cmd	= CVM_CMD_CONV_GET,
		.doit	= cvm_convert_nl_conv_get_doit,
	},
	{
		.cmd	= CVM_CMD_CONV_SET,
		.doit	= cvm_convert_nl_conv_set_doit,
	},
	{
		.cmd	= CVM_CMD_CONV_RANGE_GET,
		.dumpit	= cvm_convert_nl_conv_range_get_dumpit,
	},
	{
		.cmd	= CVM_CMD_CONV_OWNER_GET,
		.dumpit	= cvm_convert_nl_conv_owner_get_dumpit,
	},
};
