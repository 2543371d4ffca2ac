#!/usr/bin/env bash
# Section `fleet`: 1,000 snapshots through `paritty diff DIR --layout fleet`
# beside the table layout of the same corpus (the alternative: the same
# load and comparison, laid out a column per host), in alternating rounds;
# then the fleet view itself in process (benches/fleet_frame.rs: frame time
# at 1,000 hosts x 300 facts, the cost of one more host answering, RSS).
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
cd "$REPO"

dir="$SCRATCH/fleet"
rm -rf "$dir" && mkdir -p "$dir"
"$PARITTY" snapshot --format json --out "$dir/source.json"
python3 benches/compare_corpus.py "$dir/source.json" "$dir/corpus" "${SNAPSHOTS:-1000}" >&2
for r in $(seq 1 "${ROUNDS:-3}"); do
    for layout in fleet table; do
        hyperfine -N --style basic --warmup 1 --runs "${RUNS:-3}" --export-json "$dir/round-$r-$layout.json" \
            "$PARITTY diff $dir/corpus --layout $layout --format md --out $dir/$layout.md" >&2
    done
done
for layout in fleet table; do
    /usr/bin/time -v "$PARITTY" diff "$dir/corpus" --layout "$layout" --format md --out "$dir/$layout.md" \
        2> "$dir/time-$layout.txt"
done
cargo bench --locked --quiet --bench fleet_frame -- 1000 300 "${FRAMES:-200}" > "$dir/frame.json"

python3 - "$dir" <<'PY' | tee "$SCRATCH/results-fleet.md"
import glob, json, os, re, statistics, sys
d = sys.argv[1]
med = {}
for layout in ("fleet", "table"):
    times = []
    for path in glob.glob(f"{d}/round-*-{layout}.json"):
        times += json.load(open(path))["results"][0]["times"]
    med[layout] = statistics.median(times) * 1000
rss = {}
for layout in ("fleet", "table"):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{d}/time-{layout}.txt").read())
    rss[layout] = int(m.group(1)) / 1024 if m else float("nan")
f = json.load(open(f"{d}/frame.json"))
print(f"## Fleet: 1,000 snapshots (load avg {os.getloadavg()[0]:.2f}, nproc {os.cpu_count()})\n")
print("| measure | fleet | table | fleet / table |\n| --- | ---: | ---: | ---: |")
print(f"| `diff DIR --format md`, median wall (ms) | {med['fleet']:.0f} | {med['table']:.0f} | {med['fleet']/med['table']:.2f} |")
print(f"| peak RSS (MiB) | {rss['fleet']:.0f} | {rss['table']:.0f} | {rss['fleet']/rss['table']:.2f} |")
print(f"\nThe view in process ({f['hosts']} hosts x {f['facts']} facts, 200x50 TestBackend, median of {f['frames']} frames):\n")
print("| measure | value |\n| --- | ---: |")
print(f"| fleet view frame (ms) | {f['fleet_frame_ms']} |")
print(f"| fleet view, a column per group (ms) | {f['fleet_groups_frame_ms']} |")
print(f"| matrix view frame, same app (ms) | {f['matrix_frame_ms']} |")
print(f"| parsing 1,000 snapshots (ms) | {f['load_ms']} |")
print(f"| building the app: comparison + fleet (ms) | {f['build_ms']} |")
print(f"| one more host answering: recompare (ms) | {f['host_answered_ms']} |")
print(f"| peak RSS of the process (MiB) | {f['peak_rss_mib']} (the corpus text alone {f['corpus_rss_mib']}) |")
PY
