#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's shellcheck over every shell script of the tree, warnings and
# errors (style notes are left to review). A finding that is intended is
# silenced where it happens, with a `# shellcheck disable=SCnnnn # why`.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v shellcheck >/dev/null ||
	{ echo "shellcheck: not installed (scripts/deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.sh' .ci/run 2>/dev/null ||
	find . -name '*.sh' -not -path './.git/*')
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(find . -name '*.sh' -not -path './.git/*')
shellcheck -S warning "${files[@]}"
echo "shellcheck: ${#files[@]} scripts, no warnings"
