//! The two decoders of what survives the page: a shared link's `#s=` fragment
//! (`zab_core::scenario::link::scenario_from_fragment`, what web/src/state/persist.rs reads
//! from the address bar) and the saved session (the `localStorage` text, which
//! web/src/state/model/io.rs reads with `Scenario::from_json`; nothing of that decoding
//! lives in the web crate). Never a panic; a bad link or session is an `Err` with a
//! one-line message; what is accepted travels in a link and in a session file again
//! unchanged, and the web app can build a run from it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zab_core::run::Run;
use zab_core::scenario::link::{scenario_from_fragment, share_fragment};
use zab_core::scenario::Scenario;
use zab_fuzz::{check_accepted, check_message, check_scenario_error};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match scenario_from_fragment(&text) {
        None => {}
        Some(Err(e)) => check_message("scenario_from_fragment", &e.to_string()),
        Some(Ok(s)) => {
            check_accepted("scenario_from_fragment", &s);
            let again = scenario_from_fragment(&format!("#{}", share_fragment(&s)));
            assert!(
                matches!(&again, Some(Ok(back)) if *back == s),
                "share_fragment does not read back: {again:?}"
            );
            if let Err(e) = Run::new(&s) {
                check_scenario_error("Run::new", &e);
            }
        }
    }
    match Scenario::from_json(&text) {
        Err(e) => check_scenario_error("session", &e),
        Ok(s) => check_accepted("session", &s),
    }
});
