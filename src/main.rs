//! `harden`: parse the command line and hand off to the command.

use std::process::ExitCode;

use clap::FromArgMatches;
use harden::cmd::cli::{Cli, Command};
use harden::cmd::{check, diff, fleet, generate, report, rules, wizard};
use harden::util::exit::Exit;

/// The static musl build's allocator (musl's own halves the speed of the
/// allocation-heavy first secret judgement; see Cargo.toml).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `harden man`: one page as roff, or the pages' names.
fn man(page: Option<&str>, list: bool) -> ExitCode {
    use std::io::Write;
    let pages = harden::cmd::cli::man_pages();
    let mut out = Vec::new();
    if list {
        for p in &pages {
            let _ = writeln!(out, "{}", p.get_name());
        }
    } else {
        let name = page.map_or("harden".to_string(), |p| format!("harden-{p}"));
        let Some(cmd) = pages.into_iter().find(|p| p.get_name() == name) else {
            let known: Vec<String> = harden::cmd::cli::man_pages()
                .iter()
                .skip(1)
                .map(|p| p.get_name().trim_start_matches("harden-").to_string())
                .collect();
            eprintln!(
                "harden man: no page for {:?}; the pages are harden and {}",
                page.unwrap_or_default(),
                known.join(", ")
            );
            return Exit::Error.into();
        };
        if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
            eprintln!("harden man: {e}");
            return Exit::Error.into();
        }
    }
    // A reader that closes early (`| head`) is no error of ours.
    let _ = std::io::stdout().write_all(&out);
    Exit::Ok.into()
}

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
        Some(Command::Fleet(args)) => fleet::run(args),
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
        Some(Command::Man { page, list }) => man(page.as_deref(), *list),
        None => wizard::run(cli),
    }
}
