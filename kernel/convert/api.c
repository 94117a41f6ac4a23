// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exported ledger API: conversions to shared and back that the ledger
 * records, and an allocate-shared / free-shared pair that also owns the
 * pages, so that a failed conversion back to private leaks them instead of
 * handing possibly host-visible pages back to the page allocator (the bug
 * fixed caller by caller in CVE-2024-35939 and CVE-2024-36909..36913).
 *
 * Failures can be injected (failinj.c) to run the leak paths on any kernel.
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/set_memory.h>
#include "convert.h"

/*
 * set_memory_decrypted() or set_memory_encrypted(), or an injected failure
 * after the first half of the range changed state.
 */
static int cvm_convert_set(void *addr, size_t npages, bool share)
{
	int (*set)(unsigned long addr, int numpages) =
		share ? set_memory_decrypted : set_memory_encrypted;

	if (!cvm_convert_should_fail(share, npages))
		return set((unsigned long)addr, npages);
	if (npages / 2)
		set((unsigned long)addr, npages / 2);
	return -EIO;
}

/* set_memory_*() take an int page count and linear-map addresses. */
static int cvm_convert_check(const void *addr, size_t npages)
{
	if (!npages || npages > INT_MAX || !PAGE_ALIGNED(addr) ||
	    !virt_addr_valid(addr) ||
	    !virt_addr_valid(addr + (npages - 1) * PAGE_SIZE))
		return -EINVAL;
	return 0;
}

/**
 * cvm_convert_share() - convert pages to shared and record them
 * @owner: owner tag recorded in the ledger
 * @addr: page-aligned linear-map address of the first page
 * @npages: number of pages
 *
 * Sleeps. Pages that overlap a range the ledger already holds are not
 * converted again: that is reported as an already-shared anomaly.
 *
 * Return: 0 on success; -EINVAL for a bad range; -EEXIST if a page of the
 * range is already in the ledger; -ENOMEM; or the error of
 * set_memory_decrypted() (-EIO when injected). After that last kind of
 * failure part of the range may be shared and part private (the host can
 * fail a conversion half way): the ledger keeps the pages as leaked and
 * the caller must never free or reuse them, as after a failed unshare.
 * cvm_convert_state() tells the two kinds of failure apart.
 */
int cvm_convert_share(const char *owner, void *addr, size_t npages)
{
	struct cvm_convert_range *r;
	unsigned long pfn;
	int err;

	err = cvm_convert_check(addr, npages);
	if (err)
		return err;
	pfn = PHYS_PFN(__pa(addr));
	err = cvm_ledger_reserve(owner, pfn, npages, &r);
	if (err) {
		if (err == -EEXIST)
			cvm_convert_notify(CVM_CONV_EVENT_ALREADY_SHARED, owner,
					   pfn, npages, err);
		return err;
	}
	err = cvm_convert_set(addr, npages, true);
	if (err) {
		cvm_ledger_fail_share(r);
		pr_warn_ratelimited("%s: %zu pages at pfn %#lx could not be made shared (%d), leaked\n",
				    owner, npages, pfn, err);
		cvm_convert_notify(CVM_CONV_EVENT_SHARE_FAILED, owner, pfn,
				   npages, err);
		cvm_convert_notify(CVM_CONV_EVENT_LEAKED, owner, pfn, npages,
				   err);
		return err;
	}
	cvm_ledger_commit_share(r);
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_convert_share);

/**
 * cvm_convert_unshare() - convert shared pages back to private
 * @owner: owner tag the pages were shared with
 * @addr: @addr given to cvm_convert_share()
 * @npages: @npages given to cvm_convert_share()
 *
 * Sleeps. Only a whole range shared by one call, by the same owner, is
 * converted; anything else is reported as a not-shared or wrong-owner
 * anomaly and the pages are left alone.
 *
 * Return: 0 when the pages are private again and may be freed; -EINVAL for
 * a bad range; -ENOENT if the ledger holds no such shared range; -EPERM if
 * another owner shared it; -ENOMEM; or the error of set_memory_encrypted()
 * (-EIO when injected). After that last kind of failure the pages are
 * leaked: the ledger keeps them as leaked and the caller must never free
 * or reuse them.
 */
int cvm_convert_unshare(const char *owner, void *addr, size_t npages)
{
	struct cvm_convert_range *r;
	unsigned long pfn;
	int err;

	err = cvm_convert_check(addr, npages);
	if (err)
		return err;
	pfn = PHYS_PFN(__pa(addr));
	err = cvm_ledger_begin_unshare(owner, pfn, npages, &r);
	if (err == -ENOENT || err == -EPERM)
		cvm_convert_notify(err == -ENOENT ? CVM_CONV_EVENT_NOT_SHARED :
						    CVM_CONV_EVENT_WRONG_OWNER,
				   owner, pfn, npages, err);
	if (err)
		return err;
	err = cvm_convert_set(addr, npages, false);
	cvm_ledger_end_unshare(r, err);
	if (err) {
		pr_warn_ratelimited("%s: %zu pages at pfn %#lx could not be made private (%d), leaked\n",
				    owner, npages, pfn, err);
		cvm_convert_notify(CVM_CONV_EVENT_UNSHARE_FAILED, owner, pfn,
				   npages, err);
		cvm_convert_notify(CVM_CONV_EVENT_LEAKED, owner, pfn, npages,
				   err);
	}
	return err;
}
EXPORT_SYMBOL_GPL(cvm_convert_unshare);

/**
 * cvm_convert_alloc_shared() - allocate zeroed pages shared with the host
 * @owner: owner tag recorded in the ledger
 * @npages: number of pages
 * @gfp: allocation flags; __GFP_ZERO is implied, so no private data
 *	reaches the host
 *
 * Sleeps. Free with cvm_convert_free_shared().
 *
 * Return: the linear-map address of the first page, or an ERR_PTR():
 * -EINVAL, -ENOMEM, or the error of the conversion. After a failed
 * conversion the pages are leaked (see cvm_convert_share()), not freed.
 */
void *cvm_convert_alloc_shared(const char *owner, size_t npages, gfp_t gfp)
{
	void *addr;
	int err;

	if (!npages || npages > INT_MAX)
		return ERR_PTR(-EINVAL);
	addr = alloc_pages_exact(npages << PAGE_SHIFT, gfp | __GFP_ZERO);
	if (!addr)
		return ERR_PTR(-ENOMEM);
	err = cvm_convert_share(owner, addr, npages);
	if (err) {
		/* A failed conversion leaves them in the ledger, leaked. */
		if (cvm_convert_state(addr, npages) != CVM_CONV_STATE_LEAKED)
			free_pages_exact(addr, npages << PAGE_SHIFT);
		return ERR_PTR(err);
	}
	/*
	 * Zeroed again now that it is shared: with SEV the shared view of
	 * the zeros written while private is their ciphertext, and callers
	 * (the bounce pool) rely on reading zeros, as dma-direct does.
	 */
	memset(addr, 0, npages << PAGE_SHIFT);
	return addr;
}
EXPORT_SYMBOL_GPL(cvm_convert_alloc_shared);

/**
 * cvm_convert_free_shared() - free pages from cvm_convert_alloc_shared()
 * @owner: owner tag given to cvm_convert_alloc_shared()
 * @addr: address it returned
 * @npages: number of pages allocated
 *
 * Sleeps. Converts the pages back to private and frees them. When that
 * conversion fails they are leaked on purpose: never returned to the page
 * allocator, kept in the ledger as leaked, counted and reported.
 *
 * Return: 0 when the pages were freed; the error of cvm_convert_unshare()
 * otherwise, in which case they were not freed.
 */
int cvm_convert_free_shared(const char *owner, void *addr, size_t npages)
{
	int err;

	err = cvm_convert_unshare(owner, addr, npages);
	if (err)
		return err;
	free_pages_exact(addr, npages << PAGE_SHIFT);
	return 0;
}
EXPORT_SYMBOL_GPL(cvm_convert_free_shared);

/**
 * cvm_convert_state() - what the ledger holds for a range
 * @addr: linear-map address of the first page
 * @npages: number of pages
 *
 * Return: CVM_CONV_STATE_SHARED or CVM_CONV_STATE_LEAKED when exactly this
 * range is in the ledger; -ENOENT when it is not; -EINVAL for a bad range.
 */
int cvm_convert_state(const void *addr, size_t npages)
{
	int err = cvm_convert_check(addr, npages);

	return err ?: cvm_ledger_state(PHYS_PFN(__pa(addr)), npages);
}
EXPORT_SYMBOL_GPL(cvm_convert_state);
