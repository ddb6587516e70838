//! The translation tables of ZabScope's browser app.
//!
//! `web/locales/*.yml` hold every sentence in both languages side by side (rust-i18n's
//! file format version 2). The app does not compile them in: the build writes one
//! flat JSON object per language (`key` to text) into `dist/locales/`, and the page
//! fetches only the language it shows (BENCHMARKS.md section 8). The web crate's
//! native tests read the same files through [`load`].

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::path::Path;

/// One language's table: key to text.
pub type Table = BTreeMap<String, String>;

/// Every language of the `.yml` files under `dir`, each with its table (keyed by the
/// locale's tag, `en` and `zh-CN`).
pub fn load(dir: &Path) -> Result<BTreeMap<String, Table>, String> {
    let dir = dir.to_str().ok_or("the locales path is not UTF-8")?;
    let mut tables = rust_i18n_support::try_load_locales(dir, |_| false, true)?;
    for table in tables.values_mut() {
        table.remove("_version");
    }
    Ok(tables)
}

/// The file name of a locale's table in `dist/locales/`.
pub fn file_name(locale: &str) -> String {
    format!("{locale}.json")
}

/// A table as the browser fetches it: one JSON object of strings.
pub fn to_json(table: &Table) -> String {
    serde_json::to_string(table).expect("a map of strings is JSON")
}
