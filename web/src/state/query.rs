//! The page's query string (`?n=5&observers=1&seed=7&preset=leader-crash&speed=80&play=0`):
//! what it asks for, and every parameter that could not be used, as data.
//!
//! A mistyped link on a teacher's slide must not start free play without a word: each
//! wrong parameter becomes a [`QueryProblem`] naming it and the default that replaced
//! it, shown on the status line when the page opens.

use crate::state::presets::{preset_list, OBSERVERS, SIZES};
use crate::state::speed::DEFAULT_SPEED_POS;
use crate::text::lang::Lang;

/// Parameters the page reads (`bench` is the benchmark build's switch).
const KNOWN: [&str; 9] = [
    "lang",
    "n",
    "participants",
    "observers",
    "seed",
    "preset",
    "speed",
    "play",
    "bench",
];

/// Settings read from the page's query string.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// Participants.
    pub participants: u32,
    /// Observers.
    pub observers: u32,
    /// Seed.
    pub seed: u64,
    /// Preset stem.
    pub preset: Option<String>,
    /// Speed slider position.
    pub speed_pos: f64,
    /// Play at once.
    pub play: bool,
    /// The language asked for (`?lang=zh` or `?lang=en`).
    pub lang: Option<Lang>,
    /// Presenter mode (`?present=1`).
    pub present: bool,
    /// The lesson to open (`?lesson=ID`) and its step, 0-based (`&step=N` counts from 1).
    pub lesson: Option<(String, usize)>,
    /// The parameters that could not be used, in the order they appear.
    pub problems: Vec<QueryProblem>,
}

impl Default for Start {
    fn default() -> Self {
        Start {
            participants: 5,
            observers: 0,
            seed: 1,
            preset: None,
            speed_pos: DEFAULT_SPEED_POS,
            play: true,
            lang: None,
            lesson: None,
            present: false,
            problems: Vec::new(),
        }
    }
}

/// Why a query parameter was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wrong {
    /// Not a number of the kind the parameter takes.
    NotANumber,
    /// A value outside the ones the parameter takes.
    NotOneOf(Allowed),
    /// No built-in scenario or bug-lab entry has this name.
    NoSuchScenario,
    /// No lesson has this id.
    NoSuchLesson,
    /// The page reads no parameter of this name.
    UnknownName,
}

/// The values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// 3, 5, 7 or 9 servers.
    Sizes,
    /// 0, 1 or 2 observers.
    Observers,
    /// A speed between 0 and 100.
    Speed,
    /// zh or en.
    Langs,
    /// 0 or 1.
    ZeroOne,
    /// 1 or more.
    FromOne,
}

/// What the page used instead of a parameter it could not use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instead {
    /// Nothing: the parameter is ignored.
    Nothing,
    /// This many servers.
    Servers(u32),
    /// This many observers.
    Observers(u32),
    /// This seed.
    Seed(u64),
    /// Free play.
    FreePlay,
    /// The default speed.
    DefaultSpeed,
    /// Playing at once.
    Playing,
    /// The lesson's first step.
    FirstStep,
    /// This language (the remembered or the browser's).
    Lang(Lang),
}

/// One query parameter that could not be used, and what the page used instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    /// The parameter's name.
    pub name: String,
    /// Its value as written (percent-decoded).
    pub value: String,
    /// What is wrong with it.
    pub wrong: Wrong,
    /// What the page used instead.
    pub instead: Instead,
}

/// `%XX` escapes and `+` decoded; an escape that is not one is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `name=value` pairs of a query string as written (not decoded), in order; a pair
/// without `=` has an empty value. The one place the page splits a query string.
pub fn pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

impl Start {
    /// Reads the query string. A parameter that cannot be used keeps its default and is
    /// listed in [`Start::problems`].
    pub fn from_query(query: &str) -> Start {
        let mut s = Start::default();
        for (k, v) in pairs(query) {
            let (k, v) = (percent_decode(k), percent_decode(v));
            let problem = |wrong: Wrong, instead: Instead| QueryProblem {
                name: k.clone(),
                value: v.clone(),
                wrong,
                instead,
            };
            let found = match k.as_str() {
                "n" | "participants" => match v.parse::<u32>() {
                    Ok(n) if SIZES.contains(&n) => {
                        s.participants = n;
                        None
                    }
                    Ok(_) => Some(Wrong::NotOneOf(Allowed::Sizes)),
                    Err(_) => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, Instead::Servers(s.participants))),
                "observers" => match v.parse::<u32>() {
                    Ok(n) if OBSERVERS.contains(&n) => {
                        s.observers = n;
                        None
                    }
                    Ok(_) => Some(Wrong::NotOneOf(Allowed::Observers)),
                    Err(_) => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, Instead::Observers(s.observers))),
                "seed" => match v.parse::<u64>() {
                    Ok(n) => {
                        s.seed = n;
                        None
                    }
                    Err(_) => Some(problem(Wrong::NotANumber, Instead::Seed(s.seed))),
                },
                "preset" if v.is_empty() => None,
                "preset" => {
                    if preset_list().iter().any(|(stem, _, _)| *stem == v) {
                        s.preset = Some(v.clone());
                        None
                    } else {
                        Some(problem(Wrong::NoSuchScenario, Instead::FreePlay))
                    }
                }
                "speed" => match v.parse::<f64>() {
                    Ok(p) if p.is_finite() && (0.0..=100.0).contains(&p) => {
                        s.speed_pos = p;
                        None
                    }
                    Ok(p) if p.is_finite() => Some(Wrong::NotOneOf(Allowed::Speed)),
                    _ => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, Instead::DefaultSpeed)),
                "lang" => match Lang::from_tag(&v) {
                    Some(l) => {
                        s.lang = Some(l);
                        None
                    }
                    // What replaced it is known only in the browser (the remembered
                    // or preferred language): `persist::initial_model` says it.
                    None => Some(problem(Wrong::NotOneOf(Allowed::Langs), Instead::Nothing)),
                },
                "lesson" if v.is_empty() => None,
                "lesson" => match zab_core::lesson::lesson(&v) {
                    Some(_) => {
                        let step = s.lesson.take().map_or(0, |(_, n)| n);
                        s.lesson = Some((v.clone(), step));
                        None
                    }
                    None => Some(problem(Wrong::NoSuchLesson, Instead::FreePlay)),
                },
                "step" => match v.parse::<usize>() {
                    Ok(n) if n >= 1 => {
                        let id = s.lesson.take().map_or(String::new(), |(id, _)| id);
                        s.lesson = Some((id, n - 1));
                        None
                    }
                    Ok(_) => Some(problem(
                        Wrong::NotOneOf(Allowed::FromOne),
                        Instead::FirstStep,
                    )),
                    Err(_) => Some(problem(Wrong::NotANumber, Instead::FirstStep)),
                },
                "present" => match v.as_str() {
                    "" | "1" => {
                        s.present = true;
                        None
                    }
                    "0" => None,
                    _ => Some(problem(Wrong::NotOneOf(Allowed::ZeroOne), Instead::Nothing)),
                },
                "play" => match v.as_str() {
                    "" | "1" => None,
                    "0" => {
                        s.play = false;
                        None
                    }
                    _ => Some(problem(Wrong::NotOneOf(Allowed::ZeroOne), Instead::Playing)),
                },
                name if KNOWN.contains(&name) => None,
                _ => Some(problem(Wrong::UnknownName, Instead::Nothing)),
            };
            s.problems.extend(found);
        }
        // `step` without a lesson says nothing; a step past the lesson's end opens its
        // last step.
        s.lesson = s.lesson.filter(|(id, _)| !id.is_empty()).map(|(id, step)| {
            let steps = zab_core::lesson::lesson(&id).map_or(1, |l| l.steps.len());
            (id, step.min(steps - 1))
        });
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_link_is_read_whole() {
        let s = Start::from_query("?n=7&observers=1&seed=42&speed=80&play=0&preset=leader-crash");
        assert_eq!((s.participants, s.observers, s.seed), (7, 1, 42));
        assert!(!s.play);
        assert_eq!(s.speed_pos, 80.0);
        assert_eq!(s.preset.as_deref(), Some("leader-crash"));
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let bug = Start::from_query("?preset=bug%3AZK-3911");
        assert_eq!(
            bug.preset.as_deref(),
            Some("bug:ZK-3911"),
            "a percent-encoded colon"
        );
        assert!(bug.problems.is_empty());
    }

    /// Issue 17 item 0: every wrong parameter is named with the default that replaced it.
    #[test]
    fn lang_asks_for_chinese_or_english_and_names_anything_else() {
        assert_eq!(Start::from_query("?lang=zh").lang, Some(Lang::Zh));
        assert_eq!(Start::from_query("?lang=zh-CN").lang, Some(Lang::Zh));
        assert_eq!(Start::from_query("?lang=en").lang, Some(Lang::En));
        assert_eq!(
            Start::from_query("?n=5").lang,
            None,
            "not asked: the usual language"
        );
        let bad = Start::from_query("?lang=fr");
        assert_eq!(bad.lang, None);
        assert_eq!(bad.problems.len(), 1);
        assert_eq!(
            (bad.problems[0].name.as_str(), &bad.problems[0].wrong),
            ("lang", &Wrong::NotOneOf(Allowed::Langs))
        );
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay_as_written() {
        assert_eq!(percent_decode("bug%3AZK-3911"), "bug:ZK-3911");
        assert_eq!(percent_decode("a+b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E4%B8%AD"), "中");
    }
}
