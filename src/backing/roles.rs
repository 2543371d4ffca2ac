//! Roles: which variable names say where the app's database, cache, queue,
//! ... are. Well-known names by default; `[app.services]` in paritty.toml
//! adds roles or gives a role other names.

use std::collections::BTreeMap;

/// A role (`database`) and the variables naming its service, tried in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub vars: Vec<String>,
}

/// The well-known roles and their variables, first one set wins.
const DEFAULTS: &[(&str, &[&str])] = &[
    ("database", &["DATABASE_URL"]),
    ("cache", &["REDIS_URL", "CACHE_URL", "MEMCACHED_URL", "MEMCACHE_SERVERS"]),
    ("queue", &["AMQP_URL", "RABBITMQ_URL", "CELERY_BROKER_URL"]),
    ("documents", &["MONGODB_URI", "MONGO_URL"]),
    ("search", &["ELASTICSEARCH_URL", "OPENSEARCH_URL"]),
    ("stream", &["KAFKA_BROKERS"]),
];

/// The role a type of service usually plays, for a declaration that names
/// a service but not the role (a compose file's `postgres` image is the
/// database unless the app's URLs say otherwise). Redis is the cache here,
/// though apps also queue on it: an app's URL naming the service decides.
const USUAL_ROLES: &[(&str, &str)] = &[
    ("postgresql", "database"),
    ("mysql", "database"),
    ("mariadb", "database"),
    ("redis", "cache"),
    ("valkey", "cache"),
    ("memcached", "cache"),
    ("rabbitmq", "queue"),
    ("mongodb", "documents"),
    ("elasticsearch", "search"),
    ("opensearch", "search"),
    ("kafka", "stream"),
];

/// The role `service` (a type word: `postgresql`) usually plays.
pub fn usual_role(service: &str) -> Option<&'static str> {
    USUAL_ROLES.iter().find(|(s, _)| *s == service).map(|(_, role)| *role)
}

/// The roles to look for: the defaults, with `overrides` (role = variables,
/// from `[app.services]`) replacing a default role's variables or adding a
/// role, in role-name order after the defaults.
pub fn roles(overrides: &BTreeMap<String, Vec<String>>) -> Vec<Role> {
    let mut out: Vec<Role> = DEFAULTS
        .iter()
        .map(|(name, vars)| Role {
            name: (*name).to_owned(),
            vars: overrides
                .get(*name)
                .cloned()
                .unwrap_or_else(|| vars.iter().map(|v| (*v).to_owned()).collect()),
        })
        .collect();
    for (name, vars) in overrides {
        if !out.iter().any(|r| &r.name == name) {
            out.push(Role { name: name.clone(), vars: vars.clone() });
        }
    }
    out
}

/// What is wrong with a role name from the config (it becomes part of a
/// fact id, `backing.<role>`).
pub fn role_problem(name: &str) -> Option<&'static str> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    (!ok).then_some("a role is lowercase letters, digits, `_` and `-` (at most 64)")
}

/// What is wrong with a variable name from the config (the probe puts it
/// in a shell script, so only identifiers pass).
pub fn var_problem(name: &str) -> Option<&'static str> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!ok).then_some("a variable name is letters, digits and `_`, not starting with a digit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_renames_a_role_and_adds_one() {
        let overrides = BTreeMap::from([
            ("database".to_owned(), vec!["PRIMARY_DB".to_owned()]),
            ("billing_db".to_owned(), vec!["BILLING_DATABASE_URL".to_owned()]),
        ]);
        let roles = roles(&overrides);
        assert_eq!(roles[0], Role { name: "database".into(), vars: vec!["PRIMARY_DB".into()] });
        assert_eq!(roles.last().map(|r| r.name.as_str()), Some("billing_db"));
        assert_eq!(roles.len(), DEFAULTS.len() + 1);
    }

    #[test]
    fn every_usual_role_is_a_default_role() {
        for (service, role) in USUAL_ROLES {
            assert_eq!(usual_role(service), Some(*role));
            assert!(DEFAULTS.iter().any(|(name, _)| name == role), "{role}");
        }
        assert_eq!(usual_role("sqlite3"), None);
    }

    #[test]
    fn names_that_cannot_be_fact_ids_or_shell_words_are_refused() {
        assert!(role_problem("billing_db").is_none());
        assert!(role_problem("Billing DB").is_some());
        assert!(var_problem("BILLING_URL").is_none());
        assert!(var_problem("X;rm").is_some());
        assert!(var_problem("1X").is_some());
    }
}
