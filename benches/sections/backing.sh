#!/usr/bin/env bash
# Section "backing": what asking the app's running services adds to a
# collection (see BENCHMARKS.md). Six real servers from Debian's packages
# (PostgreSQL, MariaDB, two Redis, Memcached, RabbitMQ), each behind a
# latency proxy that gives it a distinct answer time (benches/backing_lab.py),
# and an app folder whose .env names all six, one of them, or none. Each is
# collected here (`snapshot local`) and through a loopback SSH host
# (benches/ssh_lab.py, the host's app_dir the same folder). Every round
# runs every case in turn (one hyperfine run of all of them), rounds
# alternate between the transports, so load hurts all alike; the report is each case's added time over
# the "none" case, per round, then the median over rounds: all six against
# the slowest one alone and against the sum of each alone.
# Tunable: ROUNDS, RUNS (timed runs per case per round), WARMUP.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/../lib.sh"
ensure_apt ssh openssh-client
ensure_apt /usr/sbin/sshd openssh-server
ensure_apt pg_ctlcluster postgresql
ensure_apt psql postgresql-client   # the SSH host's own client asks PostgreSQL
ensure_apt /usr/sbin/mariadbd mariadb-server
ensure_apt redis-server redis-server
ensure_apt memcached memcached
ensure_apt /usr/lib/rabbitmq/bin/rabbitmq-server rabbitmq-server

ROUNDS=${ROUNDS:-5} RUNS=${RUNS:-3} WARMUP=${WARMUP:-1}
benches="$REPO/benches"
out="$SCRATCH/backing"
raw="$out/raw"
rm -rf "$raw" "$out/apps" "$out/conf" && mkdir -p "$raw" "$out/apps" "$out/conf"

# The ssh section's minimal profile: what is measured is the services.
minimal="$REPO/benches/minimal.toml"

# Both labs run beside this script as coprocesses (their stdin is our pipe,
# so they also stop if this script dies); each prints "ready DIR" once its
# servers listen. The trap stops them on any exit.
log "starting six services behind latency proxies on 127.11.*"
coproc SERVICES { exec python3 "$benches/backing_lab.py" --dir "$out/lab"; }
# shellcheck disable=SC2153  # SERVICES_PID is set by coproc
services_pid=$SERVICES_PID
exec {services_out}<&"${SERVICES[0]}"
lab_pid=
stop_labs() {
    kill -TERM "$services_pid" 2>/dev/null || true
    wait "$services_pid" 2>/dev/null || true
    if [ -n "$lab_pid" ]; then
        kill -TERM "$lab_pid" 2>/dev/null || true
        wait "$lab_pid" 2>/dev/null || true
    fi
}
trap stop_labs EXIT
ready=
read -r ready _ <&"$services_out" || true
[ "$ready" = ready ] || die "the services did not start (see their messages above)"

log "starting one sshd on 127.10.0.1"
coproc LAB { exec python3 "$benches/ssh_lab.py" --hosts 1 --dir "$out/ssh-lab"; }
# shellcheck disable=SC2153  # LAB_PID is set by coproc
lab_pid=$LAB_PID
exec {lab_out}<&"${LAB[0]}"
ready=
read -r ready _ <&"$lab_out" || true
[ "$ready" = ready ] || die "the ssh lab did not start (see its messages above)"
cfg="$out/ssh-lab/ssh_config"

# Each service's variable: three well-known roles (database, queue, cache),
# three of the app's own (sessions, fragments, other_db in paritty.toml).
declare -A var=(
    [postgresql]=DATABASE_URL [rabbitmq]=AMQP_URL [redis]=REDIS_URL
    [redis2]=SESSIONS_URL [memcached]=FRAGMENTS_URL [mariadb]=MARIADB_URL
)
declare -A url=()
while read -r name u; do url[$name]=$u; done < "$out/lab/services.env"
names=(postgresql mariadb redis memcached rabbitmq redis2)
# "channels": all but PostgreSQL, the five that SSH asks through channels
# while the probe runs (PostgreSQL is asked by the host's psql inside it).
cases=(none "${names[@]}" channels all)

# An app folder and a paritty.toml per case; the SSH host's app_dir is the
# same folder (the host is this machine).
for c in "${cases[@]}"; do
    app="$out/apps/$c"
    mkdir -p "$app"
    echo "APP_NAME=bench" > "$app/.env"
    for n in "${names[@]}"; do
        if [ "$c" = all ] || [ "$c" = "$n" ] || { [ "$c" = channels ] && [ "$n" != postgresql ]; }; then
            echo "${var[$n]}=${url[$n]}" >> "$app/.env"
        fi
    done
    cat > "$out/conf/$c.toml" <<EOF
[[host]]
name = "bench-1"
app_dir = "$app"

[app.services]
sessions = "SESSIONS_URL"
fragments = "FRAGMENTS_URL"
other_db = "MARIADB_URL"
EOF
done

cmd_for() {  # cmd_for TRANSPORT CASE: the command line, one word a line
    local transport=$1 c=$2
    printf '%s\n' "$PARITTY" --config "$out/conf/$c.toml" snapshot
    if [ "$transport" = local ]; then
        printf '%s\n' local --app-dir "$out/apps/$c"
    else
        printf '%s\n' bench-1 --ssh-config "$cfg"
    fi
    printf '%s\n' --profile "$minimal" --format json --timeout 10 --no-redact
}

# Every case once, untimed: each service named must have answered with a
# version (a benchmark of failures would measure timeouts).
for transport in local ssh; do
    for c in "${cases[@]}"; do
        mapfile -t cmd < <(cmd_for "$transport" "$c")
        "${cmd[@]}" > "$raw/check-$transport-$c.json" 2> "$raw/check-$transport-$c.err" \
            || die "paritty failed ($transport, $c): see $raw/check-$transport-$c.err"
        python3 - "$raw/check-$transport-$c.json" "$c" <<'EOF' || die "a service did not answer ($transport, $c)"
import json, sys
facts = json.load(open(sys.argv[1]))["facts"]
backing = {k: v for k, v in facts.items() if k.startswith("backing.")}
want = {"none": 0, "all": 6, "channels": 5}.get(sys.argv[2], 1)
bad = {k: (v["status"], v.get("raw", "")[-200:]) for k, v in backing.items()
       if v["status"] not in ("ok", "missing")}
answered = sum(1 for v in backing.values() if v["status"] == "ok")
if bad or answered != want:
    sys.exit(f"{answered} of {want} answered: {bad}")
EOF
    done
done

for r in $(seq 1 "$ROUNDS"); do
    for transport in local ssh; do
        log "round $r/$ROUNDS: $transport"
        args=()
        for c in "${cases[@]}"; do
            mapfile -t cmd < <(cmd_for "$transport" "$c")
            args+=(-n "$c" "$(printf '%q ' "${cmd[@]}")")
        done
        # -N: no shell; the arguments are quoted for hyperfine's own split.
        hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
            --export-json "$raw/round-$r-$transport.json" "${args[@]}" >&2
    done
done

python3 "$benches/backing_report.py" "$raw" | tee "$SCRATCH/results-backing.md"
