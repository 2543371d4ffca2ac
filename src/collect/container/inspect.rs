//! What the engine knows about a container or an image before the probe
//! runs: whether it exists, whether it runs, which image it is. One
//! bounded `inspect` per target.

use std::time::Instant;

use super::engine::{Ask, EngineCli};
use super::fault;
use crate::model::{Failure, ImageRef};

/// Longest image reference or id kept; engines print far shorter ones.
const MAX_FIELD: usize = 512;

/// A container as its engine described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerState {
    /// `running`, `exited`, `created`, `paused`...
    pub status: String,
    pub image: ImageRef,
}

/// `ENGINE container inspect` of `name`: its state and image. Docker and
/// Podman both know `.State.Status`, `.Image` (the id) and `.Config.Image`
/// (the reference it was started from).
pub fn container(cli: &dyn Ask, name: &str, deadline: Instant) -> Result<ContainerState, Failure> {
    let format = "{{.State.Status}}\t{{.Image}}\t{{.Config.Image}}";
    let answer = cli.ask(&["container", "inspect", "--format", format, name], deadline)?;
    if !answer.ok {
        return Err(fault::classify(cli.name(), name, &answer.complaint));
    }
    // Only the first line: a name matching several objects is not ours.
    let line = answer.text.lines().next().unwrap_or("");
    let mut fields = line.split('\t');
    let status = field(fields.next()).unwrap_or_default();
    let id = field(fields.next());
    let reference = field(fields.next());
    Ok(ContainerState { status, image: ImageRef { reference, id, on_host: None } })
}

/// `ENGINE image inspect` of `reference`: its id, or `not-found` when the
/// image is not in the local store (paritty never pulls).
pub fn image(cli: &EngineCli, reference: &str, deadline: Instant) -> Result<ImageRef, Failure> {
    let answer = cli.ask(&["image", "inspect", "--format", "{{.Id}}", reference], deadline)?;
    if !answer.ok {
        return Err(fault::classify_image(cli.name(), reference, &answer.complaint));
    }
    let id = field(answer.text.lines().next());
    Ok(ImageRef { reference: Some(reference.to_owned()), id, on_host: None })
}

/// One field as the engine printed it: already sanitized, blank or
/// `<no value>` meaning none, capped.
fn field(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    if text.is_empty() || text == "<no value>" {
        return None;
    }
    Some(text.chars().take(MAX_FIELD).collect())
}
