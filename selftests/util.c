// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small file helpers shared by the C selftests: sysfs and debugfs files
 * are read and written with one syscall each, as their handlers expect.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "util.h"

/* Reads @path into @buf without its trailing newline; 0 or -errno. */
int cvm_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Writes @val to @path in one write(); 0 or -errno of open or write. */
int cvm_write_file(const char *path, const char *val)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * Runs @fn(@family) in a child that dropped to uid/gid 65534 (nobody, no
 * capabilities); returns its exit status, or -1 if it did not exit.
 */
int cvm_as_nobody(int (*fn)(uint16_t family), uint16_t family)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgid(CVM_UID_NOBODY) || setuid(CVM_UID_NOBODY))
			_exit(100);
		_exit(fn(family));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
