#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms.sh install | uninstall | check -- cvmguard under DKMS.
#
#   install    copy the module sources to /usr/src/cvmguard-<version>/ with
#              scripts/dkms/dkms.conf at its root, then dkms add, build and
#              install for the running kernel (as root; `make dkms-install`)
#   uninstall  dkms remove --all and delete /usr/src/cvmguard-<version>/
#   check      dkms add + build against the cached 6.1 headers
#              (scripts/kernel-prep.sh 6.1) in a private DKMS tree under a
#              temporary directory: the host's /var/lib/dkms, /usr/src and
#              /lib/modules are never touched (`make dkms-check`); DKMS
#              signs the modules with the MOK key it generates there, and
#              every module must verify against its certificate
#
# The version is CVMGUARD_VERSION from ./Kbuild.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=cvmguard
version=$(sed -n 's/^CVMGUARD_VERSION := //p' "$top/Kbuild")

log() { echo "dkms.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -n $version ]] || die "no CVMGUARD_VERSION in $top/Kbuild"
command -v dkms >/dev/null || die "dkms is not installed (apt install dkms)"

# stage DIR: the sources DKMS builds, with dkms.conf at the root. tar, not
# rsync: a stock guest has tar.
stage() {
	local dst=$1

	rm -rf "$dst"
	mkdir -p "$dst"
	(cd "$top" && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude=modules.order --exclude=Module.symvers \
		--exclude=kernel/testing Kbuild Makefile LICENSE kernel) | tar -xf - -C "$dst"
	sed "s/#MODULE_VERSION#/$version/" "$top/scripts/dkms/dkms.conf" \
		>"$dst/dkms.conf"
}

do_install() {
	local src=/usr/src/$name-$version

	[[ $(id -u) -eq 0 ]] || die "install needs root"
	# A second install of the same version replaces the first.
	if dkms status -m "$name" -v "$version" | grep -q .; then
		dkms remove -m "$name" -v "$version" --all
	fi
	stage "$src"
	# A failed step leaves nothing behind: no DKMS entry, no /usr/src copy.
	if ! dkms add -m "$name" -v "$version" ||
	   ! dkms build -m "$name" -v "$version" ||
	   ! dkms install -m "$name" -v "$version"; then
		dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
		rm -rf "$src"
		die "dkms failed (above); nothing is installed"
	fi
	log "installed $name $version for $(uname -r); modprobe cvm_core"
}

do_uninstall() {
	[[ $(id -u) -eq 0 ]] || die "uninstall needs root"
	if dkms status -m "$name" -v "$version" | grep -q .; then
		dkms remove -m "$name" -v "$version" --all
	fi
	rm -rf "/usr/src/$name-$version"
}

do_check() {
	local kdir tmp opts mod dir

	kdir=$("$top/scripts/kernel-prep.sh" 6.1 | tail -n 1)
	# shellcheck source=/dev/null
	. "$kdir/env"
	[[ -z ${KBUILD_CHROOT:-} ]] || die "6.1 headers need a chroot"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvm-dkms.XXXXXX")
	# shellcheck disable=SC2064 # expand $tmp now
	trap "rm -rf '$tmp'" EXIT
	mkdir -p "$tmp/dkms" "$tmp/source" "$tmp/install"
	# A module signing key DKMS may create goes to the temporary tree,
	# not to /var/lib/dkms (dkms reads these from the environment when
	# /etc/dkms/framework.conf does not set them).
	export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
	# DKMS signs what it builds, as on a Secure Boot guest; it looks for
	# sign-file where Debian installs headers, so name the cached one.
	export sign_file=$KBUILD_DIR/scripts/sign-file
	opts=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/source"
	      --installtree "$tmp/install")
	stage "$tmp/source/$name-$version"
	log "dkms build $name $version for $KVER ($KBUILD_DIR)"
	if ! dkms add "${opts[@]}" -m "$name" -v "$version" >"$tmp/log" 2>&1 ||
	   ! dkms build "${opts[@]}" -m "$name" -v "$version" -k "$KVER" \
		--kernelsourcedir "$KBUILD_DIR" >>"$tmp/log" 2>&1; then
		cat "$tmp/log" >&2
		find "$tmp/dkms" -name make.log -exec cat {} + >&2 2>/dev/null
		die "dkms build failed"
	fi
	dir=$tmp/dkms/$name/$version/$KVER/x86_64/module
	for mod in cvm_core cvm_convert cvm_bounce cvm_ring; do
		ls "$dir/$mod.ko"* >/dev/null 2>&1 ||
			{ cat "$tmp/log" >&2; die "dkms built no $mod.ko"; }
	done
	# The key DKMS generated signed every module.
	"$top/scripts/sign-modules.sh" verify "$tmp/mok.pub" "$dir"/cvm_*.ko* ||
		{ cat "$tmp/log" >&2; die "dkms did not sign the modules with its MOK key"; }
	grep -q 'bad exit status' "$tmp/log" &&
		{ cat "$tmp/log" >&2; die "a dkms step failed (the log above)"; }
	log "PASS: $(cd "$dir" && echo *), signed with DKMS's MOK key"
}

case ${1:-} in
install) do_install ;;
uninstall) do_uninstall ;;
check) do_check ;;
*) die "usage: $0 install | uninstall | check" ;;
esac
