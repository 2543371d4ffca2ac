#!/usr/bin/env python3
"""Writes N snapshot files for the `compare` benchmark: copies of one real
snapshot of this machine (default profile) with every tenth fact's value
nudged per file, so the comparison has real work (versions to parse and
judge) rather than N identical rows."""
import json
import os
import random
import sys

source, out_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(source) as f:
    base = json.load(f)
os.makedirs(out_dir, exist_ok=True)
rng = random.Random(42)  # the same corpus every run
ids = sorted(base["facts"])
for n in range(count):
    snap = json.loads(json.dumps(base))
    snap["host"]["name"] = f"host-{n:04d}"
    snap["host"]["labels"] = {"environment": "prod"} if n == 0 else {}
    for i, fact_id in enumerate(ids):
        fact = snap["facts"][fact_id]
        if i % 10 == n % 10 and fact.get("value"):
            parts = fact["value"].split(".")
            if parts[-1].isdigit():
                parts[-1] = str(int(parts[-1]) + rng.randint(1, 3))
                fact["value"] = ".".join(parts)
    with open(os.path.join(out_dir, f"host-{n:04d}.json"), "w") as f:
        json.dump(snap, f, indent=2)
print(f"{count} snapshots of {len(ids)} facts in {out_dir}")
