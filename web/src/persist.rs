//! What survives the page: the shareable link (the whole scenario, interventions
//! included, in the URL fragment `#s=` + base64url of its JSON) and the last session
//! and preferences in `localStorage`.
//!
//! The encoding functions are plain Rust (unit-tested natively); the functions that
//! touch `window` are only called in the browser. Nothing here panics on bad input: a
//! malformed link or stored value becomes a sentence for the status line.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab_core::scenario::Scenario;

use crate::model::{Model, Msg, Start};
use crate::scenario_io::{IoMsg, Origin};

/// `localStorage` key of the last session (the exported scenario JSON).
pub const SESSION_KEY: &str = "zabscope.session";
/// `localStorage` key of the high-contrast preference (`"1"` / `"0"`).
pub const CONTRAST_KEY: &str = "zabscope.high-contrast";
/// The fragment parameter that carries a scenario: `#s=...`.
const FRAGMENT_PARAM: &str = "s=";
/// Query parameters that choose the cluster or scenario (then no session is restored).
const CLUSTER_PARAMS: [&str; 5] = ["n", "participants", "observers", "seed", "preset"];
/// Class on `<html>` in high-contrast mode.
pub const CONTRAST_CLASS: &str = "high-contrast";

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (also the `+/` alphabet, with or without `=` padding); the error
/// names the first offending character.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => {
                return Err(format!(
                    "it is not base64url text (character {} is “{c}”)",
                    i + 1
                ))
            }
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err("it is cut short (its length is not a whole number of bytes)".into());
    }
    Ok(out)
}

/// `value` without the object fields equal to `default`'s (recursively).
fn strip_defaults(value: &mut Value, default: &Value) {
    if let (Value::Object(map), Value::Object(def)) = (value, default) {
        let keys: Vec<String> = map.keys().cloned().collect();
        for k in keys {
            let Some(d) = def.get(&k) else { continue };
            if map.get(&k) == Some(d) {
                map.remove(&k);
            } else if let Some(v) = map.get_mut(&k) {
                strip_defaults(v, d);
            }
        }
    }
}

/// The scenario as short one-line JSON: fields equal to their defaults are left out
/// (the reader fills them in again), except the ones every file must have.
pub fn compact_json(s: &Scenario) -> String {
    let (Ok(mut value), Ok(default)) = (
        serde_json::to_value(s),
        serde_json::to_value(Scenario::new(s.cluster.participants)),
    ) else {
        return s.to_json_pretty();
    };
    strip_defaults(&mut value, &default);
    if let Value::Object(map) = &mut value {
        // Required fields, and run_until_ms (its default depends on the schedule).
        let mut head = Map::new();
        head.insert("format".into(), Value::from(s.format.clone()));
        head.insert("version".into(), Value::from(s.version));
        let mut cluster = match map.remove("cluster") {
            Some(Value::Object(c)) => c,
            _ => Map::new(),
        };
        cluster.insert("participants".into(), Value::from(s.cluster.participants));
        map.insert("cluster".into(), Value::Object(cluster));
        map.insert("run_until_ms".into(), Value::from(s.run_until_ms));
        head.extend(std::mem::take(map));
        *map = head;
    }
    value.to_string()
}

/// The fragment (without `#`) that carries `s`.
pub fn share_fragment(s: &Scenario) -> String {
    format!(
        "{FRAGMENT_PARAM}{}",
        base64url_encode(compact_json(s).as_bytes())
    )
}

/// The scenario in a URL fragment (`#s=...`, possibly among other `&` parameters):
/// `None` if there is none, else the scenario or why it cannot be read.
pub fn scenario_from_fragment(hash: &str) -> Option<Result<Scenario, String>> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let data = hash
        .split('&')
        .find_map(|p| p.strip_prefix(FRAGMENT_PARAM))?;
    Some(decode(data))
}

fn decode(data: &str) -> Result<Scenario, String> {
    if data.is_empty() {
        return Err("the scenario after #s= is empty".into());
    }
    let bytes = base64url_decode(data)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        "its data is not UTF-8 text: the link was probably cut or altered".to_string()
    })?;
    Scenario::from_json(&text).map_err(|e| e.to_string())
}

/// Whether the query string chooses the cluster or scenario (`?n=`, `?preset=`...).
pub fn query_chooses_cluster(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|p| p.split('=').next())
        .any(|k| CLUSTER_PARAMS.contains(&k))
}

// ---- the browser ----------------------------------------------------------------

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn storage() -> Option<web_sys::Storage> {
    // Storage can be refused (privacy settings, sandboxed frames): then nothing persists.
    window()?.local_storage().ok().flatten()
}

fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        // Quota exceeded or storage refused: the session is simply not kept.
        let _ = s.set_item(key, value);
    }
}

fn location_part(f: impl Fn(&web_sys::Location) -> Result<String, JsValue>) -> String {
    window()
        .and_then(|w| f(&w.location()).ok())
        .unwrap_or_default()
}

/// The model the page starts with: a `#s=` link's scenario, else the query's cluster
/// or preset, else the last session, else the default cluster. Problems with the link
/// or the stored session are said on the status line.
pub fn initial_model() -> Model {
    let query = location_part(|l| l.search());
    let hash = location_part(|l| l.hash());
    let start = Start::from_query(&query);
    let link_problems = crate::query::problems_text(&start.problems);
    let mut model = Model::new(start);
    if scenario_from_fragment(&hash).is_some() {
        model.update(Msg::Io(IoMsg::Fragment(hash)));
    } else if !query_chooses_cluster(&query) {
        if let Some(text) = stored(SESSION_KEY) {
            model.update(Msg::Io(IoMsg::Load {
                text,
                origin: Origin::Session,
            }));
        }
    }
    // The link's problems stay on the status line whatever loaded after them.
    if let Some(problems) = link_problems {
        let text = match model.notice.take() {
            Some(n) if n.text != problems => format!("{problems} {}", n.text),
            _ => problems,
        };
        model.notice = Some(crate::model::Notice { text, error: true });
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
    store(SESSION_KEY, &json);
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

/// The stored high-contrast preference.
pub fn high_contrast() -> bool {
    stored(CONTRAST_KEY).as_deref() == Some("1")
}

/// Switches high contrast on or off (class on `<html>`) and remembers it.
pub fn set_high_contrast(on: bool) {
    apply_contrast(on);
    store(CONTRAST_KEY, if on { "1" } else { "0" });
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
        let on_hide = {
            let model = model.clone();
            Closure::<dyn FnMut()>::new(move || {
                if let Ok(m) = model.try_borrow() {
                    write_session(m.engine.export().to_json_pretty());
                }
            })
        };
        let on_visibility = {
            let model = model.clone();
            Closure::<dyn FnMut()>::new(move || {
                let hidden = window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.hidden());
                if hidden {
                    if let Ok(m) = model.try_borrow() {
                        write_session(m.engine.export().to_json_pretty());
                    }
                }
            })
        };
        let on_hash = Closure::<dyn FnMut()>::new(move || {
            let hash = location_part(|l| l.hash());
            if scenario_from_fragment(&hash).is_some() {
                dispatch.emit(Msg::Io(IoMsg::Fragment(hash)));
            }
        });
        let w = window();
        let doc = w.as_ref().and_then(|w| w.document());
        if let Some(w) = &w {
            let _ =
                w.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
            let _ =
                w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
        }
        if let Some(d) = &doc {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                on_visibility.as_ref().unchecked_ref(),
            );
        }
        move || {
            if let Some(w) = &w {
                let _ = w.remove_event_listener_with_callback(
                    "pagehide",
                    on_hide.as_ref().unchecked_ref(),
                );
                let _ = w.remove_event_listener_with_callback(
                    "hashchange",
                    on_hash.as_ref().unchecked_ref(),
                );
            }
            if let Some(d) = &doc {
                let _ = d.remove_event_listener_with_callback(
                    "visibilitychange",
                    on_visibility.as_ref().unchecked_ref(),
                );
            }
            drop((on_hide, on_visibility, on_hash));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::model::scenario_for;
    use crate::views::Command;

    #[test]
    fn base64url_round_trips_every_length_and_rejects_junk() {
        for n in 0..40usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']), "{text}");
            assert_eq!(base64url_decode(&text).unwrap(), bytes, "length {n}");
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("aGVsbG8=").unwrap(), b"hello");
        assert!(base64url_decode("aGV%bG8")
            .unwrap_err()
            .contains("character 4"));
        assert!(base64url_decode("a").unwrap_err().contains("cut short"));
    }

    #[test]
    fn a_shared_link_carries_every_scenario_exactly_and_is_short() {
        let mut all: Vec<Scenario> = zab_core::scenario::presets()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        all.extend(
            zab_core::bugs::CATALOGUE
                .iter()
                .map(|b| scenario_for(&format!("bug:{}", b.bug.id())).unwrap()),
        );
        // A session with interventions, exported.
        let mut e = Engine::new(&crate::model::free_play(3, 1, 9)).unwrap();
        e.skip(3000);
        e.run(Command::WriteToLeader).unwrap();
        e.run(Command::Cut {
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
        let plain = share_fragment(&crate::model::free_play(5, 0, 1));
        assert!(
            plain.len() < 200,
            "a plain cluster's link is short: {plain}"
        );
    }

    #[test]
    fn a_malformed_fragment_says_what_is_wrong() {
        assert!(scenario_from_fragment("").is_none());
        assert!(scenario_from_fragment("#x=1").is_none());
        let err = |h: &str| scenario_from_fragment(h).unwrap().unwrap_err();
        assert!(err("#s=").contains("empty"));
        assert!(err("#s=%%%").contains("not base64url"));
        assert!(err(&format!("#s={}", base64url_encode(&[0xff, 0xfe]))).contains("UTF-8"));
        assert!(err(&format!("#s={}", base64url_encode(b"{\"format\": "))).contains("line 1"));
        let v2 = br#"{"format": "zab-scenario", "version": 2, "cluster": {"participants": 3}}"#;
        assert!(err(&format!("#a=1&s={}", base64url_encode(v2))).starts_with("version:"));
    }

    #[test]
    fn only_cluster_parameters_keep_the_session_from_being_restored() {
        assert!(!query_chooses_cluster(""));
        assert!(!query_chooses_cluster("?play=0&speed=80"));
        assert!(query_chooses_cluster("?play=0&n=7"));
        assert!(query_chooses_cluster("?preset=leader-crash"));
    }
}
