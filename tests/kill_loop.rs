//! SIGKILL at random moments while the wizard saves, round after round:
//! the state always loads (the new version or the previous one, never a
//! torn file) and the next wizard always starts.

mod common;

use common::Lcg;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Pty, WAIT, signal};
use harden::checklist::load_embedded;
use harden::state::store::{self, backup_path};
use harden::state::{OperatorStatus, State};

/// Rounds in CI; `KILL_LOOP_ROUNDS=1000 scripts/kill-rounds.sh` runs more.
fn rounds() -> usize {
    std::env::var("KILL_LOOP_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(150)
}

fn statuses(s: &State) -> BTreeMap<String, OperatorStatus> {
    s.items.iter().map(|(k, v)| (k.clone(), v.status)).collect()
}

#[test]
fn sigkill_while_saving_never_leaves_an_unloadable_state() {
    let mut rng = Lcg::seeded("KILL_LOOP_SEED");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".harden/state.toml");
    let c = load_embedded().unwrap();
    let mut s = State::new(&c, time::OffsetDateTime::now_utc());
    s.operator = Some("tester".into());
    store::save(&path, &s).unwrap();

    let project = dir.path().display().to_string();
    let keys = ['d', 'x', 'a', 'o', 'j', 'k', ']', '[', 'n', ' '];
    // How long this machine takes to take in a burst and save it; the kills
    // land at random inside that window, so the rounds hit saves in flight
    // on a fast idle machine and on a loaded CI runner alike.
    let window = save_window(&project, &path, &keys);
    eprintln!("a burst is saved within {window:?} here");
    let mut changed_rounds = 0;
    let mut previous = statuses(&store::load(&path).unwrap().unwrap());
    let started = Instant::now();
    let rounds_total = rounds();
    for round in 0..rounds_total {
        let mut p = Pty::harden(&["--project", &project], 80, 24);
        p.wait_for("Sections", WAIT);
        let burst: String = (0..40)
            .map(|_| keys[rng.next(keys.len() as u64) as usize])
            .collect();
        p.send(burst.as_bytes());
        std::thread::sleep(Duration::from_micros(rng.next(window.as_micros() as u64)));
        signal(p.pid(), "KILL");
        let st = p.wait_exit(WAIT);
        assert!(!st.success(), "round {round}: {st:?}");

        let loaded = store::load(&path)
            .unwrap_or_else(|e| panic!("round {round}: state does not load: {e}"))
            .unwrap_or_else(|| panic!("round {round}: state file vanished"));
        assert_eq!(loaded.operator.as_deref(), Some("tester"));
        if backup_path(&path).exists() {
            store::load(&backup_path(&path))
                .unwrap_or_else(|e| panic!("round {round}: backup does not load: {e}"));
        }
        let now = statuses(&loaded);
        if now != previous {
            changed_rounds += 1;
        }
        previous = now;
    }
    eprintln!(
        "{rounds_total} rounds in {:?}, {changed_rounds} of them saved something before the kill",
        started.elapsed()
    );
    // Saves really happened during the loop; otherwise the test proves nothing.
    assert!(
        changed_rounds >= rounds_total / 4,
        "only {changed_rounds} rounds saved anything"
    );
    // The next wizard starts normally, taking over the dead one's lock.
    let mut p = Pty::harden(&["--project", &project], 80, 24);
    p.wait_for("Took over a lock", WAIT);
    p.send(b" q");
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    // No temp files pile up: the last start removed what the kills left.
    let names: Vec<String> = std::fs::read_dir(dir.path().join(".harden"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

/// Starts a wizard, sends a burst of 40 answer keys and returns the time
/// until the state file stopped changing (quiet for 300 ms), at least 5 ms.
fn save_window(project: &str, path: &std::path::Path, keys: &[char]) -> Duration {
    let mut p = Pty::harden(&["--project", project], 80, 24);
    p.wait_for("Sections", WAIT);
    let burst: String = keys.iter().cycle().take(40).collect();
    let start = Instant::now();
    p.send(burst.as_bytes());
    let mut last = std::fs::read(path).unwrap_or_default();
    let mut changed_at = start;
    while changed_at.elapsed() < Duration::from_millis(300) && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(2));
        let now = std::fs::read(path).unwrap_or_default();
        if now != last {
            last = now;
            changed_at = Instant::now();
        }
    }
    signal(p.pid(), "KILL");
    let _ = p.wait_exit(WAIT);
    (changed_at - start).max(Duration::from_millis(5))
}
