#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deps.sh -- install the host packages cvmguard needs (Debian 12).
#
# Idempotent and quick when warm: it asks dpkg which packages are missing
# and only then touches apt (no `apt-get update` on a ready machine). It also
# adds bookworm-backports (the 6.12 test kernel lives there), using the
# mirror and keyring the machine is already configured with.

set -euo pipefail

# Add packages here. Kernel build + test VM + userspace tool + spec checks.
PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves xz-utils zstd
	cpio kmod rsync qemu-system-x86 busybox-static debootstrap sparse
	linux-source-6.1 libnl-3-dev libnl-genl-3-dev libkmod-dev pkg-config jq
	libnl-utils python3-yaml python3-jsonschema prometheus dkms
	clang libclang-rt-14-dev man-db shellcheck qemu-user
	debhelper dh-dkms lintian
	ovmf mtools fdisk python3-pexpect
)

readonly DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources
readonly BACKPORTS_SOURCES=/etc/apt/sources.list.d/cvmguard-bookworm-backports.sources
export DEBIAN_FRONTEND=noninteractive

log() { printf 'deps: %s\n' "$*" >&2; }
# shellcheck source=scripts/apt-sources.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-sources.sh"
die() { log "error: $*"; exit 1; }

# True if any apt source already serves bookworm-backports (ours or the
# admin's); a second copy would only make apt warn about duplicates.
have_backports() {
	[[ -e $BACKPORTS_SOURCES ]] && return 0
	grep -rqsE '(^Suites:.*[[:space:]]|^deb[[:space:]].*[[:space:]])bookworm-backports([[:space:]]|$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/
}

# Write the backports source; returns 0 if it added one.
add_backports() {
	local uri keyring
	have_backports && return 1
	[[ -r $DEBIAN_SOURCES ]] || die "$DEBIAN_SOURCES not found; cannot derive the mirror"
	uri=$(source_field bookworm URIs)
	keyring=$(source_field bookworm Signed-By)
	[[ -n $uri ]] || die "no bookworm stanza with URIs in $DEBIAN_SOURCES"
	log "adding bookworm-backports from $uri"
	{
		echo 'Types: deb'
		echo "URIs: $uri"
		echo 'Suites: bookworm-backports'
		echo 'Components: main'
		[[ -z $keyring ]] || echo "Signed-By: $keyring"
	} >"$BACKPORTS_SOURCES"
}

# Print the packages of PACKAGES that are not fully installed.
missing_packages() {
	local installed
	# dpkg-query exits 1 when some name is unknown to dpkg; the list it
	# prints is still right.
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" \
		2>/dev/null | awk '$2 == "ii" { print $1 }' || true)
	local p
	for p in "${PACKAGES[@]}"; do
		grep -qxF -- "$p" <<<"$installed" || echo "$p"
	done
}

main() {
	local added=0 missing
	[[ $(id -u) -eq 0 ]] || die "must run as root"
	# shellcheck source=/dev/null
	. /etc/os-release
	[[ ${VERSION_CODENAME:-} == bookworm ]] ||
		die "expects Debian 12 (bookworm), found ${VERSION_CODENAME:-unknown}"
	add_backports && added=1
	mapfile -t missing < <(missing_packages)
	if ((added == 0 && ${#missing[@]} == 0)); then
		return
	fi
	# Wait for a concurrent apt (another prep, unattended-upgrades) rather
	# than failing on its lock.
	apt-get -q -o DPkg::Lock::Timeout=600 update >&2
	((${#missing[@]} == 0)) && return
	log "installing: ${missing[*]}"
	apt-get -q -y -o DPkg::Lock::Timeout=600 install --no-install-recommends \
		"${missing[@]}" >&2
}

main "$@"
