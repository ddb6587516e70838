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
/// "holds <txn>" or "holds nothing" as a whole clause: Chinese words the empty case
/// differently ("没有任何事务"), not as a noun in the txn's place.
fn holds_clause(t: &Option<TxnAt>, lang: Lang) -> String {
    match t {
        Some(t) => t!("viol.holds_txn", locale = lang.code(), txn = t).into_owned(),
        None => t!("viol.holds_nothing", locale = lang.code()).into_owned(),
    }
}

/// "committed <txn>" or "committed nothing", as [`holds_clause`].
fn committed_clause(t: &Option<TxnAt>, lang: Lang) -> String {
    match t {
        Some(t) => t!("viol.committed_txn", locale = lang.code(), txn = t).into_owned(),
        None => t!("viol.committed_nothing", locale = lang.code()).into_owned(),
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
                holds = holds_clause(holds, lang)
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
            leader_holds = holds_clause(leader_holds, lang)
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
            leader_committed = committed_clause(leader_holds, lang)
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
    use zab_core::check::detail::examples::examples;

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
    /// of ZooKeeper's names (nor a txn's own name in its label, nor a znode path's
    /// segment, nor "watch", which docs/glossary.md keeps in Latin letters).
    fn english_word(text: &str) -> Option<&str> {
        let mut start = 0;
        text.split(|c: char| !c.is_ascii_alphabetic())
            .map(|w| {
                let in_path = text[..start].ends_with('/');
                start += w.len()
                    + text[start + w.len()..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                (w, in_path)
            })
            .find(|(w, in_path)| {
                w.len() >= 4
                    && !in_path
                    && !is_name(w)
                    && !matches!(*w, "create" | "delete" | "watch")
            })
            .map(|(w, _)| w)
    }

    #[test]
    fn the_english_word_finder_finds_english_and_passes_paths_and_names() {
        assert_eq!(english_word("服务器 2 crashed 了"), Some("crashed"));
        assert_eq!(
            english_word("事务 0x200000001 (set /roll=1) 的 LEADING 状态"),
            None
        );
        assert_eq!(english_word("/roll 之后 roll 了"), Some("roll"));
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
        // The Chinese of the listed example `f` picks.
        let zh = |f: fn(&Detail) -> bool| {
            detail_in(all.iter().find(|d| f(d)).expect("listed"), Lang::Zh)
        };
        assert_eq!(
            zh(|d| matches!(d, Detail::EpochEstablishedTwice { .. })),
            "纪元 2 被不止一台服务器确立（1、2 和 3）：每台都在收齐自己的 ACKEPOCH 法定人数后持久化了 currentEpoch = 2，于是这个纪元有了两个主进程"
        );
        assert_eq!(
            zh(|d| matches!(d, Detail::LeaderLacksCommitted { .. })),
            "服务器 1 领导纪元 2，但它的历史缺少已提交事务 0x100000002 (set /k1=1)（在纪元 1 中提交）：它在第 2 位没有任何事务"
        );
        // The empty place is a clause of its own in Chinese, not a noun where a txn goes.
        let committed = zh(|d| matches!(d, Detail::CommittedNotLeaderPrefix { .. }));
        assert!(
            committed.ends_with("，领导者在这一位没有提交任何事务"),
            "{committed}"
        );
        let prefix = zh(|d| matches!(d, Detail::HistoryNotLeaderPrefix { .. }));
        assert!(prefix.contains("，领导者持有的是 0x"), "{prefix}");
        let t3 = zh(|d| matches!(d, Detail::IllegalPacket { .. }));
        assert!(
            t3.starts_with("服务器 2 收到了一个不紧接上一个提议的 PROPOSAL："),
            "{t3}"
        );
        let l3 = zh(|d| matches!(d, Detail::ExitedInGoodPeriod { .. }));
        assert!(l3.contains("进程退出：COMMIT 0x100000007"), "{l3}");
    }
}
