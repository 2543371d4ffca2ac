#!/usr/bin/env bash
# Section "deps": reading an app folder's installed dependencies, paritty vs
# the ecosystems' own listings on the same folders (see BENCHMARKS.md):
#   a virtualenv of ~200 distributions: `paritty snapshot local --app-dir DIR`
#     vs `DIR/.venv/bin/pip list --format json`;
#   a node_modules of ~800 packages: the same paritty command vs
#     `npm ls --all --json` in DIR.
# Both folders are built once from the pinned files in benches/deps/ and kept
# in bench-scratch/deps/ (rebuilt only when those files change). The tools
# ALTERNATE in rounds, as in the other sections; the report is ratios.
# Tunable: ROUNDS, RUNS (timed runs per tool per round), WARMUP.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_apt npm npm

ROUNDS=${ROUNDS:-5} RUNS=${RUNS:-5} WARMUP=${WARMUP:-1}
pinned="$REPO/benches/deps"
profile="$pinned/profile.toml"
base="$SCRATCH/deps"
py="$base/python"      # an app folder holding .venv
node="$base/node"      # an app folder holding package.json, its lock, node_modules
empty="$base/empty"    # an app folder with nothing to read: paritty's fixed cost
out="$base/results"
mkdir -p "$base" "$empty"
rm -rf "$out" && mkdir -p "$out"
printf '%s %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$out/started"

# Neither reference tool may ask the network while it is timed.
export PIP_DISABLE_PIP_VERSION_CHECK=1 NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# stamp TOOL FILE...: what a folder was built from (the pinned files, the
# tool's version); a folder whose stamp differs is built again.
stamp() { local tool=$1; shift; { sha256sum "$@"; "$tool" --version; } 2>&1; }

py_stamp=$(stamp python3 "$pinned/requirements.txt")
if [ "$(cat "$py/.bench-stamp" 2>/dev/null)" != "$py_stamp" ]; then
    log "building bench-scratch/deps/python/.venv from benches/deps/requirements.txt (a minute or two)"
    rm -rf "$py" && mkdir -p "$py"
    python3 -m venv "$py/.venv" || die "python3 -m venv fails (Debian package python3-venv)"
    # Wheels only: nothing is compiled on the shared 2 cores.
    "$py/.venv/bin/pip" install --quiet --only-binary :all: -r "$pinned/requirements.txt" >&2 \
        || die "pip could not install benches/deps/requirements.txt"
    printf '%s\n' "$py_stamp" > "$py/.bench-stamp"
fi

node_stamp=$(stamp npm "$pinned/package.json" "$pinned/package-lock.json")
if [ "$(cat "$node/.bench-stamp" 2>/dev/null)" != "$node_stamp" ]; then
    log "building bench-scratch/deps/node/node_modules from benches/deps/package-lock.json (a minute or two)"
    rm -rf "$node" && mkdir -p "$node"
    cp "$pinned/package.json" "$pinned/package-lock.json" "$node/"
    # --ignore-scripts: the packages' install scripts are not needed to list them.
    (cd "$node" && npm ci --ignore-scripts --loglevel=error >&2) \
        || die "npm ci could not install benches/deps/package-lock.json"
    printf '%s\n' "$node_stamp" > "$node/.bench-stamp"
fi

# The commands as hyperfine takes them (one string, split by hyperfine -N).
paritty_cmd() { printf '%s snapshot local --app-dir %s --profile %s --format json' "$PARITTY" "$1" "$profile"; }
pip_cmd="$py/.venv/bin/pip list --format json"
npm_cmd="npm ls --all --json"

# Checks before timing: every command exits 0 and what each lists is kept,
# so the report can put the counts side by side (a paritty that read fewer
# packages than the reference lists would make the comparison unfair).
for app in python node empty; do
    (cd "$base/$app" && "$PARITTY" snapshot local --app-dir "$base/$app" --profile "$profile" --format json) \
        > "$out/paritty-$app.json" || die "paritty failed on bench-scratch/deps/$app"
done
"$py/.venv/bin/pip" list --format json > "$out/pip-list.json" || die "pip list failed"
(cd "$node" && npm ls --all --json) > "$out/npm-ls.json" || die "npm ls --all --json failed (a broken node_modules?)"
(cd "$node" && npm ls --all --parseable) > "$out/npm-ls-parseable.txt" || die "npm ls --all --parseable failed"

# Without the feature paritty reads no dependencies: then timing it would
# compare nothing, so only the reference tools are timed and the report says so.
with_paritty=$(python3 "$REPO/benches/deps_report.py" --reads-deps "$out")
[ "$with_paritty" = yes ] || log "paritty reported no deps.* facts: timing the reference tools only"

# time_round ROUND NAME DIR CMD: one hyperfine run of CMD with DIR as the
# current folder (-N: no shell, so only the tool's own process tree counts;
# progress on stderr, stdout is the report only).
time_round() {
    local r=$1 name=$2 dir=$3 cmd=$4
    (cd "$dir" && hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$out/round-$r-$name.json" "$cmd") >&2
}
for r in $(seq 1 "$ROUNDS"); do
    log "round $r/$ROUNDS"
    if [ "$with_paritty" = yes ]; then
        time_round "$r" paritty-python "$py" "$(paritty_cmd "$py")"
    fi
    time_round "$r" pip "$py" "$pip_cmd"
    if [ "$with_paritty" = yes ]; then
        time_round "$r" paritty-node "$node" "$(paritty_cmd "$node")"
    fi
    time_round "$r" npm "$node" "$npm_cmd"
    if [ "$with_paritty" = yes ]; then
        time_round "$r" paritty-empty "$empty" "$(paritty_cmd "$empty")"
    fi
done

python3 "$REPO/benches/deps_report.py" "$out" | tee "$SCRATCH/results-deps.md"
