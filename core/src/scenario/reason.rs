//! [`Reason`]: why a scenario file was rejected, as data. Its
//! [`Display`](fmt::Display) is the English one-liner the CLI prints; the web app words
//! each variant in the page's language from the same fields.

use std::fmt;

use super::defaults;
use crate::config::Bug;
use crate::ids::{ClientId, ServerId};

/// Why a scenario was rejected, without the place (the path or position is
/// [`ScenarioError`](super::ScenarioError)'s). Quoted input (`key`, `action`, `path`...)
/// is held as it is shown: at most 40 bytes of it then `...`, control characters
/// escaped, so that a reason is always one short line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    // ---- the file as a whole ----
    /// The text is empty (or only white space).
    EmptyFile,
    /// The text is larger than a scenario file may be.
    FileTooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The largest size allowed, in bytes ([`defaults::MAX_SCENARIO_BYTES`]).
        max: usize,
    },
    /// The text holds more JSON values than a scenario file may.
    TooManyValues {
        /// The most values allowed ([`defaults::MAX_JSON_VALUES`]).
        max: usize,
    },
    /// An object names the same key twice.
    DuplicateKey {
        /// The key, as quoted.
        key: String,
    },
    /// serde_json's own words: a syntax error, or a wrong type in `timing` or
    /// `storage` as serde words it. The text comes from the library and is not typed.
    Json {
        /// serde_json's message (without its position), at most 300 bytes.
        text: String,
        /// Our hint for a usual slip of hand-written JSON, if one fits.
        hint: Option<JsonHint>,
    },
    /// The text is JSON but not an object.
    NotAnObject {
        /// What it is instead.
        found: Found,
    },

    // ---- format and version ----
    /// `format` is missing.
    FormatMissing,
    /// The file's `format` is not [`defaults::FORMAT`]: some other kind of file.
    NotScenarioFile {
        /// The `format` value found.
        found: Found,
    },
    /// A [`Scenario`](super::Scenario) value's `format` is not [`defaults::FORMAT`].
    WrongFormat {
        /// Its `format`, as it is.
        format: String,
    },
    /// `version` is missing.
    VersionMissing {
        /// The version this build reads ([`defaults::VERSION`]).
        supported: u32,
    },
    /// `version` is one this build does not read.
    UnsupportedVersion {
        /// The version found.
        version: u64,
        /// The version this build reads ([`defaults::VERSION`]).
        supported: u32,
    },

    // ---- fields and their types ----
    /// A field holds the wrong kind of value.
    Expected {
        /// What the field takes.
        expected: Expected,
        /// What it holds.
        found: Found,
    },
    /// An object has a field it does not take.
    UnknownField {
        /// The field's name, as quoted.
        field: String,
        /// The action of the step, when the object is a step.
        action: Option<String>,
        /// The fields the object takes.
        known: Vec<&'static str>,
    },
    /// `cluster` is missing.
    ClusterMissing,
    /// `cluster.participants` is missing.
    ParticipantsMissing {
        /// The fewest participants.
        min: u32,
        /// The most participants.
        max: u32,
    },
    /// A server or client id does not fit in 32 bits.
    IdOutOfRange {
        /// Whose id.
        kind: IdKind,
        /// The number written.
        id: u64,
    },
    /// `bugs` names no known bug.
    UnknownBug {
        /// The id written, as quoted.
        bug: String,
        /// The known bug ids.
        known: Vec<&'static str>,
    },
    /// `bugs` lists a bug twice.
    BugTwice {
        /// The bug.
        bug: Bug,
    },
    /// `cluster.participants` is out of range.
    Participants {
        /// The number written.
        count: u64,
        /// The fewest participants.
        min: u32,
        /// The most participants.
        max: u32,
    },
    /// `cluster.observers` is out of range.
    Observers {
        /// The number written.
        count: u64,
        /// The most observers.
        max: u32,
    },
    /// A timing value is out of its range.
    OutOfRange {
        /// The value.
        value: u64,
        /// The least allowed.
        min: u64,
        /// The most allowed.
        max: u64,
        /// What the English adds after the range.
        note: RangeNote,
    },
    /// A storage count is below its least value.
    TooSmall {
        /// The value.
        value: u64,
        /// The least allowed.
        min: u64,
    },
    /// A storage count is above its largest value.
    TooLarge {
        /// The value.
        value: u64,
        /// The most allowed.
        max: u64,
    },
    /// A `[min, max]` pair whose min is larger than its max.
    NotMinMax {
        /// The first number.
        min: u64,
        /// The second number.
        max: u64,
    },
    /// The min of a `[min, max]` pair is too small.
    MinimumTooSmall {
        /// The min written.
        min: u64,
        /// The least allowed.
        lowest: u64,
    },
    /// The max of a `[min, max]` pair is too large.
    MaximumTooLarge {
        /// The max written.
        max: u64,
        /// The most allowed.
        limit: u64,
    },
    /// `storage.snapshot_size_factor` is not a finite number.
    NotFinite,
    /// A string is longer than its field allows.
    TooLong {
        /// Its length in bytes.
        bytes: usize,
        /// The most allowed, in bytes.
        max: usize,
    },

    // ---- the schedule and its steps ----
    /// The schedule has too many steps.
    TooManySteps {
        /// How many it has.
        steps: usize,
        /// The most allowed ([`defaults::MAX_SCHEDULE_STEPS`]).
        max: usize,
    },
    /// A step has no `at_ms`.
    AtMissing,
    /// A step has no `do`.
    DoMissing {
        /// The action names.
        known: Vec<&'static str>,
    },
    /// A step's `do` names no known action.
    UnknownAction {
        /// The name written, as quoted.
        action: String,
        /// The action names (empty: not listed).
        known: Vec<&'static str>,
    },
    /// A step lacks a field its action needs.
    FieldMissing {
        /// The action.
        action: String,
        /// The fields the action needs.
        needs: Vec<&'static str>,
    },
    /// A time is past [`defaults::MAX_TIME_MS`].
    TimeBeyond {
        /// The time, in ms.
        at_ms: u64,
        /// The latest allowed, in ms.
        max: u64,
    },
    /// A step comes before the one ahead of it in the file.
    Backwards {
        /// Its `at_ms`.
        at_ms: u64,
        /// The `at_ms` of the step before it.
        previous: u64,
    },
    /// `run_until_ms` is before the last step.
    StopsBeforeLastStep {
        /// `run_until_ms`.
        run_until_ms: u64,
        /// The last step's `at_ms`.
        last: u64,
    },
    /// The writes up to this step carry more bytes than all writes together may.
    WritesTooLarge {
        /// The bytes of paths and data up to this step.
        total: usize,
        /// The most allowed ([`defaults::MAX_WRITE_BYTES`]).
        max: usize,
    },
    /// A `write` with `"op": "delete"` has `data`.
    DeleteWithData,
    /// A `write`'s `op` is not create, set or delete.
    UnknownOp {
        /// The op written, as quoted.
        op: String,
    },
    /// A `crash_at`'s `point` is empty.
    EmptyCrashPoint,
    /// A `crash_at`'s `point` names no known crash point.
    UnknownCrashPoint {
        /// The name written, as quoted.
        point: String,
        /// The known crash point names.
        known: Vec<&'static str>,
    },
    /// A server id that is not in the cluster.
    ServerOutOfRange {
        /// The id.
        server: ServerId,
        /// How many servers the cluster has (ids are `1..=servers`).
        servers: u32,
    },
    /// A server is listed twice (in `start_down` or a `connect`'s `servers`).
    ServerTwice {
        /// The server.
        server: ServerId,
    },
    /// A `cut` or `heal_link` from a server to itself.
    SameEnds {
        /// The server at both ends.
        server: ServerId,
    },
    /// A `connect` with no servers.
    NoServers,
    /// A `connect`'s `timeout_ms` is out of range.
    TimeoutOutOfRange {
        /// The timeout, in ms.
        timeout_ms: u64,
        /// The most allowed ([`defaults::MAX_SESSION_TIMEOUT_MS`]).
        max: u64,
    },
    /// A session client id out of range.
    ClientOutOfRange {
        /// The client.
        client: ClientId,
        /// The most clients ([`defaults::MAX_CLIENTS`]); ids are `1..=max`.
        max: u32,
    },
    /// A packet id 0.
    PacketZero,
    /// A partition with fewer than two groups.
    TooFewGroups {
        /// How many it has.
        groups: usize,
    },
    /// A partition group with no server.
    EmptyGroup,
    /// A server in two groups of a partition.
    ServerInTwoGroups {
        /// The server.
        server: ServerId,
    },
    /// A server that is up but in no group of a partition.
    ServerInNoGroup {
        /// The server.
        server: ServerId,
        /// How many servers the cluster has.
        servers: u32,
    },

    // ---- znode paths ----
    /// An empty znode path.
    EmptyPath,
    /// A znode path that does not start with `/`.
    PathNotAbsolute {
        /// The path, as quoted.
        path: String,
    },
    /// A write to the root `/`.
    RootNotWritable,
    /// A znode path that ends with `/`.
    PathEndsWithSlash {
        /// The path, as quoted.
        path: String,
    },
    /// A znode path with a control character.
    PathControlChar {
        /// The path, as quoted (the character escaped).
        path: String,
    },
    /// A znode path with an empty segment (`//`).
    PathEmptySegment {
        /// The path, as quoted.
        path: String,
    },
    /// A znode path with a `.` or `..` segment.
    PathRelativeSegment {
        /// The path, as quoted.
        path: String,
        /// The segment, `.` or `..`.
        segment: String,
    },
}

/// What kind of value a field takes (in [`Reason::Expected`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A whole number 0 or more.
    WholeNumber,
    /// A string.
    String,
    /// A server id, a whole number.
    ServerId,
    /// A client id, a whole number.
    ClientId,
    /// A znode version, a whole number 0 ..= 2^31-1.
    ZnodeVersion,
    /// An object (`timing`, `storage`).
    Object,
    /// The `cluster` object.
    Cluster,
    /// `cluster.start_down`'s array of server ids.
    StartDown,
    /// `bugs`' array of bug ids.
    Bugs,
    /// `schedule`'s array of steps.
    Schedule,
    /// A bug id (a string).
    BugId,
    /// A step, an object.
    Step,
    /// An action name (a string).
    ActionName,
    /// `true` or `false`.
    Bool,
    /// A `connect`'s array of server ids.
    Servers,
    /// A `write`'s op: `"create"`, `"set"` or `"delete"`.
    Op,
    /// A `partition`'s array of groups.
    Groups,
    /// One group of a partition: an array of server ids.
    Group,
}

/// The kind of JSON value found where another was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json writes it.
    Number(String),
    /// A string, as quoted: written as JSON, or (over 40 characters) its first 40
    /// bytes then `...` in double quotes.
    String(String),
    /// An array.
    Array,
    /// An object.
    Object,
}

/// Whose id (in [`Reason::IdOutOfRange`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// A server's.
    Server,
    /// A session client's.
    Client,
}

/// What follows a timing range in the English (in [`Reason::OutOfRange`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeNote {
    /// Nothing.
    None,
    /// The range is in ticks.
    Ticks,
    /// `tick_ms`: the leader pings every tick_ms/2.
    TickMs,
    /// `max_notification_interval_ms`: at least `finalize_wait_ms`.
    NotificationInterval,
}

/// A hint added to serde_json's syntax message for a usual slip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonHint {
    /// The text ends inside a bracket or string.
    EndsEarly,
    /// A comma is probably missing.
    CommaMissing,
    /// A `/`: JSON has no comments.
    Comment,
    /// A `'`: JSON takes double quotes.
    SingleQuote,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Reason as R;
        let format = defaults::FORMAT;
        match self {
            R::EmptyFile => f.write_str(
                "the file is empty; expected a JSON object such as {\"format\": \"zab-scenario\", \"version\": 1, ...}",
            ),
            R::FileTooLarge { bytes, max } => write!(
                f,
                "the file is {bytes} bytes; a scenario file is at most {max} bytes (16 MiB)"
            ),
            R::TooManyValues { max } => write!(
                f,
                "more than {max} JSON values (numbers, strings, lists, objects); a scenario file holds at most {max}"
            ),
            R::DuplicateKey { key } => write!(f, "duplicate key `{key}` in the same object"),
            R::Json { text, hint } => {
                f.write_str(text)?;
                match hint {
                    Some(hint) => write!(f, " ({hint})"),
                    None => Ok(()),
                }
            }
            R::NotAnObject { found } => write!(
                f,
                "expected a JSON object with \"format\": \"{format}\", found {found}"
            ),
            R::FormatMissing => write!(
                f,
                "missing; a scenario file declares \"format\": \"{format}\""
            ),
            R::NotScenarioFile { found } => write!(
                f,
                "expected \"{format}\", found {found}; this is not a ZabScope scenario file"
            ),
            R::WrongFormat { format: found } => {
                write!(f, "expected \"{format}\", found \"{found}\"")
            }
            R::VersionMissing { supported } => {
                write!(f, "missing; this build reads version {supported}")
            }
            R::UnsupportedVersion { version, supported } => write!(
                f,
                "unsupported version {version}; this build reads version {supported}"
            ),
            R::Expected { expected, found } => write!(f, "expected {expected}, found {found}"),
            R::UnknownField {
                field,
                action,
                known,
            } => {
                write!(f, "unknown field `{field}`")?;
                if let Some(action) = action {
                    write!(f, " for `{action}`")?;
                }
                write!(f, "; expected one of: {}", known.join(", "))
            }
            R::ClusterMissing => f.write_str(
                "missing; say how many servers run, e.g. \"cluster\": {\"participants\": 3}",
            ),
            R::ParticipantsMissing { min, max } => {
                write!(f, "missing; how many voting servers ({min}..={max})?")
            }
            R::IdOutOfRange { kind, id } => write!(f, "{kind} {id} is out of range"),
            R::UnknownBug { bug, known } => {
                write!(f, "unknown bug `{bug}`; known: {}", known.join(", "))
            }
            R::BugTwice { bug } => write!(f, "bug `{}` is listed twice", bug.id()),
            R::Participants { count, min, max } => {
                write!(f, "{count} participants; a cluster has {min}..={max}")
            }
            R::Observers { count, max } => {
                write!(f, "{count} observers; a cluster has 0..={max}")
            }
            R::OutOfRange {
                value,
                min,
                max,
                note,
            } => write!(f, "{value} is out of range; allowed {min}..={max}{note}"),
            R::TooSmall { value, min } => write!(f, "{value} is too small; at least {min}"),
            R::TooLarge { value, max } => write!(f, "{value} is too large; at most {max}"),
            R::NotMinMax { min, max } => write!(
                f,
                "[{min}, {max}] is not [min, max]: min is larger than max"
            ),
            R::MinimumTooSmall { min, lowest } => {
                write!(f, "minimum {min} is too small; at least {lowest}")
            }
            R::MaximumTooLarge { max, limit } => {
                write!(f, "maximum {max} is too large; at most {limit}")
            }
            R::NotFinite => f.write_str("must be a finite number"),
            R::TooLong { bytes, max } => {
                write!(f, "{bytes} bytes is too long; at most {max} bytes")
            }
            R::TooManySteps { steps, max } => {
                write!(f, "{steps} steps; a schedule has at most {max} steps")
            }
            R::AtMissing => f.write_str("missing; every step says when it happens"),
            R::DoMissing { known } => write!(
                f,
                "missing; say what happens: one of {}",
                known.join(", ")
            ),
            R::UnknownAction { action, known } => {
                write!(f, "unknown action `{action}`")?;
                if known.is_empty() {
                    Ok(())
                } else {
                    write!(f, "; known: {}", known.join(", "))
                }
            }
            R::FieldMissing { action, needs } => {
                write!(f, "missing; `{action}` needs {}", needs.join(", "))
            }
            R::TimeBeyond { at_ms, max } => {
                write!(f, "{at_ms} is beyond the latest allowed time {max}")
            }
            R::Backwards { at_ms, previous } => write!(
                f,
                "at_ms goes backwards: {at_ms} after {previous} (steps must be in time order)"
            ),
            R::StopsBeforeLastStep { run_until_ms, last } => write!(
                f,
                "the run would stop at {run_until_ms} ms, before the last step (at_ms {last})"
            ),
            R::WritesTooLarge { total, max } => write!(
                f,
                "the paths and data of the writes up to this step come to {total} bytes; \
                 all writes together carry at most {max} bytes"
            ),
            R::DeleteWithData => {
                f.write_str("a delete carries no data (data is only for create and set)")
            }
            R::UnknownOp { op } => {
                write!(f, "unknown op `{op}`; expected create, set or delete")
            }
            R::EmptyCrashPoint => f.write_str("empty crash point name"),
            R::UnknownCrashPoint { point, known } => write!(
                f,
                "unknown crash point `{point}`; known: {}",
                known.join(", ")
            ),
            R::ServerOutOfRange { server, servers } => {
                let hint = if server.0 == 0 { "ids start at 1; " } else { "" };
                write!(
                    f,
                    "server {server} is out of range ({hint}this cluster has servers 1..={servers})"
                )
            }
            R::ServerTwice { server } => write!(f, "server {server} is listed twice"),
            R::SameEnds { server } => write!(
                f,
                "a link joins two different servers, but from and to are both {server}"
            ),
            R::NoServers => f.write_str("a client needs at least one server to connect to"),
            R::TimeoutOutOfRange { timeout_ms, max } => {
                write!(f, "{timeout_ms} is out of range 1 ..= {max}")
            }
            R::ClientOutOfRange { client, max } => write!(
                f,
                "client {} is out of range (clients are numbered 1..={max})",
                client.0
            ),
            R::PacketZero => f.write_str("packet ids start at 1"),
            R::TooFewGroups { groups } => {
                write!(f, "a partition needs at least 2 groups, found {groups}")
            }
            R::EmptyGroup => f.write_str("empty group"),
            R::ServerInTwoGroups { server } => write!(
                f,
                "server {server} appears twice; every server is in exactly one group"
            ),
            R::ServerInNoGroup { server, servers } => write!(
                f,
                "server {server} is in no group; every server 1..={servers} is in exactly one group \
                 (only a server that is down at this time may be left out)"
            ),
            R::EmptyPath => f.write_str("empty path; znode paths look like /a or /a/b"),
            R::PathNotAbsolute { path } => write!(f, "path `{path}` must start with '/'"),
            R::RootNotWritable => f.write_str(
                "the root `/` cannot be created, set or deleted; use a path like /a",
            ),
            R::PathEndsWithSlash { path } => write!(f, "path `{path}` must not end with '/'"),
            R::PathControlChar { path } => {
                write!(f, "path `{path}` contains a control character")
            }
            R::PathEmptySegment { path } => {
                write!(f, "path `{path}` has an empty segment (`//`)")
            }
            R::PathRelativeSegment { path, segment } => {
                write!(f, "path `{path}` has a relative segment `{segment}`")
            }
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::WholeNumber => "a whole number 0 or more",
            Expected::String => "a string",
            Expected::ServerId => "a server id (a whole number such as 1)",
            Expected::ClientId => "a client id (a whole number such as 1)",
            Expected::ZnodeVersion => "a znode version, a whole number 0 ..= 2^31-1",
            Expected::Object => "an object",
            Expected::Cluster => "an object such as {\"participants\": 3}",
            Expected::StartDown => "an array of server ids such as [1]",
            Expected::Bugs => "an array of bug ids such as [\"ZK-3911\"]",
            Expected::Schedule => "an array of steps",
            Expected::BugId => "a bug id such as \"ZK-3911\"",
            Expected::Step => "a step such as {\"at_ms\": 5000, \"do\": \"crash\", \"server\": 1}",
            Expected::ActionName => "an action name",
            Expected::Bool => "true or false",
            Expected::Servers => "an array of server ids such as [1, 2, 3]",
            Expected::Op => "\"create\", \"set\" or \"delete\"",
            Expected::Groups => "an array of groups such as [[1, 2], [3]]",
            Expected::Group => "an array of server ids such as [1, 2]",
        })
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Null => f.write_str("null"),
            Found::Bool(b) => write!(f, "{b}"),
            Found::Number(n) => write!(f, "the number {n}"),
            Found::String(quoted) => write!(f, "the string {quoted}"),
            Found::Array => f.write_str("an array"),
            Found::Object => f.write_str("an object"),
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Server => "server",
            IdKind::Client => "client",
        })
    }
}

impl fmt::Display for RangeNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeNote::None => "",
            RangeNote::Ticks => " ticks",
            RangeNote::TickMs => " (the leader pings every tick_ms/2)",
            RangeNote::NotificationInterval => {
                " (at least finalize_wait_ms, FLE's first poll timeout)"
            }
        })
    }
}

/// The hint's words, without the parentheses [`Reason::Json`] puts around it.
impl fmt::Display for JsonHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonHint::EndsEarly => "the file ends too early: a bracket or quote is not closed",
            JsonHint::CommaMissing => "is a comma missing before this point?",
            JsonHint::Comment => "JSON has no comments",
            JsonHint::SingleQuote => "JSON strings and keys take double quotes",
        })
    }
}
