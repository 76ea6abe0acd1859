//! Exposed ports, when harden runs on the server itself: Redis and
//! PostgreSQL listening beyond loopback, read from /proc/net/tcp{,6}, each
//! socket's owner found through /proc/PID/fd, so the service is named by
//! the process that holds the port, not guessed from the port number.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use crate::detect::{Finding, Outcome};

/// Items this check fills.
pub const ITEMS: &[&str] = &[
    "network.redis_not_public",
    "network.database_not_public",
    "network.firewall",
];

/// One listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub ip: IpAddr,
    pub port: u16,
    pub inode: u64,
    /// The process holding it (`redis-server`, pid), when /proc tells.
    pub owner: Option<(String, u32)>,
}

/// Listening sockets (state 0A) of a /proc/net/tcp or tcp6 table.
pub fn listeners(table: &str) -> Vec<Listener> {
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
        let inode = cols.get(9).and_then(|i| i.parse().ok()).unwrap_or(0);
        if let Some(ip) = address(addr) {
            out.push(Listener {
                ip,
                port,
                inode,
                owner: None,
            });
        }
    }
    out
}

/// A /proc/net address column: 8 hex digits (IPv4) or 32 (IPv6), each
/// 32-bit word in host (little-endian) order.
fn address(addr: &str) -> Option<IpAddr> {
    match addr.len() {
        8 => u32::from_str_radix(addr, 16)
            .ok()
            .map(|v| IpAddr::V4(Ipv4Addr::from(v.swap_bytes()))),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in addr.as_bytes().chunks(8).enumerate() {
                let w = std::str::from_utf8(chunk)
                    .ok()
                    .and_then(|c| u32::from_str_radix(c, 16).ok())?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.swap_bytes().to_be_bytes());
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)))
        }
        _ => None,
    }
}

/// Most processes and descriptors looked at, so a host with a huge
/// process table cannot stall the check.
const MAX_PIDS: usize = 20_000;
const MAX_FDS: usize = 10_000;

/// Fills each listener's owner from `proc_root` (`/proc`): the process
/// whose fd links to `socket:[inode]`, and its `comm`. Processes whose
/// descriptors cannot be read (another user's, without root) are skipped.
pub fn find_owners(proc_root: &Path, list: &mut [Listener]) {
    let wanted: HashMap<u64, usize> = list
        .iter()
        .enumerate()
        .filter(|(_, l)| l.inode != 0)
        .map(|(i, l)| (l.inode, i))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return;
    };
    for entry in dir.flatten().take(MAX_PIDS) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten().take(MAX_FDS) {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let Some(inode) = target
                .to_str()
                .and_then(|t| t.strip_prefix("socket:["))
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse::<u64>().ok())
            else {
                continue;
            };
            if let Some(&i) = wanted.get(&inode) {
                let comm = std::fs::read_to_string(entry.path().join("comm"))
                    .map(|c| {
                        c.trim()
                            .chars()
                            .filter(|c| c.is_ascii_graphic())
                            .take(32)
                            .collect::<String>()
                    })
                    .unwrap_or_default();
                list[i].owner = Some((if comm.is_empty() { "?".into() } else { comm }, pid));
            }
        }
    }
}

/// Where an address can be reached from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Loopback,
    /// A private, shared or link-local address: its own network only.
    Private,
    /// Every interface, or a public address.
    Everywhere,
    Public,
}

fn reach(ip: IpAddr) -> Reach {
    if ip.is_loopback() {
        return Reach::Loopback;
    }
    if ip.is_unspecified() {
        return Reach::Everywhere;
    }
    let private = match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_private() || a.is_link_local() || (o[0] == 100 && (o[1] & 0xC0) == 64)
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            (s & 0xFE00) == 0xFC00 || (s & 0xFFC0) == 0xFE80
        }
    };
    if private {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn shown(l: &Listener) -> String {
    let at = match l.ip {
        IpAddr::V6(a) => format!("[{a}]:{}", l.port),
        IpAddr::V4(a) => format!("{a}:{}", l.port),
    };
    match &l.owner {
        Some((comm, pid)) => format!("{at} ({comm}, pid {pid})"),
        None => at,
    }
}

/// Judges where a service listens. A listener counts as the service when
/// its owner's name contains one of `names` (on any port), or when it is
/// on one of `ports`, whoever holds it: `docker-proxy` publishing a
/// container's Redis, or haproxy or socat forwarding to it, expose the
/// service as much as the server itself. Each is named with its owner.
pub fn judge(
    id: &str,
    what: &str,
    names: &[&str],
    ports: &[u16],
    listening: &[Listener],
) -> Finding {
    let is_service = |l: &Listener| {
        ports.contains(&l.port)
            || l.owner
                .as_ref()
                .is_some_and(|(comm, _)| names.iter().any(|n| comm.contains(n)))
    };
    let ours: Vec<&Listener> = listening.iter().filter(|l| is_service(l)).collect();
    let list: Vec<String> = ports.iter().map(u16::to_string).collect();
    if ours.is_empty() {
        return Finding::new(
            id,
            Outcome::Skipped,
            format!(
                "no {what} process listens here, nor anything on port {}: not the {what} host, so check its firewall there",
                list.join(" or ")
            ),
        );
    }
    let of = |r: &[Reach]| -> Vec<String> {
        ours.iter()
            .filter(|l| r.contains(&reach(l.ip)))
            .map(|l| shown(l))
            .collect()
    };
    let open = of(&[Reach::Everywhere]);
    let public = of(&[Reach::Public]);
    let private = of(&[Reach::Private]);
    let all: Vec<String> = ours.iter().map(|l| shown(l)).collect();
    let fix = format!(
        "Bind {what} to 127.0.0.1 (or the private address its clients use) and firewall the port."
    );
    if !open.is_empty() || !public.is_empty() {
        let mut parts = Vec::new();
        if !open.is_empty() {
            parts.push(format!("on every interface: {}", open.join(", ")));
        }
        if !public.is_empty() {
            parts.push(format!("on a public address: {}", public.join(", ")));
        }
        Finding::new(
            id,
            Outcome::Fail,
            format!(
                "{what} listens {}: exposed unless a firewall blocks it",
                parts.join("; ")
            ),
        )
        .fix(fix)
    } else if !private.is_empty() {
        Finding::new(
            id,
            Outcome::Warn,
            format!(
                "{what} listens on a private address ({}): reachable from that network, so its firewall must allow only the app servers",
                private.join(", ")
            ),
        )
        .fix(fix)
    } else {
        Finding::new(
            id,
            Outcome::Pass,
            format!("{what} listens on {} only", all.join(", ")),
        )
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

    fn at(ip: &str, port: u16, owner: Option<&str>) -> Listener {
        Listener {
            ip: ip.parse().unwrap(),
            port,
            inode: 0,
            owner: owner.map(|o| (o.to_string(), 42)),
        }
    }

    #[test]
    fn tables_parse() {
        let l = listeners(TCP);
        let short: Vec<(IpAddr, u16, u64)> = l.iter().map(|l| (l.ip, l.port, l.inode)).collect();
        assert_eq!(
            short,
            vec![
                ("127.0.0.1".parse().unwrap(), 6379, 1),
                ("0.0.0.0".parse().unwrap(), 5432, 2)
            ]
        );
        let l6: Vec<(IpAddr, u16)> = listeners(TCP6).iter().map(|l| (l.ip, l.port)).collect();
        assert_eq!(
            l6,
            vec![
                ("::".parse().unwrap(), 5432),
                ("::1".parse().unwrap(), 6379)
            ]
        );
        assert!(listeners("garbage\nmore garbage 0A\n").is_empty());
    }

    #[test]
    fn every_interface_and_public_fail_private_warns_loopback_passes() {
        let redis = |l: Vec<Listener>| judge("r", "Redis", &["redis"], &[6379], &l);
        let f = redis(vec![at("127.0.0.1", 6379, Some("redis-server"))]);
        assert_eq!(f.outcome, Outcome::Pass);
        assert_eq!(
            f.evidence,
            "Redis listens on 127.0.0.1:6379 (redis-server, pid 42) only"
        );
        let f = redis(vec![at("0.0.0.0", 6379, None), at("::", 6379, None)]);
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(
            f.evidence
                .contains("every interface: 0.0.0.0:6379, [::]:6379"),
            "{}",
            f.evidence
        );
        let f = redis(vec![at("203.0.113.7", 6379, Some("redis-server"))]);
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(
            f.evidence.contains("on a public address: 203.0.113.7:6379"),
            "{}",
            f.evidence
        );
        for private in [
            "10.1.2.3",
            "172.20.0.5",
            "192.168.1.9",
            "100.64.0.2",
            "fd00::5",
            "fe80::1",
        ] {
            let f = redis(vec![at(private, 6379, Some("redis-server"))]);
            assert_eq!(f.outcome, Outcome::Warn, "{private}");
            assert!(
                f.evidence.contains("private address"),
                "{private}: {}",
                f.evidence
            );
        }
    }

    #[test]
    fn the_owner_names_the_service_and_its_port_counts_whoever_holds_it() {
        // Redis moved to 6380 with nothing in REDIS_URL saying so: found
        // by its name.
        let l = vec![at("0.0.0.0", 6380, Some("redis-server"))];
        let f = judge("r", "Redis", &["redis"], &[6379], &l);
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence.contains("0.0.0.0:6380 (redis-server, pid 42)"),
            "{}",
            f.evidence
        );
        // Docker publishing a container's Redis: docker-proxy holds the
        // port on every interface, which exposes Redis all the same.
        let l = vec![at("0.0.0.0", 6379, Some("docker-proxy"))];
        let f = judge("r", "Redis", &["redis"], &[6379], &l);
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence.contains("(docker-proxy, pid 42)"),
            "{}",
            f.evidence
        );
        let l = vec![at("10.0.0.4", 5432, Some("pgbouncer"))];
        let f = judge("d", "PostgreSQL", &["postgres", "pgbouncer"], &[6432], &l);
        assert_eq!(f.outcome, Outcome::Warn, "{}", f.evidence);
        let l = vec![at("0.0.0.0", 8080, Some("nginx"))];
        let f = judge("r", "Redis", &["redis"], &[6379], &l);
        assert_eq!(f.outcome, Outcome::Skipped, "{}", f.evidence);
    }

    #[test]
    fn owners_come_from_fd_links() {
        let root = tempfile::tempdir().unwrap();
        let pid = root.path().join("4242");
        std::fs::create_dir_all(pid.join("fd")).unwrap();
        std::fs::write(pid.join("comm"), "redis-server\n").unwrap();
        std::os::unix::fs::symlink("socket:[777]", pid.join("fd/5")).unwrap();
        std::os::unix::fs::symlink("/dev/null", pid.join("fd/0")).unwrap();
        std::fs::create_dir_all(root.path().join("self")).unwrap();
        let mut l = vec![Listener {
            ip: "127.0.0.1".parse().unwrap(),
            port: 6379,
            inode: 777,
            owner: None,
        }];
        find_owners(root.path(), &mut l);
        assert_eq!(l[0].owner, Some(("redis-server".to_string(), 4242)));
    }
}
