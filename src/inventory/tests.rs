//! The model's rules on small inventories; the parsers against Ansible
//! itself are in tests/it/inventory.rs.

use std::path::PathBuf;

use super::{Inventory, InventoryError};

fn load(name: &str, text: &str) -> Result<Inventory, InventoryError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    Inventory::load(&[path]).map_err(|mut e| {
        e.path = PathBuf::from(name);
        e
    })
}

fn names(inventory: &Inventory, group: &str) -> Vec<String> {
    inventory.group(group).expect(group).into_iter().map(|h| h.name).collect()
}

#[test]
fn bad_ini_lines_are_refused_with_file_and_line() {
    for (text, line, words) in [
        ("[web]\nweb1\nweb2 user\n", 3, "expected key=value"),
        ("[web]\n[web:vras]\n", 2, "unknown type"),
        ("[web group]\n", 1, "invalid section"),
        ("[web]\nw[1:]\n", 2, "no end value"),
        ("[prod:children]\nweb\n", 2, "never declared"),
        ("[db:vars]\nx=1\n", 1, "never declared"),
        ("[web]\nw1 a='open\n", 2, "no closing quotation"),
        ("[web]\nw1:ssh\n", 2, "not a port"),
    ] {
        let e = load("hosts.ini", text).expect_err(text);
        assert_eq!(e.line, Some(line), "{text}: {e}");
        let shown = e.to_string();
        assert!(shown.starts_with(&format!("inventory hosts.ini:{line}: ")), "{shown}");
        assert!(shown.contains(words), "{shown}");
    }
}

#[test]
fn yaml_errors_name_the_line() {
    let e = load("hosts.yml", "all:\n  children:\n    web:\n      host:\n        w1:\n")
        .expect_err("typo");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.to_string().contains("unknown field `host`"), "{e}");
    let e = load("hosts.yml", "web:\n  hosts:\n    w1:\n    w[1:]:\n").expect_err("range");
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.to_string().contains("no end value"), "{e}");
    let e = load("hosts.yml", "plugin: amazon.aws.aws_ec2\n").expect_err("plugin");
    assert!(e.to_string().contains("ansible-inventory"), "{e}");
}

/// A file of open brackets is refused at once with its line, before the
/// YAML parser, which takes seconds for 30,000 and hours for a megabyte.
#[test]
fn yaml_brackets_nested_too_deep_are_refused_before_parsing() {
    let text = format!("all:\n  hosts: {}\n", "[".repeat(1 << 20));
    let e = load("hosts.yml", &text).expect_err("too deep");
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.to_string().contains("nested deeper than 128"), "{e}");
}

#[test]
fn the_form_is_told_by_name_then_by_content() {
    // A YAML flow mapping is YAML, not `--list` JSON.
    let inv = load("h.yml", "{all: {children: {web: {hosts: {w1: }}}}}\n").expect("yaml");
    assert_eq!(names(&inv, "web"), ["w1"]);
    let inv =
        load("h.json", r#"{"web": {"hosts": ["w1"]}, "_meta": {"hostvars": {}}}"#).expect("json");
    assert_eq!(names(&inv, "web"), ["w1"]);
    let e = load("h", "{\n").expect_err("bad json");
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn ungrouped_all_and_children() {
    let inv =
        load("h", "lone\n[web]\nweb-10\nweb-2\n[prod:children]\nweb\n[prod]\ndb\n").expect("valid");
    assert_eq!(names(&inv, "prod"), ["db", "web-2", "web-10"]);
    assert_eq!(names(&inv, "ungrouped"), ["lone"]);
    assert_eq!(names(&inv, "all"), ["db", "lone", "web-2", "web-10"]);
    assert!(inv.group("nope").is_none());
    assert_eq!(inv.host("web-2").expect("host").groups, ["prod", "web"]);
}

#[test]
fn variables_resolve_from_all_down_to_the_host() {
    let inv = load(
        "h",
        "[web]\nw1 ansible_user=own\nw2:2200\n[web:vars]\nansible_user=web\nansible_port=22\n\
         [prod:children]\nweb\n[prod:vars]\nansible_user=prod\nx=prod\n[all:vars]\ny=all\nx=all\n",
    )
    .expect("valid");
    let w1 = inv.host("w1").expect("w1");
    let get = |h: &super::InventoryHost, k: &str| h.vars.get(k).cloned().flatten();
    assert_eq!(get(&w1, "ansible_user").as_deref(), Some("own"));
    assert_eq!(get(&w1, "x").as_deref(), Some("prod"));
    assert_eq!(get(&w1, "y").as_deref(), Some("all"));
    let w2 = inv.host("w2").expect("w2");
    assert_eq!(get(&w2, "ansible_user").as_deref(), Some("web"));
    assert_eq!(w2.connection().expect("ok").port, Some(2200));
}

#[test]
fn templates_are_refused_never_evaluated() {
    let inv = load("h", "[web]\nw1 ansible_host=\"{{ lookup('env','X') }}\" note={{x}}\n")
        .expect("read as text");
    let w1 = inv.host("w1").expect("w1");
    assert_eq!(w1.vars["note"].as_deref(), Some("{{x}}"));
    let e = w1.connection().expect_err("template");
    assert!(e.to_string().contains("never evaluates"), "{e}");
    assert!(e.to_string().contains("host `w1`"), "{e}");
}

#[test]
fn ranges_cannot_fill_memory() {
    let text = "[web]\nweb[0:60000]\ndb[0:60000]\n";
    let e = load("hosts.ini", text).expect_err("too many");
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.to_string().contains("more than 100000 hosts"), "{e}");
}

#[test]
fn cycles_are_refused() {
    let e = load("h.yml", "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n")
        .expect_err("cycle");
    assert!(e.to_string().contains("its own descendant"), "{e}");
}

#[test]
fn text_from_the_file_is_shown_clean() {
    // A host name with a control character is refused, the message clean.
    let e = load("h", "[web]\nweb\u{1b}[2J1 ansible_user=x\n").expect_err("control");
    assert_eq!(e.line, Some(2));
    assert!(!e.to_string().contains('\u{1b}'), "{e}");
}
