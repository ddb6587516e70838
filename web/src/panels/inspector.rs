//! The server inspector: one server's durable state (epoch files, the txn log with
//! its fsync mark, snapshots) beside its volatile state (role, phase, sync mode, FLE
//! round and votes, a leader's learners and outstanding proposals, the committed-log
//! window, the data tree), and the reasons behind them: how a restart rebuilt it, why
//! its votes changed, why its leader chose DIFF/TRUNC/SNAP, why a proposal is not
//! committed yet, why it refuses to start.

use crate::t;
use yew::prelude::*;

use std::rc::Rc;

use crate::engine::inspect::{DurableView, InspectView, VolatileView};
use crate::engine::views::Role;
use crate::state::model::{Model, Msg, Selection};
use crate::text::{explain, gloss};

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
    e.map_or_else(|| t!("insp.not_written").into_owned(), |e| e.to_string())
}

fn durable_side(id: u32, d: &DurableView) -> Html {
    let unflushed = d.log_len - d.flushed;
    html! {
        <div class="inspect-side durable" data-inspect="durable"
             data-disk-accepted-epoch={d.accepted_epoch.map(|e| e.to_string()).unwrap_or_default()}
             data-disk-current-epoch={d.current_epoch.map(|e| e.to_string()).unwrap_or_default()}
             data-log-length={d.log_len.to_string()} data-flushed-count={d.flushed.to_string()}>
            <h3>{t!("insp.durable")}<span class="side-note">{t!("insp.survives")}</span></h3>
            <dl class="facts">
                <dt>{t!("insp.accepted_file")}</dt><dd>{opt_epoch(d.accepted_epoch)}</dd>
                <dt>{t!("insp.current_file")}</dt><dd>{opt_epoch(d.current_epoch)}</dd>
                if let Some(e) = d.updating_epoch {
                    <dt>{t!("insp.updating_marker")}</dt>
                    <dd data-disk-updating-epoch={e.to_string()}>{t!("insp.updating_value", epoch = e)}</dd>
                }
                if d.full_sync_needed {
                    <dt>{t!("insp.full_sync_marker")}</dt>
                    <dd data-disk-full-sync-needed="true">{t!("insp.full_sync_value")}</dd>
                }
                <dt>{t!("insp.last_fsynced")}</dt><dd>{d.last_flushed.to_string()}</dd>
            </dl>
            <h4>{ if d.log_len == 1 { t!("insp.log_head_one", flushed = d.flushed) } else { t!("insp.log_head_many", count = d.log_len, flushed = d.flushed) } }</h4>
            if d.log.is_empty() {
                <p class="hint">{t!("insp.log_empty")}</p>
            } else {
                <ol class="inspect-log" aria-label={t!("insp.log_aria", id = id)}>
                    if d.hidden > 0 {
                        <li class="more">{ if d.hidden == 1 { t!("insp.older_one") } else { t!("insp.older_many", count = d.hidden) } }</li>
                    }
                    { for d.log.iter().enumerate().map(|(i, l)| {
                        let first_unflushed = !l.flushed && (i == 0 || d.log[i - 1].flushed);
                        html! { <>
                            if first_unflushed {
                                <li class="flush-mark" aria-label={t!("insp.flush_aria")}>
                                    { if unflushed == 1 { t!("insp.flush_one") } else { t!("insp.flush_many", count = unflushed) } }
                                </li>
                            }
                            <li class={classes!("log-line", (!l.flushed).then_some("unflushed"))}
                                data-inspect-zxid={l.zxid.to_string()} data-inspect-flushed={l.flushed.to_string()}>
                                <span class="zxid">{l.zxid.to_string()}</span>
                                <span class="op">{l.op.clone()}</span>
                                <span class="flag">{ if l.flushed { t!("insp.fsynced") } else { t!("insp.not_fsynced") } }</span>
                            </li>
                        </> }
                    }) }
                </ol>
            }
            if d.purged_upto.0 > 0 {
                <p class="hint">{t!("insp.purged", zxid = d.purged_upto)}</p>
            }
            <h4>{t!("insp.snapshots", count = d.snapshots.len())}</h4>
            if d.snapshots.is_empty() {
                <p class="hint">{t!("insp.no_snapshot")}</p>
            } else {
                <ul class="inspect-snaps">
                    { for d.snapshots.iter().map(|s| html! {
                        <li data-inspect-snapshot={s.zxid.to_string()}>
                            <span class="snapshot">{t!("logs.snapshot", zxid = s.zxid)}</span>
                            { if s.nodes == 1 { t!("insp.snap_nodes_one") } else { t!("insp.snap_nodes_many", count = s.nodes) } }
                            { if s.txns == 1 { t!("insp.snap_txns_one") } else { t!("insp.snap_txns_many", count = s.txns) } }
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
            <h3>{t!("insp.volatile")}<span class="side-note">{t!("insp.lost")}</span></h3>
            <p class="wiped-banner" role="note">
                <strong>{t!("insp.lost_banner")}</strong>
                {t!("insp.down_text", id = v.id, reason = reason)}
            </p>
            <ul class="wiped-list">
                <li>{t!("insp.wiped_role")}</li>
                <li>{t!("insp.wiped_fle")}</li>
                <li>{t!("insp.wiped_tree")}</li>
                <li>{t!("insp.wiped_committed_log")}</li>
                <li>{t!("insp.wiped_leader")}</li>
                <li>{t!("insp.wiped_unflushed")}</li>
            </ul>
            <p class="hint">{t!("insp.disk_intact")}</p>
        </div>
    }
}

fn volatile_side(v: &InspectView, s: &VolatileView) -> Html {
    let committed = match s.committed_log {
        Some((a, b, 1)) => t!("insp.committed_range_one", from = a, to = b).into_owned(),
        Some((a, b, n)) => {
            t!("insp.committed_range_many", from = a, to = b, count = n).into_owned()
        }
        None => t!("insp.empty").into_owned(),
    };
    let fle = s.fle.as_ref().map(|f| {
        let proposal = f.proposal;
        html! {
            <div class="inspect-block" data-inspect="fle">
                <h4>{ if f.finalizing { t!("insp.fle_finalizing", round = f.round) } else { t!("insp.fle_head", round = f.round) } }</h4>
                <p data-explain="vote" class="why-line">{explain::proposal_sentence(v.id, &s.own_vote, &proposal, &f.proposal_vs_own)}</p>
                if f.received.is_empty() {
                    <p class="hint">{t!("insp.no_vote")}</p>
                } else {
                    <table class="inspect-table votes">
                        <caption>{t!("insp.votes_caption")}</caption>
                        <thead><tr><th scope="col">{t!("insp.col_from")}</th><th scope="col">{t!("insp.col_vote")}</th><th scope="col">{t!("insp.col_state")}</th><th scope="col">{t!("insp.col_against")}</th></tr></thead>
                        <tbody>
                            { for f.received.iter().map(|r| {
                                html! {
                                    <tr data-vote-from={r.from.to_string()}>
                                        <td>{r.from}</td>
                                        <td class="mono">{r.vote.label()}</td>
                                        <td>{r.state}</td>
                                        <td data-explain="vote">{ if r.agrees { t!("insp.agrees", vote = proposal.label()).into_owned() } else { explain::vote_sentence(&r.vote, &proposal, &r.against_proposal) } }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                }
                if !f.out_of_election.is_empty() {
                    <p class="hint">{ t!("insp.established", list = f.out_of_election.iter().map(|r| t!("insp.established_one", from = r.from, state = r.state, vote = r.vote.label()).into_owned()).collect::<Vec<_>>().join("; ")) }</p>
                }
            </div>
        }
    });
    let leader = s.leader.as_ref().map(|l| {
        html! {
            <div class="inspect-block" data-inspect="leader">
                <h4>{t!("insp.leader_of", epoch = l.epoch.map_or("?".to_string(), |e| e.to_string()))}</h4>
                <dl class="facts">
                    <dt>{t!("insp.stage")}</dt><dd>{l.stage.clone()}</dd>
                    <dt>{"lastProposed / lastCommitted"}</dt><dd>{format!("{} / {}", l.last_proposed, l.last_committed)}</dd>
                    if !l.new_leader_acks.is_empty() {
                        <dt>{"NEWLEADER-ACKs"}</dt><dd>{t!("insp.acks_from", list = l.new_leader_acks.iter().map(u32::to_string).collect::<Vec<_>>().join(", "), count = l.new_leader_acks.len(), quorum = v.quorum)}</dd>
                    }
                </dl>
                if !l.learners.is_empty() {
                    <table class="inspect-table learners">
                        <caption>{t!("insp.learners")}</caption>
                        <thead><tr><th scope="col">{t!("insp.col_server")}</th><th scope="col">{t!("insp.stage")}</th><th scope="col">{t!("insp.col_sync")}</th><th scope="col">{t!("insp.col_last_zxid")}</th><th scope="col">{t!("insp.col_unacked")}</th></tr></thead>
                        <tbody>
                            { for l.learners.iter().map(|r| html! {
                                <tr data-learner-row={r.sid.to_string()} data-sync-mode={r.sync_mode}>
                                    <td>{ if r.observer { t!("insp.observer_mark", id = r.sid).into_owned() } else { r.sid.to_string() } }</td>
                                    <td>{r.stage.clone()}</td>
                                    <td class="mono" title={gloss::sync_named(r.sync_mode)}>{r.sync_mode}</td>
                                    <td class="mono">{r.peer_last_zxid.to_string()}</td>
                                    <td>{r.unacked}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                <h4>{t!("insp.outstanding", count = l.outstanding.len())}</h4>
                if l.outstanding.is_empty() {
                    <p class="hint">{t!("insp.none_outstanding")}</p>
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
                <h4>{t!("insp.learner_of", id = l.leader)}</h4>
                <dl class="facts">
                    <dt>{t!("insp.stage")}</dt><dd>{l.stage.clone()}</dd>
                    <dt>{"lastQueued"}</dt><dd>{l.last_queued.to_string()}</dd>
                    <dt>{t!("insp.txns_pending")}</dt><dd>{l.pending}</dd>
                </dl>
            </div>
        }
    });
    html! {
        <div class="inspect-side volatile" data-inspect="volatile" data-wiped="false"
             data-inspect-role={s.state} data-inspect-phase={s.phase} data-sync-mode={s.sync_mode}>
            <h3>{t!("insp.volatile")}<span class="side-note">{t!("insp.lost")}</span></h3>
            <dl class="facts">
                <dt>{t!("insp.role_phase")}</dt><dd><abbr title={gloss::state_named(s.state)}>{s.state}</abbr>{" / "}<abbr title={gloss::phase_named(s.phase)}>{s.phase}</abbr></dd>
                <dt>{t!("insp.sync_mode")}</dt><dd title={gloss::sync_named(s.sync_mode)}>{s.sync_mode}</dd>
                <dt>{"lastProcessedZxid"}</dt><dd>{s.applied.to_string()}</dd>
                <dt>{t!("insp.committed_log")}</dt><dd>{committed}</dd>
                <dt>{"currentVote"}</dt><dd>{s.current_vote.label()}</dd>
                <dt>{t!("insp.sync_thread")}</dt><dd>{ if s.fsync_in_flight { t!("insp.queued_fsync", count = s.sync_queue) } else { t!("insp.queued", count = s.sync_queue) } }</dd>
            </dl>
            {fle.unwrap_or_default()}
            {leader.unwrap_or_default()}
            {learner.unwrap_or_default()}
            <h4>{ if s.tree.len() == 1 { t!("insp.tree_head_one") } else { t!("insp.tree_head_many", count = s.tree.len()) } }</h4>
            if s.tree.is_empty() {
                <p class="hint">{t!("insp.empty")}</p>
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
                <h4>{t!("insp.why_not_start")}</h4>
                <p>{explain::refusal_sentence(v.id, &r.refusal)}</p>
                if let Some(at) = r.at_ms {
                    <p class="hint">{t!("insp.refused_at", at = at)}</p>
                }
            </div>
        }
    });
    let recovery = v.recovery.as_ref().map(|r| {
        html! {
            <div class="why-card" data-inspect="recovery" data-recovered-snapshot={r.snapshot.to_string()}
                 data-replayed={r.replayed.to_string()} data-recovered-last-zxid={r.last_zxid.to_string()}>
                <h4>{t!("insp.rebuilt")}</h4>
                <p>{explain::recovery_sentence(v.id, r)}</p>
                <p class="rebuild">
                    <span class="snapshot">{ if r.snapshot.0 == 0 { t!("insp.empty_tree") } else { t!("logs.snapshot", zxid = r.snapshot) } }</span>
                    {" + "}<strong>{ if r.replayed == 1 { t!("insp.replayed_one") } else { t!("insp.replayed_many", count = r.replayed) } }</strong>
                    {t!("insp.last_zxid", zxid = r.last_zxid)}
                </p>
            </div>
        }
    });
    let synced = v.synced.as_ref().map(|s| {
        html! {
            <div class="why-card" data-explain="sync" data-sync-mode={s.mode.name()} data-sync-leader={s.leader.to_string()}
                 data-sync-learner={s.learner.to_string()}>
                <h4>{t!("insp.why_sync", mode = s.mode.name(), leader = s.leader)}</h4>
                <p>{explain::sync_sentence(s)}</p>
            </div>
        }
    });
    let learner_syncs = (!v.learner_syncs.is_empty()).then(|| {
        html! {
            <div class="why-card">
                <h4>{t!("insp.why_learners")}</h4>
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
                <h4>{t!("insp.votes_head")}</h4>
                <ol class="why-list votes-history">
                    { for v.votes.iter().rev().map(|e| html! {
                        <li data-explain="vote-change">
                            <span class="at">{t!("cli.ms", ms = e.at_ms)}</span>
                            {t!("insp.vote_line", round = e.vote.round, vote = e.vote.label(), reason = e.reason)}
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
            <h3>{t!("insp.why")}</h3>
            {refusal.unwrap_or_default()}
            {recovery.unwrap_or_default()}
            {synced.unwrap_or_default()}
            {learner_syncs.unwrap_or_default()}
            {votes.unwrap_or_default()}
            if empty {
                <p class="hint">{t!("insp.nothing")}</p>
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
        <span class="picker inline" role="group" aria-label={t!("insp.picker")}>
            { for servers.iter().map(|&(id, role)| {
                let d = p.dispatch.clone();
                html! {
                    <button class={classes!("pick", role.class())} aria-pressed={(selected == Some(id)).to_string()}
                            aria-label={t!("insp.pick_aria", id = id)} title={t!("insp.pick_title", id = id, role = role.label())}
                            onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::Select(Selection::Server(id))))}>
                        {id}
                    </button>
                }
            }) }
        </span>
    };
    let body = match view {
        None => html! {
            <p class="hint">{t!("insp.hint")}</p>
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
        match (v.observer, v.up) {
            (false, true) => t!("insp.server", id = v.id),
            (true, true) => t!("insp.server_observer", id = v.id),
            (false, false) => t!("insp.server_crashed", id = v.id),
            (true, false) => t!("insp.server_observer_crashed", id = v.id),
        }
        .into_owned()
    });
    html! {
        <section class="panel inspector" aria-label={t!("insp.title")} data-view="inspector" data-inspect-server={sid} data-inspect-up={up}>
            <h2>{t!("insp.title")}{picker}<span class="count">{title}</span></h2>
            {body}
        </section>
    }
}
