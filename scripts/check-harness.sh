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
only=${2:-}
mkdir -p "$rundir/logs"
# The kernel's KTAP helpers print the results.
# shellcheck source=/dev/null # the kernel's
. "$("$top/scripts/kernel-tools.sh" | tail -n 1)/tools/testing/selftests/kselftest/ktap_helpers.sh"

# bug, what the console must show
cases=(
	"uaf|BUG: KASAN: (slab|use-after-free)"
	"leak|cvmguard-guest: kmemleak: suspected memory leaks"
	"warn|WARNING: .*cvm_harness_bugs"
	"lockdep|WARNING: possible circular locking dependency detected"
	"hang|hanging on purpose"
)
ktap_print_header
n=0
for c in "${cases[@]}"; do
	[ -z "$only" ] || [ "$only" = "${c%%|*}" ] && n=$((n + 1))
done
ktap_set_plan $n
for c in "${cases[@]}"; do
	bug=${c%%|*} want=${c#*|}
	[ -z "$only" ] || [ "$only" = "$bug" ] || continue
	timeout=300
	[ "$bug" = hang ] && timeout=40
	if CVM_VM_TIMEOUT=$timeout "$top/scripts/vm-run.sh" "$name" --harness "$bug" \
		>"$rundir/logs/harness-$bug.out" 2>&1; then
		ktap_test_fail "harness $bug"
		ktap_print_msg "the runner passed a run with a deliberate bug"
	elif ! grep -aqE "$want" "$rundir/logs/$name-harness.log"; then
		ktap_test_fail "harness $bug"
		echo "# failed, but without the report /$want/"
	else
		ktap_test_pass "harness $bug"
		echo "# run failed with /$want/"
	fi
done
ktap_finished
