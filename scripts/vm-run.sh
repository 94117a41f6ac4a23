#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm-run.sh NAME [--demo | --bench | --count | --harness BUG | --iommu | --devices |
#                 --lockdown] -- build cvmguard for test
# kernel NAME (6.1 | 6.12 | 7.3 | debug), boot it in a throwaway QEMU VM
# (TCG) with an initramfs holding busybox, the modules, the selftests and
# cvmctl, run the suite in the guest and judge the console.
#
#   --demo         load cvm_core and show cvmctl status instead of testing
#   --bench        run the benchmarks of `make bench` instead of testing
#                  (scripts/bench.sh); the guest gets CVM_VM_MEM MiB
#                  (default 2048: the 100k-range ledger takes 800 MiB),
#                  CVM_BENCH_BATCHES and CVM_BENCH_RANGES pass through
#   --count        count instead of timing (scripts/bench-count.sh): QEMU
#                  runs the TCG plugin CVM_COUNT_PLUGIN and the guest runs
#                  cvm_bench_bounce's cases CVM_COUNT_BATCHES times (5)
#                  between its markers; log NAME-count.log, segments in
#                  NAME-count.plugin
#   --harness BUG  load a module with a deliberate bug (uaf, leak, warn,
#                  lockdep) or hang the guest (hang), instead of testing:
#                  the run must then fail (scripts/check-harness.sh)
#   --iommu        boot a q35 machine with QEMU's intel-iommu translating
#                  the virtio devices' DMA and run only selftests/iommu.sh
#                  (modules built as for the plain run, log NAME-iommu.log)
#   --devices      boot with ACPI PCI hotplug (no pci=noacpi), QEMU's
#                  virtio-keyboard, NVMe, virtio-scsi, two virtio-net
#                  (user networking, one port each forwarded from the
#                  host's 127.0.0.1; the second with a packed ring and
#                  without mergeable buffers), virtio-balloon, virtio-serial (a port
#                  writing to a file in the run's work directory, named
#                  to the guest by cvm_host_work=), virtio-gpu,
#                  virtio-crypto (QEMU's builtin backend), a packed virtio disk
#                  and a hot-pluggable one, and a monitor the guest
#                  drives: a console line "cvm-host: device_del ID" makes
#                  the host remove device ID, "cvm-host: balloon MIB" and
#                  "cvm-host: sendkey KEY" are passed to the monitor,
#                  "cvm-host: screendump N" dumps the display to
#                  cvmscreenN.ppm in the work directory, and
#                  "cvm-host: echo" ("echo2") makes it connect to the
#                  guest's port 5000 (5001, on the second NIC) and echo
#                  all it gets; runs only
#                  selftests/ring_devices.sh and selftests/devices.sh
#                  (NAME-devices.log)
#   --lockdown     boot with lockdown=confidentiality module.sig_enforce=1
#                  (the debug kernel only: it trusts the key its build
#                  made, and the test modules are signed with it) and run
#                  selftests/lockdown.sh and the tests that need no
#                  debugfs writes (NAME-lockdown.log)
#
# CVM_TESTS="a.sh b" runs only those selftests (default: all; "@1", "@2"
# and "@3" the three parts of the list in selftests/run_tests.sh);
# CVM_RUN_TAG=T names the console log NAME-T.log (the modules are shared);
# CVM_STRESS_DURATION=SECONDS makes stress.sh run that long (make stress);
# CVM_LOAD_CYCLES=N makes loadcycle.sh run N cycles (default 10);
# CVM_RING_ITERS=N ring.sh's hostile rings per type (default 100000, 10000
# under --lockdown).
#
# Fails when the modules build with a warning, a test fails, the guest
# prints an oops, BUG, WARNING, KASAN, lockdep or kmemleak report (outside
# the marks that excuse expected ones, which must pair up), or the guest
# does not finish within CVM_VM_TIMEOUT seconds (default 900).
# The console goes to the terminal and to $CVM_RUN_DIR/logs/NAME.log
# (CVM_RUN_DIR defaults to CVM_CACHE_DIR).
#
# The guest also sees the host's root read-only over 9p (mount tag
# cvmhost), so a test can run a host tool such as python3 and the kernel's
# YNL client against the guest's kernel (selftests/lib.sh cvm_host_root).
#
# Expects the userspace (tools/cvmctl, selftests) built by the top-level
# Makefile; builds the modules itself in a per-kernel copy of the tree so
# kernels never share objects.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
# Scratch builds and console logs; a second checkout sets its own.
rundir=${CVM_RUN_DIR:-$cache}
timeout_s=${CVM_VM_TIMEOUT:-900}
boot_timeout=${CVM_BOOT_TIMEOUT:-180}
name=${1:?usage: vm-run.sh NAME [--demo | --bench | --count | --harness BUG | --iommu | --devices | --lockdown]}
mode=${2:-}
bug=${3:-}

log() { echo "vm-run[$name]: $*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/judge.sh
. "$top/scripts/judge.sh"

kdir=$("$top/scripts/kernel-prep.sh" "$name" | tail -n 1)
# shellcheck source=/dev/null
. "$kdir/env"

run=$name${bug:+-harness}
if [ "$mode" = --bench ]; then run=$name-bench; fi
work=$rundir/work/$run
run+=${CVM_RUN_TAG:+-$CVM_RUN_TAG}
# The same modules as the plain run: built once for both.
if [ "$mode" = --count ]; then run=$name-count; fi
if [ "$mode" = --iommu ]; then run=$name-iommu; CVM_TESTS=iommu.sh; fi
if [ "$mode" = --devices ]; then run=$name-devices; CVM_TESTS="ring_devices.sh devices.sh"; fi
# What runs under lockdown=confidentiality: every test that drives only
# production interfaces (netlink, sysfs, a real disk through the pool)
# or a test module's character device (ring.sh). Left out, each for the
# debugfs control file of a test-only module that lockdown refuses to
# open: cvmctl.sh, convert.sh, cvmctl_conv.sh, cvmctl_ops.sh, ynl_cli.sh,
# nlfuzz.sh, bounce.sh, loadcycle.sh, stress.sh (cvm_hostsim),
# ring_auditor.sh (cvm_hostsim_vrng), dma_contract.sh (cvm_hostsim_dma),
# faultinject.sh (failslab, fail_page_alloc); modsig.sh raises lockdown
# itself from none; swiotlb_trace.sh needs tracefs, which lockdown.sh
# shows refused. All of them run in the unlocked debug boots.
if [ "$mode" = --lockdown ]; then
	run=$name-lockdown
	CVM_TESTS="lockdown.sh core_load.sh sysfs.sh cvm_netlink perm.sh detect_virt.sh ring.sh bounce_dev.sh"
	# ring.sh shows the hostile rings reach the validators through the
	# character device under lockdown; debug:2 runs its 100000 per type.
	: "${CVM_RING_ITERS:=10000}"
fi
mkdir -p "$work" "$rundir/logs"
buildlog=$rundir/logs/$run-build.log
kbuild_args=(CVM_TEST=m)
[ "$mode" = --harness ] && kbuild_args+=(CVM_HARNESS=m)

build_modules() {
	local src=$work/src

	# What kbuild made in the copy stays (excluded from --delete): a boot
	# after the first of a kernel rebuilds only what changed, not every
	# module (that had cost 30 to 60 s per boot).
	rsync -a --delete --exclude .git --exclude 'tools/' \
		--exclude '*.o' --exclude '*.ko' --exclude '*.mod' --exclude '*.mod.c' \
		--exclude '.*.cmd' --exclude '.*.d' --exclude '*.a' --exclude modules.order \
		--exclude Module.symvers --exclude '.tmp_*' "$top/" "$src/"
	log "building modules for $KVER"
	if ! CVM_KBUILD_SRC=$src "$top/scripts/kbuild.sh" "$name" \
		"${kbuild_args[@]}" >"$buildlog" 2>&1; then
		cat "$buildlog" >&2
		die "module build failed"
	fi
	if grep -E 'warning:|error:' "$buildlog" >&2; then
		die "module build printed warnings (see above)"
	fi
}

# Copies a dynamically linked program and the libraries it needs.
add_program() {
	local root=$1 prog=$2 dest=$3 lib

	install -D -m 0755 "$prog" "$root$dest"
	for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# Drivers of the packaged kernel that the suite uses (virtio transport,
# disks, rng; 9p for the host's root), each with what it depends on,
# decompressed, listed in load order in /cvm/kmods/order for the guest's
# init. Built-in ones need nothing; one the kernel lacks is left out and
# named in /cvm/kmods/absent, so a test can tell a driver the kernel does
# not have (Debian's cloud kernels: no 9P, virtio-gpu or virtio-crypto)
# from one that failed to load.
KMODS=(virtio_pci virtio_blk virtio_rng 9pnet_virtio 9p)
[ "$mode" = --devices ] && KMODS+=(virtio_input nvme virtio_scsi sd_mod virtio_net virtio_balloon virtio_console evdev
	virtio-gpu virtio_crypto algif_skcipher)
[ "$mode" = --count ] && KMODS+=(virtio_net)
add_kmods() {
	local root=$1 base=${MODULES_DIR%/lib/modules/*} m kind path ko

	mkdir -p "$root/cvm/kmods"
	: >"$root/cvm/kmods/order"
	: >"$root/cvm/kmods/absent"
	for m in "${KMODS[@]}"; do
		if ! modprobe -d "$base" -S "$KVER" --show-depends "$m" \
			>"$work/kmod.deps" 2>/dev/null; then
			log "$KVER has no module $m"
			echo "$m" >>"$root/cvm/kmods/absent"
			continue
		fi
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			ko=$(basename "$path")
			ko=${ko%.xz} ko=${ko%.zst}
			grep -qxF "$ko" "$root/cvm/kmods/order" && continue
			case $path in
			*.xz) xz -dc "$path" ;;
			*.zst) zstd -qdc "$path" ;;
			*) cat "$path" ;;
			esac >"$root/cvm/kmods/$ko"
			echo "$ko" >>"$root/cvm/kmods/order"
		done <"$work/kmod.deps"
	done
}

# host_tools: where the kernel has no 9P (Debian's cloud kernels), what
# the tests run from the host's root instead, at the same paths under
# /host: Debian's python3 with its standard library and PyYAML, the
# kernel's YNL client and our spec. selftests/lib.sh's cvm_host_root then
# finds them there rather than mounting 9p. Made once into a cpio archive
# of its own (keyed by what goes in), appended to each such initramfs:
# the kernel unpacks concatenated archives in turn. Prints its path.
host_tools() {
	local py=/usr/bin/python3 stdlib yaml ynl spec key out h f

	stdlib=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
	yaml=$("$py" -c 'import os, yaml; print(os.path.dirname(yaml.__file__))')
	ynl=$(dirname "$("$top/scripts/kernel-tools.sh" | tail -n 1)/tools/net/ynl/cli.py")
	spec=$top/Documentation/netlink/specs/cvm.yaml
	key=$({ echo 2; "$py" --version; dpkg-query -W python3-yaml; echo "$ynl $spec"; cat "$spec"; } |
		sha256sum | cut -c1-16)
	out=$rundir/host-tools/$key.cpio.gz
	if [ ! -f "$out" ]; then
		h=$(mktemp -d "$rundir/host-tools.XXXXXX")
		mkdir -p "$h/host"/{proc,sys,dev,tmp}
		add_program "$h/host" "$(readlink -f "$py")" "$py"
		# Not the static library, tests, IDLE, Tk or the build tools: 25
		# of the 29 MiB a client does not need.
		mkdir -p "$h/host$stdlib"
		tar -C "$stdlib" -cf - --exclude=./config-3.* --exclude=./test \
			--exclude=./idlelib --exclude=./tkinter --exclude=./lib2to3 \
			--exclude=./ensurepip --exclude=./pydoc_data --exclude=./distutils . |
			tar -C "$h/host$stdlib" -xf -
		mkdir -p "$h/host$(dirname "$yaml")"
		cp -a "$yaml" "$h/host$yaml"
		for f in "$h/host$stdlib"/lib-dynload/*.so "$h/host$yaml"/*.so; do
			[ -e "$f" ] && add_program "$h/host" "${f#"$h/host"}" "${f#"$h/host"}"
		done
		mkdir -p "$h/host$ynl"
		cp -a "$ynl"/. "$h/host$ynl"
		install -D -m 0644 "$spec" "$h/host$spec"
		mkdir -p "$rundir/host-tools"
		# Without "." itself: the kernel would give the guest's root the
		# temporary directory's mode (0700), and nobody could run a thing.
		(cd "$h" && find host | cpio -o -H newc --quiet | gzip -1) >"$h.cpio.gz"
		mv "$h.cpio.gz" "$out"
		rm -rf "$h"
	fi
	echo "$out"
}

# systemd-detect-virt from bookworm-backports (scripts/systemd-cvm.sh),
# its private library where its RUNPATH looks.
add_systemd_detect_virt() {
	local root=$1 sd lib=/usr/lib/x86_64-linux-gnu/systemd

	sd=$("$top/scripts/systemd-cvm.sh" | tail -n 1)
	LD_LIBRARY_PATH=$sd$lib add_program "$root" "$sd/usr/bin/systemd-detect-virt" \
		/usr/bin/systemd-detect-virt
	install -D -m 0644 "$sd$lib"/libsystemd-shared-*.so -t "$root$lib"
	rm -rf "${root:?}$sd"
}

# A kernel built here (debug) trusts the key its build generated: the
# test modules in DIR are signed with it by the kernel's sign-file, so
# they load under lockdown and enforced signatures (--lockdown).
signed=0
sign_modules() {
	local dir=$1 key=$KBUILD_DIR/certs/signing_key.pem

	[ -f "$key" ] || return 0
	"$top/scripts/sign-modules.sh" sign "$KBUILD_DIR" "$key" \
		"$KBUILD_DIR/certs/signing_key.x509" "$dir"/*.ko 2>>"$buildlog" ||
		die "signing the test modules failed (see $buildlog)"
	signed=1
}

# install_modules ROOT NAME: cvm_core and cvm_convert of ROOT/cvm/modules
# under ROOT/cvm/NAME/lib/modules/KVER/extra, indexed by depmod.
install_modules() {
	local d=$1/cvm/$2/lib/modules/$KVER

	mkdir -p "$d/extra"
	cp "$1/cvm/modules/cvm_core.ko" "$1/cvm/modules/cvm_convert.ko" "$d/extra/"
	cp "$MODULES_DIR/modules.builtin" "$MODULES_DIR/modules.builtin.modinfo" "$d/"
	printf 'extra/cvm_core.ko\nextra/cvm_convert.ko\n' >"$d/modules.order"
	depmod -b "$1/cvm/$2" "$KVER"
}

make_initramfs() {
	local root=$work/root applet

	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,cvm/modules}
	install -m 0755 /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list-full); do
		[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
	done
	# The kernel's selftest runner times tests out with coreutils'
	# timeout --foreground, which busybox's has not.
	rm -f "$root/usr/bin/timeout"
	add_program "$root" "$(command -v timeout)" /usr/bin/timeout
	add_program "$root" "$top/tools/cvmctl/cvmctl" /usr/bin/cvmctl
	add_program "$root" "$(command -v jq)" /usr/bin/jq
	add_program "$root" "$(command -v genl-ctrl-list)" /usr/bin/genl-ctrl-list
	add_program "$root" "$(command -v promtool)" /usr/bin/promtool
	add_systemd_detect_virt "$root"
	add_kmods "$root"
	make -s -C "$top/selftests" install INSTALL_PATH="$root/cvm/selftests"
	find "$work/src/kernel" "$work/src/selftests" -name '*.ko' \
		-exec install -m 0644 {} "$root/cvm/modules/" \;
	# cvm_core and cvm_convert as `make install` leaves them without a
	# key (unsigned), with the host's depmod index: selftests/modsig.sh
	# and lockdown.sh mount this on /lib/modules to see what cvmctl says
	# of installed modules the kernel refuses; where the test modules are
	# signed, the signed ones too (installed-signed).
	install_modules "$root" installed
	sign_modules "$root/cvm/modules"
	[ "$signed" = 0 ] || install_modules "$root" installed-signed
	install -m 0755 "$top/scripts/guest-init.sh" "$root/init"
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	cat >"$root/cvm/env" <<-EOF
		CVM_EXPECT_VERSION=$(sed -n 's/^CVMGUARD_VERSION := //p' "$top/Kbuild")
		CVM_EXPECT_TECHNOLOGY=none
		CVM_NLFUZZ_MESSAGES=$([ "$name" = debug ] && echo 5000 || echo 100000)
		CVM_TESTS='${CVM_TESTS:-}'
		CVM_STRESS_DURATION='${CVM_STRESS_DURATION:-}'
		CVM_LOAD_CYCLES=${CVM_LOAD_CYCLES:-10}
		CVM_HOST_SPEC=$top/Documentation/netlink/specs/cvm.yaml
		CVM_HOST_YNL_CLI=$("$top/scripts/kernel-tools.sh" | tail -n 1)/tools/net/ynl/cli.py
		CVM_MODULES_SIGNED=$signed
	EOF
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
	if grep -qx 9p "$root/cvm/kmods/absent"; then
		cat "$(host_tools)" >>"$work/initramfs.gz"
	fi
}

# Anything the kernel says went wrong fails the run, even if tests passed.
# The guest's totals ("# N passed, M failed, K skipped") for `make check`;
# a run that failed outside the tests counts as one more failure.
count() {
	local console=$1 rc=$2 p=0 f=0 s=0 line

	line=$(tr -d '\r' <"$console" | sed -n 's/^# \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' | tail -n 1)
	[ -n "$line" ] && read -r p f s <<<"$line"
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "$p $f $s" >"$rundir/logs/$run.counts"
}

# The emulator: bookworm's QEMU, or backports' for a kernel 7.2's TCG
# cannot run (scripts/qemu-backports.sh says which and why).
qemu=(qemu-system-x86_64) qdir=''
case $name in
6.12 | 6.12-cloud)
	qdir=$("$top/scripts/qemu-backports.sh" | tail -n 1)
	qemu=(env "QEMU_MODULE_DIR=$qdir/usr/lib/x86_64-linux-gnu/qemu"
		"$qdir/usr/bin/qemu-system-x86_64" -L "$qdir/usr/share/seabios"
		-L "$qdir/usr/share/qemu") ;;
esac

# boot CONSOLE MEM APPEND: one VM, console to the terminal and CONSOLE.
# The VM is killed when the guest has not reached userspace (its init
# prints "cvmguard-guest: ") within CVM_BOOT_TIMEOUT seconds, or has not
# finished within CVM_VM_TIMEOUT.
boot() {
	local console=$1 mem=$2 append=$3 pidfile=$work/qemu.pid waited=0 rc=0

	log "booting $KVER (TCG${QEMU_CPU:+, -cpu $QEMU_CPU}${qdir:+, QEMU from ${qdir##*/}}); console log: $console"
	rm -f "$pidfile"
	: >"$console"
	timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" \
		-m "$mem" -smp 2 -nographic -no-reboot -pidfile "$pidfile" \
		${QEMU_CPU:+-cpu "$QEMU_CPU"} "${machine[@]}" "${disks[@]}" \
		-kernel "$VMLINUZ" -initrd "$work/initramfs.gz" \
		-virtfs local,path=/,mount_tag=cvmhost,security_model=none,readonly=on,multidevs=remap \
		-append "$append" </dev/null 2>&1 | tee "$console" &
	while [ -n "$(jobs -r)" ] && ! grep -aq 'cvmguard-guest: ' "$console"; do
		if [ "$waited" -ge "$boot_timeout" ]; then
			log "no userspace after ${boot_timeout}s: stopping the VM"
			kill "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait $! || rc=$?
	return "$rc"
}

# q35 with QEMU's emulated VT-d in front of every PCI device (--iommu);
# it has to come before the devices it translates.
machine=()
[ "$mode" = --iommu ] && machine=(-machine q35 -device intel-iommu)
# --count: the cvm_count TCG plugin (scripts/bench-count.sh builds it and
# sets CVM_COUNT_PLUGIN; CVM_COUNT_MEM=1 adds memory accesses and lines,
# CVM_COUNT_PROF=1 where the instructions ran)
# writes its segments to $rundir/logs/NAME-count.plugin.
if [ "$mode" = --count ]; then
	[ -n "${CVM_COUNT_PLUGIN:-}" ] || die "--count needs CVM_COUNT_PLUGIN (scripts/bench-count.sh)"
	rm -f "$rundir/logs/$run.plugin"
	machine=(-plugin "$CVM_COUNT_PLUGIN,mem=$([ "${CVM_COUNT_MEM:-0}" = 1 ] && echo on || echo off),prof=$([ "${CVM_COUNT_PROF:-0}" = 1 ] && echo on || echo off)"
		-d plugin -D "$rundir/logs/$run.plugin")
fi

# Two raw virtio disks, both using the DMA API (iommu_platform=on, as a
# confidential guest's must): serial cvmbounce for cvm_bounce's dma_map_ops
# (selftests/bounce_dev.sh), cvmswiotlb for the kernel's swiotlb.
disks=()
make_disks() {
	local s

	for s in cvmbounce cvmswiotlb; do
		rm -f "$work/$s.img"
		truncate -s 80M "$work/$s.img"
		disks+=(-drive "file=$work/$s.img,if=none,id=$s,format=raw,cache=unsafe"
			-device "virtio-blk-pci,drive=$s,serial=$s,iommu_platform=on,disable-legacy=on")
	done
}

# --count: two virtio-nets using the DMA API, one for cvm_bounce and one
# bounced by swiotlb (selftests/cvm_netcount.c), each on its own network,
# where the guest's connections to 10.0.4.100:4000 and 10.0.5.100:4000
# reach scripts/count-stream.sh on the host. No port is opened on the
# host.
make_count_nets() {
	local n

	for n in 4 5; do
		disks+=(-netdev "user,id=cvmcount$n,restrict=on,net=10.0.$n.0/24,guestfwd=tcp:10.0.$n.100:4000-cmd:$top/scripts/count-stream.sh"
			-device "virtio-net-pci,netdev=cvmcount$n,mac=52:54:00:c0:f0:0$n,iommu_platform=on,disable-legacy=on")
	done
}

# Real devices for cvm_ring's live virtqueue auditor
# (selftests/ring_auditor.sh): QEMU's virtio-rng and a small virtio-blk
# disk with serial cvmring.
make_ring_devices() {
	rm -f "$work/cvmring.img"
	truncate -s 16M "$work/cvmring.img"
	disks+=(-device virtio-rng-pci
		-drive "file=$work/cvmring.img,if=none,id=cvmring,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=cvmring,serial=cvmring")
}

# --devices: an attached disk the host can take away (id cvmhot), QEMU's
# virtio keyboard (its driver leaves its event buffers mapped when it
# unbinds), QEMU's NVMe controller (min_align_mask 0xfff), virtio-scsi,
# virtio-net with the guest's port 5000 at 127.0.0.1:$netport on the
# host and, at 10.0.2.100:4000 for the guest, the files of $work
# (scripts/host-file.sh: the guest's way to the host's files without 9P),
# a second one (packed ring, no mergeable receive buffers, its own
# network 10.0.3.0/24) with port 5001 at 127.0.0.1:$netport2, a virtio disk with a packed ring and two queues (cvmpacked),
# virtio-balloon, virtio-serial with a port (cvm.port) into
# $work/cvmport.out, virtio-gpu, virtio-crypto with QEMU's software
# backend, and the human monitor on a socket.
monitor=$work/monitor.sock
netport=
netport2=
make_real_devices() {
	rm -f "$work/cvmhot.img" "$work/cvmnvme.img" "$work/cvmscsi.img" "$monitor" \
		"$work/cvmpacked.img" "$work/cvmport.out" "$work"/cvmscreen*.ppm
	truncate -s 32M "$work/cvmhot.img"
	truncate -s 16M "$work/cvmpacked.img"
	truncate -s 16M "$work/cvmnvme.img"
	truncate -s 32M "$work/cvmscsi.img"
	netport=$(free_port)
	netport2=$(free_port)
	disks+=(-drive "file=$work/cvmhot.img,if=none,id=cvmhotdisk,format=raw,cache=unsafe"
		-device "virtio-blk-pci,id=cvmhot,drive=cvmhotdisk,serial=cvmhot,iommu_platform=on,disable-legacy=on"
		-device "virtio-keyboard-pci,id=cvminput,iommu_platform=on,disable-legacy=on"
		-drive "file=$work/cvmnvme.img,if=none,id=cvmnvme,format=raw,cache=unsafe"
		-device "nvme,drive=cvmnvme,serial=cvmnvme"
		-device "virtio-scsi-pci,id=cvmscsihba,iommu_platform=on,disable-legacy=on"
		-drive "file=$work/cvmscsi.img,if=none,id=cvmscsi,format=raw,cache=unsafe"
		-device "scsi-hd,drive=cvmscsi,serial=cvmscsi"
		-netdev "user,id=cvmnet,restrict=on,hostfwd=tcp:127.0.0.1:$netport-10.0.2.15:5000,guestfwd=tcp:10.0.2.100:4000-cmd:$top/scripts/host-file.sh $work"
		-device "virtio-net-pci,netdev=cvmnet,iommu_platform=on,disable-legacy=on"
		-netdev "user,id=cvmnet2,restrict=on,net=10.0.3.0/24,hostfwd=tcp:127.0.0.1:$netport2-10.0.3.15:5001"
		-device "virtio-net-pci,netdev=cvmnet2,mac=52:54:00:c0:ff:02,mrg_rxbuf=off,packed=on,disable-legacy=on"
		-drive "file=$work/cvmpacked.img,if=none,id=cvmpacked,format=raw,cache=unsafe"
		-device "virtio-blk-pci,drive=cvmpacked,serial=cvmpacked,packed=on,num-queues=2,disable-legacy=on"
		-device "virtio-balloon-pci,id=cvmballoon,disable-legacy=on"
		-device "virtio-serial-pci,id=cvmserial,disable-legacy=on"
		-chardev "file,id=cvmport,path=$work/cvmport.out"
		-device "virtserialport,bus=cvmserial.0,chardev=cvmport,name=cvm.port"
		-device "virtio-gpu-pci,id=cvmgpu,iommu_platform=on,disable-legacy=on"
		-object "cryptodev-backend-builtin,id=cvmcryptobe"
		-device "virtio-crypto-pci,id=cvmcrypto,cryptodev=cvmcryptobe,disable-legacy=on"
		-monitor "unix:$monitor,server=on,wait=off")
}

# A TCP port free on the host's 127.0.0.1 now.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# host_echo PORT: echoes back all the guest sends on the port that
# hostfwd forwards from 127.0.0.1:PORT.
host_echo() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=120)
n = 0
while True:
    d = s.recv(1 << 16)
    if not d:
        break
    s.sendall(d)
    n += len(d)
s.close()
print(n)' "$1"
}

# hmp COMMAND: one command on the human monitor; returns when the
# monitor prompts again, so the command has been carried out.
hmp() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(60)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
while out.count(b"(qemu)") < 2:
    d = s.recv(4096)
    if not d:
        break
    out += d' "$monitor" "$1"
}

# Carries out the guest's "cvm-host: device_del ID", "balloon MIB",
# "sendkey KEY", "screendump" and "echo" requests, each once; main() stops it when the
# VM is gone.
host_requests() {
	local console=$1 done=0 n req arg

	while sleep 1; do
		n=0
		while read -r req arg; do
			n=$((n + 1))
			[ "$n" -le "$done" ] && continue
			done=$n
			log "guest asks: $req $arg"
			case $req in
			device_del | balloon | sendkey)
				hmp "$req $arg" || log "monitor: $req $arg failed" ;;
			screendump)
				hmp "screendump $work/cvmscreen$arg.ppm cvmgpu" || log "monitor: screendump failed" ;;
			echo)
				(log "echoed $(host_echo "$netport") bytes to the guest") & ;;
			echo2)
				(log "echoed $(host_echo "$netport2") bytes to the guest's second NIC") & ;;
			esac
		done < <(tr -d '\r' <"$console" | sed -n 's/^cvm-host: \(device_del [A-Za-z0-9_-]*\|balloon [0-9]*\|sendkey [a-z0-9-]*\|echo2\?\|screendump [0-9]*\)$/\1/p')
	done
}

main() {
	local console=$rundir/logs/$run.log append start end rc=0
	local mem=${CVM_VM_MEM:-2048}

	build_modules
	make_initramfs
	make_disks
	make_ring_devices
	[ "$mode" = --devices ] && make_real_devices
	[ "$mode" = --count ] && make_count_nets
	# swiotlb=force: every DMA that cvm_bounce does not handle bounces
	# through the kernel's swiotlb, as it does in a confidential guest, so
	# the disk without cvm_bounce behaves as it would in one.
	# pci=noacpi: legacy interrupts of PCI devices are routed from the
	# BIOS table, not by running the ACPI _PRT method at every driver
	# bind; that AML loop takes half a minute under KASAN and TCG.
	append="console=ttyS0 panic=-1 oops=panic loglevel=${CVM_VM_LOGLEVEL:-5} swiotlb=force pci=noacpi"
	# TCG on a busy 2-core host starves vCPUs for many seconds (the debug
	# kernel's ACPI parsing has stalled 21 s): a stall report must mean a
	# real lockup, not the emulator.
	append+=" rcupdate.rcu_cpu_stall_timeout=120"
	# Without MP-table parsing (Debian's cloud kernels) the IRQ routing of
	# pci=noacpi leaves one CPU and no MSI domain: keep ACPI for PCI there.
	grep -qx 'CONFIG_X86_MPPARSE=y' "${KBUILD_CHROOT:-}$KBUILD_DIR/.config" ||
		append=${append/ pci=noacpi/}
	case $mode in
	--demo) append+=" cvm.demo=1" ;;
	--bench)
		append+=" cvm.bench=1 cvm.bench_batches=${CVM_BENCH_BATCHES:-200}"
		append+=" cvm.bench_ranges=${CVM_BENCH_RANGES:-100000}" ;;
	--count) append+=" cvm.count=1 cvm.count_batches=${CVM_COUNT_BATCHES:-5}"
		[ "${CVM_COUNT_PROF:-0}" = 1 ] && append+=" cvm.count_prof=1" ;;
	--harness) append+=" cvm.harness=$bug" ;;
	# swiotlb=force would make dma-iommu bounce too (and fail to probe)
	--iommu) append=${append/ swiotlb=force/}; append=${append/ pci=noacpi/}; append+=" intel_iommu=on" ;;
	# ACPI PCI hotplug (acpiphp) needs ACPI for PCI. The debug kernel
	# would run _PRT's AML at each of the many probes (over 120 s of one
	# CPU under KASAN and TCG: an RCU stall report); acpi=noirq routes
	# legacy interrupts from the BIOS table and leaves acpiphp its slots.
	--devices) append=${append/ pci=noacpi/}; append+=" cvm_host_work=$work"
		[ "$name" != debug ] || append+=" acpi=noirq" ;;
	--lockdown)
		[ "$signed" = 1 ] ||
			die "--lockdown needs a kernel that trusts a key the project holds (debug): $KVER would refuse every test module"
		append+=" lockdown=confidentiality module.sig_enforce=1" ;;
	"") ;;
	*) die "unknown option $mode" ;;
	esac
	# Hostile rings per type in ring.sh (default 100000).
	[ -n "${CVM_RING_ITERS:-}" ] && append+=" cvm.ring_iters=$CVM_RING_ITERS"
	start=$(date +%s.%N)
	local requests=
	if [ "$mode" = --devices ]; then
		: >"$console"
		host_requests "$console" &
		requests=$!
	fi
	boot "$console" "$mem" "$append" || rc=$?
	# A kernel that hangs before /init ran none of our code: under TCG on a
	# busy machine that happens now and then, so it gets one more boot.
	if ! grep -aq 'cvmguard-guest: ' "$console"; then
		log "the guest never reached userspace; booting once more"
		mv "$console" "$console.first"
		rc=0
		boot "$console" "$mem" "$append" || rc=$?
	fi
	[ -z "$requests" ] || kill "$requests" 2>/dev/null || true
	end=$(date +%s.%N)
	log "guest ran $(echo "$end - $start" | bc) s; userspace started at $(grep -ao 'up after [0-9.]*s' "$console" | tr -dc '0-9.') s of guest uptime"
	judge "$console" || rc=1
	count "$console" "$rc"
	if [ "$rc" -eq 0 ]; then log "PASS"; else log "FAIL"; fi
	return "$rc"
}

main
