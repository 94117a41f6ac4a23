// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl set SETTING VALUE: the admin knobs in one place.
 *
 *	set event-ratelimit N	set-config (same code as 'config')
 *	set observer on|off	conv-set (same code as 'conversions observer')
 */
#include <string.h>

#include "cvmctl.h"

static int cvmctl_do_set(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "observer"))
		return cvmctl_observer_run(ctx, &cvmctl_cmd_set, argc - 1,
					   argv + 1);
	return cvmctl_config_run(ctx, &cvmctl_cmd_set, argc, argv);
}

const struct cvmctl_cmd cvmctl_cmd_set = {
	.name = "set",
	.args = "event-ratelimit N|observer on|off",
	.help = "change a setting of cvm_core or cvm_convert; needs root",
	.handler = cvmctl_do_set,
};
