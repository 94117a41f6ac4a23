// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl: libnl-genl-3 helpers for the "cvm" generic netlink family.
 *
 * One request at a time: build it with cvm_nl_new_req(), add attributes,
 * hand it to cvm_nl_do(), which sends it with NLM_F_ACK and receives until
 * the kernel's ACK or error; a dump (cvm_nl_new_dump()) ends at NLMSG_DONE
 * instead.  Errors carry the kernel's extended ACK
 * message (NLMSGERR_ATTR_MSG), which says what was wrong far better than
 * the bare errno does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define CVM_CORE_SYSFS	"/sys/module/cvm_core"
#define CVM_NL_RECV_BUF	32768

/**
 * cvm_nl_open() - open a generic netlink socket and resolve the family
 * @nl: handle to fill
 *
 * Prints the reason on failure: the socket could not be created, cvm_core
 * is not loaded, or it is loaded but has no "cvm" family.
 *
 * Return: 0 on success, -1 on failure (nothing to close).
 */
int cvm_nl_open(struct cvm_nl *nl)
{
	int one = 1;
	int fd, ret;

	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		cvmctl_err("cannot allocate netlink socket: %s",
			   strerror(ENOMEM));
		return -1;
	}

	errno = 0;
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		/* libnl maps errno to its own codes; the errno says more. */
		cvmctl_err("cannot create generic netlink socket: %s",
			   errno ? strerror(errno) : nl_geterror(ret));
		goto err;
	}

	/*
	 * Ask for extended ACKs (error messages) and for errors without a
	 * copy of our request.  Kernels without these options still work,
	 * only with bare errnos, so failures are ignored.
	 */
	fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	ret = genl_ctrl_resolve(nl->sk, CVM_FAMILY_NAME);
	if (ret < 0) {
		if (ret != -NLE_OBJ_NOTFOUND)
			cvmctl_err("cannot resolve generic netlink family '%s': %s",
				   CVM_FAMILY_NAME, nl_geterror(ret));
		else if (access(CVM_CORE_SYSFS, F_OK))
			cvmctl_err("cvm_core is not loaded; load it with 'modprobe cvm_core'");
		else
			cvmctl_err("generic netlink family '%s' not found (cvm_core is loaded but did not register it; see dmesg)",
				   CVM_FAMILY_NAME);
		goto err;
	}
	nl->family = ret;

	/*
	 * Receive into one 32 KiB buffer instead of peeking at every
	 * message for its size: the kernel sizes dump messages after the
	 * reader's buffer (up to 32 KiB less skb overhead), so a large dump
	 * takes few, full datagrams and one recvmsg() each.
	 */
	if (nl_socket_set_msg_buf_size(nl->sk, CVM_NL_RECV_BUF) == 0)
		nl_socket_disable_msg_peek(nl->sk);
	return 0;

err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void cvm_nl_close(struct cvm_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static struct nl_msg *cvm_nl_new_msg(const struct cvm_nl *nl, uint8_t cmd,
				      int flags)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, CVM_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * cvm_nl_new_req() - start a request of the cvm family
 * @nl: open handle
 * @cmd: CVM_CMD_*
 *
 * Return: the message, or NULL if out of memory.
 */
struct nl_msg *cvm_nl_new_req(const struct cvm_nl *nl, uint8_t cmd)
{
	return cvm_nl_new_msg(nl, cmd, 0);
}

/**
 * cvm_nl_new_dump() - start a dump request (NLM_F_DUMP) of the cvm family
 * @nl: open handle
 * @cmd: CVM_CMD_* of a dump operation
 *
 * cvm_nl_do() then calls its callback once per message of the multi-part
 * reply, as the messages arrive, and returns after NLMSG_DONE.
 *
 * Return: the message, or NULL if out of memory.
 */
struct nl_msg *cvm_nl_new_dump(const struct cvm_nl *nl, uint8_t cmd)
{
	return cvm_nl_new_msg(nl, cmd, NLM_F_DUMP);
}

/* Copy a string attribute, bounded, with control characters replaced. */
static void cvm_copy_str(const struct nlattr *nla, char *buf, size_t size)
{
	size_t i, len;
	const char *s = nla_data(nla);

	len = strnlen(s, nla_len(nla));
	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ?
			 '?' : s[i];
	buf[len] = '\0';
}

/* Parse extended ACK TLVs that start at byte @off of @nlh. */
static void cvm_nl_parse_tlvs(const struct nlmsghdr *nlh, size_t off,
			      struct cvm_nl_err *err)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = nlh->nlmsg_len;

	off = NLMSG_ALIGN(off);
	if (off >= len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off), len - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		cvm_copy_str(tb[NLMSGERR_ATTR_MSG], err->msg, sizeof(err->msg));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(uint32_t))
		err->miss_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

/*
 * Parse the extended ACK TLVs that follow struct nlmsgerr in an
 * NLMSG_ERROR message.  Unless NLM_F_CAPPED is set, the kernel copied our
 * whole request after the error code, and the TLVs come after that copy.
 */
static void cvm_nl_parse_extack(const struct nlmsghdr *nlh,
				struct cvm_nl_err *err)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < off)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	cvm_nl_parse_tlvs(nlh, off, err);
}

struct cvm_nl_req {
	int family;
	cvm_nl_reply_fn fn;
	void *arg;
	struct cvm_nl_err *err;
	bool done;
};

static int cvm_nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_nl_req *req = arg;

	if (nlmsg_hdr(msg)->nlmsg_type != req->family)
		return NL_SKIP;
	return req->fn ? req->fn(msg, req->arg) : NL_OK;
}

static int cvm_nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e,
			   void *arg)
{
	struct cvm_nl_req *req = arg;
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)nla;
	req->err->errnum = e->error < 0 ? -e->error : e->error;
	cvm_nl_parse_extack(nlh, req->err);
	req->done = true;
	return NL_STOP;
}

static int cvm_nl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct cvm_nl_req *req = arg;
	struct cvm_nl_err warn = { .miss_type = -1 };

	/* A successful request can still carry an extack warning. */
	cvm_nl_parse_extack(nlmsg_hdr(msg), &warn);
	if (warn.msg[0])
		cvmctl_err("warning: %s", warn.msg);
	req->done = true;
	return NL_STOP;
}

/*
 * NLMSG_DONE ends a dump.  A dump that failed (for example because the
 * module that answers it is not loaded) carries the negative errno in its
 * payload and the extack TLVs after it; libnl does not look at either.
 */
static int cvm_nl_finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct cvm_nl_req *req = arg;
	int error;

	req->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(error))
		return NL_STOP;
	memcpy(&error, nlmsg_data(nlh), sizeof(error));
	if (error >= 0)
		return NL_STOP;
	req->err->errnum = -error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		cvm_nl_parse_tlvs(nlh, NLMSG_HDRLEN + sizeof(error), req->err);
	return NL_STOP;
}

/**
 * cvm_nl_do() - send a request and receive its replies and ACK
 * @nl: open handle
 * @msg: request from cvm_nl_new_req(); always consumed
 * @fn: called for every reply message of the family, may be NULL
 * @arg: passed to @fn
 * @err: filled with the reason on failure
 *
 * Return: 0 when the kernel acknowledged the request, -1 otherwise.
 */
int cvm_nl_do(struct cvm_nl *nl, struct nl_msg *msg, cvm_nl_reply_fn fn,
	      void *arg, struct cvm_nl_err *err)
{
	struct cvm_nl_req req = {
		.family = nl->family,
		.fn = fn,
		.arg = arg,
		.err = err,
	};
	struct nl_cb *cb;
	int ret;

	memset(err, 0, sizeof(*err));
	err->miss_type = -1;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		err->nlerr = NLE_NOMEM;
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cvm_nl_valid_cb, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cvm_nl_ack_cb, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cvm_nl_finish_cb, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, cvm_nl_error_cb, &req);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		err->nlerr = -ret;
		goto out;
	}

	while (!req.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		/* After the error callback ret < 0 too; errnum says why. */
		if (ret < 0 && !req.done) {
			err->nlerr = -ret;
			break;
		}
	}
out:
	nl_cb_put(cb);
	return (err->errnum || err->nlerr) ? -1 : 0;
}

/**
 * cvm_nl_perror() - print why a request failed
 * @what: the operation, e.g. "get-status"
 * @err: from cvm_nl_do()
 *
 * "cvmctl: <extack message> (<strerror>)" when the kernel sent a message,
 * else "cvmctl: <what>: <strerror or libnl error>".
 */
void cvm_nl_perror(const char *what, const struct cvm_nl_err *err)
{
	if (err->nlerr)
		cvmctl_err("%s: %s", what, nl_geterror(-err->nlerr));
	else if (err->msg[0])
		cvmctl_err("%s (%s)", err->msg, strerror(err->errnum));
	else if (err->miss_type >= 0)
		cvmctl_err("%s: kernel reports missing attribute %d (%s)",
			   what, err->miss_type, strerror(err->errnum));
	else
		cvmctl_err("%s: %s", what, strerror(err->errnum));
}

int cvm_nla_get_u8(const struct nlattr *nla, uint8_t *v)
{
	if (nla_len(nla) < (int)sizeof(*v))
		return -1;
	*v = nla_get_u8(nla);
	return 0;
}

int cvm_nla_get_u32(const struct nlattr *nla, uint32_t *v)
{
	if (nla_len(nla) != (int)sizeof(*v))
		return -1;
	*v = nla_get_u32(nla);
	return 0;
}

/*
 * The spec says u64, which the kernel sends as 8 bytes; a 4-byte value
 * (the variable-width "uint" encoding) is accepted as well.
 */
int cvm_nla_get_u64(const struct nlattr *nla, uint64_t *v)
{
	if (nla_len(nla) == (int)sizeof(uint64_t))
		*v = nla_get_u64(nla);	/* memcpy inside: no alignment need */
	else if (nla_len(nla) == (int)sizeof(uint32_t))
		*v = nla_get_u32(nla);
	else
		return -1;
	return 0;
}

/* Any length is accepted; the copy stops at NUL, length or @size - 1. */
int cvm_nla_get_str(const struct nlattr *nla, char *buf, size_t size)
{
	if (!size)
		return -1;
	cvm_copy_str(nla, buf, size);
	return 0;
}

void cvm_nl_vals_parse(struct nl_msg *msg, struct cvm_nl_vals *v,
		       int str_a, int str_b)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		int type = nla_type(nla);
		uint8_t u8;

		if (type <= 0 || type >= 64)
			continue;
		if (type == str_a || type == str_b) {
			if (cvm_nla_get_str(nla, type == str_b ? v->str2 : v->str,
					    CVM_NL_VALS_STR))
				continue;
		} else if (nla_len(nla) == 1) {
			if (cvm_nla_get_u8(nla, &u8))
				continue;
			v->num[type] = u8;
		} else if (cvm_nla_get_u64(nla, &v->num[type])) {
			continue;
		}
		v->present |= 1ULL << type;
	}
}

const char *cvm_nl_parse_fields(struct nl_msg *msg,
				const struct cvm_nl_field *fields, int max,
				struct cvm_nl_vals *v)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh;
	struct nlattr *nla;
	int rem;

	memset(v, 0, sizeof(*v));
	if (!genlmsg_valid_hdr(nlh, 0))
		return "genetlink header";
	gnlh = nlmsg_data(nlh);
	nla_for_each_attr(nla, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		int type = nla_type(nla), bad = 0;
		uint32_t u32 = 0;
		uint8_t u8 = 0;

		if (type <= 0 || type > max || type >= 64 || !fields[type].key)
			continue;
		switch (fields[type].type) {
		case CVM_NL_U8:
			bad = cvm_nla_get_u8(nla, &u8);
			v->num[type] = u8;
			break;
		case CVM_NL_U32:
			bad = cvm_nla_get_u32(nla, &u32);
			v->num[type] = u32;
			break;
		case CVM_NL_U64:
			bad = cvm_nla_get_u64(nla, &v->num[type]);
			break;
		case CVM_NL_STRING:
			bad = cvm_nla_get_str(nla, v->str, sizeof(v->str));
			break;
		}
		if (bad)
			return fields[type].key;
		v->present |= 1ULL << type;
	}
	return NULL;
}

int cvm_nl_vals_cb(struct nl_msg *msg, void *arg)
{
	cvm_nl_vals_parse(msg, arg, 0, 0);
	return NL_OK;
}

/* The module's "not loaded" message says it all, printed as it is. */
static void cvm_nl_feature_perror(const char *what,
				  const struct cvm_nl_err *err)
{
	if (!err->nlerr && err->errnum == EOPNOTSUPP && err->msg[0])
		cvmctl_err("%s", err->msg);
	else if (!err->nlerr && err->errnum == EPERM)
		cvmctl_err("permission denied: %s needs CAP_NET_ADMIN (run as root)",
			   what);
	else
		cvm_nl_perror(what, err);
}

int cvm_nl_request(struct cvm_nl *nl, struct nl_msg *msg, const char *what,
		   cvm_nl_reply_fn fn, void *arg)
{
	struct cvm_nl_err err;

	if (!msg) {
		cvmctl_err("%s: %s", what, strerror(ENOMEM));
		return -1;
	}
	if (cvm_nl_do(nl, msg, fn, arg, &err)) {
		cvm_nl_feature_perror(what, &err);
		return -1;
	}
	return 0;
}

int cvm_nl_get_vals(struct cvm_nl *nl, uint8_t cmd, struct cvm_nl_vals *v)
{
	return cvm_nl_request(nl, cvm_nl_new_req(nl, cmd), cvm_op_str(cmd),
			      cvm_nl_vals_cb, v);
}

bool cvm_module_loaded(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}
