#!/usr/bin/env bash
# Section "tui": how soon the interactive view shows something and how soon
# this machine's column fills, beside a plain local snapshot measured in the
# same rounds (the collection the column waits for). See BENCHMARKS.md.
# Tunable: ROUNDS, RUNS (per tool per round).
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_pyte
command -v setsid >/dev/null || die "setsid (util-linux) is needed"

ROUNDS=${ROUNDS:-5} RUNS=${RUNS:-4}
out="$SCRATCH/tui"
rm -rf "$out" && mkdir -p "$out"

for r in $(seq 1 "$ROUNDS"); do
    log "round $r/$ROUNDS"
    "$TUI_VENV/bin/python" "$(dirname "$0")/../tui_latency.py" "$PARITTY" "$RUNS" "$out/round-$r-tui.json"
    hyperfine -N --style basic --warmup 1 --runs "$RUNS" \
        --export-json "$out/round-$r-snapshot.json" "$PARITTY snapshot --format json" >&2
done

python3 "$(dirname "$0")/../tui_report.py" "$out" | tee "$SCRATCH/results-tui.md"
