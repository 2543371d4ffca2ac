#!/usr/bin/env bash
# Section "containers": collect 1 and 8 running Podman containers, paritty
# (`podman exec -i NAME /bin/sh -s`) vs `ansible -m setup` through Ansible's
# Podman connection (containers.podman.podman), on the same containers in
# the same run (see BENCHMARKS.md). The containers run on this machine and
# share its cores with both tools: the report is ratios of alternated runs,
# plus paritty's own CPU per container (its process alone, not the engine's).
# Tunable: SIZES (container counts); PLAN, per size "N:ROUNDS:RUNS:CPU_RUNS";
# WARMUP (paritty's warmup runs per round where RUNS > 1).
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_apt podman podman
ensure_apt runc runc

SIZES=${SIZES:-"1 8"}
PLAN=${PLAN:-"1:3:5:10 8:3:3:5"}
WARMUP=${WARMUP:-1}
benches="$REPO/benches"
out="$SCRATCH/containers"
raw="$out/raw"
rm -rf "$raw" && mkdir -p "$raw"

plan_for() {  # plan_for N -> "ROUNDS RUNS CPU_RUNS"
    local p
    for p in $PLAN; do
        if [ "${p%%:*}" = "$1" ]; then p=${p#*:}; echo "${p//:/ }"; return; fi
    done
    echo "2 1 1"
}
max=0
for n in $SIZES; do if [ "$n" -gt "$max" ]; then max=$n; fi; done

export ANSIBLE_HOME="$out/ansible-home"
export ANSIBLE_REMOTE_TEMP=/tmp/.ansible-bench
export ANSIBLE_NOCOLOR=1
ensure_ansible_podman

# The containers: this machine's own root file system as an overlay
# (`--rootfs /:O`, writes go to the overlay and vanish with it), so ansible
# finds the Python its setup module needs and paritty's default profile
# finds the same tools as on this machine; no network. Podman here needs
# runc and explicit ulimits (README, "Containers"). Removed on any exit.
run_args=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
names=()
for i in $(seq 1 "$max"); do names+=("paritty-bench-c$i"); done
remove_containers() { podman rm -f -t 0 "${names[@]}" >/dev/null 2>&1 || true; }
trap remove_containers EXIT
remove_containers
log "starting $max container(s)"
for name in "${names[@]}"; do
    podman run -d --name "$name" "${run_args[@]}" --network none --rootfs /:O \
        /bin/sleep infinity >/dev/null || die "podman could not start $name"
    podman wait --condition=running "$name" >/dev/null
done

# The minimal profile (as in the ssh section): a file key, two builtins and
# one command, so what is measured is paritty and the engine, not the tools.
minimal="$REPO/benches/minimal.toml"

inventory() {  # inventory N: the ansible inventory of the first N containers
    local file="$out/inventory-$1.ini" i
    {
        echo "[bench]"
        for i in $(seq 1 "$1"); do echo "paritty-bench-c$i"; done
        echo "[bench:vars]"
        echo "ansible_connection=containers.podman.podman"
        echo "ansible_python_interpreter=/usr/bin/python3"
    } > "$file"
    echo "$file"
}
paritty_cmd() {  # paritty_cmd N PROFILE: the command line, one word a line
    local n=$1 profile=$2 i
    printf '%s\n' "$PARITTY" snapshot --out "$raw/snap-$n-$profile" --workers "$n" \
        --host-timeout 600
    if [ "$profile" = minimal ]; then printf '%s\n' --profile "$minimal"; fi
    for i in $(seq 1 "$n"); do echo "podman:paritty-bench-c$i"; done
}
ansible_cmd() {
    printf '%s\n' "$ANSIBLE_PODMAN" all -i "$(inventory "$1")" -m setup -f "$1"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(cut -d' ' -f1-3 /proc/loadavg)" > "$raw/started"
for n in $SIZES; do
    read -r rounds runs cpu_runs < <(plan_for "$n")
    warmup=$WARMUP
    [ "$runs" -gt 1 ] || warmup=0
    log "$n container(s): checking both tools once"
    mapfile -t cmd < <(ansible_cmd "$n")
    "${cmd[@]}" > "$raw/ansible-$n.out" 2> "$raw/ansible-$n.err" \
        || die "ansible failed on $n container(s): see $raw/ansible-$n.out and .err"
    ok=$(grep -c '| SUCCESS =>' "$raw/ansible-$n.out" || true)
    [ "$ok" = "$n" ] || die "ansible succeeded on $ok of $n containers: see $raw/ansible-$n.out"
    for profile in default minimal; do
        rm -rf "$raw/snap-$n-$profile" && mkdir -p "$raw/snap-$n-$profile"
        mapfile -t cmd < <(paritty_cmd "$n" "$profile")
        "${cmd[@]}" > /dev/null 2> "$raw/paritty-$n-$profile-check.err" \
            || die "paritty failed on $n container(s) ($profile profile): see $raw/paritty-$n-$profile-check.err"
        [ "$(find "$raw/snap-$n-$profile" -name '*.json' | wc -l)" = "$n" ] \
            || die "paritty wrote fewer than $n snapshots ($profile profile)"
    done

    for r in $(seq 1 "$rounds"); do
        log "$n container(s): round $r/$rounds"
        for profile in default minimal; do
            mapfile -t cmd < <(paritty_cmd "$n" "$profile")
            hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
                --export-json "$raw/$n-round-$r-paritty-$profile.json" \
                "$(printf '%q ' "${cmd[@]}")" >&2
        done
        mapfile -t cmd < <(ansible_cmd "$n")
        hyperfine -N --style basic --runs "$runs" \
            --export-json "$raw/$n-round-$r-ansible.json" \
            "$(printf '%q ' "${cmd[@]}")" >&2
    done

    # paritty's own CPU, apart from the engine's CLI processes it starts.
    for profile in default minimal; do
        mapfile -t cmd < <(paritty_cmd "$n" "$profile")
        for _ in $(seq 1 "$cpu_runs"); do
            python3 "$benches/own_cpu.py" "${cmd[@]}" >> "$raw/cpu-$n-$profile.txt"
        done
    done
done
echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(cut -d' ' -f1-3 /proc/loadavg)" > "$raw/ended"

python3 "$benches/containers_report.py" "$raw" "$SIZES" | tee "$SCRATCH/results-containers.md"
