//! The page's query string (`?n=5&observers=1&seed=7&preset=leader-crash&speed=80&play=0`):
//! what it asks for, and every parameter that could not be used, as data.
//!
//! A mistyped link on a teacher's slide must not start free play without a word: each
//! wrong parameter becomes a [`QueryProblem`] naming it and the default that replaced
//! it, shown on the status line when the page opens.

use std::fmt;

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
    /// A number outside the values the parameter takes (listed).
    NotOneOf(&'static str),
    /// No built-in scenario or bug-lab entry has this name.
    NoSuchScenario,
    /// The page reads no parameter of this name.
    UnknownName,
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
    /// What the page used instead, in words ("5 servers"); empty when the parameter is ignored.
    pub instead: String,
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, value) = (&self.name, &self.value);
        match &self.wrong {
            Wrong::NotANumber => write!(f, "“{name}={value}” is not a number"),
            Wrong::NotOneOf(allowed) => write!(f, "“{name}={value}” must be {allowed}"),
            Wrong::NoSuchScenario => write!(f, "“{name}={value}” names no built-in scenario"),
            Wrong::UnknownName => write!(f, "“{name}” is not a parameter this page reads"),
        }?;
        if self.instead.is_empty() {
            write!(f, ", so it was ignored.")
        } else {
            write!(f, ": using {} instead.", self.instead)
        }
    }
}

/// The status-line sentence for a link's problems, if it has any.
pub fn problems_text(problems: &[QueryProblem]) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    let each: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Some(format!("This link has a problem: {}", each.join(" ")))
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

impl Start {
    /// Reads the query string. A parameter that cannot be used keeps its default and is
    /// listed in [`Start::problems`].
    pub fn from_query(query: &str) -> Start {
        let mut s = Start::default();
        let query = query.trim_start_matches('?');
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k), percent_decode(v));
            let problem = |wrong: Wrong, instead: String| QueryProblem {
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
                    Ok(_) => Some(Wrong::NotOneOf("3, 5, 7 or 9")),
                    Err(_) => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, format!("{} servers", s.participants))),
                "observers" => match v.parse::<u32>() {
                    Ok(n) if OBSERVERS.contains(&n) => {
                        s.observers = n;
                        None
                    }
                    Ok(_) => Some(Wrong::NotOneOf("0, 1 or 2")),
                    Err(_) => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, format!("{} observers", s.observers))),
                "seed" => match v.parse::<u64>() {
                    Ok(n) => {
                        s.seed = n;
                        None
                    }
                    Err(_) => Some(problem(Wrong::NotANumber, format!("seed {}", s.seed))),
                },
                "preset" if v.is_empty() => None,
                "preset" => {
                    if preset_list().iter().any(|(stem, _, _)| *stem == v) {
                        s.preset = Some(v.clone());
                        None
                    } else {
                        Some(problem(Wrong::NoSuchScenario, "free play".into()))
                    }
                }
                "speed" => match v.parse::<f64>() {
                    Ok(p) if p.is_finite() && (0.0..=100.0).contains(&p) => {
                        s.speed_pos = p;
                        None
                    }
                    Ok(p) if p.is_finite() => Some(Wrong::NotOneOf("between 0 and 100")),
                    _ => Some(Wrong::NotANumber),
                }
                .map(|w| problem(w, "the default speed".into())),
                "lang" => match Lang::from_tag(&v) {
                    Some(l) => {
                        s.lang = Some(l);
                        None
                    }
                    // What replaced it is known only in the browser (the remembered
                    // or preferred language): `persist::initial_model` says it.
                    None => Some(problem(Wrong::NotOneOf("zh or en"), String::new())),
                },
                "lesson" if v.is_empty() => None,
                "lesson" => match zab_core::lesson::lesson(&v) {
                    Some(_) => {
                        let step = s.lesson.take().map_or(0, |(_, n)| n);
                        s.lesson = Some((v.clone(), step));
                        None
                    }
                    None => Some(problem(Wrong::NoSuchScenario, "free play".into())),
                },
                "step" => match v.parse::<usize>() {
                    Ok(n) if n >= 1 => {
                        let id = s.lesson.take().map_or(String::new(), |(id, _)| id);
                        s.lesson = Some((id, n - 1));
                        None
                    }
                    Ok(_) => Some(problem(Wrong::NotOneOf("1 or more"), "step 1".into())),
                    Err(_) => Some(problem(Wrong::NotANumber, "step 1".into())),
                },
                "present" => match v.as_str() {
                    "" | "1" => {
                        s.present = true;
                        None
                    }
                    "0" => None,
                    _ => Some(problem(Wrong::NotOneOf("0 or 1"), String::new())),
                },
                "play" => match v.as_str() {
                    "" | "1" => None,
                    "0" => {
                        s.play = false;
                        None
                    }
                    _ => Some(problem(Wrong::NotOneOf("0 or 1"), "play".into())),
                },
                name if KNOWN.contains(&name) => None,
                _ => Some(problem(Wrong::UnknownName, String::new())),
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
            ("lang", &Wrong::NotOneOf("zh or en"))
        );
    }

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
            assert_eq!(s.problems[0].to_string(), text, "{query}");
            let defaults = Start {
                problems: Vec::new(),
                ..s.clone()
            };
            assert_eq!(defaults, Start::default(), "{query} keeps every default");
        }
        let two = Start::from_query("?n=4&seed=x&play=0");
        assert_eq!(two.problems.len(), 2);
        assert!(!two.play, "the good parameters still count");
        let text = problems_text(&two.problems).unwrap();
        assert!(text.contains("n=4") && text.contains("seed=x"), "{text}");
        assert_eq!(problems_text(&[]), None);
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
