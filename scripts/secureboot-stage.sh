#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest's half of scripts/secureboot.sh: runs once per boot of the
# Debian 12 Secure Boot image (cvm-sb.service, after systemd-modules-load)
# and writes to the serial console, where secureboot-drive.py reads it.
#   stage 1: Secure Boot enforcing, lockdown=integrity, the DKMS-signed
#            modules refused at boot (their key is not trusted yet) and
#            cvmctl saying so; `mokutil --import` DKMS's key; reboot
#            (shim then starts MokManager).
#   stage 2: the key enrolled, the modules loaded at boot from
#            modules-load.d, `cvmctl status`, then a subset of the
#            selftests; power off.
# Every check prints "cvm-sb: ok WHAT" or "cvm-sb: FAIL WHAT"; the last
# line is "cvm-sb: stage N: M failed".
st=/var/lib/cvm-sb/stage
failed=0
mkdir -p /var/lib/cvm-sb
stage=$(cat $st 2>/dev/null || echo 1)
K=$(uname -r)
echo "cvm-sb: stage $stage, kernel $K"

# check WHAT EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		echo "cvm-sb: ok $1"
	else
		echo "cvm-sb: FAIL $1: expected '$2', got '$3'"
		failed=$((failed + 1))
	fi
}

mods_loaded() {
	for m in cvm_core cvm_convert; do
		grep -q "^$m " /proc/modules && printf '%s ' $m
	done
	echo
}

grep -q ' /sys/kernel/security ' /proc/mounts ||
	mount -t securityfs none /sys/kernel/security
check "mokutil --sb-state" "SecureBoot enabled" "$(mokutil --sb-state 2>&1)"
check "lockdown" "none [integrity] confidentiality" "$(cat /sys/kernel/security/lockdown)"
check "cvmctl status: secure_boot" "secure_boot:      enabled" \
	"$(cvmctl status | grep '^secure_boot:')"
check "cvmctl status: lockdown" "lockdown:         integrity" \
	"$(cvmctl status | grep '^lockdown:')"
KEY=/var/lib/dkms/mok.pub

case $stage in
1)
	check "modules refused at boot (key not enrolled)" "" "$(mods_loaded | tr -d ' ')"
	# What an operator meets first: DKMS signed the modules, nobody has
	# enrolled its key yet. Both say which key and how to fix it.
	SIGNER='"DKMS module signing key", a key /proc/keys does not list'
	check "cvmctl status before enrolment" \
		"module:           cvm_core not loaded: the kernel requires signed modules (sig_enforce=Y); /lib/modules/$K/updates/dkms/cvm_core.ko is signed by $SIGNER: it loads only if the kernel trusts that key (enrol its certificate: mokutil --import CERT)" \
		"$(cvmctl status | grep '^module:')"
	out=$(cvmctl load 2>&1)
	check "cvmctl load before enrolment" \
		"1 cvmctl: cannot load cvm_core: the kernel enforces module signatures and cvm_core is signed by $SIGNER: enrol its certificate (mokutil --import CERT; see cvmguard(7))" \
		"$? $out"
	check "mokutil --test-key before" "$KEY is not enrolled" \
		"$(mokutil --test-key $KEY 2>&1)"
	mokutil --generate-hash="$(cat /etc/cvm-sb-mok.pw)" >/etc/cvm-sb-mok.hash
	mokutil --import $KEY --hash-file /etc/cvm-sb-mok.hash
	check "mokutil --import" 0 $?
	mokutil --list-new | grep -q 'DKMS module signing key' ||
		check "mokutil --list-new" "DKMS's key" "$(mokutil --list-new 2>&1 | head -n 3)"
	echo 2 >$st
	sync
	echo "cvm-sb: stage 1: $failed failed"
	if [ $failed = 0 ]; then systemctl reboot; else systemctl poweroff; fi
	;;
2)
	check "mokutil --test-key after" "$KEY is already enrolled" \
		"$(mokutil --test-key $KEY 2>&1)"
	check "modules loaded at boot (modules-load.d)" "cvm_core cvm_convert " "$(mods_loaded)"
	# shim hands the MOK list to the kernel, which keeps it in a keyring
	# /proc/keys shows (cvmctl's "a key the kernel holds").
	keys=$(grep -c 'asymmetri DKMS module signing key: ' /proc/keys)
	check "DKMS's key in /proc/keys" 1 "$keys"
	grep 'DKMS module signing key' /proc/keys | sed 's/^/cvm-sb: \/proc\/keys: /'
	echo "cvm-sb: cvmctl status:"
	cvmctl status | sed 's/^/cvm-sb:   /'
	check "cvmctl status: module" "" \
		"$(cvmctl status | grep '^module:.*not loaded')"
	# The selftests count every byte through the pool's disk: udev's
	# probe of it when its driver binds again would be counted too.
	systemctl stop systemd-udevd-control.socket systemd-udevd-kernel.socket \
		systemd-udevd.service
	# The selftests run_tests.sh loads cvm_core itself before each one.
	for m in cvm_ring cvm_bounce cvm_convert cvm_core; do
		rmmod $m 2>/dev/null
	done
	cd /opt/cvm/selftests || exit 1
	set -a
	# shellcheck source=/dev/null # written by scripts/secureboot.sh
	. /opt/cvm/env
	set +a
	{
		CVM_MODULES=/lib/modules/$K/updates/dkms ./run_tests.sh \
			core_load.sh sysfs.sh cvm_netlink perm.sh bounce_dev.sh 2>&1
		echo $? >/tmp/cvm-sb-rc
	} | sed 's/^/cvm-sb: tap: /'
	check "selftests" 0 "$(cat /tmp/cvm-sb-rc)"
	echo 3 >$st
	echo "cvm-sb: stage 2: $failed failed"
	systemctl poweroff
	;;
*)
	echo "cvm-sb: stage $stage: nothing to do"
	systemctl poweroff
	;;
esac
