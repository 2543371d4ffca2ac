//! Reading one key of a `KEY=value` file such as `/etc/os-release`, with the
//! shell-style quoting that format allows.

/// The value of `key` in `text`, unquoted; the last assignment wins, as
/// when the file is sourced by a shell.
pub fn lookup(text: &str, key: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() == key {
            found = Some(unquote(v.trim()));
        }
    }
    found
}

/// The assignment line for `key`, kept as the raw evidence.
pub fn line_of<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key))
}

fn unquote(value: &str) -> String {
    let bytes = value.as_bytes();
    if bytes.len() >= 2 && bytes[0] == b'\'' && bytes[bytes.len() - 1] == b'\'' {
        return value[1..value.len() - 1].to_owned();
    }
    if bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"' {
        let inner = &value[1..value.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(next) = chars.next() {
                    if !"\"\\$`".contains(next) {
                        out.push('\\');
                    }
                    out.push(next);
                }
            } else {
                out.push(c);
            }
        }
        return out;
    }
    value.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";

    #[test]
    fn reads_quoted_and_bare_values() {
        assert_eq!(lookup(DEBIAN, "VERSION_ID").as_deref(), Some("12"));
        assert_eq!(lookup(DEBIAN, "ID").as_deref(), Some("debian"));
        assert_eq!(
            lookup(DEBIAN, "PRETTY_NAME").as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert_eq!(lookup(DEBIAN, "VARIANT"), None);
    }

    #[test]
    fn unescapes_double_quotes_and_keeps_single_quotes_literal() {
        assert_eq!(lookup("A=\"say \\\"hi\\\" \\$x\"", "A").as_deref(), Some("say \"hi\" $x"));
        assert_eq!(lookup("A='x\\y'", "A").as_deref(), Some("x\\y"));
    }

    #[test]
    fn ignores_comments_and_keeps_last_assignment() {
        assert_eq!(lookup("#ID=no\nID=one\nID=two", "ID").as_deref(), Some("two"));
        assert_eq!(line_of("ID=one\nID=two", "ID"), Some("ID=two"));
    }
}
