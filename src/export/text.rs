//! A snapshot as aligned plain text, grouped by category.

use std::fmt::Write;

use crate::model::{Fact, Snapshot, Status};

/// Categories in the order people read them; others follow alphabetically.
const CATEGORY_ORDER: &[&str] =
    &["System", "Runtimes", "Tools", "Backing services", "Package managers"];

/// Longest value shown before it is cut with an ellipsis.
const MAX_VALUE_WIDTH: usize = 48;

pub fn render(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) · profile {} · {} · {} ms",
        snapshot.host.name,
        transport_name(snapshot),
        snapshot.profile.name,
        snapshot.collected_at,
        snapshot.duration_ms
    );
    let facts = in_reading_order(snapshot);
    let label_width = facts.iter().map(|(id, f)| shown_label(id, f).chars().count()).max();
    let label_width = label_width.unwrap_or(0);
    let cells: Vec<String> = facts.iter().map(|(_, f)| value_cell(f)).collect();
    let value_width = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0);

    let mut current_category: Option<&str> = None;
    for ((id, fact), cell) in facts.iter().zip(&cells) {
        let category = if fact.category.is_empty() { "Other" } else { fact.category.as_str() };
        if current_category != Some(category) {
            let _ = writeln!(out, "\n{category}");
            current_category = Some(category);
        }
        let mut line = format!("  {:label_width$}  {:value_width$}", shown_label(id, fact), cell);
        if let Some(at) = &fact.found_at {
            let _ = write!(line, "  {at}");
        }
        if let Some(origin) = fact.origin {
            let _ = write!(line, "  ({})", origin.tag());
        }
        if let Some(restart) = crate::compare::restart::pending(fact) {
            let _ = write!(line, "  ({})", restart.sentence());
        }
        if !fact.shadowed.is_empty() {
            let _ = write!(line, " (shadows {})", fact.shadowed.join(", "));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let counts = count_statuses(snapshot);
    let _ = writeln!(out, "\n{counts}");
    if let Some(note) = not_observed(snapshot) {
        let _ = writeln!(out, "{note}");
    }
    if let Some(note) = &snapshot.redacted {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// The facts by category (in reading order), then by id.
pub fn in_reading_order(snapshot: &Snapshot) -> Vec<(&String, &Fact)> {
    let mut facts: Vec<(&String, &Fact)> = snapshot.facts.iter().collect();
    facts.sort_by(|(a_id, a), (b_id, b)| {
        category_rank(&a.category)
            .cmp(&category_rank(&b.category))
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| a_id.cmp(b_id))
    });
    facts
}

/// `ssh`, `container of localhost/app:1`, ...
pub fn transport_name(snapshot: &Snapshot) -> String {
    snapshot.host.transport.describe()
}

fn shown_label<'a>(id: &'a str, fact: &'a Fact) -> &'a str {
    if fact.label.is_empty() { id } else { &fact.label }
}

fn value_cell(fact: &Fact) -> String {
    match (&fact.value, fact.status) {
        (Some(v), Status::Ok) => {
            let v = v.replace(['\n', '\t'], " ");
            if v.chars().count() > MAX_VALUE_WIDTH {
                let cut: String = v.chars().take(MAX_VALUE_WIDTH - 1).collect();
                format!("{cut}…")
            } else {
                v
            }
        }
        (_, status) => format!("[{status}]"),
    }
}

/// "3 facts not observed: ..." when some values were known without a
/// probe (a container without a shell), so no reader takes them for
/// observed ones.
pub fn not_observed(snapshot: &Snapshot) -> Option<String> {
    let n = snapshot.facts.values().filter(|f| f.origin.is_some()).count();
    (n > 0).then(|| {
        format!(
            "{n} facts not observed: known from the image config or read from its files without a shell (marked)"
        )
    })
}

fn category_rank(category: &str) -> usize {
    CATEGORY_ORDER.iter().position(|c| *c == category).unwrap_or(CATEGORY_ORDER.len())
}

fn count_statuses(snapshot: &Snapshot) -> String {
    let mut parts = Vec::new();
    for status in Status::ALL {
        let n = snapshot.facts.values().filter(|f| f.status == status).count();
        if n > 0 {
            parts.push(format!("{n} {status}"));
        }
    }
    format!("{} facts: {}", snapshot.facts.len(), parts.join(", "))
}
