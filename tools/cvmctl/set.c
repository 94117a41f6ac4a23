// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl set SETTING VALUE...: every admin knob in one place, each handled
 * by the command that owns it (messages and exit codes are that command's).
 *
 *	set event-ratelimit N			set-config ('config')
 *	set observer on|off			conv-set ('conversions observer')
 *	set pool POLICY VALUE			pool-set ('pool set')
 *	set swiotlb-observer on|off		swiotlb-set ('swiotlb observer')
 *	set ring-policy ID monitor|enforce	ring-set ('rings policy')
 *	set ring-auditor on|off			ring-auditor-set ('rings auditor')
 */
#include <string.h>

#include "cvmctl.h"

/* SETTING -> the owning command and the word that replaces SETTING. */
static const struct {
	const char *setting;
	const struct cvmctl_cmd *cmd;
	const char *verb;
} cvm_set_table[] = {
	{ "pool",		&cvmctl_cmd_pool,	"set" },
	{ "swiotlb-observer",	&cvmctl_cmd_swiotlb,	"observer" },
	{ "ring-policy",	&cvmctl_cmd_rings,	"policy" },
	{ "ring-auditor",	&cvmctl_cmd_rings,	"auditor" },
};

static int cvmctl_do_set(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	size_t i;

	if (argc >= 1 && !strcmp(argv[0], "observer"))
		return cvmctl_observer_run(ctx, &cvmctl_cmd_set, argc - 1,
					   argv + 1);
	for (i = 0; argc >= 1 && i < ARRAY_SIZE(cvm_set_table); i++) {
		if (strcmp(argv[0], cvm_set_table[i].setting))
			continue;
		argv[0] = (char *)cvm_set_table[i].verb;
		return cvm_set_table[i].cmd->handler(ctx, argc, argv);
	}
	return cvmctl_config_run(ctx, &cvmctl_cmd_set, argc, argv);
}

const struct cvmctl_cmd cvmctl_cmd_set = {
	.name = "set",
	.args = "SETTING VALUE...",
	.help = "change an admin setting (root): event-ratelimit, observer, pool, swiotlb-observer, ring-policy, ring-auditor",
	.handler = cvmctl_do_set,
};
