#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel's own generic netlink client, tools/net/ynl/cli.py from
# Debian's kernel source, knows the family only from
# Documentation/netlink/specs/cvm.yaml. Driving the live kernel with it
# proves the spec (not just the header generated from it) matches what
# the modules send and accept. python3 and the client are the host's,
# reached over 9p or copied into the initramfs (cvm_host_root in lib.sh).
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

# get-status: every attribute decoded by name, values from this kernel.
echo 37 >$S/event_ratelimit
insmod "$CVM_MODULES/cvm_convert.ko" || fail "insmod cvm_convert"
out=$(ynl --do get-status) || fail "ynl --do get-status"
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
ynl --do set-config --json '{"event-ratelimit": 11}' >/dev/null ||
	fail "ynl --do set-config"
expect_eq "event_ratelimit after set-config" 11 "$(cat $S/event_ratelimit)"

# Two dumps over 7 ranges the test makes, checked against each other and
# against the ledger's own totals.
insmod "$CVM_MODULES/cvm_hostsim.ko" || fail "insmod cvm_hostsim"
echo "bulk ynl-test 7" >$H || fail "bulk ynl-test 7"
ranges=$(ynl --dump conv-range-get) || fail "ynl --dump conv-range-get"
expect_eq "ranges of ynl-test in the dump" 7 \
	"$(echo "$ranges" | jq '[.[] | select(.owner == "ynl-test")] | length')"
expect_eq "ranges in the dump" "$(cat $S/convert/ranges)" \
	"$(echo "$ranges" | jq length)"
expect_eq "states of ynl-test ranges" shared \
	"$(echo "$ranges" | jq -r '[.[] | select(.owner == "ynl-test") | .state] | unique | join(",")')"
pages=$(echo "$ranges" | jq '[.[] | select(.owner == "ynl-test") | .pages] | add')
owners=$(ynl --dump conv-owner-get) || fail "ynl --dump conv-owner-get"
expect_eq "shared-pages of owner ynl-test" "$pages" \
	"$(echo "$owners" | jq '.[] | select(.name == "ynl-test") | ."shared-pages"')"
echo "bulk-free ynl-test" >$H || fail "bulk-free ynl-test"
expect_eq "ranges after bulk-free" 0 "$(cat $S/convert/ranges)"

rmmod cvm_hostsim cvm_convert
finish
