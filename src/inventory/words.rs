//! Splitting a line into words as Python's `shlex.split(line, comments=True)`
//! does, which is how Ansible reads INI host lines and how it passes
//! `ansible_ssh_common_args` on: whitespace separates, quotes group, a
//! backslash escapes, `#` outside quotes ends the line.

/// The words of `line`, or why it cannot be split (an open quote).
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                words.extend(word.take());
            }
            '#' => break,
            '\\' => word.get_or_insert_default().extend(chars.next()),
            '\'' => {
                let w = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_default();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('\\' | '"' | '$' | '`' | '\n')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("no closing quotation".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn like_shlex() {
        assert_eq!(
            split(r#"a b='c d' "e\"f" g\ h # x"#).expect("splits"),
            ["a", "b=c d", "e\"f", "g h"]
        );
        assert_eq!(split("x#y").expect("splits"), ["x"]);
        assert_eq!(split("''").expect("splits"), [""]);
        assert!(split("a 'b").is_err());
    }
}
