//! Containers and images as targets: the same probe script the SSH transport
//! sends, carried on the stdin of `docker|podman exec -i NAME /bin/sh -s`
//! (here, or over an SSH host's exec channel for its containers) or of a
//! throwaway `run --rm -i` of an image, and read back by the same
//! `probe::frame` and `collect::probed`. Only the engine's CLI is used (no
//! socket API), so whatever the user's `docker`/`podman` reaches, paritty
//! reaches, with the same permissions.

pub mod engine;
pub mod fallback;
pub mod fault;
pub mod files;
pub mod host;
pub mod image_config;
pub mod inspect;
pub mod inspections;
pub mod listing;
pub mod remote;
pub mod remote_command;
pub mod revision_label;
pub mod session;
pub mod tar;
pub mod throwaway;
pub mod without_shell;

pub use engine::Engine;
