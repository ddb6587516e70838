//! What the fuzz targets (`fuzz/`, `make fuzz`, issue 17 item 2) found, one test per
//! finding, each naming the input the fuzzer produced, the cause, and the bound or
//! spec section it checks; and the check that the committed seed corpus
//! (`fuzz/corpus/<target>/`) is what the presets and bug scenarios make today.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use zab_core::bugs::CATALOGUE;
use zab_core::scenario::link::share_fragment;
use zab_core::scenario::{Scenario, PRESET_FILES};

// ---- the seed corpus ----------------------------------------------------------

/// The seed files of each fuzz target, (target, file name) → content: every preset
/// (`static/scenarios/`) and bug scenario (`static/bugs/`) as its file for the two
/// scenario targets, and for `link_decode` as the `#s=` link the app's "Copy link"
/// makes and as the saved session text (the scenario written back out).
fn seed_corpus() -> BTreeMap<(&'static str, String), String> {
    let mut files: Vec<(String, &str, Scenario)> = PRESET_FILES
        .iter()
        .map(|(stem, text)| {
            let s = Scenario::from_json(text).expect("preset");
            (format!("preset-{stem}"), *text, s)
        })
        .collect();
    for b in CATALOGUE.iter() {
        files.push((format!("bug-{}", b.bug.id()), b.preset, b.scenario()));
    }
    let mut out = BTreeMap::new();
    for (name, text, s) in files {
        for target in ["scenario_parse", "scenario_run"] {
            out.insert((target, format!("{name}.json")), text.to_string());
        }
        out.insert(
            ("link_decode", format!("link-{name}.txt")),
            format!("#{}", share_fragment(&s)),
        );
        out.insert(
            ("link_decode", format!("session-{name}.json")),
            s.to_json_pretty(),
        );
    }
    out
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

/// The committed seeds are current: every preset and bug scenario, and its link and
/// session text, is in `fuzz/corpus/<target>/` with today's content (the corpus may
/// hold more, e.g. the inputs of findings). `ZAB_WRITE_FUZZ_CORPUS=1` (re)writes them.
#[test]
fn fuzz_seed_corpus_is_current() {
    let write = std::env::var_os("ZAB_WRITE_FUZZ_CORPUS").is_some();
    let mut stale = Vec::new();
    for ((target, name), content) in seed_corpus() {
        let path = corpus_dir().join(target).join(&name);
        if write {
            std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
            std::fs::write(&path, &content).expect("write seed");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            stale.push(format!("{target}/{name}"));
        }
    }
    assert!(
        stale.is_empty(),
        "fuzz seeds missing or stale (ZAB_WRITE_FUZZ_CORPUS=1 cargo test -p zab-core \
         --test fuzz_regressions rewrites them): {stale:?}"
    );
}
