//! The fuzz corpus (`fuzz/corpus/`) as regression input: every file of
//! every target goes through the same entry point the fuzzer calls. Runs
//! in seconds, on stable Rust, in CI.

use std::path::Path;

/// A fuzz target: its corpus directory name and its entry point.
type Target = (&'static str, fn(&[u8]));

#[test]
fn every_corpus_file_goes_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let targets: [Target; 10] = [
        ("checklist_toml", harden::fuzzing::checklist_toml),
        ("state_toml", harden::fuzzing::state_toml),
        ("env_file", harden::fuzzing::env_file),
        ("pip_audit_json", harden::fuzzing::pip_audit_json),
        ("answers_toml", harden::fuzzing::answers_toml),
        ("answers_grammar", harden::fuzzing::answers_grammar),
        ("resp", harden::fuzzing::resp),
        ("http_head", harden::fuzzing::http_head),
        ("postgres_answer", harden::fuzzing::postgres_answer),
        ("tls_answer", harden::fuzzing::tls_answer),
    ];
    for (name, run) in targets {
        let dir = root.join(name);
        let mut n = 0;
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = e.unwrap().path();
            run(&std::fs::read(&p).unwrap());
            n += 1;
        }
        assert!(n > 0, "{name} has no corpus");
    }
}
