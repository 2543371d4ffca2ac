//! The module structure ARCHITECTURE.md promises, checked against the code:
//! no import cycles between modules, and the top-level dependency listing
//! in ARCHITECTURE.md is exactly what `src/` imports.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every module of `src/` by path (`collect::ssh::host`; the crate root is
/// ""), with its source.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| {
            let rel = f.strip_prefix(&src).expect("under src").with_extension("");
            let mut parts: Vec<String> =
                rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&f).expect("readable");
            (parts.join("::"), code_only(&text))
        })
        .collect()
}

/// The source without comments, string and char literals, and without its
/// unit-test module (whose `super` is the file itself, not its parent).
fn code_only(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('#') || next == Some('"'))
            && !ident(chars.get(i.wrapping_sub(1)))
        {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) == Some(&'"') {
                i += 2 + hashes;
                let close: String =
                    std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                while i < chars.len() && !chars[i..].iter().collect::<String>().starts_with(&close)
                {
                    i += 1;
                }
                i += close.len();
                out.push_str("\"\"");
            } else {
                out.push(c);
                i += 1;
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Every path starting at `crate::` or `super::` in `code`, use trees
/// expanded (`crate::{a::b, c}` gives `a::b` and `c`), made absolute.
fn paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let before = i.checked_sub(1).map(|j| tokens[j].as_str());
        if (t == "crate" || t == "super") && before != Some("::") {
            let mut base: Vec<String> = Vec::new();
            let own: Vec<String> =
                module.split("::").filter(|p| !p.is_empty()).map(str::to_owned).collect();
            let mut j = i;
            if t == "super" {
                base = own;
                while tokens.get(j).map(String::as_str) == Some("super") {
                    base.pop();
                    j += 1;
                    if tokens.get(j).map(String::as_str) == Some("::") {
                        j += 1;
                    }
                }
            } else {
                j += 1;
                if tokens.get(j).map(String::as_str) == Some("::") {
                    j += 1;
                }
            }
            i = tree(&tokens, j, &base, &mut found);
        } else {
            i += 1;
        }
    }
    found
}

/// Reads one use tree at `at` under `prefix`; returns where it ends.
fn tree(
    tokens: &[String],
    mut at: usize,
    prefix: &[String],
    found: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(at).map(String::as_str) {
            Some("{") => {
                at += 1;
                loop {
                    match tokens.get(at).map(String::as_str) {
                        Some("}") => return at + 1,
                        Some(",") => at += 1,
                        None => return at,
                        _ => at = tree(tokens, at, &path, found),
                    }
                }
            }
            Some(word) if word.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') => {
                path.push(word.to_owned());
                at += 1;
                if tokens.get(at).map(String::as_str) == Some("::") {
                    at += 1;
                } else {
                    found.push(path);
                    return at;
                }
            }
            _ => {
                found.push(path);
                return at;
            }
        }
    }
}

fn tokenize(code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
            i += 1;
        }
    }
    tokens
}

/// Module -> the other modules it names, each path cut to the longest
/// module that exists (an item's path names its module).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &modules {
        let deps = graph.entry(module.clone()).or_default();
        for path in paths(module, code) {
            let target = (0..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains_key(m))
                .unwrap_or_default();
            if target != *module {
                deps.insert(target);
            }
        }
    }
    graph
}

#[test]
fn modules_import_each_other_without_cycles() {
    let graph = graph();
    assert!(graph.len() > 50, "found only {} modules: is src/ read?", graph.len());
    assert_acyclic(&graph);
}

/// Fails naming the first cycle a depth-first search finds.
fn assert_acyclic(graph: &BTreeMap<String, BTreeSet<String>>) {
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

fn visit(
    node: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = stack.iter().position(|n| n == node) {
        let mut cycle = stack[at..].to_vec();
        cycle.push(node.to_owned());
        return Some(cycle);
    }
    if !done.insert(node.to_owned()) {
        return None;
    }
    stack.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = visit(next, graph, stack, done) {
            return Some(cycle);
        }
    }
    stack.pop();
    None
}

#[test]
fn architecture_lists_the_top_level_dependencies_the_code_has() {
    let mut actual: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, deps) in graph() {
        let top = |m: &str| -> String {
            match m.split("::").next() {
                Some("") | None => "lib".to_owned(),
                Some(top) => top.to_owned(),
            }
        };
        let from = top(&module);
        let entry = actual.entry(from.clone()).or_default();
        for dep in deps {
            let to = top(&dep);
            if to != from {
                entry.insert(to);
            }
        }
    }
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let listing = doc
        .split("<!-- dependencies -->")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("ARCHITECTURE.md has a ``` block after <!-- dependencies -->");
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in listing.lines().filter(|l| l.contains("->")) {
        let (from, to) = line.split_once("->").expect("arrow");
        listed
            .entry(from.trim().to_owned())
            .or_default()
            .extend(to.split_whitespace().map(str::to_owned));
    }
    let mut has = String::new();
    for (module, deps) in &actual {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        let _ = writeln!(has, "{module} -> {}", deps.join(" "));
    }
    let actual: BTreeMap<String, BTreeSet<String>> =
        actual.into_iter().filter(|(_, deps)| !deps.is_empty()).collect();
    assert!(
        listed == actual,
        "ARCHITECTURE.md's dependency listing differs from what src/ imports, which is:\n{has}"
    );
    assert_acyclic(&actual);
}

#[test]
fn the_reader_sees_use_trees_and_skips_comments_and_strings() {
    let code = code_only(
        "use crate::{a::{b, c::D}, e};\n// crate::commented\nlet s = \"crate::quoted\";\nlet r = r#\"crate::raw\"#;\nsuper::f();\n",
    );
    let found: Vec<String> = paths("x::y", &code).into_iter().map(|p| p.join("::")).collect();
    assert_eq!(found, ["a::b", "a::c::D", "e", "x::f"]);
}
