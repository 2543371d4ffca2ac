//! Redaction costs time in proportion to the text: a hostile host's output
//! (64 KiB, the per-fact cap, made of what the redactor looks at) cannot
//! stall an export.

use std::time::{Duration, Instant};

use paritty::export::redact::{Options, Redactor};

/// Far beyond what linear work takes even in a debug build on a busy
/// machine, far below what quadratic work on these texts takes.
const BOUND: Duration = Duration::from_secs(20);

fn hostile(unit: &str) -> String {
    unit.repeat(64 * 1024 / unit.len())
}

#[test]
fn hostile_output_is_redacted_in_linear_time() {
    let units = [
        "a=",
        "x:",
        "a=b",
        "k: \"",
        "s://u:p/",
        "s://u:p@h/",
        "@a",
        "s://a@",
        "s://a:b@c@",
        "?token=x&",
        "-----BEGIN PRIVATE KEY-----",
        "ghp_",
        "ghp_0123456789012345678901234567890123456",
        "glpat-",
        "AKIA",
        "eyJ0123456789.",
    ];
    for unit in units {
        let text = hostile(unit);
        let started = Instant::now();
        let out = Redactor::new(Options::default()).text(&text);
        let took = started.elapsed();
        assert!(took < BOUND, "{unit:?} x {}: {took:?}", text.len() / unit.len());
        assert!(out.len() <= 10 * text.len());
    }
}
