//! What the page does if the app panics anyway: it says so in plain words and offers
//! to reload into the last good session, instead of sitting frozen and silent.
//!
//! The app's state may be half-updated (a `RefCell` still borrowed), so nothing here
//! touches it: the notice is plain DOM built with `web_sys`, its buttons are links, and
//! the stored session is frozen at the last save before the panic (see
//! [`crate::state::persist::freeze_session`]) so that a reload does not bring the broken
//! state back.

use crate::t;

use crate::text::lang::Lang;
use wasm_bindgen::JsCast;

/// The notice's element id (`data-view="crash"` for tests).
const NOTICE_ID: &str = "crash-notice";

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        crate::state::persist::freeze_session();
        web_sys::console::error_1(&format!("ZabScope stopped: {info}").into());
        show(&info.to_string());
    }));
}

fn show(detail: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // Later panics (every input after the first) keep the first notice.
    if doc.get_element_by_id(NOTICE_ID).is_some() {
        return;
    }
    let Some(body) = doc.body() else { return };
    // The page's language as `<html lang>` says (set when the app starts or switches),
    // not the app's state, which may be what broke; the other if its table is not here.
    let lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default();
    let lang = if crate::text::tables::is_loaded(lang) {
        lang
    } else {
        lang.other()
    };
    let locale = lang.code();
    let el = |tag: &str, text: &str| {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        Some(e)
    };
    let build = || -> Option<web_sys::Element> {
        let notice = doc.create_element("div").ok()?;
        notice.set_id(NOTICE_ID);
        notice.set_class_name("crash-notice");
        for (k, v) in [
            ("role", "alertdialog"),
            ("aria-modal", "true"),
            ("aria-labelledby", "crash-title"),
            ("data-view", "crash"),
        ] {
            notice.set_attribute(k, v).ok()?;
        }
        let title = el("h2", &t!("crash.title", locale = locale))?;
        title.set_id("crash-title");
        notice.append_child(&title).ok()?;
        let text = el("p", &t!("crash.text", locale = locale))?;
        notice.append_child(&text).ok()?;
        let actions = doc.create_element("p").ok()?;
        // Plain links: they work whatever state the app's code is in.
        let reload = el("a", &t!("crash.reload", locale = locale))?;
        reload.set_attribute("href", &page_without_query()).ok()?;
        reload.set_class_name("primary");
        let fresh = el("a", &t!("crash.fresh", locale = locale))?;
        fresh.set_attribute("href", "?n=5").ok()?;
        actions.append_child(&reload).ok()?;
        actions.append_child(&fresh).ok()?;
        notice.append_child(&actions).ok()?;
        let details = doc.create_element("details").ok()?;
        let summary = el("summary", &t!("crash.details", locale = locale))?;
        let pre = el("pre", detail)?;
        details.append_child(&summary).ok()?;
        details.append_child(&pre).ok()?;
        notice.append_child(&details).ok()?;
        Some(notice)
    };
    if let Some(notice) = build() {
        let _ = body.append_child(&notice);
        if let Some(first) = notice
            .query_selector("a")
            .ok()
            .flatten()
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    }
}

/// This page's address without query or fragment: it opens the stored session.
fn page_without_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into())
}
