//! Untrusted output made safe to store, show and export: control and escape
//! sequences removed, size capped (ARCHITECTURE.md, principle 6).
//!
//! Everything from outside goes through here before it reaches a terminal or
//! an export: what tools print, what an SSH server says (its messages, the
//! authentication methods it lists), snapshot files and their names,
//! ssh_config values, inventory names.

/// Default cap on bytes kept per fact.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024;

/// Cap on one line of text from outside: a name, a failure's message.
pub const MAX_LINE_BYTES: usize = 4 * 1024;

/// Removes ANSI escape sequences (CSI, OSC, DCS and the two-byte ones) and
/// every other control character except newline and tab. A carriage return
/// becomes a newline when it ends a line and is dropped otherwise, so
/// progress-bar style overwrites cannot hide text; the Unicode line and
/// paragraph separators (U+2028, U+2029) become newlines too. Characters that
/// are invisible or reorder what is shown are dropped: zero-width ones
/// (U+200B..U+200D, U+2060..U+2064, the U+FEFF byte order mark, the soft
/// hyphen, tags U+E0000..U+E007F) and the bidirectional marks, embeddings,
/// overrides and isolates (U+200E, U+200F, U+061C, U+202A..U+202E,
/// U+2066..U+2069). An ESC that starts no sequence is dropped alone: the
/// character after it (a newline, say) is kept.
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
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push(c),
            c if is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` holds nothing `strip_control` would change, so clean text
/// (nearly all of it) need not be copied.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(|c| c == '\r' || c == '\u{2028}' || c == '\u{2029}' || is_hidden(c))
}

/// One line of text from outside (a name, a message), as `strip_control`
/// leaves it but with newlines and tabs made spaces, so it cannot pose as
/// more lines of paritty's own; at most `MAX_LINE_BYTES`, a cut marked `…`.
pub fn one_line(text: &str) -> String {
    let clean = if is_clean(text) { text.to_owned() } else { strip_control(text) };
    let line = if clean.contains(['\n', '\t']) { clean.replace(['\n', '\t'], " ") } else { clean };
    cap(line, MAX_LINE_BYTES)
}

/// `text` cut to at most `max_bytes` (on a character boundary, the cut
/// marked `…` when there is room for it).
pub fn cap(mut text: String, max_bytes: usize) -> String {
    const MARK: char = '…';
    if text.len() <= max_bytes {
        return text;
    }
    let room = if max_bytes >= MARK.len_utf8() { max_bytes - MARK.len_utf8() } else { max_bytes };
    let mut end = room;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    if max_bytes >= MARK.len_utf8() {
        text.push(MARK);
    }
    text
}

/// Controls other than newline and tab, and the characters that are
/// invisible or reorder text (see `strip_control`).
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After an ESC: the rest of the sequence it starts, if it starts one.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // Intermediates (ESC ( B, ESC # 8, ESC % G), then their final byte.
        Some(' '..='/') => {
            while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
            chars.next_if(|c| matches!(c, '0'..='~'));
        }
        // Two-byte escapes: ESC 7, ESC c, ESC M...
        Some('0'..='~') => {
            chars.next();
        }
        // A lone ESC (before a newline, text, another ESC): only it goes.
        _ => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in `@`..=`~`. Any
/// other character ends it unconsumed (a newline inside is kept, as a
/// terminal would still move to the next line for it).
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| matches!(c, ' '..='?')).is_some() {}
    chars.next_if(|c| matches!(c, '@'..='~'));
}

/// OSC/DCS/PM/APC: up to BEL or ST (ESC \ or U+9C); CAN and SUB cancel it,
/// and another ESC ends it and starts a sequence of its own.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' | '\u{18}' | '\u{1a}' => break,
            '\u{1b}' => {
                if chars.next_if_eq(&'\\').is_none() {
                    skip_escape(chars);
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

    #[test]
    fn line_and_paragraph_separators_become_newlines() {
        assert_eq!(strip_control("1.2\u{2028}3\u{2029}4"), "1.2\n3\n4");
    }

    #[test]
    fn zero_width_characters_are_dropped() {
        let text = "a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f";
        assert_eq!(strip_control(text), "abcdef");
        assert_eq!(strip_control("\u{feff}v1.2"), "v1.2", "a leading byte order mark");
    }

    #[test]
    fn every_bidi_mark_and_override_is_dropped() {
        let marks = [
            '\u{200e}', '\u{200f}', '\u{61c}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for mark in marks {
            let text = format!("ab{mark}cd");
            assert_eq!(strip_control(&text), "abcd", "U+{:04X}", u32::from(mark));
        }
    }

    #[test]
    fn a_lone_esc_keeps_what_follows() {
        assert_eq!(strip_control("one\u{1b}\ntwo"), "one\ntwo");
        assert_eq!(strip_control("a\u{1b}"), "a");
        assert_eq!(strip_control("a\u{1b}\u{1b}[31mb"), "ab", "ESC ESC [31m");
        assert_eq!(strip_control("a\u{1b}é"), "aé");
        // Real two-byte and charset escapes still go whole.
        assert_eq!(strip_control("\u{1b}7a\u{1b}(Bb\u{1b}#8c"), "abc");
    }

    #[test]
    fn a_newline_inside_an_unfinished_csi_is_kept() {
        assert_eq!(strip_control("x\u{1b}[12\ny"), "x\ny");
    }

    #[test]
    fn is_clean_agrees_with_strip_control() {
        for text in ["plain\tv1\n", "a\rb", "a\u{2028}", "\u{feff}", "\u{1b}[m", "\u{9b}", "é✓"]
        {
            assert_eq!(is_clean(text), strip_control(text) == text, "{text:?}");
        }
    }

    #[test]
    fn one_line_flattens_and_caps() {
        assert_eq!(one_line("a\nb\tc\u{2028}d\u{1b}]0;t\u{7}"), "a b c d");
        let long = "é".repeat(MAX_LINE_BYTES);
        let line = one_line(&long);
        assert!(line.len() <= MAX_LINE_BYTES && line.ends_with('…'), "{}", line.len());
        assert_eq!(one_line(&line), line);
    }

    #[test]
    fn cap_cuts_on_a_character_boundary() {
        assert_eq!(cap("abcdef".into(), 6), "abcdef");
        assert_eq!(cap("abcdef".into(), 5), "ab…");
        assert_eq!(cap("ééé".into(), 4), "…");
        assert_eq!(cap("abc".into(), 2), "ab");
    }

    /// The characters nothing sanitized may contain, spelled out here rather
    /// than taken from the code under test.
    fn forbidden(c: char, newlines_too: bool) -> bool {
        let control = matches!(u32::from(c), 0..=0x1f | 0x7f..=0x9f);
        let allowed = if newlines_too { false } else { c == '\n' || c == '\t' };
        (control && !allowed)
            || matches!(
                c,
                '\u{2028}'
                    | '\u{2029}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{2060}'
                    | '\u{feff}'
                    | '\u{61c}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
            )
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text rich in what hostile output is made of: escape introducers,
        /// their parameters and terminators, C0/C1 controls, the invisible
        /// and bidi characters, line breaks, and ordinary text.
        fn hostile() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("\u{1b}".to_owned()),
                Just("\u{1b}[".to_owned()),
                Just("\u{1b}]0;".to_owned()),
                Just("\u{1b}P".to_owned()),
                Just("\u{1b}\\".to_owned()),
                Just("\u{7}".to_owned()),
                Just("\r".to_owned()),
                Just("\n".to_owned()),
                "[\u{0}-\u{1f}\u{7f}-\u{9f}]",
                "[\u{2028}\u{2029}\u{200b}-\u{200f}\u{2060}\u{feff}\u{61c}\u{202a}-\u{202e}\u{2066}-\u{2069}]",
                "[0-9;\\[\\]()#%?@A-Za-z~ ]{1,4}",
                any::<char>().prop_map(String::from),
            ];
            prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
        }

        proptest! {
            #[test]
            fn strip_control_leaves_nothing_forbidden(text in hostile()) {
                let out = strip_control(&text);
                prop_assert!(!out.chars().any(|c| forbidden(c, false)), "{out:?}");
                prop_assert!(out.len() <= text.len());
                prop_assert_eq!(strip_control(&out), out.clone(), "idempotent");
                prop_assert!(is_clean(&out));
            }

            #[test]
            fn arbitrary_strings_too(text in any::<String>()) {
                let out = strip_control(&text);
                prop_assert!(!out.chars().any(|c| forbidden(c, false)), "{out:?}");
                prop_assert_eq!(strip_control(&out), out.clone());
            }

            #[test]
            fn clean_output_of_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
                let out = clean_output(&bytes);
                prop_assert!(!out.chars().any(|c| forbidden(c, false)), "{out:?}");
                // Only an invalid byte grows, into U+FFFD's three.
                prop_assert!(out.len() <= 3 * bytes.len());
                prop_assert_eq!(clean_output(out.as_bytes()), out.clone());
            }

            #[test]
            fn one_line_is_one_clean_capped_line(text in hostile(), repeat in 1usize..400) {
                let text = text.repeat(repeat);
                let out = one_line(&text);
                prop_assert!(!out.chars().any(|c| forbidden(c, true)), "{out:?}");
                prop_assert!(out.len() <= MAX_LINE_BYTES);
                prop_assert_eq!(one_line(&out), out.clone(), "idempotent");
            }

            #[test]
            fn cap_bounds_the_length(text in any::<String>(), max in 0usize..64) {
                let out = cap(text.clone(), max);
                prop_assert!(out.len() <= max);
                prop_assert_eq!(cap(out.clone(), max), out.clone());
                if text.len() <= max { prop_assert_eq!(out, text); }
            }
        }
    }
}
