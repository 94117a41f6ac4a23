// SPDX-License-Identifier: GPL-2.0-only
/*
 * Failed conversions on demand, so that the leak rule can be proven on
 * kernels whose host never refuses a conversion.
 *
 * An injected failure behaves as TDX and Hyper-V fail: the first half of
 * the range (rounded down) really changes state, then the error comes, so
 * the failure paths run with the pages in the mixed state a host can leave
 * them in.
 *
 * Production builds use only the kernel's own fault injection
 * (CONFIG_FAULT_INJECTION, Documentation/fault-injection/): fail-nth
 * reaches both conversion points, and with CONFIG_FAULT_INJECTION_DEBUG_FS
 * the usual attributes are in /sys/kernel/debug/cvm_convert/fail_share/
 * and fail_unshare/. Debian's kernels have no fault injection, so test
 * builds (CVM_TEST=m) add fail_next_share and fail_next_unshare there too:
 * writing N fails the next N conversions in that direction; and
 * fail_next_observed: the observer takes the next N conversions it sees
 * for failed ones.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include "convert.h"

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(cvm_convert_fail_share_attr);
static DECLARE_FAULT_ATTR(cvm_convert_fail_unshare_attr);
#endif

#ifdef CVMGUARD_TEST_BUILD
static atomic_t cvm_convert_fail_next_share = ATOMIC_INIT(0);
static atomic_t cvm_convert_fail_next_unshare = ATOMIC_INIT(0);
static atomic_t cvm_convert_fail_next_observed = ATOMIC_INIT(0);
#endif

static struct dentry *cvm_convert_debugfs;

/* Whether to fail this conversion of @npages pages (@share: to shared). */
bool cvm_convert_should_fail(bool share, size_t npages)
{
#ifdef CONFIG_FAULT_INJECTION
	if (should_fail(share ? &cvm_convert_fail_share_attr :
				&cvm_convert_fail_unshare_attr,
			npages << PAGE_SHIFT))
		return true;
#endif
#ifdef CVMGUARD_TEST_BUILD
	if (atomic_dec_if_positive(share ? &cvm_convert_fail_next_share :
					   &cvm_convert_fail_next_unshare) >= 0)
		return true;
#endif
	return false;
}

/*
 * Whether the observer takes a conversion it saw succeed for a failed one.
 * Test builds only: on the test VMs (no SEV-SNP, TDX or Hyper-V isolation)
 * set_memory_decrypted() cannot fail, and the ledger's answer to a failed
 * conversion of somebody else's must be proven all the same.
 */
bool cvm_convert_observed_should_fail(void)
{
#ifdef CVMGUARD_TEST_BUILD
	return atomic_dec_if_positive(&cvm_convert_fail_next_observed) >= 0;
#else
	return false;
#endif
}

#ifdef CVMGUARD_TEST_BUILD
static int cvm_convert_fail_next_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int cvm_convert_fail_next_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -ERANGE;
	atomic_set(data, val);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(cvm_convert_fail_next_fops, cvm_convert_fail_next_get,
			 cvm_convert_fail_next_set, "%llu\n");
#endif

void cvm_convert_failinj_init(void)
{
	/* Tests need these, the module does not: errors are ignored. */
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	cvm_convert_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	fault_create_debugfs_attr("fail_share", cvm_convert_debugfs,
				  &cvm_convert_fail_share_attr);
	fault_create_debugfs_attr("fail_unshare", cvm_convert_debugfs,
				  &cvm_convert_fail_unshare_attr);
#endif
#ifdef CVMGUARD_TEST_BUILD
	if (!cvm_convert_debugfs)
		cvm_convert_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file_unsafe("fail_next_share", 0600,
				   cvm_convert_debugfs,
				   &cvm_convert_fail_next_share,
				   &cvm_convert_fail_next_fops);
	debugfs_create_file_unsafe("fail_next_unshare", 0600,
				   cvm_convert_debugfs,
				   &cvm_convert_fail_next_unshare,
				   &cvm_convert_fail_next_fops);
	debugfs_create_file_unsafe("fail_next_observed", 0600,
				   cvm_convert_debugfs,
				   &cvm_convert_fail_next_observed,
				   &cvm_convert_fail_next_fops);
#endif
}

void cvm_convert_failinj_exit(void)
{
	debugfs_remove_recursive(cvm_convert_debugfs);
	cvm_convert_debugfs = NULL;
}
