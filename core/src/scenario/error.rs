//! [`ScenarioError`]: one clear line naming what is wrong and where.

use std::fmt;

use super::reason::Reason;

/// Why a scenario file was rejected: the place and the [`Reason`].
///
/// Every error names its place: the JSON path of the offending field
/// (`schedule[3].server`, `timing.latency_ms`, `bugs[0]`) for problems with the content,
/// or the line and column for JSON syntax errors. [`Display`](fmt::Display) gives one line
/// such as `schedule[3].server: server 9 is out of range (this cluster has servers 1..=5)`
/// or `line 4, column 17: expected `,` or `}``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    path: String,
    position: Option<(usize, usize)>,
    reason: Reason,
}

impl ScenarioError {
    /// An error about the field at `path` (empty for the whole document).
    pub fn new(path: impl Into<String>, reason: Reason) -> ScenarioError {
        ScenarioError {
            path: path.into(),
            position: None,
            reason,
        }
    }

    /// An error in the JSON text at a 1-based line and column (a syntax error, or a
    /// duplicate key or too many values, found while the text is read).
    pub fn syntax(line: usize, column: usize, reason: Reason) -> ScenarioError {
        ScenarioError {
            path: String::new(),
            position: Some((line, column)),
            reason,
        }
    }

    /// The JSON path of the offending field, e.g. `schedule[3].server`; empty when the
    /// error concerns the whole document or is a syntax error.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Line and column (both 1-based) of a JSON syntax error.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.position
    }

    /// The reason alone, without path or position.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// Whether this is a JSON syntax error (the text is not well-formed JSON).
    pub fn is_syntax(&self) -> bool {
        self.position.is_some()
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.position {
            write!(f, "line {line}, column {column}: ")?;
        } else if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.reason)
    }
}

impl std::error::Error for ScenarioError {}

/// `parent.name`, or `name` at the root.
pub(crate) fn field_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// `parent[index]`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}
