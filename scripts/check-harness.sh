#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-harness.sh [KERNEL [BUG]] -- prove that the VM runner fails a run for
# each kind of trouble it is meant to catch: boot the debug kernel with a
# deliberate bug and expect vm-run.sh to fail with the matching report in
# the console log. A runner that passes any of these would pass real bugs.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
# Scratch builds and console logs; a second checkout sets its own.
rundir=${CVM_RUN_DIR:-$cache}
name=${1:-debug}
pass=0 fail=0
only=${2:-}

# bug, what the console must show
cases=(
	"uaf|BUG: KASAN: (slab|use-after-free)"
	"leak|cvmguard-guest: kmemleak: suspected memory leaks"
	"warn|WARNING: .*cvm_harness_bugs"
	"lockdep|WARNING: possible circular locking dependency detected"
	"hang|hanging on purpose"
)
for c in "${cases[@]}"; do
	bug=${c%%|*} want=${c#*|}
	[ -z "$only" ] || [ "$only" = "$bug" ] || continue
	timeout=300
	[ "$bug" = hang ] && timeout=40
	if CVM_VM_TIMEOUT=$timeout "$top/scripts/vm-run.sh" "$name" --harness "$bug" \
		>"$rundir/logs/harness-$bug.out" 2>&1; then
		echo "not ok - harness $bug: the runner passed a run with a deliberate bug"
		fail=$((fail + 1))
	elif ! grep -aqE "$want" "$rundir/logs/$name-harness.log"; then
		echo "not ok - harness $bug: failed, but without the report /$want/"
		fail=$((fail + 1))
	else
		echo "ok - harness $bug: run failed with /$want/"
		pass=$((pass + 1))
	fi
done
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
