//! The app's state: the engine plus what the UI adds (playback, selection, filter,
//! the last message), and the one function that turns every user message into a
//! change of it. It lives in a `Rc<RefCell<_>>` (never cloned); renders are triggered
//! by counters, so a big simulation is never copied per frame. When the panels
//! refresh while playing is `playback`'s business, not the model's.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use zab_core::scenario::Scenario;

use crate::engine::views::Command;
use crate::engine::Engine;
use crate::state::presets::{free_play, scenario_for, OBSERVERS, SIZES};
use crate::state::speed::speed_of;
use crate::text::narrate::Kind;

mod io;

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

/// A message for the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The sentence.
    pub text: String,
    /// An action that could not be done (shown as an error).
    pub error: bool,
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
    /// Show the page in this language.
    Lang(crate::text::lang::Lang),
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
}

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
            .expect("the default free-play scenario runs");
        let notice = crate::state::query::problems_text(&start.problems)
            .map(|text| Notice { text, error: true });
        Model {
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
        }
    }

    /// Current speed, simulated ms per wall ms.
    pub fn speed(&self) -> f64 {
        speed_of(self.speed_pos)
    }

    fn say(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: false,
        });
    }

    fn refuse(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: true,
        });
    }

    fn result(&mut self, r: Result<String, String>) {
        match r {
            Ok(t) => self.say(t),
            Err(t) => self.refuse(t),
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
            Err(e) => {
                self.refuse(e);
                false
            }
        }
    }

    /// Applies one message.
    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Cmd(cmd) => {
                let r = self.engine.run(cmd);
                self.result(r);
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
                let r = self.engine.step();
                self.result(r);
                self.drop_stale_selection();
            }
            Msg::Skip(ms) => {
                self.engine.skip(ms);
                self.say(format!(
                    "Jumped ahead {} ms to t = {} ms.",
                    ms,
                    self.engine.now()
                ));
                self.drop_stale_selection();
            }
            Msg::Seek(t) => {
                self.playing = false;
                let t = t.min(self.engine.horizon());
                self.engine.seek(t);
                self.say(if self.engine.in_past() {
                    format!("Viewing t = {t} ms of this run. Play or step to replay it; any action here forks history.")
                } else {
                    format!("Back at the present, t = {t} ms.")
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
                let name = scenario.name.clone();
                let seed = scenario.seed;
                if self.load(scenario) {
                    self.say(format!("Reset: “{name}” from t = 0 with seed {seed}."));
                }
            }
            Msg::NewCluster {
                participants,
                observers,
                seed,
            } => {
                if !SIZES.contains(&participants) || !OBSERVERS.contains(&observers) {
                    self.refuse("Pick 3, 5, 7 or 9 servers and 0 to 2 observers.");
                } else {
                    let s = free_play(participants, observers, seed);
                    let text = format!("Started {} with seed {seed}.", s.name);
                    if self.load(s) {
                        self.preset = None;
                        self.say(text);
                    }
                }
            }
            Msg::Seed(seed) => {
                let mut scenario = self.engine.scenario().clone();
                scenario.seed = seed;
                let name = scenario.name.clone();
                if self.load(scenario) {
                    self.say(format!("“{name}” from t = 0 with seed {seed}."));
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
                        let text = format!("Loaded “{}”: press Play, or step with N.", s.name);
                        if self.load(s) {
                            self.preset = Some(stem);
                            self.say(text);
                        }
                    }
                    None => self.refuse(format!("There is no built-in scenario “{stem}”.")),
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
            Msg::Say(text) => self.refuse(text),
            Msg::Lang(lang) => {
                crate::text::lang::set(lang);
                self.engine.reword_log(lang);
            }
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
        }
        self.watch_violations();
        self.touch();
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
            .is_some_and(|n| n.error && n.text.contains("not serving")));
        // A write to a crashed server fails at once, and says why.
        m.update(Msg::Cmd(Command::Crash(3)));
        assert!(m.notice.as_ref().is_some_and(|n| !n.error));
        m.update(Msg::Cmd(Command::DemoWrite(3)));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("down")));
        assert_eq!(m.engine.writes(1)[0].status, "failed");
        m.update(Msg::Cmd(Command::Write {
            server: 1,
            op: crate::engine::views::make_op("set", "not a path", "x"),
        }));
        assert!(m
            .notice
            .as_ref()
            .is_some_and(|n| n.error && n.text.contains("znode path")));
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
        assert!(m.notice.as_ref().is_some_and(|n| n.text.contains("forked")));
        m.update(Msg::Skip(1000));
        let horizon = m.engine.horizon();
        let at_horizon = (m.engine.servers(), m.engine.packets());
        m.update(Msg::Seek(612));
        let mut last = m.engine.now();
        for _ in 0..40 {
            m.update(Msg::Step);
            let notice = m.notice.as_ref().expect("a step says what happened");
            assert!(!notice.error, "{}", notice.text);
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
