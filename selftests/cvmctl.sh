#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `cvmctl status` and `cvmctl -j status` print exactly what the kernel
# reports; JSON is parsed with jq and compared as a value, not grepped.
. "$(dirname "$0")/lib.sh"

V=$CVM_EXPECT_VERSION
T=${CVM_EXPECT_TECHNOLOGY:-none}
grep -q '^cvm_core ' /proc/modules || { echo "# cvm_core not loaded"; exit $KSFT_FAIL; }

out=$(cvmctl status) || fail "cvmctl status exited $?"
want="technology:       $T
mem_encrypt:      inactive
version:          $V
event_ratelimit:  100
events_sent:      0
events_dropped:   0
module:           cvm_core $V live refcnt=0"
expect_eq "cvmctl status" "$want" "$out"

json='{"technology":"'$T'","mem_encrypt":false,"version":"'$V'",
	"event_ratelimit":100,"events_sent":0,"events_dropped":0,
	"modules":[{"name":"cvm_core","version":"'$V'","state":"live",
	"refcnt":0,"registered":true}]}'
for opt in -j "-j -p"; do
	out=$(cvmctl $opt status) || fail "cvmctl $opt status exited $?"
	echo "$out" | jq -e --argjson want "$json" '. == $want' >/dev/null ||
		fail "cvmctl $opt status: $out"
done
expect_eq "-j is one line" 1 "$(cvmctl -j status | wc -l)"

# Errors: stderr, exit codes, and a message that says what to do.
err=$(cvmctl bogus 2>&1 >/dev/null); rc=$?
expect_eq "unknown command exit" 2 $rc
expect_eq "unknown command message" "cvmctl: unknown command 'bogus'; run 'cvmctl help'" "$err"

rmmod cvm_core || fail "rmmod"
err=$(cvmctl status 2>&1 >/dev/null); rc=$?
expect_eq "not loaded exit" 1 $rc
expect_eq "not loaded message" "cvmctl: cvm_core is not loaded; load it with 'modprobe cvm_core'" "$err"
finish
