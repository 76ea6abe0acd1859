//! One HTTP/1.1 exchange per connection, exactly as the server answers it:
//! no redirect is followed, every header is kept as sent. httparse reads
//! the head (capped at 64 KiB); bodies are read up to 64 KiB, plain or
//! chunked.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

use super::net::{ProbeError, read_until, send};

/// Largest response head accepted.
pub const MAX_HEAD: usize = 64 * 1024;
/// Most body bytes kept.
pub const MAX_BODY: usize = 64 * 1024;

/// A response: status, headers in order, and the start of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed head: its length in bytes, the status and the headers.
pub type Head = (usize, u16, Vec<(String, String)>);

/// Parses a response head. `Ok(None)` while incomplete.
///
/// # Errors
/// When the bytes are not an HTTP/1.x response head.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, ProbeError> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut r = httparse::Response::new(&mut headers);
    match r.parse(buf) {
        Ok(httparse::Status::Complete(len)) => {
            let status = r
                .code
                .ok_or_else(|| ProbeError::Protocol("no status code".into()))?;
            let hs = r
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).trim().to_string(),
                    )
                })
                .collect();
            Ok(Some((len, status, hs)))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            Err(ProbeError::Protocol("more than 128 headers".into()))
        }
        Err(e) => Err(ProbeError::Protocol(format!("not an HTTP response ({e})"))),
    }
}

/// Decodes a chunked body as far as it goes (bounded by the input).
pub fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&b[..i]);
        let Ok(size) = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
        else {
            break;
        };
        b = &b[i + 2..];
        if size == 0 || out.len() >= MAX_BODY {
            break;
        }
        let take = size.min(b.len());
        out.extend_from_slice(&b[..take]);
        if take < size || b.len() < size + 2 {
            break;
        }
        b = &b[size + 2..];
    }
    out.truncate(MAX_BODY);
    out
}

/// Sends one request and reads the response.
///
/// # Errors
/// Connection problems, the deadline, an oversized head, or bytes that are
/// not HTTP.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    method: &str,
    host: &str,
    path: &str,
    extra: &[(&str, &str)],
    deadline: Duration,
) -> Result<Response, ProbeError> {
    exchange_with_body(s, method, host, path, extra, &[], deadline).await
}

/// As [`exchange`], sending `body` (with its Content-Length) when it is
/// not empty.
///
/// # Errors
/// As [`exchange`].
pub async fn exchange_with_body<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    method: &str,
    host: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    deadline: Duration,
) -> Result<Response, ProbeError> {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: harden/{}\r\nAccept: */*\r\nConnection: close\r\n",
        env!("CARGO_PKG_VERSION")
    );
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut req = req.into_bytes();
    req.extend_from_slice(body);
    let started = tokio::time::Instant::now();
    send(s, &req, deadline).await?;
    let left = |d: Duration| {
        d.saturating_sub(started.elapsed())
            .max(Duration::from_millis(1))
    };
    let mut buf = Vec::new();
    read_until(s, &mut buf, MAX_HEAD, left(deadline), |b| {
        b.windows(4).any(|w| w == b"\r\n\r\n")
    })
    .await
    .map_err(|e| match e {
        ProbeError::TooLong { .. } => ProbeError::Protocol(format!(
            "the response head is larger than {} KiB",
            MAX_HEAD / 1024
        )),
        e => e,
    })?;
    let (len, status, headers) = match parse_head(&buf)? {
        Some(h) => h,
        None if buf.is_empty() => {
            return Err(ProbeError::Protocol(
                "the server closed the connection without answering".into(),
            ));
        }
        None => {
            return Err(ProbeError::Protocol(
                "the server's answer ended in the middle of its headers".into(),
            ));
        }
    };
    let mut resp = Response {
        status,
        headers,
        body: buf[len..].to_vec(),
    };
    if method == "HEAD" || status == 204 || status == 304 || (100..200).contains(&status) {
        resp.body.clear();
        return Ok(resp);
    }
    let chunked = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length: Option<usize> = resp.header("content-length").and_then(|v| v.parse().ok());
    let mut body = std::mem::take(&mut resp.body);
    // The body matters only up to MAX_BODY; a slow or endless one is cut,
    // not waited for past the deadline.
    let _ = read_until(s, &mut body, MAX_BODY, left(deadline), |b| {
        if chunked {
            b.windows(5).any(|w| w == b"0\r\n\r\n")
        } else {
            length.is_some_and(|n| b.len() >= n)
        }
    })
    .await;
    resp.body = if chunked { dechunk(&body) } else { body };
    if let Some(n) = length {
        resp.body.truncate(n);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_or_say_why() {
        let (len, status, h) = parse_head(
            b"HTTP/1.1 308 Permanent Redirect\r\nLocation: https://x/\r\nX-A: 1\r\n\r\nbody",
        )
        .unwrap()
        .unwrap();
        assert_eq!((len, status), (65, 308));
        assert_eq!(h[0], ("Location".to_string(), "https://x/".to_string()));
        assert_eq!(parse_head(b"HTTP/1.1 200 OK\r\nX-A"), Ok(None));
        assert!(parse_head(b"\x00\x01garbage\r\n\r\n").is_err());
        assert!(parse_head(b"-ERR wrong protocol\r\n\r\n").is_err());
    }

    #[test]
    fn chunked_bodies() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
        assert_eq!(dechunk(b"5\r\nhel"), b"hel");
        assert_eq!(dechunk(b"zz\r\n"), b"");
    }
}
