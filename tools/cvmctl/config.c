// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvmctl config SETTING VALUE: change cvm_core settings (set-config).
 *
 * Values are checked here first, so a typo gets a clear message without a
 * round trip; the kernel's policy checks the same ranges again.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "json.h"
#include "nl.h"

struct cvm_config_setting {
	const char *name;
	int attr;		/* CVM_A_CONFIG_*, a u32 */
	uint32_t min;
	uint32_t max;
};

static const struct cvm_config_setting cvm_config_settings[] = {
	{ "event-ratelimit", CVM_A_CONFIG_EVENT_RATELIMIT,
	  CVM_CHECK_CONFIG_EVENT_RATELIMIT_MIN, CVM_CHECK_CONFIG_EVENT_RATELIMIT_MAX },
};

/*
 * Strictly a decimal integer: digits only (no sign, space, or 0x), in
 * [min, max].  Return: 0, or -1 if @s is not such a number.
 */
static int cvm_parse_u32(const char *s, uint32_t min, uint32_t max,
			 uint32_t *v)
{
	uint64_t n = 0;
	const char *p;

	if (!*s)
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (n <= max)	/* saturate past max, no overflow */
			n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n < min || n > max)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int cvm_config_set(const struct cvm_config_setting *set, uint32_t v)
{
	struct cvm_nl_err err;
	struct nl_msg *msg;
	struct cvm_nl nl;
	int ret = CVMCTL_EXIT_FAIL;

	if (cvm_nl_open(&nl))
		return CVMCTL_EXIT_FAIL;

	msg = cvm_nl_new_req(&nl, CVM_CMD_SET_CONFIG);
	if (!msg || nla_put_u32(msg, set->attr, v)) {
		if (msg)
			nlmsg_free(msg);
		cvmctl_err("set-config: %s", strerror(ENOMEM));
		goto out;
	}
	if (cvm_nl_do(&nl, msg, NULL, NULL, &err)) {
		if (!err.nlerr && err.errnum == EPERM)
			cvmctl_err("permission denied: changing configuration needs CAP_NET_ADMIN (run as root)");
		else
			cvm_nl_perror(cvm_op_str(CVM_CMD_SET_CONFIG), &err);
		goto out;
	}
	ret = CVMCTL_EXIT_OK;
out:
	cvm_nl_close(&nl);
	return ret;
}

/**
 * cvmctl_config_run() - parse "SETTING VALUE" and apply it
 * @ctx: global options
 * @cmd: the command that was run ("config" or "set"), for messages
 * @argc/@argv: SETTING VALUE
 *
 * Shared by 'cvmctl config' and 'cvmctl set'.
 * Return: a CVMCTL_EXIT_* status.
 */
int cvmctl_config_run(const struct cvmctl_ctx *ctx,
		      const struct cvmctl_cmd *cmd, int argc, char **argv)
{
	const struct cvm_config_setting *set = NULL;
	uint32_t v;
	size_t i;
	int ret;

	if (argc < 1) {
		cvmctl_err("%s: missing setting", cmd->name);
		goto usage;
	}
	for (i = 0; i < ARRAY_SIZE(cvm_config_settings); i++)
		if (!strcmp(argv[0], cvm_config_settings[i].name))
			set = &cvm_config_settings[i];
	if (!set) {
		cvmctl_err("%s: unknown setting '%s'", cmd->name, argv[0]);
		goto usage;
	}
	if (argc < 2) {
		cvmctl_err("%s: %s needs a value", cmd->name, set->name);
		goto usage;
	}
	if (argc > 2) {
		cvmctl_err("%s: unexpected argument '%s'", cmd->name, argv[2]);
		goto usage;
	}
	if (cvm_parse_u32(argv[1], set->min, set->max, &v)) {
		cvmctl_err("%s: invalid %s '%s': must be a decimal integer from %u to %u",
			   cmd->name, set->name, argv[1], set->min, set->max);
		goto usage;
	}

	ret = cvm_config_set(set, v);
	/* As bpftool does: a command without output prints null in JSON. */
	if (ret == CVMCTL_EXIT_OK && ctx->json) {
		struct jsonw jw;

		jsonw_init(&jw, stdout, ctx->pretty);
		jsonw_null(&jw);
	}
	return ret;

usage:
	cvmctl_usage_hint(cmd);
	return CVMCTL_EXIT_USAGE;
}

static int cvmctl_do_config(const struct cvmctl_ctx *ctx, int argc,
			    char **argv)
{
	return cvmctl_config_run(ctx, &cvmctl_cmd_config, argc, argv);
}

const struct cvmctl_cmd cvmctl_cmd_config = {
	.name = "config",
	.args = "event-ratelimit N",
	.help = "set the event rate limit (events/s, 1..100000); needs root",
	.handler = cvmctl_do_config,
};
