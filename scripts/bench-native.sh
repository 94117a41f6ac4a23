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
# The ring validators, native too (tools/testing/ring/bench_ring).
make -s -C "$top/tools/testing/ring" bench_ring >&2
exec "$top/tools/testing/ring/bench_ring" "${CVM_BENCH_BATCHES:-400}"
