//! The page's language for what core's catalogues say in English: the bug lab's bug
//! titles, explanations and scenarios (`zab_core::bugs::CATALOGUE`) and the invariant
//! summaries (`zab_core::check::INVARIANTS`). Core keeps its English (the CLI prints
//! it); the translations live in `web/locales/panels.yml` under keys made from the
//! bug or invariant id, so they are looked up by id here, not by a literal `t!` key.

/// Which text of a catalogued bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BugText {
    /// Its one-line title.
    Title,
    /// What went wrong and how it was fixed.
    Explanation,
    /// What its preset scenario does.
    Scenario,
    /// The releases that fixed it (translated only where it has words, not only
    /// version numbers).
    FixedIn,
}

impl BugText {
    /// Every text, in the order the lab shows them.
    #[cfg(test)]
    const ALL: [BugText; 4] = [
        BugText::Title,
        BugText::Explanation,
        BugText::Scenario,
        BugText::FixedIn,
    ];

    fn suffix(self) -> &'static str {
        match self {
            BugText::Title => "title",
            BugText::Explanation => "explanation",
            BugText::Scenario => "scenario",
            BugText::FixedIn => "fixed_in",
        }
    }

    /// Every bug has this text in both languages (the fix's releases may be numbers
    /// only, which need none).
    #[cfg(test)]
    fn required(self) -> bool {
        self != BugText::FixedIn
    }
}

fn bug_key(id: &str, part: BugText) -> String {
    format!("bugs.{id}.{}", part.suffix())
}

fn invariant_key(id: &str) -> String {
    format!("invariants.{id}.summary")
}

/// The translation of `key` in the page's language, or core's `english`.
fn lookup(key: &str, english: &str) -> String {
    crate::text::tables::text(crate::text::lang::current(), key)
        .map_or_else(|| english.to_string(), str::to_string)
}

/// A bug's text in the page's language (`english`: core's, when there is none).
pub fn bug(id: &str, part: BugText, english: &str) -> String {
    lookup(&bug_key(id, part), english)
}

/// An invariant's summary in the page's language (`english`: core's).
pub fn invariant_summary(id: &str, english: &str) -> String {
    lookup(&invariant_key(id), english)
}

/// The keys this module asks for: (key, required in both languages).
#[cfg(test)]
pub fn keys() -> Vec<(String, bool)> {
    let bugs = zab_core::bugs::CATALOGUE.iter().flat_map(|b| {
        BugText::ALL
            .iter()
            .map(move |p| (bug_key(b.bug.id(), *p), p.required()))
    });
    let invariants = zab_core::check::INVARIANTS
        .iter()
        .map(|i| (invariant_key(i.id), true));
    bugs.chain(invariants).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text::lang::Lang;
    use crate::text::tables::messages;

    /// Every bug of core's catalogue and every invariant has its texts in both
    /// languages, each different from the other (`lang`'s tests check placeholders).
    #[test]
    fn every_catalogued_bug_and_invariant_is_in_both_languages() {
        let (en, zh) = (messages(Lang::En), messages(Lang::Zh));
        let missing: Vec<_> = keys()
            .into_iter()
            .filter(|(k, required)| *required && !(en.contains_key(k) && zh.contains_key(k)))
            .map(|(k, _)| k)
            .collect();
        assert!(missing.is_empty(), "missing from panels.yml: {missing:?}");
        assert_eq!(
            zab_core::bugs::CATALOGUE.len() * 3 + zab_core::check::INVARIANTS.len(),
            keys().iter().filter(|(_, r)| *r).count()
        );
    }

    /// The English keys say what core says: the web's English is core's text, so the
    /// CLI and the page tell the same story.
    #[test]
    fn the_english_is_cores() {
        let en = messages(Lang::En);
        for b in zab_core::bugs::CATALOGUE {
            let id = b.bug.id();
            let scenario = b.scenario().description;
            for (part, core) in [
                (BugText::Title, b.title),
                (BugText::Explanation, b.explanation),
                (BugText::Scenario, scenario.as_str()),
                (BugText::FixedIn, b.fixed_in),
            ] {
                if let Some(text) = en.get(&bug_key(id, part)) {
                    assert_eq!(text, core, "{id} {part:?}");
                }
            }
        }
        for i in zab_core::check::INVARIANTS {
            if let Some(text) = en.get(&invariant_key(i.id)) {
                assert_eq!(text, i.summary, "{}", i.id);
            }
        }
    }
}
