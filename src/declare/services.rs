//! Backing-service images: which type of service an image reference runs
//! (`postgres:16-alpine` is PostgreSQL) and the version its tag declares,
//! in the words a `backing.<role>` fact's value uses (`postgresql 16.2`).
//! Official images and the common vendors' ones; anything else (an app's
//! own image, a distribution whose tags count their own releases, such as
//! Confluent's Kafka or TimescaleDB) says nothing and is left out.

use super::images::{reference, substitute, tag_version};

/// Image names (as `images::reference` reads them) and the service type
/// they run, as the running service names itself.
const SERVICES: &[(&str, &str)] = &[
    ("postgres", "postgresql"),
    ("postgis/postgis", "postgresql"),
    ("bitnami/postgresql", "postgresql"),
    ("mysql", "mysql"),
    ("mysql/mysql-server", "mysql"),
    ("bitnami/mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("bitnami/mariadb", "mariadb"),
    ("redis", "redis"),
    ("bitnami/redis", "redis"),
    ("redis/redis-stack", "redis"),
    ("redis/redis-stack-server", "redis"),
    ("valkey/valkey", "valkey"),
    ("bitnami/valkey", "valkey"),
    ("memcached", "memcached"),
    ("bitnami/memcached", "memcached"),
    ("rabbitmq", "rabbitmq"),
    ("bitnami/rabbitmq", "rabbitmq"),
    ("mongo", "mongodb"),
    ("bitnami/mongodb", "mongodb"),
    ("elasticsearch", "elasticsearch"),
    ("docker.elastic.co/elasticsearch/elasticsearch", "elasticsearch"),
    ("bitnami/elasticsearch", "elasticsearch"),
    ("opensearchproject/opensearch", "opensearch"),
    ("bitnami/opensearch", "opensearch"),
    ("apache/kafka", "kafka"),
    ("bitnami/kafka", "kafka"),
];

/// What an image's tag says of the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// A version or its prefix (`16`, `7.2.4`).
    Version(String),
    /// A name for a version chosen elsewhere, or none that can be read
    /// offline: why (`latest`, no tag, a digest only, a variable).
    NotJudged(String),
}

/// A backing service an image runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceImage {
    /// `postgresql`, `redis`, ... as in a `backing.*` value.
    pub service: &'static str,
    pub tag: Tag,
}

/// The service `text` (an image reference as a compose file writes it)
/// runs, if it is a known one. `${VAR:-default}` reads as its default
/// (what the file gives when nothing else is set); a variable without a
/// default leaves the version unread. Nothing is evaluated.
pub fn service_image(text: &str) -> Option<ServiceImage> {
    let text = substitute(text.trim(), &std::collections::BTreeMap::new());
    let image = reference(&text);
    let (_, service) = SERVICES.iter().find(|(name, _)| *name == image.name)?;
    let tag = match image.tag.as_deref() {
        Some(tag) if tag.contains('$') => {
            Tag::NotJudged("its tag is a variable set where compose runs".into())
        }
        Some(tag) => match tag_version(tag) {
            Some(version) => Tag::Version(version.to_owned()),
            None => Tag::NotJudged(format!("`{tag}` names a version chosen elsewhere")),
        },
        None if image.digest => Tag::NotJudged("a digest names no version offline".into()),
        None => Tag::NotJudged("no tag: `latest`, a version chosen elsewhere".into()),
    };
    Some(ServiceImage { service, tag })
}

/// Whether a host's service of type `host` is the type `declared` names.
/// OpenSearch speaks Elasticsearch's protocol, and an app's URL for it
/// (`OPENSEARCH_URL`) names the `elasticsearch` type: the same service.
/// A service that did not answer has only its URL's type, which cannot
/// tell MariaDB from MySQL (`mysql://`) or Valkey from Redis (`redis://`):
/// those are not told apart then (`answered` false).
pub fn same_type(declared: &str, host: &str, answered: bool) -> bool {
    declared == host
        || (declared == "opensearch" && host == "elasticsearch")
        || (!answered && matches!((declared, host), ("mariadb", "mysql") | ("valkey", "redis")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(&'static str, Result<String, String>)> {
        service_image(text).map(|s| {
            let tag = match s.tag {
                Tag::Version(v) => Ok(v),
                Tag::NotJudged(why) => Err(why),
            };
            (s.service, tag)
        })
    }

    #[test]
    fn official_images_and_their_variants() {
        let cases = [
            ("postgres:16-alpine", "postgresql", "16"),
            ("docker.io/library/postgres:16.2-bookworm", "postgresql", "16.2"),
            ("postgis/postgis:16-3.4", "postgresql", "16"),
            ("bitnami/postgresql:15.6.0-debian-12-r7", "postgresql", "15.6.0"),
            ("redis:7.2.4-bookworm", "redis", "7.2.4"),
            ("redis/redis-stack-server:7.2.0-v10", "redis", "7.2.0"),
            ("valkey/valkey:8.0", "valkey", "8.0"),
            ("mysql:8.0", "mysql", "8.0"),
            ("mariadb:11.4", "mariadb", "11.4"),
            ("memcached:1.6.26-alpine", "memcached", "1.6.26"),
            ("rabbitmq:3-management", "rabbitmq", "3"),
            ("rabbitmq:3.13-management-alpine", "rabbitmq", "3.13"),
            ("mongo:7.0", "mongodb", "7.0"),
            ("docker.elastic.co/elasticsearch/elasticsearch:8.13.0", "elasticsearch", "8.13.0"),
            ("opensearchproject/opensearch:2.13.0", "opensearch", "2.13.0"),
            ("apache/kafka:3.7.0", "kafka", "3.7.0"),
            ("postgres:${POSTGRES_VERSION:-16}-alpine", "postgresql", "16"),
            ("${DB_IMAGE:-postgres:15}", "postgresql", "15"),
            (
                "postgres:16@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb",
                "postgresql",
                "16",
            ),
        ];
        for (image, service, version) in cases {
            assert_eq!(read(image), Some((service, Ok(version.to_owned()))), "{image}");
        }
    }

    #[test]
    fn tags_that_name_no_version_are_not_judged() {
        for (image, why) in [
            ("postgres", "no tag"),
            ("redis:latest", "`latest`"),
            ("redis:alpine", "`alpine`"),
            ("postgres:${PG_TAG}", "variable"),
            (
                "postgres@sha256:4aea012537edfad80f98d870a36e6b90b4c09b27be7f4b4759d72db863baeebb",
                "digest",
            ),
        ] {
            let got = read(image);
            assert!(matches!(&got, Some((_, Err(w))) if w.contains(why)), "{image}: {got:?}");
        }
    }

    #[test]
    fn other_images_are_not_backing_services() {
        for image in [
            "ghcr.io/acme/app:1.2",
            "confluentinc/cp-kafka:7.6.1",
            "timescale/timescaledb:2.14.2-pg16",
            "registry.example.com:5000/postgres:16",
            "nginx:1.25",
        ] {
            assert_eq!(read(image), None, "{image}");
        }
    }
}
