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
# shellcheck source=scripts/backports.sh
. "$(dirname "$0")/backports.sh"

log() { echo "systemd-cvm: $*" >&2; }

ver=$(backports_version systemd)
[ -n "$ver" ] || { log "no systemd in bookworm-backports (run scripts/deps.sh)"; exit 1; }
dir=$cache/systemd-cvm/$ver
if [ ! -e "$dir/.done" ]; then
	log "unpacking systemd-detect-virt from systemd $ver"
	backports_unpack "$dir" "systemd=$ver" "libsystemd-shared=$ver"
fi
echo "$dir"
