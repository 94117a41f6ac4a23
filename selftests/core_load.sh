#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_core loads and unloads cleanly 20 times in a row: /sys/kernel/cvm and
# the netlink family appear with the module and are gone after it.
. "$(dirname "$0")/lib.sh"

rmmod cvm_core 2>/dev/null
i=1
while [ $i -le 20 ]; do
	insmod "$CVM_MODULES/cvm_core.ko" || { fail "insmod #$i"; break; }
	[ -f /sys/kernel/cvm/platform/technology ] || fail "#$i: no sysfs tree"
	genl-ctrl-list 2>/dev/null | grep -q '^0x[0-9a-f]* cvm version 1$' ||
		fail "#$i: family cvm not listed"
	rmmod cvm_core || { fail "rmmod #$i"; break; }
	[ -e /sys/kernel/cvm ] && fail "#$i: /sys/kernel/cvm left behind"
	genl-ctrl-list 2>/dev/null | grep -q ' cvm version' &&
		fail "#$i: family cvm left behind"
	i=$((i + 1))
done
grep -q '^cvm_core ' /proc/modules && fail "cvm_core still loaded"
expect_eq "load/unload cycles" 21 $i
finish
