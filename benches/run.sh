#!/usr/bin/env bash
# Benchmark driver: `bash benches/run.sh [SECTION...]`.
# Each section is benches/sections/NAME.sh; with no argument every present
# section runs, in name order. The driver does the setup all sections share
# (hyperfine, GNU time, a release build); a section installs what only it
# compares against (via helpers in benches/lib.sh) and writes its table to
# stdout and to bench-scratch/results-NAME.md. See BENCHMARKS.md.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO"

available() { for f in benches/sections/*.sh; do basename "$f" .sh; done; }

sections=("$@")
[ ${#sections[@]} -gt 0 ] || mapfile -t sections < <(available)
# Check names before the (slow) setup, so a typo fails at once.
for s in "${sections[@]}"; do
    [ -f "benches/sections/$s.sh" ] \
        || die "no section '$s' (available: $(available | tr '\n' ' '))"
done

mkdir -p "$SCRATCH"
ensure_apt hyperfine hyperfine
ensure_apt /usr/bin/time time   # `time -v` gives peak RSS; the bash builtin cannot
command -v python3 >/dev/null || die "python3 is needed to aggregate results"
log "cargo build --release --locked"
cargo build --release --locked --quiet

for s in "${sections[@]}"; do
    log "section $s"
    bash "benches/sections/$s.sh"
done
