//! rustls's errors in an operator's words: the alert a server ended the
//! handshake with, by its RFC name and what it usually means, and why a
//! certificate was not trusted.

/// How a handshake failed, as the probes branch on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server sent an alert: its RFC 8446 name and what it means here.
    Alert {
        name: &'static str,
        meaning: &'static str,
    },
    /// The server answered with a protocol version under TLS 1.2.
    OldProtocol,
    /// Anything else, in words.
    Other(String),
}

/// The RFC name of an alert (RFC 8446 section 6, RFC 5246 section 7.2).
pub fn alert_name(code: u8) -> &'static str {
    match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "an unknown alert",
    }
}

/// What an alert from a server usually means for a modern client.
fn alert_meaning(code: u8) -> &'static str {
    match code {
        40 => {
            "no cipher suite, group or signature algorithm in common with a TLS 1.2/1.3 client offering only forward-secret AEAD suites (the server may offer only legacy suites), or the server wants a client certificate or does not serve this name (SNI)"
        }
        70 => "the server speaks neither TLS 1.2 nor TLS 1.3, only older versions",
        71 => "the server requires suites stronger than those offered",
        112 => "the server does not serve this host name (SNI)",
        116 | 42 => "the server requires a client certificate",
        80 => "the server failed internally (often a missing or unreadable certificate or key)",
        _ => "the server refused the handshake",
    }
}

/// A rustls handshake error in words.
pub fn failure(e: &rustls::Error) -> Failure {
    use rustls::PeerIncompatible as P;
    match e {
        rustls::Error::AlertReceived(a) => {
            let code = u8::from(*a);
            if code == 70 {
                return Failure::OldProtocol;
            }
            Failure::Alert {
                name: alert_name(code),
                meaning: alert_meaning(code),
            }
        }
        rustls::Error::PeerIncompatible(P::ServerDoesNotSupportTls12Or13) => Failure::OldProtocol,
        rustls::Error::PeerIncompatible(P::NoCipherSuitesInCommon) => {
            Failure::Other("no cipher suite in common with a modern client".into())
        }
        rustls::Error::InvalidMessage(_)
        | rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => Failure::Other(
            "the server did not answer as TLS does (plain HTTP on this port?)".into(),
        ),
        rustls::Error::InvalidCertificate(_) => Failure::Other(certificate(e)),
        other => Failure::Other(other.to_string()),
    }
}

/// Why a certificate was not trusted, in words.
pub fn certificate(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let rustls::Error::InvalidCertificate(c) = e else {
        return e.to_string();
    };
    match c {
        C::UnknownIssuer => "untrusted: the chain does not lead to a trusted root".into(),
        C::Expired | C::ExpiredContext { .. } => "expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "not valid yet".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "no name in the certificate matches the host".into()
        }
        C::Revoked => "revoked".into(),
        C::BadSignature => "a signature in the chain does not verify".into(),
        C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "signed with an algorithm no longer accepted (SHA-1 or MD5, or a key too small)".into()
        }
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "not issued for server authentication (its extended key usage)".into()
        }
        C::Other(o) => {
            let text = format!("{o:?}");
            if text.contains("CaUsedAsEndEntity") {
                "the server presents a CA certificate as its own (basicConstraints CA:TRUE), not a server certificate".into()
            } else if text.contains("UnsupportedSignatureAlgorithm") {
                "signed with an algorithm no longer accepted (SHA-1 or MD5)".into()
            } else {
                format!("not accepted: {}", o)
            }
        }
        other => format!("not accepted: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::AlertDescription as A;

    #[test]
    fn alerts_are_named_as_the_rfc_names_them() {
        assert_eq!(
            failure(&rustls::Error::AlertReceived(A::ProtocolVersion)),
            Failure::OldProtocol
        );
        let Failure::Alert { name, meaning } =
            failure(&rustls::Error::AlertReceived(A::HandshakeFailure))
        else {
            panic!("an alert")
        };
        assert_eq!(name, "handshake_failure");
        assert!(meaning.contains("client certificate"));
        assert_eq!(
            alert_name(u8::from(A::UnrecognisedName)),
            "unrecognized_name"
        );
    }

    #[test]
    fn certificate_errors_read_as_words() {
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(
            certificate(&e),
            "untrusted: the chain does not lead to a trusted root"
        );
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::InvalidPurpose);
        assert!(certificate(&e).contains("server authentication"));
    }
}
