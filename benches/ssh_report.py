#!/usr/bin/env python3
"""Aggregate the "ssh" section's raw results into a Markdown report.

Usage: ssh_report.py DIR "1 8 64"  (DIR = bench-scratch/ssh/raw, written by
sections/ssh.sh; then the host counts measured). Reads, per host count N:
the hyperfine exports N-round-R-{paritty-default,paritty-minimal,ansible}.json
(wall times, and getrusage for the CPU here), the CPU runs
cpu-N-{default,minimal}-K.txt and cpu-N-ansible.txt (`/usr/bin/time -f
'%U %S %e'`, then "remote BEFORE AFTER": the lab servers' CPU), ansible's
output ansible-N.out, paritty's snapshots snap-N-PROFILE/*.json and its
messages paritty-N-PROFILE-{check1,check2,timed,cpu}.err. Prints Markdown on
stdout. Ratios of alternated runs are the point: the hosts share the
machine's cores with the tools.
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

# The project's targets (issue "SSH collection performance").
TARGET_1 = 10.0    # one host: ansible at least 10x paritty's wall time
TARGET_64 = 20.0   # 64 hosts: at least 20x
TARGET_CPU_MS = 15.0  # paritty's own CPU (user+sys) per host
TOOLS = ("paritty-default", "paritty-minimal", "ansible")


def load(path):
    with open(path) as f:
        return json.load(f)


def rusage(d, n, tool):
    """hyperfine's mean user+system (s) over every timed run of a tool at N
    hosts: getrusage of its children, microsecond resolution."""
    total = runs = 0
    for p in glob.glob(f"{d}/{n}-round-*-{tool}.json"):
        r = load(p)["results"][0]
        total += (r["user"] + r["system"]) * len(r["times"])
        runs += len(r["times"])
    return total / runs if runs else None


def rounds(d, n, tool):
    """Per-round lists of run times (s) of one tool at N hosts."""
    files = sorted(glob.glob(f"{d}/{n}-round-*-{tool}.json"),
                   key=lambda p: int(re.search(r"round-(\d+)", p)[1]))
    return [load(p)["results"][0]["times"] for p in files]


def cpu(path):
    """(user+sys here, remote CPU) in s from one measure_cpu file: the line
    of `/usr/bin/time -f '%U %S %e'` (a failed command's note may come
    before it), then "remote BEFORE AFTER" (the lab servers' CPU)."""
    here = remote = None
    try:
        lines = open(path).read().split("\n")
    except OSError:
        return None
    for line in lines:
        w = line.split()
        try:
            if len(w) == 3 and w[0] == "remote":
                remote = float(w[2]) - float(w[1])
            elif len(w) == 3:
                here = float(w[0]) + float(w[1])
        except ValueError:
            pass
    return (here, remote) if here is not None else None


def version(cmd):
    # Even `ansible --version` writes into ANSIBLE_HOME (default ~/.ansible).
    env = dict(os.environ)
    env.setdefault("ANSIBLE_HOME", os.path.join(os.path.dirname(os.path.dirname(cmd[0])), "home"))
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=env)
        return (r.stdout.strip() or r.stderr.strip()).split("\n")[0]
    except OSError:
        return "?"


def ansible_facts(path):
    """Facts per host in `ansible -m setup` output: the keys of ansible_facts
    (nested dicts such as one interface count as one)."""
    counts = []
    text = open(path).read()
    dec = json.JSONDecoder()
    for m in re.finditer(r"^\S+ \| SUCCESS => ", text, re.M):
        obj, _ = dec.raw_decode(text, m.end())
        counts.append(len(obj.get("ansible_facts", {})))
    return counts


def paritty_facts(d, n, profile):
    """(median ok facts per host, fact count of the profile) from the snapshots."""
    oks, total = [], 0
    for p in glob.glob(f"{d}/snap-{n}-{profile}/*.json"):
        facts = load(p).get("facts", {})
        total = max(total, len(facts))
        oks.append(sum(1 for f in facts.values() if f.get("status") == "ok"))
    return (st.median(oks), total) if oks else (None, 0)


def message(path):
    """What a failed paritty run said: its first message, without colours
    (color-eyre puts a fatal error on a line "0: MESSAGE"), and for how many
    hosts it reported a failure. None if the file says nothing."""
    try:
        text = re.sub(r"\x1b\[[0-9;]*m", "", open(path).read())
    except OSError:
        return None
    lines = [l.strip() for l in text.split("\n") if l.strip() and ": wrote " not in l]
    hosts = {m[1] for l in lines if (m := re.match(r"paritty: (bench-\d+): ", l))}
    m = re.search(r"^\s*0: (.+)$", text, re.M)
    msg = m[1].strip() if m else (lines[0] if lines else "")
    if not msg:
        return None
    return (f"{len(hosts)} host(s) failed, first: " if hosts else "") + f"`{msg}`"


def failures(d, n, profile, measured):
    """Notes on paritty's failures at N hosts with PROFILE (sections/ssh.sh
    retries a failed check once, drops a profile whose timed run fails)."""
    notes = []
    first, second = (message(f"{d}/paritty-{n}-{profile}-check{t}.err") for t in (1, 2))
    if os.path.exists(f"{d}/paritty-{n}-{profile}-check2.err"):
        if measured:
            notes.append(f"the check run failed once ({first or 'no snapshot for every host'}); the retry passed")
        else:
            notes.append(f"the check run failed twice, not measured: {second or first or 'no snapshot for every host'}"
                         + (f"; first attempt: {first}" if first and first != second else ""))
    try:
        notes += [l.strip() for l in open(f"{d}/paritty-{n}-{profile}-timed.err") if l.strip()]
    except OSError:
        pass
    cpu_msg = message(f"{d}/paritty-{n}-{profile}-cpu.err")
    if cpu_msg:
        notes.append(f"a CPU run failed: {cpu_msg}")
    return notes


def main(d, sizes):
    sizes = [int(s) for s in sizes.split()]
    ms = lambda s: "-" if s is None else f"{s * 1000:.0f}"
    ratio = lambda a, b: "-" if a is None or b is None else f"{a / b:.1f}"
    data = {}
    for n in sizes:
        row = {}
        for tool in TOOLS:
            rs = rounds(d, n, tool)
            flat = [t for r in rs for t in r]
            row[tool] = {"rounds": rs, "median": st.median(flat) if flat else None}
        # Per-round ratio ansible / paritty (default), to show how stable it was.
        row["round_ratios"] = [st.median(a) / st.median(p) for p, a in
                               zip(row["paritty-default"]["rounds"], row["ansible"]["rounds"])]
        for tool, files in (("default", f"{d}/cpu-{n}-default-*.txt"),
                            ("minimal", f"{d}/cpu-{n}-minimal-*.txt"),
                            ("ansible", f"{d}/cpu-{n}-ansible.txt")):
            c = [x for x in (cpu(p) for p in glob.glob(files)) if x]
            remote = [x[1] for x in c if x[1] is not None]
            row[f"time-{tool}"] = st.median(x[0] for x in c) / n if c else None
            ru = rusage(d, n, "ansible" if tool == "ansible" else f"paritty-{tool}")
            row[f"cpu-{tool}"] = ru / n if ru is not None else None
            row[f"remote-{tool}"] = st.median(remote) / n if remote else None
        row["ansible-facts"] = ansible_facts(f"{d}/ansible-{n}.out") if os.path.exists(f"{d}/ansible-{n}.out") else []
        row["facts-default"] = paritty_facts(d, n, "default")
        row["facts-minimal"] = paritty_facts(d, n, "minimal")
        data[n] = row

    measured = [n for n in sizes if data[n]["paritty-default"]["median"] is not None]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paritty = os.environ.get("PARITTY", f"{repo}/target/release/paritty")
    ansible = os.environ.get("ANSIBLE", f"{repo}/bench-scratch/ansible-venv/bin/ansible")
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                      if l.startswith("model name")), platform.processor() or "?")
    plan = ", ".join(f"{n} host{'s' if n > 1 else ''}: {len(data[n]['ansible']['rounds'])} rounds x "
                     f"{len(data[n]['ansible']['rounds'][0]) if data[n]['ansible']['rounds'] else 0} runs"
                     for n in sizes)

    out = [
        "## SSH collection: paritty vs `ansible -m setup`",
        "",
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; nproc: {os.cpu_count()};"
        f" CPU: {cpu_model}; kernel: {platform.release()}; load avg: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- {version([paritty, '--version'])}; ansible-core {version([ansible, '--version']).split('core ')[-1].rstrip(']')}"
        f" (remote python {version(['/usr/bin/python3', '--version']).split()[-1]});"
        f" {version(['ssh', '-V'])}; {version(['hyperfine', '--version'])}",
        f"- hosts: OpenSSH sshd on 127.10.X.Y, one per host, on this machine; {plan}"
        " (per tool, alternated)",
        "- commands: `paritty snapshot --ssh-config CFG --out DIR --workers N bench-1 ... bench-N`"
        " (default profile, and `--profile minimal.toml`: 4 facts);"
        " `ansible all -i INVENTORY -m setup -f N` (cold: its ControlMasters closed before each run)",
        "",
        "| hosts | paritty default (ms) | paritty minimal (ms) | ansible -m setup (ms) |"
        " ansible / paritty default | ansible / paritty minimal | per-round ratio, default: median (min-max) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        r = data[n]
        p, m, a = (r[t]["median"] for t in TOOLS)
        rr = r["round_ratios"]
        spread = f"{st.median(rr):.1f} ({min(rr):.1f}-{max(rr):.1f})" if rr else "-"
        out.append(f"| {n} | {ms(p)} | {ms(m)} | {ms(a)} | **{ratio(a, p)}** | {ratio(a, m)} | {spread} |")

    out += [
        "",
        "CPU per host (ms). here: user+sys of the tool's process tree on this side (paritty, with"
        " libssh2 in process; ansible and its ssh clients), divided by the hosts: hyperfine's getrusage, mean of all"
        " timed runs. remote: what the lab's servers and everything they ran used (session sshd, probe"
        " script and probed tools, or ansible's python), from the separate `/usr/bin/time` runs.",
        "",
        "| hosts | paritty default, here | paritty default, remote | paritty minimal, here |"
        " paritty minimal, remote | ansible, here | ansible, remote |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ms1 = lambda s: "-" if s is None else f"{s * 1000:.1f}"
    for n in sizes:
        r = data[n]
        out.append(f"| {n} | **{ms1(r['cpu-default'])}** | {ms(r['remote-default'])} | {ms1(r['cpu-minimal'])}"
                   f" | {ms(r['remote-minimal'])} | {ms(r['cpu-ansible'])} | {ms(r['remote-ansible'])} |")

    coarse = "; ".join(f"{n} hosts: {ms1(data[n]['time-default'])} / {ms1(data[n]['time-minimal'])}"
                       for n in sizes)
    out += ["", "Cross-check, paritty here per host, default / minimal, from `/usr/bin/time -f '%U %S'`"
                f" (median of the CPU runs; 10 ms resolution before dividing): {coarse}."]
    out += [
        "",
        "| hosts | facts per host: paritty default ok/all | paritty minimal ok/all | ansible (`ansible_facts` keys) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        r = data[n]
        fd, fm, af = r["facts-default"], r["facts-minimal"], r["ansible-facts"]
        f1 = lambda f: "-" if f[0] is None else f"{f[0]:.0f}/{f[1]}"
        out.append(f"| {n} | {f1(fd)} | {f1(fm)} | {f'{st.median(af):.0f}' if af else '-'} |")

    base = data[sizes[0]]
    out += [
        "",
        f"Scaling: wall time at N hosts / wall time at {sizes[0]} host{'s' if sizes[0] > 1 else ''}"
        " (N would be linear, 1 perfectly parallel).",
        "",
        "| hosts | paritty default | paritty minimal | ansible |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for n in sizes:
        cells = [ratio(data[n][t]["median"], base[t]["median"]) for t in TOOLS]
        out.append(f"| {n} | " + " | ".join(cells) + " |")

    # Verdicts against the targets, for both profiles: the default
    # one is what users run; the minimal one is where the cost is paritty's
    # and the handshakes' (the probed tools share these cores otherwise).
    def wall_verdict(n, target, profile):
        if n not in sizes:
            return f"{n} host(s), {profile} profile: not measured (not in SIZES)"
        p, a = data[n][f"paritty-{profile}"]["median"], data[n]["ansible"]["median"]
        if p is None:
            return f"{n} host(s), {profile} profile: **not measured** (see paritty's failures below)"
        x = a / p
        return (f"{n} host(s), {profile} profile: ansible / paritty = {x:.1f}, target >= {target:.0f}:"
                f" **{'met' if x >= target else 'NOT met'}**")

    def cpu_verdict(profile):
        cpus = [(n, data[n][f"cpu-{profile}"]) for n in measured if data[n][f"cpu-{profile}"] is not None]
        if not cpus:
            return f"paritty's own CPU per host, {profile} profile: **not measured** (paritty did not run)"
        worst = max(c for _, c in cpus) * 1000
        return (f"paritty's own CPU per host, {profile} profile, at most {worst:.1f} ms over"
                f" {', '.join(str(n) for n, _ in cpus)} hosts, target < {TARGET_CPU_MS:.0f} ms:"
                f" **{'met' if worst < TARGET_CPU_MS else 'NOT met'}**")

    out += ["", "Targets:", ""]
    for profile in ("default", "minimal"):
        out += [f"- {wall_verdict(1, TARGET_1, profile)}",
                f"- {wall_verdict(64, TARGET_64, profile)}",
                f"- {cpu_verdict(profile)}"]
    notes = [f"- {n} host(s), {profile} profile: {note}" for n in sizes for profile in ("default", "minimal")
             for note in failures(d, n, profile, data[n][f"paritty-{profile}"]["median"] is not None)]
    if notes:
        out += ["", "paritty's failures in this run:", "", *notes]
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "1 8 64")
