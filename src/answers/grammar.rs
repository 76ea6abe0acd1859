//! The answer grammar: the first of two walls that keep an answer from
//! changing what a generated file means. Every answer has a strict grammar,
//! checked before anything renders: host names and origins by the `url`
//! parser with IDNA, ports and sizes as numbers, paths as absolute paths
//! of plain characters, names of a small alphabet, free text on one line
//! without control characters. The second wall is
//! [`crate::generate::escape`].

/// Why an answer is refused: the key and what its grammar wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `section.key`.
    pub key: String,
    pub message: String,
}

fn refuse(key: &str, message: String) -> Refusal {
    Refusal {
        key: key.to_string(),
        message: format!("{key}: {message}"),
    }
}

pub(crate) fn shown(v: &str) -> String {
    crate::util::redact::escape_controls(&format!("{v:?}"))
}

/// A host name (IDNA, returned in its ASCII form) or an IP address.
///
/// # Errors
/// Anything the URL host parser refuses, or any character beyond a host's.
pub fn host(key: &str, v: &str) -> Result<String, Refusal> {
    let bad = || {
        refuse(
            key,
            format!("{} is not a host name or IP address", shown(v)),
        )
    };
    if v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/?#@:;{}$\"'\\".contains(c))
    {
        // An IPv6 literal is accepted only in brackets, and only where a
        // port may follow: see [`host_port`].
        return Err(bad());
    }
    match url::Host::parse(v) {
        Ok(url::Host::Domain(d)) => {
            if d.is_empty()
                || d.len() > 253
                || !d
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                || d.split('.')
                    .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-'))
            {
                Err(bad())
            } else {
                Ok(d)
            }
        }
        Ok(url::Host::Ipv4(a)) => Ok(a.to_string()),
        Ok(url::Host::Ipv6(_)) | Err(_) => Err(bad()),
    }
}

/// Where Redis listens: an IP address on loopback or a private network
/// (RFC 1918), never every interface or a public address; `bind` takes
/// addresses, not names.
///
/// # Errors
/// Anything else.
pub fn private_ip(key: &str, v: &str) -> Result<String, Refusal> {
    match host(key, v)?.parse::<std::net::Ipv4Addr>() {
        Ok(ip) if ip.is_loopback() || ip.is_private() => Ok(ip.to_string()),
        _ => Err(refuse(
            key,
            format!(
                "{} must be a loopback or private IPv4 address (127.0.0.1, 10.x, 172.16-31.x, 192.168.x): Redis must not listen on every interface or a public address",
                shown(v)
            ),
        )),
    }
}

/// An nginx version as `nginx -v` prints it: `1.22.1`, `1.26` or `1.27.4`.
///
/// # Errors
/// Anything but two or three dot-separated numbers.
pub fn nginx_version(key: &str, v: &str) -> Result<String, Refusal> {
    let parts: Vec<&str> = v.split('.').collect();
    if (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(v.to_string())
    } else {
        Err(refuse(
            key,
            format!(
                "{} is not an nginx version like 1.22.1 (see nginx -v)",
                shown(v)
            ),
        ))
    }
}

/// True for nginx 1.25.1 and later, where `http2 on;` replaces the
/// deprecated `listen … http2`.
pub fn nginx_has_http2_directive(version: &str) -> bool {
    let n: Vec<u32> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let at = |i: usize| n.get(i).copied().unwrap_or(0);
    (at(0), at(1), at(2)) >= (1, 25, 1)
}

/// DNS resolvers for nginx (`resolver`): one or more IP addresses,
/// space-separated.
///
/// # Errors
/// An empty list, or anything that is not an IP address.
pub fn resolvers(key: &str, v: &str) -> Result<String, Refusal> {
    let list: Vec<&str> = v.split_whitespace().collect();
    if list.is_empty() || list.len() > 8 {
        return Err(refuse(
            key,
            "give one to eight resolver IP addresses, space-separated (e.g. 127.0.0.53)".into(),
        ));
    }
    let mut out = Vec::new();
    for r in list {
        // Written back as `[v6]`, so a checked answer checks again.
        let bare = r
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .unwrap_or(r);
        match bare.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(a)) => out.push(format!("[{a}]")),
            Ok(a) => out.push(a.to_string()),
            Err(_) => {
                return Err(refuse(
                    key,
                    format!(
                        "{} is not an IP address (nginx's resolver takes addresses)",
                        shown(r)
                    ),
                ));
            }
        }
    }
    Ok(out.join(" "))
}

/// `host:port`, with `[v6]:port` for IPv6.
///
/// # Errors
/// A bad host or port.
pub fn host_port(key: &str, v: &str) -> Result<String, Refusal> {
    let bad = || refuse(key, format!("{} is not host:port", shown(v)));
    let (h, p) = v.rsplit_once(':').ok_or_else(bad)?;
    let port = p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?;
    let h = if let Some(inner) = h.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        let ip: std::net::Ipv6Addr = inner.parse().map_err(|_| bad())?;
        format!("[{ip}]")
    } else {
        host(key, h).map_err(|_| bad())?
    };
    Ok(format!("{h}:{port}"))
}

/// An nginx `listen` address: `host:port` (the port alone is a number).
///
/// # Errors
/// A bad address.
pub fn listen(key: &str, v: &str) -> Result<String, Refusal> {
    host_port(key, v).map_err(|_| {
        refuse(
            key,
            format!("{} is not a port or \"address:port\"", shown(v)),
        )
    })
}

/// An `https://host[:port]` origin, normalised (IDNA to ASCII, no slash).
///
/// # Errors
/// Not https, credentials, a path, query or fragment, a development host.
pub fn origin(key: &str, v: &str) -> Result<String, Refusal> {
    let bad = || {
        refuse(
            key,
            format!(
                "{} is not a production https://host[:port] origin",
                shown(v)
            ),
        )
    };
    if v.chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'\\{};$#,".contains(c))
    {
        return Err(bad());
    }
    let u = url::Url::parse(v).map_err(|_| bad())?;
    let plain = u.scheme() == "https"
        && u.username().is_empty()
        && u.password().is_none()
        && u.path() == "/"
        && u.query().is_none()
        && u.fragment().is_none()
        && !v.ends_with('/')
        && matches!(u.host(), Some(url::Host::Domain(_) | url::Host::Ipv4(_)));
    let normal = u.origin().ascii_serialization();
    // Judge the origin as the parser normalised it: 2130706433, 0x7f.1,
    // a full-width "ｌｏｃａｌｈｏｓｔ" or a trailing dot are localhost too.
    let host = u.host_str().unwrap_or("").trim_end_matches('.');
    let local = host == "localhost"
        || host.ends_with(".localhost")
        || matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback() || ip.is_unspecified());
    if !plain
        || local
        || v.ends_with('.')
        || u.host_str().is_some_and(|h| h.ends_with('.'))
        || crate::detect::values::is_dev_origin(v)
        || crate::detect::values::is_dev_origin(&normal)
    {
        return Err(bad());
    }
    Ok(normal)
}

/// An nginx size: digits with an optional k or m (or g).
///
/// # Errors
/// Anything else.
pub fn size(key: &str, v: &str) -> Result<String, Refusal> {
    let digits = v.trim_end_matches(['k', 'K', 'm', 'M', 'g', 'G']);
    // 0 would switch nginx's body size limit off.
    let ok = !digits.is_empty()
        && digits.len() <= 9
        && v.len() - digits.len() <= 1
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.parse::<u64>().is_ok_and(|n| n > 0);
    if ok {
        Ok(v.to_string())
    } else {
        Err(refuse(
            key,
            format!("{} is not a size like 1m, 512k or 1048576", shown(v)),
        ))
    }
}

pub(crate) fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/._-+@=,~%".contains(c)
}

/// An absolute path of plain characters: no whitespace, control
/// characters, quotes, `;`, `{`, `}`, `$`, `#` or `..`.
///
/// # Errors
/// Anything else.
pub fn abs_path(key: &str, v: &str) -> Result<String, Refusal> {
    if v.starts_with('/')
        && v.len() < 4096
        && v.chars().all(path_char)
        && !v.split('/').any(|c| c == "..")
    {
        Ok(v.to_string())
    } else {
        Err(refuse(
            key,
            format!(
                "{} must be an absolute path of letters, digits and / . _ - + @ = , ~ % (no spaces, quotes, ; {{ }} $ # or ..)",
                shown(v)
            ),
        ))
    }
}

/// A path relative to the project, not starting with `-`, without `..`.
///
/// # Errors
/// Anything else.
pub fn rel_path(key: &str, v: &str) -> Result<String, Refusal> {
    if !v.is_empty()
        && !v.starts_with(['/', '-'])
        && v.len() < 1024
        && v.chars().all(path_char)
        && !v.split('/').any(|c| c == ".." || c.is_empty())
    {
        Ok(v.to_string())
    } else {
        Err(refuse(
            key,
            format!(
                "{} must be a path inside the project (letters, digits, / . _ -; not starting with - or /, no ..)",
                shown(v)
            ),
        ))
    }
}

/// A name of lowercase letters, digits, `-` and `_`, starting with a
/// letter or digit (slugs and the Redis ACL user).
///
/// # Errors
/// Anything else.
pub fn word(key: &str, v: &str) -> Result<String, Refusal> {
    ident(key, v, false)
}

/// A slug: a word that starts with a letter, since nginx variables are
/// named after it and `$1…` would be a regex capture.
///
/// # Errors
/// Anything else.
pub fn slug(key: &str, v: &str) -> Result<String, Refusal> {
    let w = word(key, v)?;
    if w.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(w)
    } else {
        Err(refuse(
            key,
            format!(
                "{} must start with a letter (nginx names variables after it)",
                shown(v)
            ),
        ))
    }
}

/// A database name or user: letters, digits, `_` and `-`.
///
/// # Errors
/// Anything else.
pub fn db_ident(key: &str, v: &str) -> Result<String, Refusal> {
    ident(key, v, true)
}

fn ident(key: &str, v: &str, upper: bool) -> Result<String, Refusal> {
    let ok = !v.is_empty()
        && v.len() <= 63
        && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && v.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || c == '-'
                || (upper && c.is_ascii_uppercase())
        });
    if ok {
        Ok(v.to_string())
    } else {
        Err(refuse(
            key,
            format!(
                "{} must be {}letters, digits, - and _ (at most 63), starting with a letter or digit",
                shown(v),
                if upper { "" } else { "lowercase " }
            ),
        ))
    }
}

/// Free text: one line of at most 200 characters, no control characters.
/// The templates escape it for each format.
///
/// # Errors
/// Empty, too long, or control characters (a newline included).
pub fn text(key: &str, v: &str) -> Result<String, Refusal> {
    let t = v.trim();
    if t.is_empty() {
        return Err(refuse(key, "must not be empty".into()));
    }
    if t.chars().count() > 200 {
        return Err(refuse(key, "is longer than 200 characters".into()));
    }
    if let Some(c) = t.chars().find(|c| {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        return Err(refuse(
            key,
            format!(
                "holds the control character U+{:04X}; give one line of plain text",
                c as u32
            ),
        ));
    }
    Ok(t.to_string())
}

/// Free text that also goes into the env file: [`text`] without `"`, `\`,
/// `$` or a backtick, which env loaders escape or expand differently.
///
/// # Errors
/// As [`text`], or one of those characters.
pub fn env_text(key: &str, v: &str) -> Result<String, Refusal> {
    let t = text(key, v)?;
    if let Some(c) = t.chars().find(|c| matches!(c, '"' | '\\' | '$' | '`')) {
        return Err(refuse(
            key,
            format!("holds {c:?}, which env-file loaders read differently; leave it out"),
        ));
    }
    Ok(t)
}

/// A security contact: an e-mail address, or an https:// URL.
///
/// # Errors
/// Anything else.
pub fn contact(key: &str, v: &str) -> Result<String, Refusal> {
    let t = text(key, v)?;
    let email = t.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+_-".contains(c))
            && host(key, domain).is_ok()
            && domain.contains('.')
    });
    let web = url::Url::parse(&t).is_ok_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some()
            && u.username().is_empty()
            && t.chars().all(|c| c.is_ascii_graphic())
    });
    if email || web {
        Ok(t)
    } else {
        Err(refuse(
            key,
            format!("{} is not an e-mail address or an https:// URL", shown(&t)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_by_the_url_parser() {
        assert_eq!(host("k", "API.Example.com").unwrap(), "api.example.com");
        assert_eq!(
            host("k", "bücher.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(host("k", "10.0.0.5").unwrap(), "10.0.0.5");
        for bad in ["a b", "a;b", "a{b", "", "-x.test", "a..b", "x/y", "a$b"] {
            assert!(host("k", bad).is_err(), "{bad}");
        }
    }
}
