//! Comma-separated specifiers: PEP 440's (`>=3.9,<3.13`, `~=3.11`,
//! `==3.11.*`, `!=3.11.2`) and RubyGems' (`~> 3.2`, `>= 3.1`, `!= 3.2.1`,
//! a bare version meaning exactly it).

use super::range::Range;
use super::ver::{Partial, partial};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Pep440,
    Ruby,
}

pub fn parse(text: &str, dialect: Dialect) -> Result<Range, String> {
    let mut out = Range::any();
    for spec in text.split(',') {
        let spec = spec.trim().trim_matches(['"', '\'']).trim();
        if spec.is_empty() {
            continue;
        }
        out = out.intersect(&specifier(spec, dialect)?);
    }
    Ok(out)
}

fn specifier(spec: &str, dialect: Dialect) -> Result<Range, String> {
    let ops: &[&str] = match dialect {
        Dialect::Pep440 => &["===", "~=", "==", "!=", "<=", ">=", "<", ">"],
        Dialect::Ruby => &["~>", "!=", "<=", ">=", "<", ">", "="],
    };
    let Some((op, rest)) = ops.iter().find_map(|op| spec.strip_prefix(op).map(|r| (*op, r.trim())))
    else {
        return match dialect {
            // A bare version is exactly it in a Gemfile; PEP 440 has none.
            Dialect::Ruby => Ok(Range::exactly(version(spec)?.ver())),
            Dialect::Pep440 => Err(format!("`{spec}` has no operator (==, >=, ~=, ...)")),
        };
    };
    let p = version(rest)?;
    let n = p.nums.len();
    if n == 0 || (p.wild && !matches!(op, "==" | "!=")) {
        return Err(format!("`{spec}`: a wildcard only goes with == or !="));
    }
    let v = p.ver();
    let same = || if p.wild { Range::prefix(&v, n) } else { Range::exactly(v.clone()) };
    Ok(match op {
        "==" | "===" | "=" => same(),
        "!=" => Range::any().minus(&same()),
        ">=" => Range::at_least(v),
        "<=" => Range::at_most(v),
        ">" => Range::above(v),
        "<" => Range::below(&v),
        // `~=3.11.2` / `~> 3.11.2`: at least it, same `3.11.*`; one number
        // alone (`~> 3`, refused by PEP 440) keeps the major.
        _ if n == 1 && dialect == Dialect::Pep440 => {
            return Err(format!("`{spec}`: ~= needs at least two numbers"));
        }
        _ => Range::at_least(v.clone()).intersect(&Range::below(&v.bump(n.max(2) - 2))),
    })
}

fn version(text: &str) -> Result<Partial, String> {
    partial(text).ok_or_else(|| format!("`{text}` is not a version"))
}
