// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl: operator CLI for cvmguard.
 *
 *	cvmctl [-j|--json] [-p|--pretty] COMMAND [ARGS...]
 *
 * Global options come before the command; every command is one entry of
 * the table below, implemented in its own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "cvmctl.h"

static const struct cvmctl_cmd cvmctl_cmd_help;

static const struct cvmctl_cmd *const cvmctl_cmds[] = {
	&cvmctl_cmd_status,
	&cvmctl_cmd_config,
	&cvmctl_cmd_conversions,
	&cvmctl_cmd_pool,
	&cvmctl_cmd_swiotlb,
	&cvmctl_cmd_rings,
	&cvmctl_cmd_monitor,
	&cvmctl_cmd_metrics,
	&cvmctl_cmd_set,
	&cvmctl_cmd_load,
	&cvmctl_cmd_unload,
	&cvmctl_cmd_help,
};

void cvmctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("cvmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cvmctl_usage_hint(const struct cvmctl_cmd *cmd)
{
	fprintf(stderr, "usage: cvmctl [OPTIONS] %s%s%s\n", cmd->name,
		cmd->args[0] ? " " : "", cmd->args);
}

static const struct cvmctl_cmd *cvmctl_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cvmctl_cmds); i++)
		if (!strcmp(cvmctl_cmds[i]->name, name))
			return cvmctl_cmds[i];
	return NULL;
}

static void cvmctl_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: cvmctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Options:\n"
		"  -j, --json     JSON output\n"
		"  -p, --pretty   indented JSON output (implies -j)\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cvmctl_cmds); i++) {
		const struct cvmctl_cmd *cmd = cvmctl_cmds[i];
		char synopsis[64];

		snprintf(synopsis, sizeof(synopsis), "%s%s%s", cmd->name,
			 cmd->args[0] ? " " : "", cmd->args);
		/* A long synopsis gets a line of its own. */
		if (strlen(synopsis) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", synopsis, "", cmd->help);
		else
			fprintf(f, "  %-26s %s\n", synopsis, cmd->help);
	}
	fprintf(f, "\nSee cvmctl(8) and cvmctl-COMMAND(8).\n");
}

static int cvmctl_do_help(const struct cvmctl_ctx *ctx, int argc, char **argv)
{
	const struct cvmctl_cmd *cmd;

	(void)ctx;
	if (argc == 0) {
		cvmctl_usage(stdout);
		return CVMCTL_EXIT_OK;
	}
	if (argc > 1) {
		cvmctl_err("help: too many arguments");
		cvmctl_usage_hint(&cvmctl_cmd_help);
		return CVMCTL_EXIT_USAGE;
	}
	cmd = cvmctl_find_cmd(argv[0]);
	if (!cmd) {
		cvmctl_err("unknown command '%s'; run 'cvmctl help'", argv[0]);
		return CVMCTL_EXIT_USAGE;
	}
	printf("usage: cvmctl [OPTIONS] %s%s%s\n  %s\n", cmd->name,
	       cmd->args[0] ? " " : "", cmd->args, cmd->help);
	return CVMCTL_EXIT_OK;
}

static const struct cvmctl_cmd cvmctl_cmd_help = {
	.name = "help",
	.args = "[COMMAND]",
	.help = "show the commands, or the usage of one",
	.handler = cvmctl_do_help,
};

static const struct option cvmctl_options[] = {
	{ "json",	no_argument, NULL, 'j' },
	{ "pretty",	no_argument, NULL, 'p' },
	{ "help",	no_argument, NULL, 'h' },
	{ "version",	no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* getopt found a bad option; say which, as getopt's own text would not. */
static void cvmctl_bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	if (!strncmp(arg, "--", 2)) {
		if (optopt)
			cvmctl_err("option '%.*s' takes no argument; run 'cvmctl help'",
				   (int)strcspn(arg, "="), arg);
		else
			cvmctl_err("unknown option '%s'; run 'cvmctl help'",
				   arg);
	} else {
		cvmctl_err("unknown option '-%c'; run 'cvmctl help'", optopt);
	}
}

/* Output that did not reach its destination (say, a full disk) fails. */
static int cvmctl_finish(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		cvmctl_err("write error: %s", strerror(errno));
		if (ret == CVMCTL_EXIT_OK)
			ret = CVMCTL_EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct cvmctl_ctx ctx = { 0 };
	const struct cvmctl_cmd *cmd;
	int opt, ret;

	/* One thread: no stdio locking per character of a 100k-row dump. */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	opterr = 0;
	/* '+': stop at the command, its arguments are its own business. */
	while ((opt = getopt_long(argc, argv, "+jphV", cvmctl_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			ctx.json = true;
			break;
		case 'p':
			ctx.json = true;
			ctx.pretty = true;
			break;
		case 'h':
			cvmctl_usage(stdout);
			return cvmctl_finish(CVMCTL_EXIT_OK);
		case 'V':
			printf("cvmctl %s\n", CVMCTL_VERSION);
			return cvmctl_finish(CVMCTL_EXIT_OK);
		default:
			cvmctl_bad_option(argv);
			return CVMCTL_EXIT_USAGE;
		}
	}

	if (optind >= argc) {
		cvmctl_err("missing command; run 'cvmctl help'");
		return CVMCTL_EXIT_USAGE;
	}

	cmd = cvmctl_find_cmd(argv[optind]);
	if (!cmd) {
		cvmctl_err("unknown command '%s'; run 'cvmctl help'",
			   argv[optind]);
		return CVMCTL_EXIT_USAGE;
	}

	ret = cmd->handler(&ctx, argc - optind - 1, argv + optind + 1);
	return cvmctl_finish(ret);
}
