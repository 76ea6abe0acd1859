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
    /// The public key, for evidence: `RSA 2048 bits`, `EC 256 bits`.
    pub key: String,
    /// What makes the key or signature weak: an RSA key under 2048 bits,
    /// a SHA-1 or MD5 signature.
    pub weak: Vec<String>,
    /// The raw subject and issuer, to find a certificate's issuer in a chain.
    pub subject_der: Vec<u8>,
    pub issuer_der: Vec<u8>,
}

/// Signature algorithms no longer accepted, by OID (RFC 3279, RFC 5758).
const WEAK_SIGNATURES: [(&str, &str); 6] = [
    ("1.2.840.113549.1.1.5", "SHA-1 (sha1WithRSAEncryption)"),
    ("1.3.14.3.2.29", "SHA-1 (sha1WithRSASignature)"),
    ("1.2.840.10045.4.1", "SHA-1 (ecdsa-with-SHA1)"),
    ("1.2.840.10040.4.3", "SHA-1 (dsa-with-sha1)"),
    ("1.2.840.113549.1.1.4", "MD5 (md5WithRSAEncryption)"),
    ("1.2.840.113549.1.1.2", "MD2 (md2WithRSAEncryption)"),
];

/// Bits of an unsigned big-endian integer.
fn bits(be: &[u8]) -> usize {
    let v: &[u8] = match be.iter().position(|b| *b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    (v.len() - 1) * 8 + (8 - v[0].leading_zeros() as usize)
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
    use x509_parser::public_key::PublicKey;
    let mut weak = Vec::new();
    let key = match c.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            let n = bits(rsa.modulus);
            if n < 2048 {
                weak.push(format!("an RSA key of {n} bits (under 2048)"));
            }
            format!("RSA {n} bits")
        }
        Ok(PublicKey::EC(ec)) => {
            let n = ec.key_size();
            if n > 0 && n < 224 {
                weak.push(format!("an EC key of {n} bits (under 224)"));
            }
            format!("EC {n} bits")
        }
        Ok(PublicKey::DSA(_)) => {
            weak.push("a DSA key (not accepted by browsers)".into());
            "DSA".into()
        }
        _ => "an unknown key type".into(),
    };
    let oid = c.signature_algorithm.algorithm.to_id_string();
    if let Some((_, name)) = WEAK_SIGNATURES.iter().find(|(o, _)| *o == oid) {
        weak.push(format!("a signature with {name}"));
    }
    Some(CertInfo {
        key,
        weak,
        subject_der: c.subject().as_raw().to_vec(),
        issuer_der: c.issuer().as_raw().to_vec(),
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

/// What is weak in the chain as sent: the leaf and each intermediate (a
/// self-signed root the server also sends is not used by clients).
fn weaknesses(h: &Handshake) -> Vec<String> {
    let mut out = Vec::new();
    for (i, der) in h.chain.iter().enumerate() {
        let Some(c) = cert_info(der) else { continue };
        if i > 0 && c.self_signed {
            continue;
        }
        for w in &c.weak {
            out.push(if i == 0 {
                w.clone()
            } else {
                format!("{w} on the intermediate {}", c.subject)
            });
        }
    }
    out
}

/// `tls.cert_valid`: the verifier's verdict, the key and signature
/// strengths, the chain as sent.
fn judge_chain(h: &Handshake, info: Option<&CertInfo>, facts: &str) -> Finding {
    let id = "tls.cert_valid";
    let weak = weaknesses(h);
    let self_signed = info.is_some_and(|i| i.self_signed);
    let fix = "Serve a certificate from a trusted CA (e.g. Let's Encrypt) for every production name, with its full chain.";
    if !weak.is_empty() {
        return Finding::new(id, Outcome::Fail, format!("{}: {facts}", weak.join("; ")))
            .fix("Reissue the certificate with an RSA key of at least 2048 bits (or ECDSA P-256) and a SHA-256 signature.");
    }
    match &h.verdict {
        Ok(()) if self_signed => Finding::new(
            id,
            Outcome::Warn,
            format!("self-signed, trusted here only because --ca-file names it; browsers and other clients refuse it: {facts}"),
        )
        .fix(fix),
        Ok(()) => Finding::new(
            id,
            Outcome::Pass,
            format!("trusted, and a SAN matches the host: {facts}"),
        ),
        Err(why) => {
            let missing_intermediate = info.is_some_and(|leaf| {
                !leaf.self_signed
                    && why.starts_with("untrusted")
                    && !h.chain[1..].iter().any(|der| {
                        cert_info(der).is_some_and(|c| c.subject_der == leaf.issuer_der)
                    })
            });
            let why = if self_signed {
                format!("self-signed: no CA vouches for it ({why})")
            } else if missing_intermediate {
                format!(
                    "intermediate certificate not sent: the server sends {} certificate(s) and none is the leaf's issuer ({}), so clients without it cached cannot build the chain",
                    h.chain.len(),
                    info.map(|i| i.issuer.as_str()).unwrap_or("?")
                )
            } else {
                why.clone()
            };
            let fix = if missing_intermediate {
                "Serve the full chain: the leaf followed by its intermediates (nginx: ssl_certificate fullchain.pem)."
            } else {
                fix
            };
            Finding::new(id, Outcome::Fail, format!("{why}: {facts}")).fix(fix)
        }
    }
}

/// The TLS items from a handshake.
pub fn judge_tls(h: &Handshake, now: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let info = h.chain.first().and_then(|c| cert_info(c));
    let facts = info.as_ref().map_or_else(
        || "no readable certificate".to_string(),
        |i| {
            format!(
                "subject {}, issuer {}, {} key, SANs {}, expires {}; chain of {}",
                i.subject,
                i.issuer,
                i.key,
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
    out.push(judge_chain(h, info.as_ref(), &facts));
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
            format!("HTTPS answers; negotiated {v}"),
        ),
        Some(v) => Finding::new("tls.protocols", Outcome::Fail, format!("negotiated {v}")),
        None => Finding::new(
            "tls.protocols",
            Outcome::Unknown,
            "no protocol version negotiated",
        ),
    });
    out
}
