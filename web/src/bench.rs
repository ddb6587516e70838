//! Hooks for the browser benchmark (`scripts/bench.sh browser`, driven by
//! `tests/e2e/bench-browser.mjs`; see BENCHMARKS.md). Compiled only with the `bench`
//! feature (the shipped build has none of this), and installed only when the page's
//! query has `bench=1`: then `window.zabBench` holds
//!
//! - `workloads(long)`: the throughput workloads of `zab_core::bench_workloads`, as a
//!   JSON array of `{name, servers, scenarios}`;
//! - `prepare(index, long)`: builds workload `index` for the next `run` (not timed);
//!   returns its number of scenarios;
//! - `run(checking)`: runs the prepared workload once, checker on or off, and returns
//!   its number of simulated events (the caller times it with `performance.now()`);
//! - `steadyScenario(participants, observers, durationMs, perSecond, latencyMin,
//!   latencyMax)`: the steady-writes scenario as a scenario file (JSON), for the
//!   rendering benchmark to import;
//! - `memoryBytes()`: the size of the wasm linear memory.
//!
//! Nothing here runs unless the benchmark calls it; the app itself behaves as shipped.

use std::cell::RefCell;
use std::rc::Rc;

use crate::state::query::pairs;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zab_core::bench_workloads::{run_all, steady_writes, throughput_workloads};
use zab_core::scenario::Scenario;

/// Whether the page was opened with `bench=1` in its query.
fn wanted() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| pairs(&q).any(|pair| pair == ("bench", "1")))
}

fn set(obj: &js_sys::Object, name: &str, f: JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(name), &f);
}

/// Installs `window.zabBench` if the query asks for it (`bench=1`).
pub fn install() {
    if !wanted() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let hooks = js_sys::Object::new();
    let prepared: Rc<RefCell<Vec<Scenario>>> = Rc::default();

    let workloads = Closure::<dyn Fn(bool) -> String>::new(|long: bool| {
        let list: Vec<serde_json::Value> = throughput_workloads(long)
            .iter()
            .map(|w| {
                serde_json::json!({
                    "name": w.name,
                    "servers": w.servers,
                    "scenarios": w.scenarios.len(),
                })
            })
            .collect();
        serde_json::Value::Array(list).to_string()
    });
    set(&hooks, "workloads", workloads.into_js_value());

    let into = prepared.clone();
    let prepare = Closure::<dyn Fn(u32, bool) -> u32>::new(move |index: u32, long: bool| {
        let chosen = throughput_workloads(long)
            .into_iter()
            .nth(index as usize)
            .map(|w| w.scenarios)
            .unwrap_or_default();
        let n = chosen.len() as u32;
        *into.borrow_mut() = chosen;
        n
    });
    set(&hooks, "prepare", prepare.into_js_value());

    let run = Closure::<dyn Fn(bool) -> f64>::new(move |checking: bool| {
        run_all(&prepared.borrow(), checking) as f64
    });
    set(&hooks, "run", run.into_js_value());

    let steady = Closure::<dyn Fn(u32, u32, f64, f64, f64, f64) -> String>::new(
        |participants: u32, observers: u32, duration: f64, per_second: f64, lo: f64, hi: f64| {
            let mut s = steady_writes(
                participants,
                observers,
                duration as u64,
                per_second as u64,
                1,
            );
            s.timing.latency_ms = [lo as u64, hi as u64];
            s.to_json_pretty()
        },
    );
    set(&hooks, "steadyScenario", steady.into_js_value());

    let memory = Closure::<dyn Fn() -> f64>::new(|| {
        wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map_or(0.0, |b| f64::from(b.byte_length()))
            })
            .unwrap_or(0.0)
    });
    set(&hooks, "memoryBytes", memory.into_js_value());

    set(window.as_ref(), "zabBench", hooks.into());
}
