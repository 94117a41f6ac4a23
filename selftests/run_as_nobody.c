// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_as_nobody COMMAND [ARG...]: drop to uid/gid 65534 (and no
 * supplementary groups) and exec COMMAND, for the selftests that check
 * what an unprivileged user is refused. The guest has no su.
 */
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: run_as_nobody COMMAND [ARG...]\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		fprintf(stderr, "run_as_nobody: %s\n", strerror(errno));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "run_as_nobody: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
