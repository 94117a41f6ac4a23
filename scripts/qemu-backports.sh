#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch QEMU from bookworm-backports (10.0) for the kernels bookworm's
# QEMU 7.2 cannot run under TCG: Debian's 6.12 cloud kernel double-faults
# in the slab allocator (kmem_cache_alloc_noprof, at its cmpxchg16b fast
# path) within seconds of boot under 7.2, on every CPU model tried, with
# or without MTTCG; under 10.0 it boots and runs the suite. Only the
# packages are unpacked, into a cache directory keyed by version: nothing
# is installed on the host (bookworm's libraries serve it). The last line
# of stdout is that directory; it holds usr/bin/qemu-system-x86_64, its
# modules (QEMU_MODULE_DIR) and its firmware (-L).
set -euo pipefail

cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
suite=bookworm-backports

log() { echo "qemu-backports: $*" >&2; }

version() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' -v s="$suite" '$3 ~ s"/" { gsub(/ /, "", $2); print $2; exit }'
}

ver=$(version qemu-system-x86)
bios=$(version seabios)
[ -n "$ver" ] && [ -n "$bios" ] ||
	{ log "no qemu-system-x86 or seabios in $suite (run scripts/deps.sh)"; exit 1; }
dir=$cache/qemu-backports/${ver//:/_}

if [ ! -e "$dir/.done" ]; then
	log "unpacking QEMU $ver and SeaBIOS $bios from $suite"
	mkdir -p "$cache/qemu-backports"
	tmp=$(mktemp -d "$cache/qemu-backports/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# _apt may not enter a root-only cache directory.
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"qemu-system-x86=$ver" "qemu-system-common=$ver" \
		"qemu-system-data=$ver" "seabios=$bios" >&2)
	for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; done
	if ldd "$tmp/x/usr/bin/qemu-system-x86_64" | grep 'not found' >&2; then
		log "QEMU $ver needs libraries this host lacks (above)"
		exit 1
	fi
	rm -rf "$dir"
	mv "$tmp/x" "$dir"
	touch "$dir/.done"
fi
echo "$dir"
