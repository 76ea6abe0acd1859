//! The entry points the fuzz targets (`fuzz/`) and the corpus regression
//! test call: each feeds outside input to one parser, which must return a
//! value or an error and never panic. Checks that would hold for any
//! input are asserted here, so the fuzzer finds their violations too.

/// Checklist TOML.
pub fn checklist_toml(data: &[u8]) {
    if let Ok(c) = crate::checklist::parse(&String::from_utf8_lossy(data), "fuzz.toml") {
        assert!(!c.is_empty(), "a valid checklist has items");
    }
}

/// State TOML.
pub fn state_toml(data: &[u8]) {
    if let Ok(s) = crate::state::store::parse(data, "state.toml") {
        // Whatever loads must save and load back the same.
        let text = toml::to_string_pretty(&s).expect("a loaded state serialises");
        let again =
            crate::state::store::parse(text.as_bytes(), "state.toml").expect("and loads again");
        assert_eq!(again, s);
    }
}

/// An env file, then every env detector on it.
pub fn env_file(data: &[u8]) {
    let f = crate::detect::envfile::parse(data);
    let lines = data.split(|&b| b == b'\n').count();
    for e in &f.entries {
        assert!(e.line >= 1 && e.line <= lines);
    }
    let _ = crate::detect::env::judge(&f, ".env", &crate::detect::code::CodeIndex::default());
}

/// A pip-audit JSON report.
pub fn pip_audit_json(data: &[u8]) {
    let _ = crate::detect::pip_audit::judge_report(
        data,
        "report.json",
        std::path::Path::new("/nonexistent"),
    );
}

/// Answers TOML.
pub fn answers_toml(data: &[u8]) {
    let _ = crate::generate::answers::parse(&String::from_utf8_lossy(data), "answers.toml");
}

/// RESP replies.
pub fn resp(data: &[u8]) {
    if let Ok(Some((_, used))) = crate::detect::probe::redis::parse(data) {
        assert!(used <= data.len());
    }
}

/// HTTP response heads and chunked bodies.
pub fn http_head(data: &[u8]) {
    if let Ok(Some((len, _, _))) = crate::detect::probe::http::parse_head(data) {
        assert!(len <= data.len());
    }
    let body = crate::detect::probe::http::dechunk(data);
    assert!(body.len() <= data.len());
}

/// The PostgreSQL SSLRequest answer, and /proc/net tables.
pub fn postgres_answer(data: &[u8]) {
    let _ = crate::detect::probe::postgres::judge_answer(data, "db:5432");
    let _ = crate::detect::probe::ports::listeners(&String::from_utf8_lossy(data));
}
