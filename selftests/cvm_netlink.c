// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "cvm" generic netlink family of cvm_core against its contract
 * (Documentation/netlink/specs/cvm.yaml): status equals sysfs, strict
 * attribute validation with extack messages, admin permission, commands of
 * modules that are not loaded, and config notifications on "events".
 *
 * Needs cvm_core loaded, no feature module loaded, and root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/cvm.h>
#include "kselftest_harness.h"
#include "nl.h"
#include "util.h"

#define SYSFS "/sys/kernel/cvm/"

static void read_sysfs(struct __test_metadata *_metadata, const char *file,
		       char *buf, size_t size)
{
	ASSERT_EQ(0, cvm_read_file(file, buf, size))
		TH_LOG("read %s: %s", file, strerror(errno));
}

static const struct nlattr *find_attr(const struct nl_reply *r, int type)
{
	struct nlattr *a;
	int len = r->attrs_len;

	nla_for_each(a, r->attrs, len)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

FIXTURE(cvm) {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	struct nl_msg_builder m;
	struct nl_reply r;
};

FIXTURE_SETUP(cvm)
{
	uint32_t version = 0;

	self->fd = nl_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, nl_family(self->fd, CVM_FAMILY_NAME, &self->family,
			       &version, &self->events_grp));
	ASSERT_EQ(CVM_FAMILY_VERSION, version);
}

FIXTURE_TEARDOWN(cvm)
{
	close(self->fd);
}

TEST_F(cvm, family_has_events_group)
{
	EXPECT_NE(0, self->events_grp);
}

TEST_F(cvm, status_equals_sysfs)
{
	char version[64], tech[64], enc[8], limit[16];
	const struct nlattr *a;
	struct nlattr *mod, *m;
	int len, modules = 0;

	read_sysfs(_metadata, SYSFS "version", version, sizeof(version));
	read_sysfs(_metadata, SYSFS "platform/technology", tech, sizeof(tech));
	read_sysfs(_metadata, SYSFS "platform/mem_encrypt", enc, sizeof(enc));
	read_sysfs(_metadata, SYSFS "event_ratelimit", limit, sizeof(limit));

	nl_start(&self->m, self->family, CVM_CMD_GET_STATUS);
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	ASSERT_EQ(0, self->r.error);
	ASSERT_EQ(CVM_CMD_GET_STATUS, self->r.cmd);

	a = find_attr(&self->r, CVM_A_STATUS_VERSION);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(version, (char *)nla_data(a));
	a = find_attr(&self->r, CVM_A_STATUS_TECHNOLOGY_NAME);
	ASSERT_NE(NULL, a);
	EXPECT_STREQ(tech, (char *)nla_data(a));
	a = find_attr(&self->r, CVM_A_STATUS_TECHNOLOGY);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(4, nla_len(a));
	if (!strcmp(tech, "none")) {
		EXPECT_EQ(CVM_TECHNOLOGY_NONE, *(uint32_t *)nla_data(a));
	}
	a = find_attr(&self->r, CVM_A_STATUS_MEM_ENCRYPT);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(atoi(enc), *(uint8_t *)nla_data(a));
	a = find_attr(&self->r, CVM_A_STATUS_EVENT_RATELIMIT);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(strtoul(limit, NULL, 10), *(uint32_t *)nla_data(a));
	EXPECT_NE(NULL, find_attr(&self->r, CVM_A_STATUS_EVENTS_SENT));
	EXPECT_NE(NULL, find_attr(&self->r, CVM_A_STATUS_EVENTS_DROPPED));

	/* Only cvm_core itself is registered. */
	len = self->r.attrs_len;
	nla_for_each(mod, self->r.attrs, len) {
		int mlen = nla_len(mod);

		if ((mod->nla_type & NLA_TYPE_MASK) != CVM_A_STATUS_MODULE)
			continue;
		modules++;
		nla_for_each(m, (struct nlattr *)nla_data(mod), mlen) {
			if (m->nla_type == CVM_A_MODULE_INFO_ID) {
				EXPECT_EQ(CVM_MODULE_CORE,
					  *(uint32_t *)nla_data(m));
			} else if (m->nla_type == CVM_A_MODULE_INFO_NAME) {
				EXPECT_STREQ("cvm_core", (char *)nla_data(m));
			} else if (m->nla_type == CVM_A_MODULE_INFO_VERSION) {
				EXPECT_STREQ(version, (char *)nla_data(m));
			}
		}
	}
	EXPECT_EQ(1, modules);
}

TEST_F(cvm, unknown_command_rejected)
{
	nl_start(&self->m, self->family, CVM_CMD_MAX + 1);
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	EXPECT_EQ(-EOPNOTSUPP, self->r.error);
}

TEST_F(cvm, unknown_attribute_rejected)
{
	uint32_t v = 1;

	nl_start(&self->m, self->family, CVM_CMD_GET_STATUS);
	nl_put(&self->m, CVM_A_STATUS_MAX + 1, &v, sizeof(v));
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_STREQ("Unknown attribute type", self->r.extack);
}

TEST_F(cvm, request_attribute_on_get_rejected)
{
	uint32_t v = 1;

	nl_start(&self->m, self->family, CVM_CMD_GET_STATUS);
	nl_put(&self->m, CVM_A_STATUS_TECHNOLOGY, &v, sizeof(v));
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_STREQ("Unsupported attribute", self->r.extack);
}

TEST_F(cvm, short_attribute_rejected)
{
	uint8_t v = 5;

	nl_start(&self->m, self->family, CVM_CMD_SET_CONFIG);
	nl_put(&self->m, CVM_A_CONFIG_EVENT_RATELIMIT, &v, sizeof(v));
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_NE(0, self->r.extack[0]);
	/* The offset points at the attribute, after the genl header. */
	EXPECT_EQ(1, self->r.has_offset);
	EXPECT_EQ(NLMSG_LENGTH(GENL_HDRLEN), self->r.offset);
}

TEST_F(cvm, out_of_range_rejected)
{
	uint32_t bad[] = { 0, 100001, 0xffffffff };
	char limit[16];
	int i;

	for (i = 0; i < 3; i++) {
		nl_start(&self->m, self->family, CVM_CMD_SET_CONFIG);
		nl_put(&self->m, CVM_A_CONFIG_EVENT_RATELIMIT, &bad[i],
		       sizeof(bad[i]));
		ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
		EXPECT_EQ(-ERANGE, self->r.error);
		EXPECT_STREQ("integer out of range", self->r.extack);
	}
	read_sysfs(_metadata, SYSFS "event_ratelimit", limit, sizeof(limit));
	EXPECT_STREQ("100", limit);
}

TEST_F(cvm, set_config_without_setting_rejected)
{
	nl_start(&self->m, self->family, CVM_CMD_SET_CONFIG);
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	EXPECT_EQ(-EINVAL, self->r.error);
	EXPECT_STREQ("no setting given", self->r.extack);
}

TEST_F(cvm, feature_commands_name_their_module)
{
	static const struct {
		uint8_t cmd;
		const char *msg;
	} cases[] = {
		{ CVM_CMD_CONV_GET, "cvm_convert is not loaded; load it with 'modprobe cvm_convert'" },
		{ CVM_CMD_POOL_GET, "cvm_bounce is not loaded; load it with 'modprobe cvm_bounce'" },
		{ CVM_CMD_RING_GET, "cvm_ring is not loaded; load it with 'modprobe cvm_ring'" },
	};
	int i;

	for (i = 0; i < 3; i++) {
		nl_start(&self->m, self->family, cases[i].cmd);
		ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
		EXPECT_EQ(-EOPNOTSUPP, self->r.error);
		EXPECT_STREQ(cases[i].msg, self->r.extack);
	}
}

/* Runs @fn in a child that dropped to nobody; returns its exit status. */
static int as_nobody(int (*fn)(uint16_t family))
{
	uint16_t family = 0;
	uint32_t version, grp;
	int fd;

	fd = nl_open();
	if (fd < 0 || nl_family(fd, CVM_FAMILY_NAME, &family, &version, &grp))
		return -1;
	close(fd);
	return cvm_as_nobody(fn, family);
}

/* Child: exit 0 only if set-config is refused with EPERM. */
static int nobody_set_config(uint16_t family)
{
	struct nl_msg_builder m;
	static struct nl_reply r;
	uint32_t v = 7;
	int fd = nl_open();

	if (fd < 0)
		return 101;
	nl_start(&m, family, CVM_CMD_SET_CONFIG);
	nl_put(&m, CVM_A_CONFIG_EVENT_RATELIMIT, &v, sizeof(v));
	if (nl_do(fd, &m, &r))
		return 102;
	return r.error == -EPERM ? 0 : 103;
}

/* Child: exit 0 only if get-status (not admin) works. */
static int nobody_get_status(uint16_t family)
{
	struct nl_msg_builder m;
	static struct nl_reply r;
	int fd = nl_open();

	if (fd < 0)
		return 101;
	nl_start(&m, family, CVM_CMD_GET_STATUS);
	if (nl_do(fd, &m, &r))
		return 102;
	return r.error == 0 && r.attrs ? 0 : 103;
}

/* Child: exit 0 only if the root-only sysfs file refuses writing. */
static int nobody_write_sysfs(uint16_t family)
{
	return cvm_write_file(SYSFS "event_ratelimit", "7") == -EACCES ? 0 : 104;
}

TEST(unprivileged_refused_admin)
{
	char limit[16];

	ASSERT_EQ(0, getuid()) TH_LOG("must run as root to drop to nobody");
	EXPECT_EQ(0, as_nobody(nobody_set_config));
	EXPECT_EQ(0, as_nobody(nobody_write_sysfs));
	EXPECT_EQ(0, as_nobody(nobody_get_status));
	read_sysfs(_metadata, SYSFS "event_ratelimit", limit, sizeof(limit));
	EXPECT_STREQ("100", limit);
}

static void expect_config_ntf(struct __test_metadata *_metadata, int fd,
			      uint32_t want)
{
	struct nl_reply *r = calloc(1, sizeof(*r));
	struct nlmsghdr *nlh = (struct nlmsghdr *)r->buf;
	const struct nlattr *a;
	ssize_t n;

	ASSERT_NE(NULL, r);
	n = recv(fd, r->buf, sizeof(r->buf), 0);
	ASSERT_LT(0, n) TH_LOG("no event: %s", strerror(errno));
	ASSERT_EQ(n, nlh->nlmsg_len);
	r->cmd = ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	r->attrs = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	r->attrs_len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	EXPECT_EQ(CVM_CMD_CONFIG_NTF, r->cmd);
	a = find_attr(r, CVM_A_CONFIG_EVENT_RATELIMIT);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(want, *(uint32_t *)nla_data(a));
	free(r);
}

TEST_F(cvm, set_config_applies_and_notifies)
{
	struct timeval tv = { .tv_sec = 2 };
	char limit[16];
	uint32_t v = 250;
	int ev;

	ev = nl_open();
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, setsockopt(ev, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&self->events_grp, sizeof(self->events_grp)));
	ASSERT_EQ(0, setsockopt(ev, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	nl_start(&self->m, self->family, CVM_CMD_SET_CONFIG);
	nl_put(&self->m, CVM_A_CONFIG_EVENT_RATELIMIT, &v, sizeof(v));
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	ASSERT_EQ(0, self->r.error);
	read_sysfs(_metadata, SYSFS "event_ratelimit", limit, sizeof(limit));
	EXPECT_STREQ("250", limit);
	expect_config_ntf(_metadata, ev, 250);

	/* sysfs: the same setting, the same validation, the same event. */
	EXPECT_EQ(-EINVAL, cvm_write_file(SYSFS "event_ratelimit", "abc"));
	EXPECT_EQ(-ERANGE, cvm_write_file(SYSFS "event_ratelimit", "0"));
	EXPECT_EQ(-ERANGE, cvm_write_file(SYSFS "event_ratelimit", "100001"));
	EXPECT_EQ(0, cvm_write_file(SYSFS "event_ratelimit", "100"));
	expect_config_ntf(_metadata, ev, 100);

	nl_start(&self->m, self->family, CVM_CMD_GET_STATUS);
	ASSERT_EQ(0, nl_do(self->fd, &self->m, &self->r));
	ASSERT_EQ(0, self->r.error);
	EXPECT_EQ(100, *(uint32_t *)nla_data(find_attr(&self->r,
					CVM_A_STATUS_EVENT_RATELIMIT)));
	EXPECT_EQ(2, *(uint64_t *)nla_data(find_attr(&self->r,
					CVM_A_STATUS_EVENTS_SENT)));
	close(ev);
}

TEST_HARNESS_MAIN
