#!/usr/bin/env python3
"""Aggregate the "containers" section's raw results into a Markdown report.

Usage: containers_report.py DIR "1 8"  (DIR = bench-scratch/containers/raw,
written by sections/containers.sh; then the container counts measured).
Reads, per count N: the hyperfine exports
N-round-R-{paritty-default,paritty-minimal,ansible}.json (wall times; the
tree's user+sys), cpu-N-{default,minimal}.txt (benches/own_cpu.py: paritty's
own CPU, its children's, wall, exit code, one run a line), ansible's output
ansible-N.out, paritty's snapshots snap-N-PROFILE/*.json, and the "started"
and "ended" files (date and load average). Ratios of alternated runs are the
point: the containers share the machine's cores with the tools.
"""
import glob
import json
import os
import platform
import re
import statistics as st
import subprocess
import sys

# The targets (issue 11, containers).
TARGET_1 = 10.0     # one container: ansible at least 10x paritty's wall time
TARGET_8 = 20.0     # 8 containers: at least 20x
TARGET_CPU_MS = 10.0  # paritty's own CPU (user+sys) per container
TOOLS = ("paritty-default", "paritty-minimal", "ansible")


def load(path):
    with open(path) as f:
        return json.load(f)


def rounds(d, n, tool):
    files = sorted(glob.glob(f"{d}/{n}-round-*-{tool}.json"),
                   key=lambda p: int(re.search(r"round-(\d+)", p)[1]))
    return [load(p)["results"][0] for p in files]


def tree_cpu(results):
    """Mean user+sys (s) of the tool's process tree over every timed run."""
    total = runs = 0
    for r in results:
        total += (r["user"] + r["system"]) * len(r["times"])
        runs += len(r["times"])
    return total / runs if runs else None


def own_cpu(path):
    """(mean own CPU, mean children CPU, runs, failed runs) from own_cpu.py lines."""
    own, children, failed = [], [], 0
    try:
        for line in open(path):
            w = line.split()
            if len(w) != 4:
                continue
            if w[3] != "0":
                failed += 1
                continue
            own.append(float(w[0]))
            children.append(float(w[1]))
    except OSError:
        return None
    if not own:
        return None
    return st.mean(own), st.mean(children), len(own), failed


def paritty_facts(d, n, profile):
    oks, total = [], 0
    for p in glob.glob(f"{d}/snap-{n}-{profile}/*.json"):
        facts = load(p).get("facts", {})
        total = max(total, len(facts))
        oks.append(sum(1 for f in facts.values() if f.get("status") == "ok"))
    return (st.median(oks), total) if oks else (None, 0)


def ansible_facts(path):
    counts = []
    text = open(path).read()
    dec = json.JSONDecoder()
    for m in re.finditer(r"^\S+ \| SUCCESS => ", text, re.M):
        obj, _ = dec.raw_decode(text, m.end())
        counts.append(len(obj.get("ansible_facts", {})))
    return counts


def version(cmd):
    env = dict(os.environ)
    env.setdefault("ANSIBLE_HOME", "/tmp/.ansible-version")
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
        return (r.stdout.strip() or r.stderr.strip()).split("\n")[0]
    except OSError:
        return "?"


def stamp(d, name):
    try:
        return open(f"{d}/{name}").read().strip()
    except OSError:
        return "?"


def main(d, sizes):
    sizes = [int(s) for s in sizes.split()]
    ms = lambda s: "-" if s is None else f"{s * 1000:.0f}"
    ms1 = lambda s: "-" if s is None else f"{s * 1000:.1f}"
    data = {}
    for n in sizes:
        row = {}
        for tool in TOOLS:
            rs = rounds(d, n, tool)
            flat = [t for r in rs for t in r["times"]]
            row[tool] = {"rounds": [r["times"] for r in rs],
                         "median": st.median(flat) if flat else None,
                         "tree_cpu": tree_cpu(rs)}
        for profile in ("default", "minimal"):
            row[f"ratios-{profile}"] = [st.median(a) / st.median(p) for p, a in
                                        zip(row[f"paritty-{profile}"]["rounds"], row["ansible"]["rounds"])]
            row[f"own-{profile}"] = own_cpu(f"{d}/cpu-{n}-{profile}.txt")
            row[f"facts-{profile}"] = paritty_facts(d, n, profile)
        out = f"{d}/ansible-{n}.out"
        row["ansible-facts"] = ansible_facts(out) if os.path.exists(out) else []
        data[n] = row

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paritty = os.environ.get("PARITTY", f"{repo}/target/release/paritty")
    ansible = os.environ.get("ANSIBLE_PODMAN", f"{repo}/bench-scratch/ansible-podman-venv/bin/ansible")
    pip = os.path.join(os.path.dirname(ansible), "pip")
    try:
        shown = subprocess.run([pip, "show", "ansible"], capture_output=True, text=True, timeout=60).stdout
        ansible_pkg = next((l.split(": ", 1)[1] for l in shown.split("\n") if l.startswith("Version: ")), "?")
    except OSError:
        ansible_pkg = "?"
    core = version([ansible, "--version"]).split("core ")[-1].rstrip("]")
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                      if l.startswith("model name")), platform.processor() or "?")
    plan = ", ".join(f"{n} container{'s' if n > 1 else ''}: {len(data[n]['ansible']['rounds'])} rounds x "
                     f"{len(data[n]['ansible']['rounds'][0]) if data[n]['ansible']['rounds'] else 0} runs"
                     for n in sizes)
    out = [
        "## Containers: paritty vs `ansible -m setup` through Ansible's Podman connection",
        "",
        f"- started: {stamp(d, 'started')} (date, load average 1/5/15 min); ended: {stamp(d, 'ended')}",
        f"- nproc: {os.cpu_count()}; CPU: {cpu_model}; kernel: {platform.release()}",
        f"- {version([paritty, '--version'])}; ansible {ansible_pkg} (core {core}, containers.podman"
        f" connection); {version(['podman', '--version'])} with runc; {version(['hyperfine', '--version'])}",
        f"- containers: Podman, this machine's root file system as an overlay (`--rootfs /:O`), no network;"
        f" {plan} (per tool, alternated)",
        "- commands: `paritty snapshot --out DIR --workers N podman:C1 ... podman:CN` (default profile, and"
        " `--profile minimal.toml`: 4 facts); `ansible all -i INVENTORY -m setup -f N`"
        " (`ansible_connection=containers.podman.podman`)",
        "",
        "| containers | paritty default (ms) | paritty minimal (ms) | ansible -m setup (ms) |"
        " ansible / paritty default | ansible / paritty minimal |"
        " per-round ratio, default: median (min-max) | per-round ratio, minimal: median (min-max) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratio = lambda a, b: "-" if a is None or b is None else f"{a / b:.1f}"
    spread = lambda rr: f"{st.median(rr):.1f} ({min(rr):.1f}-{max(rr):.1f})" if rr else "-"
    for n in sizes:
        r = data[n]
        p, m, a = (r[t]["median"] for t in TOOLS)
        out.append(f"| {n} | {ms(p)} | {ms(m)} | {ms(a)} | **{ratio(a, p)}** | **{ratio(a, m)}** |"
                   f" {spread(r['ratios-default'])} | {spread(r['ratios-minimal'])} |")
    out += [
        "",
        "CPU per container (ms). paritty own: user+sys of paritty's process alone (benches/own_cpu.py:"
        " read from /proc as it ends, 10 ms ticks, mean of the CPU runs), divided by the containers;"
        " engine CLI: the `podman exec`/`inspect` processes paritty started (its waited-for children);"
        " tree: hyperfine's user+sys of the whole process tree here (paritty or ansible and the podman"
        " CLIs they start; not conmon, runc or what runs in the containers).",
        "",
        "| containers | paritty default, own | paritty default, engine CLI | paritty minimal, own |"
        " paritty minimal, engine CLI | paritty default, tree | paritty minimal, tree | ansible, tree |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        r = data[n]
        own = lambda c, i: "-" if c is None else ms1(c[i] / n)
        tree = lambda t: "-" if r[t]["tree_cpu"] is None else ms1(r[t]["tree_cpu"] / n)
        out.append(f"| {n} | **{own(r['own-default'], 0)}** | {own(r['own-default'], 1)} |"
                   f" **{own(r['own-minimal'], 0)}** | {own(r['own-minimal'], 1)} |"
                   f" {tree('paritty-default')} | {tree('paritty-minimal')} | {tree('ansible')} |")
    runs = "; ".join(f"{n}: {data[n]['own-default'][2] if data[n]['own-default'] else 0}"
                     f"/{data[n]['own-minimal'][2] if data[n]['own-minimal'] else 0}" for n in sizes)
    out += ["", f"CPU runs per count, default/minimal: {runs}."]
    out += [
        "",
        "| containers | facts per container: paritty default ok/all | paritty minimal ok/all | ansible (`ansible_facts` keys) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        r = data[n]
        f1 = lambda f: "-" if f[0] is None else f"{f[0]:.0f}/{f[1]}"
        af = r["ansible-facts"]
        out.append(f"| {n} | {f1(r['facts-default'])} | {f1(r['facts-minimal'])} |"
                   f" {f'{st.median(af):.0f}' if af else '-'} |")

    def wall_verdict(n, target, profile):
        if n not in data:
            return f"{n} container(s): not measured"
        p, a = data[n][f"paritty-{profile}"]["median"], data[n]["ansible"]["median"]
        if p is None or a is None:
            return f"{n} container(s), {profile} profile: **not measured**"
        x = a / p
        return (f"{n} container(s), {profile} profile: ansible / paritty = {x:.1f}, target >= {target:.0f}:"
                f" **{'met' if x >= target else 'NOT met'}**")

    def cpu_verdict(profile):
        cpus = [(n, data[n][f"own-{profile}"][0] / n) for n in sizes if data[n][f"own-{profile}"]]
        if not cpus:
            return f"paritty's own CPU per container, {profile} profile: **not measured**"
        worst = max(c for _, c in cpus) * 1000
        return (f"paritty's own CPU per container, {profile} profile, at most {worst:.1f} ms over"
                f" {', '.join(str(n) for n, _ in cpus)} containers, target < {TARGET_CPU_MS:.0f} ms:"
                f" **{'met' if worst < TARGET_CPU_MS else 'NOT met'}**")

    out += ["", "Targets:", ""]
    for profile in ("default", "minimal"):
        out += [f"- {wall_verdict(1, TARGET_1, profile)}", f"- {wall_verdict(8, TARGET_8, profile)}",
                f"- {cpu_verdict(profile)}"]
    failed = [f"{n} containers, {p}: {data[n][f'own-{p}'][3]} CPU run(s) failed"
              for n in sizes for p in ("default", "minimal") if data[n][f"own-{p}"] and data[n][f"own-{p}"][3]]
    if failed:
        out += ["", "paritty's failures in this run: " + "; ".join(failed)]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "1 8")
