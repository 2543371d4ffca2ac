//! Built-in facts answered locally through sysinfo instead of a command.
//!
//! Each answer is the raw text a shell probe would print for the same
//! question (bytes for memory, a zone name for the time zone), so the
//! profile's parser normalizes local and remote answers the same way.

use std::sync::OnceLock;

use sysinfo::{CpuRefreshKind, System};

use crate::profile::Builtin;

/// Lazily loaded system facts, shared by the collector's threads; sysinfo is
/// only asked for CPU and memory when a profile wants them.
#[derive(Default)]
pub struct LocalSystem {
    hardware: OnceLock<Option<Hardware>>,
}

struct Hardware {
    cpu_model: Option<String>,
    cpu_cores: usize,
    memory_bytes: u64,
}

impl LocalSystem {
    /// The raw answer, or `None` when this platform cannot tell.
    pub fn answer(&self, builtin: Builtin) -> Option<String> {
        let text = match builtin {
            Builtin::OsId => Some(System::distribution_id()),
            Builtin::OsName => System::name().ok(),
            Builtin::OsVersion => System::os_version().ok(),
            Builtin::OsPretty => System::long_os_version().ok(),
            Builtin::KernelRelease => System::kernel_version().ok(),
            Builtin::Arch => Some(System::cpu_arch()),
            Builtin::Hostname => System::host_name().ok(),
            Builtin::CpuModel => self.hardware()?.cpu_model.clone(),
            Builtin::CpuCores => Some(self.hardware()?.cpu_cores.to_string()),
            Builtin::MemoryTotal => Some(self.hardware()?.memory_bytes.to_string()),
            Builtin::Timezone => timezone(),
        }?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }

    fn hardware(&self) -> Option<&Hardware> {
        self.hardware
            .get_or_init(|| {
                let mut system = System::new().ok()?;
                system.refresh_cpu_list(CpuRefreshKind::nothing());
                system.refresh_memory();
                let cpus = system.cpus();
                Some(Hardware {
                    cpu_model: cpus.first().map(|c| c.brand().trim().to_owned()),
                    cpu_cores: cpus.len(),
                    memory_bytes: system.total_memory(),
                })
            })
            .as_ref()
    }
}

/// The IANA zone `/etc/localtime` links to, as `readlink` would show it after
/// `zoneinfo/`.
#[cfg(unix)]
fn timezone() -> Option<String> {
    let target = std::fs::read_link("/etc/localtime").ok()?;
    let target = target.to_string_lossy();
    let (_, zone) = target.split_once("zoneinfo/")?;
    Some(zone.to_owned())
}

#[cfg(not(unix))]
fn timezone() -> Option<String> {
    None
}
