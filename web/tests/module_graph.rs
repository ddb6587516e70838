//! The web crate's modules form layers (issue 13 item 6): no module uses one that,
//! directly or through others, uses it back. Read from the source (`use crate::…` and
//! `crate::…` paths outside `#[cfg(test)]` modules), so that a new import running back
//! up the layering fails here with the cycle it closes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`panels::ring`) → source text, for every file under `src`.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("web/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .expect("under src")
                .with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["main"] {
                continue;
            }
            let text = fs::read_to_string(&path).expect("a source file is readable");
            out.insert(parts.join("::"), text);
        }
    }
    out
}

/// The text without its test module (tests may reach anywhere).
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// The paths named after `crate::` in `text`, braces expanded one level
/// (`crate::a::{b, c::D}` gives `a::b` and `a::c::D`).
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let base = rest[..end].trim_end_matches(':');
        if rest[end..].starts_with('{') && (end == 0 || rest[..end].ends_with("::")) {
            let close = rest[end..].find('}').map_or(rest.len(), |c| end + c);
            for item in rest[end + 1..close].split(',') {
                let item = item.split_whitespace().next().unwrap_or("");
                match item {
                    "" => {}
                    "self" => out.push(base.to_string()),
                    _ if base.is_empty() => out.push(item.to_string()),
                    _ => out.push(format!("{base}::{item}")),
                }
            }
        } else {
            out.push(base.to_string());
        }
    }
    out
}

/// The longest module that is a prefix of `path`.
fn module_of<'a>(path: &str, names: &'a BTreeSet<String>) -> Option<&'a String> {
    let segs: Vec<&str> = path.split("::").collect();
    (1..=segs.len())
        .rev()
        .find_map(|n| names.get(&segs[..n].join("::")))
}

/// Whether `a` contains `b` or the other way round (a parent and its child may use
/// each other: the child is part of the parent).
fn nested(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

fn edges(mods: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = mods.keys().cloned().collect();
    let mut out = BTreeMap::new();
    for (m, text) in mods {
        let mut to = BTreeSet::new();
        for path in crate_paths(without_tests(text)) {
            if let Some(target) = module_of(&path, &names) {
                if !nested(m, target) {
                    to.insert(target.clone());
                }
            }
        }
        out.insert(m.clone(), to);
    }
    out
}

/// A cycle through the graph, if there is one (as the list of modules on it).
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_string(), Mark::Open);
        stack.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            match marks.get(next.as_str()) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = visit(next, g, marks, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(n.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in g.keys() {
        if !marks.contains_key(n) {
            if let Some(c) = visit(n, g, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_web_crate_has_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mods = modules(&src);
    assert!(mods.len() > 20, "found the modules: {:?}", mods.keys());
    let g = edges(&mods);
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle in web/src: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    let mods: BTreeMap<String, String> = [
        ("a", "use crate::b::Thing;"),
        ("b", "use crate::{c::More, d};"),
        ("c", "fn f() { crate::a::g(); }"),
        ("d", ""),
        ("e::f", "use crate::e::G; use crate::d;"),
        ("e", "use crate::e::f::H;"),
    ]
    .into_iter()
    .map(|(m, t)| (m.to_string(), t.to_string()))
    .collect();
    let cycle = find_cycle(&edges(&mods)).expect("a -> b -> c -> a");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4, "{cycle:?}");
    // A parent and its child using each other is not a cycle.
    let mut acyclic = mods.clone();
    acyclic.insert("c".into(), String::new());
    assert_eq!(find_cycle(&edges(&acyclic)), None);
}
