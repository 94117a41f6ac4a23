#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench.sh [KERNEL] -- `make bench`: boot one VM with test kernel KERNEL
# (default $BENCH_KERNEL, else 6.1) in bench mode (vm-run.sh --bench) and
# print the table the guest measured, everything side by side in that one
# boot:
#   - cvm_bench (kernel): ns per tracked share+unshare of 1 and 512 pages
#     (cvm_convert) and per untracked set_memory_decrypted+encrypted, per
#     4 KiB memcpy hot and cold; median and p90 over TSC-timed batches,
#     first with an empty ledger, then with CVM_BENCH_RANGES ranges in it;
#   - cvmctl (guest userspace): `cvmctl -j conversions --ranges` over
#     those ranges and `cvmctl status`, median and p90 wall time.
# The table ends with the ratios the ledger is judged by: tracked over
# untracked, and (tracked - untracked) over one 4 KiB memcpy.
# The ring validators' native table is scripts/bench-native.sh's (make
# bench runs both).
#
# Environment: BENCH_KERNEL, CVM_BENCH_BATCHES (default 200),
# CVM_BENCH_RANGES (default 100000), CVM_VM_MEM (MiB, default 2048),
# CVM_RUN_DIR (scratch builds and logs). The VM's console goes to
# $CVM_RUN_DIR/logs/KERNEL-bench.log. Benchmarks are not tests: `make
# check` never runs this.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:-${BENCH_KERNEL:-6.1}}
rundir=${CVM_RUN_DIR:-${CVM_CACHE_DIR:-/var/cache/cvmguard}}
out=$rundir/logs/$kernel-bench.out
console=$rundir/logs/$kernel-bench.log

mkdir -p "$rundir/logs"
echo "bench: booting $kernel (console: $console)" >&2
if ! "$top/scripts/vm-run.sh" "$kernel" --bench >"$out" 2>&1; then
	tail -n 40 "$out" >&2
	echo "bench: the VM run failed; full output in $out" >&2
	exit 1
fi
table=$(tr -d '\r' <"$console" |
	sed -n '/^CVMBENCH-BEGIN$/,/^CVMBENCH-END$/p' | sed '1d;$d')
if [ -z "$table" ]; then
	echo "bench: the guest printed no results; see $console" >&2
	exit 1
fi
printf '%s\n' "$table"
