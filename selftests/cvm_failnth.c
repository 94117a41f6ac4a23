// SPDX-License-Identifier: GPL-2.0-only
/*
 * Systematic fault injection, as syzkaller does it: run one operation
 * with the kernel's per-task fail-nth set to 1, 2, 3, ... so that each
 * allocation (failslab, fail_page_alloc) the operation makes fails in
 * turn, until a run reaches its end without meeting the injected fault.
 * After every run the operation must have either succeeded or returned a
 * clean error, and CHECK (a shell command: counters exact, nothing
 * leaked) must pass; UNDO puts back what a successful run created.
 *
 *   cvm_failnth [-m MAX] [-l LAST] [-c CHECK] [-u UNDO] insmod PATH [PARAMS]
 *   cvm_failnth [-m MAX] [-l LAST] [-c CHECK] [-u UNDO] [-r] write FILE TEXT
 *
 * -r: the write always succeeds and FILE, read back, holds the result (a
 * debugfs command file of cvm_hostsim): a result starting with "-N" is
 * the operation failing with errno N.
 *
 * -l LAST fails only the last LAST fault points of the operation (counted
 * in one clean run first): loading a module makes some 300 allocations
 * in the kernel's loader before the module's own init makes its few
 * dozen, and those come last.
 *
 * Only the operation's own system call runs with fail-nth armed: files
 * are opened before and fail-nth is read and reset through a descriptor
 * opened beforehand (its handlers allocate nothing).
 * Needs CONFIG_FAULT_INJECTION with failslab and fail_page_alloc set up
 * to inject into sleeping allocations, quietly (selftests/faultinject.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static int cvm_failnth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

static long cvm_failnth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* One run of the operation; 0 or -errno. */
static int cvm_failnth_op(int nth, char **argv, unsigned int n)
{
	int fd, err = 0;

	if (!strcmp(argv[0], "insmod")) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1000;
		if (cvm_failnth_set(nth, n) ||
		    syscall(SYS_finit_module, fd, argv[2] ?: "", 0))
			err = -errno;
	} else {
		size_t len = strlen(argv[2]);

		fd = open(argv[1], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -1000;
		if (cvm_failnth_set(nth, n) ||
		    write(fd, argv[2], len) != (ssize_t)len)
			err = -errno;
	}
	close(fd);
	return err;
}

/* -r: the result line of the command file @path; 0 or -errno. */
static int cvm_failnth_result(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1000;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1000;
	return buf[0] == '-' ? (int)strtol(buf, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	const char *check = NULL, *undo = NULL;
	unsigned long max = 1000, last = 0, first = 1, n, failed = 0, absorbed = 0;
	int opt, nth, bad = 0, readback = 0;

	while ((opt = getopt(argc, argv, "m:l:c:u:r")) != -1) {
		switch (opt) {
		case 'r':
			readback = 1;
			break;
		case 'l':
			last = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			max = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			check = optarg;
			break;
		case 'u':
			undo = optarg;
			break;
		default:
			goto usage;
		}
	}
	argv += optind;
	argc -= optind;
	if (!(((argc == 2 || argc == 3) && !strcmp(argv[0], "insmod") &&
	       !readback) ||
	      (argc == 3 && !strcmp(argv[0], "write"))))
		goto usage;
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth < 0) {
		printf("# SKIP: no /proc/thread-self/fail-nth: %s\n", strerror(errno));
		return 4;
	}
	if (last) {
		/* A clean run with a fault too far away to be met counts them. */
		const unsigned int far = 1000000;
		int err = cvm_failnth_op(nth, argv, far);
		long left = cvm_failnth_left(nth);

		cvm_failnth_set(nth, 0);
		if (!err && readback)
			err = cvm_failnth_result(argv[1]);
		if (err || left <= 0) {
			printf("# %s %s: the counting run failed: %s\n", argv[0],
			       argv[1], strerror(err ? -err : EIO));
			return 1;
		}
		if (undo && system(undo)) {
			printf("# undo failed after the counting run\n");
			return 1;
		}
		if (far - left > last)
			first = far - left - last + 1;
	}
	for (n = first; n < first + max; n++) {
		int err = cvm_failnth_op(nth, argv, n);
		long left = cvm_failnth_left(nth);

		cvm_failnth_set(nth, 0);
		if (!err && readback)
			err = cvm_failnth_result(argv[1]);
		if (err == -1000) {
			printf("# cannot open %s\n", argv[1]);
			return 1;
		}
		if (left > 0) {
			/* The fault was never reached: the whole operation ran. */
			if (err) {
				printf("# %s %s: failed without an injected fault: %s\n",
				       argv[0], argv[1], strerror(-err));
				bad++;
			}
			if (undo && system(undo)) {
				printf("# undo failed after the clean run\n");
				bad++;
			}
			break;
		}
		if (err) {
			failed++;
			if (err != -ENOMEM && err != -EINVAL && err != -ENOSPC &&
			    err != -EFAULT && err != -EIO) {
				printf("# fault %lu: unexpected error %s\n", n,
				       strerror(-err));
				bad++;
			}
		} else {
			absorbed++;
			if (undo && system(undo)) {
				printf("# fault %lu: undo failed\n", n);
				bad++;
			}
		}
		if (check && system(check)) {
			printf("# fault %lu (%s): check failed: %s\n", n,
			       err ? strerror(-err) : "success", check);
			bad++;
		}
		if (bad > 10)
			break;
	}
	if (n >= first + max) {
		printf("# %s %s: more than %lu fault points; stopped\n",
		       argv[0], argv[1], max);
		bad++;
	}
	printf("# %s %s: fault points %lu..%lu failed in turn: %lu refused cleanly, %lu absorbed, %d bad\n",
	       argv[0], argv[1], first, n - 1, failed, absorbed, bad);
	return bad ? 1 : 0;
usage:
	fprintf(stderr, "usage: cvm_failnth [-m MAX] [-l LAST] [-c CHECK] [-u UNDO] insmod PATH [PARAMS] | [-r] write FILE TEXT\n");
	return 2;
}
