#!/usr/bin/env python3
"""CPU time used on the remote side of the ssh lab, in seconds, so far.

Usage: ssh_remote_cpu.py LABDIR [--settle]

Prints the sum of cutime+cstime of every lab sshd listener (pids in
LABDIR/listeners): the CPU of the connections each server has reaped, that
is its session processes and every command they ran (paritty's probe script
and the tools it runs; ansible's python modules). Read it before and after a
run: the difference is that run's remote cost, which on loopback competes
with the tool for the same cores. A connection counts once it has ended,
so --settle first waits (up to 60 s) until no listener has a child left,
e.g. after ansible's persistent master connections were closed.
"""
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    """Fields of /proc/PID/stat after the command name (which may hold spaces)."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def busy(listeners):
    """Whether any listener still has a child (a connection not yet reaped)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(stat(entry)[1]) in listeners:  # field 4, ppid
                    return True
            except (OSError, IndexError, ValueError):
                pass  # the process ended while we looked
    return False


def main(lab, settle):
    with open(f"{lab}/listeners") as f:
        listeners = {int(l) for l in f if l.strip()}
    if settle:
        deadline = time.monotonic() + 60
        while busy(listeners) and time.monotonic() < deadline:
            time.sleep(0.02)  # polling a condition, not timing a guess
    # Fields 16 and 17 of /proc/PID/stat: cutime, cstime (clock ticks).
    ticks = sum(int(f[13]) + int(f[14]) for f in (stat(p) for p in listeners))
    print(f"{ticks / TICK:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], "--settle" in sys.argv[2:])
