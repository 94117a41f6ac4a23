#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# count-stream.sh -- the host's side of the counting boot's virtio-net
# reads (selftests/cvm_netcount.c): QEMU's guestfwd runs it for each
# connection the guest opens to 10.0.4.100:4000 or 10.0.5.100:4000,
# with the connection as stdin and stdout. It reads the number of bytes
# the guest asks for, one line, and sends that many zero bytes.
set -eu
read -r n
case $n in
'' | *[!0-9]*) echo "count-stream.sh: not a byte count: $n" >&2; exit 1 ;;
esac
head -c "$n" /dev/zero
