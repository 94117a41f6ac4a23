#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_ring's live virtqueue auditor on QEMU's real devices (scripts/vm-run.sh:
# a virtio-blk disk with serial cvmring, virtio-rng): under sustained I/O,
# in monitor and then enforce policy, every buffer that comes back is
# checked and none is a violation (no false positives), no probe hit is
# missed, and the data read back is what was written. Off again, the
# auditor leaves no ring behind.
. "$(dirname "$0")/lib.sh"
dir=/sys/kernel/cvm/ring

disk=
for b in /sys/block/vd*; do
	[ "$(cat "$b/serial" 2>/dev/null)" = cvmring ] && disk=${b##*/}
done
[ -n "$disk" ] || skip "no virtio-blk disk with serial cvmring"
blk=$(basename "$(readlink -f /sys/block/$disk/device)")
rng=$(basename "$(ls -d /sys/bus/virtio/drivers/virtio_rng/virtio* 2>/dev/null | head -n 1)")
[ -n "$rng" ] || echo "# no virtio_rng driver in this kernel: disk only"

insmod "$CVM_MODULES/cvm_ring.ko" || { fail "insmod cvm_ring"; finish; }
expect_eq "auditor at load" 0 "$(cat $dir/auditor)"
echo 1 >$dir/auditor || fail "auditor on"
expect_eq "auditor" 1 "$(cat $dir/auditor)"

# io PASS: write a 4 MiB pattern, read it back and the whole disk
# uncached four times, read 256 KiB of entropy.
io() {
	dd if=/dev/urandom of=/tmp/pattern bs=64k count=64 2>/dev/null
	dd if=/tmp/pattern of=/dev/$disk bs=64k conv=fsync 2>/dev/null ||
		fail "$1: write $disk"
	for i in 1 2 3 4; do
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

# check PASS MIN_BLK: per device, the queues' checked sum and violations.
check() {
	out=$(cvmctl -j rings) || { fail "$1: cvmctl rings"; return; }
	for d in $blk $rng; do
		n=$(echo "$out" | jq --arg d "$d/" '[.rings[] | select(.kind == "virtqueue" and (.owner | startswith($d))) | .checked] | add // 0')
		v=$(echo "$out" | jq --arg d "$d/" '[.rings[] | select(.kind == "virtqueue" and (.owner | startswith($d))) | .violations] | add // 0')
		echo "# $1: $d: $n buffers checked, $v violations"
		[ "$n" -ge "$2" ] || fail "$1: $d: only $n buffers checked"
		expect_eq "$1: $d violations" 0 "$v"
	done
	expect_eq "$1: violations" 0 "$(cat $dir/violations)"
	expect_eq "$1: broken" 0 "$(cat $dir/broken)"
	expect_eq "$1: missed probe hits" 0 "$(cat $dir/auditor_missed)"
	echo "$out" | jq -e '[.rings[] | select(.kind == "virtqueue") | .reasons | length] | add == 0' \
		>/dev/null || fail "$1: a reason counted"
}

io monitor
check monitor 64
for id in $(cvmctl -j rings | jq '.rings[] | select(.kind == "virtqueue") | .id'); do
	cvmctl rings policy "$id" enforce || fail "enforce on ring $id"
done
io enforce
check enforce 128
cvmctl -j rings | jq -e '[.rings[] | select(.kind == "virtqueue" and .policy != "enforce")] | length == 0' \
	>/dev/null || fail "a virtqueue left monitor policy"

echo 0 >$dir/auditor || fail "auditor off"
expect_eq "rings after auditor off" 0 "$(cat $dir/rings)"
rmmod cvm_ring || fail "rmmod cvm_ring"
finish
