# paritty's probe: the shell functions every probe script shares.
# `probe::script` sends, in this order: the lines setting B (the run's
# boundary), M (the byte cap) and W (the watchdog's tick), this file, one
# function per fact, and the lines that launch and emit the facts. POSIX sh
# for dash, bash, busybox ash and macOS sh; `shellcheck -s sh` checks it
# (tests/probe_shellcheck.rs). Everything here is sent to every host, so it
# stays small.
# Probes run untranslated and offline (no update checks, no downloads); set
# for a whole fact (its own process), or per command in a fact that reads
# variables, so `env` facts still see the session's own values.
_env() { export LC_ALL=C CHECKPOINT_DISABLE=1 COREPACK_ENABLE_NETWORK=0 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1; }
# Scratch files go to memory where there is some (the session's runtime
# folder, else /dev/shm): the probe creates a few hundred small files at
# once, and on a disk file system creating them cost more CPU than the
# probed tools.
D=
for _m in "${XDG_RUNTIME_DIR:-}" /dev/shm; do
  [ -n "$_m" ] && [ -d "$_m" ] && [ -w "$_m" ] && D=$(mktemp -d "$_m/paritty.XXXXXX" 2>/dev/null) && break
done
[ -n "$D" ] || D=$(mktemp -d 2>/dev/null || mktemp -d -t paritty) || { printf '%s Z mktemp failed\n' "$B"; exit 1; }
_wd=
trap '[ -n "$_wd" ] && kill "$_wd" 2>/dev/null; rm -rf "$D"' EXIT
_tab='	' # a tab, written as one: `$(printf ...)` would cost a fork
_nl='
'
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
# _run OUT ARGV...: runs ARGV with stdin closed and output merged and capped
# into OUT; OUT.pid names it for the watchdog, OUT.rc gets the exit code.
# The cap is `head`, on what the command prints: a file size limit
# (`ulimit -f`) would be cheaper but also stops the files a tool writes
# for itself (a cache, a JVM's perf data), which local collection allows.
_run() {
  _f=$1; shift
  ( _env; "$@" </dev/null 2>&1 & echo $! > "$_f.pid"; wait $!; echo $? > "$_f.rc" ) |
    head -c $((M + 1)) > "$_f"
}
# One watchdog for every command, rather than a `sleep` per command: each
# tick (a fifth of the timeout) it notes commands it has not seen and kills,
# marking OUT.k, those seen 5 ticks ago and still running, so a command gets
# between 1 and 1.2 times the timeout. If the probe's shell is killed (no
# EXIT trap then), it still sees the running commands to their deadlines,
# then removes the scratch folder and stops: nothing is left on the host.
_watch() {
  _i=0
  while sleep "$W"; do
    _i=$((_i + 1)); _busy=
    for _q in "$D"/*.pid; do
      [ -f "$_q" ] || continue
      _b=${_q%.pid}
      { [ -f "$_b.rc" ] || [ -f "$_b.k" ]; } && continue
      _busy=1
      if [ -f "$_b.t" ]; then
        read -r _t < "$_b.t"
        if [ $((_i - _t)) -ge 5 ] && read -r _c < "$_q" && [ -n "$_c" ]; then
          kill -9 "$_c" && : > "$_b.k"
        fi
      else
        echo "$_i" > "$_b.t"
      fi
    done
    [ -z "$_busy" ] && ! kill -0 "$_sh" 2>/dev/null && { rm -rf "$D"; exit 0; }
  done
}
# Whether file $2 sets key $1 (blanks, KEY, blanks, =), as probe::keyvalue
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
# Emitting: a fact's frames are written to files (its output already is
# one) and queued in _L; _flush sends the queue with one `cat`, unless the
# next fact is done too, whose frames then join the same `cat`. One process
# and few writes for a run of finished facts, instead of a `cat` and several
# writes per fact (each write may become an SSH packet both ends pay for).
_L=
_emit() {
  _k=0; _o="$B F $1$_nl"
  [ -f "$D/$1.m" ] && while read -r _t _s; do
    _o="$_o$B $_t $_s$_nl"
    case $_t in C|R)
      _f="$D/$1.$_s"
      [ -f "$_f.p" ] && while IFS= read -r _l; do _o="$_o$B P $_l$_nl"; done < "$_f.p"
      if [ -f "$_f.k" ]; then _o="$_o$B K$_nl"
      elif [ -f "$_f.rc" ] && read -r _rc < "$_f.rc"; then _o="$_o$B X $_rc$_nl"; fi
      _k=$((_k + 1)); printf '%s%s O\n' "$_o" "$B" > "$D/$1.e$_k"; _L="$_L$D/$1.e$_k$_nl"
      [ -s "$_f" ] && _L="$_L$_f$_nl"
      _o=$_nl ;;
    esac
  done < "$D/$1.m"
  _k=$((_k + 1)); printf '%s%s E %s\n' "$_o" "$B" "$1" > "$D/$1.e$_k"; _L="$_L$D/$1.e$_k$_nl"
}
_flush() {
  [ -n "${1:-}" ] && [ -f "$D/$1.d" ] && return
  [ -n "$_L" ] || return 0
  set -f; _ifs=$IFS; IFS=$_nl
  # Split on purpose: one file per line, globbing off.
  # shellcheck disable=SC2086
  cat $_L
  IFS=$_ifs; set +f; _L=
}
_sh=$$; _watch >/dev/null 2>&1 </dev/null & _wd=$!
# The end of a probe that ran to completion.
_done() { kill "$_wd" 2>/dev/null; _wd=; printf '%s Z\n' "$B"; }
