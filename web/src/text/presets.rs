//! The built-in teaching scenarios' titles and descriptions, in the page's language.
//!
//! The texts are keyed by file stem (`preset.STEM.title`, `preset.STEM.desc` in
//! `web/locales/presets.yml`). The English is the scenario file's own `name` and
//! `description` (`static/scenarios/STEM.json`); the tests check that it stays so,
//! and that the Chinese keeps every number and zxid of it.

use crate::t;
use zab_core::scenario::PRESET_FILES;

use crate::text::lang::{self, Lang};

/// The key of a preset's text: `preset.STEM.PART`.
fn key(stem: &str, part: &str) -> String {
    format!("preset.{stem}.{part}")
}

/// The text of `part` for a built-in scenario, `None` if `stem` is not one.
fn text(stem: &str, part: &str, lang: Lang) -> Option<String> {
    // The same stems as `zab_core::scenario::presets()`, without parsing the files.
    if !PRESET_FILES.iter().any(|(s, _)| *s == stem) {
        return None;
    }
    let k = key(stem, part);
    Some(t!(k.as_str(), locale = lang.code()).into_owned())
}

/// The title of the built-in scenario with file stem `stem` (e.g. `"leader-crash"`),
/// in the current language; `None` if there is no such built-in scenario.
pub fn title(stem: &str) -> Option<String> {
    title_in(stem, lang::current())
}

/// [`title`] in `lang`.
pub fn title_in(stem: &str, lang: Lang) -> Option<String> {
    text(stem, "title", lang)
}

/// The description of the built-in scenario with file stem `stem`, the text a
/// teacher reads aloud, in the current language; `None` if there is no such
/// built-in scenario.
pub fn description(stem: &str) -> Option<String> {
    text(stem, "desc", lang::current())
}

/// The scenario menu's title and description of a built-in scenario by menu value:
/// a teaching preset (by stem) or a bug-lab entry (`bug:ID`, `bug:ID:fixed`), in the
/// page's language; `None` for a value that is neither.
pub fn menu_entry(value: &str) -> Option<(String, String)> {
    use crate::state::presets::{BUG_PREFIX, FIXED_SUFFIX};
    use crate::text::catalogue::{bug, BugText};
    if let Some(id) = value.strip_prefix(BUG_PREFIX) {
        let id = id.strip_suffix(FIXED_SUFFIX).unwrap_or(id);
        let b = zab_core::Bug::from_id(id).and_then(zab_core::bugs::info)?;
        let title = t!(
            "setup.bug_entry",
            id = id,
            title = bug(id, BugText::Title, b.title)
        )
        .into_owned();
        let desc = t!(
            "setup.bug_entry_desc",
            explanation = bug(id, BugText::Explanation, b.explanation),
            fixed_in = bug(id, BugText::FixedIn, b.fixed_in),
            invariant = b.invariant,
            scenario = bug(id, BugText::Scenario, &b.scenario().description)
        )
        .into_owned();
        return Some((title, desc));
    }
    Some((title(value)?, description(value)?))
}

/// Every key this module looks up, for the translation tests.
#[cfg(test)]
pub fn keys() -> Vec<String> {
    zab_core::scenario::presets()
        .iter()
        .flat_map(|(stem, _)| [key(stem, "title"), key(stem, "desc")])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The menu's entries read the same in English as the scenarios' own texts (the
    /// bug lab's built by `state::presets` from core's catalogue).
    #[test]
    fn menu_entries_in_english_are_the_scenarios_own() {
        for (value, title, desc) in crate::state::presets::preset_list() {
            let (t, d) = menu_entry(&value).expect("every menu value has an entry");
            if crate::text::lang::current() == crate::text::lang::Lang::En {
                assert_eq!((t, d), (title, desc), "{value}");
            }
        }
        assert!(menu_entry("bug:ZK-3911:fixed").is_some());
        assert_eq!(menu_entry("nope"), None);
    }
    use std::collections::BTreeSet;

    use crate::text::lang::Lang;
    use crate::text::tables::messages;

    /// The zxids written in a text (`0x` and hex digits).
    fn zxids(text: &str) -> BTreeSet<&str> {
        text.match_indices("0x")
            .map(|(i, _)| {
                let hex = text[i + 2..]
                    .find(|c: char| !c.is_ascii_hexdigit())
                    .map_or(text.len(), |end| i + 2 + end);
                &text[i..hex]
            })
            .collect()
    }

    /// The numbers written in a text: every run of ASCII digits.
    fn numbers(text: &str) -> BTreeSet<&str> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect()
    }

    #[test]
    fn the_english_is_the_scenario_files_own_text() {
        let en = messages(Lang::En);
        let presets = zab_core::scenario::presets();
        assert_eq!(presets.len(), PRESET_FILES.len(), "the built-in scenarios");
        for (stem, sc) in &presets {
            assert_eq!(
                en.get(&key(stem, "title")),
                Some(&sc.name),
                "{stem}.json's name"
            );
            assert_eq!(
                en.get(&key(stem, "desc")),
                Some(&sc.description),
                "{stem}.json's description"
            );
        }
    }

    #[test]
    fn the_chinese_exists_differs_and_keeps_every_number_and_zxid() {
        let (en, zh) = (messages(Lang::En), messages(Lang::Zh));
        let keys = keys();
        assert_eq!(
            keys.len(),
            2 * PRESET_FILES.len(),
            "a title and a description for each preset"
        );
        for k in &keys {
            let english = en.get(k).unwrap_or_else(|| panic!("{k} has no English"));
            let chinese = zh.get(k).unwrap_or_else(|| panic!("{k} has no Chinese"));
            assert!(!chinese.trim().is_empty(), "{k}: the Chinese is empty");
            assert_ne!(english, chinese, "{k} is not translated");
            let missing: Vec<_> = zxids(english)
                .difference(&zxids(chinese))
                .copied()
                .collect();
            assert!(
                missing.is_empty(),
                "{k}: zxids missing in Chinese: {missing:?}"
            );
            let missing: Vec<_> = numbers(english)
                .difference(&numbers(chinese))
                .copied()
                .collect();
            assert!(
                missing.is_empty(),
                "{k}: numbers missing in Chinese: {missing:?}"
            );
        }
    }

    #[test]
    fn only_built_in_stems_have_a_text() {
        for (stem, _) in zab_core::scenario::presets() {
            assert!(title(stem).is_some_and(|t| !t.is_empty()), "{stem}");
            assert!(description(stem).is_some_and(|d| !d.is_empty()), "{stem}");
        }
        for stem in ["", "no-such-scenario", "leader-crash.json", "preset"] {
            assert_eq!(title(stem), None, "{stem:?}");
            assert_eq!(description(stem), None, "{stem:?}");
        }
    }

    #[test]
    fn the_helpers_find_zxids_and_numbers() {
        let text = "server 3 at 5 s logs 0x100000003 (2 of 3).";
        assert_eq!(zxids(text), BTreeSet::from(["0x100000003"]));
        assert_eq!(
            numbers(text),
            BTreeSet::from(["3", "5", "0", "100000003", "2"])
        );
    }
}
