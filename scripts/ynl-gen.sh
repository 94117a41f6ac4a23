#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Generate the UAPI header from Documentation/netlink/specs/cvm.yaml with the
# kernel's own ynl-gen-c.py (which also validates the spec against the
# kernel's genetlink schema), so the spec is the single source of the
# kernel/user contract; and the tables of enum names the modules and cvmctl
# print (scripts/ynl-names.py), which ynl-gen-c.py emits only inside its
# user library; and the kernel side of the family (scripts/ynl-kernel.py:
# per-op policies, the genl_ops table 6.1 takes, the multicast groups, which
# module answers each op, each module's handler table), rendered with
# ynl-gen-c.py's own policy code.
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
mkdir -p "$out/kernel/include/uapi/linux"
gen --mode uapi --header -o "$out/kernel/include/uapi/linux/cvm.h"
mkdir -p "$out/kernel/include" "$out/tools/cvmctl"
"$top/scripts/ynl-names.py" "$spec" "$out/kernel/include/cvm_names.h" \
	"$out/tools/cvmctl/cvm_attrs.h"
/usr/bin/python3 "$top/scripts/ynl-kernel.py" \
	"$tools/tools/net/ynl/ynl-gen-c.py" "$spec" "$out"

rc=0
for f in kernel/include/uapi/linux/cvm.h kernel/include/cvm_names.h \
	tools/cvmctl/cvm_attrs.h \
	kernel/core/nl-gen.c kernel/core/nl-gen.h \
	kernel/convert/nl-gen.c kernel/convert/nl-gen.h \
	kernel/bounce/nl-gen.c kernel/bounce/nl-gen.h \
	kernel/ring/nl-gen.c kernel/ring/nl-gen.h; do
	dst=$top/$f
	if [ "$check" = --check ]; then
		if ! diff -u "$dst" "$out/$f"; then
			echo "ynl-gen: $f does not match the spec; run scripts/ynl-gen.sh" >&2
			rc=1
		fi
	else
		mkdir -p "$(dirname "$dst")"
		cp "$out/$f" "$dst"
	fi
done
exit $rc
