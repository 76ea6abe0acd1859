//! `harden`: parse the command line and hand off to the command.

use std::process::ExitCode;

use clap::FromArgMatches;
use harden::cmd::cli::{Cli, Command};
use harden::cmd::{check, diff, generate, report, rules, wizard};
use harden::util::exit::Exit;

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&harden::cmd::cli::command().get_matches()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
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
        Some(Command::Completions { shell }) => {
            use std::io::Write;
            let mut c = harden::cmd::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut c, "harden", &mut out);
            // A reader that closes early (`| head`) is no error of ours.
            let _ = std::io::stdout().write_all(&out);
            Exit::Ok.into()
        }
        Some(Command::Man) => {
            use std::io::Write;
            let page = clap_mangen::Man::new(harden::cmd::cli::command());
            let mut out = Vec::new();
            match page.render(&mut out) {
                Ok(()) => {
                    let _ = std::io::stdout().write_all(&out);
                    Exit::Ok.into()
                }
                Err(e) => {
                    eprintln!("harden man: {e}");
                    Exit::Error.into()
                }
            }
        }
        None => wizard::run(cli),
    }
}
