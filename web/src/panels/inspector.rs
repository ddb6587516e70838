//! The server inspector: one server's durable state (epoch files, the txn log with
//! its fsync mark, snapshots) beside its volatile state (role, phase, sync mode, FLE
//! round and votes, a leader's learners and outstanding proposals, the committed-log
//! window, the data tree), and the reasons behind them: how a restart rebuilt it, why
//! its votes changed, why its leader chose DIFF/TRUNC/SNAP, why a proposal is not
//! committed yet, why it refuses to start.

use yew::prelude::*;

use std::rc::Rc;

use crate::engine::inspect::{DurableView, InspectView, VolatileView};
use crate::engine::views::Role;
use crate::state::model::{Model, Msg, Selection};
use crate::text::explain;

/// What the inspector draws: the picker's servers and the selected one's view.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectorData {
    /// Every server's id and role, for the picker.
    pub servers: Vec<(u32, Role)>,
    /// The server picked (a selected link inspects its first end).
    pub selected: Option<u32>,
    /// Its view.
    pub view: Option<InspectView>,
}

impl InspectorData {
    /// Read from the model.
    pub fn read(m: &Model) -> InspectorData {
        let n = m.engine.size();
        let selected = match m.selection {
            Selection::Server(id) if id >= 1 && id <= n => Some(id),
            Selection::Link(a, _) if a >= 1 && a <= n => Some(a),
            _ => None,
        };
        InspectorData {
            servers: m.engine.servers().iter().map(|s| (s.id, s.role)).collect(),
            selected,
            view: selected.and_then(|id| m.engine.inspect(id)),
        }
    }
}

/// Props of the inspector.
#[derive(Properties, Clone, PartialEq)]
pub struct InspectorProps {
    /// What it draws.
    pub data: Rc<InspectorData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

fn opt_epoch(e: Option<u32>) -> String {
    e.map_or_else(|| "not written yet".into(), |e| e.to_string())
}

fn durable_side(id: u32, d: &DurableView) -> Html {
    let unflushed = d.log_len - d.flushed;
    html! {
        <div class="inspect-side durable" data-inspect="durable"
             data-disk-accepted-epoch={d.accepted_epoch.map(|e| e.to_string()).unwrap_or_default()}
             data-disk-current-epoch={d.current_epoch.map(|e| e.to_string()).unwrap_or_default()}
             data-log-length={d.log_len.to_string()} data-flushed-count={d.flushed.to_string()}>
            <h3>{"Durable: on disk"}<span class="side-note">{"survives a crash"}</span></h3>
            <dl class="facts">
                <dt>{"acceptedEpoch file"}</dt><dd>{opt_epoch(d.accepted_epoch)}</dd>
                <dt>{"currentEpoch file"}</dt><dd>{opt_epoch(d.current_epoch)}</dd>
                if let Some(e) = d.updating_epoch {
                    <dt>{"updatingEpoch marker"}</dt>
                    <dd data-disk-updating-epoch={e.to_string()}>{format!("{e}: a restart now finishes the change to epoch {e}")}</dd>
                }
                if d.full_sync_needed {
                    <dt>{"needsFullSync marker"}</dt>
                    <dd data-disk-full-sync-needed="true">{"a TRUNC found no snapshot to rebuild from: the next sync reports zxid 0 and takes the leader's whole history"}</dd>
                }
                <dt>{"last fsynced zxid"}</dt><dd>{d.last_flushed.to_string()}</dd>
            </dl>
            <h4>{format!("Txn log: {} entr{}, {} fsynced", d.log_len, if d.log_len == 1 { "y" } else { "ies" }, d.flushed)}</h4>
            if d.log.is_empty() {
                <p class="hint">{"The log is empty."}</p>
            } else {
                <ol class="inspect-log" aria-label={format!("Server {id} txn log")}>
                    if d.hidden > 0 {
                        <li class="more">{format!("… {} older entr{}", d.hidden, if d.hidden == 1 { "y" } else { "ies" })}</li>
                    }
                    { for d.log.iter().enumerate().map(|(i, l)| {
                        let first_unflushed = !l.flushed && (i == 0 || d.log[i - 1].flushed);
                        html! { <>
                            if first_unflushed {
                                <li class="flush-mark" aria-label="fsync mark: entries below are not durable">
                                    {format!("── fsync mark: the {unflushed} entr{} below would be lost in a crash ──", if unflushed == 1 { "y" } else { "ies" })}
                                </li>
                            }
                            <li class={classes!("log-line", (!l.flushed).then_some("unflushed"))}
                                data-inspect-zxid={l.zxid.to_string()} data-inspect-flushed={l.flushed.to_string()}>
                                <span class="zxid">{l.zxid.to_string()}</span>
                                <span class="op">{l.op.clone()}</span>
                                <span class="flag">{ if l.flushed { "✓ fsynced" } else { "✗ not fsynced" } }</span>
                            </li>
                        </> }
                    }) }
                </ol>
            }
            if d.purged_upto.0 > 0 {
                <p class="hint">{format!("Purged: nothing at or below {} is in the log any more (a snapshot covers it).", d.purged_upto)}</p>
            }
            <h4>{format!("Snapshots: {}", d.snapshots.len())}</h4>
            if d.snapshots.is_empty() {
                <p class="hint">{"No snapshot on disk."}</p>
            } else {
                <ul class="inspect-snaps">
                    { for d.snapshots.iter().map(|s| html! {
                        <li data-inspect-snapshot={s.zxid.to_string()}>
                            <span class="snapshot">{format!("snapshot {}", s.zxid)}</span>
                            {format!(" {} znode{}, {} txn{} applied", s.nodes, if s.nodes == 1 { "" } else { "s" }, s.txns, if s.txns == 1 { "" } else { "s" })}
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

fn wiped_side(v: &InspectView) -> Html {
    let reason = v.down_reason.clone().unwrap_or_default();
    html! {
        <div class="inspect-side volatile wiped" data-inspect="volatile" data-wiped="true">
            <h3>{"Volatile: in memory"}<span class="side-note">{"lost in a crash"}</span></h3>
            <p class="wiped-banner" role="note">
                <strong>{"✗ Lost in the crash."}</strong>
                {format!(" Server {} is down ({reason}). Everything that lived in memory is gone:", v.id)}
            </p>
            <ul class="wiped-list">
                <li>{"role, ZAB phase and sync mode"}</li>
                <li>{"the FLE round, its proposal and the votes received"}</li>
                <li>{"the in-memory data tree and lastProcessedZxid"}</li>
                <li>{"the committed log kept for DIFF"}</li>
                <li>{"leader state: learners, outstanding proposals and their ACKs; learner state: pending txns"}</li>
                <li>{"log entries that were not fsynced yet"}</li>
            </ul>
            <p class="hint">{"The disk on the left is intact: a restart loads the newest snapshot and replays the log after it."}</p>
        </div>
    }
}

fn volatile_side(v: &InspectView, s: &VolatileView) -> Html {
    let committed = match s.committed_log {
        Some((a, b, n)) => format!("{a} .. {b} ({n} txn{})", if n == 1 { "" } else { "s" }),
        None => "empty".into(),
    };
    let fle = s.fle.as_ref().map(|f| {
        let proposal = f.proposal;
        html! {
            <div class="inspect-block" data-inspect="fle">
                <h4>{format!("Fast Leader Election: round {}{}", f.round, if f.finalizing { ", a quorum agrees: waiting finalizeWait" } else { "" })}</h4>
                <p data-explain="vote" class="why-line">{explain::proposal_sentence(v.id, &s.own_vote, &proposal, &f.proposal_vs_own)}</p>
                if f.received.is_empty() {
                    <p class="hint">{"No vote received in this round yet."}</p>
                } else {
                    <table class="inspect-table votes">
                        <caption>{"Votes received (recvset)"}</caption>
                        <thead><tr><th scope="col">{"from"}</th><th scope="col">{"vote (leader, zxid, peerEpoch)"}</th><th scope="col">{"state"}</th><th scope="col">{"against my proposal"}</th></tr></thead>
                        <tbody>
                            { for f.received.iter().map(|r| {
                                html! {
                                    <tr data-vote-from={r.from.to_string()}>
                                        <td>{r.from}</td>
                                        <td class="mono">{r.vote.label()}</td>
                                        <td>{r.state}</td>
                                        <td data-explain="vote">{ if r.agrees { format!("✓ agrees with {}", proposal.label()) } else { explain::vote_sentence(&r.vote, &proposal, &r.against_proposal) } }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                }
                if !f.out_of_election.is_empty() {
                    <p class="hint">{ format!("Established servers answered: {}", f.out_of_election.iter().map(|r| format!("{} is {} for {}", r.from, r.state, r.vote.label())).collect::<Vec<_>>().join("; ")) }</p>
                }
            </div>
        }
    });
    let leader = s.leader.as_ref().map(|l| {
        html! {
            <div class="inspect-block" data-inspect="leader">
                <h4>{format!("Leader of epoch {}", l.epoch.map_or("?".to_string(), |e| e.to_string()))}</h4>
                <dl class="facts">
                    <dt>{"stage"}</dt><dd>{l.stage}</dd>
                    <dt>{"lastProposed / lastCommitted"}</dt><dd>{format!("{} / {}", l.last_proposed, l.last_committed)}</dd>
                    if !l.new_leader_acks.is_empty() {
                        <dt>{"NEWLEADER-ACKs"}</dt><dd>{format!("from {}: {} of {} needed", l.new_leader_acks.iter().map(u32::to_string).collect::<Vec<_>>().join(", "), l.new_leader_acks.len(), v.quorum)}</dd>
                    }
                </dl>
                if !l.learners.is_empty() {
                    <table class="inspect-table learners">
                        <caption>{"Learners"}</caption>
                        <thead><tr><th scope="col">{"server"}</th><th scope="col">{"stage"}</th><th scope="col">{"sync"}</th><th scope="col">{"last zxid (ACKEPOCH)"}</th><th scope="col">{"unACKed"}</th></tr></thead>
                        <tbody>
                            { for l.learners.iter().map(|r| html! {
                                <tr data-learner-row={r.sid.to_string()} data-sync-mode={r.sync_mode}>
                                    <td>{format!("{}{}", r.sid, if r.observer { " (observer)" } else { "" })}</td>
                                    <td>{r.stage}</td>
                                    <td class="mono">{r.sync_mode}</td>
                                    <td class="mono">{r.peer_last_zxid.to_string()}</td>
                                    <td>{r.unacked}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                <h4>{format!("Outstanding proposals: {}", l.outstanding.len())}</h4>
                if l.outstanding.is_empty() {
                    <p class="hint">{"None: every proposal so far is committed."}</p>
                } else {
                    <ul class="why-list">
                        { for l.outstanding.iter().map(|p| html! {
                            <li data-explain="commit" data-proposal-zxid={p.zxid.to_string()} data-acks={p.check.acks.to_string()}
                                data-quorum={p.check.quorum.to_string()} data-leader-acked={p.check.leader_acked.to_string()}>
                                {explain::commit_sentence(p, v.participants, v.id)}
                            </li>
                        }) }
                    </ul>
                }
            </div>
        }
    });
    let learner = s.learner.as_ref().map(|l| {
        html! {
            <div class="inspect-block" data-inspect="learner">
                <h4>{format!("Learner of leader {}", l.leader)}</h4>
                <dl class="facts">
                    <dt>{"stage"}</dt><dd>{l.stage}</dd>
                    <dt>{"lastQueued"}</dt><dd>{l.last_queued.to_string()}</dd>
                    <dt>{"txns pending"}</dt><dd>{l.pending}</dd>
                </dl>
            </div>
        }
    });
    html! {
        <div class="inspect-side volatile" data-inspect="volatile" data-wiped="false"
             data-inspect-role={s.state} data-inspect-phase={s.phase} data-sync-mode={s.sync_mode}>
            <h3>{"Volatile: in memory"}<span class="side-note">{"lost in a crash"}</span></h3>
            <dl class="facts">
                <dt>{"role / phase"}</dt><dd>{format!("{} / {}", s.state, s.phase)}</dd>
                <dt>{"sync mode"}</dt><dd>{s.sync_mode}</dd>
                <dt>{"lastProcessedZxid"}</dt><dd>{s.applied.to_string()}</dd>
                <dt>{"committed log (for DIFF)"}</dt><dd>{committed}</dd>
                <dt>{"currentVote"}</dt><dd>{s.current_vote.label()}</dd>
                <dt>{"Sync thread"}</dt><dd>{format!("{} queued{}", s.sync_queue, if s.fsync_in_flight { ", an fsync in flight" } else { "" })}</dd>
            </dl>
            {fle.unwrap_or_default()}
            {leader.unwrap_or_default()}
            {learner.unwrap_or_default()}
            <h4>{format!("Data tree: {} znode{}", s.tree.len(), if s.tree.len() == 1 { "" } else { "s" })}</h4>
            if s.tree.is_empty() {
                <p class="hint">{"empty"}</p>
            } else {
                <ul class="inspect-tree">
                    { for s.tree.iter().map(|(k, val)| html! { <li><span class="mono">{format!("{k} = {val}")}</span></li> }) }
                </ul>
            }
        </div>
    }
}

fn why_side(v: &InspectView) -> Html {
    let refusal = v.refusal.as_ref().map(|r| {
        html! {
            <div class="why-card refusal" data-explain="refusal">
                <h4>{"Why it does not start"}</h4>
                <p>{explain::refusal_sentence(v.id, &r.refusal)}</p>
                if let Some(at) = r.at_ms {
                    <p class="hint">{format!("Refused at t = {at} ms. Restarting again meets the same files: the check fails the same way.")}</p>
                }
            </div>
        }
    });
    let recovery = v.recovery.as_ref().map(|r| {
        html! {
            <div class="why-card" data-inspect="recovery" data-recovered-snapshot={r.snapshot.to_string()}
                 data-replayed={r.replayed.to_string()} data-recovered-last-zxid={r.last_zxid.to_string()}>
                <h4>{"How the restart rebuilt it"}</h4>
                <p>{explain::recovery_sentence(v.id, r)}</p>
                <p class="rebuild">
                    <span class="snapshot">{ if r.snapshot.0 == 0 { "empty tree".to_string() } else { format!("snapshot {}", r.snapshot) } }</span>
                    {" + "}<strong>{format!("{} log entr{} replayed", r.replayed, if r.replayed == 1 { "y" } else { "ies" })}</strong>
                    {format!(" → last zxid {}", r.last_zxid)}
                </p>
            </div>
        }
    });
    let synced = v.synced.as_ref().map(|s| {
        html! {
            <div class="why-card" data-explain="sync" data-sync-mode={s.mode.name()} data-sync-leader={s.leader.to_string()}
                 data-sync-learner={s.learner.to_string()}>
                <h4>{format!("Why {}: how leader {} synchronised it", s.mode.name(), s.leader)}</h4>
                <p>{explain::sync_sentence(s)}</p>
            </div>
        }
    });
    let learner_syncs = (!v.learner_syncs.is_empty()).then(|| {
        html! {
            <div class="why-card">
                <h4>{"Why each learner got DIFF / TRUNC / SNAP"}</h4>
                <ul class="why-list">
                    { for v.learner_syncs.values().map(|s| html! {
                        <li data-explain="sync" data-sync-mode={s.mode.name()} data-sync-leader={s.leader.to_string()} data-sync-learner={s.learner.to_string()}>
                            {explain::sync_sentence(s)}
                        </li>
                    }) }
                </ul>
            </div>
        }
    });
    let votes = (!v.votes.is_empty()).then(|| {
        html! {
            <div class="why-card">
                <h4>{"Its recent votes, and why they changed"}</h4>
                <ol class="why-list votes-history">
                    { for v.votes.iter().rev().map(|e| html! {
                        <li data-explain="vote-change">
                            <span class="at">{format!("{} ms", e.at_ms)}</span>
                            {format!(" round {}: {}, because {}.", e.vote.round, e.vote.label(), e.reason)}
                            if let Some((prev, change)) = e.previous {
                                <span class="why-line">{format!(" {}", explain::vote_sentence(&e.vote, &prev, &change))}</span>
                            }
                        </li>
                    }) }
                </ol>
            </div>
        }
    });
    let empty = refusal.is_none()
        && recovery.is_none()
        && synced.is_none()
        && learner_syncs.is_none()
        && votes.is_none();
    html! {
        <div class="inspect-side why" data-inspect="why">
            <h3>{"Why"}</h3>
            {refusal.unwrap_or_default()}
            {recovery.unwrap_or_default()}
            {synced.unwrap_or_default()}
            {learner_syncs.unwrap_or_default()}
            {votes.unwrap_or_default()}
            if empty {
                <p class="hint">{"Nothing to explain in the recent trace: crash or restart this server, or let an election run."}</p>
            }
        </div>
    }
}

/// The inspector panel.
#[function_component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let InspectorData {
        servers,
        selected,
        view,
    } = &*p.data;
    let selected = *selected;
    let picker = html! {
        <span class="picker inline" role="group" aria-label="Inspect a server">
            { for servers.iter().map(|&(id, role)| {
                let d = p.dispatch.clone();
                html! {
                    <button class={classes!("pick", role.class())} aria-pressed={(selected == Some(id)).to_string()}
                            aria-label={format!("Inspect server {id}")} title={format!("Inspect server {id} ({})", role.label())}
                            onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::Select(Selection::Server(id))))}>
                        {id}
                    </button>
                }
            }) }
        </span>
    };
    let body = match view {
        None => html! {
            <p class="hint">{"Pick a server (click it on the ring, press its number, or use the buttons above) to see its durable state beside its volatile state, and why it is in it."}</p>
        },
        Some(v) => html! {
            <div class="inspect-grid">
                {durable_side(v.id, &v.durable)}
                { match &v.volatile { Some(s) => volatile_side(v, s), None => wiped_side(v) } }
                {why_side(v)}
            </div>
        },
    };
    let (sid, up) = view
        .as_ref()
        .map(|v| (v.id.to_string(), v.up.to_string()))
        .unwrap_or_default();
    let title = view.as_ref().map_or(String::new(), |v| {
        format!(
            "server {}{}{}",
            v.id,
            if v.observer { " (observer)" } else { "" },
            if v.up { "" } else { ": CRASHED" }
        )
    });
    html! {
        <section class="panel inspector" aria-label="Inspector" data-view="inspector" data-inspect-server={sid} data-inspect-up={up}>
            <h2>{"Inspector"}{picker}<span class="count">{title}</span></h2>
            {body}
        </section>
    }
}
