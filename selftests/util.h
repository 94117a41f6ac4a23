/* SPDX-License-Identifier: GPL-2.0-only */
/* Small file helpers shared by the C selftests. */
#ifndef _CVM_SELFTEST_UTIL_H
#define _CVM_SELFTEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define CVM_UID_NOBODY 65534

int cvm_read_file(const char *path, char *buf, size_t size);
int cvm_write_file(const char *path, const char *val);
int cvm_as_nobody(int (*fn)(uint16_t family), uint16_t family);

#endif /* _CVM_SELFTEST_UTIL_H */
