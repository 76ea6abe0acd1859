//! Fuzz target: answers_grammar (see harden::fuzzing).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harden::fuzzing::answers_grammar(data);
});
