//! Fuzz target: checklist_toml (see harden::fuzzing).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harden::fuzzing::checklist_toml(data);
});
