//! `harden rules`: the code rules, each with the checklist items it
//! informs, its severity and why it matters.

use std::fmt::Write;
use std::process::ExitCode;

use crate::detect::appcode::rules::RULES;
use crate::util::exit::Exit;

/// The rules as text (`json`: as a JSON array).
pub fn render(json: bool) -> String {
    if json {
        let rows: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "items": r.items,
                    "severity": r.severity.as_str(),
                    "rationale": r.rationale,
                    "fallback": r.fallback,
                })
            })
            .collect();
        return serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n";
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} code rules over the application's sources and repository (reports name results by item id):\n",
        RULES.len()
    );
    for r in RULES {
        let _ = writeln!(o, "{}  [{}]", r.id, r.severity.as_str());
        let when = if r.fallback {
            " (when no live probe judged it)"
        } else {
            ""
        };
        let _ = writeln!(o, "  items: {}{when}", r.items.join(", "));
        let _ = writeln!(o, "  {}\n", r.rationale);
    }
    o
}

/// Prints the rules.
pub fn run(json: bool) -> ExitCode {
    print!("{}", render(json));
    Exit::Ok.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_listed_with_its_items_and_the_json_parses() {
        let text = render(false);
        for r in RULES {
            assert!(
                text.contains(&format!("{}  [{}]", r.id, r.severity.as_str())),
                "{}",
                r.id
            );
            for i in r.items {
                assert!(text.contains(i), "{i}");
            }
        }
        let v: serde_json::Value = serde_json::from_str(&render(true)).unwrap();
        assert_eq!(v.as_array().unwrap().len(), RULES.len());
        assert_eq!(v[0]["id"], RULES[0].id);
    }
}
