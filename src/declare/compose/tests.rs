//! Compose files from public projects (tests/fixtures/declared/compose/),
//! and the shapes that must not fool the reader.

use super::*;

const MASTODON: &str = include_str!("../../../tests/fixtures/declared/compose/mastodon.yml");
const SENTRY: &str = include_str!("../../../tests/fixtures/declared/compose/sentry.yml");
const NETBOX: &str = include_str!("../../../tests/fixtures/declared/compose/netbox.yml");
const GEO: &str = include_str!("../../../tests/fixtures/declared/compose/geo.yml");

fn host(role: &str, host: &str) -> AppHost {
    AppHost { role: role.into(), host: host.into() }
}

/// (fact, constraint, file:line) of each declaration.
fn read(files: &[(&str, &str)], hosts: &[AppHost]) -> (Vec<(String, String, String)>, Vec<String>) {
    let (found, problems) = declarations(files, hosts);
    let found = found.iter().map(|d| (d.fact.clone(), d.constraint.clone(), d.source())).collect();
    (found, problems.iter().map(ToString::to_string).collect())
}

fn backing(found: &[(String, String, String)]) -> Vec<(&str, &str, &str)> {
    found
        .iter()
        .filter(|(fact, ..)| fact.starts_with("backing."))
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect()
}

#[test]
fn mastodon_by_the_usual_roles_of_its_images() {
    let (found, problems) = read(&[("docker-compose.yml", MASTODON)], &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        backing(&found),
        [
            ("backing.database", "postgres:14-alpine", "docker-compose.yml:7"),
            ("backing.cache", "redis:7-alpine", "docker-compose.yml:20"),
        ]
    );
    // The tools' facts the images pin, as before (#13).
    assert!(found.contains(&(
        "service.postgresql".into(),
        "14".into(),
        "docker-compose.yml:7".into()
    )));
}

#[test]
fn sentry_anchors_merge_keys_variables_and_builds() {
    let (found, problems) = read(&[("docker-compose.yml", SENTRY)], &[]);
    // Memcached and Redis could each be the cache: not guessed, said.
    assert_eq!(backing(&found), [("backing.database", "postgres:14.11", "docker-compose.yml:37")]);
    assert_eq!(
        problems,
        ["docker-compose.yml:21: services `memcached`, `redis` could each be the app's cache: \
          none declared (the host in the app's URL for it names the one)"]
    );
    // The app's REDIS_URL naming `redis` settles it; Kafka's Confluent
    // image and the services built here declare nothing.
    let (found, problems) = read(&[("docker-compose.yml", SENTRY)], &[host("cache", "redis")]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        backing(&found),
        [
            ("backing.cache", "redis:6.2.14-alpine", "docker-compose.yml:28"),
            ("backing.database", "postgres:14.11", "docker-compose.yml:37"),
        ]
    );
}

#[test]
fn a_service_merged_from_an_anchor_and_one_built_here() {
    let (found, problems) = read(&[("docker-compose.yml", NETBOX)], &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        backing(&found),
        [
            ("backing.database", "postgres:10.4-alpine", "docker-compose.yml:27"),
            ("backing.cache", "redis:4-alpine", "docker-compose.yml:30"),
        ]
    );
    // The URL naming the app's own service (built here) takes the role
    // from the type's guess, and declares nothing for it.
    let (found, _) = read(&[("docker-compose.yml", NETBOX)], &[host("database", "netbox-worker")]);
    assert_eq!(backing(&found), [("backing.cache", "redis:4-alpine", "docker-compose.yml:30")]);
}

#[test]
fn hostnames_aliases_and_defaults_of_variables() {
    let hosts = [host("queue", "broker"), host("database", "geodb")];
    let (found, problems) = read(&[("compose.yaml", GEO)], &hosts);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        backing(&found),
        [
            ("backing.queue", "rabbitmq:3.10-management", "compose.yaml:7"),
            ("backing.database", "postgis/postgis:${POSTGIS_TAG:-14-3.2}", "compose.yaml:14"),
        ]
    );
    // Nothing of `environment:` is kept: the planted password is nowhere.
    let (found, problems) = declarations(&[("compose.yaml", GEO)], &hosts);
    assert!(!format!("{found:?}{problems:?}").contains("Planted"));
}

#[test]
fn a_url_naming_a_service_of_another_type_gives_it_the_role() {
    // The app's cache URL says memcached://cache:11211; compose runs redis
    // there: declared as the cache, and judged as another type later.
    let text = "services:\n  cache:\n    image: redis:7\n";
    let (found, _) = read(&[("compose.yaml", text)], &[host("cache", "cache")]);
    assert_eq!(backing(&found), [("backing.cache", "redis:7", "compose.yaml:3")]);
}

#[test]
fn an_override_replaces_the_base_image_where_it_is_written() {
    let base = "services:\n  db:\n    image: postgres:15\n  cache:\n    image: redis:7\n";
    let over = "services:\n  db:\n    image: postgres:16-alpine\n";
    let (found, problems) = read(&[("compose.yaml", base), ("compose.override.yaml", over)], &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        backing(&found),
        [
            ("backing.database", "postgres:16-alpine", "compose.override.yaml:3"),
            ("backing.cache", "redis:7", "compose.yaml:5"),
        ]
    );
    assert_eq!(
        project(&["compose.yaml", "docker-compose.yml", "compose.override.yml"]),
        ["compose.yaml", "compose.override.yml"]
    );
}

#[test]
fn malformed_yaml_is_one_problem_with_its_line_and_the_other_file_still_counts() {
    let broken = "services:\n  db:\n    image: postgres:16\n   cache: [\n";
    let fine = "services:\n  cache:\n    image: redis:7\n";
    let (found, problems) = read(&[("compose.yaml", broken), ("compose.override.yaml", fine)], &[]);
    assert_eq!(backing(&found), [("backing.cache", "redis:7", "compose.override.yaml:3")]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("compose.yaml:4: not valid YAML: "), "{problems:?}");
    let (_, problems) = read(&[("compose.yaml", "services: [db]\n")], &[]);
    assert_eq!(problems, ["compose.yaml:1: `services` is not a mapping"]);
}

/// YAML's scanner keeps a pending key per open `[` or `{`, and looks at all
/// of them for each token: a file of nothing but brackets (1 MiB is
/// allowed) would take hours. It is refused before parsing, with its line.
#[test]
fn brackets_nested_deeper_than_yaml_allows_are_refused_before_parsing() {
    let n = 30_000;
    let deep = format!(
        "services:\n  db:\n    image: postgres:16\n    x: {}{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let (found, problems) = read(&[("compose.yaml", &deep)], &[]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(problems, ["compose.yaml:4: not valid YAML: `[` and `{` nested deeper than 128"]);
    // Brackets inside quotes are text, and do not count.
    let quoted = format!(
        "services:\n  db:\n    image: postgres:16\n    command: \"{}\"\n    entrypoint: '{}'\n",
        "[".repeat(200),
        "{".repeat(200)
    );
    let (found, problems) = read(&[("compose.yaml", &quoted)], &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(found.len(), 2, "{found:?}");
}
