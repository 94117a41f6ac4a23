// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw generic netlink helpers for the selftests; see nl.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/* Extended ACKs carry the kernel's explanation of an error. */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void nl_start(struct nl_msg_builder *m, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = 1;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
}

void nl_put(struct nl_msg_builder *m, uint16_t type, const void *data,
	    size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(nla_data(a), data, len);
	m->len = NLMSG_ALIGN(m->len) + NLA_ALIGN(a->nla_len);
}

int nl_send(int fd, struct nl_msg_builder *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;

	nlh->nlmsg_len = m->len;
	if (send(fd, m->buf, m->len, 0) != (ssize_t)m->len)
		return -errno;
	return 0;
}

static void nl_parse_ack(struct nl_reply *r, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*e);
	struct nlattr *a;

	r->error = e->error;
	/* With NETLINK_CAP_ACK the request is not echoed: TLVs follow. */
	a = (struct nlattr *)((char *)e + sizeof(*e));
	nla_for_each(a, a, len) {
		switch (a->nla_type) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->extack, sizeof(r->extack), "%.*s",
				 nla_len(a), (char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			r->has_offset = 1;
			memcpy(&r->offset, nla_data(a), sizeof(r->offset));
			break;
		}
	}
}

/*
 * Receive until the ACK: a reply message (kept in r->buf) may come first.
 */
int nl_recv(int fd, struct nl_reply *r)
{
	char buf[NL_BUF_SIZE];
	int got_reply = 0;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				nl_parse_ack(r, nlh);
				return 0;
			}
			if (got_reply || nlh->nlmsg_len > sizeof(r->buf))
				return -EPROTO;
			memcpy(r->buf, nlh, nlh->nlmsg_len);
			nlh = (struct nlmsghdr *)r->buf;
			r->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
			r->attrs = (struct nlattr *)((char *)NLMSG_DATA(nlh) +
						     GENL_HDRLEN);
			r->attrs_len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			got_reply = 1;
		}
	}
}

int nl_do(int fd, struct nl_msg_builder *m, struct nl_reply *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = nl_send(fd, m);
	return err ? err : nl_recv(fd, r);
}

static int nl_mcgrp(struct nlattr *grps, int len, const char *name,
		    uint32_t *id)
{
	struct nlattr *g, *a;

	nla_for_each(g, (struct nlattr *)nla_data(grps), len) {
		int glen = nla_len(g);
		const char *gname = NULL;
		uint32_t gid = 0;

		nla_for_each(a, (struct nlattr *)nla_data(g), glen) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				gname = nla_data(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&gid, nla_data(a), sizeof(gid));
		}
		if (gname && !strcmp(gname, name)) {
			*id = gid;
			return 0;
		}
	}
	return -ENOENT;
}

int nl_family(int fd, const char *name, uint16_t *id, uint32_t *version,
	      uint32_t *mcgrp_events)
{
	struct nl_msg_builder m;
	struct nl_reply *r;
	struct nlattr *a;
	int len, err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	nl_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	if (!err && !r->attrs)
		err = -EPROTO;
	*mcgrp_events = 0;
	len = err ? 0 : r->attrs_len;
	nla_for_each(a, r->attrs, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(id, nla_data(a), sizeof(*id));
		else if (a->nla_type == CTRL_ATTR_VERSION)
			memcpy(version, nla_data(a), sizeof(*version));
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			nl_mcgrp(a, nla_len(a), "events", mcgrp_events);
	}
	free(r);
	return err;
}

/*
 * Runs a dump of @cmd and calls @fn with the attributes of each message;
 * 0 or a negative errno (of the dump or of the transport).
 */
int nl_dump(int fd, uint16_t family, uint8_t cmd,
		   void (*fn)(const struct nlattr *attrs, int len, void *ctx),
		   void *ctx)
{
	struct nl_msg_builder m;
	char *buf = malloc(DUMP_BUF);
	int err = 0, done = 0;

	if (!buf)
		return -ENOMEM;
	nl_start(&m, family, cmd);
	((struct nlmsghdr *)m.buf)->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	err = nl_send(fd, &m);
	while (!err && !done) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(fd, buf, DUMP_BUF, 0);

		if (n < 0) {
			err = -errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				done = 1;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				done = 1;
				break;
			}
			fn((struct nlattr *)((char *)NLMSG_DATA(nlh) +
					     GENL_HDRLEN),
			   nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), ctx);
		}
	}
	free(buf);
	return err;
}

uint64_t nla_uint(const struct nlattr *a)
{
	uint64_t v;

	switch (nla_len(a)) {
	case 1:
		return *(uint8_t *)nla_data(a);
	case 4:
		return *(uint32_t *)nla_data(a);
	case 8:
		memcpy(&v, nla_data(a), sizeof(v));
		return v;
	}
	return (uint64_t)-1;
}
