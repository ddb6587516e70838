//! The status line's words for what the model said ([`Said`]) and for a link's
//! problems ([`QueryProblem`]), in either language (`web/locales/app.yml`, `notice.*`).

use crate::t;

use crate::engine::phrasing;
use crate::state::model::notice::{Clipboard, From, Named, Said, Unread};
use crate::state::query::{Allowed, Instead, QueryProblem, Wrong};
use crate::text::lang::{self, Lang};
use crate::text::scenario_error::{link_error_in, scenario_error_in};
use crate::text::tables::TableError;

/// `said` in the page's language.
pub fn words(said: &Said) -> String {
    words_in(said, lang::current())
}

/// A scenario's name in `lang`.
pub fn name_in(n: &Named, lang: Lang) -> String {
    let l = lang.code();
    match n {
        Named::Preset(stem) => {
            crate::text::presets::title_in(stem, lang).unwrap_or_else(|| stem.clone())
        }
        Named::Lesson(id) => zab_core::lesson::lesson(id)
            .map(|le| crate::text::lessons::title_in(&le, lang))
            .unwrap_or_else(|| id.clone()),
        Named::FreePlay {
            participants,
            observers: 0,
        } => t!("notice.free_play", locale = l, n = participants).into_owned(),
        Named::FreePlay {
            participants,
            observers: 1,
        } => t!("notice.free_play_observer", locale = l, n = participants).into_owned(),
        Named::FreePlay {
            participants,
            observers,
        } => t!(
            "notice.free_play_observers",
            locale = l,
            n = participants,
            observers = observers
        )
        .into_owned(),
        Named::Given(name) => name.clone(),
    }
}

/// `said` in `lang`.
pub fn words_in(said: &Said, lang: Lang) -> String {
    let l = lang.code();
    match said {
        Said::Done(d) => phrasing::done_in(d, lang),
        Said::Problem(p) => phrasing::problem_in(p, lang),
        Said::Stepped(Some(entry)) => t!(
            "narrate.latest",
            locale = l,
            ms = entry.at_ms,
            text = entry.sentence_in(lang)
        )
        .into_owned(),
        Said::Stepped(None) => t!("notice.stepped", locale = l).into_owned(),
        Said::Idle(_) => t!("notice.idle", locale = l).into_owned(),
        Said::Jumped { ms, now } => {
            t!("notice.jumped", locale = l, ms = ms, now = now).into_owned()
        }
        Said::Viewing { t } => t!("notice.viewing", locale = l, t = t).into_owned(),
        Said::Present { t } => t!("notice.present", locale = l, t = t).into_owned(),
        Said::Reset { name, seed } => t!(
            "notice.reset",
            locale = l,
            name = name_in(name, lang),
            seed = seed
        )
        .into_owned(),
        Said::Reseeded { name, seed } => t!(
            "notice.reseeded",
            locale = l,
            name = name_in(name, lang),
            seed = seed
        )
        .into_owned(),
        Said::Started { name, seed } => t!(
            "notice.started",
            locale = l,
            name = name_in(name, lang),
            seed = seed
        )
        .into_owned(),
        Said::BadCluster => t!("notice.bad_cluster", locale = l).into_owned(),
        Said::Loaded { name } => {
            t!("notice.loaded", locale = l, name = name_in(name, lang)).into_owned()
        }
        Said::NoSuchScenario { stem } => {
            t!("notice.no_scenario", locale = l, stem = stem).into_owned()
        }
        Said::NoSuchLesson { id } => t!("lessons.none", locale = l, id = id).into_owned(),
        Said::CannotRun { error } => t!(
            "notice.cannot_run",
            locale = l,
            error = scenario_error_in(error, lang)
        )
        .into_owned(),
        Said::PausedAt(until) => crate::text::lessons::paused_at_in(until, lang),
        Said::Opened {
            from,
            name,
            steps,
            description,
        } => {
            let steps = if *steps == 1 {
                t!("notice.steps_one", locale = l)
            } else {
                t!("notice.steps", locale = l, n = steps)
            };
            let head = match from {
                From::File(file) => t!(
                    "notice.opened_file",
                    locale = l,
                    name = name,
                    file = file,
                    steps = steps
                ),
                From::Link => t!("notice.opened_link", locale = l, name = name, steps = steps),
                From::Session => {
                    t!(
                        "notice.opened_session",
                        locale = l,
                        name = name,
                        steps = steps
                    )
                }
            };
            if description.is_empty() {
                head.into_owned()
            } else {
                format!("{head}: {description}")
            }
        }
        Said::Unreadable { from, error, now } => {
            let now = name_in(now, lang);
            let error = match error {
                Unread::Scenario(e) => scenario_error_in(e, lang),
                Unread::Link(e) => link_error_in(e, lang),
            };
            match from {
                From::File(file) => t!(
                    "notice.not_imported",
                    locale = l,
                    file = file,
                    error = error
                ),
                From::Link => t!("notice.bad_link", locale = l, error = error, now = now),
                From::Session => t!("notice.bad_session", locale = l, error = error, now = now),
            }
            .into_owned()
        }
        Said::Digest { at_ms, events, hex } => t!(
            "notice.digest",
            locale = l,
            at = at_ms,
            events = events,
            hex = hex
        )
        .into_owned(),
        Said::Link { problems, then } => {
            let each: Vec<String> = problems.iter().map(|p| problem_in(p, lang)).collect();
            let head = t!("notice.link", locale = l, problems = each.join(" "));
            match then {
                Some(then) => format!("{head} {}", words_in(then, lang)),
                None => head.into_owned(),
            }
        }
        Said::Exported {
            file,
            interventions: 1,
        } => t!("notice.exported_one", locale = l, file = file).into_owned(),
        Said::Exported {
            file,
            interventions,
        } => t!(
            "notice.exported",
            locale = l,
            file = file,
            n = interventions
        )
        .into_owned(),
        Said::ExportFailed => t!("notice.export_failed", locale = l).into_owned(),
        Said::ReadFailed { file, error } => {
            t!("notice.read_failed", locale = l, file = file, error = error).into_owned()
        }
        Said::LinkFailed => t!("notice.link_failed", locale = l).into_owned(),
        Said::LinkReady { chars, clipboard } => match clipboard {
            Clipboard::Copied => t!("notice.link_copied", locale = l, n = chars),
            Clipboard::Missing => t!("notice.link_in_bar", locale = l, n = chars),
            Clipboard::Refused => t!("notice.link_no_clipboard", locale = l, n = chars),
        }
        .into_owned(),
        Said::LangUnavailable { lang: wanted, why } => {
            let why = match why {
                TableError::Network(error) => {
                    t!("notice.lang_network", locale = l, error = error)
                }
                TableError::Status(status) => {
                    t!("notice.lang_status", locale = l, status = status)
                }
                TableError::Unreadable(error) => {
                    t!("notice.lang_unreadable", locale = l, error = error)
                }
            };
            t!(
                "notice.lang_unavailable",
                locale = l,
                lang = wanted.own_name(),
                why = why,
                now = lang.own_name()
            )
            .into_owned()
        }
        Said::Text(text) => text.clone(),
    }
}

/// One link problem in `lang`.
pub fn problem_in(p: &QueryProblem, lang: Lang) -> String {
    let l = lang.code();
    let (name, value) = (&p.name, &p.value);
    let what = match &p.wrong {
        Wrong::NotANumber => t!("query.not_a_number", locale = l, name = name, value = value),
        Wrong::NotOneOf(allowed) => t!(
            "query.not_one_of",
            locale = l,
            name = name,
            value = value,
            allowed = allowed_in(*allowed, lang)
        ),
        Wrong::NoSuchScenario => t!("query.no_scenario", locale = l, name = name, value = value),
        Wrong::NoSuchLesson => t!("query.no_lesson", locale = l, name = name, value = value),
        Wrong::UnknownName => t!("query.unknown", locale = l, name = name),
    };
    let instead = match &p.instead {
        Instead::Nothing => return t!("query.ignored", locale = l, what = what).into_owned(),
        Instead::Servers(n) => t!("query.i_servers", locale = l, n = n),
        Instead::Observers(n) => t!("query.i_observers", locale = l, n = n),
        Instead::Seed(n) => t!("query.i_seed", locale = l, n = n),
        Instead::FreePlay => t!("query.i_free_play", locale = l),
        Instead::DefaultSpeed => t!("query.i_speed", locale = l),
        Instead::Playing => t!("query.i_play", locale = l),
        Instead::FirstStep => t!("query.i_step", locale = l),
        Instead::Lang(other) => std::borrow::Cow::Borrowed(other.own_name()),
    };
    t!("query.instead", locale = l, what = what, instead = instead).into_owned()
}

fn allowed_in(a: Allowed, lang: Lang) -> String {
    let l = lang.code();
    match a {
        Allowed::Sizes => t!("query.a_sizes", locale = l),
        Allowed::Observers => t!("query.a_observers", locale = l),
        Allowed::Speed => t!("query.a_speed", locale = l),
        Allowed::Langs => t!("query.a_langs", locale = l),
        Allowed::ZeroOne => t!("query.a_zero_one", locale = l),
        Allowed::FromOne => t!("query.a_from_one", locale = l),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::query::Start;

    #[test]
    fn every_wrong_parameter_is_named_with_what_replaced_it() {
        let cases = [
            (
                "?n=abc",
                "“n=abc” is not a number: using 5 servers instead.",
            ),
            (
                "?n=100",
                "“n=100” must be 3, 5, 7 or 9: using 5 servers instead.",
            ),
            (
                "?n=0",
                "“n=0” must be 3, 5, 7 or 9: using 5 servers instead.",
            ),
            (
                "?observers=9",
                "“observers=9” must be 0, 1 or 2: using 0 observers instead.",
            ),
            (
                "?seed=abc",
                "“seed=abc” is not a number: using seed 1 instead.",
            ),
            (
                "?seed=-1",
                "“seed=-1” is not a number: using seed 1 instead.",
            ),
            (
                "?preset=nope",
                "“preset=nope” names no built-in scenario: using free play instead.",
            ),
            (
                "?preset=bug:ZK-9999",
                "“preset=bug:ZK-9999” names no built-in scenario: using free play instead.",
            ),
            (
                "?speed=NaN",
                "“speed=NaN” is not a number: using the default speed instead.",
            ),
            (
                "?speed=300",
                "“speed=300” must be between 0 and 100: using the default speed instead.",
            ),
            (
                "?play=yes",
                "“play=yes” must be 0 or 1: using play instead.",
            ),
            (
                "?nn=5",
                "“nn” is not a parameter this page reads, so it was ignored.",
            ),
        ];
        for (query, text) in cases {
            let s = Start::from_query(query);
            assert_eq!(s.problems.len(), 1, "{query}");
            assert_eq!(problem_in(&s.problems[0], Lang::En), text, "{query}");
            let defaults = Start {
                problems: Vec::new(),
                ..s.clone()
            };
            assert_eq!(defaults, Start::default(), "{query} keeps every default");
        }
        let two = Start::from_query("?n=4&seed=x&play=0");
        assert_eq!(two.problems.len(), 2);
        assert!(!two.play, "the good parameters still count");
        let said = Said::Link {
            problems: two.problems.clone(),
            then: None,
        };
        let text = words_in(&said, Lang::En);
        assert!(text.contains("n=4") && text.contains("seed=x"), "{text}");
        let zh = words_in(&said, Lang::Zh);
        assert!(zh.contains("n=4") && zh.contains("这个链接有问题"), "{zh}");
    }

    /// Every sentence the status line makes from the model's own messages exists in
    /// both languages, and the Chinese is not the English (the switch rewords it).
    #[test]
    fn the_status_line_speaks_both_languages() {
        let free = Named::FreePlay {
            participants: 5,
            observers: 1,
        };
        let cases = [
            Said::Stepped(None),
            Said::Idle(crate::engine::Idle),
            Said::Jumped {
                ms: 1000,
                now: 3000,
            },
            Said::Viewing { t: 612 },
            Said::Present { t: 900 },
            Said::Reset {
                name: Named::Preset("leader-crash".into()),
                seed: 1,
            },
            Said::Started {
                name: free.clone(),
                seed: 7,
            },
            Said::BadCluster,
            Said::Loaded {
                name: Named::Lesson("quorum".into()),
            },
            Said::PausedAt(zab_core::lesson::Until::Commit),
            Said::Opened {
                from: From::File("a.json".into()),
                name: "A".into(),
                steps: 1,
                description: String::new(),
            },
            Said::Unreadable {
                from: From::Session,
                error: Unread::Scenario(std::rc::Rc::new(zab_core::scenario::ScenarioError::new(
                    "",
                    zab_core::scenario::Reason::EmptyFile,
                ))),
                now: free,
            },
        ];
        for said in &cases {
            let (en, zh) = (words_in(said, Lang::En), words_in(said, Lang::Zh));
            assert_ne!(en, zh, "{said:?}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{said:?}: {zh}"
            );
        }
        assert_eq!(
            words_in(&cases[5], Lang::En),
            "Reset: “Leader crash” from t = 0 with seed 1."
        );
    }

    /// A language whose table could not be fetched is named, with the reason, in the
    /// language the page stays in.
    #[test]
    fn a_missing_language_is_said_in_the_one_the_page_keeps() {
        let said = Said::LangUnavailable {
            lang: Lang::Zh,
            why: TableError::Status(404),
        };
        assert_eq!(
            words_in(&said, Lang::En),
            "The page's text in 中文 could not be loaded (the server answered 404); it stays in English."
        );
        let said = Said::LangUnavailable {
            lang: Lang::En,
            why: TableError::Network("Failed to fetch".into()),
        };
        assert_eq!(
            words_in(&said, Lang::Zh),
            "无法加载English的页面文字（请求失败：Failed to fetch），页面仍使用中文。"
        );
        let said = Said::LangUnavailable {
            lang: Lang::Zh,
            why: TableError::Unreadable("EOF".into()),
        };
        assert!(words_in(&said, Lang::En).contains("not a table of texts: EOF"));
    }
}
