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
