#!/usr/bin/env python3
"""Report of the "tui" section: medians and ratios per round.

Usage: tui_report.py DIR  (DIR holds round-N-tui.json and round-N-snapshot.json)
"""
import glob
import json
import os
import statistics
import sys


def main():
    d = sys.argv[1]
    rows = []
    rounds = sorted(glob.glob(os.path.join(d, "round-*-tui.json")), key=lambda p: int(p.split("-")[-2]))
    for path in rounds:
        n = path.split("-")[-2]
        tui = json.load(open(path))
        snap = json.load(open(os.path.join(d, f"round-{n}-snapshot.json")))["results"][0]
        first = statistics.median(s["first_frame"] for s in tui)
        filled = statistics.median(s["local_filled"] for s in tui)
        exited = statistics.median(s["exited"] - s["local_filled"] for s in tui)
        snapshot = statistics.median(snap["times"]) * 1000
        rows.append((n, first, filled, exited, snapshot))
    print("| round | first frame (ms) | local column filled (ms) | quit to exit (ms) | `paritty snapshot` (ms) | filled / snapshot |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, first, filled, exited, snapshot in rows:
        print(f"| {n} | {first:.0f} | {filled:.0f} | {exited:.0f} | {snapshot:.0f} | {filled / snapshot:.2f} |")
    med = lambda i: statistics.median(r[i] for r in rows)
    print()
    print(
        f"Medians over rounds: first frame {med(1):.0f} ms; local column filled {med(2):.0f} ms, "
        f"{med(2) / med(4):.2f}x a plain `paritty snapshot` ({med(4):.0f} ms); quit to exit {med(3):.0f} ms."
    )


if __name__ == "__main__":
    main()
