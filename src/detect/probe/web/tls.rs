//! The certificate and the handshake: chain, expiry, names, protocol version.

use time::OffsetDateTime;

use crate::detect::probe::net::Handshake;
use crate::detect::{Finding, Outcome};

/// What a certificate says, for evidence.
#[derive(Debug, Clone)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub self_signed: bool,
}

/// Reads the facts of a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, c) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = c.subject_alternative_name() {
        for n in &ext.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => sans.push(d.to_string()),
                x509_parser::extensions::GeneralName::IPAddress(b) => sans.push(match b.len() {
                    4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
                    _ => format!(
                        "IP {}",
                        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                    ),
                }),
                _ => {}
            }
        }
    }
    let ts = |t: i64| OffsetDateTime::from_unix_timestamp(t).ok();
    Some(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        sans,
        not_before: ts(c.validity().not_before.timestamp())?,
        not_after: ts(c.validity().not_after.timestamp())?,
        self_signed: c.subject().as_raw() == c.issuer().as_raw(),
    })
}

fn ymd(t: OffsetDateTime) -> String {
    crate::util::dates::format_date(t.date())
}

/// The TLS items from a handshake.
pub fn judge_tls(h: &Handshake, now: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let info = h.chain.first().and_then(|c| cert_info(c));
    let facts = info.as_ref().map_or_else(
        || "no readable certificate".to_string(),
        |i| {
            format!(
                "subject {}, issuer {}, SANs {}, expires {}; chain of {}",
                i.subject,
                i.issuer,
                if i.sans.is_empty() {
                    "none".into()
                } else {
                    i.sans.join(", ")
                },
                ymd(i.not_after),
                h.chain.len()
            )
        },
    );
    out.push(match &h.verdict {
        Ok(()) => Finding::new("tls.cert_valid", Outcome::Pass, format!("trusted, and a SAN matches the host: {facts}")),
        Err(why) => {
            let why = if info.as_ref().is_some_and(|i| i.self_signed) {
                format!("self-signed ({why})")
            } else {
                why.clone()
            };
            Finding::new("tls.cert_valid", Outcome::Fail, format!("{why}: {facts}"))
                .fix("Serve a certificate from a trusted CA (e.g. Let's Encrypt) for every production name, with its full chain.")
        }
    });
    out.push(match &info {
        None => Finding::new(
            "tls.cert_expiry",
            Outcome::Unknown,
            "no readable certificate",
        ),
        Some(i) if i.not_before > now => Finding::new(
            "tls.cert_expiry",
            Outcome::Fail,
            format!("not valid before {}: {facts}", ymd(i.not_before)),
        ),
        Some(i) => {
            let days = (i.not_after - now).whole_days();
            if i.not_after <= now {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Fail,
                    format!("expired on {}", ymd(i.not_after)),
                )
                .fix("Renew the certificate now, and automate renewal.")
            } else if days < 30 {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Warn,
                    format!("expires {} ({days} days left, under 30)", ymd(i.not_after)),
                )
                .fix("Renew soon, and automate renewal.")
            } else {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Pass,
                    format!("expires {} ({days} days left)", ymd(i.not_after)),
                )
            }
        }
    });
    out.push(match h.version.as_deref() {
        Some(v @ ("TLS 1.3" | "TLS 1.2")) => Finding::new(
            "tls.protocols",
            Outcome::Pass,
            format!("HTTPS answers; negotiated {v} (TLS 1.0/1.1 not tried: this client does not speak them)"),
        ),
        Some(v) => Finding::new("tls.protocols", Outcome::Fail, format!("negotiated {v}")),
        None => Finding::new("tls.protocols", Outcome::Unknown, "no protocol version negotiated"),
    });
    out
}
