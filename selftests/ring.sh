#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_ring against a hostile host: loads cvm_convert and cvm_ring, checks
# /sys/kernel/cvm/ring/ at load, loads the test-only cvm_hostsim_ring and
# runs cvm_ring_test (CVM_RING_ITERS hostile rings per type, default
# 100000 on every kernel, the debug one too: there it takes about a minute;
# the kernel command line's cvm.ring_iters= overrides it), then unloads
# everything in order.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/ring
start=$(cut -d' ' -f1 /proc/uptime)
iters=$(sed -n 's/.*cvm\.ring_iters=\([0-9]*\).*/\1/p' /proc/cmdline)
[ -n "$iters" ] && CVM_RING_ITERS=$iters && export CVM_RING_ITERS

insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_ring.ko" || { fail "insmod cvm_ring"; finish; }
for f in rings checked violations broken; do
	expect_eq "$f at load" 0 "$(cat $dir/$f)"
done
echo 1 2>/dev/null >$dir/checked && fail "sysfs checked is writable"
if insmod "$CVM_MODULES/cvm_hostsim_ring.ko"; then
	echo "# ${CVM_RING_ITERS:-100000} rings per type"
	./cvm_ring_test || fail "cvm_ring_test"
	rmmod cvm_ring 2>/dev/null && fail "cvm_ring unloaded while in use"
	rmmod cvm_hostsim_ring || fail "rmmod cvm_hostsim_ring"
else
	fail "insmod cvm_hostsim_ring"
fi
expect_eq "rings after hostsim unload" 0 "$(cat $dir/rings)"
expect_eq "shared pages after hostsim unload" 0 \
	"$(cat /sys/kernel/cvm/convert/shared_pages)"
rmmod cvm_ring || fail "rmmod cvm_ring"
rmmod cvm_convert || fail "rmmod cvm_convert"
[ -d $dir ] && fail "$dir still present after rmmod"
echo "# ring.sh took $(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime) s"
finish
