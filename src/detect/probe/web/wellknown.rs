//! The well-known files: security.txt (RFC 9116), its contact and expiry.

use time::OffsetDateTime;

use crate::detect::probe::http::Response;
use crate::detect::probe::net::ProbeError;
use crate::detect::{Finding, Outcome};

/// The security.txt item (RFC 9116: Contact and Expires).
pub fn judge_security_txt(r: &Result<Response, ProbeError>, now: OffsetDateTime) -> Finding {
    let id = "incident.security_txt";
    let r = match r {
        Err(e) => {
            return Finding::new(
                id,
                Outcome::Unknown,
                format!("/.well-known/security.txt: {e}"),
            );
        }
        Ok(r) => r,
    };
    if r.status != 200 {
        return Finding::new(
            id,
            Outcome::Fail,
            format!("/.well-known/security.txt answers {}", r.status),
        )
        .fix("Serve /.well-known/security.txt with Contact: and Expires: lines (RFC 9116).");
    }
    let text = String::from_utf8_lossy(&r.body);
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let contact = field("contact");
    let expires = field("expires");
    match (contact, expires) {
        (None, _) => Finding::new(id, Outcome::Fail, "security.txt has no Contact: line"),
        (Some(c), None) => Finding::new(
            id,
            Outcome::Warn,
            format!("Contact: {c}, but no Expires: line (required by RFC 9116)"),
        ),
        (Some(c), Some(e)) => {
            let parsed =
                OffsetDateTime::parse(&e, &time::format_description::well_known::Rfc3339).ok();
            match parsed {
                Some(t) if t <= now => {
                    Finding::new(id, Outcome::Fail, format!("Contact: {c}; expired on {e}"))
                }
                Some(_) => Finding::new(id, Outcome::Pass, format!("Contact: {c}; Expires: {e}")),
                None => Finding::new(
                    id,
                    Outcome::Warn,
                    format!("Contact: {c}; Expires: {e} is not an RFC 3339 date"),
                ),
            }
        }
    }
}
