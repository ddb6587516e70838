//! The words of the lessons: titles, each step's narration and question, the answers,
//! the judgement and the reason core gives ([`Why`]), in the page's language. The
//! lessons' own texts are keyed by lesson id and step (`lesson.ID.sN`, `.q`, `.after`
//! in `web/locales/lessons.yml`); the tests check that every step of every lesson has
//! them in both languages.

use crate::t;
use zab_core::lesson::{Answer, Lesson, Until, Why};
use zab_core::server::{WriteFailure, WriteResult};
use zab_core::Zxid;

use crate::engine::inspect::{SyncChoiceView, VoteView};
use crate::text::explain;
use crate::text::lang::Lang;

/// The key of a lesson's text: `lesson.ID.PART`.
pub fn key(id: &str, part: &str) -> String {
    format!("lesson.{id}.{part}")
}

/// The keys every lesson needs, for the translation tests.
#[cfg(test)]
pub fn keys_of(l: &Lesson) -> Vec<String> {
    let mut keys = vec![key(l.id, "title"), key(l.id, "intro")];
    for (i, step) in l.steps.iter().enumerate() {
        keys.push(key(l.id, &format!("s{}", i + 1)));
        keys.push(key(l.id, &format!("s{}.after", i + 1)));
        if step.question.is_some() {
            keys.push(key(l.id, &format!("s{}.q", i + 1)));
        }
    }
    keys
}

fn text(k: &str) -> String {
    t!(k).into_owned()
}

/// The lesson's title.
pub fn title(l: &Lesson) -> String {
    text(&key(l.id, "title"))
}

/// The lesson's title in `lang`.
pub fn title_in(l: &Lesson, lang: Lang) -> String {
    let k = key(l.id, "title");
    t!(k.as_str(), locale = lang.code()).into_owned()
}

/// What the lesson is about, one sentence.
pub fn intro(l: &Lesson) -> String {
    text(&key(l.id, "intro"))
}

/// Step `i`'s narration (before it runs).
pub fn step_text(l: &Lesson, i: usize) -> String {
    text(&key(l.id, &format!("s{}", i + 1)))
}

/// Step `i`'s question.
pub fn question(l: &Lesson, i: usize) -> String {
    text(&key(l.id, &format!("s{}.q", i + 1)))
}

/// What step `i` showed (after its moment came).
pub fn after(l: &Lesson, i: usize) -> String {
    text(&key(l.id, &format!("s{}.after", i + 1)))
}

/// An answer as a button says it.
pub fn answer(a: &Answer) -> String {
    match a {
        Answer::Server(id) => t!("lessons.answer.server", id = id.0).into_owned(),
        Answer::Nobody => t!("lessons.answer.nobody").into_owned(),
        Answer::Epoch(e) => t!("lessons.answer.epoch", epoch = e.0).into_owned(),
        Answer::Mode(m) => m.name().to_string(),
        Answer::Yes => t!("lessons.answer.yes").into_owned(),
        Answer::No => t!("lessons.answer.no").into_owned(),
    }
}

/// The judgement of a chosen answer against the simulator's.
pub fn judgement(right: bool, truth: &Answer) -> String {
    if right {
        t!("lessons.right", answer = answer(truth)).into_owned()
    } else {
        t!("lessons.wrong", answer = answer(truth)).into_owned()
    }
}

fn vote(v: &zab_core::packet::Vote) -> VoteView {
    VoteView {
        leader: v.leader.0,
        zxid: v.zxid,
        peer_epoch: v.peer_epoch.0,
        round: v.election_epoch,
    }
}

/// How a zxid is made, with this one as the example: the epoch in its high 32 bits,
/// a counter in its low 32 (where zxids appear: the lessons, the ring's tooltips).
pub fn zxid_layout(z: Zxid) -> String {
    t!(
        "lessons.why.zxid_layout",
        zxid = z,
        epoch = z.epoch().0,
        counter = z.counter()
    )
    .into_owned()
}

/// Core's reason, in words.
pub fn why(w: &Why) -> String {
    match w {
        Why::Election { winner, over } => {
            let mut out = t!(
                "lessons.why.elected",
                id = winner.leader.0,
                vote = crate::text::vote::of(winner)
            )
            .into_owned();
            for (_, v, c) in over {
                out.push(' ');
                out.push_str(&explain::vote_sentence(&vote(winner), &vote(v), c));
            }
            out
        }
        Why::NoLeader => t!("lessons.why.no_leader").into_owned(),
        Why::Epoch {
            leader,
            epoch,
            before,
        } => {
            let first = Zxid((i64::from(epoch.0) << 32) | 1);
            let said = match before {
                Some(b) => t!(
                    "lessons.why.epoch_after",
                    id = leader.0,
                    epoch = epoch.0,
                    before = b.0
                ),
                None => t!("lessons.why.epoch", id = leader.0, epoch = epoch.0),
            };
            format!("{said} {}", zxid_layout(first))
        }
        Why::Sync {
            leader,
            learner,
            at_ms,
            reason,
        } => explain::sync_sentence(&SyncChoiceView {
            at_ms: *at_ms,
            leader: leader.0,
            learner: learner.0,
            mode: reason.mode(),
            reason: *reason,
        }),
        Why::NotSynced { learner } => t!("lessons.why.not_synced", id = learner.0).into_owned(),
        Why::Write { path, result } => match result {
            Some(WriteResult::Committed { zxid }) => format!(
                "{} {}",
                t!("lessons.why.committed", path = path, zxid = zxid),
                zxid_layout(*zxid)
            ),
            Some(WriteResult::Failed { reason }) => match reason {
                WriteFailure::LostLeader { server } => {
                    t!("lessons.why.lost_leader", path = path, id = server.0).into_owned()
                }
                WriteFailure::NotServing { server, .. } => {
                    t!("lessons.why.not_serving", path = path, id = server.0).into_owned()
                }
                WriteFailure::Crashed { server } | WriteFailure::Down { server } => {
                    t!("lessons.why.server_down", path = path, id = server.0).into_owned()
                }
                WriteFailure::Discarded { leader, epoch } => t!(
                    "lessons.why.discarded",
                    path = path,
                    id = leader.0,
                    epoch = epoch.0
                )
                .into_owned(),
            },
            Some(WriteResult::Unknown { reason }) => t!(
                "lessons.why.unknown",
                path = path,
                reason = crate::text::narrate::reasons::write_failure(
                    reason,
                    crate::text::lang::current()
                )
            )
            .into_owned(),
            None => t!("lessons.why.pending", path = path).into_owned(),
        },
        Why::Survival {
            path,
            leader,
            kept,
            last,
        } => match (leader, kept) {
            (None, _) => t!("lessons.why.no_leader").into_owned(),
            (Some(l), true) => {
                t!("lessons.why.kept", path = path, id = l.0, last = last).into_owned()
            }
            (Some(l), false) => {
                t!("lessons.why.lost", path = path, id = l.0, last = last).into_owned()
            }
        },
        Why::Replicas {
            path,
            with,
            without,
        } => {
            let list = |ids: &[zab_core::ServerId]| {
                ids.iter()
                    .map(|i| i.0.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if without.is_empty() {
                t!("lessons.why.everywhere", path = path, servers = list(with)).into_owned()
            } else if with.is_empty() {
                t!("lessons.why.nowhere", path = path).into_owned()
            } else {
                t!(
                    "lessons.why.some",
                    path = path,
                    with = list(with),
                    without = list(without)
                )
                .into_owned()
            }
        }
        Why::Checker { first } => match first {
            Some((id, name)) => t!("lessons.why.caught", id = id, name = name).into_owned(),
            None => t!("lessons.why.clean").into_owned(),
        },
    }
}

/// The status line when playback paused at a "pause at" moment, in `lang`.
pub fn paused_at_in(until: &Until, lang: Lang) -> String {
    t!(
        "lessons.paused",
        locale = lang.code(),
        moment = moment_in(until, lang)
    )
    .into_owned()
}

/// A "pause at" moment, as the menu's tooltip names it.
pub fn moment(until: &Until) -> String {
    moment_in(until, crate::text::lang::current())
}

fn moment_in(until: &Until, lang: Lang) -> String {
    let l = lang.code();
    match until {
        Until::PhaseChange => t!("lessons.moment.phase", locale = l),
        Until::LeaderActive => t!("lessons.moment.leader", locale = l),
        Until::Commit => t!("lessons.moment.commit", locale = l),
        _ => t!("lessons.moment.step", locale = l),
    }
    .into_owned()
}

/// A "pause at" moment in a word or two, for the menu.
pub fn moment_short(until: &Until) -> String {
    match until {
        Until::PhaseChange => t!("lessons.short.phase"),
        Until::LeaderActive => t!("lessons.short.leader"),
        Until::Commit => t!("lessons.short.commit"),
        _ => t!("lessons.moment.step"),
    }
    .into_owned()
}
