//! Asking the engine what it knows of a container or image that has no
//! shell to probe with: the image's config, and the profile's files copied
//! out (from the container itself, or for an image from a created, never
//! started throwaway container, removed afterwards). `fallback` decides
//! the facts from it.

use std::time::Instant;

use super::engine::EngineCli;
use super::fallback::{Known, files_wanted};
use super::files;
use super::image_config;
use super::throwaway::Throwaway;
use crate::model::Failure;
use crate::profile::Profile;

/// The path given as a never-started container's entry point: `create`
/// wants one where the image states none, and it is never run.
const NEVER_RUN: &str = "/.paritty-never-run";

/// What a no-shell target is.
pub enum Subject<'a> {
    /// A container, and its image (id or reference) when the engine said.
    Container { name: &'a str, image: Option<&'a str> },
    /// An image, by reference.
    Image { reference: &'a str, run_args: &'a [String] },
}

/// What the engine knows without a shell; a failure only when not even
/// the image's config could be read.
pub fn ask(
    cli: &EngineCli,
    subject: &Subject<'_>,
    profile: &Profile,
    deadline: Instant,
    max_bytes: usize,
) -> Result<Known, Failure> {
    let wanted = files_wanted(profile);
    let mut known = Known::default();
    match subject {
        Subject::Container { name, image } => {
            if let Some(image) = image {
                known.config = image_config::of_container(cli, name, image, deadline)?;
            }
            for path in wanted {
                let answer = files::read(cli, name, &path, deadline, max_bytes);
                known.files.insert(path, answer);
            }
        }
        Subject::Image { reference, run_args } => {
            known.config = image_config::of_image(cli, reference, deadline)?;
            if wanted.is_empty() {
                return Ok(known);
            }
            let Some(container) = Throwaway::new(cli) else {
                known.files_unavailable = Some("paritty is being interrupted".into());
                return Ok(known);
            };
            let mut args: Vec<&str> = vec!["create", "--pull", "never", "--network", "none"];
            args.extend(["--name", &container.name]);
            args.extend(run_args.iter().map(String::as_str));
            args.extend(["--entrypoint", NEVER_RUN, reference]);
            match cli.ask(&args, deadline) {
                Ok(answer) if answer.ok => {
                    for path in wanted {
                        let answer = files::read(cli, &container.name, &path, deadline, max_bytes);
                        known.files.insert(path, answer);
                    }
                }
                Ok(answer) => {
                    let said = super::fault::first_line(&answer.complaint);
                    known.files_unavailable = Some(format!("{} create: {said}", cli.name()));
                }
                Err(failure) => known.files_unavailable = Some(failure.message().to_owned()),
            }
            // Dropping the guard removes the created container.
            drop(container);
        }
    }
    Ok(known)
}
