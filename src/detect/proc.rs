//! Running an outside program from a blocking detector: null stdin, piped
//! output drained on threads (so a chatty child never blocks), and a
//! deadline after which the child is killed.

use std::io::{self, Read};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Most bytes kept of a child's stdout; the rest is read and dropped.
const MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// Runs `cmd` to completion or until `deadline`, then kills it.
///
/// # Errors
/// Spawn failures, and `TimedOut` when the deadline passed.
pub fn run(cmd: Command, deadline: Duration) -> io::Result<Output> {
    run_fed(cmd, None, deadline)
}

/// As [`run`], writing `input` to the child's stdin (on a thread, so a
/// child that writes before it has read everything never deadlocks).
///
/// # Errors
/// As [`run`].
pub fn run_fed(cmd: Command, input: Option<Vec<u8>>, deadline: Duration) -> io::Result<Output> {
    run_inner(cmd, input, deadline, false)
}

/// As [`run`], in a process group of its own that is killed whole at
/// the deadline, so that nothing it started outlives it. (Not for tools
/// the operator may want to stop with Ctrl-C: the terminal's signal does
/// not reach another group.)
///
/// # Errors
/// As [`run`].
pub fn run_grouped(cmd: Command, deadline: Duration) -> io::Result<Output> {
    run_inner(cmd, None, deadline, true)
}

fn run_inner(
    mut cmd: Command,
    input: Option<Vec<u8>>,
    deadline: Duration,
    grouped: bool,
) -> io::Result<Output> {
    use std::os::unix::process::CommandExt;
    if grouped {
        cmd.process_group(0);
    }
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            use std::io::Write;
            // A child that exits early closes the pipe: not an error here,
            // its status says what happened.
            let _ = stdin.write_all(&bytes);
        });
    }
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut r) = r {
                let mut buf = [0u8; 65536];
                while let Ok(n) = r.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if kept.len() < MAX_OUTPUT {
                        kept.extend_from_slice(&buf[..n.min(MAX_OUTPUT - kept.len())]);
                    }
                }
            }
            kept
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if start.elapsed() > deadline {
            if grouped {
                kill_group(child.id());
            }
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("did not finish within {} s", deadline.as_secs_f32()),
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    // A process the child started may hold its output open after the
    // child exits: the readers get what is left of the deadline, no more.
    while !(out.is_finished() && err.is_finished()) {
        if start.elapsed() > deadline {
            if grouped {
                kill_group(child.id());
            }
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "exited, but its output stayed open past {} s (a process it started holds it)",
                    deadline.as_secs_f32()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Ends every process of the group a child leads.
fn kill_group(id: u32) {
    if let Some(pid) = i32::try_from(id)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_deadline() {
        let mut c = Command::new("sh");
        c.args(["-c", "echo out; echo err >&2"]);
        let o = run(c, Duration::from_secs(5)).unwrap();
        assert_eq!(o.stdout, b"out\n");
        assert_eq!(o.stderr, b"err\n");
        let mut c = Command::new("tr");
        c.args(["a-z", "A-Z"]);
        let o = run_fed(c, Some(b"fed".to_vec()), Duration::from_secs(5)).unwrap();
        assert_eq!(o.stdout, b"FED");
        let mut c = Command::new("sleep");
        c.arg("10");
        let t = Instant::now();
        let e = run(c, Duration::from_millis(100)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(t.elapsed() < Duration::from_secs(5));
        // The child exits at once; what it started keeps stdout open.
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut c = Command::new("sh");
        c.args([
            "-c",
            "sleep 5 & echo $! > \"$0\"",
            pidfile.to_str().unwrap(),
        ]);
        let e = run_grouped(c, Duration::from_millis(300)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(e.to_string().contains("output stayed open"), "{e}");
        // And what it started was killed with its group.
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
        assert!(
            stat.is_empty() || stat.contains(") Z "),
            "still running: {stat}"
        );
    }
}
