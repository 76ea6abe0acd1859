//! The JSON Schema of `check --format json` (`schemas/report.schema.json`,
//! issue 17) holds for every JSON report the tests pin: the golden report
//! of the fresh project, and live reports of the fixture projects (with
//! notes, locations and connections); and it refuses a report that breaks
//! it, so the check can fail.

mod common;

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
    )
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("the schema compiles")
}

fn check(v: &jsonschema::Validator, report: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn every_golden_and_fixture_report_holds_to_the_schema() {
    let v = validator();
    // The golden file, as insta stores it (front matter, then the JSON).
    let snap = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/detect__check_fresh_json.snap"),
    )
    .unwrap();
    let body = &snap[snap.find("\n---\n").map(|i| i + 5).unwrap()..];
    let mut golden: serde_json::Value = serde_json::from_str(body).unwrap();
    // The golden file masks the build facts; put real-shaped ones back.
    golden["tool"]["commit"] = "0123456789ab".into();
    golden["tool"]["built"] = "2026-12-01".into();
    golden["tool"]["target"] = "x86_64-unknown-linux-musl".into();
    golden["generated"] = "2026-12-01T10:00:00Z".into();
    golden["host"]["name"] = "api1".into();
    check(&v, &golden, "the golden report");
    for project in [common::projects::fresh(), common::projects::hardened()] {
        // With a fleet key, as a fleet's hosts run it: fingerprints too.
        let o = common::run(
            common::harden()
                .args([
                    "check",
                    "--offline",
                    "--format",
                    "json",
                    "--host-role",
                    "api",
                    "--project",
                ])
                .arg(project.path())
                .env("HARDEN_FINGERPRINT_KEY", "0123456789abcdef0123456789abcdef"),
        );
        let report: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        check(&v, &report, &project.path().display().to_string());
    }
    let mut broken = golden.clone();
    broken["items"][0]["status"] = "maybe".into();
    assert!(!v.is_valid(&broken), "a status outside the list is refused");
    let mut broken = golden.clone();
    broken["fingerprints"] =
        serde_json::json!({"key_id": "k", "secrets": {"SECRET_KEY": "the-secret"}});
    assert!(
        !v.is_valid(&broken),
        "a fingerprint that is not 128 bits of hex is refused"
    );
    let mut broken = golden;
    broken["summary"].as_object_mut().unwrap().remove("grade");
    assert!(!v.is_valid(&broken), "a missing grade is refused");
}
