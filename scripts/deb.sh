#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deb.sh [build [OUTDIR] | check] -- the Debian packages of cvmguard.
#
#   build    (`make deb`) with Debian's own tooling: dpkg-buildpackage
#            builds cvmguard-dkms (the module sources; DKMS builds and
#            signs them for every kernel installed, dh_dkms writes the
#            maintainer scripts) and cvmctl (binary, man pages, bash
#            completion, the administrator's guide, modprobe.d and
#            modules-load.d examples) from a copy of the tree's tracked
#            files, then lintian checks them: any error or warning fails.
#            The packages land in OUTDIR (default $CVM_RUN_DIR/deb, i.e.
#            /var/cache/cvmguard/deb).
#   check    (`make deb-check`, in `make check`) build, then install both
#            with dpkg in a Debian 12 root that has what a guest has
#            (debootstrap minbase, dkms, Debian's headers of the cached 6.1
#            test kernel; cached under $CVM_CACHE_DIR/chroot/): DKMS must
#            build and sign every module for that kernel, cvmctl and its
#            files must be in place, and a purge must leave nothing.
#
# The version is CVMGUARD_VERSION of ./Kbuild and must be the one
# debian/changelog names.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
mode=${1:-build}
out=${2:-${CVM_RUN_DIR:-$cache}/deb}

# The machine's deb822 sources (scripts/apt-sources.sh): no mirror is named here.
readonly DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources
# shellcheck source=scripts/in-root.sh
. "$top/scripts/in-root.sh"
log() { echo "deb: $*" >&2; }
die() { log "error: $*"; exit 1; }

version=$(sed -n 's/^CVMGUARD_VERSION := //p' "$top/Kbuild")

do_build() {
	local tmp src t changelog

	for t in dpkg-buildpackage dh dh_dkms lintian; do
		command -v "$t" >/dev/null ||
			die "$t not found: install debhelper, dh-dkms and lintian (scripts/deps.sh)"
	done
	changelog=$(cd "$top" && dpkg-parsechangelog -S Version)
	[[ $version == "$changelog" ]] ||
		die "Kbuild says $version, debian/changelog $changelog: add a changelog entry (dch -v $version)"

	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $tmp now
	trap "rm -rf '$tmp'" EXIT
	src=$tmp/cvmguard-$version
	mkdir -p "$src"
	# What git tracks, as it is in the working tree: never build products.
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z | tar --null -cf - -T -) | tar -xf - -C "$src"
	else
		(cd "$top" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.d' \
			--exclude='*.cmd' --exclude='*.mod*' .) | tar -xf - -C "$src"
	fi
	log "building cvmguard $version (log: $out/build.log)"
	mkdir -p "$out"
	if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
		tail -n 30 "$out/build.log" >&2
		die "dpkg-buildpackage failed (full log: $out/build.log)"
	fi
	# lintian refuses to run as root without this; it only reads the files.
	if ! lintian --allow-root --fail-on error,warning --pedantic -I \
		"$tmp"/cvmguard_"${version}"_*.changes >"$out/lintian.log" 2>&1; then
		cat "$out/lintian.log" >&2
		die "lintian found errors or warnings (above)"
	fi
	rm -f "$out"/*.deb
	cp "$tmp"/*.deb "$out/"
	log "lintian: $(grep -c '^[EW]:' "$out/lintian.log" || true) errors or warnings, $(grep -c '^[IP]:' "$out/lintian.log" || true) notes"
	for d in "$out"/*.deb; do
		echo "$d"
	done
}

# The Debian 12 root the packages are installed in: minbase, dkms and
# what cvmctl links, then Debian's headers of kernel $1 from the
# machine's own bookworm sources, as `apt install linux-headers-amd64`
# gives a guest. Built once per kernel release, kept as a tarball.
ensure_root() {
	local kver=$1 tar=$cache/chroot/bookworm-deb-$1.tar tmp mirror keyring

	[[ -f $tar ]] && { echo "$tar"; return; }
	# shellcheck source=scripts/apt-sources.sh
	. "$top/scripts/apt-sources.sh"
	mirror=$(source_field bookworm URIs)
	keyring=$(source_field bookworm Signed-By)
	[[ -n $mirror ]] || die "no bookworm source in /etc/apt/sources.list.d/debian.sources"
	tmp=$(mktemp -d "$cache/chroot/.bookworm-deb.XXXXXX")
	log "debootstrap bookworm with dkms and linux-headers-$kver (one-off)"
	unshare -m -- debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} \
		--include=dkms,openssl,libnl-genl-3-200,libkmod2 bookworm "$tmp" "$mirror" \
		>"$cache/chroot/bookworm-deb.log" 2>&1 ||
		{ tail -n 20 "$cache/chroot/bookworm-deb.log" >&2; rm -rf "$tmp"; die "debootstrap failed"; }
	cp /etc/apt/sources.list.d/debian.sources "$tmp/etc/apt/sources.list.d/"
	rm -f "$tmp/etc/apt/sources.list"
	in_root "$tmp" apt-get update -q >>"$cache/chroot/bookworm-deb.log" 2>&1 &&
	in_root "$tmp" apt-get install -q -y --no-install-recommends "linux-headers-$kver" \
		>>"$cache/chroot/bookworm-deb.log" 2>&1 ||
		{ tail -n 20 "$cache/chroot/bookworm-deb.log" >&2; rm -rf "$tmp"; die "linux-headers-$kver did not install"; }
	in_root "$tmp" apt-get clean
	tar -C "$tmp" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
	rm -rf "$tmp"
	echo "$tar"
}

do_check() {
	local kdir tar root dir m mods=(cvm_core cvm_convert cvm_bounce cvm_ring) f

	kdir=$("$top/scripts/kernel-prep.sh" 6.1 | tail -n 1)
	# shellcheck source=/dev/null
	. "$kdir/env"
	do_build >/dev/null
	mkdir -p "$cache/chroot"
	tar=$(ensure_root "$KVER")
	root=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $root now
	trap "rm -rf '$root'" EXIT
	tar -C "$root" -xf "$tar"
	cp "$out"/cvmguard-dkms_"$version"_all.deb "$out"/cvmctl_"$version"_amd64.deb "$root/tmp/"
	log "dpkg -i cvmguard-dkms cvmctl (DKMS builds for $KVER)"
	if ! in_root "$root" dpkg -i "/tmp/cvmguard-dkms_${version}_all.deb" \
		"/tmp/cvmctl_${version}_amd64.deb" >"$out/install.log" 2>&1; then
		cat "$out/install.log" >&2
		die "dpkg -i failed"
	fi
	grep -q 'bad exit status' "$out/install.log" &&
		{ cat "$out/install.log" >&2; die "a DKMS step failed (above)"; }
	dir=$root/lib/modules/$KVER/updates/dkms
	for m in "${mods[@]}"; do
		ls "$dir/$m.ko"* >/dev/null 2>&1 ||
			{ cat "$out/install.log" >&2; die "DKMS installed no $m for $KVER"; }
	done
	# Signed with the key DKMS made on first use, which `mokutil --import`
	# would enrol.
	"$top/scripts/sign-modules.sh" verify "$root/var/lib/dkms/mok.pub" "$dir"/cvm_*.ko* ||
		die "the installed modules are not signed with DKMS's key"
	[[ $(in_root "$root" cvmctl --version) == "cvmctl $version" ]] ||
		die "cvmctl --version: $(in_root "$root" cvmctl --version 2>&1)"
	for f in /usr/share/man/man8/cvmctl.8.gz /usr/share/man/man7/cvmguard.7.gz \
		/usr/share/man/man8/cvmctl-{config,conversions,load,metrics,monitor}.8.gz \
		/usr/share/man/man8/cvmctl-{pool,rings,set,status,swiotlb}.8.gz \
		/usr/share/bash-completion/completions/cvmctl \
		/usr/share/doc/cvmguard/admin-guide.md.gz \
		/usr/share/doc/cvmctl/examples/modprobe.d/cvmguard.conf \
		/usr/lib/modules-load.d/cvmguard.conf; do
		[[ -s $root$f ]] || die "$f is not installed"
	done
	# modprobe finds them (depmod ran): what systemd-modules-load asks for.
	[[ $(in_root "$root" modprobe -n -v -S "$KVER" cvm_convert) == *updates/dkms/cvm_convert.ko* ]] ||
		die "modprobe cannot find cvm_convert for $KVER"
	log "dpkg --purge"
	in_root "$root" dpkg --purge cvmctl cvmguard-dkms >>"$out/install.log" 2>&1 ||
		{ cat "$out/install.log" >&2; die "dpkg --purge failed"; }
	[[ -z $(ls "$dir"/cvm_* 2>/dev/null) && ! -e $root/usr/src/cvmguard-$version &&
	   ! -e $root/var/lib/dkms/cvmguard && ! -e $root/usr/sbin/cvmctl ]] ||
		die "the purge left files behind"
	log "PASS: installed, DKMS built and signed ${mods[*]} for $KVER, purged clean"
}

case $mode in
build) do_build ;;
check) do_check ;;
*) die "usage: $0 [build [OUTDIR] | check]" ;;
esac
