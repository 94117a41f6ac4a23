#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_ring's live auditor on every virtio device of the --devices boot
# (scripts/vm-run.sh --devices), under traffic, first in monitor and then
# in enforce on every queue: virtio-blk (split, and packed with two
# queues driven from both CPUs), virtio-scsi, virtio-net (to the host's
# 127.0.0.1 and back; and a second one with a packed ring and without
# mergeable receive buffers), virtio-input (keys from the host, LED status to
# it), virtio-rng, virtio-balloon (inflate and deflate), virtio-serial
# (a port whose bytes land in a host file), virtio-gpu (its framebuffer
# written, which the driver sends the host), virtio-crypto (AES-CBC,
# checked against the kernel's software AES; on 7.3, whose AF_ALG refuses
# asynchronous drivers, the kernel's own known-answer tests after a
# rebind) and 9p (the host's root). A kernel without the driver of one
# of these (Debian's cloud kernels have no virtio-gpu, virtio-crypto or
# 9P) leaves that device out, saying so; the serial port's bytes are read
# back from the host's file through a QEMU guestfwd, not over 9p.
# Data is checked by sha256, and on these correct devices nothing may be
# a violation or break a ring. QEMU's sloppy lengths are counted exactly:
# virtio-scsi overstates every write (it adds the bytes it read) and
# virtio-input every status buffer (LED changes; 7.3 also sends its
# autorepeat settings); under enforce those are clamped, one for one, and
# the devices go on working.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/ring

cvm_load_kmods
cvm_disk cvmpacked >/dev/null || skip "no virtio disk with serial cvmpacked: not the --devices boot (vm-run.sh --devices)"
host_work=$(sed -n 's/.*cvm_host_work=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$host_work" ] || skip "no cvm_host_work= on the kernel command line"
insmod "$CVM_MODULES/cvm_ring.ko" || { fail "insmod cvm_ring"; finish; }
cvmctl rings auditor on || { fail "auditor on"; finish; }

# vdev PCI: the virtio device (virtioN) on that PCI function.
vdev() {
	basename "$(ls -d /sys/bus/pci/devices/"$1"/virtio* 2>/dev/null | head -n 1)"
}

# rings DEVICE FIELD: the sum of FIELD over the virtqueues of DEVICE
# (virtioN), or of one queue with DEVICE/QUEUE.
rings() {
	cvmctl -j rings | jq --arg d "$1" \
		"[.rings[] | select(.kind == \"virtqueue\" and (.owner == \$d or (.owner | startswith(\$d + \"/\")))) | .$2] | add // 0"
}

sum() { sha256sum <"$1" | cut -d' ' -f1; }

spci=$(cvm_pcidev 0x1af4 0x1048) || fail "no virtio-scsi PCI device"
npci=$(cvm_pcidev 0x1af4 0x1041) || fail "no virtio-net PCI device"
ipci=$(cvm_pcidev 0x1af4 0x1052) || fail "no virtio-input PCI device"
bpci=$(cvm_pcidev 0x1af4 0x1045) || fail "no virtio-balloon PCI device"
cpci=$(cvm_pcidev 0x1af4 0x1043) || fail "no virtio-serial PCI device"
gpci=$(cvm_pcidev 0x1af4 0x1050) || fail "no virtio-gpu PCI device"
xpci=$(cvm_pcidev 0x1af4 0x1054) || fail "no virtio-crypto PCI device"
gpu=0 crypto=0 ninep=0
cvm_has_virtio_driver virtio_gpu virtio-gpu "virtio-gpu $gpci" && gpu=1
cvm_has_virtio_driver virtio_crypto virtio_crypto "virtio-crypto $xpci" && crypto=1
cvm_has_virtio_driver 9pnet_virtio 9pnet_virtio "9p (the host's root)" && ninep=1
sdev=$(vdev "$spci")
ndev=$(vdev "$npci")
bdev=$(vdev "$bpci")
cdev=$(vdev "$cpci")
gdev='' xdev='' fdev=''
[ $gpu = 0 ] || gdev=$(vdev "$gpci")
[ $crypto = 0 ] || xdev=$(vdev "$xpci")
[ $ninep = 0 ] || fdev=$(basename "$(ls -d /sys/bus/virtio/drivers/9pnet_virtio/virtio* | head -n 1)")
# virtio-input's event buffers were all posted before the auditor
# started, and its queue is never empty, so none would be judged: bind
# it again, under the auditor.
echo "$ipci" >/sys/bus/pci/drivers/virtio-pci/unbind &&
	echo "$ipci" >/sys/bus/pci/drivers/virtio-pci/bind || fail "rebind virtio-pci to $ipci"
idev=$(vdev "$ipci")
sd=
for b in /sys/block/sd*; do
	case $(readlink -f "$b") in */"$spci"/*) sd=${b##*/} ;; esac
done
[ -n "$sd" ] || fail "no disk behind virtio-scsi $spci"
pk=$(cvm_disk cvmpacked)
pdev=$(basename "$(readlink -f /sys/block/$pk/device)")
rdev=$(basename "$(readlink -f "/sys/block/$(cvm_disk cvmring)/device")")
expect_eq "queues of the packed disk" 2 "$(ls -d /sys/block/$pk/mq/* | wc -l)"
ifc=$(ls /sys/bus/virtio/devices/"$ndev"/net | head -n 1)
ip link set "$ifc" up && ip addr add 10.0.2.15/24 dev "$ifc" || fail "configure $ifc"
ifc2=
for n in /sys/class/net/*; do
	[ "$(cat "$n/address")" = 52:54:00:c0:ff:02 ] && ifc2=${n##*/}
done
[ -n "$ifc2" ] || fail "no second virtio-net (52:54:00:c0:ff:02)"
n2dev=$(basename "$(readlink -f /sys/class/net/$ifc2/device)")
# Feature bits, from bit 0: VIRTIO_F_RING_PACKED is 34, MRG_RXBUF 15.
f=$(cat /sys/bus/virtio/devices/$n2dev/features)
expect_eq "$ifc2: packed ring, no mergeable buffers" 10 \
	"$(echo "$f" | cut -c35)$(echo "$f" | cut -c16)"
ip link set "$ifc2" up && ip addr add 10.0.3.15/24 dev "$ifc2" || fail "configure $ifc2"
ev=
for _ in $(seq 1 100); do
	ev=$(ls -d /sys/bus/virtio/devices/"$idev"/input/input*/event* 2>/dev/null | head -n 1)
	[ -n "$ev" ] && break
	sleep 0.1
done
[ -n "$ev" ] || fail "no evdev node of $idev"
ev=/dev/input/${ev##*/}
port=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name" 2>/dev/null)" = cvm.port ] && port=/dev/${p##*/}
done
[ -c "$port" ] || fail "no virtio-serial port named cvm.port ('$port')"
if [ $gpu = 1 ]; then
	fb=$(cvm_fb "$gpci") ||
		fail "no framebuffer of virtio-gpu $gpci: $(ls -l /sys/class/graphics/ | tr '\n' ' ')"
fi
if [ $crypto = 1 ]; then
	grep -q '^driver *: virtio_crypto_aes_cbc$' /proc/crypto ||
		fail "virtio-crypto registered no AES-CBC"
fi
# The kernel's software AES-CBC: cbc-aes-lib since the AES library took
# over (7.3), the cbc template on aes-generic before.
soft="cbc(aes-generic)"
grep -q '^driver *: aes-lib$' /proc/crypto && soft=cbc-aes-lib
# 7.3's AF_ALG binds only allowlisted names such as "cbc(aes)" unless
# crypto.af_alg_restrict is 0; the test names implementations.
restrict=/proc/sys/crypto/af_alg_restrict
restrict0=
if [ -e $restrict ]; then
	restrict0=$(cat $restrict)
	echo 0 >$restrict || fail "crypto.af_alg_restrict=0"
fi
# 7.3's AF_ALG also refuses asynchronous implementations (its
# AF_ALG_CRYPTOAPI_MASK), which virtio-crypto's are: there the kernel's
# own known-answer tests drive the device, run again by binding its
# driver anew (QEMU's RSA fails its test, as at boot: scripts/guest-init.sh).
alg_user=1
./cvm_alg virtio_crypto_aes_cbc </dev/null >/dev/null 2>&1 || alg_user=0
[ $crypto = 0 ] || echo "# AES-CBC through virtio-crypto from userspace (AF_ALG): $alg_user"

# crypto_rebind PHASE: virtio-crypto's driver bound again; the kernel's
# self-tests of its AES-CBC must pass.
crypto_rebind() {
	echo "cvmguard-guest: expected WARN begins" >/dev/kmsg
	echo "$xpci" >/sys/bus/pci/drivers/virtio-pci/unbind &&
		echo "$xpci" >/sys/bus/pci/drivers/virtio-pci/bind || fail "$1: rebind $xpci"
	for _ in $(seq 1 300); do
		grep -q '^driver *: virtio_crypto_aes_cbc$' /proc/crypto &&
			! ps | grep -q '[c]ryptomgr_test' && break
		sleep 0.1
	done
	echo "cvmguard-guest: expected WARN ends" >/dev/kmsg
	xdev=$(vdev "$xpci")
	expect_eq "$1: the kernel's self-test of virtio_crypto_aes_cbc" passed \
		"$(awk '/^driver/ { d = $3 } /^selftest/ && d == "virtio_crypto_aes_cbc" { print $3 }' /proc/crypto)"
}
if [ $ninep = 1 ]; then
	mkdir -p /tmp/hostnc
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=none cvmhost /tmp/hostnc ||
		fail "mount the host's root over 9p (uncached)"
fi

# led N: one LED_CAPSL event of value N written to virtio-input's evdev
# node (struct input_event on x86-64: a 16-byte timeval, type EV_LED,
# code LED_CAPSL, value); the driver posts it to the device's status queue.
led() {
	printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\021\0\001\0\00'"$1"'\0\0\0' >"$ev"
}

# traffic PHASE ROUND: every device once; sets $w_scsi (scsi writes
# with data: writes completed less flushes, which fsync sends as empty
# writes) and $leds (LED status buffers posted). Multi-queue devices are
# driven from both CPUs (blk-mq maps a queue to each), so the monitor
# round sees every queue the enforce round will use: a queue first seen
# later would start under monitor.
traffic() {
	# blk, split (cvmring) and packed, from both CPUs.
	head -c $((4 << 20)) /dev/urandom >/tmp/rd.data
	rd=$(cvm_disk cvmring)
	taskset -c 0 ./cvm_blkio write "/dev/$rd" /tmp/rd.data || fail "$1: write $rd"
	taskset -c 1 ./cvm_blkio read "/dev/$rd" $((4 << 20)) /tmp/rd.back || fail "$1: read $rd"
	expect_eq "$1: sha256 through $rd" "$(sum /tmp/rd.data)" "$(sum /tmp/rd.back)"
	for c in 0 1; do
		head -c $((4 << 20)) /dev/urandom >/tmp/pk$c.data
		(taskset -c $c ./cvm_blkio write "/dev/$pk" /tmp/pk$c.data &&
			taskset -c $c ./cvm_blkio read "/dev/$pk" $((4 << 20)) /tmp/pk$c.back) &
	done
	wait
	for c in 0 1; do
		expect_eq "$1: sha256 through $pk from CPU $c" "$(sum /tmp/pk$c.data)" "$(sum /tmp/pk$c.back)"
	done
	# scsi: every write's used length is overstated by QEMU.
	w0=$(awk '{ print $5 - $16 }' /sys/block/$sd/stat)
	head -c $((8 << 20)) /dev/urandom >/tmp/sd.data
	taskset -c 0 ./cvm_blkio write "/dev/$sd" /tmp/sd.data || fail "$1: write $sd"
	taskset -c 1 ./cvm_blkio read "/dev/$sd" $((8 << 20)) /tmp/sd.back || fail "$1: read $sd"
	expect_eq "$1: sha256 through $sd" "$(sum /tmp/sd.data)" "$(sum /tmp/sd.back)"
	w_scsi=$(($(awk '{ print $5 - $16 }' /sys/block/$sd/stat) - w0))
	echo "# $1: $sd: $w_scsi writes with data; stat $(cat /sys/block/$sd/stat)"
	cvm_host_echo "$1: virtio-net $ifc" $((8 << 20))
	cvm_host_echo "$1: virtio-net $ifc2 (packed)" $((8 << 20)) 5001
	# input: keys from the host, two LED changes to it.
	k0=$(rings "$idev/events" checked)
	echo "cvm-host: sendkey a" >/dev/console
	for _ in $(seq 1 100); do
		[ "$(rings "$idev/events" checked)" -ge $((k0 + 4)) ] && break
		sleep 0.1
	done
	led 1
	led 0
	leds=2
	# rng.
	dd if=/dev/hwrng of=/dev/null bs=1k count=64 2>/dev/null || fail "$1: read /dev/hwrng"
	# balloon: 128 MiB out and back.
	m0=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
	echo "cvm-host: balloon 1920" >/dev/console
	for _ in $(seq 1 600); do
		[ "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" -eq $((m0 - 131072)) ] && break
		sleep 0.1
	done
	expect_eq "$1: MemTotal with 128 MiB ballooned" $((m0 - 131072)) \
		"$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
	echo "cvm-host: balloon 2048" >/dev/console
	for _ in $(seq 1 600); do
		[ "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)" -eq "$m0" ] && break
		sleep 0.1
	done
	expect_eq "$1: MemTotal after deflating" "$m0" "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
	# serial: 1 MiB into the host's file, read back through the guestfwd.
	head -c $((1 << 20)) /dev/urandom >/tmp/port.data
	cat /tmp/port.data >"$port" || fail "$1: write $port"
	for _ in $(seq 1 60); do
		cvm_host_file cvmport.out /tmp/port.back &&
			[ "$(stat -c %s /tmp/port.back)" = $(((1 << 20) * $2)) ] && break
		sleep 0.5
	done
	expect_eq "$1: sha256 of the port's bytes in the host's file" "$(sum /tmp/port.data)" \
		"$(tail -c $((1 << 20)) /tmp/port.back | sha256sum | cut -d' ' -f1)"
	if [ $gpu = 1 ]; then
		# gpu: 1 MiB into the framebuffer; the driver's damage worker
		# sends it to the host (transfer and flush) within a few jiffies.
		g0=$(rings "$gdev" checked)
		head -c $((1 << 20)) /dev/urandom >"$fb" || fail "$1: write $fb"
		for _ in $(seq 1 100); do
			[ "$(rings "$gdev" checked)" -gt "$g0" ] && break
			sleep 0.1
		done
		[ "$(rings "$gdev" checked)" -gt "$g0" ] || fail "$1: $gdev: no command after the framebuffer write"
	fi
	# crypto: 1 MiB in 16 KiB requests, as the kernel's software does it.
	if [ $crypto = 0 ]; then
		:
	elif [ $alg_user = 1 ]; then
		head -c $((1 << 20)) /dev/urandom >/tmp/cr.data
		./cvm_alg virtio_crypto_aes_cbc </tmp/cr.data >/tmp/cr.virtio || fail "$1: AES-CBC through virtio-crypto"
		./cvm_alg "$soft" </tmp/cr.data >/tmp/cr.soft || fail "$1: AES-CBC in software ($soft)"
		expect_eq "$1: virtio-crypto's ciphertext is the software's" "$(sum /tmp/cr.soft)" "$(sum /tmp/cr.virtio)"
		[ "$(stat -c %s /tmp/cr.virtio)" = $((1 << 20)) ] || fail "$1: $(stat -c %s /tmp/cr.virtio) bytes of ciphertext"
	else
		crypto_rebind "$1"
	fi
	# 9p: the same file of the host's, read uncached.
	[ $ninep = 0 ] || expect_eq "$1: the host's cvmport.out over 9p" \
		"$(sum /tmp/port.back)" "$(sum "/tmp/hostnc$host_work/cvmport.out")"
	rm -f /tmp/*.data /tmp/*.back /tmp/net.out /tmp/cr.*
}

# check PHASE: per device, buffers checked, overstated and clamped; no
# violation, no broken ring, no missed probe hit. The debug kernel's
# kprobes are int3-based and its handlers slow under KASAN: there the
# kprobes core drops the odd hit of a device interrupt that arrives while
# one of our handlers runs (a CI run saw 1). The auditor then re-syncs
# every queue before it may report a token again, so the violations stay
# 0 whatever the misses; on the debug kernel they are printed, not 0.
check() {
	for d in $pdev $rdev $sdev $ndev $n2dev $idev $bdev $cdev $gdev $xdev $fdev; do
		echo "# $1: $d: $(rings "$d" checked) checked, $(rings "$d" violations) violations, $(rings "$d" overstated) overstated, $(rings "$d" clamped) clamped"
		[ "$(rings "$d" checked)" -gt 0 ] || fail "$1: $d: nothing checked"
	done
	cvmctl rings | sed 's/^/# /'
	expect_eq "$1: violations" 0 "$(cat $dir/violations)"
	expect_eq "$1: broken rings" 0 "$(cat $dir/broken)"
	case $(uname -r) in
	*-cvmdebug) echo "# $1: missed probe hits: $(cat $dir/auditor_missed)" ;;
	*) expect_eq "$1: missed probe hits" 0 "$(cat $dir/auditor_missed)" ;;
	esac
}

# status DELTA_FIELD: what the input status queue counted since $st0.
status() {
	echo $(($(rings "$idev/status" "$1") - $(echo "$st0" | jq ".$1")))
}

o_scsi=$(rings "$sdev" overstated)
st0=$(cvmctl -j rings | jq --arg o "$idev/status" '[.rings[] | select(.owner == $o)][0] // {checked: 0, overstated: 0, clamped: 0}')
traffic monitor 1
check monitor
expect_eq "monitor: scsi used lengths overstated, one per write" $((o_scsi + w_scsi)) "$(rings "$sdev" overstated)"
[ "$(status checked)" -ge "$leds" ] || fail "monitor: input status buffers: $(status checked) < $leds LED changes"
expect_eq "monitor: input status lengths overstated, every one" "$(status checked)" "$(status overstated)"
expect_eq "monitor: clamped" 0 "$(cvmctl -j rings | jq '[.rings[] | select(.kind == "virtqueue") | .clamped] | add')"

for id in $(cvmctl -j rings | jq '.rings[] | select(.kind == "virtqueue") | .id'); do
	cvmctl rings policy "$id" enforce || fail "enforce on ring $id"
done
o_scsi=$(rings "$sdev" overstated)
st0=$(cvmctl -j rings | jq --arg o "$idev/status" '[.rings[] | select(.owner == $o)][0]')
traffic enforce 2
check enforce
expect_eq "enforce: scsi overstated, one per write" $((o_scsi + w_scsi)) "$(rings "$sdev" overstated)"
expect_eq "enforce: scsi clamped, as many" "$w_scsi" "$(rings "$sdev" clamped)"
[ "$(status checked)" -ge "$leds" ] || fail "enforce: input status buffers: $(status checked) < $leds LED changes"
expect_eq "enforce: input status clamped, every one" "$(status checked)" "$(status clamped)"
for d in $pdev $rdev $sdev $ndev $n2dev $idev $bdev $cdev $gdev $xdev $fdev; do
	expect_eq "enforce: every queue of $d still enforce" enforce \
		"$(cvmctl -j rings | jq -r --arg d "$d/" '[.rings[] | select(.owner | startswith($d)) | .policy] | unique | join(",")')"
done

[ $ninep = 0 ] || umount /tmp/hostnc
[ -z "$restrict0" ] || echo "$restrict0" >$restrict
ip addr del 10.0.2.15/24 dev "$ifc"
ip addr del 10.0.3.15/24 dev "$ifc2"
cvmctl rings auditor off || fail "auditor off"
expect_eq "rings after auditor off" 0 "$(cat $dir/rings)"
rmmod cvm_ring || fail "rmmod cvm_ring"
finish
