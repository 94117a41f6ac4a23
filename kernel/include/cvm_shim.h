/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little of the kernel that cvmguard's shared C uses (the slot
 * allocator, the ring validators), so that one source builds into the
 * modules and into userspace unit tests, fuzzers and native benchmarks,
 * as tools/testing/vma does for the kernel's own VMA code.
 *
 * Shared C includes only this header and its own; it never takes locks,
 * allocates or prints: the module wrapped around it does that.
 */
#ifndef _CVM_SHIM_H
#define _CVM_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include <asm/barrier.h>

#else /* userspace */

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
/* Byte order is documentation here; sparse checks it in the kernel build. */
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#define le16_to_cpu(x) le16toh(x)
#define le32_to_cpu(x) le32toh(x)
#define le64_to_cpu(x) le64toh(x)
#define cpu_to_le16(x) htole16(x)
#define cpu_to_le32(x) htole32(x)
#define cpu_to_le64(x) htole64(x)

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif
#define __must_check __attribute__((__warn_unused_result__))
#define fallthrough __attribute__((__fallthrough__))

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
/* Shared C must not crash a fuzzer on purpose: a broken invariant aborts. */
#define WARN_ON_ONCE(cond) ({ int __c = !!(cond); assert(!__c); __c; })
#define WARN_ON(cond) WARN_ON_ONCE(cond)

/* kselftest.h has the same one: userspace tests include both. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define BITS_PER_LONG (sizeof(long) * CHAR_BIT)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a) (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define __ffs(w) ((unsigned long)__builtin_ctzl(w))
#define is_power_of_2(n) ((n) != 0 && (((n) & ((n) - 1)) == 0))

#define min(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a < __b ? __a : __b; })
#define max(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a > __b ? __a : __b; })
#define min_t(t, a, b) min((t)(a), (t)(b))
#define max_t(t, a, b) max((t)(a), (t)(b))

/* Shared C exports its API from the module; here it only redeclares. */
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym

/* Orders reads of a ring's index before reads of the entries it covers. */
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/*
 * Speculation is the kernel's concern: a bounds-checked index is final.
 * The unit tests count the clamps (CVM_SHIM_COUNT_NOSPEC), so that a
 * host-supplied index that stops going through one fails a test.
 */
#ifdef CVM_SHIM_COUNT_NOSPEC
extern unsigned long cvm_shim_nospec_clamps;
#define array_index_nospec(index, size) \
	(cvm_shim_nospec_clamps++, (void)(size), (index))
#else
#define array_index_nospec(index, size) ((void)(size), (index))
#endif

#endif /* __KERNEL__ */

#endif /* _CVM_SHIM_H */
