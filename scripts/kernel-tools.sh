#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch the kernel's own developer tools that cvmguard uses, from Debian's
# newest packaged kernel source (linux-source of bookworm-backports, resolved
# through the metapackage): the YNL code generator and schemas
# (tools/net/ynl, Documentation/netlink), checkpatch.pl with its data, the
# kselftest headers the selftests are written with, and the kernel's
# swiotlb (kernel/dma/swiotlb.c and the two headers it reads for real),
# the reference make bench-native times cvm_bounce against, and the EFI
# header whose GUIDs cvmctl's tests take variable names from.
# Only those paths are extracted, into a cache directory keyed by version.
# The last line of stdout is that directory.
set -euo pipefail

cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
suite=bookworm-backports

log() { echo "kernel-tools: $*" >&2; }

# linux-source -> linux-source-6.x, then that package's candidate version.
pkg=$(apt-cache depends -t "$suite" linux-source 2>/dev/null |
	awk '/Depends: linux-source-/ { print $2; exit }')
[ -n "$pkg" ] || { log "cannot resolve linux-source in $suite (run scripts/deps.sh)"; exit 1; }
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
# Bump the suffix when the list of extracted paths changes.
dir=$cache/kernel-tools/$pkg-$ver-5

if [ ! -e "$dir/.done" ]; then
	log "extracting YNL, checkpatch, kselftest headers and swiotlb from $pkg $ver"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/kernel-tools.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$pkg=$ver" >&2)
	dpkg -x "$tmp"/"$pkg"_*.deb "$tmp/x"
	mkdir -p "$tmp/src"
	tar -xf "$tmp/x/usr/src/$pkg.tar.xz" -C "$tmp/src" --strip-components=1 \
		--wildcards "$pkg/tools/net/ynl/*" "$pkg/Documentation/netlink/*" \
		"$pkg/scripts/checkpatch.pl" "$pkg/scripts/spelling.txt" \
		"$pkg/scripts/const_structs.checkpatch" "$pkg/MAINTAINERS" \
		"$pkg/tools/testing/selftests/kselftest.h" \
		"$pkg/tools/testing/selftests/kselftest_harness.h" \
		"$pkg/tools/testing/selftests/lib.mk" \
		"$pkg/tools/testing/selftests/run_kselftest.sh" \
		"$pkg/tools/testing/selftests/kselftest/*" \
		"$pkg/kernel/dma/swiotlb.c" "$pkg/include/linux/swiotlb.h" \
		"$pkg/include/linux/iommu-helper.h" "$pkg/include/linux/efi.h"
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	mv "$tmp/src" "$dir"
	touch "$dir/.done"
fi
echo "$dir"
