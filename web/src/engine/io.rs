//! The run as a scenario file (export, share, the saved session), the trace digest
//! that compares the browser's run with `zab-sim run --digest`, and the first
//! invariant violation (the run pauses on it).

use zab_core::run::with_interventions;
use zab_core::scenario::Scenario;
use zab_core::sim::trace::trace_digest;

use super::Engine;
use crate::engine::views::ViolationView;

impl Engine {
    /// The scenario this run started from plus the user's interventions so far, in
    /// time order: running it reproduces this history (the one being looked at,
    /// up to the furthest time explored, which is also its `run_until_ms` if later).
    pub fn export(&self) -> Scenario {
        with_interventions(
            self.scenario(),
            self.tl.user_interventions(),
            self.horizon(),
        )
    }

    /// How many interventions the user made on this history.
    pub fn intervention_count(&self) -> usize {
        self.tl.user_interventions().len()
    }

    /// `(events, FNV-1a 64 hex)` of the whole trace from time 0 to now on this history,
    /// as `zab-sim run --digest` prints it for a scenario that ends now. Replays the
    /// run from its start, so it is computed on demand, not per frame.
    pub fn trace_digest(&self) -> (u64, String) {
        let mut events = self.boot.clone();
        events.extend(self.tl.trace_window(0, self.now()));
        trace_digest(&events)
    }

    /// The first invariant violation on this history up to now, if any (the one the
    /// run pauses at).
    pub fn halt_violation(&self) -> Option<ViolationView> {
        self.tl
            .run()
            .first_violation()
            .map(|v| ViolationView::new(0, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::views::Command;
    use zab_core::run::Run;
    use zab_core::scenario::preset;

    #[test]
    fn the_digest_matches_a_native_run_of_the_same_scenario_to_the_same_time() {
        let s = preset("fresh-election").unwrap();
        let mut engine = Engine::new(&s).unwrap();
        // Forward in uneven pieces, with a look back on the way.
        engine.skip(1234);
        engine.step().unwrap();
        engine.seek(300);
        engine.skip(s.run_until_ms - 300);
        assert_eq!(engine.now(), s.run_until_ms);
        let mut run = Run::new(&s).unwrap();
        run.run_to_end();
        let native = trace_digest(&run.take_trace());
        assert_eq!(engine.trace_digest(), native);
    }

    #[test]
    fn an_exported_session_replays_to_the_same_state() {
        let mut s = preset("fresh-election").unwrap();
        s.run_until_ms = 20_000;
        let mut a = Engine::new(&s).unwrap();
        a.skip(3000);
        a.command(Command::WriteToLeader).unwrap();
        a.skip(500);
        a.command(Command::KillLeader).unwrap();
        a.skip(4000);
        a.command(Command::WriteToLeader).unwrap();
        a.skip(1000);
        let exported = a.export();
        assert_eq!(a.intervention_count(), 3);
        assert_eq!(exported.schedule.len(), s.schedule.len() + 3);
        let text = exported.to_json_pretty();
        let back = Scenario::from_json(&text).unwrap();
        assert_eq!(back, exported);
        let mut b = Engine::new(&back).unwrap();
        b.skip(a.now());
        assert_eq!(a.servers(), b.servers());
        assert_eq!(a.trace_digest(), b.trace_digest());
    }
}
