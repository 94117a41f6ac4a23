#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvm_bounce, the hardened bounce pool: loads cvm_convert, cvm_bounce and
# the test-only cvm_hostsim_bounce, runs cvm_bounce_test with the default pool,
# then reloads cvm_bounce with a one-chunk pool (exhaustion) and with a
# pool that may grow to four chunks (growing, shrinking, the ledger), and
# unloads everything: the pool's pages go back, a leaked chunk stays
# withheld in the ledger until cvm_convert goes.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")" || exit $KSFT_FAIL
dir=/sys/kernel/cvm/bounce
start=$(cut -d' ' -f1 /proc/uptime)
grow="small_exhaustion_without_wait small_exhaustion_bounded_wait unscrubbed_slots_still_zeroed_at_map grow_shrink_ledger"

[ -d /sys/kernel/debug ] || skip "no debugfs"

# cvmctl pool shows what sysfs shows, and sets policies.
cvmctl_pool() {
	out=$(cvmctl pool) || fail "cvmctl pool exited $?"
	expect_eq "cvmctl pool slot_size" "slot_size:        2048" "$(echo "$out" | grep '^slot_size:')"
	expect_eq "cvmctl pool scrub" "scrub:            off" "$(echo "$out" | grep '^scrub:')"
	expect_eq "cvmctl pool device row" "cvm_hostsim no" "$(echo "$out" | awk '$1 == "cvm_hostsim" { print $1, $2 }')"
	for f in slots maps unmaps bytes violations failures chunks; do
		expect_eq "cvmctl -j pool .pool.$f" "$(cat $dir/$f)" "$(cvmctl -j pool | jq ".pool.$f")"
	done
	expect_eq "cvmctl -j pool devices" '"cvm_hostsim" false' \
		"$(cvmctl -j pool | jq -r '.devices[] | "\"\(.name)\" \(.attached)"')"
	cvmctl metrics >/tmp/bounce.prom || fail "cvmctl metrics exited $?"
	expect_eq "promtool check metrics" "" "$(promtool check metrics </tmp/bounce.prom 2>&1)"
	for f in maps:cvm_bounce_maps_total violations:cvm_bounce_violations_total \
		slots:cvm_bounce_slots used:cvm_bounce_used_slots; do
		expect_eq "metric ${f#*:}" "$(cat $dir/${f%%:*})" \
			"$(awk -v n="${f#*:}" '$1 == n { print $2 }' /tmp/bounce.prom)"
	done
	cvmctl pool set scrub on || fail "cvmctl pool set scrub on"
	expect_eq "scrub after cvmctl pool set" 1 "$(cat $dir/scrub)"
	cvmctl pool set scrub off || fail "cvmctl pool set scrub off"
	cvmctl pool set idle_ms 7000 || fail "cvmctl pool set idle_ms"
	expect_eq "idle_ms after cvmctl pool set" 7000 "$(cat $dir/idle_ms)"
	cvmctl pool set idle_ms 5000
	cvmctl pool set scrub maybe 2>/dev/null
	expect_eq "cvmctl pool set scrub maybe: exit" 2 $?
	out=$(cvmctl pool attach 0000:00:1f.7 2>&1)
	expect_eq "cvmctl pool attach unknown: exit" 1 $?
	expect_eq "cvmctl pool attach unknown" "cvmctl: no such PCI or platform device (No such device)" "$out"
}

# With misuse_warn on, a refused call is a WARN with a stack trace (and
# taints the kernel W; cvmctl.sh, which checks the taint, ran before).
# The runner tolerates a WARN only between the expected-WARN marks.
hs=/sys/kernel/debug/cvm_hostsim_bounce/bounce
misuse_warn() {
	echo "cvmguard-guest: expected WARN begins" >/dev/kmsg
	echo 1 >$dir/misuse_warn || fail "misuse_warn on"
	echo "map 4096 to 0" >$hs || fail "misuse_warn: map"
	id=$(cut -d' ' -f1 $hs)
	case $id in
	'' | *[!0-9]*) fail "misuse_warn: map answered '$(cat $hs)'" ;;
	esac
	echo "unmap $id" >$hs || fail "misuse_warn: unmap"
	expect_eq "misuse_warn: unmap" ok "$(cat $hs)"
	v0=$(cat $dir/violations)
	echo "unmap $id" >$hs || fail "misuse_warn: double unmap"
	expect_eq "misuse_warn: double unmap" -114 "$(cat $hs)"
	echo 0 >$dir/misuse_warn || fail "misuse_warn off"
	echo "cvmguard-guest: expected WARN ends" >/dev/kmsg
	expect_eq "misuse_warn: violations" $((v0 + 1)) "$(cat $dir/violations)"
	log=$(dmesg | sed -n '/cvmguard-guest: expected WARN begins/,/cvmguard-guest: expected WARN ends/p')
	expect_eq "misuse_warn: WARNINGs" 1 "$(echo "$log" | grep -c 'WARNING:')"
	expect_eq "misuse_warn: WARN text" 1 "$(echo "$log" | grep -c 'cvm_hostsim: refused double unmap at')"
	expect_eq "misuse_warn: stack traces" 1 "$(echo "$log" | grep -c 'Call Trace')"
	expect_eq "misuse_warn: taint W" 1 $(($(cat /proc/sys/kernel/tainted) >> 9 & 1))
}

# cvmctl monitor prints the pool's events, text and JSON, as the kernel
# sent them: five misuses of four kinds, a mapping too big, a grow and a
# shrink (exhaustion, a leaked chunk and a driver's leak go through the
# same printer; cvm_bounce_test and dma_contract.sh check the kernel
# sends them).
monitor_pool() {
	rm -f /tmp/pmon.json /tmp/pmon.txt
	# No chunk goes back on its own while the monitors listen.
	cvmctl pool set idle_ms 600000
	base=$(genl_listeners)
	cvmctl -j monitor --count 8 >/tmp/pmon.json 2>&1 &
	cvmctl monitor --count 8 >/tmp/pmon.txt 2>&1 &
	wait_listeners $((base + 2))
	echo "unmap-addr 0x1000 4096 to" >$hs
	echo "map 4096 to 0" >$hs
	read -r id addr <$hs
	echo "sync $id cpu 4000 200 to" >$hs
	echo "sync $id dev 0 100 from" >$hs
	echo "unmap-as $id 2048 to" >$hs
	echo "unmap $id" >$hs
	echo "map 524288 to 0" >$hs
	echo grow >$hs
	echo shrink >$hs
	cvmctl pool set idle_ms 5000
	wait_lines /tmp/pmon.json 8
	wait_lines /tmp/pmon.txt 8
	a=$((addr)) chunk=$((1 << 20))
	# The chunk given back is at an address only the kernel knows.
	expect_eq "monitor -j: pool events" \
"{\"event\":\"pool\",\"kind\":\"stray\",\"device\":\"cvm_hostsim\",\"addr\":4096,\"size\":4096,\"error\":\"ENOENT\"}
{\"event\":\"pool\",\"kind\":\"sync-range\",\"device\":\"cvm_hostsim\",\"addr\":$((a + 4000)),\"size\":200,\"error\":\"ERANGE\"}
{\"event\":\"pool\",\"kind\":\"dir-mismatch\",\"device\":\"cvm_hostsim\",\"addr\":$a,\"size\":100,\"error\":\"EPERM\"}
{\"event\":\"pool\",\"kind\":\"size-mismatch\",\"device\":\"cvm_hostsim\",\"addr\":$a,\"size\":2048,\"error\":\"EINVAL\"}
{\"event\":\"pool\",\"kind\":\"double-unmap\",\"device\":\"cvm_hostsim\",\"addr\":$a,\"size\":4096,\"error\":\"EALREADY\"}
{\"event\":\"pool\",\"kind\":\"too-big\",\"device\":\"cvm_hostsim\",\"addr\":0,\"size\":524288,\"error\":\"E2BIG\"}
{\"event\":\"pool\",\"kind\":\"grow\",\"device\":\"cvm_bounce\",\"addr\":0,\"size\":$chunk}
{\"event\":\"pool\",\"kind\":\"shrink\",\"device\":\"cvm_bounce\",\"size\":$chunk}" \
		"$(jq -c 'if .kind == "shrink" and (.addr | type) == "number" then del(.addr) else . end' /tmp/pmon.json)"
	shrunk=$(jq -r 'select(.kind == "shrink") | .addr' /tmp/pmon.json)
	expect_eq "monitor: pool events" \
"pool stray device=cvm_hostsim addr=0x1000 size=4096 error=ENOENT
pool sync-range device=cvm_hostsim addr=$(printf '%#x' $((a + 4000))) size=200 error=ERANGE
pool dir-mismatch device=cvm_hostsim addr=$(printf '%#x' $a) size=100 error=EPERM
pool size-mismatch device=cvm_hostsim addr=$(printf '%#x' $a) size=2048 error=EINVAL
pool double-unmap device=cvm_hostsim addr=$(printf '%#x' $a) size=4096 error=EALREADY
pool too-big device=cvm_hostsim addr=0x0 size=524288 error=E2BIG
pool grow device=cvm_bounce addr=0x0 size=$chunk
pool shrink device=cvm_bounce addr=$(printf '%#x' "$shrunk") size=$chunk" "$(cat /tmp/pmon.txt)"
}

# run PARAMS -- TESTARGS: cvm_bounce with PARAMS, hostsim, the test.
run() {
	params=$1
	shift
	# shellcheck disable=SC2086 # word splitting of the parameters
	insmod "$CVM_MODULES/cvm_bounce.ko" $params || { fail "insmod cvm_bounce $params"; return; }
	if insmod "$CVM_MODULES/cvm_hostsim_bounce.ko"; then
		./cvm_bounce_test "$@" || fail "cvm_bounce_test $params"
		[ -z "$params" ] && { cvmctl_pool; monitor_pool; misuse_warn; }
		rmmod cvm_bounce 2>/dev/null && fail "cvm_bounce unloaded while hostsim uses it"
		rmmod cvm_hostsim_bounce || fail "rmmod cvm_hostsim_bounce"
	else
		fail "insmod cvm_hostsim_bounce"
	fi
	rmmod cvm_bounce || fail "rmmod cvm_bounce ($params)"
	[ -d $dir ] && fail "$dir still present after rmmod"
}

insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
# cvm_hostsim_bounce takes its command parser from cvm_hostsim.
insmod "$CVM_MODULES/cvm_hostsim.ko" || { fail "insmod cvm_hostsim"; finish; }

# A pool nobody uses holds no shared memory: none at load, none for an
# attach that is refused; the first client (cvm_hostsim_bounce registers
# at its first command) takes init_chunks; idle_ms after the last client
# left they are private again, counted as shrinks.
shared=/sys/kernel/cvm/convert/shared_pages
idle_pool() {
	expect_eq "$1: chunks" 0 "$(cat $dir/chunks)"
	expect_eq "$1: size" 0 "$(cat $dir/size)"
	expect_eq "$1: slots" 0 "$(cat $dir/slots)"
	expect_eq "$1: shared pages" 0 "$(cat $shared)"
}
if insmod "$CVM_MODULES/cvm_bounce.ko" init_chunks=2 idle_ms=100; then
	idle_pool "pool at load"
	bound=
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/driver" ] && { bound=${d##*/}; break; }
	done
	out=$(cvmctl pool attach "$bound" 2>&1)
	expect_eq "attach of a bound device ($bound): exit" 1 $?
	expect_eq "attach of a bound device" "cvmctl: a driver is bound to the device; unbind it first (Device or resource busy)" "$out"
	idle_pool "pool after a refused attach"
	insmod "$CVM_MODULES/cvm_hostsim_bounce.ko" || fail "insmod cvm_hostsim_bounce"
	idle_pool "pool with cvm_hostsim_bounce loaded, not yet a client"
	echo drain >$hs || fail "cvm_hostsim_bounce: first command"
	expect_eq "first client: chunks" 2 "$(cat $dir/chunks)"
	expect_eq "first client: shared pages" 512 "$(cat $shared)"
	expect_eq "first client: grows (the first chunks are not growth)" 0 "$(cat $dir/grows)"
	rmmod cvm_hostsim_bounce || fail "rmmod cvm_hostsim_bounce"
	i=0
	while [ "$(cat $dir/chunks)" != 0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	idle_pool "pool idle_ms after its last client"
	expect_eq "last client gone: shrinks" 2 "$(cat $dir/shrinks)"
	rmmod cvm_bounce || fail "rmmod cvm_bounce (idle pool)"
else
	fail "insmod cvm_bounce init_chunks=2 idle_ms=100"
fi
excl=
for t in $grow; do excl="$excl -T $t"; done
mark="cvmguard-guest: bounce.sh default pool $$"
echo "$mark" >/dev/kmsg
# shellcheck disable=SC2086
run "" $excl
# The misuse test refused 9 calls of 5 kinds with misuse_warn off: one
# log line per kind for the device, no WARN. (misuse_warn() then made
# one WARN, whose text names a kind too: only the log lines count here.)
log=$(dmesg | sed -n "\|$mark|,\$p" | grep 'cvm_hostsim: refused .*reported once per device and kind')
expect_eq "misuse log lines" 5 "$(echo "$log" | grep -c 'reported once per device and kind')"
for k in "double unmap" "unmap with a size other than mapped" \
	"unmap/sync of an address that is not a live mapping" \
	"unmap/sync with a direction other than mapped" \
	"sync of a range outside the mapping"; do
	expect_eq "misuse log: $k" 1 "$(echo "$log" | grep -c "refused $k at")"
done
run "init_chunks=1 max_chunks=1" -t small_exhaustion_without_wait -t small_exhaustion_bounded_wait \
	-t unscrubbed_slots_still_zeroed_at_map
run "init_chunks=1 max_chunks=4 idle_ms=100" -t grow_shrink_ledger
# Inconsistent parameters are refused at load.
insmod "$CVM_MODULES/cvm_bounce.ko" slot_size=3000 2>/dev/null &&
	{ fail "slot_size=3000 accepted"; rmmod cvm_bounce; }
# A chunk larger than the page allocator gives is refused with its reason
# (busybox insmod tries finit_module, then init_module: the line may be twice).
mark="bounce.sh: chunk_kib $$"
echo "$mark" >/dev/kmsg
insmod "$CVM_MODULES/cvm_bounce.ko" chunk_kib=8192 2>/dev/null &&
	{ fail "chunk_kib=8192 accepted"; rmmod cvm_bounce; }
expect_eq "chunk_kib=8192 refused, and why" \
	"cvm_bounce: chunk_kib=8192 is above the largest contiguous allocation, 4096 KiB" \
	"$(dmesg | sed -n "\|$mark|,\$p" | grep -o 'cvm_bounce: chunk_kib.*' | sort -u)"
# The pool's memory went back; only the chunk leaked on purpose stays.
expect_eq "shared pages after unload" 0 "$(cat /sys/kernel/cvm/convert/shared_pages)"
expect_eq "leaked pages after unload" 256 "$(cat /sys/kernel/cvm/convert/leaked_pages)"
rmmod cvm_hostsim cvm_convert || fail "rmmod cvm_hostsim cvm_convert"
echo "# bounce.sh took $(awk -v s="$start" '{ printf "%.1f", $1 - s }' /proc/uptime) s"
finish
