#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The operator commands of cvmctl: monitor (events triggered here, exactly;
# surviving an rmmod/insmod of cvm_core; --count; SIGTERM), metrics
# (promtool-clean, values equal to sysfs; --textfile), set (as root and
# refused as nobody) and load/unload through libkmod (--dir, dependencies,
# options, the busy message, refused as nobody).
. "$(dirname "$0")/lib.sh"

S=/sys/kernel/cvm
C=$S/convert
H=/sys/kernel/debug/cvm_hostsim/convert
FAIL_SHARE=/sys/kernel/debug/cvm_convert/fail_next_share
FAIL_UNSHARE=/sys/kernel/debug/cvm_convert/fail_next_unshare
NOBODY="$(dirname "$0")/run_as_nobody"
T=/tmp/cvm_ops
grep -q '^cvm_core ' /proc/modules || bail "cvm_core not loaded"
[ -e "$CVM_MODULES/cvm_convert.ko" ] || skip "no cvm_convert.ko"
[ -e "$CVM_MODULES/cvm_hostsim.ko" ] || skip "no cvm_hostsim.ko"
command -v promtool >/dev/null || skip "no promtool"
rm -rf $T && mkdir -p $T
chmod 0755 $T

hs() {
	echo "$*" >"$H" || { echo "hostsim-failed: $*"; return 1; }
	cat "$H"
}

# wait_grep FILE TEXT
wait_grep() {
	i=0
	while ! grep -qF "$2" "$1" && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

rmmod cvm_hostsim 2>/dev/null
rmmod cvm_convert 2>/dev/null
insmod "$CVM_MODULES/cvm_convert.ko" || bail "insmod cvm_convert failed"
insmod "$CVM_MODULES/cvm_hostsim.ko" || bail "insmod cvm_hostsim failed"

# ---- monitor: the events this test triggers, exactly ---------------------------
base=$(genl_listeners)
cvmctl -j monitor >$T/mon.json 2>$T/mon.err &
mon=$!
cvmctl monitor --count 7 >$T/mon.txt 2>$T/mon_txt.err &
mon_txt=$!
wait_listeners $((base + 2))

cvmctl set event-ratelimit 50 || fail "cvmctl set event-ratelimit 50 exited $?"
echo 60 >$S/event_ratelimit
echo 1 >$FAIL_SHARE
expect_eq "share with an injected failure" "hostsim-failed: share ops-sf 3" "$(hs share ops-sf 3 2>/dev/null)"
u=$(hs share ops-u 2)
set -- $u
uid=$1 upfn=$2
echo 1 >$FAIL_UNSHARE
expect_eq "unshare with an injected failure" -5 "$(hs unshare ops-u "$uid")"
hs unshare-unknown ops-n >/dev/null

wait_lines $T/mon.json 7
want="{\"event\":\"config\",\"event_ratelimit\":50}
{\"event\":\"config\",\"event_ratelimit\":60}
{\"event\":\"conv\",\"kind\":\"share-failed\",\"owner\":\"ops-sf\",\"pages\":3,\"error\":\"EIO\"}
{\"event\":\"conv\",\"kind\":\"leaked\",\"owner\":\"ops-sf\",\"pages\":3,\"error\":\"EIO\"}
{\"event\":\"conv\",\"kind\":\"unshare-failed\",\"owner\":\"ops-u\",\"start_pfn\":$upfn,\"pages\":2,\"error\":\"EIO\"}
{\"event\":\"conv\",\"kind\":\"leaked\",\"owner\":\"ops-u\",\"start_pfn\":$upfn,\"pages\":2,\"error\":\"EIO\"}
{\"event\":\"conv\",\"kind\":\"not-shared\",\"owner\":\"ops-n\",\"pages\":1,\"error\":\"ENOENT\"}"
# start_pfn of the failed share and the unknown unshare is not known
# here: checked for type, then left out.
got=$(jq -c 'if (.kind == "share-failed" or .kind == "not-shared" or
		(.kind == "leaked" and .owner == "ops-sf")) and
		(.start_pfn | type) == "number" then del(.start_pfn) else . end' \
	$T/mon.json)
expect_eq "monitor -j: events" "$want" "$got"
echo "# monitor -j: $(wc -l <$T/mon.json) events received"

# --count 7: the same events as text, then it exits by itself.
i=0
while kill -0 $mon_txt 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $mon_txt 2>/dev/null; then
	fail "monitor --count 7 still running"
	kill $mon_txt
fi
wait $mon_txt
expect_eq "monitor --count 7: exit" 0 $?
sfpfn=$(jq -r 'select(.kind == "share-failed") | .start_pfn' $T/mon.json)
expect_eq "monitor -j: the failed share's pages are the leaked ones" "$sfpfn" \
	"$(jq -r 'select(.kind == "leaked" and .owner == "ops-sf") | .start_pfn' $T/mon.json)"
nspfn=$(jq -r 'select(.kind == "not-shared") | .start_pfn' $T/mon.json)
want="config event_ratelimit=50
config event_ratelimit=60
conv share-failed owner=ops-sf start_pfn=$(printf '%#x' "$sfpfn") pages=3 error=EIO
conv leaked owner=ops-sf start_pfn=$(printf '%#x' "$sfpfn") pages=3 error=EIO
conv unshare-failed owner=ops-u start_pfn=$(printf '%#x' "$upfn") pages=2 error=EIO
conv leaked owner=ops-u start_pfn=$(printf '%#x' "$upfn") pages=2 error=EIO
conv not-shared owner=ops-n start_pfn=$(printf '%#x' "$nspfn") pages=1 error=ENOENT"
expect_eq "monitor --count 7: text" "$want" "$(cat $T/mon.txt)"
expect_eq "monitor --count 7: stderr" "" "$(cat $T/mon_txt.err)"

# ---- monitor survives rmmod/insmod of cvm_core ------------------------------------
rmmod cvm_hostsim && rmmod cvm_convert && rmmod cvm_core || fail "rmmod of the modules"
wait_grep $T/mon.err "waiting"
insmod "$CVM_MODULES/cvm_core.ko" || fail "insmod cvm_core"
wait_grep $T/mon.err "is back"
echo 70 >$S/event_ratelimit
wait_lines $T/mon.json 8
expect_eq "monitor after reload: last event" '{"event":"config","event_ratelimit":70}' \
	"$(tail -n 1 $T/mon.json)"
expect_eq "monitor after reload: stderr" "cvmctl: cvm_core unloaded; waiting for it to come back
cvmctl: cvm_core is back; monitoring" "$(cat $T/mon.err)"
kill -TERM $mon
wait $mon
expect_eq "monitor: exit after SIGTERM" 0 $?
expect_eq "monitor: events in all" 8 "$(wc -l <$T/mon.json)"

# ---- set: as root and refused as nobody -------------------------------------------
insmod "$CVM_MODULES/cvm_convert.ko" || fail "insmod cvm_convert"
cvmctl set event-ratelimit 33 || fail "set event-ratelimit 33 exited $?"
expect_eq "set event-ratelimit 33" 33 "$(cat $S/event_ratelimit)"
expect_eq "config event-ratelimit still works" "" "$(cvmctl config event-ratelimit 34)"
expect_eq "config event-ratelimit 34" 34 "$(cat $S/event_ratelimit)"
expect_eq "-j config prints null" null "$(cvmctl -j config event-ratelimit 00100000)"
expect_eq "leading zeros are decimal" 100000 "$(cat $S/event_ratelimit)"
cvmctl set event-ratelimit 34 || fail "set event-ratelimit 34 exited $?"
out=$("$NOBODY" cvmctl set event-ratelimit 5 2>&1); rc=$?
expect_eq "set event-ratelimit as nobody: exit" 1 $rc
expect_eq "set event-ratelimit as nobody" \
	"cvmctl: permission denied: changing configuration needs CAP_NET_ADMIN (run as root)" "$out"
expect_eq "event_ratelimit unchanged" 34 "$(cat $S/event_ratelimit)"
out=$("$NOBODY" cvmctl set observer on 2>&1); rc=$?
expect_eq "set observer as nobody: exit" 1 $rc
expect_eq "set observer as nobody" \
	"cvmctl: permission denied: changing the observer needs CAP_NET_ADMIN (run as root)" "$out"
# Physical addresses are for admins: the range dump and the events group.
out=$("$NOBODY" cvmctl conversions --ranges 2>&1); rc=$?
expect_eq "conversions --ranges as nobody: exit" 1 $rc
expect_eq "conversions --ranges as nobody" \
	"cvmctl: permission denied: the range dump needs CAP_NET_ADMIN (run as root)" "$out"
out=$("$NOBODY" cvmctl monitor --count 1 2>&1); rc=$?
expect_eq "monitor as nobody: exit" 1 $rc
expect_eq "monitor as nobody" \
	"cvmctl: monitor: permission denied: the events group needs CAP_NET_ADMIN (run as root)" "$out"
expect_eq "conversions as nobody: totals still open" 0 \
	"$("$NOBODY" cvmctl conversions >/dev/null 2>&1; echo $?)"
expect_eq "set observer on" "" "$(cvmctl set observer on)"
expect_eq "observer on" 1 "$(cat $C/observer)"
expect_eq "set observer off" "" "$(cvmctl set observer off)"
expect_eq "observer off" 0 "$(cat $C/observer)"
expect_eq "set -j observer off" null "$(cvmctl -j set observer off)"
out=$(cvmctl set observer maybe 2>&1); rc=$?
expect_eq "set observer maybe: exit" 2 $rc
expect_eq "set observer maybe" "cvmctl: set: invalid observer setting 'maybe': must be 'on' or 'off'
usage: cvmctl [OPTIONS] set SETTING VALUE..." "$out"

# ---- metrics: promtool-clean, values equal to sysfs --------------------------------
insmod "$CVM_MODULES/cvm_hostsim.ko" || fail "insmod cvm_hostsim"
hs alloc met-a 3 >/dev/null
hs share met-b 1 >/dev/null
hs unshare-unknown met-c >/dev/null
# A quote and a backslash in an owner tag: escaped in the label value.
hs share 'met-"q\z' 1 >/dev/null
cvmctl metrics >$T/metrics || fail "cvmctl metrics exited $?"
lint=$(promtool check metrics <$T/metrics 2>&1); rc=$?
expect_eq "promtool check metrics: exit" 0 $rc
expect_eq "promtool check metrics: output" "" "$lint"

# metric NAME: its value in the output (a line "NAME VALUE").
# (ENVIRON, not -v: awk would undo the escapes in label values.)
metric() { N="$1" awk '$1 == ENVIRON["N"] { print $2 }' $T/metrics; }
expect_eq "cvm_info" "cvm_info{version=\"$(cat $S/version)\",technology=\"$(cat $S/platform/technology)\"} 1" \
	"$(grep '^cvm_info' $T/metrics)"
expect_eq cvm_mem_encrypt "$(cat $S/platform/mem_encrypt)" "$(metric cvm_mem_encrypt)"
expect_eq cvm_event_ratelimit "$(cat $S/event_ratelimit)" "$(metric cvm_event_ratelimit)"
st=$(cvmctl -j status)
expect_eq cvm_events_sent_total "$(echo "$st" | jq .events_sent)" "$(metric cvm_events_sent_total)"
expect_eq cvm_events_dropped_total "$(echo "$st" | jq .events_dropped)" "$(metric cvm_events_dropped_total)"
for m in cvm_core cvm_convert cvm_hostsim cvm_bounce cvm_ring; do
	grep -q "^$m " /proc/modules && v=1 || v=0
	expect_eq "cvm_module_loaded $m" "cvm_module_loaded{module=\"$m\"} $v" \
		"$(grep "^cvm_module_loaded{module=\"$m\"}" $T/metrics)"
done
for k in shared_pages peak_pages leaked_pages ranges owners observer; do
	expect_eq "cvm_convert_$k" "$(cat $C/$k)" "$(metric cvm_convert_$k)"
done
for k in share_ops unshare_ops share_failures unshare_failures anomalies observed_ops; do
	expect_eq "cvm_convert_${k}_total" "$(cat $C/$k)" "$(metric cvm_convert_${k}_total)"
done
# Per owner, against the ledger's owner table.
owners=$(cvmctl -j conversions | jq -c '.owners[]')
n=0
for o in $owners; do
	name=$(printf '%s\n' "$o" | jq -r .name | sed 's/\\/\\\\/g; s/"/\\"/g')
	for k in shared_pages peak_pages leaked_pages share_ops unshare_ops failures anomalies; do
		case $k in *_ops|failures|anomalies) mn=cvm_convert_owner_${k}_total ;; *) mn=cvm_convert_owner_$k ;; esac
		expect_eq "$mn{owner=$name}" "$(printf '%s\n' "$o" | jq .$k)" \
			"$(metric "$mn{owner=\"$name\"}")"
	done
	n=$((n + 1))
done
expect_eq "owners in metrics" "$n" "$(grep -c '^cvm_convert_owner_shared_pages{' $T/metrics)"
expect_eq "owners seen" 3 "$(grep -c '^cvm_convert_owner_shared_pages{owner="met-[abc]"}' $T/metrics)"
expect_eq "owner label escaped" 'cvm_convert_owner_shared_pages{owner="met-\"q\\z"} 1' \
	"$(grep '^cvm_convert_owner_shared_pages{owner="met-\\"' $T/metrics)"
echo "# metrics: $(grep -vc '^#' $T/metrics) samples, $n owners, checked against sysfs"

# --textfile: the same text, in DIR/cvmguard.prom, with no temporary left.
mkdir -p $T/tf
cvmctl metrics --textfile $T/tf || fail "metrics --textfile exited $?"
expect_eq "--textfile: the files in DIR" cvmguard.prom "$(ls -A $T/tf)"
expect_eq "--textfile: content" "$(cvmctl metrics)" "$(cat $T/tf/cvmguard.prom)"
promtool check metrics <$T/tf/cvmguard.prom >/dev/null 2>&1 || fail "promtool: --textfile output"
out=$(cvmctl metrics --textfile /nonexistent 2>&1); rc=$?
expect_eq "--textfile into a missing directory: exit" 1 $rc

# ---- load/unload --------------------------------------------------------------------
mods() { awk '$1 ~ /^cvm_/ { print $1 }' /proc/modules | sort | tr '\n' ' '; }
out=$(cvmctl unload 2>&1); rc=$?
expect_eq "unload while cvm_hostsim holds cvm_convert: exit" 1 $rc
expect_eq "unload while cvm_hostsim holds cvm_convert" \
	"cvmctl: cvm_convert is in use by cvm_hostsim; unload that first" "$out"
expect_eq "nothing unloaded" "cvm_convert cvm_core cvm_hostsim " "$(mods)"
out=$("$NOBODY" cvmctl unload cvm_hostsim 2>&1); rc=$?
expect_eq "unload as nobody: exit" 1 $rc
expect_eq "unload as nobody" \
	"cvmctl: permission denied: unloading cvm_hostsim needs CAP_SYS_MODULE (run as root)" "$out"
cvmctl unload cvm_hostsim || fail "unload cvm_hostsim exited $?"
cvmctl unload || fail "unload exited $?"
expect_eq "after unload" "" "$(mods)"
cvmctl unload || fail "unload with nothing loaded exited $?"
out=$("$NOBODY" cvmctl load --dir "$CVM_MODULES" 2>&1); rc=$?
expect_eq "load as nobody: exit" 1 $rc
expect_eq "load as nobody" \
	"cvmctl: permission denied: loading cvm_core needs CAP_SYS_MODULE (run as root)" "$out"
cvmctl load --dir "$CVM_MODULES" || fail "load --dir exited $?"
expect_eq "after load --dir" "cvm_convert cvm_core " "$(mods)"
cvmctl load --dir "$CVM_MODULES" || fail "load --dir again exited $?"
cvmctl unload cvm_convert || fail "unload cvm_convert exited $?"
expect_eq "after unload cvm_convert" "cvm_core " "$(mods)"
cvmctl unload cvm_core || fail "unload cvm_core exited $?"
# A module with its dependencies and an option.
cvmctl load --dir "$CVM_MODULES" cvm_convert observer=1 ||
	fail "load --dir cvm_convert observer=1 exited $?"
expect_eq "after load cvm_convert" "cvm_convert cvm_core " "$(mods)"
expect_eq "observer=1 given to cvm_convert" Y "$(cat /sys/module/cvm_convert/parameters/observer)"
cvmctl load --dir "$CVM_MODULES" cvm_hostsim || fail "load --dir cvm_hostsim exited $?"
expect_eq "after load cvm_hostsim" "cvm_convert cvm_core cvm_hostsim " "$(mods)"
out=$(cvmctl load --dir "$CVM_MODULES" cvm_nonesuch 2>&1); rc=$?
expect_eq "load of a missing module: exit" 1 $rc
expect_eq "load of a missing module" \
	"cvmctl: module $CVM_MODULES/cvm_nonesuch.ko not found (install it with 'make modules_install', or use --dir)" "$out"
out=$(cvmctl load --dir "$CVM_MODULES" cvm_core bad 2>&1); rc=$?
expect_eq "load with a bad option: exit" 2 $rc

rmmod cvm_hostsim
rmmod cvm_convert
finish
