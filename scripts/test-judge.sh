#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test-judge.sh -- runs scripts/judge.sh, the verdict of every VM run, on
# crafted consoles: each case states whether the run must pass and, when
# it must fail, the reason judge() must give. A judge that excuses too
# much passes broken kernels in every `make check`, so this is in `make
# unit` and needs no VM.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
said=$tmp/said
log() { echo "$*" >>"$said"; }
# shellcheck source=scripts/judge.sh
. "$top/scripts/judge.sh"

# The kernel's KTAP helpers print the results.
# shellcheck source=/dev/null # the kernel's
. "$("$top/scripts/kernel-tools.sh" | tail -n 1)/tools/testing/selftests/kselftest/ktap_helpers.sh"
ktap_print_header

# expect pass|fail REASON NAME LINE...: judges a console of the LINEs
# (ended by $eol); REASON (empty for pass) must be in what judge() said.
eol='\n'
expect() {
	local want=$1 reason=$2 what=$3 got=pass
	local console=$tmp/console

	shift 3
	printf "%s$eol" "$@" >"$console"
	: >"$said"
	judge "$console" 2>>"$said" || got=fail
	# The helpers echo a description unquoted: no glob, no "#".
	what=$(printf '%s' "$what" | tr -d '#*?[')
	if [ "$got" != "$want" ]; then
		ktap_test_fail "$what"
		echo "# judged $got, want $want ($(tr '\n' ' ' <"$said"))"
	elif [ -n "$reason" ] && ! grep -qF -- "$reason" "$said"; then
		ktap_test_fail "$what"
		echo "# failed, but said \"$(tr '\n' ' ' <"$said")\", want \"$reason\""
	else
		ktap_test_pass "$what"
	fi
}

ok='CVMGUARD-RESULT: PASS'
fb='[  176.799056] cvmguard-guest: fault injection begins'
fe='[  373.300774] cvmguard-guest: fault injection ends'
wb='[  466.495801] cvmguard-guest: expected WARN begins'
we='[  466.756894] cvmguard-guest: expected WARN ends'
warn='[    8.864708] WARNING: CPU: 0 PID: 44 at cvm_bounce.c:52 cvm_bounce_unmap+0xa0/0x100 [cvm_bounce]'
trace='[  199.088036] Call Trace:'

expect pass '' "a clean run passes" \
	'cvmguard-guest: kmemleak: no leaks' "$ok"
eol='\r\n'
expect pass '' "a serial console's CRLF lines are read as lines" \
	"$fb" "$trace" "$fe" "$ok"
expect fail 'begin without end' "a CRLF console's marks are read too" \
	"$fb" "$trace" "$ok"
eol='\n'
expect fail 'guest reported failure' "a failed suite fails" \
	'CVMGUARD-RESULT: FAIL'
expect fail 'never reported a result' "no result fails" \
	'[    9.1] reboot: Power down'
expect fail 'kernel reported problems' "a WARN outside the marks fails" \
	"$warn" "$trace" "$ok"
expect pass '' "a WARN between the expected-WARN marks passes" \
	"$wb" "$warn" "$trace" "$we" "$ok"
expect pass '' "a trace between the fault-injection marks passes" \
	"$fb" "$trace" "$fe" "$ok"
expect fail 'kernel reported problems' \
	"a WARN between the fault-injection marks fails" \
	"$fb" "$warn" "$fe" "$ok"
expect fail 'kernel reported problems' "a trace after the end mark fails" \
	"$wb" "$warn" "$we" "$trace" "$ok"
expect fail 'begin without end' "a begin without an end fails" \
	"$fb" "$trace" "$ok"
expect fail 'end without begin at line 1' "an end without a begin fails" \
	"$we" "$warn" "$ok"
expect fail 'nested begin at line 2' "a nested begin fails" \
	"$wb" "$fb" "$fe" "$we" "$ok"
for report in \
	'[   10.1] BUG: KASAN: use-after-free in cvm_harness_uaf+0x6f/0x82' \
	'[   10.1] BUG: kernel NULL pointer dereference, address: 0000000000000008' \
	'[   10.1] Oops: 0000 [#1] PREEMPT SMP NOPTI' \
	'[   10.1] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)' \
	'[   10.1] WARNING: possible circular locking dependency detected' \
	'[   10.1] UBSAN: shift-out-of-bounds in kernel/ring/vmbus.c:307:3' \
	'[   10.1] Kernel panic - not syncing: Fatal exception'; do
	expect fail 'kernel reported problems' "\"${report#*] }\" fails" \
		"$wb" "$we" "$report" "$ok"
done

ktap_set_plan $((KTAP_TESTNO - 1))
ktap_finished
