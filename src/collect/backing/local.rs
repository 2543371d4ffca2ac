//! This machine's backing services: the configuration read here (the
//! environment paritty runs in, then the app folder's `.env` files), each
//! service asked by paritty itself with the URL's credentials, which never
//! leave this function's stack (a `Secret`, wiped when dropped).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use super::settings::{self, Setting};
use super::{
    Outcome, bad_url, fact, fact_id, finish, from_ask_error, list_kind, not_asked, protocol, unset,
};
use crate::backing::ask::{Login, ask_tcp};
use crate::backing::endpoint::{self, Endpoint, Kind};
use crate::backing::roles::Role;
use crate::backing::secret::Secret;
use crate::model::Fact;

/// Where and how long: the app folder, its environment label, the time
/// each service gets, and the PATH that finds `sqlite3`.
pub struct Here<'a> {
    pub app_dir: &'a Path,
    pub environment: Option<&'a str>,
    pub timeout: Duration,
    pub path_var: Option<&'a OsStr>,
    pub env: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// The `backing.*` facts of this machine; every service asked at once, so
/// the whole costs the slowest answer, at most `timeout`.
pub fn facts(roles: &[Role], here: &Here<'_>) -> BTreeMap<String, Fact> {
    let found = settings::find(roles, here.env, here.app_dir, here.environment);
    let read = format!("environment, .env in {}", here.app_dir.display());
    let mut facts: BTreeMap<String, Fact> = found
        .unset
        .iter()
        .map(|role| (fact_id(&role.name), unset(role, &read, &found.problems)))
        .collect();
    let deadline = Instant::now() + here.timeout;
    let asked: Vec<(String, Fact)> = std::thread::scope(|scope| {
        let handles: Vec<_> = found
            .settings
            .iter()
            .map(|setting| {
                let handle = std::thread::Builder::new()
                    .name(format!("backing-{}", setting.role))
                    .spawn_scoped(scope, move || ask_one(setting, here, deadline));
                (setting, handle)
            })
            .collect();
        handles
            .into_iter()
            .map(|(setting, handle)| {
                let fact = match handle
                    .map_err(|e| e.to_string())
                    .and_then(|h| h.join().map_err(|_| "the asking thread panicked".to_owned()))
                {
                    Ok(fact) => fact,
                    Err(why) => bad_url(&setting.origin, &format!("not asked: {why}")),
                };
                (fact_id(&setting.role), fact)
            })
            .collect()
    });
    facts.extend(asked);
    finish(facts, roles)
}

fn ask_one(setting: &Setting, here: &Here<'_>, deadline: Instant) -> Fact {
    let started = Instant::now();
    let endpoint = match endpoint::parse(&setting.value, list_kind(&setting.var)) {
        Ok(e) => e,
        Err(e) => return bad_url(&setting.origin, &e.0),
    };
    let outcome = ask(&endpoint, &setting.value, here, deadline);
    fact(&setting.origin, &endpoint, outcome, started.elapsed())
}

fn ask(endpoint: &Endpoint, url: &str, here: &Here<'_>, deadline: Instant) -> Outcome {
    if let Some(why) = not_asked(endpoint) {
        return Outcome::failed(crate::model::Status::NotAsked, why);
    }
    match endpoint.kind {
        Kind::Memory => return Outcome::Memory,
        Kind::Sqlite => {
            let db = endpoint.database.as_deref().unwrap_or(":memory:");
            let left = deadline.saturating_duration_since(Instant::now());
            return super::sqlite::ask_here(db, here.app_dir, left, here.path_var);
        }
        _ => {}
    }
    let (Some(protocol), Some(host)) = (protocol(endpoint.kind), endpoint.host.as_deref()) else {
        return Outcome::failed(crate::model::Status::NotAsked, "not asked: no way to ask it");
    };
    let port = endpoint.port.unwrap_or(0);
    // The credentials, read again from the URL right here: they are used for
    // this one conversation and dropped (wiped) with it.
    let parsed = url::Url::parse(url).ok();
    let user = parsed.as_ref().map(|u| percent_decode(u.username())).filter(|u| !u.is_empty());
    let password =
        parsed.as_ref().and_then(|u| u.password()).map(|p| Secret::new(percent_decode(p)));
    let login = Login {
        user: user.as_deref(),
        password: password.as_ref(),
        database: endpoint.database.as_deref(),
        ..Login::default()
    };
    match ask_tcp(protocol, host, port, &login, deadline) {
        Ok(answer) => Outcome::Answered {
            service: answer.service,
            version: answer.version,
            how: "by paritty here".to_owned(),
        },
        Err(e) => from_ask_error(&e),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
