//! What the process benchmarks share: the fixture copier, percentiles and
//! a child's peak RSS. Included by `#[path]`; not a bench of its own.

#![allow(dead_code)]

use std::path::Path;

pub fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read fixture").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let target = match name.as_str() {
            "env" | "gitignore" | "dockerignore" => format!(".{name}"),
            _ => name,
        };
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dst.join(target));
        } else {
            std::fs::copy(e.path(), dst.join(target)).expect("copy");
        }
    }
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Waits for `pid` with wait4(2): its exit code and peak resident set in
/// KiB. Linux reports the larger of the process's own peak and that of the
/// children it waited for (check runs git), so this is an upper bound.
pub fn wait_with_rusage(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru) };
    assert_eq!(r, pid as libc::pid_t, "wait4");
    (libc::WEXITSTATUS(status), ru.ru_maxrss as u64)
}
