//! Fitting text into cells: by display width, never splitting a character.

use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

/// `text` cut to `width` display columns with an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` fitted and padded to exactly `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    let fitted = fit(text, width);
    let used = fitted.width();
    format!("{fitted}{}", " ".repeat(width.saturating_sub(used)))
}

/// One line for a cell: values can hold newlines and tabs.
pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r', '\t'], " ")
}
