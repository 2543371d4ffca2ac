//! Backing services the app uses: which ones, and what they answer.

pub mod ask;
pub mod dotenv;
pub mod endpoint;
pub mod roles;
pub mod secret;
