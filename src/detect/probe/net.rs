//! Connections for the live probes: curl-style `--connect-to` rewriting,
//! TCP with a connect deadline, and TLS through rustls with a verifier that
//! records why a chain is bad instead of aborting, so the probe can still
//! read the certificate and talk HTTP to a server it does not trust.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::tls_words::Failure;

/// `HOST:PORT:ADDR:PORT2`: connect to ADDR:PORT2 whenever HOST:PORT is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub addr: String,
    pub port2: u16,
}

impl FromStr for ConnectTo {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("--connect-to {s:?}: expected HOST:PORT:ADDR:PORT2");
        // ADDR may be a bracketed IPv6 address containing colons.
        let (head, port2) = s.rsplit_once(':').ok_or_else(bad)?;
        let (head, addr) = if let Some(h) = head.strip_suffix(']') {
            let (h, a) = h.rsplit_once('[').ok_or_else(bad)?;
            (h.strip_suffix(':').ok_or_else(bad)?, a.to_string())
        } else {
            let (h, a) = head.rsplit_once(':').ok_or_else(bad)?;
            (h, a.to_string())
        };
        let (host, port) = head.rsplit_once(':').ok_or_else(bad)?;
        if host.is_empty() || addr.is_empty() {
            return Err(bad());
        }
        Ok(ConnectTo {
            host: host.to_ascii_lowercase(),
            port: port.parse().map_err(|_| bad())?,
            addr,
            port2: port2.parse().map_err(|_| bad())?,
        })
    }
}

/// How probes reach the network.
#[derive(Clone)]
pub struct Net {
    pub connect_to: Vec<ConnectTo>,
    /// Deadline of each connect, and of each whole probe.
    pub deadline: Duration,
    pub roots: Arc<RootCertStore>,
    /// Refuse every destination but loopback (tests and demos).
    pub loopback_only: bool,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net")
            .field("connect_to", &self.connect_to)
            .field("deadline", &self.deadline)
            .field("roots", &self.roots.len())
            .finish()
    }
}

/// Why a probe's connection or exchange failed. Its text is what
/// evidence shows; its kind is what verdicts branch on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProbeError {
    /// The address is not loopback and the run is loopback-only.
    #[error("not dialled: {target} is not loopback and HARDEN_LOOPBACK_ONLY is set")]
    NotDialled { target: String },
    #[error("cannot resolve {target}: {why}")]
    Resolve { target: String, why: String },
    #[error("no address for {target}")]
    NoAddress { target: String },
    /// Nothing listens: the server is down or the port is wrong.
    #[error("connection to {target} refused")]
    Refused { target: String },
    #[error("cannot connect to {target}: {why}")]
    Connect { target: String, why: String },
    #[error("no connection to {target} within {secs} s")]
    ConnectTimeout { target: String, secs: f32 },
    #[error("TLS handshake with {target} failed: {why}")]
    Handshake { target: String, why: String },
    /// The server ended the handshake with an alert (RFC 8446 section 6).
    #[error("TLS handshake with {target} failed: the server answered {alert}: {meaning}")]
    Alert {
        target: String,
        alert: &'static str,
        meaning: &'static str,
    },
    /// The server speaks only TLS versions under 1.2.
    #[error(
        "TLS handshake with {target} failed: the server offers no TLS 1.2 or 1.3 (it answered protocol_version or an older ServerHello)"
    )]
    OldProtocol { target: String },
    #[error("TLS handshake with {target} did not finish within {secs} s")]
    HandshakeTimeout { target: String, secs: f32 },
    /// The client could not be set up (verifier, server name).
    #[error("{0}")]
    Setup(String),
    #[error("read failed: {0}")]
    Read(String),
    #[error("write failed: {0}")]
    Write(String),
    #[error("the server did not take the request in time")]
    WriteTimeout,
    #[error("the reply grew past {kib} KiB without ending")]
    TooLong { kib: usize },
    #[error("no complete reply within {secs} s ({got} bytes so far)")]
    ReplyTimeout { secs: f32, got: usize },
    /// The server answered something its protocol does not allow.
    #[error("{0}")]
    Protocol(String),
}

impl ProbeError {
    /// Nothing listens at the address.
    pub fn refused(&self) -> bool {
        matches!(self, ProbeError::Refused { .. })
    }

    /// The server speaks only TLS versions under 1.2.
    pub fn old_protocol(&self) -> bool {
        matches!(self, ProbeError::OldProtocol { .. })
    }

    /// Refused before dialling, so not a connection.
    pub fn not_dialled(&self) -> bool {
        matches!(self, ProbeError::NotDialled { .. })
    }
}

/// The trust anchors: webpki's roots, the system's, and `--ca-file`.
///
/// # Errors
/// When the CA file cannot be read or holds no certificate.
pub fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, ProbeError> {
    let mut store = RootCertStore::empty();
    store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for c in rustls_native_certs::load_native_certs().certs {
        let _ = store.add(c);
    }
    if let Some(p) = ca_file {
        // Through the safe-IO path: a FIFO or /dev/zero never hangs a probe.
        let pem = crate::util::fsio::read_input(p, crate::util::fsio::SMALL_CAP, true)
            .map_err(|e| ProbeError::Setup(format!("cannot read --ca-file: {e}")))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .map_err(|e| ProbeError::Setup(format!("--ca-file {}: {e}", p.display())))?;
        if certs.is_empty() {
            return Err(ProbeError::Setup(format!(
                "--ca-file {} holds no PEM certificate",
                p.display()
            )));
        }
        for c in certs {
            store
                .add(c)
                .map_err(|e| ProbeError::Setup(format!("--ca-file {}: {e}", p.display())))?;
        }
    }
    Ok(store)
}

impl Net {
    /// The address to dial for `host:port`, after `--connect-to`.
    pub fn route(&self, host: &str, port: u16) -> (String, u16) {
        let h = host
            .trim_matches(|c| c == '[' || c == ']')
            .to_ascii_lowercase();
        for c in &self.connect_to {
            if c.host.trim_matches(|c| c == '[' || c == ']') == h && c.port == port {
                return (c.addr.clone(), c.port2);
            }
        }
        (h, port)
    }

    /// A TCP connection to `host:port` within the deadline.
    ///
    /// # Errors
    /// A readable reason: refused, timed out, unresolvable.
    pub async fn tcp(
        &self,
        host: &str,
        port: u16,
        purpose: &'static str,
    ) -> Result<TcpStream, ProbeError> {
        let r = self.tcp_unlogged(host, port).await;
        self.log(host, port, purpose, &r, |_| "plain TCP".into());
        r
    }

    /// Records a connection attempt (one refused before dialling is not one).
    fn log<T>(
        &self,
        host: &str,
        port: u16,
        purpose: &str,
        r: &Result<T, ProbeError>,
        how: impl Fn(&T) -> String,
    ) {
        if let Err(e) = r
            && e.not_dialled()
        {
            return;
        }
        let (addr, p2) = self.route(host, port);
        record(Connection {
            host: host.to_string(),
            port,
            dialled: format!("{addr}:{p2}"),
            purpose: purpose.to_string(),
            transport: match r {
                Ok(v) => how(v),
                Err(e) => format!("failed: {e}"),
            },
        });
    }

    async fn tcp_unlogged(&self, host: &str, port: u16) -> Result<TcpStream, ProbeError> {
        let (addr, port) = self.route(host, port);
        if self.loopback_only && !is_loopback(&addr) {
            return Err(ProbeError::NotDialled {
                target: format!("{addr}:{port}"),
            });
        }
        let target = if addr.contains(':') {
            format!("[{addr}]:{port}")
        } else {
            format!("{addr}:{port}")
        };
        let connect = async {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(&target)
                .await
                .map_err(|e| ProbeError::Resolve {
                    target: target.clone(),
                    why: e.to_string(),
                })?
                .collect();
            let mut last = ProbeError::NoAddress {
                target: target.clone(),
            };
            for a in addrs {
                match TcpStream::connect(a).await {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        return Ok(s);
                    }
                    Err(e) => last = describe_io(&e, &target),
                }
            }
            Err(last)
        };
        match tokio::time::timeout(self.deadline, connect).await {
            Ok(r) => r,
            Err(_) => Err(ProbeError::ConnectTimeout {
                target,
                secs: self.deadline.as_secs_f32(),
            }),
        }
    }

    /// A TLS connection to `host:port` (SNI `host`), whatever the verdict
    /// on its certificate, which comes back in the [`Handshake`].
    ///
    /// # Errors
    /// A readable reason when TCP or the handshake fails.
    pub async fn tls(
        &self,
        host: &str,
        port: u16,
        purpose: &'static str,
    ) -> Result<(TlsStream<TcpStream>, Handshake), ProbeError> {
        let r = self.tls_unlogged(host, port).await;
        self.log(host, port, purpose, &r, |(_, h)| match &h.verdict {
            Ok(()) => "TLS, certificate verified".into(),
            Err(why) => format!("TLS, certificate NOT verified ({why})"),
        });
        r
    }

    async fn tls_unlogged(
        &self,
        host: &str,
        port: u16,
    ) -> Result<(TlsStream<TcpStream>, Handshake), ProbeError> {
        let tcp = self.tcp_unlogged(host, port).await?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let inner =
            WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider.clone())
                .build()
                .map_err(|e| ProbeError::Setup(format!("cannot build the verifier: {e}")))?;
        let record = Arc::new(Recording {
            inner,
            seen: Mutex::new(None),
            signature: Mutex::new(None),
        });
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ProbeError::Setup(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(record.clone())
            .with_no_client_auth();
        let name = ServerName::try_from(host.trim_matches(|c| c == '[' || c == ']').to_string())
            .map_err(|e| {
                ProbeError::Setup(format!("{host} is not a valid TLS server name: {e}"))
            })?;
        let connector = TlsConnector::from(Arc::new(config));
        let stream = match tokio::time::timeout(self.deadline, connector.connect(name, tcp)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                let target = format!("{host}:{port}");
                let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
                return Err(match inner.map(super::tls_words::failure) {
                    Some(Failure::OldProtocol) => ProbeError::OldProtocol { target },
                    Some(Failure::Alert { name, meaning }) => ProbeError::Alert {
                        target,
                        alert: name,
                        meaning,
                    },
                    Some(Failure::Other(why)) => ProbeError::Handshake { target, why },
                    None => ProbeError::Handshake {
                        target,
                        why: e.to_string(),
                    },
                });
            }
            Err(_) => {
                return Err(ProbeError::HandshakeTimeout {
                    target: format!("{host}:{port}"),
                    secs: self.deadline.as_secs_f32(),
                });
            }
        };
        let (_, conn) = stream.get_ref();
        let version = conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".to_string(),
            other => format!("{other:?}"),
        });
        let seen = record.seen.lock().map(|mut s| s.take()).unwrap_or(None);
        let Seen {
            chain,
            mut verdict,
            ocsp,
            public,
        } = seen.unwrap_or(Seen {
            chain: Vec::new(),
            verdict: Err("no certificate was presented".into()),
            ocsp: Vec::new(),
            public: false,
        });
        let signature = record
            .signature
            .lock()
            .map(|mut s| s.take())
            .unwrap_or(None);
        if let Some(why) = signature {
            verdict = Err(match verdict {
                Ok(()) => why,
                Err(chain) => format!("{chain}; {why}"),
            });
        }
        Ok((
            stream,
            Handshake {
                version,
                chain,
                verdict,
                ocsp,
                public,
            },
        ))
    }
}

/// What the TLS handshake showed.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub version: Option<String>,
    /// The server's chain as sent, end entity first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The verifier's verdict on the chain and name.
    pub verdict: Result<(), String>,
    /// The OCSP response the server stapled (empty: none).
    pub ocsp: Vec<u8>,
    /// The chain verifies against the public roots alone (not only a
    /// `--ca-file`): Certificate Transparency applies.
    pub public: bool,
}

/// One connection harden made: where, why, and how it was protected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Connection {
    /// The host as the operator gave it.
    pub host: String,
    pub port: u16,
    /// The address dialled, after `--connect-to`.
    pub dialled: String,
    pub purpose: String,
    /// `plain TCP`, `TLS, certificate verified`, `TLS, certificate NOT
    /// verified (why)`, or `failed: why`.
    pub transport: String,
}

static CONNECTIONS: Mutex<Vec<Connection>> = Mutex::new(Vec::new());

fn record(c: Connection) {
    if let Ok(mut v) = CONNECTIONS.lock() {
        v.push(c);
    }
}

/// Every connection made by this process so far, once each, sorted.
pub fn connections() -> Vec<Connection> {
    let mut v = CONNECTIONS.lock().map(|v| v.clone()).unwrap_or_default();
    v.sort();
    v.dedup();
    v
}

/// `localhost` or a loopback address literal.
pub fn is_loopback(addr: &str) -> bool {
    addr.eq_ignore_ascii_case("localhost")
        || addr
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn describe_io(e: &io::Error, target: &str) -> ProbeError {
    let target = target.to_string();
    match e.kind() {
        io::ErrorKind::ConnectionRefused => ProbeError::Refused { target },
        _ => ProbeError::Connect {
            target,
            why: e.to_string(),
        },
    }
}

/// What the verifier was shown.
#[derive(Debug)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    verdict: Result<(), String>,
    ocsp: Vec<u8>,
    public: bool,
}

/// A verifier with only the public roots (Mozilla's, as webpki-roots
/// ships them), built once: whether a chain is publicly trusted decides
/// whether Certificate Transparency applies to it.
fn public_verifier() -> Option<Arc<WebPkiServerVerifier>> {
    static V: std::sync::OnceLock<Option<Arc<WebPkiServerVerifier>>> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            Arc::new(rustls::crypto::ring::default_provider()),
        )
        .build()
        .ok()
    })
    .clone()
}

/// Wraps the WebPKI verifier: keeps the chain and the verdict, and lets
/// the handshake go on so the probe can still look at the server.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<Seen>>,
    /// Why the server's handshake signature did not verify (a key too
    /// small, an algorithm refused), kept so the verdict says it.
    signature: Mutex<Option<String>>,
}

impl Recording {
    /// Keeps a signature failure in the verdict and lets the handshake go
    /// on, as for a bad chain: the connection is then unverified and only
    /// looked at, never given a credential.
    fn signature(
        &self,
        r: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if r.is_err()
            && let Ok(mut s) = self.signature.lock()
        {
            *s = Some(
                "the server's handshake signature was refused: a key under 2048 bits or an algorithm no longer accepted".into(),
            );
        }
        Ok(HandshakeSignatureValid::assertion())
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            .map(|_| ())
            .map_err(|e| super::tls_words::certificate(&e));
        let public = verdict.is_ok()
            && public_verifier().is_some_and(|v| {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
                    .is_ok()
            });
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(Seen {
                chain,
                verdict,
                ocsp: ocsp.to_vec(),
                public,
            });
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls12_signature(message, cert, dss))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls13_signature(message, cert, dss))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Most bytes kept of any reply.
pub const MAX_REPLY: usize = 256 * 1024;

/// Reads until `done(buffer)` says enough, EOF, `limit` bytes, or the deadline.
///
/// # Errors
/// On IO errors, the deadline, or more than `limit` bytes without `done`.
pub async fn read_until<S: AsyncRead + Unpin>(
    s: &mut S,
    buf: &mut Vec<u8>,
    limit: usize,
    deadline: Duration,
    done: impl Fn(&[u8]) -> bool,
) -> Result<(), ProbeError> {
    let work = async {
        let mut chunk = [0u8; 8192];
        loop {
            if done(buf) {
                return Ok(());
            }
            if buf.len() >= limit {
                return Err(ProbeError::TooLong { kib: limit / 1024 });
            }
            let n = s
                .read(&mut chunk)
                .await
                .map_err(|e| ProbeError::Read(e.to_string()))?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n.min(limit - buf.len())]);
        }
    };
    match tokio::time::timeout(deadline, work).await {
        Ok(r) => r,
        Err(_) => Err(ProbeError::ReplyTimeout {
            secs: deadline.as_secs_f32(),
            got: buf.len(),
        }),
    }
}

/// Writes all of `bytes` within the deadline.
///
/// # Errors
/// On IO errors or the deadline.
pub async fn send<S: AsyncWrite + Unpin>(
    s: &mut S,
    bytes: &[u8],
    deadline: Duration,
) -> Result<(), ProbeError> {
    match tokio::time::timeout(deadline, async {
        s.write_all(bytes).await?;
        s.flush().await
    })
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ProbeError::Write(e.to_string())),
        Err(_) => Err(ProbeError::WriteTimeout),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_forms() {
        let c: ConnectTo = "api.example.com:443:127.0.0.1:8443".parse().unwrap();
        assert_eq!(
            c,
            ConnectTo {
                host: "api.example.com".into(),
                port: 443,
                addr: "127.0.0.1".into(),
                port2: 8443
            }
        );
        let c: ConnectTo = "api.example.com:80:[::1]:8080".parse().unwrap();
        assert_eq!((c.addr.as_str(), c.port2), ("::1", 8080));
        for bad in ["", "a:1:b", "a:x:b:1", "a:1:b:99999", ":1:b:2"] {
            assert!(bad.parse::<ConnectTo>().is_err(), "{bad}");
        }
        let net = Net {
            connect_to: vec![c],
            deadline: Duration::from_secs(1),
            roots: Arc::new(RootCertStore::empty()),
            loopback_only: true,
        };
        assert!(is_loopback("127.0.0.2") && is_loopback("[::1]") && is_loopback("localhost"));
        assert!(!is_loopback("10.0.0.1") && !is_loopback("example.com"));
        assert_eq!(net.route("API.example.com", 80), ("::1".into(), 8080));
        assert_eq!(
            net.route("api.example.com", 443),
            ("api.example.com".into(), 443)
        );
    }
}
