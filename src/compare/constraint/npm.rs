//! npm's ranges (node-semver): `||` between alternatives, comparators
//! separated by spaces, `^`, `~`, `x`/`*` and partial versions, hyphen
//! ranges. Poetry writes the same with `,` for "and".

use super::range::{Range, Ver};
use super::ver::{Partial, partial};

/// npm's range `text` as versions; `Err` names the part not understood.
pub fn parse(text: &str) -> Result<Range, String> {
    let mut out = Range::none();
    for branch in text.split("||") {
        out = out.union(branch_range(branch)?);
    }
    Ok(out)
}

/// Poetry's constraints: npm's with `,` meaning a space.
pub fn parse_poetry(text: &str) -> Result<Range, String> {
    parse(&text.replace(',', " "))
}

fn branch_range(branch: &str) -> Result<Range, String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in branch.split_whitespace() {
        // `>= 18`: an operator alone belongs to the next word.
        match tokens.last_mut() {
            Some(last) if is_operator(last) => last.push_str(word),
            _ => tokens.push(word.to_owned()),
        }
    }
    if let [low, dash, high] = tokens.as_slice()
        && dash == "-"
    {
        return hyphen(low, high);
    }
    let mut out = Range::any();
    for token in &tokens {
        out = out.intersect(&comparator(token)?);
    }
    Ok(out)
}

fn is_operator(word: &str) -> bool {
    matches!(word, ">=" | "<=" | ">" | "<" | "=" | "^" | "~" | "~>" | "!=" | "==")
}

/// `1.2 - 2.3.4`: `>=1.2.0 <=2.3.4`; a partial upper end allows its prefix.
fn hyphen(low: &str, high: &str) -> Result<Range, String> {
    let (low, high) = (version(low)?, version(high)?);
    let below = match high.nums.len() {
        0 => Range::any(),
        n if n >= 3 => Range::at_most(high.ver()),
        n => Range::below(&high.ver().bump(n - 1)),
    };
    Ok(Range::at_least(low.ver()).intersect(&below))
}

fn version(text: &str) -> Result<Partial, String> {
    partial(text).ok_or_else(|| format!("`{text}` is not a version"))
}

fn comparator(token: &str) -> Result<Range, String> {
    let ops = [">=", "<=", "!=", "==", "~>", ">", "<", "=", "^", "~"];
    let (op, rest) = ops
        .iter()
        .find_map(|op| token.strip_prefix(op).map(|rest| (*op, rest)))
        .unwrap_or(("", token));
    let p = version(rest)?;
    let n = p.nums.len();
    let v = p.ver();
    // The exclusive end of a partial version's prefix (`1.2` -> `1.3.0`).
    let next = |index: usize| v.bump(index);
    Ok(match op {
        _ if n == 0 => match op {
            "<" | ">" | "!=" => Range::none(),
            _ => Range::any(),
        },
        "" | "=" | "==" => exact_or_prefix(&p),
        "!=" => Range::any().minus(&exact_or_prefix(&p)),
        ">=" => Range::at_least(v),
        "<" => Range::below(&v),
        ">" if n >= 3 => Range::above(v),
        ">" => Range::at_least(next(n - 1).floor_released()),
        "<=" if n >= 3 => Range::at_most(v),
        "<=" => Range::below(&next(n - 1)),
        "~" | "~>" => Range::at_least(v.clone()).intersect(&Range::below(&next(n.min(2) - 1))),
        _ => {
            // `^`: the leftmost non-zero number given may not change.
            let index = if n == 1 || p.nums[0] > 0 {
                0
            } else if n == 2 || p.nums[1] > 0 {
                1
            } else {
                2
            };
            Range::at_least(v.clone()).intersect(&Range::below(&next(index)))
        }
    })
}

/// `1.2.3` exactly; `1.2`, `1.2.x` any `1.2.*`.
fn exact_or_prefix(p: &Partial) -> Range {
    if p.nums.len() >= 3 && !p.wild {
        Range::exactly(p.ver())
    } else {
        Range::prefix(&p.ver(), p.nums.len())
    }
}

trait Released {
    /// A bumped bound as the released version it stands for (`>1.2` is
    /// `>=1.3.0`, whose pre-releases are not meant).
    fn floor_released(self) -> Ver;
}

impl Released for Ver {
    fn floor_released(self) -> Ver {
        Ver { release: self.release, pre: None }
    }
}
