//! Leaving LEADING / FOLLOWING / OBSERVING (spec §10): the role's connections and
//! timers go, waiting clients are told, the Sync thread is drained and the in-memory
//! database is brought back in line with the log before the next election.

use super::{
    Effect, LeaderState, LearnerState, Phase, Role, RoleExit, Server, ServerEvent, SyncMode, Timer,
    WriteFailure, WriteResult,
};
use crate::config::Bug;
use crate::packet::ServerState;
use crate::txn::Txn;

impl Server {
    /// Leaves LEADING / FOLLOWING / OBSERVING and goes back to LOOKING. The role's
    /// handler passes the phase and sync mode it was in (its state is lent out of
    /// [`Server::role`] while it runs).
    pub(crate) fn leave_role(&mut self, phase: Phase, sync_mode: SyncMode, reason: RoleExit) {
        self.event(ServerEvent::LeftRole { reason });
        self.role_gen += 1;
        for t in [
            Timer::LeaderTick,
            Timer::LeaderWait,
            Timer::LearnerRead,
            Timer::ConnectRetry,
            Timer::SessionExpiry,
        ] {
            self.cancel_timer(t);
        }
        self.close_client_connections();
        // Inside with_leader / with_learner the role's state is out of `self`; those
        // close its connections when `f` returns.
        let (leader, learner) = match std::mem::replace(&mut self.role, Role::Looking) {
            Role::Leading(l) => (Some(l), None),
            Role::Following(l) | Role::Observing(l) => (None, Some(l)),
            Role::Looking => (None, None),
        };
        self.close_role_connections(leader, learner);
        // A SNAP sync (or a full sync after a failed TRUNC) has replaced the in-memory
        // database with a partial image of another history.
        let was_snap_sync = phase == Phase::Synchronization
            && (sync_mode == SyncMode::Snap || self.disk.full_sync_needed);
        for (req, _) in std::mem::take(&mut self.pending_writes) {
            self.emit(Effect::ClientReply {
                req,
                result: WriteResult::Failed {
                    reason: WriteFailure::LostLeader { server: self.id },
                },
            });
        }
        if !self.bug(Bug::Zk4712) {
            // ZK-4712 fix: the Sync thread is shut down before the database is
            // fast-forwarded. SyncRequestProcessor.shutdown queues its request of death
            // behind the waiting txns, so they are appended and flushed first; no ACK
            // goes out for them (the role that asked is gone). With the bug the thread
            // lives on and appends them after the fast-forward.
            let queued: Vec<Txn> = self.sync.queue.drain(..).map(|(t, _)| t).collect();
            for txn in queued {
                let zxid = txn.zxid;
                self.disk.append(txn);
                self.event(ServerEvent::Append { zxid });
            }
            self.disk.flush_all();
        }
        if was_snap_sync && !self.bug(Bug::Zk3642) {
            // ZK-3642 fix: leaving during a SNAP sync reloads fully from disk.
            self.reload_from_disk(None);
        } else if !self.bug(Bug::Zk2845) {
            // ZK-2845 fix: fast-forward the in-memory database from the log.
            self.fast_forward();
        }
        self.announce(ServerState::Looking, Phase::Election);
        self.start_looking();
    }

    /// Closes the connections of a role left: Leader.shutdown shuts every
    /// LearnerHandler (its socket and its read), Learner.shutdown closes its own socket
    /// (spec §10), so the other side finds out at once rather than by a read timeout.
    pub(super) fn close_role_connections(
        &mut self,
        leader: Option<Box<LeaderState>>,
        learner: Option<Box<LearnerState>>,
    ) {
        for conn in leader.iter().flat_map(|l| l.handlers.keys()) {
            self.cancel_timer(Timer::HandlerRead { conn: *conn });
            self.emit(Effect::Close { conn: *conn });
        }
        if let Some(conn) = learner.and_then(|l| l.conn) {
            self.emit(Effect::Close { conn });
        }
    }
}
