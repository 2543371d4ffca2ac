# shellcheck shell=bash
# Helpers shared by benches/run.sh and the section scripts (sourced, not run).
# Everything the benchmarks compare against goes into bench-scratch/ (ignored
# by git), so a run never touches the system beyond Debian packages.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$REPO/bench-scratch"
PARITTY="$REPO/target/release/paritty"
ENVINFO_VERSION="7.21.0"   # pinned: a new envinfo may probe more or less
ENVINFO="$SCRATCH/npm/node_modules/.bin/envinfo"
# Pinned: the newest ansible-core that runs on Python 3.11 (2.20 needs 3.12);
# a new one may gather more or fewer facts, at another cost.
ANSIBLE_CORE_VERSION="2.19.14"
ANSIBLE_VENV="$SCRATCH/ansible-venv"
ANSIBLE="$ANSIBLE_VENV/bin/ansible"
export REPO SCRATCH PARITTY ENVINFO_VERSION ENVINFO ANSIBLE_CORE_VERSION ANSIBLE_VENV ANSIBLE

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

# ensure_ansible: the pinned ansible-core from PyPI, in a venv in bench-scratch/.
# A venv rather than `pip install --target`: its bin/ansible runs as it is,
# with no PYTHONPATH at every call. Debian's system python3 has venv only
# with the python3-venv package, so that is installed if venv fails.
ensure_ansible() {
    # ANSIBLE_HOME: even --version writes a tmp dir there (default ~/.ansible).
    if [ -x "$ANSIBLE" ] && ANSIBLE_HOME="${ANSIBLE_HOME:-$ANSIBLE_VENV/home}" "$ANSIBLE" --version 2>/dev/null \
        | grep -qF "[core $ANSIBLE_CORE_VERSION]"; then
        return 0
    fi
    log "installing ansible-core==$ANSIBLE_CORE_VERSION into bench-scratch/ansible-venv"
    rm -rf "$ANSIBLE_VENV"
    if ! python3 -m venv "$ANSIBLE_VENV" 2>/dev/null; then
        rm -rf "$ANSIBLE_VENV"
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "installing Debian package python3-venv"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null 2>&1 || true
        fi
        python3 -m venv "$ANSIBLE_VENV" \
            || die "python3 -m venv fails (Debian package python3-venv; needs root and apt-get)"
    fi
    "$ANSIBLE_VENV/bin/pip" install --quiet --disable-pip-version-check \
        "ansible-core==$ANSIBLE_CORE_VERSION" >/dev/null \
        || die "pip could not install ansible-core==$ANSIBLE_CORE_VERSION (it needs Python >= 3.11)"
}

# Pinned: the `ansible` package (ansible-core plus the collections, among
# them containers.podman, whose Podman connection the "containers" section
# uses); 12.3.0 is the newest for Python 3.11 (13 needs 3.12).
ANSIBLE_PODMAN_PACKAGE_VERSION="12.3.0"
ANSIBLE_PODMAN_VENV="$SCRATCH/ansible-podman-venv"
ANSIBLE_PODMAN="$ANSIBLE_PODMAN_VENV/bin/ansible"
export ANSIBLE_PODMAN_PACKAGE_VERSION ANSIBLE_PODMAN_VENV ANSIBLE_PODMAN

# ensure_ansible_podman: the pinned `ansible` package from PyPI, in its own
# venv in bench-scratch/ (the ssh section's holds ansible-core alone).
ensure_ansible_podman() {
    # sed reads all of it: `grep -q` would end the pipe early, and pip's
    # SIGPIPE would fail the pipeline under pipefail.
    if [ -x "$ANSIBLE_PODMAN_VENV/bin/pip" ] && [ "$("$ANSIBLE_PODMAN_VENV/bin/pip" show ansible 2>/dev/null \
        | sed -n 's/^Version: //p')" = "$ANSIBLE_PODMAN_PACKAGE_VERSION" ]; then
        return 0
    fi
    log "installing ansible==$ANSIBLE_PODMAN_PACKAGE_VERSION into bench-scratch/ansible-podman-venv"
    rm -rf "$ANSIBLE_PODMAN_VENV"
    python3 -m venv "$ANSIBLE_PODMAN_VENV" || die "python3 -m venv fails (Debian package python3-venv)"
    "$ANSIBLE_PODMAN_VENV/bin/pip" install --quiet --disable-pip-version-check \
        "ansible==$ANSIBLE_PODMAN_PACKAGE_VERSION" >/dev/null \
        || die "pip could not install ansible==$ANSIBLE_PODMAN_PACKAGE_VERSION (it needs Python >= 3.11)"
}

PYTE_VERSION="0.8.2"   # pinned terminal emulator for the "tui" section
TUI_VENV="$SCRATCH/tui-venv"

# A Python with pyte (a VT100 emulator), to see what the TUI draws.
ensure_pyte() {
    if [ -x "$TUI_VENV/bin/python" ] && "$TUI_VENV/bin/python" -c "import pyte" 2>/dev/null; then
        return 0
    fi
    log "installing pyte==$PYTE_VERSION into bench-scratch/tui-venv"
    rm -rf "$TUI_VENV"
    python3 -m venv "$TUI_VENV" || die "python3 -m venv fails (Debian package python3-venv)"
    "$TUI_VENV/bin/pip" install --quiet --disable-pip-version-check "pyte==$PYTE_VERSION" >/dev/null \
        || die "pip could not install pyte==$PYTE_VERSION"
}
