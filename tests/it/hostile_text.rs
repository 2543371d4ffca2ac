//! Text from outside that carries terminal escapes (a snapshot file's name,
//! an inventory host's name, what an SSH server says) reaches neither the
//! terminal nor an export: the real binary is run and everything it writes
//! is checked.

#![cfg(target_os = "linux")]

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::fake_ssh::FakeSsh;
use crate::common::pty::{Pty, session};
use crate::common::remote::profile_fixture;
use crate::common::sshd::{Fault, HostSpec, Lab};

/// What the hostile names did: set the terminal's title, write its
/// clipboard (OSC 52, "hi" in base64) and clear the screen.
const HOSTILE: &str = "\u{1b}]0;PWNED\u{7}\u{1b}]52;c;aGk=\u{7}\u{1b}[2J";

/// Panics if `text` holds an escape, a BEL, or the payload of `HOSTILE`
/// (raw, or escaped as JSON writes control characters).
fn assert_clean(what: &str, text: &str) {
    for bad in ["\u{1b}", "\u{7}", "PWNED", "aGk=", "\\u001b", "\\u0007"] {
        assert!(!text.contains(bad), "{what} holds {bad:?}:\n{text:?}");
    }
}

fn paritty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("run paritty")
}

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/snapshots").join(name);
    fs::read_to_string(path).expect("example snapshot")
}

/// The reproduction: a team folder holding a valid snapshot and an
/// invalid one named `bad<escapes>.json`. `diff team/` in every format says
/// the bad file failed, by a clean name, on stderr and in the report.
#[test]
fn a_snapshot_file_name_with_escapes_is_shown_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let team = dir.path().join("team");
    fs::create_dir(&team).expect("mkdir team");
    fs::write(team.join("a-laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    fs::write(team.join(format!("bad{HOSTILE}.json")), "{ not json").expect("write bad file");

    for format in ["text", "md", "json"] {
        let out = paritty(dir.path(), &["diff", "team/", "--format", format]);
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert_clean(&format!("{format} report"), &stdout);
        assert_clean(&format!("{format} stderr"), &stderr);
        assert!(stdout.contains("team/bad.json"), "{format}: the bad file's column:\n{stdout}");
        let line = stderr.lines().find(|l| l.starts_with("paritty: team/bad.json: "));
        let line = line.unwrap_or_else(|| panic!("{format}: no line for the bad file:\n{stderr}"));
        assert!(line.contains("bad-snapshot: snapshot team/bad.json is not valid JSON"), "{line}");
    }
}

/// A paritty.toml naming a host `web<escapes>` (unreachable: a closed port)
/// beside a snapshot file.
fn hostile_inventory(dir: &Path) -> String {
    let closed = Fault::closed_port();
    let name = format!("web{HOSTILE}");
    let toml = format!(
        "[[host]]\nname = {:?}\nssh = \"{}:{}\"\nenvironment = {:?}\n",
        name,
        closed.ip(),
        closed.port(),
        format!("stag{HOSTILE}ing")
    );
    // Debug writes \u{1b}, TOML's basic strings want \u001b.
    fs::write(
        dir.join("paritty.toml"),
        toml.replace("\\u{1b}", "\\u001b").replace("\\u{7}", "\\u0007"),
    )
    .expect("write paritty.toml");
    fs::write(dir.join("laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    name
}

/// An inventory name is shown clean in the failure line and the report's
/// header.
#[test]
fn an_inventory_name_with_escapes_is_shown_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let name = hostile_inventory(dir.path());
    let out = paritty(dir.path(), &["diff", "laptop.json", &name, "--format", "text"]);
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_clean("report", &stdout);
    assert_clean("stderr", &stderr);
    assert!(stdout.contains("web"), "{stdout}");
    assert!(stderr.lines().any(|l| l.starts_with("paritty: web: unreachable: ")), "{stderr}");
}

/// On a terminal, the live progress lines show the host's name too: a
/// hostile one sets no title and writes no clipboard there either.
#[test]
fn progress_lines_on_a_terminal_are_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let name = hostile_inventory(dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
    cmd.args(["snapshot", &name])
        .current_dir(dir.path())
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE");
    let mut pty = Pty::spawn(cmd, 24, 200);
    // The progress line that says the host failed starts with its name: once
    // that line is on the screen, the name has been written.
    pty.wait_for("failed after", Duration::from_secs(30));
    assert_eq!(pty.wait_exit(Duration::from_secs(30)).code(), Some(2));
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    assert!(!raw.contains("\u{1b}]") && !raw.contains('\u{7}'), "no OSC, no BEL: {raw:?}");
    assert!(!raw.contains("\u{1b}[2J") && !raw.contains("PWNED"), "{raw:?}");
}

/// The last line of defence: an error paritty reports about an argument
/// (a snapshot file that does not exist, named with escapes) is said clean.
#[test]
fn an_error_naming_a_hostile_argument_is_said_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = paritty(dir.path(), &["diff", &format!("nothing{HOSTILE}.json")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_clean("stderr", &stderr);
    assert_eq!(stderr, "paritty: error: target `nothing.json`: no such snapshot file\n");
}

/// The other reproduction: an SSH server whose allowed-methods list
/// (its answer to the client's first authentication request) holds the
/// escapes. Real sshd never sends such a list, hence the test's own server.
#[test]
fn a_servers_allowed_methods_with_escapes_are_shown_clean() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let server = FakeSsh::start(dir.path(), &format!("password,{HOSTILE}keyboard-interactive"));
    let known_hosts = dir.path().join("known_hosts");
    fs::write(&known_hosts, server.known_hosts_line()).expect("write known_hosts");
    let config = dir.path().join("ssh_config");
    let block = format!(
        // ConnectTimeout: the handshake with the fake server is not what is
        // tested, and a loaded machine can take more than the default 5 s.
        "Host fakehost\n    HostName {}\n    Port {}\n    User tester\n    \
         UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n    IdentitiesOnly yes\n    \
         IdentityFile {}\n    ConnectTimeout 60\n",
        server.addr(),
        server.port(),
        known_hosts.display(),
        dir.path().join("no-such-key").display()
    );
    fs::write(&config, block).expect("write ssh_config");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).expect("chmod ssh_config");
    fs::write(dir.path().join("laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    let config = config.display().to_string();

    for format in ["text", "md", "json"] {
        let args = ["diff", "laptop.json", "fakehost", "--ssh-config", &config, "--format", format];
        let out = paritty(dir.path(), &args);
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert_clean(&format!("{format} report"), &stdout);
        assert_clean(&format!("{format} stderr"), &stderr);
        let said = "paritty: fakehost: auth-failed: login refused for tester@fakehost: no key \
                    reached the server; the server only offers password,keyboard-interactive; \
                    paritty logs in with keys\n";
        assert!(stderr.ends_with(said), "{format}: {stderr}\nserver: {:?}", server.errors());
    }

    // As in the issue: `paritty snapshot fakehost` on a terminal, where the
    // failure shows in the live progress line first.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
    cmd.args(["snapshot", "fakehost", "--ssh-config", &config])
        .current_dir(dir.path())
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE");
    let mut pty = Pty::spawn(cmd, 24, 250);
    // The end of the failure's message, shown whatever came before it.
    pty.wait_for("paritty logs in with keys", Duration::from_secs(30));
    assert_eq!(pty.wait_exit(Duration::from_secs(30)).code(), Some(2));
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    assert!(raw.contains("failed after"), "progress was drawn: {raw:?}");
    assert!(!raw.contains("\u{1b}]") && !raw.contains('\u{7}'), "no OSC, no BEL: {raw:?}");
    assert!(!raw.contains("\u{1b}[2J") && !raw.contains("PWNED"), "{raw:?}");
}

/// ssh_config values are text from outside too: an IdentityFile whose name
/// holds the escapes, offered to a real sshd that refuses it, is named clean
/// in the failure.
#[test]
fn an_identity_file_name_with_escapes_is_shown_clean() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new();
    let host =
        lab.add_host(&HostSpec { name: "refuses", refuse_login: true, ..HostSpec::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join(format!("key{HOSTILE}"));
    fs::copy(lab.identity(), &key).expect("copy key");
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).expect("chmod key");
    let config = dir.path().join("ssh_config");
    let block = format!(
        "Host refuses\n    HostName {}\n    Port {}\n    User {}\n    IdentitiesOnly yes\n    \
         IdentityFile {}\n    UserKnownHostsFile {}\n    StrictHostKeyChecking yes\n",
        host.addr(),
        host.port(),
        lab.user(),
        key.display(),
        lab.known_hosts().display()
    );
    fs::write(&config, block).expect("write ssh_config");
    fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).expect("chmod ssh_config");
    let config = config.display().to_string();

    let out = paritty(dir.path(), &["snapshot", "refuses", "--ssh-config", &config]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_clean("stderr", &stderr);
    assert_clean("stdout", &String::from_utf8_lossy(&out.stdout));
    let said = format!(
        "auth-failed: login refused for {}@refuses: tried {}/key",
        lab.user(),
        dir.path().display()
    );
    assert!(stderr.contains(&said), "{stderr}");

    // The JSON report carries the failure's message as it was made.
    fs::write(dir.path().join("laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    let args = ["diff", "laptop.json", "refuses", "--ssh-config", &config, "--format", "json"];
    let out = paritty(dir.path(), &args);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_clean("json report", &report);
    assert!(report.contains(&format!("tried {}/key", dir.path().display())), "{report}");
}

/// An inventory host's labels (its environment here) go into its snapshot
/// and every export of it: clean, from a real sshd host.
#[test]
fn inventory_labels_with_escapes_are_shown_clean() {
    let lab = Lab::new();
    let _host = lab.add_host(&HostSpec { name: "labelled", ..HostSpec::default() });
    let dir = tempfile::tempdir().expect("tmp");
    let toml = format!(
        "[[host]]\nname = \"labelled\"\nenvironment = {:?}\n[host.labels]\nteam = {:?}\n",
        format!("stag{HOSTILE}ing"),
        format!("o{HOSTILE}ps")
    );
    fs::write(
        dir.path().join("paritty.toml"),
        toml.replace("\\u{1b}", "\\u001b").replace("\\u{7}", "\\u0007"),
    )
    .expect("write paritty.toml");
    fs::copy(profile_fixture("tool-test"), dir.path().join("tool.toml")).expect("copy profile");
    let config = lab.ssh_config().display().to_string();
    for (format, shown) in [("json", &["staging", "ops"][..]), ("md", &["staging"][..])] {
        let args = [
            "snapshot",
            "labelled",
            "--ssh-config",
            &config,
            "--profile",
            "tool.toml",
            "--format",
            format,
        ];
        let out = paritty(dir.path(), &args);
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert_clean(&format!("{format} snapshot"), &stdout);
        assert!(shown.iter().all(|label| stdout.contains(label)), "{format}: {stdout}");
    }
}

/// The interactive view draws each snapshot file's name as its column: the
/// hostile one shows clean there too (ratatui itself drops control
/// characters, but not the text of the sequences they start).
#[test]
fn the_interactive_view_shows_a_hostile_file_name_clean() {
    let dir = tempfile::tempdir().expect("tmp");
    let team = dir.path().join("team");
    fs::create_dir(&team).expect("mkdir team");
    fs::write(team.join("a-laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    fs::write(team.join(format!("bad{HOSTILE}.json")), "{ not json").expect("write bad file");
    let mut cmd = session(env!("CARGO_BIN_EXE_paritty"));
    cmd.arg("team/")
        .current_dir(dir.path())
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE");
    let mut pty = Pty::spawn(cmd, 30, 120);
    // The column is named from the start, clean or not.
    let screen = pty.wait_for("team/bad.json", Duration::from_secs(60));
    assert!(screen.contains("team/bad.json"), "{screen}");
    assert!(!screen.contains("PWNED") && !screen.contains("aGk="), "{screen}");
    pty.send(b"q");
    assert_eq!(pty.wait_exit(Duration::from_secs(30)).code(), Some(0));
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    assert!(!raw.contains("\u{1b}]") && !raw.contains('\u{7}'), "no OSC, no BEL: {raw:?}");
}

/// Two files whose names differ only in what cleaning removes would show as
/// one name: refused, saying which.
#[test]
fn names_equal_once_clean_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let team = dir.path().join("team");
    fs::create_dir(&team).expect("mkdir team");
    fs::write(team.join("laptop.json"), example("laptop-dev.json")).expect("write snapshot");
    fs::write(team.join("lap\u{200b}top.json"), example("laptop-dev.json")).expect("write twin");
    let out = paritty(dir.path(), &["diff", "team/"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, "paritty: error: target `team/` is named twice (as `team/laptop.json`)\n");
}

/// The last line of defence holds only if nothing goes around it: no
/// `eprintln!`/`eprint!` in `src/` but the two in `commands::say` and
/// `commands::say_lines`.
#[test]
fn every_stderr_line_goes_through_say() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = fs::read_to_string(&path).expect("read source");
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if code.contains("eprintln!(") || code.contains("eprint!(") {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&src, &mut found);
    let say = src.join("commands/mod.rs").display().to_string();
    let (allowed, others): (Vec<_>, Vec<_>) = found.into_iter().partition(|f| f.starts_with(&say));
    assert!(others.is_empty(), "write through commands::say instead:\n{}", others.join("\n"));
    assert_eq!(allowed.len(), 2, "{allowed:?}");
}
