//! SARIF 2.1.0: one rule per item id, a result for every fail and warn
//! (and unknown, as a note), located at the env file or requirements line
//! when the detector knew it.

use serde_json::{Value, json};

/// A relative path as a URI reference (SARIF's `uri`): bytes other than
/// unreserved characters and `/` percent-encoded, so a control character
/// or a space in a file name stays inside the field.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

use crate::checklist::Severity;
use crate::checklist::Verdict;
use crate::review::ItemResult;

/// The SARIF schema this output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders the results as a SARIF log.
pub fn render(results: &[ItemResult]) -> Value {
    let rules: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut v = json!({
                "id": r.item.id,
                "name": r.item.id.replace('.', "/"),
                "shortDescription": {"text": r.item.text.replace('`', "")},
                "fullDescription": {"text": format!("{} — {}", r.section.label(), r.section.groups[r.item.group].title)},
                "defaultConfiguration": {"level": match r.item.severity {
                    Severity::Critical => "error",
                    Severity::Important => "warning",
                    Severity::Normal => "note",
                }},
                "properties": {"severity": r.severity().as_str(), "section": r.section.slug},
            });
            // An item a code rule decides: the rule and why it matters, as
            // help; the result's identity stays the item id.
            if let Some(cr) = crate::detect::appcode::rules::for_item(&r.item.id) {
                v["help"] = json!({"text": cr.rationale});
                v["properties"]["rule"] = json!(cr.id);
            }
            v
        })
        .collect();
    let out: Vec<Value> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            matches!(
                r.status,
                Verdict::Fail | Verdict::Warn | Verdict::Unknown | Verdict::Absent
            )
        })
        .map(|(i, r)| {
            let level = match r.status {
                Verdict::Fail => "error",
                Verdict::Warn => "warning",
                _ => "note",
            };
            let text = if r.evidence.is_empty() { r.item.text.replace('`', "") } else { r.evidence.clone() };
            let mut v = json!({
                "ruleId": r.item.id,
                "ruleIndex": i,
                "level": level,
                "message": {"text": if r.remediation.is_empty() { text } else { format!("{text}. Fix: {}", r.remediation) }},
                "properties": {"status": r.status.as_str()},
            });
            if let Some(cr) = crate::detect::appcode::rules::for_item(&r.item.id) {
                v["properties"]["rule"] = json!(cr.id);
                v["properties"]["rationale"] = json!(cr.rationale);
            }
            if let Some(l) = &r.location {
                v["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&l.file)},
                        "region": {"startLine": l.line.max(1)},
                    }
                }]);
            }
            v
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": out,
        }],
    })
}

#[cfg(test)]
mod uri_tests {
    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(super::uri("app/main.py"), "app/main.py");
        assert_eq!(super::uri("a b/\u{1b}[31m\n.py"), "a%20b/%1B%5B31m%0A.py");
        assert_eq!(super::uri("é.py"), "%C3%A9.py");
    }
}
