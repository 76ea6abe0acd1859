//! The command line. With no subcommand, `harden` runs the wizard.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A terminal wizard that walks an operator through the production security
/// checklist, section by section, detects what it can, and remembers every answer.
#[derive(Debug, Parser)]
#[command(name = "harden", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub inputs: Inputs,

    /// Monochrome screen (also when NO_COLOR is set and not empty).
    #[arg(long, global = true)]
    pub no_color: bool,
}

/// What to review, shared by the wizard and `check`.
#[derive(Debug, Clone, Args)]
pub struct Inputs {
    /// The project to review (its `.harden/state.toml` holds the answers).
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    pub project: PathBuf,

    /// The state file [default: PROJECT/.harden/state.toml].
    #[arg(long, value_name = "FILE", global = true)]
    pub state: Option<PathBuf>,

    /// A checklist TOML file of the same schema instead of the embedded one.
    #[arg(long, value_name = "FILE", global = true)]
    pub checklist: Option<PathBuf>,

    /// The env file to judge [default: PROJECT/.env; .env.production is offered].
    #[arg(long, value_name = "FILE", global = true)]
    pub env_file: Option<PathBuf>,

    /// Run nothing that needs the network (pip-audit and probes are skipped).
    #[arg(long, global = true)]
    pub offline: bool,

    /// Read this pip-audit JSON report instead of running pip-audit.
    #[arg(long, value_name = "FILE", global = true)]
    pub pip_audit_json: Option<PathBuf>,

    /// A production URL to probe (repeatable).
    #[arg(long = "url", value_name = "URL", global = true)]
    pub urls: Vec<String>,

    /// Send a probe for HOST:PORT to ADDR:PORT2 instead (curl's form, repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT2", global = true)]
    pub connect_to: Vec<crate::detect::probe::net::ConnectTo>,

    /// Extra trust anchors for the TLS probes (PEM), e.g. an internal CA.
    #[arg(long, value_name = "PEM", global = true)]
    pub ca_file: Option<PathBuf>,

    /// Deadline of each probe connection and exchange, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5, global = true)]
    pub timeout: u64,

    /// Deadline of a pip-audit run, in seconds (it builds a virtualenv).
    #[arg(long, value_name = "SECS", default_value_t = 300, global = true)]
    pub pip_audit_timeout: u64,

    /// The login route active verification bursts at (POST), instead of
    /// the one found in the code, e.g. /api/v1/auth/token.
    #[arg(long, value_name = "PATH", global = true)]
    pub login_path: Option<String>,

    /// A route that needs a token, which active verification asks without
    /// one and with forged ones (GET), e.g. /api/v1/users/me.
    #[arg(long, value_name = "PATH", global = true)]
    pub protected_path: Option<String>,
}

/// A path for an active request (`--login-path`, `--protected-path`).
///
/// # Errors
/// The flag and what is wrong with its path.
pub fn check_path(flag: &str, p: &str) -> Result<(), String> {
    crate::detect::probe::active::check_path(p).map_err(|why| format!("{flag} {why}"))
}

impl Inputs {
    /// Every env file a run may judge: `.env`, `.env.production` and
    /// `--env-file`.
    pub fn env_candidates(&self) -> Vec<PathBuf> {
        let mut v = vec![
            self.project.join(".env"),
            self.project.join(".env.production"),
        ];
        v.extend(self.env_file.clone());
        v
    }

    /// Checks the inputs that are wrong whatever the command: the project
    /// must be a folder, each `--url` an `https://` URL, and `--url` does
    /// not go with `--offline`.
    ///
    /// # Errors
    /// The first bad input, named.
    pub fn validate(&self) -> Result<(), String> {
        match std::fs::metadata(&self.project) {
            Err(_) => {
                return Err(format!(
                    "project folder {} does not exist",
                    self.project.display()
                ));
            }
            Ok(m) if !m.is_dir() => {
                return Err(format!(
                    "--project {} is a file, not a folder: give the folder that holds the application",
                    self.project.display()
                ));
            }
            Ok(_) => {}
        }
        for u in &self.urls {
            crate::detect::probe::check_url(u).map_err(|e| format!("--url {e}"))?;
        }
        for (flag, p) in [
            ("--login-path", &self.login_path),
            ("--protected-path", &self.protected_path),
        ] {
            if let Some(p) = p {
                check_path(flag, p)?;
            }
        }
        use crate::util::fsio::{SMALL_CAP, STATE_CAP, check_input};
        for (flag, p, cap) in [
            (
                "--env-file",
                self.env_file.as_ref(),
                crate::util::fsio::ENV_CAP,
            ),
            ("--pip-audit-json", self.pip_audit_json.as_ref(), STATE_CAP),
            ("--checklist", self.checklist.as_ref(), SMALL_CAP),
            ("--ca-file", self.ca_file.as_ref(), SMALL_CAP),
        ] {
            let Some(p) = p else { continue };
            if std::fs::symlink_metadata(p).is_err() {
                return Err(format!("{flag} {}: no such file", p.display()));
            }
            check_input(flag, p, cap)?;
        }
        if self.offline && !self.urls.is_empty() {
            return Err(
                "--url and --offline together: --offline sends nothing, so the URL would not be probed; drop one"
                    .into(),
            );
        }
        Ok(())
    }

    /// The state file this run uses.
    pub fn state_path(&self) -> PathBuf {
        self.state
            .clone()
            .unwrap_or_else(|| self.project.join(".harden").join("state.toml"))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every detector without a terminal and report (for CI).
    Check(CheckArgs),
    /// Write the hardened configuration for the answers given (diffs first).
    Generate(GenerateArgs),
    /// The checklist as reviewed, from the state file: Markdown, HTML or JSON.
    Report(ReportArgs),
    /// Compare two state files, regressions first (exit 1 on a regression).
    Diff {
        /// The earlier state file.
        old: PathBuf,
        /// The later state file.
        new: PathBuf,
    },
    /// List the code rules: id, the checklist items each informs, severity, why.
    Rules {
        /// As JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Many hosts' check reports (and state files) as one fleet: drift, secrets, the worst host.
    Fleet(FleetArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): `harden man > harden.1`, `harden man check`.
    Man {
        /// A subcommand's page (harden-check(1) is `harden man check`).
        page: Option<String>,
        /// List the pages, one name per line.
        #[arg(long, conflicts_with = "page")]
        list: bool,
    },
}

/// The command line's definition, with the long version (`--version`
/// names the commit, build date, checklist digest and target).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    static LONG: std::sync::LazyLock<String> = std::sync::LazyLock::new(crate::version::long);
    Cli::command().long_version(LONG.as_str())
}

/// Formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,

    /// Write the report here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// The answers file (see examples/answers.toml).
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// The folder to write into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Write the files; without it, only the plan and the diffs are shown.
    #[arg(long)]
    pub yes: bool,

    /// Generate new secrets instead of keeping the ones already written.
    #[arg(long)]
    pub rotate_secrets: bool,
}

/// Report formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
    Junit,
}

impl CheckArgs {
    /// The (format, destination) pairs of this run; `None` is stdout.
    ///
    /// # Errors
    /// More outputs than formats, or two formats left for stdout.
    pub fn reports(&self) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
        pair_outputs(&self.format, Format::Text, &self.output)
    }
}

/// Each `--format` with the `--output` at the same place (`None`: stdout);
/// `default` when no format is given.
///
/// # Errors
/// More outputs than formats, two formats left for stdout, or one file
/// given twice.
pub fn pair_outputs<F: Clone>(
    format: &[F],
    default: F,
    output: &[PathBuf],
) -> Result<Vec<(F, Option<PathBuf>)>, String> {
    let formats = if format.is_empty() {
        vec![default]
    } else {
        format.to_vec()
    };
    if output.len() > formats.len() {
        return Err(format!(
            "{} --output but {} --format: give a --format for each --output",
            output.len(),
            formats.len()
        ));
    }
    if formats.len() > output.len() + 1 {
        return Err(
            "only one report can go to stdout: give an --output to each --format but one".into(),
        );
    }
    for (i, a) in output.iter().enumerate() {
        for b in &output[..i] {
            if a == b
                || (a.as_os_str() != "-"
                    && crate::util::fsio::same_file(a, b)
                    && !matches!(
                        crate::util::fsio::sink(a),
                        Ok(crate::util::fsio::Sink::InPlace(_))
                    ))
            {
                return Err(format!(
                    "--output {} is given for two formats; give each format its own file",
                    a.display()
                ));
            }
        }
    }
    Ok(formats
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f, output.get(i).cloned()))
        .collect())
}

#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// Report files, or folders of them (one per host, with the state file
    /// beside it when the review's should show).
    #[arg(required = true, value_name = "REPORT|DIR")]
    pub paths: Vec<PathBuf>,

    /// An earlier fleet run's folder: items that passed there and fail now
    /// are regressions (exit 1).
    #[arg(long, value_name = "DIR")]
    pub since: Option<PathBuf>,

    /// Output format (repeatable, each paired with the --output at the same
    /// place) [default: text].
    #[arg(long, value_enum)]
    pub format: Vec<FleetFormat>,

    /// Write the fleet report here instead of stdout (repeatable).
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Fail (exit 1) when a host fails an item of at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,
}

/// `harden fleet`'s formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FleetFormat {
    Text,
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Report format (repeatable; each pairs with the `--output` at the same
    /// place; a format without one goes to stdout) [default: text].
    #[arg(long, value_enum)]
    pub format: Vec<Format>,

    /// Write the report here instead of stdout (repeatable, see --format).
    #[arg(long, value_name = "FILE")]
    pub output: Vec<PathBuf>,

    /// Fail (exit 1) on failing items of at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    pub fail_on: FailOn,

    /// Report only this section (its slug, e.g. `tls`; repeatable).
    #[arg(long = "only", value_name = "SECTION")]
    pub only: Vec<String>,

    /// Leave this item out (its id, e.g. `tls.hsts_preload`; repeatable).
    #[arg(long = "skip", value_name = "ID")]
    pub skip: Vec<String>,

    /// Waivers kept in a file ([[waiver]] item, reason, owner, expires).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,

    /// Print every host, port and purpose the probes would dial, and what
    /// pip-audit would be asked, then exit without dialling anything.
    #[arg(long)]
    pub list_probes: bool,

    /// The host this report names (for `harden fleet`) [default: the
    /// system's host name].
    #[arg(long, value_name = "NAME")]
    pub host_name: Option<String>,

    /// The host's role in its fleet (e.g. api, worker): hosts of one role
    /// must share their secrets.
    #[arg(long, value_name = "ROLE")]
    pub host_role: Option<String>,

    /// Also verify the production URLs actively (section 18): a burst of
    /// at most 30 logins within 5 s expecting 429, and a protected route
    /// asked without a token and with forged ones. Never on by default;
    /// --list-probes --active lists every request first.
    #[arg(long)]
    pub active: bool,
}

impl Cli {
    /// The global flags given that `generate` does not use: it reads only
    /// `--answers` and `--out`, and a flag it would silently ignore (a
    /// `--url` with credentials, a `--state` meant for another review) is
    /// a usage error.
    pub fn flags_generate_ignores(&self) -> Vec<&'static str> {
        let i = &self.inputs;
        let mut v = Vec::new();
        for (given, flag) in [
            (!i.urls.is_empty(), "--url"),
            (i.offline, "--offline"),
            (i.checklist.is_some(), "--checklist"),
            (i.state.is_some(), "--state"),
            (i.env_file.is_some(), "--env-file"),
            (i.pip_audit_json.is_some(), "--pip-audit-json"),
            (!i.connect_to.is_empty(), "--connect-to"),
            (i.ca_file.is_some(), "--ca-file"),
            (i.login_path.is_some(), "--login-path"),
            (i.protected_path.is_some(), "--protected-path"),
            (i.project != std::path::Path::new("."), "--project"),
        ] {
            if given {
                v.push(flag);
            }
        }
        v
    }
}

/// Which env file to judge, and a notice when there was a choice:
/// `--env-file`, else the one the state recorded, else `.env`, else
/// `.env.production`.
pub fn resolve_env_file(
    project: &Path,
    flag: Option<&Path>,
    recorded: Option<&str>,
) -> (PathBuf, Option<String>) {
    if let Some(f) = flag {
        return (f.to_path_buf(), None);
    }
    if let Some(r) = recorded {
        let p = Path::new(r);
        return (
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                project.join(p)
            },
            None,
        );
    }
    let env = project.join(".env");
    let prod = project.join(".env.production");
    match (env.exists(), prod.exists()) {
        (true, true) => (
            env,
            Some("This project also has .env.production; pass --env-file .env.production to judge it instead.".into()),
        ),
        (false, true) => (prod, Some("No .env here; judging .env.production.".into())),
        _ => (env, None),
    }
}

/// `--fail-on` as clap reads it; the review's threshold is
/// [`crate::review::FailOn`], which knows nothing of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    Important,
    Any,
}

impl From<FailOn> for crate::review::FailOn {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Critical => crate::review::FailOn::Critical,
            FailOn::Important => crate::review::FailOn::Important,
            FailOn::Any => crate::review::FailOn::Any,
        }
    }
}

/// The man pages: `harden` and one per subcommand (`harden-check`...),
/// each with the arguments clap propagates to it, as `man` looks them up.
pub fn man_pages() -> Vec<clap::Command> {
    // clap's own `help` subcommand is `harden help`, not a page.
    let mut top = command().disable_help_subcommand(true);
    top.build();
    let mut pages = vec![top.clone()];
    for sub in top.get_subcommands() {
        let name = format!("harden-{}", sub.get_name());
        pages.push(
            sub.clone()
                .name(name.clone())
                .display_name(name)
                // The synopsis shows the command as typed.
                .bin_name(format!("harden {}", sub.get_name()))
                .version(crate::version::VERSION),
        );
    }
    pages
}
