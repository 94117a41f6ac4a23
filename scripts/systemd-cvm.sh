#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch a systemd-detect-virt that knows --cvm (systemd >= 254; bookworm
# ships 252) from bookworm-backports, for the test that checks cvmctl's
# platform answer against systemd's. Only the two packages are unpacked,
# into a cache directory keyed by version: nothing is installed on the host.
# The last line of stdout is that directory; it holds
# usr/bin/systemd-detect-virt and usr/lib/x86_64-linux-gnu/systemd/.
set -euo pipefail

cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
suite=bookworm-backports

log() { echo "systemd-cvm: $*" >&2; }

ver=$(apt-cache madison systemd 2>/dev/null |
	awk -F'|' -v s="$suite" '$3 ~ s"/" { gsub(/ /, "", $2); print $2; exit }')
[ -n "$ver" ] || { log "no systemd in $suite (run scripts/deps.sh)"; exit 1; }
dir=$cache/systemd-cvm/$ver

if [ ! -e "$dir/.done" ]; then
	log "unpacking systemd-detect-virt from systemd $ver"
	mkdir -p "$cache/systemd-cvm"
	tmp=$(mktemp -d "$cache/systemd-cvm/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# _apt may not enter a root-only cache directory.
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"systemd=$ver" "libsystemd-shared=$ver" >&2)
	for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; done
	rm -rf "$dir"
	mv "$tmp/x" "$dir"
	touch "$dir/.done"
fi
echo "$dir"
