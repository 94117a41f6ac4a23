# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by the scripts that take a newer tool from bookworm-backports
# without installing it (systemd-cvm.sh, qemu-backports.sh).

# backports_version PKG: the version of PKG in bookworm-backports, or
# nothing.
backports_version() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '$3 ~ "bookworm-backports/" { gsub(/ /, "", $2); print $2; exit }'
}

# backports_unpack DIR PKG=VERSION...: the packages unpacked (dpkg -x)
# into DIR, unless DIR/.done says it was done; DIR appears whole or not at
# all (a temporary directory beside it is renamed).
backports_unpack() {
	local dir=$1 tmp deb

	shift
	[ -e "$dir/.done" ] && return 0
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$(dirname "$dir")/tmp.XXXXXX")
	# _apt may not enter a root-only cache directory.
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$@" >&2); then
		rm -rf "$tmp"
		return 1
	fi
	for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/x"; done
	rm -rf "$dir"
	mv "$tmp/x" "$dir"
	rm -rf "$tmp"
	touch "$dir/.done"
}
