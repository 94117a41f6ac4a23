#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Module signatures, lockdown and modules_disabled, as a Secure Boot guest
# or a hardened image has them. The installed copies of the test modules
# are unsigned (Debian's kernels trust Debian's key only), so under
# lockdown=integrity, then with enforced signatures, then with module
# loading disabled, the kernel refuses them, and `cvmctl load` and
# `cvmctl status` must say why in one sentence with the fix. On the debug
# kernel the test modules themselves are signed with the key it trusts
# (CVM_MODULES_SIGNED=1): those load under lockdown and enforced
# signatures. None of the three can be undone without a reboot:
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

# What cvmctl reads of the kernel without modules, before lockdown: the
# swiotlb's size from debugfs (this boot has swiotlb=force), and the
# swiotlb_bounced tracepoint where the kernel has tracing.
SWT=/sys/kernel/debug/swiotlb
slabs=$(cat $SWT/io_tlb_nslabs 2>/dev/null)
[ "${slabs:-0}" -gt 0 ] || fail "swiotlb=force but no swiotlb in debugfs"
expect_eq "cvmctl swiotlb: slabs" "$slabs" "$(cvmctl -j swiotlb | jq .pool.slabs)"
TP=/sys/kernel/tracing/events/swiotlb/swiotlb_bounced/enable
mkdir -p /sys/kernel/tracing 2>/dev/null
grep -q ' /sys/kernel/tracing ' /proc/mounts ||
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
tracing=0
[ -e $TP ] && cat $TP >/dev/null && tracing=1

# cvm_core and cvm_convert as `make install` leaves them, with depmod's
# index (scripts/vm-run.sh), so that cvmctl finds them as modprobe does.
mkdir -p /lib/modules
mount --bind /cvm/installed/lib/modules /lib/modules ||
	{ fail "no installed modules"; finish; }
rmmod cvm_core || fail "rmmod cvm_core"
K=$(uname -r)
KO=/lib/modules/$K/extra/cvm_core.ko
# signed_loads WHAT: the test modules signed with the key the kernel
# trusts load (and unload) where the unsigned installed copy is refused.
signed_loads() {
	[ "${CVM_MODULES_SIGNED:-0}" = 1 ] || return 0
	out=$(cvmctl load --dir "$CVM_MODULES" cvm_core 2>&1)
	expect_eq "$1: load of the signed cvm_core" "0 " "$? $out"
	[ -d /sys/module/cvm_core ] || fail "$1: signed cvm_core not loaded"
	rmmod cvm_core || fail "$1: rmmod cvm_core"
}
FIX=$CVM_SIGN_FIX
# The module line of `cvmctl status`, and what -j says of the same.
mline() { cvmctl status | sed -n 's/^module:           //p'; }
loadable() { cvmctl -j status | jq -c .not_loaded.loadable; }

expect_eq "status, loadable" \
	"cvm_core not loaded: cvm_core can be loaded: modprobe cvm_core (or cvmctl load)" \
	"$(mline)"
expect_eq "-j, loadable" true "$(loadable)"

# Lockdown closes kmemleak's debugfs file until the next boot: the
# runner's leak scan of everything before this point happens now
# (scripts/guest-init.sh reads the verdict).
if [ -w /sys/kernel/debug/kmemleak ]; then
	cvm_kmemleak_scan
	echo $? >/tmp/cvm_kmemleak.rc
fi

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
out=$(cvmctl load --dir "${KO%/*}" cvm_core 2>&1)
expect_eq "load --dir under lockdown" "1 $LOCKED" "$? $out"
insmod "$KO" 2>/dev/null && fail "insmod of an unsigned module under lockdown worked"
[ -d /sys/module/cvm_core ] && fail "cvm_core loaded under lockdown"
signed_loads lockdown
# Integrity refuses debugfs files that can be written, even to read them
# (6.12 made swiotlb's high-water mark one: 0600, writing resets it), and
# leaves read-only ones readable: cvmctl still shows the swiotlb.
expect_eq "cvmctl swiotlb under lockdown: slabs" "$slabs" "$(cvmctl -j swiotlb | jq .pool.slabs)"
if [ -e $SWT/io_tlb_used_hiwater ]; then
	cat $SWT/io_tlb_used_hiwater >/dev/null 2>&1 &&
		fail "lockdown=integrity let a writable debugfs file be read"
fi
[ $tracing = 0 ] || cat $TP >/dev/null || fail "integrity refused tracefs"

# Enforced signatures: EKEYREJECTED, and the kernel says so.
echo 1 >$SIGP || fail "cannot enforce module signatures"
expect_eq "sig_enforce" Y "$(cat $SIGP)"
expect_eq "status: sig_enforce line" "sig_enforce:      Y" \
	"$(cvmctl status | grep '^sig_enforce:')"
cvm_expect_unsigned_refused enforced "$KO"
signed_loads enforced

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

# Confidentiality: tracefs is refused (a tracepoint reader gets nothing),
# debugfs's read-only files still read.
echo confidentiality >$LOCKF || fail "cannot raise lockdown to confidentiality"
expect_eq "lockdown" "none integrity [confidentiality]" "$(cat $LOCKF)"
expect_eq "cvmctl swiotlb under confidentiality: slabs" "$slabs" "$(cvmctl -j swiotlb | jq .pool.slabs)"
if [ $tracing = 1 ]; then
	cat $TP >/dev/null 2>&1 && fail "lockdown=confidentiality let tracefs be read"
	out=$(cvmctl swiotlb trace on 2>&1)
	expect_eq "swiotlb trace on under confidentiality" \
		"1 cvmctl: swiotlb trace: ${TP%/enable}/trigger: kernel lockdown (confidentiality) closes tracefs" "$? $out"
else
	echo "# the kernel has no swiotlb_bounced tracepoint in tracefs: tracefs not checked"
fi
finish
