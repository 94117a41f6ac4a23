# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by kernel-prep.sh and deb.sh.
#
# in_root ROOT CMD...: CMD chrooted into the Debian root ROOT, with /proc
# and /dev mounted in a private mount namespace, so the mounts vanish with
# the command even if it is killed.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m -- /bin/bash -c '
		set -e
		r=$1; shift
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		exec chroot "$r" /usr/bin/env LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' in_root "$@"
}
