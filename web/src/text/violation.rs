//! What a broken invariant found ([`Detail`]), in either language
//! (`web/locales/violations.yml`, `viol.*`). The English is the sentence core's
//! `Display` gives (the CLI and the JSON report keep it); the Chinese says the same
//! facts. Txns read the same in both (`0x100000002 (set /a=1)`), and so do ZooKeeper's
//! state, phase and event names.

use crate::t;
use crate::text::lang::{self, Lang};
use crate::text::narrate::reasons;
use zab_core::check::{Complaint, Detail, MessageRule, TxnAt};
use zab_core::ServerId;

/// The detail in the page's current language.
pub fn detail(d: &Detail) -> String {
    detail_in(d, lang::current())
}

/// Servers as a list: `1, 2 and 3` / `1、2 和 3`.
fn servers(ids: &[ServerId], lang: Lang) -> String {
    let l = lang.code();
    let names: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => t!(
            "viol.list_and",
            locale = l,
            init = init.join(&t!("viol.list_sep", locale = l)),
            last = last
        )
        .into_owned(),
    }
}

/// A txn, or "nothing".
fn or_nothing(t: &Option<TxnAt>, lang: Lang) -> String {
    match t {
        Some(t) => t.to_string(),
        None => t!("viol.nothing", locale = lang.code()).into_owned(),
    }
}

/// What a server reported when a packet arrived where it must not.
fn complaint(c: &Complaint, lang: Lang) -> String {
    match c {
        Complaint::Warning(w) => reasons::warning(w, lang),
        Complaint::LeftRole(r) => reasons::role_exit(r, lang),
        Complaint::Crash(c) => reasons::crash_reason(c, lang),
    }
}

/// The detail in `lang`.
pub fn detail_in(d: &Detail, lang: Lang) -> String {
    let l = lang.code();
    match d {
        Detail::EpochEstablishedTwice {
            epoch,
            servers: ids,
        } => t!(
            "viol.epoch_established_twice",
            locale = l,
            epoch = epoch,
            servers = servers(ids, lang)
        ),
        Detail::EpochProposedTwice { server, epoch } => t!(
            "viol.epoch_proposed_twice",
            locale = l,
            server = server,
            epoch = epoch
        ),
        Detail::ZxidOfOtherEpoch { server, epoch, txn } => t!(
            "viol.zxid_of_other_epoch",
            locale = l,
            server = server,
            epoch = epoch,
            txn = txn,
            txn_epoch = txn.zxid.epoch()
        ),
        Detail::ZxidBroadcastTwice {
            server,
            first,
            second,
        } => t!(
            "viol.zxid_broadcast_twice",
            locale = l,
            zxid = second.zxid,
            first = first,
            second = second,
            server = server
        ),
        Detail::AcceptedBelowCurrent {
            server,
            accepted,
            current,
        } => t!(
            "viol.accepted_below_current",
            locale = l,
            server = server,
            accepted = accepted,
            current = current
        ),
        Detail::DurableAheadOfEpoch {
            server,
            last,
            current,
        } => t!(
            "viol.durable_ahead_of_epoch",
            locale = l,
            server = server,
            last = last,
            last_epoch = last.epoch(),
            current = current
        ),
        Detail::SnapshotMislabelled {
            server,
            label,
            last,
        } => {
            let holds = match last {
                Some(z) => t!("viol.snap_holds_up_to", locale = l, zxid = z),
                None => t!("viol.snap_holds_none", locale = l),
            };
            t!(
                "viol.snapshot_mislabelled",
                locale = l,
                server = server,
                label = label,
                holds = holds
            )
        }
        Detail::HistoryRepeatsTxn { server, txn, first } => t!(
            "viol.history_repeats_txn",
            locale = l,
            server = server,
            txn = txn,
            first = first.number(),
            second = first.number() + 1
        ),
        Detail::HistoryZxidClash {
            server,
            earlier,
            later,
            first,
        } => t!(
            "viol.history_zxid_clash",
            locale = l,
            server = server,
            zxid = later.zxid,
            earlier = earlier,
            later = later,
            first = first.number(),
            second = first.number() + 1
        ),
        Detail::HeldOtherThanBroadcast {
            server,
            held,
            broadcast,
        } => t!(
            "viol.held_other_than_broadcast",
            locale = l,
            server = server,
            held = held,
            zxid = held.zxid,
            broadcast = broadcast
        ),
        Detail::CommittedTxnLost {
            server,
            txn,
            position,
        } => t!(
            "viol.committed_txn_lost",
            locale = l,
            server = server,
            txn = txn,
            pos = position.number()
        ),
        Detail::LeaderLacksCommitted {
            server,
            epoch,
            txn,
            committed_in,
            position,
            holds,
        } => {
            let when = match committed_in {
                Some(e) => t!("viol.committed_in", locale = l, epoch = e).into_owned(),
                None => String::new(),
            };
            t!(
                "viol.leader_lacks_committed",
                locale = l,
                server = server,
                epoch = epoch,
                txn = txn,
                when = when,
                pos = position.number(),
                holds = or_nothing(holds, lang)
            )
        }
        Detail::LeaderCountsTooFew {
            server,
            epoch,
            counted,
            committed,
            last,
        } => t!(
            "viol.leader_counts_too_few",
            locale = l,
            server = server,
            epoch = epoch,
            counted = counted,
            committed = committed,
            last = last
        ),
        Detail::AckedWriteLost { zxid, moved_to } => t!(
            "viol.acked_write_lost",
            locale = l,
            zxid = zxid,
            moved_to = moved_to
        ),
        Detail::DeliveredSkipped {
            server,
            txn,
            primary,
            epoch,
        } => t!(
            "viol.delivered_skipped",
            locale = l,
            server = server,
            txn = txn,
            txn_epoch = txn.zxid.epoch(),
            primary = primary,
            epoch = epoch
        ),
        Detail::SkippedByNewPrimary {
            server,
            txn,
            primary,
            epoch,
        } => t!(
            "viol.skipped_by_new_primary",
            locale = l,
            server = server,
            txn = txn,
            txn_epoch = txn.zxid.epoch(),
            primary = primary,
            epoch = epoch
        ),
        Detail::DeliveredOtherThanBroadcast {
            server,
            delivered,
            broadcast,
        } => t!(
            "viol.delivered_other_than_broadcast",
            locale = l,
            server = server,
            delivered = delivered,
            broadcast = broadcast
        ),
        Detail::DeliveredUnbroadcast { server, txn } => t!(
            "viol.delivered_unbroadcast",
            locale = l,
            server = server,
            txn = txn
        ),
        Detail::DeliveredEpochsOutOfOrder {
            server,
            newer,
            older,
        } => t!(
            "viol.delivered_epochs_out_of_order",
            locale = l,
            server = server,
            newer = newer,
            newer_epoch = newer.zxid.epoch(),
            older = older,
            older_epoch = older.zxid.epoch()
        ),
        Detail::DeliveredWithoutPrevious {
            server,
            txn,
            previous,
            primary,
        } => t!(
            "viol.delivered_without_previous",
            locale = l,
            server = server,
            txn = txn,
            previous = previous,
            primary = primary,
            epoch = txn.zxid.epoch()
        ),
        Detail::CommittedDisagree {
            a,
            b,
            position,
            a_txn,
            b_txn,
        } => t!(
            "viol.committed_disagree",
            locale = l,
            a = a,
            b = b,
            pos = position.number(),
            a_txn = a_txn,
            b_txn = b_txn
        ),
        Detail::DeliveredApart {
            a,
            b,
            only_a,
            only_b,
        } => t!(
            "viol.delivered_apart",
            locale = l,
            a = a,
            b = b,
            only_a = only_a,
            only_b = only_b
        ),
        Detail::DeliveredInOtherOrder { x, y, txn } => t!(
            "viol.delivered_in_other_order",
            locale = l,
            x = x,
            y = y,
            txn = txn
        ),
        Detail::HistoryNotLeaderPrefix {
            follower,
            leader,
            epoch,
            position,
            holds,
            leader_holds,
        } => t!(
            "viol.history_not_leader_prefix",
            locale = l,
            follower = follower,
            leader = leader,
            epoch = epoch,
            pos = position.number(),
            holds = holds,
            leader_holds = or_nothing(leader_holds, lang)
        ),
        Detail::FollowerCountsMore {
            follower,
            counted,
            leader,
            leader_counted,
        } => t!(
            "viol.follower_counts_more",
            locale = l,
            follower = follower,
            counted = counted,
            leader = leader,
            leader_counted = leader_counted
        ),
        Detail::CommittedNotLeaderPrefix {
            follower,
            leader,
            position,
            committed,
            leader_holds,
        } => t!(
            "viol.committed_not_leader_prefix",
            locale = l,
            follower = follower,
            leader = leader,
            pos = position.number(),
            committed = committed,
            leader_holds = or_nothing(leader_holds, lang)
        ),
        Detail::LeaderLacksDelivered {
            follower,
            txn,
            leader,
            epoch,
        } => t!(
            "viol.leader_lacks_delivered",
            locale = l,
            follower = follower,
            txn = txn,
            txn_epoch = txn.zxid.epoch(),
            leader = leader,
            epoch = epoch
        ),
        Detail::TwoLeaders { a, b, epoch } => {
            t!("viol.two_leaders", locale = l, a = a, b = b, epoch = epoch)
        }
        Detail::NoLeader { bound, since } => {
            t!("viol.no_leader", locale = l, bound = bound, since = since)
        }
        Detail::NotJoined {
            server,
            leader,
            epoch,
            bound,
            since,
            state,
            phase,
        } => t!(
            "viol.not_joined",
            locale = l,
            server = server,
            leader = leader,
            epoch = epoch,
            bound = bound,
            since = since,
            state = state.name(),
            phase = phase.name()
        ),
        Detail::LeaderGaveUp {
            server,
            since,
            reason,
        } => t!(
            "viol.leader_gave_up",
            locale = l,
            server = server,
            since = since,
            reason = reasons::role_exit(reason, lang)
        ),
        Detail::ExitedInGoodPeriod { server, reason } => t!(
            "viol.exited_in_good_period",
            locale = l,
            server = server,
            reason = reasons::crash_reason(reason, lang)
        ),
        Detail::RestartRefused { server, reason } => t!(
            "viol.restart_refused",
            locale = l,
            server = server,
            reason = reasons::start_refusal(reason, lang)
        ),
        Detail::CommittedChanged {
            leader,
            epoch,
            txn,
            position,
            before,
        } => t!(
            "viol.committed_changed",
            locale = l,
            leader = leader,
            epoch = epoch,
            txn = txn,
            pos = position.number(),
            before = before
        ),
        Detail::IllegalPacket {
            server,
            rule,
            complaint: c,
        } => {
            let c = complaint(c, lang);
            match rule {
                MessageRule::CommitConsistent => t!(
                    "viol.illegal.commit_consistent",
                    locale = l,
                    server = server,
                    complaint = c
                ),
                MessageRule::ProposalConsistent => t!(
                    "viol.illegal.proposal_consistent",
                    locale = l,
                    server = server,
                    complaint = c
                ),
                MessageRule::AckConsistent => t!(
                    "viol.illegal.ack_consistent",
                    locale = l,
                    server = server,
                    complaint = c
                ),
                MessageRule::MessageLegal => t!(
                    "viol.illegal.message_legal",
                    locale = l,
                    server = server,
                    complaint = c
                ),
            }
        }
        Detail::ViewWentBack { client, zxid, seen } => t!(
            "viol.view_went_back",
            locale = l,
            client = client,
            zxid = zxid,
            seen = seen
        ),
        Detail::AnsweredOutOfOrder {
            server,
            client,
            call,
            later,
        } => t!(
            "viol.answered_out_of_order",
            locale = l,
            server = server,
            client = client,
            call = call.0,
            later = later.0
        ),
        Detail::WatchNotPending {
            server,
            client,
            event,
            path,
        } => t!(
            "viol.watch_not_pending",
            locale = l,
            server = server,
            client = client,
            event = event.name(),
            path = path
        ),
        Detail::WatchWithoutChange {
            server,
            client,
            event,
            path,
        } => t!(
            "viol.watch_without_change",
            locale = l,
            server = server,
            client = client,
            event = event.name(),
            path = path
        ),
        Detail::SequentialOutOfOrder {
            path,
            zxid,
            other,
            parent,
        } => t!(
            "viol.sequential_out_of_order",
            locale = l,
            path = path,
            zxid = zxid,
            other = other,
            parent = parent
        ),
        Detail::EphemeralOrphan {
            server,
            path,
            owner,
        } => t!(
            "viol.ephemeral_orphan",
            locale = l,
            server = server,
            path = path,
            owner = owner
        ),
        // The scenario error is core's English (a sweep's own finding; the app runs
        // no sweeps).
        Detail::InvalidScenario(e) => t!("viol.invalid_scenario", locale = l, error = e),
        // A panic's message is Rust's own text.
        Detail::SimulatorPanic(message) => {
            t!("viol.simulator_panic", locale = l, message = message)
        }
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::narrate::check::{english_run, is_name};
    use zab_core::check::Pos;
    use zab_core::packet::ServerState;
    use zab_core::server::{
        HaltReason, LeaderShutdown, LeaderWait, Phase, RoleExit, StartRefusal, Warning,
    };
    use zab_core::sim::CrashReason;
    use zab_core::tree::EventType;
    use zab_core::txn::{Op, ReqId};
    use zab_core::{ClientId, Epoch, SessionId, Zxid};

    fn z(e: u32, c: u32) -> Zxid {
        Zxid::new(Epoch(e), c)
    }

    fn txn(c: u32, path: &str) -> TxnAt {
        TxnAt {
            zxid: z(1, c),
            op: Op::Set {
                path: path.to_string(),
                data: "1".to_string(),
            },
        }
    }

    /// One value of every variant (as core's own test lists them).
    fn examples() -> Vec<Detail> {
        let (s1, s2, s3) = (ServerId(1), ServerId(2), ServerId(3));
        let bad = zab_core::scenario::Scenario::from_json("{").expect_err("not a scenario");
        let all = vec![
            Detail::EpochEstablishedTwice {
                epoch: Epoch(2),
                servers: vec![s1, s2, s3],
            },
            Detail::EpochProposedTwice {
                server: s1,
                epoch: Epoch(1),
            },
            Detail::ZxidOfOtherEpoch {
                server: s1,
                epoch: Epoch(1),
                txn: TxnAt {
                    zxid: z(2, 1),
                    ..txn(1, "/r")
                },
            },
            Detail::ZxidBroadcastTwice {
                server: s2,
                first: txn(5, "/a"),
                second: txn(5, "/b"),
            },
            Detail::AcceptedBelowCurrent {
                server: s1,
                accepted: Epoch(0),
                current: Epoch(1),
            },
            Detail::DurableAheadOfEpoch {
                server: s1,
                last: z(1, 4),
                current: Epoch(0),
            },
            Detail::SnapshotMislabelled {
                server: s1,
                label: z(1, 5),
                last: Some(z(1, 3)),
            },
            Detail::HistoryRepeatsTxn {
                server: s1,
                txn: txn(2, "/a"),
                first: Pos(1),
            },
            Detail::HistoryZxidClash {
                server: s1,
                earlier: txn(5, "/a"),
                later: txn(5, "/d"),
                first: Pos(4),
            },
            Detail::HeldOtherThanBroadcast {
                server: s1,
                held: txn(3, "/e"),
                broadcast: txn(3, "/a"),
            },
            Detail::CommittedTxnLost {
                server: s1,
                txn: txn(3, "/a"),
                position: Pos(2),
            },
            Detail::LeaderLacksCommitted {
                server: s1,
                epoch: Epoch(2),
                txn: txn(2, "/k"),
                committed_in: Some(Epoch(1)),
                position: Pos(1),
                holds: None,
            },
            Detail::LeaderCountsTooFew {
                server: s1,
                epoch: Epoch(2),
                counted: 1,
                committed: 3,
                last: txn(3, "/a"),
            },
            Detail::AckedWriteLost {
                zxid: z(0, 7),
                moved_to: z(1, 2),
            },
            Detail::DeliveredSkipped {
                server: s1,
                txn: txn(3, "/a"),
                primary: s2,
                epoch: Epoch(2),
            },
            Detail::SkippedByNewPrimary {
                server: s1,
                txn: txn(3, "/a"),
                primary: s2,
                epoch: Epoch(2),
            },
            Detail::DeliveredOtherThanBroadcast {
                server: s1,
                delivered: txn(3, "/e"),
                broadcast: txn(3, "/a"),
            },
            Detail::DeliveredUnbroadcast {
                server: s1,
                txn: txn(9, "/x"),
            },
            Detail::DeliveredEpochsOutOfOrder {
                server: s1,
                newer: TxnAt {
                    zxid: z(2, 1),
                    ..txn(1, "/b")
                },
                older: txn(4, "/a"),
            },
            Detail::DeliveredWithoutPrevious {
                server: s1,
                txn: txn(3, "/b"),
                previous: txn(2, "/a"),
                primary: s3,
            },
            Detail::CommittedDisagree {
                a: s1,
                b: s2,
                position: Pos(2),
                a_txn: txn(3, "/e"),
                b_txn: txn(3, "/a"),
            },
            Detail::DeliveredApart {
                a: s1,
                b: s2,
                only_a: txn(3, "/a"),
                only_b: txn(4, "/b"),
            },
            Detail::DeliveredInOtherOrder {
                x: s1,
                y: s2,
                txn: txn(3, "/a"),
            },
            Detail::HistoryNotLeaderPrefix {
                follower: s2,
                leader: s1,
                epoch: Epoch(1),
                position: Pos(0),
                holds: txn(1, "/a"),
                leader_holds: Some(txn(1, "/b")),
            },
            Detail::FollowerCountsMore {
                follower: s2,
                counted: 4,
                leader: s1,
                leader_counted: 3,
            },
            Detail::CommittedNotLeaderPrefix {
                follower: s2,
                leader: s1,
                position: Pos(0),
                committed: txn(1, "/a"),
                leader_holds: None,
            },
            Detail::LeaderLacksDelivered {
                follower: s2,
                txn: txn(3, "/a"),
                leader: s1,
                epoch: Epoch(2),
            },
            Detail::TwoLeaders {
                a: s1,
                b: s2,
                epoch: Epoch(1),
            },
            Detail::NoLeader {
                bound: 9000,
                since: 0,
            },
            Detail::NotJoined {
                server: s3,
                leader: s1,
                epoch: Epoch(1),
                bound: 9000,
                since: 100,
                state: ServerState::Looking,
                phase: Phase::Election,
            },
            Detail::LeaderGaveUp {
                server: s1,
                since: 200,
                reason: RoleExit::LeaderShutdown(LeaderShutdown::WaitTimedOut(
                    LeaderWait::NewLeaderAck,
                )),
            },
            Detail::ExitedInGoodPeriod {
                server: s2,
                reason: CrashReason::Exit(HaltReason::UnmatchedCommit {
                    received: z(1, 7),
                    expected: z(1, 6),
                }),
            },
            Detail::RestartRefused {
                server: s2,
                reason: StartRefusal::AcceptedBehindCurrent {
                    accepted: Epoch(0),
                    current: Epoch(1),
                },
            },
            Detail::CommittedChanged {
                leader: s1,
                epoch: Epoch(2),
                txn: txn(2, "/b"),
                position: Pos(1),
                before: txn(2, "/a"),
            },
            Detail::IllegalPacket {
                server: s2,
                rule: MessageRule::ProposalConsistent,
                complaint: Complaint::Warning(Warning::ProposalGap {
                    got: z(1, 5),
                    expected: z(1, 4),
                }),
            },
            Detail::ViewWentBack {
                client: ClientId(1),
                zxid: z(1, 2),
                seen: z(1, 3),
            },
            Detail::AnsweredOutOfOrder {
                server: s1,
                client: ClientId(1),
                call: ReqId(3),
                later: ReqId(4),
            },
            Detail::WatchNotPending {
                server: s1,
                client: ClientId(1),
                event: EventType::NodeDataChanged,
                path: "/a".to_string(),
            },
            Detail::WatchWithoutChange {
                server: s1,
                client: ClientId(1),
                event: EventType::NodeCreated,
                path: "/a".to_string(),
            },
            Detail::SequentialOutOfOrder {
                path: "/q/n-0000000001".to_string(),
                zxid: z(1, 3),
                other: "0000000002".to_string(),
                parent: "/q".to_string(),
            },
            Detail::EphemeralOrphan {
                server: s1,
                path: "/e".to_string(),
                owner: SessionId(0x1_0000_0001),
            },
            Detail::InvalidScenario(bad),
            Detail::SimulatorPanic("index out of bounds".to_string()),
        ];
        all
    }

    /// The English is core's sentence, word for word, for every kind of finding.
    #[test]
    fn the_english_is_cores_sentence() {
        let all = examples();
        assert!(all.len() >= 43);
        for d in &all {
            assert_eq!(detail_in(d, Lang::En), d.to_string(), "{d:?}");
        }
    }

    /// The first ASCII word of four or more letters in a Chinese text that is not one
    /// of ZooKeeper's names (nor a txn's own name in its label, nor "watch", which
    /// docs/glossary.md keeps in Latin letters).
    fn english_word(text: &str) -> Option<&str> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 4)
            .find(|w| !is_name(w) && !matches!(*w, "create" | "delete" | "watch"))
    }

    /// In Chinese every finding is Chinese, apart from ZooKeeper's names, the txns'
    /// labels and the text a sweep's own findings quote (a scenario error, a panic).
    #[test]
    fn the_chinese_is_chinese() {
        for d in examples() {
            let zh = detail_in(&d, Lang::Zh);
            assert_ne!(zh, detail_in(&d, Lang::En), "{d:?}");
            if matches!(d, Detail::InvalidScenario(_) | Detail::SimulatorPanic(_)) {
                continue;
            }
            assert_eq!(english_run(&zh), None, "{zh}");
            assert_eq!(english_word(&zh), None, "{zh}");
        }
    }

    #[test]
    fn a_few_findings_in_chinese() {
        let all = examples();
        let find = |f: fn(&Detail) -> bool| all.iter().find(|d| f(d)).expect("listed");
        assert_eq!(
            detail_in(find(|d| matches!(d, Detail::EpochEstablishedTwice { .. })), Lang::Zh),
            "纪元 2 被不止一台服务器确立（1、2 和 3）：每台都在收齐自己的 ACKEPOCH 法定人数后持久化了 currentEpoch = 2，于是这个纪元有了两个主进程"
        );
        assert_eq!(
            detail_in(find(|d| matches!(d, Detail::LeaderLacksCommitted { .. })), Lang::Zh),
            "服务器 1 领导纪元 2，但它的历史缺少已提交事务 0x100000002 (set /k=1)（在纪元 1 中提交）：它在第 2 位持有的是 空（没有事务）"
        );
        let t3 = detail_in(
            find(|d| matches!(d, Detail::IllegalPacket { .. })),
            Lang::Zh,
        );
        assert!(
            t3.starts_with("服务器 2 收到了一个不紧接上一个提议的 PROPOSAL："),
            "{t3}"
        );
        let l3 = detail_in(
            find(|d| matches!(d, Detail::ExitedInGoodPeriod { .. })),
            Lang::Zh,
        );
        assert!(l3.contains("进程退出：COMMIT 0x100000007"), "{l3}");
    }
}
