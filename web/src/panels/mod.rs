//! One module per panel of the page. Panels read the view structs of
//! [`crate::engine::views`] and send [`Msg`](crate::state::model::Msg)s; none reaches
//! the simulator.

pub mod clients;
pub mod controls;
pub mod dock;
pub mod events;
pub mod inspector;
pub mod invariants;
pub mod lang_switch;
pub mod lesson;
pub mod logs;
pub mod monitor;
pub mod pending;
pub mod ring;
pub mod scenario_io;
pub mod selection;
pub mod spacetime;
pub mod tour;
