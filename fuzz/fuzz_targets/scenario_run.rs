//! A scenario parsed from the input, made a baseline (bug modes off) and cut to a
//! bounded horizon (`zab_fuzz::HORIZON_MS` of simulated time, `MAX_EVENTS` events),
//! run with the invariant checker on. The protocol without bug modes must keep every
//! invariant of spec §12 under any schedule a file can give: a violation is a finding,
//! and so is any panic in the simulator or the checker.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zab_core::scenario::Scenario;
use zab_fuzz::{bounded_baseline, run_baseline};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Rejections are scenario_parse's business; only accepted scenarios run.
    let Ok(s) = Scenario::from_json(text) else {
        return;
    };
    run_baseline(&bounded_baseline(s));
});
