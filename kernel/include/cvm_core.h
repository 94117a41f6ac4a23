/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_core: the API feature modules use to plug into /sys/kernel/cvm/ and
 * into the "cvm" generic netlink family.
 *
 * Generic netlink families cannot grow operations after registration, so
 * cvm_core declares every command of the family (see
 * Documentation/netlink/specs/cvm.yaml) and forwards a feature command to
 * the module that registered a handler for it. Until that module is loaded
 * the command fails with -EOPNOTSUPP and an extack message naming it.
 */
#ifndef _CVM_CORE_H
#define _CVM_CORE_H

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <net/genetlink.h>
#include <uapi/linux/cvm.h>

/**
 * struct cvm_core_cmd - handler of one feature command
 * @cmd: CVM_CMD_* value; cvm_core knows which module owns it
 * @doit: handler of a do request, or NULL
 * @dumpit: handler of one round of a dump, or NULL. The dump's state must
 *	live in cb->ctx: the module may unload between rounds, and the next
 *	round then fails with -EOPNOTSUPP.
 *
 * Handlers are called with the registration held, so the module cannot
 * unregister while one runs. Attributes are already validated against the
 * command's policy in cvm_core.
 */
struct cvm_core_cmd {
	u8 cmd;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
};

/**
 * struct cvm_core_feature - a feature module as cvm_core sees it
 * @id: which module this is
 * @name: directory under /sys/kernel/cvm/ (e.g. "bounce")
 * @version: version string reported by get-status
 * @groups: sysfs attribute groups created in that directory, or NULL
 * @cmds: netlink command handlers
 * @n_cmds: number of entries in @cmds
 * @kobj: private to cvm_core
 */
struct cvm_core_feature {
	enum cvm_module id;
	const char *name;
	const char *version;
	const struct attribute_group **groups;
	const struct cvm_core_cmd *cmds;
	unsigned int n_cmds;
	struct kobject *kobj;
};

int cvm_core_register(struct cvm_core_feature *feat);
void cvm_core_unregister(struct cvm_core_feature *feat);

int cvm_core_reply(struct genl_info *info, u8 cmd,
		   int (*fill)(struct sk_buff *skb));
void *cvm_core_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd);

struct sk_buff *cvm_core_event_new(u8 cmd, void **hdr);
struct sk_buff *cvm_core_event_new_lost(u8 cmd, void **hdr);
int cvm_core_event_send(struct sk_buff *skb, void *hdr);

#endif /* _CVM_CORE_H */
