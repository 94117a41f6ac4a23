/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw generic netlink for the selftests. The tests speak netlink by hand,
 * not through libnl as cvmctl does, so that they see exactly what the
 * kernel sends: errno, extack message and offset, every attribute.
 */
#ifndef _CVM_SELFTEST_NL_H
#define _CVM_SELFTEST_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#define NL_BUF_SIZE 16384
#define DUMP_BUF (64 * 1024)	/* one recv() of a dump */

struct nl_reply {
	int error;		/* 0 or a negative errno from NLMSG_ERROR */
	char extack[256];	/* NLMSGERR_ATTR_MSG, "" if none */
	int has_offset;		/* NLMSGERR_ATTR_OFFS present */
	uint32_t offset;
	struct nlattr *attrs;	/* payload attributes of the reply, if any */
	int attrs_len;
	uint8_t cmd;		/* genl command of the reply */
	char buf[NL_BUF_SIZE];
};

struct nl_msg_builder {
	char buf[1024];
	size_t len;
};

/* An unsigned attribute of 1, 4 or 8 bytes; all ones for another length. */
uint64_t nla_uint(const struct nlattr *a);

int nl_open(void);
int nl_family(int fd, const char *name, uint16_t *id, uint32_t *version,
	      uint32_t *mcgrp_events);
void nl_start(struct nl_msg_builder *m, uint16_t family, uint8_t cmd);
void nl_put(struct nl_msg_builder *m, uint16_t type, const void *data,
	    size_t len);
int nl_send(int fd, struct nl_msg_builder *m);
int nl_recv(int fd, struct nl_reply *r);
int nl_do(int fd, struct nl_msg_builder *m, struct nl_reply *r);
int nl_dump(int fd, uint16_t family, uint8_t cmd,
	    void (*fn)(const struct nlattr *attrs, int len, void *ctx),
	    void *ctx);

/* Iterate over attributes in a buffer. */
#define nla_for_each(pos, head, len)					\
	for (pos = (head); (len) >= (int)sizeof(*pos) &&		\
	     pos->nla_len >= sizeof(*pos) && pos->nla_len <= (len);	\
	     len -= NLA_ALIGN(pos->nla_len),				\
	     pos = (struct nlattr *)((char *)pos + NLA_ALIGN(pos->nla_len)))

static inline void *nla_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

#endif /* _CVM_SELFTEST_NL_H */
