//! ZabScope's browser app: a live ZAB cluster, its controls and playback.
//!
//! The folders are the layers, each using only those below it:
//!
//! - `engine`: the only door to the simulator, and `engine::views`, the plain data it
//!   hands out;
//! - `text`: sentences made from typed values (the narration, the explanations);
//! - `state`: the model and its update function, the URL, the saved session, scenario
//!   files and the built-in scenarios;
//! - `widgets`: what the panels share, and `playback`: the animation loop and the hook
//!   with which panels follow it;
//! - `panels`: one module per panel;
//! - `app`: the page, its dispatcher and shortcuts, on top.
//!
//! `crash` shows a panic in plain words; `bench` (only with the `bench` feature) holds
//! the browser benchmark's hooks.

// Every sentence people read, in both languages (web/locales/app.yml; `text::lang`).
rust_i18n::i18n!("locales", fallback = "en");

mod app;
#[cfg(feature = "bench")]
mod bench;
mod crash;
mod engine;
#[cfg(test)]
mod golden;
mod panels;
mod playback;
mod state;
mod text;
mod widgets;

fn main() {
    crash::install();
    #[cfg(feature = "bench")]
    bench::install();
    yew::Renderer::<app::App>::new().render();
}
