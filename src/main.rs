//! `harden`: parse the command line and hand off.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    harden::wizard::main(harden::cli::Cli::parse())
}
