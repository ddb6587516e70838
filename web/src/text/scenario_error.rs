//! A rejected scenario file or link ([`ScenarioError`], [`LinkError`]) in the page's
//! language: the place (line and column, or the field's path) and core's typed
//! [`Reason`] (`web/locales/scenario_errors.yml`, `scerr.*`). The English is core's `Display`
//! word for word, the one the CLI prints (the tests compare them over core's corpus of
//! malformed files). Field paths, JSON names and quoted input stay as they are.

use std::borrow::Cow;

use zab_core::scenario::defaults::FORMAT;
use zab_core::scenario::link::LinkError;
use zab_core::scenario::reason::{Expected, Found, IdKind, JsonHint, RangeNote};
use zab_core::scenario::{Reason, ScenarioError};

use crate::t;
use crate::text::lang::Lang;

/// `e` in `lang` (the status line words it when shown, `text::notice`, so that a
/// language switch rewords it).
pub fn scenario_error_in(e: &ScenarioError, lang: Lang) -> String {
    let l = lang.code();
    let reason = reason_in(e.reason(), lang);
    if let Some((line, column)) = e.line_column() {
        t!(
            "scerr.at_line",
            locale = l,
            line = line,
            column = column,
            reason = reason
        )
        .into_owned()
    } else if e.path().is_empty() {
        reason
    } else {
        t!(
            "scerr.at_path",
            locale = l,
            path = e.path(),
            reason = reason
        )
        .into_owned()
    }
}

/// Why the scenario in a link cannot be read, in `lang`.
pub fn link_error_in(e: &LinkError, lang: Lang) -> String {
    let l = lang.code();
    match e {
        LinkError::Empty => t!("scerr.link_empty", locale = l),
        LinkError::NotBase64 { position, found } => t!(
            "scerr.link_not_base64",
            locale = l,
            position = position,
            found = found.escape_debug()
        ),
        LinkError::CutShort => t!("scerr.link_cut_short", locale = l),
        LinkError::NotUtf8 => t!("scerr.link_not_utf8", locale = l),
        LinkError::Scenario(e) => return scenario_error_in(e, lang),
    }
    .into_owned()
}

/// Names (fields, actions, bug ids...) as a list in `lang`.
fn list(names: &[&str], lang: Lang) -> String {
    names.join(&t!("scerr.list_sep", locale = lang.code()))
}

/// The reason alone, without its place, in `lang`.
pub fn reason_in(reason: &Reason, lang: Lang) -> String {
    use Reason as R;
    let l = lang.code();
    let found = |f: &Found| found_in(f, lang);
    match reason {
        R::EmptyFile => t!("scerr.empty_file", locale = l),
        R::FileTooLarge { bytes, max } => {
            t!("scerr.file_too_large", locale = l, bytes = bytes, max = max)
        }
        R::TooManyValues { max } => t!("scerr.too_many_values", locale = l, max = max),
        R::DuplicateKey { key } => t!("scerr.duplicate_key", locale = l, key = key),
        // serde_json's message is the library's English and cannot be typed: the
        // Chinese shows it as it is after a lead-in that says what it is about.
        R::Json { text, hint: None } => t!("scerr.json", locale = l, text = text),
        R::Json {
            text,
            hint: Some(hint),
        } => t!(
            "scerr.json_hint",
            locale = l,
            text = text,
            hint = hint_in(*hint, lang)
        ),
        R::NotAnObject { found: f } => t!(
            "scerr.not_an_object",
            locale = l,
            format = FORMAT,
            found = found(f)
        ),
        R::FormatMissing => t!("scerr.format_missing", locale = l, format = FORMAT),
        R::NotScenarioFile { found: f } => t!(
            "scerr.not_scenario_file",
            locale = l,
            format = FORMAT,
            found = found(f)
        ),
        R::WrongFormat { format } => t!(
            "scerr.wrong_format",
            locale = l,
            format = FORMAT,
            found = format
        ),
        R::VersionMissing { supported } => {
            t!("scerr.version_missing", locale = l, supported = supported)
        }
        R::UnsupportedVersion { version, supported } => t!(
            "scerr.unsupported_version",
            locale = l,
            version = version,
            supported = supported
        ),
        R::Expected { expected, found: f } => t!(
            "scerr.expected",
            locale = l,
            expected = expected_in(*expected, lang),
            found = found(f)
        ),
        R::UnknownField {
            field,
            action: None,
            known,
        } => t!(
            "scerr.unknown_field",
            locale = l,
            field = field,
            known = list(known, lang)
        ),
        R::UnknownField {
            field,
            action: Some(action),
            known,
        } => t!(
            "scerr.unknown_field_for",
            locale = l,
            field = field,
            action = action,
            known = list(known, lang)
        ),
        R::ClusterMissing => t!("scerr.cluster_missing", locale = l),
        R::ParticipantsMissing { min, max } => {
            t!(
                "scerr.participants_missing",
                locale = l,
                min = min,
                max = max
            )
        }
        R::IdOutOfRange {
            kind: IdKind::Server,
            id,
        } => t!("scerr.server_id_too_large", locale = l, id = id),
        R::IdOutOfRange {
            kind: IdKind::Client,
            id,
        } => t!("scerr.client_id_too_large", locale = l, id = id),
        R::UnknownBug { bug, known } => t!(
            "scerr.unknown_bug",
            locale = l,
            bug = bug,
            known = list(known, lang)
        ),
        R::BugTwice { bug } => t!("scerr.bug_twice", locale = l, bug = bug.id()),
        R::Participants { count, min, max } => t!(
            "scerr.participants",
            locale = l,
            count = count,
            min = min,
            max = max
        ),
        R::Observers { count, max } => {
            t!("scerr.observers", locale = l, count = count, max = max)
        }
        R::OutOfRange {
            value,
            min,
            max,
            note,
        } => t!(
            "scerr.out_of_range",
            locale = l,
            value = value,
            min = min,
            max = max,
            note = note_in(*note, lang)
        ),
        R::TooSmall { value, min } => t!("scerr.too_small", locale = l, value = value, min = min),
        R::TooLarge { value, max } => t!("scerr.too_large", locale = l, value = value, max = max),
        R::NotMinMax { min, max } => t!("scerr.not_min_max", locale = l, min = min, max = max),
        R::MinimumTooSmall { min, lowest } => t!(
            "scerr.minimum_too_small",
            locale = l,
            min = min,
            lowest = lowest
        ),
        R::MaximumTooLarge { max, limit } => t!(
            "scerr.maximum_too_large",
            locale = l,
            max = max,
            limit = limit
        ),
        R::NotFinite => t!("scerr.not_finite", locale = l),
        R::TooLong { bytes, max } => t!("scerr.too_long", locale = l, bytes = bytes, max = max),
        R::TooManySteps { steps, max } => {
            t!("scerr.too_many_steps", locale = l, steps = steps, max = max)
        }
        R::AtMissing => t!("scerr.at_missing", locale = l),
        R::DoMissing { known } => t!("scerr.do_missing", locale = l, known = list(known, lang)),
        R::UnknownAction { action, known } if known.is_empty() => {
            t!("scerr.unknown_action", locale = l, action = action)
        }
        R::UnknownAction { action, known } => t!(
            "scerr.unknown_action_known",
            locale = l,
            action = action,
            known = list(known, lang)
        ),
        R::FieldMissing { action, needs } => t!(
            "scerr.field_missing",
            locale = l,
            action = action,
            needs = list(needs, lang)
        ),
        R::TimeBeyond { at_ms, max } => {
            t!("scerr.time_beyond", locale = l, at_ms = at_ms, max = max)
        }
        R::Backwards { at_ms, previous } => t!(
            "scerr.backwards",
            locale = l,
            at_ms = at_ms,
            previous = previous
        ),
        R::StopsBeforeLastStep { run_until_ms, last } => t!(
            "scerr.stops_before_last_step",
            locale = l,
            run_until_ms = run_until_ms,
            last = last
        ),
        R::WritesTooLarge { total, max } => {
            t!(
                "scerr.writes_too_large",
                locale = l,
                total = total,
                max = max
            )
        }
        R::DeleteWithData => t!("scerr.delete_with_data", locale = l),
        R::UnknownOp { op } => t!("scerr.unknown_op", locale = l, op = op),
        R::EmptyCrashPoint => t!("scerr.empty_crash_point", locale = l),
        R::UnknownCrashPoint { point, known } => t!(
            "scerr.unknown_crash_point",
            locale = l,
            point = point,
            known = list(known, lang)
        ),
        R::ServerOutOfRange { server, servers } if server.0 == 0 => t!(
            "scerr.server_zero",
            locale = l,
            server = server,
            servers = servers
        ),
        R::ServerOutOfRange { server, servers } => t!(
            "scerr.server_out_of_range",
            locale = l,
            server = server,
            servers = servers
        ),
        R::ServerTwice { server } => t!("scerr.server_twice", locale = l, server = server),
        R::SameEnds { server } => t!("scerr.same_ends", locale = l, server = server),
        R::NoServers => t!("scerr.no_servers", locale = l),
        R::TimeoutOutOfRange { timeout_ms, max } => t!(
            "scerr.timeout_out_of_range",
            locale = l,
            timeout_ms = timeout_ms,
            max = max
        ),
        R::ClientOutOfRange { client, max } => t!(
            "scerr.client_out_of_range",
            locale = l,
            client = client.0,
            max = max
        ),
        R::PacketZero => t!("scerr.packet_zero", locale = l),
        R::TooFewGroups { groups } => t!("scerr.too_few_groups", locale = l, groups = groups),
        R::EmptyGroup => t!("scerr.empty_group", locale = l),
        R::ServerInTwoGroups { server } => {
            t!("scerr.server_in_two_groups", locale = l, server = server)
        }
        R::ServerInNoGroup { server, servers } => t!(
            "scerr.server_in_no_group",
            locale = l,
            server = server,
            servers = servers
        ),
        R::EmptyPath => t!("scerr.empty_path", locale = l),
        R::PathNotAbsolute { path } => t!("scerr.path_not_absolute", locale = l, path = path),
        R::RootNotWritable => t!("scerr.root_not_writable", locale = l),
        R::PathEndsWithSlash { path } => {
            t!("scerr.path_ends_with_slash", locale = l, path = path)
        }
        R::PathControlChar { path } => t!("scerr.path_control_char", locale = l, path = path),
        R::PathEmptySegment { path } => t!("scerr.path_empty_segment", locale = l, path = path),
        R::PathRelativeSegment { path, segment } => t!(
            "scerr.path_relative_segment",
            locale = l,
            path = path,
            segment = segment
        ),
    }
    .into_owned()
}

/// What a field takes, in `lang`.
fn expected_in(x: Expected, lang: Lang) -> Cow<'static, str> {
    let l = lang.code();
    match x {
        Expected::WholeNumber => t!("scerr.x_whole_number", locale = l),
        Expected::String => t!("scerr.x_string", locale = l),
        Expected::ServerId => t!("scerr.x_server_id", locale = l),
        Expected::ClientId => t!("scerr.x_client_id", locale = l),
        Expected::ZnodeVersion => t!("scerr.x_znode_version", locale = l),
        Expected::Object => t!("scerr.x_object", locale = l),
        Expected::Cluster => t!("scerr.x_cluster", locale = l),
        Expected::StartDown => t!("scerr.x_start_down", locale = l),
        Expected::Bugs => t!("scerr.x_bugs", locale = l),
        Expected::Schedule => t!("scerr.x_schedule", locale = l),
        Expected::BugId => t!("scerr.x_bug_id", locale = l),
        Expected::Step => t!("scerr.x_step", locale = l),
        Expected::ActionName => t!("scerr.x_action_name", locale = l),
        Expected::Bool => t!("scerr.x_bool", locale = l),
        Expected::Servers => t!("scerr.x_servers", locale = l),
        Expected::Op => t!("scerr.x_op", locale = l),
        Expected::Groups => t!("scerr.x_groups", locale = l),
        Expected::Group => t!("scerr.x_group", locale = l),
    }
}

/// What a field holds instead, in `lang` (numbers and strings as written).
fn found_in(f: &Found, lang: Lang) -> Cow<'static, str> {
    let l = lang.code();
    match f {
        Found::Null => t!("scerr.f_null", locale = l),
        Found::Bool(value) => t!("scerr.f_bool", locale = l, value = value),
        Found::Number(n) => t!("scerr.f_number", locale = l, n = n),
        Found::String(s) => t!("scerr.f_string", locale = l, s = s),
        Found::Array => t!("scerr.f_array", locale = l),
        Found::Object => t!("scerr.f_object", locale = l),
    }
}

/// What follows a range, in `lang` (nothing for [`RangeNote::None`]).
fn note_in(note: RangeNote, lang: Lang) -> Cow<'static, str> {
    let l = lang.code();
    match note {
        RangeNote::None => Cow::Borrowed(""),
        RangeNote::Ticks => t!("scerr.note_ticks", locale = l),
        RangeNote::TickMs => t!("scerr.note_tick_ms", locale = l),
        RangeNote::NotificationInterval => t!("scerr.note_notification", locale = l),
    }
}

/// Our hint after serde_json's message, in `lang`.
fn hint_in(hint: JsonHint, lang: Lang) -> Cow<'static, str> {
    let l = lang.code();
    match hint {
        JsonHint::EndsEarly => t!("scerr.h_ends_early", locale = l),
        JsonHint::CommaMissing => t!("scerr.h_comma", locale = l),
        JsonHint::Comment => t!("scerr.h_comment", locale = l),
        JsonHint::SingleQuote => t!("scerr.h_single_quote", locale = l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::narrate::check::english_run;
    use std::collections::BTreeSet;
    use std::path::Path;
    use zab_core::scenario::Scenario;
    use zab_core::ServerId;

    /// Core's corpus of malformed scenario files (`core/tests/malformed`), each with
    /// its rejection.
    fn malformed() -> Vec<(String, ScenarioError)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/malformed");
        let mut out: Vec<_> = std::fs::read_dir(&dir)
            .expect("core/tests/malformed is readable")
            .flatten()
            .map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(entry.path()).expect("readable");
                let e = Scenario::from_json(&text)
                    .and_then(|s| s.validate().map(|()| s))
                    .expect_err(&name);
                (name, e)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// More rejections, of reasons the corpus may not hold.
    fn more() -> Vec<ScenarioError> {
        let texts = [
            "",
            "[1]",
            "{\"format\": 3}",
            "{\"format\": \"zab-scenario\"}",
            "{\"format\": \"zab-scenario\", \"version\": 7}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3}, \"seed\": null}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3}, \"seed\": true}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3}, \"seed\": [1]}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3}, \"seed\": {}}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3}, \"format\": 1}",
            "{\"format\": \"zab-scenario\", \"version\": 1, \"cluster\": {\"participants\": 3},\n  \"schedule\": [{\"at_ms\": 1, \"do\": \"crash\", \"server\": 0}]}",
        ];
        let mut out: Vec<ScenarioError> = texts
            .iter()
            .map(|t| Scenario::from_json(t).expect_err(t))
            .collect();
        for reason in [
            Reason::WrongFormat { format: "x".into() },
            Reason::IdOutOfRange {
                kind: IdKind::Client,
                id: 1 << 40,
            },
            Reason::Json {
                text: "EOF while parsing an object".into(),
                hint: Some(JsonHint::EndsEarly),
            },
            Reason::OutOfRange {
                value: 0,
                min: 1,
                max: 60,
                note: RangeNote::NotificationInterval,
            },
            Reason::ServerInNoGroup {
                server: ServerId(3),
                servers: 3,
            },
        ] {
            out.push(ScenarioError::new("schedule[2].groups", reason));
        }
        out
    }

    /// The strings an error quotes from its input or names (its path, field and
    /// action names, the listed names): what `Debug` shows in quotes.
    fn quoted(e: &ScenarioError) -> BTreeSet<String> {
        let debug = format!("{e:?}");
        let (mut inside, mut escaped) = (false, false);
        let mut text = String::new();
        for c in debug.chars() {
            match (inside, escaped, c) {
                (true, true, _) => {
                    escaped = false;
                    text.push(' ');
                }
                (true, false, '\\') => escaped = true,
                (_, false, '"') => {
                    inside = !inside;
                    text.push(' ');
                }
                (true, false, c) => text.push(c),
                (false, _, _) => {}
            }
        }
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
            .collect()
    }

    /// JSON names and values the Chinese keeps in its examples and hints (`from` is a
    /// step field the Chinese names beside `to`), and
    /// ZooKeeper's `tick`.
    const NAMES: [&str; 15] = [
        "format",
        "scenario",
        "version",
        "participants",
        "cluster",
        "crash",
        "server",
        "true",
        "false",
        "null",
        "create",
        "delete",
        "data",
        "tick",
        "from",
    ];

    /// The first English word of four letters or more in `zh` that is not one of `e`'s
    /// names (its path, a field, a quoted value), not a JSON name of an example and not
    /// a name written in capitals (JSON, FLE, PING, ZabScope). Words with `_` or a digit
    /// are field names (`tick_ms`, `finalize_wait_ms`).
    fn english_word(zh: &str, e: &ScenarioError) -> Option<String> {
        let own = quoted(e);
        zh.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_ascii_lowercase()))
            .find(|w| !own.contains(*w) && !NAMES.contains(w))
            .map(str::to_string)
    }

    #[test]
    fn the_english_is_cores_word_for_word() {
        let all = malformed();
        assert!(all.len() > 50, "the corpus was read: {}", all.len());
        for (name, e) in &all {
            assert_eq!(scenario_error_in(e, Lang::En), e.to_string(), "{name}");
        }
        for e in more() {
            assert_eq!(scenario_error_in(&e, Lang::En), e.to_string(), "{e:?}");
        }
    }

    #[test]
    fn the_chinese_leaves_only_names_in_english() {
        let errors: Vec<ScenarioError> = malformed()
            .into_iter()
            .map(|(_, e)| e)
            .chain(more())
            .collect();
        for e in &errors {
            let zh = scenario_error_in(e, Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{e}: {zh}"
            );
            // serde_json's own words stay English after the Chinese lead-in.
            if matches!(e.reason(), Reason::Json { .. }) {
                continue;
            }
            assert_eq!(english_word(&zh, e), None, "{e}: {zh}");
            assert_eq!(english_run(&zh), None, "{e}: {zh}");
        }
    }

    #[test]
    fn link_errors_are_cores_in_english_and_chinese_in_chinese() {
        use zab_core::scenario::link::{base64url_encode, scenario_from_fragment};
        let links = [
            "#s=".to_string(),
            "#s=ab\ncd".to_string(),
            "#s=A".to_string(),
            format!("#s={}", base64url_encode(&[0xff, 0xfe])),
            format!("#s={}", base64url_encode(b"{}")),
        ];
        for link in &links {
            let e = scenario_from_fragment(link)
                .expect("a scenario link")
                .expect_err(link);
            assert_eq!(link_error_in(&e, Lang::En), e.to_string(), "{link}");
            let zh = link_error_in(&e, Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{link}: {zh}"
            );
            assert_eq!(english_run(&zh), None, "{link}: {zh}");
        }
    }

    #[test]
    fn places_and_serde_words_are_worded_in_chinese() {
        let e = Scenario::from_json(
            "{\n  \"format\": \"zab-scenario\",\n  \"version\": 1\n  \"seed\": 3\n}",
        )
        .expect_err("a comma is missing");
        assert_eq!(
            scenario_error_in(&e, Lang::Zh),
            "第 4 行第 3 列：JSON 无法读取：expected `,` or `}`（这里之前是否缺少逗号？）"
        );
        let e = ScenarioError::new(
            "schedule[3].server",
            Reason::ServerOutOfRange {
                server: ServerId(9),
                servers: 5,
            },
        );
        assert_eq!(
            scenario_error_in(&e, Lang::Zh),
            "schedule[3].server：服务器 9 超出范围（这个集群的服务器为 1..=5）"
        );
        let e = ScenarioError::new(
            "schedule[0].sever",
            Reason::UnknownField {
                field: "sever".into(),
                action: Some("crash".into()),
                known: vec!["at_ms", "do", "server"],
            },
        );
        assert_eq!(
            scenario_error_in(&e, Lang::Zh),
            "schedule[0].sever：`crash` 没有字段 `sever`；应为以下之一：at_ms、do、server"
        );
    }
}
