#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `cvmctl status` and `cvmctl -j status` print exactly what the kernel
# reports; JSON is parsed with jq and compared as a value, not grepped.
. "$(dirname "$0")/lib.sh"

V=$CVM_EXPECT_VERSION
T=${CVM_EXPECT_TECHNOLOGY:-none}
grep -q '^cvm_core ' /proc/modules || bail "cvm_core not loaded"
# The test VM's posture, as QEMU and Debian's kernel give it: SeaBIOS (no
# EFI), no securityfs mounted (so no lockdown file), no TPM, signatures
# checked but not enforced, and cvm_core (out of tree, unsigned) tainted
# the kernel O and E. The VM boots with swiotlb=force (scripts/vm-run.sh):
# the kernel's default 64 MiB swiotlb, 32768 slabs of 2 KiB, idle at this
# point; without it, 2 GiB need no swiotlb and debugfs has no statistics.
# The debug kernel trusts the key the test modules are signed with
# (CVM_MODULES_SIGNED=1): no E taint there.
if [ -e /sys/module/module/parameters/sig_enforce ] && [ "${CVM_MODULES_SIGNED:-0}" = 1 ]; then
	SIG=N SIG_JSON=false TAINT=4096 FLAGS=O
	SIG_REASON="module signatures are not enforced"
elif [ -e /sys/module/module/parameters/sig_enforce ]; then
	SIG=N SIG_JSON=false TAINT=12288 FLAGS=OE
	SIG_REASON="module signatures are not enforced"
else
	SIG=unavailable SIG_JSON=null TAINT=4096 FLAGS=O
	SIG_REASON="module signature enforcement unavailable"
fi

if grep -qw swiotlb=force /proc/cmdline; then
	SWF=yes SWF_JSON=true SLABS=32768 USED=0
else
	SWF=no SWF_JSON=false SLABS=unknown USED=unknown
fi
# Without debugfs statistics (no CONFIG_DEBUG_FS) cvmctl cannot know them.
[ -e /sys/kernel/debug/swiotlb/io_tlb_nslabs ] || SLABS=unknown USED=unknown
SLABS_JSON=$SLABS USED_JSON=$USED
[ "$SLABS" = unknown ] && SLABS_JSON=null USED_JSON=null

# The posture lines, the same with and without cvm_core.
posture="secure_boot:      unknown (no EFI)
lockdown:         unavailable
tpm:              absent
sig_enforce:      $SIG
tainted:          $TAINT ($FLAGS)
swiotlb_force:    $SWF
swiotlb_slabs:    $SLABS
swiotlb_used:     $USED"
out=$(cvmctl status) || fail "cvmctl status exited $?"
want="technology:       $T
mem_encrypt:      inactive
version:          $V
event_ratelimit:  100
events_sent:      0
events_dropped:   0
module:           cvm_core $V live refcnt=0
$posture"
expect_eq "cvmctl status" "$want" "$out"

json='{"technology":"'$T'","mem_encrypt":false,"version":"'$V'",
	"event_ratelimit":100,"events_sent":0,"events_dropped":0,
	"modules":[{"name":"cvm_core","version":"'$V'","state":"live",
	"refcnt":0,"registered":true,"parameters":{}}],"not_loaded":null,
	"secure_boot":null,"efi":false,"lockdown":null,"tpm":false,
	"sig_enforce":'$SIG_JSON',"taint":'$TAINT',"taint_flags":"'$FLAGS'",
	"swiotlb":{"force":'$SWF_JSON',"slabs":'$SLABS_JSON',"used":'$USED_JSON'},
	"conversions":null,"pool":null,"rings":null}'
for opt in -j "-j -p"; do
	out=$(cvmctl $opt status) || fail "cvmctl $opt status exited $?"
	echo "$out" | jq -e --argjson want "$json" '. == $want' >/dev/null ||
		fail "cvmctl $opt status: $out"
done
expect_eq "-j is one line" 1 "$(cvmctl -j status | wc -l)"

# With cvm_convert: its parameter and the ledger's headline numbers.
if insmod "$CVM_MODULES/cvm_convert.ko"; then
	out=$(cvmctl status | tail -n 3)
	expect_eq "status with cvm_convert" "param:            cvm_convert.observer=N
shared_pages:     0
leaked_pages:     0" "$out"
	out=$(cvmctl -j status | jq -c '[.conversions, .pool, .rings, (.modules[] | select(.name == "cvm_convert") | .parameters)]')
	expect_eq "status -j with cvm_convert" '[{"shared_pages":0,"leaked_pages":0},null,null,{"observer":"N"}]' "$out"
else
	fail "insmod cvm_convert"
fi

# With cvm_bounce and cvm_ring too: the pool's and the rings' headline
# numbers. The pool starts with 16 chunks of 1 MiB (8192 slots of 2 KiB)
# shared through the ledger; a stray unmap (cvm_hostsim_bounce playing a buggy
# driver) is one violation.
headlines() {
	cvmctl status | grep -E '^(shared_pages|leaked_pages|pool_|ring)'
}
if insmod "$CVM_MODULES/cvm_bounce.ko" && insmod "$CVM_MODULES/cvm_ring.ko" &&
	insmod "$CVM_MODULES/cvm_hostsim.ko" &&
	insmod "$CVM_MODULES/cvm_hostsim_bounce.ko"; then
	HB=/sys/kernel/debug/cvm_hostsim_bounce/bounce
	echo "unmap-addr 0x1000 4096 to" >$HB
	expect_eq "stray unmap refused" "-2" "$(cat $HB)"
	expect_eq "status with the pool and rings" "shared_pages:     4096
leaked_pages:     0
pool_size:        16777216
pool_slots:       8192
pool_used:        0
pool_high_water:  0
pool_failures:    0
pool_violations:  1
rings:            0
ring_checked:     0
ring_violations:  0
rings_broken:     0" "$(headlines)"
	out=$(cvmctl -j status | jq -c '[.conversions, .pool, .rings]')
	expect_eq "status -j with the pool and rings" '[{"shared_pages":4096,"leaked_pages":0},{"size":16777216,"slots":8192,"used":0,"high_water":0,"failures":0,"violations":1},{"rings":0,"checked":0,"violations":0,"broken":0}]' "$out"
	expect_eq "pool violations in sysfs" 1 "$(cat /sys/kernel/cvm/bounce/violations)"
	expect_eq "shared pages in sysfs" 4096 "$(cat /sys/kernel/cvm/convert/shared_pages)"
else
	fail "insmod cvm_bounce, cvm_ring, cvm_hostsim, cvm_hostsim_bounce"
fi
for m in cvm_hostsim_bounce cvm_hostsim cvm_ring cvm_bounce cvm_convert; do
	grep -q "^$m " /proc/modules && { rmmod $m || fail "rmmod $m"; }
done

# status --check: the test VM is no CVM, and its posture is weak.
err=$(cvmctl status --check 2>&1 >/dev/null); rc=$?
expect_eq "--check exit" 3 $rc
expect_eq "--check lines" "cvmctl: check failed: cvm: not a confidential VM (technology: $T)
cvmctl: check failed: mem_encrypt: memory encryption is inactive
cvmctl: check failed: secure_boot: secure boot unknown (no EFI)
cvmctl: check failed: lockdown: lockdown unavailable (no lockdown LSM or securityfs)
cvmctl: check failed: tpm: no TPM (/sys/class/tpm/tpm0 absent)
cvmctl: check failed: sig_enforce: $SIG_REASON" "$err"
err=$(cvmctl status --check=tpm,taint 2>&1 >/dev/null); rc=$?
expect_eq "--check=tpm,taint exit" 3 $rc
expect_eq "--check=tpm,taint lines" "cvmctl: check failed: tpm: no TPM (/sys/class/tpm/tpm0 absent)" "$err"
out=$(cvmctl status --check=taint 2>&1); rc=$?
expect_eq "--check=taint exit (O and E are tolerated)" 0 $rc
expect_eq "--check=taint prints nothing" "" "$out"
err=$(cvmctl status --check --skip=cvm,mem_encrypt,secure_boot,lockdown,tpm 2>&1 >/dev/null); rc=$?
expect_eq "--check --skip exit" 3 $rc
expect_eq "--check --skip lines" "cvmctl: check failed: sig_enforce: $SIG_REASON" "$err"
err=$(cvmctl status --check=bogus 2>&1 >/dev/null); rc=$?
expect_eq "--check=bogus exit" 2 $rc

# Errors: stderr, exit codes, and a message that says what to do.
err=$(cvmctl bogus 2>&1 >/dev/null); rc=$?
expect_eq "unknown command exit" 2 $rc
expect_eq "unknown command message" "cvmctl: unknown command 'bogus'; run 'cvmctl help'" "$err"

# Without cvm_core: the posture still, and why the module is not loaded
# (the test guest has no /lib/modules: the runner loads from /cvm/modules).
rmmod cvm_core || fail "rmmod"
why="cvm_core is not installed for $(uname -r): install it (make install, or make dkms-install)"
out=$(cvmctl status 2>&1); rc=$?
expect_eq "not loaded exit" 0 $rc
expect_eq "not loaded: status" "technology:       -
mem_encrypt:      -
version:          -
event_ratelimit:  -
events_sent:      -
events_dropped:   -
module:           cvm_core not loaded: $why
$posture" "$out"
out=$(cvmctl -j status | jq -c .not_loaded)
expect_eq "not loaded: -j" '{"module":"cvm_core","loadable":false,"why":"'"$why"'"}' "$out"
err=$(cvmctl status --check --skip=secure_boot,lockdown,tpm,sig_enforce,taint 2>&1 >/dev/null); rc=$?
expect_eq "--check without cvm_core exit" 3 $rc
expect_eq "--check without cvm_core" "cvmctl: cvm_core is not loaded: $why
cvmctl: check failed: cvm: not a confidential VM (technology: unknown)
cvmctl: check failed: mem_encrypt: memory encryption state unknown" "$err"
finish
