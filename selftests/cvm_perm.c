// SPDX-License-Identifier: GPL-2.0-only
/*
 * The permission matrix: every state-changing command of the "cvm"
 * family and every file under /sys/kernel/cvm/, as root, as root without
 * CAP_NET_ADMIN, and as nobody, each with its exact expected result.
 *
 * Both lists come from the running kernel (the controller's op flags,
 * the sysfs tree), so a new admin command or writable file is covered
 * at once: an admin command this file has no request for fails the test
 * until one is added to cvm_perm_requests[].
 *
 * Expected: admin commands succeed as root (with a request that changes
 * nothing) and get EPERM without CAP_NET_ADMIN, whatever the uid; so do
 * the admin dumps (the ledger's ranges: pfns are for admins) and joining
 * the events group (events carry pfns and DMA addresses), while every
 * other dump and get is open to all; sysfs
 * files are written by mode bits alone: writable files (0644, root's)
 * take root's write with or without CAP_NET_ADMIN and refuse nobody with
 * EACCES; read-only files refuse everybody with EACCES. Refused requests
 * change nothing (the file's content is compared).
 *
 * Each of the three matrices is a test of the kernel's kselftest
 * harness; a failing cell names its command or file and who sent it.
 * Needs root and the feature modules loaded (selftests/perm.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/cvm.h>
#include "kselftest_harness.h"
#include "nl.h"
#include "util.h"

#define SYSFS "/sys/kernel/cvm"

enum cvm_perm_who { PERM_ROOT, PERM_NOCAP, PERM_NOBODY, PERM_N };
static const char *const cvm_perm_names[PERM_N] = {
	"root", "root without CAP_NET_ADMIN", "nobody"
};

/* A request for an admin command that leaves the state as it is. */
struct cvm_perm_request {
	uint8_t cmd;
	const char *name;
	int root_error;		/* what root gets: 0 or a -errno */
	void (*build)(struct nl_msg_builder *m);
	bool dump;		/* sent as a dump; @build unused */
};

static unsigned long cvm_perm_sysfs_ul(const char *file)
{
	char buf[64] = "0";

	cvm_read_file(file, buf, sizeof(buf));
	return strtoul(buf, NULL, 0);
}

static void cvm_perm_set_config(struct nl_msg_builder *m)
{
	uint32_t v = cvm_perm_sysfs_ul(SYSFS "/event_ratelimit");

	nl_put(m, CVM_A_CONFIG_EVENT_RATELIMIT, &v, sizeof(v));
}

static void cvm_perm_conv_set(struct nl_msg_builder *m)
{
	uint8_t v = cvm_perm_sysfs_ul(SYSFS "/convert/observer");

	nl_put(m, CVM_A_CONV_OBSERVER, &v, sizeof(v));
}

static void cvm_perm_pool_set(struct nl_msg_builder *m)
{
	uint32_t v = cvm_perm_sysfs_ul(SYSFS "/bounce/wait_ms");

	nl_put(m, CVM_A_POOL_WAIT_MS, &v, sizeof(v));
}

/* A device that does not exist: refused with ENODEV, nothing changes. */
static void cvm_perm_pool_attach(struct nl_msg_builder *m)
{
	nl_put(m, CVM_A_POOL_ATTACH_DEVICE, "cvm-perm-none", 14);
}

static void cvm_perm_swiotlb_set(struct nl_msg_builder *m)
{
	uint8_t v = cvm_perm_sysfs_ul(SYSFS "/bounce/swiotlb_observer");

	nl_put(m, CVM_A_SWIOTLB_OBSERVER, &v, sizeof(v));
}

/* Ring ids start at 1: root gets ENOENT and no ring changes. */
static void cvm_perm_ring_set(struct nl_msg_builder *m)
{
	uint32_t id = 0, policy = CVM_RING_POLICY_MONITOR;

	nl_put(m, CVM_A_RING_INFO_ID, &id, sizeof(id));
	nl_put(m, CVM_A_RING_INFO_POLICY, &policy, sizeof(policy));
}

/* The auditor's current state: root's request changes nothing. */
static void cvm_perm_ring_auditor_set(struct nl_msg_builder *m)
{
	uint8_t v = cvm_perm_sysfs_ul(SYSFS "/ring/auditor");

	nl_put(m, CVM_A_RING_AUDITOR, &v, sizeof(v));
}

static const struct cvm_perm_request cvm_perm_requests[] = {
	{ CVM_CMD_SET_CONFIG, "set-config", 0, cvm_perm_set_config, false },
	{ CVM_CMD_CONV_SET, "conv-set", 0, cvm_perm_conv_set, false },
	{ CVM_CMD_POOL_SET, "pool-set", 0, cvm_perm_pool_set, false },
	{ CVM_CMD_POOL_ATTACH, "pool-attach", -ENODEV, cvm_perm_pool_attach, false },
	{ CVM_CMD_POOL_DETACH, "pool-detach", -ENODEV, cvm_perm_pool_attach, false },
	{ CVM_CMD_SWIOTLB_SET, "swiotlb-set", 0, cvm_perm_swiotlb_set, false },
	{ CVM_CMD_RING_SET, "ring-set", -ENOENT, cvm_perm_ring_set, false },
	{ CVM_CMD_RING_AUDITOR_SET, "ring-auditor-set", 0,
	  cvm_perm_ring_auditor_set, false },
	{ CVM_CMD_CONV_RANGE_GET, "conv-range-get", 0, NULL, true },
};

static const struct cvm_perm_request cvm_perm_range_dump = {
	CVM_CMD_CONV_RANGE_GET, "conv-range-get", 0, NULL, true
};

/* Reads anybody may make: they carry no physical address. */
static const struct cvm_perm_request cvm_perm_open[] = {
	{ CVM_CMD_CONV_OWNER_GET, "conv-owner-get", 0, NULL, true },
	{ CVM_CMD_POOL_DEV_GET, "pool-dev-get", 0, NULL, true },
	{ CVM_CMD_RING_LIST_GET, "ring-list-get", 0, NULL, true },
	{ CVM_CMD_SWIOTLB_DEV_GET, "swiotlb-dev-get", 0, NULL, true },
};

/* One cell of a matrix; needs the harness's _metadata in scope. */
#define cvm_perm_check(ok, what, who, detail)				\
	EXPECT_TRUE(ok) TH_LOG("%s as %s%s%s", what, who,		\
			       (detail)[0] ? ": " : "", detail)

/* Become @who in this (child) process. */
static int cvm_perm_become(enum cvm_perm_who who)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int i;

	switch (who) {
	case PERM_ROOT:
		return 0;
	case PERM_NOCAP:
		if (syscall(SYS_capget, &h, d))
			return -1;
		for (i = 0; i < 2; i++) {
			d[i].effective &= ~(i == CAP_NET_ADMIN / 32 ?
					    1U << (CAP_NET_ADMIN % 32) : 0);
			d[i].permitted = d[i].effective;
			d[i].inheritable = 0;
		}
		return syscall(SYS_capset, &h, d);
	default:
		return setgroups(0, NULL) || setgid(CVM_UID_NOBODY) ||
		       setuid(CVM_UID_NOBODY) ? -1 : 0;
	}
}

/* Runs @fn as @who in a child; returns what @fn returned (a -errno or 0). */
static int cvm_perm_as(enum cvm_perm_who who, int (*fn)(const void *),
		       const void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1000;
	if (!pid) {
		if (cvm_perm_become(who))
			_exit(255);
		_exit(-fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1000;
	return -WEXITSTATUS(status);
}

static uint16_t cvm_perm_family;
static uint32_t cvm_perm_events_grp;

static void cvm_perm_ignore(const struct nlattr *attrs, int len, void *ctx)
{
}

/* Joins the events group: 0 or the -errno of setsockopt(). */
static int cvm_perm_join(const void *arg)
{
	int fd = nl_open(), err = 0;

	if (fd < 0)
		return -ENOMEM;
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &cvm_perm_events_grp, sizeof(cvm_perm_events_grp)))
		err = -errno;
	close(fd);
	return err;
}

static int cvm_perm_send(const void *arg)
{
	const struct cvm_perm_request *req = arg;
	struct nl_msg_builder m;
	struct nl_reply *r = calloc(1, sizeof(*r));
	int fd = nl_open(), err;

	if (fd < 0 || !r)
		return -ENOMEM;
	if (req->dump) {
		err = nl_dump(fd, cvm_perm_family, req->cmd, cvm_perm_ignore,
			      NULL);
		close(fd);
		free(r);
		return err;
	}
	nl_start(&m, cvm_perm_family, req->cmd);
	req->build(&m);
	err = nl_do(fd, &m, r);
	if (!err)
		err = r->error;
	close(fd);
	free(r);
	return err;
}

static int cvm_perm_write(const void *arg)
{
	const char *path = arg;
	char buf[4096];
	int err = cvm_read_file(path, buf, sizeof(buf));

	/* nobody cannot read some files; write what root saw instead. */
	if (err)
		buf[0] = 0;
	strcat(buf, "\n");
	return cvm_write_file(path, buf);
}

/* The family's admin ops, from the controller. */
static int cvm_perm_admin_ops(int fd, uint8_t *cmds, int max)
{
	struct nl_msg_builder m;
	struct nl_reply *r = calloc(1, sizeof(*r));
	struct nlattr *a, *op, *oa;
	int len, olen, oalen, n = 0;

	if (!r)
		return -ENOMEM;
	nl_start(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, CVM_FAMILY_NAME,
	       strlen(CVM_FAMILY_NAME) + 1);
	if (nl_do(fd, &m, r) || r->error) {
		free(r);
		return -ENOENT;
	}
	len = r->attrs_len;
	nla_for_each(a, r->attrs, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(&cvm_perm_family, nla_data(a), 2);
		if (a->nla_type != CTRL_ATTR_OPS)
			continue;
		olen = nla_len(a);
		nla_for_each(op, (struct nlattr *)nla_data(a), olen) {
			uint32_t id = 0, flags = 0;

			oalen = nla_len(op);
			nla_for_each(oa, (struct nlattr *)nla_data(op), oalen) {
				if (oa->nla_type == CTRL_ATTR_OP_ID)
					memcpy(&id, nla_data(oa), 4);
				else if (oa->nla_type == CTRL_ATTR_OP_FLAGS)
					memcpy(&flags, nla_data(oa), 4);
			}
			if ((flags & GENL_ADMIN_PERM) && n < max)
				cmds[n++] = id;
		}
	}
	free(r);
	return n;
}

static void cvm_perm_commands(struct __test_metadata *_metadata)
{
	uint8_t cmds[64];
	int fd = nl_open(), n, i, w;
	size_t j;

	n = fd < 0 ? fd : cvm_perm_admin_ops(fd, cmds, 64);
	if (fd >= 0)
		close(fd);
	ASSERT_LT(0, n) TH_LOG("the family lists no admin commands");
	for (i = 0; i < n; i++) {
		const struct cvm_perm_request *req = NULL;
		char what[64], before[512] = "", after[512] = "", detail[128];

		for (j = 0; j < sizeof(cvm_perm_requests) / sizeof(*cvm_perm_requests); j++)
			if (cvm_perm_requests[j].cmd == cmds[i])
				req = &cvm_perm_requests[j];
		snprintf(what, sizeof(what), "admin command %u", cmds[i]);
		if (!req) {
			cvm_perm_check(false, what, "root",
				       "no request for it in cvm_perm_requests[]");
			continue;
		}
		snprintf(what, sizeof(what), "%s", req->name);
		for (w = 0; w < PERM_N; w++) {
			int want = w == PERM_ROOT ? req->root_error : -EPERM;
			int got;

			cvm_read_file(SYSFS "/event_ratelimit", before, sizeof(before));
			got = cvm_perm_as(w, cvm_perm_send, req);
			cvm_read_file(SYSFS "/event_ratelimit", after, sizeof(after));
			snprintf(detail, sizeof(detail), "expected %d, got %d",
				 want, got);
			cvm_perm_check(got == want && !strcmp(before, after), what,
				       cvm_perm_names[w], got == want ? "" : detail);
		}
	}
}

/* The events group is admin-only; the plain reads are open to all. */
static void cvm_perm_reads(struct __test_metadata *_metadata)
{
	int fd = nl_open(), w, got;
	uint32_t version = 0;
	uint16_t id = 0;
	char detail[128];
	size_t j;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nl_family(fd, CVM_FAMILY_NAME, &id, &version,
			       &cvm_perm_events_grp))
		TH_LOG("no \"%s\" family: cvm_core not loaded", CVM_FAMILY_NAME);
	ASSERT_NE(0, cvm_perm_events_grp) TH_LOG("the family has no events group");
	cvm_perm_family = id;
	close(fd);
	for (w = 0; w < PERM_N; w++) {
		int want = w == PERM_ROOT ? 0 : -EPERM;

		got = cvm_perm_as(w, cvm_perm_join, NULL);
		snprintf(detail, sizeof(detail), "expected %d, got %d", want, got);
		cvm_perm_check(got == want, "join the events group",
			       cvm_perm_names[w], got == want ? "" : detail);
		/* Whatever the op's flags say: pfns are for admins. */
		got = cvm_perm_as(w, cvm_perm_send, &cvm_perm_range_dump);
		snprintf(detail, sizeof(detail), "expected %d, got %d", want, got);
		cvm_perm_check(got == want, "the range dump",
			       cvm_perm_names[w], got == want ? "" : detail);
		for (j = 0; j < sizeof(cvm_perm_open) / sizeof(*cvm_perm_open); j++) {
			got = cvm_perm_as(w, cvm_perm_send, &cvm_perm_open[j]);
			snprintf(detail, sizeof(detail), "expected 0, got %d", got);
			cvm_perm_check(!got, cvm_perm_open[j].name,
				       cvm_perm_names[w], got ? detail : "");
		}
	}
}

static void cvm_perm_files(struct __test_metadata *_metadata,
			   const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ASSERT_NE(NULL, d) TH_LOG("%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char path[512], before[4096] = "", after[4096] = "", detail[128];
		struct stat st;
		int w;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			cvm_perm_files(_metadata, path);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		/* The promise: writable files are root's and root-only. */
		if (st.st_mode & S_IWUSR) {
			cvm_perm_check(st.st_uid == 0 && !(st.st_mode & 022),
				       path, "root", "mode is 0644, owner root");
		}
		for (w = 0; w < PERM_N; w++) {
			bool writable = (st.st_mode & S_IWUSR) && w != PERM_NOBODY;
			int want = writable ? 0 : -EACCES, got;

			cvm_read_file(path, before, sizeof(before));
			got = cvm_perm_as(w, cvm_perm_write, path);
			cvm_read_file(path, after, sizeof(after));
			snprintf(detail, sizeof(detail), "write: expected %d, got %d",
				 want, got);
			/* Counters move on their own; compare only what we wrote. */
			if (!(st.st_mode & S_IWUSR))
				strcpy(after, before);
			cvm_perm_check(got == want && !strcmp(before, after),
				       path, cvm_perm_names[w],
				       got == want ? "" : detail);
		}
	}
	closedir(d);
}

/* Every admin command of the controller's list, as each of the three. */
TEST(admin_commands)
{
	if (geteuid())
		SKIP(return, "needs root");
	cvm_perm_commands(_metadata);
}

/* The events group and the range dump are admin-only, the rest open. */
TEST(reads)
{
	if (geteuid())
		SKIP(return, "needs root");
	cvm_perm_reads(_metadata);
}

/* Every file under /sys/kernel/cvm/, written by each of the three. */
TEST(sysfs_files)
{
	if (geteuid())
		SKIP(return, "needs root");
	cvm_perm_files(_metadata, SYSFS);
}

TEST_HARNESS_MAIN
