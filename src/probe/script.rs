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
//! B H <version> <profile hash>  probe started
//! B F <fact>                    a fact's records follow
//! B A <source>                  that source is absent
//! B C <source> | B R <source>   a command ran | a file/variable/builtin was read
//! B P <path>\t<realpath>        a copy of the program on PATH (first = the one run)
//! B X <code> | B K              exit code | killed at the deadline
//! B O <bytes>                  that many bytes of output follow, then a newline
//! B E <fact>                    end of the fact
//! B D                           the probe halted at its host deadline
//! B Z                           probe finished
//! ```

use std::fmt::Write as _;
use std::time::Duration;

use crate::backing::roles::Role;
use crate::profile::{Builtin, Profile, Source, SourceKind};

/// A probe ready to send, with the boundary its output will be framed by.
#[derive(Debug, Clone)]
pub struct ProbeScript {
    /// The script without a deadline of its own (`T=0`).
    pub text: String,
    pub boundary: String,
    /// Where the per-host lines (`W=`, `K=`, `T=0`, `PE=`) start and end
    /// in `text`.
    deadline_line: usize,
    per_host_end: usize,
    /// The watchdog's tick without a deadline: a fifth of the command
    /// timeout.
    tick: Duration,
    command_timeout: Duration,
    /// The profile's facts, which a progress count counts (the app's,
    /// dependencies' and running servers' frames come on top).
    pub counted: usize,
}

impl ProbeScript {
    /// The script for a host that must be left within `remaining`: the
    /// probe halts itself (kills its commands, starts no more, emits what
    /// it has) a margin before, so that even a shell that does not end then
    /// is killed and the scratch folder removed by the time paritty gives
    /// the host up. The margin covers the watchdog's checks (a tick to see
    /// the deadline, two more before it kills the shell) and two seconds:
    /// the host's clock counts whole seconds, and the watchdog reads it
    /// from its first tick on, taking the start as a tick before. The tick
    /// is shortened to an eighth of `remaining` (not under a quarter
    /// second) when a fifth of the command timeout would be longer, so a
    /// long `--timeout` cannot carry the probe past a short host timeout;
    /// a command's timeout is then counted in more ticks (`K`).
    pub fn for_host(&self, remaining: Duration) -> String {
        self.for_app(remaining, None, None)
    }

    /// `for_host` for a host whose app lives in `app_dir` (read there by
    /// the probe) under the `environment` label (`.env.<environment>`).
    /// Both go in as single-quoted words: nothing in them is interpreted.
    pub fn for_app(
        &self,
        remaining: Duration,
        app_dir: Option<&str>,
        environment: Option<&str>,
    ) -> String {
        let script = self.in_app(app_dir);
        let tick = self.tick.min((remaining / 8).max(MIN_TICK));
        let margin = tick * 3 + Duration::from_secs(2);
        let seconds = remaining.saturating_sub(margin).as_secs().max(1);
        let rest = &script.text[script.per_host_end..];
        // Only a plain label names a file (`.env.prod`), never a path.
        let environment = environment
            .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)));
        format!(
            "{}{}T={seconds}\nPE={}\n{rest}",
            &script.text[..script.deadline_line],
            watch_lines(tick, self.command_timeout),
            quote(environment.unwrap_or(""))
        )
    }

    /// The same probe for a target whose app is in `app_dir` (an absolute
    /// path checked when the config was read, so one line): sources marked
    /// `app` and the app's `.env` files are read there, and every command
    /// runs there. Without one, app sources are absent.
    #[must_use]
    pub fn in_app(&self, app_dir: Option<&str>) -> ProbeScript {
        let Some(dir) = app_dir else { return self.clone() };
        let at = self.per_host_end;
        // The `A=` line as built, or as an earlier `in_app` wrote it.
        let end = self.text[at..].find('\n').map_or(self.text.len(), |n| at + n + 1);
        let text = format!("{}A={}\n{}", &self.text[..at], quote(dir), &self.text[end..]);
        ProbeScript { text, ..self.clone() }
    }
}

/// Bounds the script enforces on the host.
#[derive(Debug, Clone, Copy)]
pub struct ScriptLimits {
    pub command_timeout: Duration,
    pub max_bytes: usize,
    /// Facts probed at once on the host.
    pub max_parallel: usize,
}

/// The functions every probe shares, kept as a shell file so shellcheck
/// can read it (tests/it/probe_shellcheck.rs).
const PRELUDE: &str = include_str!("prelude.sh");

/// The app's backing services: reading its configuration on the host and
/// keeping the credentials there (also checked by shellcheck).
const APP: &str = include_str!("app.sh");

/// The servers running on the host: their processes listed and asked
/// their version (also checked by shellcheck).
const RUNNING: &str = include_str!("running.sh");

/// The app's dependency files, sent back for `deps::stream` (also checked
/// by shellcheck).
const DEPS: &str = include_str!("deps.sh");

/// The most one dependency file may bring back (`deps::stream::MAX_FILE`);
/// the deps fact as a whole brings at most twice that.
pub const DEPS_MAX_BYTES: usize = crate::deps::stream::MAX_FILE * 2;

/// The lines each host gets its own values in (`for_app`), after the
/// watchdog's (`watch_lines`): its deadline and environment label; none
/// until a transport knows them. The app folder's `A=` line follows
/// (`in_app`).
const PER_HOST: &str = "T=0\nPE=''\n";

/// The shortest tick a deadline makes: each tick costs the host a `sleep`
/// and a `date`.
const MIN_TICK: Duration = Duration::from_millis(250);

/// The watchdog's lines: its tick `W` in seconds and `K`, the ticks a
/// command may run (its timeout in ticks, rounded up: 5 at a fifth).
fn watch_lines(tick: Duration, command_timeout: Duration) -> String {
    let tick_ms = tick.as_millis().max(1);
    let ticks = command_timeout.as_millis().div_ceil(tick_ms).max(1);
    format!("W={:.3}\nK={ticks}\n", tick.as_secs_f64())
}

/// Builds the probe for `profile`. The boundary is fresh and random per
/// call (128 bits, never exported), so noise around the frames (a login
/// script's) is told from records. It is no secret from the probed tools,
/// which run as the same user and can read the scratch folder or the
/// shell's memory: an output is framed by its length, measured on the host,
/// so no tool output can pass for a record.
pub fn build(profile: &Profile, limits: ScriptLimits) -> ProbeScript {
    build_with_roles(
        profile,
        limits,
        &crate::backing::roles::roles(&std::collections::BTreeMap::default()),
    )
}

/// `build` with the app's roles (`[app.services]` applied): after the
/// profile's facts, one more (`app_fact`) reads the app's configuration.
pub fn build_with_roles(profile: &Profile, limits: ScriptLimits, roles: &[Role]) -> ProbeScript {
    let boundary = random_boundary();
    let mut s = String::with_capacity(16 * 1024);
    // A file of it runs as a program too (Ansible's `script` module);
    // on stdin to `sh -s` the line is a comment.
    s.push_str("#!/bin/sh\n");
    let _ = writeln!(s, "# paritty {} probe: read-only, framed output", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(s, "B='{boundary}'");
    let _ = writeln!(s, "M={}", limits.max_bytes);
    // No deadline unless the transport knows one (`for_host`).
    let deadline_line = s.len();
    s.push_str(&watch_lines(tick(limits), limits.command_timeout));
    s.push_str(PER_HOST);
    let per_host_end = s.len();
    // The target's app folder, if it names one: every command runs there
    // (version managers' shims answer for the project), app sources are
    // absent without it, and the app's `.env` files are read there.
    s.push_str("A=\n[ -z \"$A\" ] || cd \"$A\" 2>/dev/null || :\n");
    s.push_str(PRELUDE);
    // Role names and variable names were checked as plain words.
    s.push_str("_roles=");
    let lines: Vec<String> = roles
        .iter()
        .map(|r| {
            std::iter::once(r.name.as_str())
                .chain(r.vars.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    s.push_str(&quote(&lines.join("\n")));
    s.push('\n');
    s.push_str(APP);
    let _ = writeln!(s, "_DM={}", crate::deps::stream::MAX_FILE);
    s.push_str(DEPS);
    let runs = runs_servers(profile);
    if runs {
        write_running(&mut s, profile);
    }
    // The profile's hash tells a reader of a transcript it did not start
    // (`paritty import`) which questions were asked.
    let _ = writeln!(
        s,
        "printf '%s H %s %s\\n' \"$B\" '{}' '{}'",
        env!("CARGO_PKG_VERSION"),
        quote_free(&profile.hash)
    );
    // A fact that reads variables sets _env per command; others, once.
    let reads_env = |i: usize| {
        profile
            .facts
            .get(i)
            .is_some_and(|f| f.sources.iter().any(|s| matches!(s.kind, SourceKind::Env(_))))
    };
    for (i, fact) in profile.facts.iter().enumerate() {
        let _ = writeln!(s, "_f{i}() {{");
        for (n, source) in fact.sources.iter().enumerate() {
            write_source(&mut s, i, n, source, reads_env(i));
        }
        s.push_str("}\n");
    }
    // The app's clients: one more fact after the profile's, reading the
    // configuration the probe's shell read first (`app_config_fact`).
    let config = app_config_fact(profile);
    let _ = writeln!(s, "_f{0}() {{ _app {0} {config}; }}", app_fact(profile));
    // The app's dependency files: one more.
    let deps = deps_fact(profile);
    let _ = writeln!(s, "_f{deps}() {{ _deps {deps}; }}");
    // The running servers: one more after it, listed before any fact
    // starts (no tool the probe runs is then taken for a server).
    let count = if runs {
        let n = running_fact(profile);
        let _ = writeln!(s, "_f{n}() {{ _running {n}; }}\n_rlist {n}");
        n + 1
    } else {
        deps + 1
    };
    // The app's configuration first, read by the probe's own shell (one
    // awk) and, when it names a service, sent before any fact starts, so a
    // transport can ask the app's services while the probe goes on.
    let _ = writeln!(s, "_appconf {config}; [ -z \"$_aR\" ] || {{ _emit {config}; _flush; }}");
    // Launch facts in order, at most `max_parallel` in flight; emit each in
    // order as soon as it and those before it are done, so a host that dies
    // mid-probe still delivers the facts finished before.
    let window = limits.max_parallel.max(1);
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
        // The app's fact reads the environment as the session has it.
        let env = if i == app_fact(profile) || reads_env(i) { "" } else { " _env;" };
        let _ = writeln!(s, "{{{env} _f{i}; : > \"$D/{i}.d\"; }} >/dev/null 2>&1 & _p{i}=$!");
    }
    for done in count.saturating_sub(window)..count {
        emit(&mut s, done);
    }
    s.push_str("_done\n");
    ProbeScript {
        text: s,
        boundary,
        deadline_line,
        per_host_end,
        tick: tick(limits),
        command_timeout: limits.command_timeout,
        counted: profile.facts.len(),
    }
}

/// `text` with nothing that could end a single-quoted word.
fn quote_free(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
        .collect()
}

/// The index of the app's clients' fact in the probe's frames: after the
/// profile's. It holds what the host's own clients answered
/// (`collect::backing::remote` reads it with `app_config_fact`'s).
pub fn app_fact(profile: &Profile) -> usize {
    profile.facts.len()
}

/// The index of the app's configuration in the probe's frames, the first
/// frame the probe sends: after every other fact's index.
pub fn app_config_fact(profile: &Profile) -> usize {
    deps_fact(profile) + 2
}

/// The index of the running servers' section in the probe's frames: after
/// the app's dependencies' (`collect::running::listing` reads it).
pub fn running_fact(profile: &Profile) -> usize {
    deps_fact(profile) + 1
}

/// Whether any fact names server programs to look for.
fn runs_servers(profile: &Profile) -> bool {
    profile.facts.iter().any(|f| f.running.is_some())
}

/// The running section's per-profile lines: the programs' kernel names
/// (`_rcomm`) and, for each program whose executable is asked its version,
/// the question (`_rver`), then `running.sh`. Program names were checked
/// as plain file names when the profile loaded.
fn write_running(s: &mut String, profile: &Profile) {
    let defs: Vec<_> = profile.facts.iter().filter_map(|f| f.running.as_ref()).collect();
    let mut comms: Vec<&str> =
        defs.iter().flat_map(|d| &d.programs).map(|p| crate::profile::comm_of(p)).collect();
    comms.sort_unstable();
    comms.dedup();
    let _ = writeln!(s, "_rcomm={}", quote(&comms.join(" ")));
    s.push_str("_rver() {\n  case $3 in\n");
    let mut named: Vec<&str> = Vec::new();
    for def in defs.iter().filter(|d| !d.version_in_cmdline()) {
        // A program in two facts is asked once, the first's way.
        let programs: Vec<String> = def
            .programs
            .iter()
            .filter(|p| !named.contains(&p.as_str()))
            .map(|p| quote(p))
            .collect();
        named.extend(def.programs.iter().map(String::as_str));
        if programs.is_empty() {
            continue;
        }
        let args: Vec<String> = def.args.iter().map(|a| quote(a)).collect();
        let _ = writeln!(
            s,
            "    {}) _run \"$1\" \"/proc/$2/exe\" {} & ;;",
            programs.join(" | "),
            args.join(" ")
        );
    }
    s.push_str("    *) return 1 ;;\n  esac\n}\n");
    s.push_str(RUNNING);
}

/// The index of the app's dependencies' fact: after the app's.
pub fn deps_fact(profile: &Profile) -> usize {
    profile.facts.len() + 1
}

/// The most bytes a probe of `profile` may send back: every source's
/// output at its cap, the dependency files, and room for the records.
pub fn max_output(profile: &Profile, max_bytes: usize) -> usize {
    let sources: usize = profile.facts.iter().map(|f| f.sources.len()).sum();
    sources.saturating_mul(max_bytes + 512).saturating_add(DEPS_MAX_BYTES).saturating_add(1 << 20)
}

/// The watchdog's tick: a fifth of the command timeout.
fn tick(limits: ScriptLimits) -> Duration {
    (limits.command_timeout / 5).max(Duration::from_millis(1))
}

/// One source's attempt inside fact function `_f{fact}`. Sources that are
/// surely present `return`; those that Rust may still judge absent (a file
/// without the key, output matching `absent_if`) fall through to the next.
fn write_source(s: &mut String, fact: usize, n: usize, source: &Source, reads_env: bool) {
    let out = format!("\"$D/{fact}.{n}\"");
    let meta = format!("\"$D/{fact}.m\"");
    let stop = if source.absent_if.is_some() { "" } else { " return;" };
    if source.in_app {
        // In the fact's own process: the folder changes for it alone.
        let _ = writeln!(
            s,
            "  if [ -z \"$A\" ] || ! cd \"$A\" 2>/dev/null; then echo 'A {n}' >> {meta}; else"
        );
        write_kind(s, n, source, reads_env, &out, &meta, stop);
        s.push_str("  fi\n");
    } else {
        write_kind(s, n, source, reads_env, &out, &meta, stop);
    }
}

/// A source's question by its kind (see `write_source`).
fn write_kind(
    s: &mut String,
    n: usize,
    source: &Source,
    reads_env: bool,
    out: &str,
    meta: &str,
    stop: &str,
) {
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
            let stop = key_stop(key.as_deref(), stop, out);
            let _ = writeln!(
                s,
                "  _r=; _cands {} real > {out}.c; [ -s {out}.c ] && _first {out}.c && _r=$_y; _p=\"${{_r%/*}}/\"{}\n  if [ -n \"$_r\" ] && [ -f \"$_p\" ] && [ -r \"$_p\" ]; then echo 'R {n}' >> {meta}; printf '%s\\t%s\\n' \"$_p\" \"$_p\" > {out}.p; _read \"$_p\" {out};{stop} else echo 'A {n}' >> {meta}; fi",
                quote(program),
                quote(path)
            );
        }
        SourceKind::File { path, key, near: None } => {
            let p = quote(path);
            let stop = key_stop(key.as_deref(), stop, out);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::ruby::GEMSPEC_HEAD;
    use crate::deps::stream::{BUNDLE_DEFAULT, LOCK_FILES, SYSTEM_GEMS, VENVS};

    fn built(command_timeout: u64) -> ProbeScript {
        let profile = crate::profile::parse_profile("[profile]\nname = \"t\"\n", "t.toml", None)
            .expect("profile");
        let limits = ScriptLimits {
            command_timeout: Duration::from_secs(command_timeout),
            max_bytes: 1024,
            max_parallel: 4,
        };
        build(&profile, limits)
    }

    #[test]
    fn a_near_deadline_shortens_the_tick_and_counts_the_timeout_in_more_ticks() {
        // No deadline: a fifth of the command timeout, 5 ticks a command.
        assert!(built(120).text.contains("\nW=24.000\nK=5\nT=0\n"));
        // 2 s left: a quarter-second tick (120 s is 480 of them), the
        // deadline a second in.
        let text = built(120).for_host(Duration::from_secs(2));
        assert!(text.contains("\nW=0.250\nK=480\nT=1\n"), "{text}");
        // 40 s left: an eighth, 5 s; the margin 3 ticks and 2 s.
        let text = built(120).for_host(Duration::from_secs(40));
        assert!(text.contains("\nW=5.000\nK=24\nT=23\n"), "{text}");
        // Time enough: as without a deadline.
        let text = built(10).for_app(Duration::from_secs(600), Some("/srv/app"), None);
        assert!(text.contains("\nW=2.000\nK=5\nT=592\nPE=''\nA='/srv/app'\n"), "{text}");
    }

    /// `deps.sh` looks for the files and folders local collection reads
    /// (`collect::deps::local`), in the same order.
    #[test]
    fn the_probe_reads_the_dependency_files_local_collection_reads() {
        let locks = format!("for _n in {}; do", LOCK_FILES.join(" "));
        assert!(DEPS.contains(&locks), "deps.sh should have: {locks}");
        let venvs = format!("for _n in {}; do", VENVS.join(" "));
        assert!(DEPS.contains(&venvs), "deps.sh should have: {venvs}");
        assert!(DEPS.contains("\"$A\"/requirements*.txt"));
        assert!(DEPS.contains("node_modules/.package-lock.json"));
        let gems: Vec<String> = SYSTEM_GEMS.iter().map(|g| format!("{g}/*.gemspec")).collect();
        let system = format!("for _n in {}; do", gems.join(" "));
        assert!(DEPS.contains(&system), "deps.sh should have: {system}");
        assert!(DEPS.contains(&format!("_db={BUNDLE_DEFAULT}\n")));
        assert!(DEPS.contains(&format!("if (seen > {GEMSPEC_HEAD})")));
    }
}
