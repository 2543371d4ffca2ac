//! Ansible's host ranges: `web[01:20].example.com`, `db-[a:c]`, with an
//! optional step (`[1:9:2]`) and several ranges in one name. Expanded the
//! way `ansible.plugins.inventory.expand_hostname_range` does: a start with
//! a leading zero sets the width, letters run through `a-zA-Z`, a numeric
//! range whose end is below its start is empty.

use std::fmt;

/// At most this many names from one pattern: a typo (`[1:99999999]`) must
/// not fill memory.
pub const MAX_EXPANSION: usize = 100_000;

/// Why a range cannot be expanded; shown after the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError(pub String);

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The names `pattern` stands for, in Ansible's order (one name when it
/// has no `[`).
pub fn expand(pattern: &str) -> Result<Vec<String>, RangeError> {
    let mut out = Vec::new();
    expand_into(pattern, &mut out)?;
    Ok(out)
}

fn expand_into(pattern: &str, out: &mut Vec<String>) -> Result<(), RangeError> {
    let Some(open) = pattern.find('[') else {
        out.push(pattern.to_owned());
        return Ok(());
    };
    let bad = |why: &str| RangeError(format!("host range `{pattern}`: {why}"));
    let close = pattern[open..].find(']').map(|i| open + i).ok_or_else(|| bad("no closing `]`"))?;
    let (head, range, tail) = (&pattern[..open], &pattern[open + 1..close], &pattern[close + 1..]);
    let bounds: Vec<&str> = range.split(':').collect();
    if !(2..=3).contains(&bounds.len()) {
        return Err(bad("must be [begin:end] or [begin:end:step]"));
    }
    let begin = if bounds[0].is_empty() { "0" } else { bounds[0] };
    let end = bounds[1];
    if end.is_empty() {
        return Err(bad("no end value"));
    }
    let step = match bounds.get(2) {
        Some(s) => s.parse::<usize>().ok().filter(|s| *s > 0).ok_or_else(|| bad("bad step"))?,
        None => 1,
    };
    let width = if begin.len() > 1 && begin.starts_with('0') {
        if begin.len() != end.len() {
            return Err(bad("begin and end must have the same width"));
        }
        begin.len()
    } else {
        0
    };
    let items: Vec<String> = match (LETTERS.find(begin), LETTERS.find(end)) {
        (Some(b), Some(e)) if begin.len() == 1 && end.len() == 1 => {
            if b > e {
                return Err(bad("begin must not be after end"));
            }
            LETTERS[b..=e].chars().step_by(step).map(String::from).collect()
        }
        _ => {
            let number = |s: &str| s.parse::<u64>().map_err(|_| bad("not a number or a letter"));
            let (b, e) = (number(begin)?, number(end)?);
            let count = e.saturating_sub(b) / step as u64 + u64::from(e >= b);
            if count > MAX_EXPANSION as u64 {
                return Err(bad(&format!("more than {MAX_EXPANSION} hosts")));
            }
            (b..=e).step_by(step).map(|n| format!("{n:0width$}")).collect()
        }
    };
    for item in items {
        expand_into(&format!("{head}{item}{tail}"), out)?;
        if out.len() > MAX_EXPANSION {
            return Err(bad(&format!("more than {MAX_EXPANSION} hosts")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: &str) -> Vec<String> {
        expand(p).expect(p)
    }

    #[test]
    fn numeric_alpha_step_and_nested() {
        assert_eq!(names("web[01:03].x"), ["web01.x", "web02.x", "web03.x"]);
        assert_eq!(names("db-[a:c]"), ["db-a", "db-b", "db-c"]);
        assert_eq!(names("n[1:7:3]"), ["n1", "n4", "n7"]);
        assert_eq!(names("h[:1]"), ["h0", "h1"]);
        assert_eq!(names("r[a:b]-[1:2]"), ["ra-1", "ra-2", "rb-1", "rb-2"]);
        assert_eq!(names("plain"), ["plain"]);
        assert!(names("n[5:1]").is_empty());
    }

    #[test]
    fn bad_ranges_say_why() {
        for bad in ["w[1:]", "w[1]", "w[01:100]", "w[c:a]", "w[1:x]", "w[1:2", "w[0:9999999]"] {
            assert!(expand(bad).is_err(), "{bad}");
        }
    }
}
