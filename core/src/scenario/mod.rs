//! Scenario files: the public contract teachers, students, the web app, the CLI and the
//! tests share (`shared/scenario-format.md`, version 1).
//!
//! ```
//! use zab_core::scenario::{Action, Scenario};
//!
//! let s = Scenario::from_json(r#"{
//!     "format": "zab-scenario", "version": 1,
//!     "cluster": { "participants": 3 },
//!     "schedule": [ { "at_ms": 3000, "do": "crash", "server": 3 } ]
//! }"#).unwrap();
//! assert_eq!(s.seed, 1);
//! assert_eq!(s.run_until_ms, 20_000);
//! assert!(matches!(s.schedule[0].action, Action::Crash { .. }));
//!
//! let err = Scenario::from_json(r#"{"format": "zab-scenario", "version": 2}"#).unwrap_err();
//! assert_eq!(err.to_string(), "version: unsupported version 2; this build reads version 1");
//! ```
//!
//! - [`Scenario::from_json`] parses, fills defaults ([`defaults`]) and validates; the
//!   error ([`ScenarioError`]) names the JSON path of the field, or the line and column
//!   of a syntax error. It never panics.
//! - A step holds an [`Action`] (the one action type of `crate::action`, which the
//!   simulator applies); a `crash_at` naming no known crash point is refused when read.
//! - [`Scenario::to_json_pretty`] writes a file that reads back to an equal value.
//! - [`presets`] are the built-in scenarios of `static/scenarios/`.
//!
//! Compatible extension of version 1: the `read` action ([`Action::Read`]).

pub mod defaults;
mod error;
pub mod link;
mod parse;
mod presets;
pub mod reason;
mod types;
mod validate;
mod write;

pub use error::ScenarioError;
pub use presets::{preset, presets, PRESET_FILES};
pub use reason::Reason;
pub use types::{Action, Cluster, Scenario, Step};
