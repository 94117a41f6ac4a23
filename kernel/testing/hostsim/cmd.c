// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debugfs files of cvm_hostsim and cvm_hostsim_bounce take one
 * command a write: a name and its arguments, separated by blanks. Each
 * file has a table of its commands; the parsing and the dispatch are the
 * same for all of them, here, exported for cvm_hostsim_bounce.
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "hostsim.h"

/**
 * cvm_hostsim_args_get() - split a write into words
 * @a: gets the words, in its own copy of the write
 * @ubuf: the write
 * @len: its length
 *
 * Return: 0; -E2BIG for a write or a command too long for @a; -EFAULT;
 * -EINVAL for a write of blanks only.
 */
int cvm_hostsim_args_get(struct cvm_hostsim_args *a, const char __user *ubuf,
			 size_t len)
{
	char *p, *tok;

	a->argc = 0;
	if (len >= sizeof(a->buf))
		return -E2BIG;
	if (copy_from_user(a->buf, ubuf, len))
		return -EFAULT;
	a->buf[len] = '\0';
	p = strim(a->buf);
	while ((tok = strsep(&p, " \t")) != NULL) {
		if (!*tok)
			continue;
		if (a->argc == ARRAY_SIZE(a->argv))
			return -E2BIG;
		a->argv[a->argc++] = tok;
	}
	return a->argc ? 0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(cvm_hostsim_args_get);

/**
 * cvm_hostsim_call() - run the command the words name
 * @cmds: the file's commands
 * @n: how many
 * @a: the words, from cvm_hostsim_args_get()
 *
 * Return: what the command returns; -EINVAL for the wrong number of
 * arguments; -EOPNOTSUPP for a name not in @cmds.
 */
int cvm_hostsim_call(const struct cvm_hostsim_cmd *cmds, unsigned int n,
		     struct cvm_hostsim_args *a)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (strcmp(a->argv[0], cmds[i].name))
			continue;
		return a->argc == cmds[i].argc ? cmds[i].fn(a->argv) : -EINVAL;
	}
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_GPL(cvm_hostsim_call);
