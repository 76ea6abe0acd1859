#!/usr/bin/env bash
# Runs every check harden's CI runs: formatting, clippy, and all tests.
# Installs the Debian packages the tests drive when they are missing, so it
# passes on a fresh machine that has only the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A needs=(
  [setpriv]=util-linux   # read-only-folder test runs harden as an unprivileged user
  [prlimit]=util-linux   # the full-disk test runs harden under a file-size limit
  [kill]=procps          # signals for the PTY tests
  [stty]=coreutils       # terminal modes after exit
  [git]=git              # the detector tests build real repositories
  [redis-server]=redis-server  # the Redis probe tests start their own servers
  [nginx]=nginx          # one probe test checks a real nginx end to end
  [openssl]=openssl      # the probe benchmark compares with openssl s_client
  [python3]=python3      # generate's tests py_compile the generated middleware
  [sshd]=openssh-server  # the dropped-SSH test runs its own sshd
  [ssh]=openssh-client
  [pgrep]=procps
  [unshare]=util-linux   # the tests run in a network namespace with only loopback
  [ip]=iproute2          # brings that namespace's loopback up
  [mknod]=coreutils      # device nodes made in temp folders, never the real /dev
  [mkfifo]=coreutils
  [nft]=nftables         # the firewall test loads rules in a network namespace of its own
  [musl-gcc]=musl-tools  # scripts/dist: ring's C for the static musl binary
  [file]=file            # scripts/dist: proves the binary static
  [man]=man-db           # scripts/dist: renders the generated man page
  [chroot]=coreutils     # scripts/dist: runs the binary in an empty root
)
missing=()
for cmd in "${!needs[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${needs[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# A missing or changed snapshot fails instead of being written; probes dial
# loopback only, whatever a test forgets to set.
# The test machine is not a server: its packet filter is not judged
# (tests/firewall.rs reads one it makes, in a namespace of its own).
export CI=true INSTA_UPDATE=no HARDEN_LOOPBACK_ONLY=1 HARDEN_NO_HOST_FACTS=1
cargo test --locked --no-run
# What an operator installs (issue 17): the static binary, proved static
# and run in an empty root, and the Debian package, unpacked and inspected.
# cargo-deb builds the package; installed here when missing.
command -v cargo-deb >/dev/null || cargo install --locked cargo-deb --version 3.8.0
scripts/dist
# The fleet test drives Ansible (issue 18): ansible-core and ansible-lint
# from PyPI in a virtualenv, made here, outside the tests' network
# namespace.
venv=target/ansible-venv
if [ ! -x "$venv/bin/ansible-playbook" ] || [ ! -x "$venv/bin/ansible-lint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core==2.19.14" "ansible-lint==26.10.1"
fi
# Where this user may (root, as in CI), the tests run in a network
# namespace that has only loopback: no test can reach another host, even by
# mistake. Everything was built above, so cargo needs no network inside.
if unshare -n true 2>/dev/null; then
  echo "running the tests in a network namespace with only loopback"
  exec unshare -n sh -c 'ip link set lo up && exec cargo test --locked --offline'
else
  echo "no network namespace here (not root): tests run with HARDEN_LOOPBACK_ONLY=1 only"
  exec cargo test --locked
fi
