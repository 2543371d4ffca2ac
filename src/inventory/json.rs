//! `ansible-inventory --list` JSON (also what a dynamic inventory script
//! prints): groups with `hosts`, `children` and `vars` (or a bare list of
//! hosts), and each host's variables under `_meta.hostvars`.

use serde_json::{Map, Value};

use super::builder::Builder;
use super::{InventoryError, Vars};

pub(super) fn parse(text: &str, out: &mut Builder) -> Result<(), InventoryError> {
    let top: Value = serde_json::from_str(text)
        .map_err(|e| out.error(Some(e.line()), strip_position(&e.to_string())))?;
    let Value::Object(top) = top else {
        return Err(out.error(None, "an inventory in JSON is an object of groups"));
    };
    for (name, group) in &top {
        if name == "_meta" {
            continue;
        }
        match group {
            Value::Array(hosts) => {
                for host in hosts {
                    let host = text_of(host, &format!("group `{name}`: a host"), out)?;
                    out.host(name, &host, Vars::new())?;
                }
            }
            Value::Object(body) => add(name, body, out)?,
            _ => {
                return Err(
                    out.error(None, format!("group `{name}` is neither an object nor a list"))
                );
            }
        }
    }
    let hostvars = top.get("_meta").and_then(|m| m.get("hostvars"));
    if let Some(Value::Object(hostvars)) = hostvars {
        for (host, vars) in hostvars {
            let Value::Object(vars) = vars else {
                return Err(out.error(None, format!("_meta.hostvars of `{host}` is not an object")));
            };
            // A host with variables but in no group is in `all` all the same.
            if !out.inventory.hosts.contains_key(host) {
                out.host("ungrouped", host, Vars::new())?;
            }
            if let Some((own, _)) = out.inventory.hosts.get_mut(host) {
                own.extend(to_vars(vars));
            }
        }
    }
    Ok(())
}

fn add(name: &str, body: &Map<String, Value>, out: &mut Builder) -> Result<(), InventoryError> {
    out.group(name);
    for (key, value) in body {
        let list = |out: &Builder| match value {
            Value::Array(items) => items
                .iter()
                .map(|i| text_of(i, &format!("group `{name}`: an entry of `{key}`"), out))
                .collect::<Result<Vec<String>, _>>(),
            _ => Err(out.error(None, format!("group `{name}`: `{key}` is not a list"))),
        };
        match key.as_str() {
            "hosts" => {
                for host in list(out)? {
                    out.host(name, &host, Vars::new())?;
                }
            }
            "children" => {
                for child in list(out)? {
                    out.child(name, &child);
                }
            }
            "vars" => {
                let Value::Object(vars) = value else {
                    return Err(out.error(None, format!("group `{name}`: `vars` is not an object")));
                };
                out.group(name).vars.extend(to_vars(vars));
            }
            other => {
                return Err(out.error(
                    None,
                    format!("group `{name}`: `{other}` is not hosts, children or vars"),
                ));
            }
        }
    }
    Ok(())
}

fn text_of(value: &Value, what: &str, out: &Builder) -> Result<String, InventoryError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| out.error(None, format!("{what} is not a string")))
}

fn to_vars(vars: &Map<String, Value>) -> Vars {
    vars.iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Null => Some(String::new()),
                Value::Array(_) | Value::Object(_) => None,
            };
            (k.clone(), v)
        })
        .collect()
}

/// serde_json's message without its ` at line N column M` (the line is given apart).
fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}
