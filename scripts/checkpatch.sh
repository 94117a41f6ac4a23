#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.sh [FILE...] -- the kernel's checkpatch.pl (from Debian's
# kernel source, scripts/kernel-tools.sh) over cvmguard's kernel code;
# default: every .c/.h under kernel/. Exit 1 on any ERROR or WARNING.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tools=$("$top/scripts/kernel-tools.sh" | tail -n 1)
cd "$top"
if [ $# -eq 0 ]; then
	mapfile -t files < <(git ls-files 'kernel/*.c' 'kernel/*.h' 2>/dev/null ||
		find kernel -name '*.[ch]')
	[ ${#files[@]} -gt 0 ] || mapfile -t files < <(find kernel -name '*.[ch]')
	set -- "${files[@]}"
fi
# --no-tree: this is not a kernel tree; the data files checkpatch reads
# (spelling.txt, const_structs.checkpatch) sit beside it in the tools dir.
checkpatch() {
	perl "$tools/scripts/checkpatch.pl" --no-tree --file --terse \
		--show-types --ignore FILE_PATH_CHANGES "$@"
}

# The compat header is the one place that tests kernel versions.
compat=kernel/include/cvm_compat.h
rc=0
others=()
# The shim's userspace half spells out what the kernel's headers give the
# kernel half (READ_ONCE's volatile, __always_inline's attribute).
shim=kernel/include/cvm_shim.h
for f in "$@"; do
	if [ "$f" = "$compat" ]; then
		checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON "$f" || rc=1
	elif [ "$f" = "$shim" ]; then
		checkpatch --ignore VOLATILE,COMPLEX_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO "$f" || rc=1
	else
		others+=("$f")
	fi
done
if [ ${#others[@]} -gt 0 ]; then
	checkpatch "${others[@]}" || rc=1
fi
exit $rc
