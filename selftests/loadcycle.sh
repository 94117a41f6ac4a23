#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# CVM_LOAD_CYCLES cycles (default 100; the runner runs 10 on every kernel
# unless CVM_LOAD_CYCLES is set for it) of: load every module, run traffic through the ledger,
# the bounce pool and the rings, try to unload modules that are in use
# (refused, and they stay), unload everything in order. Each cycle starts
# from zero: nothing a module counted survives its reload. The runner's
# kmemleak scan at the end finds anything a cycle leaked.
. ./lib.sh

n=${CVM_LOAD_CYCLES:-100}
S=/sys/kernel/cvm
HC=/sys/kernel/debug/cvm_hostsim/convert
HB=/sys/kernel/debug/cvm_hostsim_bounce/bounce
MODS="cvm_core cvm_convert cvm_bounce cvm_ring cvm_hostsim cvm_hostsim_bounce cvm_hostsim_ring"
for m in $MODS; do
	[ -e "$CVM_MODULES/$m.ko" ] || skip "this build has no $m"
done

# in_use MODULE: rmmod must refuse it and leave it loaded.
in_use() {
	rmmod "$1" 2>/tmp/rmmod_err && fail "cycle $i: $1 unloaded while in use"
	grep -q "^$1 " /proc/modules || fail "cycle $i: $1 gone after a refused rmmod"
}

rmmod cvm_core
i=0 maps=0 rings=0 allocs=0
# shellcheck disable=SC2154 # KTAP_CNT_FAIL: ktap_helpers.sh's count
while [ $i -lt "$n" ] && [ "$KTAP_CNT_FAIL" -eq 0 ]; do
	i=$((i + 1))
	for m in $MODS; do
		insmod "$CVM_MODULES/$m.ko" || { fail "cycle $i: insmod $m"; break 2; }
	done
	expect_eq "cycle $i: leaked pages at load" 0 "$(cat $S/convert/leaked_pages)"
	expect_eq "cycle $i: bounce maps at load" 0 "$(cat $S/bounce/maps)"
	expect_eq "cycle $i: rings at load" 0 "$(cat $S/ring/rings)"

	echo "alloc lc 4" >$HC && echo "free $(cut -d' ' -f1 $HC)" >$HC ||
		fail "cycle $i: ledger alloc/free"
	allocs=$((allocs + 1))
	echo "concurrent 1 20" >$HB && expect_eq "cycle $i: bounce traffic" ok "$(cat $HB)"
	maps=$((maps + $(cat $S/bounce/maps)))
	CVM_RING_ITERS=20 CVM_RING_SEED=$i ./cvm_ring_test >/tmp/ring_out 2>&1 ||
		{ grep -E "not ok|Expected|\.c:[0-9]+" /tmp/ring_out | head -n 10; fail "cycle $i: ring traffic"; }
	rings=$((rings + $(cat $S/ring/checked)))
	cvmctl -j status >/dev/null && cvmctl -j pool >/dev/null &&
		cvmctl -j rings >/dev/null || fail "cycle $i: cvmctl"

	in_use cvm_core
	in_use cvm_convert
	in_use cvm_bounce
	for m in cvm_hostsim_ring cvm_hostsim_bounce cvm_hostsim cvm_ring cvm_bounce cvm_convert cvm_core; do
		rmmod $m || fail "cycle $i: rmmod $m"
	done
	[ -e $S ] && fail "cycle $i: $S left after unloading everything"
done
echo "# $i cycles: $allocs ledger allocs, $maps bounce maps, $rings ring entries checked"
expect_eq "cycles run" "$n" "$i"
# Leave cvm_core loaded, as run_tests.sh expects to unload it.
insmod "$CVM_MODULES/cvm_core.ko"
finish
