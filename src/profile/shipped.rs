//! Profiles embedded in the binary, so paritty works with no files around it.

/// `(name, TOML text)`; `default` first.
pub const SHIPPED: &[(&str, &str)] = &[
    ("default", include_str!("../../profiles/default.toml")),
    ("node-web", include_str!("../../profiles/node-web.toml")),
    ("python-django", include_str!("../../profiles/python-django.toml")),
    ("jvm-service", include_str!("../../profiles/jvm-service.toml")),
    ("cloud-ops", include_str!("../../profiles/cloud-ops.toml")),
];

pub fn find(name: &str) -> Option<&'static str> {
    SHIPPED.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}
