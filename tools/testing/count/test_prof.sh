#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# test_prof.sh LOG SEGMENTS: the cvm_count plugin's prof=on output, from
# test_count under qemu-user, has SEGMENTS segments, and the blocks listed
# before each segment's line add up to exactly its non-rep instructions.
set -euo pipefail
awk -v want="$2" '
/^cvmprof / {
	split($2, v, "="); split($3, q, "="); split($5, n, "=")
	sum[v[2] " " q[2]] += n[2]
	next
}
/^cvmcount / {
	split($2, v, "="); split($3, q, "="); split($4, n, "=")
	k = v[2] " " q[2]
	segs++
	if (sum[k] != n[2]) {
		printf "test_prof: vcpu %s seq %s: blocks add up to %d, segment has %d\n", v[2], q[2], sum[k], n[2]
		bad = 1
	}
}
END {
	if (segs != want) {
		printf "test_prof: %d segments, want %d\n", segs, want
		bad = 1
	}
	if (bad)
		exit 1
	printf "cvm_count: prof=on, %d segments, every block counted once\n", segs
}' "$1"
