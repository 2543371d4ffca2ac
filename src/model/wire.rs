//! `HostInfo` as JSON: `transport` a plain word with the container's image
//! beside it, so the Rust side can keep the image inside the transport that
//! has one, and old snapshots (`"local"`, `"ssh"`, no image) still load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{HostInfo, ImageRef, Transport};

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct HostWire {
    name: String,
    address: Option<String>,
    transport: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image_id: Option<String>,
    /// The SSH host whose engine runs the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_host: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Local,
    Ssh,
    Docker,
    Podman,
    Image,
}

impl From<HostInfo> for HostWire {
    fn from(host: HostInfo) -> HostWire {
        let image = host.transport.image().cloned().unwrap_or_default();
        let kind = match host.transport {
            Transport::Local => Kind::Local,
            Transport::Ssh => Kind::Ssh,
            Transport::Docker(_) => Kind::Docker,
            Transport::Podman(_) => Kind::Podman,
            Transport::Image(_) => Kind::Image,
        };
        HostWire {
            name: host.name,
            address: host.address,
            transport: kind,
            image: image.reference,
            image_id: image.id,
            on_host: image.on_host,
            labels: host.labels,
        }
    }
}

impl From<HostWire> for HostInfo {
    fn from(wire: HostWire) -> HostInfo {
        // An image on a local or ssh host means nothing; it is dropped.
        let image =
            Box::new(ImageRef { reference: wire.image, id: wire.image_id, on_host: wire.on_host });
        let transport = match wire.transport {
            Kind::Local => Transport::Local,
            Kind::Ssh => Transport::Ssh,
            Kind::Docker => Transport::Docker(image),
            Kind::Podman => Transport::Podman(image),
            Kind::Image => Transport::Image(image),
        };
        HostInfo { name: wire.name, address: wire.address, transport, labels: wire.labels }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_transports_load_and_containers_carry_their_image() {
        let old = r#"{"name":"a","address":null,"transport":"ssh"}"#;
        let host: HostInfo = serde_json::from_str(old).expect("old form loads");
        assert_eq!(host.transport, Transport::Ssh);

        let host = HostInfo {
            name: "web".into(),
            address: Some("podman:web".into()),
            transport: Transport::Podman(Box::new(ImageRef {
                reference: Some("localhost/app:1".into()),
                id: Some("abc".into()),
                on_host: None,
            })),
            labels: BTreeMap::new(),
        };
        let json = serde_json::to_string(&host).expect("serializes");
        assert_eq!(
            json,
            r#"{"name":"web","address":"podman:web","transport":"podman","image":"localhost/app:1","image_id":"abc","labels":{}}"#
        );
        let back: HostInfo = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, host);
        assert_eq!(back.transport.describe(), "container of localhost/app:1");

        // A container on an SSH host says which.
        let json = r#"{"name":"api","address":null,"transport":"docker","image":"app:1","on_host":"prod-1","labels":{}}"#;
        let host: HostInfo = serde_json::from_str(json).expect("loads");
        assert_eq!(host.transport.describe(), "container of app:1 on prod-1");
        assert_eq!(serde_json::to_string(&host).expect("serializes"), json);
    }
}
