// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "cvm" generic netlink family, as specified in
 * Documentation/netlink/specs/cvm.yaml. cvm_core answers its own commands
 * and forwards feature commands to the module that registered for them.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "core.h"
#include "nl-gen.h"

u8 cvm_nl_cmd_owner(u8 cmd)
{
	return cmd <= CVM_CMD_MAX ? cvm_nl_cmd_owners[cmd] : CVM_MODULE_CORE;
}

static int cvm_nl_put_module(struct sk_buff *skb,
			     const struct cvm_core_feature *feat)
{
	char name[MODULE_NAME_LEN];
	struct nlattr *nest;

	/* Operators know modules by name; feat->name is the sysfs dir. */
	snprintf(name, sizeof(name), "cvm_%s", feat->name);
	nest = nla_nest_start(skb, CVM_A_STATUS_MODULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CVM_A_MODULE_INFO_ID, feat->id) ||
	    nla_put_string(skb, CVM_A_MODULE_INFO_NAME, name) ||
	    nla_put_string(skb, CVM_A_MODULE_INFO_VERSION, feat->version)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int cvm_nl_fill_status(struct sk_buff *skb)
{
	enum cvm_technology tech = cvm_platform_technology();
	int i, err = 0;

	if (nla_put_string(skb, CVM_A_STATUS_VERSION, CVMGUARD_VERSION) ||
	    nla_put_u32(skb, CVM_A_STATUS_TECHNOLOGY, tech) ||
	    nla_put_string(skb, CVM_A_STATUS_TECHNOLOGY_NAME,
			   cvm_platform_technology_name(tech)) ||
	    nla_put_u8(skb, CVM_A_STATUS_MEM_ENCRYPT,
		       cvm_platform_mem_encrypt()) ||
	    nla_put_u32(skb, CVM_A_STATUS_EVENT_RATELIMIT,
			cvm_event_ratelimit()) ||
	    nla_put_u64_64bit(skb, CVM_A_STATUS_EVENTS_SENT,
			      cvm_events_sent(), CVM_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, CVM_A_STATUS_EVENTS_DROPPED,
			      cvm_events_dropped(), CVM_A_STATUS_PAD))
		return -EMSGSIZE;

	down_read(&cvm_core_features_lock);
	for (i = 0; i < ARRAY_SIZE(cvm_core_features) && !err; i++)
		if (cvm_core_features[i])
			err = cvm_nl_put_module(skb, cvm_core_features[i]);
	up_read(&cvm_core_features_lock);
	return err;
}

int cvm_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	return cvm_core_reply(info, CVM_CMD_GET_STATUS, cvm_nl_fill_status);
}

/**
 * cvm_nl_notify_config() - tell the events group the configuration changed
 *
 * Listeners get the whole new configuration, so they never have to ask.
 */
void cvm_nl_notify_config(void)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cvm_core_event_new(CVM_CMD_CONFIG_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, CVM_A_CONFIG_EVENT_RATELIMIT,
			cvm_event_ratelimit())) {
		nlmsg_free(skb);
		return;
	}
	cvm_core_event_send(skb, hdr);
}

int cvm_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[CVM_A_CONFIG_EVENT_RATELIMIT];
	int err;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "no setting given");
		return -EINVAL;
	}
	err = cvm_event_set_ratelimit(nla_get_u32(attr));
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "out of range");
		return err;
	}
	cvm_nl_notify_config();
	return 0;
}

static void cvm_nl_set_not_loaded(struct netlink_ext_ack *extack, u8 owner)
{
	switch (owner) {
	case CVM_MODULE_CONVERT:
		NL_SET_ERR_MSG(extack,
			       "cvm_convert is not loaded; load it with 'modprobe cvm_convert'");
		break;
	case CVM_MODULE_BOUNCE:
		NL_SET_ERR_MSG(extack,
			       "cvm_bounce is not loaded; load it with 'modprobe cvm_bounce'");
		break;
	case CVM_MODULE_RING:
		NL_SET_ERR_MSG(extack,
			       "cvm_ring is not loaded; load it with 'modprobe cvm_ring'");
		break;
	}
}

/*
 * The registration is held for reading while the handler runs, so
 * cvm_core_unregister(), called from the feature's module exit, waits for
 * handlers in flight and the module text cannot go away under them.
 */
static const struct cvm_core_cmd *cvm_nl_feature_cmd(u8 cmd)
{
	const struct cvm_core_feature *feat;
	unsigned int i;

	lockdep_assert_held(&cvm_core_features_lock);
	feat = cvm_core_features[cvm_nl_cmd_owner(cmd)];
	for (i = 0; feat && i < feat->n_cmds; i++)
		if (feat->cmds[i].cmd == cmd)
			return &feat->cmds[i];
	return NULL;
}

int cvm_nl_feature_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	const struct cvm_core_cmd *handler;
	int err;

	down_read(&cvm_core_features_lock);
	handler = cvm_nl_feature_cmd(cmd);
	if (handler && handler->doit) {
		err = handler->doit(skb, info);
	} else {
		cvm_nl_set_not_loaded(info->extack, cvm_nl_cmd_owner(cmd));
		err = -EOPNOTSUPP;
	}
	up_read(&cvm_core_features_lock);
	return err;
}

int cvm_nl_feature_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u8 cmd = ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd;
	const struct cvm_core_cmd *handler;
	int err;

	down_read(&cvm_core_features_lock);
	handler = cvm_nl_feature_cmd(cmd);
	if (handler && handler->dumpit) {
		err = handler->dumpit(skb, cb);
	} else {
		cvm_nl_set_not_loaded(cb->extack, cvm_nl_cmd_owner(cmd));
		err = -EOPNOTSUPP;
	}
	up_read(&cvm_core_features_lock);
	return err;
}

/**
 * cvm_core_reply() - answer a do request with one message
 * @info: the request
 * @cmd: CVM_CMD_* of the reply
 * @fill: adds the reply's attributes; returns 0 or -EMSGSIZE
 *
 * Feature modules do not see the family (6.1's genl_info does not carry
 * it), so cvm_core builds the message for them.
 *
 * Return: 0 when the reply was sent, a negative errno otherwise.
 */
int cvm_core_reply(struct genl_info *info, u8 cmd,
		   int (*fill)(struct sk_buff *skb))
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &cvm_nl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = fill(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}
EXPORT_SYMBOL_GPL(cvm_core_reply);

/**
 * cvm_core_dump_put() - start one message of a feature's dump
 * @skb: the dump's buffer
 * @cb: the dump
 * @cmd: CVM_CMD_* of the message
 *
 * Return: the user header to pass to genlmsg_end(), or NULL if @skb is full.
 */
void *cvm_core_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &cvm_nl_family, NLM_F_MULTI, cmd);
}
EXPORT_SYMBOL_GPL(cvm_core_dump_put);

/*
 * The ops and groups are generated from the spec (nl-gen.c); the family
 * is not: ynl-gen writes none for a genetlink-legacy family.
 */
struct genl_family cvm_nl_family __ro_after_init = {
	.name		= CVM_FAMILY_NAME,
	.version	= CVM_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.parallel_ops	= true,
	.ops		= cvm_nl_ops,
	.n_ops		= ARRAY_SIZE(cvm_nl_ops),
	.mcgrps		= cvm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(cvm_nl_mcgrps),
};

int cvm_nl_init(void)
{
	return genl_register_family(&cvm_nl_family);
}

void cvm_nl_exit(void)
{
	genl_unregister_family(&cvm_nl_family);
}
