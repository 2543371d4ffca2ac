//! The app's configuration on this machine, as the app would read it: the
//! environment first, then `.env.<environment>`, then `.env` (dotenv
//! libraries never override a variable the environment sets; the
//! environment-specific file overrides the plain one, as dotenv-flow,
//! Rails' dotenv and Next.js order them). Each role takes the first of its
//! variables that is set.

use std::path::Path;

use crate::backing::dotenv::{self, Assignment, MAX_DOTENV_BYTES};
use crate::backing::roles::Role;

/// A role's variable as found, with where. `value` may hold credentials:
/// it is used to ask on this machine and never shown or stored.
pub struct Setting {
    pub role: String,
    /// `DATABASE_URL in the environment`, `DATABASE_URL in .env:3`.
    pub origin: String,
    pub var: String,
    pub value: String,
}

/// What was found for the roles, and what could not be read.
pub struct Found {
    pub settings: Vec<Setting>,
    /// Roles none of whose variables is set.
    pub unset: Vec<Role>,
    /// Lines and files that could not be read, each one line with its place.
    pub problems: Vec<String>,
}

/// The roles' variables from `env` (the process environment, or a test's),
/// then the app folder's `.env.<environment>` and `.env`.
pub fn find(
    roles: &[Role],
    env: &dyn Fn(&str) -> Option<String>,
    app_dir: &Path,
    environment: Option<&str>,
) -> Found {
    let mut problems = Vec::new();
    let mut files: Vec<(String, Vec<Assignment>)> = Vec::new();
    let names = environment
        .filter(|e| {
            !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        })
        .map(|e| format!(".env.{e}"))
        .into_iter()
        .chain([".env".to_owned()]);
    for name in names {
        let path = app_dir.join(&name);
        match crate::fsutil::read_text(&path, MAX_DOTENV_BYTES) {
            Ok(text) => {
                let (found, bad) = dotenv::parse(&text);
                problems.extend(bad.iter().map(|p| format!("{name}:{}: {}", p.line, p.message)));
                files.push((name, found));
            }
            Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) => {}
            Err(e) => problems.push(format!("{name}: not read: {}", e.problem)),
        }
    }
    let mut settings = Vec::new();
    let mut unset = Vec::new();
    for role in roles {
        let found = role.vars.iter().find_map(|var| {
            if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                return Some((var, format!("{var} in the environment"), value));
            }
            files.iter().find_map(|(file, found)| {
                dotenv::lookup(found, var)
                    .filter(|a| !a.value.is_empty())
                    .map(|a| (var, format!("{var} in {file}:{}", a.line), a.value.clone()))
            })
        });
        match found {
            Some((var, origin, value)) => {
                settings.push(Setting { role: role.name.clone(), origin, var: var.clone(), value });
            }
            None => unset.push(role.clone()),
        }
    }
    Found { settings, unset, problems }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backing::roles::roles;

    #[test]
    fn the_environment_wins_then_the_environment_file_then_env() {
        let dir = std::env::temp_dir().join(format!("paritty-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join(".env"),
            "DATABASE_URL=sqlite:///a.db\nREDIS_URL=redis://h\nAMQP_URL='open\n",
        )
        .expect("write .env");
        std::fs::write(dir.join(".env.prod"), "REDIS_URL=redis://prod-cache\n").expect("write");
        let env = |name: &str| (name == "DATABASE_URL").then(|| "postgres://db/app".to_owned());
        let found = find(&roles(&std::collections::BTreeMap::default()), &env, &dir, Some("prod"));
        let got: Vec<(&str, &str, &str)> = found
            .settings
            .iter()
            .map(|s| (s.role.as_str(), s.origin.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("database", "DATABASE_URL in the environment", "postgres://db/app"),
                ("cache", "REDIS_URL in .env.prod:1", "redis://prod-cache"),
            ]
        );
        assert_eq!(
            found.problems,
            [".env:3: a quoted value that does not end on its line (not supported)"]
        );
        assert!(found.unset.iter().any(|r| r.name == "queue"));
        std::fs::remove_dir_all(&dir).expect("remove");
    }
}
