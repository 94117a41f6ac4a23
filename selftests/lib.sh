# SPDX-License-Identifier: GPL-2.0-only
# Shared by the shell selftests (busybox sh in the guest). kselftest exit
# codes: 0 pass, 1 fail, 4 skip; diagnostics go out as "# " lines.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
CVM_MODULES=${CVM_MODULES:-/cvm/modules}
failures=0

fail() {
	echo "# FAIL: $*"
	failures=$((failures + 1))
}

skip() {
	echo "# SKIP: $*"
	exit $KSFT_SKIP
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

finish() {
	[ "$failures" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# The host's root, read-only over 9p (scripts/vm-run.sh), at /host with
# this guest's /proc, /sys and /dev over the host's: a
# host tool (python3 and the kernel's YNL client) then runs with
# `chroot /host` against this guest's kernel; cache=loose because
# python reads hundreds of files per start, slowly under TCG. Returns 1 if there is no
# 9p export or the kernel cannot mount it.
cvm_host_root() {
	grep -q ' /host 9p ' /proc/mounts && return 0
	mkdir -p /host
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 cvmhost /host \
		2>/dev/null || return 1
	# /tmp stays the host's: the source tree (and the spec) may be there.
	mount --bind /proc /host/proc && mount --bind /sys /host/sys &&
		mount --bind /dev /host/dev
}

# cvm_disk SERIAL: the virtio block device (vdX) with that serial
# (scripts/vm-run.sh gives each test disk one), once it appears: it comes
# back asynchronously after a driver rebind. Returns 1 after 10 s.
cvm_disk() {
	for i in $(seq 1 100); do
		for b in /sys/block/vd*; do
			[ "$(cat "$b/serial" 2>/dev/null)" = "$1" ] &&
				{ echo "${b##*/}"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

# Loads the drivers scripts/vm-run.sh copied from the packaged kernel
# (/cvm/kmods/order, each after what it depends on; three passes, since
# busybox insmod does not resolve dependencies). Built-in ones are not
# listed.
cvm_load_kmods() {
	[ -s /cvm/kmods/order ] || return 0
	for pass in 1 2 3; do
		for m in $(cat /cvm/kmods/order); do
			grep -q "^${m%.ko} " /proc/modules ||
				insmod "/cvm/kmods/$m" 2>/dev/null
		done
	done
}
