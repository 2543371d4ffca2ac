//! `ssh_config` syntax as OpenSSH 9.2's `readconf.c` reads it: splitting a line
//! into keyword and arguments, `*`/`?` patterns, `ProxyJump` hops.

use crate::collect::ssh::JumpHop;

const WHITESPACE: &[char] = &[' ', '\t', '\r', '\n'];

/// Every keyword OpenSSH 9.2 (Debian's build, GSSAPI patch included)
/// accepts, plus a few from later releases: a config written for a newer
/// `ssh` should not be refused by the fallback, which has no `ssh` to ask.
#[rustfmt::skip]
pub(super) const KEYWORDS: &[&str] = &[
    "addkeystoagent", "addressfamily", "afstokenpassing", "batchmode", "bindaddress",
    "bindinterface", "canonicaldomains", "canonicalizefallbacklocal", "canonicalizehostname",
    "canonicalizemaxdots", "canonicalizepermittedcnames", "casignaturealgorithms",
    "certificatefile", "challengeresponseauthentication", "channeltimeout", "checkhostip",
    "cipher", "ciphers", "clearallforwardings", "compression", "compressionlevel",
    "connectionattempts", "connecttimeout", "controlmaster", "controlpath", "controlpersist",
    "dsaauthentication", "dynamicforward", "enableescapecommandline", "enablesshkeysign",
    "escapechar", "exitonforwardfailure", "fallbacktorsh", "fingerprinthash",
    "forkafterauthentication", "forwardagent", "forwardx11", "forwardx11timeout",
    "forwardx11trusted", "gatewayports", "globalknownhostsfile", "globalknownhostsfile2",
    "gssapiauthentication", "gssapiclientidentity", "gssapidelegatecredentials",
    "gssapikexalgorithms", "gssapikeyexchange", "gssapirenewalforcesrekey",
    "gssapiserveridentity", "gssapitrustdns", "hashknownhosts", "host",
    "hostbasedacceptedalgorithms", "hostbasedauthentication", "hostbasedkeytypes",
    "hostkeyalgorithms", "hostkeyalias", "hostname", "identitiesonly", "identityagent",
    "identityfile", "identityfile2", "ignoreunknown", "include", "ipqos",
    "kbdinteractiveauthentication", "kbdinteractivedevices", "kerberosauthentication",
    "kerberostgtpassing", "keepalive", "kexalgorithms", "knownhostscommand", "localcommand",
    "localforward", "loglevel", "logverbose", "macs", "match", "nohostauthenticationforlocalhost",
    "numberofpasswordprompts", "obscurekeystroketiming", "passwordauthentication",
    "permitlocalcommand", "permitremoteopen", "pkcs11provider", "port", "preferredauthentications",
    "protocol", "protocolkeepalives", "proxycommand", "proxyjump", "proxyusefdpass",
    "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "pubkeyauthentication", "rekeylimit",
    "refuseconnection", "remotecommand", "remoteforward", "requesttty", "requiredrsasize",
    "revokedhostkeys", "rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication",
    "securitykeyprovider", "sendenv", "serveralivecountmax", "serveraliveinterval",
    "sessiontype", "setenv", "setuptimeout", "skeyauthentication", "smartcarddevice",
    "stdinnull", "streamlocalbindmask", "streamlocalbindunlink", "stricthostkeychecking",
    "syslogfacility", "tag", "tcpkeepalive", "tisauthentication", "tunnel", "tunneldevice",
    "updatehostkeys", "useblacklistedkeys", "useprivilegedport", "user", "userknownhostsfile",
    "userknownhostsfile2", "useroaming", "usersh", "verifyhostkeydns", "visualhostkey",
    "warnweakcrypto", "xauthlocation",
];

/// OpenSSH's `strdelim()`: the next word (up to whitespace, a `"` or one
/// `=`) and the rest with the separators skipped. The rest is `None` at
/// the end of the line; the word is `None` for an unmatched quote.
pub(super) fn strdelim(s: &str) -> (Option<String>, Option<&str>) {
    let Some(at) = s.find(|c: char| WHITESPACE.contains(&c) || c == '"' || c == '=') else {
        return (Some(s.to_string()), None);
    };
    if s[at..].starts_with('"') {
        // The quote is dropped and the word runs to the next one.
        let after = &s[at + 1..];
        return match after.find('"') {
            None => (None, None),
            Some(end) => (
                Some(format!("{}{}", &s[..at], &after[..end])),
                Some(after[end + 1..].trim_start_matches(WHITESPACE)),
            ),
        };
    }
    let by_equals = s[at..].starts_with('=');
    let mut rest = s[at + 1..].trim_start_matches(WHITESPACE);
    if !by_equals && let Some(after) = rest.strip_prefix('=') {
        rest = after.trim_start_matches(WHITESPACE);
    }
    (Some(s[..at].to_string()), Some(rest))
}

/// The lowercased keyword of a line and the raw text of its arguments;
/// `None` for a blank or comment line. The arguments may be empty.
pub(super) fn keyword(line: &str) -> Option<(String, &str)> {
    let (mut word, mut rest) = strdelim(line);
    // Leading whitespace gives an empty first word.
    if word.as_deref() == Some("") {
        (word, rest) = strdelim(rest?);
    }
    let word = word.filter(|w| !w.is_empty() && !w.starts_with('#'))?;
    Some((word.to_ascii_lowercase(), rest.unwrap_or("").trim_start_matches(WHITESPACE)))
}

/// OpenSSH's `argv_split()` with comments: words split on blanks, `"` and
/// `'` quoting, `\` escaping a quote, a backslash or (unquoted) a space, and
/// a word starting with `#` ending the line. `None` for an unclosed quote.
pub(super) fn args(s: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' || chars[i] == '\t' {
            i += 1;
            continue;
        }
        if chars[i] == '#' {
            break;
        }
        let mut word = String::new();
        let mut quote = None;
        while let Some(&c) = chars.get(i) {
            let next = chars.get(i + 1).copied();
            if c == '\\'
                && let Some(n) = next.filter(|&n| {
                    n == '\'' || n == '"' || n == '\\' || (quote.is_none() && n == ' ')
                })
            {
                word.push(n);
                i += 2;
                continue;
            }
            if quote.is_none() && (c == ' ' || c == '\t') {
                break;
            } else if quote.is_none() && (c == '"' || c == '\'') {
                quote = Some(c);
            } else if quote == Some(c) {
                quote = None;
            } else {
                word.push(c);
            }
            i += 1;
        }
        if quote.is_some() {
            return None;
        }
        out.push(word);
    }
    Some(out)
}

/// OpenSSH's `match_pattern()`: `*` is any run of characters, `?` exactly
/// one; case matters.
pub(super) fn matches(text: &str, pattern: &str) -> bool {
    let (t, p): (Vec<char>, Vec<char>) = (text.chars().collect(), pattern.chars().collect());
    let (mut ti, mut pi) = (0, 0);
    // Where the last `*` was and how much of the text it has taken so far.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// OpenSSH's `match_pattern_list() == 1`: a comma-separated list where any
/// matching `!pattern` vetoes and at least one plain pattern must match.
/// `fold` compares case-insensitively (as `match_hostname` does).
pub(super) fn matches_list(text: &str, list: &str, fold: bool) -> bool {
    let text = if fold { text.to_lowercase() } else { text.to_string() };
    let mut positive = false;
    for item in list.split(',') {
        let (negated, pattern) = match item.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, item),
        };
        let pattern = if fold { pattern.to_lowercase() } else { pattern.to_string() };
        if matches(&text, &pattern) {
            if negated {
                return false;
            }
            positive = true;
        }
    }
    positive
}

/// A `ProxyJump` value as OpenSSH's `parse_jump` reads it (text after `#`
/// dropped): `none` is no jump; else comma-separated hops, outermost first,
/// each `[user@]host[:port]` or `ssh://[user@]host[:port]`.
pub fn parse_proxy_jump(value: &str) -> Result<Vec<JumpHop>, String> {
    let value = value.split('#').next().unwrap_or("").trim_end();
    if value.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    value
        .split(',')
        .map(|hop| parse_hop(hop).ok_or_else(|| format!("invalid ProxyJump hop \"{hop}\"")))
        .collect()
}

fn parse_hop(hop: &str) -> Option<JumpHop> {
    let (user, host_port) = if let Some(uri) = hop.strip_prefix("ssh://") {
        // A URI has no path; `user;params@` keeps the user only.
        let (user, host_port) = match uri.split_once('@') {
            Some((user, rest)) => (Some(user.split(';').next().unwrap_or(user)), rest),
            None => (None, uri),
        };
        if host_port.contains('/') {
            return None;
        }
        (user, host_port)
    } else {
        match hop.rsplit_once('@') {
            Some((user, rest)) => (Some(user), rest),
            None => (None, hop),
        }
    };
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host_port.find([':', '/']) {
            Some(at) => (&host_port[..at], Some(&host_port[at + 1..])),
            None => (host_port, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|&p| p != 0)?),
    };
    if host.is_empty() || user == Some("") || host.contains(char::is_whitespace) {
        return None;
    }
    Some(JumpHop { user: user.map(String::from), host: host.to_string(), port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_forms() {
        assert_eq!(keyword("  Port=22"), Some(("port".into(), "22")));
        assert_eq!(keyword("Port = 22"), Some(("port".into(), "22")));
        assert_eq!(keyword("\tUser \"bob\""), Some(("user".into(), "\"bob\"")));
        assert_eq!(keyword("# comment"), None);
        assert_eq!(keyword("   "), None);
        assert_eq!(keyword("Host"), Some(("host".into(), "")));
    }

    #[test]
    fn argument_quoting() {
        assert_eq!(
            args("a \"b c\" d#e # rest"),
            Some(vec!["a".into(), "b c".into(), "d#e".into()])
        );
        assert_eq!(args(r"x\ y 'q''r'"), Some(vec!["x y".into(), "qr".into()]));
        assert_eq!(args("\"open"), None);
    }

    #[test]
    fn patterns() {
        assert!(matches("web1.example", "web?.*"));
        assert!(matches("a", "*"));
        assert!(!matches("A", "a"));
        assert!(matches("abcabd", "*abd"));
        assert!(matches_list("db.prod", "*.prod,!web*", false));
        assert!(!matches_list("web.prod", "*.prod,!web*", false));
        assert!(matches_list("Web", "web", true));
    }

    #[test]
    fn hops() {
        let hops = parse_proxy_jump("a@j1:2201,ssh://b@j2:2202,[::1]:99,j3").expect("valid");
        let got: Vec<_> =
            hops.iter().map(|h| (h.user.as_deref(), h.host.as_str(), h.port)).collect();
        assert_eq!(
            got,
            [
                (Some("a"), "j1", Some(2201)),
                (Some("b"), "j2", Some(2202)),
                (None, "::1", Some(99)),
                (None, "j3", None)
            ]
        );
        assert_eq!(parse_proxy_jump("None"), Ok(Vec::new()));
        assert!(parse_proxy_jump("j1:port").is_err());
        assert!(parse_proxy_jump("ssh://j1/path").is_err());
    }
}
