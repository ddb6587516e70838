//! Scenario files (contract: `shared/scenario-format.md`, version 1): the contract's
//! example, defaults, round trips, the malformed corpus in `tests/malformed/`, the
//! built-in presets in `static/scenarios/`, and "never panics" on mangled input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zab_core::scenario::reason::{Expected, Found, JsonHint, RangeNote};
use zab_core::scenario::{
    defaults, presets, Action, Reason, Scenario, ScenarioError, PRESET_FILES,
};
use zab_core::server::CrashPoint;
use zab_core::txn::Op;
use zab_core::{Bug, ServerId, Storage, Timing};

/// The example file of `scenario-format.md`, verbatim.
const CONTRACT_EXAMPLE: &str = r#"{
  "format": "zab-scenario",
  "version": 1,
  "name": "Leader crash during broadcast",
  "description": "Free text shown in the app.",
  "seed": 42,
  "cluster": { "participants": 5, "observers": 0, "start_down": [] },
  "timing": {
    "tick_ms": 200, "init_limit": 10, "sync_limit": 5,
    "finalize_wait_ms": 200, "max_notification_interval_ms": 3200,
    "latency_ms": [5, 20], "fsync_ms": [1, 5]
  },
  "storage": { "snap_count": 100000, "commit_log_count": 500, "snap_retain_count": 3,
               "snapshot_size_factor": 0.33 },
  "bugs": [],
  "schedule": [
    { "at_ms": 3000,  "do": "write", "server": 2, "op": "create", "path": "/a", "data": "1" },
    { "at_ms": 5000,  "do": "crash", "server": 5 },
    { "at_ms": 9000,  "do": "partition", "groups": [[1, 2], [3, 4]] },
    { "at_ms": 12000, "do": "heal" },
    { "at_ms": 13000, "do": "restart", "server": 5 }
  ],
  "run_until_ms": 20000
}"#;

/// Every malformed file, the text its error must start with (path, then reason), and
/// for syntax errors the expected line.
const MALFORMED: &[(&str, &str)] = &[
    ("at_ms_float.json", "schedule[0].at_ms: expected a whole number 0 or more, found the number 1000.5"),
    ("at_ms_too_large.json", "schedule[0].at_ms: 1000000000000000 is beyond the latest allowed time"),
    ("both_not_bool.json", "schedule[0].both: expected true or false"),
    ("bug_not_string.json", "bugs[0]: expected a bug id"),
    ("commit_log_count_zero.json", "storage.commit_log_count: 0 is too small; at least 1"),
    ("crash_at_empty_point.json", "schedule[0].point: empty crash point name"),
    ("cut_same_server.json", "schedule[0].to: a link joins two different servers"),
    ("data_on_delete.json", "schedule[1].data: a delete carries no data"),
    ("duplicate_bug.json", "bugs[1]: bug `ZK-3911` is listed twice"),
    ("duplicate_key.json", "line 6, column 8: duplicate key `seed`"),
    ("empty_file.json", "the file is empty"),
    ("fsync_min_greater_than_max.json", "timing.fsync_ms: [9, 2] is not [min, max]"),
    ("heal_link_out_of_range.json", "schedule[0].from: server 6 is out of range (this cluster has servers 1..=5)"),
    ("heal_with_field.json", "schedule[0].server: unknown field `server` for `heal`"),
    ("json_syntax_comment.json", "line 3, column 3: key must be a string (JSON has no comments)"),
    ("json_syntax_missing_comma.json", "line 5, column 3: expected `,` or `}`"),
    ("json_syntax_single_quotes.json", "line 2, column 3: key must be a string (JSON strings and keys take double quotes)"),
    ("json_syntax_trailing_comma.json", "line 4, column 35: trailing comma"),
    ("json_syntax_unclosed.json", "line 7, column 1: EOF while parsing a list"),
    ("latency_min_greater_than_max.json", "timing.latency_ms: [30, 10] is not [min, max]"),
    ("latency_three_numbers.json", "timing.latency_ms: invalid length 3"),
    ("latency_zero.json", "timing.latency_ms: minimum 0 is too small; at least 1"),
    ("missing_at_ms.json", "schedule[0].at_ms: missing"),
    ("missing_cluster.json", "cluster: missing"),
    ("missing_do.json", "schedule[0].do: missing"),
    ("missing_format.json", "format: missing"),
    ("missing_participants.json", "cluster.participants: missing"),
    ("missing_server.json", "schedule[0].server: missing; `restart` needs server"),
    ("name_not_string.json", "name: expected a string, found the number 42"),
    ("negative_seed.json", "seed: expected a whole number 0 or more, found the number -1"),
    ("not_an_object.json", "expected a JSON object with \"format\": \"zab-scenario\", found an array"),
    ("participants_ten.json", "cluster.participants: 10 participants; a cluster has 1..=9"),
    ("participants_zero.json", "cluster.participants: 0 participants; a cluster has 1..=9"),
    ("partition_duplicate_server.json", "schedule[0].groups[1][0]: server 2 appears twice"),
    ("partition_empty_group.json", "schedule[0].groups[1]: empty group"),
    ("partition_id_not_number.json", "schedule[0].groups[1][1]: expected a server id"),
    ("partition_missing_server.json", "schedule[0].groups: server 5 is in no group"),
    ("partition_one_group.json", "schedule[0].groups: a partition needs at least 2 groups, found 1"),
    ("path_empty_segment.json", "schedule[0].path: path `/a//b` has an empty segment"),
    ("path_trailing_slash.json", "schedule[0].path: path `/a/` must not end with '/'"),
    ("path_without_slash.json", "schedule[0].path: path `a` must start with '/'"),
    ("run_until_before_last_step.json", "run_until_ms: the run would stop at 5000 ms, before the last step (at_ms 8000)"),
    ("schedule_not_array.json", "schedule: expected an array of steps, found an object"),
    ("server_as_string.json", "schedule[0].server: expected a server id (a whole number such as 1), found the string \"2\""),
    ("server_out_of_range.json", "schedule[3].server: server 9 is out of range (this cluster has servers 1..=5)"),
    ("server_zero.json", "schedule[0].server: server 0 is out of range (ids start at 1;"),
    ("snap_count_one.json", "storage.snap_count: 1 is too small; at least 2"),
    ("snap_retain_count_zero.json", "storage.snap_retain_count: 0 is too small; at least 1"),
    ("start_down_out_of_range.json", "cluster.start_down[0]: server 4 is out of range (this cluster has servers 1..=3)"),
    ("step_not_object.json", "schedule[0]: expected a step"),
    ("sync_limit_zero.json", "timing.sync_limit: 0 is out of range"),
    ("tick_zero.json", "timing.tick_ms: 0 is out of range"),
    ("time_backwards.json", "schedule[2].at_ms: at_ms goes backwards: 3000 after 5000"),
    ("timing_wrong_type.json", "timing.tick_ms: invalid type: string \"200\", expected a whole number"),
    ("too_many_observers.json", "cluster.observers: 5 observers; a cluster has 0..=4"),
    ("unknown_action.json", "schedule[1].do: unknown action `explode`; known: write, read, crash"),
    ("unknown_bug.json", "bugs[0]: unknown bug `ZK-9999`; known: ZK-1154, "),
    ("unknown_field_in_cluster.json", "cluster.voters: unknown field `voters`"),
    ("unknown_field_in_step.json", "schedule[0].srv: unknown field `srv` for `crash`"),
    ("unknown_field_in_storage.json", "storage.snapcount: unknown field `snapcount`"),
    ("unknown_field_in_timing.json", "timing.tick: unknown field `tick`"),
    ("unknown_op.json", "schedule[0].op: unknown op `update`; expected create, set or delete"),
    ("unknown_top_field.json", "speed: unknown field `speed`"),
    ("version_2.json", "version: unsupported version 2; this build reads version 1"),
    ("version_string.json", "version: expected a whole number 0 or more, found the string \"1\""),
    ("whitespace_only.json", "the file is empty"),
    ("write_to_root.json", "schedule[0].path: the root `/` cannot be created, set or deleted"),
    ("wrong_format.json", "format: expected \"zab-scenario\", found the string \"zab-scenarios\""),
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn parse(text: &str) -> Scenario {
    Scenario::from_json(text).unwrap_or_else(|e| panic!("should parse, got: {e}"))
}

fn minimal(extra: &str) -> String {
    format!(
        r#"{{"format": "zab-scenario", "version": 1, "cluster": {{"participants": 3}}{extra}}}"#
    )
}

#[test]
fn contract_example_parses_with_expected_values() {
    let s = parse(CONTRACT_EXAMPLE);
    assert_eq!(s.format, "zab-scenario");
    assert_eq!(s.version, 1);
    assert_eq!(s.name, "Leader crash during broadcast");
    assert_eq!(s.description, "Free text shown in the app.");
    assert_eq!(s.seed, 42);
    assert_eq!(s.cluster.participants, 5);
    assert_eq!(s.cluster.observers, 0);
    assert!(s.cluster.start_down.is_empty());
    assert_eq!(s.timing, Timing::default());
    assert_eq!(
        s.storage,
        Storage {
            snap_count: 100_000,
            ..Storage::default()
        }
    );
    assert!(s.bugs.is_empty());
    assert_eq!(s.run_until_ms, 20_000);
    let at: Vec<u64> = s.schedule.iter().map(|st| st.at_ms).collect();
    assert_eq!(at, [3000, 5000, 9000, 12000, 13000]);
    assert_eq!(
        s.schedule[0].action,
        Action::Write {
            server: ServerId(2),
            op: Op::create("/a", "1"),
        }
    );
    assert_eq!(
        s.schedule[1].action,
        Action::Crash {
            server: ServerId(5)
        }
    );
    assert_eq!(
        s.schedule[2].action,
        Action::Partition {
            // Server 5 is down at 9000 (crashed at 5000), so the file may leave it out;
            // parsing adds it as a group of its own.
            groups: vec![
                vec![ServerId(1), ServerId(2)],
                vec![ServerId(3), ServerId(4)],
                vec![ServerId(5)]
            ],
        }
    );
    assert_eq!(s.schedule[3].action, Action::Heal);
    assert_eq!(
        s.schedule[4].action,
        Action::Restart {
            server: ServerId(5)
        }
    );
    let config = s.config();
    assert_eq!((config.participants, config.observers), (5, 0));
}

/// A partition may leave out only servers that are down at that time by the schedule.
#[test]
fn partition_may_leave_out_only_servers_that_are_down() {
    let with = |steps: &str| {
        Scenario::from_json(&format!(
            r#"{{"format": "zab-scenario", "version": 1, "cluster": {{"participants": 4, "start_down": [4]}},
                "schedule": [{steps}]}}"#
        ))
    };
    // 4 starts down, 1 crashed: both may be left out, and become singleton groups.
    let s = with(
        r#"{"at_ms": 1000, "do": "crash", "server": 1},
           {"at_ms": 2000, "do": "partition", "groups": [[2], [3]]}"#,
    )
    .unwrap();
    assert_eq!(
        s.schedule[1].action,
        Action::Partition {
            groups: vec![
                vec![ServerId(2)],
                vec![ServerId(3)],
                vec![ServerId(1)],
                vec![ServerId(4)]
            ]
        }
    );
    // Restarted before the partition: it is up, so it must be listed.
    let e = with(
        r#"{"at_ms": 1000, "do": "crash", "server": 1},
           {"at_ms": 1500, "do": "restart", "server": 1},
           {"at_ms": 2000, "do": "partition", "groups": [[2], [3]]}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("schedule[2].groups: server 1 is in no group"),
        "{e}"
    );
    // crash_at may or may not have fired: the server counts as up.
    let e = with(
        r#"{"at_ms": 1000, "do": "crash_at", "server": 1, "point": "after-fsync"},
           {"at_ms": 2000, "do": "partition", "groups": [[2], [3]]}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("schedule[1].groups: server 1 is in no group"),
        "{e}"
    );
}

#[test]
fn defaults_are_filled_in() {
    let s = parse(&minimal(""));
    assert_eq!(s.name, defaults::NAME);
    assert_eq!(s.name, "Untitled scenario");
    assert_eq!(s.description, "");
    assert_eq!(s.seed, 1);
    assert_eq!(s.cluster.observers, 0);
    assert!(s.cluster.start_down.is_empty());
    assert_eq!(s.timing, Timing::default());
    assert_eq!(s.storage, Storage::default());
    assert!(s.bugs.is_empty());
    assert!(s.schedule.is_empty());
    assert_eq!(s.run_until_ms, 20_000);
    assert_eq!(s, Scenario::new(3));
}

#[test]
fn partial_sections_keep_the_other_defaults() {
    let s = parse(&minimal(
        r#", "timing": {"tick_ms": 100}, "storage": {"snap_count": 4}, "bugs": ["ZK-3911", "ZK-1154"]"#,
    ));
    assert_eq!(s.timing.tick_ms, 100);
    assert_eq!(s.timing.init_limit, Timing::default().init_limit);
    assert_eq!(s.storage.snap_count, 4);
    assert_eq!(
        s.storage.commit_log_count,
        Storage::default().commit_log_count
    );
    assert_eq!(s.bugs, [Bug::Zk3911, Bug::Zk1154]);
}

#[test]
fn run_until_defaults_to_ten_seconds_after_the_last_step_and_at_least_twenty() {
    let early = parse(&minimal(r#", "schedule": [{"at_ms": 3000, "do": "heal"}]"#));
    assert_eq!(early.run_until_ms, 20_000);
    let late = parse(&minimal(
        r#", "schedule": [{"at_ms": 3000, "do": "heal"}, {"at_ms": 15000, "do": "heal"}]"#,
    ));
    assert_eq!(late.run_until_ms, 25_000);
    assert_eq!(defaults::run_until_ms(None), 20_000);
    assert_eq!(defaults::run_until_ms(Some(10_000)), 20_000);
    assert_eq!(defaults::run_until_ms(Some(10_001)), 20_001);
}

#[test]
fn optional_action_fields_have_their_defaults() {
    let s = parse(&minimal(
        r#", "schedule": [
            {"at_ms": 1000, "do": "cut", "from": 1, "to": 2},
            {"at_ms": 2000, "do": "heal_link", "from": 1, "to": 2, "both": false},
            {"at_ms": 3000, "do": "write", "server": 1, "op": "create", "path": "/a"}
        ]"#,
    ));
    assert_eq!(
        s.schedule[0].action,
        Action::Cut {
            from: ServerId(1),
            to: ServerId(2),
            both: true
        }
    );
    assert_eq!(
        s.schedule[1].action,
        Action::HealLink {
            from: ServerId(1),
            to: ServerId(2),
            both: false
        }
    );
    assert!(matches!(
        &s.schedule[2].action,
        Action::Write { op: Op::Create { data, .. }, .. } if data.is_empty()
    ));
}

/// A scenario that uses every action (and every optional field) at least once.
fn every_action() -> Scenario {
    parse(
        r#"{
      "format": "zab-scenario", "version": 1, "name": "Everything", "description": "Ünïcode \"quoted\"\nnew line",
      "seed": 18446744073709551615,
      "cluster": {"participants": 5, "observers": 2, "start_down": [7]},
      "timing": {"tick_ms": 100, "latency_ms": [1, 1], "fsync_ms": [0, 0]},
      "storage": {"snapshot_size_factor": -1.0, "snap_count": 2, "commit_log_count": 1, "snap_retain_count": 1},
      "bugs": ["ZK-1154", "ZK-4712"],
      "schedule": [
        {"at_ms": 0, "do": "restart", "server": 7},
        {"at_ms": 1000, "do": "write", "server": 6, "op": "create", "path": "/a/b", "data": ""},
        {"at_ms": 1000, "do": "write", "server": 1, "op": "set", "path": "/a"},
        {"at_ms": 1500, "do": "write", "server": 2, "op": "delete", "path": "/a/b"},
        {"at_ms": 1600, "do": "read", "server": 7, "path": "/"},
        {"at_ms": 2000, "do": "crash", "server": 1},
        {"at_ms": 2100, "do": "crash_at", "server": 2, "point": "newleader-after-log"},
        {"at_ms": 2200, "do": "partition", "groups": [[1, 2, 3], [4, 5], [6, 7]]},
        {"at_ms": 2300, "do": "cut", "from": 1, "to": 2, "both": false},
        {"at_ms": 2400, "do": "heal_link", "from": 2, "to": 1},
        {"at_ms": 2500, "do": "isolate", "server": 3},
        {"at_ms": 2600, "do": "heal"}
      ],
      "run_until_ms": 2600
    }"#,
    )
}

#[test]
fn round_trip_parse_serialise_parse_is_identity() {
    let mut all = vec![parse(CONTRACT_EXAMPLE), parse(&minimal("")), every_action()];
    all.extend(presets().into_iter().map(|(_, s)| s));
    for s in all {
        let text = s.to_json_pretty();
        let again = Scenario::from_json(&text)
            .unwrap_or_else(|e| panic!("re-reading {:?} failed: {e}\n{text}", s.name));
        assert_eq!(again, s, "round trip changed {:?}:\n{text}", s.name);
        // And through plain serde, both ways.
        let compact = serde_json::to_string(&s).expect("serialise");
        let via_serde: Scenario = serde_json::from_str(&compact).expect("deserialise");
        assert_eq!(via_serde, s);
    }
}

#[test]
fn pretty_json_writes_every_field_and_one_step_per_line() {
    let s = every_action();
    let text = s.to_json_pretty();
    for field in [
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
    ] {
        assert!(
            text.contains(&format!("\n  \"{field}\": ")),
            "{field} missing:\n{text}"
        );
    }
    assert!(
        text.contains(r#"    {"at_ms": 2600, "do": "heal"}"#),
        "{text}"
    );
    assert!(text.contains(r#"    {"at_ms": 2300, "do": "cut", "from": 1, "to": 2, "both": false}"#));
    assert!(text.contains(r#""cluster": {"participants": 5, "observers": 2, "start_down": [7]}"#));
    // Explicit values: a reader with other defaults gets the same scenario.
    assert!(text.contains(r#""tick_ms": 100"#) && text.contains(r#""init_limit": 10"#));
    // `{`, 9 one-line fields, `"schedule": [`, the steps, `],`, `"run_until_ms"`, `}`.
    assert_eq!(text.lines().count(), 14 + s.schedule.len());
    let empty = Scenario::new(3).to_json_pretty();
    assert!(empty.contains("\"schedule\": []"), "{empty}");
}

#[test]
fn every_malformed_file_is_rejected_with_its_message() {
    let dir = manifest_dir().join("tests/malformed");
    let on_disk: BTreeSet<String> = json_files(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let in_table: BTreeSet<String> = MALFORMED.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        on_disk, in_table,
        "tests/malformed/ and the MALFORMED table differ"
    );
    assert!(on_disk.len() >= 24);
    let mut failures = Vec::new();
    for (file, expected) in MALFORMED {
        let text = std::fs::read_to_string(dir.join(file)).expect("read corpus file");
        match Scenario::from_json(&text) {
            Ok(_) => failures.push(format!("{file}: accepted")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.starts_with(expected) {
                    failures.push(format!(
                        "{file}:\n   got      {shown}\n   expected {expected}..."
                    ));
                }
                if shown.contains('\n') {
                    failures.push(format!("{file}: message is not one line: {shown}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A reason in serde's words, for the tests of the path prefix.
fn bad() -> Reason {
    Reason::Json {
        text: "bad".into(),
        hint: None,
    }
}

/// A reason is data; its Display is the English the CLI has always printed (the texts
/// of the tests and of tests/malformed).
#[test]
fn reasons_are_typed_and_worded_as_before() {
    for (reason, old) in [
        (
            Reason::ServerOutOfRange {
                server: ServerId(9),
                servers: 5,
            },
            "server 9 is out of range (this cluster has servers 1..=5)",
        ),
        (
            Reason::ServerOutOfRange {
                server: ServerId(0),
                servers: 3,
            },
            "server 0 is out of range (ids start at 1; this cluster has servers 1..=3)",
        ),
        (
            Reason::UnsupportedVersion {
                version: 2,
                supported: 1,
            },
            "unsupported version 2; this build reads version 1",
        ),
        (
            Reason::Json {
                text: "expected `:`".into(),
                hint: None,
            },
            "expected `:`",
        ),
        (
            Reason::Json {
                text: "EOF while parsing an object".into(),
                hint: Some(JsonHint::EndsEarly),
            },
            "EOF while parsing an object (the file ends too early: a bracket or quote is not closed)",
        ),
        (
            Reason::Expected {
                expected: Expected::ServerId,
                found: Found::String("\"1\"".into()),
            },
            "expected a server id (a whole number such as 1), found the string \"1\"",
        ),
        (
            Reason::OutOfRange {
                value: 1,
                min: 2,
                max: 60_000,
                note: RangeNote::TickMs,
            },
            "1 is out of range; allowed 2..=60000 (the leader pings every tick_ms/2)",
        ),
        (
            Reason::UnknownField {
                field: "sever".into(),
                action: Some("crash".into()),
                known: vec!["at_ms", "do", "server"],
            },
            "unknown field `sever` for `crash`; expected one of: at_ms, do, server",
        ),
        (
            Reason::TooManyValues { max: 400_000 },
            "more than 400000 JSON values (numbers, strings, lists, objects); a scenario file holds at most 400000",
        ),
    ] {
        assert_eq!(reason.to_string(), old, "{reason:?}");
    }
    // The reader gives the typed reason, not only its text.
    let e = Scenario::from_json(r#"{"format": "zab-scenario", "version": 2}"#).unwrap_err();
    assert_eq!(
        e.reason(),
        &Reason::UnsupportedVersion {
            version: 2,
            supported: 1
        }
    );
    let e = Scenario::from_json(r#"{"format": "zab-scenario", "format": "x"}"#).unwrap_err();
    assert_eq!(
        e.reason(),
        &Reason::DuplicateKey {
            key: "format".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "line 1, column 35: duplicate key `format` in the same object"
    );
}

#[test]
fn error_parts_are_exposed() {
    let text =
        std::fs::read_to_string(manifest_dir().join("tests/malformed/server_out_of_range.json"))
            .unwrap();
    let e = Scenario::from_json(&text).unwrap_err();
    assert_eq!(e.path(), "schedule[3].server");
    assert_eq!(e.line_column(), None);
    assert!(!e.is_syntax());
    assert_eq!(
        e.reason().to_string(),
        "server 9 is out of range (this cluster has servers 1..=5)"
    );

    let e =
        Scenario::from_json("{\n  \"format\": \"zab-scenario\",\n  \"version\" 1\n}").unwrap_err();
    assert!(e.is_syntax());
    assert_eq!(e.line_column(), Some((3, 13)));
    assert_eq!(e.to_string(), "line 3, column 13: expected `:`");
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().starts_with("line 3"));

    assert_eq!(
        ScenarioError::new("seed", bad()).to_string(),
        "seed: bad",
        "path prefix"
    );
    assert_eq!(ScenarioError::new("", bad()).to_string(), "bad");
}

#[test]
fn an_unknown_crash_point_is_refused_with_the_known_ones() {
    let e = Scenario::from_json(&minimal(
        r#", "schedule": [{"at_ms": 1000, "do": "crash_at", "server": 1, "point": "newleader-after-dinner"}]"#,
    ))
    .unwrap_err();
    let known: Vec<&str> = CrashPoint::ALL.iter().map(|p| p.name()).collect();
    assert_eq!(
        e.to_string(),
        format!(
            "schedule[0].point: unknown crash point `newleader-after-dinner`; known: {}",
            known.join(", ")
        )
    );
    let s = parse(&minimal(
        r#", "schedule": [{"at_ms": 1000, "do": "crash_at", "server": 1, "point": "newleader-after-log"}]"#,
    ));
    assert_eq!(
        s.schedule[0].action,
        Action::CrashAt {
            server: ServerId(1),
            point: CrashPoint::NewLeaderAfterLog
        }
    );
}

#[test]
fn validate_catches_values_built_in_code() {
    let mut s = Scenario::new(3);
    s.timing.latency_ms = [10, 5];
    assert_eq!(s.validate().unwrap_err().path(), "timing.latency_ms");
    let mut s = Scenario::new(3);
    s.storage.snapshot_size_factor = f64::NAN;
    assert_eq!(
        s.validate().unwrap_err().path(),
        "storage.snapshot_size_factor"
    );
    let mut s = Scenario::new(3);
    s.version = 3;
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "version: unsupported version 3; this build reads version 1"
    );
    let mut s = Scenario::new(3);
    s.cluster.start_down = vec![ServerId(2), ServerId(2)];
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "cluster.start_down[1]: server 2 is listed twice"
    );
    let mut s = Scenario::new(3);
    s.timing.max_notification_interval_ms = 100;
    assert_eq!(
        s.validate().unwrap_err().path(),
        "timing.max_notification_interval_ms"
    );
}

#[test]
fn partition_must_cover_observers_too() {
    let text = r#"{"format": "zab-scenario", "version": 1,
        "cluster": {"participants": 3, "observers": 1},
        "schedule": [{"at_ms": 1000, "do": "partition", "groups": [[1], [2, 3]]}]}"#;
    assert_eq!(
        Scenario::from_json(text).unwrap_err().to_string(),
        "schedule[0].groups: server 4 is in no group; every server 1..=4 is in exactly one group \
         (only a server that is down at this time may be left out)"
    );
}

#[test]
fn equal_times_are_allowed_and_kept_in_file_order() {
    let s = parse(&minimal(
        r#", "schedule": [{"at_ms": 4000, "do": "partition", "groups": [[3], [1, 2]]},
                         {"at_ms": 4000, "do": "write", "server": 3, "op": "set", "path": "/a", "data": "x"}]"#,
    ));
    assert_eq!(s.schedule[0].action.name(), "partition");
    assert_eq!(s.schedule[1].action.name(), "write");
}

#[test]
fn byte_order_mark_is_accepted() {
    let s = parse(&format!("\u{feff}{}", minimal("")));
    assert_eq!(s, Scenario::new(3));
}

#[test]
fn a_step_deserialises_on_its_own() {
    let step: zab_core::scenario::Step =
        serde_json::from_str(r#"{"at_ms": 5, "do": "isolate", "server": 2}"#).unwrap();
    assert_eq!(step.at_ms, 5);
    assert_eq!(
        step.action,
        Action::Isolate {
            server: ServerId(2)
        }
    );
    let err = serde_json::from_str::<zab_core::scenario::Step>(r#"{"at_ms": 5, "do": "nap"}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("do: unknown action `nap`"),
        "{err}"
    );
}

#[test]
fn every_preset_file_parses_validates_and_is_listed() {
    let dir = manifest_dir().join("../static/scenarios");
    let files = json_files(&dir);
    let stems: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = PRESET_FILES.iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(stems, listed, "static/scenarios/ and PRESET_FILES differ");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        if let Err(e) = Scenario::from_json(&text) {
            panic!("{}: {e}", file.display());
        }
    }
}

#[test]
fn presets_are_fit_for_a_classroom() {
    let all = presets();
    assert_eq!(all.len(), zab_core::scenario::PRESET_FILES.len());
    assert_eq!(all[0].0, "fresh-election");
    let mut names = BTreeSet::new();
    for (stem, s) in &all {
        assert!(names.insert(s.name.clone()), "{stem}: duplicate name");
        assert_ne!(s.name, defaults::NAME, "{stem}: needs a name");
        let sentences = s.description.matches(". ").count() + 1;
        assert!(
            (2..=4).contains(&sentences) && s.description.ends_with('.'),
            "{stem}: the description should be 2-3 sentences"
        );
        let lower = s.description.to_lowercase();
        for banned in ["paxos", "three-phase", "3-phase", "two-phase"] {
            assert!(
                !lower.contains(banned),
                "{stem}: description mentions {banned}"
            );
        }
        assert!(s.run_until_ms <= 30_000, "{stem}: keep runs within 30 s");
        let first_write = s
            .schedule
            .iter()
            .find(|st| matches!(st.action, Action::Write { .. } | Action::Connect { .. }))
            .map(|st| st.at_ms);
        assert!(
            first_write.is_some_and(|t| t >= 2000),
            "{stem}: the first write or client comes after the first election (>= 2000 ms)"
        );
        assert_eq!(zab_core::scenario::preset(stem).as_ref(), Some(s));
    }
    assert!(zab_core::scenario::preset("no-such-preset").is_none());
}

#[test]
fn preset_shapes_match_their_lessons() {
    let get = |stem: &str| zab_core::scenario::preset(stem).unwrap();
    assert_eq!(get("fresh-election").cluster.participants, 3);
    assert!(get("fresh-election")
        .schedule
        .iter()
        .all(|st| matches!(st.action, Action::Write { .. })));
    let crash = get("leader-crash");
    assert_eq!(crash.cluster.participants, 5);
    assert!(crash.schedule.iter().any(|st| st.action
        == Action::Crash {
            server: ServerId(5)
        }));
    let snap = get("long-outage-snap");
    assert_eq!(
        (
            snap.storage.commit_log_count,
            snap.storage.snap_count,
            snap.storage.snap_retain_count
        ),
        (4, 4, 1)
    );
    let writes_while_down = snap
        .schedule
        .iter()
        .filter(|st| st.at_ms > 2500 && st.at_ms < 16000)
        .filter(|st| matches!(st.action, Action::Write { .. }))
        .count();
    assert_eq!(writes_while_down, 40);
    let observer = get("observer");
    assert_eq!(
        (observer.cluster.participants, observer.cluster.observers),
        (3, 1)
    );
    let trunc = get("uncommitted-trunc");
    assert_eq!(
        trunc.schedule[2].action,
        Action::Partition {
            groups: vec![vec![ServerId(3)], vec![ServerId(1), ServerId(2)]]
        }
    );
    assert!(matches!(
        trunc.schedule[3].action,
        Action::Write {
            server: ServerId(3),
            ..
        }
    ));
    assert_eq!(trunc.schedule[2].at_ms, trunc.schedule[3].at_ms);
}

#[test]
fn defaults_doc_matches_the_code() {
    let path = manifest_dir().join("../docs/scenario-defaults.md");
    let doc = std::fs::read_to_string(&path).expect("docs/scenario-defaults.md");
    let table = defaults::defaults_markdown();
    assert!(
        doc.contains(&table),
        "docs/scenario-defaults.md is out of date; its table must be exactly:\n{table}"
    );
}

/// A small deterministic generator (xorshift64*), so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mangles the text: deletes, inserts, duplicates and swaps characters.
fn mangle_text(rng: &mut Rng, text: &str) -> String {
    const ALPHABET: &[char] = &[
        '{', '}', '[', ']', '"', ',', ':', '0', '1', '9', '-', '.', 'e', 'a', '/', ' ', '\n', '\\',
        'é', '\u{0}',
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let len = chars.len();
        let at = rng.below(len + 1);
        match rng.below(4) {
            0 if at < len => {
                let end = (at + 1 + rng.below(8)).min(len);
                chars.drain(at..end);
            }
            1 => chars.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            2 if at < len => {
                let end = (at + 1 + rng.below(20)).min(len);
                let copy: Vec<char> = chars[at..end].to_vec();
                let to = rng.below(len + 1);
                chars.splice(to..to, copy);
            }
            _ if len >= 2 => {
                let other = rng.below(len);
                chars.swap(at.min(len - 1), other);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.below(14) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(-1),
        3 => Value::from(0),
        4 => Value::from(rng.below(12) as u64),
        5 => Value::from(u64::MAX),
        6 => Value::from(1.5),
        7 => Value::from(""),
        8 => Value::from("/a"),
        9 => Value::from("ZK-3911"),
        10 => Value::Array(vec![]),
        11 => serde_json::json!([[1, 2], [3]]),
        12 => serde_json::json!({"do": "heal", "at_ms": 1}),
        _ => serde_json::json!({}),
    }
}

/// Replaces, removes or adds one node somewhere in the tree.
fn mangle_value(rng: &mut Rng, v: &mut Value, depth: usize) {
    let descend = depth < 4 && rng.below(3) != 0;
    match v {
        Value::Object(map) if descend && !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.below(keys.len())];
            match rng.below(6) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(format!("x{}", rng.below(3)), random_value(rng));
                }
                _ => mangle_value(rng, map.get_mut(key).unwrap(), depth + 1),
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let i = rng.below(items.len());
            match rng.below(5) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.insert(rng.below(items.len() + 1), copy);
                }
                _ => mangle_value(rng, &mut items[i], depth + 1),
            }
        }
        _ => *v = random_value(rng),
    }
}

/// Whatever the input, parsing returns a value or an error, never panics; and whatever
/// it accepts survives a round trip.
#[test]
fn mangled_input_never_panics_and_accepted_input_round_trips() {
    let mut sources: Vec<String> = vec![
        CONTRACT_EXAMPLE.to_string(),
        every_action().to_json_pretty(),
    ];
    sources.extend(PRESET_FILES.iter().map(|(_, t)| t.to_string()));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut rejected) = (0, 0);
    for round in 0..3000 {
        let source = &sources[round % sources.len()];
        let text = if round % 2 == 0 {
            mangle_text(&mut rng, source)
        } else {
            let mut v: Value = serde_json::from_str(source).unwrap();
            for _ in 0..1 + rng.below(3) {
                mangle_value(&mut rng, &mut v, 0);
            }
            v.to_string()
        };
        match Scenario::from_json(&text) {
            Ok(s) => {
                accepted += 1;
                let again = Scenario::from_json(&s.to_json_pretty());
                assert_eq!(again.as_ref(), Ok(&s), "round trip failed for:\n{text}");
            }
            Err(e) => {
                rejected += 1;
                let shown = e.to_string();
                assert!(!shown.is_empty() && !shown.contains('\n'), "{shown:?}");
            }
        }
    }
    assert!(
        accepted > 100 && rejected > 1000,
        "{accepted} accepted, {rejected} rejected"
    );
}
