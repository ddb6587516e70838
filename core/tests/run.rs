//! [`Run`]: a scenario's schedule reaches the simulator, the trace buffer can be
//! drained or switched off, interventions are checked like scheduled steps, and the
//! same scenario gives the same trace (design: "same seed and script, same run").

use zab_core::run::{crash_point_names, Run};
use zab_core::scenario::{preset, Scenario};
use zab_core::sim::{Action, PendingEvent, TraceKind};
use zab_core::ServerId;

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap()
}

#[test]
fn the_crash_points_listed_are_the_ones_a_scenario_may_name() {
    assert!(crash_point_names().contains(&"newleader-after-log"));
    for name in crash_point_names() {
        let s = scenario(&format!(
            r#"{{"format": "zab-scenario", "version": 1, "cluster": {{"participants": 3}},
                "schedule": [{{"at_ms": 10, "do": "crash_at", "server": 1, "point": "{name}"}}]}}"#
        ));
        assert!(Run::new(&s).is_ok(), "{name}");
    }
}

#[test]
fn unknown_crash_points_are_rejected_with_the_field_path() {
    let err = Scenario::from_json(
        r#"{"format": "zab-scenario", "version": 1, "cluster": {"participants": 3},
            "schedule": [{"at_ms": 10, "do": "crash_at", "server": 1, "point": "nowhere"}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "schedule[0].point");
    assert!(
        err.to_string()
            .contains("unknown crash point `nowhere`; known: "),
        "{err}"
    );
}

#[test]
fn same_scenario_same_trace_and_the_schedule_runs() {
    let s = preset("leader-crash").unwrap();
    let trace = || {
        let mut run = Run::new(&s).unwrap();
        run.run_to_end();
        run.take_trace()
    };
    let a = trace();
    assert_eq!(a, trace());
    // The crash at 5 s and the restart at 12 s of server 5 are in the trace.
    assert!(a
        .iter()
        .any(|e| e.at_ms == 5_000
            && matches!(&e.kind, TraceKind::Crash { server, .. } if server.0 == 5)));
    assert!(a.iter().any(|e| e.at_ms == 12_000
        && matches!(&e.kind, TraceKind::Restart { server, failed: None } if server.0 == 5)));
    // Boot events at time 0 are in the trace too.
    assert_eq!(a[0].at_ms, 0);
}

#[test]
fn stepping_draining_and_switching_the_trace_off() {
    let s = preset("fresh-election").unwrap();
    let mut full = Run::new(&s).unwrap();
    full.run_to_end();
    let all = full.take_trace();
    assert!(full.take_trace().is_empty(), "take_trace drains");

    // Stepping one event at a time and draining as we go gives the same events.
    let mut stepped = Run::new(&s).unwrap();
    let mut pieces = Vec::new();
    while stepped
        .sim()
        .next_time()
        .is_some_and(|t| t <= s.run_until_ms)
    {
        assert!(stepped.step());
        pieces.extend(stepped.take_trace());
    }
    stepped.run_to_end();
    pieces.extend(stepped.take_trace());
    assert_eq!(pieces, all);
    assert_eq!(stepped.sim().now, s.run_until_ms);
    assert!(stepped.finished());

    // Without the trace nothing accumulates, and the run is the same.
    let mut quiet = Run::new(&s).unwrap();
    quiet.set_record_trace(false);
    quiet.run_to_end();
    assert!(quiet.take_trace().is_empty());
    assert_eq!(quiet.sim().stats, full.sim().stats);
    assert!(quiet.first_violation().is_none());
    assert!(quiet.checking());
}

#[test]
fn run_until_moves_the_clock_and_intervene_acts_now() {
    let s = preset("fresh-election").unwrap();
    let mut run = Run::new(&s).unwrap();
    run.run_until(1_234);
    assert_eq!(run.sim().now, 1_234);
    run.take_trace();
    run.intervene(Action::Crash {
        server: ServerId(3),
    });
    assert!(!run.sim().nodes[2].is_up());
    let t = run.take_trace();
    assert!(t
        .iter()
        .any(|e| e.at_ms == 1_234
            && matches!(&e.kind, TraceKind::Crash { server, .. } if server.0 == 3)));
    // A clone runs on independently (what a time-travel timeline keeps).
    let mut fork = run.clone();
    fork.run_to_end();
    assert_eq!(run.sim().now, 1_234);
    assert_eq!(fork.sim().now, s.run_until_ms);
}

/// The scenario's schedule is not queued step by step but read with a cursor: it still
/// runs, and is listed as pending, in the same order as queued events would be. At an
/// equal time, protocol events come first, then the scenario's steps in file order,
/// then interventions scheduled later.
#[test]
fn schedule_steps_run_and_are_pending_in_queue_order() {
    let mut run = Run::new(&scenario(
        r#"{ "format": "zab-scenario", "version": 1, "cluster": { "participants": 3 },
             "schedule": [
               { "at_ms": 0, "do": "isolate", "server": 1 },
               { "at_ms": 2000, "do": "crash", "server": 3 },
               { "at_ms": 2000, "do": "heal" },
               { "at_ms": 4000, "do": "restart", "server": 3 } ] }"#,
    ))
    .unwrap();
    run.schedule(
        2000,
        Action::Crash {
            server: ServerId(2),
        },
    );
    run.schedule(1000, Action::Heal);
    let actions = |run: &Run| -> Vec<String> {
        let pending = run.sim().pending();
        assert!(pending.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        pending
            .into_iter()
            .filter_map(|p| match p.event {
                PendingEvent::Action(a) => Some(format!("{} {}", p.at_ms, a)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        actions(&run),
        [
            "0 isolate server 1",
            "1000 heal every link",
            "2000 crash server 3",
            "2000 heal every link",
            "2000 crash server 2",
            "4000 restart server 3"
        ]
    );
    run.run_until(2000);
    assert_eq!(actions(&run), ["4000 restart server 3"]);
    let order: Vec<String> = run
        .take_trace()
        .into_iter()
        .filter(|e| e.at_ms == 2000)
        .filter_map(|e| match e.kind {
            TraceKind::Crash { server, .. } => Some(format!("crash {server}")),
            TraceKind::Network { change } => Some(change.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["crash 3", "heal every link", "crash 2"]);
}

/// Spec §13 network model (TCP-like quorum connections): the user dropping a packet on
/// a connection breaks it like a reset. The packets sent after it on that connection
/// are lost with it; those sent before it, still in flight, arrive first.
#[test]
fn a_dropped_quorum_packet_loses_what_follows_it_not_what_precedes_it() {
    use zab_core::sim::Channel;
    let mut run = Run::new(&preset("fresh-election").unwrap()).unwrap();
    // Step until one connection carries two packets in flight in the same direction.
    let (first, second) = loop {
        assert!(
            run.step(),
            "the run ended before two packets shared a connection"
        );
        let sim = run.sim();
        let quorum: Vec<_> = sim
            .packets
            .values()
            .filter(|p| matches!(p.channel, Channel::Quorum { .. }))
            .collect();
        let pair = quorum.iter().find_map(|a| {
            quorum
                .iter()
                .find(|b| b.id > a.id && b.channel == a.channel && b.from == a.from)
                .map(|b| (a.id, b.id))
        });
        if let Some(pair) = pair {
            break pair;
        }
    };
    run.take_trace();
    run.intervene(Action::DropPacket { packet: second });
    run.run_until(run.sim().now + 1_000);
    let trace = run.take_trace();
    let delivered = |id: u64| {
        trace
            .iter()
            .any(|e| matches!(e.kind, TraceKind::PacketDelivered { id: i, .. } if i == id))
    };
    assert!(
        delivered(first),
        "the packet sent before the dropped one arrives"
    );
    assert!(!delivered(second));
}
