#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs the cvmguard selftests in the guest through the kernel's own runner
# (kselftest/runner.sh's run_one, installed beside this file): its TAP
# line per test, the test's output as "# " lines, the timeout of
# ./settings. Exit 0 only when nothing failed. What run_kselftest.sh does
# not: every test but core_load starts with a freshly loaded cvm_core, so
# counts such as events_sent start from zero.
#
#   run_tests.sh [TEST...]     default: all, in the order below
#   run_tests.sh @1 | @2 | @3  a third of them each (the debug kernel runs
#                              them in three boots; @3 is the systematic
#                              fault injection, then modsig.sh)
# modsig.sh comes last: it leaves the kernel locked down, enforcing module
# signatures and with module loading disabled.
cd "$(dirname "$0")" || exit 1
CVM_MODULES=${CVM_MODULES:-/cvm/modules}
export CVM_MODULES

part1="core_load.sh sysfs.sh cvm_netlink cvmctl.sh convert.sh cvmctl_conv.sh
cvmctl_ops.sh ynl_cli.sh detect_virt.sh nlfuzz.sh perm.sh"
part2="ring.sh ring_auditor.sh bounce.sh dma_contract.sh bounce_dev.sh swiotlb_trace.sh loadcycle.sh stress.sh"
part3="faultinject.sh modsig.sh"
case ${*:-} in
@1) tests=$part1 ;;
@2) tests=$part2 ;;
@3) tests=$part3 ;;
"") tests="$part1 $part2 $part3" ;;
*) tests=$* ;;
esac
n=0
for t in $tests; do n=$((n + 1)); done

# run_one names the collection after the directory under BASE_DIR, and
# prefixes output with BASE_DIR/kselftest/prefix.pl where perl is.
export BASE_DIR=/tmp/cvm-ksft
mkdir -p "$BASE_DIR" && ln -sfn "$PWD" "$BASE_DIR/cvm" &&
	ln -sfn "$PWD" "$BASE_DIR/kselftest" || exit 1
# shellcheck source=/dev/null # the kernel's, copied at install
. ./runner.sh
# The test's output goes to $logfile (/dev/stdout by default, which the
# guest's devtmpfs lacks): to our stdout, kept as fd 5, so that it stays
# line-buffered on a console. A test asks the host for things by a line on
# it (cvm-host: ...) and waits for the answer: buffered, the line would
# never leave the guest.
exec 5>&1
export logfile=/proc/self/fd/5
# make stress runs stress.sh for longer than ./settings allows any test.
if [ -n "${CVM_STRESS_DURATION:-}" ]; then
	export kselftest_override_timeout=$((CVM_STRESS_DURATION + 1800))
fi

echo "TAP version 13"
echo "1..$n"
i=0 pass=0 fail=0 skip=0
for t in $tests; do
	i=$((i + 1))
	rmmod cvm_core 2>/dev/null
	if [ "$t" != core_load.sh ] && ! insmod "$CVM_MODULES/cvm_core.ko"; then
		echo "not ok $i selftests: cvm: $t # insmod cvm_core failed"
		fail=$((fail + 1))
		continue
	fi
	t0=$(cut -d. -f1 /proc/uptime)
	# run_one's own lines (its header and the result) to a file: the
	# header now, the result once the test is done.
	echo "# selftests: cvm: $t"
	run_one cvm "$BASE_DIR/cvm/$t" $i >/tmp/cvm_result
	# Guest seconds per test: what the check's time budget is spent on.
	echo "# $t: $(($(cut -d. -f1 /proc/uptime) - t0)) s"
	grep -v '^# selftests: ' /tmp/cvm_result
	case $(tail -n 1 /tmp/cvm_result) in
	"not ok "*) fail=$((fail + 1)) ;;
	*"# SKIP") skip=$((skip + 1)) ;;
	"ok "*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
rmmod cvm_core 2>/dev/null
echo "# $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
