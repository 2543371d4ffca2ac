//! `[[group]]` in paritty.toml: `@NAME` without an Ansible inventory, the
//! `groups` label, and every refusal with its file and line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use paritty::collect::target::Target;
use paritty::config::{Config, parse};
use paritty::inventory::Inventory;
use paritty::target::expand;

const FLEET: &str = r#"[[host]]
name = "prod-web-10"
environment = "prod"

[[host]]
name = "prod-web-2"
ssh = "deploy@10.0.0.2"
environment = "prod"

[[host]]
name = "prod-db-1"

[[host]]
name = "staging-web-1"

[[group]]
name = "prod-web"
hosts = ["prod-web-10", "prod-web-2"]

[[group]]
name = "prod"
hosts = ["prod-db-1"]
children = ["prod-web"]

[[group]]
name = "staging"
hosts = ["staging-web-1"]
"#;

fn config(text: &str) -> Config {
    parse(text, Path::new("paritty.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(text: &str) -> String {
    parse(text, Path::new("paritty.toml")).expect_err("refused").to_string()
}

fn names(targets: &[Target]) -> Vec<String> {
    targets.iter().map(Target::name).collect()
}

fn groups_label(target: &Target) -> Option<String> {
    match target {
        Target::Ssh(ssh) => ssh.labels.get("groups").cloned(),
        other => panic!("not ssh: {other:?}"),
    }
}

#[test]
fn a_group_selects_its_hosts_and_its_childrens_in_natural_order() {
    let config = config(FLEET);
    let none = Inventory::default();
    let prod = expand("@prod", Some(&config), &none).expect("@prod");
    assert_eq!(names(&prod), ["prod-db-1", "prod-web-2", "prod-web-10"]);
    let web = expand("@prod-web", Some(&config), &none).expect("@prod-web");
    assert_eq!(names(&web), ["prod-web-2", "prod-web-10"]);
    // Each host as its [[host]] says: address and environment kept.
    let Target::Ssh(two) = &web[0] else { panic!("{:?}", web[0]) };
    assert_eq!((two.user.as_deref(), two.host.as_str()), (Some("deploy"), "10.0.0.2"));
    assert_eq!(two.labels.get("environment").map(String::as_str), Some("prod"));
    // `@all` is every [[host]] when no inventory is given.
    let all = expand("@all", Some(&config), &none).expect("@all");
    assert_eq!(names(&all), ["prod-db-1", "prod-web-2", "prod-web-10", "staging-web-1"]);
}

#[test]
fn a_hosts_groups_become_its_groups_label_however_it_is_named() {
    let config = config(FLEET);
    let none = Inventory::default();
    let by_group = expand("@prod-web", Some(&config), &none).expect("@prod-web");
    assert_eq!(groups_label(&by_group[0]).as_deref(), Some("prod,prod-web"));
    let by_name = expand("prod-db-1", Some(&config), &none).expect("by name");
    assert_eq!(groups_label(&by_name[0]).as_deref(), Some("prod"));
    let plain = config.groups_of("nobody");
    assert!(plain.is_empty(), "{plain:?}");
}

#[test]
fn unknown_groups_are_refused_with_the_known_ones() {
    let config = config(FLEET);
    let e = expand("@qa", Some(&config), &Inventory::default()).expect_err("@qa").to_string();
    assert_eq!(e, "`@qa`: no such group in the inventory (groups: prod, prod-web, staging)");
    let e = expand("@qa", None, &Inventory::default()).expect_err("no groups").to_string();
    assert!(e.contains("no --inventory was given and paritty.toml has no [[group]]"), "{e}");
}

#[test]
fn bad_groups_are_refused_with_their_line_and_column() {
    let hosts = "[[host]]\nname = \"a\"\n[[host]]\nname = \"b\"\n";
    let cases = [
        (
            "[[group]]\nname = \"g\"\nhosts = [\"a\", \"nope\"]\n",
            "config paritty.toml:7:15: group `g`: `nope` is not a [[host]] of this file",
        ),
        (
            "[[group]]\nname = \"g\"\nhosts = [\"a\"]\n[[group]]\nname = \"g\"\n",
            "config paritty.toml:9:8: group `g` is defined twice",
        ),
        (
            "[[group]]\nname = \"g\"\nchildren = [\"h\"]\n",
            "config paritty.toml:7:13: group `g`: child `h` is not a [[group]] of this file",
        ),
        (
            "[[group]]\nname = \"x\"\nchildren = [\"y\"]\n[[group]]\nname = \"y\"\nchildren = [\"z\"]\n\
             [[group]]\nname = \"z\"\nchildren = [\"x\"]\n",
            "config paritty.toml:13:13: groups form a cycle: x -> y -> z -> x",
        ),
        (
            "[[group]]\nname = \"self\"\nchildren = [\"self\"]\n",
            "config paritty.toml:7:13: groups form a cycle: self -> self",
        ),
        ("[[group]]\nname = \"all\"\n", "config paritty.toml:6:8: `all` is reserved"),
        ("[[group]]\nname = \"a,b\"\n", "config paritty.toml:6:8: `a,b` is not a group name"),
        (
            "[[group]]\nname = \"g\"\nhost = [\"a\"]\n",
            "config paritty.toml:7:1: unknown field `host`",
        ),
    ];
    for (groups, expected) in cases {
        let e = refused(&format!("{hosts}{groups}"));
        assert!(e.starts_with(expected), "{groups}\n got: {e}\nwant: {expected}");
    }
}

#[test]
fn a_diamond_of_children_is_no_cycle_and_is_walked_once() {
    // 40 levels of two children each reaching the same pair: a walk that
    // revisited groups would take 2^40 steps.
    let mut text = String::from("[[host]]\nname = \"h\"\n");
    for level in 0..40 {
        let _ = write!(
            text,
            "[[group]]\nname = \"l{level}a\"\nchildren = [\"l{n}a\", \"l{n}b\"]\n\
             [[group]]\nname = \"l{level}b\"\nchildren = [\"l{n}a\", \"l{n}b\"]\n",
            n = level + 1
        );
    }
    text.push_str("[[group]]\nname = \"l40a\"\nhosts = [\"h\"]\n[[group]]\nname = \"l40b\"\n");
    let config = config(&text);
    assert_eq!(config.group("l0a"), Some(vec!["h"]));
}

#[test]
fn a_name_in_paritty_toml_and_an_inventory_is_refused_not_guessed() {
    let fixture: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inventories/webshop.ini");
    let inventory = Inventory::load(&[fixture]).expect("inventory");
    let text = format!("{FLEET}[[group]]\nname = \"web\"\nhosts = [\"prod-db-1\"]\n");
    let config = config(&text);
    let e = expand("@web", Some(&config), &inventory).expect_err("both").to_string();
    assert!(e.contains("is a [[group]] of paritty.toml and a group of the inventory"), "{e}");
    // Names only one of them has still work, each from its own file.
    let web = expand("@prod-web", Some(&config), &inventory).expect("@prod-web");
    assert_eq!(names(&web), ["prod-web-2", "prod-web-10"]);
    assert!(!expand("@edge", Some(&config), &inventory).expect("@edge").is_empty());
    // With an inventory, `@all` is the inventory's.
    let all = expand("@all", Some(&config), &inventory).expect("@all");
    assert!(names(&all).iter().all(|n| !n.starts_with("prod-")), "{:?}", names(&all));
}
