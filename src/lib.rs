//! paritty: collect OS, runtime, tool and service versions from machines and
//! show where they diverge (Twelve-Factor dev/prod parity).
//!
//! Data flows one way (ARCHITECTURE.md): profile -> collect -> model (snapshots)
//! -> export/render. Only `collect` touches the world (and `backing::ask`,
//! which talks to the app's services for it).

pub mod backing;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod compare;
pub mod config;
pub mod declare;
pub mod deps;
pub mod examples;
pub mod export;
pub mod fsutil;
pub mod inventory;
pub mod keymap;
pub mod model;
pub mod output;
pub mod probe;
pub mod profile;
pub mod progress;
pub mod prompt;
pub mod target;
pub mod tui;

use std::path::PathBuf;

/// paritty's configuration folder: `PARITTY_CONFIG_DIR`, else
/// `$XDG_CONFIG_HOME/paritty`, else `~/.config/paritty`.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PARITTY_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("paritty"));
    }
    std::env::home_dir().map(|home| home.join(".config").join("paritty"))
}
