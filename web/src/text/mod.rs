//! Text made from typed values, where people read it: the event narration, the
//! inspector's explanations, and the language they are written in (`lang`).

pub mod catalogue;
pub mod explain;
pub mod gloss;
pub mod lang;
pub mod lessons;
#[cfg(test)]
mod literals;
pub mod monitor;
pub mod narrate;
pub mod notice;
pub mod presets;
pub mod scenario_error;
pub mod tables;
pub mod tr;
pub mod violation;
pub mod vote;
