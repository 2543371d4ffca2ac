//! Reading what tools and files print, whichever transport brought it:
//! sanitizing untrusted text, reading `KEY=value` files, and the named
//! version parsers that profiles refer to. Knows nothing of profiles or probes.

pub mod flow_depth;
pub mod keyvalue;
pub mod parse;
pub mod sanitize;
