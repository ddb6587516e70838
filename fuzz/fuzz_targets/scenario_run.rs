//! A scenario, made a baseline (bug modes off) and cut to a bounded horizon
//! (`zab_fuzz::HORIZON_MS` of simulated time, `MAX_EVENTS` events), run with the
//! invariant checker on. An input that starts with `{` is a scenario file (the seeds
//! are the presets and bug scenarios); any other is read as structured input
//! (`zab_fuzz::structured_scenario`), which always makes a valid schedule. The protocol without bug modes must keep every
//! invariant of spec §12 under any schedule a file can give: a violation is a finding,
//! and so is any panic in the simulator or the checker.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zab_core::scenario::Scenario;
use zab_fuzz::{bounded_baseline, run_baseline, structured_scenario};

fuzz_target!(|data: &[u8]| {
    let scenario = if data.first() == Some(&b'{') {
        // Rejections are scenario_parse's business; only accepted scenarios run.
        std::str::from_utf8(data)
            .ok()
            .and_then(|text| Scenario::from_json(text).ok())
    } else {
        structured_scenario(data)
    };
    if let Some(s) = scenario {
        run_baseline(&bounded_baseline(s));
    }
});
