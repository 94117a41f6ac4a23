#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# count_table.py's gate on a crafted counting boot: one case at exactly
# the baseline passes (per-op counts are fractions of a batch: 14897/16
# is 931.06, written as 931), one instruction per map+unmap more fails.
set -euo pipefail
cd "$(dirname "$0")"
w=${OUT:-work}
mkdir -p "$w"
printf 'CVMCOUNT-BEGIN\npolicies on\n%s\n%s\n%s\nCVMCOUNT-END\n' \
	'case cvm_bounce 256 to 1 1 16' 'case swiotlb 256 to 1 1 16' \
	'case memcpy 256 to 1 1 16' >"$w/t.console"
printf '# SIZE DIR POLICIES NON-REP-INSNS LOCKED-RMWS\n256 to on 931 2.0\n' >"$w/t.baseline"
seg() {
	echo "cvmcount vcpu=0 seq=$1 insns=$2 rep=0 locked=$3 irqf=0 loads=0 stores=0 lines=0 xlines=0"
}
{ seg 0 14897 32; seg 1 40000 32; seg 2 928 0; } >"$w/t.plugin"
python3 count_table.py "$w/t.console" "$w/t.plugin" --baseline "$w/t.baseline" >"$w/t.out" ||
	{ cat "$w/t.out"; echo "count_table: the gate failed a case at its baseline"; exit 1; }
grep -q '^count gate: 1 cases at or under the baseline' "$w/t.out"
grep -q '^goal count-locked-rmw-per-op: measured 2.00, target <= 2.00, met$' "$w/t.out"
{ seg 0 14913 32; seg 1 40000 32; seg 2 928 0; } >"$w/t.plugin"
if python3 count_table.py "$w/t.console" "$w/t.plugin" --baseline "$w/t.baseline" >"$w/t.out"; then
	cat "$w/t.out"
	echo "count_table: the gate passed 932 instructions against a baseline of 931"
	exit 1
fi
grep -q '256 to policies on: 932 insns' "$w/t.out"
{ seg 0 14897 48; seg 1 40000 32; seg 2 928 0; } >"$w/t.plugin"
! python3 count_table.py "$w/t.console" "$w/t.plugin" --baseline "$w/t.baseline" >"$w/t.out" ||
	{ echo "count_table: the gate passed 3 locked RMWs against 2"; exit 1; }
echo "count_table: the gate passes at the baseline and fails one instruction or one locked RMW above it"

# count_profile.py on the same boot: blocks named by the guest's symbols,
# divided by the operations, each side apart.
{
	printf 'cvmsym ffffffffc0001000 t cvm_bounce_map\t[cvm_bounce]\n'
	printf 'cvmsym ffffffffc0001200 t cvm_bounce_unmap\t[cvm_bounce]\n'
	printf 'cvmsym ffffffff81000000 T swiotlb_tbl_map_single\n'
} >>"$w/t.console"
prof() { echo "cvmprof vcpu=0 seq=$1 pc=$2 insns=$3"; }
{
	prof 0 0xffffffffc0001000 320; prof 0 0xffffffffc0001010 160
	prof 0 0xffffffffc0001234 480; seg 0 960 32
	prof 1 0xffffffff81000040 1600; seg 1 1600 32
	seg 2 928 0
} >"$w/t.plugin"
python3 count_profile.py "$w/t.console" "$w/t.plugin" 256 to on >"$w/t.out"
diff -u - "$w/t.out" <<'EOF'
non-rep instructions per map+unmap by function, 256 B to device, policies on (median over batches)
  cvm_bounce: 60
        30.0  cvm_bounce_map [cvm_bounce]
        30.0  cvm_bounce_unmap [cvm_bounce]
  swiotlb: 100
       100.0  swiotlb_tbl_map_single
EOF
echo "count_profile: crafted blocks named and counted per map+unmap"

# End to end per packet: a figure per batch (packets received), each
# batch's count divided by its own.
printf 'CVMCOUNT-BEGIN\npolicies on\n%s\n%s\nCVMCOUNT-END\n' \
	'case netrecv-cvm_bounce 1448 from 1 2 100,200' \
	'case netrecv-swiotlb 1448 from 1 2 100,100' >"$w/t.console"
{ seg 0 1000 0; seg 1 4000 0; seg 2 2000 0; seg 3 2000 0; } >"$w/t.plugin"
python3 count_table.py "$w/t.console" "$w/t.plugin" >"$w/t.out"
grep -q '^cvm_bounce |      15 ' "$w/t.out" ||
	{ cat "$w/t.out"; echo "count_table: per-packet median is not 15"; exit 1; }
grep -q '^goal count-e2e-net-packet-vs-swiotlb: measured 0.75, target <= 1.00, met$' "$w/t.out" ||
	{ cat "$w/t.out"; echo "count_table: wrong per-packet goal line"; exit 1; }
sed -i 's/100,200$/100,200,300/' "$w/t.console"
! python3 count_table.py "$w/t.console" "$w/t.plugin" >"$w/t.out" 2>&1 ||
	{ echo "count_table: took three packet figures for two batches"; exit 1; }
grep -q 'bad operation counts' "$w/t.out" ||
	{ cat "$w/t.out"; echo "count_table: three figures for two batches refused for another reason"; exit 1; }
echo "count_table: per-packet counts divide each batch by its own packets"
