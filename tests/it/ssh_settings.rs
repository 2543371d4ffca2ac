//! Resolving `ssh_config`: every expectation is checked through both
//! resolvers, `ssh -G` and paritty's own parser, which must agree. Config
//! files live in temp folders (`-F`); nothing connects anywhere.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use paritty::collect::ssh::settings::{
    Answerer, Request, Resolver, SSH_G_TIMEOUT, SettingsError, resolve, resolve_explained,
    resolve_with,
};
use paritty::collect::ssh::{JumpHop, SshSettings, StrictHostKeyChecking};

struct Config {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Config {
    fn new(text: &str) -> Config {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write(dir.path(), "config", text);
        Config { dir, path }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn req<'a>(&'a self, host: &'a str) -> Request<'a> {
        Request { host, user: None, port: None, config_file: Some(&self.path) }
    }
}

/// Writes a config file as ssh wants it: not writable by group or others.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path
}

fn ssh() -> PathBuf {
    which::which("ssh").expect("the OpenSSH client on PATH (CI installs it)")
}

fn openssh(program: &Path, timeout: Duration) -> Resolver<'_> {
    Resolver::OpenSsh { program, timeout, fallback: false }
}

/// Both resolvers, which must agree; the settings. What paritty uses
/// (`Auto`) must give the same, from the parser alone: these configs use
/// nothing it cannot evaluate, so no `ssh -G` is started for them.
fn both(req: &Request) -> SshSettings {
    let program = ssh();
    let by_ssh = resolve_with(req, openssh(&program, SSH_G_TIMEOUT))
        .unwrap_or_else(|e| panic!("ssh -G: {e}"));
    let parsed = resolve_with(req, Resolver::Parse).unwrap_or_else(|e| panic!("parser: {e}"));
    assert_eq!(by_ssh, parsed, "ssh -G (left) and the parser (right) disagree");
    let (auto, answerer) = resolve_explained(req, Resolver::Auto);
    assert_eq!(auto.unwrap_or_else(|e| panic!("auto: {e}")), by_ssh);
    assert_eq!(answerer, Answerer::Parser);
    by_ssh
}

/// Both resolvers must fail; their errors. `Auto` then asks `ssh -G`,
/// whose own message names the fault best.
fn both_fail(req: &Request) -> [SettingsError; 2] {
    let program = ssh();
    let by_ssh = resolve_with(req, openssh(&program, SSH_G_TIMEOUT));
    let parsed = resolve_with(req, Resolver::Parse);
    let (auto, answerer) = resolve_explained(req, Resolver::Auto);
    match (by_ssh, parsed, auto) {
        (Err(a), Err(b), Err(c)) => {
            // Errors found before any resolver runs (the -F file) are the
            // same for all; the rest are ssh's.
            if answerer != Answerer::Parser {
                assert_eq!(c.to_string(), a.to_string(), "auto: {answerer:?}");
            }
            [a, b]
        }
        other => panic!("expected three errors, got {other:?}"),
    }
}

/// The local account as OpenSSH sees it: passwd, not $HOME.
fn me() -> (String, String) {
    let out = |cmd: &str, args: &[&str]| {
        let o = std::process::Command::new(cmd).args(args).output().expect(cmd);
        String::from_utf8(o.stdout).expect("utf-8").trim().to_string()
    };
    let uid = out("id", &["-u"]);
    let entry = out("getent", &["passwd", &uid]);
    let fields: Vec<&str> = entry.split(':').collect();
    (fields[0].to_string(), fields[5].to_string())
}

fn paths(list: &[String]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

fn hop(user: Option<&str>, host: &str, port: Option<u16>) -> JumpHop {
    JumpHop { user: user.map(String::from), host: host.into(), port }
}

#[test]
fn alias_with_every_setting() {
    let (_, home) = me();
    let cfg = Config::new(
        "Host web\n\
         \x20 HostName web.internal.example\n\
         \x20 User deploy\n\
         \x20 Port 2222\n\
         \x20 IdentityFile ~/.ssh/deploy_ed25519\n\
         \x20 IdentityFile /keys/second\n\
         \x20 IdentitiesOnly yes\n\
         \x20 ConnectTimeout 7\n\
         \x20 StrictHostKeyChecking accept-new\n\
         \x20 UserKnownHostsFile /kh/one ~/kh_two\n\
         \x20 GlobalKnownHostsFile /etc/paritty_known_hosts\n\
         \x20 HostKeyAlias web-key\n\
         \x20 BatchMode yes\n\
         \x20 HashKnownHosts yes\n",
    );
    let s = both(&cfg.req("web"));
    let expected = SshSettings {
        alias: "web".into(),
        hostname: "web.internal.example".into(),
        port: 2222,
        user: "deploy".into(),
        identity_files: paths(&[format!("{home}/.ssh/deploy_ed25519"), "/keys/second".into()]),
        identities_only: true,
        proxy_jump: vec![],
        connect_timeout: Some(Duration::from_secs(7)),
        strict_host_key_checking: StrictHostKeyChecking::AcceptNew,
        user_known_hosts_files: paths(&["/kh/one".into(), format!("{home}/kh_two")]),
        global_known_hosts_files: paths(&["/etc/paritty_known_hosts".into()]),
        host_key_alias: Some("web-key".into()),
        batch_mode: true,
        hash_known_hosts: true,
    };
    assert_eq!(s, expected);
    // `resolve` (the first ssh on PATH) says the same.
    assert_eq!(resolve(&cfg.req("web")).expect("resolve"), expected);
}

#[test]
fn defaults_for_an_unknown_alias() {
    let (name, home) = me();
    let cfg = Config::new("Host someone-else\n  User nobody\n");
    let s = both(&cfg.req("Unknown.Example"));
    // The name is lowercased for connecting, kept as typed for the alias.
    assert_eq!((s.alias.as_str(), s.hostname.as_str()), ("Unknown.Example", "unknown.example"));
    assert_eq!((s.port, s.user.as_str()), (22, name.as_str()));
    let ids =
        ["id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"];
    assert_eq!(s.identity_files, paths(&ids.map(|k| format!("{home}/.ssh/{k}"))));
    assert_eq!(
        s.user_known_hosts_files,
        paths(&[format!("{home}/.ssh/known_hosts"), format!("{home}/.ssh/known_hosts2")])
    );
    assert_eq!(
        s.global_known_hosts_files,
        paths(&["/etc/ssh/ssh_known_hosts".into(), "/etc/ssh/ssh_known_hosts2".into()])
    );
    assert_eq!(s.strict_host_key_checking, StrictHostKeyChecking::Ask);
    assert!(!s.identities_only && !s.batch_mode);
    assert_eq!((s.connect_timeout, s.host_key_alias, s.proxy_jump), (None, None, vec![]));
}

#[test]
fn proxy_jump_with_one_and_two_hops() {
    let cfg = Config::new(
        "Host one\n  ProxyJump bastion\n\
         Host two\n  ProxyJump alice@j1.example:2201,ssh://bob@j2.example:2202\n\
         Host direct\n  ProxyJump none\n\
         Host *\n  ProxyJump default-bastion:2022\n",
    );
    assert_eq!(both(&cfg.req("one")).proxy_jump, [hop(None, "bastion", None)]);
    assert_eq!(
        both(&cfg.req("two")).proxy_jump,
        [hop(Some("alice"), "j1.example", Some(2201)), hop(Some("bob"), "j2.example", Some(2202))]
    );
    // `none` is a value too: it wins over the later default.
    assert_eq!(both(&cfg.req("direct")).proxy_jump, []);
    assert_eq!(both(&cfg.req("other")).proxy_jump, [hop(None, "default-bastion", Some(2022))]);
}

#[test]
fn wildcards_negation_and_first_value_wins() {
    let (_, home) = me();
    let cfg = Config::new(
        "Host web-? !web-9\n  User deploy\n\
         Host *.prod\n  Port 2200\n\
         Host web-1\n  User too-late\n  IdentityFile ~/.ssh/web1\n\
         Host *\n  User fallback\n  Port 22022\n  IdentityFile ~/.ssh/common\n  IdentityFile ~/.ssh/web1\n",
    );
    let web1 = both(&cfg.req("web-1"));
    assert_eq!((web1.user.as_str(), web1.port), ("deploy", 22022));
    // IdentityFile accumulates across blocks, duplicates dropped.
    assert_eq!(
        web1.identity_files,
        paths(&[format!("{home}/.ssh/web1"), format!("{home}/.ssh/common")])
    );
    assert_eq!(both(&cfg.req("web-9")).user, "fallback");
    let db = both(&cfg.req("db.prod"));
    assert_eq!((db.user.as_str(), db.port), ("fallback", 2200));
    // Host patterns are case-sensitive against the name as typed.
    assert_eq!(both(&cfg.req("WEB-1")).user, "fallback");
}

#[test]
fn include_of_files_and_globs() {
    let cfg = Config::new("");
    let dir = cfg.dir().display().to_string();
    write(cfg.dir(), "extra.conf", "Host inc\n  HostName included.example\n");
    write(cfg.dir(), "conf.d/10-a.conf", "Host inc\n  Port 2301\n");
    write(cfg.dir(), "conf.d/20-b.conf", "Host inc\n  Port 2302\n  User from-glob\n");
    write(cfg.dir(), "conf.d/skipped.txt", "Host inc\n  User not-a-conf\n");
    write(cfg.dir(), "other.conf", "User from-inactive-include\n");
    let main = write(
        cfg.dir(),
        "config",
        &format!(
            "Host nomatch\n  Include {dir}/other.conf\n\
             Host *\n  Include {dir}/extra.conf {dir}/conf.d/*.conf {dir}/absent.conf\n"
        ),
    );
    let req = Request { config_file: Some(&main), ..cfg.req("inc") };
    let s = both(&req);
    assert_eq!(s.hostname, "included.example");
    // Files of a glob in order: 10-a's port first.
    assert_eq!((s.port, s.user.as_str()), (2301, "from-glob"));
}

#[test]
fn user_and_port_of_the_target_override_the_config() {
    let cfg = Config::new(
        "Match user carol\n  IdentitiesOnly yes\n\
         Host app\n  User deploy\n  Port 2222\n",
    );
    let plain = both(&cfg.req("app"));
    assert_eq!((plain.user.as_str(), plain.port, plain.identities_only), ("deploy", 2222, false));
    let req = Request { user: Some("carol"), port: Some(2200), ..cfg.req("app") };
    let s = both(&req);
    // Like `ssh -l carol -p 2200 app`; Match user sees the -l user.
    assert_eq!((s.user.as_str(), s.port, s.identities_only), ("carol", 2200, true));
}

#[test]
fn match_blocks() {
    let cfg = Config::new(
        "Host m1\n  HostName Real.Example\n  User from-host\n\
         Match originalhost m* !user nobody\n  Port 2022\n\
         Match host real.example\n  ConnectTimeout 9\n\
         Match all\n  BatchMode yes\n\
         Match final\n  IdentitiesOnly yes\n\
         Host real.example\n  HostKeyAlias via-final-pass\n",
    );
    let s = both(&cfg.req("m1"));
    assert_eq!((s.hostname.as_str(), s.user.as_str(), s.port), ("real.example", "from-host", 2022));
    assert_eq!(s.connect_timeout, Some(Duration::from_secs(9)));
    assert!(s.batch_mode && s.identities_only);
    // With a final pass, Host lines match the resolved HostName.
    assert_eq!(s.host_key_alias.as_deref(), Some("via-final-pass"));
    let other = both(&cfg.req("x1"));
    assert_eq!((other.port, other.connect_timeout), (22, None));
}

#[test]
fn match_host_ignores_case_unlike_host() {
    let cfg = Config::new(
        "Host m1\n  HostName Real.Example\n\
         Match host real.example\n  Port 9\n\
         Match originalhost M1\n  User up\n",
    );
    let s = both(&cfg.req("m1"));
    assert_eq!((s.port, s.user.as_str()), (9, "up"));
}

#[test]
fn the_parser_skips_match_exec_without_leaking_it() {
    let cfg = Config::new(
        "Host a\n  User before\n\
         Match exec \"true\"\n  Port 7\n  User from-exec\n",
    );
    let parsed = resolve_with(&cfg.req("a"), Resolver::Parse).expect("parser");
    assert_eq!((parsed.user.as_str(), parsed.port), ("before", 22));
    // ssh runs the command, which matches: a documented difference.
    let program = ssh();
    let by_ssh = resolve_with(&cfg.req("a"), openssh(&program, SSH_G_TIMEOUT)).expect("ssh -G");
    assert_eq!((by_ssh.user.as_str(), by_ssh.port), ("before", 7));
    // So paritty asks ssh -G for such a config, and gets ssh's answer.
    let (auto, answerer) = resolve_explained(&cfg.req("a"), Resolver::Auto);
    assert_eq!(auto.expect("auto"), by_ssh);
    assert_eq!(answerer, Answerer::OpenSsh("the config uses Match exec".into()));
}

#[test]
fn a_config_error_is_told_in_openssh_words() {
    // The parser's reading fails; ssh -G is asked and its message given.
    let cfg = Config::new("Host a\n  Port 70000\n");
    let [by_ssh, _] = both_fail(&cfg.req("a"));
    let (auto, answerer) = resolve_explained(&cfg.req("a"), Resolver::Auto);
    assert!(
        matches!(answerer, Answerer::OpenSsh(ref why) if why.contains("line 2")),
        "{answerer:?}"
    );
    assert_eq!(auto.expect_err("bad port").to_string(), by_ssh.to_string());
}

#[test]
fn a_match_exec_that_hangs_is_killed() {
    let cfg = Config::new("Match exec \"sleep 30\"\n  Port 7\n");
    let program = ssh();
    let started = Instant::now();
    let err = resolve_with(&cfg.req("a"), openssh(&program, Duration::from_secs(1)))
        .expect_err("must time out");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert!(matches!(err, SettingsError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("\"a\""), "{err}");
}

#[test]
fn tokens_quotes_and_keyword_forms() {
    let (name, home) = me();
    let cfg = Config::new(
        "HOST tok\n\
         \x20 hostname=%h.Example\n\
         \x20 USER = remote\n\
         \x20 Port=2022\n\
         \x20 IdentityFile ~/.ssh/%h-%r-%p\n\
         \x20 IdentityFile %d/k_%u_%n_%k\n\
         \x20 IdentityFile ${HOME}/env\n\
         \x20 IdentityFile \"/keys/with space/key\" # a comment\n\
         \x20 IdentityFile none\n\
         \x20 IdentityFile /keys/%C\n\
         \x20 UserKnownHostsFile %d/kh_%h_%p /kh/%C\n",
    );
    let s = both(&cfg.req("tok"));
    let env_home = std::env::var("HOME").expect("HOME");
    assert_eq!(s.hostname, "tok.example");
    assert_eq!(
        paths(&[
            format!("{home}/.ssh/tok.example-remote-2022"),
            format!("{home}/k_{name}_tok_tok"),
            format!("{env_home}/env"),
            "/keys/with space/key".into(),
        ])[..],
        s.identity_files[..4]
    );
    // ssh -G expands UserKnownHostsFile itself, %C (a SHA-1) included.
    let known = &s.user_known_hosts_files;
    assert_eq!(known[0], PathBuf::from(format!("{home}/kh_tok.example_2022")));
    let hash = known[1].strip_prefix("/kh").expect("/kh/%C").to_path_buf();
    assert!(hash.to_str().is_some_and(|h| h.len() == 40), "{hash:?}");
    assert_eq!(s.identity_files[4], Path::new("/keys").join(hash));
}

#[test]
fn strict_host_key_checking_values() {
    let cases = [
        ("yes", StrictHostKeyChecking::Yes),
        ("true", StrictHostKeyChecking::Yes),
        ("no", StrictHostKeyChecking::No),
        ("off", StrictHostKeyChecking::No),
        ("FALSE", StrictHostKeyChecking::No),
        ("ask", StrictHostKeyChecking::Ask),
        ("accept-new", StrictHostKeyChecking::AcceptNew),
    ];
    for (value, expected) in cases {
        let cfg = Config::new(&format!("StrictHostKeyChecking {value}\n"));
        assert_eq!(both(&cfg.req("h")).strict_host_key_checking, expected, "{value}");
    }
}

#[test]
fn connect_timeout_forms() {
    let cfg = Config::new(
        "Host minute\n  ConnectTimeout 1m\nHost unset\n  ConnectTimeout none\n\
         Host zero\n  ConnectTimeout 0\nHost *\n  ConnectTimeout 5\n",
    );
    assert_eq!(both(&cfg.req("minute")).connect_timeout, Some(Duration::from_secs(60)));
    // `none` sets nothing, so the later value applies (unlike ProxyJump none).
    assert_eq!(both(&cfg.req("unset")).connect_timeout, Some(Duration::from_secs(5)));
    // 0 is "no limit" to ssh; paritty then applies its own default.
    assert_eq!(both(&cfg.req("zero")).connect_timeout, None);
}

#[test]
fn known_hosts_none() {
    let cfg = Config::new("UserKnownHostsFile none\nGlobalKnownHostsFile none\n");
    let s = both(&cfg.req("h"));
    assert!(s.user_known_hosts_files.is_empty() && s.global_known_hosts_files.is_empty());
}

#[test]
fn an_unknown_keyword_is_one_clear_line_with_file_and_line() {
    let cfg = Config::new("Host a\n  Foo bar\n");
    let file = cfg.path.display().to_string();
    for err in both_fail(&cfg.req("a")) {
        let SettingsError::Config { message, .. } = &err else { panic!("{err:?}") };
        assert_eq!(message, &format!("{file}: line 2: Bad configuration option: foo"));
        let line = err.to_string();
        assert!(!line.contains('\n') && line.contains("\"a\"") && line.contains(&file), "{line}");
    }
}

#[test]
fn bad_values_name_their_line() {
    for (text, says) in [
        ("Host a\n  Port abc\n", "line 2: Bad port 'abc'."),
        ("\n\nConnectTimeout soon\n", "line 3: invalid time value."),
        ("IdentitiesOnly maybe\n", "line 1: unsupported option \"maybe\"."),
        ("ProxyJump a:b:c\n", "line 1: Invalid ProxyJump"),
        ("Match nonsense x\n  Port 1\n", "line 1: Bad Match condition"),
        ("User \"unclosed\n", "line 1: invalid quotes"),
        ("IdentityFile /a /b\n", "line 1: keyword identityfile extra arguments at end of line"),
    ] {
        let cfg = Config::new(text);
        for err in both_fail(&cfg.req("a")) {
            let SettingsError::Config { message, .. } = &err else { panic!("{err:?}") };
            assert!(message.contains(says), "{text:?}: {message}");
        }
    }
}

#[test]
fn an_absent_or_unreadable_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let absent = dir.path().join("absent");
    let req = Request { host: "a", user: None, port: None, config_file: Some(&absent) };
    for err in both_fail(&req) {
        assert!(matches!(err, SettingsError::ConfigFile { .. }), "{err:?}");
        assert!(err.to_string().contains("No such file"), "{err}");
    }
    // A folder: ssh -F would silently read nothing.
    let req = Request { config_file: Some(dir.path()), ..req };
    for err in both_fail(&req) {
        assert!(err.to_string().contains("is a folder"), "{err}");
    }
}

#[test]
fn proxy_command_is_refused_clearly() {
    let cfg = Config::new("Host a\n  ProxyCommand nc %h %p\n");
    for err in both_fail(&cfg.req("a")) {
        assert!(matches!(err, SettingsError::Unsupported { .. }), "{err:?}");
        assert!(err.to_string().contains("ProxyCommand"), "{err}");
    }
}

#[test]
fn an_unknown_percent_token_is_an_error() {
    let cfg = Config::new("IdentityFile ~/.ssh/%Z\n");
    for err in both_fail(&cfg.req("a")) {
        assert!(err.to_string().contains("%Z"), "{err}");
    }
}

#[test]
fn host_names_that_ssh_would_take_as_options_are_refused() {
    let cfg = Config::new("");
    for host in ["-oProxyCommand=touch /tmp/x", "a b", "", "x;y", "u@h"] {
        let err = resolve_with(&cfg.req(host), Resolver::Auto).expect_err(host);
        assert!(matches!(err, SettingsError::InvalidRequest { .. }), "{host}: {err:?}");
    }
}

#[test]
fn an_ssh_without_dash_g_falls_back_to_the_parser_only_when_allowed() {
    use std::os::unix::fs::PermissionsExt;
    let cfg = Config::new("Host old\n  Port 2200\n");
    let fake = cfg.dir().join("ssh");
    std::fs::write(&fake, "#!/bin/sh\necho 'ssh: unknown option -- G' >&2\nexit 255\n")
        .expect("write");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let strict = resolve_with(&cfg.req("old"), openssh(&fake, SSH_G_TIMEOUT));
    let err = strict.expect_err("no -G");
    assert!(err.to_string().contains("-G"), "{err}");
    let lenient = Resolver::OpenSsh { program: &fake, timeout: SSH_G_TIMEOUT, fallback: true };
    let s = resolve_with(&cfg.req("old"), lenient).expect("fallback to the parser");
    assert_eq!(s, resolve_with(&cfg.req("old"), Resolver::Parse).expect("parser"));
    assert_eq!(s.port, 2200);
}
