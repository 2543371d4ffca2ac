//! Comparing facts across hosts: version comparators per format, the
//! comparison table against a baseline, the same as value distributions
//! (the fleet layout), the user's tolerance policy, and the drift the team
//! has accepted.

pub mod accepted;
pub mod backing;
pub mod constraint;
pub mod declared;
pub mod fleet;
pub mod matrix;
pub mod policy;
pub mod restart;
pub mod revision;
pub mod severity;
pub mod shim;
pub mod version;
pub mod wording;
