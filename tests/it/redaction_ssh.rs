//! Secrets planted on a real SSH host (in its session environment, in a
//! file it reads a key of, and in a tool's output) never reach any export,
//! in any format, nor `check`'s output, unless `--no-redact` is given. Only
//! 127.0.0.0/8 addresses are used.

#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output};

use crate::common::sshd::{HostSpec, Lab};

const TOKEN: &str = "tok-9f8e7d6c5b4a";
const PASSWORD: &str = "hunter2-xyzzy";
/// With `@` and `/` in it, as a password in a URL often is.
const URL_PASSWORD: &str = "p@ss/w0rd@x";
const DB_PASSWORD: &str = "no-version-here-xyz";
const FILE_TOKEN: &str = "tok-in-a-file-77";

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
id = "env.mysql_url"
label = "MySQL URL"
category = "Environment"
compare = "text"
sources = [{ env = "MYSQL_URL" }]

# A secret variable whose parser finds no version in it.
[[fact]]
id = "env.db_password"
label = "DB password"
category = "Environment"
compare = "semver"
parser = "version"
sources = [{ env = "DB_PASSWORD" }]

[[fact]]
id = "env.gh_pat"
label = "GitHub PAT"
category = "Environment"
compare = "text"
sources = [{ env = "GH_PAT" }]

[[fact]]
id = "config.api_token"
label = "API token in a file"
category = "Config"
compare = "text"
sources = [{ file = "APP_ENV", key = "API_TOKEN" }]

[[fact]]
id = "tool.dbinfo"
label = "dbinfo"
category = "Tools"
compare = "text"
parser = "trim"
sources = [{ cmd = ["dbinfo"] }]
"#;

/// A GitHub token and an AWS secret, built here so that no scanner takes
/// this file for a leak.
fn tool_secrets() -> (String, String) {
    (format!("ghp_{}", "Ab12Cd34Ef".repeat(4)), format!("wJalrXUtnFEMI{}", "K7MDENGbPxRfiCY"))
}

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
    let mysql = format!("mysql://root:{URL_PASSWORD}@db.internal/app");
    let (gh_token, aws_secret) = tool_secrets();
    let dbinfo = format!(
        "echo 'connected to {url}'; echo 'token {gh_token}'; \
         echo 'AWS_SECRET_ACCESS_KEY={aws_secret}'; \
         printf -- '-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAplanted\\n-----END RSA PRIVATE KEY-----\\n'"
    );
    let gh_pat = format!("github_pat_{}", "Zz09Yy87Xx".repeat(3));
    let env = [
        ("API_TOKEN", TOKEN),
        ("DATABASE_URL", url.as_str()),
        ("MYSQL_URL", mysql.as_str()),
        ("DB_PASSWORD", DB_PASSWORD),
        ("GH_PAT", gh_pat.as_str()),
    ];
    let host = lab.add_host(&HostSpec {
        name: "vault-1",
        tools: &[("dbinfo", dbinfo.as_str())],
        env: &env,
        ..HostSpec::default()
    });
    let dir = tempfile::tempdir().expect("tmp");
    let app_env = dir.path().join("app.env");
    std::fs::write(&app_env, format!("APP_NAME=shop\nAPI_TOKEN={FILE_TOKEN}\n")).expect("env file");
    let profile = PROFILE.replace("APP_ENV", app_env.to_str().expect("utf8"));
    std::fs::write(dir.path().join("secrets.toml"), profile).expect("profile");
    let secrets = [
        TOKEN,
        PASSWORD,
        URL_PASSWORD,
        "w0rd@x",
        DB_PASSWORD,
        FILE_TOKEN,
        gh_pat.as_str(),
        gh_token.as_str(),
        aws_secret.as_str(),
        "MIIEowIBAAKCAQEAplanted",
    ];
    let config = lab.ssh_config();
    let common = ["--profile", "secrets.toml", "--ssh-config", config.to_str().expect("utf8")];

    // The snapshot, kept unredacted, then exported from as a target too.
    let raw = dir.path().join("raw.json");
    let mut args = vec!["snapshot", "vault-1", "--no-redact", "--out", raw.to_str().expect("utf8")];
    args.extend(common);
    let out = paritty(dir.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept = std::fs::read_to_string(&raw).expect("written");
    for secret in secrets {
        assert!(kept.contains(secret), "the host really has {secret}:\n{kept}");
    }

    let mut exports = Vec::new();
    for format in ["json", "md", "text", "html"] {
        let mut args = vec!["snapshot", "vault-1", "--format", format];
        args.extend(common);
        exports.push((format!("snapshot --format {format}"), paritty(dir.path(), &args)));
        let mut args = vec!["diff", "vault-1", "raw.json", "--format", format];
        args.extend(common);
        exports.push((format!("diff --format {format}"), paritty(dir.path(), &args)));
    }
    // check's output goes to CI logs: redacted too, divergences included.
    let changed = kept.replace(TOKEN, "tok-changed").replace(PASSWORD, "pw-changed");
    std::fs::write(dir.path().join("changed.json"), changed).expect("write");
    let mut args = vec!["check", "vault-1", "changed.json"];
    args.extend(common);
    let check = paritty(dir.path(), &args);
    let said = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{said}{}", String::from_utf8_lossy(&check.stderr));
    assert!(said.contains("env.api_token") && said.contains("env.database_url"), "{said}");
    for secret in secrets.iter().chain(&["tok-changed", "pw-changed"]) {
        assert!(!said.contains(secret), "check leaked {secret}:\n{said}");
    }
    for (what, out) in &exports {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
        // (JSON escapes `/`; HTML escapes it too.)
        let unescaped = text.replace("\\/", "/").replace("&#x2F;", "/").replace("\\n", "\n");
        for secret in secrets {
            assert!(!unescaped.contains(secret), "{what} leaked {secret}:\n{text}");
        }
        // (Markdown escapes the underscore.)
        let unescaped = text.replace("\\_", "_");
        assert!(
            unescaped.contains("Redacted: the values of API_TOKEN"),
            "{what} says what it redacted:\n{text}"
        );
        assert!(text.contains("credential"), "{what} says what it redacted:\n{text}");
        for kind in ["DB_PASSWORD", "GH_PAT", "token (GitHub)", "1 private key"] {
            assert!(unescaped.contains(kind), "{what} says it redacted {kind}:\n{text}");
        }
    }
    // Explicitly asked: written as collected.
    let mut args = vec!["diff", "vault-1", "raw.json", "--format", "md", "--no-redact"];
    args.extend(common);
    let out = paritty(dir.path(), &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(TOKEN) && text.contains(PASSWORD), "{text}");
    drop(host);
}
