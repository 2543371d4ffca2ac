#!/usr/bin/env python3
"""CPU time of one process alone, apart from its children: run CMD, wait for
it to end without reaping it (waitid with WNOWAIT), read its /proc stat as a
zombie, then reap it. Prints "OWN CHILDREN WALL EXIT": user+sys of the
process itself and of the children it waited for (for paritty: the engine's
CLI processes, `podman exec` and `inspect`), in seconds, the wall time and
its exit code. getrusage and /usr/bin/time cannot tell the two apart.
Usage: own_cpu.py CMD [ARG...]  (the command's output is discarded)."""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")

started = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)  # ended, still readable
wall = time.monotonic() - started
with open(f"/proc/{p.pid}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
# After the name: field 3 is index 0, so utime (14) is 11, stime 12,
# cutime 13, cstime 14.
own = (int(fields[11]) + int(fields[12])) / TICK
children = (int(fields[13]) + int(fields[14])) / TICK
code = p.wait()
print(f"{own:.3f} {children:.3f} {wall:.3f} {code}")
