#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# secureboot.sh [image | run] -- the real Secure Boot path, end to end
# (`make secureboot-check`).
#
#   image  a Debian 12 disk image as a cloud guest has it: debootstrap,
#          Debian's signed shim (shim-signed), signed GRUB
#          (grub-efi-amd64-signed) and signed kernel (linux-image-amd64)
#          with its headers, dkms, mokutil, and this tree's packages
#          cvmguard-dkms and cvmctl (`make deb`) installed with dpkg, so
#          that DKMS builds the modules and signs them with its own key
#          (/var/lib/dkms/mok.key). Cached under
#          $CVM_CACHE_DIR/secureboot/; rebuilt only when an input changes
#          (this script, the guest's stage script, the packages, the
#          selftests).
#   run    (default) boot it under QEMU/TCG through OVMF with Secure Boot
#          enforcing and Microsoft's keys enrolled (Debian's ovmf:
#          OVMF_CODE_4M.secboot.fd, OVMF_VARS_4M.ms.fd), and drive it over
#          the serial console (scripts/secureboot-drive.py):
#            boot 1: Secure Boot on, lockdown=integrity, DKMS's key not
#                    trusted, so the modules are refused at boot and
#                    `cvmctl status` says why; `mokutil --import` the key;
#            MokManager (shim's, at the next boot): enrol it, password;
#            boot 2: the modules loaded at boot from modules-load.d,
#                    `cvmctl status`, and a subset of the selftests.
#
# Nothing here is installed on the host beyond Debian's packages
# (scripts/deps.sh): the image is built from files, no loop device.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
dir=$cache/secureboot
rundir=${CVM_RUN_DIR:-$cache}
mode=${1:-run}
readonly DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources
# shellcheck source=scripts/in-root.sh
. "$top/scripts/in-root.sh"
log() { echo "secureboot: $*" >&2; }
die() { log "error: $*"; exit 1; }

version=$(sed -n 's/^CVMGUARD_VERSION := //p' "$top/Kbuild")
OVMF=/usr/share/OVMF
# The root filesystem's size, and the EFI system partition's.
ROOT_MIB=3072
ESP_MIB=64
# The MOK password MokManager asks for (a throwaway test image's).
MOK_PW=cvmguard

# Packages of the guest, besides minbase: what a Debian cloud image has
# for booting under Secure Boot, and what the tests use.
PKGS=(systemd-sysv udev kmod initramfs-tools linux-image-amd64 linux-headers-amd64
	shim-signed grub-efi-amd64-signed mokutil dkms openssl
	libnl-genl-3-200 libkmod2 libnl-utils jq e2fsprogs procps)

# The inputs of the root filesystem (Debian's packages and the code that
# installs them) and of the image (the root, our packages, the guest's
# stage script, the selftests): a change to one rebuilds what depends on
# it. dpkg-buildpackage builds the same packages from the same tree.
root_key() {
	{
		echo "${PKGS[*]}"
		declare -f build_root
	} | sha256sum | cut -c1-12
}

image_key() {
	{
		echo "$1"
		declare -f install_ours add_tests make_image
		sha256sum "$rundir"/deb/cvmguard-dkms_"$version"_all.deb \
			"$rundir"/deb/cvmctl_"$version"_amd64.deb \
			"$top/scripts/secureboot-stage.sh" | cut -d' ' -f1
		(cd "$top/selftests" && git ls-files -z . | xargs -0 sha256sum)
	} | sha256sum | cut -c1-12
}

# build_root DIR: debootstrap and Debian's packages.
build_root() {
	local r=$1 mirror keyring l=$dir/build.log

	# shellcheck source=scripts/apt-sources.sh
	. "$top/scripts/apt-sources.sh"
	mirror=$(source_field bookworm URIs)
	keyring=$(source_field bookworm Signed-By)
	[[ -n $mirror ]] || die "no bookworm source in $DEBIAN_SOURCES"
	log "debootstrap bookworm (log: $l)"
	unshare -m -- debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} \
		bookworm "$r" "$mirror" >"$l" 2>&1 ||
		{ tail -n 20 "$l" >&2; die "debootstrap failed"; }
	cp "$DEBIAN_SOURCES" "$r/etc/apt/sources.list.d/"
	rm -f "$r/etc/apt/sources.list"
	# No kernel postinst may try to install a boot loader into the host.
	printf 'do_symlinks = yes\nlink_in_boot = yes\n' >"$r/etc/kernel-img.conf"
	log "apt-get install ${PKGS[*]}"
	if ! in_root "$r" apt-get update -q >>"$l" 2>&1 ||
	   ! in_root "$r" apt-get install -q -y --no-install-recommends "${PKGS[@]}" >>"$l" 2>&1; then
		tail -n 30 "$l" >&2
		die "apt-get install failed"
	fi
	in_root "$r" apt-get clean
	echo cvm-sb >"$r/etc/hostname"
	printf 'LABEL=cvmroot / ext4 rw,errors=remount-ro 0 1\n' >"$r/etc/fstab"
	# Root without a password on the serial console only: a throwaway image.
	in_root "$r" passwd -d root >/dev/null
}

# install_ours ROOT: this tree's packages, installed as an administrator
# would; DKMS builds the modules for the image's kernel and signs them
# with the key it makes on first use.
install_ours() {
	local r=$1 l=$dir/image.log

	cp "$rundir"/deb/cvmguard-dkms_"$version"_all.deb "$rundir"/deb/cvmctl_"$version"_amd64.deb "$r/tmp/"
	log "dpkg -i cvmguard-dkms cvmctl (DKMS builds and signs; log: $l)"
	in_root "$r" dpkg -i "/tmp/cvmguard-dkms_${version}_all.deb" \
		"/tmp/cvmctl_${version}_amd64.deb" >"$l" 2>&1 ||
		{ tail -n 30 "$l" >&2; die "dpkg -i failed"; }
	rm -f "$r"/tmp/*.deb
	[[ -s $r/var/lib/dkms/mok.pub ]] || die "DKMS made no signing key"
	ls "$r"/lib/modules/*/updates/dkms/cvm_core.ko* >/dev/null 2>&1 ||
		die "DKMS built no cvm_core"
}

# add_tests ROOT: the guest's stage script as a service, and the
# selftests with their helpers, built on the host (Debian 12 too).
add_tests() {
	local r=$1 l=$dir/image.log

	# The stage script runs once per boot after modules-load.d, writing to
	# the serial console; it keeps its stage in /var/lib/cvm-sb.
	install -D -m 0755 "$top/scripts/secureboot-stage.sh" "$r/usr/local/sbin/cvm-sb-stage"
	cat >"$r/etc/systemd/system/cvm-sb.service" <<-EOF
		[Unit]
		Description=cvmguard Secure Boot end-to-end stage
		After=systemd-modules-load.service local-fs.target
		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/cvm-sb-stage
		StandardOutput=tty
		StandardError=tty
		TTYPath=/dev/ttyS0
		[Install]
		WantedBy=multi-user.target
	EOF
	in_root "$r" systemctl enable cvm-sb.service >>"$l" 2>&1
	# No login on the serial console: getty's vhangup() would cut the
	# stage script off it.
	in_root "$r" systemctl mask serial-getty@ttyS0.service >>"$l" 2>&1
	# mokutil makes the password's hash only where EFI variables exist:
	# the guest does it before --import.
	echo "$MOK_PW" >"$r/etc/cvm-sb-mok.pw"
	make -s -C "$top/selftests" install INSTALL_PATH="$r/opt/cvm/selftests" >&2
	printf 'CVM_EXPECT_VERSION=%s\nCVM_EXPECT_TECHNOLOGY=none\n' "$version" >"$r/opt/cvm/env"
}

# make_image ROOT OUT: a GPT disk with an EFI system partition (shim as
# the removable-media loader, GRUB and MokManager beside it) and the
# root filesystem, made with mtools and mke2fs -d.
make_image() {
	local r=$1 out=$2 esp root kver sectors

	esp=$dir/esp.img root=$dir/root.img
	kver=$(basename "$(ls -d "$r"/lib/modules/*)")
	rm -f "$esp" "$root"
	truncate -s ${ESP_MIB}M "$esp"
	mformat -i "$esp" -F -v ESP ::
	mmd -i "$esp" ::/EFI ::/EFI/BOOT
	mcopy -i "$esp" "$r/usr/lib/shim/shimx64.efi.signed" ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i "$esp" "$r/usr/lib/shim/mmx64.efi.signed" ::/EFI/BOOT/mmx64.efi
	mcopy -i "$esp" "$r/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" ::/EFI/BOOT/grubx64.efi
	# Debian's signed GRUB reads grub.cfg beside itself when its own
	# prefix holds none.
	cat >"$dir/grub.cfg" <<-EOF
		set timeout=0
		serial --unit=0 --speed=115200
		terminal_input serial console
		terminal_output serial console
		search --no-floppy --label --set=root cvmroot
		linux /boot/vmlinuz-$kver root=LABEL=cvmroot ro console=ttyS0,115200 swiotlb=force
		initrd /boot/initrd.img-$kver
		boot
	EOF
	mcopy -i "$esp" "$dir/grub.cfg" ::/EFI/BOOT/grub.cfg
	mkfs.ext4 -q -F -L cvmroot -d "$r" "$root" ${ROOT_MIB}M
	# GPT: the ESP from 1 MiB, the root after it, 1 MiB spare at the end.
	sectors=$(((1 + ESP_MIB + ROOT_MIB + 1) * 2048))
	rm -f "$out"
	truncate -s $((sectors * 512)) "$out"
	sfdisk -q "$out" <<-EOF
		label: gpt
		start=2048, size=$((ESP_MIB * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=ESP
		start=$(((1 + ESP_MIB) * 2048)), size=$((ROOT_MIB * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name=root
	EOF
	dd if="$esp" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
	dd if="$root" of="$out" bs=1M seek=$((1 + ESP_MIB)) conv=notrunc,sparse status=none
	rm -f "$esp" "$root"
}

ensure_image() {
	local rkey ikey tar img r

	# make check's deb-check has just built them from this tree.
	[[ ${CVM_DEBS_BUILT:-0} == 1 && -s $rundir/deb/cvmctl_${version}_amd64.deb ]] ||
		"$top/scripts/deb.sh" build >/dev/null
	make -s -C "$top/selftests" >/dev/null || die "make -C selftests failed"
	mkdir -p "$dir"
	rkey=$(root_key)
	ikey=$(image_key "$rkey")
	tar=$dir/root-$rkey.tar img=$dir/debian12-sb-$ikey.img
	[[ -f $img ]] && { echo "$img"; return; }
	r=$(mktemp -d "$dir/.root.XXXXXX")
	# shellcheck disable=SC2064 # expand $r now
	trap "rm -rf '$r'" EXIT
	if [[ -f $tar ]]; then
		tar -C "$r" -xf "$tar"
	else
		rm -f "$dir"/root-*.tar
		build_root "$r"
		tar -C "$r" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
	fi
	install_ours "$r"
	add_tests "$r"
	log "disk image (mtools, mke2fs -d, sfdisk)"
	rm -f "$dir"/debian12-sb-*.img
	make_image "$r" "$img.tmp" >&2
	mv "$img.tmp" "$img"
	rm -rf "$r"
	trap - EXIT
	echo "$img"
}

do_run() {
	local img work start

	for f in "$OVMF/OVMF_CODE_4M.secboot.fd" "$OVMF/OVMF_VARS_4M.ms.fd"; do
		[[ -f $f ]] || die "$f missing: install ovmf (scripts/deps.sh)"
	done
	start=$(date +%s)
	img=$(ensure_image)
	log "image ready after $(($(date +%s) - start)) s: $img"
	work=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $work now
	trap "rm -rf '$work'" EXIT
	# A copy of the image and of the variable store for this run: the
	# cached ones stay as built.
	cp --sparse=always "$img" "$work/disk.img"
	cp "$OVMF/OVMF_VARS_4M.ms.fd" "$work/vars.fd"
	for s in cvmbounce cvmswiotlb; do
		truncate -s 80M "$work/$s.img"
	done
	mkdir -p "$rundir/logs"
	/usr/bin/python3 "$top/scripts/secureboot-drive.py" --password "$MOK_PW" \
		--log "$rundir/logs/secureboot.log" -- \
		qemu-system-x86_64 -machine q35,smm=on -m 2048 -smp 2 -nographic \
		-global driver=cfi.pflash01,property=secure,value=on \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.secboot.fd" \
		-drive "if=pflash,format=raw,unit=1,file=$work/vars.fd" \
		-drive "file=$work/disk.img,if=none,id=root,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=root,bootindex=0 \
		-drive "file=$work/cvmbounce.img,if=none,id=cvmbounce,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=cvmbounce,serial=cvmbounce,iommu_platform=on,disable-legacy=on \
		-drive "file=$work/cvmswiotlb.img,if=none,id=cvmswiotlb,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=cvmswiotlb,serial=cvmswiotlb,iommu_platform=on,disable-legacy=on
	log "PASS after $(($(date +%s) - start)) s"
}

case $mode in
image) ensure_image ;;
run) do_run ;;
*) die "usage: $0 [image | run]" ;;
esac
