//! Kubernetes' rules for names (RFC 1123 labels and subdomains) and the
//! shape of kubeconfig context names: what a `k8s:` target may name and
//! what paritty passes on to kubectl, whether typed by the user or read
//! from the cluster's JSON, so that nothing can be read as an option.

/// RFC 1123 label, Kubernetes' rule for namespaces and container names.
pub fn is_label(s: &str) -> bool {
    s.len() <= 63 && is_dns(s, false)
}

/// RFC 1123 subdomain, Kubernetes' rule for pod and deployment names.
pub fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && is_dns(s, true)
}

fn is_dns(s: &str, dots: bool) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.starts_with(alnum)
        && s.ends_with(alnum)
        && s.chars().all(|c| alnum(c) || c == '-' || (dots && c == '.'))
}

/// A kubeconfig context is any string to kubectl; the names tools write
/// (`kind-dev`, `gke_project_zone_name`, `admin@cluster`, `minikube`) fit
/// this, and nothing that starts like an option does.
pub fn is_context(s: &str) -> bool {
    s.len() <= 253
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "._@:-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_kubernetes_rules() {
        assert!(is_label(&"a".repeat(63)) && !is_label(&"a".repeat(64)));
        assert!(is_label("web-1") && !is_label("web.1") && !is_label("Web") && !is_label("-c"));
        assert!(is_subdomain("web.v2-0") && !is_subdomain("web.") && !is_subdomain("-web"));
        assert!(is_context("gke_acme_europe-west1_prod") && is_context("admin@prod"));
        assert!(!is_context("--kubeconfig=x") && !is_context("a/b") && !is_context(""));
    }
}
