#!/usr/bin/env bash
# Section "local": one local collection, paritty vs envinfo (see BENCHMARKS.md).
# The machine is shared and noisy, so the two tools ALTERNATE in rounds (a
# burst of load hurts both alike) and the report is a ratio, not a time.
# Tunable: ROUNDS, RUNS (timed runs per tool per round), WARMUP.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_envinfo

ROUNDS=${ROUNDS:-5} RUNS=${RUNS:-3} WARMUP=${WARMUP:-1}
out="$SCRATCH/local"
rm -rf "$out" && mkdir -p "$out"

for r in $(seq 1 "$ROUNDS"); do
    log "round $r/$ROUNDS"
    # -N: no intermediate shell, so only the tool's own process tree is timed.
    # Progress goes to stderr: stdout is the results table only.
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$out/round-$r-paritty.json" "$PARITTY snapshot --format json" >&2
    hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$out/round-$r-envinfo.json" "$ENVINFO --json" >&2
    # One snapshot per round for the per-probe durations (concurrency figures).
    "$PARITTY" snapshot --format json > "$out/round-$r-snapshot.json"
done

# What each tool collects (fact counts), and peak RSS of one run of each:
# of the largest process in the tree (time -v), and of the tool alone.
"$ENVINFO" --json > "$out/envinfo.json"
/usr/bin/time -v -o "$out/rss-paritty.txt" "$PARITTY" snapshot --format json > /dev/null
/usr/bin/time -v -o "$out/rss-envinfo.txt" "$ENVINFO" --json > /dev/null
python3 "$(dirname "$0")/../own_rss.py" "$PARITTY" snapshot --format json > "$out/own-rss-paritty.txt"
python3 "$(dirname "$0")/../own_rss.py" "$ENVINFO" --json > "$out/own-rss-envinfo.txt"

python3 "$(dirname "$0")/../local_report.py" "$out" | tee "$SCRATCH/results-local.md"
