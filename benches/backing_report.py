#!/usr/bin/env python3
"""The "backing" section's table, from hyperfine's JSON of every round.

Usage: backing_report.py RAW_DIR

Per transport and round: each case's median wall time; a service's added
time is its case's median less the "none" case's, in the same round. Then,
per figure, the median over rounds: all six's added time, the slowest
single service's, the sum of the six singles', and the ratios. CPU is
hyperfine's mean user+system of paritty's process tree (for SSH the sshd
side is not in it), all six against none.
"""
import glob
import json
import os
import re
import statistics
import sys

NAMES = ["postgresql", "mariadb", "redis", "memcached", "rabbitmq", "redis2"]


def rounds(raw, transport):
    out = []
    for path in sorted(glob.glob(f"{raw}/round-*-{transport}.json"),
                       key=lambda p: int(re.search(r"round-(\d+)-", p).group(1))):
        with open(path) as f:
            results = json.load(f)["results"]
        out.append({r["command"]: r for r in results})
    return out


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def main():
    raw = sys.argv[1]
    # The delays, from the one place they are set.
    sys.dont_write_bytecode = True  # no __pycache__ in benches/
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import backing_lab  # noqa: E402
    delays = backing_lab.DELAYS
    load = open("/proc/loadavg").read().split()[:3]
    print("## Backing services: six asked at once\n")
    print(f"Load average at the end: {' '.join(load)}. Delays each way (a round trip is twice): "
          + ", ".join(f"{n} {d} ms" for n, d in delays.items()) + ".\n")
    print("| transport | none (median) | slowest single: added | sum of singles' added "
          "| all six: added | all / slowest | all / sum | CPU none → all six | rounds × runs |")
    print("|---|---|---|---|---|---|---|---|---|")
    singles_rows = []
    channel_rows = []
    for transport in ["local", "ssh"]:
        rs = rounds(raw, transport)
        if not rs:
            continue
        per = {k: [] for k in ["none", "slowest", "sum", "all", "all/slowest", "all/sum"]}
        added = {n: [] for n in NAMES}
        for r in rs:
            none = r["none"]["median"]
            single = {n: r[n]["median"] - none for n in NAMES}
            for n in NAMES:
                added[n].append(single[n])
            slowest, total = max(single.values()), sum(single.values())
            everything = r["all"]["median"] - none
            per["none"].append(none)
            per["slowest"].append(slowest)
            per["sum"].append(total)
            per["all"].append(everything)
            per["all/slowest"].append(everything / slowest if slowest > 0 else float("nan"))
            per["all/sum"].append(everything / total if total > 0 else float("nan"))
        med = {k: statistics.median(v) for k, v in per.items()}
        cpu = {c: statistics.median(r[c]["user"] + r[c]["system"] for r in rs)
               for c in ["none", "all"]}
        runs = len(rs[0]["none"]["times"])
        print(f"| {transport} | {ms(med['none'])} | {ms(med['slowest'])} | {ms(med['sum'])} "
              f"| {ms(med['all'])} | {med['all/slowest']:.2f} | {med['all/sum']:.2f} "
              f"| {ms(cpu['none'])} → {ms(cpu['all'])} | {len(rs)} × {runs} |")
        singles_rows.append((transport, {n: statistics.median(v) for n, v in added.items()}))
        five = [n for n in NAMES if n != "postgresql"]
        ch = {k: [] for k in ["slowest", "sum", "five"]}
        for r in rs:
            none = r["none"]["median"]
            single = [r[n]["median"] - none for n in five]
            ch["slowest"].append(max(single))
            ch["sum"].append(sum(single))
            ch["five"].append(r["channels"]["median"] - none)
        channel_rows.append((transport, {k: statistics.median(v) for k, v in ch.items()},
                             statistics.median(f / s for f, s in zip(ch["five"], ch["slowest"]))))
    print("\nThe five but PostgreSQL (over SSH, the ones asked through `direct-tcpip` channels while"
          " the probe runs; PostgreSQL is asked by the host's psql inside it), added time:\n")
    print("| transport | slowest of the five alone | sum of the five alone | the five together "
          "| together / slowest (per round, median) |")
    print("|---|---|---|---|---|")
    for transport, row, ratio in channel_rows:
        print(f"| {transport} | {ms(row['slowest'])} | {ms(row['sum'])} | {ms(row['five'])} "
              f"| {ratio:.2f} |")
    print("\nEach service alone, added time (median over rounds):\n")
    print("| transport | " + " | ".join(NAMES) + " |")
    print("|---|" + "---|" * len(NAMES))
    for transport, row in singles_rows:
        print(f"| {transport} | " + " | ".join(ms(row[n]) for n in NAMES) + " |")


if __name__ == "__main__":
    main()
