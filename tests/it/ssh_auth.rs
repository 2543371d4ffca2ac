//! Logging in and trusting hosts the way `ssh` does, against real OpenSSH
//! sshd processes: a real ssh-agent holding several keys, IdentitiesOnly,
//! encrypted and PEM keys, StrictHostKeyChecking accept-new and
//! `--accept-new`, and (as root) a run as a throwaway login user relying on
//! nothing but that user's own `~/.ssh`. Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use crate::common::remote::{fault_line, profile_fixture, read_json};
use crate::common::sshd::{Host, HostSpec, KeyType, KnownHost, Lab};

/// Bounds every wait on an sshd log line.
const LOG_WAIT: Duration = Duration::from_secs(15);

/// The comment the harness gives the lab's (authorized) client key.
const LAB_KEY_COMMENT: &str = "paritty-test-client";

/// A lab host whose `mytool` says `version` and its own name.
fn host_with_tool(lab: &Lab, name: &str, version: &str, known_host: KnownHost) -> Host {
    let body = format!("echo 'mytool {version} ({name})'");
    lab.add_host(&HostSpec {
        name,
        tools: &[("mytool", body.as_str())],
        known_host,
        ..HostSpec::default()
    })
}

/// A `Host` block reaching `host` as the lab user; `lines` are added as is
/// (IdentityFile, IdentitiesOnly, UserKnownHostsFile, StrictHostKeyChecking...).
fn block(lab: &Lab, alias: &str, host: &Host, lines: &[String]) -> String {
    let mut text = format!(
        "Host {alias}\n    HostName {}\n    Port {}\n    User {}\n",
        host.addr(),
        host.port(),
        lab.user()
    );
    for line in lines {
        let _ = writeln!(text, "    {line}");
    }
    text.push('\n');
    text
}

fn write_config(dir: &Path, blocks: &[String]) -> PathBuf {
    let path = dir.join("ssh_config");
    fs::write(&path, blocks.concat()).expect("write ssh_config");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod ssh_config");
    path
}

/// `paritty snapshot TARGETS --ssh-config CONFIG --profile P --out OUT ...`
/// without a terminal or a paritty config, and with the agent at `agent`
/// (none when `None`).
fn snapshot(
    config: &Path,
    out: &Path,
    targets: &[&str],
    extra: &[&str],
    agent: Option<&Agent>,
) -> Output {
    let profile = profile_fixture("tool-test");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paritty"));
    cmd.arg("snapshot")
        .args(targets)
        .arg("--ssh-config")
        .arg(config)
        .arg("--profile")
        .arg(&profile)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .stdin(Stdio::null());
    match agent {
        Some(agent) => cmd.env("SSH_AUTH_SOCK", &agent.socket),
        None => cmd.env_remove("SSH_AUTH_SOCK"),
    };
    cmd.output().expect("run paritty")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The snapshot is `host`'s: its own tool, found in its own folder.
fn assert_facts_of(snap: &serde_json::Value, host: &Host, version: &str) {
    assert_eq!(snap["facts"]["tool.mytool"]["value"], version, "{snap:#}");
    let found = host.tool_dir().join("mytool").display().to_string();
    assert_eq!(snap["facts"]["tool.mytool"]["found_at"], found.as_str());
}

/// Runs a helper program, panicking with its stderr if it fails.
fn run(cmd: &mut Command) -> String {
    let out = cmd.stdin(Stdio::null()).output().expect("run helper");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new key pair at `path` (and `path.pub`), with `passphrase` ("" for none).
fn keygen(path: &Path, args: &[&str], comment: &str, passphrase: &str) {
    run(Command::new("ssh-keygen")
        .args(["-q", "-N", passphrase, "-C", comment])
        .args(args)
        .arg("-f")
        .arg(path));
}

/// `SHA256:...` of a public key file, as sshd logs it.
fn fingerprint(public: &Path) -> String {
    let listing = run(Command::new("ssh-keygen").arg("-lf").arg(public));
    listing.split_whitespace().nth(1).expect("fingerprint").to_owned()
}

/// A copy of the lab's private key at `path`, 0600, without its `.pub`.
fn copy_lab_key(lab: &Lab, path: &Path) {
    fs::copy(lab.identity(), path).expect("copy lab key");
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).expect("chmod key");
}

/// A real `ssh-agent -D -a SOCKET`, killed and reaped on drop.
struct Agent {
    child: Child,
    socket: PathBuf,
    // Kept open: the agent must never write to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl Agent {
    fn start(dir: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let mut child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run ssh-agent");
        // It prints its SSH_AUTH_SOCK line once the socket listens (and
        // closes stdout if it dies first): no waiting on time.
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        let read = stdout.read_line(&mut line);
        let agent = Agent { child, socket, _stdout: stdout };
        assert!(read.is_ok() && line.starts_with("SSH_AUTH_SOCK="), "ssh-agent said {line:?}");
        agent
    }

    /// `ssh-add KEY`; an encrypted key gets `passphrase` through SSH_ASKPASS.
    fn add(&self, key: &Path, passphrase: Option<&str>) {
        let mut cmd = Command::new("ssh-add");
        cmd.arg(key).env("SSH_AUTH_SOCK", &self.socket);
        if let Some(secret) = passphrase {
            let askpass = self.socket.with_file_name("askpass.sh");
            fs::write(&askpass, format!("#!/bin/sh\necho '{secret}'\n")).expect("askpass");
            fs::set_permissions(&askpass, fs::Permissions::from_mode(0o700)).expect("chmod");
            cmd.env("SSH_ASKPASS", &askpass).env("SSH_ASKPASS_REQUIRE", "force");
        }
        run(&mut cmd);
    }

    /// The identities' comments, in the order the agent offers them.
    fn comments(&self) -> Vec<String> {
        let listed = run(Command::new("ssh-add").arg("-L").env("SSH_AUTH_SOCK", &self.socket));
        listed.lines().filter_map(|l| l.split_whitespace().nth(2)).map(String::from).collect()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Two keys the hosts do not authorize (`other-1`, `other-2`), and their paths.
fn other_keys(dir: &Path) -> [PathBuf; 2] {
    ["other-1", "other-2"].map(|name| {
        let path = dir.join(name);
        keygen(&path, &["-t", "ed25519"], name, "");
        path
    })
}

fn pub_of(key: &Path) -> PathBuf {
    let mut name = key.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Waits until sshd logged the end of a connection that never logged in.
fn wait_preauth_close(host: &Host) {
    assert!(
        host.wait_for_log("Connection closed by authenticating user", LOG_WAIT),
        "{}",
        host.log()
    );
}

/// The agent holds two unauthorized keys before the lab key: with no
/// IdentityFile, every agent identity is tried until the host accepts one;
/// with IdentitiesOnly, only the identity matching an IdentityFile is
/// offered, so the lab key is never tried.
#[test]
fn agent_identities_are_tried_in_turn_and_filtered_by_identities_only() {
    let lab = Lab::new();
    let open = host_with_tool(&lab, "agent-open", "1.1.0", KnownHost::Correct);
    let only = host_with_tool(&lab, "agent-only", "1.2.0", KnownHost::Correct);
    let matching = host_with_tool(&lab, "agent-matching", "1.3.0", KnownHost::Correct);
    let dir = tempfile::tempdir().expect("tmp");
    let [other1, other2] = other_keys(dir.path());
    let agent = Agent::start(dir.path());
    agent.add(&other1, None);
    agent.add(&other2, None);
    agent.add(&lab.identity(), None);
    assert_eq!(agent.comments(), ["other-1", "other-2", LAB_KEY_COMMENT]);

    let known = format!("UserKnownHostsFile {}", lab.known_hosts().display());
    let strict = "StrictHostKeyChecking yes".to_owned();
    let config = write_config(
        dir.path(),
        &[
            block(
                &lab,
                "open",
                &open,
                &["IdentitiesOnly no".into(), known.clone(), strict.clone()],
            ),
            block(
                &lab,
                "only",
                &only,
                &[
                    "IdentitiesOnly yes".into(),
                    format!("IdentityFile {}", other1.display()),
                    known.clone(),
                    strict.clone(),
                ],
            ),
            block(
                &lab,
                "matching",
                &matching,
                &[
                    "IdentitiesOnly yes".into(),
                    format!("IdentityFile {}", lab.identity().display()),
                    known,
                    strict,
                ],
            ),
        ],
    );
    let out = dir.path().join("snaps");

    // Without the agent the open host has no key to log in with: the
    // success below is the agent's.
    let run1 = snapshot(&config, &out, &["open"], &[], None);
    assert_eq!(run1.status.code(), Some(2), "{}", stderr(&run1));
    fault_line(&stderr(&run1), "open", "auth-failed");

    let run2 = snapshot(&config, &out, &["open", "only", "matching"], &[], Some(&agent));
    let err = stderr(&run2);
    assert_eq!(run2.status.code(), Some(2), "{err}");
    // open: the third identity got in, after the other two were refused.
    assert_facts_of(&read_json(&out.join("open.json")), &open, "1.1.0");
    let (fp1, fp2) = (fingerprint(&pub_of(&other1)), fingerprint(&pub_of(&other2)));
    let lab_fp = fingerprint(&pub_of(&lab.identity()));
    assert!(open.wait_for_log(&format!("ssh2: ED25519 {lab_fp}"), LOG_WAIT), "{}", open.log());
    let log = open.log();
    let at = |fp: &str| log.find(fp).unwrap_or_else(|| panic!("{fp} not offered:\n{log}"));
    assert!(at(&fp1) < at(&fp2) && at(&fp2) < at(&lab_fp), "{log}");
    // only: IdentitiesOnly with other-1's file offers other-1 alone.
    let line = fault_line(&err, "only", "auth-failed");
    assert!(line.contains("tried agent key other-1"), "{line}");
    for absent in ["other-2", LAB_KEY_COMMENT] {
        assert!(!line.contains(absent), "{line}");
    }
    wait_preauth_close(&only);
    let log = only.log();
    assert!(log.contains(&fp1) && !log.contains(&fp2) && !log.contains(&lab_fp), "{log}");
    assert!(!log.contains("Accepted publickey"), "{log}");
    assert!(!out.join("only.json").exists());
    // matching: the agent's lab key, and nothing else, is offered.
    assert_facts_of(&read_json(&out.join("matching.json")), &matching, "1.3.0");
    let log = matching.log();
    assert!(!log.contains(&fp1) && !log.contains(&fp2), "{log}");
}

/// The lab key, encrypted, as the only IdentityFile (no `.pub` beside it).
fn encrypted_lab_key(lab: &Lab, dir: &Path) -> PathBuf {
    let key = dir.join("encrypted_key");
    copy_lab_key(lab, &key);
    run(Command::new("ssh-keygen").args(["-q", "-p", "-P", "", "-N", "secret", "-f"]).arg(&key));
    assert!(fs::read_to_string(&key).expect("key").contains("OPENSSH PRIVATE KEY"));
    key
}

/// An encrypted key with nobody to ask for its passphrase is not offered
/// blindly: the message says so and what to do, and does not call it tried.
/// Once the agent holds it, the same settings log in (IdentitiesOnly matches
/// the agent's copy to the file even without a `.pub`, as ssh reads the
/// public half from the file). An unencrypted PEM key that is refused is not
/// called encrypted. A file that is no key at all is said unreadable, not
/// tried: the server never saw it.
#[test]
fn encrypted_keys_without_a_terminal_point_to_the_agent() {
    let lab = Lab::new();
    let host = host_with_tool(&lab, "locked", "4.0.0", KnownHost::Correct);
    let dir = tempfile::tempdir().expect("tmp");
    let key = encrypted_lab_key(&lab, dir.path());
    let pem = dir.path().join("pem_rsa");
    keygen(&pem, &["-t", "rsa", "-b", "2048", "-m", "PEM"], "pem-key", "");
    assert!(fs::read_to_string(&pem).expect("pem").starts_with("-----BEGIN RSA PRIVATE KEY"));
    let common = [
        "IdentitiesOnly yes".to_owned(),
        format!("UserKnownHostsFile {}", lab.known_hosts().display()),
        "StrictHostKeyChecking yes".to_owned(),
    ];
    let with = |file: &Path| {
        let mut lines = common.to_vec();
        lines.push(format!("IdentityFile {}", file.display()));
        lines
    };
    let garbage = dir.path().join("not_a_key");
    fs::write(&garbage, "not a key\n").expect("write garbage");
    fs::set_permissions(&garbage, fs::Permissions::from_mode(0o600)).expect("chmod garbage");
    let config = write_config(
        dir.path(),
        &[
            block(&lab, "locked", &host, &with(&key)),
            block(&lab, "pem", &host, &with(&pem)),
            block(&lab, "garbage", &host, &with(&garbage)),
        ],
    );
    let out = dir.path().join("snaps");

    let run1 = snapshot(&config, &out, &["locked", "pem", "garbage"], &[], None);
    let err = stderr(&run1);
    assert_eq!(run1.status.code(), Some(2), "{err}");
    let line = fault_line(&err, "locked", "auth-failed");
    let said = format!("{} is encrypted", key.display());
    assert!(line.contains(&said) && line.contains("add it to ssh-agent"), "{line}");
    assert!(line.contains("no key reached the server") && !line.contains("tried"), "{line}");
    let line = fault_line(&err, "garbage", "auth-failed");
    let said = format!("no key reached the server; could not read {} (", garbage.display());
    assert!(line.contains(&said) && !line.contains("tried"), "{line}");
    let line = fault_line(&err, "pem", "auth-failed");
    assert!(line.contains(&format!("tried {}", pem.display())), "{line}");
    assert!(!line.contains("encrypted"), "{line}");
    assert_eq!(fs::read_dir(&out).expect("out").count(), 0, "nothing written");

    let agent = Agent::start(dir.path());
    agent.add(&key, Some("secret"));
    let run2 = snapshot(&config, &out, &["locked"], &[], Some(&agent));
    assert_eq!(run2.status.code(), Some(0), "{}", stderr(&run2));
    assert_facts_of(&read_json(&out.join("locked.json")), &host, "4.0.0");
}

/// With a terminal (here a stand-in), the passphrase is asked once for the
/// encrypted key; the right one logs in, a wrong one is a failed login.
mod passphrase {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::sync::mpsc;
    use std::time::Duration;

    use super::{block, encrypted_lab_key, host_with_tool, write_config};
    use crate::common::sshd::{KnownHost, Lab};
    use crate::common::{HEADER, command_fact, profile};
    use paritty::collect::CollectOptions;
    use paritty::collect::hosts::collect_targets;
    use paritty::collect::plan::{Plan, Prompts};
    use paritty::collect::ssh::auth::PassphrasePrompt;
    use paritty::collect::target::{SshTarget, Target};
    use paritty::model::{FailReason, HostReport};

    struct Answer {
        says: &'static str,
        asked: Mutex<Vec<PathBuf>>,
    }

    impl PassphrasePrompt for Answer {
        fn passphrase(&self, key: &Path) -> Option<String> {
            self.asked.lock().expect("lock").push(key.to_owned());
            Some(self.says.to_owned())
        }
    }

    fn collect(config: PathBuf, prompt: &Answer) -> HostReport {
        let text = format!("{HEADER}{}", command_fact("tool.mytool", &["mytool"], "version"));
        let mut plan = Plan::new(std::sync::Arc::new(profile(&text)));
        plan.collect = CollectOptions::default();
        plan.host_timeout = Duration::from_secs(30);
        plan.workers = 1;
        plan.ssh.connect_timeout = Duration::from_secs(5);
        plan.ssh.config_file = Some(config);
        let prompts = Prompts { host_key: None, passphrase: Some(prompt) };
        let target = Target::Ssh(SshTarget {
            name: "locked".into(),
            host: "locked".into(),
            user: None,
            port: None,
            labels: BTreeMap::new(),
            identity_file: None,
            proxy_jump: None,
            app_dir: None,
        });
        let (tx, _rx) = mpsc::channel();
        collect_targets(&[target], &plan, prompts, &tx).remove(0)
    }

    #[test]
    fn the_passphrase_is_asked_once_and_used() {
        let lab = Lab::new();
        let host = host_with_tool(&lab, "locked", "4.0.0", KnownHost::Correct);
        let dir = tempfile::tempdir().expect("tmp");
        let key = encrypted_lab_key(&lab, dir.path());
        let lines = [
            "IdentitiesOnly yes".to_owned(),
            format!("IdentityFile {}", key.display()),
            format!("UserKnownHostsFile {}", lab.known_hosts().display()),
            "StrictHostKeyChecking yes".to_owned(),
        ];
        let config = write_config(dir.path(), &[block(&lab, "locked", &host, &lines)]);

        let right = Answer { says: "secret", asked: Mutex::default() };
        let report = collect(config.clone(), &right);
        assert_eq!(report.failure, None);
        let snap = report.snapshot.expect("snapshot");
        assert_eq!(snap.facts["tool.mytool"].value.as_deref(), Some("4.0.0"));
        assert_eq!(*right.asked.lock().expect("lock"), std::slice::from_ref(&key));

        let wrong = Answer { says: "not the secret", asked: Mutex::default() };
        let report = collect(config, &wrong);
        let failure = report.failure.expect("refused");
        assert_eq!(failure.reason, FailReason::AuthFailed, "{failure}");
        let said = format!("could not read {} with the passphrase given", key.display());
        assert!(failure.message().contains(&said), "{failure}");
        assert!(report.snapshot.is_none());
        assert_eq!(*wrong.asked.lock().expect("lock"), [key]);
    }
}

/// A line of a known_hosts file for `host`, as paritty appends it (either
/// of the host's key types may have been negotiated).
fn is_line_for(line: &str, host: &Host) -> bool {
    [KeyType::Ed25519, KeyType::Ecdsa].iter().any(|&kind| line == host.known_hosts_line(kind))
}

/// A known_hosts file with a comment and another host's line, and no
/// newline at its end (the appended line must not be glued to it).
fn prefilled_known_hosts(dir: &Path, name: &str) -> (PathBuf, Vec<u8>) {
    let other = dir.join(format!("{name}-other-host"));
    keygen(&other, &["-t", "ed25519"], "other-host", "");
    let public = fs::read_to_string(pub_of(&other)).expect("pub");
    let fields: Vec<&str> = public.split_whitespace().take(2).collect();
    let before = format!("# hosts of mine\n[127.0.0.1]:2222 {}", fields.join(" "));
    let path = dir.join(name);
    fs::write(&path, &before).expect("write known_hosts");
    (path, before.into_bytes())
}

/// `file` is `before` plus exactly one line (after the newline `before`
/// lacked), which is `host`'s key.
fn assert_one_line_appended(file: &Path, before: &[u8], host: &Host) {
    let after = fs::read(file).expect("read known_hosts");
    assert!(after.starts_with(before), "{}", String::from_utf8_lossy(&after));
    let added = String::from_utf8(after[before.len()..].to_vec()).expect("utf8");
    let added = added.strip_prefix('\n').expect("a newline ends the old last line");
    assert_eq!(added.matches('\n').count(), 1, "{added:?}");
    assert!(is_line_for(added, host), "{added:?} is not a line for {}", host.name());
}

/// Unknown hosts are remembered under StrictHostKeyChecking accept-new and
/// with `--accept-new` under the default (ask, no terminal): one line
/// appended, the file otherwise untouched, and the next run matches it.
/// A changed key stays refused either way, and `yes` beats `--accept-new`.
#[test]
fn accept_new_appends_one_line_and_never_accepts_a_changed_key() {
    let lab = Lab::new();
    let fresh = host_with_tool(&lab, "fresh", "5.0.0", KnownHost::Absent);
    let asked = host_with_tool(&lab, "asked", "5.1.0", KnownHost::Absent);
    let changed = host_with_tool(&lab, "changed", "5.2.0", KnownHost::Wrong);
    let strict = host_with_tool(&lab, "strict", "5.3.0", KnownHost::Absent);
    let dir = tempfile::tempdir().expect("tmp");
    let (fresh_kh, fresh_before) = prefilled_known_hosts(dir.path(), "fresh_known_hosts");
    let (asked_kh, asked_before) = prefilled_known_hosts(dir.path(), "asked_known_hosts");
    let (strict_kh, strict_before) = prefilled_known_hosts(dir.path(), "strict_known_hosts");
    let lab_kh_before = fs::read(lab.known_hosts()).expect("lab known_hosts");
    let lines = |kh: &Path, strict: Option<&str>| {
        let mut lines = vec![
            "IdentitiesOnly yes".to_owned(),
            format!("IdentityFile {}", lab.identity().display()),
            format!("UserKnownHostsFile {}", kh.display()),
        ];
        lines.extend(strict.map(|s| format!("StrictHostKeyChecking {s}")));
        lines
    };
    let config = write_config(
        dir.path(),
        &[
            block(&lab, "fresh", &fresh, &lines(&fresh_kh, Some("accept-new"))),
            block(&lab, "asked", &asked, &lines(&asked_kh, None)),
            block(&lab, "changed", &changed, &lines(&lab.known_hosts(), Some("accept-new"))),
            block(&lab, "strict", &strict, &lines(&strict_kh, Some("yes"))),
        ],
    );
    let out = dir.path().join("snaps");

    // First run: accept-new remembers fresh; asked (ask, no terminal, no
    // flag) is refused and nothing is written for it.
    let run1 = snapshot(&config, &out, &["fresh", "asked", "changed"], &[], None);
    let err = stderr(&run1);
    assert_eq!(run1.status.code(), Some(2), "{err}");
    assert_facts_of(&read_json(&out.join("fresh.json")), &fresh, "5.0.0");
    assert_one_line_appended(&fresh_kh, &fresh_before, &fresh);
    let line = fault_line(&err, "asked", "host-key-unknown");
    assert!(line.contains("--accept-new"), "{line}");
    assert_eq!(fs::read(&asked_kh).expect("asked"), asked_before);
    let line = fault_line(&err, "changed", "host-key-mismatch");
    assert!(line.contains(changed.fingerprint(KeyType::Ed25519)), "{line}");
    assert!(!out.join("changed.json").exists());

    // Second run: fresh matches its line (file unchanged); --accept-new
    // remembers asked; the changed key and StrictHostKeyChecking yes are
    // still refused.
    let fresh_after = fs::read(&fresh_kh).expect("fresh");
    let run2 =
        snapshot(&config, &out, &["fresh", "asked", "changed", "strict"], &["--accept-new"], None);
    let err = stderr(&run2);
    assert_eq!(run2.status.code(), Some(2), "{err}");
    assert!(!err.contains("paritty: fresh:"), "{err}");
    assert_eq!(fs::read(&fresh_kh).expect("fresh"), fresh_after);
    assert_facts_of(&read_json(&out.join("asked.json")), &asked, "5.1.0");
    assert_one_line_appended(&asked_kh, &asked_before, &asked);
    fault_line(&err, "changed", "host-key-mismatch");
    assert_eq!(fs::read(lab.known_hosts()).expect("lab known_hosts"), lab_kh_before);
    let line = fault_line(&err, "strict", "host-key-unknown");
    assert!(line.contains("StrictHostKeyChecking is yes"), "{line}");
    assert_eq!(fs::read(&strict_kh).expect("strict"), strict_before);

    // Third run, no flag: asked now matches the line --accept-new wrote.
    let asked_after = fs::read(&asked_kh).expect("asked");
    let _ = fs::remove_file(out.join("asked.json"));
    let run3 = snapshot(&config, &out, &["fresh", "asked"], &[], None);
    assert_eq!(run3.status.code(), Some(0), "{}", stderr(&run3));
    assert_facts_of(&read_json(&out.join("asked.json")), &asked, "5.1.0");
    assert_eq!(fs::read(&asked_kh).expect("asked"), asked_after);
    assert_eq!(fs::read(&fresh_kh).expect("fresh"), fresh_after);
}

mod realistic {
    //! As root only: a throwaway login user with nothing but their own
    //! `~/.ssh` (config with aliases, default key, known_hosts), running
    //! the real binary with no `-F`, no paritty config and no agent.

    use std::fmt::Write as _;
    use std::fs;
    use std::os::unix::fs::{PermissionsExt, chown};
    use std::path::Path;
    use std::process::{Command, Stdio};

    use super::{assert_facts_of, host_with_tool, pub_of, read_json};
    use crate::common::remote::{binary_for, profile_fixture};
    use crate::common::sshd::{KeyType, KnownHost, Lab};

    /// A login user made for one test, deleted on drop (even on failure).
    struct TempUser {
        name: String,
        uid: u32,
        gid: u32,
    }

    impl TempUser {
        fn create(home: &Path) -> TempUser {
            let name = format!("paritty-real-{}", std::process::id());
            // Left over by a run that was killed before its cleanup.
            if Command::new("id").arg(&name).output().is_ok_and(|o| o.status.success()) {
                userdel(&name);
            }
            let made = Command::new("useradd")
                .arg("-m")
                .arg("-d")
                .arg(home)
                .args(["-s", "/bin/sh", &name])
                .status()
                .expect("run useradd");
            assert!(made.success(), "useradd {name}: {made}");
            let mut user = TempUser { name, uid: 0, gid: 0 };
            let unlocked = Command::new("usermod").args(["-p", "*", &user.name]).status();
            assert!(unlocked.is_ok_and(|s| s.success()), "usermod {}", user.name);
            let id = |flag: &str| -> u32 {
                let out = Command::new("id").args([flag, &user.name]).output().expect("id");
                String::from_utf8_lossy(&out.stdout).trim().parse().expect("numeric id")
            };
            (user.uid, user.gid) = (id("-u"), id("-g"));
            user
        }

        /// Gives `path` to this user with `mode`.
        fn own(&self, path: &Path, mode: u32) {
            chown(path, Some(self.uid), Some(self.gid)).expect("chown");
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
        }

        /// `runuser -u USER -- ARGS...`
        fn command(&self, program: &Path) -> Command {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", &self.name, "--"]).arg(program);
            cmd
        }
    }

    impl Drop for TempUser {
        fn drop(&mut self) {
            userdel(&self.name);
        }
    }

    fn userdel(name: &str) {
        match Command::new("userdel").arg(name).output() {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!("userdel {name}: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => eprintln!("userdel {name}: {e}"),
        }
    }

    #[test]
    fn a_real_user_with_only_their_own_ssh_files() {
        let lab = Lab::new();
        if !lab.is_root() {
            println!("skipped: creating a login user needs root");
            return;
        }
        let a = host_with_tool(&lab, "real-a", "6.0.0", KnownHost::Correct);
        let b = host_with_tool(&lab, "real-b", "6.1.0", KnownHost::Correct);
        let dir = tempfile::tempdir().expect("tmp");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod tmp");
        let home = dir.path().join("home");
        let user = TempUser::create(&home);

        let ssh = home.join(".ssh");
        fs::create_dir_all(&ssh).expect("mkdir .ssh");
        user.own(&ssh, 0o700);
        let config = ssh.join("config");
        let mut text = String::new();
        for (alias, host) in [("alias-a", &a), ("alias-b", &b)] {
            let _ = write!(
                text,
                "Host {alias}\n    HostName {}\n    Port {}\n    User {}\n\n",
                host.addr(),
                host.port(),
                lab.user()
            );
        }
        fs::write(&config, text).expect("write config");
        user.own(&config, 0o600);
        let key = ssh.join("id_ed25519");
        fs::copy(lab.identity(), &key).expect("copy key");
        user.own(&key, 0o600);
        fs::copy(pub_of(&lab.identity()), pub_of(&key)).expect("copy pub");
        user.own(&pub_of(&key), 0o644);
        let known = ssh.join("known_hosts");
        let lines = a.known_hosts_line(KeyType::Ed25519) + &b.known_hosts_line(KeyType::Ed25519);
        fs::write(&known, &lines).expect("write known_hosts");
        user.own(&known, 0o600);

        let shared = dir.path().join("shared");
        fs::create_dir(&shared).expect("mkdir shared");
        // A copy the user can read wherever the checkout is.
        let profile = shared.join("tool-test.toml");
        fs::copy(profile_fixture("tool-test"), &profile).expect("copy profile");
        let empty_config = shared.join("paritty-config");
        fs::create_dir(&empty_config).expect("mkdir config");
        for path in [&shared, &empty_config] {
            fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        fs::set_permissions(&profile, fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("mkdir out");
        user.own(&out, 0o755);
        let paritty = binary_for(user.uid, user.gid, &shared);

        let run = user
            .command(&paritty)
            .args(["snapshot", "alias-a", "alias-b", "--out"])
            .arg(&out)
            .arg("--profile")
            .arg(&profile)
            .env("PARITTY_CONFIG_DIR", &empty_config)
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("XDG_CONFIG_HOME")
            .stdin(Stdio::null())
            .output()
            .expect("runuser paritty");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{stderr}");
        for (alias, host, version) in [("alias-a", &a, "6.0.0"), ("alias-b", &b, "6.1.0")] {
            let path = out.join(format!("{alias}.json"));
            let snap = read_json(&path);
            assert_eq!(snap["host"]["name"], alias);
            let address = format!("{}@{}:{}", lab.user(), host.addr(), host.port());
            assert_eq!(snap["host"]["address"], address.as_str());
            assert_facts_of(&snap, host, version);
            let meta = fs::metadata(&path).expect("stat snapshot");
            assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), user.uid, "written by the user");
        }
        assert_eq!(fs::read_to_string(&known).expect("known_hosts"), lines, "known_hosts kept");
    }
}

/// paritty hands libssh2 a key's `.pub` (which spares decoding the private
/// key twice) only when it is that key's own public half: beside a stale
/// `.pub`, left from another key, the key still logs in, as with ssh.
#[test]
fn a_key_logs_in_beside_its_own_pub_and_beside_a_stale_one() {
    let lab = Lab::new();
    let host = host_with_tool(&lab, "pubs", "5.0.0", KnownHost::Correct);
    let dir = tempfile::tempdir().expect("tmp");
    let own = dir.path().join("own_key");
    copy_lab_key(&lab, &own);
    let public = run(Command::new("ssh-keygen").arg("-y").arg("-f").arg(&own));
    fs::write(pub_of(&own), public).expect("write own .pub");
    let stale = dir.path().join("stale_key");
    copy_lab_key(&lab, &stale);
    let [other, _] = other_keys(dir.path());
    fs::copy(pub_of(&other), pub_of(&stale)).expect("copy a stale .pub");
    let lines = |key: &Path| {
        vec![
            format!("IdentityFile {}", key.display()),
            "IdentitiesOnly yes".to_owned(),
            format!("UserKnownHostsFile {}", lab.known_hosts().display()),
            "StrictHostKeyChecking yes".to_owned(),
        ]
    };
    let config = write_config(
        dir.path(),
        &[block(&lab, "own", &host, &lines(&own)), block(&lab, "stale", &host, &lines(&stale))],
    );
    let out = dir.path().join("snaps");
    let run = snapshot(&config, &out, &["own", "stale"], &[], None);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    for name in ["own", "stale"] {
        assert_facts_of(&read_json(&out.join(format!("{name}.json"))), &host, "5.0.0");
    }
}

/// OpenSSH's sshd disconnects once a client has offered MaxAuthTries keys
/// it refused, answering the last one with the disconnection alone. Of
/// three identity files, the host (MaxAuthTries 2) refuses the first, cuts
/// the connection at the second and never sees the third: only the first
/// is listed as tried (the one the server answered), the second is named
/// as unanswered, the third not at all.
#[test]
fn max_auth_tries_lists_only_the_keys_the_server_answered() {
    let lab = Lab::new();
    let host = lab.add_host(&HostSpec {
        name: "tries",
        sshd_config: &["MaxAuthTries 2"],
        ..HostSpec::default()
    });
    let dir = tempfile::tempdir().expect("tmp");
    let keys = ["refused-1", "refused-2", "refused-3"].map(|name| {
        let path = dir.path().join(name);
        keygen(&path, &["-t", "ed25519"], name, "");
        path
    });
    let mut lines = vec![
        "IdentitiesOnly yes".to_owned(),
        format!("UserKnownHostsFile {}", lab.known_hosts().display()),
        "StrictHostKeyChecking yes".to_owned(),
    ];
    lines.extend(keys.iter().map(|k| format!("IdentityFile {}", k.display())));
    let config = write_config(dir.path(), &[block(&lab, "tries", &host, &lines)]);
    let out = dir.path().join("snaps");

    let run = snapshot(&config, &out, &["tries"], &[], None);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    let line = fault_line(&err, "tries", "auth-failed");
    let tried = format!("tried {}; no answer to {}: ", keys[0].display(), keys[1].display());
    assert!(line.contains(&tried), "{line}");
    assert!(line.contains("MaxAuthTries"), "{line}");
    assert!(!line.contains(&keys[2].display().to_string()), "{line}");
    // The server's own account: two keys seen, then the disconnection.
    assert!(host.wait_for_log("Too many authentication failures", LOG_WAIT), "{}", host.log());
    let log = host.log();
    let [fp1, fp2, fp3] = keys.each_ref().map(|k| fingerprint(&pub_of(k)));
    assert!(log.contains(&fp1) && log.contains(&fp2), "{log}");
    assert!(!log.contains(&fp3), "the third key never reached the server:\n{log}");

    // The same three keys from an agent (no IdentitiesOnly): the same stop.
    let agent = Agent::start(dir.path());
    for key in &keys {
        agent.add(key, None);
    }
    let lines = ["IdentitiesOnly no".to_owned(), lines[1].clone(), lines[2].clone()];
    let config = write_config(dir.path(), &[block(&lab, "tries", &host, &lines)]);
    let run = snapshot(&config, &out, &["tries"], &[], Some(&agent));
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    let line = fault_line(&err, "tries", "auth-failed");
    let said = "tried agent key refused-1; no answer to agent key refused-2: ";
    assert!(line.contains(said) && !line.contains("refused-3"), "{line}");
}
