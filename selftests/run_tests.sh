#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs the cvmguard selftests in the guest, kselftest style: TAP on stdout,
# each test's own output as "# " lines, exit 0 only when nothing failed.
# Every test but core_load starts with a freshly loaded cvm_core, so counts
# such as events_sent start from zero.
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
	echo "# selftests: cvm: $t"
	t0=$(cut -d. -f1 /proc/uptime)
	# busybox sh has no PIPESTATUS: the exit code travels through a file.
	{ ./"$t" 2>&1; echo $? >/tmp/cvm_rc; } | sed 's/^/# /'
	rc=$(cat /tmp/cvm_rc)
	# Guest seconds per test: what the check's time budget is spent on.
	echo "# $t: $(($(cut -d. -f1 /proc/uptime) - t0)) s"
	case $rc in
	0) echo "ok $i selftests: cvm: $t"; pass=$((pass + 1)) ;;
	4) echo "ok $i selftests: cvm: $t # SKIP"; skip=$((skip + 1)) ;;
	*) echo "not ok $i selftests: cvm: $t # exit=$rc"; fail=$((fail + 1)) ;;
	esac
done
rmmod cvm_core 2>/dev/null
echo "# $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
