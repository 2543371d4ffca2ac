//! A host's backing services from the probe: the app's two frames (its
//! configuration: roles, their URLs without credentials; then the host's
//! clients' answers) become `backing.*` facts; the services that tell their
//! version without a login are asked by the caller (through the SSH
//! session's channels while the probe runs, `ssh::tunnel`).

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Outcome, bad_url, fact, fact_id, finish, list_kind, not_asked, protocol, sqlite};
use crate::backing::ask::Protocol;
use crate::backing::endpoint::{self, Endpoint, Kind};
use crate::backing::roles::Role;
use crate::model::{Fact, Status};
use crate::output::sanitize::{clean_output, one_line};
use crate::probe::frame::Record;
use crate::probe::script::{app_config_fact, app_fact};
use crate::profile::Profile;

/// One role as the host's configuration names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub role: String,
    pub var: String,
    pub origin: String,
    /// The URL as the probe sent it (no user, no password), read.
    pub endpoint: Result<Endpoint, String>,
    /// The URL had a password (it stayed on the host).
    pub password: bool,
    /// What the host's own client said, when one was run.
    pub client: Option<ClientRun>,
    /// The client that would have been run, not installed there.
    pub no_client: Option<String>,
    /// The sqlite file's first 100 bytes.
    pub header: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRun {
    pub program: String,
    pub path: Option<String>,
    pub output: String,
    pub exit_code: Option<i32>,
    pub killed: bool,
}

/// What the probe said of the app's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostConfig {
    pub entries: Vec<Entry>,
    pub unset: Vec<String>,
    pub problems: Vec<String>,
    /// The clients' fact came back: a service it would have asked and
    /// did not is one whose client is missing, not one cut off.
    pub clients_ran: bool,
}

/// The app's configuration from a probe's frames: its configuration's
/// fact (sent first) and its clients' fact (sent after the profile's),
/// either maybe missing; `None` when neither came back. A transcript of an
/// older probe has one fact with both.
pub fn from_frames(
    frames: &BTreeMap<usize, Vec<Record>>,
    profile: &Profile,
    max_bytes: usize,
) -> Option<HostConfig> {
    let config = frames.get(&app_config_fact(profile));
    let clients = frames.get(&app_fact(profile));
    if config.is_none() && clients.is_none() {
        return None;
    }
    let records: Vec<Record> =
        config.into_iter().chain(clients).flat_map(|r| r.iter().cloned()).collect();
    let mut read = read(&records, max_bytes);
    read.clients_ran = clients.is_some();
    Some(read)
}

/// Reads the app's records: the configuration's lines, then the clients'
/// outputs and which is whose.
pub fn read(records: &[Record], max_bytes: usize) -> HostConfig {
    let mut config = HostConfig { clients_ran: true, ..HostConfig::default() };
    let mut outputs: BTreeMap<usize, ClientRun> = BTreeMap::new();
    let mut lines = String::new();
    for record in records {
        match record {
            Record::Read { source: 0, output, .. } => {
                let text = String::from_utf8_lossy(&output[..output.len().min(max_bytes)]);
                lines.push_str(&text);
                if !lines.is_empty() && !lines.ends_with('\n') {
                    lines.push('\n');
                }
            }
            Record::Ran { source, copies, exit_code, killed, output } => {
                outputs.insert(
                    *source,
                    ClientRun {
                        program: String::new(),
                        path: copies.first().map(|c| one_line(&c.path)),
                        output: clean_output(&output[..output.len().min(max_bytes)]),
                        exit_code: *exit_code,
                        killed: *killed,
                    },
                );
            }
            _ => {}
        }
    }
    for line in lines.lines().take(1000) {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["R", role, var, origin, url, creds] => config.entries.push(Entry {
                role: (*role).to_owned(),
                var: (*var).to_owned(),
                origin: one_line(origin),
                endpoint: endpoint::parse(url, list_kind(var)).map_err(|e| e.0),
                password: *creds == "2",
                client: None,
                no_client: None,
                header: None,
            }),
            ["U", role] => config.unset.push((*role).to_owned()),
            ["P", problem] => config.problems.push(one_line(problem)),
            ["K", source, role, program] => {
                let source = source.parse().unwrap_or(usize::MAX);
                if let (Some(mut run), Some(entry)) =
                    (outputs.remove(&source), config.entries.iter_mut().find(|e| e.role == *role))
                {
                    run.program = one_line(program);
                    entry.client = Some(run);
                }
            }
            ["N", role, program] => {
                if let Some(entry) = config.entries.iter_mut().find(|e| e.role == *role) {
                    entry.no_client = Some(one_line(program));
                }
            }
            ["H", role, hex] => {
                if let Some(entry) = config.entries.iter_mut().find(|e| e.role == *role) {
                    entry.header = from_hex(hex);
                }
            }
            _ => {}
        }
    }
    config
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || hex.len() > 200 {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

/// One service to ask from the host's side.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub protocol: Protocol,
    pub endpoint: &'a Endpoint,
}

/// How the caller reaches services from the host's side: SSH asks through
/// `direct-tcpip` channels; a container says why it cannot.
pub trait Reach {
    /// Every question asked (at once where the way allows: the whole then
    /// costs about the slowest answer), one outcome per question, in their
    /// order, each with the time it took.
    fn ask(&mut self, questions: &[Question<'_>]) -> Vec<(Outcome, Duration)>;
}

/// The `backing.*` facts of a host: its clients' answers read, the other
/// services asked through `reach`, all in one call.
pub fn facts(
    config: &HostConfig,
    roles: &[Role],
    host: &str,
    reach: &mut dyn Reach,
) -> BTreeMap<String, Fact> {
    let mut facts = BTreeMap::new();
    for role in roles {
        if config.unset.contains(&role.name) {
            let read = "the host's environment and .env files";
            facts.insert(fact_id(&role.name), super::unset(role, read, &config.problems));
        }
    }
    let mut asking = Vec::new();
    for entry in wanted(config, roles) {
        let fact = match &entry.endpoint {
            Err(why) => bad_url(&entry.origin, why),
            Ok(endpoint) => match decide(config, entry, endpoint, host) {
                Decision::Told(outcome) => fact(&entry.origin, endpoint, outcome, Duration::ZERO),
                Decision::Ask(protocol) => {
                    asking.push((entry, Question { protocol, endpoint }));
                    continue;
                }
            },
        };
        facts.insert(fact_id(&entry.role), fact);
    }
    if !asking.is_empty() {
        let questions: Vec<Question<'_>> = asking.iter().map(|(_, q)| *q).collect();
        let mut asked = reach.ask(&questions).into_iter();
        for (entry, question) in asking {
            let (outcome, took) = asked.next().unwrap_or_else(|| {
                (Outcome::failed(Status::Error, "not asked: no outcome came back"), Duration::ZERO)
            });
            facts.insert(
                fact_id(&entry.role),
                fact(&entry.origin, question.endpoint, outcome, took),
            );
        }
    }
    finish(facts, roles)
}

/// A role's outcome known from the probe alone, or the question to ask.
enum Decision {
    Told(Outcome),
    Ask(Protocol),
}

/// The services `facts` would ask through a `Reach`, known from the
/// configuration alone: a transport may ask them before the clients'
/// answers are in, and answer `facts` from what it got (`Answered`).
pub fn questions<'c>(config: &'c HostConfig, roles: &[Role], host: &str) -> Vec<Question<'c>> {
    wanted(config, roles)
        .filter_map(|entry| {
            let endpoint = entry.endpoint.as_ref().ok()?;
            match decide(config, entry, endpoint, host) {
                Decision::Ask(protocol) => Some(Question { protocol, endpoint }),
                Decision::Told(_) => None,
            }
        })
        .collect()
}

/// The entries of the roles paritty was told of, the first of each: the
/// lines come from the host, which could name a thousand services.
fn wanted<'c>(config: &'c HostConfig, roles: &[Role]) -> impl Iterator<Item = &'c Entry> {
    config.entries.iter().enumerate().filter_map(move |(i, entry)| {
        let known = roles.iter().any(|r| r.name == entry.role);
        let first = !config.entries[..i].iter().any(|e| e.role == entry.role);
        (known && first).then_some(entry)
    })
}

fn decide(config: &HostConfig, entry: &Entry, endpoint: &Endpoint, host: &str) -> Decision {
    if let Some(why) = not_asked(endpoint) {
        return Decision::Told(Outcome::failed(Status::NotAsked, why));
    }
    let needs_client = match endpoint.kind {
        Kind::Memory => return Decision::Told(Outcome::Memory),
        Kind::Sqlite => return Decision::Told(sqlite_here(entry, host)),
        Kind::Postgresql => Some("postgresql-client (psql)"),
        Kind::Redis if entry.password => Some("redis-tools (redis-cli) or valkey-cli"),
        _ => None,
    };
    if let Some(package) = needs_client {
        return Decision::Told(match &entry.client {
            Some(run) => client_answer(endpoint.kind, run),
            None if !config.clients_ran => Outcome::failed(
                Status::Timeout,
                format!("the probe ended before {host}'s own client asked it"),
            ),
            None => Outcome::failed(
                Status::NeedsLogin,
                format!(
                    "{} tells its version only after a login, which paritty makes with {host}'s own client so the password stays there: install {package} on {host}",
                    endpoint.kind
                ),
            ),
        });
    }
    match protocol(endpoint.kind) {
        Some(protocol) => Decision::Ask(protocol),
        None => Decision::Told(Outcome::failed(Status::NotAsked, "not asked: no way to ask it")),
    }
}

fn sqlite_here(entry: &Entry, host: &str) -> Outcome {
    let file =
        match (&entry.header, entry.endpoint.as_ref().ok().and_then(|e| e.database.as_deref())) {
            (_, Some(":memory:")) => "in memory (no file)".to_owned(),
            (Some(bytes), _) => sqlite::describe_header(bytes),
            (None, _) => "no such file there (SQLite would create it)".to_owned(),
        };
    match &entry.client {
        Some(run) => match sqlite::library_version(&run.output) {
            Some(version) => Outcome::Answered {
                service: "sqlite".into(),
                version,
                how: format!(
                    "by {} on {host} (the library it links); file: {file}",
                    run.path.as_deref().unwrap_or(&run.program)
                ),
            },
            None => Outcome::failed(
                Status::Error,
                format!("{} said: {}; file: {file}", run.program, first_line(&run.output)),
            ),
        },
        None => Outcome::failed(
            Status::NotAsked,
            format!(
                "no sqlite3 CLI or python3 on {host} to tell the SQLite library version; file: {file}"
            ),
        ),
    }
}

/// What psql or redis-cli printed (only the version line, or an error line,
/// came back), as an outcome.
pub fn client_answer(kind: Kind, run: &ClientRun) -> Outcome {
    let how = format!("by {} on the host", run.path.as_deref().unwrap_or(&run.program));
    if run.killed {
        return Outcome::failed(Status::Timeout, format!("{} did not answer in time", run.program));
    }
    let text = run.output.as_str();
    if kind == Kind::Redis {
        let field = |name: &str| {
            text.lines().find_map(|l| l.trim().strip_prefix(name)).map(|v| v.trim().to_owned())
        };
        if let Some(version) = field("valkey_version:") {
            return Outcome::Answered { service: "valkey".into(), version, how };
        }
        if let Some(version) = field("redis_version:") {
            return Outcome::Answered { service: "redis".into(), version, how };
        }
    } else if run.exit_code == Some(0)
        && let Some(version) = text.lines().next().and_then(|l| l.split_whitespace().next())
        && version.starts_with(|c: char| c.is_ascii_digit())
    {
        return Outcome::Answered {
            service: kind.as_str().into(),
            version: version.to_owned(),
            how,
        };
    }
    let lower = text.to_ascii_lowercase();
    let status = if [
        "password authentication failed",
        "authentication failed",
        "no password supplied",
        "wrongpass",
        "noauth",
        "invalid password",
        "auth failed",
        "invalid username-password",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        Status::AuthFailed
    } else if [
        "connection refused",
        "could not connect",
        "could not translate host",
        "no route to host",
        "network is unreachable",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        Status::Unreachable
    } else if lower.contains("timeout") {
        Status::Timeout
    } else {
        Status::Error
    };
    Outcome::failed(status, format!("{} said: {}", run.program, first_line(text)))
}

fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("(nothing)");
    one_line(line).chars().take(300).collect()
}

/// Services asked before `facts` ran (a transport that asks them while the
/// probe goes on): each question gets the outcome its service gave, found
/// by what was asked, so the order `facts` asks in does not matter.
pub struct Answered {
    pub asked: Vec<(Protocol, Endpoint, Outcome, Duration)>,
}

impl Reach for Answered {
    fn ask(&mut self, questions: &[Question<'_>]) -> Vec<(Outcome, Duration)> {
        questions
            .iter()
            .map(|q| {
                let found = self.asked.iter().position(|(protocol, endpoint, ..)| {
                    *protocol == q.protocol && endpoint == q.endpoint
                });
                match found {
                    Some(i) => {
                        let (_, _, outcome, took) = self.asked.swap_remove(i);
                        (outcome, took)
                    }
                    None => (
                        Outcome::failed(Status::NotAsked, "not asked: no answer was kept for it"),
                        Duration::ZERO,
                    ),
                }
            })
            .collect()
    }
}

/// Where paritty has no way to open a connection from the target's side,
/// though the probe ran there and its clients answered: the services it
/// would ask are `not-asked`, saying why.
pub struct NotReached {
    pub why: &'static str,
}

impl NotReached {
    /// Inside a container.
    pub fn container() -> NotReached {
        NotReached { why: "not asked: paritty does not yet reach services from inside a container" }
    }

    /// A probe that ran through Ansible (`paritty import`).
    pub fn imported() -> NotReached {
        NotReached {
            why: "not asked: imported from Ansible's output (only the host's own clients asked; `paritty snapshot HOST` asks the rest through SSH)",
        }
    }
}

impl Reach for NotReached {
    fn ask(&mut self, questions: &[Question<'_>]) -> Vec<(Outcome, Duration)> {
        questions
            .iter()
            .map(|_| (Outcome::failed(Status::NotAsked, self.why), Duration::ZERO))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backing::roles::roles;
    use crate::probe::frame::Copy;

    struct Refused(Vec<String>);
    impl Reach for Refused {
        fn ask(&mut self, questions: &[Question<'_>]) -> Vec<(Outcome, Duration)> {
            questions
                .iter()
                .map(|q| {
                    self.0.push(format!("{:?} {}", q.protocol, q.endpoint.describe()));
                    (Outcome::failed(Status::Unreachable, "refused"), Duration::ZERO)
                })
                .collect()
        }
    }

    fn records(lines: &str, client: Option<(&str, Option<i32>)>) -> Vec<Record> {
        let mut out =
            vec![Record::Read { source: 0, copies: vec![], output: lines.as_bytes().to_vec() }];
        if let Some((said, code)) = client {
            out.push(Record::Ran {
                source: 1,
                copies: vec![Copy { path: "/usr/bin/psql".into(), real: "/usr/bin/psql".into() }],
                exit_code: code,
                killed: false,
                output: said.as_bytes().to_vec(),
            });
        }
        out
    }

    #[test]
    fn the_hosts_lines_become_facts_asked_where_they_should_be() {
        let lines = "R\tdatabase\tDATABASE_URL\tDATABASE_URL in /srv/app/.env:2\tpostgres://db:5432/app\t2\n\
                     R\tcache\tREDIS_URL\tREDIS_URL in the environment\tredis://127.0.0.1:6379/0\t0\n\
                     U\tqueue\nP\t/srv/app/.env:4: not a NAME=value line paritty reads\n\
                     K\t1\tdatabase\tpsql\n";
        let config = read(&records(lines, Some(("16.4 (Debian 16.4-1)\n", Some(0)))), 65536);
        let mut reach = Refused(vec![]);
        let facts = facts(&config, &roles(&BTreeMap::default()), "prod", &mut reach);
        let db = &facts["backing.database"];
        assert_eq!(db.value.as_deref(), Some("postgresql 16.4"));
        assert_eq!(db.found_at.as_deref(), Some("DATABASE_URL in /srv/app/.env:2"));
        assert!(db.raw.starts_with("postgresql db:5432 database app"), "{}", db.raw);
        assert_eq!(facts["backing.cache"].status, Status::Unreachable);
        assert_eq!(reach.0, ["Redis redis 127.0.0.1:6379 database 0"]);
        let queue = &facts["backing.queue"];
        assert_eq!(queue.status, Status::Missing);
        assert!(queue.raw.contains(".env:4"), "{}", queue.raw);
        assert_eq!(facts["backing.database"].category, super::super::CATEGORY);
    }

    #[test]
    fn without_the_client_a_login_service_needs_login_and_says_what_to_install() {
        let lines = "R\tdatabase\tDATABASE_URL\tDATABASE_URL in the environment\tpostgresql://db/app\t2\nN\tdatabase\tpsql\n";
        let config = read(&records(lines, None), 65536);
        let facts = facts(&config, &roles(&BTreeMap::default()), "prod", &mut Refused(vec![]));
        let db = &facts["backing.database"];
        assert_eq!(db.status, Status::NeedsLogin);
        assert!(db.raw.contains("install postgresql-client (psql) on prod"), "{}", db.raw);
    }

    /// The probe's two app frames: the configuration first, the clients'
    /// answers after the profile's facts; an older probe's one frame.
    #[test]
    fn the_configuration_and_the_clients_frames_read_together() {
        let profile = crate::profile::load_profile("default", None).expect("the default profile");
        let config = "R\tdatabase\tDATABASE_URL\tDATABASE_URL in the environment\tpostgres://db/app\t2\n\
                      R\tcache\tREDIS_URL\tREDIS_URL in the environment\tredis://127.0.0.1:6379\t0\n";
        let both: BTreeMap<usize, Vec<Record>> = [
            (app_config_fact(&profile), records(config, None)),
            (app_fact(&profile), records("K\t1\tdatabase\tpsql\n", Some(("16.4\n", Some(0))))),
        ]
        .into();
        let read_both = from_frames(&both, &profile, 65536).expect("a configuration");
        assert!(read_both.clients_ran);
        let older: BTreeMap<usize, Vec<Record>> = [(
            app_fact(&profile),
            records(&format!("{config}K\t1\tdatabase\tpsql\n"), Some(("16.4\n", Some(0)))),
        )]
        .into();
        assert_eq!(from_frames(&older, &profile, 65536).as_ref(), Some(&read_both));
        let told = facts(&read_both, &roles(&BTreeMap::default()), "prod", &mut Refused(vec![]));
        assert_eq!(told["backing.database"].value.as_deref(), Some("postgresql 16.4"));

        // The probe cut off before its clients' frame: the services asked
        // beside it keep their answers, the client's is said to be missing.
        let first: BTreeMap<usize, Vec<Record>> =
            [(app_config_fact(&profile), records(config, None))].into();
        let cut = from_frames(&first, &profile, 65536).expect("a configuration");
        assert!(!cut.clients_ran);
        let asked = questions(&cut, &roles(&BTreeMap::default()), "prod");
        assert_eq!(asked.len(), 1, "only the Redis without a password is asked beside");
        let answer = Outcome::Answered {
            service: "redis".into(),
            version: "7.2.4".into(),
            how: "through prod".into(),
        };
        let mut answered = Answered {
            asked: vec![(
                asked[0].protocol,
                asked[0].endpoint.clone(),
                answer,
                Duration::from_millis(3),
            )],
        };
        let facts = facts(&cut, &roles(&BTreeMap::default()), "prod", &mut answered);
        assert_eq!(facts["backing.cache"].value.as_deref(), Some("redis 7.2.4"));
        let db = &facts["backing.database"];
        assert_eq!(db.status, Status::Timeout);
        assert!(db.raw.contains("the probe ended before prod's own client asked it"), "{}", db.raw);
        assert_eq!(from_frames(&BTreeMap::new(), &profile, 65536), None);
    }

    /// The host's lines are the host's word: a role paritty was not told
    /// of, or a role said twice, is not asked.
    #[test]
    fn only_the_first_line_of_each_known_role_is_asked() {
        use std::fmt::Write as _;
        let mut lines = String::new();
        for i in 0..50 {
            let _ = write!(
                lines,
                "R\tcache\tREDIS_URL\tthe environment\tredis://10.0.0.{i}:6379\t0\n\
                 R\tnot_a_role_{i}\tX_URL\tthe environment\tredis://10.1.0.{i}:6379\t0\n"
            );
        }
        let config = read(&records(&lines, None), 1 << 20);
        let roles = roles(&BTreeMap::default());
        let asked = questions(&config, &roles, "prod");
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].endpoint.host.as_deref(), Some("10.0.0.0"));
        let mut reach = Refused(vec![]);
        let told = facts(&config, &roles, "prod", &mut reach);
        assert_eq!(reach.0, ["Redis redis 10.0.0.0:6379"]);
        assert_eq!(told.keys().collect::<Vec<_>>(), ["backing.cache"]);
    }

    #[test]
    fn client_errors_read_as_statuses() {
        let run = |said: &str, code| ClientRun {
            program: "psql".into(),
            path: None,
            output: said.into(),
            exit_code: code,
            killed: false,
        };
        let status = |o: Outcome| match o {
            Outcome::Failed { status, .. } => status,
            other => panic!("{other:?}"),
        };
        let said = "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user \"app\"";
        assert_eq!(
            status(client_answer(Kind::Postgresql, &run(said, Some(2)))),
            Status::AuthFailed
        );
        let said =
            "psql: error: connection to server at \"db\", port 5432 failed: Connection refused";
        assert_eq!(
            status(client_answer(Kind::Postgresql, &run(said, Some(2)))),
            Status::Unreachable
        );
        let said = "AUTH failed: WRONGPASS invalid username-password pair or user is disabled.";
        assert_eq!(status(client_answer(Kind::Redis, &run(said, Some(0)))), Status::AuthFailed);
        assert_eq!(
            client_answer(Kind::Redis, &run("redis_version:7.0.15\n", Some(0))),
            Outcome::Answered {
                service: "redis".into(),
                version: "7.0.15".into(),
                how: "by psql on the host".into()
            }
        );
    }
}
