//! Natural order for host names: `web-2` before `web-10`, as people number
//! their machines. Runs of digits compare by value, everything else as text;
//! names that only differ in leading zeros (`web-02`, `web-2`) still get a
//! fixed order, so sorting is total and stable across runs.

use std::cmp::Ordering;

/// Compares `a` and `b` naturally (see the module's doc).
pub fn cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (cx, rest_x) = chunk(x);
        let (cy, rest_y) = chunk(y);
        let order = match (is_digits(cx), is_digits(cy)) {
            (true, true) => by_value(cx, cy),
            _ => cx.cmp(cy),
        };
        if order != Ordering::Equal {
            return order;
        }
        (x, y) = (rest_x, rest_y);
    }
}

/// Sorts names in natural order.
pub fn sort<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| cmp(name(a), name(b)));
}

/// The leading run of digits, or of non-digits, and the rest.
fn chunk(s: &str) -> (&str, &str) {
    let digits = s.starts_with(|c: char| c.is_ascii_digit());
    let end = s.find(|c: char| c.is_ascii_digit() != digits).unwrap_or(s.len());
    s.split_at(end)
}

fn is_digits(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// Two runs of ASCII digits by value, however long (no overflow).
fn by_value(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        let mut names = vec!["web-10", "web-2", "web-1", "db", "web-02", "web-2a", "fleet-100"];
        sort(&mut names, |s| s);
        assert_eq!(names, ["db", "fleet-100", "web-1", "web-02", "web-2", "web-2a", "web-10"]);
    }

    #[test]
    fn long_runs_do_not_overflow() {
        let big = "h99999999999999999999999999";
        assert_eq!(cmp(big, "h100000000000000000000000000"), Ordering::Less);
        assert_eq!(cmp("a", "a"), Ordering::Equal);
        assert_eq!(cmp("a", "a1"), Ordering::Less);
    }
}
