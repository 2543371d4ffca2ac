//! Comparing facts across hosts: version comparators per format, the
//! comparison table against a baseline, the same as value distributions
//! (the fleet layout), and the user's tolerance policy.

pub mod constraint;
pub mod declared;
pub mod fleet;
pub mod matrix;
pub mod policy;
pub mod severity;
pub mod version;
pub mod wording;
