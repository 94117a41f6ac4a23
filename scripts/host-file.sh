#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# host-file.sh DIR -- run by QEMU for each connection the guest makes to
# the guestfwd of scripts/vm-run.sh --devices (stdin and stdout are the
# connection): reads one file name and sends that file of DIR. Only plain
# names (letters, digits, '.', '_', '-'), so nothing outside DIR; the
# guest reads the host's files this way where its kernel has no 9P.
read -r name || exit 1
case $name in
"" | .* | *[!A-Za-z0-9._-]*) exit 1 ;;
esac
exec cat "$1/$name"
