//! What every fuzz target asserts about a rejection, and the bounded run of
//! `scenario_run`. A failed assertion is a panic, which libFuzzer reports as a crash
//! and saves the input of (fuzz/README.md says how to triage it).

use zab_core::run::Run;
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
    assert!(!e.reason().to_string().trim().is_empty(), "{what}: empty reason: {e}");
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
            // Run::new checks what validate does, nothing more.
            check_scenario_error("Run::new", &e);
            assert!(
                s.validate().is_err(),
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

/// A valid scenario built from raw bytes (structured fuzzing, for `scenario_run`
/// inputs that are not JSON): libFuzzer's mutations of a JSON file mostly break it,
/// while nearly every byte string here is a valid scenario, so the fuzzer spends its
/// time in the simulator and the checker. Counts, times and constants stay within the
/// bounds of `docs/scenario-defaults.md` (the extremes included, less often); the
/// schedule mixes every action kind. `None` if the bytes run out before the cluster is
/// chosen, or if the result fails validation.
pub fn structured_scenario(data: &[u8]) -> Option<Scenario> {
    use libfuzzer_sys::arbitrary::Unstructured;
    use zab_core::scenario::defaults::{MAX_OBSERVERS, MAX_PARTICIPANTS};
    use zab_core::scenario::{Action, Step};
    use zab_core::txn::Op;
    use zab_core::server::CrashPoint;
    use zab_core::ServerId;

    let mut u = Unstructured::new(data);
    // Mostly 3 or 5 voters, sometimes any size.
    let participants = match u.int_in_range(0u8..=3).ok()? {
        0 => 3,
        1 => 5,
        _ => u.int_in_range(1..=MAX_PARTICIPANTS).ok()?,
    };
    let mut s = Scenario::new(participants);
    s.name = "structured fuzz input".to_string();
    s.seed = u.arbitrary().unwrap_or(1);
    if u.ratio(1u8, 4).unwrap_or(false) {
        s.cluster.observers = u.int_in_range(1..=MAX_OBSERVERS).unwrap_or(1);
    }
    let size = s.cluster.size();
    let server = |u: &mut Unstructured| ServerId(u.int_in_range(1..=size).unwrap_or(1));
    if u.ratio(1u8, 8).unwrap_or(false) {
        let id = server(&mut u);
        s.cluster.start_down.push(id);
    }
    // Timing and storage: the defaults, or each constant drawn from a few values.
    let pick = |u: &mut Unstructured, values: &[u64]| -> u64 {
        u.choose(values).copied().unwrap_or(values[0])
    };
    if u.ratio(1u8, 3).unwrap_or(false) {
        let t = &mut s.timing;
        t.tick_ms = pick(&mut u, &[200, 50, 2, 1000, 3]);
        t.init_limit = pick(&mut u, &[10, 5, 1, 2, 50]);
        t.sync_limit = pick(&mut u, &[5, 2, 1, 10, 50]);
        t.finalize_wait_ms = pick(&mut u, &[200, 50, 1, 1000]);
        t.max_notification_interval_ms = pick(&mut u, &[3200, 60_000, 500]).max(t.finalize_wait_ms);
        t.latency_ms = *u
            .choose(&[[5, 20], [1, 5], [5, 60], [1, 1], [50, 400]])
            .unwrap_or(&[5, 20]);
        t.fsync_ms = *u
            .choose(&[[1, 5], [0, 1], [5, 30], [0, 0], [20, 200]])
            .unwrap_or(&[1, 5]);
    }
    if u.ratio(1u8, 3).unwrap_or(false) {
        let st = &mut s.storage;
        st.snap_count = pick(&mut u, &[100_000, 2, 4, 16, 100]);
        st.commit_log_count = pick(&mut u, &[500, 1, 3, 10]);
        st.snap_retain_count = pick(&mut u, &[3, 1, 2, 20]);
        st.snapshot_size_factor = *u.choose(&[0.33, 0.0, -1.0, 1.0, 10.0]).unwrap_or(&0.33);
    }
    // The schedule: steps in time order until the bytes run out.
    let paths = ["/a", "/b", "/a/b", "/c"];
    let mut at: u64 = 0;
    while !u.is_empty() && s.schedule.len() < 200 {
        at += u64::from(u.int_in_range(0u16..=1500).unwrap_or(0));
        if at > HORIZON_MS {
            break;
        }
        let action = match u.int_in_range(0u8..=15).unwrap_or(0) {
            0..=3 => {
                let kind = *u.choose(&[0u8, 1, 2]).unwrap_or(&0);
                let server = server(&mut u);
                let path = u.choose(&paths).unwrap_or(&"/a").to_string();
                let data = format!("d{at}");
                let op = match kind {
                    0 => Op::Create {
                        path,
                        data,
                        ephemeral_owner: None,
                    },
                    1 => Op::Set { path, data },
                    _ => Op::Delete { path },
                };
                Action::Write { server, op }
            }
            4 => Action::Read {
                server: server(&mut u),
                path: u.choose(&paths).unwrap_or(&"/a").to_string(),
            },
            5 | 6 => Action::Crash {
                server: server(&mut u),
            },
            7 | 8 => Action::Restart {
                server: server(&mut u),
            },
            9 if size >= 2 => {
                // Every server in one of two or three groups, none empty.
                let k = u.int_in_range(2..=3u32.min(size)).unwrap_or(2);
                let mut groups: Vec<Vec<ServerId>> = vec![Vec::new(); k as usize];
                for id in 1..=size {
                    let g = if id <= k {
                        id - 1
                    } else {
                        u.int_in_range(0..=k - 1).unwrap_or(0)
                    };
                    groups[g as usize].push(ServerId(id));
                }
                Action::Partition { groups }
            }
            10 | 11 if size >= 2 => {
                let from = server(&mut u);
                let to = ServerId(from.0 % size + 1);
                let both = u.arbitrary().unwrap_or(true);
                if u.arbitrary().unwrap_or(true) {
                    Action::Cut { from, to, both }
                } else {
                    Action::HealLink { from, to, both }
                }
            }
            12 => Action::Isolate {
                server: server(&mut u),
            },
            13 => Action::Heal,
            14 => Action::CrashAt {
                server: server(&mut u),
                point: u
                    .choose(&CrashPoint::ALL)
                    .copied()
                    .unwrap_or(CrashPoint::AfterFsync),
            },
            _ => {
                let packet = u.int_in_range(1u64..=300).unwrap_or(1);
                if u.arbitrary().unwrap_or(true) {
                    Action::DropPacket { packet }
                } else {
                    Action::DeliverNow { packet }
                }
            }
        };
        s.schedule.push(Step { at_ms: at, action });
    }
    s.run_until_ms = HORIZON_MS;
    s.complete_partitions();
    // Steps the generator cannot rule out cheaply (a partition that leaves out a
    // server that is down) make an invalid file: such inputs are skipped.
    s.validate().ok()?;
    Some(s)
}
