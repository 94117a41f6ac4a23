// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink fuzzer for the "cvm" family, run in the test VM: seeded random
 * and malformed messages to every command the family has and a few it
 * has not (random and boundary attributes, wrong types and lengths,
 * nests, bad attribute lengths, truncated headers, random flags), plus
 * dumps abandoned midway. The commands and their flags come from the
 * kernel's own description of the family (CTRL_CMD_GETFAMILY), so a new
 * command is fuzzed without touching this file.
 *
 * Each reply is checked against what genetlink and cvmguard promise:
 *  - a header too short for genetlink: EINVAL;
 *  - a non-zero reserved byte or flags genetlink gives no meaning to:
 *    EINVAL with an extack message;
 *  - a command the family does not have: EOPNOTSUPP;
 *  - an admin command from a process without CAP_NET_ADMIN: EPERM
 *    (EOPNOTSUPP when the request asks for a dump the op does not have:
 *    newer kernels look the op up by kind first);
 *  - anything else: success, or an errno of the documented set; EINVAL
 *    and ERANGE always with an extack message saying why;
 *  - a refused state-changing command changes no state (sysfs compared
 *    before and after), and an unprivileged process changes nothing.
 * The VM runner fails the run on any oops, WARN, KASAN or lockdep report.
 *
 *   cvm_nlfuzz [-n MESSAGES] [-s SEED] [-u] [-S]
 *   -u: run as nobody; -S: no state checks (another process changes state)
 * Prints one "# totals:" line; exit 0 when every reply was as expected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/cvm.h>
#include "nl.h"
#include "util.h"

#define FUZZ_MAX_OPS 64
#define FUZZ_BUF 4096

struct fuzz_op {
	uint32_t cmd;
	uint32_t flags;		/* GENL_ADMIN_PERM, GENL_CMD_CAP_DO/DUMP */
};

struct fuzz {
	uint64_t rng;
	uint16_t family;
	struct fuzz_op ops[FUZZ_MAX_OPS];
	int n_ops;
	bool unprivileged;
	bool no_state;
	/* totals */
	unsigned long sent, ok, refused, dumps_cut, state_checks, bad;
	unsigned long by_errno[256];
};

/* Files whose content only an accepted admin command may change. */
static const char *const fuzz_state_files[] = {
	"/sys/kernel/cvm/event_ratelimit",
	"/sys/kernel/cvm/convert/observer",
	"/sys/kernel/cvm/bounce/policies",
	"/sys/kernel/cvm/ring/policy",
};

#define FUZZ_STATE_LEN 512

static uint64_t fuzz_rand(struct fuzz *f)
{
	/* xorshift64*: reproducible from the seed alone. */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ULL;
}

static uint32_t fuzz_below(struct fuzz *f, uint32_t n)
{
	return n ? fuzz_rand(f) % n : 0;
}

static void fuzz_state(char *buf)
{
	size_t i, off = 0;

	for (i = 0; i < sizeof(fuzz_state_files) / sizeof(*fuzz_state_files); i++) {
		char line[FUZZ_STATE_LEN / 4] = "-";

		if (cvm_read_file(fuzz_state_files[i], line, sizeof(line)))
			strcpy(line, "-");
		off += snprintf(buf + off, FUZZ_STATE_LEN - off, "%s;", line);
	}
}

static const struct fuzz_op *fuzz_op(const struct fuzz *f, uint32_t cmd)
{
	int i;

	for (i = 0; i < f->n_ops; i++)
		if (f->ops[i].cmd == cmd)
			return &f->ops[i];
	return NULL;
}

/* The family's ops and their flags, from the genetlink controller. */
static int fuzz_family(int fd, struct fuzz *f)
{
	struct nl_msg_builder m;
	struct nl_reply *r = calloc(1, sizeof(*r));
	struct nlattr *a, *op, *oa;
	int len, olen, oalen, err;

	if (!r)
		return -ENOMEM;
	nl_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, CVM_FAMILY_NAME,
	       strlen(CVM_FAMILY_NAME) + 1);
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	len = err ? 0 : r->attrs_len;
	nla_for_each(a, r->attrs, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&f->family, nla_data(a), sizeof(f->family));
		if (a->nla_type != CTRL_ATTR_OPS)
			continue;
		olen = nla_len(a);
		nla_for_each(op, (struct nlattr *)nla_data(a), olen) {
			struct fuzz_op o = { 0, 0 };

			oalen = nla_len(op);
			nla_for_each(oa, (struct nlattr *)nla_data(op), oalen) {
				if (oa->nla_type == CTRL_ATTR_OP_ID)
					memcpy(&o.cmd, nla_data(oa), 4);
				else if (oa->nla_type == CTRL_ATTR_OP_FLAGS)
					memcpy(&o.flags, nla_data(oa), 4);
			}
			if (f->n_ops < FUZZ_MAX_OPS)
				f->ops[f->n_ops++] = o;
		}
	}
	free(r);
	return err ? err : (f->n_ops ? 0 : -ENOENT);
}

/* An attribute payload: boundary values, random bytes, or a nest. */
static size_t fuzz_payload(struct fuzz *f, uint8_t *p, size_t room, int depth)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
				       32, 63, 64, 255 };
	size_t len = lens[fuzz_below(f, sizeof(lens) / sizeof(*lens))];
	size_t i;

	if (len > room)
		len = room;
	switch (fuzz_below(f, 6)) {
	case 0:		/* all ones: u8/u16/u32/u64 maxima */
		memset(p, 0xff, len);
		break;
	case 1:		/* zero */
		memset(p, 0, len);
		break;
	case 2:		/* a small number, as u32 or u64 */
		memset(p, 0, len);
		if (len >= 4) {
			uint32_t v = fuzz_below(f, 5);

			memcpy(p, &v, 4);
		}
		break;
	case 3:		/* a string, terminated or not */
		for (i = 0; i < len; i++)
			p[i] = 'a' + fuzz_below(f, 26);
		if (len && fuzz_below(f, 2))
			p[len - 1] = 0;
		break;
	case 4:		/* a nest of random attributes */
		if (depth < 3 && room >= NLA_HDRLEN) {
			size_t off = 0, n = fuzz_below(f, 4);

			while (n-- && room - off >= NLA_HDRLEN) {
				struct nlattr *a = (struct nlattr *)(p + off);
				size_t pl = fuzz_payload(f, p + off + NLA_HDRLEN,
							 room - off - NLA_HDRLEN,
							 depth + 1);

				a->nla_type = fuzz_below(f, 24);
				a->nla_len = NLA_HDRLEN + pl;
				off += NLA_ALIGN(a->nla_len);
				if (off > room)
					off = room;
			}
			return off;
		}
		/* fall through */
	default:
		for (i = 0; i < len; i++)
			p[i] = fuzz_rand(f);
	}
	return len;
}

/* One message into @buf; returns its length. */
static size_t fuzz_message(struct fuzz *f, uint8_t *buf, uint32_t *cmdp,
			   uint16_t *flagsp)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	size_t len = NLMSG_LENGTH(GENL_HDRLEN), n;
	uint32_t cmd;

	memset(buf, 0, FUZZ_BUF);
	/* Mostly real commands; now and then one past the end or random. */
	if (fuzz_below(f, 10))
		cmd = f->ops[fuzz_below(f, f->n_ops)].cmd;
	else
		cmd = fuzz_below(f, 2) ? CVM_CMD_MAX + 1 + fuzz_below(f, 3)
				       : fuzz_below(f, 256);
	g->cmd = cmd;
	g->version = fuzz_below(f, 4) ? 1 : fuzz_rand(f);
	if (!fuzz_below(f, 32))
		g->reserved = fuzz_rand(f);
	nlh->nlmsg_type = f->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	switch (fuzz_below(f, 8)) {
	case 0:
		nlh->nlmsg_flags |= NLM_F_DUMP;
		break;
	case 1:
		nlh->nlmsg_flags |= fuzz_rand(f) & 0x0f00;
		break;
	}
	nlh->nlmsg_seq = f->sent + 1;
	for (n = fuzz_below(f, 6); n && len + NLA_HDRLEN < FUZZ_BUF - 512; n--) {
		struct nlattr *a = (struct nlattr *)(buf + NLA_ALIGN(len));
		size_t pl = fuzz_payload(f, (uint8_t *)a + NLA_HDRLEN, 300, 0);

		a->nla_type = fuzz_below(f, 24) |
			      (fuzz_below(f, 8) ? 0 : NLA_F_NESTED);
		a->nla_len = NLA_HDRLEN + pl;
		len = NLA_ALIGN(len) + NLA_ALIGN(a->nla_len);
		/* A length that lies: past the message, or inside the header. */
		if (!fuzz_below(f, 16))
			a->nla_len = fuzz_below(f, 2) ? fuzz_below(f, NLA_HDRLEN)
						      : a->nla_len + 4 + fuzz_below(f, 64);
	}
	if (!fuzz_below(f, 40))		/* truncated genetlink header */
		len = NLMSG_HDRLEN + fuzz_below(f, GENL_HDRLEN);
	nlh->nlmsg_len = len;
	*cmdp = cmd;
	*flagsp = nlh->nlmsg_flags;
	return len;
}

/*
 * Reads the answer: replies, then an ACK (NLMSG_ERROR) or, for a dump,
 * NLMSG_DONE carrying the dump's error. With @cut the dump is abandoned
 * after its first read. Returns 0 with *err set, or -errno.
 */
static int fuzz_answer(int fd, int *err, char *extack, size_t exlen, bool cut)
{
	static char buf[65536];

	*err = 1;
	extack[0] = 0;
	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct nlattr *a;
			int alen, off;

			if (nlh->nlmsg_type != NLMSG_ERROR &&
			    nlh->nlmsg_type != NLMSG_DONE)
				continue;
			/* Both carry an int error first; ERROR then the header. */
			memcpy(err, NLMSG_DATA(nlh), sizeof(*err));
			off = nlh->nlmsg_type == NLMSG_ERROR ?
			      sizeof(struct nlmsgerr) : sizeof(int);
			alen = nlh->nlmsg_len - NLMSG_HDRLEN - off;
			a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + off);
			nla_for_each(a, a, alen)
				if (a->nla_type == NLMSGERR_ATTR_MSG)
					snprintf(extack, exlen, "%.*s", nla_len(a),
						 (char *)nla_data(a));
			/* A dump that started is not ACKed: DONE ends it. */
			return 0;
		}
		if (cut)
			return 1;
	}
}

static bool fuzz_errno_documented(int e)
{
	switch (e) {
	case EINVAL: case ERANGE: case EOPNOTSUPP: case ENOENT: case ENODEV:
	case EBUSY: case EEXIST: case ENOSPC: case EMSGSIZE: case EPERM:
	case ENOMEM:
		return true;
	}
	return false;
}

/*
 * genetlink's strict header check, done before the command is looked up:
 * the reserved byte must be 0 and the flags only those the core gives a
 * meaning to (a dump is two bits, both or neither).
 */
static bool fuzz_header_ambiguous(const uint8_t *buf)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	uint16_t flags = nlh->nlmsg_flags;

	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	return g->reserved || (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
}

static void fuzz_bad(struct fuzz *f, uint32_t cmd, uint16_t flags, int err,
		     const char *extack, const char *why)
{
	f->bad++;
	if (f->bad <= 20)
		printf("# message %lu (seed state %llu): cmd %u flags 0x%x: error %d '%s': %s\n",
		       f->sent, (unsigned long long)f->rng, cmd, flags, err,
		       extack, why);
}

static int fuzz_run(struct fuzz *f, unsigned long messages)
{
	static uint8_t buf[FUZZ_BUF];
	char before[FUZZ_STATE_LEN], after[FUZZ_STATE_LEN], extack[256];
	int fd = nl_open();

	if (fd < 0 || fuzz_family(fd, f)) {
		printf("# cannot open the cvm family\n");
		return 1;
	}
	while (f->sent < messages) {
		uint32_t cmd;
		uint16_t flags;
		size_t len = fuzz_message(f, buf, &cmd, &flags);
		const struct fuzz_op *op = fuzz_op(f, cmd);
		bool dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
		bool cut = dump && !fuzz_below(f, 2);
		bool admin = op && (op->flags & GENL_ADMIN_PERM);
		int err, ret;

		/* Only admin commands change state; reading it costs time. */
		if (admin && !f->no_state)
			fuzz_state(before);
		if (send(fd, buf, len, 0) != (ssize_t)len) {
			printf("# send: %s\n", strerror(errno));
			return 1;
		}
		f->sent++;
		ret = fuzz_answer(fd, &err, extack, sizeof(extack), cut);
		if (ret == 1) {
			/* Abandoned dump: a new socket, the kernel frees the old. */
			close(fd);
			fd = nl_open();
			if (fd < 0)
				return 1;
			f->dumps_cut++;
			continue;
		}
		if (ret < 0) {
			fuzz_bad(f, cmd, flags, ret, "", "no answer");
			continue;
		}
		err = -err;
		if (err < 0 || err > 255)
			err = 255;
		f->by_errno[err]++;
		err ? f->refused++ : f->ok++;

		if (len < NLMSG_LENGTH(GENL_HDRLEN)) {
			if (err != EINVAL)
				fuzz_bad(f, cmd, flags, err, extack, "short header not EINVAL");
		} else if (fuzz_header_ambiguous(buf)) {
			if (err != EINVAL || !extack[0])
				fuzz_bad(f, cmd, flags, err, extack, "reserved header bits not EINVAL with a message");
		} else if (!op) {
			if (err != EOPNOTSUPP)
				fuzz_bad(f, cmd, flags, err, extack, "unknown command not EOPNOTSUPP");
		} else if (admin && f->unprivileged) {
			/*
			 * genetlink looks up the do or dump half first: one
			 * the op lacks is EOPNOTSUPP before the permission
			 * check on newer kernels (6.12), after it on 6.1.
			 */
			if (err != EPERM &&
			    !(err == EOPNOTSUPP && dump && !(op->flags & GENL_CMD_CAP_DUMP)) &&
			    !(err == EOPNOTSUPP && !dump && !(op->flags & GENL_CMD_CAP_DO)))
				fuzz_bad(f, cmd, flags, err, extack, "admin command without CAP_NET_ADMIN not EPERM");
		} else if (err && !fuzz_errno_documented(err)) {
			fuzz_bad(f, cmd, flags, err, extack, "undocumented errno");
		} else if ((err == EINVAL || err == ERANGE) && !extack[0]) {
			fuzz_bad(f, cmd, flags, err, extack, "refused without an extack message");
		}

		if (admin && !f->no_state && (err || f->unprivileged)) {
			f->state_checks++;
			fuzz_state(after);
			if (strcmp(before, after))
				fuzz_bad(f, cmd, flags, err, extack, "state changed by a refused command");
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct fuzz f = { .rng = 1 };
	unsigned long messages = 100000, i;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:uS")) != -1) {
		switch (opt) {
		case 'n':
			messages = strtoul(optarg, NULL, 0);
			break;
		case 's':
			f.rng = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'u':
			f.unprivileged = true;
			break;
		case 'S':
			f.no_state = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-n MESSAGES] [-s SEED] [-u] [-S]\n", argv[0]);
			return 2;
		}
	}
	printf("# seed %llu, %lu messages, %s\n", (unsigned long long)f.rng,
	       messages, f.unprivileged ? "as nobody" : "as root");
	if (f.unprivileged && (setgroups(0, NULL) || setgid(65534) ||
			       setuid(65534))) {
		perror("drop to nobody");
		return 1;
	}
	if (fuzz_run(&f, messages))
		return 1;
	printf("# totals: %lu sent, %lu accepted, %lu refused, %lu dumps cut, %lu state checks, %lu unexpected\n",
	       f.sent, f.ok, f.refused, f.dumps_cut, f.state_checks, f.bad);
	for (i = 1; i < 256; i++)
		if (f.by_errno[i])
			printf("# errno %s: %lu\n", strerrorname_np(i) ?: "?",
			       f.by_errno[i]);
	return f.bad ? 1 : 0;
}
