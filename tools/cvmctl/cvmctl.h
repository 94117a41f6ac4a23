/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvmctl: shared declarations and the command table entry.
 *
 * Every command lives in its own file and exports one struct cvmctl_cmd;
 * cvmctl.c lists them in its command table and dispatches on argv.
 */
#ifndef CVMCTL_H
#define CVMCTL_H

#include <stdbool.h>

#ifndef CVMCTL_VERSION
#error "CVMCTL_VERSION must be defined (the Makefile passes -DCVMCTL_VERSION)"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* Exit status: success, runtime error, usage error, posture check failed. */
enum {
	CVMCTL_EXIT_OK		= 0,
	CVMCTL_EXIT_FAIL	= 1,
	CVMCTL_EXIT_USAGE	= 2,
	CVMCTL_EXIT_CHECK	= 3,
};

/* Global options, parsed once in main(). */
struct cvmctl_ctx {
	bool json;	/* -j: JSON output */
	bool pretty;	/* -p: indented JSON output (implies -j) */
};

struct cvmctl_cmd {
	const char *name;
	/* arguments after the command name, for usage lines ("" if none) */
	const char *args;
	/* one-line description for 'cvmctl help' */
	const char *help;
	/*
	 * @argc/@argv: the arguments after the command name.
	 * Return: a CVMCTL_EXIT_* status.
	 */
	int (*handler)(const struct cvmctl_ctx *ctx, int argc, char **argv);
};

extern const struct cvmctl_cmd cvmctl_cmd_status;
extern const struct cvmctl_cmd cvmctl_cmd_config;
extern const struct cvmctl_cmd cvmctl_cmd_conversions;
extern const struct cvmctl_cmd cvmctl_cmd_pool;
extern const struct cvmctl_cmd cvmctl_cmd_swiotlb;
extern const struct cvmctl_cmd cvmctl_cmd_rings;
extern const struct cvmctl_cmd cvmctl_cmd_monitor;
extern const struct cvmctl_cmd cvmctl_cmd_metrics;
extern const struct cvmctl_cmd cvmctl_cmd_set;
extern const struct cvmctl_cmd cvmctl_cmd_load;
extern const struct cvmctl_cmd cvmctl_cmd_unload;

/* Shared by 'config'/'conversions observer' and 'set' (config.c, conversions.c). */
int cvmctl_config_run(const struct cvmctl_ctx *ctx,
		      const struct cvmctl_cmd *cmd, int argc, char **argv);
int cvmctl_observer_run(const struct cvmctl_ctx *ctx,
			const struct cvmctl_cmd *cmd, int argc, char **argv);

/* "cvmctl: <message>\n" on stderr. */
__printf(1, 2) void cvmctl_err(const char *fmt, ...);

/* "usage: cvmctl [OPTIONS] <name> <args>\n" on stderr. */
void cvmctl_usage_hint(const struct cvmctl_cmd *cmd);

#endif /* CVMCTL_H */
