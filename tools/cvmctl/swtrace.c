// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl swiotlb trace on|off, and the per-device counts `cvmctl swiotlb`
 * shows without cvm_bounce.
 *
 * The kernel's swiotlb_map() fires swiotlb:swiotlb_bounced (device name,
 * size) before every bounce. A hist trigger on it makes the kernel keep,
 * per device, the number of hits and the sum of sizes, from the moment
 * it is set until it is removed, at the cost of a hash update per bounce
 * and no trace buffer: nothing is written by hand that ftrace already
 * does. Root only; lockdown=confidentiality refuses tracefs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvmctl.h"
#include "posture.h"
#include "swtrace.h"

#define CVM_SWTRACE_EVENT	"/events/swiotlb/swiotlb_bounced"
#define CVM_SWTRACE_HIST	"hist:keys=dev_name:vals=hitcount,size:sort=dev_name"
#define CVM_SWTRACE_LOCKED	"kernel lockdown (confidentiality) closes tracefs"

/* Locked down at boot, tracefs creates no file at all; later, it refuses to open them. */
static bool cvm_lockdown_confidentiality(void)
{
	char mode[32];

	cvm_lockdown_mode(mode, sizeof(mode));
	return !strcmp(mode, "confidentiality");
}

/* Where tracefs is mounted, from /proc/self/mounts. */
static bool cvm_tracefs_dir(char *dir, size_t size)
{
	char line[512], dev[128], mnt[256], type[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %255s %63s", dev, mnt, type) == 3 &&
		    !strcmp(type, "tracefs")) {
			snprintf(dir, size, "%s", mnt);
			found = true;
		}
	fclose(f);
	return found;
}

/* @file of the swiotlb_bounced event in @path, or why there is none. */
static const char *cvm_swtrace_path(const char *file, char *path, size_t size)
{
	char dir[256];

	if (!cvm_tracefs_dir(dir, sizeof(dir)))
		return "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)";
	snprintf(path, size, "%s" CVM_SWTRACE_EVENT "/%s", dir, file);
	if (!access(path, F_OK))
		return NULL;
	if (errno == EACCES)
		return "tracefs is readable by root only";
	snprintf(path, size, "%s" CVM_SWTRACE_EVENT, dir);
	if (!access(path, F_OK))
		return "the kernel has no histogram triggers (CONFIG_HIST_TRIGGERS)";
	if (cvm_lockdown_confidentiality())
		return CVM_SWTRACE_LOCKED;
	return "the kernel has no swiotlb_bounced tracepoint";
}

static const char *cvm_swtrace_errno_why(int err)
{
	if (err == EPERM && cvm_lockdown_confidentiality())
		return CVM_SWTRACE_LOCKED;
	if (err == EACCES)
		return "tracefs is readable by root only";
	return strerror(err);
}

/**
 * cvm_swtrace_read() - per-device counts of the swiotlb_bounced histogram
 * @devs: filled with up to @max devices
 * @max: size of @devs
 * @why: when the counts are not available, the reason ("off" when no
 *	 trigger is set)
 *
 * Return: the number of devices, or -1 with @why set.
 */
int cvm_swtrace_read(struct cvm_swtrace_dev *devs, int max, const char **why)
{
	char path[512], line[1024];
	bool ours = false;
	int n = 0;
	FILE *f;

	*why = cvm_swtrace_path("hist", path, sizeof(path));
	if (*why)
		return -1;
	f = fopen(path, "re");
	if (!f) {
		*why = cvm_swtrace_errno_why(errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct cvm_swtrace_dev d = { 0 };
		char *p;

		if (strstr(line, "# trigger info: " CVM_SWTRACE_HIST))
			ours = true;
		/* "{ dev_name: 0000:00:05.0   } hitcount: 1032  size: 8405128" */
		if (!ours || strncmp(line, "{ dev_name: ", 12) ||
		    sscanf(line + 12, "%63s", d.name) != 1)
			continue;
		p = strstr(line, "hitcount:");
		if (!p || sscanf(p, "hitcount: %" SCNu64, &d.maps) != 1)
			continue;
		p = strstr(p, "size:");
		if (!p || sscanf(p, "size: %" SCNu64, &d.bytes) != 1)
			continue;
		if (n < max)
			devs[n++] = d;
	}
	fclose(f);
	if (!ours) {
		*why = "off (cvmctl swiotlb trace on)";
		return -1;
	}
	return n;
}

/**
 * cvm_swtrace_set() - set or remove the swiotlb_bounced histogram
 * @on: set it (counting from now) or remove it (forgetting the counts)
 *
 * Return: 0, or -1 after saying why on stderr.
 */
int cvm_swtrace_set(bool on)
{
	char path[512];
	const char *why;
	int ret = 0;
	FILE *f;

	why = cvm_swtrace_path("trigger", path, sizeof(path));
	if (why) {
		cvmctl_err("swiotlb trace: %s", why);
		return -1;
	}
	f = fopen(path, "we");
	if (!f) {
		cvmctl_err("swiotlb trace: %s: %s", path, cvm_swtrace_errno_why(errno));
		return -1;
	}
	/* The kernel answers a second identical trigger EEXIST, an absent one ENOENT. */
	if (fprintf(f, "%s" CVM_SWTRACE_HIST "\n", on ? "" : "!") < 0 ||
	    fflush(f))
		ret = errno;
	if (fclose(f) && !ret)
		ret = errno;
	if (ret && ret != (on ? EEXIST : ENOENT)) {
		cvmctl_err("swiotlb trace %s: %s", on ? "on" : "off",
			   cvm_swtrace_errno_why(ret));
		return -1;
	}
	return 0;
}
