#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn a counting boot into the count table (make bench-count).

count_table.py CONSOLE PLUGIN_LOG [--baseline FILE] [--write-baseline FILE]

CONSOLE holds, between CVMCOUNT-BEGIN and CVMCOUNT-END, the cases
cvm_bench_bounce ran ("case METHOD SIZE DIR CPUS BATCHES OPS") under
"policies on" and "policies off"; PLUGIN_LOG the cvm_count plugin's
segments ("cvmcount vcpu=V seq=N insns=..."), in order per vCPU. A case
on one CPU ran on vCPU 0, one on two CPUs on vCPUs 0 and 1 at once.
Every figure is per map+unmap: the median over the case's batches of the
batch's count divided by its operations.

Prints the table and one line per goal; with --baseline, exits 1 when
cvm_bounce's non-rep instructions or locked RMWs per map+unmap exceed
the committed baseline in any case (the regression gate of make check).
"""
import re
import statistics
import sys

FIELDS = ("insns", "rep", "locked", "irqf", "loads", "stores", "lines",
          "xlines")


def parse_cases(console):
    cases, policy, inside = [], None, False
    with open(console, errors="replace") as f:
        for line in f:
            line = line.strip().replace("\r", "")
            if line == "CVMCOUNT-BEGIN":
                inside = True
            elif line == "CVMCOUNT-END":
                inside = False
            elif inside and line.startswith("policies "):
                policy = line.split()[1]
            elif inside and line.startswith("case "):
                _, method, size, direction, cpus, batches, ops = line.split()
                # OPS: per batch, or one figure per batch (packets).
                ops = [int(o) for o in ops.split(",")]
                if len(ops) == 1:
                    ops *= int(batches)
                if len(ops) != int(batches) or min(ops) < 1:
                    sys.exit(f"count_table: bad operation counts: {line}")
                cases.append(dict(method=method, size=int(size),
                                  dir=direction, cpus=int(cpus),
                                  batches=int(batches), ops=ops,
                                  policy=policy))
    return cases


def parse_segments(log):
    per_vcpu = {}
    pat = re.compile(r"cvmcount vcpu=(\d+) seq=(\d+) (.*)")
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.search(line)
            if not m:
                continue
            vals = dict(kv.split("=") for kv in m.group(3).split())
            per_vcpu.setdefault(int(m.group(1)), []).append(
                {k: int(vals[k]) for k in FIELDS})
    return per_vcpu


def walk(cases, per_vcpu):
    """Each case with its segments, in the order the cases ran: a case on
    N CPUs took the next BATCHES segments of each of vCPUs 0..N-1."""
    pos = {v: 0 for v in per_vcpu}
    for c in cases:
        segs = []
        for v in range(c["cpus"]):
            take = per_vcpu.get(v, [])[pos.get(v, 0):pos.get(v, 0) + c["batches"]]
            if len(take) != c["batches"]:
                sys.exit("count_table: the plugin log has fewer segments than the cases ran")
            pos[v] = pos.get(v, 0) + c["batches"]
            segs += take
        yield c, segs
    left = sum(len(per_vcpu[v]) - pos[v] for v in per_vcpu)
    if left:
        sys.exit(f"count_table: {left} plugin segments belong to no case")


def assign(cases, per_vcpu):
    for c, segs in walk(cases, per_vcpu):
        ops = c["ops"] * c["cpus"]
        c["per_op"] = {k: statistics.median(s[k] / o for s, o in zip(segs, ops))
                       for k in FIELDS}


def main():
    args = sys.argv[1:]
    baseline = write_baseline = None
    if "--baseline" in args:
        i = args.index("--baseline")
        baseline = args[i + 1]
        del args[i:i + 2]
    if "--write-baseline" in args:
        i = args.index("--write-baseline")
        write_baseline = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    cases = parse_cases(args[0])
    if not cases:
        sys.exit("count_table: no cases between CVMCOUNT-BEGIN and CVMCOUNT-END")
    per_vcpu = parse_segments(args[1])
    assign(cases, per_vcpu)
    mem = any(c["per_op"]["loads"] for c in cases)

    idx = {(c["policy"], c["method"], c["size"], c["dir"], c["cpus"]): c["per_op"]
           for c in cases}
    print("counts per map+unmap (median over batches); swiotlb: dma_map_single()"
          " under swiotlb=force in the same boot; memcpy: the same bytes copied")
    head = (f"{'size':>6} {'dir':4} {'pol':3} | {'cvm':>7} {'swiotlb':>7} {'memcpy':>7}"
            f" {'ratio':>6} | {'rep cvm':>7} {'swt':>6} | {'lock cvm':>8} {'swt':>4}"
            f" | {'irqf':>4} {'swt':>4} | {'rep cpy':>7}")
    if mem:
        head += f" | {'lines':>5} {'swt':>5} | {'x-lines 2 CPUs':>14}"
    print(head)
    goals = dict(small=0.0, big=0.0, locked=0.0, xlines=0.0)
    gate_fail, base_lines = [], []
    base = {}
    if baseline and write_baseline:
        baseline = None
    if baseline:
        with open(baseline) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    size, d, pol, insns, locked = line.split()
                    base[(int(size), d, pol)] = (float(insns), float(locked))
    for pol in ("on", "off"):
        for size in sorted({c["size"] for c in cases}):
            for d in ("to", "from"):
                cvm = idx.get((pol, "cvm_bounce", size, d, 1))
                swt = idx.get((pol, "swiotlb", size, d, 1))
                cpy = idx.get((pol, "memcpy", size, d, 1))
                if not cvm or not swt or not cpy:
                    continue
                ratio = cvm["insns"] / swt["insns"]
                row = (f"{size:>6} {d:4} {pol:3} | {cvm['insns']:>7.0f} {swt['insns']:>7.0f}"
                       f" {cpy['insns']:>7.0f} {ratio:>6.2f} | {cvm['rep']:>7.0f}"
                       f" {swt['rep']:>6.0f} | {cvm['locked']:>8.1f} {swt['locked']:>4.1f}"
                       f" | {cvm['irqf']:>4.1f} {swt['irqf']:>4.1f} | {cpy['rep']:>7.0f}")
                cvm2 = idx.get((pol, "cvm_bounce", size, d, 2))
                if mem:
                    x2 = cvm2["xlines"] if cvm2 else float("nan")
                    row += f" | {cvm['lines']:>5.1f} {swt['lines']:>5.1f} | {x2:>14.2f}"
                print(row)
                base_lines.append(f"{size} {d} {pol} {cvm['insns']:.0f} {cvm['locked']:.1f}")
                if pol == "on":
                    if size <= 4096:
                        goals["small"] = max(goals["small"], ratio)
                    if size == 65536:
                        goals["big"] = max(goals["big"], ratio)
                    goals["locked"] = max(goals["locked"], cvm["locked"])
                    if mem and cvm2:
                        goals["xlines"] = max(goals["xlines"], cvm2["xlines"])
                b = base.get((size, d, pol))
                # Compared at the precision the baseline is written with.
                if baseline and b and (round(cvm["insns"]) > b[0] or
                                       round(cvm["locked"], 1) > b[1]):
                    gate_fail.append(f"{size} {d} policies {pol}: {cvm['insns']:.0f} insns,"
                                     f" {cvm['locked']:.1f} locked RMWs per map+unmap;"
                                     f" baseline {b[0]:.0f}, {b[1]:.1f}")
                elif baseline and not b:
                    gate_fail.append(f"{size} {d} policies {pol}: not in the baseline")

    def e2e_table(prefix, title):
        rows = {c["method"].split("-", 1)[1]: c for c in cases
                if c["method"].startswith(prefix)}
        if rows:
            print(title)
            print(f"{'pool':>10} | {'insns':>7} {'rep':>6} {'locked':>6} {'irqf':>5}"
                  f" | {'per batch':>9}")
            for name, c in sorted(rows.items()):
                v = c["per_op"]
                print(f"{name:>10} | {v['insns']:>7.0f} {v['rep']:>6.0f} {v['locked']:>6.1f}"
                      f" {v['irqf']:>5.1f} | {statistics.median(c['ops']):>9.0f}")
        return {n: c["per_op"] for n, c in rows.items()}

    e2e = e2e_table("blkread-", "end to end, per 4 KiB O_DIRECT virtio-blk read (all vCPU 0 ran:"
                    " syscall, block layer, driver, DMA API, interrupt)")
    net = e2e_table("netrecv-", "end to end, per virtio-net packet received in a 1 MiB TCP stream"
                    " from the host (all vCPU 0 ran: syscalls, TCP and its ACKs, driver,"
                    " DMA API, interrupts)")

    def goal(name, x, op, target):
        met = x <= target if op == "<=" else x >= target
        print(f"goal {name}: measured {x:.2f}, target {op} {target:.2f},"
              f" {'met' if met else 'missed'}")

    goal("count-insns-vs-swiotlb-256-4k", goals["small"], "<=", 0.25)
    goal("count-insns-vs-swiotlb-64k", goals["big"], "<=", 0.5)
    goal("count-locked-rmw-per-op", goals["locked"], "<=", 2)
    if "cvm_bounce" in e2e and "swiotlb" in e2e:
        goal("count-e2e-blk-read-vs-swiotlb",
             e2e["cvm_bounce"]["insns"] / e2e["swiotlb"]["insns"], "<=", 1.0)
    if "cvm_bounce" in net and "swiotlb" in net:
        goal("count-e2e-net-packet-vs-swiotlb",
             net["cvm_bounce"]["insns"] / net["swiotlb"]["insns"], "<=", 1.0)
    else:
        print("goal count-e2e-net-packet-vs-swiotlb: not measured (no netrecv cases)")
    if mem:
        goal("count-cross-cpu-lines", goals["xlines"], "<=", 0)
    else:
        print("goal count-cross-cpu-lines: not measured (CVM_COUNT_MEM=1 counts lines)")
    if write_baseline:
        with open(write_baseline, "w") as f:
            f.write("# cvm_bounce per map+unmap, the count gate's ceiling (make check):\n"
                    "# SIZE DIR POLICIES NON-REP-INSNS LOCKED-RMWS\n")
            f.write("\n".join(base_lines) + "\n")
    if gate_fail:
        print("count gate: cvm_bounce got dearer than the baseline " + baseline + ":")
        for g in gate_fail:
            print("  " + g)
        return 1
    if baseline:
        print(f"count gate: {len(base_lines)} cases at or under the baseline {baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
