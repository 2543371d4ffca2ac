//! How deep a YAML text's flow collections (`[`, `{`) nest, told before a
//! YAML parser reads it: the parser's scanner looks at every open one for
//! each token, so a megabyte of `[` takes hours, while serde_yaml refuses
//! past 128 anyway. Shared by every YAML file paritty reads from outside
//! (compose files, Ansible inventories).

/// Flow collections nested deeper than this are refused before parsing.
pub const MAX_FLOW_DEPTH: usize = 128;

/// The line where `text`'s `[`/`{` nesting passes `MAX_FLOW_DEPTH`, if it
/// does. Brackets in quoted scalars and comments are text; a quote counts
/// only where a scalar may start, so `it's` opens nothing.
pub fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line, mut quote, mut previous) = (0usize, 1, None, b'\n');
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\n' {
            line += 1;
        }
        match quote {
            Some(b'"') if b == b'\\' => {
                bytes.next_if(|c| *c != b'\n');
            }
            Some(b'\'') if b == b'\'' && bytes.peek() == Some(&b'\'') => {
                bytes.next();
            }
            Some(q) if b == q => quote = None,
            Some(b'#') if b == b'\n' => quote = None,
            Some(_) => {}
            None => {
                let starts = previous.is_ascii_whitespace() || b"[{,:-".contains(&previous);
                match b {
                    b'"' | b'\'' if starts => quote = Some(b),
                    b'#' if previous.is_ascii_whitespace() => quote = Some(b),
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Some(line);
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
        previous = b;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_outside_quotes_and_comments() {
        let deep = format!("a: {}\n", "[".repeat(MAX_FLOW_DEPTH + 1));
        assert_eq!(too_deep(&format!("x: 1\n{deep}")), Some(2));
        let at_limit = format!("a: {}{}\n", "[".repeat(MAX_FLOW_DEPTH), "]".repeat(MAX_FLOW_DEPTH));
        assert_eq!(too_deep(&at_limit), None);
        let quoted = format!(
            "a: \"{}\"\nb: '{}'\n# {}\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert_eq!(too_deep(&quoted), None);
        assert_eq!(too_deep("it's: [a, {b: c}]\n"), None);
    }
}
