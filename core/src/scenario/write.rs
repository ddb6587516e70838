//! [`Scenario`] → JSON text laid out for people: one top-level field per line, small
//! objects inline, one schedule step per line.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

use super::types::Scenario;

/// serde_json's compact output with a space after `:` and `,`.
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// One value on one line.
fn inline<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
    match value.serialize(&mut ser) {
        // serde_json writes valid UTF-8; the fallback is unreachable in practice.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("\"<unserialisable: {e}>\""),
    }
}

pub(crate) fn to_json_pretty(s: &Scenario) -> String {
    let mut fields: Vec<(&str, String)> = vec![
        ("format", inline(&s.format)),
        ("version", inline(&s.version)),
        ("name", inline(&s.name)),
        ("description", inline(&s.description)),
        ("seed", inline(&s.seed)),
        ("cluster", inline(&s.cluster)),
        ("timing", inline(&s.timing)),
        ("storage", inline(&s.storage)),
        ("bugs", inline(&s.bugs)),
    ];
    let schedule = if s.schedule.is_empty() {
        "[]".to_string()
    } else {
        let steps: Vec<String> = s
            .schedule
            .iter()
            .map(|step| format!("    {}", inline(step)))
            .collect();
        format!("[\n{}\n  ]", steps.join(",\n"))
    };
    fields.push(("schedule", schedule));
    fields.push(("run_until_ms", inline(&s.run_until_ms)));
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    format!("{{\n{}\n}}\n", body.join(",\n"))
}
