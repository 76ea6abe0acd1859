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
/// `ufw status verbose`, with `/etc/default/ufw`'s text (ufw leaves IPv6
/// unfiltered when it says `IPV6=no`).
pub fn ufw(text: &str, defaults: &str) -> Filter {
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
    let no_v6 = defaults
        .lines()
        .any(|l| l.trim().replace('"', "").eq_ignore_ascii_case("IPV6=no"));
    if no_v6 {
        Filter::Open(
            "ufw active, but /etc/default/ufw says IPV6=no: IPv6 reaches every port".into(),
        )
    } else if default.starts_with("deny (incoming)") || default.starts_with("reject (incoming)") {
        Filter::DefaultDeny(format!("ufw active, {default}; {rules} rule(s)"))
    } else {
        Filter::Open(format!("ufw active but its default is {default:?}"))
    }
}

/// The verdict of a rule that decides every packet reaching it (its
/// expressions are a verdict with at most a counter or log beside it),
/// or of one that matches only on a connection state that includes
/// `new` (`ct state new,established accept` lets every connection in).
fn unconditional(expr: &[serde_json::Value]) -> Option<(String, String)> {
    let mut verdict = None;
    for e in expr {
        let o = e.as_object()?;
        if let Some(k) = ["accept", "drop", "reject", "jump", "goto"]
            .iter()
            .find(|k| o.contains_key(**k))
        {
            let target = e[*k]["target"].as_str().unwrap_or("").to_string();
            verdict = Some((k.to_string(), target));
        } else if o.keys().all(|k| matches!(k.as_str(), "counter" | "log")) {
        } else if let Some(m) = o.get("match") {
            let on_state = m["left"]["ct"]["key"] == "state";
            let right = m["right"].to_string();
            if !(on_state && right.contains("new")) {
                return None;
            }
        } else {
            return None;
        }
    }
    verdict
}

/// A chain's rules, each its expressions.
type Rules = Vec<Vec<serde_json::Value>>;

/// Whether a chain accepts every packet somewhere (an unconditional
/// accept, or an unconditional jump or goto to a chain that does).
fn accepts_all(
    chain: &(String, String, String),
    all: &[((String, String, String), Rules)],
    depth: u8,
) -> bool {
    let Some((_, rules)) = all.iter().find(|(k, _)| k == chain) else {
        return false;
    };
    rules.iter().any(|expr| match unconditional(expr) {
        Some((v, _)) if v == "accept" => true,
        Some((v, target)) if (v == "jump" || v == "goto") && depth < 8 => {
            accepts_all(&(chain.0.clone(), chain.1.clone(), target), all, depth + 1)
        }
        _ => false,
    })
}

/// `nft -j list ruleset`: the filter chains hooked at input of the ip,
/// ip6 and inet families (bridge, arp and netdev do not guard the host's
/// own sockets) in tables without flags harden cannot read (a dormant
/// table filters nothing; nft 1.0.6 prints its flags wrongly); whether
/// each denies by default (policy drop, or an unconditional drop or
/// reject as its last rule) and never accepts everything (directly,
/// through a jump or goto, or by connection state); whether IPv4 and IPv6
/// are both covered.
pub fn nft(json: &str) -> Result<Filter, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("nft printed no JSON: {e}"))?;
    let items = v["nftables"]
        .as_array()
        .ok_or("nft's JSON has no nftables list")?;
    let s = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    let mut skipped: Vec<String> = Vec::new();
    let mut live: Vec<(String, String)> = Vec::new();
    for t in items.iter().filter_map(|it| it.get("table")) {
        let key = (s(&t["family"]), s(&t["name"]));
        if !matches!(key.0.as_str(), "ip" | "ip6" | "inet") {
            continue;
        }
        let plain = match &t["flags"] {
            serde_json::Value::Null => true,
            serde_json::Value::Array(f) => f.iter().all(|x| x == "owner" || x == "persist"),
            _ => false,
        };
        if plain {
            live.push(key);
        } else {
            skipped.push(format!("{} {} (flags {})", key.0, key.1, t["flags"]));
        }
    }
    let mut all: Vec<((String, String, String), Rules)> = Vec::new();
    let mut hooked: Vec<((String, String, String), bool)> = Vec::new();
    let mut rules = 0usize;
    for it in items {
        if let Some(c) = it.get("chain") {
            let key = (s(&c["family"]), s(&c["table"]), s(&c["name"]));
            if !live.contains(&(key.0.clone(), key.1.clone())) {
                continue;
            }
            if c["hook"] == "input" && c["type"] == "filter" {
                hooked.push((key.clone(), c["policy"] == "drop"));
            }
            all.push((key, Vec::new()));
        } else if let Some(r) = it.get("rule") {
            rules += 1;
            let key = (s(&r["family"]), s(&r["table"]), s(&r["chain"]));
            if let Some((_, list)) = all.iter_mut().find(|(k, _)| *k == key) {
                list.push(r["expr"].as_array().cloned().unwrap_or_default());
            }
        }
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!("; tables not counted: {}", skipped.join(", "))
    };
    if hooked.is_empty() {
        return Ok(Filter::Nothing(format!(
            "nftables has no input filter chain for ip, ip6 or inet ({rules} rule(s) elsewhere){skipped}"
        )));
    }
    // (key, how, denies)
    let judged: Vec<(&(String, String, String), &str, bool)> = hooked
        .iter()
        .map(|(key, policy_drop)| {
            let list = all
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, r)| r.as_slice())
                .unwrap_or(&[]);
            let last_drops = list.last().is_some_and(|e| {
                unconditional(e).is_some_and(|(v, _)| v == "drop" || v == "reject")
            });
            if accepts_all(key, &all, 0) {
                (key, "accepts everything in a rule", false)
            } else if *policy_drop {
                (key, "policy drop", true)
            } else if last_drops {
                (key, "ends with a drop rule", true)
            } else {
                (key, "policy accept", false)
            }
        })
        .collect();
    let name = |(k, how, _): &(&(String, String, String), &str, bool)| {
        format!("{} {} {} ({how})", k.0, k.1, k.2)
    };
    let listed: Vec<String> = judged.iter().map(name).collect();
    let open: Vec<String> = judged
        .iter()
        .filter(|j| j.1 == "accepts everything in a rule")
        .map(name)
        .collect();
    let covered = |fam: &str| {
        judged
            .iter()
            .any(|j| j.2 && (j.0.0 == "inet" || j.0.0 == fam))
    };
    Ok(if !open.is_empty() {
        Filter::Open(format!("nftables: {}{skipped}", open.join(", ")))
    } else if covered("ip") && covered("ip6") {
        Filter::DefaultDeny(format!(
            "nftables: {}; {rules} rule(s) in all{skipped}",
            listed.join(", ")
        ))
    } else if covered("ip") || covered("ip6") {
        Filter::Open(format!(
            "nftables denies only {} by default: {}; the other family reaches every port{skipped}",
            if covered("ip") { "IPv4" } else { "IPv6" },
            listed.join(", ")
        ))
    } else {
        Filter::Open(format!(
            "nftables input chains accept by default: {}{skipped}",
            listed.join(", ")
        ))
    })
}

/// An `iptables -S` rule with its comment taken out: `-A CHAIN` and the
/// rest, as words.
fn rule_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    // `-m comment --comment TEXT` matches every packet.
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let comment = (words[i] == "-m" && words.get(i + 1).is_some_and(|w| w == "comment"))
            || words[i] == "--comment";
        if comment {
            i += 2;
        } else {
            out.push(words[i].clone());
            i += 1;
        }
    }
    out
}

/// The target of a rule that matches every packet (or every new
/// connection), if it is one: `-A CHAIN [-m conntrack --ctstate …NEW…]
/// -j TARGET`.
fn unconditional_target(words: &[String]) -> Option<&str> {
    let rest = words.get(2..)?;
    match rest {
        [j, t] if j == "-j" => Some(t),
        [m, c, s, states, j, t]
            if m == "-m"
                && (c == "conntrack" || c == "state")
                && (s == "--ctstate" || s == "--state")
                && states.split(',').any(|x| x == "NEW")
                && j == "-j" =>
        {
            Some(t)
        }
        _ => None,
    }
}

fn chain_rules<'a>(rules: &'a [Vec<String>], chain: &str) -> Vec<&'a Vec<String>> {
    rules
        .iter()
        .filter(|w| w.get(1).is_some_and(|c| c == chain))
        .collect()
}

/// Whether a chain accepts every packet, directly or through a user chain.
fn accepts(rules: &[Vec<String>], chain: &str, depth: u8) -> bool {
    chain_rules(rules, chain)
        .iter()
        .any(|w| match unconditional_target(w) {
            Some("ACCEPT") => true,
            Some(t) if depth < 8 && !matches!(t, "DROP" | "REJECT" | "RETURN" | "LOG") => {
                accepts(rules, t, depth + 1)
            }
            _ => false,
        })
}

/// `iptables -S` (or `ip6tables -S`): the INPUT chain's policy, whether
/// its last rule drops every packet, and whether any rule accepts every
/// packet, directly or through a user chain that does.
pub fn iptables(tool: &str, text: &str) -> Filter {
    let policy = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("-P INPUT "))
        .unwrap_or("")
        .trim()
        .to_string();
    let rules: Vec<Vec<String>> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("-A "))
        .map(rule_words)
        .collect();
    let input = chain_rules(&rules, "INPUT");
    let last_drops = input
        .last()
        .is_some_and(|w| matches!(unconditional_target(w), Some("DROP" | "REJECT")));
    if accepts(&rules, "INPUT", 0) {
        Filter::Open(format!("{tool} INPUT has a rule accepting every packet"))
    } else if policy == "DROP" || policy == "REJECT" {
        Filter::DefaultDeny(format!(
            "{tool} INPUT policy {policy}; {} rule(s)",
            input.len()
        ))
    } else if last_drops {
        Filter::DefaultDeny(format!(
            "{tool} INPUT ends with a drop rule; {} rule(s)",
            input.len()
        ))
    } else if input.is_empty() {
        Filter::Nothing(format!("{tool} INPUT has no rule and policy {policy}"))
    } else {
        Filter::Open(format!(
            "{tool} INPUT policy {policy} with {} rule(s) and no final drop",
            input.len()
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
    // The fleet key is harden's alone: no child sees it.
    c.env_remove(crate::detect::fingerprint::KEY_ENV)
        .env_remove(crate::detect::fingerprint::KEY_FILE_ENV);
    // Four tools at most, each under 2 s: within the detector's 10 s.
    let out = crate::detect::proc::run_grouped(c, Duration::from_secs(2))
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
        ("iptables", vec!["-S"]),
        ("ip6tables", vec!["-S"]),
    ];
    let mut v4: Option<Filter> = None;
    let mut v4_unread = false;
    for (tool, args) in asked {
        let text = match list(tool, &args) {
            Ok(t) => t,
            Err(why) => {
                v4_unread |= tool == "iptables" && !why.ends_with("is not installed");
                notes.push(why);
                continue;
            }
        };
        let filter = match tool {
            "ufw" => ufw(
                &text,
                &std::fs::read_to_string("/etc/default/ufw").unwrap_or_default(),
            ),
            "nft" => match nft(&text) {
                Ok(f) => f,
                Err(why) => {
                    notes.push(why);
                    continue;
                }
            },
            _ => iptables(tool, &text),
        };
        // iptables guards IPv4 only: its verdict waits for ip6tables'.
        if tool == "iptables" {
            v4 = Some(filter);
            continue;
        }
        let filter = match (tool, v4.take(), filter) {
            ("ip6tables", Some(Filter::DefaultDeny(a)), Filter::DefaultDeny(b)) => {
                Filter::DefaultDeny(format!("{a}; {b}"))
            }
            ("ip6tables", None, Filter::DefaultDeny(b)) if v4_unread => {
                Filter::Open(format!("{b}, but IPv4 could not be read with iptables"))
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
        let on = "Status: active\nDefault: deny (incoming), allow (outgoing)\n";
        assert!(matches!(ufw(on, "IPV6=no\n"), Filter::Open(_)));
        let active = "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\n443/tcp                    ALLOW IN    Anywhere\n";
        assert!(
            matches!(ufw(active, "IPV6=yes\n"), Filter::DefaultDeny(s) if s.contains("2 rule(s)")),
            "{:?}",
            ufw(active, "IPV6=yes\n")
        );
        let allow = active.replace("deny (incoming)", "allow (incoming)");
        assert!(matches!(ufw(&allow, ""), Filter::Open(_)));
        assert!(matches!(ufw("Status: inactive\n", ""), Filter::Nothing(_)));
    }

    #[test]
    fn iptables_states() {
        // Accept-all in disguise: a comment, a user chain, NEW connections.
        for text in [
            "-P INPUT DROP\n-A INPUT -m comment --comment \"allow all\" -j ACCEPT\n",
            "-P INPUT DROP\n-N ALLOW_ALL\n-A INPUT -j ALLOW_ALL\n-A ALLOW_ALL -j ACCEPT\n",
            "-P INPUT DROP\n-A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT\n",
        ] {
            assert!(
                matches!(iptables("iptables", text), Filter::Open(_)),
                "{text}"
            );
        }
        assert!(matches!(
            iptables(
                "iptables",
                "-P INPUT DROP\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"
            ),
            Filter::DefaultDeny(_)
        ));
        assert!(matches!(
            iptables("iptables", "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n"),
            Filter::DefaultDeny(_)
        ));
        assert!(matches!(
            iptables(
                "iptables",
                "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP\n"
            ),
            Filter::DefaultDeny(_)
        ));
        assert!(matches!(
            iptables(
                "iptables",
                "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"
            ),
            Filter::Open(_)
        ));
        assert!(matches!(
            iptables("iptables", "-P INPUT ACCEPT\n"),
            Filter::Nothing(_)
        ));
        assert!(matches!(
            iptables("iptables", "-P INPUT DROP\n-A INPUT -j ACCEPT\n"),
            Filter::Open(_)
        ));
    }

    #[test]
    fn nft_states() {
        // nft 1.0.6 prints a dormant table's flags as its name.
        let weird = r#"{"nftables":[{"table":{"family":"inet","name":"x","flags":"x"}},{"chain":{"family":"inet","table":"x","name":"input","type":"filter","hook":"input","prio":0,"policy":"drop"}}]}"#;
        assert!(matches!(nft(weird), Ok(Filter::Nothing(s)) if s.contains("tables not counted")));
        let base = r#"{"nftables":[{"table":{"family":"inet","name":"f"}},{"chain":{"family":"inet","table":"f","name":"input","type":"filter","hook":"input","prio":0,"policy":"POLICY"}},{"chain":{"family":"inet","table":"f","name":"allow"}},RULES]}"#;
        let rule = |chain: &str, expr: &str| {
            format!(r#"{{"rule":{{"family":"inet","table":"f","chain":"{chain}","expr":{expr}}}}}"#)
        };
        let with = |policy: &str, rules: &[String]| {
            base.replace("POLICY", policy)
                .replace("RULES", &rules.join(","))
        };
        let jump = with(
            "drop",
            &[
                rule("input", r#"[{"jump":{"target":"allow"}}]"#),
                rule("allow", r#"[{"accept":null}]"#),
            ],
        );
        assert!(
            matches!(nft(&jump), Ok(Filter::Open(_))),
            "{:?}",
            nft(&jump)
        );
        let limited = with(
            "accept",
            &[rule(
                "input",
                r#"[{"limit":{"rate":1,"per":"second"}},{"drop":null}]"#,
            )],
        );
        assert!(
            matches!(nft(&limited), Ok(Filter::Open(_))),
            "{:?}",
            nft(&limited)
        );
        let new_ok = with(
            "drop",
            &[rule(
                "input",
                r#"[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related","new"]}},{"accept":null}]"#,
            )],
        );
        assert!(
            matches!(nft(&new_ok), Ok(Filter::Open(_))),
            "{:?}",
            nft(&new_ok)
        );
        let est_ok = with(
            "drop",
            &[
                rule(
                    "input",
                    r#"[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]"#,
                ),
                rule("allow", r#"[{"accept":null}]"#),
            ],
        );
        assert!(
            matches!(nft(&est_ok), Ok(Filter::DefaultDeny(_))),
            "{:?}",
            nft(&est_ok)
        );
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
