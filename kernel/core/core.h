/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvm_core internals shared between its files; not for feature modules,
 * which use <cvm_core.h>.
 */
#ifndef _CVM_CORE_INTERNAL_H
#define _CVM_CORE_INTERNAL_H

#include <linux/rwsem.h>
#include <cvm_core.h>
#include <cvm_names.h>

#define CVM_EVENT_RATELIMIT_DEFAULT	100

/* platform.c */
enum cvm_technology cvm_platform_technology(void);
const char *cvm_platform_technology_name(enum cvm_technology tech);
bool cvm_platform_mem_encrypt(void);
void cvm_platform_detect(void);

/* main.c: registered features, indexed by enum cvm_module */
extern struct rw_semaphore cvm_core_features_lock;
extern struct cvm_core_feature *cvm_core_features[CVM_MODULE_RING + 1];
extern struct cvm_core_feature cvm_core_self;

/* sysfs.c */
int cvm_sysfs_init(void);
void cvm_sysfs_exit(void);
int cvm_sysfs_add_feature(struct cvm_core_feature *feat);
void cvm_sysfs_del_feature(struct cvm_core_feature *feat);

/* netlink.c */
extern struct genl_family cvm_nl_family;
int cvm_nl_init(void);
void cvm_nl_exit(void);
void cvm_nl_notify_config(void);
u8 cvm_nl_cmd_owner(u8 cmd);

/* event.c */
u32 cvm_event_ratelimit(void);
int cvm_event_set_ratelimit(u32 per_sec);
u64 cvm_events_sent(void);
u64 cvm_events_dropped(void);

#endif /* _CVM_CORE_INTERNAL_H */
