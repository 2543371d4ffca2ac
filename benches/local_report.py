#!/usr/bin/env python3
"""Aggregate the "local" section's raw results into a Markdown report.

Usage: local_report.py DIR  (DIR = bench-scratch/local, written by
sections/local.sh). Reads the hyperfine exports of every round, the per-round
paritty snapshots, one envinfo JSON and two `/usr/bin/time -v` outputs.
Prints Markdown on stdout. Ratios are the point: absolute times on a shared
machine drift, the ratio of alternated runs much less.
"""
import glob
import json
import os
import platform
import re
import statistics as st
import subprocess
import sys
from datetime import datetime, timezone

TARGET_RATIO = 0.2  # paritty's local collection: at most 1/5 of envinfo's time
NOT_A_VALUE = {"", "Not Found", "N/A"}


def load(path):
    with open(path) as f:
        return json.load(f)


def times(pattern):
    """Per-round lists of run times (s) from hyperfine --export-json files."""
    files = sorted(glob.glob(pattern), key=lambda p: int(re.search(r"round-(\d+)", p)[1]))
    return [load(p)["results"][0]["times"] for p in files]


def leaves(v):
    """Leaf values of envinfo's JSON that carry information."""
    if isinstance(v, dict):
        return [x for c in v.values() for x in leaves(c)]
    if isinstance(v, list):
        return [x for c in v for x in leaves(c)]
    return [] if str(v).strip() in NOT_A_VALUE else [v]


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "?"


def rss_mib(path):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())
    return int(m[1]) / 1024 if m else float("nan")


def own_mib(path):
    return int(open(path).read()) / 1024


def main(d):
    par, env = times(f"{d}/round-*-paritty.json"), times(f"{d}/round-*-envinfo.json")
    p_all, e_all = [t for r in par for t in r], [t for r in env for t in r]
    round_ratios = [st.median(p) / st.median(e) for p, e in zip(par, env)]
    ms = lambda s: f"{s * 1000:.1f}"

    snaps = [load(p) for p in sorted(glob.glob(f"{d}/round-*-snapshot.json"))]
    last = snaps[-1]
    facts = last["facts"]
    ok = sum(1 for f in facts.values() if f.get("status") == "ok")
    by_status = {}
    for f in facts.values():
        by_status[f.get("status")] = by_status.get(f.get("status"), 0) + 1
    # Concurrency: per snapshot, the slowest probe and the sum of all probes.
    durs = [[f.get("duration_ms", 0) for f in s["facts"].values()] or [0] for s in snaps]
    max_probe = st.median(max(x) for x in durs)
    sum_probe = st.median(sum(x) for x in durs)
    own = st.median(s.get("duration_ms", 0) for s in snaps)
    per_fact = {}
    for s in snaps:
        for k, f in s["facts"].items():
            per_fact.setdefault(k, []).append(f.get("duration_ms", 0))
    slowest = sorted(per_fact.items(), key=lambda kv: -st.median(kv[1]))[:5]

    envinfo = load(f"{d}/envinfo.json")
    env_leaves = len(leaves(envinfo))
    env_entries = sum(
        1 for cat in envinfo.values() if isinstance(cat, dict)
        for v in cat.values() if leaves(v)
    )

    ratio_med = st.median(p_all) / st.median(e_all)
    # A found tool is one fact on each side: paritty keeps its path as
    # evidence (found_at) just as envinfo prints one, so the fair count is
    # tools found, not envinfo's leaf strings (version and path apart).
    met = ratio_med <= TARGET_RATIO and ok > env_entries
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor() or "?")
    # Set by benches/lib.sh; the defaults let this script run on its own too.
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paritty = os.environ.get("PARITTY", f"{repo}/target/release/paritty")
    envinfo_bin = os.environ.get("ENVINFO", f"{repo}/bench-scratch/npm/node_modules/.bin/envinfo")

    out = [
        "## Local collection: paritty vs envinfo",
        "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; nproc: {os.cpu_count()};"
        f" CPU: {cpu}; kernel: {platform.release()}; load avg: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- {version([paritty, '--version'])} (profile `{last['profile']['name']}`, {len(facts)} facts);"
        f" envinfo {version([envinfo_bin, '--version'])} (node {version(['node', '--version'])});"
        f" {version(['hyperfine', '--version'])}",
        f"- {len(par)} alternated rounds x {len(par[0])} timed runs per tool (after warmup);"
        f" commands: `paritty snapshot --format json`, `envinfo --json`",
        "",
        "| measure | paritty | envinfo | paritty / envinfo |",
        "| --- | ---: | ---: | ---: |",
        f"| wall time, median of all runs (ms) | {ms(st.median(p_all))} | {ms(st.median(e_all))} | **{ratio_med:.3f}** |",
        f"| wall time, mean of all runs (ms) | {ms(st.mean(p_all))} | {ms(st.mean(e_all))} | {st.mean(p_all) / st.mean(e_all):.3f} |",
        f"| per-round ratio of medians: median (min-max) | | | {st.median(round_ratios):.3f} ({min(round_ratios):.3f}-{max(round_ratios):.3f}) |",
        f"| facts collected (paritty: status ok; envinfo: leaf values) | {ok} | {env_leaves} | {ok / max(env_leaves, 1):.2f} |",
        f"| facts collected (envinfo: tools/items found, one per version+path pair) | {ok} | {env_entries} | {ok / max(env_entries, 1):.2f} |",
        f"| peak RSS of one run, largest process of the tree (MiB) | {rss_mib(f'{d}/rss-paritty.txt'):.1f} | {rss_mib(f'{d}/rss-envinfo.txt'):.1f} | |",
        f"| peak RSS of the tool's own process (MiB, sampled) | {own_mib(f'{d}/own-rss-paritty.txt'):.1f} | {own_mib(f'{d}/own-rss-envinfo.txt'):.1f} | |",
        "",
        f"Target: wall-time ratio <= {TARGET_RATIO} while collecting more facts: **{'met' if met else 'NOT met'}**.",
        f"paritty fact statuses: {', '.join(f'{k} {v}' for k, v in sorted(by_status.items()))}."
        " The target counts tools found on each side (envinfo's version+path pairs); its leaf-value count is shown too.",
        "",
        "| paritty concurrency (median over rounds) | ms |",
        "| --- | ---: |",
        f"| slowest single probe (max fact `duration_ms`) | {max_probe:.0f} |",
        f"| sum of all fact durations | {sum_probe:.0f} |",
        f"| snapshot's own `duration_ms` | {own:.0f} |",
        f"| wall time, median (hyperfine) | {ms(st.median(p_all))} |",
        "",
        "Slowest probes (median `duration_ms`): "
        + ", ".join(f"`{k}` {st.median(v):.0f}" for k, v in slowest),
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
