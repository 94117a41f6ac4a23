#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu-plugin.sh -- build the cvm_count TCG plugin
# (tools/testing/count/cvm_count.c) for the installed QEMU and print its
# path (last line of stdout). Debian's QEMU accepts plugins but ships no
# qemu-plugin.h: it comes from the qemu source package of the installed
# version, fetched once through a private deb-src list for the archive URI
# already configured under /etc/apt (nothing is added to the system's
# sources), and kept in the cache; only that header is extracted.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
log() { echo "qemu-plugin: $*" >&2; }

srcver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	{ log "qemu-system-x86 is not installed (scripts/deps.sh)"; exit 1; }
hdir=$cache/qemu-plugin/$srcver
if [ ! -e "$hdir/.done" ]; then
	# Every Debian archive stanza configured (deb822), as deb-src.
	srcs=$(sed -n '/^Types:/p;/^URIs:/p;/^Suites:/p;/^Components:/p;/^Signed-By:/p;/^$/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | sed 's/^Types:.*/Types: deb-src/')
	grep -q '^URIs:' <<<"$srcs" || { log "no deb822 archive under /etc/apt/sources.list.d"; exit 1; }
	log "fetching qemu $srcver's source (deb-src of the configured archives) for qemu-plugin.h"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/qemu-plugin.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lists/partial"
	printf '%s\n' "$srcs" >"$tmp/src.sources"
	apt=(-q -o Dir::Etc::SourceList="$tmp/src.sources" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$tmp/lists")
	apt-get "${apt[@]}" update >&2
	(cd "$tmp" && apt-get "${apt[@]}" source --download-only "qemu=$srcver" >&2)
	tar -xJf "$tmp"/qemu_*.orig.tar.xz -C "$tmp" --wildcards '*/include/qemu/qemu-plugin.h'
	mkdir -p "$hdir"
	cp "$tmp"/qemu-*/include/qemu/qemu-plugin.h "$hdir/"
	touch "$hdir/.done"
fi
so=$cache/qemu-plugin/cvm_count-${srcver//:/_}.so
src=$top/tools/testing/count/cvm_count.c
if [ ! -e "$so" ] || [ "$src" -nt "$so" ]; then
	cc -shared -fPIC -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
		-I"$hdir" -o "$so.tmp" "$src"
	mv "$so.tmp" "$so"
fi
echo "$so"
