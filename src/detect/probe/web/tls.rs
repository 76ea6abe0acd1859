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
    /// The TLS Feature extension asks for status_request ("must-staple",
    /// RFC 7633).
    pub must_staple: bool,
    /// Signed certificate timestamps embedded in the certificate.
    pub scts: usize,
    /// The serial number, as its DER integer's bytes.
    pub serial: Vec<u8>,
}

/// The TLS Feature extension (RFC 7633).
const OID_TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";

/// Whether a TLS Feature value (`SEQUENCE OF INTEGER`) lists
/// status_request (5). Short forms only: the list is a few bytes.
fn lists_status_request(v: &[u8]) -> bool {
    let Some((&0x30, rest)) = v.split_first() else {
        return false;
    };
    let Some((&len, mut items)) = rest.split_first() else {
        return false;
    };
    if len >= 0x80 || usize::from(len) != items.len() {
        return false;
    }
    while let [0x02, n, tail @ ..] = items {
        let n = usize::from(*n);
        let Some(value) = tail.get(..n) else {
            return false;
        };
        if value == [5] {
            return true;
        }
        items = &tail[n..];
    }
    false
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
    let mut must_staple = false;
    let mut scts = 0;
    for e in c.extensions() {
        if e.oid.to_id_string() == OID_TLS_FEATURE {
            must_staple |= lists_status_request(e.value);
        }
        if let x509_parser::extensions::ParsedExtension::SCT(v) = e.parsed_extension() {
            scts += v.len();
        }
    }
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
        must_staple,
        scts,
        serial: c.raw_serial().to_vec(),
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

/// The chain's order: each certificate must certify the one before it
/// (RFC 5246 section 7.4.2; TLS 1.3 tolerates any order, older clients
/// do not). `Err` names the first that does not.
fn chain_order(h: &Handshake) -> Result<(), String> {
    let infos: Vec<Option<CertInfo>> = h.chain.iter().map(|d| cert_info(d)).collect();
    for (i, pair) in infos.windows(2).enumerate() {
        let (Some(child), Some(parent)) = (&pair[0], &pair[1]) else {
            return Err(format!("certificate {} cannot be read", i + 2));
        };
        if child.issuer_der != parent.subject_der {
            return Err(format!(
                "certificate {} ({}) does not issue certificate {} ({}), whose issuer is {}",
                i + 2,
                parent.subject,
                i + 1,
                child.subject,
                child.issuer
            ));
        }
    }
    Ok(())
}

/// OCSP must-staple, stapling, Certificate Transparency and the chain's
/// order, for evidence, with the worst of them as a verdict.
fn certificate_notes(
    h: &Handshake,
    leaf: Option<&CertInfo>,
    now: OffsetDateTime,
) -> (Vec<String>, Option<Finding>) {
    let id = "tls.cert_valid";
    let mut notes = Vec::new();
    let mut worst = None;
    let order = chain_order(h);
    match &order {
        Ok(()) if h.chain.len() > 1 => notes.push("chain in order".to_string()),
        Ok(()) => {}
        Err(why) => notes.push(format!("chain out of order: {why}")),
    }
    let stapled = !h.ocsp.is_empty();
    let Some(leaf) = leaf else {
        return (notes, None);
    };
    use super::ocsp::Stapled;
    let said = stapled.then(|| super::ocsp::read(&h.ocsp, &leaf.serial));
    let what = match &said {
        None => String::new(),
        Some(None) => ", which could not be read".into(),
        Some(Some(Stapled::Good { next_update, .. })) => format!(
            ", saying good{} (its signature is not checked)",
            next_update.map_or(String::new(), |n| format!(" until {}", ymd(n)))
        ),
        Some(Some(Stapled::Revoked)) => ", saying REVOKED".into(),
        Some(Some(Stapled::Unknown)) => {
            ", saying the responder does not know the certificate".into()
        }
        Some(Some(Stapled::NotSuccessful(n))) => format!(", an error response (status {n})"),
        Some(Some(Stapled::NoneForThis)) => ", for other certificates, not this one".into(),
    };
    notes.push(match (leaf.must_staple, stapled) {
        (true, true) => format!(
            "must-staple, and an OCSP response of {} bytes stapled{what}",
            h.ocsp.len()
        ),
        (true, false) => {
            "must-staple (TLS Feature status_request), but no OCSP response stapled".into()
        }
        (false, true) => format!("OCSP response of {} bytes stapled{what}", h.ocsp.len()),
        (false, false) => "no OCSP response stapled".into(),
    });
    let staple_problem = match &said {
        Some(Some(Stapled::Revoked)) => Some((
            Outcome::Fail,
            "the stapled OCSP response says the certificate is revoked".to_string(),
        )),
        Some(Some(Stapled::Good {
            next_update: Some(n),
            ..
        })) if *n < now => Some((
            Outcome::Warn,
            format!(
                "the stapled OCSP response is stale (next update {}): clients that check it refuse the connection",
                ymd(*n)
            ),
        )),
        // Without a next update, a response a week old is stale.
        Some(Some(Stapled::Good {
            this_update,
            next_update: None,
        })) if *this_update + time::Duration::days(7) < now => Some((
            Outcome::Warn,
            format!(
                "the stapled OCSP response is from {} and names no next update: clients take it as stale",
                ymd(*this_update)
            ),
        )),
        Some(Some(Stapled::Good { .. })) | None => None,
        Some(_) => Some((
            Outcome::Warn,
            format!("the stapled OCSP response does not vouch for the certificate{what}"),
        )),
    };
    notes.push(match (h.public, leaf.scts) {
        (true, 0) => "publicly trusted, and no SCT in the certificate".into(),
        (true, n) => format!("publicly trusted, {n} SCT(s) in the certificate"),
        (false, n) => format!(
            "not publicly trusted, so Certificate Transparency does not apply ({n} SCT(s) in the certificate)"
        ),
    });
    if let Some((outcome, why)) = staple_problem {
        worst = Some(
            Finding::new(id, outcome, why)
                .fix("Staple a fresh response for a valid certificate (nginx: ssl_stapling on; ssl_stapling_verify on; with a resolver), and replace a revoked certificate now."),
        );
    } else if leaf.must_staple && !stapled {
        worst = Some(
            Finding::new(id, Outcome::Fail, "the certificate demands OCSP stapling (must-staple), but the server staples no OCSP response: Firefox refuses the connection")
                .fix("Turn stapling on (nginx: ssl_stapling on; ssl_stapling_verify on; with a resolver, or ssl_stapling_file), or reissue the certificate without must-staple."),
        );
    } else if let Err(why) = &order {
        worst = Some(
            Finding::new(id, Outcome::Warn, format!("the chain is sent out of order: {why}; TLS 1.2 clients may refuse it"))
                .fix("Send the leaf first, then each intermediate after the certificate it issued (nginx: ssl_certificate fullchain.pem as the CA gives it)."),
        );
    } else if h.public && leaf.scts == 0 {
        worst = Some(
            Finding::new(id, Outcome::Warn, "publicly trusted, but the certificate carries no SCT: Chrome and Safari require Certificate Transparency (SCTs sent in the TLS extension or in a stapled OCSP response are not read by harden)")
                .fix("Use a certificate from a CA that logs to Certificate Transparency and embeds the SCTs (every public CA does today)."),
        );
    }
    (notes, worst)
}

/// `tls.cert_valid`: the verifier's verdict, the key and signature
/// strengths, the chain as sent, must-staple, CT and the chain's order.
fn judge_chain(
    h: &Handshake,
    info: Option<&CertInfo>,
    facts: &str,
    now: OffsetDateTime,
) -> Finding {
    let mut f = judge_verdict(h, info, facts);
    let (notes, worst) = certificate_notes(h, info, now);
    if let Some(w) = worst
        && matches!(
            (f.outcome, w.outcome),
            (Outcome::Pass, _) | (Outcome::Warn, Outcome::Fail)
        )
    {
        f.outcome = w.outcome;
        f.evidence = format!("{}: {facts}", w.evidence);
        f.remediation = w.remediation;
    }
    if !notes.is_empty() {
        f.evidence.push_str(&format!("; {}", notes.join("; ")));
    }
    f
}

fn judge_verdict(h: &Handshake, info: Option<&CertInfo>, facts: &str) -> Finding {
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
    out.push(judge_chain(h, info.as_ref(), &facts, now));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn handshake(public: bool) -> Handshake {
        let key = rcgen::KeyPair::generate().unwrap();
        let c = rcgen::CertificateParams::new(vec!["api.example.com".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        Handshake {
            version: Some("TLS 1.3".into()),
            chain: vec![c.der().clone()],
            verdict: Ok(()),
            ocsp: Vec::new(),
            public,
        }
    }

    /// A publicly trusted certificate without SCTs warns; the same
    /// certificate trusted only through --ca-file does not need them.
    #[test]
    fn certificate_transparency_applies_to_public_certificates_only() {
        let h = handshake(true);
        let info = cert_info(&h.chain[0]).unwrap();
        let (notes, worst) = certificate_notes(&h, Some(&info), OffsetDateTime::now_utc());
        let w = worst.expect("a warning");
        assert_eq!(w.outcome, Outcome::Warn);
        assert!(w.evidence.contains("no SCT"), "{}", w.evidence);
        assert!(notes.contains(&"publicly trusted, and no SCT in the certificate".to_string()));
        let h = handshake(false);
        let (notes, worst) = certificate_notes(&h, Some(&info), OffsetDateTime::now_utc());
        assert!(worst.is_none());
        assert!(
            notes.iter().any(|n| n.starts_with("not publicly trusted")),
            "{notes:?}"
        );
    }

    #[test]
    fn the_tls_feature_list_is_read() {
        assert!(lists_status_request(&[0x30, 3, 2, 1, 5]));
        assert!(lists_status_request(&[0x30, 6, 2, 1, 17, 2, 1, 5]));
        assert!(!lists_status_request(&[0x30, 3, 2, 1, 17]));
        assert!(!lists_status_request(&[0x30, 9, 2, 1, 5]));
        assert!(!lists_status_request(&[0x30]));
        assert!(!lists_status_request(&[]));
    }
}
