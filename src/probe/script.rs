//! Compiling a profile into one POSIX `sh` probe script, so a remote host is
//! asked every question in a single round trip and needs nothing but
//! `/bin/sh` (dash, bash, busybox ash, macOS sh).
//!
//! The script mirrors local collection: for each fact it tries the sources in
//! order (stopping at the first one that is surely present), runs commands in
//! the background with a deadline and a byte cap, and prints framed records
//! that `probe::frame` reads back. Deciding the fact from those records is
//! left to `collect::evidence`, the same code local collection uses.
//!
//! Frame grammar (`B` is the run's random boundary, one record per line):
//!
//! ```text
//! B H <version>                 probe started
//! B F <fact>                    a fact's records follow
//! B A <source>                  that source is absent
//! B C <source> | B R <source>   a command ran | a file/variable/builtin was read
//! B P <path>\t<realpath>        a copy of the program on PATH (first = the one run)
//! B X <code> | B K              exit code | killed at the deadline
//! B O                           output follows, then a newline and the next record
//! B E <fact>                    end of the fact
//! B Z                           probe finished
//! ```

use std::fmt::Write as _;
use std::time::Duration;

use crate::profile::{Builtin, Profile, Source, SourceKind};

/// A probe ready to send, with the boundary its output will be framed by.
#[derive(Debug, Clone)]
pub struct ProbeScript {
    pub text: String,
    pub boundary: String,
}

/// Bounds the script enforces on the host.
#[derive(Debug, Clone, Copy)]
pub struct ScriptLimits {
    pub command_timeout: Duration,
    pub max_bytes: usize,
    /// Facts probed at once on the host.
    pub max_parallel: usize,
}

const PRELUDE: &str = r#"
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
  cat $_L
  IFS=$_ifs; set +f; _L=
}
"#;

/// Builds the probe for `profile`. The boundary is fresh and random per
/// call (128 bits, never exported, so the host's programs cannot learn it):
/// output ends where the next record begins, and no tool output can pass
/// for one. Not sending lengths spares a `wc` per output.
pub fn build(profile: &Profile, limits: ScriptLimits) -> ProbeScript {
    let boundary = random_boundary();
    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(s, "# paritty {} probe: read-only, framed output", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(s, "B='{boundary}'");
    let _ = writeln!(s, "M={}", limits.max_bytes);
    let _ = writeln!(s, "W={:.3}", (limits.command_timeout.as_secs_f64() / 5.0).max(0.001));
    s.push_str(PRELUDE);
    s.push_str("_sh=$$; _watch >/dev/null 2>&1 </dev/null & _wd=$!\n");
    let _ = writeln!(s, "printf '%s H %s\\n' \"$B\" '{}'", env!("CARGO_PKG_VERSION"));
    // A fact that reads variables sets _env per command; others, once.
    let reads_env =
        |i: usize| profile.facts[i].sources.iter().any(|s| matches!(s.kind, SourceKind::Env(_)));
    for (i, fact) in profile.facts.iter().enumerate() {
        let _ = writeln!(s, "_f{i}() {{");
        for (n, source) in fact.sources.iter().enumerate() {
            write_source(&mut s, i, n, source, reads_env(i));
        }
        s.push_str("}\n");
    }
    // Launch facts in order, at most `max_parallel` in flight; emit each in
    // order as soon as it and those before it are done, so a host that dies
    // mid-probe still delivers the facts finished before.
    let window = limits.max_parallel.max(1);
    let count = profile.facts.len();
    // `N.d` marks a finished fact, so emitting can tell whether the next
    // one may join the same write.
    let emit = |s: &mut String, done: usize| {
        let next = if done + 1 < count { (done + 1).to_string() } else { String::new() };
        let _ = writeln!(s, "wait $_p{done}; _emit {done}; _flush {next}");
    };
    for i in 0..count {
        if i >= window {
            emit(&mut s, i - window);
        }
        let env = if reads_env(i) { "" } else { " _env;" };
        let _ = writeln!(s, "{{{env} _f{i}; : > \"$D/{i}.d\"; }} >/dev/null 2>&1 & _p{i}=$!");
    }
    for done in count.saturating_sub(window)..count {
        emit(&mut s, done);
    }
    s.push_str("kill \"$_wd\" 2>/dev/null; _wd=\n");
    s.push_str("printf '%s Z\\n' \"$B\"\n");
    ProbeScript { text: s, boundary }
}

/// One source's attempt inside fact function `_f{fact}`. Sources that are
/// surely present `return`; those that Rust may still judge absent (a file
/// without the key, output matching `absent_if`) fall through to the next.
fn write_source(s: &mut String, fact: usize, n: usize, source: &Source, reads_env: bool) {
    let out = format!("\"$D/{fact}.{n}\"");
    let meta = format!("\"$D/{fact}.m\"");
    let stop = if source.absent_if.is_some() { "" } else { " return;" };
    match &source.kind {
        SourceKind::Command(argv) => {
            let program = &argv[0];
            let find = if program.contains('*') {
                format!("_highest {}", glob_words(program))
            } else if program.contains('/') {
                let p = quote(program);
                format!("{{ [ -f {p} ] && [ -x {p} ] && printf '%s\\t%s\\n' {p} {p}; }}")
            } else {
                format!("_cands {}", quote(program))
            };
            let mut run = format!("_first {out}.p; _run {out} \"$_x\"");
            for arg in &argv[1..] {
                run.push(' ');
                run.push_str(&quote(arg));
            }
            // With `absent_if` the next source may be needed. When the
            // pattern is plain text, grep asks the same question here, so a
            // present tool does not also start the next one (pip3 after a
            // python3 that answered); otherwise both run and Rust decides.
            let stop = match source.absent_if.as_ref().and_then(literal_alternatives) {
                Some(words) => {
                    let words: Vec<String> =
                        words.iter().map(|w| format!("-e {}", quote(w))).collect();
                    format!(" grep -F -q {} {out} 2>/dev/null || return;", words.join(" "))
                }
                None => stop.to_owned(),
            };
            let _ = writeln!(
                s,
                "  {find} > {out}.p 2>/dev/null\n  if [ -s {out}.p ]; then echo 'C {n}' >> {meta}; {run};{stop} else echo 'A {n}' >> {meta}; fi"
            );
        }
        SourceKind::File { path, key, near: Some(program) } => {
            let stop = key_stop(key.as_deref(), stop, out.as_str());
            let _ = writeln!(
                s,
                "  _r=; _cands {} real > {out}.c; [ -s {out}.c ] && _first {out}.c && _r=$_y; _p=\"${{_r%/*}}/\"{}\n  if [ -n \"$_r\" ] && [ -f \"$_p\" ] && [ -r \"$_p\" ]; then echo 'R {n}' >> {meta}; printf '%s\\t%s\\n' \"$_p\" \"$_p\" > {out}.p; _read \"$_p\" {out};{stop} else echo 'A {n}' >> {meta}; fi",
                quote(program),
                quote(path)
            );
        }
        SourceKind::File { path, key, near: None } => {
            let p = quote(path);
            let stop = key_stop(key.as_deref(), stop, out.as_str());
            let _ = writeln!(
                s,
                "  if [ -f {p} ] && [ -r {p} ]; then echo 'R {n}' >> {meta}; _read {p} {out};{stop} else echo 'A {n}' >> {meta}; fi"
            );
        }
        SourceKind::Env(var) => {
            // Names are checked as identifiers when the profile loads.
            let _ = writeln!(
                s,
                "  if [ -n \"${{{var}:-}}\" ]; then _getenv {var} \"${var}\" > {out}; fi\n  if [ -s {out} ]; then echo 'R {n}' >> {meta};{stop} else echo 'A {n}' >> {meta}; fi"
            );
        }
        SourceKind::Builtin(builtin) => {
            let command = builtin_command(*builtin);
            // In the fact's own process already: no subshell unless _env
            // must stay with the command.
            let command = if reads_env {
                format!("( _env; {command} )")
            } else {
                format!("{{ {command}; }}")
            };
            let _ = writeln!(
                s,
                "  {command} > {out} 2>/dev/null </dev/null\n  if [ -s {out} ]; then echo 'R {n}' >> {meta};{stop} else echo 'A {n}' >> {meta}; fi",
            );
        }
    }
}

/// The shell question a builtin stands for; it prints the same text the
/// local answer (sysinfo) gives, or nothing when it cannot tell.
pub fn builtin_command(builtin: Builtin) -> &'static str {
    match builtin {
        // /proc/sys/kernel/ostype readable: Linux, so not macOS.
        Builtin::OsId => {
            "if _proc ostype >/dev/null; then case $_v in Linux) echo linux ;; *) printf '%s\\n' \"$_v\" | tr '[:upper:]' '[:lower:]' ;; esac; elif [ \"$(uname -s)\" = Darwin ]; then echo macos; else uname -s | tr '[:upper:]' '[:lower:]'; fi"
        }
        Builtin::OsName => {
            "_proc ostype || if [ \"$(uname -s)\" = Darwin ]; then sw_vers -productName; else uname -s; fi"
        }
        Builtin::OsVersion => {
            "[ ! -r /proc/sys/kernel/ostype ] && [ \"$(uname -s)\" = Darwin ] && sw_vers -productVersion"
        }
        Builtin::OsPretty => {
            "[ ! -r /proc/sys/kernel/ostype ] && [ \"$(uname -s)\" = Darwin ] && echo \"$(sw_vers -productName) $(sw_vers -productVersion)\""
        }
        Builtin::KernelRelease => "_proc osrelease || uname -r",
        Builtin::Arch => "_proc arch || uname -m",
        Builtin::Hostname => "_proc hostname || uname -n",
        Builtin::CpuModel => {
            "if [ -r /proc/cpuinfo ]; then sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -n 1; else sysctl -n machdep.cpu.brand_string; fi"
        }
        Builtin::CpuCores => {
            "getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || sysctl -n hw.logicalcpu"
        }
        Builtin::MemoryTotal => {
            "if [ -r /proc/meminfo ]; then grep '^MemTotal:' /proc/meminfo; else sysctl -n hw.memsize; fi"
        }
        Builtin::Timezone => "readlink /etc/localtime | sed -n 's|.*zoneinfo/||p'",
    }
}

/// How a file source ends the fact: at once for a whole file; for one key,
/// only when the key is there (grep asks what `output::keyvalue` will), so
/// the next source (a `java -version`, a builtin) is not run for nothing.
fn key_stop(key: Option<&str>, stop: &str, out: &str) -> String {
    let Some(key) = key else { return stop.to_owned() };
    let identifier = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier { format!(" _haskey {key} {out} && return;") } else { String::new() }
}

/// The alternatives of a regex made only of plain text and `|`, which
/// `grep -F` matches the same way.
fn literal_alternatives(re: &regex::Regex) -> Option<Vec<String>> {
    let pattern = re.as_str();
    let special = |c: char| "\\.^$*+?()[]{}".contains(c);
    let words: Vec<String> = pattern.split('|').map(str::to_owned).collect();
    (!pattern.chars().any(special) && words.iter().all(|w| !w.is_empty())).then_some(words)
}

/// A single-quoted shell word: nothing inside is interpreted.
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A glob with every literal part quoted, so only the `*`s are special.
fn glob_words(pattern: &str) -> String {
    pattern.split('*').map(quote).collect::<Vec<_>>().join("*")
}

/// 128 bits from the standard library's randomly keyed hasher: no extra
/// crate, and unpredictable to whatever runs on the host.
fn random_boundary() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::from("PARITTY-");
    for _ in 0..2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let _ = write!(out, "{:016x}", hasher.finish());
    }
    out
}
