//! Untrusted output made safe to store, show and export: control and escape
//! sequences removed, size capped (ARCHITECTURE.md, principle 6).

/// Default cap on bytes kept per fact.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024;

/// Removes ANSI escape sequences (CSI, OSC, DCS and the two-byte ones) and
/// every other control character except newline and tab. A carriage return
/// becomes a newline when it ends a line and is dropped otherwise, so
/// progress-bar style overwrites cannot hide text.
pub fn strip_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI/OSC/DCS introducers act like ESC [, ESC ], ESC P.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' => {
                if chars.peek() == Some(&'\n') || chars.peek().is_none() {
                    continue;
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            // Bidirectional overrides can make text read differently than it is.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-byte escapes (ESC c, ESC 7, ESC ( B...) : drop the next char,
        // and one more for the charset designators.
        Some('(' | ')' | '*' | '+' | '#' | '%') => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in `@`..=`~`.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/PM/APC: up to BEL or ST (ESC \ or U+9C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Captured bytes made into display-safe text: invalid UTF-8 replaced, then
/// control sequences stripped.
pub fn clean_output(bytes: &[u8]) -> String {
    strip_control(&String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colors_titles_and_controls() {
        let hostile = "\u{1b}[1mApache Maven 3.8.7\u{1b}[m\n\u{1b}]0;pwned\u{7}ok\u{8}\u{0}";
        assert_eq!(strip_control(hostile), "Apache Maven 3.8.7\nok");
    }

    #[test]
    fn carriage_returns_cannot_overwrite_text() {
        assert_eq!(strip_control("safe\rEVIL\r\n"), "safe\nEVIL\n");
    }

    #[test]
    fn keeps_plain_text_tabs_and_unicode() {
        let text = "Python 3.11.7\tok\nnaïve — ✓\n";
        assert_eq!(strip_control(text), text);
    }

    #[test]
    fn drops_c1_csi_and_bidi_overrides() {
        assert_eq!(strip_control("a\u{9b}31mb\u{202e}c"), "abc");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(clean_output(b"v1\xff\n"), "v1\u{fffd}\n");
    }
}
