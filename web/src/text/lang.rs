//! The page's language: Simplified Chinese or English.
//!
//! Every sentence people read comes from `web/locales/*.yml` through the app's `t!`
//! (README, "Languages"); this module says which of the two languages `t!` uses. The
//! choice comes from `?lang=zh` / `?lang=en`, else the one remembered from the header's
//! switch, else the browser's preferred languages, else English.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::t;

/// A language the page is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The other one.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The language whose [`code`](Lang::code) this is, exactly.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The BCP 47 tag: the locale of `web/locales/*.yml`, the name of its table in
    /// `dist/locales/` and the `lang` attribute of `<html>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The value of `?lang=` that asks for it.
    pub fn param(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Its own name, as the switch shows it (the same in either language).
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// The language a tag such as `zh`, `zh-CN`, `zh-Hans-SG` or `en-GB` asks for, if
    /// it is one of the two (case does not matter). Traditional Chinese tags
    /// (`zh-TW`, `zh-HK`, `zh-Hant`) are not Simplified Chinese: `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let mut parts = tag.split(['-', '_']);
        match parts.next()? {
            "en" => Some(Lang::En),
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                (!traditional).then_some(Lang::Zh)
            }
            _ => None,
        }
    }

    /// The first of the browser's preferred languages that is one of the two.
    pub fn preferred(tags: &[String]) -> Option<Lang> {
        tags.iter().find_map(|t| Lang::from_tag(t))
    }
}

/// Whether `t!` speaks Chinese (else English): the page's one language at a time.
static CHINESE: AtomicBool = AtomicBool::new(false);

/// Makes `t!` speak `lang` from now on (its table must be loaded: `text::tables`).
pub fn set(lang: Lang) {
    CHINESE.store(lang == Lang::Zh, Ordering::Relaxed);
}

/// The language `t!` speaks now.
pub fn current() -> Lang {
    if CHINESE.load(Ordering::Relaxed) {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The page's title in the current language.
pub fn page_title() -> String {
    t!("page.title").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tables::messages;
    use std::collections::BTreeSet;

    /// The `%{name}` placeholders of a text.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split("%{")
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_key_is_in_both_languages_with_the_same_placeholders() {
        let (en, zh) = (messages(Lang::En), messages(Lang::Zh));
        assert!(en.len() > 50, "app.yml was read: {} keys", en.len());
        let (en_keys, zh_keys): (BTreeSet<_>, BTreeSet<_>) =
            (en.keys().collect(), zh.keys().collect());
        assert_eq!(
            en_keys.symmetric_difference(&zh_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys in one language only"
        );
        for (key, text) in &en {
            let other = &zh[key];
            assert!(
                !text.trim().is_empty() && !other.trim().is_empty(),
                "{key} is empty"
            );
            assert_eq!(
                placeholders(text),
                placeholders(other),
                "{key}: {text:?} / {other:?}"
            );
            assert_ne!(text, other, "{key} is not translated")
        }
    }

    /// The keys the code asks for: the literal key of every `t!` call in `web/src`.
    fn keys_in_code() -> BTreeSet<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut BTreeSet<(String, String)>) {
            for entry in std::fs::read_dir(dir)
                .expect("web/src is readable")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    // The `t!` macro's own file: its docs and tests show made-up keys.
                    && !path.ends_with("text/tr.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    // A `t!` call, not the end of a longer name (`format!`), with its
                    // literal key first (on the next line when rustfmt breaks the call).
                    let calls = text.match_indices("t!(").filter(|(i, _)| {
                        !text[..*i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
                    });
                    for (i, call) in calls {
                        let rest = text[i + call.len()..].trim_start();
                        let key = rest.strip_prefix('"').and_then(|r| r.split_once('"'));
                        let is_key = |k: &str| {
                            !k.is_empty()
                                && k.chars().all(|c| c.is_alphanumeric() || "._".contains(c))
                        };
                        if let Some((key, _)) = key.filter(|(k, _)| is_key(k)) {
                            out.insert((key.to_string(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out
    }

    #[test]
    fn every_key_the_code_asks_for_is_translated_and_every_key_is_asked_for() {
        let en = messages(Lang::En);
        let mut asked = keys_in_code();
        // Texts looked up by a key made at run time: the lessons' (by lesson id and
        // step, text/lessons.rs) and the built-in scenarios' (by file stem).
        for k in crate::text::presets::keys() {
            asked.insert((k, "built-in scenarios".to_string()));
        }
        for l in zab_core::lesson::lessons() {
            for k in crate::text::lessons::keys_of(&l) {
                asked.insert((k, "core's lesson catalogue".to_string()));
            }
        }
        assert!(
            asked.len() > 50,
            "the scan found the t! calls: {}",
            asked.len()
        );
        let missing: Vec<_> = asked.iter().filter(|(k, _)| !en.contains_key(k)).collect();
        assert!(
            missing.is_empty(),
            "keys missing from web/locales: {missing:?}"
        );
        // Keys made at run time from an id (core's bug and invariant catalogues) are
        // asked for by `catalogue`; the required ones must exist, and a key counts as
        // used only if a literal `t!` or that list asks for it.
        let by_id = crate::text::catalogue::keys();
        let missing: Vec<_> = by_id
            .iter()
            .filter(|(k, required)| *required && !en.contains_key(k))
            .collect();
        assert!(missing.is_empty(), "catalogue keys missing: {missing:?}");
        let unused: Vec<_> = en
            .keys()
            .filter(|k| !asked.iter().any(|(a, _)| a == *k) && !by_id.iter().any(|(a, _)| a == *k))
            .collect();
        assert!(unused.is_empty(), "keys no code asks for: {unused:?}");
    }

    #[test]
    fn tags_name_the_language_they_ask_for() {
        for (tag, want) in [
            ("zh", Some(Lang::Zh)),
            ("zh-CN", Some(Lang::Zh)),
            ("ZH-cn", Some(Lang::Zh)),
            ("zh_CN", Some(Lang::Zh)),
            ("zh-Hans", Some(Lang::Zh)),
            ("zh-SG", Some(Lang::Zh)),
            ("zh-TW", None),
            ("zh-Hant-HK", None),
            ("en", Some(Lang::En)),
            ("en-GB", Some(Lang::En)),
            ("fr-FR", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_tag(tag), want, "{tag:?}");
        }
        assert_eq!(
            Lang::preferred(&["de".into(), "zh-CN".into(), "en".into()]),
            Some(Lang::Zh),
            "the first of the two in the browser's order"
        );
        assert_eq!(Lang::preferred(&["de".into()]), None);
        for l in Lang::ALL {
            assert_eq!(Lang::from_tag(l.param()), Some(l));
            assert_eq!(Lang::from_tag(l.code()), Some(l));
            assert_eq!(Lang::from_code(l.code()), Some(l));
            assert_eq!(l.other().other(), l);
            assert_ne!(l.other(), l);
        }
        assert_eq!(Lang::from_code("zh"), None, "a code, not a tag");
    }
}
