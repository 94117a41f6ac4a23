#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_bounce as the dma_map_ops of a real device: QEMU's virtio-blk-pci
# with iommu_platform=on (so virtio uses the DMA API) and serial
# "cvmbounce" (scripts/vm-run.sh adds it). Unbinds virtio-pci from it,
# attaches the pool (netlink and sysfs, with the errors for an unknown
# device, a bound driver and a second attach), binds the driver, writes
# and reads back 64 MiB of random data with O_DIRECT and through the page
# cache, checks the sha256 and the pool's counters, then unbinds, detaches
# and unloads. Exact byte counts: every byte of data crosses the pool once
# per direction, plus 17 bytes of virtio-blk header and status a request.
# shellcheck disable=SC2154 # d_* are set by stat()'s eval
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/bounce
drv=/sys/bus/pci/drivers/virtio-pci
mib=64
start=$(cut -d' ' -f1 /proc/uptime)

# The disk drivers, where they are modules (scripts/vm-run.sh copies them).
cvm_load_kmods
vd=$(cvm_disk cvmbounce) || skip "no virtio disk with serial cvmbounce (QEMU started without it)"
pci=$(basename "$(readlink -f "/sys/block/$vd/device/..")")
[ -e "$drv/$pci" ] || skip "$vd ($pci) is not driven by virtio-pci"
echo "# $vd is $pci"

# stat NAME: counters of the pool's device NAME as shell variables d_*.
stat() {
	eval "$(./cvm_blkio dev "$1" | sed 's/^/d_/')"
}

insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_bounce.ko" || { fail "insmod cvm_bounce"; finish; }

# The observer of the kernel's swiotlb, on the disk without cvm_bounce:
# with swiotlb=force every byte it reads is bounced by swiotlb.
observe() {
	vs=$(cvm_disk cvmswiotlb) || { fail "no disk cvmswiotlb"; return; }
	spci=$(basename "$(readlink -f "/sys/block/$vs/device/..")")
	expect_eq "observer off by default" 0 "$(cat $dir/swiotlb_observer)"
	expect_eq "swiotlb observer_reason" '"disabled"' "$(cvmctl -j swiotlb | jq .observer_reason)"
	cvmctl swiotlb observer on || { fail "cvmctl swiotlb observer on"; return; }
	expect_eq "observer on" 1 "$(cat $dir/swiotlb_observer)"
	./cvm_blkio read "/dev/$vs" $((8 << 20)) /dev/null || fail "read through swiotlb"
	j=$(cvmctl -j swiotlb)
	echo "# swiotlb observed: $(echo "$j" | jq -c '.devices[]')"
	sb=$(echo "$j" | jq --arg d "$spci" '[.devices[] | select(.name == $d) | .bytes] | add // 0')
	[ "$sb" -ge $((8 << 20)) ] || fail "swiotlb bytes of $spci: $sb < 8 MiB"
	expect_eq "swiotlb in flight of $spci" 0 \
		"$(echo "$j" | jq --arg d "$spci" '[.devices[] | select(.name == $d) | .inflight_slots] | add')"
	expect_eq "swiotlb failures" 0 "$(echo "$j" | jq .failures)"
	hw=$(echo "$j" | jq .high_water) adv=$(echo "$j" | jq .advice_slabs)
	[ "$hw" -gt 0 ] || fail "swiotlb high water $hw"
	expect_eq "advice: twice the high water, in segments of 128" \
		$(( (2 * hw + 127) / 128 * 128 )) "$adv"
	cvmctl swiotlb | grep -q "^advice: *swiotlb=$adv " || fail "cvmctl swiotlb advice: $(cvmctl swiotlb)"
}
if grep -qw swiotlb=force /proc/cmdline; then
	observe
else
	echo "# not booted with swiotlb=force: swiotlb observer not tested"
fi
expect_eq "attach while virtio-pci is bound" "-16 a driver is bound to the device; unbind it first" \
	"$(./cvm_blkio attach "$pci")"
expect_eq "attach an unknown device" "-19 no such PCI or platform device" \
	"$(./cvm_blkio attach 0000:00:1f.7)"
echo 0000:00:1f.7 2>/dev/null >$dir/attach && fail "sysfs attach of an unknown device"
echo "$pci" >$drv/unbind || fail "unbind virtio-pci"
expect_eq "attach (netlink)" 0 "$(./cvm_blkio attach "$pci")"
expect_eq "attached devices" "$pci" "$(cat $dir/attach)"
expect_eq "attach again" "-114 already attached" "$(./cvm_blkio attach "$pci")"
rmmod cvm_bounce 2>/dev/null && fail "cvm_bounce unloaded while attached"
out=$(cvmctl unload cvm_bounce 2>&1); rc=$?
expect_eq "cvmctl unload cvm_bounce while attached: exit" 1 $rc
expect_eq "cvmctl unload cvm_bounce while attached" \
	"cvmctl: cvm_bounce is in use by the devices attached to its pool; detach them first (cvmctl pool detach DEVICE): $pci" "$out"
echo "$pci" >$drv/bind || fail "bind virtio-pci"
vd=$(cvm_disk cvmbounce) || { fail "disk did not come back"; finish; }
expect_eq "detach while bound" "-16 a driver is bound to the device; unbind it first" \
	"$(./cvm_blkio detach "$pci")"
stat "$pci"
expect_eq "attached" 1 "$d_attached"
swbytes() {
	cvmctl -j swiotlb | jq --arg d "$1" '[.devices[] | select(.name == $d) | .bytes] | add // 0'
}
grep -qw swiotlb=force /proc/cmdline && sw0=$(swbytes "$pci")
b0=$d_bytes m0=$d_maps

head -c $((mib << 20)) /dev/urandom >/tmp/bd.data
want=$(sha256sum </tmp/bd.data | cut -d' ' -f1)
./cvm_blkio write "/dev/$vd" /tmp/bd.data || fail "O_DIRECT write"
./cvm_blkio read "/dev/$vd" $((mib << 20)) /tmp/bd.back || fail "O_DIRECT read"
expect_eq "sha256 after O_DIRECT write and read" "$want" "$(sha256sum </tmp/bd.back | cut -d' ' -f1)"
stat "$pci"
reqs=$(( (d_maps - m0) ))
bytes=$((d_bytes - b0))
echo "# O_DIRECT: $((bytes >> 20)) MiB through the pool in $reqs mappings"
# Data both ways, plus header (16 B) and status (1 B) of each request.
[ "$bytes" -ge $((2 * mib << 20)) ] || fail "O_DIRECT bytes $bytes < $((2 * mib << 20))"
[ "$bytes" -le $(((2 * mib << 20) + 17 * reqs)) ] || fail "O_DIRECT bytes $bytes above data + headers"
expect_eq "in flight after O_DIRECT" 0 "$d_inflight_slots"
b1=$d_bytes

# Buffered: through the page cache, dropped before reading back.
rm -f /tmp/bd.back
dd if=/dev/zero of="/dev/$vd" bs=1M count=$mib oflag=direct 2>/dev/null
# Sustained: several hundred MiB written through the page cache in a
# burst, as ordinary load does; swiotlb fails none of these mappings.
for i in 1 2 3 4; do
	dd if=/tmp/bd.data of="/dev/$vd" bs=1M 2>/dev/null || fail "buffered write $i"
done
dd if=/tmp/bd.data of="/dev/$vd" bs=1M conv=fsync 2>/dev/null || fail "buffered write"
echo 3 >/proc/sys/vm/drop_caches
dd if="/dev/$vd" of=/tmp/bd.back bs=1M count=$mib 2>/dev/null || fail "buffered read"
expect_eq "sha256 after buffered write and read" "$want" "$(sha256sum </tmp/bd.back | cut -d' ' -f1)"
rm -f /tmp/bd.data /tmp/bd.back
stat "$pci"
echo "# buffered: $(((d_bytes - b1) >> 20)) MiB through the pool; high water $d_high_water slots; pool $(cat $dir/chunks) chunks, $(cat $dir/grows) grown"
expect_eq "failed mappings (the pool is under its cap)" 0 "$d_failures"
[ $((d_bytes - b1)) -ge $((3 * mib << 20)) ] || fail "buffered bytes $((d_bytes - b1)) < zeroing + data both ways"
expect_eq "in flight after buffered" 0 "$d_inflight_slots"
expect_eq "violations" 0 "$d_violations"

# The disk behind cvm_bounce never went through swiotlb.
if grep -qw swiotlb=force /proc/cmdline; then
	expect_eq "swiotlb bytes of $pci while behind cvm_bounce" "$sw0" "$(swbytes "$pci")"
	cvmctl swiotlb observer off || fail "cvmctl swiotlb observer off"
fi
echo "$pci" >$drv/unbind || fail "unbind virtio-pci"
expect_eq "pool slots used after unbind" 0 "$(cat $dir/used)"
echo "$pci" >$dir/detach || fail "sysfs detach"
expect_eq "detach again" "-2 not attached" "$(./cvm_blkio detach "$pci")"
# The rings' coherent memory went back to private memory.
cvmctl -j conversions | jq -e '[.owners[]? | select(.name == "cvm_bounce-coherent") | .shared_pages] | add // 0 | . == 0' >/dev/null ||
	fail "coherent pages still shared: $(cvmctl -j conversions)"
rmmod cvm_bounce || fail "rmmod cvm_bounce"
rmmod cvm_convert || fail "rmmod cvm_convert"
# The device works again with its own DMA ops.
echo "$pci" >$drv/bind || fail "bind virtio-pci after detach"
cvm_disk cvmbounce >/dev/null || fail "disk did not come back after detach"
echo "# bounce_dev.sh took $(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime) s"
finish
