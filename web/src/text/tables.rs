//! The translation tables `t!` reads: one per language, fetched from `locales/<code>.json`
//! (written by the build from `web/locales/*.yml`, `Trunk.toml`'s hook) when the
//! language is first shown, so that the wasm carries neither (BENCHMARKS.md section 8).
//! The page starts only once the table of its language is here (`main.rs`), so no key
//! is ever shown in place of its text. Native tests read the `.yml` files directly.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::text::lang::Lang;

/// One language's sentences, by key.
type Table = HashMap<String, String>;

/// The tables loaded so far, by `Lang as usize` (each is kept once loaded).
static TABLES: [OnceLock<Table>; 2] = [const { OnceLock::new() }; 2];

fn slot(lang: Lang) -> &'static OnceLock<Table> {
    &TABLES[lang as usize]
}

/// Why a language's table could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableError {
    /// The request failed (the browser's reason).
    Network(String),
    /// The server answered with this HTTP status.
    Status(u16),
    /// The file is not a table of sentences (the JSON reader's reason).
    Unreadable(String),
}

/// For the browser's console (the status line words it in `text::notice`).
impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Network(e) => write!(f, "request failed: {e}"),
            TableError::Status(s) => write!(f, "HTTP status {s}"),
            TableError::Unreadable(e) => write!(f, "not a table: {e}"),
        }
    }
}

/// `key`'s text in `lang`, if that language's table is loaded and has it.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    #[cfg(test)]
    let table = Some(slot(lang).get_or_init(|| from_yml(lang)));
    #[cfg(not(test))]
    let table = slot(lang).get();
    table?.get(key).map(String::as_str)
}

/// Whether `lang`'s table is here.
pub fn is_loaded(lang: Lang) -> bool {
    slot(lang).get().is_some()
}

/// Keeps `json` (one object of strings) as `lang`'s table.
fn install(lang: Lang, json: &str) -> Result<(), TableError> {
    let table: Table =
        serde_json::from_str(json).map_err(|e| TableError::Unreadable(e.to_string()))?;
    // A second load of the same language (two quick clicks) keeps the first.
    let _ = slot(lang).set(table);
    Ok(())
}

/// Fetches and keeps `lang`'s table (nothing to do if it is already here).
pub async fn load(lang: Lang) -> Result<(), TableError> {
    if is_loaded(lang) {
        return Ok(());
    }
    let json = fetch_text(&format!("locales/{}.json", lang.code())).await?;
    install(lang, &json)
}

/// Makes `lang`'s table available, then calls `done` (at once if it is already here).
pub fn ensure(lang: Lang, done: impl FnOnce(Result<(), TableError>) + 'static) {
    if is_loaded(lang) {
        done(Ok(()));
    } else {
        wasm_bindgen_futures::spawn_local(async move { done(load(lang).await) });
    }
}

/// How the page could start: in `lang`, and the language it wanted first, with why it
/// could not have it (`None`: it has the one it wanted).
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The language whose table is loaded.
    pub lang: Lang,
    /// The language wanted instead, and why it is missing.
    pub failed: Option<(Lang, TableError)>,
}

/// Loads `wanted`'s table, or the other language's when that fails; `Err` with both
/// reasons when neither can be loaded.
pub async fn load_start(wanted: Lang) -> Result<Start, [TableError; 2]> {
    let first = match load(wanted).await {
        Ok(()) => {
            return Ok(Start {
                lang: wanted,
                failed: None,
            })
        }
        Err(e) => e,
    };
    let other = wanted.other();
    match load(other).await {
        Ok(()) => Ok(Start {
            lang: other,
            failed: Some((wanted, first)),
        }),
        Err(second) => Err([first, second]),
    }
}

/// The body of the file at `url` (relative to the page).
async fn fetch_text(url: &str) -> Result<String, TableError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let network = |e: wasm_bindgen::JsValue| {
        TableError::Network(
            e.dyn_ref::<js_sys::Error>()
                .map_or_else(|| format!("{e:?}"), |e| String::from(e.message())),
        )
    };
    let window = web_sys::window().ok_or_else(|| TableError::Network("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    if !response.ok() {
        return Err(TableError::Status(response.status()));
    }
    let body = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    body.as_string()
        .ok_or_else(|| TableError::Unreadable("the body is not text".into()))
}

/// Every key of `web/locales/*.yml` in `lang`, with its text (what the build writes
/// into `locales/<code>.json`).
#[cfg(test)]
pub(crate) fn messages(lang: Lang) -> std::collections::BTreeMap<String, String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    zab_locales::load(&dir)
        .expect("web/locales is readable")
        .remove(lang.code())
        .unwrap_or_default()
}

#[cfg(test)]
fn from_yml(lang: Lang) -> Table {
    messages(lang).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_read_from_the_json_the_build_writes() {
        // The build's own writer (zab-locales) and this reader agree: the Chinese
        // table, as JSON, reads back with every text intact.
        let zh = messages(Lang::Zh);
        let table: Table = serde_json::from_str(&zab_locales::to_json(&zh)).unwrap();
        assert_eq!(table.len(), zh.len());
        assert_eq!(table["clock.no_leader"], "没有领导者：正在选举");
        assert!(matches!(
            install(Lang::Zh, "[\"not\", \"a table\"]"),
            Err(TableError::Unreadable(_))
        ));
    }
}
