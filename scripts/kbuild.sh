#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kbuild.sh NAME [make args...] -- build cvmguard's out-of-tree modules
# against test kernel NAME (6.1 | 6.12 | 7.3 | debug).
#
# The modules are those of the top-level Kbuild of this tree (the directory
# above scripts/), or of $CVM_KBUILD_SRC. The kernel comes from
# kernel-prep.sh, which prepares it on first use. The .ko files land in the
# source tree as with any `make -C ... M=...` build. Extra arguments go to
# make unchanged: `kbuild.sh 6.1 clean`, `kbuild.sh debug C=2`, `... W=1`.
#
# Switching kernels rebuilds everything (kbuild sees the changed command
# lines), but the objects share the source tree: never build one tree for
# two kernels at the same time; copy it (rsync) for parallel builds.

set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
# Where the source is bind-mounted inside the 7.x chroot (kernel-prep.sh
# creates this directory in the chroot).
readonly CHROOT_SRC=/mnt/src

die() { printf 'kbuild: error: %s\n' "$*" >&2; exit 1; }

# Build in a Debian 13 chroot: its headers need gcc-14 and trixie's libc.
# A private mount namespace (unshare -m) holds the bind mount of the source
# and /proc, /dev, so nothing leaks into the host's mount table, even if
# make is killed.
make_in_chroot() {
	local src=$1 chroot=$2 kbuild=$3
	shift 3
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m -- /bin/bash -c '
		set -e
		src=$1 root=$2 dst=$3 kbuild=$4
		shift 4
		mkdir -p "$root$dst"
		mount --bind "$src" "$root$dst"
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env LC_ALL=C.UTF-8 \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			make -C "$kbuild" M="$dst" "$@"' \
		make_in_chroot "$src" "$chroot" "$CHROOT_SRC" "$kbuild" "$@"
}

main() {
	local name src kdir
	[[ $# -ge 1 ]] || die "usage: $0 {6.1|6.12|7.3|debug} [make args...]"
	name=$1
	shift
	src=$(cd "${CVM_KBUILD_SRC:-$SCRIPTS_DIR/..}" && pwd)
	[[ -f $src/Kbuild || -f $src/Makefile ]] || die "no Kbuild in $src"
	kdir=$("$SCRIPTS_DIR/kernel-prep.sh" "$name" | tail -n 1)
	[[ -f $kdir/env ]] || die "kernel-prep.sh $name gave no kernel dir"
	# shellcheck source=/dev/null
	. "$kdir/env"
	# Parallel by default; a -j among the caller's arguments wins.
	set -- -j"$(nproc)" "$@"
	if [[ -z ${KBUILD_CHROOT:-} ]]; then
		exec make -C "$KBUILD_DIR" M="$src" "$@"
	fi
	make_in_chroot "$src" "$KBUILD_CHROOT" "$KBUILD_DIR" "$@"
}

main "$@"
