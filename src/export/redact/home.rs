//! Home folders in paths (`/home/NAME`, `/Users/NAME`, `/root`), shown as
//! `~`: they name the people who use a machine.

use std::sync::LazyLock;

use regex::Regex;

static HOME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"/home/[^/\s:'"]+|/Users/[^/\s:'"]+|/root"#).expect("valid regex")
});

/// `text` with each home folder that starts a path (or follows `file://`)
/// replaced by `~`, and how many there were. A folder inside another path
/// (`/srv/home/x`, `~/root`) or a longer name (`/rootfs`) is not a home
/// folder.
pub fn replace(text: &str) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut count) = (0, 0);
    for m in HOME.find_iter(text) {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        let inside_path = before.is_some_and(|b| {
            b.is_ascii_alphanumeric()
                || b"~._-".contains(&b)
                || b == b'/' && !text[..m.start()].ends_with("://")
        });
        let ends_name = after.is_none_or(|b| b.is_ascii_whitespace() || b"/:'\"".contains(&b));
        if !inside_path && ends_name {
            out.push_str(&text[copied..m.start()]);
            out.push('~');
            copied = m.end();
            count += 1;
        }
    }
    if count == 0 {
        return (text.to_owned(), 0);
    }
    out.push_str(&text[copied..]);
    (out, count)
}
