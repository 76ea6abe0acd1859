//! Exposed ports, when harden runs on the server itself: Redis and
//! PostgreSQL listening on every interface, read from /proc/net/tcp{,6}.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::detect::{Finding, Outcome};

/// Items this check fills.
pub const ITEMS: &[&str] = &["network.redis_not_public", "network.database_not_public"];

/// Listening sockets (state 0A) of a /proc/net/tcp or tcp6 table.
pub fn listeners(table: &str) -> Vec<(IpAddr, u16)> {
    let mut out = Vec::new();
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 4 || cols[3] != "0A" {
            continue;
        }
        let Some((addr, port)) = cols[1].split_once(':') else {
            continue;
        };
        let Ok(port) = u16::from_str_radix(port, 16) else {
            continue;
        };
        let ip = match addr.len() {
            8 => u32::from_str_radix(addr, 16)
                .ok()
                .map(|v| IpAddr::V4(Ipv4Addr::from(v.swap_bytes()))),
            32 => {
                let mut bytes = [0u8; 16];
                let mut ok = true;
                for (i, chunk) in addr.as_bytes().chunks(8).enumerate() {
                    match std::str::from_utf8(chunk)
                        .ok()
                        .and_then(|c| u32::from_str_radix(c, 16).ok())
                    {
                        Some(w) => {
                            bytes[i * 4..i * 4 + 4].copy_from_slice(&w.swap_bytes().to_be_bytes())
                        }
                        None => ok = false,
                    }
                }
                ok.then(|| IpAddr::V6(Ipv6Addr::from(bytes)))
            }
            _ => None,
        };
        if let Some(ip) = ip {
            out.push((ip, port));
        }
    }
    out
}

/// Judges whether a service's ports listen on every interface.
pub fn judge(id: &str, what: &str, ports: &[u16], listening: &[(IpAddr, u16)]) -> Finding {
    let ours: Vec<&(IpAddr, u16)> = listening
        .iter()
        .filter(|(_, p)| ports.contains(p))
        .collect();
    if ours.is_empty() {
        let list: Vec<String> = ports.iter().map(u16::to_string).collect();
        return Finding::new(
            id,
            Outcome::Skipped,
            format!(
                "nothing listens on port {} here: not the {what} host, so check its firewall there",
                list.join(" or ")
            ),
        );
    }
    let open: Vec<String> = ours
        .iter()
        .filter(|(ip, _)| ip.is_unspecified())
        .map(|(ip, p)| match ip {
            IpAddr::V6(_) => format!("[::]:{p}"),
            IpAddr::V4(_) => format!("0.0.0.0:{p}"),
        })
        .collect();
    let shown: Vec<String> = ours
        .iter()
        .map(|(ip, p)| match ip {
            IpAddr::V6(a) => format!("[{a}]:{p}"),
            IpAddr::V4(a) => format!("{a}:{p}"),
        })
        .collect();
    if open.is_empty() {
        Finding::new(
            id,
            Outcome::Pass,
            format!("{what} listens on {} only", shown.join(", ")),
        )
    } else {
        Finding::new(
            id,
            Outcome::Fail,
            format!(
                "{what} listens on every interface ({}): exposed unless a firewall blocks it",
                open.join(", ")
            ),
        )
        .fix(format!(
            "Bind {what} to 127.0.0.1 or a private address, and firewall the port."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:18EB 00000000:0000 0A 00000000:0000 00:00000000 00000000   110        0 1 1
   1: 00000000:1538 00000000:0000 0A 00000000:0000 00:00000000 00000000   110        0 2 1
   2: 0100007F:1F90 0100007F:C350 01 00000000:0000 00:00000000 00000000     0        0 3 1
";
    const TCP6: &str =
        "  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A
   1: 00000000000000000000000001000000:18EB 00000000000000000000000000000000:0000 0A
";

    #[test]
    fn tables_parse() {
        let l = listeners(TCP);
        assert_eq!(
            l,
            vec![
                ("127.0.0.1".parse().unwrap(), 6379),
                ("0.0.0.0".parse().unwrap(), 5432)
            ]
        );
        let l6 = listeners(TCP6);
        assert_eq!(
            l6,
            vec![
                ("::".parse().unwrap(), 5432),
                ("::1".parse().unwrap(), 6379)
            ]
        );
    }

    #[test]
    fn verdicts() {
        let mut all = listeners(TCP);
        all.extend(listeners(TCP6));
        assert_eq!(
            judge("network.redis_not_public", "Redis", &[6379], &all).outcome,
            Outcome::Pass
        );
        let f = judge("network.database_not_public", "PostgreSQL", &[5432], &all);
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(
            f.evidence.contains("0.0.0.0:5432, [::]:5432"),
            "{}",
            f.evidence
        );
        assert_eq!(judge("x", "Redis", &[7000], &all).outcome, Outcome::Skipped);
        assert!(listeners("garbage\nmore garbage 0A\n").is_empty());
    }
}
