#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# CLI tests of cvmctl without the kernel module: argument handling on the
# real system; the posture and module tables under fake /sys and /proc
# trees (tests/fake_kernel.so, an LD_PRELOAD shim) against the host's real
# kernel, which has no "cvm" family; and, against the shim playing
# cvm_core, the replies no real cvm_core gives (see the comment at its
# top). What the real cvm_core replies is tested in the VM suite.
#
# usage: test_cli.sh CVMCTL FAKE_KERNEL_SO EFI_H KSFT_DIR
# EFI_H is the kernel's include/linux/efi.h: the fake EFI variables are
# named after its GUIDs, not after cvmctl's own idea of them. KSFT_DIR is
# the kernel's tools/testing/selftests (its ktap_helpers.sh).
# Output: KTAP; exit 0 only if every test passed.

set -u

CVMCTL=$1
SHIM=$2
EFI_H=$3
KSFT_DIR=$4
# The GUID of the kernel's #define $1 (EFI_GUID(0x8be4df61, 0x93ca, ...))
# as efivarfs spells it in file names; exits if efi.h has no such GUID.
efi_guid()
{
	local g f

	g=$(sed -n "/#define $1[[:space:]]/,/)/p" "$EFI_H" | tr -d ' \t\n\\')
	g=${g#*EFI_GUID(}
	g=${g%%)*}
	IFS=, read -r -a f <<<"$g"
	[[ ${#f[@]} -eq 11 ]] || { echo "Bail out! no $1 in $EFI_H"; exit 1; }
	# shellcheck disable=SC2059 # the format is the point
	printf '%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x' "${f[@]}"
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT


# The kernel's KTAP helpers (kselftest/ktap_helpers.sh, beside efi.h in
# the same kernel source) print the results; the checks are this file's.
# shellcheck source=/dev/null # the kernel's
. "$KSFT_DIR/kselftest/ktap_helpers.sh"

# A test's name as a KTAP description: no "#" (a directive) and no glob,
# the helpers echo it unquoted.
desc()
{
	printf '%s' "$1" | tr -d '#*?['
}

# Compare stdout, stderr and exit status of the last run_* with expectations.
# check NAME EXPECTED_EXIT EXPECTED_STDOUT EXPECTED_STDERR
check()
{
	local name=$1 want_rc=$2 want_out=$3 want_err=$4
	local out err

	if [ "$rc" = skip ]; then
		skip "$name" "$SKIP_WHY"
		return
	fi
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
	if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ] &&
	   [ "$err" = "$want_err" ]; then
		ktap_test_pass "$(desc "$name")"
	else
		ktap_test_fail "$(desc "$name")"
		echo "# exit: want $want_rc, got $rc"
		echo "# stdout: want:"; printf '%s\n' "$want_out" | sed 's/^/#   /'
		echo "# stdout: got:"; printf '%s\n' "$out" | sed 's/^/#   /'
		echo "# stderr: want:"; printf '%s\n' "$want_err" | sed 's/^/#   /'
		echo "# stderr: got:"; printf '%s\n' "$err" | sed 's/^/#   /'
	fi
}

# assert NAME FAILURE: passes when FAILURE is empty.
assert()
{
	if [ "$rc" = skip ]; then
		skip "$1" "$SKIP_WHY"
		return
	fi
	if [ -z "$2" ]; then
		ktap_test_pass "$(desc "$1")"
	else
		ktap_test_fail "$(desc "$1")"
		printf '%s\n' "$2" | sed 's/^/# /'
	fi
}

# skip NAME WHY
skip()
{
	ktap_test_skip "$(desc "$1: $2")"
}

run()
{
	"$CVMCTL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# run_fake SCENARIO ARGS...: with the fake kernel and the fake /sys, /proc.
run_fake()
{
	local scenario=$1

	shift
	CVMCTL_FAKE_NL=$scenario CVMCTL_FAKE_ROOT=$ROOT LD_PRELOAD=$SHIM \
		"$CVMCTL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# run_host ARGS...: the fake /sys and /proc, and the host's real generic
# netlink, where the "cvm" family does not exist. A host with cvm_core
# loaded has it: those checks are skipped, and say why.
SKIP_WHY="cvm_core is loaded on this host (its \"cvm\" family answers): rmmod it to run this"
run_host()
{
	if [ -e /sys/module/cvm_core ]; then
		rc=skip
		return
	fi
	CVMCTL_FAKE_ROOT=$ROOT LD_PRELOAD=$SHIM \
		"$CVMCTL" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# A fake system with cvm_core, cvm_ring (no version file) and cvm_hostsim.
ROOT=$TMP/root
mkdir -p "$ROOT/proc" "$ROOT/sys/module/cvm_core" "$ROOT/sys/module/cvm_ring" \
	"$ROOT/sys/module/cvm_hostsim" "$ROOT/sys/module/ext4"
cat >"$ROOT/proc/modules" <<EOF
cvm_hostsim 16384 0 - Live 0x0000000000000000 (O)
ext4 1007616 1 - Live 0x0000000000000000
cvm_ring 20480 1 cvm_hostsim, Live 0x0000000000000000 (O)
cvm_core 24576 2 cvm_ring,cvm_hostsim, Live 0x0000000000000000 (O)
EOF
echo live >"$ROOT/sys/module/cvm_core/initstate"
echo 2 >"$ROOT/sys/module/cvm_core/refcnt"
echo 0.1.0 >"$ROOT/sys/module/cvm_core/version"
echo live >"$ROOT/sys/module/cvm_ring/initstate"
echo 1 >"$ROOT/sys/module/cvm_ring/refcnt"
echo going >"$ROOT/sys/module/cvm_hostsim/initstate"
echo 0 >"$ROOT/sys/module/cvm_hostsim/refcnt"
echo 0.1.0 >"$ROOT/sys/module/cvm_hostsim/version"
# Its posture: no EFI, no lockdown LSM, no TPM, signatures not enforced,
# tainted W, O and E, swiotlb forced with debugfs statistics.
mkdir -p "$ROOT/sys/module/cvm_ring/parameters" \
	"$ROOT/sys/module/module/parameters" "$ROOT/proc/sys/kernel" \
	"$ROOT/sys/kernel/debug/swiotlb"
echo monitor >"$ROOT/sys/module/cvm_ring/parameters/policy"
echo N >"$ROOT/sys/module/module/parameters/sig_enforce"
echo 12800 >"$ROOT/proc/sys/kernel/tainted"
echo 'console=ttyS0 swiotlb=force quiet' >"$ROOT/proc/cmdline"
echo 32768 >"$ROOT/sys/kernel/debug/swiotlb/io_tlb_nslabs"
echo 12 >"$ROOT/sys/kernel/debug/swiotlb/io_tlb_used"
POSTURE_TEXT='secure_boot:      unknown (no EFI)
lockdown:         unavailable
tpm:              absent
sig_enforce:      N
tainted:          12800 (WOE)
swiotlb_force:    yes
swiotlb_slabs:    32768
swiotlb_used:     12
param:            cvm_ring.policy=monitor'
POSTURE_JSON='"secure_boot":null,"efi":false,"lockdown":null,"tpm":false,"sig_enforce":false,"taint":12800,"taint_flags":"WOE","swiotlb":{"force":true,"slabs":32768,"used":12}'

# A hardened guest: EFI with secure boot, lockdown, a vTPM, enforced
# signatures, cvm_convert loaded, tainted O only, no swiotlb statistics.
GOOD=$TMP/good
mkdir -p "$GOOD/proc/sys/kernel" "$GOOD/sys/module/cvm_core" \
	"$GOOD/sys/module/cvm_convert/parameters" \
	"$GOOD/sys/module/module/parameters" "$GOOD/sys/kernel/security" \
	"$GOOD/sys/class/tpm/tpm0" "$GOOD/sys/firmware/efi/efivars"
printf '%s\n' \
	'cvm_convert 20480 0 - Live 0x0000000000000000 (O)' \
	'cvm_core 24576 1 cvm_convert, Live 0x0000000000000000 (O)' \
	>"$GOOD/proc/modules"
for m in cvm_core cvm_convert; do
	echo live >"$GOOD/sys/module/$m/initstate"
	echo 0.1.0 >"$GOOD/sys/module/$m/version"
done
echo 1 >"$GOOD/sys/module/cvm_core/refcnt"
echo 0 >"$GOOD/sys/module/cvm_convert/refcnt"
echo Y >"$GOOD/sys/module/cvm_convert/parameters/observer"
echo Y >"$GOOD/sys/module/module/parameters/sig_enforce"
echo 4096 >"$GOOD/proc/sys/kernel/tainted"
echo 'console=ttyS0' >"$GOOD/proc/cmdline"
echo 'none [integrity] confidentiality' >"$GOOD/sys/kernel/security/lockdown"
printf '\006\000\000\000\001' \
	>"$GOOD/sys/firmware/efi/efivars/SecureBoot-$(efi_guid EFI_GLOBAL_VARIABLE_GUID)"

USAGE_CONFIG='usage: cvmctl [OPTIONS] config event-ratelimit N'
USAGE_CONV='usage: cvmctl [OPTIONS] conversions [--ranges|observer on|off]'
USAGE_RINGS='usage: cvmctl [OPTIONS] rings [policy ID monitor|enforce | auditor on|off]'
RANGE='must be a decimal integer from 1 to 100000'

ktap_print_header
ktap_set_plan 145

# ---- options and usage errors -------------------------------------------
run -V
check "-V prints the version" 0 "cvmctl 0.1.0" ""
run --version
check "--version prints the version" 0 "cvmctl 0.1.0" ""
run help
help_out=$(cat "$TMP/out")
case $help_out in
*"  status "*"  config event-ratelimit N "*"  conversions [--ranges|observer on|off]
                             show the shared-page ledger"*"  help [COMMAND] "*)
	check "help lists status, config, conversions, help" 0 "$help_out" "" ;;
*)
	check "help lists status, config, conversions, help" 0 "(commands)" "" ;;
esac
run -h
check "-h prints the same as help" 0 "$help_out" ""
run help config
check "help config" 0 "$USAGE_CONFIG
  set the event rate limit (events/s, 1..100000); needs root" ""
run bogus
check "unknown command" 2 "" "cvmctl: unknown command 'bogus'; run 'cvmctl help'"
run help bogus
check "help of an unknown command" 2 "" \
	"cvmctl: unknown command 'bogus'; run 'cvmctl help'"
run -x status
check "unknown short option" 2 "" "cvmctl: unknown option '-x'; run 'cvmctl help'"
run --bogus status
check "unknown long option" 2 "" \
	"cvmctl: unknown option '--bogus'; run 'cvmctl help'"
run --json=yes status
check "long option with an argument" 2 "" \
	"cvmctl: option '--json' takes no argument; run 'cvmctl help'"
run
check "missing command" 2 "" "cvmctl: missing command; run 'cvmctl help'"
USAGE_POOL='usage: cvmctl [OPTIONS] pool [attach DEVICE [zero_from_device on|off] | detach DEVICE | set POLICY VALUE]'
run pool bogus
check "pool with a bad argument" 2 "" "$USAGE_POOL"
run pool set nope 1
check "pool set of an unknown policy" 2 "" "cvmctl: unknown policy 'nope'"
run pool set scrub maybe
check "pool set scrub maybe" 2 "" "cvmctl: scrub: expected on or off, got 'maybe'"
run pool set wait_ms 1x
check "pool set wait_ms 1x" 2 "" "cvmctl: wait_ms: expected a number, got '1x'"
run pool attach 0000:00:04.0 zero_from_device maybe
check "pool attach, zero_from_device maybe" 2 "" \
	"cvmctl: zero_from_device: expected on or off, got 'maybe'"
run pool attach 0000:00:04.0 scrub on
check "pool attach with another policy" 2 "" "$USAGE_POOL"
run status -j
check "option after the command" 2 "" \
	"cvmctl: status: unexpected argument '-j' (global options go before the command)
usage: cvmctl [OPTIONS] status [--check[=ITEMS] [--skip=ITEMS]]"
run config
check "config without setting" 2 "" "cvmctl: config: missing setting
$USAGE_CONFIG"
run config foo 1
check "config unknown setting" 2 "" "cvmctl: config: unknown setting 'foo'
$USAGE_CONFIG"
run config event-ratelimit
check "config without value" 2 "" "cvmctl: config: event-ratelimit needs a value
$USAGE_CONFIG"
run config event-ratelimit 5 6
check "config extra argument" 2 "" "cvmctl: config: unexpected argument '6'
$USAGE_CONFIG"
bad_values=(0 100001 -5 +5 abc 1.5 0x10 " 5" "5 " "" 99999999999999999999)
bad_fail=
for v in "${bad_values[@]}"; do
	run config event-ratelimit "$v"
	want="cvmctl: config: invalid event-ratelimit '$v': $RANGE
$USAGE_CONFIG"
	if [ "$rc" != 2 ] || [ "$(cat "$TMP/err")" != "$want" ] ||
	   [ -s "$TMP/out" ]; then
		bad_fail="$bad_fail '$v'"
	fi
done
assert "config rejects invalid values locally" "$bad_fail"

# ---- the real system (no module loaded on a build host) --------------------
if [ -e /sys/module/cvm_core ]; then
	skip "status without cvm_core" "cvm_core is loaded here"
else
	# The posture of whatever machine this is, and why cvm_core is not loaded.
	run status
	bad=
	[ "$rc" = 0 ] || bad="exit $rc"
	[ -s "$TMP/err" ] && bad="$bad; stderr: $(cat "$TMP/err")"
	grep -q '^module:           cvm_core not loaded: .' "$TMP/out" ||
		bad="$bad; no 'cvm_core not loaded' line in: $(cat "$TMP/out")"
	grep -q '^sig_enforce:      ' "$TMP/out" || bad="$bad; no posture"
	assert "status without cvm_core: the posture, and why not loaded" "$bad"
fi

# ---- against the fake kernel ---------------------------------------------
run_fake ok status
check "status text" 0 "technology:       none
mem_encrypt:      inactive
version:          0.1.0
event_ratelimit:  100
events_sent:      0
events_dropped:   0
module:           cvm_core 0.1.0 live refcnt=2
module:           cvm_ring - live refcnt=1
module:           cvm_hostsim 0.1.0 going refcnt=0
$POSTURE_TEXT
rings:            2
ring_checked:     1000
ring_violations:  7
rings_broken:     1" ""

run_fake ok -j status
check "status -j" 0 '{"technology":"none","mem_encrypt":false,"version":"0.1.0","event_ratelimit":100,"events_sent":0,"events_dropped":0,"modules":[{"name":"cvm_core","version":"0.1.0","state":"live","refcnt":2,"registered":true,"parameters":{}},{"name":"cvm_ring","version":null,"state":"live","refcnt":1,"registered":false,"parameters":{"policy":"monitor"}},{"name":"cvm_hostsim","version":"0.1.0","state":"going","refcnt":0,"registered":false,"parameters":{}}],"not_loaded":null,'"$POSTURE_JSON"',"conversions":null,"pool":null,"rings":{"rings":2,"checked":1000,"violations":7,"broken":1}}' ""

run_fake snp -p status
check "status -p (SEV-SNP, u64 max, registered by name and id)" 0 '{
  "technology": "sev-snp",
  "mem_encrypt": true,
  "version": "0.1.0",
  "event_ratelimit": 100000,
  "events_sent": 18446744073709551615,
  "events_dropped": 12345678901,
  "modules": [
    {
      "name": "cvm_core",
      "version": "0.1.0",
      "state": "live",
      "refcnt": 2,
      "registered": true,
      "parameters": {}
    },
    {
      "name": "cvm_ring",
      "version": null,
      "state": "live",
      "refcnt": 1,
      "registered": true,
      "parameters": {
        "policy": "monitor"
      }
    },
    {
      "name": "cvm_hostsim",
      "version": "0.1.0",
      "state": "going",
      "refcnt": 0,
      "registered": false,
      "parameters": {}
    }
  ],
  "not_loaded": null,
  "secure_boot": null,
  "efi": false,
  "lockdown": null,
  "tpm": false,
  "sig_enforce": false,
  "taint": 12800,
  "taint_flags": "WOE",
  "swiotlb": {
    "force": true,
    "slabs": 32768,
    "used": 12
  },
  "conversions": null,
  "pool": null,
  "rings": {
    "rings": 2,
    "checked": 1000,
    "violations": 7,
    "broken": 1
  }
}' ""

if command -v python3 >/dev/null; then
	run_fake snp -j status
	python3 -c 'import json, sys; json.load(sys.stdin)' <"$TMP/out" \
		>"$TMP/out2" 2>&1
	rc=$?
	cp "$TMP/out2" "$TMP/out"; : >"$TMP/err"
	check "status -j is valid JSON (python3)" 0 "" ""
else
	skip "status -j is valid JSON (python3)" "no python3"
fi

run_fake partial status
check "status with attributes missing" 0 "technology:       -
mem_encrypt:      -
version:          0.1.0
event_ratelimit:  -
events_sent:      -
events_dropped:   -
module:           cvm_core 0.1.0 live refcnt=2
module:           cvm_ring - live refcnt=1
module:           cvm_hostsim 0.1.0 going refcnt=0
$POSTURE_TEXT
rings:            2
ring_checked:     -
ring_violations:  7
rings_broken:     -" ""

run_fake partial -j status
check "status -j with attributes missing" 0 '{"technology":null,"mem_encrypt":null,"version":"0.1.0","event_ratelimit":null,"events_sent":null,"events_dropped":null,"modules":[{"name":"cvm_core","version":"0.1.0","state":"live","refcnt":2,"registered":false,"parameters":{}},{"name":"cvm_ring","version":null,"state":"live","refcnt":1,"registered":false,"parameters":{"policy":"monitor"}},{"name":"cvm_hostsim","version":"0.1.0","state":"going","refcnt":0,"registered":false,"parameters":{}}],"not_loaded":null,'"$POSTURE_JSON"',"conversions":null,"pool":null,"rings":{"rings":2,"checked":null,"violations":7,"broken":null}}' ""

run_fake malformed status
check "malformed reply" 1 "" \
	"cvmctl: get-status: malformed attribute 'technology' in the kernel's reply"
run_fake noreply status
check "no reply" 1 "" "cvmctl: get-status: the kernel sent no reply"

EOPNOTSUPP_MSG="cvmctl: cvm_bounce is not loaded; load it with 'modprobe cvm_bounce' (Operation not supported)"
run_fake eopnotsupp status
check "extack message (capped ACK)" 1 "" "$EOPNOTSUPP_MSG"
CVMCTL_FAKE_NOCAP=1 run_fake eopnotsupp status
check "extack message (uncapped ACK)" 1 "" "$EOPNOTSUPP_MSG"

run_host status
check "cvm_core loaded without family" 1 "" \
	"cvmctl: generic netlink family 'cvm' not found (cvm_core is loaded but did not register it; see dmesg)"
ROOT_SAVE=$ROOT
# A kernel with modules but none of ours: status shows what it can and
# says why cvm_core is not there, for each reason a fake root can give.
ROOT=$TMP/empty
mkdir -p "$ROOT/proc/sys/kernel" "$ROOT/lib/modules"
: >"$ROOT/proc/modules"
NOT_INSTALLED="cvm_core is not installed for $(uname -r): install it (make install, or make dkms-install)"
POSTURE_BARE='secure_boot:      unknown (no EFI)
lockdown:         unavailable
tpm:              absent
sig_enforce:      unavailable
tainted:          unknown
swiotlb_force:    no
swiotlb_slabs:    unknown
swiotlb_used:     unknown'
CORE_NONE='technology:       -
mem_encrypt:      -
version:          -
event_ratelimit:  -
events_sent:      -
events_dropped:   -'
run_host status
check "cvm_core not loaded: not installed" 0 "$CORE_NONE
module:           cvm_core not loaded: $NOT_INSTALLED
$POSTURE_BARE" ""
run_host -j status
check "cvm_core not loaded: -j" 0 '{"technology":null,"mem_encrypt":null,"version":null,"event_ratelimit":null,"events_sent":null,"events_dropped":null,"modules":[],"not_loaded":{"module":"cvm_core","loadable":false,"why":"'"$NOT_INSTALLED"'"},"secure_boot":null,"efi":false,"lockdown":null,"tpm":false,"sig_enforce":null,"taint":null,"taint_flags":null,"swiotlb":{"force":false,"slabs":null,"used":null},"conversions":null,"pool":null,"rings":null}' ""
run_host status --check --skip=secure_boot,lockdown,tpm,sig_enforce,taint
check "cvm_core not loaded: --check" 3 "" "cvmctl: cvm_core is not loaded: $NOT_INSTALLED
cvmctl: check failed: cvm: not a confidential VM (technology: unknown)
cvmctl: check failed: mem_encrypt: memory encryption state unknown"
echo 1 >"$ROOT/proc/sys/kernel/modules_disabled"
run_host status
check "cvm_core not loaded: modules_disabled" 0 "$CORE_NONE
module:           cvm_core not loaded: module loading is disabled until the next boot (kernel.modules_disabled=1): remove what sets it (sysctl.d, a boot script) and reboot
$POSTURE_BARE" ""
rm "$ROOT/proc/modules"
run_host status
check "cvm_core not loaded: no module support" 0 "$CORE_NONE
module:           cvm_core not loaded: the kernel has no module support (CONFIG_MODULES is off): build cvmguard into it
$POSTURE_BARE" ""
# swiotlb without cvm_bounce: what debugfs says, and why it says nothing.
NO_TRACE_WHY="tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)"
NO_OBS="observer:         unavailable - cvm_bounce is not loaded (modprobe cvm_bounce; then cvmctl swiotlb observer on)
tracepoint:       unavailable - $NO_TRACE_WHY"
run_host swiotlb
check "swiotlb without cvm_bounce, debugfs not mounted" 0 "pool:             unknown (debugfs is not mounted: mount -t debugfs none /sys/kernel/debug)
$NO_OBS" ""
mkdir -p "$ROOT/proc/self" "$ROOT/sys/kernel/debug"
printf 'sysfs /sys sysfs rw 0 0\ndebugfs /sys/kernel/debug debugfs rw 0 0\n' >"$ROOT/proc/self/mounts"
run_host swiotlb
check "swiotlb: a kernel without swiotlb" 0 "pool:             none (the kernel has no swiotlb)
$NO_OBS" ""
mkdir "$ROOT/sys/kernel/debug/swiotlb"
run_host swiotlb
check "swiotlb: no buffer allocated at boot" 0 "pool:             none (the kernel allocated no swiotlb buffer at boot: no device needed one)
$NO_OBS" ""
run_host -j swiotlb
check "swiotlb -j: no buffer allocated at boot" 0 '{"pool":{"slabs":null,"used":null,"why":"none (the kernel allocated no swiotlb buffer at boot: no device needed one)"},"observer":false,"observer_reason":"cvm_bounce is not loaded (modprobe cvm_bounce; then cvmctl swiotlb observer on)","tracepoint":false,"tracepoint_reason":"'"$NO_TRACE_WHY"'","devices":[]}' ""
run_host status
check "status: swiotlb none" 0 "$CORE_NONE
module:           cvm_core not loaded: the kernel has no module support (CONFIG_MODULES is off): build cvmguard into it
${POSTURE_BARE%swiotlb_slabs:*}swiotlb_slabs:    none
swiotlb_used:     none" ""
echo 65536 >"$ROOT/sys/kernel/debug/swiotlb/io_tlb_nslabs"
echo 7 >"$ROOT/sys/kernel/debug/swiotlb/io_tlb_used"
run_host swiotlb
check "swiotlb without cvm_bounce, debugfs statistics" 0 "pool:             65536 slabs (128 MiB), 7 used
$NO_OBS" ""
# Per-device counts from the swiotlb_bounced histogram (swtrace.c), as
# the kernel prints its hist file; and trace on|off write its trigger.
POOL_LINE="pool:             65536 slabs (128 MiB), 7 used"
OBS_LINE=${NO_OBS%%$'\n'*}
EV=$ROOT/sys/kernel/tracing/events/swiotlb/swiotlb_bounced
printf 'tracefs /sys/kernel/tracing tracefs rw 0 0\n' >>"$ROOT/proc/self/mounts"
run_host swiotlb
check "swiotlb: tracefs without the event" 0 "$POOL_LINE
$OBS_LINE
tracepoint:       unavailable - the kernel has no swiotlb_bounced tracepoint" ""
# Locked down at boot, tracefs holds no event at all: lockdown says why.
mkdir -p "$ROOT/sys/kernel/security"
echo 'none integrity [confidentiality]' >"$ROOT/sys/kernel/security/lockdown"
run_host swiotlb
check "swiotlb: tracefs empty under lockdown" 0 "$POOL_LINE
$OBS_LINE
tracepoint:       unavailable - kernel lockdown (confidentiality) closes tracefs" ""
run_host swiotlb trace on
check "swiotlb trace on under lockdown" 1 "" \
	"cvmctl: swiotlb trace: kernel lockdown (confidentiality) closes tracefs"
rm "$ROOT/sys/kernel/security/lockdown"
mkdir -p "$EV"
run_host swiotlb
check "swiotlb: no hist triggers" 0 "$POOL_LINE
$OBS_LINE
tracepoint:       unavailable - the kernel has no histogram triggers (CONFIG_HIST_TRIGGERS)" ""
printf '# event histogram\n#\n\nTotals:\n    Hits: 0\n' >"$EV/hist"
: >"$EV/trigger"
run_host swiotlb
check "swiotlb: tracepoint off" 0 "$POOL_LINE
$OBS_LINE
tracepoint:       off (cvmctl swiotlb trace on)" ""
run_host swiotlb trace on
check "swiotlb trace on" 0 "" ""
assert "trace on wrote the trigger" \
	"$([ "$(cat "$EV/trigger")" = "hist:keys=dev_name:vals=hitcount,size:sort=dev_name" ] || echo "trigger: $(cat "$EV/trigger")")"
run_host swiotlb trace off
check "swiotlb trace off" 0 "" ""
assert "trace off removed the trigger" \
	"$([ "$(cat "$EV/trigger")" = "!hist:keys=dev_name:vals=hitcount,size:sort=dev_name" ] || echo "trigger: $(cat "$EV/trigger")")"
cat >"$EV/hist" <<'HIST'
# event histogram
#
# trigger info: hist:keys=dev_name:vals=hitcount,size:sort=dev_name:size=2048 [active]
#

{ dev_name: 0000:00:04.0                                                   } hitcount:          3  size:      12288
{ dev_name: 0000:00:05.0                                                   } hitcount:       1032  size:    8405128

Totals:
    Hits: 1035
    Entries: 2
    Dropped: 0
HIST
run_host swiotlb
check "swiotlb: tracepoint counts" 0 "$POOL_LINE
$OBS_LINE
tracepoint:       on (swiotlb:swiotlb_bounced, since cvmctl swiotlb trace on)

DEVICE                 MAPS        BYTES
0000:00:04.0              3        12288
0000:00:05.0           1032      8405128" ""
run_host -j swiotlb
check "swiotlb -j: tracepoint counts" 0 '{"pool":{"slabs":65536,"used":7},"observer":false,"observer_reason":"cvm_bounce is not loaded (modprobe cvm_bounce; then cvmctl swiotlb observer on)","tracepoint":true,"tracepoint_reason":null,"devices":[{"name":"0000:00:04.0","maps":3,"bytes":12288},{"name":"0000:00:05.0","maps":1032,"bytes":8405128}]}' ""
run_host swiotlb trace sideways
check "swiotlb trace: bad value" 2 "" "usage: cvmctl [OPTIONS] swiotlb [observer on|off | trace on|off]"
ROOT=$ROOT_SAVE
run_fake nosock status
check "netlink socket fails" 1 "" \
	"cvmctl: cannot create generic netlink socket: Protocol not supported"

# set-config's success and EPERM: cvmctl_ops.sh, against cvm_core.
run_fake einval config event-ratelimit 5
check "config refused with extack" 1 "" \
	"cvmctl: integer out of range (Invalid argument)"
run_fake missing config event-ratelimit 5
check "config refused with missing-attribute extack" 1 "" \
	"cvmctl: set-config: kernel reports missing attribute 1 (Invalid argument)"
run_fake warn config event-ratelimit 5
check "extack warning on success" 0 "" \
	"cvmctl: warning: rate limit applies from the next second"

# ---- conversions ------------------------------------------------------------
run help conversions
check "help conversions" 0 "$USAGE_CONV
  show the shared-page ledger; switch its observer (root)" ""
run conversions bogus
check "conversions: unknown argument" 2 "" \
	"cvmctl: conversions: unexpected argument 'bogus'
$USAGE_CONV"
run conversions -j
check "conversions: option after the command" 2 "" \
	"cvmctl: conversions: unexpected argument '-j' (global options go before the command)
$USAGE_CONV"
run conversions --ranges x
check "conversions --ranges: extra argument" 2 "" \
	"cvmctl: conversions: unexpected argument 'x'
$USAGE_CONV"
run conversions observer
check "conversions observer: no value" 2 "" \
	"cvmctl: conversions: observer needs 'on' or 'off'
$USAGE_CONV"
run conversions observer 1
check "conversions observer: invalid value" 2 "" \
	"cvmctl: conversions: invalid observer setting '1': must be 'on' or 'off'
$USAGE_CONV"
run conversions observer on off
check "conversions observer: extra argument" 2 "" \
	"cvmctl: conversions: unexpected argument 'off'
$USAGE_CONV"

CONV_TEXT='shared_pages:     1029
peak_pages:       2048
share_ops:        17
unshare_ops:      9
share_failures:   1
unshare_failures: 1
leaked_pages:     2
anomalies:        18446744073709551615
ranges:           6
owners:           4
observer:         off
observer_reason:  kprobes are not available
observed_ops:     5

    SHARED       PEAK     SHARES   UNSHARES   FAILURES     LEAKED  ANOMALIES  OWNER
       512       1024         10          8          2          2          3  hostsim
       512        512          2          0          0          0          0  virtio-net
         4          4          4          0          0          0          0  swiotlb_init_late+0x1a5
         0          8          1          1          0          0          0  idle'
run_fake conv conversions
check "conversions: totals, owners sorted by shared pages then name" 0 \
	"$CONV_TEXT" ""

CONV_JSON='{"totals":{"shared_pages":1029,"peak_pages":2048,"share_ops":17,"unshare_ops":9,"share_failures":1,"unshare_failures":1,"leaked_pages":2,"anomalies":18446744073709551615,"ranges":6,"owners":4,"observer":false,"observer_reason":"kprobes are not available","observed_ops":5},"owners":[{"name":"hostsim","shared_pages":512,"peak_pages":1024,"share_ops":10,"unshare_ops":8,"failures":2,"leaked_pages":2,"anomalies":3},{"name":"virtio-net","shared_pages":512,"peak_pages":512,"share_ops":2,"unshare_ops":0,"failures":0,"leaked_pages":0,"anomalies":0},{"name":"swiotlb_init_late+0x1a5","shared_pages":4,"peak_pages":4,"share_ops":4,"unshare_ops":0,"failures":0,"leaked_pages":0,"anomalies":0},{"name":"idle","shared_pages":0,"peak_pages":8,"share_ops":1,"unshare_ops":1,"failures":0,"leaked_pages":0,"anomalies":0}]}'
run_fake conv -j conversions
check "conversions -j" 0 "$CONV_JSON" ""

run_fake conv -p conversions
pretty_first=$(head -n 4 "$TMP/out")
pretty_lines=$(wc -l <"$TMP/out")
: >"$TMP/out"; : >"$TMP/err"
[ "$pretty_first" = '{
  "totals": {
    "shared_pages": 1029,
    "peak_pages": 2048,' ] && [ "$pretty_lines" = 59 ] || rc=99
check "conversions -p is indented" 0 "" ""

RANGES_TEXT='START_PFN         PAGES STATE         AGE_MS  OWNER
0x0000001000        512 shared          1500  hostsim
0x0000001400          1 leaked      90061000  hostsim
0x0000001401          1 leaked      90061000  hostsim
0x0000020000        512 shared            12  virtio-net
0x000003fffc          4 shared             0  swiotlb_init_late+0x1a5
0x123456789ab          1 unknown            1  future'
run_fake conv conversions --ranges
check "conversions --ranges (multi-part dump)" 0 "$RANGES_TEXT" ""

RANGES_JSON='{"ranges":[{"start_pfn":4096,"pages":512,"owner":"hostsim","state":"shared","age_ms":1500},{"start_pfn":5120,"pages":1,"owner":"hostsim","state":"leaked","age_ms":90061000},{"start_pfn":5121,"pages":1,"owner":"hostsim","state":"leaked","age_ms":90061000},{"start_pfn":131072,"pages":512,"owner":"virtio-net","state":"shared","age_ms":12},{"start_pfn":262140,"pages":4,"owner":"swiotlb_init_late+0x1a5","state":"shared","age_ms":0},{"start_pfn":1250999896491,"pages":1,"owner":"future","state":"unknown","age_ms":1}]}'
run_fake conv -j conversions --ranges
check "conversions -j --ranges" 0 "$RANGES_JSON" ""

if command -v python3 >/dev/null; then
	bad=
	for args in "-j conversions" "-p conversions" "-j conversions --ranges" \
		    "-p conversions --ranges"; do
		# shellcheck disable=SC2086 # word-split arguments
		run_fake conv $args
		python3 -c 'import json, sys; json.load(sys.stdin)' \
			<"$TMP/out" >/dev/null 2>&1 || bad="$bad '$args'"
	done
	assert "conversions JSON is valid (python3)" "$bad"
else
	skip "conversions JSON is valid (python3)" "no python3"
fi

# The empty ledger: cvmctl_conv.sh, against cvm_convert.

run_fake conv-partial conversions
check "conversions: attributes missing" 0 'shared_pages:     7
peak_pages:       -
share_ops:        -
unshare_ops:      -
share_failures:   -
unshare_failures: -
leaked_pages:     -
anomalies:        -
ranges:           3
owners:           -
observer:         -
observer_reason:  -
observed_ops:     -

    SHARED       PEAK     SHARES   UNSHARES   FAILURES     LEAKED  ANOMALIES  OWNER
         -          -          -          -          -          -          -  hostsim
         -          -          -          -          -          -          -  idle
         -          -          -          -          -          -          -  swiotlb_init_late+0x1a5
         -          -          -          -          -          -          -  virtio-net' ""
run_fake conv-partial -j conversions --ranges
check "conversions -j --ranges: attributes missing are null" 0 \
	'{"ranges":[{"start_pfn":4096,"pages":null,"owner":null,"state":null,"age_ms":null},{"start_pfn":5120,"pages":null,"owner":null,"state":null,"age_ms":null},{"start_pfn":5121,"pages":null,"owner":null,"state":null,"age_ms":null},{"start_pfn":131072,"pages":null,"owner":null,"state":null,"age_ms":null},{"start_pfn":262140,"pages":null,"owner":null,"state":null,"age_ms":null},{"start_pfn":1250999896491,"pages":null,"owner":null,"state":null,"age_ms":null}]}' ""
run_fake conv-partial conversions --ranges
check "conversions --ranges: attributes missing" 0 \
	'START_PFN         PAGES STATE         AGE_MS  OWNER
0x0000001000          - -                  -  -
0x0000001400          - -                  -  -
0x0000001401          - -                  -  -
0x0000020000          - -                  -  -
0x000003fffc          - -                  -  -
0x123456789ab          - -                  -  -' ""

# Without cvm_convert (do, dump in NLMSG_DONE, set): cvmctl_conv.sh.
NOCONV="cvmctl: cvm_convert is not loaded; load it with 'modprobe cvm_convert'"

# ---- rings (the data path is tested against the kernel: ring.sh) ----
run help rings
check "help rings" 0 "$USAGE_RINGS
  show ring validation counters; set a ring's policy or the live auditor (root)" ""
run rings bogus
check "rings: unknown argument" 2 "" "cvmctl: rings: unexpected argument 'bogus'
$USAGE_RINGS"
run rings auditor maybe
check "rings auditor: bad value" 2 "" "cvmctl: rings: auditor needs 'on' or 'off'
$USAGE_RINGS"
run rings auditor
check "rings auditor: no value" 2 "" "cvmctl: rings: auditor needs 'on' or 'off'
$USAGE_RINGS"
run rings policy 1
check "rings policy: missing policy" 2 "" \
	"cvmctl: rings: policy needs a ring id and 'monitor' or 'enforce'
$USAGE_RINGS"
run rings policy x1 monitor
check "rings policy: bad id" 2 "" "cvmctl: rings: invalid ring id 'x1'
$USAGE_RINGS"
run rings policy 1 strict
check "rings policy: bad policy" 2 "" \
	"cvmctl: rings: invalid policy 'strict': must be 'monitor' or 'enforce'
$USAGE_RINGS"
run_fake eopnotsupp rings
check "rings: the kernel's extack when the module is missing" 1 "" \
	"cvmctl: cvm_bounce is not loaded; load it with 'modprobe cvm_bounce'"

run_fake conv-dumperr conversions --ranges
check "range dump failing midway: rows so far, then the error" 1 \
	'START_PFN         PAGES STATE         AGE_MS  OWNER
0x0000001000        512 shared          1500  hostsim
0x0000001400          1 leaked      90061000  hostsim' "$NOCONV"
run_fake conv-dumperr -j conversions --ranges
check "range dump failing midway: JSON stays well-formed" 1 \
	'{"ranges":[{"start_pfn":4096,"pages":512,"owner":"hostsim","state":"shared","age_ms":1500},{"start_pfn":5120,"pages":1,"owner":"hostsim","state":"leaked","age_ms":90061000}]}' \
	"$NOCONV"
run_fake conv-malformed conversions --ranges
check "malformed range" 1 \
	'START_PFN         PAGES STATE         AGE_MS  OWNER
0x0000001000        512 shared          1500  hostsim' \
	"cvmctl: conv-range-get: malformed attribute 'pages' in the kernel's reply"

start=$(date +%s%N)
run_fake conv-many -j conversions --ranges
end=$(date +%s%N)
many=$(jq '.ranges | length' "$TMP/out" 2>&1)
last=$(jq -c '.ranges[-1]' "$TMP/out" 2>&1)
assert "conversions -j --ranges: 100000 ranges in $(( (end - start) / 1000000 )) ms" \
	"$([ "$rc" = 0 ] && [ "$many" = 100000 ] && [ "$last" = '{"start_pfn":1248574,"pages":1,"owner":"bulk","state":"shared","age_ms":999}' ] || echo "rc=$rc count=$many last=$last")"
run_fake conv-many conversions --ranges
lines=$(wc -l <"$TMP/out")
last=$(tail -n 1 "$TMP/out")
assert "conversions --ranges: 100000 ranges, text" \
	"$([ "$rc" = 0 ] && [ "$lines" = 100001 ] && [ "$last" = '0x0000130d3e          1 shared           999  bulk' ] || echo "rc=$rc lines=$lines last=$last")"

# conv-set and its EPERM: cvmctl_conv.sh and cvmctl_ops.sh.
run_host conversions
check "conversions: cvm_core loaded without family" 1 "" \
	"cvmctl: generic netlink family 'cvm' not found (cvm_core is loaded but did not register it; see dmesg)"

# ---- posture and status --check ----------------------------------------------
ROOT_SAVE=$ROOT
ROOT=$GOOD
run_fake conv status
check "status on a hardened guest with cvm_convert" 0 "technology:       none
mem_encrypt:      inactive
version:          0.1.0
event_ratelimit:  100
events_sent:      0
events_dropped:   0
module:           cvm_core 0.1.0 live refcnt=1
module:           cvm_convert 0.1.0 live refcnt=0
secure_boot:      enabled
lockdown:         integrity
tpm:              present
sig_enforce:      Y
tainted:          4096 (O)
swiotlb_force:    no
swiotlb_slabs:    unknown
swiotlb_used:     unknown
param:            cvm_convert.observer=Y
shared_pages:     1029
leaked_pages:     2" ""
run_fake conv -j status
check "status -j on a hardened guest with cvm_convert" 0 '{"technology":"none","mem_encrypt":false,"version":"0.1.0","event_ratelimit":100,"events_sent":0,"events_dropped":0,"modules":[{"name":"cvm_core","version":"0.1.0","state":"live","refcnt":1,"registered":true,"parameters":{}},{"name":"cvm_convert","version":"0.1.0","state":"live","refcnt":0,"registered":false,"parameters":{"observer":"Y"}}],"not_loaded":null,"secure_boot":"enabled","efi":true,"lockdown":"integrity","tpm":true,"sig_enforce":true,"taint":4096,"taint_flags":"O","swiotlb":{"force":false,"slabs":null,"used":null},"conversions":{"shared_pages":1029,"leaked_pages":2},"pool":null,"rings":null}' ""
run_fake snp status --check
check "status --check passes on a hardened SEV-SNP guest" 0 "" ""
run_fake ok status --check
check "status --check: plain VM, hardened posture" 3 "" \
	"cvmctl: check failed: cvm: not a confidential VM (technology: none)
cvmctl: check failed: mem_encrypt: memory encryption is inactive"
ROOT=$ROOT_SAVE
run_fake ok status --check
check "status --check: every item fails" 3 "" \
	"cvmctl: check failed: cvm: not a confidential VM (technology: none)
cvmctl: check failed: mem_encrypt: memory encryption is inactive
cvmctl: check failed: secure_boot: secure boot unknown (no EFI)
cvmctl: check failed: lockdown: lockdown unavailable (no lockdown LSM or securityfs)
cvmctl: check failed: tpm: no TPM (/sys/class/tpm/tpm0 absent)
cvmctl: check failed: sig_enforce: module signatures are not enforced
cvmctl: check failed: taint: kernel tainted: 12800 (WOE)"
run_fake ok status --check=taint,cvm
check "status --check=ITEMS" 3 "" \
	"cvmctl: check failed: cvm: not a confidential VM (technology: none)
cvmctl: check failed: taint: kernel tainted: 12800 (WOE)"
run_fake ok status --check --skip=cvm,mem_encrypt,secure_boot,lockdown --skip=tpm,taint
check "status --check --skip=ITEMS" 3 "" \
	"cvmctl: check failed: sig_enforce: module signatures are not enforced"
run_fake ok status --check=tpm --skip=tpm
check "status --check with every item skipped" 0 "" ""
run status --check=cvm,bogus
check "status --check: unknown item" 2 "" \
	"cvmctl: status: --check: unknown item 'bogus' (items: cvm, mem_encrypt, secure_boot, lockdown, tpm, sig_enforce, taint)
usage: cvmctl [OPTIONS] status [--check[=ITEMS] [--skip=ITEMS]]"
run status --skip=tpm
check "status --skip without --check" 2 "" \
	"cvmctl: status: --skip needs --check
usage: cvmctl [OPTIONS] status [--check[=ITEMS] [--skip=ITEMS]]"
run status --check extra
check "status --check: extra argument" 2 "" \
	"cvmctl: status: unexpected argument 'extra'
usage: cvmctl [OPTIONS] status [--check[=ITEMS] [--skip=ITEMS]]"
# The platform answer agrees with systemd's where both answer: on a host
# with cvm_core loaded and a systemd-detect-virt that knows --cvm.
if grep -q '^cvm_core ' /proc/modules 2>/dev/null &&
   sdv=$(systemd-detect-virt --cvm 2>/dev/null; [ $? -le 1 ]); then
	if "$CVMCTL" status --check=cvm >/dev/null 2>&1; then ours=cvm; else ours=none; fi
	[ "$sdv" = none ] || sdv=cvm
	assert "status --check=cvm agrees with systemd-detect-virt --cvm" \
		"$([ "$ours" = "$sdv" ] || echo "cvmctl: $ours, systemd-detect-virt --cvm: $sdv")"
else
	skip "status --check=cvm agrees with systemd-detect-virt --cvm" \
		"no cvm_core here, or systemd-detect-virt without --cvm"
fi

# ---- bash completion (cvmctl.bash) --------------------------------------------
# complete LINE: what cvmctl.bash offers at the end of LINE (plain bash,
# without the bash-completion package, so "=" and ":" split words as
# readline does).
complete_line()
{
	bash -c '. "$1"; PATH=$(dirname "$2"):$PATH
		COMP_LINE=$3 COMP_POINT=${#3}
		w=${3//=/ = }
		read -ra COMP_WORDS <<<"${w//:/ : }"
		[[ $3 == *" " || $3 == *= || $3 == *: ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_cvmctl; echo "${COMPREPLY[*]}"' \
		complete_line "$(dirname "$CVMCTL")/cvmctl.bash" "$CVMCTL" "$1"
}
out=$(complete_line "cvmctl ")
assert "completion: commands from cvmctl help" \
	"$(case " $out " in *" status "*" conversions "*" help "*) ;; *) echo "got: $out" ;; esac)"
out=$(complete_line "cvmctl pool set sc")
assert "completion: pool policies" "$([ "$out" = "scrub" ] || echo "got: $out")"
out=$(complete_line "cvmctl set ring-")
assert "completion: set settings" "$([ "$out" = "ring-policy ring-auditor" ] || echo "got: $out")"
out=$(complete_line "cvmctl rings auditor o")
assert "completion: rings auditor" "$([ "$out" = "on off" ] || echo "got: $out")"
# PCI addresses, whole and past each ':' (readline keeps what is before it).
pci=$(ls /sys/bus/pci/devices 2>/dev/null | head -n 1)
if [ -n "$pci" ]; then
	want=
	for d in /sys/bus/pci/devices/"${pci%:*}":*; do
		want="$want${d##*:} "
	done
	out=$(complete_line "cvmctl pool attach ${pci%:*}:")
	assert "completion: PCI address after its last ':'" \
		"$([ "$out " = "$want" ] || echo "got: '$out', want: '$want'")"
	out=$(complete_line "cvmctl pool detach ")
	assert "completion: whole PCI addresses" \
		"$([ "$out" = "$(ls /sys/bus/pci/devices | tr '\n' ' ' | sed 's/ $//')" ] || echo "got: $out")"
else
	skip "completion: PCI address after its last ':'" "no PCI devices here"
	skip "completion: whole PCI addresses" "no PCI devices here"
fi
out=$(complete_line "cvmctl status --check=cvm,t")
assert "completion: check items after --check=" \
	"$([ "$out" = "cvm,tpm cvm,taint" ] || echo "got: $out")"

CVMCTL_FAKE_NL=ok CVMCTL_FAKE_ROOT=$ROOT LD_PRELOAD=$SHIM \
	"$CVMCTL" status >/dev/full 2>"$TMP/err"
rc=$?
: >"$TMP/out"
check "write error on stdout" 1 "" \
	"cvmctl: write error: No space left on device"

# ---- issue 6: set, metrics, monitor, load/unload ---------------------------
USAGE_SET='usage: cvmctl [OPTIONS] set SETTING VALUE...'
# set against cvm_core and cvm_convert, and as nobody: cvmctl_ops.sh.
run set bogus 1
check "set unknown setting" 2 "" "cvmctl: set: unknown setting 'bogus'
$USAGE_SET"
run set observer
check "set observer without value" 2 "" "cvmctl: set: observer needs 'on' or 'off'
$USAGE_SET"
run set event-ratelimit 0
check "set event-ratelimit out of range" 2 "" \
	"cvmctl: set: invalid event-ratelimit '0': $RANGE
$USAGE_SET"
# The other settings go to the command that owns them.
run set ring-auditor maybe
check "set ring-auditor: bad value (rings)" 2 "" "cvmctl: rings: auditor needs 'on' or 'off'
$USAGE_RINGS"
run set pool scrub maybe
check "set pool: bad value (pool set)" 2 "" "cvmctl: scrub: expected on or off, got 'maybe'"

# metrics: the fake conv kernel with cvm_core and cvm_convert loaded.
MET=$TMP/met
mkdir -p "$MET/proc" "$MET/sys/module/cvm_core" "$MET/sys/module/cvm_convert"
echo live >"$MET/sys/module/cvm_core/initstate"
echo live >"$MET/sys/module/cvm_convert/initstate"
CVMCTL_FAKE_NL=conv CVMCTL_FAKE_ROOT=$MET LD_PRELOAD=$SHIM \
	"$CVMCTL" metrics >"$TMP/out" 2>"$TMP/err"
rc=$?
cp "$TMP/out" "$TMP/metrics"
assert "metrics: exit 0, no stderr" "$([ $rc = 0 ] && [ ! -s "$TMP/err" ] || echo "exit $rc: $(cat "$TMP/err")")"
want='cvm_info{version="0.1.0",technology="none"} 1
cvm_event_ratelimit 100
cvm_module_loaded{module="cvm_convert"} 1
cvm_module_loaded{module="cvm_ring"} 0
cvm_convert_anomalies_total 18446744073709551615
cvm_convert_owner_leaked_pages{owner="hostsim"} 2
cvm_convert_owner_shared_pages{owner="swiotlb_init_late+0x1a5"} 4'
got=$(printf '%s\n' "$want" | while read -r l; do grep -qxF "$l" "$TMP/metrics" || echo "missing: $l"; done)
assert "metrics: values" "$got"
assert "metrics: counters end in _total, with HELP and TYPE" "$(awk '
	/^# TYPE/ { t[$3] = $4; next } /^# HELP/ { h[$3] = 1; next }
	{ n = $1; sub(/\{.*/, "", n)
	  if (!(n in t) || !(n in h)) print "no HELP/TYPE: " n
	  else if ((t[n] == "counter") != (n ~ /_total$/)) print "bad suffix: " n }' "$TMP/metrics")"
if command -v promtool >/dev/null; then
	assert "metrics: promtool check metrics" \
		"$(promtool check metrics <"$TMP/metrics" 2>&1 || echo "promtool failed")"
else
	skip "metrics: promtool check metrics" "no promtool"
fi
mkdir -p "$TMP/tf"
CVMCTL_FAKE_NL=conv CVMCTL_FAKE_ROOT=$MET LD_PRELOAD=$SHIM \
	"$CVMCTL" metrics --textfile "$TMP/tf" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "metrics --textfile" 0 "" ""
assert "metrics --textfile: only cvmguard.prom, same text" \
	"$([ "$(ls -A "$TMP/tf")" = cvmguard.prom ] && cmp -s "$TMP/tf/cvmguard.prom" "$TMP/metrics" || ls -A "$TMP/tf")"
EMPTY=$TMP/empty
mkdir -p "$EMPTY/proc" "$EMPTY/sys/module"
CVMCTL_FAKE_ROOT=$EMPTY LD_PRELOAD=$SHIM "$CVMCTL" metrics >"$TMP/out" 2>"$TMP/err"
rc=$?
check "metrics without cvm_core" 0 '# HELP cvm_module_loaded 1 if the cvmguard module is loaded.
# TYPE cvm_module_loaded gauge
cvm_module_loaded{module="cvm_core"} 0
cvm_module_loaded{module="cvm_convert"} 0
cvm_module_loaded{module="cvm_bounce"} 0
cvm_module_loaded{module="cvm_ring"} 0
cvm_module_loaded{module="cvm_hostsim"} 0' ""
run metrics --textfile
check "metrics --textfile without DIR" 2 "" "cvmctl: metrics: unexpected argument '--textfile'
usage: cvmctl [OPTIONS] metrics [--textfile DIR]"

run monitor --count 0
check "monitor --count 0" 2 "" "cvmctl: monitor: invalid count '0': must be a positive integer
usage: cvmctl [OPTIONS] monitor [--count N]"
run monitor extra
check "monitor extra argument" 2 "" "cvmctl: monitor: unexpected argument 'extra'
usage: cvmctl [OPTIONS] monitor [--count N]"

USAGE_LOAD='usage: cvmctl [OPTIONS] load [--dir DIR] [MODULE [OPTION=VALUE...]]'
run load cvm_core noequals
check "load: option without =" 2 "" "cvmctl: load: invalid option 'noequals': must be OPTION=VALUE
$USAGE_LOAD"
run load ../evil
check "load: invalid module name" 2 "" "cvmctl: load: invalid module name '../evil'
$USAGE_LOAD"
run load --dir
check "load: --dir without DIR" 2 "" "cvmctl: load: --dir needs a directory
$USAGE_LOAD"
run load --dir "$TMP/nomods" cvm_core
check "load --dir: module file missing" 1 "" \
	"cvmctl: module $TMP/nomods/cvm_core.ko not found (install it with 'make modules_install', or use --dir)"
run unload a b
check "unload: extra argument" 2 "" "cvmctl: unload: unexpected argument 'b'
usage: cvmctl [OPTIONS] unload [MODULE]"
run unload cvm_nonesuch
check "unload of a module that is not loaded" 0 "" ""

# ---- man pages -------------------------------------------------------------
# `man -l` renders them (man-db, groff) with every warning turned on: a
# broken macro or an unknown escape is a failure, not a blank line; a page
# of fewer than 21 lines did not render.
for page in "$(dirname "$CVMCTL")"/cvmctl*.8 "$(dirname "$CVMCTL")/../../Documentation/cvmguard.7"; do
	if command -v man >/dev/null; then
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		lines=$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
		assert "man -l $(basename "$page") renders without warnings" \
			"$([ -z "$out" ] && [ "$lines" -gt 20 ] || echo "warnings: $out; $lines lines")"
	else
		skip "man -l $(basename "$page")" "no man (man-db) on this machine"
	fi
done

# Exit 0 only if every planned test ran and passed (or was skipped).
ktap_finished
