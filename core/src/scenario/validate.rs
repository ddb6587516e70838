//! Semantic checks of a parsed [`Scenario`]: ranges, ids, ordering, paths.

use super::defaults;
use super::error::{field_path, index_path, ScenarioError};
use super::parse::clip;
use super::reason::{RangeNote, Reason};
use super::types::{Action, Scenario};
use crate::ids::{ClientId, ServerId};
use std::collections::BTreeSet;

impl Scenario {
    /// Checks ranges, ids, ordering and paths (crash point names are checked when the
    /// file is read: an [`Action::CrashAt`] holds a known point). The first problem
    /// found is returned, with the JSON path of the field.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.format != defaults::FORMAT {
            return Err(ScenarioError::new(
                "format",
                Reason::WrongFormat {
                    format: self.format.clone(),
                },
            ));
        }
        if self.version != defaults::VERSION {
            return Err(ScenarioError::new(
                "version",
                Reason::UnsupportedVersion {
                    version: u64::from(self.version),
                    supported: defaults::VERSION,
                },
            ));
        }
        max_bytes("name", &self.name, defaults::MAX_NAME_BYTES)?;
        max_bytes(
            "description",
            &self.description,
            defaults::MAX_DESCRIPTION_BYTES,
        )?;
        self.check_cluster()?;
        self.check_timing()?;
        self.check_storage()?;
        for (i, bug) in self.bugs.iter().enumerate() {
            if self.bugs[..i].contains(bug) {
                return Err(ScenarioError::new(
                    index_path("bugs", i),
                    Reason::BugTwice { bug: *bug },
                ));
            }
        }
        check_schedule_len(self.schedule.len())?;
        self.check_write_bytes()?;
        let mut previous: Option<u64> = None;
        let down = self.down_before_each_step();
        for (i, step) in self.schedule.iter().enumerate() {
            let path = index_path("schedule", i);
            if step.at_ms > defaults::MAX_TIME_MS {
                return Err(ScenarioError::new(
                    field_path(&path, "at_ms"),
                    Reason::TimeBeyond {
                        at_ms: step.at_ms,
                        max: defaults::MAX_TIME_MS,
                    },
                ));
            }
            if let Some(prev) = previous {
                if step.at_ms < prev {
                    return Err(ScenarioError::new(
                        field_path(&path, "at_ms"),
                        Reason::Backwards {
                            at_ms: step.at_ms,
                            previous: prev,
                        },
                    ));
                }
            }
            previous = Some(step.at_ms);
            self.check_action(&step.action, &path, &down[i])?;
        }
        if self.run_until_ms > defaults::MAX_TIME_MS {
            return Err(ScenarioError::new(
                "run_until_ms",
                Reason::TimeBeyond {
                    at_ms: self.run_until_ms,
                    max: defaults::MAX_TIME_MS,
                },
            ));
        }
        if let Some(last) = self.last_step_ms() {
            if self.run_until_ms < last {
                return Err(ScenarioError::new(
                    "run_until_ms",
                    Reason::StopsBeforeLastStep {
                        run_until_ms: self.run_until_ms,
                        last,
                    },
                ));
            }
        }
        Ok(())
    }

    fn check_cluster(&self) -> Result<(), ScenarioError> {
        let c = &self.cluster;
        check_participants(u64::from(c.participants))?;
        check_observers(u64::from(c.observers))?;
        for (i, id) in c.start_down.iter().enumerate() {
            let path = index_path("cluster.start_down", i);
            self.check_server(*id, &path)?;
            if c.start_down[..i].contains(id) {
                return Err(ScenarioError::new(
                    path,
                    Reason::ServerTwice { server: *id },
                ));
            }
        }
        Ok(())
    }

    fn check_timing(&self) -> Result<(), ScenarioError> {
        let t = &self.timing;
        let max = defaults::MAX_DURATION_MS;
        in_range(
            "timing.tick_ms",
            t.tick_ms,
            defaults::MIN_TICK_MS,
            max,
            RangeNote::TickMs,
        )?;
        in_range(
            "timing.init_limit",
            t.init_limit,
            1,
            defaults::MAX_LIMIT_TICKS,
            RangeNote::Ticks,
        )?;
        in_range(
            "timing.sync_limit",
            t.sync_limit,
            1,
            defaults::MAX_LIMIT_TICKS,
            RangeNote::Ticks,
        )?;
        in_range(
            "timing.finalize_wait_ms",
            t.finalize_wait_ms,
            1,
            max,
            RangeNote::None,
        )?;
        in_range(
            "timing.max_notification_interval_ms",
            t.max_notification_interval_ms,
            t.finalize_wait_ms,
            defaults::MAX_NOTIFICATION_INTERVAL_MS,
            RangeNote::NotificationInterval,
        )?;
        min_max("timing.latency_ms", t.latency_ms, 1)?;
        min_max("timing.fsync_ms", t.fsync_ms, 0)?;
        Ok(())
    }

    fn check_storage(&self) -> Result<(), ScenarioError> {
        let s = &self.storage;
        count_range(
            "storage.snap_count",
            s.snap_count,
            defaults::MIN_SNAP_COUNT,
            defaults::MAX_SNAP_COUNT,
        )?;
        count_range(
            "storage.commit_log_count",
            s.commit_log_count,
            1,
            defaults::MAX_COMMIT_LOG_COUNT,
        )?;
        count_range(
            "storage.snap_retain_count",
            s.snap_retain_count,
            1,
            defaults::MAX_SNAP_RETAIN_COUNT,
        )?;
        if !s.snapshot_size_factor.is_finite() {
            return Err(ScenarioError::new(
                "storage.snapshot_size_factor",
                Reason::NotFinite,
            ));
        }
        Ok(())
    }

    /// The `path` and `data` of every `write` step together are at most
    /// [`defaults::MAX_WRITE_BYTES`]; the error names the step that goes past it.
    fn check_write_bytes(&self) -> Result<(), ScenarioError> {
        let mut total: usize = 0;
        for (i, step) in self.schedule.iter().enumerate() {
            if let Action::Write { op, .. } = &step.action {
                let data = op.data().map_or(0, str::len);
                let bytes = op.path().map_or(0, str::len).saturating_add(data);
                total = total.saturating_add(bytes);
                if total > defaults::MAX_WRITE_BYTES {
                    return Err(ScenarioError::new(
                        index_path("schedule", i),
                        Reason::WritesTooLarge {
                            total,
                            max: defaults::MAX_WRITE_BYTES,
                        },
                    ));
                }
            }
        }
        Ok(())
    }

    /// `id` must name a server of the cluster.
    fn check_server(&self, id: ServerId, path: &str) -> Result<(), ScenarioError> {
        if self.cluster.contains(id) {
            return Ok(());
        }
        Err(ScenarioError::new(
            path,
            Reason::ServerOutOfRange {
                server: id,
                servers: self.cluster.size(),
            },
        ))
    }

    fn check_action(
        &self,
        action: &Action,
        path: &str,
        down: &BTreeSet<ServerId>,
    ) -> Result<(), ScenarioError> {
        // The field's path is only spelled out for an error.
        let server = |id: &ServerId, field: &str| {
            if self.cluster.contains(*id) {
                Ok(())
            } else {
                self.check_server(*id, &field_path(path, field))
            }
        };
        match action {
            Action::Write { server: s, op } => {
                server(s, "server")?;
                let p = op.path().unwrap_or_default();
                max_bytes(&field_path(path, "path"), p, defaults::MAX_PATH_BYTES)?;
                znode_path(p, false)
                    .map_err(|r| ScenarioError::new(field_path(path, "path"), r))?;
                if let Some(data) = op.data() {
                    max_bytes(&field_path(path, "data"), data, defaults::MAX_DATA_BYTES)?;
                }
            }
            Action::Read { server: s, path: p } => {
                server(s, "server")?;
                max_bytes(&field_path(path, "path"), p, defaults::MAX_PATH_BYTES)?;
                znode_path(p, true).map_err(|r| ScenarioError::new(field_path(path, "path"), r))?;
            }
            Action::Crash { server: s }
            | Action::Restart { server: s }
            | Action::Isolate { server: s } => server(s, "server")?,
            Action::Partition { groups } => self.check_partition(groups, path, down)?,
            Action::Cut { from, to, .. } | Action::HealLink { from, to, .. } => {
                server(from, "from")?;
                server(to, "to")?;
                if from == to {
                    return Err(ScenarioError::new(
                        field_path(path, "to"),
                        Reason::SameEnds { server: *from },
                    ));
                }
            }
            Action::Heal => {}
            Action::Connect {
                client,
                servers,
                timeout_ms,
            } => {
                check_client(*client, path)?;
                if servers.is_empty() {
                    return Err(ScenarioError::new(
                        field_path(path, "servers"),
                        Reason::NoServers,
                    ));
                }
                for (i, s) in servers.iter().enumerate() {
                    let at = index_path(&field_path(path, "servers"), i);
                    self.check_server(*s, &at)?;
                    if servers[..i].contains(s) {
                        return Err(ScenarioError::new(at, Reason::ServerTwice { server: *s }));
                    }
                }
                if *timeout_ms == 0 || *timeout_ms > defaults::MAX_SESSION_TIMEOUT_MS {
                    return Err(ScenarioError::new(
                        field_path(path, "timeout_ms"),
                        Reason::TimeoutOutOfRange {
                            timeout_ms: *timeout_ms,
                            max: defaults::MAX_SESSION_TIMEOUT_MS,
                        },
                    ));
                }
            }
            Action::Call { client, request } => {
                check_client(*client, path)?;
                if let Some(p) = request.path() {
                    max_bytes(&field_path(path, "path"), p, defaults::MAX_PATH_BYTES)?;
                    let root_ok = !request.is_write();
                    znode_path(p, root_ok)
                        .map_err(|r| ScenarioError::new(field_path(path, "path"), r))?;
                }
                if let Some(data) = request.data() {
                    max_bytes(&field_path(path, "data"), data, defaults::MAX_DATA_BYTES)?;
                }
            }
            Action::CutClient { client } | Action::HealClient { client } => {
                check_client(*client, path)?
            }
            Action::DropPacket { packet } | Action::DeliverNow { packet } => {
                if *packet == 0 {
                    return Err(ScenarioError::new(
                        field_path(path, "packet"),
                        Reason::PacketZero,
                    ));
                }
            }
            Action::CrashAt { server: s, .. } => server(s, "server")?,
        }
        Ok(())
    }

    fn check_partition(
        &self,
        groups: &[Vec<ServerId>],
        path: &str,
        down: &BTreeSet<ServerId>,
    ) -> Result<(), ScenarioError> {
        let gpath = field_path(path, "groups");
        if groups.len() < 2 {
            return Err(ScenarioError::new(
                gpath,
                Reason::TooFewGroups {
                    groups: groups.len(),
                },
            ));
        }
        let mut seen: Vec<ServerId> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let path_g = index_path(&gpath, g);
            if group.is_empty() {
                return Err(ScenarioError::new(path_g, Reason::EmptyGroup));
            }
            for (j, id) in group.iter().enumerate() {
                let path_j = index_path(&path_g, j);
                self.check_server(*id, &path_j)?;
                if seen.contains(id) {
                    return Err(ScenarioError::new(
                        path_j,
                        Reason::ServerInTwoGroups { server: *id },
                    ));
                }
                seen.push(*id);
            }
        }
        let missing = self
            .cluster
            .server_ids()
            .find(|id| !seen.contains(id) && !down.contains(id));
        if let Some(missing) = missing {
            return Err(ScenarioError::new(
                gpath,
                Reason::ServerInNoGroup {
                    server: missing,
                    servers: self.cluster.size(),
                },
            ));
        }
        Ok(())
    }

    /// For each step, the servers that are down just before it according to the
    /// schedule: `cluster.start_down`, then every `crash` and `restart` of earlier steps
    /// (in file order). `crash_at` is ignored: whether and when it fires is only known
    /// by running.
    pub(crate) fn down_before_each_step(&self) -> Vec<BTreeSet<ServerId>> {
        let mut down: BTreeSet<ServerId> = self.cluster.start_down.iter().copied().collect();
        let mut out = Vec::with_capacity(self.schedule.len());
        for step in &self.schedule {
            out.push(down.clone());
            match step.action {
                Action::Crash { server } => {
                    down.insert(server);
                }
                Action::Restart { server } => {
                    down.remove(&server);
                }
                _ => {}
            }
        }
        out
    }

    /// Completes every partition that leaves out servers which are down at that time
    /// (the contract's own example does this): each such server is added as a group of
    /// its own, so that it is cut off from everyone if it restarts before the next
    /// `heal`. Afterwards every partition lists every server exactly once, as the
    /// simulator expects. Partitions that leave out a server that is up are left as
    /// they are ([`Scenario::validate`] rejects them). [`Scenario::from_json`] calls this.
    ///
    /// A cluster beyond the limits of [`defaults`] is left alone (nothing is built
    /// per server for it; [`Scenario::validate`] rejects it).
    pub fn complete_partitions(&mut self) {
        if check_participants(u64::from(self.cluster.participants)).is_err()
            || check_observers(u64::from(self.cluster.observers)).is_err()
            || check_schedule_len(self.schedule.len()).is_err()
        {
            return;
        }
        let down = self.down_before_each_step();
        let ids: Vec<ServerId> = self.cluster.server_ids().collect();
        for (step, down) in self.schedule.iter_mut().zip(down) {
            if let Action::Partition { groups } = &mut step.action {
                let listed: BTreeSet<ServerId> = groups.iter().flatten().copied().collect();
                let left_out: Vec<ServerId> = ids
                    .iter()
                    .copied()
                    .filter(|id| !listed.contains(id))
                    .collect();
                if !left_out.is_empty() && left_out.iter().all(|id| down.contains(id)) {
                    groups.extend(left_out.into_iter().map(|id| vec![id]));
                }
            }
        }
    }
}

fn in_range(
    path: &str,
    value: u64,
    min: u64,
    max: u64,
    note: RangeNote,
) -> Result<(), ScenarioError> {
    if value < min || value > max {
        return Err(ScenarioError::new(
            path,
            Reason::OutOfRange {
                value,
                min,
                max,
                note,
            },
        ));
    }
    Ok(())
}

/// A count at least `min` (below: "too small", the message of old files' errors) and
/// at most `max`.
fn count_range(path: &str, value: u64, min: u64, max: u64) -> Result<(), ScenarioError> {
    if value < min {
        return Err(ScenarioError::new(path, Reason::TooSmall { value, min }));
    }
    if value > max {
        return Err(ScenarioError::new(path, Reason::TooLarge { value, max }));
    }
    Ok(())
}

/// `cluster.participants` is in `MIN_PARTICIPANTS..=MAX_PARTICIPANTS`. The reader
/// calls this on the number as written, before anything is built per server.
pub(crate) fn check_participants(n: u64) -> Result<u32, ScenarioError> {
    let (min, max) = (defaults::MIN_PARTICIPANTS, defaults::MAX_PARTICIPANTS);
    match u32::try_from(n) {
        Ok(p) if (min..=max).contains(&p) => Ok(p),
        _ => Err(ScenarioError::new(
            "cluster.participants",
            Reason::Participants { count: n, min, max },
        )),
    }
}

/// `cluster.observers` is at most `MAX_OBSERVERS` (checked like
/// [`check_participants`]).
pub(crate) fn check_observers(n: u64) -> Result<u32, ScenarioError> {
    let max = defaults::MAX_OBSERVERS;
    match u32::try_from(n) {
        Ok(o) if o <= max => Ok(o),
        _ => Err(ScenarioError::new(
            "cluster.observers",
            Reason::Observers { count: n, max },
        )),
    }
}

/// The schedule has at most `MAX_SCHEDULE_STEPS` steps. The reader calls this on the
/// array's length, before any step is read.
pub(crate) fn check_schedule_len(len: usize) -> Result<(), ScenarioError> {
    if len > defaults::MAX_SCHEDULE_STEPS {
        return Err(ScenarioError::new(
            "schedule",
            Reason::TooManySteps {
                steps: len,
                max: defaults::MAX_SCHEDULE_STEPS,
            },
        ));
    }
    Ok(())
}

/// The string at `path` is at most `max` bytes long.
pub(crate) fn max_bytes(path: &str, value: &str, max: usize) -> Result<(), ScenarioError> {
    if value.len() > max {
        return Err(ScenarioError::new(
            path,
            Reason::TooLong {
                bytes: value.len(),
                max,
            },
        ));
    }
    Ok(())
}

fn min_max(path: &str, [min, max]: [u64; 2], lowest: u64) -> Result<(), ScenarioError> {
    if min > max {
        return Err(ScenarioError::new(path, Reason::NotMinMax { min, max }));
    }
    if min < lowest {
        return Err(ScenarioError::new(
            path,
            Reason::MinimumTooSmall { min, lowest },
        ));
    }
    if max > defaults::MAX_DURATION_MS {
        return Err(ScenarioError::new(
            path,
            Reason::MaximumTooLarge {
                max,
                limit: defaults::MAX_DURATION_MS,
            },
        ));
    }
    Ok(())
}

/// ZooKeeper-style znode path rules (`PathUtils.validatePath`, simplified). The path is
/// quoted clipped and escaped: it may be 1 024 bytes long and hold a newline.
/// A session client's id must be in `1..=MAX_CLIENTS`.
fn check_client(client: ClientId, path: &str) -> Result<(), ScenarioError> {
    if (1..=defaults::MAX_CLIENTS).contains(&client.0) {
        return Ok(());
    }
    Err(ScenarioError::new(
        field_path(path, "client"),
        Reason::ClientOutOfRange {
            client,
            max: defaults::MAX_CLIENTS,
        },
    ))
}

fn znode_path(p: &str, allow_root: bool) -> Result<(), Reason> {
    if p.is_empty() {
        return Err(Reason::EmptyPath);
    }
    let path = || clip(p);
    if !p.starts_with('/') {
        return Err(Reason::PathNotAbsolute { path: path() });
    }
    if p == "/" {
        return if allow_root {
            Ok(())
        } else {
            Err(Reason::RootNotWritable)
        };
    }
    if p.ends_with('/') {
        return Err(Reason::PathEndsWithSlash { path: path() });
    }
    if p.chars().any(char::is_control) {
        return Err(Reason::PathControlChar { path: path() });
    }
    for segment in p[1..].split('/') {
        if segment.is_empty() {
            return Err(Reason::PathEmptySegment { path: path() });
        }
        if segment == "." || segment == ".." {
            return Err(Reason::PathRelativeSegment {
                path: path(),
                segment: segment.to_string(),
            });
        }
    }
    Ok(())
}
