//! What this binary is: its version, the commit and date it was built
//! from (`build.rs`; the date from SOURCE_DATE_EPOCH when set), the
//! embedded checklist's sha256 and the target triple. `harden --version`
//! prints it; the JSON report carries it.

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git commit (12 hex digits), or `unknown` outside a repository.
pub const COMMIT: &str = env!("HARDEN_COMMIT");
/// The build date, `YYYY-MM-DD`.
pub const BUILD_DATE: &str = env!("HARDEN_BUILD_DATE");
/// The target triple, e.g. `x86_64-unknown-linux-musl`.
pub const TARGET: &str = env!("HARDEN_TARGET");

/// The sha256 of the embedded checklist.
pub fn checklist_sha256() -> String {
    crate::checklist::embedded_sha256()
}

/// The text of `harden --version`.
pub fn long() -> String {
    format!(
        "{VERSION}\ncommit {COMMIT}\nbuilt {BUILD_DATE}\nchecklist sha256 {}\ntarget {TARGET}",
        checklist_sha256()
    )
}

/// The same facts, for the JSON report.
pub fn json() -> serde_json::Value {
    serde_json::json!({
        "name": "harden",
        "version": VERSION,
        "commit": COMMIT,
        "built": BUILD_DATE,
        "target": TARGET,
        "checklist_sha256": checklist_sha256(),
    })
}
