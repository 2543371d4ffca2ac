#!/usr/bin/env bash
# Section `compare`: loading and comparing 1,000 snapshots of the default
# profile (`paritty diff DIR --format json`), target under one second. The
# corpus is this machine's own snapshot, copied with values nudged.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
cd "$REPO"

dir="$SCRATCH/compare"
rm -rf "$dir" && mkdir -p "$dir"
"$PARITTY" snapshot --format json --out "$dir/source.json"
python3 benches/compare_corpus.py "$dir/source.json" "$dir/corpus" "${SNAPSHOTS:-1000}" >&2
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$dir/hyperfine.json" \
    "$PARITTY diff $dir/corpus --format json --out $dir/diff.json" >&2
/usr/bin/time -v "$PARITTY" diff "$dir/corpus" --format json --out "$dir/diff.json" 2> "$dir/time.txt"

python3 - "$dir" <<'PY' | tee "$SCRATCH/results-compare.md"
import json, re, sys
d = sys.argv[1]
h = json.load(open(f"{d}/hyperfine.json"))["results"][0]
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{d}/time.txt").read())
diff = json.load(open(f"{d}/diff.json"))
print("## Comparing snapshots: `paritty diff DIR --format json`\n")
print(f"- {len(diff['hosts'])} snapshots x {len(diff['rows'])} facts; summary: {diff['summary']}")
print("\n| measure | value |\n| --- | ---: |")
print(f"| wall time, median (ms) | {h['median']*1000:.0f} |")
print(f"| wall time, mean ± σ (ms) | {h['mean']*1000:.0f} ± {h['stddev']*1000:.0f} |")
print(f"| user + sys (ms, mean) | {(h['user']+h['system'])*1000:.0f} |")
print(f"| peak RSS (MiB) | {int(rss.group(1))/1024:.0f} |" if rss else "| peak RSS | ? |")
verdict = "met" if h["median"] < 1.0 else "NOT met"
print(f"\nTarget: under one second for 1,000 snapshots: **{verdict}**.")
PY
