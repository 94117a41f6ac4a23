#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-vms.sh ENTRY... -- the VM part of `make check`: every boot of the
# suite on each ENTRY that names a kernel (6.1: the suite, then its
# intel-iommu and real-devices boots; debug: its six), one boot for an
# ENTRY KERNEL:KIND (6.1:devices; 6.1:main is the suite's boot alone;
# debug:1 one of the debug kernel's), the runner's self-check (debug), the
# count gate (BENCH_KERNEL) and the Secure Boot end-to-end run (when a 6.1
# boot is listed).
#
# The boots run in two lanes side by side: the packaged kernels (then the
# count gate, Secure Boot and the harness) in one, the debug kernel's
# boots in the other. A TCG guest leaves part of its two vCPUs idle
# (waits, timers, I/O): two guests on two cores each run 1.5 to 2 times
# slower than alone (measured 2026-12-07), so the pair finishes in about
# 0.8 of the sum of their times. Nothing in a lane shares a work directory
# or a port with the other. The second lane's output is kept in
# logs/check-lane-2.out and printed when it ends. CVM_CHECK_LANES=1 runs
# everything in one lane, in order.
#
# Prints one line per boot with its seconds, the totals, and for each
# failed boot the lines of its console that say why. Exits 1 when any
# boot, the harness, the gate or Secure Boot failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
rundir=${CVM_RUN_DIR:-$cache}
bench_kernel=${BENCH_KERNEL:-6.1}
lanes=${CVM_CHECK_LANES:-2}
entries=("$@")
[ ${#entries[@]} -gt 0 ] || { echo "usage: check-vms.sh KERNEL[:KIND]..." >&2; exit 2; }
mkdir -p "$rundir/logs"
results=$rundir/logs/check-results
: >"$results"

# has KERNEL: a boot of KERNEL is listed.
has() {
	local e

	for e in "${entries[@]}"; do [ "${e%%:*}" = "$1" ] && return 0; done
	return 1
}

# logname BOOT: the name of BOOT's console log and counts in logs/ (the
# suite's boot is the kernel's own: KERNEL.log).
logname() {
	case $1 in
	*:main) echo "${1%:main}" ;;
	*) echo "${1//:/-}" ;;
	esac
}

# step NAME COMMAND...: run one step, append "NAME SECONDS RC" to the
# results (one short line: appends from both lanes do not interleave).
step() {
	local name=$1 t0=$SECONDS rc=0

	shift
	"$@" || rc=$?
	echo "$name $((SECONDS - t0)) $rc" >>"$results"
}

boot() {
	local k=${1%%:*} kind=${1#*:}

	# A boot that dies before its verdict must not be read as an old one.
	rm -f "$rundir/logs/$(logname "$1").counts"
	case $1 in
	debug:iommu | debug:devices | debug:lockdown)
		CVM_VM_TIMEOUT=${CVM_VM_TIMEOUT:-1200} "$top/scripts/vm-run.sh" "$k" "--$kind" ;;
	*:iommu | *:devices)
		"$top/scripts/vm-run.sh" "$k" "--$kind" ;;
	*:main)
		"$top/scripts/vm-run.sh" "$k" ;;
	*:*)
		CVM_TESTS=@$kind CVM_RUN_TAG=$kind CVM_VM_TIMEOUT=${CVM_VM_TIMEOUT:-1200} \
			"$top/scripts/vm-run.sh" "$k" ;;
	*)
		"$top/scripts/vm-run.sh" "$k" ;;
	esac
}

boots_of() {
	if [ "$1" != "${1%%:*}" ]; then
		echo "$1"
	elif [ "$1" = debug ]; then
		echo "debug:1 debug:2 debug:3 debug:iommu debug:devices debug:lockdown"
	else
		echo "$1 $1:iommu $1:devices"
	fi
}

lane_packaged() {
	local e b

	for e in "${entries[@]}"; do
		[ "${e%%:*}" = debug ] && continue
		for b in $(boots_of "$e"); do step "$b" boot "$b"; done
	done
	if has "$bench_kernel"; then
		step count-gate "$top/scripts/bench-count.sh" "$bench_kernel" --gate
	fi
	if has 6.1; then
		CVM_DEBS_BUILT=1 step secureboot "$top/scripts/secureboot.sh" run
	fi
	# The debug kernel's, but here: its own work directory, and the
	# debug lane is the longer.
	if has debug; then step harness "$top/scripts/check-harness.sh" debug; fi
}

lane_debug() {
	local e b

	for e in "${entries[@]}"; do
		[ "${e%%:*}" = debug ] || continue
		for b in $(boots_of "$e"); do step "$b" boot "$b"; done
	done
}

# Caches both lanes would otherwise fill at once.
"$top/scripts/systemd-cvm.sh" >/dev/null
"$top/scripts/kernel-tools.sh" >/dev/null

if [ "$lanes" -ge 2 ] && has debug && [ "$(printf '%s\n' "${entries[@]}" | grep -vc '^debug')" -gt 0 ]; then
	lane_debug >"$rundir/logs/check-lane-2.out" 2>&1 &
	lane2=$!
	lane_packaged
	wait "$lane2"
	echo "check: the debug kernel's lane (logs/check-lane-2.out):"
	cat "$rundir/logs/check-lane-2.out"
else
	lane_packaged
	lane_debug
fi

pass=0 fail=0 skip=0 failed='' times=''
while read -r name secs rc; do
	times+=" $name=${secs}s"
	[ "$rc" = 0 ] || failed+=" $name"
	case $name in
	harness | count-gate | secureboot) continue ;;
	esac
	log=$rundir/logs/$(logname "$name")
	p=0 f=1 s=0
	[ -f "$log.counts" ] && read -r p f s <"$log.counts"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done <"$results"

echo "check: seconds per step:$times"
if [ -n "$failed" ]; then
	echo "check: failed on:$failed"
	for name in $failed; do
		log=$rundir/logs/$(logname "$name").log
		[ -f "$log" ] || continue
		tr -d '\r' <"$log" | grep -a -E '^not ok|FAIL|Kernel panic|BUG:|WARNING:' |
			head -n 20 | sed "s|^|check: $name: |"
	done
	[ "$fail" -gt 0 ] || fail=1
fi
echo "check: $pass passed, $fail failed, $skip skipped"
[ -z "$failed" ]
