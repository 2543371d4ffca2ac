#!/usr/bin/env python3
"""The whole CPU a command costs, every process it starts included.

hyperfine's user+sys and `own_cpu.py` see only the processes a command
waits for. A container engine's work is mostly elsewhere: `podman exec`
starts conmon, which double-forks away from it and starts runc, the
process in the container, and a second `podman` for the clean-up. `perf
stat` counts every process forked under the command wherever it is
reparented, so its `task-clock` is the command's whole cost on this
machine (the engine and the containers' processes included).

Usage: whole_cpu.py ROUNDS LABEL=COMMAND... (COMMAND split on blanks).
The commands alternate within each round. Prints, per label, the median
task-clock (ms) and wall time (ms) over the rounds, and every sample.
Needs `perf` (Debian: linux-perf) and the right to count (root, or
kernel.perf_event_paranoid <= 2 for one's own processes).
"""

import statistics
import subprocess
import sys
import time


def measure(argv):
    started = time.monotonic()
    done = subprocess.run(
        ["perf", "stat", "-x", ",", "-e", "task-clock", "--", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = (time.monotonic() - started) * 1000
    for line in done.stderr.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("task-clock"):
            return float(fields[0]), wall, done.returncode
    sys.exit(f"whole_cpu.py: no task-clock from perf for {argv[0]}:\n{done.stderr}")


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    commands = []
    for spec in sys.argv[2:]:
        label, _, command = spec.partition("=")
        commands.append((label, command.split()))
    samples = {label: [] for label, _ in commands}
    for _ in range(rounds):
        for label, argv in commands:
            cpu, wall, code = measure(argv)
            samples[label].append((cpu, wall, code))
    print("| command | whole CPU, median (ms) | wall, median (ms) | CPU samples (ms) | exit codes |")
    print("| --- | ---: | ---: | --- | --- |")
    for label, got in samples.items():
        cpu = statistics.median(s[0] for s in got)
        wall = statistics.median(s[1] for s in got)
        each = " ".join(f"{s[0]:.0f}" for s in got)
        codes = " ".join(sorted({str(s[2]) for s in got}))
        print(f"| {label} | {cpu:.0f} | {wall:.0f} | {each} | {codes} |")


if __name__ == "__main__":
    main()
