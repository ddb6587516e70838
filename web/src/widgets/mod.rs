//! What the panels share: the dock's tabs.

pub mod tabs;
