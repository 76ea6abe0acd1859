//! `network.firewall` from Debian's nftables, in a network namespace the
//! test makes (`unshare -n`): its packet filter is the namespace's own, so
//! loading a ruleset there touches nothing else. Needs root and `nft`
//! (installed by scripts/test.sh); skipped with a message otherwise.

mod common;

use std::process::Command;

fn can_run() -> bool {
    let ok = Command::new("unshare")
        .args(["-n", "nft", "list", "ruleset"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: needs root, unshare and nft (scripts/test.sh installs nftables)");
    }
    ok
}

/// `harden check` on an empty project, in a fresh network namespace with
/// `rules` loaded (none when empty); the network.firewall entry of its
/// JSON report.
fn firewall_with(rules: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    std::fs::create_dir(&project).unwrap();
    let report = dir.path().join("pip-audit.json");
    std::fs::write(&report, r#"{"dependencies": []}"#).unwrap();
    let ruleset = dir.path().join("rules.nft");
    std::fs::write(&ruleset, rules).unwrap();
    let load = if rules.is_empty() {
        String::new()
    } else {
        format!("nft -f '{}' && ", ruleset.display())
    };
    let script = format!(
        "{load}exec '{}' check --project '{}' --state '{}' --pip-audit-json '{}' --only network --format json",
        common::bin().display(),
        project.display(),
        dir.path().join("state.toml").display(),
        report.display()
    );
    let o = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .env("HARDEN_LOOPBACK_ONLY", "1")
        .env_remove("HARDEN_NO_HOST_FACTS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&o.stderr)));
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "network.firewall")
        .unwrap()
        .clone();
    (
        item["detected"].as_str().unwrap_or("").to_string(),
        item["evidence"].as_str().unwrap_or("").to_string(),
    )
}

#[test]
fn the_hosts_packet_filter_decides_the_firewall_item() {
    if !can_run() {
        return;
    }
    let (o, e) = firewall_with("");
    assert_eq!(o, "fail", "{e}");
    assert!(e.starts_with("no packet filter on this host: "), "{e}");
    assert!(e.contains("nftables has no input filter chain"), "{e}");

    let drop = "table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    iifname lo accept\n    tcp dport { 22, 443 } accept\n  }\n}\n";
    let (o, e) = firewall_with(drop);
    assert_eq!(o, "pass", "{e}");
    assert!(
        e.starts_with("nftables: inet filter input (policy drop); 2 rule(s) in all"),
        "{e}"
    );
    assert!(e.contains("security group"), "{e}");

    let open = drop.replace("policy drop", "policy accept");
    let (o, e) = firewall_with(&open);
    assert_eq!(o, "fail", "{e}");
    assert!(
        e.starts_with("nftables input chains accept by default: inet filter input (policy accept)"),
        "{e}"
    );

    let final_drop = open.replace(
        "tcp dport { 22, 443 } accept\n",
        "tcp dport { 22, 443 } accept\n    drop\n",
    );
    let (o, e) = firewall_with(&final_drop);
    assert_eq!(o, "pass", "{e}");
    assert!(e.contains("(ends with a drop rule)"), "{e}");
}
