#!/usr/bin/env python3
"""Peak RSS (KiB) of one process alone, not of its children: run CMD and poll
its VmHWM (a high-water mark) until it exits. `/usr/bin/time -v` cannot give
this: its figure is the largest process of the tree, which for paritty is
usually a probed tool (a Python or JVM CLI), not paritty itself.
Usage: own_rss.py CMD [ARG...]  (the command's output is discarded)."""
import re
import subprocess
import sys
import time

p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while p.poll() is None:  # not reaped yet: /proc stays readable until exit
    try:
        with open(f"/proc/{p.pid}/status") as f:
            m = re.search(r"VmHWM:\s+(\d+)", f.read())
        peak = max(peak, int(m[1])) if m else peak  # a zombie has no VmHWM
    except OSError:
        break
    time.sleep(0.002)
print(peak)
