//! The primary resolver: asking the OpenSSH client itself with `ssh -G`,
//! which prints the fully resolved settings without connecting.

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use super::{Dump, Request, SettingsError};
use crate::collect::command;

/// ssh -G prints about 5 KB; anything past this is not ssh -G.
const MAX_OUTPUT: usize = 1024 * 1024;

/// Why `ssh -G` gave no settings.
pub(super) enum Failure {
    /// This ssh predates -G (OpenSSH < 6.8).
    NoDashG,
    /// The program could not be started.
    CannotRun(String),
    /// It ran and said no, or did not answer in time.
    Settings(SettingsError),
}

/// Runs `ssh -G [-F file] [-l user] [-p port] -- host`. Its messages are
/// read from a pipe of their own, so stdout holds only the dump (stderr of
/// `Match exec` commands shares that pipe, which is why only known keys are
/// kept). A pipe rather than `-E FILE`: a file created and removed per host
/// cost more than the rest of `ssh -G` on a busy /tmp.
pub(super) fn dump(program: &Path, req: &Request, timeout: Duration) -> Result<Dump, Failure> {
    let host = || req.host.to_string();
    let mut args = vec!["-G".to_string()];
    if let Some(file) = req.config_file {
        args.extend(["-F".into(), utf8(file)?]);
    }
    if let Some(user) = req.user {
        args.extend(["-l".into(), user.into()]);
    }
    if let Some(port) = req.port {
        args.extend(["-p".into(), port.to_string()]);
    }
    args.extend(["--".into(), req.host.into()]);

    let (errors, error_pipe) = std::io::pipe()
        .map_err(|e| Failure::CannotRun(format!("cannot create a pipe for ssh -G: {e}")))?;
    let (logged_tx, logged_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("ssh-G-stderr".into())
        .spawn(move || {
            let mut logged = Vec::new();
            let _ = errors.take(MAX_OUTPUT as u64).read_to_end(&mut logged);
            let _ = logged_tx.send(logged);
        })
        .map_err(|e| Failure::CannotRun(format!("cannot start a thread for ssh -G: {e}")))?;
    let out = command::run_with_stderr(program, &args, timeout, MAX_OUTPUT, Some(error_pipe));
    if let Some(e) = out.spawn_error {
        return Err(Failure::CannotRun(format!("cannot run {}: {e}", program.display())));
    }
    if out.timed_out {
        return Err(Failure::Settings(SettingsError::Timeout { host: host(), after: timeout }));
    }
    let output = String::from_utf8_lossy(&out.output);
    // ssh has exited; only a process it left behind could hold the pipe.
    let logged = logged_rx.recv_timeout(Duration::from_millis(500)).unwrap_or_default();
    let logged = String::from_utf8_lossy(&logged);
    match out.exit_code {
        Some(0) => {
            let dump = parse_dump(&output);
            if dump.first("hostname").is_none() {
                return Err(Failure::Settings(SettingsError::Ssh {
                    host: host(),
                    message: format!("{} -G printed no hostname", program.display()),
                }));
            }
            Ok(dump)
        }
        Some(code) => {
            let all = format!("{logged}\n{output}");
            if all.contains("option -- G") {
                return Err(Failure::NoDashG);
            }
            let message =
                first_error(&all).unwrap_or_else(|| format!("ssh -G exited with status {code}"));
            Err(Failure::Settings(SettingsError::Config { host: host(), message }))
        }
        None => Err(Failure::Settings(SettingsError::Ssh {
            host: host(),
            message: format!("{} -G was killed by a signal", program.display()),
        })),
    }
}

/// The keys paritty reads, as `ssh -G` names them.
const KEYS: &[&str] = &[
    "user",
    "hostname",
    "port",
    "identityfile",
    "identitiesonly",
    "proxyjump",
    "proxycommand",
    "connecttimeout",
    "stricthostkeychecking",
    "userknownhostsfile",
    "globalknownhostsfile",
    "hostkeyalias",
    "batchmode",
    "hashknownhosts",
];

fn parse_dump(output: &str) -> Dump {
    let mut dump = Dump::default();
    for line in output.lines() {
        if let Some((key, value)) = line.split_once(' ')
            && KEYS.contains(&key)
        {
            dump.push(key, value);
        }
    }
    dump
}

/// The line that says what is wrong: the first naming a config line
/// (`FILE line N: ...`, with the line before it when that one says why),
/// else the first that is not chatter.
fn first_error(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Pseudo-terminal will not be allocated"))
        .collect();
    let names_line = |l: &str| {
        l.split(" line ").nth(1).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    if let Some(at) = lines.iter().position(|l| names_line(l)) {
        // "Unsupported Match attribute x" comes before "FILE line N: Bad Match condition".
        return Some(match at.checked_sub(1).map(|i| lines[i]) {
            Some(why) if !names_line(why) && !why.contains(": terminating, ") => {
                format!("{} ({why})", lines[at])
            }
            _ => lines[at].to_string(),
        });
    }
    lines
        .iter()
        .find(|l| !l.contains(": terminating, "))
        .or(lines.first())
        .map(|l| (*l).to_string())
}

fn utf8(path: &Path) -> Result<String, Failure> {
    path.to_str()
        .map(String::from)
        .ok_or_else(|| Failure::CannotRun(format!("{} is not valid UTF-8", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_line_naming_the_file() {
        let out = "Unsupported Match attribute foo\n/c line 3: Bad Match condition\n\
                   /c: terminating, 1 bad configuration options\n";
        assert_eq!(
            first_error(out).as_deref(),
            Some("/c line 3: Bad Match condition (Unsupported Match attribute foo)")
        );
        let out = "Can't open user config file /x: No such file or directory\n";
        assert_eq!(first_error(out).as_deref(), Some(out.trim()));
    }

    #[test]
    fn keeps_known_keys_only() {
        let dump =
            parse_dump("host a\nuser bob\nlocal noise here\nidentityfile /a\nidentityfile /b");
        assert_eq!(dump.first("user"), Some("bob"));
        assert_eq!(dump.all("identityfile").collect::<Vec<_>>(), ["/a", "/b"]);
        assert_eq!(dump.first("local"), None);
    }
}
