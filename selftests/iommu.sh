#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_bounce refuses a device whose DMA an IOMMU translates: on 6.1 its
# ops would replace dma-iommu's and hand the device addresses the IOMMU
# does not map; from 6.12 the DMA API calls dma-iommu first, so the
# attachment would bounce nothing while saying it does. Runs in the
# q35 + intel-iommu boot (scripts/vm-run.sh --iommu); anywhere else it
# skips, saying so.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/bounce
drv=/sys/bus/pci/drivers/virtio-pci

cvm_load_kmods
vd=$(cvm_disk cvmbounce) || skip "no virtio disk with serial cvmbounce (QEMU started without it)"
pci=$(basename "$(readlink -f "/sys/block/$vd/device/..")")
if ! grp=$(readlink -f "/sys/bus/pci/devices/$pci/iommu_group" 2>/dev/null); then
	grep -qw intel_iommu=on /proc/cmdline &&
		{ fail "booted with intel_iommu=on, but $pci has no IOMMU group"; finish; }
	skip "no IOMMU group for $pci: not the q35 + intel-iommu boot (vm-run.sh --iommu)"
fi
type=$(cat "$grp/type")
case $type in
DMA|DMA-FQ) ;;
*) fail "IOMMU domain type of $pci: expected DMA or DMA-FQ, got '$type'" ;;
esac
echo "# $vd is $pci, IOMMU group $(basename "$grp"), domain $type"

insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_bounce.ko" || { fail "insmod cvm_bounce"; finish; }
echo "$pci" >$drv/unbind || fail "unbind virtio-pci"
expect_eq "attach behind an IOMMU (netlink)" \
	"-95 an IOMMU translates the device's DMA; cvm_bounce cannot stand in for it" \
	"$(./cvm_blkio attach "$pci")"
echo "$pci" 2>/dev/null >$dir/attach && fail "sysfs attach behind an IOMMU succeeded"
expect_eq "attached devices" "" "$(cat $dir/attach)"
out=$(cvmctl pool attach "$pci" 2>&1) && fail "cvmctl pool attach behind an IOMMU succeeded"
echo "$out" | grep -q "an IOMMU translates the device's DMA" || fail "cvmctl pool attach said: $out"
echo "# cvmctl: $out"
echo "$pci" >$drv/bind || fail "bind virtio-pci"
vd=$(cvm_disk cvmbounce) || { fail "disk did not come back"; finish; }
# The disk still works through the IOMMU, and nothing went through the pool.
head -c $((4 << 20)) /dev/urandom >/tmp/io.data
dd if=/tmp/io.data of="/dev/$vd" bs=1M oflag=direct 2>/dev/null || fail "write through the IOMMU"
expect_eq "sha256 through the IOMMU" "$(sha256sum </tmp/io.data | cut -d' ' -f1)" \
	"$(dd if="/dev/$vd" bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
rm -f /tmp/io.data
expect_eq "pool maps" 0 "$(cat $dir/maps)"
rmmod cvm_bounce || fail "rmmod cvm_bounce"
rmmod cvm_convert || fail "rmmod cvm_convert"

# This boot has no swiotlb=force and less than 4 GiB: the kernel keeps no
# swiotlb buffer, and cvmctl says so without cvm_bounce, not "unknown".
if [ -e /sys/kernel/debug/swiotlb/io_tlb_nslabs ]; then
	fail "a swiotlb buffer in a boot that needs none: $(cat /sys/kernel/debug/swiotlb/io_tlb_nslabs) slabs"
fi
expect_eq "cvmctl swiotlb without cvm_bounce" \
	"pool:             none (the kernel allocated no swiotlb buffer at boot: no device needed one)
observer:         unavailable - cvm_bounce is not loaded (modprobe cvm_bounce; then cvmctl swiotlb observer on)
tracepoint:       unavailable - tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)" \
	"$(cvmctl swiotlb)"
expect_eq "cvmctl status: swiotlb_slabs" "swiotlb_slabs:    none" \
	"$(cvmctl status | grep '^swiotlb_slabs:')"
finish
