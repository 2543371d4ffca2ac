//! The remote probe: a profile compiled to one POSIX `sh` script (`script`)
//! and its framed output read back (`frame`).

pub mod frame;
pub mod script;
