// SPDX-License-Identifier: GPL-2.0-only
/*
 * Encrypts stdin to stdout with AES-128-CBC through the kernel's crypto
 * API (AF_ALG), by the implementation named, so that one input can go
 * through a device's driver and through the kernel's software and the two
 * outputs be compared (ring_devices.sh: virtio-crypto).
 *
 *   cvm_alg DRIVER <in >out
 *
 * DRIVER is a cra_driver_name, e.g. virtio_crypto_aes_cbc or
 * cbc(aes-generic). The input is cut into requests of CVM_ALG_REQ bytes
 * (the last may be shorter, a multiple of 16), each encrypted from the
 * same fixed key and IV. Exit 0, or 1 with the failing step on stderr.
 */
#include <errno.h>
#include <linux/if_alg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG	279
#endif
#define CVM_ALG_REQ	(16 * 1024)

static const unsigned char cvm_alg_key[16] = {
	0x63, 0x76, 0x6d, 0x67, 0x75, 0x61, 0x72, 0x64,
	0x2d, 0x61, 0x65, 0x73, 0x2d, 0x6b, 0x65, 0x79,
};
static const unsigned char cvm_alg_iv[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static int cvm_alg_die(const char *what)
{
	fprintf(stderr, "cvm_alg: %s: %s\n", what, strerror(errno));
	return 1;
}

/* One request: @n bytes of @in encrypted into @out on the op socket @op. */
static int cvm_alg_one(int op, const unsigned char *in, unsigned char *out,
		       size_t n)
{
	char cbuf[CMSG_SPACE(sizeof(__u32)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + 16)] = { 0 };
	struct iovec iov = { .iov_base = (void *)in, .iov_len = n };
	struct msghdr msg = {
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct af_alg_iv *iv;
	struct cmsghdr *c;
	size_t got = 0;
	ssize_t r;

	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(__u32));
	*(__u32 *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*iv) + 16);
	iv = (void *)CMSG_DATA(c);
	iv->ivlen = 16;
	memcpy(iv->iv, cvm_alg_iv, 16);
	if (sendmsg(op, &msg, 0) != (ssize_t)n)
		return -1;
	while (got < n) {
		r = read(op, out + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "skcipher" };
	static unsigned char in[CVM_ALG_REQ], out[CVM_ALG_REQ];
	int tfm, op;
	size_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.salg_name)) {
		fprintf(stderr, "usage: cvm_alg DRIVER <in >out\n");
		return 2;
	}
	strcpy((char *)sa.salg_name, argv[1]);
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return cvm_alg_die("socket(AF_ALG)");
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		return cvm_alg_die(argv[1]);
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, cvm_alg_key,
		       sizeof(cvm_alg_key)))
		return cvm_alg_die("ALG_SET_KEY");
	op = accept(tfm, NULL, 0);
	if (op < 0)
		return cvm_alg_die("accept");
	while ((n = fread(in, 1, sizeof(in), stdin)) > 0) {
		if (n % 16) {
			errno = EINVAL;
			return cvm_alg_die("input not a multiple of 16 bytes");
		}
		if (cvm_alg_one(op, in, out, n))
			return cvm_alg_die("encrypt");
		if (fwrite(out, 1, n, stdout) != n)
			return cvm_alg_die("write");
	}
	if (ferror(stdin))
		return cvm_alg_die("read");
	return fflush(stdout) ? cvm_alg_die("write") : 0;
}
