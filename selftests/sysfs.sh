#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /sys/kernel/cvm/ has exactly the documented files, modes and values
# (Documentation/ABI/testing/sysfs-kernel-cvm).
. "$(dirname "$0")/lib.sh"

S=/sys/kernel/cvm
[ -d $S ] || bail "cvm_core not loaded"

expect_eq "files" "event_ratelimit platform version" "$(ls $S | tr '\n' ' ' | sed 's/ $//')"
expect_eq "platform files" "mem_encrypt technology" "$(ls $S/platform | tr '\n' ' ' | sed 's/ $//')"
expect_eq "version" "$CVM_EXPECT_VERSION" "$(cat $S/version)"
expect_eq "event_ratelimit" 100 "$(cat $S/event_ratelimit)"
expect_eq "mode version" 444 "$(stat -c %a $S/version)"
expect_eq "mode event_ratelimit" 644 "$(stat -c %a $S/event_ratelimit)"
expect_eq "mode technology" 444 "$(stat -c %a $S/platform/technology)"
expect_eq "mode mem_encrypt" 444 "$(stat -c %a $S/platform/mem_encrypt)"

# The test VM is plain QEMU: the honest answer is "none", unencrypted.
if [ -n "$CVM_EXPECT_TECHNOLOGY" ]; then
	expect_eq "technology" "$CVM_EXPECT_TECHNOLOGY" "$(cat $S/platform/technology)"
	expect_eq "mem_encrypt" 0 "$(cat $S/platform/mem_encrypt)"
else
	echo "# CVM_EXPECT_TECHNOLOGY unset: platform values not compared"
fi
finish
