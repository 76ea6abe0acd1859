//! sshd (Debian's openssh-server) on a loopback port with a throwaway
//! host key and an authorized test key, all in a temp folder the test
//! makes; stopped when dropped. Used by the dropped-SSH test and the
//! Ansible fleet test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Sshd {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(cmd: &mut Command) {
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

pub fn user() -> String {
    String::from_utf8_lossy(&Command::new("id").arg("-un").output().unwrap().stdout)
        .trim()
        .to_string()
}

pub fn start_sshd() -> Sshd {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for k in ["host_key", "client_key"] {
        run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(d.join(k)));
    }
    std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys")).unwrap();
    let root = user() == "root";
    if root {
        // sshd's privilege separation folder.
        std::fs::create_dir_all("/run/sshd").unwrap();
    }
    let port = super::servers::free_port();
    let conf = d.join("sshd_config");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile {d}/sshd.pid\n\
             AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
             PermitRootLogin {permit}\nAllowUsers {user}\nLogLevel ERROR\nPrintMotd no\nPrintLastLog no\n\
             Subsystem sftp internal-sftp\n",
            host = d.join("host_key").display(),
            d = d.display(),
            permit = if root { "yes" } else { "no" },
            user = user(),
        ),
    )
    .unwrap();
    let sshd = which::which("sshd")
        .ok()
        .or_else(|| Some(PathBuf::from("/usr/sbin/sshd")).filter(|p| p.exists()))
        .expect("sshd is installed by scripts/test.sh (openssh-server)");
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(t.elapsed() < Duration::from_secs(10), "sshd did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Sshd { child, port, dir }
}
