#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Generate the UAPI header from Documentation/netlink/specs/cvm.yaml with the
# kernel's own ynl-gen-c.py (which also validates the spec against the
# kernel's genetlink schema), so the spec is the single source of the
# kernel/user contract; and the tables of enum names the modules and cvmctl
# print (scripts/ynl-names.py), which ynl-gen-c.py emits only inside its
# user library. The kernel ops table is written by hand in
# kernel/core/cvm_netlink.c: ynl-gen's kernel output needs genl_split_ops,
# which 6.1 does not have.
#
#   scripts/ynl-gen.sh          rewrite the generated files in the tree
#   scripts/ynl-gen.sh --check  fail if they differ from the spec
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tools=$("$top/scripts/kernel-tools.sh" | tail -n 1)
check=${1:-}

# ynl-gen-c.py finds the schema and the kernel root relative to the spec,
# so the spec is placed inside the extracted kernel tree.
spec=$tools/Documentation/netlink/specs/cvm.yaml
cp "$top/Documentation/netlink/specs/cvm.yaml" "$spec"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gen() {
	/usr/bin/python3 "$tools/tools/net/ynl/ynl-gen-c.py" --spec "$spec" "$@"
}
gen --mode uapi --header -o "$out/cvm.h"
"$top/scripts/ynl-names.py" "$spec" "$out/cvm_names.h"

rc=0
for f in kernel/include/uapi/linux/cvm.h kernel/include/cvm_names.h; do
	dst=$top/$f
	if [ "$check" = --check ]; then
		if ! diff -u "$dst" "$out/$(basename "$f")"; then
			echo "ynl-gen: $f does not match the spec; run scripts/ynl-gen.sh" >&2
			rc=1
		fi
	else
		mkdir -p "$(dirname "$dst")"
		cp "$out/$(basename "$f")" "$dst"
	fi
done
exit $rc
