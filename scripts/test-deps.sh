#!/usr/bin/env bash
# Installs what paritty's tests run for real, where this machine lets us:
# OpenSSH's server and client (the SSH hosts the tests start), busybox (a
# third /bin/sh for the probe; the static build, which also makes the
# container tests' images: Debian's plain busybox is linked dynamically and
# cannot run alone in an image), util-linux's unshare (hosts with their own
# /etc/os-release), Podman with runc and podman-docker's `docker` command
# (containers and images as targets), Chromium (the HTML export rendered),
# shellcheck (the probe's shell file), and the C toolchain, make and perl
# that building libssh2's own OpenSSL needs; then Ansible (ansible-core: the
# inventory tests' oracle, `ansible-inventory --list`, and `ansible` itself,
# which runs paritty's probe for `paritty import`; the `ansible` package
# brings the ansible.posix collection, whose `json` stdout callback that
# import reads) and junitparser (a JUnit consumer for `check --format
# junit`) into a scratch virtualenv, target/ansible-venv. Installs only
# what is missing; says what it cannot do.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Python side: one venv, created and filled once (quick when present).
python_tools() {
    local venv=target/ansible-venv
    if [[ -x $venv/bin/ansible-inventory && -x $venv/bin/ansible && -x $venv/bin/python ]] \
        && "$venv/bin/python" -c 'import junitparser, ansible_collections.ansible.posix' 2>/dev/null; then
        return 0
    fi
    echo "test-deps: installing ansible (ansible-core and its collections) and junitparser into $venv" >&2
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    # Through the venv's own python: its pip script names the folder the
    # venv was made in, which a copied target/ no longer is.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ansible-core ansible junitparser
}

# command or file -> Debian package
needs=(
    "cc:build-essential"
    "make:make"
    "perl:perl"
    "git:git"
    "ps:procps"
    "/usr/sbin/sshd:openssh-server"
    "ssh:openssh-client"
    "ssh-keygen:openssh-client"
    "/usr/share/doc/busybox-static:busybox-static"
    "podman:podman"
    "runc:runc"
    "/usr/bin/docker:podman-docker"
    "unshare:util-linux"
    "chromium:chromium"
    "shellcheck:shellcheck"
    "python3:python3"
)

missing=()
for need in "${needs[@]}"; do
    what=${need%%:*} package=${need#*:}
    if [[ $what == /* ]]; then [[ -e $what ]] && continue
    else command -v "$what" >/dev/null 2>&1 && continue
    fi
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
done
# Debian splits `python3 -m venv` into its own package.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' 2>/dev/null; then
    missing+=("python3-venv")
fi
if [[ ${#missing[@]} -eq 0 ]]; then
    python_tools
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: missing ${missing[*]} and no apt-get here: install them by hand" >&2
    exit 1
fi
as_root=()
if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    else
        echo "test-deps: missing ${missing[*]}: run as root (or with passwordless sudo) to install them" >&2
        exit 1
    fi
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
python_tools
