#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `cvmctl conversions` and `cvmctl conversions --ranges`, text and JSON,
# print exactly the ledger that cvm_convert's sysfs files and cvm_hostsim
# (which made the conversions) describe; JSON is parsed with jq and
# compared as values. Also the error when cvm_convert is not loaded.
. "$(dirname "$0")/lib.sh"

S=/sys/kernel/cvm/convert
H=/sys/kernel/debug/cvm_hostsim/convert
FAIL_UNSHARE=/sys/kernel/debug/cvm_convert/fail_next_unshare
BULK=20
grep -q '^cvm_core ' /proc/modules || bail "cvm_core not loaded"
[ -e "$CVM_MODULES/cvm_convert.ko" ] || skip "no cvm_convert.ko"
[ -e "$CVM_MODULES/cvm_hostsim.ko" ] || skip "no cvm_hostsim.ko"
rmmod cvm_hostsim 2>/dev/null
rmmod cvm_convert 2>/dev/null

# ---- cvm_convert not loaded ------------------------------------------------
NOT_LOADED="cvmctl: cvm_convert is not loaded; load it with 'modprobe cvm_convert'"
for args in "conversions" "-j conversions" "conversions --ranges" \
	    "-j conversions --ranges" "conversions observer off"; do
	out=$(cvmctl $args 2>/tmp/conv_err); rc=$?
	expect_eq "cvmctl $args without cvm_convert: exit" 1 $rc
	expect_eq "cvmctl $args without cvm_convert: stdout" "" "$out"
	expect_eq "cvmctl $args without cvm_convert: stderr" "$NOT_LOADED" \
		"$(cat /tmp/conv_err)"
done

insmod "$CVM_MODULES/cvm_convert.ko" || bail "insmod cvm_convert failed"
insmod "$CVM_MODULES/cvm_hostsim.ko" || { rmmod cvm_convert; bail "insmod cvm_hostsim failed"; }

# hs COMMAND...: one hostsim command; prints its result line.
hs() {
	echo "$*" >"$H" || { echo "hostsim-failed: $*"; return 1; }
	cat "$H"
}

# totals_text, totals_json: the ledger's totals as cvmctl must print them,
# from cvm_convert's sysfs files.
totals_text() {
	for k in shared_pages peak_pages share_ops unshare_ops share_failures \
		 unshare_failures leaked_pages anomalies ranges owners observer \
		 observer_reason observed_ops; do
		v=$(cat $S/$k)
		case $k in
		observer) [ "$v" = 1 ] && v=on || v=off ;;
		observer_reason) [ -n "$v" ] || v=- ;;
		esac
		printf '%-18s%s\n' "$k:" "$v"
	done
}
totals_json() {
	reason=$(cat $S/observer_reason)
	t='{"shared_pages":'$(cat $S/shared_pages)',"peak_pages":'$(cat $S/peak_pages)',
	"share_ops":'$(cat $S/share_ops)',"unshare_ops":'$(cat $S/unshare_ops)',
	"share_failures":'$(cat $S/share_failures)',
	"unshare_failures":'$(cat $S/unshare_failures)',
	"leaked_pages":'$(cat $S/leaked_pages)',"anomalies":'$(cat $S/anomalies)',
	"ranges":'$(cat $S/ranges)',"owners":'$(cat $S/owners)',
	"observer":'$([ "$(cat $S/observer)" = 1 ] && echo true || echo false)',
	"observer_reason":'$([ -n "$reason" ] && echo "\"$reason\"" || echo null)',
	"observed_ops":'$(cat $S/observed_ops)'}'
	printf '%s\n' "$t"
}
# owner: shared peak shares unshares failures leaked anomalies
row() { printf '%10s %10s %10s %10s %10s %10s %10s  %s' "$@"; }
OWNERS_HEAD=$(row SHARED PEAK SHARES UNSHARES FAILURES LEAKED ANOMALIES OWNER)

# ---- an empty ledger -------------------------------------------------------
for k in shared_pages leaked_pages ranges owners share_ops; do
	expect_eq "empty ledger: sysfs $k" 0 "$(cat $S/$k)"
done
expect_eq "empty ledger: conversions" "$(totals_text)

$OWNERS_HEAD" "$(cvmctl conversions)"
out=$(cvmctl -j conversions)
echo "$out" | jq -e --argjson t "$(totals_json)" \
	'. == {"totals": $t, "owners": []}' >/dev/null ||
	fail "empty ledger: -j conversions: $out"
want_empty='START_PFN         PAGES STATE         AGE_MS  OWNER'
expect_eq "empty ledger: --ranges" "$want_empty" "$(cvmctl conversions --ranges)"
expect_eq "empty ledger: -j --ranges" '{"ranges":[]}' \
	"$(cvmctl -j conversions --ranges)"
expect_eq "empty ledger: -p --ranges" '{
  "ranges": []
}' "$(cvmctl -p conversions --ranges)"

# ---- the observer: conv-set as conversions sends it ---------------------------
expect_eq "conversions observer on" "" "$(cvmctl conversions observer on)"
expect_eq "observer on: sysfs" 1 "$(cat $S/observer)"
expect_eq "-j conversions observer off prints null" null \
	"$(cvmctl -j conversions observer off)"
expect_eq "observer off: sysfs" 0 "$(cat $S/observer)"

# ---- a ledger with every kind of entry ------------------------------------
# Each owner its own, so no two ranges coalesce; bulk ranges never touch
# each other (other ranges may touch them).
a=$(hs alloc conv-a 3)		# ID PFN PAGES
b=$(hs share conv-b 1)
c=$(hs alloc conv-c 2)
d=$(hs share conv-d 4)
expect_eq "unshare conv-d" ok "$(hs unshare conv-d "${d%% *}")"
e=$(hs alloc conv-e 2)
echo 1 >"$FAIL_UNSHARE" || fail "cannot inject an unshare failure"
expect_eq "free conv-e with a failing unshare" leaked "$(hs free "${e%% *}")"
hs unshare-unknown conv-f >/dev/null
expect_eq "bulk" "$BULK" "$(hs bulk conv-bulk $BULK)"

# The ledger as sysfs shows it, checked against what was done above.
expect_eq "sysfs shared_pages" $((BULK + 3 + 1 + 2)) "$(cat $S/shared_pages)"
expect_eq "sysfs leaked_pages" 2 "$(cat $S/leaked_pages)"
expect_eq "sysfs ranges" $((BULK + 4)) "$(cat $S/ranges)"
expect_eq "sysfs owners" 7 "$(cat $S/owners)"

# ---- summary, text ------------------------------------------------------------
out=$(cvmctl conversions) || fail "cvmctl conversions exited $?"
want="$(totals_text)

$OWNERS_HEAD
$(row $BULK $BULK $BULK 0 0 0 0 conv-bulk)
$(row 3 3 1 0 0 0 0 conv-a)
$(row 2 2 1 0 0 0 0 conv-c)
$(row 1 1 1 0 0 0 0 conv-b)
$(row 0 4 1 1 0 0 0 conv-d)
$(row 0 2 1 0 1 2 0 conv-e)
$(row 0 0 0 0 0 0 1 conv-f)"
expect_eq "cvmctl conversions" "$want" "$out"

# ---- summary, JSON ------------------------------------------------------------
totals=$(totals_json)
owner() {
	printf '{"name":"%s","shared_pages":%s,"peak_pages":%s,"share_ops":%s,"unshare_ops":%s,"failures":%s,"leaked_pages":%s,"anomalies":%s}' "$@"
}
owners="[$(owner conv-bulk $BULK $BULK $BULK 0 0 0 0),$(owner conv-a 3 3 1 0 0 0 0),
	$(owner conv-c 2 2 1 0 0 0 0),$(owner conv-b 1 1 1 0 0 0 0),
	$(owner conv-d 0 4 1 1 0 0 0),$(owner conv-e 0 2 1 0 1 2 0),
	$(owner conv-f 0 0 0 0 0 0 1)]"
for opt in -j "-j -p"; do
	out=$(cvmctl $opt conversions) || fail "cvmctl $opt conversions exited $?"
	echo "$out" | jq -e --argjson t "$totals" --argjson o "$owners" \
		'. == {"totals": $t, "owners": $o}' >/dev/null ||
		fail "cvmctl $opt conversions: $out"
done
expect_eq "-j conversions is one line" 1 "$(cvmctl -j conversions | wc -l)"

# ---- ranges, JSON -----------------------------------------------------------------
# range "ID PFN PAGES" OWNER STATE: the expected object, age left out.
range() {
	set -- $1 "$2" "$3"
	printf '{"start_pfn":%s,"pages":%s,"owner":"%s","state":"%s"}' \
		"$2" "$3" "$4" "$5"
}
json=$(cvmctl -j conversions --ranges) || fail "cvmctl -j conversions --ranges exited $?"
fixed="[$(range "$a" conv-a shared),$(range "$b" conv-b shared),
	$(range "$c" conv-c shared),$(range "$e" conv-e leaked)]"
echo "$json" | jq -e --argjson want "$fixed" '
	[.ranges[] | select(.owner != "conv-bulk") | del(.age_ms)] |
	sort_by(.start_pfn) == ($want | sort_by(.start_pfn))' >/dev/null ||
	fail "ranges other than bulk: $json"
echo "$json" | jq -e --argjson n "$BULK" '
	[.ranges[] | select(.owner == "conv-bulk")] |
	length == $n and all(.pages == 1 and .state == "shared")' >/dev/null ||
	fail "bulk ranges: $json"
echo "$json" | jq -e --argjson n "$(cat $S/ranges)" '
	(.ranges | length) == $n and
	(.ranges | map(.start_pfn)) == (.ranges | map(.start_pfn) | sort) and
	all(.ranges[]; (.age_ms | type) == "number" and .age_ms >= 0) and
	([.ranges[] | select(.state == "shared") | .pages] | add) ==
		'"$(cat $S/shared_pages)"' and
	([.ranges[] | select(.state == "leaked") | .pages] | add) ==
		'"$(cat $S/leaked_pages)"' and
	([.ranges | range(1; length) as $i |
	  .[$i].start_pfn - .[$i - 1].start_pfn - .[$i - 1].pages] | min) >= 0 and
	([.ranges | map(select(.owner == "conv-bulk")) |
	  range(1; length) as $i |
	  .[$i].start_pfn - .[$i - 1].start_pfn - .[$i - 1].pages] | min) > 0
	' >/dev/null || fail "ranges: count, order, totals, overlaps or gaps: $json"

# ---- ranges, text: the same rows as JSON, in the documented layout -----------
text=$(cvmctl conversions --ranges) || fail "cvmctl conversions --ranges exited $?"
want=$(echo "$json" | jq -r '.ranges[] | [.start_pfn, .pages, .state, .owner] | @tsv' |
	while read -r pfn pages state owner; do
		printf '%-12s %10s %-7s %12s  %s\n' "$(printf '0x%010x' "$pfn")" \
			"$pages" "$state" AGE "$owner"
	done)
got=$(echo "$text" | sed 1d | awk '{ printf "%-12s %10s %-7s %12s  %s\n", $1, $2, $3, "AGE", $5 }')
expect_eq "--ranges rows" "$want" "$got"
expect_eq "--ranges header" "$want_empty" "$(echo "$text" | head -n 1)"
expect_eq "--ranges columns" "" \
	"$(echo "$text" | sed 1d | grep -Ev '^0x[0-9a-f]{10} +[0-9]+ (shared|leaked) +[0-9]+  conv-[a-z]+$')"

# ---- observer: needs root -----------------------------------------------------------
err=$(su nobody -s /bin/sh -c 'cvmctl conversions observer on' 2>&1 >/dev/null); rc=$?
expect_eq "observer as nobody: exit" 1 $rc
expect_eq "observer as nobody: message" \
	"cvmctl: permission denied: changing the observer needs CAP_NET_ADMIN (run as root)" \
	"$err"

expect_eq "bulk-free" "$BULK" "$(hs bulk-free conv-bulk)"
rmmod cvm_hostsim || fail "rmmod cvm_hostsim"
rmmod cvm_convert || fail "rmmod cvm_convert"
finish
