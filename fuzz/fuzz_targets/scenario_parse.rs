//! Arbitrary bytes → the scenario reader (`Scenario::from_json`: size bound, JSON
//! syntax, the typed walk with defaults, validation), as `zab-sim run FILE`, the web
//! app's file import and its saved session use it. Never a panic; a rejection is an
//! `Err` whose message is one short line; an accepted scenario validates again (crash
//! point names included, or a message) and reads back equal from its own file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zab_core::scenario::Scenario;
use zab_fuzz::{check_accepted, check_scenario_error};

fuzz_target!(|data: &[u8]| {
    // The CLI refuses non-UTF-8 before parsing and the browser decodes a file lossily;
    // the lossy text exercises the parser on every input.
    let text = String::from_utf8_lossy(data);
    match Scenario::from_json(&text) {
        Err(e) => check_scenario_error("from_json", &e),
        Ok(s) => {
            check_accepted("from_json", &s);
        }
    }
});
