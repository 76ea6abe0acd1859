//! `network.firewall` from the host's own packet filter, read without
//! changing anything: `ufw status verbose`, `nft -j list ruleset`, then
//! `iptables -S INPUT`. Each is a listing command; none loads a rule. A
//! filter that cannot be read (not root, no tool) is `unknown` with the
//! command to run. A cloud firewall (security group) is not seen from the
//! host; the evidence says so.

use std::process::Command;
use std::time::Duration;

use crate::detect::{Finding, Outcome};

const ID: &str = "network.firewall";
const CLOUD: &str = "a cloud firewall or security group in front of the host is not seen from here";

/// What one listing said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Incoming traffic is denied unless a rule allows it.
    DefaultDeny(String),
    /// Rules exist but incoming traffic is accepted by default.
    Open(String),
    /// This tool manages nothing here (ufw inactive, no input chain).
    Nothing(String),
}

/// `ufw status verbose`.
pub fn ufw(text: &str) -> Filter {
    if !text.lines().any(|l| l.trim() == "Status: active") {
        return Filter::Nothing("ufw is inactive".into());
    }
    let default = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Default:"))
        .unwrap_or("")
        .trim()
        .to_string();
    let rules = text
        .lines()
        .skip_while(|l| !l.starts_with("--"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    if default.starts_with("deny (incoming)") || default.starts_with("reject (incoming)") {
        Filter::DefaultDeny(format!("ufw active, {default}; {rules} rule(s)"))
    } else {
        Filter::Open(format!("ufw active but its default is {default:?}"))
    }
}

/// A rule that decides every packet that reaches it: its expressions
/// are only a verdict, with at most a counter or log beside it.
fn unconditional(expr: &[serde_json::Value], verdicts: &[&str]) -> bool {
    let mut verdict = false;
    for e in expr {
        let Some(o) = e.as_object() else { return false };
        if o.keys().any(|k| verdicts.contains(&k.as_str())) {
            verdict = true;
        } else if !o
            .keys()
            .all(|k| matches!(k.as_str(), "counter" | "log" | "limit"))
        {
            return false;
        }
    }
    verdict
}

/// An input chain: (family, table, name), policy drop, its last rule
/// drops, a rule accepts everything before that.
type Chain = ((String, String, String), bool, bool, bool);

/// `nft -j list ruleset`: the filter chains hooked at input of the ip,
/// ip6 and inet families (bridge, arp and netdev do not guard the host's
/// own sockets) in tables that are not dormant; whether each denies by
/// default (policy drop, or an unconditional drop or reject as its last
/// rule) and does not accept everything before that; and whether IPv4
/// and IPv6 are both covered.
pub fn nft(json: &str) -> Result<Filter, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("nft printed no JSON: {e}"))?;
    let items = v["nftables"]
        .as_array()
        .ok_or("nft's JSON has no nftables list")?;
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    let dormant: Vec<(String, String)> = items
        .iter()
        .filter_map(|it| it.get("table"))
        .filter(|t| {
            t["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "dormant"))
                || t["flags"] == "dormant"
        })
        .map(|t| (s(&t["family"]), s(&t["name"])))
        .collect();
    let mut chains: Vec<Chain> = Vec::new();
    let mut rules = 0usize;
    for it in items {
        if let Some(c) = it.get("chain") {
            let family = s(&c["family"]);
            if c["hook"] == "input"
                && c["type"] == "filter"
                && matches!(family.as_str(), "ip" | "ip6" | "inet")
                && !dormant.contains(&(family.clone(), s(&c["table"])))
            {
                chains.push((
                    (family, s(&c["table"]), s(&c["name"])),
                    c["policy"] == "drop",
                    false,
                    false,
                ));
            }
        } else if let Some(r) = it.get("rule") {
            rules += 1;
            let key = (s(&r["family"]), s(&r["table"]), s(&r["chain"]));
            if let Some(ch) = chains.iter_mut().find(|c| c.0 == key) {
                let expr = r["expr"].as_array().cloned().unwrap_or_default();
                if !ch.2 && unconditional(&expr, &["accept"]) {
                    ch.3 = true;
                }
                ch.2 = unconditional(&expr, &["drop", "reject"]);
            }
        }
    }
    if chains.is_empty() {
        return Ok(Filter::Nothing(format!(
            "nftables has no input filter chain for ip, ip6 or inet ({rules} rule(s) elsewhere)"
        )));
    }
    let denies = |c: &Chain| (c.1 || c.2) && !c.3;
    let name = |c: &Chain| {
        let how = if c.3 {
            "accepts everything in a rule"
        } else if c.1 {
            "policy drop"
        } else if c.2 {
            "ends with a drop rule"
        } else {
            "policy accept"
        };
        format!("{} {} {} ({how})", c.0.0, c.0.1, c.0.2)
    };
    let covered = |fam: &str| {
        chains
            .iter()
            .any(|c| denies(c) && (c.0.0 == "inet" || c.0.0 == fam))
    };
    let listed: Vec<String> = chains.iter().map(name).collect();
    // Every input chain sees each packet: any that accepts everything
    // leaves that family open; one that denies closes it.
    let open: Vec<String> = chains.iter().filter(|c| c.3).map(name).collect();
    Ok(if !open.is_empty() {
        Filter::Open(format!("nftables: {}", open.join(", ")))
    } else if covered("ip") && covered("ip6") {
        Filter::DefaultDeny(format!(
            "nftables: {}; {rules} rule(s) in all",
            listed.join(", ")
        ))
    } else if covered("ip") || covered("ip6") {
        Filter::Open(format!(
            "nftables denies only {} by default: {}; the other family reaches every port",
            if covered("ip") { "IPv4" } else { "IPv6" },
            listed.join(", ")
        ))
    } else {
        Filter::Open(format!(
            "nftables input chains accept by default: {}",
            listed.join(", ")
        ))
    })
}

/// `iptables -S INPUT` (or `ip6tables -S INPUT`).
pub fn iptables(text: &str) -> Filter {
    let policy = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("-P INPUT "))
        .unwrap_or("")
        .trim();
    let rules: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("-A INPUT"))
        .collect();
    let accepts_all = rules.contains(&"-A INPUT -j ACCEPT");
    let last_drops = rules
        .last()
        .is_some_and(|l| *l == "-A INPUT -j DROP" || l.starts_with("-A INPUT -j REJECT"));
    if accepts_all {
        Filter::Open("iptables INPUT has a rule accepting everything (-A INPUT -j ACCEPT)".into())
    } else if policy == "DROP" || policy == "REJECT" {
        Filter::DefaultDeny(format!(
            "iptables INPUT policy {policy}; {} rule(s)",
            rules.len()
        ))
    } else if last_drops {
        Filter::DefaultDeny(format!(
            "iptables INPUT ends with a drop rule; {} rule(s)",
            rules.len()
        ))
    } else if rules.is_empty() {
        Filter::Nothing(format!("iptables INPUT has no rule and policy {policy}"))
    } else {
        Filter::Open(format!(
            "iptables INPUT policy {policy} with {} rule(s) and no final drop",
            rules.len()
        ))
    }
}

/// Where the listing tools are looked for: the system's own folders
/// only, never PATH (as root, a PATH entry of `.` or a folder the
/// project controls would run its program).
const SYSTEM_DIRS: [&str; 4] = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/// Runs a listing tool from the system's folders; `Err` says why it told
/// nothing.
fn list(tool: &str, args: &[&str]) -> Result<String, String> {
    let path = SYSTEM_DIRS
        .iter()
        .map(|d| std::path::Path::new(d).join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{tool} is not installed"))?;
    let mut c = Command::new(path);
    c.args(args).env("LC_ALL", "C");
    let out = crate::detect::proc::run(c, Duration::from_secs(5))
        .map_err(|e| format!("{tool} {}: {e}", args.join(" ")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(format!(
            "{tool} {} failed: {}",
            args.join(" "),
            crate::util::redact::redact(first)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The finding from the host's filters, asked in order: ufw, nftables,
/// iptables.
pub fn detect() -> Finding {
    let mut notes = Vec::new();
    let mut open: Option<String> = None;
    let asked = [
        ("ufw", vec!["status", "verbose"]),
        ("nft", vec!["-j", "list", "ruleset"]),
        ("iptables", vec!["-S", "INPUT"]),
        ("ip6tables", vec!["-S", "INPUT"]),
    ];
    let mut v4: Option<Filter> = None;
    for (tool, args) in asked {
        let text = match list(tool, &args) {
            Ok(t) => t,
            Err(why) => {
                notes.push(why);
                continue;
            }
        };
        let filter = match tool {
            "ufw" => ufw(&text),
            "nft" => match nft(&text) {
                Ok(f) => f,
                Err(why) => {
                    notes.push(why);
                    continue;
                }
            },
            _ => iptables(&text),
        };
        // iptables guards IPv4 only: its verdict waits for ip6tables'.
        if tool == "iptables" {
            v4 = Some(filter);
            continue;
        }
        let filter = match (tool, v4.take(), filter) {
            ("ip6tables", Some(Filter::DefaultDeny(a)), Filter::DefaultDeny(b)) => {
                Filter::DefaultDeny(format!("{a}; ip6{b}"))
            }
            ("ip6tables", Some(Filter::DefaultDeny(a)), _) => Filter::Open(format!(
                "{a}, but ip6tables INPUT does not deny by default: IPv6 reaches every port"
            )),
            ("ip6tables", Some(other), _) => other,
            (_, _, f) => f,
        };
        match filter {
            Filter::DefaultDeny(how) => {
                return Finding::new(ID, Outcome::Pass, format!("{how}; {CLOUD}"));
            }
            Filter::Open(how) => open = open.or(Some(how)),
            Filter::Nothing(how) => notes.push(how),
        }
    }
    // iptables without ip6tables to ask.
    match v4 {
        Some(Filter::DefaultDeny(a)) => {
            open = open.or(Some(format!(
                "{a}, but IPv6 could not be read (no ip6tables)"
            )));
        }
        Some(Filter::Open(how)) => open = open.or(Some(how)),
        Some(Filter::Nothing(how)) => notes.push(how),
        None => {}
    }
    if let Some(how) = open {
        return Finding::new(ID, Outcome::Fail, format!("{how}; {CLOUD}"))
            .fix("Deny incoming by default and allow only 22, 80 and 443 (ufw default deny incoming; ufw allow 22,80,443/tcp; ufw enable), or set policy drop on the nftables input chain.");
    }
    let readable = notes
        .iter()
        .any(|n| n.contains("inactive") || n.contains("no input") || n.contains("has no rule"));
    if readable {
        Finding::new(
            ID,
            Outcome::Fail,
            format!("no packet filter on this host: {}; {CLOUD}", notes.join("; ")),
        )
        .fix("Deny incoming by default and allow only 22, 80 and 443 (ufw default deny incoming; ufw allow 22,80,443/tcp; ufw enable).")
    } else {
        Finding::new(
            ID,
            Outcome::Unknown,
            format!(
                "the packet filter could not be read ({}); as root, run: nft list ruleset (or iptables -S INPUT, or ufw status verbose)",
                notes.join("; ")
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ufw_states() {
        let active = "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n443/tcp                    ALLOW IN    Anywhere\n";
        assert!(
            matches!(ufw(active), Filter::DefaultDeny(s) if s.contains("2 rule(s)")),
            "{:?}",
            ufw(active)
        );
        let allow = active.replace("deny (incoming)", "allow (incoming)");
        assert!(matches!(ufw(&allow), Filter::Open(_)));
        assert!(matches!(ufw("Status: inactive\n"), Filter::Nothing(_)));
    }

    #[test]
    fn iptables_states() {
        assert!(matches!(
            iptables("-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n"),
            Filter::DefaultDeny(_)
        ));
        assert!(matches!(
            iptables("-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\n"),
            Filter::DefaultDeny(_)
        ));
        assert!(matches!(
            iptables("-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"),
            Filter::Open(_)
        ));
        assert!(matches!(iptables("-P INPUT ACCEPT\n"), Filter::Nothing(_)));
        assert!(matches!(
            iptables("-P INPUT DROP\n-A INPUT -j ACCEPT\n"),
            Filter::Open(_)
        ));
    }

    #[test]
    fn nft_states() {
        let deny = r#"{"nftables":[{"metainfo":{}},{"table":{"family":"inet","name":"filter"}},{"chain":{"family":"inet","table":"filter","name":"input","type":"filter","hook":"input","prio":0,"policy":"drop"}},{"rule":{"family":"inet","table":"filter","chain":"input","expr":[{"match":{"op":"==","left":{"meta":{"key":"iifname"}},"right":"lo"}},{"accept":null}]}}]}"#;
        assert!(
            matches!(nft(deny), Ok(Filter::DefaultDeny(s)) if s.contains("inet filter input (policy drop)"))
        );
        let accept = deny.replace(r#""policy":"drop""#, r#""policy":"accept""#);
        assert!(matches!(nft(&accept), Ok(Filter::Open(_))));
        let final_drop = accept.replace(
            r#"{"accept":null}]}}]}"#,
            r#"{"accept":null}]}},{"rule":{"family":"inet","table":"filter","chain":"input","expr":[{"drop":null}]}}]}"#,
        );
        assert!(
            matches!(nft(&final_drop), Ok(Filter::DefaultDeny(s)) if s.contains("ends with a drop rule")),
            "{:?}",
            nft(&final_drop)
        );
        assert!(matches!(
            nft(r#"{"nftables":[{"metainfo":{}}]}"#),
            Ok(Filter::Nothing(_))
        ));
        // IPv4 alone, a dormant table, a bridge chain, a conditional final
        // drop, an accept-all rule before the drop: none is default deny.
        let ip_only = deny.replace(r#""family":"inet""#, r#""family":"ip""#);
        assert!(
            matches!(nft(&ip_only), Ok(Filter::Open(s)) if s.contains("only IPv4")),
            "{:?}",
            nft(&ip_only)
        );
        let dormant = deny.replace(
            r#"{"table":{"family":"inet","name":"filter"}}"#,
            r#"{"table":{"family":"inet","name":"filter","flags":["dormant"]}}"#,
        );
        assert!(
            matches!(nft(&dormant), Ok(Filter::Nothing(_))),
            "{:?}",
            nft(&dormant)
        );
        let bridge = deny.replace(r#""family":"inet""#, r#""family":"bridge""#);
        assert!(matches!(nft(&bridge), Ok(Filter::Nothing(_))));
        let port_drop = accept.replace(
            r#"{"accept":null}]}}]}"#,
            r#"{"accept":null}]}},{"rule":{"family":"inet","table":"filter","chain":"input","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":23}},{"drop":null}]}}]}"#,
        );
        assert!(
            matches!(nft(&port_drop), Ok(Filter::Open(_))),
            "{:?}",
            nft(&port_drop)
        );
        let accept_all = deny.replace(
            r#"{"accept":null}]}}]}"#,
            r#"{"accept":null}]}},{"rule":{"family":"inet","table":"filter","chain":"input","expr":[{"counter":{"packets":0,"bytes":0}},{"accept":null}]}}]}"#,
        );
        assert!(
            matches!(nft(&accept_all), Ok(Filter::Open(s)) if s.contains("accepts everything")),
            "{:?}",
            nft(&accept_all)
        );
        assert!(nft("not json").is_err());
    }
}
