// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which confidential-computing technology protects this guest, as the
 * kernel itself decided at boot. Reading the kernel's conclusions (rather
 * than CPUID or MSRs) is deliberate: what matters for cvmguard is what the
 * kernel enforces, e.g. whether it really encrypts guest memory.
 */
#include <linux/cc_platform.h>
#include <asm/cpufeature.h>
#include <asm/mshyperv.h>
#include <cvm_names.h>
#include "core.h"

static enum cvm_technology cvm_platform_tech = CVM_TECHNOLOGY_NONE;
static bool cvm_platform_encrypted;

/*
 * Hyper-V isolated guests go first: with a paravisor the kernel reports
 * plain memory encryption through cc_platform_has() on some versions, which
 * would otherwise read as "sev". systemd-detect-virt --cvm calls SNP and TDX
 * isolation "sev-snp" and "tdx"; only VBS has no name of its own there.
 */
static bool cvm_platform_detect_hyperv(enum cvm_technology *tech)
{
#if IS_ENABLED(CONFIG_HYPERV)
	int type;

	if (!hv_is_isolation_supported())
		return false;
	type = hv_get_isolation_type();
	if (type == HV_ISOLATION_TYPE_SNP)
		*tech = CVM_TECHNOLOGY_SEV_SNP;
	else if (type == HV_ISOLATION_TYPE_TDX)
		*tech = CVM_TECHNOLOGY_TDX;
	else
		*tech = CVM_TECHNOLOGY_HYPERV_ISOLATED;
	return true;
#else
	return false;
#endif
}

static enum cvm_technology cvm_platform_detect_tech(void)
{
	enum cvm_technology tech;

	if (cvm_platform_detect_hyperv(&tech))
		return tech;
	if (cpu_feature_enabled(X86_FEATURE_TDX_GUEST))
		return CVM_TECHNOLOGY_TDX;
	if (cc_platform_has(CC_ATTR_GUEST_SEV_SNP))
		return CVM_TECHNOLOGY_SEV_SNP;
	if (cc_platform_has(CC_ATTR_GUEST_STATE_ENCRYPT))
		return CVM_TECHNOLOGY_SEV_ES;
	if (cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT))
		return CVM_TECHNOLOGY_SEV;
	return CVM_TECHNOLOGY_NONE;
}

/*
 * The answer cannot change after boot, so it is read once at module load.
 */
void cvm_platform_detect(void)
{
	cvm_platform_encrypted = cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT);
	cvm_platform_tech = cvm_platform_detect_tech();
	pr_info("platform: %s, guest memory encryption %s\n",
		cvm_platform_technology_name(cvm_platform_tech),
		cvm_platform_encrypted ? "active" : "inactive");
}

enum cvm_technology cvm_platform_technology(void)
{
	return cvm_platform_tech;
}

const char *cvm_platform_technology_name(enum cvm_technology tech)
{
	return cvm_technology_str(tech) ?: "unknown";
}

bool cvm_platform_mem_encrypt(void)
{
	return cvm_platform_encrypted;
}
