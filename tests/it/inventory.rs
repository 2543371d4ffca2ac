//! Ansible inventories, checked against Ansible itself: for each fixture in
//! tests/fixtures/inventories/, `ansible-inventory -i FILE --list` (from
//! ansible-core, installed into target/ansible-venv by scripts/test-deps.sh)
//! says which hosts each group has and with which variables; paritty's
//! `@GROUP` must select exactly those hosts, in natural order, with the same
//! address, user, port, key file and jump host. Its own `--list` JSON read
//! back by paritty must give the same again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use paritty::collect::target::{SshTarget, Target};
use paritty::inventory::{Inventory, natural};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inventories").join(name)
}

/// `ansible-inventory -i path --list`, parsed: the oracle.
fn ansible_list(path: &Path) -> Value {
    ansible_inventory(path, &["--list"])
}

/// `ansible-inventory -i path ARGS`, its JSON parsed.
fn ansible_inventory(path: &Path, args: &[&str]) -> Value {
    let program =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ansible-venv/bin/ansible-inventory");
    assert!(
        program.exists(),
        "{} is missing: run scripts/test-deps.sh (it installs ansible-core into a venv)",
        program.display()
    );
    let home = tempfile::tempdir().expect("temp dir");
    let run = Command::new(&program)
        .arg("-i")
        .arg(path)
        .args(args)
        // A source Ansible cannot parse must fail, not list an empty fleet.
        .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "1")
        .env("ANSIBLE_HOME", home.path())
        .env("ANSIBLE_NOCOLOR", "1")
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .expect("run ansible-inventory");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    serde_json::from_slice(&run.stdout).expect("ansible-inventory prints JSON")
}

/// The hosts of `group` in Ansible's answer: its own and its children's.
fn oracle_hosts(list: &Value, group: &str, into: &mut BTreeSet<String>) {
    let body = &list[group];
    for host in body["hosts"].as_array().into_iter().flatten() {
        into.insert(host.as_str().expect("host name").to_owned());
    }
    for child in body["children"].as_array().into_iter().flatten() {
        oracle_hosts(list, child.as_str().expect("group name"), into);
    }
}

/// What Ansible's ssh connection would use for `host`, as paritty holds it.
#[derive(Debug, PartialEq, Eq)]
struct Reach {
    address: String,
    user: Option<String>,
    port: Option<u16>,
    key: Option<PathBuf>,
    jump: Option<String>,
}

fn oracle_reach(list: &Value, host: &str) -> Reach {
    let vars = &list["_meta"]["hostvars"][host];
    let text = |key: &str| match &vars[key] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    // ansible-core's ssh plugin: each option's variables in its order, the
    // last one set winning (its config manager's `_loop_entries`).
    let last_set = |keys: &[&str]| keys.iter().filter_map(|k| text(k)).next_back();
    let home = std::env::var("HOME").expect("HOME");
    // `-J X` or `-o ProxyJump=X`; the common args come first on ssh's
    // command line, and ssh keeps the first jump host it is given.
    let jump_in = |key: &str| {
        text(key).and_then(|args| {
            let words: Vec<&str> = args.split_whitespace().collect();
            words.iter().enumerate().find_map(|(i, w)| match *w {
                "-J" => words.get(i + 1).map(|s| (*s).to_owned()),
                w if w.starts_with("ProxyJump=") => Some(w["ProxyJump=".len()..].to_owned()),
                _ => None,
            })
        })
    };
    Reach {
        address: last_set(&["ansible_host", "ansible_ssh_host"]).unwrap_or_else(|| host.to_owned()),
        user: last_set(&["ansible_user", "ansible_ssh_user"]),
        port: last_set(&["ansible_port", "ansible_ssh_port"]).map(|p| p.parse().expect("a port")),
        key: last_set(&["ansible_private_key_file", "ansible_ssh_private_key_file"])
            .map(|k| PathBuf::from(k.replacen('~', &home, usize::from(k.starts_with("~/"))))),
        jump: jump_in("ansible_ssh_common_args").or_else(|| jump_in("ansible_ssh_extra_args")),
    }
}

fn paritty_reach(t: &SshTarget) -> Reach {
    let jump = t.proxy_jump.as_ref().map(|hops| {
        let hops: Vec<String> = hops
            .iter()
            .map(|h| {
                let user = h.user.as_ref().map_or(String::new(), |u| format!("{u}@"));
                let port = h.port.map_or(String::new(), |p| format!(":{p}"));
                format!("{user}{}{port}", h.host)
            })
            .collect();
        hops.join(",")
    });
    Reach {
        address: t.host.clone(),
        user: t.user.clone(),
        port: t.port,
        key: t.identity_file.clone(),
        jump,
    }
}

fn select(inventory: &Inventory, arg: &str) -> Vec<SshTarget> {
    paritty::target::expand(arg, None, inventory)
        .unwrap_or_else(|e| panic!("{arg}: {e}"))
        .into_iter()
        .map(|t| match t {
            Target::Ssh(t) => t,
            other => panic!("{arg}: {other:?}"),
        })
        .collect()
}

/// Every group Ansible lists: paritty's `@GROUP` has its hosts, naturally
/// ordered, each reached as Ansible would reach it. Returns how many
/// (group, host) pairs were compared.
fn agrees_with_ansible(list: &Value, inventory: &Inventory, what: &str) -> usize {
    let groups: Vec<&str> = list
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .filter(|g| *g != "_meta")
        .collect();
    assert!(groups.contains(&"all") && groups.contains(&"ungrouped"), "{what}: {groups:?}");
    let mut compared = 0;
    for group in groups {
        let mut want = BTreeSet::new();
        oracle_hosts(list, group, &mut want);
        if want.is_empty() {
            // Ansible lists no empty group but `all`'s children may name one.
            continue;
        }
        let got = select(inventory, &format!("@{group}"));
        let names: Vec<&str> = got.iter().map(|t| t.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_by(|a, b| natural::cmp(a, b));
        assert_eq!(names, sorted, "{what} @{group}: not in natural order");
        let set: BTreeSet<String> = names.iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(set, want, "{what} @{group}");
        for t in &got {
            assert_eq!(paritty_reach(t), oracle_reach(list, &t.name), "{what} @{group} {}", t.name);
            compared += 1;
        }
    }
    compared
}

fn check_fixture(name: &str) -> BTreeMap<&'static str, usize> {
    let path = fixture(name);
    let list = ansible_list(&path);
    let from_source = Inventory::load(std::slice::from_ref(&path)).expect("fixture loads");
    let direct = agrees_with_ansible(&list, &from_source, name);
    // Ansible's own JSON, read back, selects the same.
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("list.json");
    std::fs::write(&json, serde_json::to_string_pretty(&list).expect("json")).expect("write");
    let from_json = Inventory::load(&[json]).expect("--list JSON loads");
    let via_json = agrees_with_ansible(&list, &from_json, &format!("{name} as --list JSON"));
    // `--export` keeps group variables on their groups: paritty resolves them.
    let exported = dir.path().join("export.json");
    let export = ansible_inventory(&path, &["--list", "--export"]);
    std::fs::write(&exported, serde_json::to_string(&export).expect("json")).expect("write");
    let from_export = Inventory::load(&[exported]).expect("--export JSON loads");
    let via_export = agrees_with_ansible(&list, &from_export, &format!("{name} as --export JSON"));
    assert_eq!(via_export, via_json);
    BTreeMap::from([("direct", direct), ("json", via_json)])
}

#[test]
fn ini_inventory_selects_what_ansible_selects() {
    let compared = check_fixture("webshop.ini");
    // Every group of the fixture was compared, not a vacuous pass.
    assert!(compared["direct"] > 60 && compared["direct"] == compared["json"], "{compared:?}");
}

#[test]
fn yaml_inventory_selects_what_ansible_selects() {
    let compared = check_fixture("datacenter.yml");
    assert!(compared["direct"] > 60 && compared["direct"] == compared["json"], "{compared:?}");
}

#[test]
fn legacy_ini_quirks_select_what_ansible_selects() {
    // CRLF, `[db:vars]` before `[db]`, `[all]` and `[ungrouped]` sections,
    // quoted values with spaces, `host:port` with a range, letter ranges in
    // both cases, `0022`, an older variable name, a non-ASCII host name.
    let compared = check_fixture("legacy.ini");
    assert!(compared["direct"] > 20 && compared["direct"] == compared["json"], "{compared:?}");
}

#[test]
fn several_inventories_merge() {
    let inventory =
        Inventory::load(&[fixture("webshop.ini"), fixture("datacenter.yml")]).expect("both load");
    let names: Vec<String> = select(&inventory, "@dc1_db").into_iter().map(|t| t.name).collect();
    assert_eq!(names.len(), 4);
    assert_eq!(select(&inventory, "@all").len(), 36 + 47);
    // A host name of the inventory is a target by itself.
    let [db] = &select(&inventory, "db-replica")[..] else { panic!() };
    assert_eq!((db.host.as_str(), db.user.as_deref()), ("10.0.4.20", Some("postgres")));
    let groups = &db.labels["groups"];
    assert_eq!(groups, "db,prod");
}

#[test]
fn unknown_and_empty_groups_are_errors() {
    let inventory = Inventory::load(&[fixture("datacenter.yml")]).expect("loads");
    let err =
        |arg: &str| paritty::target::expand(arg, None, &inventory).expect_err(arg).to_string();
    assert!(err("@nope").contains("no such group"), "{}", err("@nope"));
    assert!(err("@nope").contains("dc1_web"), "{}", err("@nope"));
    assert!(err("@empty_for_now").contains("has no hosts"));
    let none = paritty::target::expand("@web", None, &Inventory::default()).expect_err("none");
    assert!(none.to_string().contains("no --inventory"), "{none}");
}

#[test]
fn snapshot_folders_list_in_natural_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    for n in [10, 2, 1, 100] {
        std::fs::write(dir.path().join(format!("fleet-{n}.json")), "{}").expect("write");
    }
    let arg = format!("{}/", dir.path().display());
    let names: Vec<String> = paritty::target::expand(&arg, None, &Inventory::default())
        .expect("folder")
        .iter()
        .map(|t| Path::new(&t.name()).file_stem().expect("stem").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["fleet-1", "fleet-2", "fleet-10", "fleet-100"]);
}

/// A bad line stops the run with the file and line, before anything runs.
#[test]
fn cli_refuses_a_bad_inventory_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hosts.ini");
    std::fs::write(&path, "[web]\nweb1\nweb2 ansible_user\n").expect("write");
    let run = Command::new(env!("CARGO_BIN_EXE_paritty"))
        .args(["check", "@web", "--inventory"])
        .arg(&path)
        .env("PARITTY_CONFIG_DIR", "/nonexistent/paritty-test-config")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run paritty");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "paritty: error: inventory {}:3: expected key=value host variable assignment, got \
             `ansible_user`",
            path.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A group name from the file becomes a label, cleaned where it enters.
#[test]
fn group_labels_are_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hosts.ini");
    std::fs::write(&path, "[w\u{1b}c\u{202e}eb]\nw1\n").expect("write");
    let inventory = Inventory::load(&[path]).expect("valid");
    let [t] = &select(&inventory, "@all")[..] else { panic!("one host") };
    assert_eq!(t.labels["groups"], "web", "{:?}", t.labels);
}

proptest::proptest! {
    /// Natural order is a total order (Rust's sort may panic on one that is
    /// not): equal only for equal names, antisymmetric, transitive.
    #[test]
    fn natural_order_is_total(
        a in "[a0-9.Z-]{0,6}",
        b in "[a0-9.Z-]{0,6}",
        c in "[a0-9.Z-]{0,6}",
    ) {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let cmp = |x: &str, y: &str| natural::cmp(x, y);
        proptest::prop_assert_eq!(cmp(&a, &b) == Equal, a == b);
        proptest::prop_assert_eq!(cmp(&a, &b), cmp(&b, &a).reverse());
        for (x, y, z) in [(&a, &b, &c), (&a, &c, &b), (&b, &a, &c), (&b, &c, &a), (&c, &a, &b), (&c, &b, &a)] {
            if cmp(x, y) != Greater && cmp(y, z) != Greater {
                proptest::prop_assert_ne!(cmp(x, z), Greater, "{} {} {}", x, y, z);
            }
            if cmp(x, y) == Less && cmp(y, z) == Less {
                proptest::prop_assert_eq!(cmp(x, z), Less);
            }
        }
    }
}
