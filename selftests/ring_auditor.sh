#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_ring's live virtqueue auditor on QEMU's real devices (scripts/vm-run.sh:
# a virtio-blk disk with serial cvmring, virtio-rng): under sustained I/O,
# in monitor and then enforce policy, every buffer that comes back is
# checked and none is a violation (no false positives), no probe hit is
# missed, and the data read back is what was written. The disk's PCI
# function is unbound from virtio-pci and bound again: its new queues
# (a new virtioN) start under the enforce policy their predecessors had.
# Then the real virtio_rng driver over a hostile virtio transport
# (cvm_hostsim_vrng, driven here through debugfs): a used length 16 bytes
# over the buffer posted is one len-over violation under monitor and
# under enforce, where it is clamped and the ring keeps running (not
# broken). Off again, the auditor leaves no ring behind; loaded with
# auditor=1, it watches from the start.
. "$(dirname "$0")/lib.sh"
dir=/sys/kernel/cvm/ring

disk=$(cvm_disk cvmring) || skip "no virtio-blk disk with serial cvmring"
blk=$(basename "$(readlink -f /sys/block/$disk/device)")
rng=$(basename "$(ls -d /sys/bus/virtio/drivers/virtio_rng/virtio* 2>/dev/null | head -n 1)")
[ -n "$rng" ] || echo "# no virtio_rng driver in this kernel: disk only"

insmod "$CVM_MODULES/cvm_ring.ko" || { fail "insmod cvm_ring"; finish; }
expect_eq "auditor at load" 0 "$(cat $dir/auditor)"
expect_eq "cvmctl: auditor at load" "false 0" \
	"$(cvmctl -j rings | jq -r '"\(.totals.auditor) \(.totals.auditor_missed)"')"
out=$("$(dirname "$0")/run_as_nobody" cvmctl rings auditor on 2>&1)
expect_eq "auditor on as nobody: exit" 1 $?
expect_eq "auditor on as nobody" "cvmctl: permission denied: ring-auditor-set needs CAP_NET_ADMIN (run as root)" "$out"
expect_eq "auditor after refusal" 0 "$(cat $dir/auditor)"
out=$(cvmctl -j rings auditor on) || fail "cvmctl rings auditor on"
expect_eq "cvmctl -j rings auditor on" null "$out"
expect_eq "auditor" 1 "$(cat $dir/auditor)"
expect_eq "cvmctl rings: auditor line" "auditor:          on" "$(cvmctl rings | grep '^auditor:')"

# io PASS: write a 4 MiB pattern, read it back and the whole disk
# uncached four times, read 256 KiB of entropy.
io() {
	dd if=/dev/urandom of=/tmp/pattern bs=64k count=64 2>/dev/null
	dd if=/tmp/pattern of=/dev/$disk bs=64k conv=fsync 2>/dev/null ||
		fail "$1: write $disk"
	for _ in 1 2 3 4; do
		echo 3 >/proc/sys/vm/drop_caches
		dd if=/dev/$disk bs=64k count=64 2>/dev/null |
			cmp -s /tmp/pattern - || fail "$1: $disk read back differs"
		dd if=/dev/$disk of=/dev/null bs=64k 2>/dev/null ||
			fail "$1: read $disk"
	done
	if [ -n "$rng" ]; then
		dd if=/dev/hwrng of=/dev/null bs=1k count=256 2>/dev/null ||
			fail "$1: read /dev/hwrng"
	fi
}

# check PASS MIN_BLK MIN_RNG: per device, the queues' checked sum (at
# least MIN_*: buffer sizes differ between kernels) and violations.
check() {
	out=$(cvmctl -j rings) || { fail "$1: cvmctl rings"; return; }
	for d in $blk $rng; do
		min=$2
		[ "$d" = "$rng" ] && min=$3
		n=$(echo "$out" | jq --arg d "$d/" '[.rings[] | select(.kind == "virtqueue" and (.owner | startswith($d))) | .checked] | add // 0')
		v=$(echo "$out" | jq --arg d "$d/" '[.rings[] | select(.kind == "virtqueue" and (.owner | startswith($d))) | .violations] | add // 0')
		o=$(echo "$out" | jq --arg d "$d/" '[.rings[] | select(.kind == "virtqueue" and (.owner | startswith($d))) | .overstated] | add // 0')
		echo "# $1: $d: $n buffers checked, $v violations, $o overstated"
		[ "$n" -ge "$min" ] || fail "$1: $d: only $n buffers checked"
		expect_eq "$1: $d violations" 0 "$v"
		# QEMU's virtio-blk and virtio-rng report what they wrote.
		expect_eq "$1: $d overstated" 0 "$o"
	done
	expect_eq "$1: violations" 0 "$(cat $dir/violations)"
	expect_eq "$1: broken" 0 "$(cat $dir/broken)"
	expect_eq "$1: missed probe hits" 0 "$(cat $dir/auditor_missed)"
	echo "$out" | jq -e '[.rings[] | select(.kind == "virtqueue") | .reasons | length] | add == 0' \
		>/dev/null || fail "$1: a reason counted"
}

io monitor
check monitor 16 16
# A queue is registered when the auditor first sees it, under monitor:
# virtio-blk has a queue per CPU, and one the monitor pass never used
# may first appear now. The policy check is on the rings set here.
ids=$(cvmctl -j rings | jq -c '[.rings[] | select(.kind == "virtqueue") | .id]')
for id in $(echo "$ids" | jq '.[]'); do
	cvmctl rings policy "$id" enforce || fail "enforce on ring $id"
done
io enforce
check enforce 32 32
cvmctl -j rings | jq -e --argjson ids "$ids" \
	'[.rings[] | select(.id as $i | $ids | index($i)) | .policy] | length == ($ids | length) and all(. == "enforce")' \
	>/dev/null || fail "a virtqueue set to enforce is not under enforce"

# The policy is kept by PCI function and queue name: rebinding virtio-pci
# gives the disk a new virtio device, whose queues start under enforce.
# virtio-rng is unbound too and the two come back in the order that
# gives the disk the other's virtioN, so the disk's new queues have new
# owners as well as new ids.
vpci=/sys/bus/pci/drivers/virtio-pci
pci=$(basename "$(readlink -f /sys/bus/virtio/devices/$blk/..)")
old=$(cvmctl -j rings | jq -c --arg d "$blk/" '[.rings[] | select(.owner | startswith($d)) | .owner] | sort')
echo "$pci" >$vpci/unbind || fail "unbind virtio-pci from $pci"
expect_eq "rings of $blk after unbind" 0 \
	"$(cvmctl -j rings | jq --arg d "$blk/" '[.rings[] | select(.owner | startswith($d))] | length')"
order=$pci
if [ -n "$rng" ]; then
	rpci=$(basename "$(readlink -f /sys/bus/virtio/devices/$rng/..)")
	echo "$rpci" >$vpci/unbind || fail "unbind virtio-pci from $rpci"
	# Each takes the lowest free virtioN.
	if [ "${blk#virtio}" -lt "${rng#virtio}" ]; then order="$rpci $pci"; else order="$pci $rpci"; fi
fi
for p in $order; do
	echo "$p" >$vpci/bind || fail "bind virtio-pci to $p"
done
disk=$(cvm_disk cvmring) || fail "no disk cvmring after rebinding $pci"
oblk=$blk
blk=$(basename "$(readlink -f /sys/block/$disk/device)")
[ -n "$rng" ] && rng=$(basename "$(ls -d /sys/bus/pci/devices/$rpci/virtio*)")
[ -z "$rng" ] || [ "$blk" != "$oblk" ] || fail "the rebound disk kept $blk: the test proves nothing"
# From both CPUs: a queue each.
for c in 0 1; do
	taskset -c $c dd if=/dev/$disk of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null ||
		fail "read $disk from CPU $c after rebind"
done
new=$(cvmctl -j rings | jq -c --arg d "$blk/" '[.rings[] | select(.owner | startswith($d))]')
echo "# rebound $pci: $old are now $(echo "$new" | jq -c '[.[] | "\(.owner) \(.policy)"]')"
expect_eq "queues of the rebound disk seen" "$(echo "$old" | jq length)" "$(echo "$new" | jq length)"
expect_eq "policy of the rebound disk's queues" enforce \
	"$(echo "$new" | jq -r '[.[].policy] | unique | join(",")')"
[ "$(echo "$new" | jq '[.[].checked] | add // 0')" -gt 0 ] || fail "rebound disk: nothing checked"

# hostile PASS: a new hostile virtio-rng device, its posted buffer
# returned 16 bytes over its capacity; sets $hid to the queue's ring id.
hsv=/sys/kernel/debug/cvm_hostsim_vrng
hostile() {
	before=$(ls /sys/bus/virtio/devices)
	echo 1 >$hsv/device || { fail "$1: create hostile device"; return 1; }
	hdev=
	for d in /sys/bus/virtio/devices/*; do
		[ -e "$d" ] || continue
		d=${d##*/}
		echo "$before" | grep -qx "$d" || hdev=$d
	done
	pending=$(cat $hsv/pending)
	[ "$pending" != none ] || { fail "$1: virtio_rng posted no buffer"; return 1; }
	cap=${pending#* }
	hid=$(cvmctl -j rings | jq --arg o "$hdev/input" '.rings[] | select(.owner == $o) | .id')
	[ -n "$hid" ] || { fail "$1: no ring for $hdev/input"; return 1; }
	[ "$1" = enforce ] && { cvmctl rings policy "$hid" enforce || fail "enforce on $hid"; }
	echo $((cap + 16)) >$hsv/complete || fail "$1: complete"
	out=$(cvmctl -j rings | jq -c --argjson id "$hid" '.rings[] | select(.id == $id) | [.checked, .violations, .broken, .reasons, .overstated, .clamped]')
	echo "# $1: $hdev/input capacity $cap, used length $((cap + 16)): $out"
	clamped=0
	[ "$1" = enforce ] && clamped=1
	expect_eq "$1: hostile ring" "[1,1,false,{\"len-over\":1},0,$clamped]" "$out"
	echo 0 >$hsv/device || fail "$1: remove hostile device"
}

if [ ! -d /sys/bus/virtio/drivers/virtio_rng ]; then
	echo "# SKIP hostile transport: no virtio_rng driver in this kernel"
elif insmod "$CVM_MODULES/cvm_hostsim_vrng.ko"; then
	v0=$(cat $dir/violations)
	hostile monitor && hostile enforce
	expect_eq "violations from the hostile device" $((v0 + 2)) "$(cat $dir/violations)"
	expect_eq "completed by the hostile device" 2 "$(cat $hsv/completed)"
	rmmod cvm_hostsim_vrng || fail "rmmod cvm_hostsim_vrng"
else
	fail "insmod cvm_hostsim_vrng"
fi

cvmctl set ring-auditor off || fail "cvmctl set ring-auditor off"
expect_eq "auditor after off" 0 "$(cat $dir/auditor)"
expect_eq "rings after auditor off" 0 "$(cat $dir/rings)"
expect_eq "cvmctl: auditor off" false "$(cvmctl -j rings | jq .totals.auditor)"
# On again through sysfs, off again through netlink: one state.
echo 1 >$dir/auditor || fail "auditor on (sysfs)"
expect_eq "cvmctl: auditor on (sysfs)" true "$(cvmctl -j rings | jq .totals.auditor)"
cvmctl rings auditor off || fail "cvmctl rings auditor off"
expect_eq "auditor off (netlink)" 0 "$(cat $dir/auditor)"
rmmod cvm_ring || fail "rmmod cvm_ring"

# Loaded with auditor=1, it watches from the start.
insmod "$CVM_MODULES/cvm_ring.ko" auditor=1 || { fail "insmod cvm_ring auditor=1"; finish; }
expect_eq "auditor at load with auditor=1" 1 "$(cat $dir/auditor)"
dd if=/dev/$disk of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null || fail "read $disk"
[ "$(cat $dir/rings)" -gt 0 ] || fail "auditor=1: no virtqueue seen"
rmmod cvm_ring || fail "rmmod cvm_ring (auditor=1)"
finish
