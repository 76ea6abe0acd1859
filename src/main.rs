//! `harden`: parse the command line and hand off to the command.

use std::process::ExitCode;

use clap::Parser;
use harden::cmd::cli::{Cli, Command};
use harden::cmd::{check, diff, generate, report, rules, wizard};
use harden::util::exit::Exit;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Check(args)) => check::run(&cli.inputs, args),
        Some(Command::Generate(args)) => {
            let ignored = cli.flags_generate_ignores();
            if ignored.is_empty() {
                generate::run(args)
            } else {
                eprintln!(
                    "harden generate: {} does not apply to generate, which reads only --answers and writes only --out",
                    ignored.join(", ")
                );
                Exit::Error.into()
            }
        }
        Some(Command::Report(args)) => report::run(&cli.inputs, args),
        Some(Command::Diff { old, new }) => diff::run(&cli.inputs, old, new),
        Some(Command::Rules { json }) => rules::run(*json),
        None => wizard::run(cli),
    }
}
