#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Concurrency stress: for CVM_STRESS_SECONDS (default 20) per round, with
# every module loaded, at the same time on both CPUs:
#   - cvm_hostsim_bounce maps, checks and unmaps bounce slots from every CPU,
#   - cvm_hostsim allocates and frees shared pages through the ledger,
#   - cvm_ring_test plays a hostile host against seeded mutated rings,
#   - a reader dumps everything (status, conversions with ranges, pool,
#     rings, metrics) and fuzzes the family as nobody,
#   - a toggler flips the conversion and swiotlb observers (kretprobes
#     registered and unregistered under traffic), the event rate
#     limit and the bounce pool's idle_ms (shrinking under load), as
#     root. Ring policies and the pool's hardening policies stay: the
#     ring test asserts exact verdicts under the policy it sets, and
#     the bounce loop asserts that FROM_DEVICE slots come zeroed. Its
#     policy_set_and_events and cvmctl_monitor tests are left out here:
#     the first asserts that exactly one event arrives, which the shared
#     per-second event budget cannot promise while the other loops spend
#     it, and the second waits seconds for its monitors to start (ring.sh
#     runs both alone).
# Then everything is unloaded. One round in `make check`; with
# CVM_STRESS_DURATION (seconds, `make stress`) rounds repeat until that
# much time has passed, each also running the device data-integrity test
# (bounce_dev.sh, sha256 over 64 MiB through cvm_bounce), load/unload
# cycles (loadcycle.sh) and, where the kernel has fault injection, the
# systematic fault injection (faultinject.sh). Prints the totals.
. ./lib.sh

secs=${CVM_STRESS_SECONDS:-20}
duration=${CVM_STRESS_DURATION:-}
S=/sys/kernel/cvm
HC=/sys/kernel/debug/cvm_hostsim/convert
HB=/sys/kernel/debug/cvm_hostsim_bounce/bounce
MODS="cvm_convert cvm_bounce cvm_ring cvm_hostsim cvm_hostsim_bounce cvm_hostsim_ring"
for m in $MODS; do
	[ -e "$CVM_MODULES/$m.ko" ] || skip "this build has no $m"
done
rm -f /tmp/stress.*

now() { cut -d. -f1 /proc/uptime; }
# count NAME N: add N to the total NAME.
count() {
	echo $(($(cat /tmp/stress.$1 2>/dev/null || echo 0) + $2)) >/tmp/stress.$1
}
bad() { echo "$*" >>/tmp/stress.fail; }

bounce_loop() {
	while [ "$(now)" -lt "$end" ]; do
		echo "concurrent 1 50" >$HB && [ "$(cat $HB)" = ok ] ||
			{ bad "bounce: $(cat $HB)"; return; }
	done
}
ledger_loop() {
	while [ "$(now)" -lt "$end" ]; do
		echo "alloc st 3" >$HC && echo "free $(cut -d' ' -f1 $HC)" >$HC ||
			{ bad "ledger alloc/free"; return; }
		count allocs 1
	done
}
ring_loop() {
	k=0
	while [ "$(now)" -lt "$end" ]; do
		k=$((k + 1))
		CVM_RING_ITERS=100 CVM_RING_SEED=$k ./cvm_ring_test -T policy_set_and_events -T cvmctl_monitor \
			>/tmp/stress.ring_out 2>&1 ||
			{ bad "rings (seed $k): $(grep -B 5 '^not ok' /tmp/stress.ring_out)"; return; }
	done
}
reader_loop() {
	k=0
	while [ "$(now)" -lt "$end" ]; do
		k=$((k + 1))
		for c in "status" "conversions --ranges" "pool" "rings" "swiotlb"; do
			# shellcheck disable=SC2086 # a command and its arguments
			cvmctl -j $c >/dev/null || { bad "cvmctl -j $c"; return; }
		done
		cvmctl metrics >/dev/null || { bad "cvmctl metrics"; return; }
		./cvm_nlfuzz -n 300 -s $((2 * k + 1)) -u -S >/tmp/stress.fuzz_out ||
			{ bad "nlfuzz: $(tail -n 3 /tmp/stress.fuzz_out)"; return; }
		count messages 300
	done
}
toggle_loop() {
	while [ "$(now)" -lt "$end" ]; do
		for v in on off; do
			cvmctl conversions observer $v >/dev/null &&
				cvmctl swiotlb observer $v >/dev/null ||
				{ bad "observer $v"; return; }
		done
		echo $((50 + $(now) % 50)) >$S/event_ratelimit
		# The pool's idle time: at 10 ms chunks added under load go
		# back while other chunks are still mapped from.
		for v in 10 5000; do
			cvmctl pool set idle_ms $v >/dev/null || { bad "idle_ms $v"; return; }
		done
		count toggles 1
	done
}

start=$(now) r=0
while [ ! -s /tmp/stress.fail ]; do
	if [ -n "$duration" ]; then
		[ $(($(now) - start)) -lt "$duration" ] || break
	else
		[ $r -lt 1 ] || break
	fi
	r=$((r + 1))
	if [ -n "$duration" ]; then
		./bounce_dev.sh >/tmp/stress.dev_out 2>&1 ||
			bad "round $r: bounce_dev.sh: $(grep FAIL /tmp/stress.dev_out | head -n 3)"
		count bytes $((2 * 64 << 20))
		CVM_LOAD_CYCLES=5 ./loadcycle.sh >/tmp/stress.lc_out 2>&1 ||
			bad "round $r: loadcycle.sh: $(grep FAIL /tmp/stress.lc_out | head -n 3)"
		count cycles 5
		if [ -e /proc/self/fail-nth ]; then
			./faultinject.sh >/tmp/stress.fi_out 2>&1 ||
				bad "round $r: faultinject.sh: $(grep FAIL /tmp/stress.fi_out | head -n 3)"
			count faults "$(sed -n 's/.*failed in turn: \([0-9]*\) refused cleanly, \([0-9]*\) absorbed.*/\1 \2/p' /tmp/stress.fi_out |
				awk '{ n += $1 + $2 } END { print n + 0 }')"
		fi
	fi
	for m in $MODS; do
		insmod "$CVM_MODULES/$m.ko" || bad "round $r: insmod $m"
	done
	end=$(($(now) + secs))
	bounce_loop & ledger_loop & ring_loop & reader_loop & toggle_loop &
	wait
	count maps "$(cat $S/bounce/maps)"
	count rings "$(cat $S/ring/checked)"
	cvmctl conversions observer off >/dev/null
	cvmctl swiotlb observer off >/dev/null
	for m in cvm_hostsim_ring cvm_hostsim_bounce cvm_hostsim cvm_ring cvm_bounce cvm_convert; do
		rmmod $m || bad "round $r: rmmod $m"
	done
done

t() { cat /tmp/stress.$1 2>/dev/null || echo 0; }
echo "# stress totals: $r rounds of ${secs}s, $(t messages) netlink messages, $(t maps) bounce maps, $(t rings) ring entries checked, $(t allocs) ledger allocs, $(t toggles) policy toggles, $(t cycles) load cycles, $(t faults) faults injected, $(t bytes) bytes verified"
if [ -s /tmp/stress.fail ]; then
	sed 's/^/# FAIL: /' /tmp/stress.fail
	exit $KSFT_FAIL
fi
finish
