# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by deps.sh and kernel-prep.sh: read the machine's own apt
# configuration, so no script ever names a mirror host.

# DEBIAN_SOURCES names the machine's deb822 source file.
#
# source_field SUITE FIELD: field FIELD (e.g. URIs, Signed-By) of the first
# deb822 stanza of $DEBIAN_SOURCES whose Suites list SUITE.
source_field() {
	local suite=$1 field=$2
	if [[ ! -r $DEBIAN_SOURCES ]]; then
		echo "$DEBIAN_SOURCES not found" >&2
		return 1
	fi
	awk -v suite="$suite" -v want="${field,,}" '
		BEGIN { RS = ""; FS = "\n" }
		{
			delete f
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[ \t]*#/ || $i !~ /:/) continue
				k = $i; sub(/:.*/, "", k)
				v = $i; sub(/^[^:]*:[ \t]*/, "", v)
				f[tolower(k)] = v
			}
			n = split(f["suites"], s, /[ \t]+/)
			for (j = 1; j <= n; j++)
				if (s[j] == suite) { split(f[want], u, /[ \t]+/); print u[1]; exit }
		}' "$DEBIAN_SOURCES"
}
