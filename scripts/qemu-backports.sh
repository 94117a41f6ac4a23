#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch QEMU from bookworm-backports (10.0) for the kernels bookworm's
# QEMU 7.2 cannot run under TCG: Debian's 6.12 cloud kernel double-faults
# in the slab allocator (kmem_cache_alloc_noprof, at its cmpxchg16b fast
# path) within seconds of boot under 7.2, on every CPU model tried, with
# or without MTTCG; under 10.0 it boots and runs the suite. The generic
# 6.12 kernel failed one check under 7.2 too, rarely: an int3 oops in
# get_random_u32() while another module's load patched static branches
# ("Fatal exception in interrupt" at 5 s, before any module of ours), so
# it runs under 10.0 as well. Only the
# packages are unpacked, into a cache directory keyed by version: nothing
# is installed on the host (bookworm's libraries serve it). The last line
# of stdout is that directory; it holds usr/bin/qemu-system-x86_64, its
# modules (QEMU_MODULE_DIR) and its firmware (-L).
set -euo pipefail

cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
# shellcheck source=scripts/backports.sh
. "$(dirname "$0")/backports.sh"

log() { echo "qemu-backports: $*" >&2; }

ver=$(backports_version qemu-system-x86)
bios=$(backports_version seabios)
[ -n "$ver" ] && [ -n "$bios" ] ||
	{ log "no qemu-system-x86 or seabios in bookworm-backports (run scripts/deps.sh)"; exit 1; }
dir=$cache/qemu-backports/${ver//:/_}
if [ ! -e "$dir/.done" ]; then
	log "unpacking QEMU $ver and SeaBIOS $bios from bookworm-backports"
	backports_unpack "$dir" "qemu-system-x86=$ver" "qemu-system-common=$ver" \
		"qemu-system-data=$ver" "seabios=$bios"
	if ldd "$dir/usr/bin/qemu-system-x86_64" | grep 'not found' >&2; then
		rm -rf "$dir"
		log "QEMU $ver needs libraries this host lacks (above)"
		exit 1
	fi
fi
echo "$dir"
