# paritty's probe: the shell functions every probe script shares.
# `probe::script` sends, in this order: the lines setting B (the run's
# boundary), M (the byte cap), W (the watchdog's tick), K (the ticks a
# command may run) and T (seconds the probe may run on this host, 0 for no
# limit), this file, one function per
# fact, and the lines that launch and emit the facts. POSIX sh for dash,
# bash, busybox ash and macOS sh; `shellcheck -s sh` checks it
# (tests/it/probe_shellcheck.rs). Everything here is sent to every host, so
# it stays small.
# Probes run untranslated and offline (no update checks, no downloads); set
# for a whole fact (its own process), or per command in a fact that reads
# variables, so `env` facts still see the session's own values.
_env() { export LC_ALL=C CHECKPOINT_DISABLE=1 COREPACK_ENABLE_NETWORK=0 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1; }
_tab='	' # a tab, written as one: `$(printf ...)` would cost a fork
_nl='
'
# Of process $1, from /proc/PID/stat: _ps its state (Z: ended, not yet
# reaped), _pg its process group and _st its start time (clock ticks since
# boot), which tells it from a process given the same pid later. _st is -
# where there is no /proc (or no such process).
_stat() {
  _st=-; _ps=; _pg=
  [ -r "/proc/$1/stat" ] && IFS= read -r _l 2>/dev/null < "/proc/$1/stat" || return 0
  # The fields after the command name, which may hold spaces and ")".
  # shellcheck disable=SC2086
  set -- ${_l##*") "}
  _ps=$1; _pg=$3; shift 19; _st=${1:--}
}
# Whether process $1, started at $2 (as _stat said then), still runs.
# Without /proc, any process of that pid counts (so a folder is kept).
_alive() {
  if [ "$2" = - ]; then kill -0 "$1" 2>/dev/null; else _stat "$1"; [ "$_st" = "$2" ] && [ "$_ps" != Z ]; fi
}
# Scratch files go to memory where there is some (the session's runtime
# folder, else /dev/shm): the probe creates a few hundred small files at
# once, and on a disk file system creating them cost more CPU than the
# probed tools. The folder's file `o` says whose it is: the pid namespace
# (when its pid 1 started), then "pid start" of the probe's shell and of its
# watchdog.
D=
for _m in "${XDG_RUNTIME_DIR:-}" /dev/shm "${TMPDIR:-/tmp}"; do
  case $_m in *"$_nl"*) continue ;; esac
  [ -n "$_m" ] && [ -d "$_m" ] && [ -w "$_m" ] && D=$(mktemp -d "$_m/paritty.XXXXXX" 2>/dev/null) && break
done
[ -n "$D" ] || { printf '%s Z mktemp failed\n' "$B"; exit 1; }
_sh=$$; _stat 1; _ns=$_st; _stat "$_sh"; _shst=$_st
printf '%s\n%s %s\n' "$_ns" "$_sh" "$_shst" > "$D/o"
# A probe killed outright (its shell and watchdog SIGKILLed) cannot remove
# its folder; the next probe of the same user there does. A folder is dead
# when its owner file names this pid namespace and none of its processes
# runs any more; one without an owner file (being made, or another
# version's) or from another namespace (a container sharing /dev/shm) is
# left alone.
_dead() {
  _n=0
  while read -r _p _t; do
    if [ "$_n" = 0 ]; then [ "$_p" = "$_ns" ] || return 1
    elif _alive "$_p" "$_t"; then return 1; fi
    _n=$((_n + 1))
  done < "$1/o"
  [ "$_n" -ge 2 ]
}
for _o in "${D%/*}"/paritty.*; do
  [ "$_o" != "$D" ] && [ -O "$_o" ] && [ -f "$_o/o" ] && _dead "$_o" && rm -rf "$_o"
done
_wd=
# However the probe's shell ends (but SIGKILL): running commands killed,
# nothing more started, the scratch folder removed, the watchdog stopped.
trap '[ -n "$_wd" ] && kill "$_wd" 2>/dev/null; _halt now; rm -rf "$D"' EXIT
trap 'exit 1' HUP INT TERM PIPE
# Every executable copy of $1 on PATH as "path<TAB>same", in PATH order:
# `same` is the first earlier copy that is the same file (test -ef, a
# builtin), so a folder reached twice (/bin -> usr/bin) counts once without
# starting readlink for every copy. With $2, `same` is the real path (for
# files read beside the program).
_cands() {
  set -f; _o=$IFS; IFS=:; _seen=
  for _d in $PATH; do
    IFS=$_o; [ -n "$_d" ] || _d=.
    _c="$_d/$1"
    if [ -f "$_c" ] && [ -x "$_c" ]; then
      if [ -n "${2:-}" ]; then
        _r=$(readlink -f "$_c" 2>/dev/null) || _r=$_c
      else
        _r=$_c; IFS=$_nl
        # -ef is in POSIX.1-2024 and in every shell the probe is tested
        # with (dash, bash, busybox ash); shellcheck 0.9 predates it.
        # shellcheck disable=SC3013
        for _e in $_seen; do [ "$_c" -ef "$_e" ] && { _r=$_e; break; }; done
        IFS=$_o; _seen="$_seen$_nl$_c"
      fi
      printf '%s\t%s\n' "$_c" "${_r:-$_c}"
    fi
  done
  IFS=$_o; set +f
}
# The highest of the given paths in natural order (9.6 < 15), as a candidate.
_highest() {
  for _c in "$@"; do [ -f "$_c" ] && [ -x "$_c" ] && printf '%s\n' "$_c"; done |
    awk '{ k=""; s=$0; while (match(s, /[0-9]+/)) { k = k substr(s, 1, RSTART-1) sprintf("%012d", substr(s, RSTART, RLENGTH)+0); s = substr(s, RSTART+RLENGTH) } print k s "\t" $0 }' |
    sort | tail -n 1 | cut -f 2- | awk '{ print $0 "\t" $0 }'
}
# Commands run in a session of their own where `setsid` exists, so a
# timeout kills what they started too (wrapper scripts, a `sleep` holding
# the output open) as local collection kills the process group.
_S=; command -v setsid >/dev/null 2>&1 && _S=setsid
# Whether the probe is stopping (its deadline, or its shell ending): from
# then on no command starts.
_stopped() { [ -f "$D/s" ] || [ ! -d "$D" ]; }
# _run OUT ARGV...: runs ARGV with stdin closed and output merged and capped
# into OUT. OUT.pid names the command and OUT.h the process reading its
# output, for the watchdog; OUT.x gets the exit code, OUT.z marks the end of
# both. The reader is `cat` under a file size limit (ulimit -f, in 512-byte
# blocks, so at least M+1 bytes): it writes what it reads at once, so
# killing it keeps what it read (`head -c` buffers), and the limit is its
# own, not the tool's, whose own files (a cache, a JVM's perf data) local
# collection does not limit either. Past the limit cat's write fails (the
# signal ignored) and it ends, and the tool ends on SIGPIPE. head is the
# fallback where no limit can be set.
_F=$((M / 512 + 1))
_run() {
  _f=$1; shift
  if _stopped; then : > "$_f.k"; return 0; fi
  { _env; ${_S:+"$_S"} "$@" </dev/null 2>&1 & _c=$!; echo "$_c" > "$_f.pid"
    # Stopped since the check above: the watchdog may have looked for
    # commands to kill before this one's pid file was there.
    _stopped && { kill -9 "-$_c" 2>/dev/null || kill -9 "$_c"; }
    wait "$_c"; echo $? > "$_f.x"
  } | { trap '' XFSZ; ulimit -f "$_F" 2>/dev/null && exec cat > "$_f"; exec head -c $((M + 1)) > "$_f"; } &
  echo $! > "$_f.h"; wait; : > "$_f.z"
}
# Kills command OUT ($1) and marks OUT.k with the tick: its process group
# (the tool and what it started), else the tool alone (no setsid, or the
# group is gone). The tool's pid is its own until OUT.x says it was reaped;
# after that only its group is killed, which exists while something of the
# tool still runs.
_kill() {
  echo "${_i:-0}" > "$1.k"
  if read -r _c < "$1.pid" && [ -n "$_c" ]; then
    kill -9 "-$_c" 2>/dev/null || { [ -f "$1.x" ] || kill -9 "$_c" 2>/dev/null; }
  fi
}
# Kills the reader of command OUT ($1): a process that left the tool's group
# (a daemon started with setsid) may hold the output open after the group
# is gone, and the reader would wait for its end.
_unblock() { read -r _c < "$1.h" 2>/dev/null && [ -n "$_c" ] && kill -9 "$_c" 2>/dev/null; }
# Stops the probe: nothing starts any more, and running commands are killed
# (with their readers too when $1 says so: the probe's shell is ending).
_halt() {
  set +f; : > "$D/s" 2>/dev/null
  for _q in "$D"/*.pid; do
    [ -f "$_q" ] || continue
    _b=${_q%.pid}; [ -f "$_b.z" ] && continue
    [ -f "$_b.k" ] || _kill "$_b"
    [ -z "${1:-}" ] || _unblock "$_b"
  done
}
# One watchdog for every command, rather than a `sleep` per command: each
# tick (a fifth of the timeout, or shorter under a near deadline) it notes
# commands it has not seen and kills those seen K ticks ago (5 at a fifth)
# and still running, so a command gets between 1 and 1 + 1/K times the
# timeout; a killed command whose output is still open a tick
# later has its reader killed. At the probe's deadline (T seconds) it halts
# the probe, whose facts then end at once; if the shell has not ended two
# ticks later, it is killed (with the whole probe when it leads its process
# group, as sshd starts it). If the probe's shell is killed (no EXIT trap
# then), it still sees the running commands to their deadlines. Either way
# it then removes the scratch folder and stops: nothing is left on the host.
_watch() {
  _z=; trap '[ -n "$_z" ] && kill "$_z" 2>/dev/null; exit 0' TERM
  _i=0; _e=; _h=
  # The sleep in the background, so that stopping the watchdog stops it.
  while sleep "$W" & _z=$!; wait "$_z"; do
    _z=; _i=$((_i + 1)); _busy=
    # The clock is read from the first tick on (a process each): most
    # probes end before it. The start is taken as a tick before, in whole
    # seconds; a late first tick is in the margin T leaves.
    if [ "$T" -gt 0 ] && [ -z "$_h" ] && _t=$(date +%s 2>/dev/null); then
      case $_t in
        '' | *[!0-9]*) ;;
        *) [ -n "$_e" ] || _e=$((_t - ${W%%.*} + T)); [ "$_t" -lt "$_e" ] || { _halt; _h=$_i; } ;;
      esac
    fi
    for _q in "$D"/*.pid; do
      [ -f "$_q" ] || continue
      _b=${_q%.pid}
      [ -f "$_b.z" ] && continue
      _busy=1
      if [ -f "$_b.k" ]; then
        read -r _t < "$_b.k" && [ "${_t:-0}" -lt "$_i" ] && _unblock "$_b"
      elif [ -f "$_b.t" ]; then
        read -r _t < "$_b.t" && [ $((_i - _t)) -ge "$K" ] && _kill "$_b"
      else
        echo "$_i" > "$_b.t"
      fi
    done
    if [ -n "$_h" ] && [ $((_i - _h)) -ge 2 ]; then
      if _alive "$_sh" "$_shst"; then
        _stat "$_sh"; rm -rf "$D"
        if [ "$_pg" = "$_sh" ]; then kill -9 "-$_sh"; else kill -9 "$_sh"; fi
      fi
      rm -rf "$D"; exit 0
    fi
    [ -z "$_busy" ] && ! _alive "$_sh" "$_shst" && { rm -rf "$D"; exit 0; }
  done
}
# Whether file $2 sets key $1 (blanks, KEY, blanks, =), as output::keyvalue
# reads it: builtins only, no grep started for each file.
_haskey() {
  while IFS= read -r _l || [ -n "$_l" ]; do
    _l=${_l#"${_l%%[![:space:]]*}"}
    case $_l in "$1"*)
      _l=${_l#"$1"}; _l=${_l#"${_l%%[![:space:]]*}"}
      case $_l in =*) return 0 ;; esac ;;
    esac
  done < "$2"
  return 1
}
# A kernel value Linux shows under /proc/sys/kernel, read by a builtin
# (printed, and left in _v); fails elsewhere, where the caller asks `uname`
# (a process each).
_proc() { [ -r "/proc/sys/kernel/$1" ] && IFS= read -r _v < "/proc/sys/kernel/$1" && printf '%s\n' "$_v"; }
# The first field of a candidates file: the copy that runs. `read` is a
# builtin, so this costs no process (the probe forks enough already).
_first() { IFS="$_tab" read -r _x _y < "$1"; }
_read() { head -c $((M + 1)) "$1" > "$2"; }
# An environment variable as the session's programs see it: exported only
# (bash invents an unexported SHELL when none is set). awk is POSIX; a host
# without it falls back to the shell's own variable.
_getenv() { if command -v awk >/dev/null 2>&1; then awk -v n="$1" 'BEGIN { printf "%s", ENVIRON[n] }'; else printf '%s' "$2"; fi; }
# Emitting. A finished fact is queued (_emit) and _flush sends the queue
# with one `cat`, unless the next fact is done too, whose frames then join
# the same `cat`: one process and few writes for a run of finished facts
# (each write may become an SSH packet both ends pay for). Each output goes
# after a record stating its length in bytes and is read back by that
# length, so nothing a tool prints is read as a record, whatever it knows
# of the boundary (it can read this folder, and its parents' memory). One
# `wc -c` measures the outputs of the whole queue.
_Q=
_emit() { _Q="$_Q$1 "; }
_flush() {
  [ -n "${1:-}" ] && [ -f "$D/$1.d" ] && return
  [ -n "$_Q" ] || return 0
  _W=; _sizes=; _L=
  for _n in $_Q; do
    [ -f "$D/$_n.m" ] && while read -r _t _s; do
      case $_t in C|R) [ -s "$D/$_n.$_s" ] && _W="$_W$D/$_n.$_s$_nl" ;; esac
    done < "$D/$_n.m"
  done
  set -f; _ifs=$IFS; IFS=$_nl
  # Split on purpose: one file per line, globbing off.
  # shellcheck disable=SC2086
  [ -z "$_W" ] || wc -c $_W > "$D/w" 2>/dev/null
  IFS=$_ifs; set +f
  # "size name" lines, the total left over.
  [ -z "$_W" ] || while read -r _n _p; do _sizes="$_sizes$_n $_p$_nl"; done < "$D/w"
  for _n in $_Q; do _frames "$_n"; done
  set -f; IFS=$_nl
  # shellcheck disable=SC2086
  cat $_L; _rc=$?
  IFS=$_ifs; set +f; _Q=
  # cat killed by a signal (SIGPIPE): nobody reads any more, so stop now.
  [ "$_rc" -lt 128 ] || exit 1
}
# Fact $1's frames, written to files and queued in _L with its outputs.
_frames() {
  _k=0; _o="$B F $1$_nl"
  [ -f "$D/$1.m" ] && while read -r _t _s; do
    _o="$_o$B $_t $_s$_nl"
    case $_t in C|R)
      _f="$D/$1.$_s"
      [ -f "$_f.p" ] && while IFS= read -r _l; do _o="$_o$B P $_l$_nl"; done < "$_f.p"
      if [ -f "$_f.k" ]; then _o="$_o$B K$_nl"
      elif [ -f "$_f.x" ] && read -r _rc < "$_f.x"; then _o="$_o$B X $_rc$_nl"; fi
      _size "$_f"
      _k=$((_k + 1)); printf '%s%s O %s\n' "$_o" "$B" "$_len" > "$D/$1.e$_k"; _L="$_L$D/$1.e$_k$_nl"
      [ "$_len" = 0 ] || _L="$_L$_f$_nl"
      _o=$_nl ;;
    esac
  done < "$D/$1.m"
  _k=$((_k + 1)); printf '%s%s E %s\n' "$_o" "$B" "$1" > "$D/$1.e$_k"; _L="$_L$D/$1.e$_k$_nl"
}
# _len: the size of output $1, the next line wc gave if it names $1, else
# measured alone; 0 (the output left out) when it cannot be measured: a
# length that is not the output's own would let its bytes pass for records.
_size() {
  _len=0
  [ -s "$1" ] || return 0
  _m=${_sizes%%"$_nl"*}; _sizes=${_sizes#*"$_nl"}
  case $_m in
    *" $1") _len=${_m%% *} ;;
    *) _len=$(wc -c < "$1" 2>/dev/null); _len=${_len#"${_len%%[![:space:]]*}"} ;;
  esac
  case $_len in '' | *[!0-9]*) _len=0 ;; esac
}
_watch >/dev/null 2>&1 </dev/null & _wd=$!
_stat "$_wd"; printf '%s %s\n' "$_wd" "$_st" >> "$D/o"
# The end of a probe that ran to completion; D before it when it was
# halted at its deadline (`_halt` marked it), so paritty says so.
_done() {
  kill "$_wd" 2>/dev/null; _wd=
  [ -f "$D/s" ] && printf '%s D\n' "$B"
  printf '%s Z\n' "$B"
}
