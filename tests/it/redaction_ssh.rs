//! Secrets planted on a real SSH host (in its session environment and in a
//! tool's output) never reach any export, in any format, unless
//! `--no-redact` is given. Only 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output};

use crate::common::sshd::{HostSpec, Lab};

const TOKEN: &str = "tok-9f8e7d6c5b4a";
const PASSWORD: &str = "hunter2-xyzzy";

const PROFILE: &str = r#"
[profile]
name = "secrets-test"

[[fact]]
id = "env.api_token"
label = "API token"
category = "Environment"
compare = "text"
sources = [{ env = "API_TOKEN" }]

[[fact]]
id = "env.database_url"
label = "Database URL"
category = "Environment"
compare = "text"
sources = [{ env = "DATABASE_URL" }]

[[fact]]
id = "tool.dbinfo"
label = "dbinfo"
category = "Tools"
compare = "text"
parser = "trim"
sources = [{ cmd = ["dbinfo"] }]
"#;

fn paritty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(args)
        .current_dir(dir)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty")
}

#[test]
fn planted_secrets_never_reach_an_export_unless_asked() {
    let lab = Lab::new();
    let url = format!("postgres://app:{PASSWORD}@db.internal:5432/app");
    let dbinfo = format!("echo 'connected to {url}'");
    let env = [("API_TOKEN", TOKEN), ("DATABASE_URL", url.as_str())];
    let host = lab.add_host(&HostSpec {
        name: "vault-1",
        tools: &[("dbinfo", dbinfo.as_str())],
        env: &env,
        ..HostSpec::default()
    });
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("secrets.toml"), PROFILE).expect("profile");
    let config = lab.ssh_config();
    let common = ["--profile", "secrets.toml", "--ssh-config", config.to_str().expect("utf8")];

    // The snapshot, kept unredacted, then exported from as a target too.
    let raw = dir.path().join("raw.json");
    let mut args = vec!["snapshot", "vault-1", "--no-redact", "--out", raw.to_str().expect("utf8")];
    args.extend(common);
    let out = paritty(dir.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept = std::fs::read_to_string(&raw).expect("written");
    assert!(kept.contains(TOKEN) && kept.contains(PASSWORD), "the host really has them:\n{kept}");

    let mut exports = Vec::new();
    for format in ["json", "md", "text", "html"] {
        let mut args = vec!["snapshot", "vault-1", "--format", format];
        args.extend(common);
        exports.push((format!("snapshot --format {format}"), paritty(dir.path(), &args)));
        let mut args = vec!["diff", "vault-1", "raw.json", "--format", format];
        args.extend(common);
        exports.push((format!("diff --format {format}"), paritty(dir.path(), &args)));
    }
    for (what, out) in &exports {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!text.contains(TOKEN), "{what} leaked the token:\n{text}");
        assert!(!text.contains(PASSWORD), "{what} leaked the password:\n{text}");
        // (Markdown escapes the underscore.)
        let unescaped = text.replace("\\_", "_");
        assert!(
            unescaped.contains("Redacted: the values of API_TOKEN"),
            "{what} says what it redacted:\n{text}"
        );
        assert!(text.contains("credential"), "{what} says what it redacted:\n{text}");
    }
    // Explicitly asked: written as collected.
    let mut args = vec!["diff", "vault-1", "raw.json", "--format", "md", "--no-redact"];
    args.extend(common);
    let out = paritty(dir.path(), &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(TOKEN) && text.contains(PASSWORD), "{text}");
    drop(host);
}
