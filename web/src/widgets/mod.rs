//! What the panels share: their common props, the dock's tabs and its trace cache.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::inspect::TraceCache;

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

/// The trace cache the inspector and the space-time diagram share (the dock owns it),
/// behind a pointer, compared by identity.
#[derive(Clone, Default)]
pub struct Cache(pub Rc<RefCell<TraceCache>>);

impl PartialEq for Cache {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
