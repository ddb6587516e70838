//! ZabScope's browser app: a live ZAB cluster, its controls and playback.
//!
//! Modules are named after what they hold: `engine` (the only door to the
//! simulator), `views` (the plain data it hands out), `model` (app state and the update function), `playback` (the
//! animation loop), `narrate` (trace → sentences) and one module per panel; `bench`
//! (only with the `bench` feature) holds the browser benchmark's hooks.

mod app;
#[cfg(feature = "bench")]
mod bench;
mod clients;
mod controls;
mod crash;
mod dock;
mod engine;
mod events;
mod explain;
#[cfg(test)]
mod golden;
mod inspector;
mod invariants;
mod logs;
mod model;
mod narrate;
mod pending;
mod persist;
mod playback;
mod query;
mod ring;
mod scenario_io;
mod selection;
mod spacetime;
mod tour;
mod views;

fn main() {
    crash::install();
    #[cfg(feature = "bench")]
    bench::install();
    yew::Renderer::<app::App>::new().render();
}
