//! Fuzz target: pip_audit_json (see harden::fuzzing).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harden::fuzzing::pip_audit_json(data);
});
