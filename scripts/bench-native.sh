#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-native.sh [ROUNDS] -- `make bench-native`: no VM. Fetches the
# kernel's own kernel/dma/swiotlb.c (scripts/kernel-tools.sh: Debian's
# newest packaged linux-source), builds it and cvm_bounce's map.c, pool.c
# and slots.c unmodified into one userspace program
# (tools/testing/bounce/bench_native.c) and prints the side-by-side table
# and the goal lines; then the ring validators' native table and goal
# lines (tools/testing/ring/bench_ring.c, CVM_BENCH_BATCHES batches,
# default 400). ROUNDS defaults to 301 (a few seconds).
# CVM_BENCH_SMOKE=1 only checks that it builds and runs (3 rounds, table
# thrown away): what `make unit` does so that the shim cannot rot.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/kernel-tools.sh" | tail -n 1)
make -s -C "$top/tools/testing/bounce" bench_native KSRC="$ksrc" >&2
if [ "${CVM_BENCH_SMOKE:-0}" = 1 ]; then
	"$top/tools/testing/bounce/bench_native" 3 >/dev/null
	echo "bench-native: builds and runs against $(basename "$ksrc")'s swiotlb.c"
	exit 0
fi
echo "bench-native: kernel/dma/swiotlb.c of $(basename "$ksrc")"
"$top/tools/testing/bounce/bench_native" "${1:-301}"
# The ring validators, native too (tools/testing/ring/bench_ring), in
# five processes: where the kernel places a process's pages moves the
# split and packed ratios by up to a third from one run to the next (1.75
# or 2.1 for the same code), so the table is the first run's and each
# goal line the median of the five.
make -s -C "$top/tools/testing/ring" bench_ring >&2
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
for i in 1 2 3 4 5; do
	"$top/tools/testing/ring/bench_ring" "${CVM_BENCH_BATCHES:-400}" >"$runs/$i"
done
grep -v '^goal ' "$runs/1"
echo "(goals: median of 5 processes; each run's figure in brackets)"
awk '/^goal / {
	name = $2; sub(":", "", name); v = $4; sub(",", "", v)
	if (!(name in n)) { order[++k] = name; op[name] = $6; tgt[name] = $7 }
	val[name, ++n[name]] = v + 0
	runs[name] = runs[name] (n[name] > 1 ? " " : "") v
}
END {
	for (j = 1; j <= k; j++) {
		g = order[j]; m = n[g]
		for (a = 1; a <= m; a++)
			for (b = a + 1; b <= m; b++)
				if (val[g, b] < val[g, a]) { t = val[g, a]; val[g, a] = val[g, b]; val[g, b] = t }
		x = val[g, int((m + 1) / 2)]; t = tgt[g]; sub(",", "", t)
		ok = op[g] == "<=" ? x <= t + 0 : x >= t + 0
		printf "goal %s: measured %.2f, target %s %s, %s [%s]\n", g, x, op[g], t, ok ? "met" : "missed", runs[g]
	}
}' "$runs"/[1-5]
