//! The fleet view at scale, in process: 1,000 generated snapshots of 300
//! facts each (the prod fixture, widened; a few values odd per fact) are
//! parsed, compared and laid out as the fleet, then frames are drawn on
//! ratatui's TestBackend: the fleet view, and for reference the matrix view
//! of the same app. Prints one JSON object of medians (milliseconds) and the
//! peak RSS; `benches/sections/fleet.sh` runs it and writes the table.
//!
//! Usage: cargo bench --bench fleet_frame -- [HOSTS] [FACTS] [FRAMES]

use std::time::{Duration, Instant};

use paritty::compare::policy::Policy;
use paritty::keymap::Keymap;
use paritty::model::HostReport;
use paritty::model::snapshot_file::parse_snapshot;
use paritty::tui::app::{App, Host};
use paritty::tui::update::{Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

const GROUPS: [&str; 3] = ["prod", "staging", "qa"];

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Snapshot texts: the fixture with `facts` facts, host `i`'s values
/// nudged on one fact in ten (seeded by position, so every run is alike).
fn corpus(hosts: usize, facts: usize) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/debian11-prod.json");
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let template = base["facts"]["tool.openssl"].clone();
    (0..hosts)
        .map(|i| {
            let mut snap = base.clone();
            snap["host"]["name"] = Value::from(format!("host-{i:04}"));
            snap["host"]["labels"] = serde_json::json!({ "groups": GROUPS[i % GROUPS.len()] });
            let map = snap["facts"].as_object_mut().expect("facts");
            for f in map.len()..facts {
                let mut fact = template.clone();
                let odd = (i + f) % 97 == 0;
                let value =
                    if odd { format!("1.{}.{}", f % 7, i % 5) } else { format!("3.{}.0", f % 7) };
                fact["value"] = Value::from(value.clone());
                fact["raw"] = Value::from(format!("tool {value}\n"));
                fact["label"] = Value::from(format!("Tool {f:03}"));
                map.insert(format!("tool.synthetic{f:03}"), fact);
            }
            serde_json::to_string(&snap).expect("json")
        })
        .collect()
}

fn frame_times(app: &mut App, frames: usize) -> Vec<Duration> {
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    (0..frames)
        .map(|i| {
            // Move, so each frame draws other rows (as scrolling does).
            update(
                app,
                Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Down)),
            );
            let start = Instant::now();
            terminal.draw(|frame| paritty::tui::view::render(frame, app)).expect("draw");
            let took = start.elapsed();
            if i % 50 == 49 {
                update(
                    app,
                    Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Home)),
                );
            }
            took
        })
        .collect()
}

fn main() {
    let (hosts, facts, frames) = (arg(0, 1000), arg(1, 300), arg(2, 200));
    let texts = corpus(hosts, facts);
    let rss_before = peak_rss_mib();
    let start = Instant::now();
    let reports: Vec<HostReport> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let snapshot = parse_snapshot(text, std::path::Path::new(&format!("host-{i:04}.json")))
                .expect("snapshot");
            HostReport {
                target: snapshot.host.name.clone(),
                snapshot: Some(snapshot),
                failure: None,
            }
        })
        .collect();
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(texts);
    // The app as a session over loaded files starts: every host finished.
    let start = Instant::now();
    let hosts_state: Vec<Host> = reports.into_iter().map(|r| Host::finished(r, false)).collect();
    let mut app = App::new(hosts_state, Policy::default(), "default", Keymap::default());
    update(&mut app, Msg::Resize(200, 50));
    let build_ms = start.elapsed().as_secs_f64() * 1000.0;
    // One more host answering: what each streamed report costs the view.
    let report = app.hosts[1].report.clone().expect("report");
    let start = Instant::now();
    update(
        &mut app,
        Msg::Collect(paritty::collect::events::Event::Finished {
            index: 1,
            report: Box::new(report),
        }),
    );
    let host_answered_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(app.screen, paritty::tui::app::Screen::Fleet, "1,000 hosts open the fleet view");
    let fleet = median(frame_times(&mut app, frames));
    app.fleet_groups = true;
    let groups = median(frame_times(&mut app, frames));
    app.fleet_groups = false;
    app.screen = paritty::tui::app::Screen::Matrix;
    app.layout_chosen = true;
    let matrix = median(frame_times(&mut app, frames));
    println!(
        "{{\"hosts\": {hosts}, \"facts\": {}, \"frames\": {frames}, \"load_ms\": {load_ms:.0}, \
         \"build_ms\": {build_ms:.0}, \"host_answered_ms\": {host_answered_ms:.1}, \
         \"fleet_frame_ms\": {fleet:.2}, \"fleet_groups_frame_ms\": {groups:.2}, \
         \"matrix_frame_ms\": {matrix:.2}, \"peak_rss_mib\": {:.0}, \"corpus_rss_mib\": {rss_before:.0}}}",
        app.comparison.rows.len(),
        peak_rss_mib()
    );
}
