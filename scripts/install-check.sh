#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install-check.sh -- `make install` and `make uninstall` into a scratch
# DESTDIR, against the cached 6.1 headers (scripts/kernel-prep.sh 6.1), from
# a scratch copy of the tree (`make install-check`, part of `make check`).
# Every file the README promises must be installed (the four modules, their
# depmod entries, cvmctl, both man pages, the bash completion, the example
# modprobe.d and modules-load.d files) and none may be left after
# uninstall. The host's /lib/modules, /usr and /etc are never touched.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "install-check: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

kdir=$("$top/scripts/kernel-prep.sh" 6.1 | tail -n 1)
# shellcheck source=/dev/null
. "$kdir/env"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvm-install.XXXXXX")
# shellcheck disable=SC2064 # expand $tmp now
trap "rm -rf '$tmp'" EXIT
rsync -a --exclude .git --exclude '*.o' --exclude '*.ko' "$top/" "$tmp/src/"
root=$tmp/root
mk() { make -s -C "$tmp/src" "$@" DESTDIR="$root" KDIR="$KBUILD_DIR" PREFIX=/usr >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; die "make $*"; }; }

mk install
want=(usr/sbin/cvmctl usr/share/man/man8/cvmctl.8 usr/share/man/man7/cvmguard.7
      usr/share/bash-completion/completions/cvmctl
      etc/modprobe.d/cvmguard.conf etc/modules-load.d/cvmguard.conf)
for m in cvm_core cvm_convert cvm_bounce cvm_ring; do
	f=$(cd "$root" && find "lib/modules/$KVER" -name "$m.ko*" | head -n 1)
	[[ -n $f ]] || die "$m.ko not installed under lib/modules/$KVER"
	grep -q "/$m.ko.*:" "$root/lib/modules/$KVER/modules.dep" ||
		die "$m is not in modules.dep (depmod)"
	want+=("$f")
done
for f in "${want[@]}"; do
	[[ -f $root/$f ]] || die "$f not installed"
done
find "$root/lib/modules/$KVER" -name 'cvm_hostsim*' | grep -q . &&
	die "a test-only module was installed"
"$root/usr/sbin/cvmctl" --version | grep -q '^cvmctl ' || die "installed cvmctl does not run"

mk uninstall
for f in "${want[@]}"; do
	[[ ! -e $root/$f ]] || die "$f left after uninstall"
done
log "PASS: ${#want[@]} files installed and removed"
