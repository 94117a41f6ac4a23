#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel's own generic netlink client, tools/net/ynl/cli.py from
# Debian's kernel source, knows the family only from
# Documentation/netlink/specs/cvm.yaml. Driving the live kernel with it
# proves the spec (not just the header generated from it) matches what
# the modules send and accept. Every op of the spec is driven here, and
# every check of the spec is broken against the kernel (ynl_checks.py),
# which must refuse with the error that check implies. python3 and the
# client are the host's, reached over 9p or copied into the initramfs
# (cvm_host_root in lib.sh).
. ./lib.sh

[ -n "$CVM_HOST_YNL_CLI" ] || skip "the runner named no YNL client"
# The runner gives every kernel one or the other (9p, or a copy in the
# initramfs where there is no 9P): their absence is its failure, not a
# reason to skip.
cvm_host_root || { fail "the host's tools are neither exported over 9p nor in the initramfs"; finish; }
echo "# host tools: $(cvm_host_root_kind)"
[ -x /host/usr/bin/python3 ] || { fail "no /usr/bin/python3 under /host"; finish; }
[ -f "/host$CVM_HOST_YNL_CLI" ] || { fail "no $CVM_HOST_YNL_CLI under /host"; finish; }

S=/sys/kernel/cvm
H=/sys/kernel/debug/cvm_hostsim/convert

ynl() {
	chroot /host /usr/bin/python3 "$CVM_HOST_YNL_CLI" \
		--spec "$CVM_HOST_SPEC" --no-schema --output-json "$@"
}

# ynl_err WHAT ERRNO-TEXT ARGS...: the op must fail with that error.
ynl_err() {
	what=$1 want=$2
	shift 2
	if out=$(ynl "$@" 2>&1); then
		fail "$what: accepted"
	else
		expect_eq "$what" "Netlink error: $want" "$(echo "$out" | head -n 1)"
	fi
}

# The ops driven so far, checked against ynl --list-ops at the end.
ops_done=
did() { ops_done="$ops_done $*"; }

# get-status: every attribute decoded by name, values from this kernel.
echo 37 >$S/event_ratelimit
insmod "$CVM_MODULES/cvm_convert.ko" || fail "insmod cvm_convert"
out=$(ynl --do get-status) || fail "ynl --do get-status"
did get-status
echo "# get-status: $out"
expect_eq "version" "$CVM_EXPECT_VERSION" "$(echo "$out" | jq -r .version)"
expect_eq "technology (enum by name)" "$CVM_EXPECT_TECHNOLOGY" \
	"$(echo "$out" | jq -r .technology)"
expect_eq "technology-name" "$(cat $S/platform/technology)" \
	"$(echo "$out" | jq -r '."technology-name"')"
expect_eq "mem-encrypt" "$(cat $S/platform/mem_encrypt)" \
	"$(echo "$out" | jq -r '."mem-encrypt"')"
expect_eq "event-ratelimit" 37 "$(echo "$out" | jq -r '."event-ratelimit"')"
expect_eq "module nest of cvm_convert" "convert $CVM_EXPECT_VERSION" \
	"$(echo "$out" | jq -r '.module[] | select(.name == "cvm_convert") | "\(.id) \(.version)"')"

# set-config: an admin command and its attribute encoded from the spec.
# With the events group joined: the config-ntf it announces, decoded.
ntf=$(chroot /host /usr/bin/python3 - "$CVM_HOST_YNL_CLI" "$CVM_HOST_SPEC" \
	events set-config '{"event-ratelimit": 11}' <./ynl_ntf.py) ||
	fail "set-config with the events group joined"
did set-config config-ntf
expect_eq "event_ratelimit after set-config" 11 "$(cat $S/event_ratelimit)"
expect_eq "config-ntf after set-config" "config-ntf 11" \
	"$(echo "$ntf" | jq -r '.[] | "\(.name) \(.msg."event-ratelimit")"')"

# Two dumps over 7 ranges the test makes, checked against each other and
# against the ledger's own totals.
insmod "$CVM_MODULES/cvm_hostsim.ko" || fail "insmod cvm_hostsim"
echo "bulk ynl-test 7" >$H || fail "bulk ynl-test 7"
ranges=$(ynl --dump conv-range-get) || fail "ynl --dump conv-range-get"
did conv-range-get
expect_eq "ranges of ynl-test in the dump" 7 \
	"$(echo "$ranges" | jq '[.[] | select(.owner == "ynl-test")] | length')"
expect_eq "ranges in the dump" "$(cat $S/convert/ranges)" \
	"$(echo "$ranges" | jq length)"
expect_eq "states of ynl-test ranges" shared \
	"$(echo "$ranges" | jq -r '[.[] | select(.owner == "ynl-test") | .state] | unique | join(",")')"
pages=$(echo "$ranges" | jq '[.[] | select(.owner == "ynl-test") | .pages] | add')
owners=$(ynl --dump conv-owner-get) || fail "ynl --dump conv-owner-get"
did conv-owner-get
expect_eq "shared-pages of owner ynl-test" "$pages" \
	"$(echo "$owners" | jq '.[] | select(.name == "ynl-test") | ."shared-pages"')"
echo "bulk-free ynl-test" >$H || fail "bulk-free ynl-test"
expect_eq "ranges after bulk-free" 0 "$(cat $S/convert/ranges)"

# conv-set, then conv-get against the ledger's sysfs. The do ops of a
# module go in one CLI call (--multi: one request each, in order, in one
# datagram): each call is a python start, seconds under TCG.
multi=$(ynl --multi conv-set '{"observer": 0}' --multi conv-get '{}') ||
	fail "ynl --multi conv-set conv-get"
did conv-set conv-get
expect_eq "conv-set replies with an ACK only" null "$(echo "$multi" | jq -c '.[0]')"
out=$(echo "$multi" | jq -c '.[1]')
for a in shared-pages share-ops unshare-ops leaked-pages ranges owners observer; do
	expect_eq "conv-get $a" "$(cat "$S/convert/$(echo $a | tr - _)")" \
		"$(echo "$out" | jq -r ".\"$a\"")"
done
expect_eq "observer after conv-set 0" 0 "$(cat $S/convert/observer)"

# cvm_bounce: its state against sysfs, a policy set and read back, the
# errors the spec documents for a device that does not exist.
insmod "$CVM_MODULES/cvm_bounce.ko" || fail "insmod cvm_bounce"
multi=$(ynl --multi pool-set '{"wait-ms": 7, "misuse-warn": 0}' \
	--multi pool-get '{}' --multi swiotlb-set '{"observer": 0}' \
	--multi swiotlb-get '{}') ||
	fail "ynl --multi pool-set pool-get swiotlb-set swiotlb-get"
did pool-set pool-get swiotlb-set swiotlb-get
out=$(echo "$multi" | jq -c '.[1]')
for a in size slots slot-size chunks max-chunks maps wait-ms misuse-warn idle-ms; do
	expect_eq "pool-get $a" "$(cat "$S/bounce/$(echo $a | tr - _)")" \
		"$(echo "$out" | jq -r ".\"$a\"")"
done
expect_eq "wait_ms after pool-set" 7 "$(cat $S/bounce/wait_ms)"
expect_eq "misuse_warn after pool-set" 0 "$(cat $S/bounce/misuse_warn)"
out=$(ynl --dump pool-dev-get) || fail "ynl --dump pool-dev-get"
did pool-dev-get
expect_eq "pool-dev-get of an unused pool" 0 "$(echo "$out" | jq length)"
ynl_err "pool-attach of no device" "No such device" \
	--do pool-attach --json '{"device": "0000:00:1f.7"}'
ynl_err "pool-detach of no device" "No such device" \
	--do pool-detach --json '{"device": "0000:00:1f.7"}'
did pool-attach pool-detach
out=$(echo "$multi" | jq -c '.[3]')
expect_eq "swiotlb-get observer" "$(cat $S/bounce/swiotlb_observer)" \
	"$(echo "$out" | jq -r .observer)"
out=$(ynl --dump swiotlb-dev-get) || fail "ynl --dump swiotlb-dev-get"
did swiotlb-dev-get
expect_eq "swiotlb-dev-get with the observer off" 0 "$(echo "$out" | jq length)"

# cvm_ring: no ring is registered here, so ring-set names none.
insmod "$CVM_MODULES/cvm_ring.ko" || fail "insmod cvm_ring"
multi=$(ynl --multi ring-auditor-set '{"auditor": 0}' --multi ring-get '{}') ||
	fail "ynl --multi ring-auditor-set ring-get"
did ring-auditor-set ring-get
out=$(echo "$multi" | jq -c '.[1]')
for a in rings checked violations broken auditor; do
	expect_eq "ring-get $a" "$(cat "$S/ring/$a")" "$(echo "$out" | jq -r ".$a")"
done
out=$(ynl --dump ring-list-get) || fail "ynl --dump ring-list-get"
did ring-list-get
expect_eq "ring-list-get" "$(cat $S/ring/rings)" "$(echo "$out" | jq length)"
ynl_err "ring-set of no ring" "No such file or directory" \
	--do ring-set --json '{"id": 4000000000, "policy": 0}'
did ring-set

# Every check of the spec, broken by one (ynl_checks.py).
checks=$(chroot /host /usr/bin/python3 - "$CVM_HOST_YNL_CLI" "$CVM_HOST_SPEC" \
	<./ynl_checks.py 2>&1) || fail "spec checks the kernel does not enforce as the spec says"
echo "$checks" | sed 's/^/# /'
expect_eq "spec checks tried" 1 "$(echo "$checks" | grep -c '^1\.\.[1-9]')"

# Every op and event of the spec was driven above.
spec_ops=$(ynl --list-ops | awk '{ print $1 }')
[ -n "$spec_ops" ] || fail "ynl --list-ops listed no ops"
for op in $spec_ops; do
	case "$op: $ops_done " in
	*-ntf:*) ;;	# events other than config-ntf: their own tests
	*" $op "*) ;;
	*) fail "op $op of the spec not driven" ;;
	esac
done

rmmod cvm_ring cvm_bounce cvm_hostsim cvm_convert
finish
