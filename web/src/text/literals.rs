//! Test only: no sentence meant for people is written in view code. Every visible
//! string comes from `web/locales/*.yml` through `t!`; the scan below finds string
//! literals in the files of [`COVERED`] that look like English words and are neither a
//! `t!` key nor the value of an attribute nobody reads (class, data-*, id, key, type,
//! role...). What remains must be on [`ALLOWED`], with the reason it is not translated.

/// The files scanned (relative to `web/src`; a directory covers every `.rs` under it).
const COVERED: [&str; 12] = [
    "panels",
    "widgets",
    "crash.rs",
    "app.rs",
    "text/narrate.rs",
    "text/narrate",
    "text/explain.rs",
    "text/lessons.rs",
    "text/notice.rs",
    "text/scenario_error.rs",
    "engine/phrasing.rs",
    "engine/read.rs",
];

/// Covered files not scanned yet, each with the reason.
const NOT_YET: [(&str, &str); 0] = [];

/// Literals that look like words but are not translated, each with its reason.
const ALLOWED: [(&str, &str); 18] = [
    ("ZabScope", "the product's name"),
    (
        "Arrow",
        "the prefix of KeyboardEvent.key values the code matches, not shown",
    ),
    (
        "● FOLLOWER",
        "ZooKeeper's role name with its symbol (the legend glosses it)",
    ),
    (
        "◆ LOOKING",
        "ZooKeeper's state name with its symbol (glossed)",
    ),
    (
        "■ OBSERVER",
        "ZooKeeper's role name with its symbol (glossed)",
    ),
    (
        "☒ CRASHED",
        "the state name the ring shows, beside ZooKeeper's (glossed)",
    ),
    ("Shift+L / I / T", "key names, as the keyboard writes them"),
    ("Shift+V / G / M", "key names, as the keyboard writes them"),
    ("Esc", "a key name, as the keyboard writes it"),
    (
        "Spacebar",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    (
        "Escape",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    (
        "Enter",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    (
        "Tab",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    (
        "Home",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    (
        "End",
        "a KeyboardEvent.key value the code matches, not shown",
    ),
    ("link cut", "CSS classes of the ring's link lines"),
    ("link cut oneway", "CSS classes of the ring's link lines"),
    ("link conn", "CSS classes of the ring's link lines"),
];

/// Attributes whose values nobody reads on screen.
const HIDDEN_ATTRS: [&str; 13] = [
    "aria-keyshortcuts",
    "class",
    "id",
    "key",
    "type",
    "role",
    "href",
    "lang",
    "transform",
    "d",
    "points",
    "text-anchor",
    "preserveAspectRatio",
];

/// A string literal of a source file: its text and the code before it on its line.
struct Literal {
    text: String,
    before: String,
    line: usize,
}

/// The string literals of `src` outside comments and before its test module.
fn literals(src: &str) -> Vec<Literal> {
    let src = src.split("#[cfg(test)]").next().unwrap_or(src);
    let chars: Vec<char> = src.chars().collect();
    let (mut out, mut i, mut line, mut line_start) = (Vec::new(), 0, 1, 0);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' {
            // A char literal ('"', '\n') or a lifetime ('a).
            if chars.get(i + 1) == Some(&'\\') {
                i += 4;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == '"' {
            let start = i;
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                text.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(Literal {
                text,
                before: chars[line_start.min(start)..start].iter().collect(),
                line,
            });
        } else {
            i += 1;
        }
    }
    out
}

/// Looks like English meant for people: two words of letters with a space between,
/// or a capitalised word.
fn looks_like_words(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let two_words = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            w.iter()
                .all(|x| x.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
        });
    let capitalised = words.iter().any(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_ascii_uppercase())
            && cs.clone().count() >= 2
            && cs.all(|c| c.is_ascii_lowercase())
    });
    two_words || capitalised
}

/// Not shown: a `t!` key, a CSS selector or media query, or a hidden attribute's value.
fn not_shown(l: &Literal) -> bool {
    let before = l.before.trim_end();
    let attr = before
        .strip_suffix('=')
        .or_else(|| before.strip_suffix("={"))
        .map(|b| {
            b.rsplit(|c: char| c.is_whitespace() || c == '<')
                .next()
                .unwrap_or("")
        });
    before.ends_with("t!(")
        || attr.is_some_and(|a| a.starts_with("data-") || HIDDEN_ATTRS.contains(&a))
        || before.ends_with("classes!(")
        || before.ends_with("closest(")
        || before.ends_with("query_selector(")
        || before.ends_with("query_selector_all(")
        || l.text.starts_with('(') && l.text.contains("prefers-")
}

/// The literals of the covered files that look like words for people.
fn findings() -> Vec<String> {
    fn walk(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if path.is_dir() {
            for e in std::fs::read_dir(path).expect("readable").flatten() {
                walk(&e.path(), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for c in COVERED {
        walk(&root.join(c), &mut files);
    }
    files.retain(|f| !NOT_YET.iter().any(|(n, _)| f.ends_with(n)));
    assert!(files.len() > 15, "the scan found the view code: {files:?}");
    let mut found = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("readable");
        for l in literals(&src) {
            if looks_like_words(&l.text)
                && !not_shown(&l)
                && !ALLOWED.iter().any(|(a, _)| *a == l.text)
            {
                found.push(format!("{}:{}: {:?}", f.display(), l.line, l.text));
            }
        }
    }
    found
}

#[test]
fn no_string_literal_meant_for_people_in_view_code() {
    let found = findings();
    assert!(
        found.is_empty(),
        "put these in web/locales/panels.yml and use t!, or allow them with a reason:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_sees_prose_and_passes_keys_and_classes() {
    let src = r#"
        html! { <p class="two words">{t!("sel.hint")}</p><p>{"Click a server"}</p> }
        let x = "Crashed"; // "A comment sentence"
        let c = '"'; let key = "ok";
    "#;
    let found: Vec<String> = literals(src)
        .into_iter()
        .filter(|l| looks_like_words(&l.text) && !not_shown(l))
        .map(|l| l.text)
        .collect();
    assert_eq!(found, ["Click a server", "Crashed"]);
}

#[test]
fn every_allowed_literal_is_still_in_the_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = String::new();
    fn walk(path: &std::path::Path, all: &mut String) {
        if path.is_dir() {
            for e in std::fs::read_dir(path).expect("readable").flatten() {
                walk(&e.path(), all);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            all.push_str(&std::fs::read_to_string(path).unwrap_or_default());
        }
    }
    for c in COVERED {
        walk(&root.join(c), &mut all);
    }
    for (text, why) in ALLOWED {
        assert!(
            all.contains(&format!("\"{text}\"")),
            "{text:?} ({why}) is allowed but no longer used"
        );
    }
}
