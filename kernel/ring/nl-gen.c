// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* by scripts/ynl-kernel.py with the kernel's ynl-gen-c.py */

#include "nl-gen.h"

const struct cvm_core_cmd cvm_ring_nl_cmds[4] = {
	{
		.cmd	= CVM_CMD_RING_GET,
		.doit	= cvm_ring_nl_ring_get_doit,
	},
	{
		.cmd	= CVM_CMD_RING_LIST_GET,
		.dumpit	= cvm_ring_nl_ring_list_get_dumpit,
	},
	{
		.cmd	= CVM_CMD_RING_SET,
		.doit	= cvm_ring_nl_ring_set_doit,
	},
	{
		.cmd	= CVM_CMD_RING_AUDITOR_SET,
		.doit	= cvm_ring_nl_ring_auditor_set_doit,
	},
};
