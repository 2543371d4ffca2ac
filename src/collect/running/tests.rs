use super::*;
use crate::profile::parse_profile;

const PROFILE: &str = r#"
[profile]
name = "running-test"

[[fact]]
id = "service.redis"
label = "Redis"
category = "Backing services"
compare = "loose"
parser = "redis"
sources = [{ cmd = ["redis-server", "--version"] }]
running = { programs = ["redis-server"] }

[[fact]]
id = "service.postgresql"
label = "PostgreSQL"
category = "Backing services"
compare = "loose"
parser = "postgres"
sources = [{ cmd = ["postgres", "--version"] }]
running = { programs = ["postgres"] }

[[fact]]
id = "service.rabbitmq"
label = "RabbitMQ"
category = "Backing services"
compare = "loose"
sources = [{ cmd = ["rabbitmqctl", "version"] }]
running = { programs = ["beam.smp"], cmdline = 'rabbitmq_server-(\d+(?:\.\d+)+)' }
"#;

fn profile() -> Profile {
    parse_profile(PROFILE, "test", None).expect("profile loads")
}

fn seen(pid: u32, parent: u32, exe: Option<&str>, cmdline: &str) -> Seen {
    Seen {
        pid,
        ppid: parent,
        exe: exe.map(str::to_owned),
        same_file: exe.map(|e| !e.ends_with(DELETED)),
        runnable: true,
        cmdline: cmdline.into(),
    }
}

fn installed(profile: &Profile) -> BTreeMap<String, Fact> {
    profile
        .facts
        .iter()
        .map(|f| {
            let mut fact = Fact::empty(Status::Ok);
            fact.value = Some("7.2.4".into());
            (f.id.clone(), fact)
        })
        .collect()
}

#[test]
fn servers_are_matched_by_executable_or_first_word_and_children_are_counted_once() {
    let profile = profile();
    let pg = profile.facts[1].running.as_ref().expect("running");
    let list = [
        seen(
            100,
            1,
            Some("/usr/lib/postgresql/15/bin/postgres"),
            "/usr/lib/postgresql/15/bin/postgres -D x",
        ),
        seen(101, 100, Some("/usr/lib/postgresql/15/bin/postgres"), "postgres: checkpointer "),
        seen(102, 100, Some("/usr/lib/postgresql/15/bin/postgres"), "postgres: walwriter "),
        // Another user's: matched by its command line's first word.
        seen(200, 1, None, "/usr/lib/postgresql/16/bin/postgres -D y"),
        // A script named postgres runs as sh: not a server.
        seen(300, 1, Some("/usr/bin/dash"), "/bin/sh /tmp/postgres --version"),
    ];
    let found: Vec<u32> = servers(pg, &list).iter().map(|(s, _)| s.pid).collect();
    assert_eq!(found, vec![100, 200]);
    // Debian's redis-server is a link to redis-check-rdb: the title says.
    let redis = profile.facts[0].running.as_ref().expect("running");
    let list =
        [seen(5, 1, Some("/usr/bin/redis-check-rdb"), "/usr/bin/redis-server 127.0.0.1:6379")];
    assert_eq!(servers(redis, &list).len(), 1);
}

#[test]
fn a_replaced_binary_is_flagged_and_its_own_answer_is_the_version() {
    let profile = profile();
    let list = vec![
        seen(10, 1, Some("/tmp/x/redis-server (deleted)"), "/tmp/x/redis-server *:6379"),
        seen(11, 1, Some("/usr/bin/redis-server"), "redis-server *:6380"),
    ];
    assert_eq!(
        to_ask(&profile, &list),
        vec![(10, vec!["--version".to_owned()]), (11, vec!["--version".to_owned()])]
    );
    let answers = BTreeMap::from([
        (10, Answer { output: "Redis server v=7.0.15 sha=0\n".into(), timed_out: false }),
        (11, Answer { output: "\u{1b}[31mgarbage\n".into(), timed_out: false }),
    ]);
    let mut facts = installed(&profile);
    attach(&profile, &mut facts, &list, &answers, None);
    let running = facts["service.redis"].running.as_ref().expect("running");
    assert_eq!(running.processes.len(), 2);
    let replaced = &running.processes[0];
    assert_eq!(replaced.exe.as_deref(), Some("/tmp/x/redis-server"));
    assert!(replaced.replaced);
    assert_eq!(replaced.version.as_deref(), Some("7.0.15"));
    let other = &running.processes[1];
    assert!(!other.replaced);
    assert_eq!(other.version, None);
    assert!(!other.raw.contains('\u{1b}'), "cleaned: {:?}", other.raw);
    assert_eq!(other.note.as_deref(), Some("its answer has no version paritty reads"));
    // No server of the others: nothing said.
    assert_eq!(facts["service.postgresql"].running, None);
}

/// A server whose file another user owns, or others may write (a user's
/// own build named `redis-server`), is listed, never run: paritty often
/// runs as root, and running it would run that user's code as root.
#[test]
fn another_users_executable_is_never_run_to_ask_its_version() {
    let profile = profile();
    let mut theirs = seen(20, 1, Some("/tmp/evil/redis-server"), "redis-server *:6390");
    theirs.runnable = false;
    let list = vec![theirs, seen(21, 1, Some("/usr/bin/redis-server"), "redis-server *:6391")];
    assert_eq!(to_ask(&profile, &list), vec![(21, vec!["--version".to_owned()])]);
    // Even an answer for it (a forged probe output) is not read.
    let answers = BTreeMap::from([(
        20,
        Answer { output: "Redis server v=7.0.15 sha=0\n".into(), timed_out: false },
    )]);
    let mut facts = installed(&profile);
    attach(&profile, &mut facts, &list, &answers, None);
    let running = facts["service.redis"].running.as_ref().expect("running");
    let listed = &running.processes[0];
    assert_eq!((listed.pid, listed.version.as_deref()), (20, None));
    assert_eq!(listed.exe.as_deref(), Some("/tmp/evil/redis-server"));
    assert_eq!(listed.note.as_deref(), Some(NOT_RUN));
}

#[test]
fn rabbitmq_is_told_by_its_command_line_and_never_asked() {
    let profile = profile();
    let list = vec![
        seen(
            7,
            1,
            Some("/usr/lib/erlang/erts-13/bin/beam.smp"),
            "/usr/lib/erlang/erts-13/bin/beam.smp -- -root /usr/lib/erlang -pa /usr/lib/rabbitmq/lib/rabbitmq_server-3.12.1/ebin",
        ),
        // Another Erlang program is no RabbitMQ.
        seen(
            8,
            1,
            Some("/usr/lib/erlang/erts-13/bin/beam.smp"),
            "/usr/lib/erlang/erts-13/bin/beam.smp -- -root /usr/lib/erlang -s ejabberd",
        ),
    ];
    assert_eq!(to_ask(&profile, &list), Vec::new());
    let mut facts = installed(&profile);
    attach(&profile, &mut facts, &list, &BTreeMap::new(), None);
    let running = facts["service.rabbitmq"].running.as_ref().expect("running");
    assert_eq!(running.processes.len(), 1);
    assert_eq!(running.processes[0].version.as_deref(), Some("3.12.1"));
}

#[test]
fn another_users_process_and_no_proc_are_statuses_not_errors() {
    let profile = profile();
    let list = vec![seen(9, 1, None, "redis-server *:6379")];
    let mut facts = installed(&profile);
    attach(&profile, &mut facts, &list, &BTreeMap::new(), None);
    let p = &facts["service.redis"].running.as_ref().expect("running").processes[0];
    assert_eq!(p.exe, None);
    assert!(p.note.as_deref().is_some_and(|n| n.contains("not permitted to read /proc/9/exe")));
    assert_eq!(facts["service.redis"].status, Status::Ok);

    let mut facts = installed(&profile);
    facts.get_mut("service.postgresql").expect("fact").status = Status::Missing;
    attach(&profile, &mut facts, &[], &BTreeMap::new(), Some(local::NOT_OBSERVABLE));
    let said = facts["service.redis"].running.as_ref().and_then(|r| r.unobservable.as_deref());
    assert_eq!(said, Some(local::NOT_OBSERVABLE));
    // Not installed: nothing to say about it.
    assert_eq!(facts["service.postgresql"].running, None);
}

#[test]
fn the_scan_narrows_by_kernel_name() {
    let profile = profile();
    assert!(wanted(&profile, "redis-server"));
    assert!(wanted(&profile, "beam.smp"));
    assert!(!wanted(&profile, "bash"));
    assert_eq!(crate::profile::comm_of("a-very-long-server-name"), "a-very-long-ser");
}
