//! Turning what a probe printed into a fact: sanitizing untrusted output,
//! reading `KEY=value` files, and the named parsers.

pub mod frame;
pub mod keyvalue;
pub mod parse;
pub mod sanitize;
pub mod script;
