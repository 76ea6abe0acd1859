//! Unit tests of the pure update logic.
//!
//! Over 600 lines on purpose: one test per behaviour of `update` across
//! every screen, sharing one set of fixtures (a model, key presses, a fixed
//! clock); split by screen they would repeat the fixtures in each file.

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use time::OffsetDateTime;
use time::macros::{date, datetime};

use super::*;
use crate::checklist::load_embedded;
use crate::detect::{Detector, Outcome, Report};
use crate::state::{ItemRecord, OperatorStatus, State};

const NOW: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);

fn model_with(state: State) -> Model {
    let c = Arc::new(load_embedded().unwrap());
    Model::new(c, state, Context::default(), "alice", NOW.date())
}

fn fresh() -> Model {
    let c = load_embedded().unwrap();
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    model_with(s)
}

fn key(m: &mut Model, code: KeyCode) -> Vec<Effect> {
    update(m, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), NOW)
}

fn ch(m: &mut Model, c: char) -> Vec<Effect> {
    key(m, KeyCode::Char(c))
}

fn typ(m: &mut Model, s: &str) {
    for c in s.chars() {
        ch(m, c);
    }
}

fn id(m: &Model) -> String {
    m.current_item().id.clone()
}

#[test]
fn first_start_asks_for_the_operator_prefilled() {
    let c = load_embedded().unwrap();
    let mut m = model_with(State::new(&c, NOW));
    let Mode::Operator { input, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(input.value(), "alice");
    // Keys go to the prompt, not to the checklist; the first one typed
    // replaces the suggestion (typing `ceo` once gave `operatorceo`).
    ch(&mut m, 'd');
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
    let Mode::Operator { input, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(input.value(), "d");
    key(&mut m, KeyCode::Backspace);
    for _ in 0..5 {
        key(&mut m, KeyCode::Backspace);
    }
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    assert!(matches!(m.mode, Mode::Operator { error: Some(_), .. }));
    typ(&mut m, "bob");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(m.state.operator.as_deref(), Some("bob"));
    assert!(matches!(m.mode, Mode::Browse));
}

#[test]
fn an_operator_name_holding_a_secret_is_refused() {
    crate::util::redact::remember("OpNameS3cretValue77");
    let c = load_embedded().unwrap();
    let mut m = model_with(State::new(&c, NOW));
    for _ in 0..5 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "ops OpNameS3cretValue77");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::Operator { error: Some(e), .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert!(e.contains("holds a secret of this review"), "{e}");
    assert!(m.state.operator.is_none());
}

#[test]
fn marking_records_who_and_when_and_walks_forward() {
    let mut m = fresh();
    assert_eq!(id(&m), "env.secret_key_strong");
    assert_eq!(ch(&mut m, 'd'), vec![Effect::Save]);
    let r = m.record("env.secret_key_strong").unwrap();
    assert_eq!(r.status, OperatorStatus::Done);
    assert_eq!(r.by.as_deref(), Some("alice"));
    assert_eq!(r.at, Some(NOW));
    assert_eq!(id(&m), "env.secret_key_set");
    ch(&mut m, 'x');
    assert_eq!(m.status("env.secret_key_set"), OperatorStatus::NotDone);
    ch(&mut m, 'a');
    assert_eq!(
        m.status("env.secret_key_not_default"),
        OperatorStatus::NotApplicable
    );
    ch(&mut m, ' ');
    assert_eq!(
        m.status("env.secret_key_not_committed"),
        OperatorStatus::Done
    );
}

#[test]
fn reopen_keeps_the_note_and_drops_blank_records() {
    let mut m = fresh();
    ch(&mut m, 'd');
    ch(&mut m, 'k');
    assert_eq!(ch(&mut m, 'o'), vec![Effect::Save]);
    assert!(
        m.record("env.secret_key_strong").is_none(),
        "blank record removed"
    );
    ch(&mut m, 'e');
    typ(&mut m, "kept");
    key(&mut m, KeyCode::Enter);
    ch(&mut m, 'd');
    ch(&mut m, 'k');
    ch(&mut m, 'o');
    let r = m.record("env.secret_key_strong").unwrap();
    assert_eq!(r.status, OperatorStatus::Open);
    assert_eq!(r.note.as_deref(), Some("kept"));
}

#[test]
fn note_editor_saves_on_enter_and_cancels_on_esc() {
    let mut m = fresh();
    assert_eq!(ch(&mut m, 'e'), vec![]);
    typ(&mut m, "in vault");
    assert_eq!(key(&mut m, KeyCode::Esc), vec![]);
    assert!(m.record("env.secret_key_strong").is_none());
    ch(&mut m, 'e');
    typ(&mut m, "in vault");
    update(&mut m, Action::Paste(" \"prod\"\n".into()), NOW);
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Effect::Save]);
    assert_eq!(
        m.record("env.secret_key_strong").unwrap().note.as_deref(),
        Some("in vault \"prod\"")
    );
    // The editor opens with the existing note; emptying it removes it.
    ch(&mut m, 'e');
    let Mode::Note { input, .. } = &m.mode else {
        panic!()
    };
    assert_eq!(input.value(), "in vault \"prod\"");
    update(
        &mut m,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        NOW,
    );
    key(&mut m, KeyCode::Enter);
    assert!(m.record("env.secret_key_strong").is_none());
    // Letters typed in the editor never act as commands.
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
}

#[test]
fn waiver_needs_a_reason_and_a_future_or_empty_date() {
    let mut m = fresh();
    ch(&mut m, 'w');
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::Waiver(f) = &m.mode else { panic!() };
    assert_eq!(f.field, WaiverField::Reason);
    assert!(f.error.as_ref().unwrap().contains("reason"));
    typ(&mut m, "vendor fix due");
    key(&mut m, KeyCode::Tab);
    typ(&mut m, "2026-13-01");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::Waiver(f) = &m.mode else { panic!() };
    assert_eq!(f.field, WaiverField::Expires);
    assert!(f.error.as_ref().unwrap().contains("not a date"));
    for _ in 0..10 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "2026-11-26");
    key(&mut m, KeyCode::Enter);
    let Mode::Waiver(f) = &m.mode else { panic!() };
    assert!(f.error.as_ref().unwrap().contains("in the past"));
    for _ in 0..10 {
        key(&mut m, KeyCode::Backspace);
    }
    typ(&mut m, "2026-11-27");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Effect::Save]);
    let r = m.record("env.secret_key_strong").unwrap();
    assert_eq!(r.status, OperatorStatus::Waived);
    let w = r.waiver.as_ref().unwrap();
    assert_eq!(w.reason, "vendor fix due");
    assert_eq!(w.owner, "alice");
    assert_eq!(w.expires, Some(date!(2026 - 11 - 27)));
    // Any other status drops the waiver.
    ch(&mut m, 'k');
    ch(&mut m, 'd');
    assert!(m.record("env.secret_key_strong").unwrap().waiver.is_none());
}

#[test]
fn waiver_without_expiry_and_esc_cancels() {
    let mut m = fresh();
    ch(&mut m, 'w');
    typ(&mut m, "later");
    assert_eq!(key(&mut m, KeyCode::Esc), vec![]);
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
    ch(&mut m, 'w');
    typ(&mut m, "accepted risk");
    key(&mut m, KeyCode::Enter);
    let w = m
        .record("env.secret_key_strong")
        .unwrap()
        .waiver
        .clone()
        .unwrap();
    assert_eq!(w.expires, None);
}

#[test]
fn next_open_skips_answered_items_and_crosses_sections() {
    let mut m = fresh();
    // env has 10 items of the seed and one harden adds.
    for _ in 0..11 {
        ch(&mut m, 'd');
    }
    // The last item of section 1 is done; the cursor stays on it.
    assert_eq!(m.section, 0);
    assert!(m.message.as_ref().unwrap().text.contains("complete"));
    ch(&mut m, 'n');
    assert_eq!((m.section, id(&m)), (1, "cors.allowed_hosts".to_string()));
    ch(&mut m, 'd');
    ch(&mut m, 'g');
    ch(&mut m, 'n');
    assert_eq!(id(&m), "cors.no_dev_origins");
}

#[test]
fn next_open_wraps_and_falls_back_to_not_done() {
    let c = load_embedded().unwrap();
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    for item in c.items() {
        s.items.insert(
            item.id.clone(),
            ItemRecord {
                status: OperatorStatus::Done,
                ..Default::default()
            },
        );
    }
    s.items.get_mut("cors.preflight").unwrap().status = OperatorStatus::NotDone;
    s.items.get_mut("env.jwt_algorithm").unwrap().status = OperatorStatus::Open;
    let mut m = model_with(s);
    assert_eq!(id(&m), "env.jwt_algorithm", "resumes at the open item");
    ch(&mut m, 'n');
    assert_eq!(
        id(&m),
        "env.jwt_algorithm",
        "only open item: wraps to itself"
    );
    ch(&mut m, 'd');
    ch(&mut m, 'n');
    assert_eq!(id(&m), "cors.preflight");
    assert!(m.message.as_ref().unwrap().text.contains("not done"));
}

#[test]
fn resume_goes_to_first_open_item_of_first_unfinished_section() {
    let c = load_embedded().unwrap();
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    for item in &c.sections[0].items {
        s.items.insert(
            item.id.clone(),
            ItemRecord {
                status: OperatorStatus::NotApplicable,
                ..Default::default()
            },
        );
    }
    for i in ["cors.allowed_hosts", "cors.no_dev_origins"] {
        s.items.insert(
            i.into(),
            ItemRecord {
                status: OperatorStatus::Done,
                ..Default::default()
            },
        );
    }
    s.items.insert(
        "cors.origins_match".into(),
        ItemRecord {
            status: OperatorStatus::NotDone,
            ..Default::default()
        },
    );
    let m = model_with(s);
    assert_eq!((m.section, id(&m)), (1, "cors.preflight".to_string()));
    assert_eq!(m.focus, Focus::Items);
}

#[test]
fn section_navigation() {
    let mut m = fresh();
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.focus, Focus::Sections);
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    assert_eq!((m.section, m.item), (2, 0));
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.focus, Focus::Items);
    ch(&mut m, ']');
    assert_eq!(m.section, 3);
    ch(&mut m, '[');
    ch(&mut m, '[');
    assert_eq!(m.section, 1);
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'G');
    assert_eq!(m.current_section().slug, "signoff");
    ch(&mut m, ']');
    assert!(m.message.as_ref().unwrap().text.contains("last section"));
    key(&mut m, KeyCode::PageUp);
    assert_eq!(m.section, 8);
}

#[test]
fn answer_keys_do_nothing_from_the_section_list_but_say_why() {
    // Issue 14: `d` with the sections focused marked an item the operator
    // had not seen.
    let mut m = fresh();
    key(&mut m, KeyCode::Esc);
    for c in ['d', 'x', 'a', 'o', 'y', 'w', 'e'] {
        let effects = ch(&mut m, c);
        assert!(effects.is_empty(), "{c}");
        assert_eq!(m.focus, Focus::Sections, "{c}");
        assert!(matches!(m.mode, Mode::Browse), "{c}");
    }
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .contains("Answers go to the item in the items pane"),
        "{:?}",
        m.message
    );
    key(&mut m, KeyCode::Enter);
    ch(&mut m, 'd');
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Done);
}

#[test]
fn overview_opens_a_section_and_esc_returns() {
    let mut m = fresh();
    ch(&mut m, 'v');
    assert!(matches!(m.mode, Mode::Overview { selected: 0 }));
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(m.current_section().slug, "tls");
    ch(&mut m, 'v');
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(m.current_section().slug, "tls");
}

#[test]
fn critical_unsettled_lists_open_and_not_done_critical_items() {
    let mut m = fresh();
    let before = m.critical_unsettled().len();
    assert_eq!(
        before,
        m.checklist
            .items()
            .filter(|i| i.severity == crate::checklist::Severity::Critical)
            .count()
    );
    ch(&mut m, 'd');
    ch(&mut m, 'x');
    assert_eq!(m.critical_unsettled().len(), before - 1);
}

#[test]
fn help_scrolls_and_closes() {
    let mut m = fresh();
    ch(&mut m, '?');
    ch(&mut m, 'j');
    assert!(matches!(m.mode, Mode::Help { scroll: 1 }));
    ch(&mut m, 'd');
    assert!(matches!(m.mode, Mode::Browse), "any other key closes help");
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
}

#[test]
fn quit_and_signals() {
    let mut m = fresh();
    assert_eq!(ch(&mut m, 'q'), vec![Effect::Quit(Ending::Normal)]);
    assert_eq!(
        update(&mut m, Action::Signal(Signal::Hangup), NOW),
        vec![Effect::Save, Effect::Quit(Ending::Signal(Signal::Hangup))]
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    ch(&mut m, 'e');
    assert_eq!(
        update(&mut m, Action::Key(ctrl_c), NOW),
        vec![Effect::Quit(Ending::Normal)]
    );
}

#[test]
fn a_failed_save_is_shown_and_quit_asks_twice() {
    let mut m = fresh();
    ch(&mut m, 'd');
    update(
        &mut m,
        Action::SaveFailed("No space left on device".into()),
        NOW,
    );
    assert!(m.unsaved);
    let msg = m.message.clone().unwrap();
    assert_eq!(msg.kind, MessageKind::Error);
    assert!(msg.text.contains("No space left"));
    // The error stays through ordinary keys.
    ch(&mut m, 'j');
    assert_eq!(m.message.as_ref().unwrap().kind, MessageKind::Error);
    assert_eq!(ch(&mut m, 'q'), vec![Effect::Save]);
    assert_eq!(ch(&mut m, 'q'), vec![Effect::Quit(Ending::Normal)]);
    // A later successful save clears the state.
    update(&mut m, Action::Saved, NOW);
    assert!(!m.unsaved);
    assert_eq!(m.message.as_ref().unwrap().kind, MessageKind::Info);
}

#[test]
fn key_release_events_are_ignored() {
    let mut m = fresh();
    let mut k = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
    k.kind = KeyEventKind::Release;
    assert_eq!(update(&mut m, Action::Key(k), NOW), vec![]);
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
}

fn finding(id: &str, outcome: Outcome) -> crate::detect::Finding {
    crate::detect::Finding::new(id, outcome, format!("evidence for {id}"))
}

fn report(detector: Detector, findings: Vec<crate::detect::Finding>) -> Report {
    Report {
        detector,
        findings,
        fingerprints: Default::default(),
        elapsed: std::time::Duration::ZERO,
    }
}

#[test]
fn start_runs_detectors_and_reports_fill_items() {
    let mut m = fresh();
    assert_eq!(m.start(), vec![Effect::RunDetectors]);
    assert!(m.detecting("env.secret_key_strong"));
    assert!(
        !m.detecting("testing.penetration_test"),
        "manual items never spin"
    );
    update(&mut m, Action::Tick, NOW);
    assert_eq!(m.spinner, 1);
    let fx = update(
        &mut m,
        Action::Detected(report(
            Detector::Env,
            vec![
                finding("env.secret_key_strong", Outcome::Fail),
                finding("env.secret_key_set", Outcome::Pass),
                finding("no.such_item", Outcome::Pass),
            ],
        )),
        NOW,
    );
    assert_eq!(fx, vec![Effect::Save]);
    assert!(!m.running.contains(&Detector::Env));
    assert!(!m.detecting("env.secret_key_strong"));
    assert_eq!(
        m.detection("env.secret_key_strong").unwrap().outcome,
        Outcome::Fail
    );
    assert!(
        !m.state.detections.contains_key("no.such_item"),
        "ids outside the checklist are dropped"
    );
    for d in Detector::ALL.into_iter().filter(|d| *d != Detector::Env) {
        update(&mut m, Action::Detected(report(d, vec![])), NOW);
    }
    assert!(m.running.is_empty());
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .starts_with("Detection done: 1 pass")
    );
}

#[test]
fn accept_takes_the_detection_as_the_answer() {
    let mut m = fresh();
    update(
        &mut m,
        Action::Detected(report(
            Detector::Env,
            vec![
                finding("env.secret_key_strong", Outcome::Fail),
                finding("env.secret_key_set", Outcome::Pass),
                finding("env.secret_key_not_default", Outcome::Unknown),
            ],
        )),
        NOW,
    );
    assert_eq!(ch(&mut m, 'y'), vec![Effect::Save]);
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::NotDone);
    assert_eq!(ch(&mut m, 'y'), vec![Effect::Save]);
    assert_eq!(m.status("env.secret_key_set"), OperatorStatus::Done);
    assert_eq!(ch(&mut m, 'y'), vec![]);
    assert_eq!(m.status("env.secret_key_not_default"), OperatorStatus::Open);
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing to accept")
    );
    ch(&mut m, 'j');
    assert_eq!(ch(&mut m, 'y'), vec![], "no detection at all");
}

#[test]
fn overriding_a_detection_needs_a_note() {
    let mut m = fresh();
    update(
        &mut m,
        Action::Detected(report(
            Detector::Env,
            vec![finding("env.secret_key_strong", Outcome::Fail)],
        )),
        NOW,
    );
    assert_eq!(ch(&mut m, 'd'), vec![], "not applied yet");
    let Mode::Note { purpose, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(
        *purpose,
        NotePurpose::Override {
            status: OperatorStatus::Done,
            outcome: Outcome::Fail
        }
    );
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![],
        "an empty note is refused"
    );
    assert!(matches!(m.mode, Mode::Note { .. }));
    assert_eq!(m.message.as_ref().unwrap().kind, MessageKind::Error);
    typ(&mut m, "rotated in the vault");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![Effect::Save]);
    let r = m.record("env.secret_key_strong").unwrap();
    assert_eq!(r.status, OperatorStatus::Done);
    assert_eq!(r.overrides, Some(Outcome::Fail));
    assert_eq!(r.note.as_deref(), Some("rotated in the vault"));
    // Agreeing with a Fail (not done) needs no note.
    ch(&mut m, 'k');
    assert_eq!(ch(&mut m, 'x'), vec![Effect::Save]);
    assert_eq!(m.record("env.secret_key_strong").unwrap().overrides, None);
}

#[test]
fn not_done_against_a_pass_is_an_override_and_esc_cancels_it() {
    let mut m = fresh();
    update(
        &mut m,
        Action::Detected(report(
            Detector::Env,
            vec![finding("env.secret_key_strong", Outcome::Pass)],
        )),
        NOW,
    );
    assert_eq!(ch(&mut m, 'x'), vec![]);
    assert!(matches!(
        m.mode,
        Mode::Note {
            purpose: NotePurpose::Override { .. },
            ..
        }
    ));
    assert_eq!(key(&mut m, KeyCode::Esc), vec![]);
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
    // Agreeing with the detection needs no note.
    assert_eq!(ch(&mut m, 'd'), vec![Effect::Save]);
    assert_eq!(m.record("env.secret_key_strong").unwrap().overrides, None);
}

#[test]
fn a_rotated_secret_is_noticed() {
    let mut m = fresh();
    m.state
        .fingerprints
        .insert("SECRET_KEY".into(), "aaaa".into());
    let mut r = report(Detector::Env, vec![]);
    r.fingerprints.insert("SECRET_KEY".into(), "bbbb".into());
    update(&mut m, Action::Detected(r), NOW);
    assert_eq!(m.state.fingerprints["SECRET_KEY"], "bbbb");
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .contains("SECRET_KEY changed since the last review")
    );
    let mut r = report(Detector::Env, vec![]);
    r.fingerprints.insert("SECRET_KEY".into(), "bbbb".into());
    update(&mut m, Action::Detected(r), NOW);
    assert!(!m.message.as_ref().unwrap().text.contains("changed"));
}

#[test]
fn r_reruns_every_detector() {
    let mut m = fresh();
    assert_eq!(ch(&mut m, 'r'), vec![Effect::RunDetectors]);
    assert_eq!(m.running.len(), Detector::ALL.len());
}

#[test]
fn both_env_files_ask_which_one_first() {
    let c = Arc::new(load_embedded().unwrap());
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    let ctx = Context {
        env_choice: true,
        ..Context::default()
    };
    let mut m = Model::new(c, s, ctx, "alice", NOW.date());
    assert_eq!(m.start(), vec![]);
    assert!(matches!(m.mode, Mode::EnvChoice));
    assert_eq!(ch(&mut m, 'z'), vec![]);
    assert!(matches!(m.mode, Mode::EnvChoice));
    assert_eq!(ch(&mut m, 'p'), vec![Effect::Save, Effect::RunDetectors]);
    assert_eq!(m.state.env_file.as_deref(), Some(".env.production"));
    assert!(matches!(m.mode, Mode::Browse));
}

#[test]
fn production_urls_are_asked_checked_and_kept() {
    let mut m = fresh();
    assert_eq!(ch(&mut m, 'u'), vec![]);
    typ(&mut m, "http://api.example.com");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::Urls { error, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert!(error.as_ref().unwrap().contains("not an https:// URL"));
    update(
        &mut m,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        NOW,
    );
    typ(
        &mut m,
        "https://api.example.com, https://app.example.com:8443/",
    );
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![Effect::Save, Effect::RunDetectors]
    );
    assert_eq!(
        m.state.urls,
        vec!["https://api.example.com", "https://app.example.com:8443"]
    );
    assert_eq!(m.running.len(), Detector::ALL.len());
    assert!(
        parse_urls("https://user:pw@x.example").is_err(),
        "no passwords in URLs"
    );
}

#[test]
fn enter_on_an_item_shows_all_of_it_and_scrolls() {
    let mut m = fresh();
    key(&mut m, KeyCode::Esc);
    key(&mut m, KeyCode::Enter);
    assert!(
        matches!(m.mode, Mode::Browse),
        "Enter on a section opens it"
    );
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Item { scroll: 0 }));
    ch(&mut m, 'j');
    key(&mut m, KeyCode::PageDown);
    assert!(matches!(m.mode, Mode::Item { scroll: 11 }));
    key(&mut m, KeyCode::Esc);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(m.status("env.secret_key_strong"), OperatorStatus::Open);
}

#[test]
fn generate_asks_answers_then_shows_the_plan_then_writes_on_y() {
    let mut m = fresh();
    assert_eq!(
        ch(&mut m, 'c'),
        vec![Effect::DraftAnswers],
        "no answers yet: draft them"
    );
    let draft = crate::answers::parse(crate::answers::EXAMPLE_TEXT, "x").unwrap();
    let env = crate::detect::envfile::parse(b"");
    let sources = crate::answers::origin::sources(&draft, &env, &[]);
    update(
        &mut m,
        Action::AnswersDraft(Box::new((draft, sources))),
        NOW,
    );
    // The example's stand-ins are confirmed one by one: g goes to the
    // first left, c confirms it.
    let mut confirmed = 0;
    loop {
        let Mode::Answers(form) = &m.mode else {
            panic!("{:?}", m.mode)
        };
        if form.unconfirmed().is_empty() {
            break;
        }
        assert_eq!(ch(&mut m, 'g'), vec![], "refused while examples are left");
        let Mode::Answers(form) = &m.mode else {
            panic!()
        };
        assert!(form.error.as_ref().unwrap().contains("example values"));
        ch(&mut m, 'c');
        confirmed += 1;
    }
    assert!(confirmed >= 10, "{confirmed}");
    for _ in 0..10 {
        key(&mut m, KeyCode::PageUp);
    }
    let Mode::Answers(form) = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(
        form.fields[0].0, "project.name",
        "fields in the file's order"
    );
    // Edit dr.rto_minutes to something that is not a number: g refuses.
    let rto = form
        .fields
        .iter()
        .position(|(k, _)| k == "dr.rto_minutes")
        .unwrap();
    for _ in 0..rto {
        ch(&mut m, 'j');
    }
    key(&mut m, KeyCode::Enter);
    update(
        &mut m,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        NOW,
    );
    typ(&mut m, "soon");
    key(&mut m, KeyCode::Enter);
    assert_eq!(ch(&mut m, 'g'), vec![]);
    let Mode::Answers(form) = &m.mode else {
        panic!()
    };
    assert!(form.error.as_ref().unwrap().contains("dr.rto_minutes"));
    key(&mut m, KeyCode::Enter);
    update(
        &mut m,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        NOW,
    );
    typ(&mut m, "90");
    key(&mut m, KeyCode::Enter);
    assert_eq!(ch(&mut m, 'g'), vec![Effect::Save, Effect::PlanGenerate]);
    assert_eq!(m.state.answers.as_ref().unwrap().dr.rto_minutes, 90);

    let view = GenerateView {
        out: "/p/.harden/generated".into(),
        files: vec![
            PlannedFile {
                path: ".env.production".into(),
                change: crate::generate::Change::New,
                diff: "+SECRET_KEY=‹secret›\n".into(),
                secret: true,
            },
            PlannedFile {
                path: "nginx/site.conf".into(),
                change: crate::generate::Change::Unchanged,
                diff: String::new(),
                secret: false,
            },
        ],
        selected: 0,
        scroll: 0,
        confirm: false,
    };
    update(&mut m, Action::Planned(Ok(view)), NOW);
    assert!(matches!(m.mode, Mode::Generate(_)));
    ch(&mut m, 'j');
    assert_eq!(ch(&mut m, 'w'), vec![]);
    assert!(m.message.as_ref().unwrap().text.contains("Write 1 files"));
    assert_eq!(ch(&mut m, 'n'), vec![], "any other key cancels");
    ch(&mut m, 'w');
    assert_eq!(ch(&mut m, 'y'), vec![Effect::WriteGenerated]);
    let fx = update(
        &mut m,
        Action::Generated(Ok(Generated {
            out: "/p/.harden/generated".into(),
            written: vec![".env.production".into()],
            unchanged: vec!["nginx/site.conf".into()],
            backups: vec![],
            env_check: (43, 0),
        })),
        NOW,
    );
    assert_eq!(fx, vec![Effect::Save]);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(
        m.state
            .generated
            .get("env.secret_key_strong")
            .map(String::as_str),
        Some("/p/.harden/generated/.env.production")
    );
    assert!(
        m.state.generated.contains_key("tls.hsts"),
        "unchanged files still address their items"
    );
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .contains("43 env items pass, 0 fail")
    );
    // With answers kept, c opens them directly.
    assert_eq!(ch(&mut m, 'c'), vec![]);
    assert!(matches!(m.mode, Mode::Answers(_)));
}

#[test]
fn one_url_is_said_in_the_singular() {
    let mut m = fresh();
    ch(&mut m, 'u');
    typ(&mut m, "https://api.example.com");
    let effects = key(&mut m, KeyCode::Enter);
    assert!(effects.contains(&Effect::RunDetectors), "{effects:?}");
    assert_eq!(
        m.message.as_ref().unwrap().text,
        "1 production URL; probing again…"
    );
}

#[test]
fn typing_a_search_answers_nothing_and_finds_the_item() {
    // Issue 14: `/admin` marked headers.present n/a and headers.nosniff
    // done, and `/redis` re-ran the detectors.
    let mut m = fresh();
    let before = m.state.clone();
    for q in ["/admin", "/redis"] {
        let mut effects = Vec::new();
        for c in q.chars() {
            effects.extend(ch(&mut m, c));
        }
        assert!(effects.is_empty(), "{q}: {effects:?}");
        assert_eq!(m.state.items, before.items, "{q} changed an answer");
        let Mode::Search(view) = &m.mode else {
            panic!("{q}: {:?}", m.mode)
        };
        assert_eq!(view.input.value(), &q[1..]);
        assert!(!view.hits.is_empty(), "{q} found nothing");
        for &(si, ii) in &view.hits {
            let item = &m.checklist.sections[si].items[ii];
            assert!(
                format!("{} {}", item.id, item.text)
                    .to_lowercase()
                    .contains(&q[1..]),
                "{q}: {}",
                item.id
            );
        }
        key(&mut m, KeyCode::Esc);
        assert!(matches!(m.mode, Mode::Browse));
    }
    // Enter jumps to the selected match, with the items pane focused.
    key(&mut m, KeyCode::Esc);
    typ(&mut m, "/encryption database");
    key(&mut m, KeyCode::Down);
    let Mode::Search(view) = &m.mode else {
        panic!()
    };
    let (si, ii) = view.hits[1.min(view.hits.len() - 1)];
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!((m.section, m.item), (si, ii));
    assert_eq!(m.focus, Focus::Items);
    assert_eq!(m.state.items, before.items);
}

#[test]
fn search_filters_narrow_the_matches() {
    let mut m = fresh();
    ch(&mut m, '/');
    let all = match &m.mode {
        Mode::Search(v) => v.hits.len(),
        _ => panic!(),
    };
    key(&mut m, KeyCode::Tab); // failing
    key(&mut m, KeyCode::Tab); // unanswered
    key(&mut m, KeyCode::Tab); // critical
    let Mode::Search(v) = &m.mode else { panic!() };
    assert_eq!(v.filter, crate::app::search::Filter::Critical);
    assert!(!v.hits.is_empty() && v.hits.len() < all);
    for &(si, ii) in &v.hits {
        assert_eq!(
            m.checklist.sections[si].items[ii].severity,
            crate::checklist::Severity::Critical
        );
    }
}

#[test]
fn one_ctrl_c_keeps_a_note_draft() {
    let mut m = fresh();
    ch(&mut m, 'e');
    typ(&mut m, "checked with the ops team");
    let ctrl_c = || KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let effects = update(&mut m, Action::Key(ctrl_c()), NOW);
    assert!(effects.is_empty(), "{effects:?}");
    let Mode::Note { input, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(input.value(), "checked with the ops team");
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .contains("The note is not saved")
    );
    let effects = update(&mut m, Action::Key(ctrl_c()), NOW);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Quit(_))),
        "{effects:?}"
    );
}

#[test]
fn an_offline_run_keeps_the_last_live_result_beside_the_skip() {
    let mut m = fresh();
    let live = Report::new(
        Detector::Redis,
        vec![crate::detect::Finding::new(
            "rate_limit.redis_auth",
            Outcome::Pass,
            "127.0.0.1:6379 refuses PING without a password",
        )],
    );
    update(&mut m, Action::Detected(live), NOW);
    let offline = || {
        Report::new(
            Detector::Redis,
            vec![crate::detect::Finding::new(
                "rate_limit.redis_auth",
                Outcome::Skipped,
                "offline: live probes were not run",
            )],
        )
    };
    for _ in 0..2 {
        update(&mut m, Action::Detected(offline()), NOW);
        let d = m.detection("rate_limit.redis_auth").unwrap();
        assert_eq!(
            d.outcome,
            Outcome::Skipped,
            "a probe that did not run is no pass"
        );
        assert_eq!(
            d.evidence,
            "offline: live probes were not run; last live result (2026-11-27): pass: 127.0.0.1:6379 refuses PING without a password",
            "said once, not nested"
        );
    }
}

#[test]
fn undo_takes_back_answers_notes_and_overrides_newest_first() {
    let mut m = fresh();
    update(
        &mut m,
        Action::Detected(report(
            Detector::Env,
            vec![finding("env.secret_key_strong", Outcome::Fail)],
        )),
        NOW,
    );
    // An override with its note, then a plain answer.
    ch(&mut m, 'd');
    typ(&mut m, "rotated in the vault");
    key(&mut m, KeyCode::Enter);
    assert_eq!(id(&m), "env.secret_key_set");
    ch(&mut m, 'x');
    assert_eq!(m.status("env.secret_key_set"), OperatorStatus::NotDone);
    assert_eq!(m.place().unwrap().changes.len(), 2);

    ch(&mut m, 'j');
    assert_eq!(ch(&mut m, 'U'), vec![Effect::Save]);
    assert_eq!(m.status("env.secret_key_set"), OperatorStatus::Open);
    assert!(m.record("env.secret_key_set").is_none());
    assert_eq!(id(&m), "env.secret_key_set", "undo shows the item");
    assert!(
        m.message.as_ref().unwrap().text.contains("1 more change"),
        "{:?}",
        m.message
    );
    // The undo is not itself a change to undo.
    assert_eq!(m.place().unwrap().changes.len(), 1);
    // From the section list too: undo is not an answer to an item.
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.focus, Focus::Sections);
    assert_eq!(ch(&mut m, 'U'), vec![Effect::Save]);
    assert!(
        m.record("env.secret_key_strong").is_none(),
        "the note went too"
    );
    assert_eq!(ch(&mut m, 'U'), vec![]);
    assert!(
        m.message
            .as_ref()
            .unwrap()
            .text
            .starts_with("Nothing to undo")
    );
}

#[test]
fn undo_refuses_a_change_that_was_changed_again_since() {
    let mut m = fresh();
    ch(&mut m, 'd');
    // Someone (here: a changed record loaded from elsewhere) changed it.
    m.state
        .items
        .get_mut("env.secret_key_strong")
        .unwrap()
        .status = OperatorStatus::NotApplicable;
    assert_eq!(ch(&mut m, 'U'), vec![]);
    assert_eq!(
        m.status("env.secret_key_strong"),
        OperatorStatus::NotApplicable
    );
    let msg = m.message.as_ref().unwrap();
    assert_eq!(msg.kind, MessageKind::Error);
    assert!(msg.text.contains("changed since"), "{}", msg.text);
}

#[test]
fn the_undo_log_and_the_place_are_per_operator_and_restored() {
    let mut m = fresh();
    ch(&mut m, ']');
    ch(&mut m, ']');
    ch(&mut m, 'd');
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Item { .. }));
    let saved = m.session_to_save();
    let place = &saved.operators["alice"];
    assert_eq!(place.section.as_deref(), Some("tls"));
    assert_eq!(place.item.as_deref(), Some("tls.web_server"));
    assert_eq!(place.item_view, Some(0));
    assert_eq!(place.changes.len(), 1);

    // Alice comes back: at her item, her view open, her change undoable.
    let mut again = model_with(m.state.clone());
    assert_eq!(
        id(&again),
        "env.secret_key_strong",
        "no session: first open"
    );
    again.restore(saved.clone());
    assert_eq!(id(&again), "tls.web_server");
    assert!(matches!(again.mode, Mode::Item { scroll: 0 }));
    key(&mut again, KeyCode::Esc);
    ch(&mut again, 'U');
    assert_eq!(again.status("tls.cert_valid"), OperatorStatus::Open);

    // Bob on the same machine has neither.
    let mut state = m.state.clone();
    state.operator = Some("bob".into());
    let mut bob = model_with(state);
    bob.restore(saved);
    assert_eq!(id(&bob), "env.secret_key_strong");
    ch(&mut bob, 'U');
    assert_eq!(bob.status("tls.cert_valid"), OperatorStatus::Done);
}

#[test]
fn resume_without_a_place_skips_past_early_not_done_answers() {
    let c = load_embedded().unwrap();
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    for i in &c.sections[0].items {
        s.items.insert(
            i.id.clone(),
            ItemRecord {
                status: OperatorStatus::NotDone,
                ..ItemRecord::default()
            },
        );
    }
    let m = model_with(s);
    assert_eq!(m.section, 1, "the first section still has answers only");
    assert_eq!(id(&m), m.checklist.sections[1].items[0].id);
}

#[test]
fn the_changed_filter_lists_what_changed_since_the_sign_off() {
    let mut m = fresh();
    ch(&mut m, '/');
    for _ in 0..4 {
        key(&mut m, KeyCode::Tab);
    }
    let Mode::Search(v) = &m.mode else { panic!() };
    assert_eq!(v.filter, crate::app::search::Filter::Changed);
    assert!(v.hits.is_empty(), "no sign-off: nothing changed since one");
    key(&mut m, KeyCode::Esc);

    let signed = crate::review::signoff::snapshot(&m.checklist, &m.state, NOW.date());
    m.state.signoffs.push(signed);
    ch(&mut m, ']');
    ch(&mut m, 'x');
    let changed = crate::app::search::changed_since_signoff(&m);
    assert_eq!(
        changed.into_iter().collect::<Vec<_>>(),
        vec!["cors.allowed_hosts".to_string()]
    );
    ch(&mut m, '/');
    for _ in 0..4 {
        key(&mut m, KeyCode::Tab);
    }
    let Mode::Search(v) = &m.mode else { panic!() };
    let ids: Vec<&str> = v
        .hits
        .iter()
        .map(|&(si, ii)| m.checklist.sections[si].items[ii].id.as_str())
        .collect();
    assert_eq!(ids, ["cors.allowed_hosts"]);
}

#[test]
fn overview_goes_to_a_critical_item_past_the_sections() {
    let mut m = fresh();
    ch(&mut m, 'v');
    // End: the last row that leads somewhere, a critical item still open.
    key(&mut m, KeyCode::End);
    let Mode::Overview { selected } = m.mode else {
        panic!("{:?}", m.mode)
    };
    let rows = lists::rows(&m, lists::Kind::Overview);
    let lists::Row::Item { id: last, .. } = &rows[selected] else {
        panic!("{:?}", rows[selected])
    };
    let last = last.clone();
    assert_eq!(
        Some(last.as_str()),
        m.critical_unsettled().last().map(|i| i.id.as_str())
    );
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(id(&m), last);
    assert_eq!(m.focus, Focus::Items);
}

#[test]
fn a_refused_sign_off_lists_the_blockers_and_enter_goes_to_one() {
    let mut m = fresh();
    ch(&mut m, 'S');
    assert!(matches!(m.mode, Mode::Blockers { .. }), "{:?}", m.mode);
    let msg = m.message.clone().unwrap();
    assert_eq!(msg.kind, MessageKind::Error);
    assert!(msg.text.starts_with("Sign-off refused:"), "{}", msg.text);
    let rows = lists::rows(&m, lists::Kind::Blockers);
    let items: Vec<&String> = rows
        .iter()
        .filter_map(|r| match r {
            lists::Row::Item { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    let important = m
        .checklist
        .items()
        .find(|i| i.severity == crate::checklist::Severity::Important)
        .unwrap()
        .id
        .clone();
    assert!(items.contains(&&important), "important unanswered blocks");
    assert!(items.iter().all(|id| !id.starts_with("signoff.")));
    ch(&mut m, 'j');
    key(&mut m, KeyCode::Enter);
    assert!(matches!(m.mode, Mode::Browse));
    assert_eq!(&id(&m), items[1]);
}

#[test]
fn sign_off_shows_counts_and_signs_only_after_confirmation() {
    let mut m = fresh();
    for item in m.checklist.items() {
        let status = match item.severity {
            crate::checklist::Severity::Critical => OperatorStatus::Done,
            crate::checklist::Severity::Important => OperatorStatus::NotDone,
            crate::checklist::Severity::Normal => continue,
        };
        m.state.items.insert(
            item.id.clone(),
            ItemRecord {
                status,
                ..ItemRecord::default()
            },
        );
    }
    // One critical item answered done over a failing detection, with a note.
    let r = m.state.items.get_mut("env.secret_key_strong").unwrap();
    r.overrides = Some(Outcome::Fail);
    r.note = Some("rotated in the vault".into());
    let c = signoff::counts(&m);
    assert_eq!(
        c.overridden,
        [1, 0, 0],
        "the form says an override is in it"
    );
    assert_eq!(c.unanswered[0] + c.unanswered[1], 0);
    assert!(c.unanswered[2] > 100, "{c:?}");
    assert!(c.not_done[1] > 0);
    ch(&mut m, 'S');
    assert!(matches!(m.mode, Mode::SignOff(_)), "{:?}", m.mode);
    // No approver: refused before any confirmation.
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::SignOff(f) = &m.mode else { panic!() };
    assert!(!f.confirm);
    assert!(f.error.as_deref().unwrap().contains("approver"));
    key(&mut m, KeyCode::Tab);
    key(&mut m, KeyCode::Tab);
    typ(&mut m, "Grace");
    assert_eq!(key(&mut m, KeyCode::Enter), vec![]);
    let Mode::SignOff(f) = &m.mode else { panic!() };
    assert!(f.confirm, "Enter asks to confirm first");
    assert!(m.state.signoffs.is_empty());
    // Any key but y goes back to the form, unsigned.
    ch(&mut m, 'n');
    let Mode::SignOff(f) = &m.mode else { panic!() };
    assert!(!f.confirm);
    assert!(m.state.signoffs.is_empty());
    key(&mut m, KeyCode::Enter);
    assert_eq!(ch(&mut m, 'y'), vec![Effect::Save]);
    let s = m.state.signoffs.last().unwrap();
    assert_eq!(
        (s.reviewed_by.as_str(), s.approved_by.as_str()),
        ("alice", "Grace")
    );
    assert_eq!(m.status("signoff.critical_addressed"), OperatorStatus::Done);
}

#[test]
fn drafted_answers_say_where_each_value_came_from_and_what_the_env_file_contradicts() {
    use crate::answers::origin::{Origin, contradiction, sources};
    let env = crate::detect::envfile::parse(
        b"LOG_LEVEL=DEBUG\nGDPR_COMPLIANCE=false\nBACKUP_RETENTION_DAYS=14\nDATABASE_URL=postgresql+asyncpg://svc@db.internal:5433/orders\n",
    );
    let urls = vec!["https://api.shop.test/".to_string()];
    let a = crate::answers::draft(&env, &urls);
    let s = sources(&a, &env, &urls);
    assert_eq!(
        s.origins["compliance.gdpr"],
        Origin::Env {
            key: "GDPR_COMPLIANCE".into(),
            line: 2
        }
    );
    assert!(
        !a.compliance.gdpr,
        "the env file's false wins over the example"
    );
    assert_eq!(
        s.origins["backup.retention_days"],
        Origin::Env {
            key: "BACKUP_RETENTION_DAYS".into(),
            line: 3
        }
    );
    assert!(
        matches!(s.origins["database.host"], Origin::Env { ref key, line: 4 } if key == "DATABASE_URL")
    );
    assert_eq!(s.origins["domains.api"], Origin::Urls);
    assert_eq!(s.origins["backup.role_arn"], Origin::Example);
    assert_eq!(s.origins["incident.security_contact"], Origin::Example);
    assert_eq!(s.origins["dr.rto_minutes"], Origin::Default);
    // DEBUG is not a production level: the answer stays INFO, and says
    // that the env file says otherwise.
    assert_eq!(a.logging.level, "INFO");
    assert_eq!(s.origins["logging.level"], Origin::Default);
    assert_eq!(
        contradiction(&s, "logging.level", "INFO").as_deref(),
        Some("the env file says LOG_LEVEL=DEBUG (line 1)")
    );
    assert_eq!(contradiction(&s, "compliance.gdpr", "false"), None);
    assert!(contradiction(&s, "compliance.gdpr", "true").is_some());

    // In the form: an edit is "typed", and the stand-ins block g.
    let mut m = fresh();
    update(&mut m, Action::AnswersDraft(Box::new((a, s))), NOW);
    let Mode::Answers(form) = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert!(form.unconfirmed().contains(&"backup.role_arn"));
    assert!(!form.unconfirmed().contains(&"domains.api"));
    key(&mut m, KeyCode::Enter);
    typ(&mut m, "-x");
    key(&mut m, KeyCode::Enter);
    let Mode::Answers(form) = &m.mode else {
        panic!()
    };
    assert_eq!(form.origins[&form.fields[0].0], Origin::Typed);
}

#[test]
fn undo_from_a_planted_session_restores_no_secret_and_no_unknown_item() {
    use crate::state::session::{Change, Session};
    crate::util::redact::remember("PlantedS3cretForUndo991");
    let mut m = fresh();
    let mut s = Session::default();
    let place = s.operators.entry("alice".into()).or_default();
    for (item, note) in [
        ("zz.\u{1b}[2Jnot_an_item", "harmless"),
        ("env.secret_key_strong", "old key PlantedS3cretForUndo991"),
    ] {
        place.changes.push(Change {
            item: item.into(),
            at: NOW,
            before: Some(ItemRecord {
                status: OperatorStatus::Done,
                note: Some(note.into()),
                ..ItemRecord::default()
            }),
            after: None,
        });
    }
    m.restore(s);
    assert_eq!(ch(&mut m, 'U'), vec![], "a secret is not restored");
    assert!(m.state.items.is_empty());
    assert!(m.message.as_ref().unwrap().text.contains("not undone"));
    assert_eq!(ch(&mut m, 'U'), vec![], "an unknown item is not restored");
    assert!(m.state.items.is_empty());
    let msg = &m.message.as_ref().unwrap().text;
    assert!(msg.contains("not an item of this checklist"), "{msg}");
    assert!(!msg.contains('\u{1b}'), "{msg:?}");
}
