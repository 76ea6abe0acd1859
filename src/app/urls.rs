//! The production URLs to probe: asked, checked, kept in the state file.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};
use crate::detect::Detector;

/// Opens the prompt with the URLs kept so far.
pub fn open(model: &mut Model) {
    model.mode = Mode::Urls {
        input: Input::new(model.state.urls.join(", ")),
        error: None,
    }
}

/// The prompt.
pub fn key(model: &mut Model, key: KeyEvent, mut input: Input) -> Vec<Effect> {
    match keymap::lookup(keymap::URLS, &key) {
        Some(Command::Cancel) => {
            model.info("URLs not changed.");
            vec![]
        }
        Some(Command::Save) => match parse_urls(input.value()) {
            Ok(urls) => {
                let n = urls.len();
                model.state.urls = urls;
                model.running = Detector::ALL.iter().copied().collect();
                model.info(match n {
                    0 => "No production URLs; the web probes will not run.".to_string(),
                    1 => "1 production URL; probing again…".to_string(),
                    n => format!("{n} production URLs; probing again…"),
                });
                vec![Effect::Save, Effect::RunDetectors]
            }
            Err(e) => {
                model.mode = Mode::Urls {
                    input,
                    error: Some(e),
                };
                vec![]
            }
        },
        _ => {
            if let Some(req) = to_input_request(&Event::Key(key)) {
                input.handle(req);
            }
            model.mode = Mode::Urls { input, error: None };
            vec![]
        }
    }
}

/// Parses a comma- or space-separated list of https URLs.
///
/// # Errors
/// Names the first entry that is not an https URL with a host.
pub fn parse_urls(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if let Err(why) = crate::detect::probe::check_url(part) {
            return Err(why.to_string());
        }
        match url::Url::parse(part) {
            Ok(u) => out.push(u.to_string().trim_end_matches('/').to_string()),
            Err(e) => return Err(format!("{}: {e}", crate::util::redact::redact(part))),
        }
    }
    Ok(out)
}
