#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sign-modules.sh -- module signatures, with the kernel's own tools.
#
#   sign KDIR KEY CERT MODULE.ko...
#       Sign each module with KDIR's scripts/sign-file and the hash the
#       kernel was configured with (CONFIG_MODULE_SIG_HASH), replacing a
#       signature it already carries. KEY is a PEM private key (or a
#       pkcs11: URI), CERT its X.509 certificate, PEM or DER (mokutil
#       enrols DER). `make install MOK_KEY= MOK_CERT=` runs this on the
#       built modules before kbuild installs (and compresses) them.
#   verify CERT MODULE...
#       Check that each module (.ko, .ko.xz, .ko.zst or .ko.gz) carries
#       an appended PKCS#7 signature of its contents that CERT's key made,
#       as the kernel's mod_verify_sig() reads it; exit 1 on the first
#       that does not.
#
# Nothing is written by hand that the kernel or OpenSSL does: signing is
# sign-file's, checking is `openssl cms -verify`'s; this script only finds
# the signature (the layout of the kernel's struct module_signature).
set -euo pipefail

readonly MAGIC='~Module signature appended~'
log() { echo "sign-modules: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The 28-byte marker, then before it the 12-byte struct module_signature
# whose last 4 bytes are the big-endian length of the PKCS#7 blob before
# it. Prints the blob's length, or nothing when @1 is unsigned.
sig_len() {
	local f=$1 size b

	size=$(stat -c %s "$f")
	((size > 40)) || return 0
	cmp -s <(tail -c 28 "$f") <(printf '%s\n' "$MAGIC") || return 0
	read -r -a b < <(od -An -tu1 -j $((size - 32)) -N 4 "$f")
	echo $(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]))
}

# The uncompressed module @1 in @2.
unpack() {
	case $1 in
	*.ko) cp "$1" "$2" ;;
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) die "$1: not a kernel module (.ko, .ko.xz, .ko.zst, .ko.gz)" ;;
	esac
}

# A readable certificate, in PEM (openssl cms wants PEM for -certfile).
cert_pem() {
	openssl x509 -in "$1" -out "$2" 2>/dev/null ||
		openssl x509 -inform DER -in "$1" -out "$2" 2>/dev/null ||
		die "$1: not an X.509 certificate (PEM or DER)"
}

do_sign() {
	local kdir=$1 key=$2 cert=$3 hash signer conf m n size
	shift 3

	signer=$kdir/scripts/sign-file
	conf=$kdir/include/config/auto.conf
	[[ -x $signer ]] || die "$signer not found: install the kernel's headers (Debian: linux-headers-<release>, whose linux-kbuild ships sign-file)"
	[[ -r $conf ]] || die "$conf not found: $kdir is not a configured kernel build tree"
	grep -q '^CONFIG_MODULE_SIG=y' "$conf" ||
		die "the kernel in $kdir is built without CONFIG_MODULE_SIG: it checks no module signature, so signing would change nothing"
	[[ $key == pkcs11:* || -r $key ]] || die "MOK_KEY: $key: no such readable file"
	[[ -r $cert ]] || die "MOK_CERT: $cert: no such readable file"
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $tmp now
	trap "rm -rf '$tmp'" EXIT
	cert_pem "$cert" "$tmp/cert.pem"
	# Refuse what the kernel or MokManager would refuse later, and say so now.
	openssl x509 -in "$tmp/cert.pem" -noout -checkend 0 >/dev/null ||
		die "MOK_CERT: $cert has expired ($(openssl x509 -in "$tmp/cert.pem" -noout -enddate))"
	if [[ $key != pkcs11:* ]] &&
	   ! cmp -s <(openssl pkey -in "$key" -pubout 2>/dev/null) \
		   <(openssl x509 -in "$tmp/cert.pem" -noout -pubkey); then
		die "MOK_KEY $key is not the private key of MOK_CERT $cert"
	fi
	if openssl x509 -in "$tmp/cert.pem" -noout -ext extendedKeyUsage 2>/dev/null |
	   grep -q 'Usage' &&
	   ! openssl x509 -in "$tmp/cert.pem" -noout -ext extendedKeyUsage |
	   grep -q 'Code Signing'; then
		die "MOK_CERT: $cert limits its key to other uses (extendedKeyUsage without codeSigning)"
	fi
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH=//p' "$conf" | tr -d '"')
	hash=${hash:-sha512}
	for m in "$@"; do
		[[ -f $m && $m == *.ko ]] || die "$m: not a built module (.ko)"
		# A module signed before (an earlier install) is signed anew.
		n=$(sig_len "$m")
		if [[ -n $n ]]; then
			size=$(stat -c %s "$m")
			truncate -s $((size - n - 40)) "$m"
		fi
		"$signer" "$hash" "$key" "$cert" "$m" || die "sign-file failed on $m"
	done
	log "signed $# modules ($hash) with $(openssl x509 -in "$tmp/cert.pem" -noout -subject)"
}

do_verify() {
	local cert=$1 m n size
	shift

	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand $tmp now
	trap "rm -rf '$tmp'" EXIT
	cert_pem "$cert" "$tmp/cert.pem"
	for m in "$@"; do
		unpack "$m" "$tmp/m"
		n=$(sig_len "$tmp/m")
		[[ -n $n ]] || die "$m: unsigned"
		size=$(stat -c %s "$tmp/m")
		# id_type, the 3rd byte of struct module_signature: 2 is PKCS#7.
		[[ $(od -An -tu1 -j $((size - 40 + 2)) -N 1 "$tmp/m" | tr -d ' ') == 2 ]] ||
			die "$m: the signature is not PKCS#7"
		head -c $((size - n - 40)) "$tmp/m" >"$tmp/content"
		tail -c $((n + 40)) "$tmp/m" | head -c "$n" >"$tmp/sig.p7"
		openssl cms -verify -binary -inform DER -in "$tmp/sig.p7" \
			-content "$tmp/content" -certfile "$tmp/cert.pem" \
			-CAfile "$tmp/cert.pem" -partial_chain -purpose any \
			-out /dev/null 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; die "$m: not signed by the key of $cert"; }
	done
	log "$# modules carry a valid signature by $(openssl x509 -in "$tmp/cert.pem" -noout -subject)"
}

case ${1:-} in
sign) [[ $# -ge 5 ]] || die "usage: $0 sign KDIR KEY CERT MODULE.ko..."; shift; do_sign "$@" ;;
verify) [[ $# -ge 3 ]] || die "usage: $0 verify CERT MODULE..."; shift; do_verify "$@" ;;
*) die "usage: $0 sign KDIR KEY CERT MODULE.ko... | verify CERT MODULE..." ;;
esac
