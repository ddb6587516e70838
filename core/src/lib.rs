//! zab-core: ZooKeeper's atomic broadcast (ZAB) as sans-IO state machines, the
//! deterministic simulator that runs them, scenario files and the invariant checker.
//!
//! Layers (data flows down, never back up): `scenario` → `sim` → `check` → `server`.
//! The protocol (`server`) knows nothing of time sources, randomness or I/O: handlers
//! take the simulated time and one input and return effects as data.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod action;
pub mod bench_workloads;
pub mod bugs;
pub mod check;
pub mod client;
pub mod config;
pub mod ids;
pub mod lesson;
pub mod monitor;
pub mod packet;
pub mod report;
pub mod run;
pub mod scenario;
pub mod server;
pub mod shared_vec;
pub mod sim;
pub mod storage;
pub mod sweep;
pub mod timeline;
pub mod tree;
pub mod txn;

pub use config::{Bug, Config, Storage, Timing};
pub use ids::{ClientId, Epoch, ServerId, SessionId, Time, Zxid};
