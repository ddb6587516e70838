//! How the model handles scenario files, links and the saved session
//! ([`IoMsg`]), and the pause at the first invariant violation.

use zab_core::scenario::link::scenario_from_fragment;
use zab_core::scenario::Scenario;

use super::notice::{From, Unread};
use super::{Model, Notice, Said};
use crate::state::scenario_file::{DigestView, IoMsg, Origin};

fn note(m: &mut Model, said: Said, error: bool) {
    m.notice = Some(Notice { said, error });
}

fn from(origin: &Origin) -> From {
    match origin {
        Origin::File(name) => From::File(name.clone()),
        Origin::Link => From::Link,
        Origin::Session => From::Session,
    }
}

impl Model {
    /// Applies a message of this module.
    pub fn io(&mut self, msg: IoMsg) {
        match msg {
            IoMsg::Load { text, origin } => match Scenario::from_json(&text) {
                Ok(s) => self.load_scenario(s, &origin),
                Err(e) => {
                    let said = Said::Unreadable {
                        from: from(&origin),
                        error: Unread::Scenario(e.into()),
                        now: self.named(),
                    };
                    note(self, said, true);
                }
            },
            IoMsg::Fragment(hash) => match scenario_from_fragment(&hash) {
                None => {}
                Some(Ok(s)) => self.load_scenario(s, &Origin::Link),
                Some(Err(e)) => {
                    let said = Said::Unreadable {
                        from: From::Link,
                        error: Unread::Link(e.into()),
                        now: self.named(),
                    };
                    note(self, said, true);
                }
            },
            IoMsg::Resume => {
                self.io.halt = None;
                self.playing = true;
                self.paused_by_hiding = false;
            }
            IoMsg::Dismiss => self.io.halt = None,
            IoMsg::Digest => {
                let (events, hex) = self.engine.trace_digest();
                let at_ms = self.engine.now();
                let said = Said::Digest {
                    at_ms,
                    events,
                    hex: hex.clone(),
                };
                note(self, said, false);
                self.io.digest = Some(DigestView { at_ms, events, hex });
            }
            IoMsg::Note { said, error } => note(self, said, error),
        }
    }

    /// Replaces the run with `s` from t = 0 (nothing changes if it cannot run).
    fn load_scenario(&mut self, s: Scenario, origin: &Origin) {
        let said = Said::Opened {
            from: from(origin),
            name: s.name.clone(),
            steps: s.schedule.len(),
            description: s.description.clone(),
        };
        let name = s.name.clone();
        if self.load(s) {
            self.preset = None;
            self.io.loaded_name = Some(name);
            self.io.digest = None;
            note(self, said, false);
        }
    }

    /// Pauses the run when the checker reports its first violation, and keeps the
    /// alert in step with the history being looked at. Called after every message and
    /// animation frame.
    pub fn watch_violations(&mut self) {
        let count = self.engine.violation_count();
        if count > 0 && self.io.seen_violations == 0 {
            self.io.halt = self.engine.halt_violation();
            self.playing = false;
            self.paused_by_hiding = false;
            self.touch();
        } else if count == 0 || self.playing {
            // Back before the violation (time travel, a new run), or playing on.
            self.io.halt = None;
        }
        self.io.seen_violations = count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notice's words in English (another test may have set the other language).
    fn en(said: &Said) -> String {
        crate::text::notice::words_in(said, crate::text::lang::Lang::En)
    }
    use crate::state::model::{Msg, Start};

    fn paused() -> Model {
        Model::new(Start {
            play: false,
            ..Start::default()
        })
    }

    #[test]
    fn a_bad_import_names_the_problem_and_keeps_the_run() {
        let mut m = paused();
        m.update(Msg::Skip(2000));
        let before = m.engine.servers();
        m.update(Msg::Io(IoMsg::Load {
            text: "{\n  \"format\": \"zab-scenario\",\n  \"version\": 1\n  \"seed\": 3\n}".into(),
            origin: Origin::File("bad.json".into()),
        }));
        let n = m.notice.clone().unwrap();
        assert!(n.error);
        assert!(
            en(&n.said).contains("bad.json") && en(&n.said).contains("line 4, column 3"),
            "{}",
            en(&n.said)
        );
        // Kept typed: the same notice is worded again in the other language.
        let zh = crate::text::notice::words_in(&n.said, crate::text::lang::Lang::Zh);
        assert!(
            zh.contains("第 4 行第 3 列") && zh.contains("缺少逗号"),
            "{zh}"
        );
        assert_eq!(m.engine.servers(), before);
        assert_eq!(m.engine.now(), 2000);
        m.update(Msg::Io(IoMsg::Load {
            text: r#"{"format": "zab-scenario", "version": 1, "cluster": {"participants": 3}, "seed": "x"}"#.into(),
            origin: Origin::File("bad.json".into()),
        }));
        assert!(en(&m.notice.clone().unwrap().said).contains("seed:"));
    }

    #[test]
    fn an_exported_run_imports_and_replays() {
        let mut m = paused();
        m.update(Msg::Preset("leader-crash".into()));
        m.update(Msg::Skip(3000));
        m.update(Msg::Cmd(crate::engine::views::Command::WriteToLeader));
        m.update(Msg::Skip(4000));
        let text = m.engine.export().to_json_pretty();
        let servers = m.engine.servers();
        m.update(Msg::NewCluster {
            participants: 3,
            observers: 0,
            seed: 5,
        });
        m.update(Msg::Io(IoMsg::Load {
            text,
            origin: Origin::File("x.json".into()),
        }));
        assert!(!m.notice.clone().unwrap().error);
        assert!(m.io.is_loaded(&m.engine.scenario().name));
        assert_eq!(m.preset, None);
        m.update(Msg::Skip(7000));
        assert_eq!(m.engine.servers(), servers);
    }

    #[test]
    fn the_first_violation_pauses_the_run_until_resumed() {
        let mut m = paused();
        m.update(Msg::Preset("bug:ZK-3911".into()));
        m.playing = true;
        let mut frames = 0;
        while m.playing && frames < 10_000 {
            m.frame(100.0);
            frames += 1;
            if !m.playing {
                break;
            }
            // Fast forward between frames.
            m.engine.skip(100);
            m.watch_violations();
        }
        assert!(!m.playing, "paused");
        let halt = m.io.halt.clone().expect("the alert is up");
        assert!(!halt.invariant.is_empty() && !halt.detail.to_string().is_empty());
        m.update(Msg::Io(IoMsg::Resume));
        assert!(m.playing && m.io.halt.is_none());
        // Later violations do not pause again.
        m.update(Msg::Skip(5000));
        assert!(m.playing);
        // Back before the violation and through it again: it pauses again.
        m.update(Msg::Seek(0));
        assert!(m.io.halt.is_none());
        m.update(Msg::Skip(halt.at_ms + 1000));
        assert!(m.io.halt.is_some());
    }

    #[test]
    fn the_digest_is_shown_for_the_moment_it_was_taken() {
        let mut m = paused();
        m.update(Msg::Preset("fresh-election".into()));
        m.update(Msg::Skip(2000));
        m.update(Msg::Io(IoMsg::Digest));
        let d = m.io.digest.clone().unwrap();
        assert_eq!(d.at_ms, 2000);
        assert_eq!(d.hex.len(), 16);
        assert!(d.events > 0);
    }
}
