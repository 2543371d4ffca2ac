//! What the engine knows about a container or an image before the probe
//! runs: whether it exists, whether it runs, which image it is. One
//! bounded `inspect` per target, or one for many local containers
//! (`containers`, read by `read_many`).

use std::collections::BTreeMap;
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

/// What a batch `inspect` prints per container: the name the engine
/// knows it by, its full id, state, image id, reference, and an end mark
/// telling a line cut short.
const MANY_FORMAT: &str = "{{.Name}}\t{{.Id}}\t{{.State.Status}}\t{{.Image}}\t{{.Config.Image}}\t.";

/// Bytes of a batch answer kept per container asked: a line is two ids,
/// a name, a state and a reference, far shorter than this.
const BYTES_PER_CONTAINER: usize = 2 * 1024;

/// `ENGINE container inspect` of all `names` in one process: the state of
/// each the engine answered for, by the name asked. The engine still
/// answers for the others when some are not found (and exits non-zero);
/// a name left out of the result (not found, an id prefix, a line cut
/// short) is for the caller to ask alone, which also says why.
pub fn containers(
    cli: &EngineCli,
    names: &[&str],
    deadline: Instant,
) -> Result<BTreeMap<String, ContainerState>, Failure> {
    let mut args = vec!["container", "inspect", "--format", MANY_FORMAT];
    args.extend_from_slice(names);
    let cap = names.len().saturating_add(1).saturating_mul(BYTES_PER_CONTAINER);
    let answer = cli.ask_up_to(&args, deadline, cap)?;
    Ok(read_many(&answer.text, names))
}

/// The states in a batch answer, by the name asked: a line counts for a
/// name it states exactly (Docker prints `/NAME`) or for the full id it
/// states; lines without their end mark, or with a field missing, count
/// for none. Never by position: the engine leaves out what it did not find.
pub fn read_many(text: &str, names: &[&str]) -> BTreeMap<String, ContainerState> {
    let mut found = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let [name, id, status, image_id, reference, "."] = fields[..] else { continue };
        let name = name.trim().trim_start_matches('/');
        let id = id.trim();
        let Some(status) = field(Some(status)) else { continue };
        for &asked in names {
            if !asked.is_empty() && (asked == name || asked == id) {
                let image = ImageRef {
                    reference: field(Some(reference)),
                    id: field(Some(image_id)),
                    on_host: None,
                };
                found.insert(asked.to_owned(), ContainerState { status: status.clone(), image });
            }
        }
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, id: &str, status: &str) -> String {
        format!("{name}\t{id}\t{status}\tsha256:abc\tlocalhost/app:1\t.")
    }

    #[test]
    fn a_batch_answer_is_read_by_name_never_by_position() {
        let id = "8bc53627c2c8d70a12910f2bd0bbbf34ed063f09bb38081b36fc639f555ec75b";
        // The engine skipped `gone` and answered in its own order; Docker
        // names start with `/`; `b` was asked by its full id.
        let text =
            [line("/c", "1111", "exited"), line("a", "2222", "running"), line("b", id, "running")]
                .join("\n");
        let states = read_many(&text, &["a", "gone", id, "c"]);
        let answered: Vec<&str> = states.keys().map(String::as_str).collect();
        assert_eq!(answered, [id, "a", "c"]);
        assert_eq!(states["a"].status, "running");
        assert_eq!(states["c"].status, "exited");
        assert_eq!(states["a"].image.id.as_deref(), Some("sha256:abc"));
        assert_eq!(states["a"].image.reference.as_deref(), Some("localhost/app:1"));
        assert_eq!(states[id].status, "running");
    }

    #[test]
    fn what_cannot_be_told_apart_counts_for_no_name() {
        // Cut short (no end mark), a field too few, no state, an id prefix
        // (which container it meant is the engine's call: asked alone).
        let text = [
            "a\t2222\trunning\tsha256:abc\tlocalhost/app:1".to_owned(),
            "b\t3333\trunning\t.".to_owned(),
            line("c", "4444", ""),
            line("other", "5555aaaa", "running"),
        ]
        .join("\n");
        assert_eq!(read_many(&text, &["a", "b", "c", "5555"]), BTreeMap::new());
        // Blank image fields (a container of a root file system) are none.
        let states = read_many("d\t6666\trunning\t\t<no value>\t.", &["d"]);
        assert_eq!(states["d"].image, ImageRef { reference: None, id: None, on_host: None });
    }
}
