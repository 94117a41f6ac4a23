# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Shared by the shell selftests (busybox sh in the guest), on the kernel's
# kselftest/ktap_helpers.sh (installed beside this file from Debian's
# kernel source: selftests/Makefile): each check is a KTAP test line, the
# plan comes at the end (a test does not know its count before it runs),
# diagnostics are "# " lines, and the exit code is kselftest's.

# CVM_LIB_DIR: where lib.sh is, for a script elsewhere that sources it
# (the guest's /init, for cvm_kmemleak_scan); a test's own directory else.
# shellcheck source=/dev/null # the kernel's file, copied at install
. "${CVM_LIB_DIR:-$(dirname "$0")}/ktap_helpers.sh" || exit 1
CVM_MODULES=${CVM_MODULES:-/cvm/modules}
ktap_print_header

# cvm_ktap_desc TEXT: TEXT's first line as a KTAP description: "#" would
# start a directive and the helpers echo it unquoted, so no glob either.
cvm_ktap_desc() {
	printf '%s\n' "$1" | head -n 1 | tr -d '#*?[' | cut -c1-120
}

# cvm_ktap_diag TEXT: TEXT as "# " lines, verbatim.
cvm_ktap_diag() {
	printf '%s\n' "$1" | sed 's/^/# /'
}

# fail WHAT: a failed check; the whole message follows as diagnostics.
fail() {
	ktap_test_fail "$(cvm_ktap_desc "$*")"
	[ "$(printf '%s\n' "$*" | wc -l)" -gt 1 ] && cvm_ktap_diag "$*"
	return 0
}

# skip WHY: the rest of the test cannot run here; exits with KSFT_SKIP.
skip() {
	if [ "$KTAP_TESTNO" -eq 1 ]; then
		ktap_skip_all "$(cvm_ktap_desc "$*")"
	else
		ktap_test_skip "$(cvm_ktap_desc "$*")"
		ktap_set_plan $((KTAP_TESTNO - 1))
		ktap_print_totals
	fi
	exit "$KSFT_SKIP"
}

# bail WHY: a precondition failed; nothing after it can be checked.
bail() {
	ktap_exit_fail_msg "$(cvm_ktap_desc "$*")"
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$(cvm_ktap_desc "$1")"
	else
		ktap_test_fail "$(cvm_ktap_desc "$1")"
		cvm_ktap_diag "expected: $2"
		cvm_ktap_diag "got:      $3"
	fi
}

# finish: the plan, the totals, and the exit code of what was checked.
finish() {
	ktap_set_plan $((KTAP_TESTNO - 1))
	ktap_finished
}

# The host's root, read-only over 9p (scripts/vm-run.sh), at /host with
# this guest's /proc, /sys and /dev over the host's: a
# host tool (python3 and the kernel's YNL client) then runs with
# `chroot /host` against this guest's kernel; cache=loose because
# python reads hundreds of files per start, slowly under TCG. A kernel
# without 9P (Debian's cloud kernels) finds the same tools at the same
# paths in the initramfs's /host instead (vm-run.sh add_host_tools).
# Returns 1 if there is neither.
cvm_host_root() {
	grep -q ' /host/proc ' /proc/mounts && return 0
	if [ ! -x /host/usr/bin/python3 ]; then
		mkdir -p /host
		mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 cvmhost /host \
			2>/dev/null || return 1
	fi
	# /tmp stays the host's: the source tree (and the spec) may be there.
	mount --bind /proc /host/proc && mount --bind /sys /host/sys &&
		mount --bind /dev /host/dev
}

# cvm_host_root_kind: where cvm_host_root found the host's tools.
cvm_host_root_kind() {
	if grep -q ' /host 9p ' /proc/mounts; then echo "the host's root over 9p"
	else echo "a copy in the initramfs (this kernel has no 9P)"; fi
}

# cvm_kernel_lacks MODULE: the runner found no MODULE in this kernel's
# packages (scripts/vm-run.sh add_kmods), so a test leaves out what
# needs it rather than failing; any other missing driver is a failure.
cvm_kernel_lacks() {
	grep -qx "$1" /cvm/kmods/absent 2>/dev/null
}

# cvm_pcidev VENDOR DEVICE: the PCI device with those ids.
cvm_pcidev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ] &&
			{ echo "${d##*/}"; return 0; }
	done
	return 1
}

# cvm_fb PCI: the framebuffer device (/dev/fbN) of the DRM driver on
# that PCI function, once it appears (fbdev emulation registers it
# after the driver binds); returns 1 after 10 s. Also unbinds fbcon from
# the virtual terminals, so that nothing but the caller draws on it.
cvm_fb() {
	for cvm_v in /sys/class/vtconsole/vtcon*; do
		grep -q "frame buffer" "$cvm_v/name" 2>/dev/null &&
			echo 0 >"$cvm_v/bind" 2>/dev/null
	done
	for _ in $(seq 1 100); do
		for cvm_g in /sys/class/graphics/fb[0-9]*; do
			# The DRM device is the PCI function or its virtioN.
			case $(readlink -f "$cvm_g/device") in
			*/"$1" | */"$1"/*) echo "/dev/${cvm_g##*/}"; return 0 ;;
			esac
		done
		sleep 0.1
	done
	return 1
}

# cvm_host_echo WHAT BYTES [PORT]: BYTES random bytes to the host and
# back through the guest's port 5000, or 5001 on the second NIC
# (selftests/cvm_netecho; scripts/vm-run.sh --devices echoes what it gets
# through hostfwd), checked by sha256;
# prints cvm_netecho's summary after WHAT. Run from the selftests
# directory, not in a subshell (a failure must count).
cvm_host_echo() {
	cvm_echo_port=${3:-5000}
	cvm_echo_req='echo'
	[ "$cvm_echo_port" = 5001 ] && cvm_echo_req=echo2
	head -c "$2" /dev/urandom >/tmp/net.data
	./cvm_netecho "$cvm_echo_port" /tmp/net.data /tmp/net.back >/tmp/net.out 2>&1 &
	cvm_echoer=$!
	for _ in $(seq 1 50); do
		grep -q listening /tmp/net.out && break
		sleep 0.1
	done
	echo "cvm-host: $cvm_echo_req" >/dev/console
	wait $cvm_echoer || fail "$1: virtio-net echo: $(cat /tmp/net.out)"
	expect_eq "$1: sha256 of what came back from the host" \
		"$(sha256sum </tmp/net.data | cut -d' ' -f1)" \
		"$(sha256sum </tmp/net.back | cut -d' ' -f1)"
	echo "# $1: $(tail -n 1 /tmp/net.out)"
	rm -f /tmp/net.data /tmp/net.back /tmp/net.out
}

# cvm_host_file NAME OUT: the runner's file NAME (in its work
# directory: cvmport.out) into OUT, through the guestfwd that
# scripts/vm-run.sh --devices puts at 10.0.2.100:4000 on the first
# virtio-net (scripts/host-file.sh); the interface must be up as
# 10.0.2.15. Works on kernels without 9P.
cvm_host_file() {
	echo "$1" | nc -w 10 10.0.2.100 4000 >"$2"
}

# cvm_has_virtio_driver DRIVER MODULE WHAT: 0 if the virtio DRIVER is
# registered; 1 if not, saying that WHAT is left out where the kernel has
# no MODULE (cvm_kernel_lacks), and failing where it has one.
cvm_has_virtio_driver() {
	[ -d "/sys/bus/virtio/drivers/$1" ] && return 0
	if cvm_kernel_lacks "$2"; then
		echo "# left out: $3 (this kernel has no module $2)"
	else
		fail "no virtio driver $1, although the kernel has $2"
	fi
	return 1
}

# cvm_disk SERIAL: the virtio block device (vdX) with that serial
# (scripts/vm-run.sh gives each test disk one), once it appears: it comes
# back asynchronously after a driver rebind. Returns 1 after 10 s.
cvm_disk() {
	for _ in $(seq 1 100); do
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
	for _ in 1 2 3; do
		for m in $(cat /cvm/kmods/order); do
			grep -q "^${m%.ko} " /proc/modules ||
				insmod "/cvm/kmods/$m" 2>/dev/null
		done
	done
}

# Generic netlink sockets that joined a multicast group.
genl_listeners() {
	awk '$2 == 16 && $4 != "00000000" { n++ } END { print n + 0 }' \
		/proc/net/netlink
}

# wait_listeners N: until N generic netlink sockets listen (10 s at most),
# then a little longer, for the events group joined after nlctrl's.
wait_listeners() {
	i=0
	while [ "$(genl_listeners)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 1
}

# wait_lines FILE N: until FILE has N lines (20 s at most).
wait_lines() {
	i=0
	while [ "$(wc -l <"$1")" -lt "$2" ] && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# The fix cvmctl gives for a module the kernel refuses for its signature.
CVM_SIGN_FIX="sign the modules with a key the kernel trusts (make install MOK_KEY=KEY MOK_CERT=CERT, or DKMS) and enrol its certificate (mokutil --import CERT; see cvmguard(7))"

# cvm_expect_unsigned_refused WHAT KO: with module.sig_enforce=1, the
# unsigned installed cvm_core KO is refused, the kernel logs it, and
# `cvmctl status` and `cvmctl load` say why with the fix.
cvm_expect_unsigned_refused() {
	expect_eq "$1: status" \
		"cvm_core not loaded: the kernel requires signed modules (sig_enforce=Y) and $2 is unsigned: $CVM_SIGN_FIX" \
		"$(cvmctl status | sed -n 's/^module:           //p')"
	expect_eq "$1: -j loadable" false "$(cvmctl -j status | jq -c .not_loaded.loadable)"
	out=$(cvmctl load 2>&1)
	expect_eq "$1: load" \
		"1 cvmctl: cannot load cvm_core: the kernel enforces module signatures and cvm_core is unsigned; $CVM_SIGN_FIX" \
		"$? $out"
	dmesg | grep -q 'Loading of unsigned module is rejected' ||
		fail "$1: the kernel did not log the rejection"
	[ -d /sys/module/cvm_core ] && fail "$1: an unsigned cvm_core loaded"
}

# cvm_kmemleak_scan: kmemleak's verdict on everything so far. It reports
# only after a grace period and a second scan; its debugfs file has no
# size, so it is read, not tested. The report goes to /tmp/cvm_kmemleak.
# Returns 0 for no leaks, 1 for leaks, 2 when the scan is refused
# (lockdown refuses debugfs files that can be written, even to read).
cvm_kmemleak_scan() {
	: >/tmp/cvm_kmemleak
	echo scan 2>/dev/null >/sys/kernel/debug/kmemleak || return 2
	sleep 6
	echo scan 2>/dev/null >/sys/kernel/debug/kmemleak || return 2
	cat /sys/kernel/debug/kmemleak >/tmp/cvm_kmemleak 2>/dev/null || return 2
	[ ! -s /tmp/cvm_kmemleak ]
}
