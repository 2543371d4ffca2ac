//! Host key verification (`collect::ssh::known_hosts`) against real sshd hosts, with the
//! OpenSSH client as the referee wherever the two could disagree.
#![cfg(target_os = "linux")]

use std::fs;
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::slice::from_ref;
use std::time::Duration;

use crate::common::sshd::{Host, HostSpec, KeyType, KnownHost, Lab};
use paritty::collect::ssh::known_hosts::{self, HostId, Verdict};
use ssh2::{MethodType, Session};

/// A lab with one host and no lab `known_hosts` line for it: each test writes its own files.
fn lab_with_host() -> (Lab, Host) {
    let lab = Lab::new();
    let host = lab.add_host(&HostSpec {
        name: "box",
        known_host: KnownHost::Absent,
        ..HostSpec::default()
    });
    (lab, host)
}

fn id(host: &Host) -> HostId {
    HostId { name: host.addr().to_string(), port: host.port() }
}

/// A handshaken session; `methods` is the host key preference (None: libssh2's default).
fn handshake(host: &Host, methods: Option<&str>) -> Session {
    let tcp =
        TcpStream::connect_timeout(&host.socket_addr(), Duration::from_secs(5)).expect("connect");
    let mut session = Session::new().expect("session");
    session.set_tcp_stream(tcp);
    session.set_timeout(5000);
    if let Some(methods) = methods {
        session.method_pref(MethodType::HostKey, methods).expect("method_pref");
    }
    session.handshake().expect("handshake");
    session
}

/// Connects the way paritty does (preference from `files`) and checks the key.
fn verdict(host: &Host, files: &[PathBuf]) -> Verdict {
    let session = handshake(host, Some(&known_hosts::host_key_methods(files, &id(host))));
    known_hosts::check(&session, files, &id(host))
}

/// Writes a `known_hosts` file in the lab folder.
fn write(lab: &Lab, name: &str, text: &str) -> PathBuf {
    let path = lab.dir().join(name);
    fs::write(&path, text).expect("write known_hosts");
    path
}

/// `type base64` of a host key (the `known_hosts` key fields).
fn key(host: &Host, kind: KeyType) -> String {
    host.public_key(kind).split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// `type base64` of a fresh ed25519 key nobody serves.
fn impostor(lab: &Lab) -> String {
    let path = lab.dir().join(format!("impostor-{}", fs::read_dir(lab.dir()).expect("ls").count()));
    run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&path));
    let public = fs::read_to_string(path.with_extension("pub")).expect("read impostor");
    public.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().expect("run helper");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The OpenSSH client with these files and StrictHostKeyChecking=yes: (succeeded, stderr).
fn ssh(
    lab: &Lab,
    host: &Host,
    user_file: &Path,
    global_file: &Path,
    extra: &[&str],
) -> (bool, String) {
    let out = Command::new("ssh")
        .arg("-F")
        .arg(lab.ssh_config())
        .args(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o"])
        .arg(format!("UserKnownHostsFile={}", user_file.display()))
        .arg("-o")
        .arg(format!("GlobalKnownHostsFile={}", global_file.display()))
        .args(extra)
        .args([host.name(), "true"])
        .stdin(Stdio::null())
        .output()
        .expect("run ssh");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_port_line_matches_and_ssh_agrees() {
    let (lab, host) = lab_with_host();
    let file = write(&lab, "kh", &host.known_hosts_line(KeyType::Ed25519));
    assert_eq!(verdict(&host, from_ref(&file)), Verdict::Match);
    let (ok, err) = ssh(&lab, &host, &file, Path::new("/dev/null"), &[]);
    assert!(ok, "ssh refused what we accept: {err}");
}

#[test]
fn hashed_lines_match() {
    let (lab, host) = lab_with_host();
    let text = format!(
        "{}{}",
        host.known_hosts_line(KeyType::Ecdsa),
        host.known_hosts_line(KeyType::Ed25519)
    );
    let file = write(&lab, "kh", &text);
    run(Command::new("ssh-keygen").arg("-H").arg("-f").arg(&file));
    let hashed = fs::read_to_string(&file).expect("read hashed");
    assert!(hashed.lines().all(|l| l.starts_with("|1|")), "not hashed:\n{hashed}");
    assert_eq!(verdict(&host, from_ref(&file)), Verdict::Match);
    // Both types are found behind the hashes, in OpenSSH's order.
    let methods = known_hosts::host_key_methods(&[file], &id(&host));
    assert!(methods.starts_with("ssh-ed25519,ecdsa-sha2-nistp256,"), "{methods}");
}

#[test]
fn no_line_or_no_file_is_unknown() {
    let (lab, host) = lab_with_host();
    let other = impostor(&lab);
    let file = write(&lab, "kh", &format!("127.0.0.1 {other}\n[{}]:1 {other}\n", host.addr()));
    assert_eq!(verdict(&host, &[file]), Verdict::Unknown);
    assert_eq!(verdict(&host, &[lab.dir().join("missing")]), Verdict::Unknown);
    assert_eq!(verdict(&host, &[]), Verdict::Unknown);
}

#[test]
fn a_changed_key_names_the_file_and_line_ssh_names() {
    let (lab, host) = lab_with_host();
    let (other, older) = (impostor(&lab), impostor(&lab));
    let name = format!("[{}]:{}", host.addr(), host.port());
    // Two lines hold other keys for this host (5 and 8): ssh names the last one.
    let text = format!(
        "# comment\n\n@cert-authority *.example {other}\nthis line is garbage\n\
         other.example,{name} {older}\n|1|bm90|aGFzaA== {other}\n@unknown-marker {name} {other}\n\
         {name} {other}\n# after\n"
    );
    let file = write(&lab, "kh", &text);
    let changed =
        Verdict::Changed { file: file.clone(), line: 8, known_type: "ssh-ed25519".into() };
    assert_eq!(verdict(&host, from_ref(&file)), changed);
    let (ok, err) = ssh(&lab, &host, &file, Path::new("/dev/null"), &[]);
    assert!(
        !ok && err.contains(&format!("Offending ED25519 key in {}:8", file.display())),
        "{err}"
    );
}

#[test]
fn any_matching_line_in_any_file_wins_over_other_keys() {
    let (lab, host) = lab_with_host();
    let user =
        write(&lab, "user", &format!("[{}]:{} {}\n", host.addr(), host.port(), impostor(&lab)));
    let global = write(&lab, "global", &host.known_hosts_line(KeyType::Ed25519));
    assert_eq!(verdict(&host, &[user.clone(), global.clone()]), Verdict::Match);
    let (ok, err) = ssh(&lab, &host, &user, &global, &[]);
    assert!(ok, "ssh: {err}");
    // With the matching file gone, the other key is a change, reported where it is.
    let changed =
        Verdict::Changed { file: user.clone(), line: 1, known_type: "ssh-ed25519".into() };
    assert_eq!(verdict(&host, &[user]), changed);
}

#[test]
fn a_bare_host_line_vouches_only_for_its_exact_key_as_ssh_does() {
    let (lab, host) = lab_with_host();
    // ssh retries a non-22 port without the port ("found matching key w/out port").
    let right =
        write(&lab, "right", &format!("{} {}\n", host.addr(), key(&host, KeyType::Ed25519)));
    assert_eq!(verdict(&host, from_ref(&right)), Verdict::Match);
    assert!(ssh(&lab, &host, &right, Path::new("/dev/null"), &[]).0);
    // A bare line with another key does not make the key "changed", only unknown.
    let wrong = write(&lab, "wrong", &format!("{} {}\n", host.addr(), impostor(&lab)));
    assert_eq!(verdict(&host, from_ref(&wrong)), Verdict::Unknown);
    let (ok, err) = ssh(&lab, &host, &wrong, Path::new("/dev/null"), &[]);
    assert!(!ok && err.contains("No ED25519 host key is known"), "{err}");
    // Any line under [host]:port takes precedence: the bare line is then not consulted.
    let port_line = format!("[{}]:{} {}\n", host.addr(), host.port(), impostor(&lab));
    let both = write(
        &lab,
        "both",
        &format!("{port_line}{} {}\n", host.addr(), key(&host, KeyType::Ed25519)),
    );
    assert!(matches!(verdict(&host, from_ref(&both)), Verdict::Changed { line: 1, .. }));
    assert!(!ssh(&lab, &host, &both, Path::new("/dev/null"), &[]).0);
    // A HostKeyAlias is looked up alone: neither the port nor the address counts.
    let alias = HostId { name: "Some-Alias".into(), port: 22 };
    let aliased = write(&lab, "alias", &format!("some-alias {}\n", key(&host, KeyType::Ed25519)));
    let session =
        handshake(&host, Some(&known_hosts::host_key_methods(from_ref(&aliased), &alias)));
    assert_eq!(known_hosts::check(&session, from_ref(&aliased), &alias), Verdict::Match);
    assert_eq!(known_hosts::check(&session, &[aliased], &id(&host)), Verdict::Unknown);
}

#[test]
fn an_ecdsa_only_file_matches_thanks_to_the_method_preference() {
    let (lab, host) = lab_with_host();
    let file = write(&lab, "kh", &host.known_hosts_line(KeyType::Ecdsa));
    let methods = known_hosts::host_key_methods(from_ref(&file), &id(&host));
    assert!(methods.starts_with("ecdsa-sha2-nistp256,ssh-ed25519,"), "{methods}");
    assert_eq!(known_hosts::known_key_types(from_ref(&file), &id(&host)), ["ecdsa-sha2-nistp256"]);
    assert_eq!(verdict(&host, from_ref(&file)), Verdict::Match);
    // libssh2's own order picks ed25519, a type with no line: OpenSSH calls that a change
    // (`ssh -o HostKeyAlgorithms=ssh-ed25519` refuses too), and so do we.
    let session = handshake(&host, None);
    let changed =
        Verdict::Changed { file: file.clone(), line: 1, known_type: "ecdsa-sha2-nistp256".into() };
    assert_eq!(known_hosts::check(&session, from_ref(&file), &id(&host)), changed);
    let (ok, err) =
        ssh(&lab, &host, &file, Path::new("/dev/null"), &["-o", "HostKeyAlgorithms=ssh-ed25519"]);
    assert!(!ok && err.contains("Offending ECDSA key"), "{err}");
}

#[test]
fn a_revoked_key_is_refused_even_with_a_matching_line() {
    let (lab, host) = lab_with_host();
    let text = format!(
        "{}@revoked * {}\n",
        host.known_hosts_line(KeyType::Ed25519),
        key(&host, KeyType::Ed25519)
    );
    let file = write(&lab, "kh", &text);
    let session = handshake(&host, Some("ssh-ed25519"));
    let revoked = Verdict::Revoked { file: file.clone(), line: 2 };
    assert_eq!(known_hosts::check(&session, from_ref(&file), &id(&host)), revoked);
    let (ok, err) =
        ssh(&lab, &host, &file, Path::new("/dev/null"), &["-o", "HostKeyAlgorithms=ssh-ed25519"]);
    assert!(!ok && err.contains("REVOKED"), "{err}");
}

#[test]
fn append_adds_one_line_that_ssh_accepts() {
    for hash in [false, true] {
        let (lab, host) = lab_with_host();
        // The last line has no newline: ours must not be glued to it.
        let before = format!("# mine\nother.example {}", impostor(&lab));
        let file = write(&lab, "kh", &before);
        let session =
            handshake(&host, Some(&known_hosts::host_key_methods(from_ref(&file), &id(&host))));
        assert_eq!(known_hosts::check(&session, from_ref(&file), &id(&host)), Verdict::Unknown);
        let line = known_hosts::append(&file, &id(&host), &session, hash).expect("append");
        let after = fs::read(&file).expect("read");
        assert_eq!(&after[..before.len()], before.as_bytes(), "existing bytes were touched");
        assert_eq!(String::from_utf8_lossy(&after[before.len()..]), format!("\n{line}\n"));
        assert_eq!(line.starts_with("|1|"), hash, "{line}");
        assert_eq!(known_hosts::check(&session, from_ref(&file), &id(&host)), Verdict::Match);
        let name = format!("[{}]:{}", host.addr(), host.port());
        let found = run(Command::new("ssh-keygen").args(["-F", &name, "-f"]).arg(&file));
        assert!(String::from_utf8_lossy(&found.stdout).contains("found: line 3"), "{found:?}");
        let (ok, err) = ssh(&lab, &host, &file, Path::new("/dev/null"), &[]);
        assert!(ok, "ssh refused the appended line {line}: {err}");
    }
}

#[test]
fn append_creates_the_folder_and_file_privately() {
    let (lab, host) = lab_with_host();
    let file = lab.dir().join("new/.ssh/known_hosts");
    let session = handshake(&host, Some(&known_hosts::host_key_methods(&[], &id(&host))));
    let line = known_hosts::append(&file, &id(&host), &session, false).expect("append");
    assert_eq!(fs::read_to_string(&file).expect("read"), format!("{line}\n"));
    assert_eq!(line, host.known_hosts_line(KeyType::Ed25519).trim_end());
    let mode = |p: &Path| fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().expect("folder")), 0o700);
}

#[test]
fn fingerprints_are_the_ones_ssh_keygen_prints() {
    let (_lab, host) = lab_with_host();
    for (methods, kind) in
        [("ssh-ed25519", KeyType::Ed25519), ("ecdsa-sha2-nistp256", KeyType::Ecdsa)]
    {
        let session = handshake(&host, Some(methods));
        assert_eq!(known_hosts::fingerprint(&session).as_deref(), Some(host.fingerprint(kind)));
    }
}
