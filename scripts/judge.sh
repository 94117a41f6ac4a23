#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# judge CONSOLE -- the verdict of scripts/vm-run.sh on a guest's console,
# sourced by it and by scripts/test-judge.sh (which runs it on crafted
# consoles in `make unit`). Returns 0 when the guest reported PASS, every
# mark that excuses expected kernel reports pairs up, and the kernel
# reported nothing outside them; otherwise says why through log() and
# returns 1. The caller defines log().

judge() {
	local console=$1 bad

	# The marks below excuse what lies between them: a begin with no end
	# (a test killed in between) would excuse the rest of the console.
	bad=$(tr -d '\r' <"$console" | awk '
		/cvmguard-guest: (fault injection|expected WARN) begins/ {
			if (open) bad = bad " nested begin at line " NR
			open = 1
		}
		/cvmguard-guest: (fault injection|expected WARN) ends/ {
			if (!open) bad = bad " end without begin at line " NR
			open = 0
		}
		END {
			if (open) bad = bad " begin without end"
			print substr(bad, 2)
		}')
	if [ -n "$bad" ]; then
		log "unpaired marks in the console: $bad"
		return 1
	fi
	# Between the fault-injection marks (selftests/faultinject.sh) a bare
	# stack trace is the allocator reporting an injected failure; between
	# the expected-WARN marks (selftests/bounce.sh, which counts them) a
	# WARN is what the test asked for.
	bad=$(sed -e '/cvmguard-guest: fault injection begins/,/cvmguard-guest: fault injection ends/ s/Call Trace/(trace of an injected fault)/' \
		-e '/cvmguard-guest: expected WARN begins/,/cvmguard-guest: expected WARN ends/ { s/WARNING:/(expected warning)/; s/Call Trace/(trace of an expected warning)/; }' "$console" |
		grep -aE 'Oops|BUG:|WARNING:|KASAN:|kmemleak: [0-9]+ new suspected|possible (circular|recursive) locking|UBSAN|Kernel panic|Call Trace' | head -n 20 || true)
	if [ -n "$bad" ]; then
		log "the kernel reported problems:"
		echo "$bad" >&2
		return 1
	fi
	grep -aq '^CVMGUARD-RESULT: PASS' "$console" || {
		if grep -aq '^CVMGUARD-RESULT: FAIL' "$console"; then
			log "guest reported failure"
		else
			log "guest never reported a result (hang, crash or timeout)"
		fi
		return 1
	}
}
