// SPDX-License-Identifier: GPL-2.0-only
/*
 * Races of kernel/bounce/map.c, built unmodified over kshim.h with ASan
 * and UBSan: what a buggy driver on another CPU does while a long sync or
 * unmap has dropped the area lock between pieces. The unlock hook runs the
 * other CPU's call at exactly that point, so each race is taken every
 * run, not by chance.
 *
 *  - an unmap between two pieces of a sync: the sync stops, copies no
 *    further piece (the slots may be another mapping's by then) and
 *    reports a stray sync;
 *  - a sync or a second unmap while a long unmap copies back outside the
 *    lock: both refused (stray, double unmap), the unmap completes.
 *
 * On the kernel's kselftest_harness.h: each test runs in its own process
 * with a fresh pool (the fixture); a failed CHECK aborts it.
 */
#include "kselftest_harness.h"
#include "kenv.h"
#include "check.h"

void (*kshim_unlock_hook)(spinlock_t *l);

static struct cvm_bounce_client *client;

#define SIZE	(4 * PAGE_SIZE)	/* four pieces of a sync or unmap */
#define PIECE	PAGE_SIZE	/* map.c's CVM_BOUNCE_UNMAP_LOCKED */

/* What the other CPU does at the first unlock after arming. */
static void (*other_cpu)(void);

static void fire(spinlock_t *l)
{
	void (*fn)(void) = other_cpu;

	other_cpu = NULL;
	if (fn)
		fn();
}

/* Index of the first byte of @p[0..n) that is not @c, or -1. */
static long first_not(const unsigned char *p, size_t n, unsigned char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return i;
	return -1;
}

static unsigned char *buf;
static phys_addr_t slot;
static int other_ret[2];
static struct kenv_reports other_saw[2];

static void *slot_va(void)
{
	return __va(slot);
}

static void map(enum dma_data_direction dir)
{
	int err = cvm_bounce_map(client, __pa(buf), SIZE, dir, 0, 0, &slot);

	CHECK(!err, "map: %d", err);
}

/* The other CPU unmaps (the device has finished, the driver thinks). */
static void unmap_to_device(void)
{
	other_ret[0] = cvm_bounce_unmap(client, slot, SIZE, DMA_TO_DEVICE, 0);
}

/* ... and the slots' next user writes them. */
static void unmap_from_device_and_reuse(void)
{
	other_ret[0] = cvm_bounce_unmap(client, slot, SIZE, DMA_FROM_DEVICE,
					CVM_BOUNCE_SKIP_SYNC);
	memset(slot_va(), 0xee, SIZE);
}

static void sync_and_unmap_again(void)
{
	other_ret[0] = cvm_bounce_sync_for_cpu(client, slot, SIZE,
					       DMA_FROM_DEVICE);
	other_saw[0] = kenv;
	other_ret[1] = cvm_bounce_unmap(client, slot, SIZE, DMA_FROM_DEVICE, 0);
	other_saw[1] = kenv;
}

static void expect_idle(void)
{
	struct cvm_bounce_stats st;

	cvm_bounce_stats(&st);
	CHECK(st.used == 0, "%lu slots still used", (unsigned long)st.used);
}

FIXTURE(bounce) {};

FIXTURE_SETUP(bounce)
{
	kshim_unlock_hook = fire;
	client = kenv_start("test_map", "test");
	buf = aligned_alloc(PAGE_SIZE, SIZE);
	CHECK(buf, "out of memory");
}

FIXTURE_TEARDOWN(bounce)
{
	cvm_bounce_pool_exit();
	free(buf);
}

/*
 * sync_for_device of a TO_DEVICE mapping, unmapped after the first piece:
 * the first piece holds the new bytes, the rest what the map copied (or
 * zeros, had the unmap scrubbed), never the bytes the sync was given.
 */
static void test_unmap_between_sync_pieces_to_device(bool scrub)
{
	unsigned long misuses = kenv.misuses;
	unsigned char *s;
	int err;

	cvm_bounce_policy.scrub = scrub;
	memset(buf, 0xaa, SIZE);
	map(DMA_TO_DEVICE);
	s = slot_va();
	memset(buf, 0xbb, SIZE);
	other_cpu = unmap_to_device;
	err = cvm_bounce_sync_for_device(client, slot, SIZE, DMA_TO_DEVICE);
	CHECK(!other_cpu, "the sync never dropped its lock");
	CHECK(other_ret[0] == 0, "unmap: %d", other_ret[0]);
	CHECK(err == -ENOENT, "sync: %d, want -ENOENT", err);
	CHECK(kenv.misuses == misuses + 1 &&
	      kenv.last_kind == CVM_BOUNCE_EVENT_STRAY &&
	      kenv.last_err == -ENOENT, "misuses +%lu, kind %u, err %d",
	      kenv.misuses - misuses, kenv.last_kind, kenv.last_err);
	if (scrub) {
		CHECK(first_not(s, SIZE, 0) < 0, "byte %ld not scrubbed",
		      first_not(s, SIZE, 0));
	} else {
		CHECK(first_not(s, PIECE, 0xbb) < 0, "first piece: byte %ld",
		      first_not(s, PIECE, 0xbb));
		CHECK(first_not(s + PIECE, SIZE - PIECE, 0xaa) < 0,
		      "copied on after the unmap: byte %ld is %#x",
		      PIECE + first_not(s + PIECE, SIZE - PIECE, 0xaa),
		      s[PIECE + first_not(s + PIECE, SIZE - PIECE, 0xaa)]);
	}
	expect_idle();
}

TEST_F(bounce, unmap_between_sync_pieces_to_device_noscrub)
{
	test_unmap_between_sync_pieces_to_device(false);
}

TEST_F(bounce, unmap_between_sync_pieces_to_device_scrub)
{
	test_unmap_between_sync_pieces_to_device(true);
}

/*
 * sync_for_cpu of a FROM_DEVICE mapping, unmapped after the first piece
 * and the slots written by their next user: the private buffer gets the
 * device's first piece and nothing of the next user's.
 */
TEST_F(bounce, unmap_between_sync_pieces_for_cpu)
{
	unsigned long misuses = kenv.misuses;
	int err;

	cvm_bounce_policy.scrub = false;
	memset(buf, 0x11, SIZE);
	map(DMA_FROM_DEVICE);
	memset(slot_va(), 0xd0, SIZE);	/* the device's write */
	other_cpu = unmap_from_device_and_reuse;
	err = cvm_bounce_sync_for_cpu(client, slot, SIZE, DMA_FROM_DEVICE);
	CHECK(!other_cpu, "the sync never dropped its lock");
	CHECK(other_ret[0] == 0, "unmap: %d", other_ret[0]);
	CHECK(err == -ENOENT, "sync: %d, want -ENOENT", err);
	CHECK(kenv.misuses == misuses + 1 &&
	      kenv.last_kind == CVM_BOUNCE_EVENT_STRAY, "misuses +%lu, kind %u",
	      kenv.misuses - misuses, kenv.last_kind);
	CHECK(first_not(buf, PIECE, 0xd0) < 0, "first piece: byte %ld",
	      first_not(buf, PIECE, 0xd0));
	CHECK(first_not(buf + PIECE, SIZE - PIECE, 0x11) < 0,
	      "another mapping's bytes reached the buffer at %ld",
	      PIECE + first_not(buf + PIECE, SIZE - PIECE, 0x11));
	expect_idle();
}

/*
 * A long unmap copies back with the lock dropped (state UNMAPPING): a sync
 * then is stray and a second unmap double; the first unmap still copies
 * back all the device wrote and frees the slots once.
 */
TEST_F(bounce, sync_and_unmap_during_long_unmap)
{
	unsigned long misuses = kenv.misuses;
	int err;

	cvm_bounce_policy.scrub = false;
	memset(buf, 0x22, SIZE);
	map(DMA_FROM_DEVICE);
	memset(slot_va(), 0xd1, SIZE);
	other_cpu = sync_and_unmap_again;
	err = cvm_bounce_unmap(client, slot, SIZE, DMA_FROM_DEVICE, 0);
	CHECK(!other_cpu, "the unmap never dropped its lock");
	CHECK(err == 0, "unmap: %d", err);
	CHECK(other_ret[0] == -ENOENT &&
	      other_saw[0].last_kind == CVM_BOUNCE_EVENT_STRAY,
	      "sync during the unmap: %d, kind %u", other_ret[0],
	      other_saw[0].last_kind);
	CHECK(other_ret[1] == -EALREADY &&
	      other_saw[1].last_kind == CVM_BOUNCE_EVENT_DOUBLE_UNMAP,
	      "second unmap: %d, kind %u", other_ret[1],
	      other_saw[1].last_kind);
	CHECK(kenv.misuses == misuses + 2, "misuses +%lu",
	      kenv.misuses - misuses);
	CHECK(first_not(buf, SIZE, 0xd1) < 0, "copy-back: byte %ld",
	      first_not(buf, SIZE, 0xd1));
	expect_idle();
}

TEST_HARNESS_MAIN
