# shellcheck shell=bash
# Helpers shared by benches/run.sh and the section scripts (sourced, not run).
# Everything the benchmarks compare against goes into bench-scratch/ (ignored
# by git), so a run never touches the system beyond Debian packages.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$REPO/bench-scratch"
PARITTY="$REPO/target/release/paritty"
ENVINFO_VERSION="7.21.0"   # pinned: a new envinfo may probe more or less
ENVINFO="$SCRATCH/npm/node_modules/.bin/envinfo"
export REPO SCRATCH PARITTY ENVINFO_VERSION ENVINFO

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'benches: %s\n' "$*" >&2; exit 1; }

# ensure_apt CMD PKG: make CMD available, installing Debian package PKG if we
# are root; otherwise say what is missing and stop (a benchmark with a
# missing tool would silently measure something else).
ensure_apt() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Debian package $pkg"
        export DEBIAN_FRONTEND=noninteractive
        # Try without a (slow) index update first; update only if that fails.
        apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; } \
            || true
    fi
    command -v "$cmd" >/dev/null \
        || die "$cmd is missing and could not be installed (Debian package '$pkg'; needs root and apt-get)"
}

# ensure_envinfo: the pinned envinfo from the npm registry, in bench-scratch/.
ensure_envinfo() {
    if [ -x "$ENVINFO" ] && [ "$("$ENVINFO" --version 2>/dev/null)" = "$ENVINFO_VERSION" ]; then
        return 0
    fi
    ensure_apt npm npm
    log "installing envinfo@$ENVINFO_VERSION into bench-scratch/npm"
    npm install --prefix "$SCRATCH/npm" --no-audit --no-fund --loglevel=error \
        "envinfo@$ENVINFO_VERSION" >/dev/null \
        || die "npm could not install envinfo@$ENVINFO_VERSION"
}
