//! What survives the page: the shareable link (the whole scenario, interventions
//! included, in the URL fragment `#s=` + base64url of its JSON) and the last session
//! and preferences in `localStorage`.
//!
//! The encoding functions are plain Rust (unit-tested natively); the functions that
//! touch `window` are only called in the browser. Nothing here panics on bad input: a
//! malformed link or stored value becomes a sentence for the status line.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::state::model::{Model, Msg, Notice, Said, Start};
use crate::state::query::pairs;
use crate::state::scenario_file::{IoMsg, Origin};
use crate::state::storage;
use crate::text::lang::{self, Lang};
use crate::text::tables::TableError;

/// `localStorage` key of the last session (the exported scenario JSON).
pub const SESSION_KEY: &str = "zabscope.session";
/// `localStorage` key of the high-contrast preference (`"1"` / `"0"`).
pub const CONTRAST_KEY: &str = "zabscope.high-contrast";
/// `localStorage` key of the language chosen with the header's switch (its code).
pub const LANG_KEY: &str = "zabscope.lang";
/// Query parameters that choose the cluster or scenario (then no session is restored).
const CLUSTER_PARAMS: [&str; 5] = ["n", "participants", "observers", "seed", "preset"];
/// Class on `<html>` in high-contrast mode.
pub const CONTRAST_CLASS: &str = "high-contrast";

pub use zab_core::scenario::link::{scenario_from_fragment, share_fragment};

/// Whether the query string chooses the cluster or scenario (`?n=`, `?preset=`...).
pub fn query_chooses_cluster(query: &str) -> bool {
    pairs(query).any(|(k, _)| CLUSTER_PARAMS.contains(&k))
}

// ---- the browser ----------------------------------------------------------------

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn location_part(f: impl Fn(&web_sys::Location) -> Result<String, JsValue>) -> String {
    window()
        .and_then(|w| f(&w.location()).ok())
        .unwrap_or_default()
}

/// The language the page asks for: the link's `?lang=`, else [`usual_lang`].
pub fn start_lang() -> Lang {
    Start::from_query(&location_part(|l| l.search()))
        .lang
        .unwrap_or_else(usual_lang)
}

/// Shows `index.html`'s message that the page's text could not be loaded (in both
/// languages, since neither table is here), and the reasons on the console.
pub fn show_no_tables(reasons: &[TableError]) {
    for r in reasons {
        web_sys::console::error_1(&format!("ZabScope: translation table: {r}").into());
    }
    if let Some(message) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("no-tables"))
    {
        let _ = message.remove_attribute("hidden");
    }
}

/// The model the page starts with: a `#s=` link's scenario, else the query's cluster
/// or preset, else the last session, else the default cluster. Problems with the link
/// or the stored session are said on the status line; `lang_failed`, the language
/// whose table could not be loaded (the page speaks the other), is said instead.
pub fn initial_model(lang_failed: Option<(Lang, TableError)>) -> Model {
    let query = location_part(|l| l.search());
    let hash = location_part(|l| l.hash());
    let mut start = Start::from_query(&query);
    let usual = usual_lang();
    for p in start.problems.iter_mut().filter(|p| p.name == "lang") {
        p.instead = crate::state::query::Instead::Lang(usual);
    }
    let link_problems = start.problems.clone();
    let mut model = Model::new(start);
    if scenario_from_fragment(&hash).is_some() {
        model.update(Msg::Io(IoMsg::Fragment(hash)));
    } else if !query_chooses_cluster(&query) {
        if let Some(text) = storage::get(SESSION_KEY) {
            model.update(Msg::Io(IoMsg::Load {
                text,
                origin: Origin::Session,
            }));
        }
    }
    // The link's problems stay on the status line whatever loaded after them.
    if !link_problems.is_empty() {
        let then = model.notice.take().and_then(|n| match n.said {
            Said::Link { .. } => None,
            said => Some(Box::new(said)),
        });
        model.notice = Some(Notice {
            said: Said::Link {
                problems: link_problems,
                then,
            },
            error: true,
        });
    }
    if let Some((lang, why)) = lang_failed {
        model.notice = Some(Notice {
            said: Said::LangUnavailable { lang, why },
            error: true,
        });
    }
    LAST_SAVED.with(|l| *l.borrow_mut() = model.engine.export().to_json_pretty());
    model
}

/// Whether a message can change what the session file holds (scenario, seed,
/// interventions), so that it is saved after it.
pub fn changes_session(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Cmd(_)
            | Msg::Reset
            | Msg::NewCluster { .. }
            | Msg::Seed(_)
            | Msg::Preset(_)
            | Msg::Io(IoMsg::Load { .. } | IoMsg::Fragment(_))
    )
}

thread_local! {
    /// The session as last saved (or as the page started), to skip unchanged saves.
    static LAST_SAVED: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Saves the session (the exported scenario JSON) in `localStorage` if it changed.
/// A `#s=` link in the address bar no longer describes the run then: it is removed,
/// so that a reload restores the session instead of the link's older state.
pub fn save_session(model: &Model) {
    let json = model.engine.export().to_json_pretty();
    if LAST_SAVED.with(|l| *l.borrow() == json) {
        return;
    }
    write_session(json);
    if scenario_from_fragment(&location_part(|l| l.hash())).is_some() {
        set_fragment("");
    }
}

thread_local! {
    /// Set once the app has panicked: its state may be broken, so it is not saved.
    static FROZEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps the stored session as it was last saved: nothing is written after this (the
/// panic hook calls it, so that "reload" opens the last good session).
pub fn freeze_session() {
    FROZEN.with(|f| f.set(true));
}

fn write_session(json: String) {
    if FROZEN.with(|f| f.get()) {
        return;
    }
    storage::set(SESSION_KEY, &json);
    LAST_SAVED.with(|l| *l.borrow_mut() = json);
}

/// Puts `fragment` in the address bar (none if empty) without reloading or adding a
/// history entry; returns the whole link.
pub fn set_fragment(fragment: &str) -> Option<String> {
    let w = window()?;
    let loc = w.location();
    let base = format!(
        "{}{}{}",
        loc.origin().ok()?,
        loc.pathname().ok()?,
        loc.search().ok()?
    );
    let url = if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    };
    w.history()
        .ok()?
        .replace_state_with_url(&JsValue::NULL, "", Some(&url))
        .ok()?;
    Some(url)
}

/// The language the page speaks without `?lang=`: the one chosen with the switch on
/// this device, else the first of the browser's preferred languages that is Chinese
/// or English, else English.
fn usual_lang() -> Lang {
    let preferred = || {
        let tags: Vec<String> = window()?
            .navigator()
            .languages()
            .iter()
            .filter_map(|t| t.as_string())
            .collect();
        Lang::preferred(&tags)
    };
    storage::get(LANG_KEY)
        .and_then(|code| Lang::from_tag(&code))
        .or_else(preferred)
        .unwrap_or_default()
}

/// Remembers the language chosen with the switch, and puts it in the address bar's
/// `?lang=` if that names one (so that a reload does not undo the choice).
pub fn choose_lang(lang: Lang) {
    storage::set(LANG_KEY, lang.code());
    let query = location_part(|l| l.search());
    let Some(new) = with_param(&query, "lang", lang.param()) else {
        return;
    };
    if let Some(w) = window() {
        let url = format!(
            "{}{new}{}",
            location_part(|l| l.pathname()),
            location_part(|l| l.hash())
        );
        let _ = w
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
    }
}

/// `query` with the parameter `name` set to `value`, if `query` has it (`None`: unchanged).
fn with_param(query: &str, name: &str, value: &str) -> Option<String> {
    let mut found = false;
    let written: Vec<String> = pairs(query)
        .map(|(k, v)| {
            if k == name {
                found = true;
                format!("{name}={value}")
            } else if v.is_empty() {
                k.to_string()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    found.then(|| format!("?{}", written.join("&")))
}

/// Writes the language on the page itself: `<html lang>` (screen readers, fonts) and
/// the title.
pub fn show_lang(lang: Lang) {
    if let Some(doc) = window().and_then(|w| w.document()) {
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        doc.set_title(&lang::page_title());
    }
}

/// The stored high-contrast preference.
pub fn high_contrast() -> bool {
    storage::get(CONTRAST_KEY).as_deref() == Some("1")
}

/// Switches high contrast on or off (class on `<html>`) and remembers it.
pub fn set_high_contrast(on: bool) {
    apply_contrast(on);
    storage::set(CONTRAST_KEY, if on { "1" } else { "0" });
}

fn apply_contrast(on: bool) {
    if let Some(html) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let list = html.class_list();
        let _ = if on {
            list.add_1(CONTRAST_CLASS)
        } else {
            list.remove_1(CONTRAST_CLASS)
        };
    }
}

/// Page-level listeners: save the session when the page is hidden or left, load a
/// `#s=` link pasted into the address bar, and apply the stored contrast preference.
#[hook]
pub fn use_persistence(model: Rc<RefCell<Model>>, dispatch: Callback<Msg>) {
    use_effect_with((), move |_| {
        apply_contrast(high_contrast());
        let save = move || {
            if let Ok(m) = model.try_borrow() {
                write_session(m.engine.export().to_json_pretty());
            }
        };
        let save = Rc::new(save);
        let w = window();
        let doc = w.as_ref().and_then(|w| w.document());
        // gloo-events removes each listener when it is dropped, at the cleanup below.
        let on_page = w.as_ref().map(|w| {
            let save = save.clone();
            let on_hide = EventListener::new(w, "pagehide", move |_| save());
            let on_hash = EventListener::new(w, "hashchange", move |_| {
                let hash = location_part(|l| l.hash());
                if scenario_from_fragment(&hash).is_some() {
                    dispatch.emit(Msg::Io(IoMsg::Fragment(hash)));
                }
            });
            (on_hide, on_hash)
        });
        let on_visibility = doc.as_ref().map(|d| {
            EventListener::new(d, "visibilitychange", move |_| {
                let hidden = window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.hidden());
                if hidden {
                    save();
                }
            })
        });
        move || drop((on_page, on_visibility))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::views::Command;
    use crate::engine::Engine;
    use crate::state::presets::scenario_for;

    #[test]
    fn the_language_switch_rewrites_only_a_lang_the_link_has() {
        assert_eq!(
            with_param("?n=5&lang=zh&play=0", "lang", "en").as_deref(),
            Some("?n=5&lang=en&play=0")
        );
        assert_eq!(
            with_param("?lang=en", "lang", "zh").as_deref(),
            Some("?lang=zh")
        );
        assert_eq!(
            with_param("?n=5&language=zh", "lang", "en"),
            None,
            "another name"
        );
        assert_eq!(
            with_param("", "lang", "en"),
            None,
            "no query: nothing to undo"
        );
    }

    #[test]
    fn an_exported_session_travels_in_a_link_exactly_and_a_plain_one_is_short() {
        // Presets and bug scenarios: zab_core::scenario::link's tests.
        let mut all = vec![scenario_for("leader-crash").unwrap()];
        // A session with interventions, exported.
        let mut e = Engine::new(&crate::state::presets::free_play(3, 1, 9)).unwrap();
        e.skip(3000);
        e.command(Command::WriteToLeader).unwrap();
        e.command(Command::Cut {
            from: 1,
            to: 2,
            both: false,
        })
        .unwrap();
        e.skip(700);
        all.push(e.export());
        for s in all {
            let frag = share_fragment(&s);
            let back = scenario_from_fragment(&format!("#{frag}"))
                .unwrap()
                .unwrap();
            assert_eq!(back, s, "{}", s.name);
            assert!(frag.len() < s.to_json_pretty().len() * 4 / 3 + 8);
        }
        let plain = share_fragment(&crate::state::presets::free_play(5, 0, 1));
        assert!(
            plain.len() < 200,
            "a plain cluster's link is short: {plain}"
        );
    }

    #[test]
    fn only_cluster_parameters_keep_the_session_from_being_restored() {
        assert!(!query_chooses_cluster(""));
        assert!(!query_chooses_cluster("?play=0&speed=80"));
        assert!(query_chooses_cluster("?play=0&n=7"));
        assert!(query_chooses_cluster("?preset=leader-crash"));
    }
}
