#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Where a counted case's instructions ran, per function (make bench-count
with CVM_COUNT_PROF=1; scripts/bench-count.sh calls this).

count_profile.py CONSOLE PLUGIN_LOG [SIZE DIR POLICY] [--top N]

Pairs the plugin's "cvmprof" lines with the cases as count_table.py
pairs segments, names each translation block's function from the
"cvmsym" lines the guest printed (its /proc/kallsyms text symbols; Debian
ships the real System.map only in the -dbg package) and prints, for the one-CPU case SIZE DIR POLICY (default 256 to on),
non-rep instructions per map+unmap per function, cvm_bounce beside the
kernel's swiotlb, largest first.
"""
import bisect
import re
import statistics
import sys

from count_table import parse_cases, walk


def parse_profile(log):
    """{vcpu: [ {pc: insns} per segment, in seq order ]}"""
    per_vcpu, cur = {}, {}
    prof = re.compile(r"cvmprof vcpu=(\d+) seq=(\d+) pc=0x([0-9a-f]+) insns=(\d+)")
    seg = re.compile(r"cvmcount vcpu=(\d+) seq=(\d+) ")
    with open(log, errors="replace") as f:
        for line in f:
            m = prof.search(line)
            if m:
                v = int(m.group(1))
                d = cur.setdefault(v, {})
                pc = int(m.group(3), 16)
                d[pc] = d.get(pc, 0) + int(m.group(4))
                continue
            m = seg.search(line)
            if m:
                v = int(m.group(1))
                per_vcpu.setdefault(v, []).append(cur.pop(v, {}))
    return per_vcpu


def symbols(console):
    table = []
    pat = re.compile(r"cvmsym ([0-9a-f]+) [tT] (\S+)(?:\s+\[(\S+)\])?")
    with open(console, errors="replace") as f:
        for line in f:
            m = pat.search(line)
            if m:
                n = f"{m.group(2)} [{m.group(3)}]" if m.group(3) else m.group(2)
                table.append((int(m.group(1), 16), n))
    if not table:
        sys.exit("count_profile: no cvmsym lines in the console (boot with CVM_COUNT_PROF=1)")
    table.sort()
    return [a for a, _ in table], [n for _, n in table]


def main():
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) not in (2, 5):
        sys.exit(__doc__)
    console, log = args[:2]
    size, d, pol = (int(args[2]), args[3], args[4]) if len(args) == 5 else (256, "to", "on")
    cases = parse_cases(console)
    prof = parse_profile(log)
    addrs, names = symbols(console)
    if not any(prof.values()) or not any(p for segs in prof.values() for p in segs):
        sys.exit("count_profile: no cvmprof lines (boot with CVM_COUNT_PROF=1)")

    def name(pc):
        if pc == 0:
            return "(blocks with a marker)"
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else hex(pc)

    found = {}
    for c, take in walk(cases, prof):
        if (c["cpus"], c["size"], c["dir"], c["policy"]) == (1, size, d, pol):
            fn = [{} for _ in take]
            for k, seg in enumerate(take):
                for pc, n in seg.items():
                    f = name(pc)
                    fn[k][f] = fn[k].get(f, 0) + n
            allf = {f for s in fn for f in s}
            found[c["method"]] = {f: statistics.median(s.get(f, 0) / o
                                                       for s, o in zip(fn, c["ops"]))
                                  for f in allf}
    if "cvm_bounce" not in found or "swiotlb" not in found:
        sys.exit(f"count_profile: no one-CPU case {size} {d} policies {pol}")
    print(f"non-rep instructions per map+unmap by function, {size} B {d} device,"
          f" policies {pol} (median over batches)")
    for method in ("cvm_bounce", "swiotlb"):
        rows = sorted(found[method].items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(found[method].values())
        print(f"  {method}: {total:.0f}")
        for f, n in rows[:top]:
            print(f"    {n:8.1f}  {f}")
        rest = sum(n for _, n in rows[top:])
        if rest:
            print(f"    {rest:8.1f}  ({len(rows) - top} more functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
