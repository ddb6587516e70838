//! What the panels share: their common props and the dock's tabs.

use yew::prelude::*;

use crate::state::model::{Msg, Shared};

pub mod tabs;

/// Props of the panels that read the model themselves: the shared model, a revision
/// that changes whenever the panel may have something new to show, and the dispatcher.
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// The model (compared by identity).
    pub model: Shared,
    /// Changes when the panel must re-render.
    pub rev: u64,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}
