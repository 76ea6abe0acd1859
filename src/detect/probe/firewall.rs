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

/// `nft -j list ruleset`: the chains hooked at input, their policy and
/// whether their last rule drops or rejects.
pub fn nft(json: &str) -> Result<Filter, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("nft printed no JSON: {e}"))?;
    let items = v["nftables"]
        .as_array()
        .ok_or("nft's JSON has no nftables list")?;
    let mut chains: Vec<(String, String, String)> = Vec::new();
    let mut last_verdict: std::collections::HashMap<(String, String, String), String> =
        Default::default();
    let mut rules = 0usize;
    for it in items {
        if let Some(c) = it.get("chain") {
            if c["hook"] == "input" && c["type"] == "filter" {
                chains.push((
                    c["family"].as_str().unwrap_or("").to_string(),
                    c["table"].as_str().unwrap_or("").to_string(),
                    c["name"].as_str().unwrap_or("").to_string(),
                ));
                last_verdict.insert(
                    (
                        c["family"].as_str().unwrap_or("").to_string(),
                        c["table"].as_str().unwrap_or("").to_string(),
                        c["name"].as_str().unwrap_or("").to_string(),
                    ),
                    format!("policy:{}", c["policy"].as_str().unwrap_or("accept")),
                );
            }
        } else if let Some(r) = it.get("rule") {
            rules += 1;
            let key = (
                r["family"].as_str().unwrap_or("").to_string(),
                r["table"].as_str().unwrap_or("").to_string(),
                r["chain"].as_str().unwrap_or("").to_string(),
            );
            if let Some(slot) = last_verdict.get_mut(&key) {
                let policy = slot.split(';').next().unwrap_or("").to_string();
                let expr = r["expr"].as_array().cloned().unwrap_or_default();
                let drops = expr
                    .iter()
                    .any(|e| e.get("drop").is_some() || e.get("reject").is_some())
                    && expr.len() <= 2;
                *slot = format!("{policy};last:{}", if drops { "drop" } else { "other" });
            }
        }
    }
    if chains.is_empty() {
        return Ok(Filter::Nothing(format!(
            "nftables has no input filter chain ({rules} rule(s) elsewhere)"
        )));
    }
    let mut deny = Vec::new();
    let mut open = Vec::new();
    for key in &chains {
        let state = last_verdict.get(key).cloned().unwrap_or_default();
        let name = format!("{} {} {}", key.0, key.1, key.2);
        if state.starts_with("policy:drop") {
            deny.push(format!("{name} (policy drop)"));
        } else if state.ends_with("last:drop") {
            deny.push(format!("{name} (ends with a drop rule)"));
        } else {
            open.push(format!("{name} (policy accept)"));
        }
    }
    // Every input chain sees each packet: one that denies by default is
    // enough, as long as none is meant to be the filter and accepts.
    Ok(if deny.is_empty() {
        Filter::Open(format!(
            "nftables input chains accept by default: {}",
            open.join(", ")
        ))
    } else {
        Filter::DefaultDeny(format!(
            "nftables: {}; {rules} rule(s) in all",
            deny.join(", ")
        ))
    })
}

/// `iptables -S INPUT`.
pub fn iptables(text: &str) -> Filter {
    let policy = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("-P INPUT "))
        .unwrap_or("")
        .trim();
    let rules: Vec<&str> = text.lines().filter(|l| l.starts_with("-A INPUT")).collect();
    let last_drops = rules.last().is_some_and(|l| {
        l.trim() == "-A INPUT -j DROP" || l.trim().starts_with("-A INPUT -j REJECT")
    });
    if policy == "DROP" || policy == "REJECT" {
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

/// Runs a listing tool found on PATH; `Err` says why it told nothing.
fn list(tool: &str, args: &[&str]) -> Result<String, String> {
    let path = which::which(tool).map_err(|_| format!("{tool} is not installed"))?;
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
    ];
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
        match filter {
            Filter::DefaultDeny(how) => {
                return Finding::new(ID, Outcome::Pass, format!("{how}; {CLOUD}"));
            }
            Filter::Open(how) => open = open.or(Some(how)),
            Filter::Nothing(how) => notes.push(how),
        }
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
        assert!(nft("not json").is_err());
    }
}
