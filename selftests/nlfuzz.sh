#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_nlfuzz (see its header) against the family with every feature
# module this build has loaded and a ledger big enough that dumps span
# several messages, as root and as nobody, then with only cvm_core
# loaded. CVM_NLFUZZ_MESSAGES (default 100000) messages per run, seeds
# fixed so a failure reproduces (the runner sets fewer on the slow debug
# kernel: scripts/vm-run.sh). Afterwards the family still answers and
# agrees with sysfs.
. ./lib.sh

n=${CVM_NLFUZZ_MESSAGES:-100000}
S=/sys/kernel/cvm

for m in cvm_convert cvm_bounce cvm_ring cvm_hostsim; do
	[ -e "$CVM_MODULES/$m.ko" ] || continue
	insmod "$CVM_MODULES/$m.ko" || fail "insmod $m"
done
echo "bulk nlfuzz 300" >/sys/kernel/debug/cvm_hostsim/convert || fail "bulk"
ratelimit=$(cat $S/event_ratelimit)

./cvm_nlfuzz -n "$n" -s 1 || fail "fuzz as root, all modules"
./cvm_nlfuzz -n "$n" -s 3 -u || fail "fuzz as nobody, all modules"
# The root run may have set the rate limit: put it back through sysfs.
echo "$ratelimit" >$S/event_ratelimit

cvmctl -j status >/tmp/nlfuzz.json || fail "cvmctl status after fuzzing"
expect_eq "event_ratelimit after fuzzing" "$ratelimit" \
	"$(jq -r .event_ratelimit /tmp/nlfuzz.json)"
# The dump coalesces touching ranges of one owner (cvm_bounce's chunks may
# touch), so compare pages, not entries.
expect_eq "pages in a full dump after fuzzing" \
	"$(($(cat $S/convert/shared_pages) + $(cat $S/convert/leaked_pages)))" \
	"$(cvmctl -j conversions --ranges | jq '[.ranges[].pages] | add // 0')"
echo "bulk-free nlfuzz" >/sys/kernel/debug/cvm_hostsim/convert || fail "bulk-free"

for m in cvm_hostsim cvm_ring cvm_bounce cvm_convert; do
	grep -q "^$m " /proc/modules && { rmmod $m || fail "rmmod $m"; }
done
./cvm_nlfuzz -n $((n / 4)) -s 5 || fail "fuzz as root, cvm_core only"
./cvm_nlfuzz -n $((n / 4)) -s 7 -u || fail "fuzz as nobody, cvm_core only"
finish
