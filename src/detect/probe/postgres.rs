//! PostgreSQL's TLS support, asked without logging in: the 8-byte
//! SSLRequest, answered by one byte, `S` (yes) or `N` (no).

use url::Url;

use super::net::{Net, read_until, send};
use crate::detect::{Finding, Outcome};

/// Length 8, then the code 80877103, both big-endian.
pub const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// Judges the server's first byte after an SSLRequest.
pub fn judge_answer(answer: &[u8], shown: &str) -> Finding {
    let id = "database.server_tls";
    match answer.first() {
        Some(b'S') => Finding::new(id, Outcome::Pass, format!("{shown} accepts TLS (SSLRequest answered S)")),
        Some(b'N') => Finding::new(id, Outcome::Fail, format!("{shown} refuses TLS (SSLRequest answered N)"))
            .fix("Turn on ssl in postgresql.conf with a certificate, and require it in pg_hba.conf (hostssl)."),
        Some(b'E') => Finding::new(id, Outcome::Unknown, format!("{shown} answered the SSLRequest with an error message")),
        Some(b) => Finding::new(id, Outcome::Unknown, format!("{shown}: not a PostgreSQL answer (first byte 0x{b:02X})")),
        None => Finding::new(id, Outcome::Unknown, format!("{shown} closed the connection without answering")),
    }
}

/// Probes the server of DATABASE_URL.
pub async fn probe(net: &Net, url: &Url) -> Finding {
    let host = url.host_str().unwrap_or("localhost").to_string();
    let port = url.port().unwrap_or(5432);
    let shown = format!("{host}:{port}");
    let mut s = match net
        .tcp(&host, port, "PostgreSQL: SSLRequest (no credentials)")
        .await
    {
        Ok(s) => s,
        Err(e) if e.refused() => {
            return Finding::new(
                "database.server_tls",
                Outcome::Fail,
                format!(
                    "nothing accepts connections on {shown} (connection refused): PostgreSQL is not running there, or DATABASE_URL names the wrong host or port"
                ),
            )
            .fix(format!(
                "Start PostgreSQL on {shown} (systemctl start postgresql), or correct the host and port in DATABASE_URL; then detect again (r)."
            ));
        }
        Err(e) => {
            return Finding::new(
                "database.server_tls",
                Outcome::Unknown,
                format!("{shown}: {e}; whether it offers TLS is not known"),
            );
        }
    };
    if let Err(e) = send(&mut s, &SSL_REQUEST, net.deadline).await {
        return Finding::new(
            "database.server_tls",
            Outcome::Unknown,
            format!("{shown}: {e}"),
        );
    }
    let mut buf = Vec::new();
    match read_until(&mut s, &mut buf, 1, net.deadline, |b| !b.is_empty()).await {
        Ok(()) => judge_answer(&buf, &shown),
        Err(e) => Finding::new(
            "database.server_tls",
            Outcome::Unknown,
            format!("{shown}: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(judge_answer(b"S", "db:5432").outcome, Outcome::Pass);
        assert_eq!(judge_answer(b"N", "db:5432").outcome, Outcome::Fail);
        assert_eq!(
            judge_answer(b"HTTP/1.1", "db:5432").outcome,
            Outcome::Unknown
        );
        assert_eq!(judge_answer(b"", "db:5432").outcome, Outcome::Unknown);
        assert_eq!(
            u32::from_be_bytes([
                SSL_REQUEST[4],
                SSL_REQUEST[5],
                SSL_REQUEST[6],
                SSL_REQUEST[7]
            ]),
            80877103
        );
    }
}
