#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The differential DMA contract test (kernel/testing/hostsim/dma.c): one table of
# DMA API sequences on the platform device cvm-dmacontract, first through
# the kernel's swiotlb (the guest boots with swiotlb=force: the
# reference), then with cvm_bounce attached, compared step by step. With
# zero_from_device off the pool must show exactly what swiotlb shows,
# except the strict-direction policy; with the default policies, the
# zero-from-device differences too, and nothing else.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
ctl=/sys/kernel/debug/cvm_hostsim_dma/ctl
dir=/sys/kernel/cvm/bounce
dev=cvm-dmacontract

[ -d /sys/kernel/debug ] || skip "no debugfs"
grep -q swiotlb=force /proc/cmdline || skip "the reference needs swiotlb=force"
insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_bounce.ko" || { fail "insmod cvm_bounce"; finish; }
insmod "$CVM_MODULES/cvm_hostsim_dma.ko" || { fail "insmod cvm_hostsim_dma"; finish; }

echo reference >$ctl || fail "reference run"
ref=$(cat $ctl)
echo "# $ref"
steps=${ref#dma-contract: }
steps=${steps%% *}
[ "$steps" -gt 100 ] || fail "reference: only '$steps' steps"

# What the kernel does for the two requests the pool refuses by policy
# (Documentation/admin-guide.md): dma-direct serves a GFP_ATOMIC coherent
# allocation. dma_direct_supported() accepts a 24-bit mask when the kernel
# has ZONE_DMA (Debian's kernels; swiotlb then fails its mappings) and
# refuses it below ZONE_DMA32's 32 bits otherwise (the debug kernel).
echo alloc-atomic >$ctl || fail "swiotlb: atomic coherent allocation refused"
if grep -q '^Node 0, zone *DMA$' /proc/zoneinfo; then
	echo "mask 24" >$ctl || fail "swiotlb: 24-bit mask refused with ZONE_DMA"
else
	(echo "mask 24" >$ctl) 2>/dev/null &&
		fail "swiotlb: 24-bit mask accepted without ZONE_DMA"
fi
echo "mask 64" >$ctl || fail "swiotlb: 64-bit mask refused"

echo $dev >$dir/attach || fail "attach $dev"
maps0=$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .maps')

# The pool: atomic coherent memory is refused, counted and logged (making
# memory shared may sleep); a mask short of the top of memory is refused
# when it is set, not at the first mapping.
r0=$(cat $dir/coherent_refused)
(echo alloc-atomic >$ctl) 2>/dev/null && fail "pool: atomic coherent allocation served"
expect_eq "coherent allocations refused" $((r0 + 1)) "$(cat $dir/coherent_refused)"
expect_eq "cvmctl: coherent_refused" $((r0 + 1)) "$(cvmctl -j pool | jq .pool.coherent_refused)"
dmesg | grep -q "$dev: cvm_bounce: coherent allocation of 4096 bytes refused: atomic context" ||
	fail "no log line for the refused atomic allocation"
(echo "mask 24" >$ctl) 2>/dev/null && fail "pool: 24-bit mask accepted"
dmesg | grep -q "$dev: cvm_bounce: DMA mask 0xffffff does not reach all memory" ||
	fail "no log line for the refused mask"
echo "mask 64" >$ctl || fail "pool: 64-bit mask refused"

pooldev() {
	cvmctl -j pool | jq --arg d $dev ".devices[] | select(.name == \$d) | .$1"
}

# zero_from_device off: swiotlb's bytes, but for the strict direction.
echo 0 >$dir/zero_from_device
echo compare >$ctl || fail "compare run, zero_from_device off"
out=$(cat $ctl)
echo "$out" | sed 's/^/# /'
off="dma-contract: $steps steps compared, 0 differences, 3 named exceptions (zero-from-device 0, strict-direction 3)"
expect_eq "zero_from_device off" "$off" "$(echo "$out" | head -n 1)"
expect_eq "cvmctl: the device follows the pool's policy (off)" false \
	"$(pooldev zero_from_device)"

# The defaults: the host never sees a FROM_DEVICE buffer.
echo 1 >$dir/zero_from_device
echo compare >$ctl || fail "compare run, default policies"
out=$(cat $ctl)
echo "$out" | sed 's/^/# /'
line=$(echo "$out" | head -n 1)
case $line in
"dma-contract: $steps steps compared, 0 differences, "*" named exceptions (zero-from-device "*", strict-direction 3)") ;;
*) fail "default policies: $line" ;;
esac
zfd=${line##*zero-from-device }
zfd=${zfd%%,*}
[ "$zfd" -gt 0 ] || fail "zero-from-device exceptions: $zfd"
expect_eq "cvmctl: the device follows the pool's policy (on)" true \
	"$(pooldev zero_from_device)"

# Every mapping went through the pool, and none is left.
maps=$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .maps')
[ "$((maps - maps0))" -gt 0 ] || fail "the pool made no mapping for $dev"
expect_eq "in flight after the runs" 0 \
	"$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .inflight_slots')"
expect_eq "violations: the misuse sequences, twice" 6 \
	"$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .violations')"

# The policy per device: attached with its own value (pool-attach
# zero-from-device, or "DEVICE zero_from_device=N" written to attach), a
# device keeps it whatever the pool's is; the runs above are the
# expectations.
expect_eq "detach" 0 "$(./cvm_blkio detach $dev)"
cvmctl pool attach $dev zero_from_device off ||
	fail "cvmctl pool attach $dev zero_from_device off"
expect_eq "cvmctl: the device's own policy (off)" false "$(pooldev zero_from_device)"
echo compare >$ctl || fail "compare run, device off, pool on"
expect_eq "device policy off, the pool's on" "$off" "$(head -n 1 $ctl)"
expect_eq "detach" 0 "$(./cvm_blkio detach $dev)"
echo 0 >$dir/zero_from_device
for bad in "zero_from_device=2" "zero_from_device=" "zero_slack=1" "x"; do
	(echo "$dev $bad" >$dir/attach) 2>/dev/null && fail "attach '$dev $bad' accepted"
done
expect_eq "attached after the bad writes" "" "$(cat $dir/attach)"
cvmctl pool attach $dev zero_from_device 2 2>/dev/null
expect_eq "cvmctl: zero_from_device 2 is a usage error" 2 $?
echo "$dev zero_from_device=1" >$dir/attach || fail "attach '$dev zero_from_device=1'"
expect_eq "sysfs: the device's own policy (on)" true "$(pooldev zero_from_device)"
echo compare >$ctl || fail "compare run, device on, pool off"
expect_eq "device policy on, the pool's off" "$line" "$(head -n 1 $ctl)"
echo 1 >$dir/zero_from_device

# A driver that leaves things behind when it unbinds (ctl "hold": 3 pages
# of coherent memory, 5 mappings of 100 bytes of 0x5a). Coherent memory
# still held refuses detach; mappings are taken back by it and scrubbed
# even with the scrub policy off (the default): the host reads zeros
# where it read the driver's bytes. idle_ms keeps the pool from giving
# the slots back before the host's side is read.
expect_eq "scrub policy (default)" 0 "$(cat $dir/scrub)"
idle0=$(cat $dir/idle_ms)
echo 3600000 >$dir/idle_ms || fail "idle_ms 3600000"
echo hold >$ctl || fail "hold"
echo peek-held >$ctl || fail "peek-held"
expect_eq "host reads the held mappings" "held: 500 of 500 bytes not zero" "$(cat $ctl)"
expect_eq "coherent pages held" 3 "$(pooldev coherent_pages)"
expect_eq "mappings left live" 5 "$(pooldev inflight_slots)"
expect_eq "detach with coherent memory live" "-16 the device still holds coherent memory" \
	"$(./cvm_blkio detach $dev)"
echo free-coherent >$ctl || fail "free-coherent"
expect_eq "coherent pages after free" 0 "$(pooldev coherent_pages)"
leaks0=$(cat $dir/driver_leaks)
expect_eq "detach reclaims what the driver left" 0 "$(./cvm_blkio detach $dev)"
expect_eq "driver leaks counted" $((leaks0 + 5)) "$(cat $dir/driver_leaks)"
expect_eq "slots in use after detach" 0 "$(cat $dir/used)"
dmesg | grep -q "$dev: driver (none) left 5 mappings (500 bytes) live after unbinding; scrubbed and reclaimed" ||
	fail "no log line for the driver's leak"
echo peek-held >$ctl || fail "peek-held after detach"
expect_eq "host reads the reclaimed slots, scrub off" "held: 0 of 500 bytes not zero" "$(cat $ctl)"
echo forget >$ctl || fail "forget"
echo "$idle0" >$dir/idle_ms || fail "idle_ms $idle0"

# Removal of an attached device (as hot-unplug does) detaches it: the
# module reference goes, and what its driver left is reclaimed.
echo $dev >$dir/attach || fail "attach $dev again"
echo hold >$ctl || fail "hold again"
echo free-coherent >$ctl || fail "free-coherent again"
rmmod cvm_bounce 2>/dev/null && fail "cvm_bounce unloaded while attached"
rmmod cvm_hostsim_dma || fail "rmmod cvm_hostsim_dma (removes $dev)"
expect_eq "attached devices after removal" "" "$(cat $dir/attach)"
expect_eq "driver leaks after removal" $((leaks0 + 10)) "$(cat $dir/driver_leaks)"
expect_eq "slots in use after removal" 0 "$(cat $dir/used)"
rmmod cvm_bounce || fail "rmmod cvm_bounce"
rmmod cvm_convert || fail "rmmod cvm_convert"
finish
