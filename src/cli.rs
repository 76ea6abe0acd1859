//! The command line. With no subcommand, `harden` runs the wizard.

use std::path::PathBuf;

use clap::Parser;

/// A terminal wizard that walks an operator through the production security
/// checklist, section by section, and remembers every answer.
#[derive(Debug, Parser)]
#[command(name = "harden", version, about, long_about = None)]
pub struct Cli {
    /// The project to review (its `.harden/state.toml` holds the answers).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub project: PathBuf,

    /// The state file [default: PROJECT/.harden/state.toml].
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// A checklist TOML file of the same schema instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub checklist: Option<PathBuf>,

    /// Monochrome screen (also when NO_COLOR is set and not empty).
    #[arg(long)]
    pub no_color: bool,
}

impl Cli {
    /// The state file this run uses.
    pub fn state_path(&self) -> PathBuf {
        self.state
            .clone()
            .unwrap_or_else(|| self.project.join(".harden").join("state.toml"))
    }
}
