//! Versions as points on one line and constraints as unions of intervals
//! on it: every ecosystem's syntax reduces to these, so "does this version
//! satisfy it" and "can anything satisfy both" are answered once.

use std::cmp::Ordering;

/// One identifier of a pre-release (`rc`, `1`): numbers sort before words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ident {
    Num(u64),
    Word(String),
}

/// A version: release numbers (missing ones count as 0, so `3.11` is
/// `3.11.0`) and an optional pre-release, which sorts before its release.
/// `pre: Some(vec![])` is below every pre-release of the release: the
/// exclusive upper bound `<3.12` uses it so that `3.12.0rc1` is outside.
#[derive(Debug, Clone)]
pub struct Ver {
    pub release: Vec<u64>,
    pub pre: Option<Vec<Ident>>,
}

impl Ver {
    pub fn new(release: Vec<u64>) -> Ver {
        Ver { release, pre: None }
    }

    /// The lowest version of the next prefix: `bump(3.11.4, 1)` is just
    /// below `3.12.0`'s pre-releases. Saturates (never panics).
    #[must_use]
    pub fn bump(&self, index: usize) -> Ver {
        let mut release: Vec<u64> = self.release.iter().copied().take(index + 1).collect();
        release.resize(index + 1, 0);
        release[index] = release[index].saturating_add(1);
        Ver { release, pre: Some(Vec::new()) }
    }

    /// Below every pre-release of this release, when it has none itself.
    #[must_use]
    pub fn floor(&self) -> Ver {
        match self.pre {
            Some(_) => self.clone(),
            None => Ver { release: self.release.clone(), pre: Some(Vec::new()) },
        }
    }
}

impl Ord for Ver {
    fn cmp(&self, other: &Ver) -> Ordering {
        let len = self.release.len().max(other.release.len());
        let at = |v: &Ver, i: usize| v.release.get(i).copied().unwrap_or(0);
        (0..len).map(|i| at(self, i).cmp(&at(other, i))).find(|o| o.is_ne()).unwrap_or_else(|| {
            match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            }
        })
    }
}

impl PartialOrd for Ver {
    fn partial_cmp(&self, other: &Ver) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ver {
    fn eq(&self, other: &Ver) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ver {}

/// One end of an interval; `Open` is unbounded on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    Open,
    Incl(Ver),
    Excl(Ver),
}

/// The versions between two bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub low: Bound,
    pub high: Bound,
}

impl Interval {
    fn contains(&self, v: &Ver) -> bool {
        let above = match &self.low {
            Bound::Open => true,
            Bound::Incl(l) => v >= l,
            Bound::Excl(l) => v > l,
        };
        let below = match &self.high {
            Bound::Open => true,
            Bound::Incl(h) => v <= h,
            Bound::Excl(h) => v < h,
        };
        above && below
    }

    fn is_empty(&self) -> bool {
        match (&self.low, &self.high) {
            (Bound::Incl(l), Bound::Incl(h)) => l > h,
            (Bound::Incl(l) | Bound::Excl(l), Bound::Excl(h))
            | (Bound::Excl(l), Bound::Incl(h)) => l >= h,
            _ => false,
        }
    }

    fn intersect(&self, other: &Interval) -> Option<Interval> {
        let low = tighter(&self.low, &other.low, Ordering::Greater);
        let high = tighter(&self.high, &other.high, Ordering::Less);
        let out = Interval { low, high };
        (!out.is_empty()).then_some(out)
    }

    /// Everything outside: up to two intervals.
    fn complement(&self) -> Vec<Interval> {
        let mut out = Vec::new();
        match &self.low {
            Bound::Open => {}
            Bound::Incl(v) => out.push(Interval { low: Bound::Open, high: Bound::Excl(v.clone()) }),
            Bound::Excl(v) => out.push(Interval { low: Bound::Open, high: Bound::Incl(v.clone()) }),
        }
        match &self.high {
            Bound::Open => {}
            Bound::Incl(v) => out.push(Interval { low: Bound::Excl(v.clone()), high: Bound::Open }),
            Bound::Excl(v) => out.push(Interval { low: Bound::Incl(v.clone()), high: Bound::Open }),
        }
        out
    }
}

/// Of two bounds on one side, the one that lets fewer versions in: for a
/// low end the greater (`want` Greater), for a high end the lesser.
fn tighter(first: &Bound, second: &Bound, want: Ordering) -> Bound {
    let value = |bound: &Bound| match bound {
        Bound::Open => None,
        Bound::Incl(v) | Bound::Excl(v) => Some(v.clone()),
    };
    match (value(first), value(second)) {
        (None, _) => second.clone(),
        (_, None) => first.clone(),
        (Some(one), Some(other)) => {
            let order = one.cmp(&other);
            // At the same version an exclusive end lets fewer in.
            if order == want || (order.is_eq() && matches!(first, Bound::Excl(_))) {
                first.clone()
            } else {
                second.clone()
            }
        }
    }
}

/// A union of intervals: what a constraint allows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Range(pub Vec<Interval>);

impl Range {
    pub fn any() -> Range {
        Range(vec![Interval { low: Bound::Open, high: Bound::Open }])
    }
    pub fn none() -> Range {
        Range(Vec::new())
    }
    pub fn between(low: Bound, high: Bound) -> Range {
        let interval = Interval { low, high };
        if interval.is_empty() { Range::none() } else { Range(vec![interval]) }
    }
    pub fn at_least(v: Ver) -> Range {
        Range::between(Bound::Incl(v), Bound::Open)
    }
    pub fn above(v: Ver) -> Range {
        Range::between(Bound::Excl(v), Bound::Open)
    }
    /// `<v`: a pre-release of `v` is below it, but not meant (npm, PEP 440).
    pub fn below(v: &Ver) -> Range {
        Range::between(Bound::Open, Bound::Excl(v.floor()))
    }
    pub fn at_most(v: Ver) -> Range {
        Range::between(Bound::Open, Bound::Incl(v))
    }
    pub fn exactly(v: Ver) -> Range {
        Range::between(Bound::Incl(v.clone()), Bound::Incl(v))
    }
    /// Every version starting with the `len` first numbers of `v`
    /// (`3.11` is `>=3.11.0 <3.12.0`'s pre-releases).
    pub fn prefix(v: &Ver, len: usize) -> Range {
        if len == 0 {
            return Range::any();
        }
        let low = Ver { release: v.release.clone(), pre: v.pre.clone() };
        Range::between(Bound::Incl(low), Bound::Excl(v.bump(len - 1)))
    }

    pub fn contains(&self, v: &Ver) -> bool {
        self.0.iter().any(|i| i.contains(v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn intersect(&self, other: &Range) -> Range {
        Range(self.0.iter().flat_map(|a| other.0.iter().filter_map(|b| a.intersect(b))).collect())
    }

    #[must_use]
    pub fn union(mut self, other: Range) -> Range {
        self.0.extend(other.0);
        self
    }

    /// What is in `self` and not in `other` (`!=`).
    #[must_use]
    pub fn minus(&self, other: &Range) -> Range {
        other.0.iter().fold(self.clone(), |acc, i| acc.intersect(&Range(i.complement())))
    }
}
