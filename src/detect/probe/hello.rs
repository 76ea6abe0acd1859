//! The first exchange of a TLS handshake, written and read by this code
//! rather than a TLS library: rustls never offers SSLv3, TLS 1.0 or 1.1,
//! nor the weak cipher suites a server may still accept, so asking for
//! them takes a ClientHello built by hand. The answer (a ServerHello or
//! an alert) is parsed with a limit on every length; nothing after it is
//! read and no key is ever exchanged: the connection closes once the
//! server has said what it accepts.

use std::time::Duration;

use super::net::{Net, ProbeError, read_until, send};

/// A protocol version as ClientHello and ServerHello write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
}

impl Version {
    pub const ALL: [Version; 4] = [
        Version::Ssl3,
        Version::Tls10,
        Version::Tls11,
        Version::Tls12,
    ];

    pub fn wire(self) -> u16 {
        match self {
            Version::Ssl3 => 0x0300,
            Version::Tls10 => 0x0301,
            Version::Tls11 => 0x0302,
            Version::Tls12 => 0x0303,
        }
    }

    pub fn from_wire(v: u16) -> Option<Version> {
        Version::ALL.into_iter().find(|x| x.wire() == v)
    }

    pub fn name(self) -> &'static str {
        match self {
            Version::Ssl3 => "SSLv3",
            Version::Tls10 => "TLS 1.0",
            Version::Tls11 => "TLS 1.1",
            Version::Tls12 => "TLS 1.2",
        }
    }
}

/// A cipher suite: its IANA number and its OpenSSL-style name.
pub type Suite = (u16, &'static str);

/// A class of cipher suites offered together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    pub name: &'static str,
    /// Weak: a server that accepts any of them fails `tls.ciphers`.
    pub weak: bool,
    /// The lowest version whose ClientHello may carry the suites.
    pub since: Version,
    pub suites: &'static [Suite],
}

/// The classes, weakest first. Numbers from the IANA TLS cipher suite
/// registry.
pub const CLASSES: &[Class] = &[
    Class {
        name: "NULL or anonymous",
        weak: true,
        since: Version::Ssl3,
        suites: &[
            (0x0001, "NULL-MD5"),
            (0x0002, "NULL-SHA"),
            (0xC010, "ECDHE-RSA-NULL-SHA"),
            (0xC006, "ECDHE-ECDSA-NULL-SHA"),
            (0x0018, "ADH-RC4-MD5"),
            (0x001B, "ADH-DES-CBC3-SHA"),
            (0x0034, "ADH-AES128-SHA"),
            (0x003A, "ADH-AES256-SHA"),
            (0xC018, "AECDH-AES128-SHA"),
            (0xC019, "AECDH-AES256-SHA"),
        ],
    },
    Class {
        name: "EXPORT",
        weak: true,
        since: Version::Ssl3,
        suites: &[
            (0x0003, "EXP-RC4-MD5"),
            (0x0006, "EXP-RC2-CBC-MD5"),
            (0x0008, "EXP-DES-CBC-SHA"),
            (0x0011, "EXP-DHE-DSS-DES-CBC-SHA"),
            (0x0014, "EXP-DHE-RSA-DES-CBC-SHA"),
            (0x0017, "EXP-ADH-RC4-MD5"),
        ],
    },
    Class {
        name: "DES, RC4 or 3DES",
        weak: true,
        since: Version::Ssl3,
        suites: &[
            (0x0004, "RC4-MD5"),
            (0x0005, "RC4-SHA"),
            (0x0009, "DES-CBC-SHA"),
            (0x000A, "DES-CBC3-SHA"),
            (0x0015, "DHE-RSA-DES-CBC-SHA"),
            (0x0016, "DHE-RSA-DES-CBC3-SHA"),
            (0xC007, "ECDHE-ECDSA-RC4-SHA"),
            (0xC008, "ECDHE-ECDSA-DES-CBC3-SHA"),
            (0xC011, "ECDHE-RSA-RC4-SHA"),
            (0xC012, "ECDHE-RSA-DES-CBC3-SHA"),
        ],
    },
    Class {
        name: "static RSA key exchange (no forward secrecy)",
        weak: true,
        since: Version::Ssl3,
        suites: &[
            (0x002F, "AES128-SHA"),
            (0x0035, "AES256-SHA"),
            (0x0041, "CAMELLIA128-SHA"),
            (0x0084, "CAMELLIA256-SHA"),
            (0x003C, "AES128-SHA256"),
            (0x003D, "AES256-SHA256"),
            (0x009C, "AES128-GCM-SHA256"),
            (0x009D, "AES256-GCM-SHA384"),
        ],
    },
    Class {
        name: "CBC with SHA-1",
        weak: true,
        since: Version::Tls10,
        suites: &[
            (0xC009, "ECDHE-ECDSA-AES128-SHA"),
            (0xC00A, "ECDHE-ECDSA-AES256-SHA"),
            (0xC013, "ECDHE-RSA-AES128-SHA"),
            (0xC014, "ECDHE-RSA-AES256-SHA"),
            (0x0033, "DHE-RSA-AES128-SHA"),
            (0x0039, "DHE-RSA-AES256-SHA"),
        ],
    },
    Class {
        name: "obsolete (DSS, static ECDH, IDEA, SEED, anonymous GCM)",
        weak: true,
        since: Version::Tls10,
        suites: &[
            (0x0032, "DHE-DSS-AES128-SHA"),
            (0x0038, "DHE-DSS-AES256-SHA"),
            (0x0013, "DHE-DSS-DES-CBC3-SHA"),
            (0xC004, "ECDH-ECDSA-AES128-SHA"),
            (0xC005, "ECDH-ECDSA-AES256-SHA"),
            (0xC00E, "ECDH-RSA-AES128-SHA"),
            (0xC00F, "ECDH-RSA-AES256-SHA"),
            (0x0007, "IDEA-CBC-SHA"),
            (0x0096, "SEED-SHA"),
            (0x009A, "DHE-RSA-SEED-SHA"),
            (0x00A6, "ADH-AES128-GCM-SHA256"),
            (0x00A7, "ADH-AES256-GCM-SHA384"),
        ],
    },
    Class {
        name: "CBC with SHA-2 (outside Mozilla intermediate)",
        weak: true,
        since: Version::Tls12,
        suites: &[
            (0xC023, "ECDHE-ECDSA-AES128-SHA256"),
            (0xC024, "ECDHE-ECDSA-AES256-SHA384"),
            (0xC027, "ECDHE-RSA-AES128-SHA256"),
            (0xC028, "ECDHE-RSA-AES256-SHA384"),
            (0x0067, "DHE-RSA-AES128-SHA256"),
            (0x006B, "DHE-RSA-AES256-SHA256"),
        ],
    },
    Class {
        name: "Mozilla intermediate",
        weak: false,
        since: Version::Tls12,
        suites: &[
            (0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256"),
            (0xC02F, "ECDHE-RSA-AES128-GCM-SHA256"),
            (0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384"),
            (0xC030, "ECDHE-RSA-AES256-GCM-SHA384"),
            (0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305"),
            (0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305"),
            (0x009E, "DHE-RSA-AES128-GCM-SHA256"),
            (0x009F, "DHE-RSA-AES256-GCM-SHA384"),
            (0xCCAA, "DHE-RSA-CHACHA20-POLY1305"),
        ],
    },
];

/// The name of a suite number, from [`CLASSES`].
pub fn suite_name(id: u16) -> Option<&'static str> {
    CLASSES
        .iter()
        .flat_map(|c| c.suites.iter())
        .find(|(n, _)| *n == id)
        .map(|(_, name)| *name)
}

fn u16be(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends `body` with its length first, in `len_bytes` bytes.
fn with_len(out: &mut Vec<u8>, len_bytes: usize, body: &[u8]) {
    let n = body.len().to_be_bytes();
    out.extend_from_slice(&n[n.len() - len_bytes..]);
    out.extend_from_slice(body);
}

/// A ClientHello record offering `suites` at `version`. `host` goes in
/// the server name extension when it is a DNS name (not an address).
/// SSLv3 hellos carry no extensions.
pub fn client_hello(version: Version, suites: &[u16], host: &str, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    u16be(&mut body, version.wire());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let mut list = Vec::new();
    for s in suites {
        u16be(&mut list, *s);
    }
    // The renegotiation SCSV: servers that check for it find it.
    u16be(&mut list, 0x00FF);
    with_len(&mut body, 2, &list);
    body.extend_from_slice(&[1, 0]); // compression: null only
    if version != Version::Ssl3 {
        let mut ext = Vec::new();
        let is_name = host.parse::<std::net::IpAddr>().is_err()
            && !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if is_name {
            let mut name = vec![0u8]; // host_name
            with_len(&mut name, 2, host.as_bytes());
            let mut list = Vec::new();
            with_len(&mut list, 2, &name);
            u16be(&mut ext, 0x0000);
            with_len(&mut ext, 2, &list);
        }
        // supported_groups: x25519, secp256r1, secp384r1.
        u16be(&mut ext, 0x000A);
        with_len(
            &mut ext,
            2,
            &[0, 8, 0x00, 0x1D, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19],
        );
        // ec_point_formats: uncompressed.
        u16be(&mut ext, 0x000B);
        with_len(&mut ext, 2, &[1, 0]);
        if version == Version::Tls12 {
            // signature_algorithms: ECDSA and RSA-PSS/PKCS#1 with SHA-256/384, and SHA-1 last.
            let algs: [u16; 14] = [
                0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201,
                0x0203, 0x0402, 0x0202, 0x0101,
            ];
            let mut a = Vec::new();
            for x in algs {
                u16be(&mut a, x);
            }
            let mut v = Vec::new();
            with_len(&mut v, 2, &a);
            u16be(&mut ext, 0x000D);
            with_len(&mut ext, 2, &v);
        }
        with_len(&mut body, 2, &ext);
    }
    let mut hs = vec![1u8]; // client_hello
    with_len(&mut hs, 3, &body);
    let mut rec = vec![0x16];
    // Record version: SSLv3 for an SSLv3 hello, TLS 1.0 otherwise (what
    // clients send for compatibility).
    u16be(
        &mut rec,
        if version == Version::Ssl3 {
            0x0300
        } else {
            0x0301
        },
    );
    with_len(&mut rec, 2, &hs);
    rec
}

/// What a server answered a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello: the version and the suite it chose.
    Accepted { version: u16, suite: u16 },
    /// A fatal alert (handshake_failure, protocol_version, …).
    Alert { description: u8 },
    /// The connection closed without an answer.
    Closed,
}

/// Largest TLS record body a peer may send (2^14 plus expansion).
const MAX_RECORD: usize = 16384 + 2048;
/// Bytes read at most before the answer must be known.
const MAX_READ: usize = 4 * MAX_RECORD;

/// Reads the answer from the bytes received so far: `Ok(None)` while it
/// is incomplete.
///
/// # Errors
/// When the bytes are not a TLS answer (wrong record type, a length past
/// its limit, a handshake message other than ServerHello first).
pub fn read_answer(buf: &[u8]) -> Result<Option<Answer>, String> {
    let mut handshake = Vec::new();
    let mut at = 0;
    loop {
        let Some(head) = buf.get(at..at + 5) else {
            return Ok(None);
        };
        let (kind, len) = (head[0], usize::from(u16::from_be_bytes([head[3], head[4]])));
        if head[1] != 0x03 {
            return Err(format!("not a TLS record (version byte {:#04x})", head[1]));
        }
        if len > MAX_RECORD {
            return Err(format!(
                "a record of {len} bytes, past the {MAX_RECORD} TLS allows"
            ));
        }
        let Some(body) = buf.get(at + 5..at + 5 + len) else {
            return Ok(None);
        };
        match kind {
            0x15 => match body {
                // A warning (unrecognized_name before the ServerHello, as
                // some servers send) is not the answer: read on.
                [1, _, ..] => {}
                [_level, description, ..] => {
                    return Ok(Some(Answer::Alert {
                        description: *description,
                    }));
                }
                _ => return Err("an alert record shorter than 2 bytes".into()),
            },
            0x16 => handshake.extend_from_slice(body),
            other => return Err(format!("record type {other} before the ServerHello")),
        }
        at += 5 + len;
        // The first handshake message, once whole.
        if handshake.len() >= 4 {
            if handshake[0] != 2 {
                return Err(format!(
                    "handshake message {} before the ServerHello",
                    handshake[0]
                ));
            }
            let mlen = (usize::from(handshake[1]) << 16)
                | (usize::from(handshake[2]) << 8)
                | usize::from(handshake[3]);
            if mlen > MAX_READ {
                return Err(format!("a ServerHello of {mlen} bytes"));
            }
            if let Some(msg) = handshake.get(4..4 + mlen) {
                return parse_server_hello(msg).map(Some);
            }
        }
        if at >= MAX_READ {
            return Err("no ServerHello in the first records".into());
        }
    }
}

fn parse_server_hello(m: &[u8]) -> Result<Answer, String> {
    let short = || "a ServerHello cut short".to_string();
    if m.len() < 38 {
        return Err(short());
    }
    let version = u16::from_be_bytes([*m.first().ok_or_else(short)?, *m.get(1).ok_or_else(short)?]);
    let sid = usize::from(*m.get(34).ok_or_else(short)?);
    if sid > 32 {
        return Err(format!("a session id of {sid} bytes (32 at most)"));
    }
    let s = m.get(35 + sid..37 + sid).ok_or_else(short)?;
    Ok(Answer::Accepted {
        version,
        suite: u16::from_be_bytes([s[0], s[1]]),
    })
}

/// A ServerHello must choose what was offered: one of the suites, at the
/// version asked or lower (SSLv3 at the least).
fn check_choice(a: Answer, version: Version, suites: &[u16]) -> Result<Answer, ProbeError> {
    if let Answer::Accepted { version: v, suite } = a {
        if !(0x0300..=version.wire()).contains(&v) {
            return Err(ProbeError::Protocol(format!(
                "the server chose version {v:#06x}, which {} did not offer",
                version.name()
            )));
        }
        if !suites.contains(&suite) {
            return Err(ProbeError::Protocol(format!(
                "the server chose suite {suite:#06x}, which was not offered"
            )));
        }
    }
    Ok(a)
}

/// Offers `suites` at `version` to `host:port` and reads the answer, all
/// within the probe's deadline. The connection closes after it.
///
/// # Errors
/// When no connection is made, or the answer cannot be read.
pub async fn offer(
    net: &Net,
    host: &str,
    port: u16,
    version: Version,
    suites: &[u16],
    random: [u8; 32],
) -> Result<Answer, ProbeError> {
    // One deadline for the whole exchange: connect, send and read.
    let deadline: Duration = net.deadline;
    match tokio::time::timeout(deadline, exchange(net, host, port, version, suites, random)).await {
        Ok(r) => r,
        Err(_) => Err(ProbeError::HandshakeTimeout {
            target: format!("{host}:{port}"),
            secs: deadline.as_secs_f32(),
        }),
    }
}

async fn exchange(
    net: &Net,
    host: &str,
    port: u16,
    version: Version,
    suites: &[u16],
    random: [u8; 32],
) -> Result<Answer, ProbeError> {
    let mut s = net
        .tcp(
            host,
            port,
            "a raw ClientHello, to see which protocols and ciphers the server accepts",
        )
        .await?;
    // The whole exchange is bounded by `offer`; the steps' own limits
    // sit past it so that the one deadline is what ends a silent server.
    let deadline: Duration = net.deadline * 2;
    send(
        &mut s,
        &client_hello(version, suites, host, random),
        deadline,
    )
    .await?;
    let mut buf = Vec::new();
    let read = read_until(&mut s, &mut buf, MAX_READ, deadline, |b| {
        !matches!(read_answer(b), Ok(None))
    })
    .await;
    match read {
        // A reset before any byte is how some servers (Schannel) refuse.
        Err(ProbeError::Read(_)) if buf.is_empty() => return Ok(Answer::Closed),
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    match read_answer(&buf) {
        Ok(Some(a)) => check_choice(a, version, suites),
        Ok(None) if buf.is_empty() => Ok(Answer::Closed),
        Ok(None) => Err(ProbeError::Protocol(format!(
            "the answer was cut short after {} bytes",
            buf.len()
        ))),
        Err(why) => Err(ProbeError::Protocol(why)),
    }
}

/// What a server accepted of the raw hellos: each old version offered
/// with every suite it may carry, and each class of suites at TLS 1.2.
pub struct Survey {
    pub versions: Vec<(Version, Result<Answer, ProbeError>)>,
    pub classes: Vec<(&'static Class, Result<Answer, ProbeError>)>,
}

/// Asks every question of [`Survey`] at once: eleven connections, each
/// under the probe's deadline.
pub async fn survey(net: &Net, host: &str, port: u16, nonce: u64) -> Survey {
    let random = |i: u64| {
        let mut r = [0u8; 32];
        let seed = nonce.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(i);
        for (k, b) in r.iter_mut().enumerate() {
            *b = (seed >> ((k % 8) * 8)) as u8 ^ k as u8;
        }
        r
    };
    let old = [Version::Ssl3, Version::Tls10, Version::Tls11];
    let versions = futures_util::future::join_all(old.iter().enumerate().map(|(i, v)| {
        let suites: Vec<u16> = CLASSES
            .iter()
            .filter(|c| c.since <= *v)
            .flat_map(|c| c.suites.iter().map(|s| s.0))
            .collect();
        async move {
            (
                *v,
                offer(net, host, port, *v, &suites, random(i as u64)).await,
            )
        }
    }));
    let classes = futures_util::future::join_all(CLASSES.iter().enumerate().map(|(i, c)| {
        let suites: Vec<u16> = c.suites.iter().map(|s| s.0).collect();
        async move {
            (
                c,
                offer(
                    net,
                    host,
                    port,
                    Version::Tls12,
                    &suites,
                    random(10 + i as u64),
                )
                .await,
            )
        }
    }));
    let (versions, classes) = tokio::join!(versions, classes);
    Survey { versions, classes }
}

/// A version's name from its wire number.
fn version_name(v: u16) -> String {
    match Version::from_wire(v) {
        Some(x) => x.name().to_string(),
        None if v == 0x0304 => "TLS 1.3".into(),
        None => format!("version {v:#06x}"),
    }
}

fn suite_shown(s: u16) -> String {
    suite_name(s).map_or(format!("suite {s:#06x}"), str::to_string)
}

impl Survey {
    /// Old versions the server accepted, with the suite it chose.
    pub fn old_accepted(&self) -> Vec<String> {
        self.versions
            .iter()
            .filter_map(|(v, a)| match a {
                Ok(Answer::Accepted { version, suite }) if *version == v.wire() => {
                    Some(format!("{} ({})", v.name(), suite_shown(*suite)))
                }
                _ => None,
            })
            .collect()
    }

    /// Weak classes the server accepted, with the version and suite:
    /// from the hellos of each class, and the suites the old versions'
    /// hellos got (all of them weak).
    pub fn weak_accepted(&self) -> Vec<String> {
        let class_of = |s: u16| CLASSES.iter().find(|c| c.suites.iter().any(|x| x.0 == s));
        let mut out: Vec<String> = Vec::new();
        let chosen = self
            .classes
            .iter()
            .map(|(_, a)| a)
            .chain(self.versions.iter().map(|(_, a)| a));
        for a in chosen {
            if let Ok(Answer::Accepted { version, suite }) = a
                && let Some(c) = class_of(*suite).filter(|c| c.weak)
            {
                let shown = format!(
                    "{} ({} at {})",
                    c.name,
                    suite_shown(*suite),
                    version_name(*version)
                );
                if !out.contains(&shown) {
                    out.push(shown);
                }
            }
        }
        out
    }

    /// How the hello of the modern suites at TLS 1.2 ended.
    pub fn modern_alert(&self) -> Option<u8> {
        self.classes
            .iter()
            .find(|(c, _)| !c.weak)
            .and_then(|(_, a)| match a {
                Ok(Answer::Alert { description }) => Some(*description),
                _ => None,
            })
    }

    /// The modern suite the server chose at TLS 1.2, if it took one.
    pub fn modern(&self) -> Option<String> {
        self.classes
            .iter()
            .find(|(c, _)| !c.weak)
            .and_then(|(_, a)| match a {
                Ok(Answer::Accepted { version, suite }) => Some(format!(
                    "{} at {}",
                    suite_shown(*suite),
                    version_name(*version)
                )),
                _ => None,
            })
    }

    /// The first question that got no answer (a failed connection or an
    /// answer that is not TLS), as evidence.
    pub fn unanswered(&self) -> Option<String> {
        let v = self
            .versions
            .iter()
            .find_map(|(v, a)| a.as_ref().err().map(|e| format!("{} hello: {e}", v.name())));
        v.or_else(|| {
            self.classes
                .iter()
                .find_map(|(c, a)| a.as_ref().err().map(|e| format!("{} hello: {e}", c.name)))
        })
    }

    /// How each old version's hello was refused, alert named:
    /// "SSLv3 refused (handshake_failure), …".
    pub fn refusals(&self) -> String {
        self.versions
            .iter()
            .map(|(v, a)| match a {
                Ok(Answer::Alert { description }) => format!(
                    "{} refused ({})",
                    v.name(),
                    super::tls_words::alert_name(*description)
                ),
                Ok(Answer::Closed) => format!("{} refused (connection closed)", v.name()),
                Ok(Answer::Accepted { version, .. }) => {
                    format!("{} answered with {}", v.name(), version_name(*version))
                }
                Err(e) => format!("{}: {e}", v.name()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether any TLS 1.2 (or older) suite was accepted at all.
    pub fn any_accepted(&self) -> bool {
        self.classes
            .iter()
            .any(|(_, a)| matches!(a, Ok(Answer::Accepted { .. })))
            || !self.old_accepted().is_empty()
    }
}

/// Mozilla's intermediate TLS 1.2 suites, as nginx writes them.
pub const INTERMEDIATE: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

/// `tls.ciphers` from a survey.
pub fn judge_ciphers(s: &Survey, negotiated: Option<&str>) -> crate::detect::Finding {
    use crate::detect::{Finding, Outcome};
    let id = "tls.ciphers";
    let weak = s.weak_accepted();
    if !weak.is_empty() {
        return Finding::new(id, Outcome::Fail, format!("accepts {}", weak.join("; ")))
            .fix(format!("Offer only forward-secret AEAD suites: nginx ssl_ciphers {INTERMEDIATE}; ssl_prefer_server_ciphers off;"));
    }
    if let Some(why) = s.unanswered() {
        return Finding::new(id, Outcome::Unknown, why);
    }
    let listed: usize = CLASSES
        .iter()
        .filter(|c| c.weak)
        .map(|c| c.suites.len())
        .sum();
    match (s.modern(), negotiated) {
        (Some(m), _) => Finding::new(
            id,
            Outcome::Pass,
            format!(
                "none of the {listed} weak suites harden offers was accepted (NULL, EXPORT, DES/RC4/3DES, static RSA, CBC with SHA-1, DSS/static ECDH/IDEA/SEED, CBC with SHA-2, each class alone); takes {m}"
            ),
        ),
        // TLS 1.3 only: the modern TLS 1.2 hello got protocol_version.
        (None, Some("TLS 1.3")) if s.modern_alert() == Some(70) => Finding::new(
            id,
            Outcome::Pass,
            "TLS 1.3 only: every TLS 1.2 hello is answered protocol_version, and every TLS 1.3 suite is AEAD with forward secrecy",
        ),
        (None, Some(v)) => Finding::new(
            id,
            Outcome::Unknown,
            format!(
                "this client negotiated {v}, but the raw TLS 1.2 hello of modern suites was refused too, so the refusals of weak suites prove nothing"
            ),
        ),
        (None, None) => Finding::new(
            id,
            Outcome::Unknown,
            "no TLS 1.2 suite of any class accepted, and no modern session made",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ServerHello record choosing `suite` at `version`.
    fn server_hello(version: u16, suite: u16) -> Vec<u8> {
        let mut m = Vec::new();
        u16be(&mut m, version);
        m.extend_from_slice(&[7u8; 32]);
        m.push(32);
        m.extend_from_slice(&[9u8; 32]);
        u16be(&mut m, suite);
        m.push(0);
        let mut hs = vec![2u8];
        with_len(&mut hs, 3, &m);
        let mut rec = vec![0x16, 0x03, 0x03];
        with_len(&mut rec, 2, &hs);
        rec
    }

    #[test]
    fn a_client_hello_is_well_formed() {
        let h = client_hello(
            Version::Tls10,
            &[0x002F, 0xC013],
            "api.example.com",
            [1; 32],
        );
        assert_eq!(&h[..3], &[0x16, 0x03, 0x01]);
        let rec_len = usize::from(u16::from_be_bytes([h[3], h[4]]));
        assert_eq!(rec_len, h.len() - 5, "record length");
        assert_eq!(h[5], 1, "client_hello");
        let hs_len = (usize::from(h[6]) << 16) | (usize::from(h[7]) << 8) | usize::from(h[8]);
        assert_eq!(hs_len, h.len() - 9, "handshake length");
        assert_eq!(&h[9..11], &[0x03, 0x01], "client version");
        // session id 0, then 3 suites (two and the SCSV).
        assert_eq!(h[43], 0);
        assert_eq!(&h[44..46], &[0, 6]);
        assert_eq!(&h[46..52], &[0x00, 0x2F, 0xC0, 0x13, 0x00, 0xFF]);
        let text = String::from_utf8_lossy(&h);
        assert!(text.contains("api.example.com"), "server name sent");
        // No server name for an address; no extensions at all for SSLv3.
        let ip = client_hello(Version::Tls12, &[0xC02F], "127.0.0.1", [1; 32]);
        assert!(!String::from_utf8_lossy(&ip).contains("127.0.0.1"));
        let ssl3 = client_hello(Version::Ssl3, &[0x000A], "a.example", [1; 32]);
        assert_eq!(ssl3.len(), 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2, "no extensions");
    }

    #[test]
    fn answers_are_read_whole_or_not_at_all() {
        let sh = server_hello(0x0301, 0x002F);
        for cut in 0..sh.len() {
            assert_eq!(read_answer(&sh[..cut]), Ok(None), "{cut} bytes");
        }
        assert_eq!(
            read_answer(&sh),
            Ok(Some(Answer::Accepted {
                version: 0x0301,
                suite: 0x002F
            }))
        );
        // Split over two records.
        let body = &sh[5..];
        let mut two = vec![0x16, 0x03, 0x03, 0, 10];
        two.extend_from_slice(&body[..10]);
        two.extend_from_slice(&[0x16, 0x03, 0x03]);
        with_len(&mut two, 2, &body[10..]);
        assert_eq!(
            read_answer(&two),
            Ok(Some(Answer::Accepted {
                version: 0x0301,
                suite: 0x002F
            }))
        );
        assert_eq!(
            read_answer(&[0x15, 0x03, 0x03, 0, 2, 2, 70]),
            Ok(Some(Answer::Alert { description: 70 }))
        );
    }

    #[test]
    fn broken_answers_are_refused_with_a_reason() {
        assert!(read_answer(b"HTTP/1.1 400 Bad Request\r\n").is_err());
        assert!(
            read_answer(&[0x16, 0x03, 0x03, 0xFF, 0xFF])
                .unwrap_err()
                .contains("past")
        );
        assert!(
            read_answer(&[0x17, 0x03, 0x03, 0, 1, 0])
                .unwrap_err()
                .contains("record type")
        );
        assert!(
            read_answer(&[0x15, 0x03, 0x03, 0, 1, 2])
                .unwrap_err()
                .contains("alert")
        );
        let mut sh = server_hello(0x0303, 0xC02F);
        sh[5 + 4 + 34] = 200; // session id length
        assert!(read_answer(&sh).unwrap_err().contains("session id"));
        let mut cert_first = server_hello(0x0303, 0xC02F);
        cert_first[5] = 11;
        assert!(
            read_answer(&cert_first)
                .unwrap_err()
                .contains("before the ServerHello")
        );
    }

    #[test]
    fn a_warning_alert_is_read_past_and_a_choice_must_be_offered() {
        // unrecognized_name as a warning, then the ServerHello.
        let mut b = vec![0x15, 0x03, 0x03, 0, 2, 1, 112];
        b.extend_from_slice(&server_hello(0x0303, 0x002F));
        assert_eq!(
            read_answer(&b),
            Ok(Some(Answer::Accepted {
                version: 0x0303,
                suite: 0x002F
            }))
        );
        let a = Answer::Accepted {
            version: 0x0303,
            suite: 0xC02F,
        };
        assert!(
            check_choice(a.clone(), Version::Tls12, &[0x0001]).is_err(),
            "suite not offered"
        );
        assert!(
            check_choice(a.clone(), Version::Tls10, &[0xC02F]).is_err(),
            "version above the offer"
        );
        assert_eq!(check_choice(a.clone(), Version::Tls12, &[0xC02F]), Ok(a));
        let short = [0x16, 0x03, 0x03, 0, 6, 2, 0, 0, 2, 3, 3];
        assert!(read_answer(&short).unwrap_err().contains("cut short"));
    }

    #[test]
    fn every_suite_has_one_name() {
        let mut ids: Vec<u16> = CLASSES
            .iter()
            .flat_map(|c| c.suites.iter().map(|s| s.0))
            .collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "a suite in two classes");
        assert_eq!(suite_name(0x002F), Some("AES128-SHA"));
        assert_eq!(suite_name(0x1301), None);
    }

    #[tokio::test]
    async fn a_scripted_server_is_asked_and_its_answer_read() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let mut got = Vec::new();
            for answer in [
                server_hello(0x0300, 0x000A),
                vec![0x15, 0x03, 0x00, 0, 2, 2, 40],
            ] {
                let (mut s, _) = l.accept().await.unwrap();
                let mut b = [0u8; 4096];
                let n = s.read(&mut b).await.unwrap();
                got.push(b[..n].to_vec());
                s.write_all(&answer).await.unwrap();
            }
            got
        });
        let net = Net {
            connect_to: Vec::new(),
            deadline: Duration::from_secs(5),
            roots: std::sync::Arc::new(rustls::RootCertStore::empty()),
            loopback_only: true,
        };
        let a = offer(&net, "127.0.0.1", port, Version::Ssl3, &[0x000A], [3; 32])
            .await
            .unwrap();
        assert_eq!(
            a,
            Answer::Accepted {
                version: 0x0300,
                suite: 0x000A
            }
        );
        let b = offer(&net, "127.0.0.1", port, Version::Tls10, &[0x0005], [3; 32])
            .await
            .unwrap();
        assert_eq!(b, Answer::Alert { description: 40 });
        let hellos = server.await.unwrap();
        assert_eq!(&hellos[0][9..11], &[0x03, 0x00], "an SSLv3 hello");
        assert_eq!(&hellos[1][9..11], &[0x03, 0x01], "a TLS 1.0 hello");
    }
}
