//! Property-based tests of the readers of untrusted text: the snapshot
//! loader, paritty's ssh_config parser and its known_hosts parser. Whatever
//! they are given, they answer (a value or one error line) without
//! panicking, and an accepted snapshot survives being written and read again.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use proptest::prelude::*;

use paritty::collect::ssh::known_hosts::{self, HostId, Verdict};
use paritty::collect::ssh::settings::{Request, Resolver, resolve_with};
use paritty::model::snapshot_file::{parse_snapshot, read_snapshot, to_json};
use paritty::model::{
    Fact, HostInfo, Origin, Process, ProfileRef, Running, Snapshot, Status, Transport,
};
use paritty::profile::CompareKind;

/// Text of every kind a file may hold: plain words, escapes and controls,
/// bidirectional overrides, and any Unicode at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.-]{1,8}",
        "[a-z \\x00-\\x1f\\x7f\\u{9b}\\u{202e}\\[\\]]{0,8}",
        any::<String>(),
    ]
}

/// A fact's running servers, as a teammate's file may state them.
fn running() -> impl Strategy<Value = Option<Running>> {
    let process = (
        (any::<u32>(), text(), proptest::option::of(text()), proptest::option::of(text())),
        (any::<bool>(), text(), proptest::option::of(text())),
    )
        .prop_map(|((pid, program, exe, version), (replaced, raw, note))| Process {
            pid,
            program,
            exe,
            version,
            replaced,
            raw,
            note,
        });
    proptest::option::of(
        (proptest::option::of(text()), proptest::collection::vec(process, 0..3))
            .prop_map(|(unobservable, processes)| Running { unobservable, processes }),
    )
}

fn fact() -> impl Strategy<Value = Fact> {
    let status = prop_oneof![
        Just(Status::Ok),
        Just(Status::Missing),
        Just(Status::Timeout),
        Just(Status::Error),
        Just(Status::Redacted),
    ];
    let compare = proptest::option::of(prop_oneof![
        Just(CompareKind::Semver),
        Just(CompareKind::Dpkg),
        Just(CompareKind::Loose),
        Just(CompareKind::Exact),
    ]);
    (
        (proptest::option::of(text()), status, text(), proptest::option::of(text()), any::<u64>()),
        (text(), text(), compare, any::<bool>()),
        (
            proptest::option::of(proptest::collection::vec(text(), 0..3)),
            proptest::option::of(any::<i32>()),
            proptest::collection::vec(text(), 0..2),
            any::<bool>(),
            prop_oneof![
                Just(None),
                Just(Some(Origin::ImageConfig)),
                Just(Some(Origin::ImageFiles)),
                Just(Some(Origin::ImageLabel))
            ],
            running(),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (value, status, raw, found_at, duration_ms),
                (label, category, compare, informational),
                (command, exit_code, shadowed, truncated, origin, running, pinned),
            )| Fact {
                value,
                status,
                raw,
                found_at,
                duration_ms,
                label,
                category,
                compare,
                informational,
                command,
                exit_code,
                shadowed,
                truncated,
                origin,
                running,
                pinned,
            },
        )
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    let host = (
        text(),
        proptest::option::of(text()),
        prop_oneof![Just(Transport::Local), Just(Transport::Ssh)],
        proptest::collection::btree_map(text(), text(), 0..3),
    )
        .prop_map(|(name, address, transport, labels)| HostInfo {
            name,
            address,
            transport,
            labels,
        });
    (
        (0u32..3, text(), text(), text()),
        host,
        (text(), any::<u64>(), proptest::collection::btree_map(text(), fact(), 0..4)),
        proptest::option::of(text()),
    )
        .prop_map(
            |(
                (schema_version, paritty_version, profile, hash),
                host,
                (collected_at, duration_ms, facts),
                redacted,
            )| Snapshot {
                schema_version,
                paritty_version,
                profile: ProfileRef { name: profile, hash },
                host,
                collected_at,
                duration_ms,
                facts: facts.into_iter().collect::<BTreeMap<_, _>>(),
                redacted,
            },
        )
}

/// Text that looks like JSON, and like a snapshot, often enough to get
/// past the parser's first checks: tokens of both, in any order.
fn json_ish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("1".to_owned()),
        Just("-1e999".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\"schema_version\"".to_owned()),
        Just("\"facts\"".to_owned()),
        Just("\"host\"".to_owned()),
        Just("\"name\"".to_owned()),
        Just("\"\\u001b[2J\"".to_owned()),
        Just("\"\\ud800\"".to_owned()),
        text().prop_map(|t| serde_json::Value::String(t).to_string()),
    ];
    proptest::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

/// A loaded snapshot, written out and loaded again, is the same snapshot.
fn reloads_the_same(loaded: &Snapshot) -> Result<(), TestCaseError> {
    match parse_snapshot(&to_json(loaded), Path::new("again.json")) {
        Ok(again) => prop_assert_eq!(&again, loaded),
        Err(e) => prop_assert!(false, "an accepted snapshot no longer loads: {}", e),
    }
    Ok(())
}

proptest! {
    /// The bounded reader every untrusted file goes through: a file of at
    /// most the limit comes back whole, a longer one is refused.
    #[test]
    fn the_bounded_reader_returns_all_or_refuses(size in 0usize..3000, limit in 0u64..3000) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..=250u8).cycle().take(size).collect();
        std::fs::write(&path, &bytes).expect("write");
        match paritty::fsutil::read_bytes(&path, limit) {
            Ok(read) => prop_assert!(size as u64 <= limit && read == bytes),
            Err(e) => {
                prop_assert!(size as u64 > limit);
                let limit_named = matches!(e.problem, paritty::fsutil::ReadProblem::TooLarge { limit: l } if l == limit);
                prop_assert!(limit_named, "{}", e);
            }
        }
    }

    #[test]
    fn any_bytes_in_a_snapshot_file_give_a_value_or_one_error_line(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("s.json");
        std::fs::write(&path, &bytes).expect("write");
        match read_snapshot(&path) {
            Ok(loaded) => reloads_the_same(&loaded)?,
            Err(e) => prop_assert!(!e.to_string().contains('\n'), "{}", e),
        }
    }

    #[test]
    fn json_ish_text_gives_a_value_or_one_error_line(text in json_ish()) {
        match parse_snapshot(&text, Path::new("s.json")) {
            Ok(loaded) => reloads_the_same(&loaded)?,
            Err(e) => prop_assert!(!e.to_string().contains('\n'), "{}", e),
        }
    }

    #[test]
    fn an_accepted_snapshot_reloads_to_the_same_value(snapshot in snapshot()) {
        // Both layouts a file may come in: paritty's own, and compact.
        for json in [to_json(&snapshot), serde_json::to_string(&snapshot).expect("json")] {
            match parse_snapshot(&json, Path::new("s.json")) {
                Ok(loaded) => {
                    reloads_the_same(&loaded)?;
                    let clean = |s: &str| !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
                    prop_assert!(clean(&loaded.host.name) && !loaded.host.name.contains('\n'));
                    prop_assert!(clean(&loaded.profile.hash) && clean(&loaded.paritty_version));
                    prop_assert!(loaded.facts.values().all(|f| clean(&f.raw)));
                }
                Err(e) => prop_assert!(!e.to_string().contains('\n'), "{}", e),
            }
        }
    }
}

/// ssh_config keywords the parser knows, and some it does not. Include is
/// left out on purpose: its globs would read whatever this machine holds.
const KEYWORDS: &[&str] = &[
    "Host",
    "Match",
    "HostName",
    "User",
    "Port",
    "IdentityFile",
    "IdentitiesOnly",
    "ProxyJump",
    "ProxyCommand",
    "ConnectTimeout",
    "StrictHostKeyChecking",
    "UserKnownHostsFile",
    "GlobalKnownHostsFile",
    "HostKeyAlias",
    "BatchMode",
    "HashKnownHosts",
    "IgnoreUnknown",
    "CanonicalizeHostname",
    "Bogus",
    "#",
    "",
];

fn config_line() -> impl Strategy<Value = String> {
    let arg = prop_oneof![
        "[a-z0-9%~*?!,.:@\\[\\]=\"' -]{0,12}",
        Just("all".to_owned()),
        Just("final".to_owned()),
        Just("exec true".to_owned()),
        Just("host box".to_owned()),
        text(),
    ];
    let line =
        (proptest::sample::select(KEYWORDS), prop_oneof![Just(" "), Just("="), Just("\t")], arg)
            .prop_map(|(kw, sep, arg)| format!("{kw}{sep}{arg}"));
    prop_oneof![3 => line, 1 => text()]
        .prop_filter("no Include", |l| !l.to_ascii_lowercase().contains("include"))
}

fn known_hosts_line() -> impl Strategy<Value = String> {
    let key = proptest::collection::vec(any::<u8>(), 0..40)
        .prop_map(|b| base64::engine::general_purpose::STANDARD.encode(b));
    let line = (
        prop_oneof![Just(""), Just("@revoked "), Just("@cert-authority "), Just("@x ")],
        prop_oneof![Just("box".to_owned()), Just("|1|a|b".to_owned()), "[a-z0-9.,!\\[\\]:|]{0,12}"],
        prop_oneof![Just("ssh-ed25519"), Just("ssh-rsa"), Just("x")],
        key,
    )
        .prop_map(|(marker, names, kind, key)| format!("{marker}{names} {kind} {key}"));
    // No `*` or `?`: a random pattern would match the host on purpose only.
    prop_oneof![3 => line, 1 => text()].prop_filter("no wildcard", |l| !l.contains(['*', '?']))
}

/// A well-formed key blob of `kind` (an SSH string, then payload).
fn blob(kind: &str, payload: &[u8]) -> Vec<u8> {
    let mut blob = u32::try_from(kind.len()).expect("short").to_be_bytes().to_vec();
    blob.extend_from_slice(kind.as_bytes());
    blob.extend_from_slice(payload);
    blob
}

proptest! {
    #[test]
    fn any_ssh_config_lines_give_settings_or_one_error_line(
        lines in proptest::collection::vec(config_line(), 0..12),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let config = dir.path().join("config");
        std::fs::write(&config, lines.join("\n")).expect("write");
        let req = Request { host: "box", user: None, port: None, config_file: Some(&config) };
        if let Err(e) = resolve_with(&req, Resolver::Parse) {
            prop_assert!(!e.to_string().contains('\n'), "{}", e);
        }
    }

    #[test]
    fn any_known_hosts_lines_never_hide_a_good_one(
        before in proptest::collection::vec(known_hosts_line(), 0..8),
        after in proptest::collection::vec(known_hosts_line(), 0..8),
        probe in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("known_hosts");
        let host = HostId { name: "box.example".into(), port: 22 };
        let files = [file.clone()];
        // Garbage alone: any verdict, no panic.
        std::fs::write(&file, before.join("\n")).expect("write");
        let _ = known_hosts::check_key(&probe, &files, &host);
        let _ = known_hosts::known_key_types(&files, &host);
        // A good line among garbage for other names still matches.
        let key = blob("ssh-ed25519", &probe);
        let good = format!(
            "box.example ssh-ed25519 {}",
            base64::engine::general_purpose::STANDARD.encode(&key)
        );
        let mut lines: Vec<String> = before.clone();
        lines.push(good);
        lines.extend(after);
        lines.retain(|l| !l.contains("box") || l.starts_with("box.example ssh-ed25519"));
        std::fs::write(&file, lines.join("\n")).expect("write");
        prop_assert_eq!(known_hosts::check_key(&key, &files, &host), Verdict::Match);
        prop_assert_eq!(known_hosts::known_key_types(&files, &host), vec!["ssh-ed25519".to_owned()]);
    }
}
