#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the test VM (busybox). Runs the selftests, or the demo when the
# kernel command line says cvm.demo=1, or a deliberate bug for the runner's
# self-check (cvm.harness=BUG), then reports one result token on the
# console for scripts/vm-run.sh and powers off.
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp
. /cvm/env
export CVM_EXPECT_VERSION CVM_EXPECT_TECHNOLOGY CVM_MODULES=/cvm/modules
echo "cvmguard-guest: $(uname -r) up after $(cut -d' ' -f1 /proc/uptime)s"

result=FAIL
bug=$(sed -n 's/.*cvm\.harness=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ "$bug" = hang ]; then
	echo "cvmguard-guest: hanging on purpose"
	sleep 100000
elif [ -n "$bug" ]; then
	# The guest claims success: only the host's judging may fail the run.
	insmod /cvm/modules/cvm_harness_bugs.ko bug="$bug"
	result=PASS
elif grep -q 'cvm.demo=1' /proc/cmdline; then
	insmod /cvm/modules/cvm_core.ko &&
		echo '$ cvmctl status' && cvmctl status &&
		echo '$ cvmctl -j -p status' && cvmctl -j -p status &&
		result=PASS
else
	/cvm/selftests/run_tests.sh && result=PASS
fi

# kmemleak reports only after a grace period and a second scan. Its
# debugfs file has no size, so read it rather than test it.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -n "$leaks" ]; then
		echo "cvmguard-guest: kmemleak: suspected memory leaks:"
		echo "$leaks"
		result=FAIL
	else
		echo "cvmguard-guest: kmemleak: no leaks"
	fi
fi
echo "CVMGUARD-RESULT: $result"
poweroff -f
