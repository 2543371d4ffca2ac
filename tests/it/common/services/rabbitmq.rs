//! A RabbitMQ node of its own: its node name, ports, cookie, data and its own epmd.
//!
//! Erlang nodes find each other through epmd, which RabbitMQ would start as a daemon on
//! 4369 (shared by every node of the machine, and outliving the test). This node gets an
//! epmd of its own on a free port, started in the foreground in the node's process group,
//! so it ends with it. Every path RabbitMQ writes to is in the node's folder; the
//! distribution port listens on loopback only.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::{Server, Shared, address, as_server_user, free_port, give, server_dir, shared, start};

/// RabbitMQ's own start script (Debian's `rabbitmq-server` on PATH insists on root or the rabbitmq user).
const SCRIPT: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// The shared RabbitMQ node.
pub fn rabbitmq() -> &'static Server {
    static SERVER: Shared = OnceLock::new();
    shared(&SERVER, start_rabbitmq)
}

fn start_rabbitmq() -> Result<Server, String> {
    let script = PathBuf::from(SCRIPT);
    if !script.exists() {
        return Err("no RabbitMQ installed (bash scripts/test-deps.sh installs it)".to_owned());
    }
    let dir = server_dir("rabbitmq");
    let plugins = dir.join("enabled_plugins");
    fs::write(&plugins, "[].\n").map_err(|e| format!("write enabled_plugins: {e}"))?;
    give(&plugins);

    let addr = address(26);
    let port = free_port(addr);
    let loopback = address(1);
    let (epmd_port, dist_port) = (free_port(loopback), free_port(addr));
    let node = format!("paritty-{}@localhost", std::process::id());
    let path = |name: &str| dir.join(name).display().to_string();
    let octets = addr.to_string().replace('.', ",");
    let mut server = as_server_user("sh", &dir);
    server
        .arg("-c")
        .arg("epmd -port \"$ERL_EPMD_PORT\" -address 127.0.0.1 & exec \"$0\"")
        .arg(&script)
        .env("ERL_EPMD_PORT", epmd_port.to_string())
        .env("RABBITMQ_NODENAME", node)
        .env("RABBITMQ_NODE_IP_ADDRESS", addr.to_string())
        .env("RABBITMQ_NODE_PORT", port.to_string())
        .env("RABBITMQ_DIST_PORT", dist_port.to_string())
        .env(
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
            // One scheduler, not bound to a core: the node serves one test on a
            // machine whose cores the other tests need.
            format!("+S 1:1 -kernel inet_dist_use_interface {{{octets}}}"),
        )
        .env("RABBITMQ_SCHEDULER_BIND_TYPE", "u")
        .env("RABBITMQ_LOGS", "-")
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", &plugins)
        .env("RABBITMQ_CONF_ENV_FILE", path("rabbitmq-env.conf"))
        .env("RABBITMQ_CONFIG_FILE", path("rabbitmq"))
        .env("RABBITMQ_ADVANCED_CONFIG_FILE", path("advanced.config"))
        .env("RABBITMQ_MNESIA_BASE", path("mnesia"))
        .env("RABBITMQ_LOG_BASE", path("log"))
        .env("RABBITMQ_PID_FILE", path("pid"))
        .env("RABBITMQ_PLUGINS_EXPAND_DIR", path("plugins-expand"))
        .env("RABBITMQ_FEATURE_FLAGS_FILE", path("feature_flags"))
        .env("RABBITMQ_QUORUM_DIR", path("quorum"))
        .env("RABBITMQ_STREAM_DIR", path("stream"))
        .env("ERL_CRASH_DUMP", path("erl_crash.dump"));
    let lifeline = start("rabbitmq", &server, "Server startup complete")?;
    Ok(Server { addr, port, socket: None, program: script, _lifeline: lifeline })
}
