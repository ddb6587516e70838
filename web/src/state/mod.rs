//! The app's state and how it changes: the model and its update function, the start
//! parameters read from the URL, the saved session and shared links, scenario files,
//! the built-in scenarios and the speed slider. No view code.

pub mod lesson;
pub mod model;
pub mod persist;
pub mod presets;
pub mod query;
pub mod scenario_file;
pub mod speed;
pub mod storage;
