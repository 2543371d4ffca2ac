//! Facts of a container without a shell (distroless, scratch), from what
//! the engine knows without running anything in it: the image's config
//! (`os`, `architecture`, the environment, version variables such as
//! `PYTHON_VERSION`, OCI labels) and files it can copy out (`os-release`).
//! Each such fact is marked with its `Origin`; what cannot be known this
//! way stays "not collected". Deciding is pure (`facts`); `Known` is what
//! was asked of the engine.

use std::collections::BTreeMap;

use super::files::FileAnswer;
use super::image_config::ImageConfig;
use crate::collect::evidence::{Attempt, Decider, absent_label, describe};
use crate::model::{Fact, Origin, Status};
use crate::output::parse;
use crate::profile::{Builtin, CompareKind, FactDef, Profile, SourceKind};

/// Files copied out per target at most (each is an engine process).
pub const MAX_FILES: usize = 8;

/// The version variables official images set, and the fact of the default
/// profile each one states (checked against the images' Dockerfiles:
/// `python` sets `PYTHON_VERSION=3.12.4`, `eclipse-temurin`
/// `JAVA_VERSION=jdk-21.0.2+13`, `postgres` `PG_VERSION=16.3-1.pgdg120+1`,
/// ...). A fact the profile does not ask for is not made; the first
/// variable set wins where two state one fact.
pub const VERSION_VARIABLES: &[(&str, &str)] = &[
    ("PYTHON_VERSION", "runtime.python3"),
    ("PYTHON_PIP_VERSION", "pkg.pip"),
    ("NODE_VERSION", "runtime.node"),
    ("YARN_VERSION", "pkg.yarn"),
    ("JAVA_VERSION", "runtime.java"),
    ("GOLANG_VERSION", "runtime.go"),
    ("RUBY_VERSION", "runtime.ruby"),
    ("RUBYGEMS_VERSION", "pkg.gem"),
    ("BUNDLER_VERSION", "pkg.bundler"),
    ("PHP_VERSION", "runtime.php"),
    ("COMPOSER_VERSION", "pkg.composer"),
    ("RUST_VERSION", "runtime.rustc"),
    ("DOTNET_SDK_VERSION", "runtime.dotnet"),
    ("DENO_VERSION", "runtime.deno"),
    ("BUN_VERSION", "runtime.bun"),
    ("ELIXIR_VERSION", "runtime.elixir"),
    ("NGINX_VERSION", "service.nginx"),
    ("HTTPD_VERSION", "service.apache"),
    ("REDIS_VERSION", "service.redis"),
    ("PG_VERSION", "service.postgresql"),
    ("MYSQL_VERSION", "service.mysql"),
    ("MARIADB_VERSION", "service.mysql"),
    ("MONGO_VERSION", "service.mongodb"),
    ("MEMCACHED_VERSION", "service.memcached"),
    ("RABBITMQ_VERSION", "service.rabbitmq"),
    ("HAPROXY_VERSION", "service.haproxy"),
    ("CADDY_VERSION", "service.caddy"),
];

/// The OCI annotations read as facts: label, fact id, how it compares.
pub const OCI_LABELS: &[(&str, &str, &str, CompareKind)] = &[
    ("org.opencontainers.image.version", "image.version", "Image version", CompareKind::Loose),
    ("org.opencontainers.image.revision", "image.revision", "Image revision", CompareKind::Exact),
    ("org.opencontainers.image.source", "image.source", "Image source", CompareKind::Exact),
];

/// What the engine told about a container without a shell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub config: ImageConfig,
    /// The profile's files, by the path the profile names.
    pub files: BTreeMap<String, FileAnswer>,
    /// Why files could not be read at all (no container to copy from).
    pub files_unavailable: Option<String>,
}

/// The plain files the profile reads (absolute paths, not `near` a
/// program), each once, at most [`MAX_FILES`].
pub fn files_wanted(profile: &Profile) -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    for source in profile.facts.iter().flat_map(|f| &f.sources) {
        if let SourceKind::File { path, near: None, .. } = &source.kind
            && path.starts_with('/')
            && !paths.contains(path)
            && paths.len() < MAX_FILES
        {
            paths.push(path.clone());
        }
    }
    paths
}

/// Every fact of `profile` as far as `known` tells it, plus the OCI
/// labels' facts; how many were told (not "not collected").
pub fn facts(profile: &Profile, known: &Known) -> (BTreeMap<String, Fact>, usize) {
    let mut facts = BTreeMap::new();
    let mut told = 0;
    for def in &profile.facts {
        let fact = from_variable(def, &known.config).or_else(|| from_sources(def, known));
        let fact = fact.unwrap_or_else(|| {
            let mut fact = Fact::empty(Status::Error);
            fact.raw = "not collected: no /bin/sh in the container, and the engine does not know it without one".into();
            describe(&mut fact, def);
            fact
        });
        told += usize::from(fact.origin.is_some());
        facts.insert(def.id.clone(), fact);
    }
    for &(name, id, label, compare) in OCI_LABELS {
        if let Some(value) = known.config.labels.get(name) {
            let mut fact = Fact::empty(Status::Ok);
            fact.value = Some(value.clone());
            fact.raw = format!("{name}={value}");
            fact.found_at = Some(format!("image config: label {name}"));
            label.clone_into(&mut fact.label);
            "Image".clone_into(&mut fact.category);
            fact.compare = Some(compare);
            fact.origin = Some(Origin::ImageConfig);
            facts.insert(id.to_owned(), fact);
            told += 1;
        }
    }
    // The app's revision cannot be asked of git without a shell; the
    // image's builder may have stated it.
    told += usize::from(super::revision_label::fill(profile, &mut facts, &known.config.labels));
    (facts, told)
}

/// The fact a version variable of the image states, read by the `version`
/// parser (`jdk-21.0.2+13` -> `21.0.2`, `16.3-1.pgdg120+1` -> `16.3`); a
/// value that holds no version is an `error` that keeps it.
fn from_variable(def: &FactDef, config: &ImageConfig) -> Option<Fact> {
    let (name, value) = VERSION_VARIABLES
        .iter()
        .filter(|(_, id)| *id == def.id)
        .find_map(|(name, _)| Some((*name, config.var(name).filter(|v| !v.is_empty())?)))?;
    let version = parse::version(value);
    let mut fact = Fact::empty(if version.is_some() { Status::Ok } else { Status::Error });
    fact.value = version;
    fact.raw = format!("{name}={value}");
    fact.found_at = Some(format!("image config: Env {name}"));
    describe(&mut fact, def);
    fact.origin = Some(Origin::ImageConfig);
    Some(fact)
}

/// The fact decided from its own sources, in the profile's order, as far
/// as the engine answers them; `None` once a source cannot be answered
/// without a shell (a command, a builtin about the machine), since it might
/// have decided.
fn from_sources(def: &FactDef, known: &Known) -> Option<Fact> {
    let mut decider = Decider::new(def);
    let mut origin = Origin::ImageConfig;
    for source in &def.sources {
        let attempt = match &source.kind {
            SourceKind::File { path, near: None, .. } => {
                origin = Origin::ImageFiles;
                match known.files.get(path) {
                    Some(FileAnswer::Text { path, text }) => Attempt::Read {
                        text: text.clone(),
                        found_at: Some(path.clone()),
                        truncated: false,
                    },
                    Some(FileAnswer::Absent) => Attempt::Absent(absent_label(source)),
                    Some(FileAnswer::Unreadable(_)) | None => return None,
                }
            }
            SourceKind::Env(var) => {
                origin = Origin::ImageConfig;
                match known.config.var(var).filter(|v| !v.is_empty()) {
                    Some(value) => Attempt::Read {
                        text: value.to_owned(),
                        found_at: Some(format!("${var} (image config: Env)")),
                        truncated: false,
                    },
                    None => Attempt::Absent(absent_label(source)),
                }
            }
            SourceKind::Builtin(builtin) => {
                origin = Origin::ImageConfig;
                let text = match builtin {
                    // What the probe's `uname -m` and sysinfo's fallback
                    // say, from what the config states.
                    Builtin::OsId => known.config.os.clone(),
                    Builtin::Arch => known.config.architecture.as_deref().map(machine),
                    _ => return None,
                }?;
                let field = if *builtin == Builtin::Arch { "architecture" } else { "os" };
                Attempt::Read {
                    text,
                    found_at: Some(format!("image config: {field}")),
                    truncated: false,
                }
            }
            SourceKind::File { near: Some(_), .. } | SourceKind::Command(_) => return None,
        };
        if let Some(mut fact) = decider.feed(source, attempt) {
            fact.origin = Some(origin);
            return Some(fact);
        }
    }
    let mut fact = decider.missing();
    fact.origin = Some(origin);
    Some(fact)
}

/// An OCI/Go architecture name as `uname -m` says it on that machine, so
/// it compares with what the probe collects elsewhere.
fn machine(architecture: &str) -> String {
    match architecture {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "386" => "i686",
        "arm" => "armv7l",
        "mips64le" => "mips64",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::load_profile;

    fn default_profile() -> Profile {
        load_profile("default", None).expect("default profile")
    }

    fn known(env: &[(&str, &str)], os_release: Option<&str>) -> Known {
        let config = ImageConfig {
            os: Some("linux".into()),
            architecture: Some("arm64".into()),
            env: env.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            labels: [
                ("org.opencontainers.image.version", "1.42"),
                ("org.opencontainers.image.revision", "abc123"),
                ("other.label", "x"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        };
        let mut files = BTreeMap::new();
        files.insert(
            "/etc/os-release".to_owned(),
            match os_release {
                Some(text) => {
                    FileAnswer::Text { path: "/usr/lib/os-release".into(), text: text.into() }
                }
                None => FileAnswer::Absent,
            },
        );
        files.insert("/etc/timezone".to_owned(), FileAnswer::Absent);
        Known { config, files, files_unavailable: None }
    }

    #[test]
    fn every_variable_names_a_fact_of_the_default_profile() {
        let profile = default_profile();
        for (name, id) in VERSION_VARIABLES {
            assert!(profile.facts.iter().any(|f| f.id == *id), "{name} -> {id}: no such fact");
        }
        assert_eq!(files_wanted(&profile), ["/etc/os-release", "/etc/timezone"]);
    }

    #[test]
    fn version_variables_os_release_and_labels_become_marked_facts() {
        let env = [
            ("PYTHON_VERSION", "3.12.4"),
            ("JAVA_VERSION", "jdk-21.0.2+13"),
            ("PG_VERSION", "16.3-1.pgdg120+1"),
            ("NODE_VERSION", "lts"),
            ("LANG", "C.UTF-8"),
        ];
        let os = "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        let (facts, told) = facts(&default_profile(), &known(&env, Some(os)));
        let value = |id: &str| facts[id].value.as_deref();
        assert_eq!(value("runtime.python3"), Some("3.12.4"));
        assert_eq!(value("runtime.java"), Some("21.0.2"));
        assert_eq!(value("service.postgresql"), Some("16.3"));
        assert_eq!(facts["runtime.python3"].raw, "PYTHON_VERSION=3.12.4");
        assert_eq!(facts["runtime.python3"].origin, Some(Origin::ImageConfig));
        assert_eq!(facts["runtime.python3"].compare, Some(CompareKind::Pep440));
        // A variable without a version: an error that keeps what it said.
        assert_eq!(
            (facts["runtime.node"].status, facts["runtime.node"].raw.as_str()),
            (Status::Error, "NODE_VERSION=lts")
        );
        // os-release through its link, by the profile's own key and parser.
        assert_eq!(value("os.id"), Some("debian"));
        assert_eq!(value("os.version"), Some("12"));
        assert_eq!(facts["os.id"].origin, Some(Origin::ImageFiles));
        assert_eq!(facts["os.id"].found_at.as_deref(), Some("/usr/lib/os-release"));
        assert_eq!(facts["os.id"].raw, "ID=debian");
        assert_eq!(value("arch"), Some("aarch64"));
        assert_eq!(value("locale"), Some("C.UTF-8"));
        // Not in the config: missing, as the probe would have found it.
        assert_eq!(facts["shell"].status, Status::Missing);
        // What only a shell could tell stays not collected, unmarked.
        for id in ["runtime.ruby", "tool.git", "kernel.release", "hostname", "timezone"] {
            assert_eq!((facts[id].status, facts[id].origin), (Status::Error, None), "{id}");
            assert!(facts[id].raw.starts_with("not collected: no /bin/sh"), "{id}");
        }
        assert_eq!(value("image.version"), Some("1.42"));
        assert_eq!(value("image.revision"), Some("abc123"));
        assert!(!facts.contains_key("image.source"));
        assert_eq!(facts["image.version"].origin, Some(Origin::ImageConfig));
        let marked = facts.values().filter(|f| f.origin.is_some()).count();
        assert_eq!(told, marked);
    }

    #[test]
    fn without_os_release_the_os_is_the_configs() {
        let (facts, _) = facts(&default_profile(), &known(&[], None));
        // os.id falls back to the builtin, answered by the config's `os`
        // as sysinfo answers without an os-release.
        assert_eq!(facts["os.id"].value.as_deref(), Some("linux"));
        assert_eq!(facts["os.id"].origin, Some(Origin::ImageConfig));
        assert_eq!(facts["os.id"].found_at.as_deref(), Some("image config: os"));
        // os.name's builtin is about the machine: not known.
        assert_eq!(facts["os.name"].status, Status::Error);
    }

    #[test]
    fn the_apps_revision_is_the_labels_when_it_names_a_commit() {
        let mut known = known(&[], None);
        // `abc123` is too short for an object name: not a revision.
        let (before, _) = facts(&default_profile(), &known);
        assert_eq!(before["app.revision"].status, Status::Error);
        known.config.labels.insert("org.opencontainers.image.revision".into(), "abc1234f".into());
        let (after, told) = facts(&default_profile(), &known);
        let fact = &after["app.revision"];
        assert_eq!(
            (fact.value.as_deref(), fact.origin),
            (Some("abc1234f"), Some(Origin::ImageLabel))
        );
        assert_eq!(told, after.values().filter(|f| f.origin.is_some()).count());
    }
}
