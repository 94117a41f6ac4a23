// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper of the counting boot (make bench-count; not a test by itself):
 *
 *   cvm_netcount ADDR PORT IFACE BATCHES BYTES
 *
 * On CPU 0, BATCHES times: connects to ADDR:PORT (QEMU's guestfwd, which
 * runs scripts/count-stream.sh on the host for each connection), then,
 * between the cvm_count plugin's markers, asks for BYTES bytes and reads
 * them to the end of the stream. Everything vCPU 0 runs in between is
 * counted: the syscalls, TCP, virtio-net's receive path and the ACKs it
 * sends, the DMA API and the interrupts (pinned to CPU 0 by the caller).
 * Prints the packets IFACE received during each batch, comma-separated
 * ("packets 712,713,712,..."), read from its statistics outside the
 * markers, so that the counts can be given per packet.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "count_marks.h"


static long long rx_packets(const char *path)
{
	long long n = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char buf[1 << 16];
	char req[32], stat[256];
	long long before, after, got;
	int batches, b, s, len;
	cpu_set_t cpu;
	ssize_t n;

	if (argc != 6) {
		fprintf(stderr, "usage: cvm_netcount ADDR PORT IFACE BATCHES BYTES\n");
		return 1;
	}
	sa.sin_port = htons(atoi(argv[2]));
	batches = atoi(argv[4]);
	len = snprintf(req, sizeof(req), "%lld\n", atoll(argv[5]));
	snprintf(stat, sizeof(stat), "/sys/class/net/%s/statistics/rx_packets",
		 argv[3]);
	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || batches < 1 ||
	    sched_setaffinity(0, sizeof(cpu), &cpu)) {
		fprintf(stderr, "cvm_netcount: bad address or batches, or no CPU 0\n");
		return 1;
	}
	printf("packets ");
	for (b = 0; b < batches; b++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("cvm_netcount: connect");
			return 1;
		}
		before = rx_packets(stat);
		got = 0;
		__asm__ __volatile__(MARK_START ::: "memory");
		if (write(s, req, len) == len)
			while ((n = read(s, buf, sizeof(buf))) > 0)
				got += n;
		__asm__ __volatile__(MARK_STOP ::: "memory");
		after = rx_packets(stat);
		close(s);
		if (got != atoll(argv[5]) || before < 0 || after <= before) {
			fprintf(stderr, "cvm_netcount: got %lld of %s bytes, rx_packets %lld -> %lld\n",
				got, argv[5], before, after);
			return 1;
		}
		printf("%s%lld", b ? "," : "", after - before);
	}
	printf("\n");
	return 0;
}
