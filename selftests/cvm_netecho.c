// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper of devices.sh (not a test by itself):
 *
 *   cvm_netecho PORT FILE OUT
 *
 * Listens on TCP PORT, says "listening" on stdout, accepts one connection
 * (the host's echo, through QEMU's hostfwd from 127.0.0.1), sends FILE and
 * writes everything that comes back to OUT, both at once, until the peer
 * closes after echoing it all. Exit 0 when as many bytes came back as
 * went out; the caller compares the two files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define BUF (1 << 16)

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long long sent = 0, got = 0;
	static char out_buf[BUF], in_buf[BUF];
	size_t have = 0, off = 0;
	int ls, s, in, out, one = 1;
	bool eof_in = false;

	if (argc != 4) {
		fprintf(stderr, "usage: cvm_netecho PORT FILE OUT\n");
		return 1;
	}
	in = open(argv[2], O_RDONLY);
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (in < 0 || out < 0 || ls < 0) {
		perror("open");
		return 1;
	}
	sa.sin_port = htons(atoi(argv[1]));
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1)) {
		perror("bind/listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	s = accept(ls, NULL, NULL);
	if (s < 0) {
		perror("accept");
		return 1;
	}
	/* A blocking send could wait for the host while it waits for us. */
	if (fcntl(s, F_SETFL, O_NONBLOCK)) {
		perror("O_NONBLOCK");
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		ssize_t n;

		if (!eof_in)
			p.events |= POLLOUT;
		if (poll(&p, 1, 30000) <= 0) {
			fprintf(stderr, "stalled: sent %llu, got %llu\n", sent, got);
			return 1;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(s, in_buf, BUF);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n < 0) {
				perror("read");
				return 1;
			}
			if (!n)
				break;
			if (write(out, in_buf, n) != n)
				return 1;
			got += n;
		}
		if (!eof_in && (p.revents & POLLOUT)) {
			if (off == have) {
				n = read(in, out_buf, BUF);
				if (n < 0)
					return 1;
				have = n;
				off = 0;
				if (!n) {
					eof_in = true;
					shutdown(s, SHUT_WR);
					continue;
				}
			}
			n = write(s, out_buf + off, have - off);
			if (n < 0 && errno != EAGAIN) {
				perror("write");
				return 1;
			}
			if (n > 0) {
				off += n;
				sent += n;
			}
		}
	}
	printf("sent %llu, got %llu\n", sent, got);
	return sent == got ? 0 : 1;
}
