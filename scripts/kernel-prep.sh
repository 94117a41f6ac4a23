#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-prep.sh NAME -- prepare one kernel of the cvmguard test matrix.
#
#   NAME    6.1 | 6.12 | 7.3 | debug, or 6.1-cloud | 6.12-cloud | 7.3-cloud:
#           the same suites' linux-image-cloud-amd64, the kernel Debian's
#           own cloud images boot on Azure, GCP and AWS
#
# Everything goes into a cache outside the work tree, keyed by package
# version, so a second run only resolves the version and returns:
#
#   ${CVM_CACHE_DIR:-/var/cache/cvmguard}/
#     kernels/<NAME>-<version>/      one kernel; complete once .done exists
#       vmlinuz                      bzImage for qemu -kernel
#       kver                         its `uname -r`
#       env                          sourceable: KERNEL_NAME KVER PKG_VERSION
#                                    KERNEL_DIR VMLINUZ MODULES_DIR KBUILD_DIR
#                                    KBUILD_CHROOT QEMU_CPU
#       build                        kbuild dir for `make -C build M=...`
#       modules/lib/modules/<kver>/  in-tree modules + modules.dep (depmod -b)
#       modules -> root              (packaged kernels) ...
#       root/                        dpkg -x of the image debs (and, for 6.x,
#                                    the headers, -common and linux-kbuild)
#       build.log                    (debug) the kernel build log
#     chroot/trixie/                 Debian 13 chroot holding the 7.x headers
#     src/debug-<version>/           (debug) source tree while it builds
#
# <version> is the version of Debian's linux-image-amd64/linux-headers-amd64
# metapackages (= the linux source upload) in the kernel's suite; for debug
# it is the linux-source-6.1 version plus a hash of scripts/debug.config.
# Packaged modules are as Debian ships them: .ko for 6.1, .ko.xz for 6.12
# and 7.x (load with modprobe/kmod, or decompress for busybox insmod).
# Progress goes to stderr; the last line of stdout is the kernel dir.
#
# Building modules: source "$dir/env", then
#   make -C "$KBUILD_DIR" M="$src"                  when KBUILD_CHROOT is empty
# For 7.x KBUILD_CHROOT is set: the headers need Debian 13's gcc-14 and libc,
# and KBUILD_DIR is a path inside the chroot. Bind-mount the source into the
# chroot in a private mount namespace (unshare -m), so the mount disappears
# with the command and never leaks, and run make there:
#   unshare -m -- sh -c 'mount --bind "$1" "$2/mnt/src" &&
#                        exec chroot "$2" make -C "$3" M=/mnt/src' \
#       sh "$src" "$KBUILD_CHROOT" "$KBUILD_DIR"
# scripts/kbuild.sh does exactly that (plus /proc and /dev).
#
# Environment: CVM_CACHE_DIR, CVM_JOBS (debug build parallelism),
# CVM_KEEP_SRC=1 (keep the debug source tree), CVM_NO_DEPS=1 (skip deps.sh).

set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
# Absolute: the paths end up in env files and in a headers Makefile.
CACHE=$(realpath -m "${CVM_CACHE_DIR:-/var/cache/cvmguard}")
readonly CACHE
readonly DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources
readonly CHROOT=$CACHE/chroot/trixie
# Where kbuild.sh bind-mounts the module source inside the chroot.
readonly CHROOT_SRC=/mnt/src
export DEBIAN_FRONTEND=noninteractive

log() { printf 'kernel-prep: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	echo "usage: $0 {6.1|6.12|7.3|debug|6.1-cloud|6.12-cloud|7.3-cloud}" >&2
	exit 2
}

# shellcheck source=scripts/apt-sources.sh
. "$SCRIPTS_DIR/apt-sources.sh"

mirror_uri() {
	local uri
	uri=$(source_field bookworm URIs)
	[[ -n $uri ]] || die "no bookworm stanza with URIs in $DEBIAN_SOURCES"
	echo "$uri"
}

# ---------------------------------------------------------------------------
# apt helpers. APT_IN is empty for the host, or (chroot DIR) for the chroot;
# apt-cache needs no /proc or /dev, so plain chroot is enough for look-ups.

APT_IN=()

# Print "PKG VERSION" for each package of $1 (space separated): the highest
# version apt knows from any of the suites $2... One apt-cache call for all,
# because each call costs a few hundred ms and the warm path wants < 1 s.
best_versions() {
	local pkgs=$1 pkg v where suite
	shift
	declare -A best=()
	# shellcheck disable=SC2086 # word-split list of package names
	while IFS='|' read -r pkg v where; do
		pkg=${pkg// /}
		v=${v// /}
		suite=$(awk '{ print $2 }' <<<"$where")
		suite=${suite%%/*}
		[[ " $* " == *" $suite "* ]] || continue
		if [[ -z ${best[$pkg]:-} ]] || dpkg --compare-versions "$v" gt "${best[$pkg]}"; then
			best[$pkg]=$v
		fi
	done < <("${APT_IN[@]}" apt-cache madison $pkgs)
	for pkg in $pkgs; do
		echo "$pkg ${best[$pkg]:-}"
	done
}

best_version() {
	local pkg=$1
	shift
	best_versions "$pkg" "$@" | awk '{ print $2 }'
}

# Print "name version" of the first dependency of $1=$2 whose name matches
# the extended regex $3 (first alternative of an "a | b" group).
dep_of() {
	local pkg=$1 ver=$2 re=$3 deps dep name
	deps=$("${APT_IN[@]}" apt-cache show "$pkg=$ver" |
		sed -n 's/^Depends: //p' | head -n 1)
	IFS=',' read -ra deps <<<"$deps"
	for dep in "${deps[@]}"; do
		dep=${dep%%|*}
		name=$(awk '{ print $1 }' <<<"$dep")
		if [[ $name =~ $re ]]; then
			echo "$name $(sed -n 's/.*(= \(.*\)).*/\1/p' <<<"$dep")"
			return
		fi
	done
	die "$pkg=$ver has no dependency matching $re"
}

# Set META_VER: the version of the linux-headers-amd64 / linux-image-amd64
# metapackages in suites $@ (one upload of Debian's linux source package).
# It keys the cache, so the warm path needs only this one apt-cache call.
resolve_meta() {
	local hdr_meta img_meta
	{
		read -r _ hdr_meta
		read -r _ img_meta
	} < <(best_versions "linux-headers-$FLAVOUR linux-image-$FLAVOUR" "$@")
	[[ -n $hdr_meta ]] || die "no linux-headers-$FLAVOUR in suites: $*"
	# A mismatch means the mirror is mid-sync and the headers would not
	# match the image.
	[[ $img_meta == "$hdr_meta" ]] ||
		die "linux-image-$FLAVOUR $img_meta != linux-headers-$FLAVOUR $hdr_meta in $*"
	META_VER=$hdr_meta
}

# Resolve the versioned package names through the metapackages (never
# pinned here). Sets IMG IMG_VER HDR HDR_VER COMMON COMMON_VER KBUILD
# KBUILD_VER KVER.
resolve_packages() {
	read -r HDR HDR_VER < <(dep_of "linux-headers-$FLAVOUR" "$META_VER" '^linux-headers-')
	read -r IMG IMG_VER < <(dep_of "linux-image-$FLAVOUR" "$META_VER" '^linux-image-')
	read -r COMMON COMMON_VER < <(dep_of "$HDR" "$HDR_VER" '^linux-headers-.*-common$')
	read -r KBUILD _ < <(dep_of "$HDR" "$HDR_VER" '^linux-kbuild-')
	# linux-kbuild is depended on unversioned or with >=; take the newest.
	KBUILD_VER=$(best_version "$KBUILD" "$@")
	KVER=${HDR#linux-headers-}
	[[ -n $IMG_VER && -n $HDR_VER && -n $COMMON_VER && -n $KBUILD_VER ]] ||
		die "could not resolve all kernel packages for $*"
}

# Print pkg=ver of the image package and of the packages it is split into:
# from 7.x on, linux-image-<kver> is empty and depends on linux-binary-,
# linux-modules- and linux-base-<kver> of the same version.
image_packages() {
	local deps dep name
	echo "$IMG=$IMG_VER"
	deps=$("${APT_IN[@]}" apt-cache show "$IMG=$IMG_VER" |
		sed -n 's/^Depends: //p' | head -n 1)
	IFS=',' read -ra deps <<<"$deps"
	for dep in "${deps[@]}"; do
		dep=${dep%%|*}
		name=$(awk '{ print $1 }' <<<"$dep")
		if [[ $name == *-"$KVER" && $dep == *"(= $IMG_VER)"* ]]; then
			echo "$name=$IMG_VER"
		fi
	done
}

# Download pkg=ver... into directory $1 with apt-get download. If the
# mirror no longer has them, the lists are stale: update once and re-run
# the whole script so the version (and the cache key) is resolved anew.
download() {
	local dir=$1 indir=$1
	shift
	mkdir -p "$dir"
	# chroot(1) starts in /: give apt the directory as seen inside.
	((${#APT_IN[@]} == 0)) || indir=${dir#"$CHROOT"}
	# apt downloads as user _apt (whose uid may differ in the chroot).
	# shellcheck disable=SC2016 # expanded by the inner sh
	if "${APT_IN[@]}" /bin/sh -c 'cd "$1" && { chown _apt: . 2>/dev/null || :; } &&
		shift && exec apt-get download -q "$@"' sh "$indir" "$@" >&2; then
		return
	fi
	[[ -z ${CVM_PREP_RETRIED:-} ]] || die "apt-get download $* failed"
	log "download failed; refreshing package lists and retrying"
	"${APT_IN[@]}" apt-get update -q >&2
	exec 9>&-
	CVM_PREP_RETRIED=1 exec "$SCRIPTS_DIR/kernel-prep.sh" "$NAME"
}

# ---------------------------------------------------------------------------
# Kernel dir helpers.

# True when kernel dir $1 is complete; then print it (last stdout line).
cache_hit() {
	local kdir=$1
	[[ -f $kdir/.done ]] || return 1
	log "cached: $kdir"
	echo "$kdir"
}

# Start a kernel dir from scratch: a dir without .done is a crashed run.
fresh_dir() {
	rm -rf "$1"
	mkdir -p "$1"
}

# Write the sourceable env file and the kver file, then the .done stamp.
finish_dir() {
	local kdir=$1 kver=$2 pkgver=$3 kbuild_dir=$4 chroot=$5 qemu_cpu=$6
	echo "$kver" >"$kdir/kver"
	{
		echo "# generated by scripts/kernel-prep.sh $NAME"
		printf 'KERNEL_NAME=%q\n' "$NAME"
		printf 'KVER=%q\n' "$kver"
		printf 'PKG_VERSION=%q\n' "$pkgver"
		printf 'KERNEL_DIR=%q\n' "$kdir"
		printf 'VMLINUZ=%q\n' "$kdir/vmlinuz"
		printf 'MODULES_DIR=%q\n' "$kdir/modules/lib/modules/$kver"
		printf 'KBUILD_DIR=%q\n' "$kbuild_dir"
		printf 'KBUILD_CHROOT=%q\n' "$chroot"
		printf 'QEMU_CPU=%q\n' "$qemu_cpu"
	} >"$kdir/env"
	[[ -s $kdir/vmlinuz ]] || die "$kdir/vmlinuz missing"
	touch "$kdir/.done"
	log "ready: $kdir ($(du -sh "$kdir" | cut -f1))"
	echo "$kdir"
}

# Unpack the image deb(s) in $1/dl into $1/root, move vmlinuz out, make
# modules/lib/modules/<kver> and generate modules.dep for it.
unpack_image() {
	local kdir=$1 kver=$2 deb vmlinuz
	for deb in "$kdir"/dl/*.deb; do
		dpkg -x "$deb" "$kdir/root"
	done
	rm -rf "$kdir/dl" "$kdir/root/usr/share/doc"
	# Debian 13 packages ship /usr/lib/modules (merged /usr); bookworm's
	# depmod -b and the initramfs builders expect <base>/lib/modules.
	if [[ -d $kdir/root/usr/lib/modules/$kver ]]; then
		mkdir -p "$kdir/root/lib/modules/$kver"
		cp -al "$kdir/root/usr/lib/modules/$kver/." "$kdir/root/lib/modules/$kver/"
		rm -rf "$kdir/root/usr/lib/modules"
	fi
	[[ -d $kdir/root/lib/modules/$kver/kernel ]] || die "no modules for $kver in image"
	# 6.x: /boot/vmlinuz-<kver>; 7.x: /usr/lib/modules/<kver>/vmlinuz.
	for vmlinuz in "$kdir/root/boot/vmlinuz-$kver" "$kdir/root/lib/modules/$kver/vmlinuz" ""; do
		[[ -f $vmlinuz ]] && break
	done
	[[ -n $vmlinuz ]] || die "no vmlinuz for $kver in image"
	# Moved, not linked: whoever copies the modules tree into an initramfs
	# should not drag a second kernel image along.
	mv "$vmlinuz" "$kdir/vmlinuz"
	ln -s root "$kdir/modules"
	depmod -b "$kdir/root" "$kver"
}

# Packaged headers carry absolute paths for an installed system: the
# include line of the flavour Makefile and the build/source links of
# /lib/modules/<kver>. Point them into the extracted root.
fix_headers() {
	local kdir=$1 kver=$2 root=$1/root link target
	sed -i "s|^include /usr/src/|include $root/usr/src/|" \
		"$root/usr/src/linux-headers-$kver/Makefile"
	while IFS= read -r link; do
		target=$(readlink "$link")
		ln -sfn "$root$target" "$link"
	done < <(find "$root" -type l -lname '/*')
	ln -s "root/usr/src/linux-headers-$kver" "$kdir/build"
}

# ---------------------------------------------------------------------------
# 6.1 and 6.12: Debian 12's own kernel packages, downloaded, never installed.

prep_bookworm() {
	local kdir debs
	resolve_meta "$@"
	kdir=$CACHE/kernels/$NAME-$META_VER
	cache_hit "$kdir" && return
	resolve_packages "$@"
	log "$NAME: $IMG $IMG_VER, $HDR, $COMMON, $KBUILD $KBUILD_VER"
	fresh_dir "$kdir"
	mapfile -t debs < <(image_packages)
	download "$kdir/dl" "${debs[@]}" "$HDR=$HDR_VER" \
		"$COMMON=$COMMON_VER" "$KBUILD=$KBUILD_VER"
	unpack_image "$kdir" "$KVER"
	fix_headers "$kdir" "$KVER"
	finish_dir "$kdir" "$KVER" "$META_VER" "$kdir/build" "" ""
}

# ---------------------------------------------------------------------------
# 7.x: Debian 13 backports. Its kbuild (gcc-14, trixie libc) only runs in a
# Debian 13 chroot, which is built once and shared by all 7.x uploads.

# shellcheck source=scripts/in-root.sh
. "$SCRIPTS_DIR/in-root.sh"
# Run a command in the Debian 13 chroot (in-root.sh).
chroot_run() {
	in_root "$CHROOT" "$@"
}

# deb822 sources for trixie, trixie-updates, trixie-backports and security,
# using the host's mirrors and keyring path.
write_chroot_sources() {
	local dir=$1 mirror=$2 security keyring
	security=$(source_field bookworm-security URIs)
	keyring=$(source_field bookworm Signed-By)
	keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
	# The chroot has its own debian-archive-keyring; copy the host's file in
	# if it lives elsewhere (a local mirror with its own key).
	if [[ ! -e $dir$keyring ]]; then
		mkdir -p "$(dirname "$dir$keyring")"
		cp "$keyring" "$dir$keyring"
	fi
	rm -f "$dir/etc/apt/sources.list"
	{
		printf 'Types: deb\nURIs: %s\nSuites: trixie trixie-updates trixie-backports\n' "$mirror"
		printf 'Components: main\nSigned-By: %s\n' "$keyring"
		if [[ -n $security ]]; then
			printf '\nTypes: deb\nURIs: %s\nSuites: trixie-security\n' "$security"
			printf 'Components: main\nSigned-By: %s\n' "$keyring"
		fi
	} >"$dir/etc/apt/sources.list.d/debian.sources"
}

ensure_chroot() {
	local mirror tmp keyring
	[[ -f $CHROOT/.cvm-chroot-done ]] && return
	mirror=$(mirror_uri)
	keyring=$(source_field bookworm Signed-By)
	tmp=$CHROOT.tmp
	rm -rf "$tmp"
	mkdir -p "$(dirname "$CHROOT")"
	log "debootstrap trixie from $mirror (one-off, a minute or more)"
	# Private mount namespace: debootstrap mounts /proc and /sys in the
	# target and would leave them behind if it died.
	unshare -m -- debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} \
		trixie "$tmp" "$mirror" >&2
	write_chroot_sources "$tmp" "$mirror"
	mkdir -p "$tmp$CHROOT_SRC"
	rm -rf "$CHROOT"
	mv "$tmp" "$CHROOT"
	chroot_run apt-get update -q >&2
	touch "$CHROOT/.cvm-chroot-done"
}

prep_trixie() {
	local kdir kbuild_dir major debs
	ensure_chroot
	APT_IN=(chroot "$CHROOT")
	resolve_meta trixie-backports
	major=${META_VER%%.*}
	# NAME 7.3 means "the newest Debian 13 backports kernel"; it must at
	# least be a 7.x or later, or the matrix lost its newest entry.
	((major >= 7)) || die "trixie-backports carries $META_VER, not a 7.x kernel"
	[[ $META_VER == 7.3[.-]* ]] || log "note: newest trixie-backports kernel is $META_VER, used for $NAME"
	kdir=$CACHE/kernels/$NAME-$META_VER
	# The chroot's headers must still be those of this kdir (env says where).
	if [[ -f $kdir/.done ]]; then
		kbuild_dir=$(sed -n "s/^KBUILD_DIR=//p" "$kdir/env")
		[[ -f $CHROOT$kbuild_dir/Makefile ]] && cache_hit "$kdir" && return
	fi
	resolve_packages trixie-backports
	kbuild_dir=/usr/src/linux-headers-$KVER
	log "$NAME: $IMG $IMG_VER, $HDR $HDR_VER (in $CHROOT)"
	fresh_dir "$kdir"
	# Pin the metapackage version so apt cannot pick something newer than
	# what the cache key says; make/gcc/kmod are what kbuild runs.
	chroot_run apt-get install -y -q --no-install-recommends -t trixie-backports \
		"linux-headers-$FLAVOUR=$META_VER" make gcc kmod >&2
	[[ -f $CHROOT$kbuild_dir/Makefile ]] || die "$kbuild_dir not installed in chroot"
	# The .debs are not needed again (a new upload is a new download).
	chroot_run apt-get clean
	rm -rf "$CHROOT/tmp/cvm-dl"
	mapfile -t debs < <(image_packages)
	download "$CHROOT/tmp/cvm-dl" "${debs[@]}"
	mv "$CHROOT/tmp/cvm-dl" "$kdir/dl"
	unpack_image "$kdir" "$KVER"
	ln -s "$CHROOT$kbuild_dir" "$kdir/build"
	finish_dir "$kdir" "$KVER" "$META_VER" "$kbuild_dir" "$CHROOT" max
}

# ---------------------------------------------------------------------------
# debug: tinyconfig 6.1 from linux-source-6.1 with scripts/debug.config.

# Fail listing every line of fragment $1 that is not in .config $2.
verify_fragment() {
	local frag=$1 cfg=$2 line sym bad=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" ||
				bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$cfg" || echo undefined))")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$cfg"; then
				bad+=("$line (got: $(grep "^$sym=" "$cfg"))")
			fi
			;;
		esac
	done <"$frag"
	((${#bad[@]} == 0)) && return
	log "options of $frag that did not take effect after olddefconfig:"
	printf '  %s\n' "${bad[@]}" >&2
	die "debug config incomplete (a dependency is missing from the fragment?)"
}

configure_debug() {
	local src=$1 frag=$SCRIPTS_DIR/debug.config
	log "configuring: tinyconfig + kvm_guest.config + $frag"
	# tinyconfig chatters about every override of its own merge; only
	# the result matters, and verify_fragment checks it.
	make -s -C "$src" ARCH=x86_64 tinyconfig >/dev/null
	(cd "$src" && ARCH=x86_64 ./scripts/kconfig/merge_config.sh -m .config \
		kernel/configs/kvm_guest.config "$frag" >/dev/null)
	make -s -C "$src" ARCH=x86_64 olddefconfig >&2
	verify_fragment "$frag" "$src/.config"
}

# Copy what an out-of-tree module build needs from built tree $1 into $2:
# the same file set as the kernel's own deb packaging (deploy_kernel_headers
# in scripts/package/builddeb), which is what Debian's headers hold too.
install_headers() {
	local src=$1 dst=$2
	mkdir -p "$dst"
	(
		cd "$src"
		{
			find . arch/x86 -maxdepth 1 -name 'Makefile*'
			find include scripts -type f -o -type l
			find arch/x86 -name Kbuild.platforms -o -name Platform
			# shellcheck disable=SC2046 # no spaces in kernel paths
			find $(find arch/x86 -name include -o -name scripts -type d) -type f
			find arch/x86/include Module.symvers -type f
			echo .config
			echo System.map
			echo tools/objtool/objtool
		} | grep -v -e '\.o$' -e '/\.[^/]*\.cmd$' | sort -u |
			tar -c -f - -T - | tar -x -f - -C "$dst"
	)
}

prep_debug() {
	local srcver hash key kdir src jobs kver tarball=/usr/src/linux-source-6.1.tar.xz
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	hash=$(sha256sum "$SCRIPTS_DIR/debug.config" | cut -c1-8)
	key=$srcver-$hash
	kdir=$CACHE/kernels/debug-$key
	cache_hit "$kdir" && return
	src=$CACHE/src/debug-$key
	# Keep an already extracted tree: after a failed build, make resumes.
	if [[ ! -f $src/.cvm-extracted ]]; then
		log "extracting $tarball"
		rm -rf "$src"
		mkdir -p "$src"
		tar -xJf "$tarball" -C "$src" --strip-components=1
		touch "$src/.cvm-extracted"
	fi
	configure_debug "$src"
	jobs=${CVM_JOBS:-$(nproc)}
	fresh_dir "$kdir"
	log "building bzImage + modules with -j$jobs (log: $kdir/build.log)"
	if ! nice -n 10 make -C "$src" ARCH=x86_64 -j"$jobs" bzImage modules \
		>"$kdir/build.log" 2>&1; then
		tail -n 40 "$kdir/build.log" >&2
		die "debug kernel build failed; full log in $kdir/build.log"
	fi
	kver=$(make -s -C "$src" ARCH=x86_64 kernelrelease)
	cp "$src/arch/x86/boot/bzImage" "$kdir/vmlinuz"
	install_headers "$src" "$kdir/build"
	# The key the build generated and the kernel trusts: kbuild's
	# modules_install and vm-run.sh sign out-of-tree modules with it, as
	# they do the kernel's own. A private key of a throwaway test kernel.
	install -D -m 0600 "$src/certs/signing_key.pem" "$kdir/build/certs/signing_key.pem"
	install -D -m 0644 "$src/certs/signing_key.x509" "$kdir/build/certs/signing_key.x509"
	make -s -C "$src" ARCH=x86_64 INSTALL_MOD_PATH="$kdir/modules" \
		modules_install >&2
	# modules_install links build/source to the source tree, which goes away.
	rm -f "$kdir/modules/lib/modules/$kver/build" "$kdir/modules/lib/modules/$kver/source"
	[[ -n ${CVM_KEEP_SRC:-} ]] || rm -rf "$src"
	finish_dir "$kdir" "$kver" "$srcver" "$kdir/build" "" ""
}

# ---------------------------------------------------------------------------

main() {
	[[ $# -eq 1 ]] || usage
	NAME=$1
	[[ $(id -u) -eq 0 ]] || die "must run as root (apt, debootstrap, chroot)"
	[[ -n ${CVM_NO_DEPS:-} ]] || "$SCRIPTS_DIR/deps.sh" >&2
	mkdir -p "$CACHE/kernels"
	# One prep per kernel at a time (parallel make targets, CI retries).
	exec 9>"$CACHE/.lock-$NAME"
	flock 9
	# The flavour of Debian's kernel metapackages: linux-image-amd64 or
	# linux-image-cloud-amd64 (and their headers).
	FLAVOUR=amd64
	[[ $NAME != *-cloud ]] || FLAVOUR=cloud-amd64
	case $NAME in
	6.1 | 6.1-cloud) prep_bookworm bookworm bookworm-updates bookworm-security ;;
	6.12 | 6.12-cloud) prep_bookworm bookworm-backports ;;
	7.3 | 7.3-cloud) prep_trixie ;;
	debug) prep_debug ;;
	*) usage ;;
	esac
}

main "$@"
