// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper of bounce_dev.sh (not a test by itself):
 *
 *   cvm_blkio write DEV FILE        FILE to the start of DEV with O_DIRECT
 *   cvm_blkio read DEV BYTES FILE   BYTES from the start of DEV, O_DIRECT
 *   cvm_blkio attach NAME           pool-attach; prints the errno and the
 *   cvm_blkio detach NAME           extack message ("0" on success)
 *   cvm_blkio dev NAME              the device's pool-dev-get counters as
 *                                   "name=value" lines
 *   cvm_blkio readtime DEV BYTES    O_DIRECT read of BYTES, prints the
 *                                   nanoseconds it took (make bench)
 *   cvm_blkio hugeread DEV BYTES OFF FILE
 *                                   one O_DIRECT read of BYTES from the
 *                                   start of DEV into a 2 MiB huge page
 *                                   at offset OFF (physically contiguous,
 *                                   so one segment of that offset), then
 *                                   to FILE; exit 2 without a huge page
 *   cvm_blkio load DEV random|seq QD SIZE READS
 *                                   READS O_DIRECT reads of SIZE bytes
 *                                   by QD threads at once, at random
 *                                   SIZE-aligned offsets or in turn
 *                                   from the start (make bench: the
 *                                   memory each pool holds under load)
 *   cvm_blkio countread DEV BATCHES READS
 *                                   on CPU 0, BATCHES times READS
 *                                   sequential 4 KiB O_DIRECT reads, each
 *                                   batch between the cvm_count plugin's
 *                                   markers (make bench-count: the whole
 *                                   guest I/O path, counted)
 *
 * busybox dd has oflag=direct, but its buffer is not guaranteed to be
 * aligned for O_DIRECT; this one is, and does 1 MiB per call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/cvm.h>
#include "nl.h"
#include "count_marks.h"

#define CHUNK (1 << 20)

static int copy(int in, int out, unsigned long long bytes)
{
	void *buf;
	ssize_t n;

	if (posix_memalign(&buf, 4096, CHUNK))
		return 1;
	while (bytes) {
		size_t want = bytes < CHUNK ? bytes : CHUNK;

		n = read(in, buf, want);
		if (n <= 0) {
			perror("read");
			return 1;
		}
		if (write(out, buf, n) != n) {
			perror("write");
			return 1;
		}
		bytes -= n;
	}
	free(buf);
	return 0;
}

static int attach(const char *cmd, const char *name)
{
	struct nl_reply *r = calloc(1, sizeof(*r));
	struct nl_msg_builder m;
	uint32_t version, grp;
	uint16_t family;
	int fd, err;

	fd = nl_open();
	if (!r || fd < 0 ||
	    nl_family(fd, CVM_FAMILY_NAME, &family, &version, &grp))
		return 1;
	nl_start(&m, family, strcmp(cmd, "attach") ? CVM_CMD_POOL_DETACH :
						     CVM_CMD_POOL_ATTACH);
	nl_put(&m, CVM_A_POOL_ATTACH_DEVICE, name, strlen(name) + 1);
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	printf("%d%s%s\n", err, r->extack[0] ? " " : "", r->extack);
	return 0;
}

static const char *const dev_names[CVM_A_POOL_DEV_MAX + 1] = {
	[CVM_A_POOL_DEV_ATTACHED] = "attached",
	[CVM_A_POOL_DEV_MAPS] = "maps",
	[CVM_A_POOL_DEV_UNMAPS] = "unmaps",
	[CVM_A_POOL_DEV_BYTES] = "bytes",
	[CVM_A_POOL_DEV_SYNCS] = "syncs",
	[CVM_A_POOL_DEV_INFLIGHT_SLOTS] = "inflight_slots",
	[CVM_A_POOL_DEV_INFLIGHT_BYTES] = "inflight_bytes",
	[CVM_A_POOL_DEV_HIGH_WATER] = "high_water",
	[CVM_A_POOL_DEV_FAILURES] = "failures",
	[CVM_A_POOL_DEV_VIOLATIONS] = "violations",
	[CVM_A_POOL_DEV_WAITS] = "waits",
	[CVM_A_POOL_DEV_COHERENT_PAGES] = "coherent_pages",
};

static int dev(const char *name)
{
	struct nl_msg_builder m;
	char *buf = malloc(65536);
	uint32_t version, grp;
	uint16_t family;
	int fd, done = 0, found = 0;

	fd = nl_open();
	if (!buf || fd < 0 ||
	    nl_family(fd, CVM_FAMILY_NAME, &family, &version, &grp))
		return 1;
	nl_start(&m, family, CVM_CMD_POOL_DEV_GET);
	((struct nlmsghdr *)m.buf)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (nl_send(fd, &m))
		return 1;
	while (!done) {
		ssize_t n = recv(fd, buf, 65536, 0);
		struct nlmsghdr *nlh;

		if (n < 0)
			return 1;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct nlattr *a, *attrs;
			int len, l;
			const char *nm = "";

			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			attrs = (struct nlattr *)((char *)NLMSG_DATA(nlh) +
						  GENL_HDRLEN);
			len = l = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			nla_for_each(a, attrs, l)
				if ((a->nla_type & NLA_TYPE_MASK) ==
				    CVM_A_POOL_DEV_NAME)
					nm = nla_data(a);
			if (strcmp(nm, name))
				continue;
			found = 1;
			nla_for_each(a, attrs, len) {
				int t = a->nla_type & NLA_TYPE_MASK;

				if (t <= CVM_A_POOL_DEV_MAX && dev_names[t])
					printf("%s=%llu\n", dev_names[t],
					       (unsigned long long)nla_uint(a));
			}
		}
	}
	free(buf);
	return found ? 0 : 2;
}

static int hugeread(const char *dev, size_t bytes, size_t off,
		    const char *file)
{
	size_t huge = 2 << 20;
	char *buf;
	ssize_t n;
	int in, out;

	if (off + bytes > huge)
		return 1;
	buf = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap MAP_HUGETLB");
		return 2;
	}
	in = open(dev, O_RDONLY | O_DIRECT);
	out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0) {
		perror("open");
		return 1;
	}
	n = pread(in, buf + off, bytes, 0);
	if (n != (ssize_t)bytes) {
		fprintf(stderr, "read %zd of %zu bytes at offset %#zx: %s\n",
			n, bytes, off, n < 0 ? strerror(errno) : "short");
		return 1;
	}
	return write(out, buf + off, bytes) != n;
}

struct loader {
	pthread_t t;
	int fd, n, random;
	size_t size;
	off_t span, next;
	unsigned int seed;
	int err;
};

static void *load_one(void *arg)
{
	struct loader *l = arg;
	void *buf;
	int i;

	if (posix_memalign(&buf, 4096, l->size)) {
		l->err = ENOMEM;
		return NULL;
	}
	for (i = 0; i < l->n; i++) {
		off_t off = l->random ?
			(off_t)(rand_r(&l->seed) % (l->span / l->size)) * l->size :
			l->next % l->span;

		if (pread(l->fd, buf, l->size, off) != (ssize_t)l->size) {
			l->err = errno ? errno : EIO;
			break;
		}
		l->next += l->size;
	}
	free(buf);
	return NULL;
}

static int load(const char *path, const char *how, int qd, size_t size,
		int reads)
{
	struct loader *l = calloc(qd, sizeof(*l));
	int fd = open(path, O_RDONLY | O_DIRECT), i, err = 0;
	off_t span = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);

	if (!l || fd < 0 || span < (off_t)size || qd < 1 || !size ||
	    size % 4096) {
		fprintf(stderr, "load %s: bad device or arguments\n", path);
		return 1;
	}
	for (i = 0; i < qd; i++) {
		l[i] = (struct loader){ .fd = fd, .n = reads / qd,
			.random = !strcmp(how, "random"), .size = size,
			.span = span - span % size, .seed = i + 1,
			.next = (off_t)i * size };
		if (pthread_create(&l[i].t, NULL, load_one, &l[i]))
			return 1;
	}
	for (i = 0; i < qd; i++) {
		pthread_join(l[i].t, NULL);
		err = err ?: l[i].err;
	}
	if (err)
		fprintf(stderr, "load %s: %s\n", path, strerror(err));
	free(l);
	return !!err;
}

static int countread(const char *path, int batches, int reads)
{
	off_t off = 0;
	cpu_set_t cpu;
	void *buf;
	int fd, b, i;

	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0 || sched_setaffinity(0, sizeof(cpu), &cpu) ||
	    posix_memalign(&buf, 4096, 4096)) {
		perror(path);
		return 1;
	}
	for (b = 0; b < batches; b++) {
		__asm__ __volatile__(MARK_START ::: "memory");
		for (i = 0; i < reads; i++, off += 4096)
			if (pread(fd, buf, 4096, off) != 4096)
				break;
		__asm__ __volatile__(MARK_STOP ::: "memory");
		if (i < reads) {
			perror("pread");
			return 1;
		}
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	off_t size;
	int in, out;

	if (argc == 4 && !strcmp(argv[1], "write")) {
		in = open(argv[3], O_RDONLY);
		out = open(argv[2], O_WRONLY | O_DIRECT);
		if (in < 0 || out < 0) {
			perror("open");
			return 1;
		}
		size = lseek(in, 0, SEEK_END);
		if (size < 0 || lseek(in, 0, SEEK_SET))
			return 1;
		return copy(in, out, size) || fsync(out);
	}
	if (argc == 5 && !strcmp(argv[1], "read")) {
		in = open(argv[2], O_RDONLY | O_DIRECT);
		out = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || out < 0) {
			perror("open");
			return 1;
		}
		return copy(in, out, strtoull(argv[3], NULL, 0));
	}
	if (argc == 3 && (!strcmp(argv[1], "attach") ||
			  !strcmp(argv[1], "detach")))
		return attach(argv[1], argv[2]);
	if (argc == 4 && !strcmp(argv[1], "readtime")) {
		struct timespec t0, t1;
		int rc;

		in = open(argv[2], O_RDONLY | O_DIRECT);
		out = open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0) {
			perror("open");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = copy(in, out, strtoull(argv[3], NULL, 0));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%lld\n", (t1.tv_sec - t0.tv_sec) * 1000000000LL +
		       (t1.tv_nsec - t0.tv_nsec));
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "dev"))
		return dev(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "hugeread"))
		return hugeread(argv[2], strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0), argv[5]);
	if (argc == 7 && !strcmp(argv[1], "load"))
		return load(argv[2], argv[3], atoi(argv[4]),
			    strtoull(argv[5], NULL, 0), atoi(argv[6]));
	if (argc == 5 && !strcmp(argv[1], "countread"))
		return countread(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of cvm_blkio.c\n");
	return 1;
}
