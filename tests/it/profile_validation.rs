//! A bad profile is refused with one line naming the file, the line and the
//! problem; a good one loads with its parent's facts.

use paritty::profile::{ProfileError, load_profile, parse_profile};

fn refuse(text: &str) -> ProfileError {
    match parse_profile(text, "team.toml", None) {
        Ok(p) => panic!("profile was accepted with {} facts", p.facts.len()),
        Err(e) => e,
    }
}

const GIT: &str = "[[fact]]\nid = \"tool.git\"\nlabel = \"Git\"\ncategory = \"Tools\"\ncompare = \"semver\"\nparser = \"version\"\nsources = [{ cmd = [\"git\", \"--version\"] }]\n";

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = format!("[profile]\nname = \"t\"\n{GIT}colour = \"red\"\n");
    let e = refuse(&text);
    assert_eq!(e.origin, "team.toml");
    assert_eq!(e.position.map(|p| p.0), Some(10), "{e}");
    assert!(e.message.contains("colour"), "{e}");
    let line = e.to_string();
    assert!(line.starts_with("profile team.toml:10:"), "{line}");
    assert!(!line.contains('\n'), "one line: {line:?}");
}

#[test]
fn bad_regex_is_refused_at_its_line() {
    let text = "[profile]\nname = \"t\"\n[[fact]]\nid = \"tool.x\"\nlabel = \"X\"\ncategory = \"Tools\"\ncompare = \"loose\"\nregex = 'x (\\d+'\nsources = [{ cmd = [\"x\"] }]\n";
    let e = refuse(text);
    assert_eq!(e.position.map(|p| p.0), Some(8), "{e}");
    assert!(e.message.starts_with("bad regex `x (\\d+`"), "{e}");
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn duplicate_id_is_refused_at_the_second_definition() {
    let text = format!("[profile]\nname = \"t\"\n{GIT}{GIT}");
    let e = refuse(&text);
    assert_eq!(e.position.map(|p| p.0), Some(10), "{e}");
    assert_eq!(e.message, "duplicate fact id `tool.git`");
}

#[test]
fn redefining_a_parent_fact_is_a_duplicate() {
    let text = format!("[profile]\nname = \"t\"\nextends = \"default\"\n{GIT}");
    let e = refuse(&text);
    assert_eq!(e.position.map(|p| p.0), Some(4), "{e}");
    assert!(e.message.contains("duplicate fact id `tool.git`"), "{e}");
}

#[test]
fn unknown_parser_comparison_and_builtin_are_named() {
    let bad_parser = GIT.replace("parser = \"version\"", "parser = \"verison\"");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{bad_parser}"));
    assert!(e.message.starts_with("unknown parser `verison`"), "{e}");
    assert_eq!(e.position.map(|p| p.0), Some(8));

    let bad_compare = GIT.replace("compare = \"semver\"", "compare = \"newest\"");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{bad_compare}"));
    assert!(e.message.starts_with("unknown comparison `newest`"), "{e}");
    assert_eq!(e.position.map(|p| p.0), Some(7));

    let bad_builtin = GIT.replace("cmd = [\"git\", \"--version\"]", "builtin = \"gpu\"");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{bad_builtin}"));
    assert!(e.message.starts_with("unknown builtin `gpu`"), "{e}");
}

#[test]
fn a_source_must_say_exactly_one_way() {
    let two = GIT.replace("cmd = [\"git\", \"--version\"]", "cmd = [\"git\"], env = \"GIT\"");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{two}"));
    assert!(e.message.contains("exactly one of"), "{e}");
    let none = GIT.replace("sources = [{ cmd = [\"git\", \"--version\"] }]", "sources = []");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{none}"));
    assert_eq!(e.message, "fact `tool.git` has no sources");
    let empty_cmd = GIT.replace("cmd = [\"git\", \"--version\"]", "cmd = []");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{empty_cmd}"));
    assert!(e.message.contains("program name"), "{e}");
}

#[test]
fn bad_ids_and_toml_syntax_are_refused() {
    let upper = GIT.replace("id = \"tool.git\"", "id = \"Tool Git\"");
    let e = refuse(&format!("[profile]\nname = \"t\"\n{upper}"));
    assert!(e.message.starts_with("fact id `Tool Git`"), "{e}");
    let e = refuse("[profile\nname = \"t\"\n");
    assert_eq!(e.position.map(|p| p.0), Some(1), "{e}");
    let e = refuse(GIT);
    assert!(e.message.contains("profile"), "missing [profile] is named: {e}");
}

#[test]
fn unknown_parent_and_cycles_are_refused() {
    let e = refuse("[profile]\nname = \"t\"\nextends = \"nope\"\n");
    assert_eq!(e.position.map(|p| p.0), Some(3), "{e}");
    assert!(e.message.contains("no profile named `nope`"), "{e}");

    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("a.toml"), "[profile]\nname = \"a\"\nextends = \"b\"\n")
        .expect("w");
    std::fs::write(dir.path().join("b.toml"), "[profile]\nname = \"b\"\nextends = \"a\"\n")
        .expect("w");
    let e = load_profile("a", Some(dir.path())).expect_err("cycle");
    assert!(e.message.contains("loops back"), "{e}");
}

#[test]
fn a_user_profile_extends_the_default_and_is_found_by_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let own = "[profile]\nname = \"team\"\nextends = \"default\"\n[[fact]]\nid = \"tool.just\"\nlabel = \"just\"\ncategory = \"Tools\"\ncompare = \"semver\"\nparser = \"version\"\nsources = [{ cmd = [\"just\", \"--version\"] }]\n";
    std::fs::write(dir.path().join("team.toml"), own).expect("write");
    let team = load_profile("team", Some(dir.path())).expect("loads");
    let default = load_profile("default", None).expect("default loads");
    assert_eq!(team.facts.len(), default.facts.len() + 1);
    assert_eq!(team.facts.last().map(|f| f.id.as_str()), Some("tool.just"));
    assert_ne!(team.hash, default.hash);
    let by_path =
        load_profile(dir.path().join("team.toml").to_str().expect("utf8"), None).expect("by path");
    assert_eq!(by_path.hash, team.hash, "same content, same hash");
}

#[test]
fn a_missing_profile_file_is_one_clear_line() {
    let e = load_profile("/nonexistent/paritty/x.toml", None).expect_err("absent");
    assert_eq!(e.origin, "/nonexistent/paritty/x.toml");
    assert!(e.message.starts_with("cannot read it:"), "{e}");
    let e = load_profile("nosuchprofile", None).expect_err("unknown name");
    assert!(e.to_string().contains("paritty profiles"), "{e}");
}

#[test]
fn a_running_table_names_plain_programs_and_a_way_to_ask_them() {
    let fact = |running: &str, sources: &str| {
        format!(
            "[profile]\nname = \"t\"\n[[fact]]\nid = \"service.x\"\nlabel = \"X\"\n\
             category = \"Backing services\"\ncompare = \"loose\"\nsources = [{sources}]\n\
             running = {running}\n"
        )
    };
    let cmd = "{ cmd = [\"x-server\", \"--version\"] }";
    let e = refuse(&fact("{ programs = [\"../x\"] }", cmd));
    assert_eq!(e.position.map(|p| p.0), Some(9), "{e}");
    assert!(e.message.contains("`running.programs` needs file names"), "{e}");
    let e = refuse(&fact("{ programs = [] }", cmd));
    assert!(e.message.contains("`running.programs`"), "{e}");
    let e = refuse(&fact("{ programs = [\"x\"], colour = 1 }", cmd));
    assert!(e.message.contains("colour"), "{e}");
    // No command to ask it with, and no version in its command line.
    let e = refuse(&fact("{ programs = [\"x\"] }", "{ env = \"X\" }"));
    assert!(e.message.contains("needs a `cmd` source"), "{e}");
    let e = refuse(&fact("{ programs = [\"x\"], cmdline = 'x(' }", cmd));
    assert!(e.message.starts_with("bad regex"), "{e}");
    // Its version asked with the first command's arguments, or its own.
    let ok = |running: &str| {
        let p = parse_profile(&fact(running, cmd), "team.toml", None).expect("loads");
        p.facts[0].running.clone().expect("running")
    };
    assert_eq!(ok("{ programs = [\"x-server\"] }").args, ["--version"]);
    assert_eq!(ok("{ programs = [\"x-server\"], args = [\"-v\"] }").args, ["-v"]);
    assert!(ok("{ programs = [\"beam.smp\"], cmdline = 'x-(\\d+)' }").version_in_cmdline());
}
