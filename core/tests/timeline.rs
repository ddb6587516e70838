//! Time travel (design "Time travel", issue "seek / fork"): seeking replays the same
//! history; intervening in the past forks it.

use zab_core::run::Run;
use zab_core::scenario::preset;
use zab_core::sim::{Action, Sim};
use zab_core::timeline::Timeline;
use zab_core::txn::Op;
use zab_core::ServerId;

/// Everything a user can see of the cluster, as text.
fn state(sim: &Sim) -> String {
    let mut out = format!("t={} leader={:?}\n", sim.now, sim.leader());
    for n in &sim.nodes {
        let d = n.disk();
        let hist: Vec<String> = d.history().iter().map(|t| t.zxid.to_string()).collect();
        match &n.server {
            Some(s) => {
                out += &format!(
                    "{} {:?} {:?} a={} c={} hist={hist:?} tree={:?}\n",
                    s.id,
                    s.state(),
                    s.phase(),
                    s.accepted_epoch(),
                    s.current_epoch(),
                    s.tree.nodes
                )
            }
            None => out += &format!("{} down hist={hist:?}\n", n.id),
        }
    }
    out += &format!(
        "writes={:?} events={}",
        sim.writes.values().map(|w| &w.result).collect::<Vec<_>>(),
        sim.stats.events
    );
    out
}

fn timeline(name: &str) -> Timeline {
    let run = Run::new(&preset(name).expect("preset")).expect("valid");
    Timeline::with_checkpoint_every(run, 500)
}

#[test]
fn seeking_back_and_replaying_reproduces_the_same_history() {
    let mut tl = timeline("leader-crash");
    tl.advance_to(25_000);
    let end = state(tl.run().sim());
    let leader = tl.run().sim().leader();
    assert!(
        tl.checkpoint_count() > 1,
        "a long run keeps several checkpoints"
    );
    for t in [0, 1234, 9_000, 17_500] {
        tl.seek(t);
        assert!(tl.in_past());
        assert_eq!(tl.now(), t);
        tl.advance_to(25_000);
        assert!(!tl.in_past(), "the view caught up with the head");
        assert_eq!(state(tl.run().sim()), end, "replay from {t}");
    }
    assert_eq!(tl.run().sim().leader(), leader);
}

#[test]
fn stepping_a_view_event_by_event_catches_up_with_the_head() {
    let mut tl = timeline("fresh-election");
    tl.advance_to(3_000);
    let end = state(tl.run().sim());
    tl.seek(100);
    while tl.in_past() {
        assert!(tl.step());
    }
    tl.advance_to(3_000);
    assert_eq!(state(tl.run().sim()), end);
}

#[test]
fn intervening_in_the_past_forks_history() {
    let mut tl = timeline("fresh-election");
    tl.advance_to(10_000);
    let old_future = state(tl.run().sim());
    tl.seek(3_000);
    tl.intervene(Action::Crash {
        server: ServerId(3),
    });
    assert!(!tl.in_past());
    assert_eq!(tl.horizon(), 3_000, "the old future is gone");
    assert_eq!(tl.user_interventions().len(), 1);
    tl.advance_to(10_000);
    assert_ne!(state(tl.run().sim()), old_future);
    assert!(!tl.run().sim().node(ServerId(3)).unwrap().is_up());
}

/// Issue 17 item 0 (the panic after time travel): a fork at t discards the user's
/// interventions after t from the forked run itself, not only from the list. The view
/// restored from a checkpoint had them queued; the forked head kept running them, so a
/// later seek (which replays only the kept list) built another history, and the web
/// app's step count went negative when the view merged into that head.
#[test]
fn a_fork_drops_the_later_interventions_from_the_run_too() {
    let crash_later = Action::Crash {
        server: ServerId(2),
    };
    let write_earlier = Action::Write {
        server: ServerId(1),
        op: Op::Set {
            path: "/f".into(),
            data: "1".into(),
        },
    };
    let mut tl = timeline("fresh-election");
    tl.advance_to(4_000);
    tl.intervene(crash_later);
    tl.advance_to(5_000);
    // Back before the crash, and act there: the crash is the discarded future.
    tl.seek(2_000);
    tl.intervene(write_earlier.clone());
    assert_eq!(tl.user_interventions().len(), 1);
    tl.advance_to(8_000);
    let forked = state(tl.run().sim());
    assert!(
        tl.run().sim().node(ServerId(2)).unwrap().is_up(),
        "the crash after the fork point is gone"
    );
    // The same history without the detour: advance, write, advance.
    let mut straight = timeline("fresh-election");
    straight.advance_to(2_000);
    straight.intervene(write_earlier);
    straight.advance_to(8_000);
    assert_eq!(forked, state(straight.run().sim()));
    // Seeking back into the forked history and stepping to its end meets the same head.
    tl.seek(3_000);
    while tl.in_past() {
        assert!(tl.step());
    }
    tl.advance_to(8_000);
    assert_eq!(state(tl.run().sim()), forked);
    assert_eq!(tl.run().sim().trace_count, straight.run().sim().trace_count);
}

#[test]
fn user_interventions_replay_identically_from_older_checkpoints_and_as_a_scenario() {
    let scenario = preset("fresh-election").unwrap();
    let mut tl = Timeline::with_checkpoint_every(Run::new(&scenario).unwrap(), 300);
    tl.advance_to(5_000);
    tl.intervene(Action::Crash {
        server: ServerId(3),
    });
    tl.advance_to(9_000);
    tl.intervene(Action::Write {
        server: ServerId(1),
        op: Op::Set {
            path: "/x".into(),
            data: "1".into(),
        },
    });
    tl.advance_to(12_000);
    tl.intervene(Action::Restart {
        server: ServerId(3),
    });
    tl.advance_to(20_000);
    let live = state(tl.run().sim());
    // Replay from the start of time.
    tl.seek(0);
    tl.advance_to(20_000);
    assert_eq!(state(tl.run().sim()), live);
    // The same interventions scheduled up front (what an exported scenario does).
    let mut run = Run::new(&scenario).unwrap();
    for (at, a) in tl.user_interventions() {
        run.schedule(*at, a.clone());
    }
    run.run_until(20_000);
    assert_eq!(state(run.sim()), live);
}

/// Issue "exported scenario imported again reproduces the run": a session with every
/// kind of intervention, packet drops and reorders included, exported as a scenario
/// file and parsed back, runs to the same state.
#[test]
fn an_exported_session_reproduces_the_run_after_a_json_round_trip() {
    let scenario = preset("leader-crash").unwrap();
    let mut tl = Timeline::new(Run::new(&scenario).unwrap());
    tl.advance_to(3);
    let in_flight: Vec<u64> = tl.run().sim().packets.keys().copied().collect();
    assert!(
        in_flight.len() >= 2,
        "the first FLE notifications are in flight at 3 ms"
    );
    tl.intervene(Action::DropPacket {
        packet: in_flight[0],
    });
    tl.intervene(Action::DeliverNow {
        packet: *in_flight.last().unwrap(),
    });
    tl.advance_to(4_000);
    tl.intervene(Action::Cut {
        from: ServerId(1),
        to: ServerId(2),
        both: false,
    });
    tl.intervene(Action::Read {
        server: ServerId(1),
        path: "/a".into(),
    });
    tl.advance_to(7_000);
    tl.intervene(Action::HealLink {
        from: ServerId(1),
        to: ServerId(2),
        both: false,
    });
    tl.intervene(Action::Write {
        server: ServerId(2),
        op: Op::Delete { path: "/a".into() },
    });
    tl.advance_to(30_000);
    let live = state(tl.run().sim());
    let exported = zab_core::run::with_interventions(&scenario, tl.user_interventions(), tl.now());
    let text = exported.to_json_pretty();
    let imported = zab_core::scenario::Scenario::from_json(&text).expect("exported file parses");
    let mut run = Run::new(&imported).unwrap();
    run.run_until(30_000);
    assert_eq!(state(run.sim()), live);
}

#[test]
fn trace_window_rebuilds_the_events_of_a_past_interval() {
    let mut tl = timeline("leader-crash");
    tl.run_mut().set_record_trace(true);
    tl.advance_to(12_000);
    let all = tl.take_trace();
    let window = tl.trace_window(4_000, 8_000);
    let expected: Vec<_> = all
        .iter()
        .filter(|e| (4_000..=8_000).contains(&e.at_ms))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(window, expected);
}

/// Checkpoint thinning (a bounded history): with few checkpoints allowed, the timeline
/// drops every other one and doubles the interval, and seeking anywhere still gives
/// exactly the state and the trace of a straight run, also after a fork.
#[test]
fn thinned_checkpoints_still_seek_to_the_same_state_and_trace() {
    let scenario = preset("leader-crash").unwrap();
    let mut tl = Timeline::with_checkpoints(Run::new(&scenario).unwrap(), 50, 6);
    tl.run_mut().set_record_trace(true);
    tl.advance_to(25_000);
    let all = tl.take_trace();
    assert!(tl.checkpoint_count() <= 6, "{} held", tl.checkpoint_count());
    assert!(
        tl.checkpoint_interval() >= 400,
        "thinned at least three times"
    );
    for t in [0, 1, 777, 3_000, 5_555, 9_000, 12_345, 17_500, 24_999] {
        let mut straight = Run::new(&scenario).unwrap();
        straight.run_until(t);
        tl.seek(t);
        assert_eq!(state(tl.run().sim()), state(straight.sim()), "seek to {t}");
        let from = t.saturating_sub(700);
        let expected: Vec<_> = all
            .iter()
            .filter(|e| (from..=t).contains(&e.at_ms))
            .cloned()
            .collect();
        assert_eq!(tl.trace_window(from, t), expected, "window [{from}, {t}]");
    }
    // A fork after thinning replays like the same interventions scheduled up front.
    tl.seek(8_000);
    tl.intervene(Action::Crash {
        server: ServerId(2),
    });
    tl.advance_to(30_000);
    let live = state(tl.run().sim());
    tl.seek(100);
    tl.advance_to(30_000);
    assert_eq!(state(tl.run().sim()), live);
    let mut run = Run::new(&scenario).unwrap();
    for (at, a) in tl.user_interventions() {
        run.schedule(*at, a.clone());
    }
    run.run_until(30_000);
    assert_eq!(state(run.sim()), live);
}
