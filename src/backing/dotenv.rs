//! `.env` files, parsed as data and never sourced: `NAME=value` lines, an
//! optional `export ` before the name, `#` comments, single quotes
//! (literal), double quotes (`\n`, `\t`, `\"`, `\\` escapes) and unquoted
//! values (a ` #` starts a comment). No interpolation: `${OTHER}` stays as
//! written (python-dotenv would expand it, Node's dotenv would not; an
//! app that relies on it is told by the URL that does not parse). A value
//! spanning lines is refused with its line, the rest of the file is used.

/// The largest `.env` read; a bigger one is refused with its size.
pub const MAX_DOTENV_BYTES: u64 = 64 * 1024;

/// One assignment, with the line it is on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub value: String,
    pub line: usize,
}

/// A line that is not an assignment paritty can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: &'static str,
}

/// Every assignment of `text` in file order (a later one of the same name
/// wins when looked up) and the lines that could not be read.
pub fn parse(text: &str) -> (Vec<Assignment>, Vec<Problem>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match parse_line(line) {
            Ok(Some((name, value))) => {
                found.push(Assignment { name: name.to_owned(), value, line: i + 1 });
            }
            Ok(None) => {}
            Err(message) => problems.push(Problem { line: i + 1, message }),
        }
    }
    (found, problems)
}

/// The value of `name`: the last assignment of it, as dotenv libraries read it.
pub fn lookup<'a>(found: &'a [Assignment], name: &str) -> Option<&'a Assignment> {
    found.iter().rev().find(|a| a.name == name)
}

fn parse_line(line: &str) -> Result<Option<(&str, String)>, &'static str> {
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let line = line.strip_prefix("export ").map_or(line, str::trim_start);
    let Some((name, rest)) = line.split_once('=') else {
        return Err("not a NAME=value line");
    };
    let name = name.trim_end();
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !identifier {
        return Err("the name is not a variable name");
    }
    let rest = rest.trim_start();
    let value = match rest.chars().next() {
        Some('\'') => {
            let Some(end) = rest[1..].find('\'') else {
                return Err("a quoted value that does not end on its line (not supported)");
            };
            trailing(&rest[end + 2..])?;
            rest[1..=end].to_owned()
        }
        Some('"') => double_quoted(&rest[1..])?,
        _ => {
            // An unquoted value ends at a comment (` #`) and its blanks.
            let end = rest.find(" #").or_else(|| rest.find("\t#")).unwrap_or(rest.len());
            rest[..end].trim_end().to_owned()
        }
    };
    Ok(Some((name, value)))
}

fn double_quoted(s: &str) -> Result<String, &'static str> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                trailing(&s[i + 1..])?;
                return Ok(out);
            }
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => {
                    if !matches!(other, '"' | '\\' | '$' | '\'') {
                        out.push('\\');
                    }
                    out.push(other);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    Err("a quoted value that does not end on its line (not supported)")
}

/// What may follow a closing quote: blanks, then a comment.
fn trailing(rest: &str) -> Result<(), &'static str> {
    let rest = rest.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        Err("text after the closing quote")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse(text).0.into_iter().map(|a| (a.name, a.value)).collect()
    }

    #[test]
    fn reads_the_forms_dotenv_libraries_read() {
        let text = "# comment\n\nexport DATABASE_URL=postgres://u:p@db:5432/app # primary\n\
                    REDIS_URL='redis://h:6379/0 #not a comment'\n\
                    A=\"x\\ny \\\"q\\\"\"  # c\nB = spaced \nC=\nD=${OTHER}/x\n";
        assert_eq!(
            values(text),
            vec![
                ("DATABASE_URL".into(), "postgres://u:p@db:5432/app".into()),
                ("REDIS_URL".into(), "redis://h:6379/0 #not a comment".into()),
                ("A".into(), "x\ny \"q\"".into()),
                ("B".into(), "spaced".into()),
                ("C".into(), String::new()),
                ("D".into(), "${OTHER}/x".into()),
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_line_and_the_rest_is_read() {
        let (found, problems) = parse("GOOD=1\nnot an assignment\nX='open\n1BAD=2\nY=\"a\" b\nZ=2");
        assert_eq!(found.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["GOOD", "Z"]);
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3, 4, 5]);
    }

    #[test]
    fn the_last_assignment_wins() {
        let (found, _) = parse("A=1\nA=2\n");
        assert_eq!(lookup(&found, "A").map(|a| (a.value.as_str(), a.line)), Some(("2", 2)));
    }
}
