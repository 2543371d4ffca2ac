//! Kubernetes pods as targets: the same probe script, carried on the stdin
//! of `kubectl exec -i ... -- /bin/sh -s` and read back by the container
//! transport's session and frames. Only kubectl is used (no API client), so
//! KUBECONFIG, the current context, credentials plugins and RBAC apply as
//! they do for the user's own kubectl.

pub mod fault;
pub mod host;
pub mod inspect;
pub mod names;

pub use host::collect_pod;
