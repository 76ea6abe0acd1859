//! Fuzz target: postgres_answer (see harden::fuzzing).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harden::fuzzing::postgres_answer(data);
});
