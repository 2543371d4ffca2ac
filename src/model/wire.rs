//! `HostInfo` as JSON: `transport` a plain word with the container's image
//! beside it (and a pod's place, an argv's program), so the Rust side can
//! keep them inside the transport that has them, and old snapshots
//! (`"local"`, `"ssh"`, no image) still load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{HostInfo, ImageRef, Pod, Transport};

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct HostWire {
    name: String,
    address: Option<String>,
    transport: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image_id: Option<String>,
    /// Where a `kubernetes` snapshot was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pod: Option<PodWire>,
    /// The program of an `exec` snapshot's argv (never its arguments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    program: Option<String>,
    /// The SSH host whose engine runs the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_host: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Clone, Serialize, Deserialize)]
struct PodWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    context: Option<String>,
    namespace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deployment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    node: Option<String>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Local,
    Ssh,
    Docker,
    Podman,
    Image,
    Kubernetes,
    Exec,
}

impl From<HostInfo> for HostWire {
    fn from(host: HostInfo) -> HostWire {
        let image = host.transport.image().cloned().unwrap_or_default();
        let (mut pod, mut program) = (None, None);
        let kind = match host.transport {
            Transport::Local => Kind::Local,
            Transport::Ssh => Kind::Ssh,
            Transport::Docker(_) => Kind::Docker,
            Transport::Podman(_) => Kind::Podman,
            Transport::Image(_) => Kind::Image,
            Transport::Kubernetes(p) => {
                let Pod { image: _, context, namespace, pod: name, deployment, container, node } =
                    *p;
                pod = Some(PodWire { context, namespace, name, deployment, container, node });
                Kind::Kubernetes
            }
            Transport::Exec(p) => {
                program = Some(p);
                Kind::Exec
            }
        };
        HostWire {
            name: host.name,
            address: host.address,
            transport: kind,
            image: image.reference,
            image_id: image.id,
            pod,
            program,
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
            Kind::Kubernetes => {
                let pod = wire.pod.unwrap_or_else(|| PodWire {
                    context: None,
                    namespace: String::new(),
                    name: None,
                    deployment: None,
                    container: None,
                    node: None,
                });
                Transport::Kubernetes(Box::new(Pod {
                    image: *image,
                    context: pod.context,
                    namespace: pod.namespace,
                    pod: pod.name,
                    deployment: pod.deployment,
                    container: pod.container,
                    node: pod.node,
                }))
            }
            Kind::Exec => Transport::Exec(wire.program.unwrap_or_default()),
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

    #[test]
    fn pods_and_argvs_say_where_they_are() {
        let host = HostInfo {
            name: "api".into(),
            address: Some("k8s:prod/shop/api-0".into()),
            transport: Transport::Kubernetes(Box::new(Pod {
                image: ImageRef {
                    reference: Some("ghcr.io/acme/api:1.42".into()),
                    ..ImageRef::default()
                },
                context: Some("prod".into()),
                namespace: "shop".into(),
                pod: Some("api-0".into()),
                deployment: None,
                container: Some("api".into()),
                node: Some("node-3".into()),
            })),
            labels: BTreeMap::new(),
        };
        let json = serde_json::to_string(&host).expect("serializes");
        assert_eq!(
            json,
            r#"{"name":"api","address":"k8s:prod/shop/api-0","transport":"kubernetes","image":"ghcr.io/acme/api:1.42","pod":{"context":"prod","namespace":"shop","name":"api-0","container":"api","node":"node-3"},"labels":{}}"#
        );
        let back: HostInfo = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, host);
        assert_eq!(
            back.transport.describe(),
            "container of ghcr.io/acme/api:1.42, pod shop/api-0 on node node-3 (context prod)"
        );

        let host = HostInfo {
            name: "web".into(),
            address: None,
            transport: Transport::Exec("vagrant".into()),
            labels: BTreeMap::new(),
        };
        let json = serde_json::to_string(&host).expect("serializes");
        assert_eq!(
            json,
            r#"{"name":"web","address":null,"transport":"exec","program":"vagrant","labels":{}}"#
        );
        assert_eq!(serde_json::from_str::<HostInfo>(&json).expect("reads back"), host);
        assert_eq!(host.transport.describe(), "exec vagrant");
    }
}
