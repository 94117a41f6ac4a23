// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_timeit: wall time of a command, for `make bench` in the guest
 * (busybox has neither `date +%N` nor a `time` finer than 10 ms).
 *
 *	cvm_timeit [-l LABEL] [-r ITEMS] RUNS CMD [ARG...]
 *
 * Runs CMD RUNS times in a row, with standard input and output on
 * /dev/null (standard error is kept), each run timed with CLOCK_MONOTONIC
 * from before posix_spawn() to after waitpid(). Prints one line:
 *
 *	LABEL  RUNS  MEDIAN_MS  P90_MS[  ITEMS/s]
 *
 * LABEL defaults to the command line; with -r, ITEMS divided by the
 * median time is added (e.g. ranges per second of a dump). Exits 1 if a
 * run fails, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: cvm_timeit [-l LABEL] [-r ITEMS] RUNS CMD [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	const char *label = NULL;
	char cmdline[256] = "";
	unsigned long runs, i;
	double items = 0, med, p90;
	uint64_t *t;
	int opt;

	while ((opt = getopt(argc, argv, "+l:r:")) != -1) {
		switch (opt) {
		case 'l':
			label = optarg;
			break;
		case 'r':
			items = strtod(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2)
		usage();
	runs = strtoul(argv[optind], NULL, 10);
	if (!runs || runs > 100000)
		usage();
	argv += optind + 1;
	if (!label) {
		for (i = 0; argv[i]; i++) {
			size_t len = strlen(cmdline);

			snprintf(cmdline + len, sizeof(cmdline) - len, "%s%s",
				 i ? " " : "", argv[i]);
		}
		label = cmdline;
	}

	t = calloc(runs, sizeof(*t));
	if (!t)
		return 1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);

	for (i = 0; i < runs; i++) {
		uint64_t t0 = now_ns();
		pid_t pid;
		int status, err;

		err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
		if (err) {
			fprintf(stderr, "cvm_timeit: %s: %s\n", argv[0],
				strerror(err));
			return 1;
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("cvm_timeit: waitpid");
			return 1;
		}
		t[i] = now_ns() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "cvm_timeit: %s: run %lu failed (status %#x)\n",
				label, i + 1, status);
			return 1;
		}
	}
	qsort(t, runs, sizeof(*t), cmp_u64);
	med = t[runs / 2] / 1e6;
	p90 = t[runs * 9 / 10 < runs ? runs * 9 / 10 : runs - 1] / 1e6;
	printf("%-44s %5lu %11.3f %11.3f", label, runs, med, p90);
	if (items > 0)
		printf("  %.0f/s", items / (med / 1e3));
	printf("\n");
	free(t);
	return 0;
}
