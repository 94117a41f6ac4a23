#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install-check.sh -- `make install` and `make uninstall` into a scratch
# DESTDIR, against the cached 6.1 headers (scripts/kernel-prep.sh 6.1), from
# a scratch copy of the tree (`make install-check`, part of `make check`).
# Every file the README promises must be installed (the four modules, their
# depmod entries, cvmctl, both man pages, the admin guide the man pages
# point to, the bash completion, the example
# modprobe.d and modules-load.d files) and none may be left after
# uninstall; the plain install must not try to sign (the headers ship no
# key). Then signed installs (MOK_KEY/MOK_CERT), uncompressed and with
# kbuild compressing, each module verified against its certificate and
# against another one, and bad keys refused with nothing installed.
# The host's /lib/modules, /usr and /etc are never touched.
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
# Debian's headers ship no signing key: kbuild must not try to sign with it.
! grep -E 'SSL error|sign-file' "$tmp/log" >&2 ||
	die "make install tried to sign without a key (the lines above)"
want=(usr/sbin/cvmctl usr/share/man/man8/cvmctl.8 usr/share/man/man7/cvmguard.7
      usr/share/man/man8/cvmctl-{config,conversions,load,metrics,monitor}.8
      usr/share/man/man8/cvmctl-{pool,rings,set,status,swiotlb}.8
      usr/share/doc/cvmguard/admin-guide.md
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
# An administrator's edited configuration survives install and uninstall.
mk install
echo 'options cvm_convert observer=1' >>"$root/etc/modprobe.d/cvmguard.conf"
cp "$root/etc/modprobe.d/cvmguard.conf" "$tmp/edited"
mk install
mk uninstall
cmp -s "$tmp/edited" "$root/etc/modprobe.d/cvmguard.conf" ||
	die "make install/uninstall lost an edited /etc/modprobe.d/cvmguard.conf"
[[ ! -e $root/etc/modules-load.d/cvmguard.conf ]] ||
	die "an unedited modules-load.d/cvmguard.conf was left after uninstall"
rm "$root/etc/modprobe.d/cvmguard.conf"

# Signed install: MOK_KEY/MOK_CERT as DKMS makes them (a 2048-bit RSA key,
# a self-signed DER certificate), checked with the kernel's signature
# layout and OpenSSL; then with kbuild compressing what it installs, as
# the 6.12 and 7.3 kernels do (sign first, then compress).
signer=$top/scripts/sign-modules.sh
openssl req -new -x509 -nodes -days 36500 -subj "/CN=cvmguard install-check" \
	-newkey rsa:2048 -keyout "$tmp/mok.key" -outform DER -out "$tmp/mok.der" 2>/dev/null
openssl req -new -x509 -nodes -days 1 -subj "/CN=someone else" \
	-newkey rsa:2048 -keyout "$tmp/other.key" -out "$tmp/other.pem" 2>/dev/null
mods() { (cd "$root" && find "lib/modules/$KVER" -name 'cvm_*.ko*' | sort); }
for comp in "" xz; do
	mk install MOK_KEY="$tmp/mok.key" MOK_CERT="$tmp/mok.der" \
		${comp:+CONFIG_MODULE_COMPRESS_XZ=y}
	mapfile -t kos < <(mods)
	[[ ${#kos[@]} -eq 4 ]] || die "signed install${comp:+ ($comp)}: ${#kos[@]} modules, not 4"
	for f in "${kos[@]}"; do
		[[ -z $comp || $f == *.ko.xz ]] || die "$f: not compressed by kbuild"
		"$signer" verify "$tmp/mok.der" "$root/$f" 2>"$tmp/log" ||
			{ cat "$tmp/log" >&2; die "$f: no valid signature after make install MOK_KEY="; }
		! "$signer" verify "$tmp/other.pem" "$root/$f" 2>/dev/null ||
			die "$f: verifies against a certificate that did not sign it"
	done
	mk uninstall
done

# Bad keys: a clear error naming the file, and nothing installed.
bad() {
	local msg=$1
	shift
	if make -s -C "$tmp/src" install "$@" DESTDIR="$root" KDIR="$KBUILD_DIR" \
		PREFIX=/usr >"$tmp/log" 2>&1; then
		die "make install $* succeeded"
	fi
	grep -qF "$msg" "$tmp/log" || { cat "$tmp/log" >&2; die "make install $*: no '$msg'"; }
	[[ -z $(mods) && ! -e $root/usr/sbin/cvmctl ]] ||
		die "make install $* failed but left files behind"
}
bad "MOK_KEY and MOK_CERT go together" MOK_KEY="$tmp/mok.key"
bad "$tmp/nokey: no such readable file" MOK_KEY="$tmp/nokey" MOK_CERT="$tmp/mok.der"
bad "is not the private key of MOK_CERT" MOK_KEY="$tmp/other.key" MOK_CERT="$tmp/mok.der"
bad "not an X.509 certificate" MOK_KEY="$tmp/mok.key" MOK_CERT="$tmp/mok.key"
log "PASS: ${#want[@]} files installed and removed, edited configuration kept; signed installs (plain and xz) verify against their certificate only; bad keys refused"
