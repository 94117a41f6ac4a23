#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Module signatures, lockdown and modules_disabled, as a Secure Boot guest
# or a hardened image has them. The test modules are unsigned (Debian's
# kernels trust Debian's key only), so under lockdown=integrity, then with
# enforced signatures, then with module loading disabled, the kernel
# refuses them, and `cvmctl load` and `cvmctl status` must say why in one
# sentence with the fix. None of the three can be undone without a reboot:
# run_tests.sh runs this test last.
. "$(dirname "$0")/lib.sh"

SIGP=/sys/module/module/parameters/sig_enforce
LOCKF=/sys/kernel/security/lockdown
[ -e $SIGP ] ||
	skip "the kernel is built without CONFIG_MODULE_SIG: it checks no signature"
grep -q ' /sys/kernel/security ' /proc/mounts ||
	mount -t securityfs none /sys/kernel/security ||
	skip "cannot mount securityfs"
[ -e $LOCKF ] || skip "the kernel has no lockdown LSM ($LOCKF)"
expect_eq "sig_enforce at boot" N "$(cat $SIGP)"
expect_eq "lockdown at boot" "[none] integrity confidentiality" "$(cat $LOCKF)"

# cvm_core and cvm_convert as `make install` leaves them, with depmod's
# index (scripts/vm-run.sh), so that cvmctl finds them as modprobe does.
mkdir -p /lib/modules
mount --bind /cvm/installed/lib/modules /lib/modules ||
	{ fail "no installed modules"; finish; }
rmmod cvm_core || fail "rmmod cvm_core"
K=$(uname -r)
KO=/lib/modules/$K/extra/cvm_core.ko
FIX="sign the modules with a key the kernel trusts (make install MOK_KEY=KEY MOK_CERT=CERT, or DKMS) and enrol its certificate (mokutil --import CERT; see cvmguard(7))"
# The module line of `cvmctl status`, and what -j says of the same.
mline() { cvmctl status | sed -n 's/^module:           //p'; }
loadable() { cvmctl -j status | jq -c .not_loaded.loadable; }

expect_eq "status, loadable" \
	"cvm_core not loaded: cvm_core can be loaded: modprobe cvm_core (or cvmctl load)" \
	"$(mline)"
expect_eq "-j, loadable" true "$(loadable)"

# Lockdown alone: the lockdown LSM refuses unsigned modules with EPERM.
echo integrity >$LOCKF || fail "cannot enter lockdown"
expect_eq "lockdown" "none [integrity] confidentiality" "$(cat $LOCKF)"
expect_eq "status: lockdown line" "lockdown:         integrity" \
	"$(cvmctl status | grep '^lockdown:')"
expect_eq "status under lockdown" \
	"cvm_core not loaded: the kernel requires signed modules (lockdown: integrity) and $KO is unsigned: $FIX" \
	"$(mline)"
expect_eq "-j under lockdown" false "$(loadable)"
LOCKED="cvmctl: cannot load cvm_core: kernel lockdown (integrity) refuses modules without a valid signature; $FIX"
out=$(cvmctl load 2>&1)
expect_eq "load under lockdown" "1 $LOCKED" "$? $out"
out=$(cvmctl load --dir "$CVM_MODULES" cvm_core 2>&1)
expect_eq "load --dir under lockdown" "1 $LOCKED" "$? $out"
insmod "$CVM_MODULES/cvm_core.ko" 2>/dev/null && fail "insmod of an unsigned module under lockdown worked"
[ -d /sys/module/cvm_core ] && fail "cvm_core loaded under lockdown"

# Enforced signatures: EKEYREJECTED, and the kernel says so.
echo 1 >$SIGP || fail "cannot enforce module signatures"
expect_eq "sig_enforce" Y "$(cat $SIGP)"
expect_eq "status: sig_enforce line" "sig_enforce:      Y" \
	"$(cvmctl status | grep '^sig_enforce:')"
expect_eq "status, enforced" \
	"cvm_core not loaded: the kernel requires signed modules (sig_enforce=Y) and $KO is unsigned: $FIX" \
	"$(mline)"
out=$(cvmctl load 2>&1)
expect_eq "load, enforced" \
	"1 cvmctl: cannot load cvm_core: the kernel enforces module signatures and cvm_core is unsigned or signed by a key it does not trust; $FIX" \
	"$? $out"
dmesg | grep -q 'Loading of unsigned module is rejected' ||
	fail "the kernel did not log the rejection"

# Module loading disabled: refused before any signature is looked at.
echo 1 >/proc/sys/kernel/modules_disabled || fail "cannot disable module loading"
expect_eq "status, disabled" \
	"cvm_core not loaded: module loading is disabled until the next boot (kernel.modules_disabled=1): remove what sets it (sysctl.d, a boot script) and reboot" \
	"$(mline)"
expect_eq "-j, disabled" false "$(loadable)"
out=$(cvmctl load 2>&1)
expect_eq "load, disabled" \
	"1 cvmctl: cannot load cvm_core: module loading is disabled until the next boot (kernel.modules_disabled=1)" \
	"$? $out"
umount /lib/modules
finish
