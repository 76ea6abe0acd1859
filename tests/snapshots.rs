//! Snapshots of every main screen at 80x24 and 60x18, plus the "too small"
//! screen, rendered with ratatui's TestBackend from a fixed model.

use std::sync::Arc;

use harden::app::{Action, Context, Model, update};
use harden::checklist::load_embedded;
use harden::state::{ItemRecord, OperatorStatus, State, Waiver};
use harden::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use time::OffsetDateTime;
use time::macros::{date, datetime};

const NOW: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);

fn model(operator: Option<&str>) -> Model {
    let c = Arc::new(load_embedded().unwrap());
    let mut s = State::new(&c, NOW);
    s.operator = operator.map(str::to_string);
    let rec = |status, note: Option<&str>| ItemRecord {
        status,
        note: note.map(str::to_string),
        by: Some("alice".into()),
        at: Some(datetime!(2026-11-27 11:30 UTC)),
        waiver: None,
        overrides: None,
    };
    s.items.insert(
        "env.secret_key_strong".into(),
        rec(
            OperatorStatus::Done,
            Some("openssl rand -hex 32 on the vault host"),
        ),
    );
    s.items.insert(
        "env.secret_key_set".into(),
        rec(OperatorStatus::NotDone, None),
    );
    let mut waived = rec(OperatorStatus::Waived, None);
    waived.waiver = Some(Waiver {
        reason: "rotation scheduled with the vendor".into(),
        owner: "alice".into(),
        expires: Some(date!(2027 - 01 - 31)),
    });
    s.items.insert("env.secret_key_not_default".into(), waived);
    s.items.insert(
        "cors.documented".into(),
        rec(OperatorStatus::NotApplicable, None),
    );
    let ctx = Context {
        state_path: ".harden/state.toml".into(),
        ..Context::default()
    };
    Model::new(c, s, ctx, "alice", NOW.date())
}

fn press(m: &mut Model, keys: &[KeyCode]) {
    for k in keys {
        update(m, Action::Key(KeyEvent::new(*k, KeyModifiers::NONE)), NOW);
    }
}

fn typed(m: &mut Model, s: &str) {
    let keys: Vec<_> = s.chars().map(KeyCode::Char).collect();
    press(m, &keys);
}

fn draw(m: &Model, w: u16, h: u16, theme: &Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(f, m, theme)).unwrap();
    t
}

fn screen(m: &Model, w: u16, h: u16) -> String {
    draw(m, w, h, &Theme::color()).backend().to_string()
}

/// Snapshots one screen at both sizes.
fn both(name: &str, m: &Model) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(m, 80, 24));
    insta::assert_snapshot!(format!("{name}_60x18"), screen(m, 60, 18));
}

#[test]
fn section_list() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Esc, KeyCode::Down]);
    both("section_list", &m);
}

#[test]
fn item_detail() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('g')]);
    both("item_detail", &m);
    press(&mut m, &[KeyCode::Char('j'), KeyCode::Char('j')]);
    both("item_detail_waived", &m);
}

#[test]
fn note_editor() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('e')]);
    typed(&mut m, "kept in the team vault, entry prod/optibid");
    both("note_editor", &m);
}

#[test]
fn waiver_prompt() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('w')]);
    typed(&mut m, "accepted until the migration");
    press(&mut m, &[KeyCode::Tab]);
    typed(&mut m, "2026-02-30");
    press(&mut m, &[KeyCode::Enter]);
    both("waiver_prompt", &m);
}

#[test]
fn overview() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('v')]);
    both("overview", &m);
}

#[test]
fn search() {
    let mut m = model(Some("alice"));
    typed(&mut m, "/secret");
    press(&mut m, &[KeyCode::Down]);
    both("search", &m);
    press(&mut m, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab]);
    both("search_critical", &m);
}

#[test]
fn help_overlay() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('?')]);
    both("help", &m);
}

#[test]
fn operator_prompt() {
    let m = model(None);
    both("operator_prompt", &m);
}

#[test]
fn too_small() {
    let m = model(Some("alice"));
    insta::assert_snapshot!("too_small_59x18", screen(&m, 59, 18));
    insta::assert_snapshot!("too_small_40x10", screen(&m, 40, 10));
}

#[test]
fn tiny_areas_do_not_panic() {
    let mut m = model(Some("alice"));
    for keys in [
        vec![],
        vec![KeyCode::Char('v')],
        vec![KeyCode::Char('?')],
        vec![KeyCode::Char('e')],
        vec![KeyCode::Char('w')],
    ] {
        press(&mut m, &keys);
        for (w, h) in [(1, 1), (2, 30), (300, 2), (60, 18), (61, 19), (255, 80)] {
            let s = screen(&m, w, h);
            assert_eq!(s.lines().count(), h as usize);
        }
        press(&mut m, &[KeyCode::Esc]);
    }
}

#[test]
fn monochrome_theme_sets_no_colour_on_any_cell() {
    let mut m = model(Some("alice"));
    for keys in [
        vec![],
        vec![KeyCode::Char('v')],
        vec![KeyCode::Esc, KeyCode::Char('?')],
        vec![KeyCode::Esc, KeyCode::Char('w')],
    ] {
        press(&mut m, &keys);
        let t = draw(&m, 80, 24, &Theme::mono());
        for cell in t.backend().buffer().content() {
            assert_eq!(cell.fg, Color::Reset, "{cell:?}");
            assert_eq!(cell.bg, Color::Reset, "{cell:?}");
        }
        // The colour theme does colour something, so the check above can fail.
        let t = draw(&m, 80, 24, &Theme::color());
        assert!(
            t.backend()
                .buffer()
                .content()
                .iter()
                .any(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        );
    }
}

#[test]
fn statuses_show_as_glyphs_without_colour() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('g')]);
    let s = draw(&m, 80, 24, &Theme::mono()).backend().to_string();
    for g in [
        "[✓] Generate",
        "[✗] Set SECRET_KEY",
        "[w] Verify SECRET_KEY",
        "[ ] Ensure",
    ] {
        assert!(s.contains(g), "{g} missing from\n{s}");
    }
}

#[test]
fn footer_and_help_come_from_the_key_table() {
    let mut m = model(Some("alice"));
    let s = screen(&m, 120, 30);
    let footer = s.lines().nth(29).unwrap();
    for b in harden::app::keymap::footer_bindings() {
        // At 120 columns every footer binding fits.
        assert!(
            footer.contains(b.hint),
            "{} missing from footer {footer}",
            b.hint
        );
    }
    press(&mut m, &[KeyCode::Char('?')]);
    let s = screen(&m, 120, 80);
    for b in harden::app::keymap::BINDINGS {
        assert!(s.contains(b.help), "{} missing from help", b.help);
        assert!(s.contains(b.label), "{} missing from help", b.label);
    }
    // Every detection label the lists show is explained (issue 14).
    for o in [
        harden::detect::Outcome::Pass,
        harden::detect::Outcome::Warn,
        harden::detect::Outcome::Fail,
        harden::detect::Outcome::Unknown,
        harden::detect::Outcome::Skipped,
        harden::detect::Outcome::Absent,
    ] {
        let word = harden::ui::outcome_word(o);
        assert!(
            s.lines().any(|l| {
                let key = format!("  {word:<10}");
                l.find(&key)
                    .and_then(|i| l[i + key.len()..].chars().next())
                    .is_some_and(char::is_alphabetic)
            }),
            "{word} missing from the help legend:\n{s}"
        );
    }
}

fn with_detections() -> Model {
    use harden::detect::{Detector, Finding, Outcome, Report};
    let mut m = model(Some("alice"));
    let f = |id: &str, o, ev: &str, fix: &str| {
        let mut f = Finding::new(id, o, ev).fix(fix);
        f = f.at(".env", 6);
        f
    };
    let r = Report {
        detector: Detector::Env,
        findings: vec![
            f(
                "env.secret_key_strong",
                Outcome::Fail,
                "SECRET_KEY is a `your-…-here` placeholder (set, 41 base64-like chars, sha256 d5bb…)",
                "Generate one with `openssl rand -hex 32` and set SECRET_KEY to it.",
            ),
            f(
                "env.secret_key_set",
                Outcome::Pass,
                "SECRET_KEY set, 41 base64-like chars, sha256 d5bb…",
                "",
            ),
            f(
                "env.jwt_algorithm",
                Outcome::Warn,
                "JWT_ALGORITHM is not set in .env",
                "Set JWT_ALGORITHM=HS256.",
            ),
            f(
                "env.access_token_expiry",
                Outcome::Unknown,
                "no env file",
                "",
            ),
            Finding::new(
                "env.jwt_secret_set",
                Outcome::Absent,
                "no code reads JWT_SECRET_KEY or a setting playing its part (the settings are declared in app/config.py): this project does not have it; mark the item n/a if the platform has none",
            ),
        ],
        fingerprints: Default::default(),
        elapsed: std::time::Duration::ZERO,
    };
    m.running.insert(Detector::Git);
    update(&mut m, Action::Detected(r), NOW);
    press(&mut m, &[KeyCode::Char('g')]);
    m
}

#[test]
fn detections_in_the_list_and_the_detail_pane() {
    let m = with_detections();
    both("detected", &m);
}

/// An item the project has no feature for: `none` in the list, the
/// detail says so and that `y` marks it n/a.
#[test]
fn an_absent_detection() {
    let mut m = with_detections();
    // From the first item of the section down to the JWT key's.
    press(&mut m, &[KeyCode::Char('j'); 5]);
    both("detected_absent", &m);
}

#[test]
fn override_prompt() {
    let mut m = with_detections();
    press(&mut m, &[KeyCode::Char('d')]);
    typed(&mut m, "rotated by hand");
    both("override_prompt", &m);
}

#[test]
fn env_choice_prompt() {
    let c = std::sync::Arc::new(load_embedded().unwrap());
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    let ctx = Context {
        state_path: ".harden/state.toml".into(),
        env_choice: true,
        ..Context::default()
    };
    let mut m = Model::new(c, s, ctx, "alice", NOW.date());
    m.start();
    both("env_choice", &m);
}

#[test]
fn item_view_shows_everything() {
    let mut m = with_detections();
    press(&mut m, &[KeyCode::Enter]);
    both("item_view", &m);
}

/// A state whose critical items are all done and important ones answered,
/// so a sign-off is allowed.
fn signable() -> Model {
    let mut m = model(Some("alice"));
    let critical: Vec<String> = m
        .checklist
        .items()
        .filter(|i| i.severity >= harden::checklist::Severity::Important)
        .map(|i| i.id.clone())
        .collect();
    for id in critical {
        m.state.items.insert(
            id,
            ItemRecord {
                status: OperatorStatus::Done,
                by: Some("alice".into()),
                at: Some(NOW),
                ..ItemRecord::default()
            },
        );
    }
    m
}

#[test]
fn signoff_form() {
    let mut m = signable();
    press(&mut m, &[KeyCode::Char('S')]);
    assert!(
        matches!(m.mode, harden::app::Mode::SignOff(_)),
        "S opens the form"
    );
    press(&mut m, &[KeyCode::Tab, KeyCode::Tab]);
    typed(&mut m, "Grace Hopper");
    both("signoff_form", &m);
}

#[test]
fn rereview_after_a_regression() {
    let m = signable();
    let mut s = m.state.clone();
    s.fingerprints.insert("SECRET_KEY".into(), "3f2a".into());
    harden::review::signoff::sign(
        &m.checklist,
        &mut s,
        "alice",
        NOW.date(),
        "Grace Hopper",
        NOW.date(),
        NOW,
    )
    .unwrap();
    // Since the sign-off, one critical item was found not done and a
    // secret was rotated.
    s.items.get_mut("env.secret_key_strong").unwrap().status = OperatorStatus::NotDone;
    s.fingerprints.insert("SECRET_KEY".into(), "0000".into());
    let ctx = Context {
        state_path: ".harden/state.toml".into(),
        ..Context::default()
    };
    let m = Model::new(m.checklist.clone(), s, ctx, "alice", NOW.date());
    assert!(matches!(m.mode, harden::app::Mode::Rereview { .. }));
    both("rereview", &m);
}

#[test]
fn answers_form() {
    let mut m = model(Some("alice"));
    let a = harden::answers::parse(harden::answers::EXAMPLE_TEXT, "answers.toml").unwrap();
    harden::app::answers::open(&mut m, a);
    press(&mut m, &[KeyCode::Down, KeyCode::Down, KeyCode::Enter]);
    typed(&mut m, "-edited");
    both("answers_form", &m);
}

#[test]
fn generate_view() {
    use harden::app::{GenerateView, Mode, PlannedFile};
    use harden::generate::Change;
    let mut m = model(Some("alice"));
    m.mode = Mode::Generate(GenerateView {
        out: ".harden/generated".into(),
        files: vec![
            PlannedFile {
                path: ".env.production".into(),
                change: Change::Changed,
                diff: "--- .env.production\n+++ .env.production\n@@ -1,2 +1,2 @@\n-DEBUG=true\n+DEBUG=false\n SECRET_KEY=‹secret›\n".into(),
                secret: true,
            },
            PlannedFile {
                path: "nginx/site.conf".into(),
                change: Change::New,
                diff: "--- /dev/null\n+++ nginx/site.conf\n@@ -0,0 +1 @@\n+server_tokens off;\n".into(),
                secret: false,
            },
            PlannedFile {
                path: "redis/redis.conf".into(),
                change: Change::Unchanged,
                diff: String::new(),
                secret: true,
            },
        ],
        selected: 0,
        scroll: 0,
        confirm: false,
    });
    both("generate_view", &m);
    press(&mut m, &[KeyCode::Char('w')]);
    both("generate_confirm", &m);
}

#[test]
fn urls_prompt() {
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('u')]);
    typed(&mut m, "https://api.acme.test, http://plain.acme.test");
    press(&mut m, &[KeyCode::Enter]);
    assert!(matches!(
        m.mode,
        harden::app::Mode::Urls { error: Some(_), .. }
    ));
    both("urls_prompt", &m);
}

#[test]
fn notice_at_start() {
    let c = Arc::new(load_embedded().unwrap());
    let mut s = State::new(&c, NOW);
    s.operator = Some("alice".into());
    let ctx = Context {
        state_path: ".harden/state.toml".into(),
        notices: vec![
            "Took over a lock left by pid 4242: that process no longer holds it.".into(),
            "The checklist changed since this state was saved (sha256 1a2b3c4d → 5e6f7a8b). Answers were matched by item id.".into(),
        ],
        ..Context::default()
    };
    let m = Model::new(c, s, ctx, "alice", NOW.date());
    assert!(matches!(m.mode, harden::app::Mode::Notice(_)));
    both("notice", &m);
}

#[test]
fn the_help_stops_at_its_end() {
    // Issue 14: Down counted on past the end, so Up seemed dead after.
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('?')]);
    let _ = screen(&m, 80, 24);
    for _ in 0..300 {
        press(&mut m, &[KeyCode::Down]);
    }
    let end = screen(&m, 80, 24);
    assert!(end.contains(" end "), "{end}");
    press(&mut m, &[KeyCode::Up]);
    let up = screen(&m, 80, 24);
    assert_ne!(end, up, "one Up after the end moves the view");
    assert!(up.contains("↓ more"), "{up}");
}

#[test]
fn a_cut_message_says_so_and_the_log_has_it_whole() {
    // Issue 14: the sign-off refusal naming the blocking items was cut in
    // the footer and could not be read.
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('S')]);
    let text = m.message.as_ref().expect("a refusal").text.clone();
    assert!(text.chars().count() > 80, "{text}");
    // Back from the list of blockers, the cut message says where it is whole.
    press(&mut m, &[KeyCode::Esc]);
    let s = screen(&m, 80, 24);
    let status = s.lines().nth(22).unwrap();
    assert!(status.contains("M: all"), "{status}");
    let tail: String = text
        .chars()
        .rev()
        .take(20)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    press(&mut m, &[KeyCode::Char('M')]);
    let log = screen(&m, 80, 24);
    let flat: String = log
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '"' || c == '║' || c == '│' || c == '┃' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.replace("  ", " ").contains(tail.trim()),
        "{tail:?} not in the log:\n{log}"
    );
    both("message_log", &m);
}

#[test]
fn a_wide_screen_shows_whole_section_names() {
    // Issue 14: the section list stayed 32 columns wide at 160.
    let m = model(Some("alice"));
    let wide = screen(&m, 160, 40);
    assert!(wide.contains("Environment Configuration"), "{wide}");
    assert!(wide.contains("Compliance & Data Protection"), "{wide}");
    let narrow = screen(&m, 80, 24);
    // At 80 the bar takes its share and the name is cut, but never the counts.
    assert!(narrow.contains("Environment Co… █▓▒░ 3/11"), "{narrow}");
}

/// The screen as `NO_COLOR` draws it: each row of text, then a row that
/// marks its cells' modifiers (R reverse, B bold, U underline, D dim), so
/// that what tells states apart without colour is reviewed too.
fn mono_screen(m: &Model, w: u16, h: u16) -> String {
    use ratatui::style::{Color, Modifier};
    let t = draw(m, w, h, &Theme::mono());
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut text = String::new();
        let mut marks = String::new();
        let mut skip = 0;
        for x in 0..w {
            let c = &buf[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "NO_COLOR drew a colour at {x},{y}: {c:?}"
            );
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = c.symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            text.push_str(sym);
            let m = c.modifier;
            let mark = if m.contains(Modifier::REVERSED) {
                'R'
            } else if m.contains(Modifier::BOLD) {
                'B'
            } else if m.contains(Modifier::UNDERLINED) {
                'U'
            } else if m.contains(Modifier::DIM) {
                'D'
            } else {
                ' '
            };
            for _ in 0..=skip {
                marks.push(mark);
            }
        }
        out.push_str(&format!("{text}\n{}\n", marks.trim_end()));
    }
    out
}

fn mono_both(name: &str, m: &Model) {
    insta::assert_snapshot!(format!("{name}_no_color_80x24"), mono_screen(m, 80, 24));
    insta::assert_snapshot!(format!("{name}_no_color_60x18"), mono_screen(m, 60, 18));
}

#[test]
fn no_color_screens_show_state_without_colour() {
    // Issue 14: the section bars, the overview, the search, the log and the
    // sign-off form, as NO_COLOR draws them.
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Esc, KeyCode::Down]);
    mono_both("section_list", &m);
    let mut m = model(Some("alice"));
    press(&mut m, &[KeyCode::Char('v'), KeyCode::Down]);
    mono_both("overview", &m);
    let mut m = model(Some("alice"));
    typed(&mut m, "/secret");
    press(&mut m, &[KeyCode::Down]);
    mono_both("search", &m);
    let mut m = model(Some("alice"));
    press(
        &mut m,
        &[KeyCode::Char('S'), KeyCode::Esc, KeyCode::Char('M')],
    );
    mono_both("message_log", &m);
    let mut m = signable();
    press(&mut m, &[KeyCode::Char('S'), KeyCode::Tab, KeyCode::Tab]);
    typed(&mut m, "Grace Hopper");
    mono_both("signoff_form", &m);
    // The bars read without colour: each part has its own shade.
    let bars = mono_screen(&model(Some("alice")), 100, 30);
    assert!(bars.contains("█▓▒░"), "{bars}");
}

#[test]
fn answers_drafted_from_the_project_say_where_each_came_from() {
    // Issue 14: guessed values looked real and nothing marked them.
    let mut m = model(Some("alice"));
    let env = harden::detect::envfile::parse(b"LOG_LEVEL=DEBUG\nGDPR_COMPLIANCE=false\n");
    let urls = vec!["https://api.shop.test/".to_string()];
    let a = harden::answers::draft(&env, &urls);
    let s = harden::answers::origin::sources(&a, &env, &urls);
    update(&mut m, Action::AnswersDraft(Box::new((a, s))), NOW);
    press(&mut m, &[KeyCode::Down, KeyCode::Down]);
    both("answers_draft", &m);
    let screen = screen(&m, 80, 24);
    assert!(screen.contains("EXAMPLE"), "{screen}");
    assert!(
        screen.contains("domains.api: from the URL list"),
        "{screen}"
    );
    // Further down, the level the env file contradicts.
    for _ in 0..3 {
        press(&mut m, &[KeyCode::PageDown]);
    }
    let far = self::screen(&m, 100, 60);
    assert!(far.contains("≠ env"), "{far}");
}

/// Found by the attack on issue 14: a state file's operator, a record's
/// "by" and a saved answer reached the screen unmasked.
#[test]
fn text_from_a_state_file_is_masked_on_every_screen() {
    let secret = "StateFileS3cretValue4471";
    harden::util::redact::remember(secret);
    let mut m = model(Some(secret));
    m.state.items.get_mut("env.secret_key_strong").unwrap().by =
        Some(format!("x{secret}\u{1b}]0;T\u{7}"));
    let mut a = harden::answers::parse(harden::answers::EXAMPLE_TEXT, "answers.toml").unwrap();
    a.project.name = format!("shop {secret}");
    press(&mut m, &[KeyCode::Char('g')]);
    let main = screen(&m, 120, 40);
    harden::app::answers::open(&mut m, a);
    let form = screen(&m, 120, 40);
    for s in [&main, &form] {
        assert!(!s.contains(secret), "{s}");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    }
    assert!(main.contains("‹secret›"), "{main}");
    assert!(form.contains("shop ‹secret›"), "{form}");
    // Saved answers that are still the example's stand-ins say so.
    assert!(form.contains("example?"), "{form}");
}
