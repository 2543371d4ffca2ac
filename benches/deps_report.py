#!/usr/bin/env python3
"""Aggregate the "deps" section's raw results into a Markdown report.

Usage: deps_report.py DIR  (DIR = bench-scratch/deps/results, written by
sections/deps.sh), or deps_report.py --reads-deps DIR, which prints "yes" when
paritty's check snapshots hold deps.* facts (the feature is there) and "no"
otherwise.

Reads the check runs' outputs (paritty-{python,node,empty}.json, pip-list.json,
npm-ls.json, npm-ls-parseable.txt), the hyperfine exports
round-R-{paritty-python,pip,paritty-node,npm,paritty-empty}.json and the
"started" file (date and load average). Prints Markdown on stdout. The counts
come first: a paritty that read fewer packages than pip or npm lists would
make the ratio meaningless.
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

TARGET_RATIO = 5.0     # issue 13: at least 5x faster than pip list / npm ls
TARGET_WALL_S = 0.5    # "well under a second": at most half a second, median
PREFIXES = {"python": "deps.python.", "node": "deps.node."}


def load(path):
    with open(path) as f:
        return json.load(f)


def deps_facts(snapshot, prefix, status=None):
    """The snapshot's facts whose id starts with PREFIX (and of STATUS), by id."""
    return {k: f for k, f in snapshot.get("facts", {}).items()
            if k.startswith(prefix) and status in (None, f.get("status"))}


def reads_deps(d):
    snaps = [load(f"{d}/paritty-{app}.json") for app in ("python", "node")]
    return any(deps_facts(s, "deps.") for s in snaps)


def rounds(d, name):
    files = sorted(glob.glob(f"{d}/round-*-{name}.json"),
                   key=lambda p: int(re.search(r"round-(\d+)", p)[1]))
    return [load(p)["results"][0] for p in files]


def pep503(name):
    """A Python distribution's name as PEP 503 compares it (as paritty's ids write it)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def npm_tree(node, names, pairs):
    """Walk `npm ls --all --json`: every installed (name, version) it shows,
    deduped or not. An unmet optional peer dependency is shown as `{}`: not
    installed, so not counted."""
    for name, child in (node.get("dependencies") or {}).items():
        if "version" not in child:
            continue
        names.add(name)
        pairs.add((name, child.get("version")))
        npm_tree(child, names, pairs)


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def counts(d):
    """What each side lists, per folder."""
    pip = load(f"{d}/pip-list.json")
    names, pairs = set(), set()
    npm_tree(load(f"{d}/npm-ls.json"), names, pairs)
    # --parseable: one line per installed folder, the project itself first.
    paths = [l for l in open(f"{d}/npm-ls-parseable.txt").read().splitlines() if l.strip()][1:]
    snaps = {app: load(f"{d}/paritty-{app}.json") for app in ("python", "node", "empty")}
    return {
        "pip": len(pip),
        "pip_names": {pep503(p["name"]) for p in pip},
        "npm_paths": len(paths),
        "npm_names": len(names),
        "npm_pairs": len(pairs),
        # Installed packages are the facts with status ok; a package the
        # lock pins and nothing installs is a `missing` fact, counted apart.
        "paritty": {app: {eco: len(deps_facts(s, p, "ok")) for eco, p in PREFIXES.items()}
                    for app, s in snaps.items()},
        "paritty_other": {app: {eco: len(deps_facts(s, p)) - len(deps_facts(s, p, "ok"))
                                for eco, p in PREFIXES.items()} for app, s in snaps.items()},
        "paritty_python_names": {pep503(k[len(PREFIXES["python"]):])
                                 for k in deps_facts(snaps["python"], PREFIXES["python"], "ok")},
        "snaps": snaps,
    }


def timing(results):
    """All run times (s), per-round medians, and the mean user+sys (s) per run."""
    times = [t for r in results for t in r["times"]]
    cpu = sum((r["user"] + r["system"]) * len(r["times"]) for r in results) / max(len(times), 1)
    return times, [st.median(r["times"]) for r in results], cpu


def main(d):
    c = counts(d)
    with_paritty = bool(glob.glob(f"{d}/round-*-paritty-python.json"))
    ms = lambda s: f"{s * 1000:.0f}"
    started = open(f"{d}/started").read().strip() if os.path.exists(f"{d}/started") else "?"
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                      if l.startswith("model name")), platform.processor() or "?")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paritty = os.environ.get("PARITTY", f"{repo}/target/release/paritty")
    pip = f"{repo}/bench-scratch/deps/python/.venv/bin/pip"
    n_rounds = len(rounds(d, "pip"))
    n_runs = len(rounds(d, "pip")[0]["times"]) if n_rounds else 0

    out = [
        "## App dependencies: paritty vs pip list and npm ls",
        "",
        f"- started: {started} (date, load average 1/5/15 min); ended: "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- nproc: {os.cpu_count()}; CPU: {cpu_model}; kernel: {platform.release()}",
        f"- {version([paritty, '--version'])}; {version([pip, '--version']).split(' from ')[0]}"
        f" ({version([f'{repo}/bench-scratch/deps/python/.venv/bin/python', '--version'])});"
        f" npm {version(['npm', '--version'])} (node {version(['node', '--version'])});"
        f" {version(['hyperfine', '--version'])}",
        f"- {n_rounds} alternated rounds x {n_runs} timed runs per command (after warmup); commands:"
        " `paritty snapshot local --app-dir DIR --profile benches/deps/profile.toml --format json`"
        " (one builtin fact), `DIR/.venv/bin/pip list --format json`, `npm ls --all --json` in DIR",
        "",
        "| folder | reference lists | paritty reports | match |",
        "| --- | --- | --- | --- |",
    ]
    pp, pn = c["paritty"]["python"]["python"], c["paritty"]["node"]["node"]
    py_match = pp == c["pip"]
    # paritty gives one fact per name (nested copies are its evidence).
    node_match = pn == c["npm_names"]
    po, no = c["paritty_other"]["python"]["python"], c["paritty_other"]["node"]["node"]
    out += [
        f"| virtualenv (`.venv`) | pip list: {c['pip']} distributions | {pp} `deps.python.*` facts"
        f" installed (status ok){f', {po} other' if po else ''} | {'yes' if py_match else '**no**'} |",
        f"| `node_modules` | npm ls: {c['npm_names']} distinct names installed ({c['npm_paths']}"
        f" folders with nested copies, {c['npm_pairs']} name@version) | {pn} `deps.node.*` facts"
        f" installed (status ok; nested copies in their evidence){f', {no} other (pinned, not installed)' if no else ''}"
        f" | {'yes' if node_match else '**no**'} |",
    ]
    missing = sorted(c["pip_names"] - c["paritty_python_names"])
    if with_paritty and missing:
        out += ["", f"pip lists, paritty does not report: {', '.join(missing[:20])}"
                + (" ..." if len(missing) > 20 else "")]
    others = [f"{app} folder: {eco} {n}" for app, by in c["paritty"].items()
              for eco, n in by.items() if n and eco != app]
    if others:
        out += ["", "paritty's other deps facts (not compared): " + "; ".join(others)]

    if not with_paritty:
        pip_t, pip_r, pip_cpu = timing(rounds(d, "pip"))
        npm_t, npm_r, npm_cpu = timing(rounds(d, "npm"))
        out += [
            "",
            "**paritty reported no `deps.*` facts** (this binary does not read app dependencies yet):"
            " only the reference tools were timed.",
            "",
            "| command | wall, median (ms) | wall, mean (ms) | per-round medians, min-max (ms) | user+sys, mean (ms) |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| `pip list --format json` | {ms(st.median(pip_t))} | {ms(st.mean(pip_t))} |"
            f" {ms(min(pip_r))}-{ms(max(pip_r))} | {ms(pip_cpu)} |",
            f"| `npm ls --all --json` | {ms(st.median(npm_t))} | {ms(st.mean(npm_t))} |"
            f" {ms(min(npm_r))}-{ms(max(npm_r))} | {ms(npm_cpu)} |",
            "",
            f"For the {TARGET_RATIO:.0f}x target paritty must read each folder in at most"
            f" {ms(st.median(pip_t) / TARGET_RATIO)} ms (virtualenv) and"
            f" {ms(st.median(npm_t) / TARGET_RATIO)} ms (`node_modules`) at these medians.",
        ]
        print("\n".join(out))
        return

    empty_t, _, empty_cpu = timing(rounds(d, "paritty-empty"))
    out += [
        "",
        "| folder | paritty, median (ms) | reference, median (ms) | reference / paritty, medians"
        " | means | per-round ratio: median (min-max) | user+sys per run, paritty / reference (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for label, mine, ref, match in (("virtualenv", "paritty-python", "pip", py_match),
                                    ("`node_modules`", "paritty-node", "npm", node_match)):
        p_t, p_r, p_cpu = timing(rounds(d, mine))
        r_t, r_r, r_cpu = timing(rounds(d, ref))
        ratio = st.median(r_t) / st.median(p_t)
        per_round = [r / p for p, r in zip(p_r, r_r)]
        out.append(
            f"| {label} | {ms(st.median(p_t))} | {ms(st.median(r_t))} | **{ratio:.1f}** |"
            f" {st.mean(r_t) / st.mean(p_t):.1f} | {st.median(per_round):.1f}"
            f" ({min(per_round):.1f}-{max(per_round):.1f}) | {ms(p_cpu)} / {ms(r_cpu)} |")
        fair = "" if match else " (**the counts differ**: not a fair comparison)"
        verdicts += [
            f"- {label}: {ref} / paritty = {ratio:.1f}, target >= {TARGET_RATIO:.0f}:"
            f" **{'met' if ratio >= TARGET_RATIO and match else 'NOT met'}**{fair}",
            f"- {label}: paritty's wall time {ms(st.median(p_t))} ms median, target <="
            f" {ms(TARGET_WALL_S)} ms: **{'met' if st.median(p_t) <= TARGET_WALL_S else 'NOT met'}**",
        ]
    out += [
        f"| empty app folder (paritty's fixed cost) | {ms(st.median(empty_t))} | | | | |"
        f" {ms(empty_cpu)} / |",
        "",
        "Targets:",
        "",
        *verdicts,
    ]
    print("\n".join(out))


if __name__ == "__main__":
    if sys.argv[1] == "--reads-deps":
        print("yes" if reads_deps(sys.argv[2]) else "no")
    else:
        main(sys.argv[1])
