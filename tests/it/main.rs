//! The integration tests, built as one binary: one module per area, sharing `common`.
//!
//! One binary links once instead of once per file. Its tests run as threads of one process,
//! so none may change process-wide state (environment, current folder, signal handlers):
//! each gives its child processes what they need (`Command::env`, `current_dir`) instead.

mod common;

mod accepted;
mod ansible_import;
mod architecture;
mod backing;
mod backing_ask;
mod backing_ask_props;
mod backing_compose;
mod backing_container;
mod backing_ssh;
mod backing_ssh_hostile;
mod check_formats;
mod cli;
mod collect_local;
mod comparators;
mod config_groups;
mod containers;
mod containers_batch;
mod containers_noshell;
mod containers_ssh;
mod declared;
mod deps;
mod deps_git;
mod deps_ruby;
mod diff;
mod examples_shipped;
mod exec_hosts;
mod export_fleet;
mod export_golden;
mod export_html;
mod fleet_hosts;
mod frame_props;
mod hostile_text;
mod inventory;
mod inventory_ssh;
mod known_hosts;
mod kubernetes;
mod limits;
mod out_paths;
mod parsers;
mod probe_bounds;
mod probe_forgery;
mod probe_script;
mod probe_shellcheck;
mod profile_validation;
mod profiles_shipped;
mod properties;
mod pty_harness;
mod readme;
mod redaction;
mod redaction_cost;
mod redaction_props;
mod redaction_ssh;
mod revision;
mod running;
mod snapshot_file;
mod snapshot_out;
mod ssh_auth;
mod ssh_collect;
mod ssh_deadline;
mod ssh_hostile_server;
mod ssh_hostile_tools;
mod ssh_jump;
mod ssh_settings;
mod sshd_harness;
mod tui_fleet;
mod tui_pty;
mod tui_screens;
mod tui_session;
mod tui_state;
mod version_managers;
