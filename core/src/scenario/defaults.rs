//! Every default and limit of the scenario format, in one place.
//!
//! `docs/scenario-defaults.md` shows the same values as a table; a test checks that it
//! contains [`defaults_markdown`] verbatim, so the two cannot drift.

use crate::config::{Storage, Timing};
use crate::ids::Time;

/// The value of the `format` field.
pub const FORMAT: &str = "zab-scenario";
/// The format version this build reads and writes.
pub const VERSION: u32 = 1;
/// `name` when the file has none.
pub const NAME: &str = "Untitled scenario";
/// `description` when the file has none.
pub const DESCRIPTION: &str = "";
/// `seed` when the file has none.
pub const SEED: u64 = 1;
/// `cluster.observers` when the file has none.
pub const OBSERVERS: u32 = 0;
/// Default `run_until_ms`: this long after the last scheduled step...
pub const RUN_AFTER_LAST_STEP_MS: Time = 10_000;
/// ...but at least this long.
pub const MIN_RUN_UNTIL_MS: Time = 20_000;
/// `both` of `cut` and `heal_link` when the step has none.
pub const CUT_BOTH: bool = true;

/// Fewest participants.
pub const MIN_PARTICIPANTS: u32 = 1;
/// Most participants.
pub const MAX_PARTICIPANTS: u32 = 9;
/// Most observers.
pub const MAX_OBSERVERS: u32 = 4;
/// Latest simulated time a scenario may name (`at_ms`, `run_until_ms`): 1 000 000 000 ms,
/// about 11.5 days, far beyond any demo and far from integer overflow.
pub const MAX_TIME_MS: Time = 1_000_000_000;
/// Largest `tick_ms`, latency, fsync time and `finalize_wait_ms`.
pub const MAX_DURATION_MS: u64 = 60_000;
/// Largest `max_notification_interval_ms` (ZooKeeper's own cap is 60 000).
pub const MAX_NOTIFICATION_INTERVAL_MS: u64 = 600_000;
/// Largest `init_limit` and `sync_limit` (ticks).
pub const MAX_LIMIT_TICKS: u64 = 1_000;
/// Smallest `tick_ms`: the leader pings every `tick_ms / 2`, which must not be 0.
pub const MIN_TICK_MS: u64 = 2;
/// Smallest `storage.snap_count` (ZooKeeper's minimum too).
pub const MIN_SNAP_COUNT: u64 = 2;
/// Largest `storage.snap_count`: 100 times ZooKeeper's default of 100 000.
pub const MAX_SNAP_COUNT: u64 = 10_000_000;
/// Largest `storage.commit_log_count` (ZooKeeper's default is 500); every server keeps
/// up to this many committed txns in memory.
pub const MAX_COMMIT_LOG_COUNT: u64 = 1_000_000;
/// Largest `storage.snap_retain_count` (ZooKeeper keeps 3 by default); every server
/// keeps up to this many whole copies of its data tree.
pub const MAX_SNAP_RETAIN_COUNT: u64 = 20;

/// Largest scenario file, in bytes (UTF-8 text): 16 MiB. Checked before the JSON is
/// parsed, so that no file can make the reader build a huge value tree.
pub const MAX_SCENARIO_BYTES: usize = 16 * 1024 * 1024;
/// Most steps in `schedule` (a sweep at its longest, `zab-sim sweep --duration-ms
/// 1000000`, writes about 20 000).
pub const MAX_SCHEDULE_STEPS: usize = 40_000;
/// Most JSON values in a scenario file (each number, string, list and object counts
/// one), counted while the text is read: a schedule at its longest needs about 8 per
/// step, and at this size the worst file (`[0,0,0,...]`) is refused in tens of
/// milliseconds instead of seconds.
pub const MAX_JSON_VALUES: usize = 400_000;
/// Longest `name`, in bytes.
pub const MAX_NAME_BYTES: usize = 1_000;
/// Longest `description`, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 100_000;
/// Longest znode `path` of a `write` or `read` step, in bytes.
pub const MAX_PATH_BYTES: usize = 1_024;
/// Longest `data` of one `write` step, in bytes.
pub const MAX_DATA_BYTES: usize = 65_536;
/// Most bytes of `path` and `data` over all `write` steps together: 1 MiB. Every
/// server's data tree, log and snapshots hold copies of them.
pub const MAX_WRITE_BYTES: usize = 1024 * 1024;
/// Longest crash point name of a `crash_at` step, in bytes.
pub const MAX_POINT_BYTES: usize = 100;
/// Session clients are numbered `1..=MAX_CLIENTS`.
pub const MAX_CLIENTS: u32 = 16;
/// The session timeout a `connect` asks for when it names none: 10 ticks of the
/// default tickTime (the server clamps any request to 2..20 ticks).
pub const SESSION_TIMEOUT_MS: u64 = 2_000;
/// The largest session timeout a `connect` may ask for.
pub const MAX_SESSION_TIMEOUT_MS: u64 = 600_000;

/// The default `run_until_ms` for a schedule whose last step is at `last_at_ms`:
/// [`RUN_AFTER_LAST_STEP_MS`] past it, and at least [`MIN_RUN_UNTIL_MS`].
pub fn run_until_ms(last_at_ms: Option<Time>) -> Time {
    match last_at_ms {
        Some(t) => t
            .saturating_add(RUN_AFTER_LAST_STEP_MS)
            .max(MIN_RUN_UNTIL_MS),
        None => MIN_RUN_UNTIL_MS,
    }
}

/// The defaults and limits as a markdown table (the body of `docs/scenario-defaults.md`).
pub fn defaults_markdown() -> String {
    let t = Timing::default();
    let s = Storage::default();
    let rows: Vec<(String, String, String)> = vec![
        row("format", "required", &format!("`\"{FORMAT}\"`")),
        row(
            "version",
            "required",
            &format!("`{VERSION}` (a higher version is rejected)"),
        ),
        row(
            "name",
            &format!("`\"{NAME}\"`"),
            &format!("a string of at most {MAX_NAME_BYTES} bytes"),
        ),
        row(
            "description",
            "`\"\"` (empty)",
            &format!("a string of at most {MAX_DESCRIPTION_BYTES} bytes"),
        ),
        row("seed", &format!("`{SEED}`"), "0 ..= 2^64-1"),
        row(
            "cluster.participants",
            "required",
            &format!("{MIN_PARTICIPANTS} ..= {MAX_PARTICIPANTS}; ids `1..=participants`"),
        ),
        row(
            "cluster.observers",
            &format!("`{OBSERVERS}`"),
            &format!("0 ..= {MAX_OBSERVERS}; ids follow the participants"),
        ),
        row(
            "cluster.start_down",
            "`[]`",
            "server ids, each at most once",
        ),
        row(
            "timing.tick_ms",
            &format!("`{}`", t.tick_ms),
            &format!("{MIN_TICK_MS} ..= {MAX_DURATION_MS}"),
        ),
        row(
            "timing.init_limit",
            &format!("`{}`", t.init_limit),
            &format!("1 ..= {MAX_LIMIT_TICKS} ticks"),
        ),
        row(
            "timing.sync_limit",
            &format!("`{}`", t.sync_limit),
            &format!("1 ..= {MAX_LIMIT_TICKS} ticks"),
        ),
        row(
            "timing.finalize_wait_ms",
            &format!("`{}`", t.finalize_wait_ms),
            &format!("1 ..= {MAX_DURATION_MS}"),
        ),
        row(
            "timing.max_notification_interval_ms",
            &format!("`{}`", t.max_notification_interval_ms),
            &format!("`finalize_wait_ms` ..= {MAX_NOTIFICATION_INTERVAL_MS}"),
        ),
        row(
            "timing.latency_ms",
            &format!("`[{}, {}]`", t.latency_ms[0], t.latency_ms[1]),
            &format!("`[min, max]`, 1 <= min <= max <= {MAX_DURATION_MS}"),
        ),
        row(
            "timing.fsync_ms",
            &format!("`[{}, {}]`", t.fsync_ms[0], t.fsync_ms[1]),
            &format!("`[min, max]`, 0 <= min <= max <= {MAX_DURATION_MS}"),
        ),
        row(
            "storage.snap_count",
            &format!("`{}`", s.snap_count),
            &format!("{MIN_SNAP_COUNT} ..= {MAX_SNAP_COUNT}"),
        ),
        row(
            "storage.commit_log_count",
            &format!("`{}`", s.commit_log_count),
            &format!("1 ..= {MAX_COMMIT_LOG_COUNT}"),
        ),
        row(
            "storage.snap_retain_count",
            &format!("`{}`", s.snap_retain_count),
            &format!("1 ..= {MAX_SNAP_RETAIN_COUNT}"),
        ),
        row(
            "storage.snapshot_size_factor",
            &format!("`{}`", s.snapshot_size_factor),
            "any finite number; negative disables DIFF from the on-disk log",
        ),
        row(
            "bugs",
            "`[]`",
            "bug ids such as `\"ZK-3911\"`, each at most once",
        ),
        row(
            "schedule",
            "`[]`",
            &format!("at most {MAX_SCHEDULE_STEPS} steps with non-decreasing `at_ms`"),
        ),
        row(
            "schedule[i].at_ms",
            "required",
            &format!("0 ..= {MAX_TIME_MS}"),
        ),
        row(
            "schedule[i].both (cut, heal_link)",
            &format!("`{CUT_BOTH}`"),
            "`true` or `false`",
        ),
        row(
            "schedule[i].data (write)",
            "none (empty data)",
            &format!("a string of at most {MAX_DATA_BYTES} bytes; only for `create` and `set`"),
        ),
        row(
            "schedule[i].path (write, read)",
            "required",
            &format!("a znode path of at most {MAX_PATH_BYTES} bytes; all `write` paths and data together at most {MAX_WRITE_BYTES} bytes"),
        ),
        row(
            "schedule[i].point (crash_at)",
            "required",
            &format!("a crash point name (`zab-sim points`), at most {MAX_POINT_BYTES} bytes"),
        ),
        row(
            "schedule[i].packet (drop_packet, deliver_now)",
            "required",
            "1 ..= 2^64-1",
        ),
        row(
            "schedule[i].client (connect, calls, cut_client, heal_client)",
            "required",
            &format!("1 ..= {MAX_CLIENTS}"),
        ),
        row(
            "schedule[i].servers (connect)",
            "required",
            "a non-empty list of server ids, each at most once",
        ),
        row(
            "schedule[i].timeout_ms (connect)",
            &SESSION_TIMEOUT_MS.to_string(),
            &format!("1 ..= {MAX_SESSION_TIMEOUT_MS}; the server grants 2 ..= 20 ticks"),
        ),
        row(
            "schedule[i].version (delete, set_data)",
            "any version",
            "0 ..= 2^31-1",
        ),
        row(
            "schedule[i].ephemeral, sequential (create), watch (get, exists, children)",
            "false",
            "true or false",
        ),
        row(
            "run_until_ms",
            &format!("last `at_ms` + {RUN_AFTER_LAST_STEP_MS}, at least {MIN_RUN_UNTIL_MS}"),
            &format!("last `at_ms` ..= {MAX_TIME_MS}"),
        ),
    ];
    let mut out = String::from("| Field | Default | Allowed |\n|---|---|---|\n");
    for (field, default, allowed) in rows {
        let field = match field.split_once(' ') {
            Some((name, note)) => format!("`{name}` {note}"),
            None => format!("`{field}`"),
        };
        out.push_str(&format!("| {field} | {default} | {allowed} |\n"));
    }
    out
}

fn row(field: &str, default: &str, allowed: &str) -> (String, String, String) {
    (field.to_string(), default.to_string(), allowed.to_string())
}
