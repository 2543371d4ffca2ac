//! The named parsers, and the regexes of the shipped profiles, against real
//! tool outputs kept in tests/fixtures/outputs (see its README for where each
//! comes from). Every fixture must be checked by some case here.

use std::cmp::Ordering::{self, Equal, Greater, Less};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use paritty::compare::version::order;
use paritty::output::sanitize::strip_control;
use paritty::output::{keyvalue, parse};
use paritty::profile::{SourceKind, load_profile};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/outputs");

/// (fixture, parser name, expected value).
#[rustfmt::skip]
const PARSER_CASES: &[(&str, &str, Option<&str>)] = &[
    // java -version on stderr, every vendor's wording.
    ("java/openjdk-17-debian12.txt", "java", Some("17.0.15")),
    ("java/openjdk-17-debian12-dash-dash-version.txt", "java", Some("17.0.15")),
    ("java/openjdk-17-java-tool-options-debian12.txt", "java", Some("17.0.15")),
    ("java/temurin-25-debian12.txt", "java", Some("25.0.3")),
    ("java/temurin-8.txt", "java", Some("1.8.0_392")),
    ("java/oracle-8.txt", "java", Some("1.8.0_392")),
    ("java/openjdk-21-ga.txt", "java", Some("21")),
    ("java/corretto-17.txt", "java", Some("17.0.9")),
    ("java/zulu-11.txt", "java", Some("11.0.21")),
    ("java/zulu-11-tool-options-dash-dash-version.txt", "java", Some("11.0.11")),
    ("java/graalvm-21.txt", "java", Some("21.0.1")),
    ("java/macos-no-jre-stub.txt", "java", None),
    ("java/bash-command-not-found-debian12.txt", "java", None),
    ("java/dash-command-not-found-debian12.txt", "java", None),
    ("javac/javac-17.0.15-debian12.txt", "version", Some("17.0.15")),
    // app.revision: git in the app folder, a REVISION file
    ("revision/git-rev-parse-head-debian12.txt", "revision", Some("7fc6e3a400ebeeaceff533519bd31f47105c91ce")),
    ("revision/git-rev-parse-no-commits-debian12.txt", "revision", None),
    ("revision/git-rev-parse-not-a-repository-debian12.txt", "revision", None),
    ("revision/capistrano-REVISION.txt", "revision", Some("9f1c2e7b3a4d5e6f708192a3b4c5d6e7f8091a2b")),
    // The escapes go (as the collector strips them); what is left is read.
    ("revision/REVISION-with-escapes.txt", "revision", Some("9f1c2e7")),
    ("revision/REVISION-too-long.txt", "revision", None),
    // go
    ("go/go-1.19-debian12.txt", "go", Some("1.19.8")),
    ("go/go-1.22.1.txt", "go", Some("1.22.1")),
    ("go/go-1.21rc2.txt", "go", Some("1.21rc2")),
    ("go/gotip-devel.txt", "go", Some("1.25-devel-039b3ebeba")),
    ("go/gotip-devel-2022.txt", "go", Some("1.20-devel-e09bbae")),
    // node, python, ruby, perl, php
    ("node/node-20-debian12.txt", "node", Some("20.20.2")),
    ("python/python-3.11.7-pyenv-debian12.txt", "python", Some("3.11.7")),
    ("python/python-3.13.0-pyenv-debian12.txt", "python", Some("3.13.0")),
    ("python/python-3.13.0rc2.txt", "python", Some("3.13.0rc2")),
    ("python/python-2.7.18-pyenv-debian12.txt", "python", Some("2.7.18")),
    ("python/pyenv-python2-not-installed-debian12.txt", "python", None),
    ("django/import-error-not-installed-debian12.txt", "version", None),
    ("ruby/ruby-3.1.2-debian12.txt", "ruby", Some("3.1.2")),
    ("ruby/ruby-3.3.0.txt", "ruby", Some("3.3.0")),
    ("perl/perl-5.36-debian12.txt", "perl", Some("5.36.0")),
    ("php/php-8.2.36-debian12.txt", "version", Some("8.2.36")),
    ("php/php-8.3.0RC3-wolfi.txt", "version", Some("8.3.0RC3")),
    ("rustc/rustc-1.95.0-debian12.txt", "version", Some("1.95.0")),
    // web servers
    ("nginx/nginx-1.22.1-debian12.txt", "nginx", Some("1.22.1")),
    ("nginx/nginx-1.24.0-ubuntu.txt", "nginx", Some("1.24.0")),
    ("nginx/openresty-1.21.4.1.txt", "nginx", Some("1.21.4.1")),
    ("apache/apache2-2.4-debian12.txt", "apache", Some("2.4.71")),
    // MySQL and MariaDB, clients and servers
    ("mysql/mysql-client-8.0.35.txt", "mysql", Some("8.0.35")),
    ("mysql/mysql-client-5.7.44.txt", "mysql", Some("5.7.44")),
    ("mysql/mariadb-client-10.11-debian12.txt", "mysql", Some("10.11.19")),
    ("mysql/mysql-client-mariadb-10.11-debian12.txt", "mysql", Some("10.11.19")),
    ("mysql/mariadb-client-11.4.txt", "mysql", Some("11.4.2")),
    ("mysql/mysqld-8.0.35.txt", "mysql", Some("8.0.35")),
    ("mysql/mariadbd-10.11-debian12.txt", "mysql", Some("10.11.19")),
    ("mysql/mysqld-5.7.26-percona.txt", "mysql", Some("5.7.26")),
    ("mysql/mysqld-8.0.35.txt", "mysql-flavor", Some("MySQL")),
    ("mysql/mysql-client-5.7.44.txt", "mysql-flavor", Some("MySQL")),
    ("mysql/mariadbd-10.11-debian12.txt", "mysql-flavor", Some("MariaDB")),
    ("mysql/mariadb-client-11.4.txt", "mysql-flavor", Some("MariaDB")),
    ("mysql/mysqld-5.7.26-percona.txt", "mysql-flavor", Some("Percona Server")),
    // PostgreSQL
    ("postgres/psql-15-debian12.txt", "postgres", Some("15.18")),
    ("postgres/postgres-15-debian12.txt", "postgres", Some("15.18")),
    ("postgres/pg-config-15-debian12.txt", "postgres", Some("15.18")),
    ("postgres/psql-16.1.txt", "postgres", Some("16.1")),
    ("postgres/psql-14.10-ubuntu.txt", "postgres", Some("14.10")),
    ("postgres/pg-config-15.5.txt", "postgres", Some("15.5")),
    ("postgres/postgres-16beta1.txt", "postgres", Some("16beta1")),
    // Redis
    ("redis/redis-server-7.0.15-debian12.txt", "redis", Some("7.0.15")),
    ("redis/redis-cli-7.0.15-debian12.txt", "redis", Some("7.0.15")),
    ("redis/redis-server-7.2.4-ubuntu.txt", "redis", Some("7.2.4")),
    ("redis/redis-cli-7.2.4.txt", "redis", Some("7.2.4")),
    // MongoDB, RabbitMQ, memcached, SQLite
    ("mongodb/mongod-7.0.12-ubuntu.txt", "mongodb", Some("7.0.12")),
    ("mongodb/mongosh-2.1.1.txt", "mongodb", Some("2.1.1")),
    ("rabbitmq/rabbitmqctl-version-3.12.10.txt", "bare-version", Some("3.12.10")),
    ("memcached/memcached-1.6.18-debian12.txt", "version", Some("1.6.18")),
    ("sqlite/sqlite-3.40.1-debian12.txt", "version", Some("3.40.1")),
    // TLS and SSH
    ("openssl/openssl-3.0-debian12.txt", "openssl", Some("3.0.19")),
    ("openssl/openssl-3.0.11.txt", "openssl", Some("3.0.11")),
    ("openssl/openssl-1.1.1w.txt", "openssl", Some("1.1.1w")),
    ("openssl/openssl-1.0.2k-fips-rhel7.txt", "openssl", Some("1.0.2k")),
    ("openssl/libressl-3.3.6-macos.txt", "openssl", Some("3.3.6")),
    ("openssl/libressl-2.0-openbsd56.txt", "openssl", Some("2.0")),
    ("openssl/openssl-1.1.1-dev-master.txt", "openssl", Some("1.1.1-dev")),
    ("ssh/openssh-9.2p1-debian12.txt", "ssh", Some("9.2p1")),
    ("ssh/openssh-9.6p1-macos.txt", "ssh", Some("9.6p1")),
    ("ssh/openssh-8.9p1-ubuntu.txt", "ssh", Some("8.9p1")),
    // containers
    ("docker/docker-28.2.2-debian12.txt", "docker", Some("28.2.2")),
    ("docker/docker-24.0.7.txt", "docker", Some("24.0.7")),
    ("docker/docker-20.10.24+dfsg1.txt", "docker", Some("20.10.24")),
    ("docker/podman-4.3.1-debian12.txt", "docker", Some("4.3.1")),
    ("docker/podman-docker-notice.txt", "docker", Some("4.9.4")),
    // compilers
    ("gcc/gcc-12-debian12.txt", "gcc", Some("12.2.0")),
    ("gcc/gxx-12-debian12.txt", "gcc", Some("12.2.0")),
    ("gcc/gcc-13-redhat.txt", "gcc", Some("13.2.1")),
    ("gcc/gcc-11-ubuntu.txt", "gcc", Some("11.4.0")),
    ("gcc/apple-clang-15-macos.txt", "gcc", Some("15.0.0")),
    // system
    ("libc/glibc-2.36-debian12.txt", "libc", Some("glibc 2.36")),
    ("libc/glibc-2.39-fedora.txt", "libc", Some("glibc 2.39")),
    ("libc/glibc-2.35-ubuntu.txt", "libc", Some("glibc 2.35")),
    ("libc/musl-1.2.3-as-ldd-debian12.txt", "libc", Some("musl 1.2.3")),
    ("libc/musl-1.2.3-alpine-ldd-script-debian12.txt", "libc", Some("musl 1.2.3")),
    ("memory/bytes-builtin-debian12.txt", "memory", Some("23.5 GiB")),
    ("memory/meminfo-memtotal-debian12.txt", "memory", Some("23.5 GiB")),
    ("memory/proc-meminfo-full-debian12.txt", "memory", Some("23.5 GiB")),
    ("memory/sysctl-hw-memsize-macos.txt", "memory", Some("16.0 GiB")),
    ("timezone/etc-timezone-debian12.txt", "trim", Some("Etc/UTC")),
    ("uname/uname-r-debian12.txt", "first-line", Some("6.18.44-fc-v669")),
    // tools and package managers the generic parsers handle
    ("git/git-2.47.3-debian12.txt", "version", Some("2.47.3")),
    ("git/git-2.23.0.rc0.txt", "version", Some("2.23.0.rc0")),
    ("git/git-2.48.0.rc0-aosc.txt", "version", Some("2.48.0.rc0")),
    ("git/git-2.47.0.338.g60cca15819-goog.txt", "version", Some("2.47.0.338.g60cca15819")),
    ("git/git-2.27.0.rc0.183.gde8f92d652-goog.txt", "version", Some("2.27.0.rc0.183.gde8f92d652")),
    ("curl/curl-7.88.1-debian12.txt", "version", Some("7.88.1")),
    ("curl/curl-8.8.1-DEV-alpine.txt", "version", Some("8.8.1-DEV")),
    ("make/make-4.3-debian12.txt", "version", Some("4.3")),
    ("bash/bash-5.2.15-debian12.txt", "version", Some("5.2.15")),
    ("tmux/tmux-3.3a-debian12.txt", "version", Some("3.3a")),
    ("tmux/tmux-3.3a-debian12.txt", "tmux", Some("3.3a")),
    ("tmux/tmux-next-3.4.txt", "tmux", Some("3.4-next")),
    ("tmux/tmux-next-3.3.txt", "tmux", Some("3.3-next")),
    ("jq/jq-1.6-debian12.txt", "version", Some("1.6")),
    ("jq/jq-1.6-159-apple-macos.txt", "version", Some("1.6-159-apple-gcff5336-dirty")),
    ("aws/aws-cli-1.45.11-debian12.txt", "version", Some("1.45.11")),
    ("kubectl/kubectl-1.32.4-client-debian12.txt", "version", Some("1.32.4")),
    ("kubectl/kubectl-1.28.4-client.txt", "version", Some("1.28.4")),
    ("kubectl/kubectl-1.26.3-client-deprecation-warning.txt", "version", Some("1.26.3")),
    ("helm/helm-3.13.2-short.txt", "version", Some("3.13.2")),
    ("terraform/terraform-1.11.4-cli-config-warning-debian12.txt", "version", Some("1.11.4")),
    ("terraform/terraform-1.6.4.txt", "version", Some("1.6.4")),
    ("dpkg/dpkg-1.21.22-debian12.txt", "version", Some("1.21.22")),
    ("pip/pip-23.2.1-pyenv-debian12.txt", "version", Some("23.2.1")),
    ("npm/npm-11.19.1-debian12.txt", "bare-version", Some("11.19.1")),
    ("corepack/corepack-0.34.6-debian12.txt", "bare-version", Some("0.34.6")),
    ("cargo/cargo-1.95.0-debian12.txt", "version", Some("1.95.0")),
];

/// (fixture, shipped profile, fact id, expected value): facts extracted by a
/// regex in the profile, and the wiring of facts to the right parser.
#[rustfmt::skip]
const FACT_CASES: &[(&str, &str, &str, Option<&str>)] = &[
    ("systemd/systemctl-252-debian12.txt", "default", "tool.systemd", Some("252.38-1~deb12u1")),
    ("erlang/erl-otp-version-25.2.3-debian12.txt", "default", "runtime.erlang", Some("25.2.3")),
    ("mvn/mvn-3.8.7-ansi-debian12.txt", "jvm-service", "tool.mvn", Some("3.8.7")),
    ("java/openjdk-17-debian12.txt", "default", "runtime.java", Some("17.0.15")),
    ("java/release-17.0.15-debian12.release", "default", "runtime.java", Some("17.0.15")),
    ("javac/javac-17.0.15-debian12.txt", "jvm-service", "tool.javac", Some("17.0.15")),
    ("memory/bytes-builtin-debian12.txt", "default", "memory.total", Some("23.5 GiB")),
    ("libc/musl-1.2.3-alpine-ldd-script-debian12.txt", "default", "libc", Some("musl 1.2.3")),
    ("postgres/postgres-15-debian12.txt", "default", "service.postgresql", Some("15.18")),
    ("mysql/mariadbd-10.11-debian12.txt", "default", "service.mysql", Some("10.11.19")),
    ("mysql/mariadbd-10.11-debian12.txt", "default", "service.mysql-flavor", Some("MariaDB")),
    ("mysql/mariadb-client-10.11-debian12.txt", "default", "service.mysql-client", Some("10.11.19")),
    ("redis/redis-server-7.0.15-debian12.txt", "default", "service.redis", Some("7.0.15")),
    ("nginx/nginx-1.22.1-debian12.txt", "default", "service.nginx", Some("1.22.1")),
    ("docker/podman-4.3.1-debian12.txt", "default", "tool.podman", Some("4.3.1")),
    ("terraform/terraform-1.11.4-cli-config-warning-debian12.txt", "default", "tool.terraform", Some("1.11.4")),
    ("npm/npm-11.19.1-debian12.txt", "default", "pkg.npm", Some("11.19.1")),
    ("npm/package-json-11.19.1-debian12.json", "default", "pkg.npm", Some("11.19.1")),
    ("corepack/corepack-0.34.6-debian12.txt", "node-web", "pkg.corepack", Some("0.34.6")),
    ("timezone/etc-timezone-debian12.txt", "default", "timezone", Some("Etc/UTC")),
    ("swift/swift-5.7.1-dev-nightly-linux.txt", "default", "runtime.swift", Some("5.7.1-dev")),
    ("tmux/tmux-next-3.4.txt", "default", "tool.tmux", Some("3.4-next")),
    ("tmux/tmux-3.3a-debian12.txt", "default", "tool.tmux", Some("3.3a")),
    ("git/git-2.48.0.rc0-aosc.txt", "default", "tool.git", Some("2.48.0.rc0")),
    ("openssl/libressl-2.0-openbsd56.txt", "default", "tool.openssl", Some("2.0")),
    ("rabbitmq/readlink-rabbitmq-server-3.10.8-debian12.txt", "default", "service.rabbitmq", Some("3.10.8")),
];

/// Outputs no parser may mistake for a version.
const GARBAGE: &[&str] = &[
    "",
    "   \n\t\n",
    "bash: java: command not found",
    "sh: 1: mysqld: not found",
    "Segmentation fault (core dumped)",
    "error: unknown option '--version'\nexit status 127",
    "#!@$%^&*() ¯\\_(ツ)_/¯ \u{fffd}\u{fffd}",
];

/// What the collector would hand a parser: the file, escape sequences removed.
fn fixture(rel: &str) -> String {
    let path = Path::new(FIXTURES).join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    strip_control(&text)
}

#[test]
fn named_parsers_read_real_outputs() {
    let mut failures = Vec::new();
    for (rel, name, want) in PARSER_CASES {
        let Some(parser) = parse::lookup(name) else {
            failures.push(format!("{rel}: no parser named {name}"));
            continue;
        };
        let got = parser(&fixture(rel));
        if got.as_deref() != *want {
            failures.push(format!("{rel} via {name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{} wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn shipped_profile_facts_read_real_outputs() {
    let mut failures = Vec::new();
    for (rel, profile_name, id, want) in FACT_CASES {
        let profile = load_profile(profile_name, None).expect("shipped profile loads");
        let fact = profile
            .facts
            .iter()
            .find(|f| f.id == *id)
            .unwrap_or_else(|| panic!("{profile_name} has no fact {id}"));
        let raw = fixture(rel);
        // A command's output is checked against the command sources, a
        // file's content against the file sources.
        let from_file = Path::new(rel).extension().is_some_and(|e| e != "txt");
        // A capture named for a program (`rabbitmqctl-version-...`) is that
        // program's output: the fact's other commands print other things.
        let file_name = Path::new(rel).file_name().and_then(|n| n.to_str()).unwrap_or("");
        let program_of = |source: &paritty::profile::Source| match &source.kind {
            SourceKind::Command(argv) => {
                argv[0].rsplit('/').next().map(str::to_owned).unwrap_or_default()
            }
            _ => String::new(),
        };
        let named = fact.sources.iter().any(|s| {
            let p = program_of(s);
            !p.is_empty() && file_name.starts_with(&format!("{p}-"))
        });
        for (i, source) in fact.sources.iter().enumerate() {
            if matches!(source.kind, SourceKind::Command(_)) == from_file {
                continue;
            }
            if named && !from_file && !file_name.starts_with(&format!("{}-", program_of(source))) {
                continue;
            }
            // A keyed file source hands its parser the key's value only.
            let got = match &source.kind {
                SourceKind::File { key: Some(key), .. } => {
                    keyvalue::lookup(&raw, key).and_then(|v| source.extract.apply(&v))
                }
                _ => source.extract.apply(&raw),
            };
            if got.as_deref() != *want {
                failures.push(format!(
                    "{rel} via {profile_name}/{id} source {i}: got {got:?}, want {want:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} wrong:\n{}", failures.len(), failures.join("\n"));
}

/// Pre-releases, development builds and `git describe` builds, read from
/// real outputs by the default profile, order sensibly under their fact's
/// comparator: before the release they lead to, after the one before it.
#[rustfmt::skip]
const DEVELOPMENT_BUILDS: &[(&str, &str, &str, Ordering)] = &[
    // (fixture, fact id, another value, the fixture's value against it)
    ("git/git-2.23.0.rc0.txt", "tool.git", "2.23.0", Less),
    ("git/git-2.23.0.rc0.txt", "tool.git", "2.22.1", Greater),
    ("git/git-2.48.0.rc0-aosc.txt", "tool.git", "2.48.0.rc1", Less),
    ("git/git-2.48.0.rc0-aosc.txt", "tool.git", "2.47.3", Greater),
    ("git/git-2.47.0.338.g60cca15819-goog.txt", "tool.git", "2.47.0", Greater),
    ("git/git-2.47.0.338.g60cca15819-goog.txt", "tool.git", "2.47.1", Less),
    ("git/git-2.27.0.rc0.183.gde8f92d652-goog.txt", "tool.git", "2.27.0.rc0", Greater),
    ("git/git-2.27.0.rc0.183.gde8f92d652-goog.txt", "tool.git", "2.27.0.rc1", Less),
    ("git/git-2.27.0.rc0.183.gde8f92d652-goog.txt", "tool.git", "2.27.0", Less),
    ("jq/jq-1.6-159-apple-macos.txt", "tool.jq", "1.6", Greater),
    ("jq/jq-1.6-159-apple-macos.txt", "tool.jq", "1.7", Less),
    ("tmux/tmux-next-3.4.txt", "tool.tmux", "3.3a", Greater),
    ("tmux/tmux-next-3.4.txt", "tool.tmux", "3.4", Less),
    ("curl/curl-8.8.1-DEV-alpine.txt", "tool.curl", "8.8.0", Greater),
    ("curl/curl-8.8.1-DEV-alpine.txt", "tool.curl", "8.8.1", Less),
    ("openssl/openssl-1.1.1-dev-master.txt", "tool.openssl", "1.1.0l", Greater),
    ("openssl/openssl-1.1.1-dev-master.txt", "tool.openssl", "1.1.1", Less),
    ("openssl/libressl-2.0-openbsd56.txt", "tool.openssl", "2.0.0", Equal),
    ("openssl/libressl-2.0-openbsd56.txt", "tool.openssl", "2.2.7", Less),
    ("php/php-8.3.0RC3-wolfi.txt", "runtime.php", "8.2.36", Greater),
    ("php/php-8.3.0RC3-wolfi.txt", "runtime.php", "8.3.0", Less),
    ("swift/swift-5.7.1-dev-nightly-linux.txt", "runtime.swift", "5.7", Greater),
    ("swift/swift-5.7.1-dev-nightly-linux.txt", "runtime.swift", "5.7.1", Less),
];

#[test]
fn development_builds_order_against_their_releases() {
    let profile = load_profile("default", None).expect("shipped profile loads");
    let mut failures = Vec::new();
    for (rel, id, other, want) in DEVELOPMENT_BUILDS {
        let fact = profile.facts.iter().find(|f| f.id == *id).expect("default fact");
        let source = fact
            .sources
            .iter()
            .find(|s| matches!(s.kind, SourceKind::Command(_)))
            .expect("a command source");
        let Some(value) = source.extract.apply(&fixture(rel)) else {
            failures.push(format!("{rel} via {id}: no value"));
            continue;
        };
        let got = order(fact.compare, &value, other);
        if got != Some(*want) {
            failures.push(format!("{id}: {value} vs {other}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{} wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_named_parser_has_a_fixture_with_a_value() {
    let covered: BTreeSet<&str> = PARSER_CASES
        .iter()
        .filter(|(_, _, want)| want.is_some())
        .map(|(_, name, _)| *name)
        .collect();
    let missing: Vec<&&str> = parse::NAMES.iter().filter(|n| !covered.contains(**n)).collect();
    assert!(missing.is_empty(), "parsers without a fixture: {missing:?}");
}

#[test]
fn garbage_and_errors_give_no_value() {
    for name in parse::NAMES {
        let parser = parse::lookup(name).expect("listed parsers resolve");
        for raw in GARBAGE {
            let got = parser(raw);
            // first-line and trim return any text as it is, by design.
            let tolerated = matches!(*name, "first-line" | "trim") && !raw.trim().is_empty();
            assert!(got.is_none() || tolerated, "{name} made {got:?} out of {raw:?}");
        }
    }
}

#[test]
fn every_fixture_file_is_checked() {
    let mut on_disk = BTreeSet::new();
    collect_fixtures(Path::new(FIXTURES), &mut on_disk);
    assert!(on_disk.len() >= 100, "only {} fixtures found under {FIXTURES}", on_disk.len());
    let referenced: BTreeSet<String> = PARSER_CASES
        .iter()
        .map(|(rel, _, _)| *rel)
        .chain(FACT_CASES.iter().map(|(rel, _, _, _)| *rel))
        .map(str::to_owned)
        .collect();
    let unreferenced: Vec<&String> = on_disk.difference(&referenced).collect();
    assert!(unreferenced.is_empty(), "fixtures no case checks: {unreferenced:?}");
    let absent: Vec<&String> = referenced.difference(&on_disk).collect();
    assert!(absent.is_empty(), "cases naming files that do not exist: {absent:?}");
}

#[test]
fn tools_with_several_formats_have_several_fixtures() {
    for (folder, at_least) in [
        ("java", 3),
        ("mysql", 3),
        ("postgres", 3),
        ("openssl", 3),
        ("redis", 3),
        ("nginx", 3),
        ("go", 3),
        ("docker", 3),
    ] {
        let count = PARSER_CASES
            .iter()
            .filter(|(rel, _, want)| rel.starts_with(&format!("{folder}/")) && want.is_some())
            .map(|(rel, _, _)| *rel)
            .collect::<BTreeSet<_>>()
            .len();
        assert!(count >= at_least, "{folder}: {count} fixtures with a value, want {at_least}");
    }
}

/// Every `.txt` under `dir`, as a path relative to the fixtures folder with
/// `/` separators.
fn collect_fixtures(dir: &Path, out: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path: PathBuf = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_fixtures(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| ["txt", "json", "release"].iter().any(|x| e == *x))
        {
            let rel = path.strip_prefix(FIXTURES).expect("under the fixtures folder");
            let parts: Vec<String> =
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.insert(parts.join("/"));
        }
    }
}

mod properties {
    //! Property-based checks of every named parser with proptest: any input
    //! is read without a panic, and a value, when there is one, is bounded
    //! by what was read.

    use paritty::output::parse;
    use proptest::prelude::*;

    /// Beginnings of the lines the parsers look for, so that generated
    /// inputs reach past their first check.
    #[rustfmt::skip]
    const LEADS: &[&str] = &[
        "", "v", "git version ", "OpenSSL ", "LibreSSL ", "tmux ", "tmux next-", "go version go",
        "go version devel go", "go version devel +", "Python ", "ruby ", "This is perl, v",
        "This is perl 5, version ", "nginx version: nginx/", "Server version: Apache/",
        "mysql  Ver 15.1 Distrib ", "mariadb from ", "psql (PostgreSQL) ", "PostgreSQL ",
        "Redis server v=", "redis-cli ", "db version v", "OpenSSH_", "Docker version ",
        "podman version ", "gcc (GCC) ", "clang version ", "ldd (GNU libc) ", "glibc ",
        "musl libc (x86_64)\nVersion ", "MemTotal: ", "hw.memsize: ", "openjdk version \"",
        "openjdk ", "jq-", "curl ", "PHP ",
    ];

    /// A lead, then a version-like or arbitrary middle, then arbitrary text.
    fn input() -> impl Strategy<Value = String> {
        let middle = prop_oneof![
            proptest::string::string_regex(
                r"[0-9]{1,20}([._-][0-9a-zA-Z]{1,8}){0,5}( kB| GiB|\x22| \(| [0-9]{4}-[0-9]{2}-[0-9]{2})?",
            )
            .expect("generator pattern"),
            any::<String>(),
        ];
        (proptest::sample::select(LEADS), middle, any::<String>())
            .prop_map(|(lead, middle, tail)| format!("{lead}{middle}{tail}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn every_parser_reads_any_input_and_bounds_its_value(raw in input()) {
            for name in parse::NAMES {
                let parser = parse::lookup(name).expect("listed parsers resolve");
                let Some(value) = parser(&raw) else { continue };
                prop_assert!(!value.trim().is_empty(), "{} made a blank value of {:?}", name, raw);
                // Never more than the input, but for the few words a parser
                // adds (`glibc `, `-devel-`, `-next`, ` GiB`).
                prop_assert!(
                    value.len() <= raw.len() + 16,
                    "{} made {:?} out of {:?}", name, value, raw
                );
                if *name != "trim" {
                    prop_assert!(!value.contains('\n'), "{} made {:?} of {:?}", name, value, raw);
                }
            }
        }

        #[test]
        fn arbitrary_text_never_panics_a_parser(raw in any::<String>()) {
            for name in parse::NAMES {
                let parser = parse::lookup(name).expect("listed parsers resolve");
                let _ = parser(&raw);
            }
        }
    }
}
