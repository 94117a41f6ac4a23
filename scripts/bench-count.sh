#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-count.sh [KERNEL] [--gate] -- `make bench-count`: one boot of test
# kernel KERNEL (default $BENCH_KERNEL, else 6.1) under TCG with the
# cvm_count plugin (scripts/qemu-plugin.sh), in which cvm_bench_bounce
# runs every map+unmap case of `make bench` between the plugin's markers
# instead of timing it: cvm_bounce (policies on, then off), the kernel's
# swiotlb (dma_map_single() under swiotlb=force) and memcpy, 256 B to
# 64 KiB, both directions, one CPU and two at once; then, end to end,
# 4 KiB O_DIRECT virtio-blk reads and virtio-net packets received through
# each pool (guest-init.sh count()). Prints the count
# table and the goal lines (tools/testing/count/count_table.py). Counts
# are the same from boot to boot; TCG wall time is not a measurement.
#
#   --gate   the regression gate of `make check`: no memory tracking (a
#            faster boot), and exit 1 when cvm_bounce's non-rep
#            instructions or locked RMWs per map+unmap exceed the
#            baseline committed in tools/testing/count/baseline-KERNEL
#
# CVM_COUNT_MEM=1 (default without --gate) also counts loads, stores,
# distinct lines and lines the other vCPU wrote; CVM_COUNT_BATCHES
# (default 5) batches per case; CVM_COUNT_WRITE_BASELINE=1 rewrites the
# baseline from this boot's counts. CVM_COUNT_PROF=1 also prints where the
# instructions of one case went, per function (CVM_COUNT_CASE, default
# "256 to on"; tools/testing/count/count_profile.py).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-${BENCH_KERNEL:-6.1}}
gate=${2:-}
rundir=${CVM_RUN_DIR:-${CVM_CACHE_DIR:-/var/cache/cvmguard}}
baseline=$top/tools/testing/count/baseline-$kernel
mem=1
[ "$gate" = --gate ] && mem=0
mkdir -p "$rundir/logs"
out=$rundir/logs/$kernel-count.out

plugin=$("$top/scripts/qemu-plugin.sh" | tail -n 1)
echo "bench-count: booting $kernel with $plugin (console: $rundir/logs/$kernel-count.log)" >&2
if ! CVM_COUNT_PLUGIN=$plugin CVM_COUNT_MEM=${CVM_COUNT_MEM:-$mem} \
	"$top/scripts/vm-run.sh" "$kernel" --count >"$out" 2>&1; then
	tail -n 40 "$out" >&2
	echo "bench-count: the VM run failed; full output in $out" >&2
	exit 1
fi
args=()
[ "$gate" = --gate ] && args+=(--baseline "$baseline")
[ "${CVM_COUNT_WRITE_BASELINE:-0}" = 1 ] && args+=(--write-baseline "$baseline")
if [ "${CVM_COUNT_PROF:-0}" = 1 ]; then
	# shellcheck disable=SC2086 # the case is three words
	python3 "$top/tools/testing/count/count_profile.py" \
		"$rundir/logs/$kernel-count.log" "$rundir/logs/$kernel-count.plugin" \
		${CVM_COUNT_CASE:-256 to on}
fi
exec python3 "$top/tools/testing/count/count_table.py" \
	"$rundir/logs/$kernel-count.log" "$rundir/logs/$kernel-count.plugin" "${args[@]}"
