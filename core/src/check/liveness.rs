//! Bounded liveness (spec §12.5), only under good periods.
//!
//! A *good period* is a stretch of time with no cut link (`sim.net.cut` empty) and a
//! quorum of voters up, under timing whose deadlines leave the messages time to arrive
//! ([`timing_admits_liveness`]; otherwise there is none). It starts when the cluster
//! becomes good, and restarts at every fault event inside it (a crash, a restart, a
//! network change, a packet dropped by the user): bounds are measured from the last
//! fault.
//!
//! * L1 LeaderElected: within [`bound`] of the start of a good period some leader is in
//!   BROADCAST.
//! * L2 JoinEnsemble: while a leader is in BROADCAST, every running server reaches
//!   BROADCAST (following it) within [`bound`] of the latest of: the start of the good
//!   period, its own start, the leader becoming active (catches ZOOKEEPER-1732). A
//!   server whose acceptedEpoch is above the leader's epoch is exempt: by Zab's phase 1
//!   it cannot join that leader at all (zab-sim/tests/issues.rs explains the case).
//! * L3 NoSpuriousShutdown: in a good period no leader gives up waiting for NEWLEADER-ACKs
//!   (ZOOKEEPER-4685) and no server exits on a protocol error (ZOOKEEPER-4394).
//! * L4 RestartSucceeds: every restart succeeds (the startup checks of §11; ZOOKEEPER-1653).

use super::{Checker, Detail, Inv};
use crate::config::Config;
use crate::ids::{Epoch, ServerId, Time};
use crate::packet::ServerState;
use crate::server::{LeaderShutdown, LeaderWait, Phase, RoleExit, StartRefusal};
use crate::sim::{CrashReason, Sim};

/// The L1/L2 bound in ms, from the configured timing. A generous sum of the waits a
/// good period may still have to sit out:
/// * `syncLimit*tick + tick`: followers' read timeout, or the leader's once-a-tick quorum
///   check, noticing a failure that happened just before the period began;
/// * `maxNotificationInterval`: a LOOKING server whose FLE timeout backed off to the cap
///   sends its next notification at most that late (servers that receive it answer at
///   once, the simulator re-sends held notifications when links heal, and a restarted
///   server gets each running peer's newest notification for it, as from
///   QuorumCnxManager's SendWorker on a new connection);
/// * `4 * finalizeWait`: FLE's quiet periods before deciding, over a few rounds;
/// * `2 * initLimit*tick`: one leader attempt that times out in discovery or
///   synchronisation (e.g. elected on stale votes) before the one that succeeds;
/// * `20 * max latency`: the round trips of FLE, discovery and synchronisation.
///
/// With the defaults (tick 200, initLimit 10, syncLimit 5, finalizeWait 200,
/// maxNotificationInterval 3200, latency ≤ 20) this is 9 600 ms: it fits in the 10 s
/// quiet period that ends every random sweep run. (Measured on 1 600 random-fault runs
/// with latencies up to 60 ms: the slowest leader election after the last fault took
/// 3.4 s, the slowest "every server in BROADCAST" 6.2 s.)
pub(crate) fn bound(cfg: &Config) -> Time {
    let t = &cfg.timing;
    t.sync_timeout_ms()
        + t.tick_ms
        + t.max_notification_interval_ms
        + 4 * t.finalize_wait_ms
        + 2 * t.init_timeout_ms()
        + 20 * t.latency_ms[1].max(t.latency_ms[0])
}

/// Whether the timing lets a cluster make progress at all: the assumption behind every
/// bounded liveness check ("messages delivered", spec §12.5, i.e. partial synchrony).
/// Each deadline of synchronisation and broadcast, `initLimit*tick` and
/// `syncLimit*tick`, must be at least 4 round trips with a disk write,
/// `4 * (2 * max latency + max fsync)`. With shorter deadlines a wait times out while
/// the messages it waits for are still on the way, as in ZooKeeper itself (an ensemble
/// with tickTime = 3 ms never forms): then no period is good and L1-L3 are not judged.
///
/// Found by fuzzing (`scenario_run`, core/tests/fuzz_regressions.rs): `tick_ms` 3 with
/// the default latency [5, 20] ms gives `initLimit*tick` = 30 ms, less than one
/// NEWLEADER / ACK round trip, and the leader's give-up was reported as an L3 violation
/// on a fault-free baseline. The defaults (2 000 and 1 000 ms against 4 × 45 ms) and
/// every sweep's timing (at most 4 × 150 ms) are judged as before.
pub(crate) fn timing_admits_liveness(cfg: &Config) -> bool {
    let t = &cfg.timing;
    let round_trip = t.latency_ms[1]
        .max(t.latency_ms[0])
        .saturating_mul(2)
        .saturating_add(t.fsync_ms[1].max(t.fsync_ms[0]));
    let deadline = t.init_limit.min(t.sync_limit).saturating_mul(t.tick_ms);
    deadline >= round_trip.saturating_mul(4)
}

/// Liveness bookkeeping.
#[derive(Clone, Debug, Default)]
pub(crate) struct Live {
    bound: Time,
    /// [`timing_admits_liveness`]: false, and no period is ever good.
    timely: bool,
    /// Start of the current good period (None: not in one).
    pub good_since: Option<Time>,
    last_fault: Option<Time>,
    /// A fault event happened in the step being observed.
    pub fault_in_step: bool,
    leader_seen: bool,
    /// The newest leader in BROADCAST, its epoch, and since when.
    active: Option<(ServerId, Epoch, Time)>,
    up_since: Vec<Time>,
    /// When each server started its current LEADING attempt.
    pub leading_since: Vec<Option<Time>>,
}

impl Live {
    /// Bookkeeping for a cluster.
    pub fn new(cfg: &Config) -> Live {
        Live {
            bound: bound(cfg),
            timely: timing_admits_liveness(cfg),
            ..Live::default()
        }
    }

    /// Sizes the per-server tables (first observation).
    pub fn resize(&mut self, n: usize, now: Time) {
        self.up_since.resize(n, now);
        self.leading_since.resize(n, None);
    }

    /// A fault event at `at`.
    pub fn fault(&mut self, at: Time) {
        self.last_fault = Some(at);
        self.fault_in_step = true;
    }

    /// Server `i` restarted at `at`.
    pub fn restarted(&mut self, i: usize, at: Time) {
        if let Some(t) = self.up_since.get_mut(i) {
            *t = at;
        }
        if let Some(l) = self.leading_since.get_mut(i) {
            *l = None;
        }
    }

    /// Server `i` changed its ServerState at `at`.
    pub fn on_state(&mut self, i: usize, state: ServerState, at: Time) {
        if let Some(l) = self.leading_since.get_mut(i) {
            if state != ServerState::Leading {
                *l = None;
            } else if l.is_none() {
                *l = Some(at);
            }
        }
    }
}

impl Checker {
    /// Good-period tracking and the time-bounded checks L1 and L2.
    pub(super) fn check_liveness(&mut self, sim: &Sim) {
        let now = self.now;
        let quorum_up = self
            .cfg
            .is_quorum(self.views.iter().filter(|v| v.up).map(|v| &v.id));
        let live = &mut self.live;
        // No good period while the deadlines are shorter than the messages' way.
        let good = live.timely && sim.net.cut.is_empty() && quorum_up;
        if good {
            match live.good_since {
                None => {
                    live.good_since = Some(now);
                    live.leader_seen = false;
                }
                Some(_) if live.fault_in_step => {
                    live.good_since = Some(live.last_fault.unwrap_or(now).min(now));
                    live.leader_seen = false;
                }
                Some(_) => {}
            }
        } else {
            live.good_since = None;
        }
        live.fault_in_step = false;
        let leader = self.newest.map(|i| {
            let v = &self.views[i];
            (v.id, v.broadcast_leader().unwrap_or_default())
        });
        match (leader, live.active) {
            (Some((id, e)), Some((aid, ae, _))) if (id, e) == (aid, ae) => {}
            (Some((id, e)), _) => live.active = Some((id, e, now)),
            (None, _) => live.active = None,
        }
        let Some(t0) = live.good_since else { return };
        if leader.is_some() {
            live.leader_seen = true;
        }
        let bound = live.bound;
        if !live.leader_seen && now > t0 + bound && self.fresh(Inv::L1) {
            let up: Vec<ServerId> = self.views.iter().filter(|v| v.up).map(|v| v.id).collect();
            let detail = Detail::NoLeader { bound, since: t0 };
            self.report_at(Inv::L1, Inv::L1.info().name, t0 + bound, up, detail);
        }
        let Some((lid, le, ta)) = self.live.active else {
            return;
        };
        if !self.fresh(Inv::L2) {
            return;
        }
        for (i, v) in self.views.iter().enumerate() {
            if !v.up || v.phase == Phase::Broadcast || v.accepted_epoch > le {
                // A server that accepted a newer epoch (from a candidate that then
                // failed) refuses this leader's LEADERINFO for good: Zab's phase 1 and
                // Learner.registerWithLeader never take an epoch below acceptedEpoch
                // back. It can only join the next leader, so ZAB promises nothing here.
                continue;
            }
            let since = t0
                .max(ta)
                .max(self.live.up_since.get(i).copied().unwrap_or(0));
            if now > since + bound {
                let detail = Detail::NotJoined {
                    server: v.id,
                    leader: lid,
                    epoch: le,
                    bound,
                    since,
                    state: v.state,
                    phase: v.phase,
                };
                let ids = vec![v.id, lid];
                self.report_at(Inv::L2, Inv::L2.info().name, since + bound, ids, detail);
                return;
            }
        }
    }

    /// L3: a leader gave up waiting for NEWLEADER-ACKs although nothing failed since it
    /// started leading.
    pub(super) fn l3_left_role(&mut self, i: usize, reason: &RoleExit, at: Time) {
        let gave_up =
            RoleExit::LeaderShutdown(LeaderShutdown::WaitTimedOut(LeaderWait::NewLeaderAck));
        if *reason != gave_up || !self.fresh(Inv::L3) {
            return;
        }
        let (Some(t0), Some(since)) = (
            self.live.good_since,
            self.live.leading_since.get(i).copied().flatten(),
        ) else {
            return;
        };
        if self.live.fault_in_step || since < t0 {
            return;
        }
        let id = self.views[i].id;
        let detail = Detail::LeaderGaveUp {
            server: id,
            since,
            reason: reason.clone(),
        };
        self.report_at(Inv::L3, Inv::L3.info().name, at, vec![id], detail);
    }

    /// L3: a server exited on a protocol error during a good period.
    pub(super) fn l3_crash(&mut self, s: ServerId, reason: &CrashReason, at: Time) {
        if !matches!(reason, CrashReason::Exit(_)) || !self.fresh(Inv::L3) {
            return;
        }
        if self.live.good_since.is_none() || self.live.fault_in_step {
            return;
        }
        let detail = Detail::ExitedInGoodPeriod {
            server: s,
            reason: reason.clone(),
        };
        self.report_at(Inv::L3, Inv::L3.info().name, at, vec![s], detail);
    }

    /// L4: a restart failed its startup checks.
    pub(super) fn l4_failed(&mut self, s: ServerId, reason: &StartRefusal, at: Time) {
        if !self.fresh(Inv::L4) {
            return;
        }
        let detail = Detail::RestartRefused {
            server: s,
            reason: reason.clone(),
        };
        self.report_at(Inv::L4, Inv::L4.info().name, at, vec![s], detail);
    }
}
