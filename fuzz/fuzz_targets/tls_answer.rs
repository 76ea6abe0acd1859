//! Fuzz target: tls_answer (see harden::fuzzing).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harden::fuzzing::tls_answer(data);
});
