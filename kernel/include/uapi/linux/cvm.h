/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/cvm.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_CVM_H
#define _UAPI_LINUX_CVM_H

#define CVM_FAMILY_NAME		"cvm"
#define CVM_FAMILY_VERSION	1

/**
 * enum cvm_technology - Confidential-computing technology of the guest as the
 *   kernel sees it. Names match `systemd-detect-virt --cvm` where they
 *   overlap.
 * @CVM_TECHNOLOGY_NONE: Not a confidential guest, or one this kernel cannot
 *   recognise.
 * @CVM_TECHNOLOGY_SEV: AMD SEV (memory encryption only).
 * @CVM_TECHNOLOGY_SEV_ES: AMD SEV-ES (memory and register state encryption).
 * @CVM_TECHNOLOGY_SEV_SNP: AMD SEV-SNP, including Hyper-V SNP isolation.
 * @CVM_TECHNOLOGY_TDX: Intel TDX, including Hyper-V TDX isolation.
 * @CVM_TECHNOLOGY_HYPERV_ISOLATED: Hyper-V isolation that is neither SNP nor
 *   TDX (VBS).
 */
enum cvm_technology {
	CVM_TECHNOLOGY_NONE,
	CVM_TECHNOLOGY_SEV,
	CVM_TECHNOLOGY_SEV_ES,
	CVM_TECHNOLOGY_SEV_SNP,
	CVM_TECHNOLOGY_TDX,
	CVM_TECHNOLOGY_HYPERV_ISOLATED,
};

/**
 * enum cvm_module - The cvmguard modules that can register with cvm_core.
 */
enum cvm_module {
	CVM_MODULE_CORE,
	CVM_MODULE_CONVERT,
	CVM_MODULE_BOUNCE,
	CVM_MODULE_RING,
};

enum {
	CVM_A_STATUS_VERSION = 1,
	CVM_A_STATUS_TECHNOLOGY,
	CVM_A_STATUS_TECHNOLOGY_NAME,
	CVM_A_STATUS_MEM_ENCRYPT,
	CVM_A_STATUS_EVENT_RATELIMIT,
	CVM_A_STATUS_EVENTS_SENT,
	CVM_A_STATUS_EVENTS_DROPPED,
	CVM_A_STATUS_MODULE,
	CVM_A_STATUS_PAD,

	__CVM_A_STATUS_MAX,
	CVM_A_STATUS_MAX = (__CVM_A_STATUS_MAX - 1)
};

enum {
	CVM_A_MODULE_INFO_ID = 1,
	CVM_A_MODULE_INFO_NAME,
	CVM_A_MODULE_INFO_VERSION,

	__CVM_A_MODULE_INFO_MAX,
	CVM_A_MODULE_INFO_MAX = (__CVM_A_MODULE_INFO_MAX - 1)
};

enum {
	CVM_A_CONFIG_EVENT_RATELIMIT = 1,

	__CVM_A_CONFIG_MAX,
	CVM_A_CONFIG_MAX = (__CVM_A_CONFIG_MAX - 1)
};

enum {
	CVM_CMD_GET_STATUS = 1,
	CVM_CMD_SET_CONFIG,
	CVM_CMD_CONFIG_NTF,
	CVM_CMD_CONV_GET,
	CVM_CMD_POOL_GET,
	CVM_CMD_RING_GET,

	__CVM_CMD_MAX,
	CVM_CMD_MAX = (__CVM_CMD_MAX - 1)
};

#define CVM_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_CVM_H */
