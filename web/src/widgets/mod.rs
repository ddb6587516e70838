//! What the panels share: the dock's tabs and its trace cache.

use std::cell::RefCell;
use std::rc::Rc;

use crate::engine::inspect::TraceCache;

pub mod tabs;

/// The trace cache the inspector and the space-time diagram share (the dock owns it),
/// behind a pointer, compared by identity.
#[derive(Clone, Default)]
pub struct Cache(pub Rc<RefCell<TraceCache>>);

impl PartialEq for Cache {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
