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

/// Writes generated text to stdout. A reader that closes early (`| head`)
/// is no error of ours; any other write error (a full disk) is.
fn emit(out: &[u8], command: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    match stdout.write_all(out).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("harden {command}: cannot write: {e}");
            Exit::Error.into()
        }
        _ => Exit::Ok.into(),
    }
}

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
        // `check`, `harden-check` (as --list names it) and `harden` all work.
        let name = match page {
            None | Some("harden") => "harden".to_string(),
            Some(p) if p.starts_with("harden-") => p.to_string(),
            Some(p) => format!("harden-{p}"),
        };
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
    emit(&out, "man")
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
            let mut c = harden::cmd::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut c, "harden", &mut out);
            emit(&out, "completions")
        }
        Some(Command::Man { page, list }) => man(page.as_deref(), *list),
        None => wizard::run(cli),
    }
}
