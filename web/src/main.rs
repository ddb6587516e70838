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
    // The page starts once its language's table is here (the skeleton shows until
    // then), in the other language if that one cannot be fetched.
    let wanted = state::persist::start_lang();
    wasm_bindgen_futures::spawn_local(async move {
        match text::tables::load_start(wanted).await {
            Ok(start) => {
                text::lang::set(start.lang);
                let props = app::AppProps {
                    lang_failed: start.failed,
                };
                yew::Renderer::<app::App>::with_props(props).render();
            }
            Err(reasons) => state::persist::show_no_tables(&reasons),
        }
    });
}
