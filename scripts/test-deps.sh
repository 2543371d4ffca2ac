#!/usr/bin/env bash
# Installs what paritty's tests run for real, where this machine lets us:
# OpenSSH's server and client (the SSH hosts the tests start), busybox (a
# third /bin/sh for the probe; the static build, which also makes the
# container tests' images: Debian's plain busybox is linked dynamically and
# cannot run alone in an image), util-linux's unshare (hosts with their own
# /etc/os-release), Podman with runc and podman-docker's `docker` command
# (containers and images as targets), Chromium (the HTML export rendered),
# ShellCheck (the probe's shell file), Ruby with Bundler and ruby-rack
# (real installed gemspecs for the app-dependency tests), the backing services the tests ask
# for their versions (PostgreSQL, MariaDB, Redis, Memcached, RabbitMQ: the
# tests start their own throwaway instances, so the packages' own services
# are kept from starting at install), and the C toolchain, make and perl
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

# The app-dependency tests' real installs (tests/it/deps.rs), made once
# under target/deps-fixture/ from exact pins: a virtualenv with requests
# and its dependencies from PyPI, and a node_modules from npm (nested
# copies and a scoped package among them). the wheels and npm's cache stay
# there too, so making them again (after `cargo clean -p`, say) is offline.
deps_fixture() {
    local root=target/deps-fixture
    local py=$root/python node=$root/node
    if [[ ! -f $py/.done ]]; then
        echo "test-deps: making the Python app fixture in $py" >&2
        rm -rf "$py"; mkdir -p "$py"
        python3 -m venv "$py/.venv"
        printf '%s\n' requests==2.31.0 certifi==2023.11.17 charset-normalizer==3.3.2 \
            idna==3.6 urllib3==2.1.0 > "$py/requirements.txt"
        # The wheels are kept (a download skips those present), then
        # installed from there alone.
        "$py/.venv/bin/python" -m pip download --quiet --disable-pip-version-check \
            --dest "$root/wheels" -r "$py/requirements.txt"
        "$py/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --no-index --find-links "$root/wheels" -r "$py/requirements.txt"
        : > "$py/.done"
    fi
    if [[ ! -f $node/.done ]]; then
        if ! command -v npm >/dev/null 2>&1; then
            echo "test-deps: no npm: the Node app fixture is not made" >&2
            return 0
        fi
        echo "test-deps: making the Node app fixture in $node" >&2
        rm -rf "$node"; mkdir -p "$node"
        cat > "$node/package.json" <<'JSON'
{
  "name": "paritty-deps-fixture",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "@babel/code-frame": "7.23.5",
    "chalk": "4.1.2",
    "debug": "4.3.4",
    "semver": "7.5.4"
  }
}
JSON
        (cd "$node" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
            --cache "$PWD/../npm-cache" >/dev/null)
        : > "$node/.done"
    fi
    ruby_fixture "$root/ruby"
}

# The Ruby side (tests/it/deps_git.rs): a gem in a local git repository
# (tinygit, with a second gem one folder down) and an app whose Gemfile
# takes tinygit from there (`git:`) beside a gem of its own folder
# (`path:`), installed by Bundler itself, offline (`--local`, nothing
# from rubygems.org): `app` into the path its .bundle/config names
# (gems-config, not paritty's default vendor/bundle), `app-env` into the
# one $BUNDLE_PATH names at install (gems-env), so the checkouts under
# `ruby/<abi>/bundler/gems/` are laid out as Bundler lays them out.
# A gemspec at $1: gem $2, version $3, summary $4, files $5 (a Ruby list's
# inside, written as is).
gemspec() {
    cat > "$1" <<RUBY
Gem::Specification.new do |spec|
  spec.name = "$2"
  spec.version = "$3"
  spec.summary = "$4"
  spec.authors = ["paritty"]
  spec.files = [$5]
end
RUBY
}

ruby_fixture() {
    local rb=$1
    [[ -f $rb/.done ]] && return 0
    if ! command -v bundle >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
        echo "test-deps: no bundle or git: the Ruby app fixture is not made" >&2
        return 0
    fi
    echo "test-deps: making the Ruby app fixture in $rb" >&2
    rm -rf "$rb"; mkdir -p "$rb/tinygit/lib"
    gemspec "$rb/tinygit/tinygit.gemspec" tinygit 0.3.1 "paritty's test gem from a git source" '"lib/tinygit.rb"'
    echo 'module Tinygit; end' > "$rb/tinygit/lib/tinygit.rb"
    # A second gem one folder down (as Rails' repository holds its
    # gems), which the app does not ask for: Bundler rewrites its
    # gemspec in the checkout too, and the lock does not name it.
    mkdir -p "$rb/tinygit/tinyextra"
    gemspec "$rb/tinygit/tinyextra/tinyextra.gemspec" tinyextra 9.9.9 "a gem of tinygit's repository no app here asks for" ''
    git -C "$rb/tinygit" init -q
    git -C "$rb/tinygit" add .
    git -C "$rb/tinygit" -c user.name=paritty -c user.email=paritty@localhost \
        commit -q -m 'tinygit 0.3.1'
    local app
    for app in app app-env; do
        mkdir -p "$rb/$app/local"
        gemspec "$rb/$app/local/localgem.gemspec" localgem 1.2.0 "paritty's test gem from the app's own folder" ''
        printf '%s\n' 'source "https://rubygems.org"' 'gem "tinygit", git: "../tinygit"' 'gem "localgem", path: "local"' \
            > "$rb/$app/Gemfile"
    done
    # (Root's warning, said on every install, is not news.)
    (cd "$rb/app" && export BUNDLE_SILENCE_ROOT_WARNING=1 \
        && bundle config set --local path gems-config >/dev/null && bundle install --local --quiet)
    (cd "$rb/app-env" && export BUNDLE_SILENCE_ROOT_WARNING=1 BUNDLE_PATH=gems-env \
        && bundle install --local --quiet)
    : > "$rb/.done"
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
    "ruby:ruby"
    "bundle:bundler"
    "/usr/share/doc/ruby-rack:ruby-rack"
    "/usr/share/doc/postgresql:postgresql"
    "mariadbd:mariadb-server"
    "redis-server:redis-server"
    "memcached:memcached"
    "rabbitmq-server:rabbitmq-server"
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
# The app-dependency fixture's Node side is installed by Debian's npm.
command -v npm >/dev/null 2>&1 || missing+=("npm")
if [[ ${#missing[@]} -eq 0 ]]; then
    python_tools
    deps_fixture
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
# Servers' packages start their service at install (PostgreSQL, MariaDB,
# Redis, Memcached, RabbitMQ with epmd): on 5432, 3306, 6379... they would
# run for good beside the tests' own instances. invoke-rc.d asks
# policy-rc.d first, and 101 means "do not start"; Debian's container
# images ship one, a fresh machine may not, so one is put in place for the
# install and removed after.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# paritty test-deps: no service starts during this install\nexit 101\n' \
        | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi
"${as_root[@]}" apt-get update -qq
# RabbitMQ's install still leaves Erlang's port mapper (epmd, which nothing
# stops) running on 4369; one that was not running before is stopped again.
epmd_was_running=false
if command -v epmd >/dev/null 2>&1 && epmd -names >/dev/null 2>&1; then epmd_was_running=true; fi
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ! $epmd_was_running && command -v epmd >/dev/null 2>&1 && epmd -names >/dev/null 2>&1; then
    epmd -kill >/dev/null 2>&1 || true
fi
python_tools
deps_fixture
