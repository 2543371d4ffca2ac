//! The fleet layout as a page: a table of the facts with their values and
//! counts, each value a `<details>` whose body lists its hosts (native
//! disclosure: no script, as the page's CSP allows none).

use std::fmt::Write as _;

use super::{FleetDoc, chip, chips, unanswered_chip};
use crate::compare::fleet::OUTLIER_MARK;
use crate::export::html::{esc, footer, head, legend};

/// What the fleet table adds to the page's stylesheet: values side by
/// side, a value's hosts under it when opened, outliers in bold.
const FLEET_STYLE: &str = "table.fleet details.value { display: inline-block; margin: .1rem .4rem .1rem 0; \
padding: .1rem .5rem; vertical-align: top; }\ntable.fleet details.value[open] { display: block; }\n\
.outlier summary, span.outlier { font-weight: 700; }\n.hosts { margin: .25rem 0; overflow-wrap: anywhere; \
font-family: ui-monospace, \"DejaVu Sans Mono\", Menlo, Consolas, monospace; font-size: .85em; }\n";

pub fn fleet(doc: &FleetDoc<'_>) -> String {
    let summary = doc.doc.comparison.summary();
    let mut out = head(&format!("paritty: {summary}")).replacen(
        "</style>\n</head>",
        &format!("{FLEET_STYLE}</style>\n</head>"),
        1,
    );
    out.push_str("<h1>paritty: fleet parity report</h1>\n");
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", esc(&summary));
    let _ = writeln!(out, "<p>{}</p>", esc(&doc.caption()));
    legend(&mut out);
    let rows = doc.rows();
    if rows.is_empty() {
        out.push_str("<p>No differences across the fleet.</p>\n");
    } else {
        out.push_str(
            "<div class=\"scroll\"><table class=\"fleet\">\n<thead><tr><th scope=\"col\">Fact</th>\
             <th scope=\"col\">Values across the fleet, most common first</th></tr></thead>\n<tbody>\n",
        );
        let mut category = None;
        for (row, fleet_row) in &rows {
            if category != Some(row.category.as_str()) {
                category = Some(row.category.as_str());
                let _ = writeln!(
                    out,
                    "<tr class=\"cat\"><th colspan=\"2\" scope=\"colgroup\">{}</th></tr>",
                    esc(&row.category)
                );
            }
            let info = if row.informational { " class=\"info\"" } else { "" };
            let _ = write!(out, "<tr{info}><th scope=\"row\">{}</th><td>", esc(&row.label));
            let d = &fleet_row.all;
            for value in &d.values {
                let mut classes = vec!["value".to_owned()];
                if !row.informational && value.severity != crate::compare::severity::Severity::Equal
                {
                    classes.push(format!("sev-{}", value.severity.as_str()));
                }
                if value.outlier {
                    classes.push("outlier".to_owned());
                }
                let _ = write!(
                    out,
                    "<details class=\"{}\"><summary>{}</summary><p class=\"hosts\">{}</p></details>",
                    classes.join(" "),
                    esc(&chip(row, value)),
                    esc(&doc.names(&value.hosts).join(", "))
                );
            }
            let unanswered = doc.unanswered(d);
            if !unanswered.is_empty() {
                let _ = write!(
                    out,
                    "<details class=\"value sev-unknown\"><summary>{}</summary><p class=\"hosts\">{}</p></details>",
                    esc(&unanswered_chip(unanswered.len())),
                    esc(&doc.names(&unanswered).join(", "))
                );
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
        by_group(&mut out, doc, &rows);
        let _ = writeln!(
            out,
            "<p class=\"legend\"><span class=\"outlier\">{OUTLIER_MARK} outlier</span> · open a value for its hosts</p>"
        );
    }
    let failed = doc.not_collected_lines();
    if !failed.is_empty() {
        out.push_str("<h2>Hosts not collected</h2>\n<ul class=\"failures\">\n");
        for line in failed {
            let _ = writeln!(out, "<li>{}</li>", esc(&line));
        }
        out.push_str("</ul>\n");
    }
    footer(&mut out, doc.doc.redacted);
    out
}

/// A column per group, each cell that group's values, when the hosts fall
/// into more than one group.
fn by_group(
    out: &mut String,
    doc: &FleetDoc<'_>,
    rows: &[(&crate::compare::matrix::Row, &crate::compare::fleet::FleetRow)],
) {
    let headings = doc.group_headings();
    if headings.is_empty() {
        return;
    }
    out.push_str("<h2>By group</h2>\n<div class=\"scroll\"><table class=\"fleet groups\">\n<thead><tr><th scope=\"col\">Fact</th>");
    for heading in &headings {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(heading));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (row, fleet_row) in rows {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc(&row.label));
        for d in &fleet_row.by_group {
            let _ = write!(out, "<td>{}</td>", esc(&chips(doc, row, d).join(" · ")));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}
