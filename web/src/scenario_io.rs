//! Scenario files in and out of the app: export (a download), import (a file
//! input), the shareable link, the trace digest that compares the run with
//! `zab-sim run --digest`, the high-contrast switch, and the alert that pauses the run
//! at the first invariant violation.
//!
//! The model side ([`IoMsg`], handled by [`Model::io`]) is plain Rust; the components
//! below do the browser work (blobs, files, clipboard) and report back by message.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab_core::scenario::Scenario;
use zab_core::Time;

use crate::app::PanelProps;
use crate::model::{Model, Msg, Notice, Selection};
use crate::persist;
use crate::views::ViolationView;

/// Where a scenario comes from (for the status line).
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A file the user imported (its name).
    File(String),
    /// The link the page was opened with (`#s=`).
    Link,
    /// The last session, from `localStorage`.
    Session,
}

/// Messages of this module.
#[derive(Clone, Debug, PartialEq)]
pub enum IoMsg {
    /// Scenario JSON to run: an imported file or the saved session.
    Load {
        /// The file's text.
        text: String,
        /// Where it comes from.
        origin: Origin,
    },
    /// A URL fragment that may carry a scenario (`#s=`).
    Fragment(String),
    /// Play on after the run paused at a violation.
    Resume,
    /// Hide the violation alert (stay paused).
    Dismiss,
    /// Compute the trace digest of the run so far.
    Digest,
    /// A sentence for the status line (from a browser action that finished later).
    Note {
        /// The sentence.
        text: String,
        /// Whether something failed.
        error: bool,
    },
}

/// The trace digest of the run at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestView {
    /// Simulated time it covers (from 0).
    pub at_ms: Time,
    /// Number of trace events.
    pub events: u64,
    /// FNV-1a 64 of their JSON lines, 16 hex digits.
    pub hex: String,
}

/// What this module keeps in the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IoState {
    /// Violations seen at the last look (the run pauses when it leaves 0).
    seen_violations: usize,
    /// The violation the run paused at, while its alert is shown.
    pub halt: Option<ViolationView>,
    /// The last trace digest computed.
    pub digest: Option<DigestView>,
    /// Name of the scenario last loaded from a file, a link or the session.
    loaded_name: Option<String>,
}

impl IoState {
    /// Whether the scenario called `name` came from a file, a link or the session
    /// (then its name and description are shown like a preset's).
    pub fn is_loaded(&self, name: &str) -> bool {
        self.loaded_name.as_deref() == Some(name)
    }
}

fn note(m: &mut Model, text: String, error: bool) {
    m.notice = Some(Notice { text, error });
}

fn steps(n: usize) -> String {
    format!("{n} scheduled step{}", if n == 1 { "" } else { "s" })
}

impl Model {
    /// Applies a message of this module.
    pub fn io(&mut self, msg: IoMsg) {
        match msg {
            IoMsg::Load { text, origin } => match Scenario::from_json(&text) {
                Ok(s) => self.load_scenario(s, &origin),
                Err(e) => {
                    let text = match &origin {
                        Origin::File(name) => format!(
                            "“{name}” was not imported: {e}. The current run is unchanged."
                        ),
                        Origin::Session => format!(
                            "Your last session could not be restored ({e}); started “{}” instead.",
                            self.engine.scenario().name
                        ),
                        Origin::Link => format!(
                            "The scenario in this link could not be read: {e}. Running “{}” instead.",
                            self.engine.scenario().name
                        ),
                    };
                    note(self, text, true);
                }
            },
            IoMsg::Fragment(hash) => match persist::scenario_from_fragment(&hash) {
                None => {}
                Some(Ok(s)) => self.load_scenario(s, &Origin::Link),
                Some(Err(e)) => {
                    let text = format!(
                        "The scenario in this link could not be read: {e}. Running “{}” instead.",
                        self.engine.scenario().name
                    );
                    note(self, text, true);
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
                note(
                    self,
                    format!(
                        "Trace digest at t = {at_ms} ms: {events} events, FNV-1a {hex} (compare: zab-sim run --digest with run_until_ms {at_ms})."
                    ),
                    false,
                );
                self.io.digest = Some(DigestView { at_ms, events, hex });
            }
            IoMsg::Note { text, error } => note(self, text, error),
        }
    }

    /// Replaces the run with `s` from t = 0 (nothing changes if it cannot run).
    fn load_scenario(&mut self, s: Scenario, origin: &Origin) {
        let name = s.name.clone();
        let count = s.schedule.len();
        let what = match origin {
            Origin::File(file) => format!("Imported “{name}” from {file}"),
            Origin::Link => format!("Opened “{name}” from the link"),
            Origin::Session => format!("Restored your last session, “{name}”"),
        };
        let description = if s.description.is_empty() {
            String::new()
        } else {
            format!(": {}", s.description)
        };
        if self.load(s) {
            self.preset = None;
            self.io.loaded_name = Some(name);
            self.io.digest = None;
            note(
                self,
                format!("{what} ({}, from t = 0){description}", steps(count)),
                false,
            );
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

// ---- browser helpers -------------------------------------------------------------

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// A file name from a scenario name: `leader-crash-during-broadcast.json`.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let stem = out.trim_end_matches('-');
    let stem = if stem.is_empty() { "scenario" } else { stem };
    format!("{}.json", &stem[..stem.len().min(60)])
}

/// Offers `text` as a download called `name`.
fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str| format!("the browser refused to {what}");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| fail("build the file"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("make a link"))?;
    let doc = document().ok_or_else(|| fail("find the page"))?;
    let a = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| fail("make a link"))?;
    a.set_href(&url);
    a.set_download(name);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    } else {
        a.click();
    }
    // Give the download a moment to start before the URL goes away.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Calls `done(Ok(value))` or `done(Err(reason))` when `promise` settles.
fn on_settled(promise: &js_sys::Promise, done: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let d2 = done.clone();
    let ok = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        if let Some(f) = done.borrow_mut().take() {
            f(Ok(v));
        }
    });
    let err = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        if let Some(f) = d2.borrow_mut().take() {
            f(Err(e));
        }
    });
    let _ = promise.then2(&ok, &err);
    // One pair per user action; they must outlive this call.
    ok.forget();
    err.forget();
}

fn js_error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown reason".into())
}

/// The file menu of the header: export, import, share, trace digest, high contrast.
#[function_component(ScenarioIo)]
pub fn scenario_io(p: &PanelProps) -> Html {
    let m = p.model.0.borrow();
    let d = &p.dispatch;

    let on_export = {
        let model = p.model.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let (name, text, user) = {
                let m = model.0.borrow();
                let s = m.engine.export();
                (
                    file_name(&s.name),
                    s.to_json_pretty(),
                    m.engine.intervention_count(),
                )
            };
            let msg = match download(&name, &text) {
                Ok(()) => IoMsg::Note {
                    text: format!(
                        "Exported {name}: the scenario with your {user} intervention{} (import it, or run it with zab-sim run {name}).",
                        if user == 1 { "" } else { "s" }
                    ),
                    error: false,
                },
                Err(e) => IoMsg::Note {
                    text: format!("Could not export: {e}."),
                    error: true,
                },
            };
            d.emit(Msg::Io(msg));
        })
    };

    let on_import = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file can be picked again later.
            input.set_value("");
            let name = file.name();
            let d = d.clone();
            on_settled(&file.text(), move |r| {
                d.emit(Msg::Io(match r {
                    Ok(text) => IoMsg::Load {
                        text: text.as_string().unwrap_or_default(),
                        origin: Origin::File(name),
                    },
                    Err(e) => IoMsg::Note {
                        text: format!(
                            "Could not read “{name}”: {}. The current run is unchanged.",
                            js_error_text(&e)
                        ),
                        error: true,
                    },
                }));
            });
        })
    };

    let on_share = {
        let model = p.model.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = persist::share_fragment(&model.0.borrow().engine.export());
            let Some(url) = persist::set_fragment(&fragment) else {
                d.emit(Msg::Io(IoMsg::Note {
                    text: "Could not put the link in the address bar.".into(),
                    error: true,
                }));
                return;
            };
            let in_bar = format!(
                "The link to this run ({} characters) is in the address bar",
                url.len()
            );
            let clipboard = web_sys::window()
                .map(|w| w.navigator())
                .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
                .filter(|c| !c.is_undefined() && !c.is_null())
                .map(|c| c.unchecked_into::<web_sys::Clipboard>());
            match clipboard {
                None => d.emit(Msg::Io(IoMsg::Note {
                    text: format!("{in_bar}; copy it from there."),
                    error: false,
                })),
                Some(c) => {
                    let d = d.clone();
                    on_settled(&c.write_text(&url), move |r| {
                        let text = match r {
                            Ok(_) => format!("{in_bar} and on the clipboard."),
                            Err(_) => format!(
                                "{in_bar}; copy it from there (the clipboard was not available)."
                            ),
                        };
                        d.emit(Msg::Io(IoMsg::Note { text, error: false }));
                    });
                }
            }
        })
    };

    let on_digest = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Io(IoMsg::Digest)))
    };

    let contrast = use_state(persist::high_contrast);
    let on_contrast = {
        let contrast = contrast.clone();
        Callback::from(move |_: MouseEvent| {
            let on = !*contrast;
            persist::set_high_contrast(on);
            contrast.set(on);
        })
    };

    let digest = m.io.digest.clone();
    html! {
        <div class="group io" role="group" aria-label="Scenario file">
            <button onclick={on_export} aria-label="Export scenario"
                    title="Download this run as a scenario file: the scenario plus your interventions so far">
                {"⤓ Export"}
            </button>
            <label class="file-button" title="Run a scenario file (JSON, scenario format version 1)">
                {"⤒ Import"}
                <input type="file" accept=".json,application/json" aria-label="Import scenario"
                       onchange={on_import} />
            </label>
            <button onclick={on_share} aria-label="Copy link"
                    title="Put a link to this run (scenario and interventions) in the address bar and on the clipboard">
                {"↗ Link"}
            </button>
            <button onclick={on_digest} aria-label="Trace digest"
                    title="Fingerprint of the whole trace so far, to compare with zab-sim run --digest">
                {"# Digest"}
            </button>
            if let Some(dg) = digest {
                <output class="digest" data-view="trace-digest" data-trace-count={dg.events.to_string()}
                        data-trace-digest={dg.hex.clone()} data-trace-at-ms={dg.at_ms.to_string()}
                        title={format!("{} trace events from t = 0 to {} ms", dg.events, dg.at_ms)}>
                    {format!("{}…", &dg.hex[..dg.hex.len().min(8)])}
                </output>
            }
            <button class={classes!("contrast", (*contrast).then_some("on"))}
                    aria-label="High contrast" aria-pressed={contrast.to_string()}
                    title="High-contrast colours (remembered on this device)"
                    onclick={on_contrast}>
                {if *contrast { "◑ Contrast on" } else { "◐ Contrast" }}
            </button>
        </div>
    }
}

/// The alert shown while the run is paused at its first invariant violation.
#[function_component(ViolationAlert)]
pub fn violation_alert(p: &PanelProps) -> Html {
    let m = p.model.0.borrow();
    let Some(v) = m.io.halt.clone() else {
        return html! {};
    };
    let d = &p.dispatch;
    let send = |msg: IoMsg| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Io(msg.clone())))
    };
    let servers = match v.servers.as_slice() {
        [] => String::new(),
        [one] => format!(" (server {one})"),
        many => format!(
            " (servers {})",
            many.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let first = v.servers.first().copied();
    let d2 = d.clone();
    let on_show = Callback::from(move |_: MouseEvent| {
        if let Some(id) = first {
            d2.emit(Msg::Select(Selection::Server(id)));
        }
    });
    let now = m.engine.now();
    let (title, detail) = alert_text(&v, &servers, now);
    let at_ms = v.at_ms;
    let go_back = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Seek(at_ms)))
    };
    html! {
        <div class="halt" role="alert" data-view="halt" data-invariant={v.invariant.clone()}
             data-at-ms={v.at_ms.to_string()}>
            <p class="halt-text" title={format!("{title} {detail}")}>
                <strong class="halt-title">{title}</strong>{" "}{detail}
            </p>
            <span class="halt-actions">
                <button class="primary" onclick={send(IoMsg::Resume)}>{"Resume"}</button>
                if now != at_ms {
                    <button onclick={go_back}>{format!("Go to t = {at_ms} ms")}</button>
                }
                if first.is_some() {
                    <button onclick={on_show}>{"Select the server"}</button>
                }
                <button onclick={send(IoMsg::Dismiss)} aria-label="Dismiss the alert">{"Dismiss"}</button>
            </span>
        </div>
    }
}

/// The alert's title and detail. The violation's time and the clock are told apart:
/// after "Run to the end" or a skip the run is paused later than the violation.
fn alert_text(v: &ViolationView, servers: &str, now: Time) -> (String, String) {
    let title = format!("⚠ Paused: invariant {} {} broken", v.invariant, v.name);
    let mut detail = format!("at t = {} ms{servers}: {}", v.at_ms, v.detail);
    if now != v.at_ms {
        detail.push_str(&format!(" The clock has moved on to t = {now} ms."));
    }
    (title, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Start;

    fn paused() -> Model {
        Model::new(Start {
            play: false,
            ..Start::default()
        })
    }

    #[test]
    fn file_names_are_tidy() {
        assert_eq!(
            file_name("Leader crash during broadcast"),
            "leader-crash-during-broadcast.json"
        );
        assert_eq!(
            file_name("Free play: 5 servers"),
            "free-play-5-servers.json"
        );
        assert_eq!(file_name("¿?"), "scenario.json");
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
            n.text.contains("bad.json") && n.text.contains("line 4, column 3"),
            "{}",
            n.text
        );
        assert_eq!(m.engine.servers(), before);
        assert_eq!(m.engine.now(), 2000);
        m.update(Msg::Io(IoMsg::Load {
            text: r#"{"format": "zab-scenario", "version": 1, "cluster": {"participants": 3}, "seed": "x"}"#.into(),
            origin: Origin::File("bad.json".into()),
        }));
        assert!(m.notice.clone().unwrap().text.contains("seed:"));
    }

    #[test]
    fn an_exported_run_imports_and_replays() {
        let mut m = paused();
        m.update(Msg::Preset("leader-crash".into()));
        m.update(Msg::Skip(3000));
        m.update(Msg::Cmd(crate::views::Command::WriteToLeader));
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
        assert!(!halt.invariant.is_empty() && !halt.detail.is_empty());
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
        // Issue 13: the alert tells the violation's time from the clock's.
        let (_, at_it) = alert_text(&halt, "", halt.at_ms);
        assert!(!at_it.contains("moved on"), "{at_it}");
        let (_, later) = alert_text(&halt, "", m.engine.now());
        assert!(m.engine.now() > halt.at_ms);
        assert!(
            later.contains(&format!("moved on to t = {} ms", m.engine.now())),
            "{later}"
        );
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
