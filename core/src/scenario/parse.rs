//! Text → [`Scenario`]: JSON syntax with line and column, then a walk over the parsed
//! value that fills defaults and names the path of every type error or unknown field.

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

use super::defaults;
use super::error::{field_path, index_path, ScenarioError};
use super::reason::{Expected, Found, IdKind, JsonHint, Reason};
use super::types::{Action, Cluster, Scenario, Step};
use super::validate::{check_observers, check_participants, check_schedule_len, max_bytes};
use crate::client::Request;
use crate::config::{Bug, Storage, Timing};
use crate::ids::{ClientId, ServerId};
use crate::server::CrashPoint;
use crate::txn::Op;

/// Top-level fields, in the order the contract lists them.
pub(crate) const TOP_FIELDS: [&str; 11] = [
    "format",
    "version",
    "name",
    "description",
    "seed",
    "cluster",
    "timing",
    "storage",
    "bugs",
    "schedule",
    "run_until_ms",
];

const CLUSTER_FIELDS: [&str; 3] = ["participants", "observers", "start_down"];

/// The fields of each action besides `at_ms` and `do`: (name, required, optional).
pub(crate) const ACTIONS: [(&str, &[&str], &[&str]); 22] = [
    ("write", &["server", "op", "path"], &["data"]),
    ("read", &["server", "path"], &[]),
    ("crash", &["server"], &[]),
    ("restart", &["server"], &[]),
    ("partition", &["groups"], &[]),
    ("cut", &["from", "to"], &["both"]),
    ("heal_link", &["from", "to"], &["both"]),
    ("isolate", &["server"], &[]),
    ("heal", &[], &[]),
    ("crash_at", &["server", "point"], &[]),
    ("drop_packet", &["packet"], &[]),
    ("deliver_now", &["packet"], &[]),
    ("connect", &["client", "servers"], &["timeout_ms"]),
    (
        "create",
        &["client", "path"],
        &["data", "ephemeral", "sequential"],
    ),
    ("delete", &["client", "path"], &["version"]),
    ("set_data", &["client", "path"], &["data", "version"]),
    ("get", &["client", "path"], &["watch"]),
    ("exists", &["client", "path"], &["watch"]),
    ("children", &["client", "path"], &["watch"]),
    ("close", &["client"], &[]),
    ("cut_client", &["client"], &[]),
    ("heal_client", &["client"], &[]),
];

/// Parses the text of a scenario file and fills in defaults, without the semantic
/// checks of [`Scenario::validate`].
pub(crate) fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    // Editors on Windows like to start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Bounded before parsing: the value tree of a JSON text can be 20 times its size.
    check_file_size(text.len())?;
    if text.trim().is_empty() {
        return Err(ScenarioError::new("", Reason::EmptyFile));
    }
    let budget = Budget::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed(&budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| syntax_error(text, e, budget.refused.take()))?;
    scenario_from_value(value)
}

/// Refuses a scenario text of more than [`defaults::MAX_SCENARIO_BYTES`] bytes.
pub(crate) fn check_file_size(bytes: usize) -> Result<(), ScenarioError> {
    if bytes > defaults::MAX_SCENARIO_BYTES {
        return Err(ScenarioError::new(
            "",
            Reason::FileTooLarge {
                bytes,
                max: defaults::MAX_SCENARIO_BYTES,
            },
        ));
    }
    Ok(())
}

/// `s` as quoted in a message: at most 40 bytes of it, then `...`, so that a huge key
/// or name in a file never makes a huge message; and control characters escaped (`\n`,
/// `\u{7f}`), so that the message stays one line (fuzzing found a key `"\nschedule"`
/// that made a two-line message, and keys of 40 escaped or non-ASCII characters that made
/// a 609-byte one: core/tests/fuzz_regressions.rs). The bound is on the bytes written,
/// escapes included; plain ASCII keeps its first 40 characters, as before.
pub(crate) fn clip(s: &str) -> String {
    clip_to(s, 40)
}

/// A message of serde's (which quotes the input it stopped at, unbounded and sometimes
/// verbatim) cut to at most 300 bytes like [`clip`]: fuzzing found
/// `"timing": {"tick_ms": "<a megabyte of text>"}` answered with a megabyte-long message.
pub(crate) fn clip_message(s: &str) -> String {
    clip_to(s, 300)
}

fn clip_to(s: &str, max_bytes: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let before = out.len();
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
        if out.len() > max_bytes {
            out.truncate(before);
            out.push_str("...");
            break;
        }
    }
    out
}

/// A serde_json error with its position as a [`ScenarioError`]: `refused`, the reason
/// [`StrictVisitor`] refused the text for (a duplicate key, too many values), or
/// serde_json's own message plus a hint for the usual slips of hand-written JSON.
fn syntax_error(text: &str, e: serde_json::Error, refused: Option<Reason>) -> ScenarioError {
    let (line, column) = (e.line(), e.column());
    if let Some(reason) = refused {
        return ScenarioError::syntax(line, column.max(1), reason);
    }
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    // The character serde_json stopped at (its columns are 1-based, 0 = before the line).
    let at = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.chars().nth(column.saturating_sub(1)));
    // serde_json's error codes are private: a missing comma is known by the library's
    // own words (`expected `,` or `]``, `expected `,` or `}``), never by ours.
    let hint = if e.is_eof() {
        Some(JsonHint::EndsEarly)
    } else if message.starts_with("expected `,`") {
        Some(JsonHint::CommaMissing)
    } else if at == Some('/') {
        Some(JsonHint::Comment)
    } else if at == Some('\'') {
        Some(JsonHint::SingleQuote)
    } else {
        None
    };
    ScenarioError::syntax(
        line,
        column.max(1),
        Reason::Json {
            text: message,
            hint,
        },
    )
}

/// serde's messages in the words of the rest of this module.
fn humanize(message: String) -> String {
    message
        .replace("expected u64", "expected a whole number 0 or more")
        .replace("expected f64", "expected a number")
}

/// A `serde_json::Value` that rejects duplicate keys (serde_json's own `Value` keeps the
/// last one silently, and a scenario with two `"seed"`s is surely a mistake) and holds at
/// most [`defaults::MAX_JSON_VALUES`] values: the budget is spent while the text is
/// read, so a file of millions of tiny values is refused before its tree is built.
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<StrictValue, D::Error> {
        let budget = Budget::new();
        d.deserialize_any(StrictVisitor(&budget)).map(StrictValue)
    }
}

/// What a [`StrictVisitor`] may still read, and why it refused the text if it did
/// (serde carries only text in its errors; the typed reason is kept here).
struct Budget {
    /// How many values may still come.
    left: Cell<usize>,
    /// The reason the text was refused.
    refused: Cell<Option<Reason>>,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            left: Cell::new(defaults::MAX_JSON_VALUES),
            refused: Cell::new(None),
        }
    }

    /// Keeps `reason` and gives serde its English.
    fn refuse<E: de::Error>(&self, reason: Reason) -> E {
        let e = E::custom(&reason);
        self.refused.set(Some(reason));
        e
    }
}

/// Reads one value (and everything inside it) from the shared budget.
struct StrictSeed<'a>(&'a Budget);

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(StrictVisitor(self.0))
    }
}

/// The visitor behind [`StrictValue`], reading from its [`Budget`].
struct StrictVisitor<'a>(&'a Budget);

impl StrictVisitor<'_> {
    /// Takes one value from the budget, or refuses the file once it is spent.
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.0.left.get().checked_sub(1) {
            Some(left) => {
                self.0.left.set(left);
                Ok(())
            }
            None => Err(self.0.refuse(Reason::TooManyValues {
                max: defaults::MAX_JSON_VALUES,
            })),
        }
    }
}

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictSeed(self.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(self.0.refuse(Reason::DuplicateKey { key: clip(&key) }));
            }
            let v = map.next_value_seed(StrictSeed(self.0))?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// What kind of JSON value `v` is, for "found ..." reasons.
pub(crate) fn describe(v: &Value) -> Found {
    match v {
        Value::Null => Found::Null,
        Value::Bool(b) => Found::Bool(*b),
        Value::Number(n) => Found::Number(n.to_string()),
        // Clipped and escaped; shorter ones are written as JSON (escaped too).
        Value::String(s) if s.chars().count() > 40 => Found::String(format!("\"{}\"", clip(s))),
        Value::String(s) => Found::String(Value::String(s.clone()).to_string()),
        Value::Array(_) => Found::Array,
        Value::Object(_) => Found::Object,
    }
}

fn expected(path: &str, what: Expected, found: &Value) -> ScenarioError {
    ScenarioError::new(
        path,
        Reason::Expected {
            expected: what,
            found: describe(found),
        },
    )
}

fn as_object(v: Value, path: &str, what: Expected) -> Result<Map<String, Value>, ScenarioError> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(expected(path, what, &other)),
    }
}

fn as_u64(v: &Value, path: &str) -> Result<u64, ScenarioError> {
    v.as_u64()
        .ok_or_else(|| expected(path, Expected::WholeNumber, v))
}

fn as_string(v: &Value, path: &str) -> Result<String, ScenarioError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| expected(path, Expected::String, v))
}

/// A whole-number id of a `kind` of process; its range is checked by validation.
fn as_id(v: &Value, path: &str, kind: IdKind) -> Result<u32, ScenarioError> {
    match v.as_u64() {
        Some(n) => u32::try_from(n)
            .map_err(|_| ScenarioError::new(path, Reason::IdOutOfRange { kind, id: n })),
        None => {
            let what = match kind {
                IdKind::Server => Expected::ServerId,
                IdKind::Client => Expected::ClientId,
            };
            Err(expected(path, what, v))
        }
    }
}

fn as_server(v: &Value, path: &str) -> Result<ServerId, ScenarioError> {
    as_id(v, path, IdKind::Server).map(ServerId)
}

fn as_client(v: &Value, path: &str) -> Result<ClientId, ScenarioError> {
    as_id(v, path, IdKind::Client).map(ClientId)
}

fn as_version(v: &Value, path: &str) -> Result<i32, ScenarioError> {
    v.as_u64()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| expected(path, Expected::ZnodeVersion, v))
}

fn as_array(v: Value, path: &str, what: Expected) -> Result<Vec<Value>, ScenarioError> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(expected(path, what, &other)),
    }
}

/// Rejects the first key of `obj` that is not in `known`; `action` names the step's
/// action when `obj` is a step.
fn deny_unknown(
    obj: &Map<String, Value>,
    known: &[&'static str],
    path: &str,
    action: Option<&str>,
) -> Result<(), ScenarioError> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ScenarioError::new(
            field_path(path, &clip(k)),
            Reason::UnknownField {
                field: clip(k),
                action: action.map(str::to_string),
                known: known.to_vec(),
            },
        )),
        None => Ok(()),
    }
}

/// Reads a scenario from an already parsed JSON value.
pub(crate) fn scenario_from_value(v: Value) -> Result<Scenario, ScenarioError> {
    let mut obj = match v {
        Value::Object(m) => m,
        other => {
            return Err(ScenarioError::new(
                "",
                Reason::NotAnObject {
                    found: describe(&other),
                },
            ))
        }
    };

    // Format and version first: a file of some other kind should hear exactly that.
    match obj.get("format") {
        None => return Err(ScenarioError::new("format", Reason::FormatMissing)),
        Some(Value::String(s)) if s == defaults::FORMAT => {}
        Some(other) => {
            return Err(ScenarioError::new(
                "format",
                Reason::NotScenarioFile {
                    found: describe(other),
                },
            ))
        }
    }
    let version = match obj.get("version") {
        None => {
            return Err(ScenarioError::new(
                "version",
                Reason::VersionMissing {
                    supported: defaults::VERSION,
                },
            ))
        }
        Some(v) => as_u64(v, "version")?,
    };
    if version != u64::from(defaults::VERSION) {
        return Err(ScenarioError::new(
            "version",
            Reason::UnsupportedVersion {
                version,
                supported: defaults::VERSION,
            },
        ));
    }
    deny_unknown(&obj, &TOP_FIELDS, "", None)?;

    let mut scenario = Scenario::new(0);
    if let Some(v) = obj.remove("name") {
        scenario.name = as_string(&v, "name")?;
    }
    if let Some(v) = obj.remove("description") {
        scenario.description = as_string(&v, "description")?;
    }
    if let Some(v) = obj.remove("seed") {
        scenario.seed = as_u64(&v, "seed")?;
    }
    match obj.remove("cluster") {
        Some(v) => scenario.cluster = cluster_from_value(v)?,
        None => return Err(ScenarioError::new("cluster", Reason::ClusterMissing)),
    }
    if let Some(v) = obj.remove("timing") {
        scenario.timing = defaulted_struct::<Timing>(v, "timing")?;
    }
    if let Some(v) = obj.remove("storage") {
        scenario.storage = defaulted_struct::<Storage>(v, "storage")?;
    }
    if let Some(v) = obj.remove("bugs") {
        let items = as_array(v, "bugs", Expected::Bugs)?;
        scenario.bugs = items
            .iter()
            .enumerate()
            .map(|(i, item)| bug_from_value(item, &index_path("bugs", i)))
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = obj.remove("schedule") {
        let items = as_array(v, "schedule", Expected::Schedule)?;
        check_schedule_len(items.len())?;
        scenario.schedule = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| step_from_value(item, &index_path("schedule", i)))
            .collect::<Result<_, _>>()?;
    }
    scenario.run_until_ms = match obj.remove("run_until_ms") {
        Some(v) => as_u64(&v, "run_until_ms")?,
        None => defaults::run_until_ms(scenario.last_step_ms()),
    };
    Ok(scenario)
}

fn cluster_from_value(v: Value) -> Result<Cluster, ScenarioError> {
    let obj = as_object(v, "cluster", Expected::Cluster)?;
    deny_unknown(&obj, &CLUSTER_FIELDS, "cluster", None)?;
    // Range-checked here, before anything is built per server (complete_partitions
    // lists every server id).
    let participants = match obj.get("participants") {
        Some(v) => check_participants(as_u64(v, "cluster.participants")?)?,
        None => {
            return Err(ScenarioError::new(
                "cluster.participants",
                Reason::ParticipantsMissing {
                    min: defaults::MIN_PARTICIPANTS,
                    max: defaults::MAX_PARTICIPANTS,
                },
            ))
        }
    };
    let mut cluster = Cluster::new(participants);
    if let Some(v) = obj.get("observers") {
        cluster.observers = check_observers(as_u64(v, "cluster.observers")?)?;
    }
    if let Some(v) = obj.get("start_down") {
        let items = as_array(v.clone(), "cluster.start_down", Expected::StartDown)?;
        cluster.start_down = items
            .iter()
            .enumerate()
            .map(|(i, item)| as_server(item, &index_path("cluster.start_down", i)))
            .collect::<Result<_, _>>()?;
    }
    Ok(cluster)
}

/// Reads a struct whose fields all have defaults (`#[serde(default, deny_unknown_fields)]`),
/// naming the offending field: each field is first read alone, so that an error can be
/// pinned on it, then the whole object is read.
fn defaulted_struct<T: DeserializeOwned>(v: Value, path: &str) -> Result<T, ScenarioError> {
    let obj = as_object(v, path, Expected::Object)?;
    for (key, value) in &obj {
        let mut single = Map::new();
        single.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<T>(Value::Object(single)) {
            return Err(ScenarioError::new(
                field_path(path, &clip(key)),
                serde_reason(&e),
            ));
        }
    }
    serde_json::from_value::<T>(Value::Object(obj))
        .map_err(|e| ScenarioError::new(path, serde_reason(&e)))
}

/// serde_json's words for a value it could not read, in the words of this module and
/// clipped.
fn serde_reason(e: &serde_json::Error) -> Reason {
    Reason::Json {
        text: clip_message(&humanize(e.to_string())),
        hint: None,
    }
}

fn bug_from_value(v: &Value, path: &str) -> Result<Bug, ScenarioError> {
    let id = v
        .as_str()
        .ok_or_else(|| expected(path, Expected::BugId, v))?;
    Bug::from_id(id).ok_or_else(|| {
        ScenarioError::new(
            path,
            Reason::UnknownBug {
                bug: clip(id),
                known: Bug::ALL.iter().map(|b| b.id()).collect(),
            },
        )
    })
}

/// Reads one schedule step at `path` (e.g. `schedule[3]`).
pub(crate) fn step_from_value(v: Value, path: &str) -> Result<Step, ScenarioError> {
    let mut obj = as_object(v, path, Expected::Step)?;
    let at_path = field_path(path, "at_ms");
    let at_ms = match obj.remove("at_ms") {
        Some(v) => as_u64(&v, &at_path)?,
        None => return Err(ScenarioError::new(at_path, Reason::AtMissing)),
    };
    let do_path = field_path(path, "do");
    let names = || ACTIONS.iter().map(|a| a.0).collect();
    let name = match obj.get("do") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(expected(&do_path, Expected::ActionName, other)),
        None => {
            return Err(ScenarioError::new(
                do_path,
                Reason::DoMissing { known: names() },
            ))
        }
    };
    let Some((_, required, optional)) = ACTIONS.iter().find(|a| a.0 == name) else {
        return Err(ScenarioError::new(
            do_path,
            Reason::UnknownAction {
                action: clip(&name),
                known: names(),
            },
        ));
    };
    let mut known = vec!["at_ms", "do"];
    known.extend_from_slice(required);
    known.extend_from_slice(optional);
    deny_unknown(&obj, &known, path, Some(&name))?;
    if let Some(missing) = required.iter().find(|f| !obj.contains_key(**f)) {
        return Err(ScenarioError::new(
            field_path(path, missing),
            Reason::FieldMissing {
                action: name,
                needs: required.to_vec(),
            },
        ));
    }
    for (key, value) in &obj {
        check_action_field(key, value, &field_path(path, key))?;
    }
    let action = action_from_fields(&name, &obj, path)?;
    Ok(Step { at_ms, action })
}

/// Builds the action `name` from fields that [`check_action_field`] has type-checked
/// and `ACTIONS` has shown present (by hand rather than by a derived `Deserialize`: the
/// internally tagged derive cost the browser bundle about 45 KB).
fn action_from_fields(
    name: &str,
    obj: &Map<String, Value>,
    path: &str,
) -> Result<Action, ScenarioError> {
    let get = |k: &str| obj.get(k).unwrap_or(&Value::Null);
    let server = |k: &str| as_server(get(k), &field_path(path, k));
    let string = |k: &str| as_string(get(k), &field_path(path, k));
    let both = obj
        .get("both")
        .and_then(Value::as_bool)
        .unwrap_or(defaults::CUT_BOTH);
    let packet = || as_u64(get("packet"), &field_path(path, "packet"));
    let client = || as_client(get("client"), &field_path(path, "client"));
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
    let data = || {
        obj.contains_key("data")
            .then(|| string("data"))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let version = || -> Result<Option<i32>, ScenarioError> {
        obj.get("version")
            .map(|v| as_version(v, &field_path(path, "version")))
            .transpose()
    };
    let call = |request: Request| -> Result<Action, ScenarioError> {
        Ok(Action::Call {
            client: client()?,
            request,
        })
    };
    Ok(match name {
        "write" => {
            let znode = string("path")?;
            let data = obj
                .contains_key("data")
                .then(|| string("data"))
                .transpose()?
                .unwrap_or_default();
            let op = match get("op").as_str() {
                Some("set") => Op::Set { path: znode, data },
                Some("delete") if obj.contains_key("data") => {
                    return Err(ScenarioError::new(
                        field_path(path, "data"),
                        Reason::DeleteWithData,
                    ))
                }
                Some("delete") => Op::Delete { path: znode },
                _ => Op::create(znode, data),
            };
            Action::Write {
                server: server("server")?,
                op,
            }
        }
        "read" => Action::Read {
            server: server("server")?,
            path: string("path")?,
        },
        "crash" => Action::Crash {
            server: server("server")?,
        },
        "restart" => Action::Restart {
            server: server("server")?,
        },
        "partition" => Action::Partition {
            groups: get("groups")
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(g, group)| {
                    let gpath = index_path(&field_path(path, "groups"), g);
                    group
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(j, id)| as_server(id, &index_path(&gpath, j)))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?,
        },
        "cut" => Action::Cut {
            from: server("from")?,
            to: server("to")?,
            both,
        },
        "heal_link" => Action::HealLink {
            from: server("from")?,
            to: server("to")?,
            both,
        },
        "isolate" => Action::Isolate {
            server: server("server")?,
        },
        "heal" => Action::Heal,
        "crash_at" => Action::CrashAt {
            server: server("server")?,
            point: crash_point(&string("point")?, &field_path(path, "point"))?,
        },
        "drop_packet" => Action::DropPacket { packet: packet()? },
        "deliver_now" => Action::DeliverNow { packet: packet()? },
        "connect" => Action::Connect {
            client: client()?,
            servers: get("servers")
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, id)| as_server(id, &index_path(&field_path(path, "servers"), i)))
                .collect::<Result<Vec<_>, _>>()?,
            timeout_ms: match obj.get("timeout_ms") {
                Some(v) => as_u64(v, &field_path(path, "timeout_ms"))?,
                None => defaults::SESSION_TIMEOUT_MS,
            },
        },
        "create" => call(Request::Create {
            path: string("path")?,
            data: data()?,
            ephemeral: flag("ephemeral"),
            sequential: flag("sequential"),
        })?,
        "delete" => call(Request::Delete {
            path: string("path")?,
            version: version()?,
        })?,
        "set_data" => call(Request::SetData {
            path: string("path")?,
            data: data()?,
            version: version()?,
        })?,
        "get" => call(Request::GetData {
            path: string("path")?,
            watch: flag("watch"),
        })?,
        "exists" => call(Request::Exists {
            path: string("path")?,
            watch: flag("watch"),
        })?,
        "children" => call(Request::GetChildren {
            path: string("path")?,
            watch: flag("watch"),
        })?,
        "close" => call(Request::Close)?,
        "cut_client" => Action::CutClient { client: client()? },
        "heal_client" => Action::HealClient { client: client()? },
        other => {
            return Err(ScenarioError::new(
                field_path(path, "do"),
                Reason::UnknownAction {
                    action: clip(other),
                    known: Vec::new(),
                },
            ))
        }
    })
}

/// The crash point named `name` (at `path`), or an error listing the known ones.
fn crash_point(name: &str, path: &str) -> Result<CrashPoint, ScenarioError> {
    if name.is_empty() {
        return Err(ScenarioError::new(path, Reason::EmptyCrashPoint));
    }
    max_bytes(path, name, defaults::MAX_POINT_BYTES)?;
    CrashPoint::from_name(name).ok_or_else(|| {
        ScenarioError::new(
            path,
            Reason::UnknownCrashPoint {
                point: clip(name),
                known: CrashPoint::ALL.iter().map(|p| p.name()).collect(),
            },
        )
    })
}

/// Type-checks one field of an action, so that a mistake is named by its path.
fn check_action_field(key: &str, v: &Value, path: &str) -> Result<(), ScenarioError> {
    match key {
        "server" | "from" | "to" => as_server(v, path).map(drop),
        "path" | "data" | "point" => as_string(v, path).map(drop),
        "both" | "ephemeral" | "sequential" | "watch" => match v {
            Value::Bool(_) => Ok(()),
            other => Err(expected(path, Expected::Bool, other)),
        },
        "client" => as_client(v, path).map(drop),
        "version" => as_version(v, path).map(drop),
        "timeout_ms" => as_u64(v, path).map(drop),
        "servers" => {
            let ids = v
                .as_array()
                .ok_or_else(|| expected(path, Expected::Servers, v))?;
            for (i, id) in ids.iter().enumerate() {
                as_server(id, &index_path(path, i))?;
            }
            Ok(())
        }
        "op" => match v.as_str() {
            Some("create" | "set" | "delete") => Ok(()),
            Some(other) => Err(ScenarioError::new(
                path,
                Reason::UnknownOp { op: clip(other) },
            )),
            None => Err(expected(path, Expected::Op, v)),
        },
        "groups" => {
            let groups = v
                .as_array()
                .ok_or_else(|| expected(path, Expected::Groups, v))?;
            for (g, group) in groups.iter().enumerate() {
                let gpath = index_path(path, g);
                let ids = group
                    .as_array()
                    .ok_or_else(|| expected(&gpath, Expected::Group, group))?;
                for (j, id) in ids.iter().enumerate() {
                    as_server(id, &index_path(&gpath, j))?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(field: &str) -> Value {
        match field {
            "server" | "from" => Value::from(1),
            "to" => Value::from(2),
            "op" => Value::from("create"),
            "path" => Value::from("/a"),
            "data" => Value::from("x"),
            "point" => Value::from("after-fsync"),
            "both" => Value::Bool(false),
            "packet" => Value::from(3),
            "groups" => serde_json::json!([[1], [2]]),
            "client" => Value::from(1),
            "servers" => serde_json::json!([1, 2]),
            "timeout_ms" => Value::from(3000),
            "version" => Value::from(2),
            "ephemeral" | "sequential" | "watch" => Value::Bool(true),
            other => panic!("no sample for action field `{other}`"),
        }
    }

    /// The field table used for messages agrees with the serde shape of [`Action`]:
    /// every action reads with all its fields and writes back exactly those fields.
    #[test]
    fn action_table_matches_the_action_enum() {
        for (name, required, optional) in ACTIONS {
            let mut obj = Map::new();
            obj.insert("at_ms".into(), Value::from(7));
            obj.insert("do".into(), Value::from(name));
            for f in required.iter().chain(optional.iter()) {
                obj.insert(f.to_string(), sample(f));
            }
            let step = step_from_value(Value::Object(obj.clone()), "s")
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(step.action.name(), name);
            let written = serde_json::to_value(&step).expect("serialise");
            assert_eq!(written, Value::Object(obj), "{name}");
        }
    }

    #[test]
    fn top_fields_match_the_serialised_scenario() {
        let written = serde_json::to_value(Scenario::new(3)).expect("serialise");
        let keys: Vec<&str> = written
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = TOP_FIELDS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }
}
