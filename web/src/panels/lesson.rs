//! The lesson card: the step's narration, its question and answers, the simulator's
//! verdict and reason, and the way through the steps. Thin: every decision is the
//! model's ([`crate::state::lesson`]) and core's; the words come from
//! [`crate::text::lessons`].

use std::rc::Rc;

use crate::t;
use yew::prelude::*;
use zab_core::lesson::Answer;

use crate::state::lesson::{LessonMsg, LessonRun, Stage};
use crate::state::model::{Model, Msg};
use crate::text::lessons as words;

/// What the card shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonData {
    /// The lesson open (none: no card).
    pub run: Option<LessonRun>,
}

impl LessonData {
    /// Reads it from the model.
    pub fn read(m: &Model) -> LessonData {
        LessonData {
            run: m.lesson.clone(),
        }
    }
}

/// Props of [`LessonCard`].
#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// What to show.
    pub data: Rc<LessonData>,
    /// Sends messages.
    pub dispatch: Callback<Msg>,
}

/// `data-answer` of an answer button (stable for the tests).
pub fn answer_attr(a: &Answer) -> String {
    match a {
        Answer::Server(id) => format!("server-{}", id.0),
        Answer::Nobody => "nobody".into(),
        Answer::Epoch(e) => format!("epoch-{}", e.0),
        Answer::Mode(m) => m.name().to_string(),
        Answer::Yes => "yes".into(),
        Answer::No => "no".into(),
    }
}

fn stage_attr(s: &Stage) -> &'static str {
    match s {
        Stage::Ask => "ask",
        Stage::Running { .. } => "running",
        Stage::Done { .. } => "done",
        Stage::Stuck => "stuck",
    }
}

/// The lesson card (nothing when no lesson is open).
#[function_component(LessonCard)]
pub fn lesson_card(p: &LessonProps) -> Html {
    let Some(run) = &p.data.run else {
        return html! {};
    };
    let l = &run.lesson;
    let i = run.step;
    let step = &l.steps[i];
    let send = |m: LessonMsg| {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Lesson(m.clone())))
    };
    let title = words::title(l);
    let question = step.question.as_ref();
    let body = match &run.stage {
        Stage::Ask if run.off_script => html! {},
        Stage::Ask => match question {
            Some(q) => html! {
                <>
                    <p class="predict">{t!("lessons.predict")}</p>
                    <p class="question">{words::question(l, i)}</p>
                    <div class="choices" role="group" aria-label={words::question(l, i)}>
                        { for q.choices().into_iter().map(|a| html! {
                            <button data-answer={answer_attr(&a)}
                                    onclick={send(LessonMsg::Choose(a))}>{words::answer(&a)}</button>
                        }) }
                    </div>
                </>
            },
            None => html! {
                <button class="primary" data-action="run" onclick={send(LessonMsg::Go)}>{t!("lessons.run")}</button>
            },
        },
        Stage::Running { chosen } => html! {
            <>
                if let Some(a) = chosen {
                    <p class="chosen">{t!("lessons.your_answer", answer = words::answer(a))}</p>
                }
                <p class="running" aria-live="polite">{t!("lessons.running")}</p>
            </>
        },
        Stage::Done { chosen, reveal } => html! {
            <>
                if let (Some(c), Some(r)) = (chosen, reveal) {
                    <p class="judgement" data-right={(c == &r.truth).to_string()} aria-live="polite">
                        {words::judgement(c == &r.truth, &r.truth)}
                    </p>
                }
                if let Some(r) = reveal {
                    <p class="why">{words::why(&r.why)}</p>
                }
                <p class="after">{words::after(l, i)}</p>
                if !run.off_script {
                    <button class="primary" data-action="next" onclick={send(LessonMsg::Next)}>
                        { if run.is_last() { t!("lessons.finish") } else { t!("lessons.next") } }
                    </button>
                }
            </>
        },
        Stage::Stuck => html! { <p class="stuck">{t!("lessons.stuck")}</p> },
    };
    html! {
        <section class="lesson-card" data-view="lesson" data-lesson={l.id}
                 data-step={(i + 1).to_string()} data-stage={stage_attr(&run.stage)}
                 data-off-script={run.off_script.to_string()} aria-label={title.clone()}>
            <header>
                <h2>{title}</h2>
                <span class="step-of">{t!("lessons.step_of", n = i + 1, total = l.steps.len())}</span>
                <button class="close" data-action="close" title={t!("lessons.close")}
                        aria-label={t!("lessons.close")} onclick={send(LessonMsg::Close)}>{"×"}</button>
            </header>
            if i == 0 {
                <p class="intro">{words::intro(l)}</p>
            }
            <p class="say">{words::step_text(l, i)}</p>
            {body}
            if run.off_script {
                <p class="off-script">{t!("lessons.off_script")}</p>
                <button class="primary" data-action="back" onclick={send(LessonMsg::Replay)}>{t!("lessons.back")}</button>
            }
            <footer>
                <button data-action="prev" disabled={i == 0} onclick={send(LessonMsg::Prev)}>{t!("lessons.prev")}</button>
                <button data-action="replay" onclick={send(LessonMsg::Replay)}>{t!("lessons.replay")}</button>
            </footer>
        </section>
    }
}
