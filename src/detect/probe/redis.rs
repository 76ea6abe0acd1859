//! The Redis probe, in RESP: an unauthenticated PING (PONG means no
//! password), AUTH with REDIS_URL's credentials, then `INFO persistence`
//! and `CONFIG GET save`. Replies are parsed with hard limits, so garbage,
//! an endless bulk string or a silent server ends as `unknown`.

use tokio::io::{AsyncRead, AsyncWrite};
use url::Url;

use super::net::{Net, ProbeError, read_until, send};
use crate::detect::{Finding, Outcome};
use crate::util::redact::percent_decode;

/// Items this probe fills.
pub const ITEMS: &[&str] = &[
    "rate_limit.redis_reachable",
    "rate_limit.redis_auth",
    "rate_limit.redis_persistence",
];

/// Largest bulk string or array accepted.
const MAX_BULK: usize = 1024 * 1024;
const MAX_ITEMS: usize = 1024;

/// A RESP value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Resp>>),
}

/// Parses one RESP value. `Ok(None)` while incomplete; otherwise the value
/// and the bytes it used.
///
/// # Errors
/// When the bytes are not RESP, or a length is over the limits.
pub fn parse(buf: &[u8]) -> Result<Option<(Resp, usize)>, ProbeError> {
    parse_at(buf, 0)
}

fn line(buf: &[u8]) -> Option<(&[u8], usize)> {
    let i = buf.windows(2).position(|w| w == b"\r\n")?;
    Some((&buf[..i], i + 2))
}

fn parse_at(buf: &[u8], depth: usize) -> Result<Option<(Resp, usize)>, ProbeError> {
    if depth > 8 {
        return Err(ProbeError::Protocol("RESP nested too deeply".into()));
    }
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    let Some((l, used)) = line(&buf[1..]) else {
        if buf.len() > 64 * 1024 {
            return Err(ProbeError::Protocol(
                "a RESP line longer than 64 KiB".into(),
            ));
        }
        return Ok(None);
    };
    let text = String::from_utf8_lossy(l).into_owned();
    let used = used + 1;
    let int = |t: &str| {
        t.parse::<i64>()
            .map_err(|_| format!("bad RESP length {t:?}"))
    };
    match kind {
        b'+' => Ok(Some((Resp::Simple(text), used))),
        b'-' => Ok(Some((Resp::Error(text), used))),
        b':' => Ok(Some((
            Resp::Int(int(&text).map_err(ProbeError::Protocol)?),
            used,
        ))),
        b'$' => {
            let n = int(&text).map_err(ProbeError::Protocol)?;
            if n < 0 {
                return Ok(Some((Resp::Bulk(None), used)));
            }
            let n = n as usize;
            if n > MAX_BULK {
                return Err(ProbeError::Protocol(format!(
                    "a bulk string of {n} bytes (limit {MAX_BULK})"
                )));
            }
            if buf.len() < used + n + 2 {
                return Ok(None);
            }
            if &buf[used + n..used + n + 2] != b"\r\n" {
                return Err(ProbeError::Protocol(
                    "a bulk string without its CRLF".into(),
                ));
            }
            Ok(Some((
                Resp::Bulk(Some(buf[used..used + n].to_vec())),
                used + n + 2,
            )))
        }
        b'*' => {
            let n = int(&text).map_err(ProbeError::Protocol)?;
            if n < 0 {
                return Ok(Some((Resp::Array(None), used)));
            }
            if n as usize > MAX_ITEMS {
                return Err(ProbeError::Protocol(format!(
                    "an array of {n} items (limit {MAX_ITEMS})"
                )));
            }
            let mut at = used;
            let mut items = Vec::with_capacity(n as usize);
            for _ in 0..n {
                match parse_at(&buf[at..], depth + 1)? {
                    Some((v, u)) => {
                        items.push(v);
                        at += u;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Resp::Array(Some(items)), at)))
        }
        other => Err(ProbeError::Protocol(format!(
            "not a Redis reply (starts with byte 0x{other:02X})"
        ))),
    }
}

fn command(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

async fn call<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    net: &Net,
    args: &[&str],
) -> Result<Resp, ProbeError> {
    send(s, &command(args), net.deadline).await?;
    let mut buf = Vec::new();
    read_until(s, &mut buf, MAX_BULK + 64 * 1024, net.deadline, |b| {
        !matches!(parse(b), Ok(None))
    })
    .await?;
    match parse(&buf)? {
        Some((v, _)) => Ok(v),
        None if buf.is_empty() => Err(ProbeError::Protocol(
            "the server closed the connection without answering".into(),
        )),
        None => Err(ProbeError::Protocol("the reply ended early".into())),
    }
}

/// What the whole conversation showed.
async fn talk<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    net: &Net,
    url: &Url,
    shown: &str,
    unverified: Option<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let ping = match call(s, net, &["PING"]).await {
        Ok(r) => r,
        Err(e) => {
            let f = |id: &str| Finding::new(id, Outcome::Unknown, format!("{shown}: {e}"));
            return vec![
                f("rate_limit.redis_reachable"),
                f("rate_limit.redis_auth"),
                f("rate_limit.redis_persistence"),
            ];
        }
    };
    let mut logged_in = false;
    match &ping {
        Resp::Simple(p) if p == "PONG" => {
            logged_in = true;
            out.push(
                Finding::new("rate_limit.redis_auth", Outcome::Fail, format!("{shown} answers PING with PONG without a password"))
                    .fix("Require a password: an ACL user (user … on >PASSWORD ~* +@all -@dangerous) or requirepass."),
            );
        }
        Resp::Error(e) if e.starts_with("NOAUTH") => out.push(Finding::new(
            "rate_limit.redis_auth",
            Outcome::Pass,
            format!("{shown} refuses an unauthenticated PING (NOAUTH): a password is required"),
        )),
        Resp::Error(e) if e.starts_with("DENIED") => out.push(
            Finding::new(
                "rate_limit.redis_auth",
                Outcome::Warn,
                format!(
                    "{shown} answers DENIED: protected mode is the only guard, there is no password"
                ),
            )
            .fix("Set a password; do not rely on protected mode."),
        ),
        other => out.push(Finding::new(
            "rate_limit.redis_auth",
            Outcome::Unknown,
            format!("{shown}: unexpected PING reply {}", brief(other)),
        )),
    }
    let password = url.password().map(percent_decode);
    let user = (!url.username().is_empty()).then(|| percent_decode(url.username()));
    let mut reachable = Finding::new(
        "rate_limit.redis_reachable",
        Outcome::Pass,
        format!("{shown} answers RESP"),
    );
    if let Some(p) = &password {
        crate::util::redact::remember(p);
    }
    if password.is_none() && matches!(&ping, Resp::Error(e) if e.starts_with("NOAUTH")) {
        // The server wants a password the URL does not carry: the app's
        // first command fails.
        reachable = Finding::new(
            "rate_limit.redis_reachable",
            Outcome::Fail,
            format!("{shown} requires a password (NOAUTH) and REDIS_URL carries none: the application cannot authenticate"),
        )
        .fix("Put the password in REDIS_URL: rediss://:PASSWORD@host:port/0 (or redis:// on loopback).");
    }
    if let (Some(_), Some(why)) = (&password, &unverified) {
        // A credential never travels over a connection that is not
        // verified: a man in the middle would have it.
        reachable = Finding::new(
            "rate_limit.redis_reachable",
            Outcome::Unknown,
            format!("{shown} answers RESP; REDIS_URL's credentials were not sent because {why}"),
        )
        .fix("Serve Redis over TLS with a certificate this host trusts (rediss://, --ca-file for an internal CA), or run harden where Redis is on loopback.");
    } else if let Some(p) = &password {
        let mut args = vec!["AUTH"];
        if let Some(u) = &user {
            args.push(u);
        }
        args.push(p);
        match call(s, net, &args).await {
            Ok(Resp::Simple(ok)) if ok == "OK" => {
                logged_in = true;
                reachable
                    .evidence
                    .push_str(", and accepts REDIS_URL's credentials");
            }
            Ok(Resp::Error(e)) if logged_in && e.contains("without any password") => {
                reachable
                    .evidence
                    .push_str(", with no password configured on the server");
            }
            Ok(other) => {
                reachable = Finding::new(
                    "rate_limit.redis_reachable",
                    Outcome::Fail,
                    format!("{shown} refuses REDIS_URL's credentials: {}", brief(&other)),
                )
                .fix("Make REDIS_URL's password match the server's.");
            }
            Err(e) => {
                reachable = Finding::new(
                    "rate_limit.redis_reachable",
                    Outcome::Unknown,
                    format!("{shown}: AUTH: {e}"),
                )
            }
        }
    }
    out.insert(0, reachable);
    if !logged_in {
        out.push(Finding::new(
            "rate_limit.redis_persistence",
            Outcome::Unknown,
            format!("{shown}: not logged in, so persistence cannot be read"),
        ));
        return out;
    }
    out.push(persistence(s, net, shown).await);
    out
}

async fn persistence<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    net: &Net,
    shown: &str,
) -> Finding {
    let id = "rate_limit.redis_persistence";
    let info = match call(s, net, &["INFO", "persistence"]).await {
        Ok(Resp::Bulk(Some(b))) => String::from_utf8_lossy(&b).into_owned(),
        Ok(Resp::Error(e)) => {
            return Finding::new(id, Outcome::Unknown, format!("{shown}: INFO refused: {e}"));
        }
        Ok(other) => {
            return Finding::new(
                id,
                Outcome::Unknown,
                format!("{shown}: unexpected INFO reply {}", brief(&other)),
            );
        }
        Err(e) => return Finding::new(id, Outcome::Unknown, format!("{shown}: INFO: {e}")),
    };
    let field = |k: &str| {
        info.lines().find_map(|l| {
            l.trim()
                .strip_prefix(k)
                .and_then(|r| r.strip_prefix(':'))
                .map(str::to_string)
        })
    };
    if field("aof_enabled").as_deref() == Some("1") {
        return Finding::new(
            id,
            Outcome::Pass,
            format!("{shown}: AOF persistence is on (aof_enabled:1)"),
        );
    }
    match call(s, net, &["CONFIG", "GET", "save"]).await {
        Ok(Resp::Array(Some(v))) => {
            let save = match v.get(1) {
                Some(Resp::Bulk(Some(b))) => String::from_utf8_lossy(b).trim().to_string(),
                _ => String::new(),
            };
            if save.is_empty() {
                Finding::new(
                    id,
                    Outcome::Fail,
                    format!(
                        "{shown}: no AOF (aof_enabled:0) and RDB snapshots are off (save \"\")"
                    ),
                )
                .fix("Turn on AOF (appendonly yes) or RDB snapshots.")
            } else {
                let status = field("rdb_last_bgsave_status").unwrap_or_else(|| "unknown".into());
                Finding::new(
                    id,
                    Outcome::Pass,
                    format!("{shown}: RDB snapshots (save {save}; last bgsave {status}); AOF off"),
                )
            }
        }
        Ok(Resp::Error(e)) => Finding::new(
            id,
            Outcome::Unknown,
            format!(
                "{shown}: AOF is off and CONFIG GET save is refused ({e}), so RDB cannot be told"
            ),
        ),
        Ok(other) => Finding::new(
            id,
            Outcome::Unknown,
            format!("{shown}: unexpected CONFIG reply {}", brief(&other)),
        ),
        Err(e) => Finding::new(id, Outcome::Unknown, format!("{shown}: CONFIG GET: {e}")),
    }
}

fn brief(r: &Resp) -> String {
    let s = match r {
        Resp::Simple(s) => format!("+{s}"),
        // A server may quote the command back (AUTH renamed: "unknown
        // command 'AUTH', with args beginning with: 'user' 'pass'"), and
        // rewrite it on the way (a newline as a space, cut at 128 bytes),
        // so no masking could match: nothing after the first quote is kept.
        Resp::Error(e) => format!(
            "-{}",
            e.split(['\'', '"', '`']).next().unwrap_or("").trim_end()
        ),
        Resp::Int(i) => format!(":{i}"),
        Resp::Bulk(Some(b)) => format!("a bulk string of {} bytes", b.len()),
        Resp::Bulk(None) | Resp::Array(None) => "nil".into(),
        Resp::Array(Some(v)) => format!("an array of {}", v.len()),
    };
    s.chars().take(120).collect()
}

/// Probes the Redis of REDIS_URL.
pub async fn probe(net: &Net, url: &Url) -> Vec<Finding> {
    let host = url.host_str().unwrap_or("localhost").to_string();
    let port = url.port().unwrap_or(6379);
    let tls = url.scheme() == "rediss";
    let shown = format!(
        "{}{host}:{port}",
        if tls { "rediss://" } else { "redis://" }
    );
    let fail_all = |outcome: Outcome, why: String| {
        let mut v = vec![Finding::new(
            "rate_limit.redis_reachable",
            outcome,
            why.clone(),
        )];
        for id in &ITEMS[1..] {
            v.push(Finding::new(id, Outcome::Unknown, why.clone()));
        }
        v
    };
    let unreachable = |e: ProbeError| {
        let outcome = if e.refused() {
            Outcome::Fail
        } else {
            Outcome::Unknown
        };
        fail_all(outcome, format!("{shown}: {e}"))
    };
    let work = async {
        if tls {
            match net
                .tls(&host, port, "Redis: PING, AUTH, INFO persistence")
                .await
            {
                Ok((mut s, hs)) => {
                    let unverified = hs
                        .verdict
                        .as_ref()
                        .err()
                        .map(|why| format!("its TLS certificate is {why}"));
                    let mut v = talk(&mut s, net, url, &shown, unverified).await;
                    if let Err(why) = hs.verdict
                        && let Some(f) = v
                            .iter_mut()
                            .find(|f| f.item == "rate_limit.redis_reachable")
                    {
                        f.evidence
                            .push_str(&format!("; its TLS certificate is {why}"));
                        if f.outcome == Outcome::Pass {
                            f.outcome = Outcome::Warn;
                        }
                    }
                    v
                }
                Err(e) => unreachable(e),
            }
        } else {
            match net
                .tcp(&host, port, "Redis: PING, AUTH, INFO persistence")
                .await
            {
                Ok(mut s) => {
                    let on_loopback = s.peer_addr().is_ok_and(|a| a.ip().is_loopback());
                    let unverified = (!on_loopback).then(|| {
                        "the connection is plain TCP (redis://) to a host that is not loopback"
                            .to_string()
                    });
                    talk(&mut s, net, url, &shown, unverified).await
                }
                Err(e) => unreachable(e),
            }
        }
    };
    match tokio::time::timeout(net.deadline * 3, work).await {
        Ok(v) => v,
        Err(_) => fail_all(
            Outcome::Unknown,
            format!(
                "{shown}: no complete conversation within {} s",
                (net.deadline * 3).as_secs()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp_values() {
        assert_eq!(
            parse(b"+PONG\r\n"),
            Ok(Some((Resp::Simple("PONG".into()), 7)))
        );
        assert_eq!(
            parse(b"-NOAUTH Authentication required.\r\n")
                .unwrap()
                .unwrap()
                .0,
            Resp::Error("NOAUTH Authentication required.".into())
        );
        assert_eq!(
            parse(b"$5\r\nhello\r\n").unwrap().unwrap().0,
            Resp::Bulk(Some(b"hello".to_vec()))
        );
        assert_eq!(parse(b"$-1\r\n").unwrap().unwrap().0, Resp::Bulk(None));
        assert_eq!(
            parse(b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n").unwrap().unwrap().0,
            Resp::Array(Some(vec![
                Resp::Bulk(Some(b"save".to_vec())),
                Resp::Bulk(Some(Vec::new()))
            ]))
        );
        assert_eq!(parse(b"$5\r\nhel"), Ok(None));
        assert_eq!(parse(b"*2\r\n+a\r\n"), Ok(None));
    }

    #[test]
    fn garbage_and_limits() {
        assert!(parse(b"HTTP/1.1 400 Bad Request\r\n").is_err());
        assert!(parse(b"$99999999999\r\n").is_err());
        assert!(parse(b"*100000\r\n").is_err());
        assert!(parse(b"$3\r\nabcXY").is_err());
        assert!(parse(b":notanumber\r\n").is_err());
        let deep = "*1\r\n".repeat(20);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn commands_are_resp_arrays() {
        assert_eq!(
            command(&["AUTH", "p@ss"]),
            b"*2\r\n$4\r\nAUTH\r\n$4\r\np@ss\r\n"
        );
        assert_eq!(percent_decode("p%40ss%2Fw"), "p@ss/w");
    }
}
