//! The file menu of the header (export, import, share, trace digest, high contrast)
//! and the alert that pauses the run at the first invariant violation. These do the
//! browser work (blobs, files, clipboard) and report back with a
//! [`IoMsg`](crate::state::scenario_file::IoMsg); the model side is in
//! `state::scenario_file`.

use crate::t;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab_core::Time;

use crate::engine::views::ViolationView;
use crate::state::model::notice::Clipboard;
use crate::state::model::{Msg, Said, Selection};
use crate::state::persist;
use crate::state::scenario_file::{file_name, DigestView, ExportedRun, IoMsg, Origin};

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Offers `text` as a download called `name`.
fn download(name: &str, text: &str) -> Result<(), ()> {
    let blob = gloo_file::Blob::new_with_options(text, Some("application/json"));
    let url = gloo_file::ObjectUrl::from(blob);
    let doc = document().ok_or(())?;
    let a = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or(())?;
    a.set_href(&url);
    a.set_download(name);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        a.click();
        let _ = body.remove_child(&a);
    } else {
        a.click();
    }
    // Give the download a moment to start before the URL goes away (when `url` drops).
    gloo_timers::callback::Timeout::new(10_000, move || drop(url)).forget();
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

/// Props of the file menu.
#[derive(Properties, Clone, PartialEq)]
pub struct ScenarioIoProps {
    /// The last trace digest computed.
    pub digest: Option<DigestView>,
    /// The run as a scenario file, asked for when the user exports or shares it.
    pub export: Callback<(), ExportedRun>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The file menu of the header: export, import, share, trace digest, high contrast.
#[function_component(ScenarioIo)]
pub fn scenario_io(p: &ScenarioIoProps) -> Html {
    let d = &p.dispatch;

    let on_export = {
        let export = p.export.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let run = export.emit(());
            let name = file_name(&run.scenario.name);
            let text = run.scenario.to_json_pretty();
            let user = run.interventions;
            let msg = match download(&name, &text) {
                Ok(()) => IoMsg::Note {
                    said: Said::Exported {
                        file: name,
                        interventions: user,
                    },
                    error: false,
                },
                Err(()) => IoMsg::Note {
                    said: Said::ExportFailed,
                    error: true,
                },
            };
            d.emit(Msg::Io(msg));
        })
    };

    let reading = use_mut_ref(|| None::<gloo_file::callbacks::FileReader>);
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
            // The read stops if its handle is dropped: keep it until the next import.
            *reading.borrow_mut() = Some(gloo_file::callbacks::read_as_text(
                &gloo_file::File::from(file),
                move |r| {
                    d.emit(Msg::Io(match r {
                        Ok(text) => IoMsg::Load {
                            text,
                            origin: Origin::File(name),
                        },
                        Err(e) => IoMsg::Note {
                            said: Said::ReadFailed {
                                file: name,
                                error: e.to_string(),
                            },
                            error: true,
                        },
                    }));
                },
            ));
        })
    };

    let on_share = {
        let export = p.export.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = persist::share_fragment(&export.emit(()).scenario);
            let Some(url) = persist::set_fragment(&fragment) else {
                d.emit(Msg::Io(IoMsg::Note {
                    said: Said::LinkFailed,
                    error: true,
                }));
                return;
            };
            let chars = url.chars().count();
            let ready = move |clipboard| IoMsg::Note {
                said: Said::LinkReady { chars, clipboard },
                error: false,
            };
            let clipboard = web_sys::window()
                .map(|w| w.navigator())
                .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
                .filter(|c| !c.is_undefined() && !c.is_null())
                .map(|c| c.unchecked_into::<web_sys::Clipboard>());
            match clipboard {
                None => d.emit(Msg::Io(ready(Clipboard::Missing))),
                Some(c) => {
                    let d = d.clone();
                    on_settled(&c.write_text(&url), move |r| {
                        let clipboard = match r {
                            Ok(_) => Clipboard::Copied,
                            Err(_) => Clipboard::Refused,
                        };
                        d.emit(Msg::Io(ready(clipboard)));
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

    let digest = p.digest.clone();
    html! {
        <div class="group io" role="group" aria-label={t!("io.aria")}>
            <button onclick={on_export} aria-label={t!("io.export_aria")} title={t!("io.export_title")}>
                {t!("io.export")}
            </button>
            <label class="file-button" title={t!("io.import_title")}>
                {t!("io.import")}
                <input type="file" accept=".json,application/json" aria-label={t!("io.import_aria")}
                       onchange={on_import} />
            </label>
            <button onclick={on_share} aria-label={t!("io.link_aria")} title={t!("io.link_title")}>
                {t!("io.link")}
            </button>
            <button onclick={on_digest} aria-label={t!("io.digest_aria")} title={t!("io.digest_title")}>
                {t!("io.digest")}
            </button>
            if let Some(dg) = digest {
                <output class="digest" data-view="trace-digest" data-trace-count={dg.events.to_string()}
                        data-trace-digest={dg.hex.clone()} data-trace-at-ms={dg.at_ms.to_string()}
                        title={t!("io.digest_value_title", events = dg.events, at = dg.at_ms)}>
                    {format!("{}…", &dg.hex[..dg.hex.len().min(8)])}
                </output>
            }
            <button class={classes!("contrast", (*contrast).then_some("on"))}
                    aria-label={t!("io.contrast_aria")} aria-pressed={contrast.to_string()}
                    title={t!("io.contrast_title")}
                    onclick={on_contrast}>
                {if *contrast { t!("io.contrast_on") } else { t!("io.contrast_off") }}
            </button>
        </div>
    }
}

/// Props of the violation alert.
#[derive(Properties, Clone, PartialEq)]
pub struct AlertProps {
    /// The violation the run paused at, while its alert is shown.
    pub halt: Option<ViolationView>,
    /// The simulated time now.
    pub now: Time,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The alert shown while the run is paused at its first invariant violation.
#[function_component(ViolationAlert)]
pub fn violation_alert(p: &AlertProps) -> Html {
    let Some(v) = p.halt.clone() else {
        return html! {};
    };
    let d = &p.dispatch;
    let send = |msg: IoMsg| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Io(msg.clone())))
    };
    let servers = match v.servers.as_slice() {
        [] => String::new(),
        [one] => t!("alert.server", id = one).into_owned(),
        many => t!(
            "alert.servers",
            ids = many
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
        .into_owned(),
    };
    let first = v.servers.first().copied();
    let d2 = d.clone();
    let on_show = Callback::from(move |_: MouseEvent| {
        if let Some(id) = first {
            d2.emit(Msg::Select(Selection::Server(id)));
        }
    });
    let now = p.now;
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
                <button class="primary" onclick={send(IoMsg::Resume)}>{t!("alert.resume")}</button>
                if now != at_ms {
                    <button onclick={go_back}>{t!("alert.go_to", at = at_ms)}</button>
                }
                if first.is_some() {
                    <button onclick={on_show}>{t!("alert.select")}</button>
                }
                <button onclick={send(IoMsg::Dismiss)} aria-label={t!("alert.dismiss_aria")}>{t!("alert.dismiss")}</button>
            </span>
        </div>
    }
}

/// The alert's title and detail. The violation's time and the clock are told apart:
/// after "Run to the end" or a skip the run is paused later than the violation.
fn alert_text(v: &ViolationView, servers: &str, now: Time) -> (String, String) {
    let title = t!("alert.title", id = v.invariant, name = v.name).into_owned();
    let mut detail = t!(
        "alert.detail",
        at = v.at_ms,
        servers = servers,
        detail = crate::text::violation::detail(&v.detail)
    )
    .into_owned();
    if now != v.at_ms {
        detail.push(' ');
        detail.push_str(&t!("alert.moved", now = now));
    }
    (title, detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::model::{Model, Start};

    #[test]
    fn the_alert_tells_the_violations_time_from_the_clocks() {
        // Issue 13: after the run moved on, the alert says so instead of a stale time.
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::Preset("bug:ZK-3911".into()));
        m.update(Msg::Skip(20_000));
        m.watch_violations();
        let halt = m.engine.halt_violation().expect("ZK-3911 is caught");
        let (_, at_it) = alert_text(&halt, "", halt.at_ms);
        assert!(!at_it.contains("moved on"), "{at_it}");
        let (_, later) = alert_text(&halt, "", m.engine.now());
        assert!(m.engine.now() > halt.at_ms);
        assert!(
            later.contains(&format!("moved on to t = {} ms", m.engine.now())),
            "{later}"
        );
    }
}
