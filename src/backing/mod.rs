//! The services an app talks to (databases, caches, queues), asked what they are by speaking their protocols.

pub mod ask;
pub mod secret;
