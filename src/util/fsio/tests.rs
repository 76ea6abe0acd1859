//! Unit tests of [`super`].

use super::*;
use std::process::Command;

fn mkfifo(p: &Path) {
    assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
}

#[test]
fn a_fifo_input_is_refused_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(".env");
    mkfifo(&p);
    let e = read_input(&p, ENV_CAP, true).unwrap_err();
    assert!(
        e.to_string().contains("is a FIFO, not a regular file"),
        "{e}"
    );
}

#[test]
fn an_input_over_the_cap_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("big");
    fs::write(&p, vec![b'x'; 2048]).unwrap();
    let e = read_input(&p, 1024, true).unwrap_err();
    assert!(e.to_string().contains("larger than"), "{e}");
    assert_eq!(read_input(&p, 4096, true).unwrap().len(), 2048);
}

#[test]
fn a_linked_input_is_refused_when_links_are_not_followed() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path().join("t");
    fs::write(&t, "x").unwrap();
    let l = d.path().join("l");
    std::os::unix::fs::symlink(&t, &l).unwrap();
    assert!(read_input(&l, 10, true).is_ok());
    let e = read_input(&l, 10, false).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
}

#[test]
fn outputs_are_classified() {
    let d = tempfile::tempdir().unwrap();
    assert_eq!(sink(Path::new("-")).unwrap(), Sink::Stdout);
    assert_eq!(sink(Path::new("/dev/stdout")).unwrap(), Sink::Stdout);
    let f = d.path().join("fifo");
    mkfifo(&f);
    assert_eq!(sink(&f).unwrap(), Sink::InPlace(f.clone()));
    let e = write_output(&f, b"x").unwrap_err();
    assert!(matches!(e, FsError::NoReader(_)), "{e}");
    assert!(e.to_string().contains("nothing reads"), "{e}");
    assert!(fs::symlink_metadata(&f).unwrap().file_type().is_fifo());
    let l = d.path().join("link");
    std::os::unix::fs::symlink(d.path().join("target"), &l).unwrap();
    let e = sink(&l).unwrap_err();
    assert!(matches!(e, FsError::NotRegular(_)) && e.to_string().contains("symbolic link"));
    assert!(!d.path().join("target").exists());
    let e = sink(d.path()).unwrap_err();
    assert!(matches!(e, FsError::NotRegular(_)) && e.to_string().contains("a folder"));
}

#[test]
fn backups_never_overwrite_and_never_follow_links() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("f");
    fs::write(&f, "old").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
    let victim = d.path().join("victim");
    fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, d.path().join("f.bak-S")).unwrap();
    let b1 = backup(&f, "S").unwrap();
    let b2 = backup(&f, "S").unwrap();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    assert_ne!(b1, b2);
    assert!(b1.to_string_lossy().ends_with("f.bak-S-2"), "{b1:?}");
    assert_eq!(fs::read_to_string(&b2).unwrap(), "old");
    assert_eq!(
        fs::metadata(&b1).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn a_planted_lock_link_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("outside");
    let l = d.path().join("state.toml.lock");
    std::os::unix::fs::symlink(&target, &l).unwrap();
    let e = open_lock(&l).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert!(!target.exists());
}

#[test]
fn replace_refuses_what_is_not_a_regular_file() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fifo");
    mkfifo(&f);
    assert!(replace_file(&f, b"x", None).is_err());
    assert!(fs::symlink_metadata(&f).unwrap().file_type().is_fifo());
    let p = d.path().join("new");
    replace_file(&p, b"hello", Some(0o600)).unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"hello");
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let names: Vec<_> = fs::read_dir(d.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 2, "no temp file left");
}

#[test]
fn same_file_sees_through_spellings() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a");
    fs::write(&a, "x").unwrap();
    let dotted = d.path().join(".").join("a");
    assert!(same_file(&a, &dotted));
    let absent = d.path().join("sub/../b");
    fs::create_dir(d.path().join("sub")).unwrap();
    assert!(same_file(&d.path().join("b"), &absent));
    assert!(!same_file(&a, &d.path().join("b")));
}
