//! What every fuzz target asserts about a rejection, and the bounded run of
//! `scenario_run`. A failed assertion is a panic, which libFuzzer reports as a crash
//! and saves the input of (fuzz/README.md says how to triage it).

use zab_core::run::{crash_point_names, Run};
use zab_core::scenario::{Scenario, ScenarioError};

/// The longest message a rejection may have, in bytes: the same bound as
/// `core/tests/scenario_bounds.rs`. A file can hold megabytes of text; what it is
/// told back must stay a sentence (every quoted part of the input is clipped).
pub const MAX_MESSAGE_BYTES: usize = 600;

/// `scenario_run` runs at most this much simulated time...
pub const HORIZON_MS: u64 = 10_000;
/// ...and at most this many simulator events (a 13-server cluster with a 2 ms tick
/// makes many events per simulated second); past that only the safety invariants
/// seen so far count, not the end-of-run liveness checks.
pub const MAX_EVENTS: u64 = 50_000;

/// A rejection's message: not empty, one line, short. `what` says which decoder gave
/// it, for the panic message.
pub fn check_message(what: &str, message: &str) {
    assert!(!message.trim().is_empty(), "{what}: empty error message");
    assert!(
        !message.contains(['\n', '\r']),
        "{what}: the message is not one line: {message:?}"
    );
    assert!(
        message.len() <= MAX_MESSAGE_BYTES,
        "{what}: the message is {} bytes (at most {MAX_MESSAGE_BYTES}): {:?}...",
        message.len(),
        message.chars().take(200).collect::<String>()
    );
}

/// A [`ScenarioError`]: one short line, with a reason besides its place (the place,
/// a field path or a line and column, is empty only for the whole file).
pub fn check_scenario_error(what: &str, e: &ScenarioError) {
    check_message(what, &e.to_string());
    assert!(!e.message().trim().is_empty(), "{what}: empty reason: {e}");
}

/// What must hold of a scenario that [`Scenario::from_json`] accepted: it validates
/// again, and it reads back equal from its own file (the web app's saved session and
/// exported file are this text).
pub fn check_accepted(what: &str, s: &Scenario) {
    if let Err(e) = s.validate() {
        panic!("{what}: from_json accepted a scenario that validate() refuses: {e}");
    }
    let text = s.to_json_pretty();
    match Scenario::from_json(&text) {
        Ok(back) => assert!(
            back == *s,
            "{what}: the scenario does not read back equal from to_json_pretty:\n{text}"
        ),
        Err(e) => {
            panic!("{what}: to_json_pretty wrote a file that does not read back: {e}\n{text}")
        }
    }
}

/// `s` cut to the fuzzing horizon and made a baseline: no bug mode, no step after
/// [`HORIZON_MS`], `run_until_ms` at most that.
pub fn bounded_baseline(mut s: Scenario) -> Scenario {
    s.bugs.clear();
    s.schedule.retain(|st| st.at_ms <= HORIZON_MS);
    s.run_until_ms = s.run_until_ms.min(HORIZON_MS);
    s
}

/// Runs a baseline scenario with the checker on for at most [`MAX_EVENTS`] events;
/// any invariant violation panics (it is a finding). Returns the events processed.
pub fn run_baseline(s: &Scenario) -> u64 {
    assert!(s.bugs.is_empty(), "run_baseline takes a baseline scenario");
    let mut run = match Run::new(s) {
        Ok(run) => run,
        Err(e) => {
            // Only the crash point names are checked beyond from_json.
            check_scenario_error("Run::new", &e);
            assert!(
                s.validate_with(&crash_point_names()).is_err(),
                "Run::new refused a scenario that validates: {e}"
            );
            return 0;
        }
    };
    run.set_record_trace(false);
    let end = s.run_until_ms;
    let mut events = 0;
    while events < MAX_EVENTS && run.sim().next_time().is_some_and(|t| t <= end) {
        run.step();
        events += 1;
    }
    if events < MAX_EVENTS {
        run.run_to_end();
    }
    if let Some(v) = run.first_violation() {
        panic!(
            "invariant violation on a baseline scenario: {} {} at {} ms (servers {:?}): {}\n{}",
            v.invariant,
            v.name,
            v.at_ms,
            v.servers,
            v.detail,
            s.to_json_pretty()
        );
    }
    events
}
