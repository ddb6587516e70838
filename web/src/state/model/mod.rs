//! The app's state: the engine plus what the UI adds (playback, selection, filter,
//! the last message), and the one function that turns every user message into a
//! change of it. It lives in a `Rc<RefCell<_>>` (never cloned); renders are triggered
//! by counters, so a big simulation is never copied per frame. When the panels
//! refresh while playing is `playback`'s business, not the model's.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use zab_core::scenario::Scenario;

use zab_core::lesson::{Answer, Until};

use crate::engine::views::Command;
use crate::engine::{Arrival, Engine};
use crate::state::lesson::{self, LessonMsg, LessonRun, Stage};
use crate::state::presets::{free_play, scenario_for, OBSERVERS, SIZES};
use crate::state::speed::speed_of;
use crate::text::narrate::Kind;

mod io;
pub mod notice;

pub use notice::{Named, Notice, Said};

/// Largest amount of simulated work per animation frame.
pub const MAX_EVENTS_PER_FRAME: u32 = 3000;
/// Longest wall-clock gap a frame accounts for (after a stall, the sim just continues).
pub const MAX_FRAME_MS: f64 = 100.0;

/// What is selected on the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// One server.
    Server(u32),
    /// The link between two servers (in click order).
    Link(u32, u32),
    /// A packet in flight.
    Packet(u64),
}

/// The event log filter.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// Kinds shown.
    pub kinds: BTreeSet<Kind>,
    /// Only entries about this server.
    pub server: Option<u32>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            kinds: Kind::ALL
                .into_iter()
                .filter(|k| k.on_by_default())
                .collect(),
            server: None,
        }
    }
}

/// Everything a click, a key or a frame can ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A command for the cluster.
    Cmd(Command),
    /// Show the page in this language (its table is loaded).
    Lang(crate::text::lang::Lang),
    /// This language's table could not be loaded: the page stays as it is.
    LangFailed(crate::text::lang::Lang, crate::text::tables::TableError),
    /// Play or pause.
    TogglePlay,
    /// Speed slider position, 0..=100.
    Speed(f64),
    /// Run to the next visible event (pauses).
    Step,
    /// Jump ahead this many simulated ms.
    Skip(u64),
    /// Start the same run again (same scenario, same seed).
    Reset,
    /// Look at simulated time t (time travel; pauses).
    Seek(u64),
    /// Go back this many simulated ms (pauses).
    Back(u64),
    /// A new free-play cluster.
    NewCluster {
        /// Participants.
        participants: u32,
        /// Observers.
        observers: u32,
        /// Seed.
        seed: u64,
    },
    /// The same cluster or scenario with another seed, from t = 0.
    Seed(u64),
    /// Load a built-in scenario by file stem (`""`: back to free play).
    Preset(String),
    /// A server was clicked (selects it; a second server selects the link).
    ClickServer(u32),
    /// Select something directly.
    Select(Selection),
    /// Show or hide a kind in the event log.
    ToggleKind(Kind),
    /// Show only entries about a server.
    FilterServer(Option<u32>),
    /// A message to show (from the view, e.g. a bad form field).
    Say(String),
    /// The tab was hidden or shown again.
    Visibility(bool),
    /// Scenario files, links, the trace digest, the violation alert.
    Io(crate::state::scenario_file::IoMsg),
    /// The guided lesson.
    Lesson(LessonMsg),
    /// Pause playback at this moment every time it comes (`None`: never).
    PauseAt(Option<Until>),
    /// Presenter mode on or off.
    Presenter(bool),
    /// Blank the screen (a presenter's B or "."), or show it again.
    Blank(bool),
}

/// The app state.
pub struct Model {
    /// The cluster.
    pub engine: Engine,
    /// Playing (the animation loop runs only then).
    pub playing: bool,
    /// Speed slider position, 0..=100 (logarithmic).
    pub speed_pos: f64,
    /// Ring selection.
    pub selection: Selection,
    /// Status line.
    pub notice: Option<Notice>,
    /// Event log filter.
    pub filter: Filter,
    /// The built-in scenario loaded, if any.
    pub preset: Option<String>,
    /// Bumped on every change of what the user did or sees besides the simulation
    /// itself (a message, a halt, a selection dropped); playing alone does not bump it.
    pub rev: u64,
    /// Paused because the tab was hidden (resume when shown).
    pub paused_by_hiding: bool,
    /// Import/export, the trace digest and the violation alert (`scenario_io`).
    pub io: crate::state::scenario_file::IoState,
    /// The lesson open, if any.
    pub lesson: Option<LessonRun>,
    /// Where playback pauses by itself (the "pause at" control).
    pub pause_at: Option<Until>,
    /// Steps done per lesson id (remembered across visits).
    pub progress: Vec<(String, usize)>,
    /// Presenter mode: big, high-contrast, secondary panels hidden, slower.
    pub presenter: bool,
    /// The screen is blanked (presenter mode).
    pub blank: bool,
}

/// Presenter mode plays at most this fast (slider position: about 0.02x, so that a
/// room can follow an election).
pub const PRESENTER_SPEED_POS: f64 = 45.0;

/// The model behind a pointer, compared by identity (it never changes).
#[derive(Clone)]
pub struct Shared(pub Rc<RefCell<Model>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

pub use crate::state::query::Start;

impl Model {
    /// The app at start.
    pub fn new(start: Start) -> Model {
        let scenario = start
            .preset
            .as_deref()
            .and_then(scenario_for)
            .unwrap_or_else(|| free_play(start.participants, start.observers, start.seed));
        let engine = Engine::new(&scenario)
            .or_else(|_| Engine::new(&free_play(5, 0, 1)))
            // A default cluster always validates (zab-core's scenario tests check it).
            // The error is shown by its Display: `expect` would compile in the Debug of
            // every scenario error type, about 6 KB of wasm for a panic that cannot happen.
            .unwrap_or_else(|e| panic!("the default free-play scenario runs: {e}"));
        let notice = (!start.problems.is_empty()).then(|| Notice {
            said: Said::Link {
                problems: start.problems.clone(),
                then: None,
            },
            error: true,
        });
        let mut m = Model {
            engine,
            playing: start.play,
            speed_pos: start.speed_pos,
            selection: Selection::None,
            notice,
            filter: Filter::default(),
            preset: start.preset,
            rev: 1,
            paused_by_hiding: false,
            io: Default::default(),
            lesson: None,
            pause_at: None,
            progress: lesson::progress(),
            presenter: false,
            blank: false,
        };
        if start.present {
            m.update(Msg::Presenter(true));
        }
        if let Some((id, step)) = start.lesson {
            m.update(Msg::Lesson(LessonMsg::Open(id, step)));
        }
        m
    }

    /// Current speed, simulated ms per wall ms.
    pub fn speed(&self) -> f64 {
        speed_of(self.speed_pos)
    }

    fn say(&mut self, said: Said) {
        self.notice = Some(Notice { said, error: false });
    }

    fn refuse(&mut self, said: Said) {
        self.notice = Some(Notice { said, error: true });
    }

    /// The scenario running, as the status line names it.
    pub fn named(&self) -> Named {
        let s = self.engine.scenario();
        match (&self.lesson, &self.preset) {
            (Some(l), _) => Named::Lesson(l.lesson.id.to_string()),
            (None, Some(p)) if crate::text::presets::menu_entry(p).is_some() => {
                Named::Preset(p.clone())
            }
            _ if self.preset.is_none() && !self.io.is_loaded(&s.name) && s.schedule.is_empty() => {
                Named::FreePlay {
                    participants: s.cluster.participants,
                    observers: s.cluster.observers,
                }
            }
            _ => Named::Given(s.name.clone()),
        }
    }

    /// Replaces the run; false (and the reason on the status line) if it cannot run.
    pub(crate) fn load(&mut self, scenario: Scenario) -> bool {
        match Engine::new(&scenario) {
            Ok(engine) => {
                self.engine = engine;
                self.selection = Selection::None;
                self.filter.server = None;
                true
            }
            Err(error) => {
                self.refuse(Said::CannotRun {
                    error: error.into(),
                });
                false
            }
        }
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg) {
        let was_playing = self.playing;
        self.leave_script(&msg);
        match msg {
            Msg::Cmd(cmd) => {
                match self.engine.command(cmd) {
                    Ok(done) => self.say(Said::Done(done)),
                    Err(problem) => self.refuse(Said::Problem(problem)),
                }
                self.drop_stale_selection();
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.paused_by_hiding = false;
            }
            Msg::Speed(pos) => {
                if pos.is_finite() {
                    self.speed_pos = pos.clamp(0.0, 100.0);
                }
            }
            Msg::Step => {
                self.playing = false;
                match self.engine.step() {
                    Ok(entry) => self.say(Said::Stepped(entry)),
                    Err(idle) => self.refuse(Said::Idle(idle)),
                }
                self.drop_stale_selection();
            }
            Msg::Skip(ms) => {
                self.engine.skip(ms);
                self.say(Said::Jumped {
                    ms,
                    now: self.engine.now(),
                });
                self.drop_stale_selection();
            }
            Msg::Seek(t) => {
                self.playing = false;
                let t = t.min(self.engine.horizon());
                self.engine.seek(t);
                self.say(if self.engine.in_past() {
                    Said::Viewing { t }
                } else {
                    Said::Present { t }
                });
                self.drop_stale_selection();
            }
            Msg::Back(ms) => {
                let t = self.engine.now().saturating_sub(ms);
                self.update(Msg::Seek(t));
                return;
            }
            Msg::Reset => {
                let scenario = self.engine.scenario().clone();
                let (name, seed) = (self.named(), scenario.seed);
                if self.load(scenario) {
                    self.say(Said::Reset { name, seed });
                }
            }
            Msg::NewCluster {
                participants,
                observers,
                seed,
            } => {
                if !SIZES.contains(&participants) || !OBSERVERS.contains(&observers) {
                    self.refuse(Said::BadCluster);
                } else {
                    let s = free_play(participants, observers, seed);
                    if self.load(s) {
                        self.preset = None;
                        let name = Named::FreePlay {
                            participants,
                            observers,
                        };
                        self.say(Said::Started { name, seed });
                    }
                }
            }
            Msg::Seed(seed) => {
                let mut scenario = self.engine.scenario().clone();
                scenario.seed = seed;
                let name = self.named();
                if self.load(scenario) {
                    self.say(Said::Reseeded { name, seed });
                }
            }
            Msg::Preset(stem) => {
                if stem.is_empty() {
                    let s = self.engine.scenario();
                    let (p, o, seed) = (s.cluster.participants, s.cluster.observers, s.seed);
                    self.update(Msg::NewCluster {
                        participants: p,
                        observers: o,
                        seed,
                    });
                    return;
                }
                match scenario_for(&stem) {
                    Some(s) => {
                        let given = s.name.clone();
                        if self.load(s) {
                            self.preset = Some(stem.clone());
                            let name = match crate::text::presets::menu_entry(&stem) {
                                Some(_) => Named::Preset(stem),
                                None => Named::Given(given),
                            };
                            self.say(Said::Loaded { name });
                        }
                    }
                    None => self.refuse(Said::NoSuchScenario { stem }),
                }
            }
            Msg::ClickServer(id) => {
                self.selection = match self.selection {
                    Selection::Server(a) if a == id => Selection::None,
                    Selection::Server(a) => Selection::Link(a, id),
                    _ => Selection::Server(id),
                };
            }
            Msg::Select(sel) => {
                self.selection = sel;
                self.drop_stale_selection();
            }
            Msg::ToggleKind(k) => {
                if !self.filter.kinds.remove(&k) {
                    self.filter.kinds.insert(k);
                }
            }
            Msg::FilterServer(s) => self.filter.server = s,
            Msg::Say(text) => self.refuse(Said::Text(text)),
            Msg::Lang(lang) => {
                crate::text::lang::set(lang);
                self.engine.reword_log(lang);
            }
            Msg::LangFailed(lang, why) => self.refuse(Said::LangUnavailable { lang, why }),
            Msg::Visibility(visible) => {
                if !visible && self.playing {
                    self.playing = false;
                    self.paused_by_hiding = true;
                } else if visible && self.paused_by_hiding {
                    self.playing = true;
                    self.paused_by_hiding = false;
                }
            }
            Msg::Io(m) => self.io(m),
            Msg::Lesson(m) => self.lesson_msg(m),
            Msg::Presenter(on) => {
                self.presenter = on;
                self.blank = false;
                if on {
                    self.speed_pos = self.speed_pos.min(PRESENTER_SPEED_POS);
                }
            }
            Msg::Blank(on) => self.blank = on && self.presenter,
            Msg::PauseAt(until) => {
                self.pause_at = until;
                self.arm_pause();
            }
        }
        if self.playing && !was_playing {
            self.arm_pause();
        }
        self.arrived();
        self.watch_violations();
        self.touch();
    }

    /// Marks the lesson as left when the student acts on the cluster; a change of
    /// time (seek, back) also stops the step's run.
    fn leave_script(&mut self, msg: &Msg) {
        let Some(run) = self.lesson.as_mut() else {
            return;
        };
        match msg {
            Msg::Cmd(_) => run.off_script = true,
            Msg::Seek(_) | Msg::Back(_) | Msg::Reset | Msg::Seed(_) => {
                run.off_script = true;
                if matches!(run.stage, Stage::Running { .. }) {
                    run.stage = Stage::Ask;
                }
                self.engine.stop_waiting();
            }
            // Another run replaces the lesson's (an import keeps the lesson open
            // until the imported run is there: it may not load).
            Msg::NewCluster { .. } | Msg::Preset(_) => {
                self.lesson = None;
                self.engine.stop_waiting();
            }
            _ => {}
        }
    }

    /// Arms the "pause at" moment for this play, unless a lesson step is waiting.
    fn arm_pause(&mut self) {
        let lesson_waits = self
            .lesson
            .as_ref()
            .is_some_and(|l| matches!(l.stage, Stage::Running { .. }));
        if lesson_waits {
            return;
        }
        match (&self.pause_at, self.playing) {
            (Some(until), true) => self.engine.wait_for(until.clone()),
            _ => self.engine.stop_waiting(),
        }
    }

    /// A wait ended: playback pauses and a lesson step reveals its answer, or the
    /// "pause at" moment came; a "pause at" that ran out of time just waits again.
    fn arrived(&mut self) {
        let Some(arrival) = self.engine.take_arrival() else {
            return;
        };
        let run = self
            .lesson
            .as_mut()
            .filter(|l| matches!(l.stage, Stage::Running { .. }));
        match (run, arrival) {
            (Some(run), Arrival::Reached(_, watch)) => {
                let chosen = match run.stage {
                    Stage::Running { chosen } => chosen,
                    _ => None,
                };
                let reveal = run.lesson.steps[run.step]
                    .question
                    .as_ref()
                    .map(|q| self.engine.reveal(q, &watch));
                run.stage = Stage::Done { chosen, reveal };
                lesson::remember(run.lesson.id, run.step + 1);
                self.progress = lesson::progress();
            }
            (Some(run), Arrival::TimedOut(_)) => run.stage = Stage::Stuck,
            (None, Arrival::Reached(until, _)) => self.say(Said::PausedAt(until)),
            (None, Arrival::TimedOut(_)) => {
                self.arm_pause();
                return;
            }
        }
        self.playing = false;
        self.rev += 1;
    }

    fn lesson_msg(&mut self, msg: LessonMsg) {
        let at = |m: &Model| m.lesson.as_ref().map(|l| (l.lesson.clone(), l.step));
        match msg {
            LessonMsg::Open(id, step) => match zab_core::lesson::lesson(&id) {
                Some(l) => self.open_lesson(l, step),
                None => self.refuse(Said::NoSuchLesson { id }),
            },
            LessonMsg::Choose(answer) => self.run_step(Some(answer)),
            LessonMsg::Go => self.run_step(None),
            LessonMsg::Next => {
                if let Some(run) = self.lesson.as_mut() {
                    if run.is_last() {
                        self.lesson = None;
                        self.engine.stop_waiting();
                    } else if matches!(run.stage, Stage::Done { .. }) && !run.off_script {
                        // On from where the cluster is: the next step starts here.
                        run.step += 1;
                        run.stage = Stage::Ask;
                        run.focus = self.engine.focus_of(&run.lesson.steps[run.step]);
                    } else {
                        let (l, step) = (run.lesson.clone(), run.step + 1);
                        self.open_lesson(l, step);
                    }
                }
            }
            LessonMsg::Prev => {
                if let Some((l, step)) = at(self) {
                    self.open_lesson(l, step.saturating_sub(1));
                }
            }
            LessonMsg::Replay => {
                if let Some((l, step)) = at(self) {
                    self.open_lesson(l, step);
                }
            }
            LessonMsg::Close => {
                self.lesson = None;
                self.engine.stop_waiting();
            }
        }
    }

    /// Opens a lesson at a step: its cluster from t = 0, the steps before run at once.
    fn open_lesson(&mut self, l: zab_core::lesson::Lesson, step: usize) {
        let step = step.min(l.steps.len().saturating_sub(1));
        let Ok(mut engine) = Engine::new(&l.scenario) else {
            return self.refuse(Said::NoSuchLesson { id: l.id.into() });
        };
        for s in &l.steps[..step] {
            if engine.run_step_now(s).is_none() {
                return self.refuse(Said::NoSuchLesson { id: l.id.into() });
            }
        }
        self.engine = engine;
        self.preset = None;
        self.playing = false;
        self.selection = Selection::None;
        self.filter.server = None;
        let engine = &self.engine;
        self.lesson = Some(LessonRun::at(l, step, |s| engine.focus_of(s)));
    }

    /// Runs the lesson's step: its deeds, then playback until its moment.
    fn run_step(&mut self, chosen: Option<Answer>) {
        let Some(run) = self.lesson.as_mut() else {
            return;
        };
        if run.stage != Stage::Ask || run.off_script {
            return;
        }
        if !self.engine.start_step(&run.lesson.steps[run.step]) {
            run.stage = Stage::Stuck;
            return;
        }
        run.stage = Stage::Running { chosen };
        self.playing = true;
    }

    fn drop_stale_selection(&mut self) {
        let n = self.engine.size();
        let ok = |id: u32| id >= 1 && id <= n;
        let keep = match self.selection {
            Selection::None => true,
            Selection::Server(a) => ok(a),
            Selection::Link(a, b) => ok(a) && ok(b) && a != b,
            Selection::Packet(id) => self.engine.packet(id).is_some(),
        };
        if !keep {
            self.selection = Selection::None;
        }
    }

    /// Marks everything as changed (the whole page renders now).
    pub fn touch(&mut self) {
        self.rev += 1;
    }

    /// One animation frame, `wall_ms` after the previous one. Returns whether it ran.
    pub fn frame(&mut self, wall_ms: f64) -> bool {
        if !self.playing {
            return false;
        }
        let wall = wall_ms.clamp(0.0, MAX_FRAME_MS);
        let sim_ms = wall * self.speed();
        self.engine.advance(sim_ms, MAX_EVENTS_PER_FRAME);
        self.arrived();
        self.watch_violations();
        if let Selection::Packet(id) = self.selection {
            if self.engine.packet(id).is_none() {
                // Keep the details of a delivered packet? No: the box would lie.
                self.selection = Selection::None;
                self.rev += 1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notice's words in English (another test may have set the other language).
    fn en(said: &Said) -> String {
        crate::text::notice::words_in(said, crate::text::lang::Lang::En)
    }

    #[test]
    fn clicking_two_servers_selects_their_link_and_wrong_actions_say_why() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        let boot = m.engine.log().newest(100, |e| e.text == "Server 1 starts");
        assert_eq!(boot.len(), 1, "the boot at t = 0 is in the event log");
        m.update(Msg::ClickServer(2));
        m.update(Msg::ClickServer(4));
        assert_eq!(m.selection, Selection::Link(2, 4));
        m.update(Msg::Cmd(Command::Restart(2)));
        assert!(m.notice.as_ref().is_some_and(|n| n.error));
        m.update(Msg::Cmd(Command::KillLeader));
        assert!(
            m.notice.as_ref().is_some_and(|n| n.error),
            "no leader at t=0"
        );
        m.update(Msg::Cmd(Command::Crash(99)));
        assert!(m.notice.as_ref().is_some_and(|n| n.error));
        m.update(Msg::Cmd(Command::DeliverNow(123_456)));
        assert!(m.notice.as_ref().is_some_and(|n| n.error));
        m.update(Msg::Cmd(Command::HealAll));
        assert!(m.notice.as_ref().is_some_and(|n| n.error));
        // At t = 0 nobody serves: a read is refused, and says so.
        m.update(Msg::Cmd(Command::Read {
            server: 1,
            path: "/a".into(),
        }));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| n.error && en(&n.said).contains("not serving")));
        // A write to a crashed server fails at once, and says why.
        m.update(Msg::Cmd(Command::Crash(3)));
        assert!(m.notice.as_ref().is_some_and(|n| !n.error));
        m.update(Msg::Cmd(Command::DemoWrite(3)));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| n.error && en(&n.said).contains("down")));
        assert_eq!(m.engine.writes(1)[0].status, "failed");
        m.update(Msg::Cmd(Command::Write {
            server: 1,
            op: crate::engine::views::make_op("set", "not a path", "x"),
        }));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| n.error && en(&n.said).contains("znode path")));
    }

    #[test]
    fn a_leader_is_elected_and_a_follower_write_commits_everywhere() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::Skip(3000));
        let leader = m.engine.leader().expect("a leader after 3 s");
        let follower = (1..=5).find(|i| *i != leader).unwrap();
        m.update(Msg::Cmd(Command::Write {
            server: follower,
            op: crate::engine::views::make_op("create", "/a", "1"),
        }));
        assert!(!m.notice.as_ref().unwrap().error);
        m.update(Msg::Skip(1000));
        let w = &m.engine.writes(1)[0];
        assert_eq!(w.status, "committed");
        let zxid = w.zxid.unwrap();
        for s in m.engine.servers() {
            assert_eq!(s.last_zxid, zxid, "server {}", s.id);
        }
        // Kill the leader: a new one with a higher epoch.
        let epoch = m.engine.leader_epoch().unwrap();
        m.update(Msg::Cmd(Command::KillLeader));
        m.update(Msg::Skip(5000));
        assert!(m.engine.leader_epoch().unwrap() > epoch);
    }

    #[test]
    fn bug_lab_scenarios_load_from_the_menu_and_the_checker_catches_them() {
        use crate::state::presets::preset_list;
        let list = preset_list();
        assert!(list.iter().any(|(v, _, _)| v == "bug:ZK-3911"));
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::Preset("bug:ZK-3911".into()));
        assert_eq!(m.preset.as_deref(), Some("bug:ZK-3911"));
        assert!(!m.engine.scenario().bugs.is_empty());
        m.update(Msg::Skip(20_000));
        assert!(
            m.engine.violation_count() > 0,
            "the checker catches ZK-3911"
        );
        m.update(Msg::Preset("bug:ZK-0000".into()));
        assert!(m.notice.as_ref().is_some_and(|n| n.error));
    }

    #[test]
    fn a_new_seed_keeps_the_loaded_scenario() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::Preset("leader-crash".into()));
        m.update(Msg::Seed(7));
        assert_eq!(m.preset.as_deref(), Some("leader-crash"));
        assert_eq!(m.engine.scenario().seed, 7);
        assert_eq!(m.engine.scenario().schedule.len(), 6);
        m.update(Msg::Preset(String::new()));
        assert_eq!(m.preset, None);
        assert!(m.engine.scenario().schedule.is_empty());
    }

    /// Issue 17 item 0: the seeded random walk that killed the page ("capacity
    /// overflow", then "RefCell already borrowed" on every input). A fork in the past
    /// kept the discarded future's drop in the run (timeline.rs), so stepping a later
    /// view merged into a head with fewer trace events and the count wrapped.
    #[test]
    fn stepping_after_a_fork_and_a_seek_keeps_going() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        for _ in 0..71 {
            m.update(Msg::Step);
        }
        m.update(Msg::Cmd(Command::Drop(70)));
        m.update(Msg::Back(1000));
        m.update(Msg::Cmd(Command::Drop(6)));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| en(&n.said).contains("forked")));
        m.update(Msg::Skip(1000));
        let horizon = m.engine.horizon();
        let at_horizon = (m.engine.servers(), m.engine.packets());
        m.update(Msg::Seek(612));
        let mut last = m.engine.now();
        for _ in 0..40 {
            m.update(Msg::Step);
            let notice = m.notice.as_ref().expect("a step says what happened");
            assert!(!notice.error, "{}", en(&notice.said));
            assert!(
                m.engine.now() >= last,
                "time never runs backwards on a step"
            );
            last = m.engine.now();
        }
        assert!(!m.engine.in_past(), "stepping caught up with the present");
        assert!(m.engine.now() > horizon);
        // One history: the past rebuilt from a checkpoint is the present it led to.
        m.update(Msg::Seek(horizon));
        assert_eq!((m.engine.servers(), m.engine.packets()), at_horizon);
    }

    /// Issue 14 item 2: every lesson followed in the app as a student would (answer,
    /// the cluster plays frame by frame to the step's moment, next) reveals the answers
    /// core's native walk of the lesson gives (core/tests/lessons.rs reasons them
    /// out), and a lesson opened at its last step is the same run.
    #[test]
    fn every_lesson_followed_frame_by_frame_reveals_what_core_says() {
        use zab_core::lesson::lessons;
        for l in lessons() {
            // Core's own walk: the truth of each question.
            let mut run = zab_core::run::Run::new(&l.scenario).unwrap();
            let mut truths = Vec::new();
            for i in 0..l.steps.len() {
                let (_, watch) = l.run_step(&mut run, i).unwrap();
                truths.push(
                    l.steps[i]
                        .question
                        .as_ref()
                        .map(|q| q.reveal(run.sim(), &watch, run.violations())),
                );
            }
            let mut m = Model::new(Start {
                play: false,
                ..Start::default()
            });
            m.speed_pos = 100.0;
            m.update(Msg::Lesson(LessonMsg::Open(l.id.into(), 0)));
            for (i, truth) in truths.iter().enumerate() {
                let run = m.lesson.as_ref().expect("the lesson stays open");
                assert_eq!(
                    (run.step, &run.stage),
                    (i, &Stage::Ask),
                    "{} step {i}",
                    l.id
                );
                // Answer wrong where there is a wrong answer, to see it judged.
                let chosen = l.steps[i].question.as_ref().map(|q| {
                    q.choices()
                        .into_iter()
                        .find(|a| Some(*a) != truth.as_ref().map(|r| r.truth))
                        .unwrap()
                });
                m.update(Msg::Lesson(match chosen {
                    Some(a) => LessonMsg::Choose(a),
                    None => LessonMsg::Go,
                }));
                for _ in 0..2000 {
                    if !m.playing {
                        break;
                    }
                    m.frame(100.0);
                }
                let Stage::Done { chosen: c, reveal } = &m.lesson.as_ref().unwrap().stage else {
                    panic!("{} step {i}: {:?}", l.id, m.lesson.as_ref().unwrap().stage)
                };
                assert_eq!(*c, chosen);
                // The same answer for the same reason: the app's run is core's.
                assert_eq!(reveal, truth, "{} step {i}", l.id);
                m.update(Msg::Lesson(LessonMsg::Next));
            }
            assert!(m.lesson.is_none(), "finishing closes the lesson");
        }
    }

    #[test]
    fn a_lesson_opened_at_a_step_and_left_comes_back_to_that_step() {
        let mut m = Model::new(Start {
            lesson: Some(("election".into(), 2)),
            play: false,
            ..Start::default()
        });
        let run = m.lesson.as_ref().expect("?lesson=election&step=3 opens it");
        assert_eq!((run.step, &run.stage), (2, &Stage::Ask));
        let at = m.engine.now();
        assert!(at > 0, "the steps before it ran");
        // The student experiments: the lesson is left, the run changes.
        m.update(Msg::Cmd(Command::HealAll));
        m.update(Msg::Skip(2000));
        assert!(m.lesson.as_ref().unwrap().off_script);
        m.update(Msg::Lesson(LessonMsg::Choose(Answer::Yes)));
        assert_eq!(
            m.lesson.as_ref().unwrap().stage,
            Stage::Ask,
            "no run off the script"
        );
        m.update(Msg::Lesson(LessonMsg::Replay));
        let run = m.lesson.as_ref().unwrap();
        assert!(!run.off_script);
        assert_eq!(
            (run.step, m.engine.now()),
            (2, at),
            "back at the step's start"
        );
    }

    #[test]
    fn pause_at_a_leader_stops_playback_when_one_is_elected() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::PauseAt(Some(Until::LeaderActive)));
        m.update(Msg::TogglePlay);
        // At the default speed (0.05x) a leader comes after about 6 s of frames.
        for _ in 0..1000 {
            if !m.playing {
                break;
            }
            m.frame(100.0);
        }
        assert!(!m.playing, "paused by itself");
        assert!(
            m.engine.leader().is_some(),
            "at the moment a leader is active"
        );
        assert!(m.engine.now() < 2000);
    }

    /// A "pause at" moment that does not come (a commit with no writes) never stops
    /// playback: the wait runs out and starts again.
    #[test]
    fn pause_at_a_moment_that_never_comes_keeps_playing() {
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.speed_pos = 100.0;
        m.update(Msg::PauseAt(Some(Until::Commit)));
        m.update(Msg::TogglePlay);
        for _ in 0..800 {
            m.frame(100.0);
        }
        assert!(m.engine.now() > 2 * zab_core::lesson::STEP_LIMIT_MS);
        assert!(m.playing, "still playing");
        assert!(
            m.engine.waiting().is_some(),
            "and still waiting for a commit"
        );
    }

    #[test]
    fn frames_advance_the_clock_by_wall_time_times_speed() {
        let mut m = Model::new(Start::default());
        m.speed_pos = 100.0;
        m.frame(16.0);
        assert!((m.engine.clock() - 16.0).abs() < 1e-9);
        m.frame(10_000.0);
        assert!(
            (m.engine.clock() - 116.0).abs() < 1e-9,
            "capped at MAX_FRAME_MS"
        );
        m.playing = false;
        assert!(!m.frame(16.0));
    }
}
