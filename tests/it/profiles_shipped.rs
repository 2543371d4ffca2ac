//! The profiles embedded in the binary: they load, cover what ARCHITECTURE.md
//! promises, use only known parsers, and stack profiles add to the default
//! without redefining it.

use std::collections::BTreeSet;

use paritty::output::parse;
use paritty::profile::shipped::SHIPPED;
use paritty::profile::{CompareKind, Extract, Profile, SourceKind, load_profile};

const SYSTEM_IDS: &[&str] = &[
    "os.id",
    "os.name",
    "os.version",
    "os.pretty",
    "kernel.release",
    "arch",
    "hostname",
    "cpu.model",
    "cpu.cores",
    "memory.total",
    "timezone",
    "locale",
    "shell",
    "libc",
];

/// Ids ARCHITECTURE.md names for the default profile beyond the System ones.
const NAMED_IDS: &[&str] = &[
    "app.revision",
    "runtime.python3",
    "runtime.node",
    "runtime.ruby",
    "runtime.go",
    "runtime.java",
    "runtime.rustc",
    "runtime.php",
    "runtime.perl",
    "runtime.dotnet",
    "runtime.deno",
    "runtime.bun",
    "tool.git",
    "tool.curl",
    "tool.openssl",
    "tool.ssh",
    "tool.docker",
    "tool.podman",
    "tool.kubectl",
    "tool.helm",
    "tool.terraform",
    "tool.make",
    "tool.gcc",
    "service.postgresql",
    "service.postgresql-client",
    "service.mysql",
    "service.mysql-client",
    "service.redis",
    "service.redis-client",
    "service.memcached",
    "service.rabbitmq",
    "service.nginx",
    "service.apache",
    "service.sqlite",
    "service.mongodb",
    "pkg.dpkg",
    "pkg.rpm",
    "pkg.apk",
    "pkg.brew",
    "pkg.pip",
    "pkg.npm",
    "pkg.cargo",
    "pkg.yarn",
    "pkg.gem",
];

const INFORMATIONAL: &[&str] = &["hostname", "cpu.model", "cpu.cores", "memory.total"];

fn load(name: &str) -> Profile {
    load_profile(name, None).unwrap_or_else(|e| panic!("shipped profile {name}: {e}"))
}

fn ids(profile: &Profile) -> BTreeSet<&str> {
    profile.facts.iter().map(|f| f.id.as_str()).collect()
}

fn count(profile: &Profile, category: &str) -> usize {
    profile.facts.iter().filter(|f| f.category == category).count()
}

#[test]
fn every_shipped_profile_loads_with_unique_ids_and_known_parsers() {
    assert_eq!(SHIPPED.first().map(|(n, _)| *n), Some("default"));
    for (name, _) in SHIPPED {
        let profile = load(name);
        assert_eq!(profile.name, *name);
        assert!(!profile.description.is_empty(), "{name} has no description");
        assert_eq!(ids(&profile).len(), profile.facts.len(), "{name} repeats an id");
        for fact in &profile.facts {
            assert!(!fact.label.is_empty(), "{name}/{} has no label", fact.id);
            for source in &fact.sources {
                if let Extract::Parser { name: parser, .. } = &source.extract {
                    assert!(
                        parse::lookup(parser).is_some() && parse::NAMES.contains(&parser.as_str()),
                        "{name}/{} names parser {parser}",
                        fact.id
                    );
                }
            }
        }
    }
}

#[test]
fn default_covers_the_design() {
    let default = load("default");
    assert!(default.facts.len() >= 50, "default has {} facts", default.facts.len());
    let have = ids(&default);
    for id in SYSTEM_IDS.iter().chain(NAMED_IDS) {
        assert!(have.contains(id), "default lacks {id}");
    }
    for id in SYSTEM_IDS {
        let fact = default.facts.iter().find(|f| f.id == *id).expect("checked above");
        assert_eq!(fact.category, "System", "{id}");
    }
    assert!(count(&default, "Runtimes") >= 10, "runtimes: {}", count(&default, "Runtimes"));
    assert!(count(&default, "Tools") >= 12, "tools: {}", count(&default, "Tools"));
    assert!(
        count(&default, "Backing services") >= 10,
        "backing services: {}",
        count(&default, "Backing services")
    );
    assert!(count(&default, "Package managers") >= 8);
    let categories: BTreeSet<&str> = default.facts.iter().map(|f| f.category.as_str()).collect();
    let expected: BTreeSet<&str> =
        ["System", "Runtimes", "Tools", "Backing services", "Package managers", "App"].into();
    assert_eq!(categories, expected);
}

#[test]
fn default_ids_follow_their_category_prefix() {
    let default = load("default");
    for fact in &default.facts {
        let prefix = match fact.category.as_str() {
            "Runtimes" => "runtime.",
            "Tools" => "tool.",
            "Backing services" => "service.",
            "Package managers" => "pkg.",
            "App" => "app.",
            _ => continue,
        };
        assert!(fact.id.starts_with(prefix), "{} is in {}", fact.id, fact.category);
    }
}

#[test]
fn system_facts_have_the_promised_sources() {
    let default = load("default");
    let fact = |id: &str| default.facts.iter().find(|f| f.id == id).expect("fact exists");
    for (id, key) in [
        ("os.id", "ID"),
        ("os.name", "NAME"),
        ("os.version", "VERSION_ID"),
        ("os.pretty", "PRETTY_NAME"),
    ] {
        let kinds: Vec<&SourceKind> = fact(id).sources.iter().map(|s| &s.kind).collect();
        assert_eq!(
            kinds.first(),
            Some(&&SourceKind::File {
                path: "/etc/os-release".into(),
                key: Some(key.into()),
                near: None
            }),
            "{id}"
        );
        assert!(
            kinds.iter().any(|k| matches!(k, SourceKind::Builtin(b) if b.name() == id)),
            "{id} has no built-in fallback for macOS"
        );
    }
    let tz: Vec<&SourceKind> = fact("timezone").sources.iter().map(|s| &s.kind).collect();
    assert_eq!(tz[0], &SourceKind::Env("TZ".into()));
    assert!(matches!(tz[1], SourceKind::File { path, key: None, .. } if path == "/etc/timezone"));
    assert!(matches!(tz[2], SourceKind::Builtin(b) if b.name() == "timezone"));
    let locale: Vec<&SourceKind> = fact("locale").sources.iter().map(|s| &s.kind).collect();
    assert_eq!(locale, [&SourceKind::Env("LC_ALL".into()), &SourceKind::Env("LANG".into())]);
    assert_eq!(fact("shell").sources[0].kind, SourceKind::Env("SHELL".into()));
    assert_eq!(
        fact("libc").sources[0].kind,
        SourceKind::Command(vec!["ldd".into(), "--version".into()])
    );
    for id in INFORMATIONAL.iter().chain(&["shell"]) {
        assert!(fact(id).informational, "{id} should be informational");
    }
    for id in ["os.id", "arch", "runtime.python3", "service.postgresql", "tool.git"] {
        assert!(!fact(id).informational, "{id} must count as divergence");
    }
    assert_eq!(fact("os.id").compare, CompareKind::Exact);
    assert_eq!(fact("arch").compare, CompareKind::Exact);
    assert_eq!(fact("runtime.python3").compare, CompareKind::Pep440);
    assert_eq!(fact("runtime.node").compare, CompareKind::Semver);
    assert_eq!(fact("runtime.java").compare, CompareKind::Loose);
}

#[test]
fn services_list_client_and_server_and_look_off_path() {
    let default = load("default");
    let programs = |id: &str| -> Vec<String> {
        default
            .facts
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .sources
            .iter()
            .filter_map(|s| match &s.kind {
                SourceKind::Command(argv) => Some(argv[0].clone()),
                _ => None,
            })
            .collect()
    };
    let pg = programs("service.postgresql");
    assert_eq!(pg[0], "postgres");
    assert!(pg.contains(&"/usr/lib/postgresql/*/bin/postgres".to_owned()));
    assert_eq!(programs("service.postgresql-client"), ["psql"]);
    let mysql = programs("service.mysql");
    assert!(mysql.contains(&"mysqld".to_owned()) && mysql.contains(&"mariadbd".to_owned()));
    assert!(mysql.iter().any(|p| p.starts_with("/usr/sbin/")), "servers live in sbin");
    assert_eq!(programs("service.mysql-client"), ["mysql", "mariadb"]);
    assert_eq!(programs("service.redis")[0], "redis-server");
    assert_eq!(programs("service.redis-client")[0], "redis-cli");
    assert_eq!(programs("service.apache")[..3], ["apache2ctl", "apachectl", "httpd"]);
}

#[test]
fn no_command_waits_for_a_server_or_the_network() {
    // Subcommands that talk to a daemon, a cluster or a registry.
    let forbidden: &[&[&str]] = &[
        &["docker", "version"],
        &["docker", "info"],
        &["podman", "version"],
        &["rabbitmqctl", "status"],
        &["kubectl", "version"],
        &["helm", "version"],
    ];
    for (name, _) in SHIPPED {
        for fact in &load(name).facts {
            for source in &fact.sources {
                let SourceKind::Command(argv) = &source.kind else {
                    continue;
                };
                let program = argv[0].rsplit('/').next().unwrap_or_default();
                for bad in forbidden {
                    let same = program == bad[0]
                        && argv[1..]
                            == bad[1..].iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
                    assert!(!same, "{name}/{} runs {argv:?}", fact.id);
                }
                if program == "kubectl" {
                    assert!(
                        argv.contains(&"--client".to_owned()),
                        "{name}/{}: kubectl without --client",
                        fact.id
                    );
                }
                assert!(
                    !argv.iter().any(|a| a == "install" || a == "update" || a == "upgrade"),
                    "{argv:?}"
                );
            }
        }
    }
}

#[test]
fn stack_profiles_extend_default_with_their_own_facts() {
    let default = load("default");
    let default_ids = ids(&default);
    let stacks: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).filter(|n| *n != "default").collect();
    assert_eq!(stacks, ["node-web", "python-django", "jvm-service", "cloud-ops"]);
    for name in stacks {
        let stack = load(name);
        let stack_ids = ids(&stack);
        assert!(stack_ids.is_superset(&default_ids), "{name} drops default facts");
        // Parent facts come first, in the parent's order.
        let prefix: Vec<&str> =
            stack.facts.iter().take(default.facts.len()).map(|f| f.id.as_str()).collect();
        let parent: Vec<&str> = default.facts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(prefix, parent, "{name}");
        let own: Vec<&str> = stack_ids.difference(&default_ids).copied().collect();
        assert!(own.len() >= 5, "{name} adds only {own:?}");
        assert_ne!(stack.hash, default.hash);
    }
    let has = |name: &str, id: &str| ids(&load(name)).contains(id);
    for id in ["pkg.pnpm", "pkg.corepack", "tool.typescript", "env.node_env"] {
        assert!(has("node-web", id), "node-web lacks {id}");
    }
    for id in [
        "runtime.django",
        "pkg.poetry",
        "pkg.pipenv",
        "tool.gunicorn",
        "tool.uwsgi",
        "service.celery",
    ] {
        assert!(has("python-django", id), "python-django lacks {id}");
    }
    for id in
        ["tool.mvn", "tool.gradle", "runtime.kotlin", "tool.sbt", "runtime.scala", "env.java_home"]
    {
        assert!(has("jvm-service", id), "jvm-service lacks {id}");
    }
}

/// Facts extracted by a profile regex, on the outputs those tools print.
#[test]
fn stack_regexes_take_the_right_number() {
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        (
            "jvm-service",
            "tool.gradle",
            "\nWelcome to Gradle 8.5!\n\nHere are the highlights of this release:\n\n\
             ------------------------------------------------------------\nGradle 8.5\n\
             ------------------------------------------------------------\n\n\
             Kotlin:       1.9.20\nGroovy:       3.0.17\n",
            Some("8.5"),
        ),
        (
            "jvm-service",
            "runtime.scala",
            "Scala code runner version 2.13.12 -- Copyright 2002-2023, LAMP/EPFL and Lightbend, Inc.",
            Some("2.13.12"),
        ),
        (
            "jvm-service",
            "runtime.scala",
            "Scala code runner version: 1.4.0\nScala version (default): 3.5.0",
            Some("3.5.0"),
        ),
        ("jvm-service", "tool.mvn", "bash: mvn: command not found", None),
        (
            "default",
            "runtime.elixir",
            "Erlang/OTP 26 [erts-14.2]\n\nElixir 1.15.7 (compiled with Erlang/OTP 26)",
            Some("1.15.7"),
        ),
        (
            "default",
            "runtime.swift",
            "swift-driver version: 1.87.3 Apple Swift version 5.9.2 (swiftlang-5.9.2.2.56 clang-1500.1.0.2.5)",
            Some("5.9.2"),
        ),
        ("default", "tool.systemd", "systemd 245", Some("245")),
        ("default", "runtime.erlang", "26", Some("26")),
        (
            "default",
            "runtime.dotnet",
            "A compatible .NET SDK was not found.\nRequested SDK version: 8.0.100",
            None,
        ),
    ];
    for (profile_name, id, raw, want) in cases {
        let profile = load(profile_name);
        let fact = profile.facts.iter().find(|f| f.id == *id).unwrap_or_else(|| panic!("no {id}"));
        for source in &fact.sources {
            assert_eq!(source.extract.apply(raw).as_deref(), *want, "{id} on {raw:?}");
        }
    }
}
