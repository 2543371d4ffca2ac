//! Comparing facts across hosts: version comparators per format, the
//! comparison table against a baseline, and the user's tolerance policy.

pub mod backing;
pub mod constraint;
pub mod declared;
pub mod matrix;
pub mod policy;
pub mod severity;
pub mod version;
pub mod wording;
