//! The shapes of setting values, shared by the detectors and by the
//! answers' grammar so both judge a value the same way: booleans as env
//! files write them, the one parser of ALLOWED_HOSTS, development origins,
//! and AWS names.

/// A boolean as env files write it.
pub fn boolean(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The audit log retention the checklist asks: 7 years, in days. The env
/// rule judges by it and the answers' floor keeps generated files to it.
pub const AUDIT_RETENTION_DAYS: u32 = 2555;

/// The entries of an ALLOWED_HOSTS value, as every loader reads it: a
/// comma-separated list, optionally written as a JSON-style list
/// (`["https://a", "https://b"]`), entries trimmed of spaces and quotes,
/// empty entries dropped.
pub fn allowed_hosts(v: &str) -> Vec<&str> {
    v.trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|e| e.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|e| !e.is_empty())
        .collect()
}

/// The production front-end origins of an ALLOWED_HOSTS value: its
/// `https://` entries that are not development origins, without a
/// trailing slash.
pub fn production_origins(v: &str) -> Vec<String> {
    allowed_hosts(v)
        .into_iter()
        .map(|e| e.trim_end_matches('/'))
        .filter(|e| e.starts_with("https://") && !is_dev_origin(e))
        .map(str::to_string)
        .collect()
}

/// localhost, 127.0.0.1, 0.0.0.0, [::1] (any port, any scheme), or `*`.
pub fn is_dev_origin(entry: &str) -> bool {
    let e = entry.trim();
    if e == "*" || e.contains("*") && !e.contains("*.") {
        return true;
    }
    let host_port = e.split_once("://").map_or(e, |(_, r)| r);
    let host_port = host_port.split('/').next().unwrap_or(host_port);
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "0.0.0.0"
        || h == "::1"
        || h == "::"
}

/// `eu-west-1` and the like.
pub fn is_aws_region(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// A valid S3 bucket name.
pub fn is_bucket_name(v: &str) -> bool {
    (3..=63).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !v.contains("..")
}

/// `arn:aws:iam::<12 digits>:role/<name>`.
pub fn is_role_arn(v: &str) -> bool {
    let Some(rest) = v
        .strip_prefix("arn:aws:iam::")
        .or_else(|| v.strip_prefix("arn:aws-cn:iam::"))
        .or_else(|| v.strip_prefix("arn:aws-us-gov:iam::"))
    else {
        return false;
    };
    let Some((account, role)) = rest.split_once(":role/") else {
        return false;
    };
    account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !role.is_empty()
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_origins() {
        for e in [
            "http://localhost:3000",
            "127.0.0.1",
            "http://0.0.0.0:8000",
            "http://[::1]:8000",
            "*",
            "localhost",
        ] {
            assert!(is_dev_origin(e), "{e}");
        }
        for e in [
            "https://app.optibid.io",
            "api.optibid.io",
            "https://*.optibid.io",
        ] {
            assert!(!is_dev_origin(e), "{e}");
        }
    }

    #[test]
    fn one_parser_of_allowed_hosts() {
        let v = r#"["https://app.acme.test/", 'http://localhost:3000', api.acme.test,, ]"#;
        assert_eq!(
            allowed_hosts(v),
            [
                "https://app.acme.test/",
                "http://localhost:3000",
                "api.acme.test"
            ]
        );
        assert_eq!(production_origins(v), ["https://app.acme.test"]);
        assert!(allowed_hosts(" , ").is_empty());
    }

    #[test]
    fn booleans_as_env_files_write_them() {
        assert_eq!(boolean(" Yes "), Some(true));
        assert_eq!(boolean("off"), Some(false));
        assert_eq!(boolean("maybe"), None);
    }

    #[test]
    fn small_validators() {
        assert!(is_aws_region("eu-west-1") && is_aws_region("us-gov-west-1"));
        assert!(!is_aws_region("europe") && !is_aws_region("eu-west"));
        assert!(is_bucket_name("optibid-backups.eu") && !is_bucket_name("Optibid_Backups"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/optibid-backup"));
        assert!(!is_role_arn("arn:aws:iam::1234:role/x") && !is_role_arn("arn:aws:s3:::bucket"));
    }
}
