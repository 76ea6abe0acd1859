//! The wizard's edge: load the checklist and state, take the lock, own the
//! terminal, turn keys and signals into actions, run `update`, and carry
//! out its effects (save after every change, quit).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use ratatui::crossterm::event::{self, Event};
use time::OffsetDateTime;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{Action, Context, Effect, Ending, Model, Signal, update};
use crate::checklist::Checklist;
use crate::cmd::cli::Cli;
use crate::cmd::terminal::TerminalGuard;
use crate::state::lock::{Acquired, StateLock, holder_text};
use crate::state::{State, session, store};
use crate::ui::{self, Theme};
use crate::util::exit::Exit;

/// Runs the wizard; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match prepare(&cli) {
        Ok(p) => p.run(),
        Err(msg) => {
            eprintln!("harden: {}", crate::util::redact::redact(&msg));
            Exit::Error.into()
        }
    }
}

struct Prepared {
    model: Model,
    theme: Theme,
    state_path: std::path::PathBuf,
    /// `None` when the session file was unreadable at start.
    session_path: Option<std::path::PathBuf>,
    inputs: crate::cmd::cli::Inputs,
    lock: StateLock,
    holder: String,
}

/// Everything that can fail before the terminal is touched: each failure is
/// an input error (exit 2) and leaves every file as it was.
fn prepare(cli: &Cli) -> Result<Prepared, String> {
    cli.inputs.validate()?;
    {
        use crate::util::fsio::{ENV_CAP, STATE_CAP, check_input};
        for f in cli.inputs.env_candidates() {
            check_input("the env file", &f, ENV_CAP)?;
        }
        if let Some(j) = &cli.inputs.pip_audit_json {
            check_input("--pip-audit-json", j, STATE_CAP)?;
        }
        // Every env file's secrets reach the masking path before the first
        // frame, so a note typed before detection ends is checked too.
        super::prime_secrets(&cli.inputs, None);
        // A broken .harden/config.toml stops here, with its line.
        super::settings_map(&cli.inputs)?;
    }
    let theme = ui::theme::choose(cli.no_color, std::env::var_os("NO_COLOR").as_deref());
    let checklist = super::load_checklist(&cli.inputs)
        .map_err(|e| format!("{e}\nThe checklist was not loaded; nothing was written."))?;
    let checklist = Arc::new(checklist);
    let state_path = cli.inputs.state_path();
    let loaded = store::load(&state_path).map_err(|e| format!("{e}\n{}", e.hint()))?;
    if loaded.is_some() && rustix::fs::access(&state_path, rustix::fs::Access::WRITE_OK).is_err() {
        return Err(format!(
            "state file {} is not writable by this user; harden saves after every answer and does not replace a file it may not write. \
             Run as its owner, or use --state OTHER_FILE",
            state_path.display()
        ));
    }

    // A dumb terminal cannot move the cursor: the wizard's screen would be
    // garbage, and its colours escape codes printed as text.
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(
            "TERM=dumb cannot show the wizard (it moves the cursor and draws a full screen).\n\
             Run it from a terminal such as xterm or screen, or use `harden check` for a plain report."
                .into(),
        );
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(
            "the wizard needs a terminal: stdin and stdout must both be a TTY.\n\
             For CI and scripts, use `harden check`, which runs without one."
                .into(),
        );
    }

    let now = now();
    let user = std::env::var("USER").unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let since = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let holder = holder_text(std::process::id(), &user, host.trim(), &since);
    let (lock, acquired) = StateLock::acquire(&state_path, &holder).map_err(|e| e.to_string())?;
    store::remove_stale_temps(&state_path);

    let mut model = build_model(checklist, loaded, &state_path, acquired, now, &user);
    let session_path = session::path_for(&state_path);
    // Temp files of a session save that a kill interrupted (the lock is ours).
    store::remove_stale_temps(&session_path);
    model.context.session_path = session_path.display().to_string();
    // A broken session file costs the position and the undo log of this
    // run, never the file: it is not written until it reads again.
    let session_path = match session::load(&session_path) {
        Ok(s) => {
            model.restore(s);
            Some(session_path)
        }
        Err(e) => {
            model.context.session_unread = true;
            model.context.notices.push(format!(
                "{e}. Position and undo start afresh; the file is left as it is and not written this run: fix or remove it to keep them across runs."
            ));
            None
        }
    };
    if let Some(w) =
        crate::util::fsio::world_writable_warning(crate::util::fsio::parent(&state_path))
    {
        model.context.notices.push(w);
    }
    if let Some(n) = not_a_project(&cli.inputs) {
        model.context.notices.push(n);
    }
    if !model.context.notices.is_empty() {
        match model.mode {
            // A new state: the name prompt first, the notice below it.
            crate::app::Mode::Operator { .. } => {
                model.message = Some(crate::app::Message {
                    kind: crate::app::MessageKind::Info,
                    text: model.context.notices.join(" "),
                });
            }
            _ => model.mode = crate::app::Mode::Notice(model.context.notices.clone()),
        }
    }
    choose_env_file(&mut model, &cli.inputs);
    Ok(Prepared {
        model,
        theme,
        state_path,
        session_path,
        inputs: cli.inputs.clone(),
        lock,
        holder,
    })
}

/// Settles which env file the review judges: `--env-file` (recorded), the
/// recorded choice, or, when the project has both `.env` and
/// `.env.production`, a question to the operator.
fn choose_env_file(model: &mut Model, inputs: &crate::cmd::cli::Inputs) {
    let project = &inputs.project;
    if let Some(f) = &inputs.env_file {
        let shown = f.strip_prefix(project).unwrap_or(f).display().to_string();
        model.state.env_file = Some(shown);
        return;
    }
    if model.state.env_file.is_some() {
        return;
    }
    let env = project.join(".env").exists();
    let prod = project.join(".env.production").exists();
    if env && prod {
        model.context.env_choice = true;
    } else if prod {
        model.state.env_file = Some(".env.production".into());
    }
}

/// The model for a loaded (or absent) state, with what loading found.
pub fn build_model(
    checklist: Arc<Checklist>,
    loaded: Option<State>,
    state_path: &Path,
    acquired: Acquired,
    now: OffsetDateTime,
    user: &str,
) -> Model {
    let mut notices = Vec::new();
    if let Acquired::TookOver(who) = &acquired {
        notices.push(format!(
            "Took over a lock left by pid {who}: that process no longer holds it."
        ));
    }
    let mut checklist_changed = false;
    let state = match loaded {
        Some(mut s) => {
            if s.checklist.sha256 != checklist.sha256 {
                checklist_changed = true;
                notices.push(format!(
                    "The checklist changed since this state was saved (sha256 {} → {}). Answers were matched by item id.",
                    short(&s.checklist.sha256),
                    short(&checklist.sha256)
                ));
            }
            s.rebind(&checklist);
            s
        }
        None => State::new(&checklist, now),
    };
    let orphans = state.orphans(&checklist);
    if !orphans.is_empty() {
        notices.push(format!(
            "{} answers are for items this checklist lacks: {}. They stay in the state file; the overview (v) lists them.",
            orphans.len(),
            orphans.join(", ")
        ));
    }
    let context = Context {
        state_path: state_path.display().to_string(),
        orphans,
        checklist_changed,
        notices,
        env_choice: false,
        session_path: String::new(),
        session_unread: false,
    };
    let default_operator = if user.is_empty() { "operator" } else { user };
    Model::new(checklist, state, context, default_operator, now.date())
}

/// A notice when the folder does not look like an application: no Python
/// file, no env file and no git repository (a typo, or the parent of the
/// project), so that a screen of `????` is explained.
fn not_a_project(inputs: &crate::cmd::cli::Inputs) -> Option<String> {
    let p = &inputs.project;
    let python = !crate::detect::python::walk::files(p).0.is_empty();
    let env = inputs.env_file.is_some()
        || [".env", ".env.production"]
            .iter()
            .any(|f| p.join(f).exists());
    let git = crate::detect::git::find_root(p).is_some();
    (!python && !env && !git).then(|| {
        format!(
            "{} does not look like an application: no Python file, no env file (.env, .env.production) and no git repository were found there, so most detections will be unknown. Quit (q) and give --project the application's folder, or go on to answer by hand.",
            p.display()
        )
    })
}

/// The current time in UTC, to the second (state files stay readable).
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

impl Prepared {
    fn run(self) -> ExitCode {
        let Prepared {
            mut model,
            theme,
            state_path,
            session_path,
            inputs,
            mut lock,
            holder,
        } = self;
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("harden: cannot start the event loop: {e}");
                return Exit::Failing.into();
            }
        };
        let mut saver = Saver {
            path: &state_path,
            session: session_path.as_deref(),
            session_failed: false,
            lock: &mut lock,
            holder: &holder,
        };
        let result = runtime.block_on(event_loop(&mut model, &theme, &mut saver, &inputs));
        // Detectors still running (pip-audit) are dropped, which kills their children.
        runtime.shutdown_background();
        match result {
            Ok(Ending::Normal) => Exit::Ok.into(),
            Ok(Ending::Signal(sig)) => sig.exit().into(),
            Err(e) => {
                eprintln!("harden: {}", crate::util::redact::redact(&e.to_string()));
                Exit::Failing.into()
            }
        }
    }
}

/// Where and under which lock the state is saved.
struct Saver<'a> {
    path: &'a Path,
    /// The session file, unless it was unreadable at start.
    session: Option<&'a Path>,
    /// A session save failed already (said once, not at every answer).
    session_failed: bool,
    lock: &'a mut StateLock,
    holder: &'a str,
}

impl Saver<'_> {
    fn save(&mut self, model: &mut Model, now: OffsetDateTime) -> Action {
        // The folder may have been deleted under us: lock again first.
        if let Err(e) = self.lock.ensure(self.holder) {
            return Action::SaveFailed(e.to_string());
        }
        model.state.updated = now;
        model.state.tool_version = env!("CARGO_PKG_VERSION").to_string();
        match store::save(self.path, &model.state) {
            Ok(()) => Action::Saved,
            Err(e) => Action::SaveFailed(e.to_string()),
        }
    }

    /// Writes the operator's place and undo log; a failure is said once.
    fn save_session(&mut self, model: &Model) -> Option<Action> {
        let path = self.session?;
        match session::save(path, &model.session_to_save()) {
            Ok(()) => {
                self.session_failed = false;
                None
            }
            Err(e) if !self.session_failed => {
                self.session_failed = true;
                Some(Action::Problem(format!(
                    "The position and undo log were not saved to {}: {e}. Answers are saved.",
                    path.display()
                )))
            }
            Err(_) => None,
        }
    }
}

/// Starts every detector; each report comes back as an action.
fn run_detectors(
    model: &Model,
    inputs: &crate::cmd::cli::Inputs,
    tx: &mpsc::UnboundedSender<Action>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let d = Arc::new(wizard_inputs(model, inputs, tx));
    let tx = tx.clone();
    crate::detect::spawn_all(d, move |r| {
        let _ = tx.send(Action::Detected(r));
    })
}

/// The detector inputs of this wizard run: its env file, the state's URLs
/// and the project's config.
fn wizard_inputs(
    model: &Model,
    inputs: &crate::cmd::cli::Inputs,
    tx: &mpsc::UnboundedSender<Action>,
) -> crate::detect::Inputs {
    let (env_file, _) =
        crate::cmd::cli::resolve_env_file(&inputs.project, None, model.state.env_file.as_deref());
    let mut d = super::detector_inputs(inputs, &env_file);
    // Read again at every run: the mapping view writes it. Broken since
    // start-up (edited by hand), the run goes on without it and says so.
    match super::settings_map(inputs) {
        Ok(m) => d.settings_map = m,
        Err(e) => {
            let _ = tx.send(Action::Problem(format!(
                "{e} (the mapping was not applied)"
            )));
        }
    }
    d.urls.extend(model.state.urls.iter().cloned());
    d
}

async fn event_loop(
    model: &mut Model,
    theme: &Theme,
    saver: &mut Saver<'_>,
    inputs: &crate::cmd::cli::Inputs,
) -> Result<Ending, String> {
    let mut hup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    // With a file-size limit (RLIMIT_FSIZE), a write past it raises SIGXFSZ,
    // which kills by default. Handling it turns that into an EFBIG error:
    // the save fails, the wizard says so and keeps running.
    #[cfg(target_os = "linux")]
    let _xfsz = signal(SignalKind::from_raw(25)).ok();
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut guard =
        TerminalGuard::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let keys = tx.clone();
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(Event::Key(k)) => Action::Key(k),
                Ok(Event::Paste(s)) => Action::Paste(s),
                Ok(Event::Resize(..)) => Action::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if keys.send(action).is_err() {
                break;
            }
        }
    });
    let panic_in_main = debug_panic_hook();

    let draw = |guard: &mut TerminalGuard, model: &Model| {
        guard
            .terminal
            .draw(|f| ui::render(f, model, theme))
            .map(|_| ())
    };
    draw(&mut guard, model).map_err(|e| format!("cannot draw: {e}"))?;
    if panic_in_main {
        panic!("HARDEN_DEBUG_PANIC: a panic in the event loop");
    }
    let mut detectors: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    // The active requests the operator was shown, with the nonce that
    // named their CORS origin, until `y` sends them or `V` lists anew.
    let mut consented: Option<(Vec<crate::detect::probe::active::Plan>, u64)> = None;
    // Rendered files (with their secrets) wait here, never in the model.
    let mut generation: Option<(
        Vec<crate::generate::Rendered>,
        Vec<crate::generate::Planned>,
    )> = None;
    let mut pending = model.start();
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(120));
    loop {
        let mut exit = None;
        let mut effects = std::mem::take(&mut pending);
        if effects.is_empty() {
            let action = tokio::select! {
                a = rx.recv() => a.unwrap_or(Action::Signal(Signal::Hangup)),
                _ = hup.recv() => Action::Signal(Signal::Hangup),
                _ = term.recv() => Action::Signal(Signal::Terminate),
                _ = tick.tick(), if !model.running.is_empty() => Action::Tick,
            };
            effects = update(model, action, now());
        }
        for effect in effects {
            match effect {
                Effect::Save => {
                    let now = now();
                    let follow = saver.save(model, now);
                    update(model, follow, now);
                    if let Some(problem) = saver.save_session(model) {
                        update(model, problem, now);
                    }
                }
                Effect::Quit(how) => {
                    // Where the operator stops is where the next run starts.
                    let _ = saver.save_session(model);
                    exit = Some(how);
                }
                Effect::DraftAnswers => {
                    let (env_file, _) = crate::cmd::cli::resolve_env_file(
                        &inputs.project,
                        None,
                        model.state.env_file.as_deref(),
                    );
                    let env = crate::detect::envfile::read(&env_file).unwrap_or_default();
                    let mut urls = inputs.urls.clone();
                    urls.extend(model.state.urls.iter().cloned());
                    let draft = crate::answers::draft(&env, &urls);
                    let sources = crate::answers::origin::sources(&draft, &env, &urls);
                    update(
                        model,
                        Action::AnswersDraft(Box::new((draft, sources))),
                        now(),
                    );
                }
                Effect::PlanGenerate => {
                    let out = inputs.project.join(".harden").join("generated");
                    let planned = plan_generation(model, &out);
                    let follow = match planned {
                        Ok((view, work)) => {
                            generation = Some(work);
                            Action::Planned(Ok(view))
                        }
                        Err(e) => Action::Planned(Err(e)),
                    };
                    update(model, follow, now());
                }
                Effect::WriteGenerated => {
                    let out = inputs.project.join(".harden").join("generated");
                    let follow = match generation.take() {
                        Some((files, plan)) => {
                            Action::Generated(write_generation(&out, &files, &plan))
                        }
                        None => Action::Generated(Err("nothing planned".into())),
                    };
                    update(model, follow, now());
                    pending.push(Effect::Save);
                }
                Effect::LoadMapping => {
                    let d = wizard_inputs(model, inputs, &tx);
                    let rows = crate::detect::env::mapping(&d);
                    update(model, Action::Mapping(rows), now());
                }
                Effect::SetMapping { key, setting } => {
                    let done =
                        crate::detect::config::set(&inputs.project, &key, setting.as_deref())
                            .map(|()| match &setting {
                                Some(s) => format!(
                                    "{key} = {s} saved to {}; detecting again…",
                                    crate::detect::config::FILE
                                ),
                                None => format!(
                                    "{key}: correction removed from {}; detecting again…",
                                    crate::detect::config::FILE
                                ),
                            })
                            .map_err(|e| e.to_string());
                    pending.extend(update(model, Action::MappingSaved(done), now()));
                }
                Effect::RunDetectors => {
                    for h in detectors.drain(..) {
                        h.abort();
                    }
                    detectors = run_detectors(model, inputs, &tx);
                }
                Effect::PlanActive => {
                    let mut d = wizard_inputs(model, inputs, &tx);
                    d.active_urls.clone_from(&d.urls);
                    consented = None;
                    let follow = if d.offline {
                        Action::ActivePlan(Err("--offline: nothing is sent".into()))
                    } else {
                        let plans = crate::detect::probe::active_plans(&d).await;
                        if plans.is_empty() {
                            Action::ActivePlan(Err(
                                "no production URL: give one with u first".into()
                            ))
                        } else {
                            let lines = plans
                                .iter()
                                .flat_map(|p| crate::detect::probe::active::describe(p, d.nonce))
                                .map(|l| crate::util::redact::redact(&l))
                                .collect();
                            // Kept here: `y` sends exactly what was listed.
                            consented = Some((plans, d.nonce));
                            Action::ActivePlan(Ok(lines))
                        }
                    };
                    update(model, follow, now());
                }
                Effect::RunActive => {
                    let Some((plans, nonce)) = consented.take() else {
                        update(
                            model,
                            Action::ActivePlan(
                                Err("nothing was listed, so nothing is sent".into()),
                            ),
                            now(),
                        );
                        continue;
                    };
                    let mut d = wizard_inputs(model, inputs, &tx);
                    d.active = true;
                    d.nonce = nonce;
                    d.active_urls = plans.iter().map(|p| p.url.to_string()).collect();
                    d.active_plans = Some(plans);
                    let tx = tx.clone();
                    detectors.push(tokio::spawn(async move {
                        let r = crate::detect::run_one(
                            crate::detect::Detector::Active,
                            std::sync::Arc::new(d),
                        )
                        .await;
                        let _ = tx.send(Action::Detected(r));
                    }));
                }
            }
        }
        if let Some(how) = exit {
            return Ok(how);
        }
        if let Err(e) = draw(&mut guard, model) {
            let follow = saver.save(model, now());
            let saved = matches!(follow, Action::Saved);
            return Err(format!(
                "lost the terminal: {e}; answers {}",
                if saved { "saved" } else { "could not be saved" }
            ));
        }
    }
}

type Work = (
    Vec<crate::generate::Rendered>,
    Vec<crate::generate::Planned>,
);

/// Renders and plans the files of the model's answers; the view has
/// masked diffs, the work keeps the contents for writing.
fn plan_generation(model: &Model, out: &Path) -> Result<(crate::app::GenerateView, Work), String> {
    use crate::generate::{Secrets, plan, render};
    let a = model.state.answers.as_ref().ok_or("no answers yet")?;
    let (secrets, _) = Secrets::kept_or_new(out);
    let files = render(a, &secrets, &crate::util::dates::format_date(now().date()))?;
    let planned = plan(out, &files, &secrets)?;
    let view = crate::app::GenerateView {
        out: out.display().to_string(),
        files: files
            .iter()
            .zip(&planned)
            .map(|(f, p)| crate::app::PlannedFile {
                path: f.path.to_string(),
                change: p.change,
                diff: p.diff.clone(),
                secret: f.secret,
            })
            .collect(),
        selected: 0,
        scroll: 0,
        confirm: false,
    };
    Ok((view, (files, planned)))
}

fn write_generation(
    out: &Path,
    files: &[crate::generate::Rendered],
    plan: &[crate::generate::Planned],
) -> Result<crate::app::Generated, String> {
    use crate::cmd::generate::check_env;
    use crate::generate::{Change, ENV_FILE, write};
    let stamp = now()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]"
        ))
        .unwrap_or_default();
    let lock = crate::generate::GenerateLock::acquire(out)?;
    let completed = crate::generate::recover(out, &lock)?;
    // The plan the operator confirmed must still be the plan: an
    // interrupted set completed just now, or another writer, would make
    // it stale (a file judged unchanged would be skipped, mixing sets).
    let now_plan = crate::generate::plan(out, files, &crate::generate::Secrets::default())?;
    let same = now_plan.len() == plan.len()
        && now_plan
            .iter()
            .zip(plan)
            .all(|(a, b)| a.change == b.change && a.diff == b.diff);
    if !completed.is_empty() || !same {
        return Err(format!(
            "the files in {} changed since the plan was shown{}; nothing was written. Press g to see the new plan",
            out.display(),
            if completed.is_empty() {
                String::new()
            } else {
                format!(
                    " (an interrupted write was completed: {})",
                    completed.join(", ")
                )
            }
        ));
    }
    let backups = write(out, files, plan, &stamp, &lock)?;
    let (written, unchanged): (Vec<_>, Vec<_>) =
        plan.iter().partition(|p| p.change != Change::Unchanged);
    Ok(crate::app::Generated {
        out: out.display().to_string(),
        written: written.iter().map(|p| p.path.to_string()).collect(),
        unchanged: unchanged.iter().map(|p| p.path.to_string()).collect(),
        backups: backups.iter().map(|b| b.display().to_string()).collect(),
        env_check: check_env(&out.join(ENV_FILE)).unwrap_or((0, 0)),
    })
}

/// `HARDEN_DEBUG_PANIC=main|task` makes the wizard panic after its first
/// frame (in the event loop, or in a background task), so tests can prove
/// the terminal is restored on a panic. Returns true for `main`.
fn debug_panic_hook() -> bool {
    match std::env::var("HARDEN_DEBUG_PANIC").as_deref() {
        Ok("task") => {
            tokio::spawn(async {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                panic!("HARDEN_DEBUG_PANIC: a panic in a background task");
            });
            false
        }
        Ok("main") => true,
        _ => false,
    }
}
