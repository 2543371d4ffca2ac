#!/usr/bin/env bash
# Section "ssh": collect 1, 8 and 64 hosts over SSH, paritty vs `ansible -m
# setup` (see BENCHMARKS.md). The hosts are real OpenSSH servers on loopback
# addresses 127.10.X.Y (benches/ssh_lab.py), so they share this machine's
# cores with both tools: the report is ratios of alternated runs, plus
# paritty's own CPU time per host.
# Tunable: SIZES (host counts); PLAN, per size "N:ROUNDS:RUNS:CPU_RUNS"
# (timed runs per tool per round, then paritty's runs under /usr/bin/time per
# profile): ansible on 64 hosts takes half a minute a run, so it gets few;
# WARMUP (paritty's warmup runs per round, for sizes with RUNS > 1: with one
# run the untimed check run is the warmup, as it is for ansible).
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_apt ssh openssh-client
ensure_apt /usr/sbin/sshd openssh-server

SIZES=${SIZES:-"1 8 64"}
PLAN=${PLAN:-"1:3:3:3 8:3:2:3 64:3:1:1"}
WARMUP=${WARMUP:-1}
benches="$REPO/benches"
out="$SCRATCH/ssh"
raw="$out/raw"
lab="$out/lab"
rm -rf "$raw" && mkdir -p "$raw"

plan_for() {  # plan_for N -> "ROUNDS RUNS CPU_RUNS"
    local p
    for p in $PLAN; do
        if [ "${p%%:*}" = "$1" ]; then p=${p#*:}; echo "${p//:/ }"; return; fi
    done
    echo "2 1 1"  # a size not in PLAN: the cheapest that still alternates
}
max=0
for n in $SIZES; do if [ "$n" -gt "$max" ]; then max=$n; fi; done

# ansible: everything it writes stays in bench-scratch/ssh (not ~/.ansible);
# an explicit interpreter spares it the discovery round trip (in its favour)
# and the warning; host keys are checked (the default) against the lab's
# known_hosts, through the inventory's `-F ssh_config`.
export ANSIBLE_HOME="$out/ansible-home"
export ANSIBLE_SSH_CONTROL_PATH_DIR="$out/ansible-cp"
export ANSIBLE_REMOTE_TEMP="$out/ansible-remote-tmp"
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_NOCOLOR=1
close_masters=(bash "$benches/ssh_close_masters.sh" "$ANSIBLE_SSH_CONTROL_PATH_DIR")
ensure_ansible

# The minimal profile: a few cheap facts, so that what is measured is
# paritty's own work and the SSH handshakes, not probed tools starting up.
minimal="$REPO/benches/minimal.toml"

# The lab runs beside this script (a coprocess: its stdin is our pipe, so it
# also stops if this script dies); it prints "ready DIR" once every sshd
# listens and one login to each host worked. The trap stops it on any exit.
log "starting $max sshd on 127.10.*"
coproc LAB { exec python3 "$benches/ssh_lab.py" --hosts "$max" --sizes "${SIZES// /,}" --dir "$lab"; }
# shellcheck disable=SC2153  # LAB_PID is set by coproc
lab_pid=$LAB_PID
exec {lab_out}<&"${LAB[0]}"
stop_lab() {
    "${close_masters[@]}" || true
    kill -TERM "$lab_pid" 2>/dev/null || true
    wait "$lab_pid" 2>/dev/null || true
}
trap stop_lab EXIT
ready=
read -r ready _ <&"$lab_out" || true
[ "$ready" = ready ] || die "the ssh lab did not start (see its messages above)"
cfg="$lab/ssh_config"

# paritty gets generous timeouts (its defaults: 5 s to connect, 30 s per
# host): the section measures how long a collection takes, and 64 loopback
# hosts on 2 cores can take longer than a real host's deadline.
PARITTY_TIMEOUTS=${PARITTY_TIMEOUTS:-"--connect-timeout 60 --host-timeout 600"}
paritty_cmd() {  # paritty_cmd N PROFILE: the command line, one word a line
    local n=$1 profile=$2 i
    printf '%s\n' "$PARITTY" snapshot --ssh-config "$cfg" --out "$raw/snap-$n-$profile" \
        --workers "$n"
    # shellcheck disable=SC2086  # options, split on purpose
    printf '%s\n' $PARITTY_TIMEOUTS
    if [ "$profile" = minimal ]; then printf '%s\n' --profile "$minimal"; fi
    for i in $(seq 1 "$n"); do echo "bench-$i"; done
}
ansible_cmd() {
    printf '%s\n' "$ANSIBLE" all -i "$lab/inventory-$1.ini" -m setup -f "$1"
}
# remote_cpu [--settle]: CPU seconds used so far by the lab's servers and
# all they ran (benches/ssh_remote_cpu.py); --settle waits for open
# connections to end first.
remote_cpu() { python3 "$benches/ssh_remote_cpu.py" "$lab" "$@"; }

# measure_cpu FILE CMD...: one run of CMD under /usr/bin/time (user+sys of
# CMD's process tree on this side), followed by a line with the remote
# side's CPU for the run (the servers' reaped children, ansible's masters
# closed first so their sessions end and count).
measure_cpu() {
    local file=$1 before
    shift
    "${close_masters[@]}"
    before=$(remote_cpu --settle)
    /usr/bin/time -f '%U %S %e' -o "$file" "$@" || return
    "${close_masters[@]}"
    echo "remote $before $(remote_cpu --settle)" >> "$file"
}

# paritty_check N PROFILE TRY: one untimed run that must give every host's
# snapshot; its messages go to paritty-N-PROFILE-checkTRY.err.
paritty_check() {
    local n=$1 profile=$2 try=$3 err="$raw/paritty-$1-$2-check$3.err"
    rm -rf "$raw/snap-$n-$profile" && mkdir -p "$raw/snap-$n-$profile"  # a folder: NAME.json per host
    mapfile -t cmd < <(paritty_cmd "$n" "$profile")
    if "${cmd[@]}" > /dev/null 2> "$err" \
        && [ "$(find "$raw/snap-$n-$profile" -name '*.json' | wc -l)" = "$n" ]; then
        return 0
    fi
    log "paritty failed on $n host(s) ($profile profile, check $try):" \
        "$(sed 's/\x1b\[[0-9;]*m//g' "$err" | grep -v ': wrote ' | head -n 1) (see $err)"
    return 1
}
declare -A dropped=()  # N-PROFILE -> 1 once a timed run failed

for n in $SIZES; do
    read -r rounds runs cpu_runs < <(plan_for "$n")
    cpu_runs=${cpu_runs:-1}  # a PLAN entry may leave it out
    warmup=$WARMUP
    [ "$runs" -gt 1 ] || warmup=0
    log "$n host(s): checking both tools once"
    # ansible once, untimed by hyperfine: it must succeed on every host
    # (exit 0 and one SUCCESS per host). Its CPU is kept for context: its
    # process tree here (ssh clients included, the masters that outlive it
    # not) and the remote side's.
    mapfile -t cmd < <(ansible_cmd "$n")
    measure_cpu "$raw/cpu-$n-ansible.txt" "${cmd[@]}" \
        > "$raw/ansible-$n.out" 2> "$raw/ansible-$n.err" \
        || die "ansible failed on $n host(s): see $raw/ansible-$n.out and .err"
    ok=$(grep -c '| SUCCESS =>' "$raw/ansible-$n.out" || true)
    [ "$ok" = "$n" ] || die "ansible succeeded on $ok of $n hosts: see $raw/ansible-$n.out"

    # paritty likewise, per profile: every host must give a snapshot. A
    # failed check is retried once, and the report shows what the first
    # attempt said (a flaky failure is a finding, not noise). A profile that
    # fails twice is left out and the report says why: the rest is measured.
    profiles=()
    for profile in default minimal; do
        if paritty_check "$n" "$profile" 1 || paritty_check "$n" "$profile" 2; then
            profiles+=("$profile")
        fi
    done

    for r in $(seq 1 "$rounds"); do
        log "$n host(s): round $r/$rounds"
        for profile in "${profiles[@]}"; do
            [ -z "${dropped[$n-$profile]:-}" ] || continue
            mapfile -t cmd < <(paritty_cmd "$n" "$profile")
            # -N: no shell; the arguments are quoted for hyperfine's own split.
            # A failed run (hyperfine stops at a non-zero exit) drops this
            # profile for the remaining rounds; earlier rounds still count.
            hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
                --export-json "$raw/$n-round-$r-paritty-$profile.json" \
                "$(printf '%q ' "${cmd[@]}")" >&2 || {
                rm -f "$raw/$n-round-$r-paritty-$profile.json"
                echo "round $r: a timed run failed (hyperfine discards paritty's stderr)" \
                    >> "$raw/paritty-$n-$profile-timed.err"
                log "paritty failed in a timed run on $n host(s) ($profile profile): dropped"
                dropped[$n-$profile]=1
            }
        done
        mapfile -t cmd < <(ansible_cmd "$n")
        # No warmup for ansible (the check above warmed the caches), and its
        # ControlMasters are closed before every run: each starts cold.
        hyperfine -N --style basic --runs "$runs" \
            --prepare "$(printf '%q ' "${close_masters[@]}")" \
            --export-json "$raw/$n-round-$r-ansible.json" \
            "$(printf '%q ' "${cmd[@]}")" >&2
    done

    # paritty's own CPU: user+sys of its process tree here, which is paritty
    # (SSH through libssh2, in process; ssh_config read by its own parser,
    # with an `ssh -G` only for configs that need one, which the lab's does
    # not). The remote commands are the servers' children, not its own; they
    # are measured apart.
    for profile in "${profiles[@]}"; do
        mapfile -t cmd < <(paritty_cmd "$n" "$profile")
        for k in $(seq 1 "$cpu_runs"); do
            measure_cpu "$raw/cpu-$n-$profile-$k.txt" "${cmd[@]}" \
                > /dev/null 2>> "$raw/paritty-$n-$profile-cpu.err" \
                || log "paritty failed in CPU run $k on $n host(s) ($profile profile): see $raw/paritty-$n-$profile-cpu.err"
        done
    done
done

python3 "$benches/ssh_report.py" "$raw" "$SIZES" | tee "$SCRATCH/results-ssh.md"
