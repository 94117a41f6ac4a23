#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sparse.sh [KERNEL] -- build the modules, test-only ones included, with
# sparse (C=2: check every file) against test kernel KERNEL (default 6.1)
# in a scratch copy of the tree, and fail on any sparse warning or error in
# cvmguard's own files.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${CVM_CACHE_DIR:-/var/cache/cvmguard}
# Scratch builds and console logs; a second checkout sets its own.
rundir=${CVM_RUN_DIR:-$cache}
name=${1:-6.1}
src=$rundir/work/sparse-$name/src
out=$rundir/logs/sparse-$name.log

mkdir -p "$src" "$(dirname "$out")"
rsync -a --delete --exclude .git --exclude 'tools/' --exclude 'selftests/' "$top/" "$src/"
# MAKEFLAGS cleared: under `make -s` kbuild would not print the CHECK
# lines that prove sparse ran.
MAKEFLAGS='' CVM_KBUILD_SRC=$src "$top/scripts/kbuild.sh" "$name" C=2 CVM_TEST=m >"$out" 2>&1 ||
	{ cat "$out" >&2; echo "sparse: build failed" >&2; exit 1; }
if grep -E "^$src/.*: (warning|error):" "$out" | sed "s|^$src/||" >&2; then
	echo "sparse: warnings in cvmguard code (full log: $out)" >&2
	exit 1
fi
grep -q 'CHECK' "$out" || { echo "sparse: did not run (no CHECK lines in $out)" >&2; exit 1; }
echo "sparse: clean ($(grep -c '  CHECK' "$out") files checked)"
