//! Text made from typed values, where people read it: the event narration and the
//! inspector's explanations.

pub mod explain;
pub mod narrate;
