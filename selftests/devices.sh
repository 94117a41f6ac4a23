#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Real devices with the pool attached, in the --devices boot
# (scripts/vm-run.sh --devices: ACPI PCI hotplug, QEMU's virtio keyboard,
# a disk with serial cvmhot and a monitor the guest drives); anywhere else
# it skips, saying so.
#  - virtio-input's driver leaves its 64 event buffers mapped when it
#    unbinds: detach takes them back (driver_leaks), and the rings'
#    coherent memory was counted per device and freed by the driver.
#  - QEMU's NVMe controller: requests of the largest size the pool
#    advertises, from a huge page at every 512-byte offset class.
#  - virtio-scsi (32 MiB each way) and virtio-net (32 MiB to the host's
#    127.0.0.1 and back), data checked by sha256.
#  - virtio-gpu: random pixels written to its framebuffer are what the
#    host shows (a screendump through QEMU's monitor, read over 9p);
#    left out, saying so, where the kernel has no virtio-gpu or no 9P
#    (Debian's cloud kernels have neither).
#  - The host removes the attached disk (device_del) while it is being
#    read: the pool detaches by itself and cvm_bounce unloads.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/bounce
drv=/sys/bus/pci/drivers/virtio-pci

cvm_load_kmods
hd=$(cvm_disk cvmhot) || skip "no virtio disk with serial cvmhot: not the --devices boot (vm-run.sh --devices)"
hpci=$(basename "$(readlink -f "/sys/block/$hd/device/..")")
# acpiphp registers a slot per hot-pluggable PCI slot.
[ -n "$(ls /sys/bus/pci/slots 2>/dev/null)" ] ||
	skip "no hot-pluggable PCI slot: this kernel has no ACPI PCI hotplug"

insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_bounce.ko" || { fail "insmod cvm_bounce"; finish; }

# pooldev DEVICE FIELD: one per-device counter of the pool.
pooldev() {
	cvmctl -j pool | jq --arg d "$1" ".devices[] | select(.name == \$d) | .$2"
}

coherent_shared() {
	cvmctl -j conversions | jq '[.owners[]? | select(.name == "cvm_bounce-coherent") | .shared_pages] | add // 0'
}

# attach_virtio PCI: the pool behind a virtio PCI device, its driver back.
attach_virtio() {
	echo "$1" >$drv/unbind || fail "unbind virtio-pci from $1"
	expect_eq "attach $1" 0 "$(./cvm_blkio attach "$1")"
	echo "$1" >$drv/bind || fail "bind virtio-pci to $1"
}

# QEMU's virtio keyboard (virtio 1.0 device id 0x1052).
if ! inp=$(cvm_pcidev 0x1af4 0x1052); then
	fail "no virtio-input PCI device"
else
	attach_virtio "$inp"
	for i in $(seq 1 100); do
		ls /sys/bus/pci/devices/"$inp"/virtio*/driver >/dev/null 2>&1 && break
		sleep 0.1
	done
	ls /sys/bus/pci/devices/"$inp"/virtio*/driver >/dev/null 2>&1 ||
		fail "virtio_input did not bind to $inp"
	cp=$(pooldev "$inp" coherent_pages)
	echo "# virtio-input $inp: $cp coherent pages, $(pooldev "$inp" inflight_slots) slots mapped while bound"
	[ "$cp" -gt 0 ] || fail "coherent pages of $inp while bound: $cp"
	expect_eq "coherent pages shared, all $inp's" "$cp" "$(coherent_shared)"
	echo "$inp" >$drv/unbind || fail "unbind virtio-pci from $inp"
	expect_eq "coherent pages of $inp after unbind" 0 "$(pooldev "$inp" coherent_pages)"
	expect_eq "coherent pages shared after unbind" 0 "$(coherent_shared)"
	expect_eq "event buffers virtio_input left mapped" 64 "$(pooldev "$inp" inflight_slots)"
	leaks0=$(cat $dir/driver_leaks)
	expect_eq "detach $inp" 0 "$(./cvm_blkio detach "$inp")"
	expect_eq "driver leaks" $((leaks0 + 64)) "$(cat $dir/driver_leaks)"
	expect_eq "slots in use after detach" 0 "$(cat $dir/used)"
	dmesg | grep -q "$inp: driver virtio-pci left 64 mappings (512 bytes) live after unbinding" ||
		fail "no log line for virtio_input's leak"
	echo "$inp" >$drv/bind || fail "bind virtio-pci to $inp after detach"
fi

# QEMU's NVMe controller: its min_align_mask (0xfff) keeps the low 12
# bits of every buffer address in the slot, so the largest request the
# pool advertises must fit wherever the buffer starts. One O_DIRECT read
# of the maximum request size into a huge page (one segment) at every
# 512-byte offset class of a page: each completes with the right bytes.
nv=
for b in /sys/block/nvme*n1; do
	[ "$(cat "$b/device/serial" 2>/dev/null | tr -d ' ')" = cvmnvme ] && nv=${b##*/}
done
if [ -z "$nv" ]; then
	fail "no NVMe namespace with serial cvmnvme"
else
	# The namespace's device is its controller, or with native NVMe
	# multipath (Debian's cloud kernels) the subsystem, whose
	# controllers (nvmeN) are its children.
	d=/sys/block/$nv/device
	for c in "$d"/nvme[0-9] "$d"/nvme[0-9][0-9]; do
		[ -e "$c/device" ] && { d=$c; break; }
	done
	npci=$(basename "$(readlink -f "$d/device")")
	head -c $((1 << 20)) /dev/urandom >/tmp/nv.data
	./cvm_blkio write "/dev/$nv" /tmp/nv.data || fail "O_DIRECT write to $nv"
	echo "$npci" >/sys/bus/pci/drivers/nvme/unbind || fail "unbind nvme from $npci"
	expect_eq "attach $npci" 0 "$(./cvm_blkio attach "$npci")"
	echo "$npci" >/sys/bus/pci/drivers/nvme/bind || fail "bind nvme to $npci"
	for i in $(seq 1 200); do
		[ -e "/sys/block/$nv/queue/max_sectors_kb" ] && [ -e "/dev/$nv" ] && break
		sleep 0.1
	done
	slot=$(cat $dir/slot_size)
	# swiotlb_max_mapping_size(): the mask rounded up to whole slots.
	want_kb=$((($(cat $dir/max_mapping) - (4095 + slot) / slot * slot) / 1024))
	expect_eq "$nv max_hw_sectors_kb" "$want_kb" "$(cat "/sys/block/$nv/queue/max_hw_sectors_kb")"
	kb=$(cat "/sys/block/$nv/queue/max_sectors_kb")
	expect_eq "$nv max_sectors_kb" "$want_kb" "$kb"
	want=$(head -c $((kb << 10)) /tmp/nv.data | sha256sum | cut -d' ' -f1)
	echo 2 >/proc/sys/vm/nr_hugepages
	m0=$(pooldev "$npci" maps)
	for off in 0 512 1024 1536 2048 2560 3072 3584; do
		./cvm_blkio hugeread "/dev/$nv" $((kb << 10)) $off /tmp/nv.back ||
			fail "O_DIRECT read of $kb KiB into a huge page at offset $off"
		expect_eq "sha256 of $kb KiB read at offset $off" "$want" \
			"$(sha256sum </tmp/nv.back | cut -d' ' -f1)"
	done
	rm -f /tmp/nv.data /tmp/nv.back
	echo "# NVMe $npci: 8 reads of $kb KiB, $(($(pooldev "$npci" maps) - m0)) mappings, high water $(pooldev "$npci" high_water) slots"
	expect_eq "failed mappings of $npci" 0 "$(pooldev "$npci" failures)"
	expect_eq "violations of $npci" 0 "$(pooldev "$npci" violations)"
	leaks0=$(cat $dir/driver_leaks)
	echo "$npci" >/sys/bus/pci/drivers/nvme/unbind || fail "unbind nvme from $npci"
	expect_eq "coherent pages of $npci after unbind" 0 "$(pooldev "$npci" coherent_pages)"
	expect_eq "mappings the nvme driver left" 0 "$(pooldev "$npci" inflight_slots)"
	expect_eq "detach $npci" 0 "$(./cvm_blkio detach "$npci")"
	expect_eq "driver leaks of nvme" "$leaks0" "$(cat $dir/driver_leaks)"
	echo "$npci" >/sys/bus/pci/drivers/nvme/bind || fail "bind nvme to $npci after detach"
fi

# QEMU's virtio-scsi (id 0x1048) with one disk: 32 MiB each way.
if ! spci=$(cvm_pcidev 0x1af4 0x1048); then
	fail "no virtio-scsi PCI device"
else
	attach_virtio "$spci"
	sd=
	for i in $(seq 1 200); do
		for b in /sys/block/sd*; do
			case $(readlink -f "$b") in */"$spci"/*) sd=${b##*/} ;; esac
		done
		[ -n "$sd" ] && [ -e "/dev/$sd" ] && break
		sleep 0.1
	done
	if [ -z "$sd" ]; then
		fail "no disk behind virtio-scsi $spci"
	else
		head -c $((32 << 20)) /dev/urandom >/tmp/sd.data
		./cvm_blkio write "/dev/$sd" /tmp/sd.data || fail "O_DIRECT write to $sd"
		./cvm_blkio read "/dev/$sd" $((32 << 20)) /tmp/sd.back || fail "O_DIRECT read from $sd"
		expect_eq "sha256 through virtio-scsi" "$(sha256sum </tmp/sd.data | cut -d' ' -f1)" \
			"$(sha256sum </tmp/sd.back | cut -d' ' -f1)"
		rm -f /tmp/sd.data /tmp/sd.back
	fi
	echo "# virtio-scsi $spci ($sd): $(pooldev "$spci" bytes) bytes through the pool"
	expect_eq "failed mappings of $spci" 0 "$(pooldev "$spci" failures)"
	expect_eq "violations of $spci" 0 "$(pooldev "$spci" violations)"
	echo "$spci" >$drv/unbind || fail "unbind virtio-pci from $spci"
	expect_eq "coherent pages of $spci after unbind" 0 "$(pooldev "$spci" coherent_pages)"
	left=$(pooldev "$spci" inflight_slots)
	leaks0=$(cat $dir/driver_leaks)
	expect_eq "detach $spci" 0 "$(./cvm_blkio detach "$spci")"
	echo "# virtio-scsi left $left slots mapped after unbinding; driver_leaks +$(($(cat $dir/driver_leaks) - leaks0))"
	# virtio_scsi posts its 8 event buffers (VIRTIO_SCSI_EVENT_LEN) and
	# never unmaps them on remove: 6.1, 6.12 and 7.3 alike.
	expect_eq "mappings virtio_scsi left, taken back by detach" $((leaks0 + 8)) "$(cat $dir/driver_leaks)"
	expect_eq "slots in use after detach of $spci" 0 "$(cat $dir/used)"
	echo "$spci" >$drv/bind || fail "bind virtio-pci to $spci after detach"
fi

# QEMU's virtio-net (id 0x1041), user networking: 32 MiB to the host's
# 127.0.0.1 and back (scripts/vm-run.sh echoes through hostfwd).
if ! npci=$(cvm_pcidev 0x1af4 0x1041); then
	fail "no virtio-net PCI device"
else
	attach_virtio "$npci"
	ifc=
	for i in $(seq 1 100); do
		ifc=$(ls /sys/bus/pci/devices/"$npci"/virtio*/net 2>/dev/null | head -n 1)
		[ -n "$ifc" ] && break
		sleep 0.1
	done
	if [ -z "$ifc" ]; then
		fail "no network interface behind $npci"
	else
		ip link set "$ifc" up && ip addr add 10.0.2.15/24 dev "$ifc" ||
			fail "configure $ifc"
		cvm_host_echo "virtio-net $npci ($ifc)" $((32 << 20))
		b=$(pooldev "$npci" bytes)
		echo "# virtio-net $npci: $b bytes mapped, $(pooldev "$npci" syncs) syncs"
		# Every byte sent is mapped once; received ones may arrive in
		# long-lived receive buffers (premapped since 6.7) that are
		# synced, not mapped again.
		[ "$b" -ge $((32 << 20)) ] || fail "virtio-net bytes mapped: $b < 32 MiB"
	fi
	expect_eq "failed mappings of $npci" 0 "$(pooldev "$npci" failures)"
	expect_eq "violations of $npci" 0 "$(pooldev "$npci" violations)"
	echo "$npci" >$drv/unbind || fail "unbind virtio-pci from $npci"
	expect_eq "coherent pages of $npci after unbind" 0 "$(pooldev "$npci" coherent_pages)"
	expect_eq "detach $npci" 0 "$(./cvm_blkio detach "$npci")"
	expect_eq "slots in use after detach of $npci" 0 "$(cat $dir/used)"
fi

# QEMU's virtio-gpu (id 0x1050): the driver maps its framebuffer's pages
# once and syncs them for the device before each transfer to the host, a
# narrower direction than a BIDIRECTIONAL mapping's on some kernels; the
# host must show exactly what the guest drew. It maps its 4 MB
# framebuffer beside another device's buffers, in a pool at its starting
# size (cvm_bounce reloaded with its defaults): no DMA API mapping may
# sleep, so that mapping cannot wait for the pool to grow; it must fit.
# Left unbound afterwards: nothing may draw on it while the guest powers
# off.
host_work=$(sed -n 's/.*cvm_host_work=\([^ ]*\).*/\1/p' /proc/cmdline)
# virtio-net again, up, its receive buffers mapped: the other device.
netpci=
if [ -n "$npci" ] && rmmod cvm_bounce && insmod "$CVM_MODULES/cvm_bounce.ko"; then
	expect_eq "attach $npci again" 0 "$(./cvm_blkio attach "$npci")"
	echo "$npci" >$drv/bind || fail "bind virtio-pci to $npci again"
	netpci=$npci
	for i in $(seq 1 100); do
		ifc=$(ls /sys/bus/pci/devices/"$npci"/virtio*/net 2>/dev/null | head -n 1)
		[ -n "$ifc" ] && break
		sleep 0.1
	done
	ip link set "$ifc" up || fail "set $ifc up again"
	sleep 1
	echo "# beside the framebuffer: $npci holds $(pooldev "$npci" inflight_bytes) bytes in $(cat $dir/used) slots of $(cat $dir/chunks) chunks"
	[ "$(cat $dir/used)" -gt 0 ] || fail "virtio-net maps no receive buffers"
else
	fail "reload cvm_bounce with its defaults"
fi
chunks0=$(cat $dir/chunks)
if ! gpci=$(cvm_pcidev 0x1af4 0x1050); then
	fail "no virtio-gpu PCI device"
elif [ -z "$host_work" ]; then
	fail "no cvm_host_work= on the kernel command line"
elif ! cvm_has_virtio_driver virtio_gpu virtio-gpu "virtio-gpu $gpci's framebuffer" ||
	! cvm_has_virtio_driver 9pnet_virtio 9pnet_virtio "virtio-gpu $gpci's framebuffer (the host's screendump is read over 9p)"; then
	:
else
	attach_virtio "$gpci"
	if ! fb=$(cvm_fb "$gpci"); then
		fail "no framebuffer behind $gpci"
	else
		mkdir -p /tmp/hostnc
		mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=none cvmhost /tmp/hostnc ||
			fail "mount the host's root over 9p (uncached)"
		s0=$(pooldev "$gpci" syncs)
		# Random pixels over the whole screen, in one write: Linux's
		# fbdev emulation (drm_fb_helper_memory_range_to_clip(), 6.1
		# and 6.12 alike) computes an empty damage rectangle for a
		# write that stays within one scanline and ends at its end
		# (x2 = 0; upstream fix "drm/fb-helper: Fix clipping when
		# damage area spans a single scanline", 2026), so such a
		# 4 KiB write never reached the host unless a neighbour's
		# damage covered it: whole pages k with k + 1 a multiple of 5
		# (5120-byte lines) came out black, through swiotlb as
		# through the pool, when the damage worker ran between writes.
		g=/sys/class/graphics/${fb##*/}
		fbsize=$(($(cat "$g/stride") * $(cut -d, -f2 "$g/virtual_size")))
		head -c "$fbsize" /dev/urandom >/tmp/fb.data
		dd if=/tmp/fb.data of="$fb" bs="$fbsize" count=1 2>/dev/null ||
			fail "write $fbsize bytes to $fb"
		sleep 1
		echo "cvm-host: screendump 1" >/dev/console
		out=$(./cvm_fbcheck "$fb" "/tmp/hostnc$host_work/cvmscreen1.ppm")
		rc=$?
		echo "# virtio-gpu $gpci ($fb): $out; $(($(pooldev "$gpci" syncs) - s0)) syncs, $(pooldev "$gpci" maps) maps, $(pooldev "$gpci" inflight_bytes) bytes mapped"
		expect_eq "the host shows what the guest drew" 0 "$rc"
		[ "$(pooldev "$gpci" syncs)" -gt "$s0" ] || fail "no sync of $gpci's framebuffer"
		umount /tmp/hostnc
	fi
	expect_eq "failed mappings of $gpci" 0 "$(pooldev "$gpci" failures)"
	expect_eq "violations of $gpci" 0 "$(pooldev "$gpci" violations)"
	echo "# pool: $chunks0 chunks before the framebuffer, $(cat $dir/chunks) after, $(cat $dir/failures) failed mappings"
	echo "$gpci" >$drv/unbind || fail "unbind virtio-pci from $gpci"
	expect_eq "coherent pages of $gpci after unbind" 0 "$(pooldev "$gpci" coherent_pages)"
	expect_eq "detach $gpci" 0 "$(./cvm_blkio detach "$gpci")"
fi
if [ -n "$netpci" ]; then
	expect_eq "failed mappings of $netpci beside the framebuffer" 0 "$(pooldev "$netpci" failures)"
	echo "$netpci" >$drv/unbind || fail "unbind virtio-pci from $netpci"
	expect_eq "detach $netpci" 0 "$(./cvm_blkio detach "$netpci")"
fi
expect_eq "slots in use after the framebuffer and virtio-net" 0 "$(cat $dir/used)"

# The host takes the attached disk away during I/O.
attach_virtio "$hpci"
hd=$(cvm_disk cvmhot) || { fail "disk cvmhot did not come back"; finish; }
head -c $((16 << 20)) /dev/urandom >/tmp/hot.data
./cvm_blkio write "/dev/$hd" /tmp/hot.data || fail "O_DIRECT write"
./cvm_blkio read "/dev/$hd" $((16 << 20)) /tmp/hot.back || fail "O_DIRECT read"
expect_eq "sha256 through the pool" "$(sha256sum </tmp/hot.data | cut -d' ' -f1)" \
	"$(sha256sum </tmp/hot.back | cut -d' ' -f1)"
rm -f /tmp/hot.data /tmp/hot.back
[ "$(pooldev "$hpci" coherent_pages)" -gt 0 ] || fail "no coherent pages of $hpci while bound"
(while ./cvm_blkio read "/dev/$hd" $((16 << 20)) /dev/null 2>/dev/null; do :; done) &
io=$!
sleep 1
# scripts/vm-run.sh reads this line on the console and asks QEMU.
echo "cvm-host: device_del cvmhot" >/dev/console
for i in $(seq 1 600); do
	[ -e "/sys/bus/pci/devices/$hpci" ] || break
	sleep 0.1
done
[ -e "/sys/bus/pci/devices/$hpci" ] && fail "$hpci still there 60 s after device_del"
wait $io
# The bus's link goes before the bus notifier runs: give it a moment.
for _ in $(seq 1 50); do
	grep -qx "$hpci" $dir/attach || break
	sleep 0.1
done
echo "# $hpci removed after $((i / 10)).$((i % 10)) s"
expect_eq "attached devices after removal" "" "$(cat $dir/attach)"
expect_eq "slots in use after removal" 0 "$(cat $dir/used)"
expect_eq "coherent pages shared after removal" 0 "$(coherent_shared)"
dmesg | grep -q "$hpci: removed while attached" || fail "no log line for the removal"
rmmod cvm_bounce || fail "rmmod cvm_bounce after the attached device was removed"
rmmod cvm_convert || fail "rmmod cvm_convert"
finish
