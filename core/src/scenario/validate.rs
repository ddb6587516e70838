//! Semantic checks of a parsed [`Scenario`]: ranges, ids, ordering, paths.

use super::defaults;
use super::error::{field_path, index_path, ScenarioError};
use super::types::{Action, Scenario, WriteOp};
use crate::ids::ServerId;
use std::collections::BTreeSet;

impl Scenario {
    /// Checks everything but the names of crash points (those come from the simulator:
    /// see [`Scenario::validate_with`]). The first problem found is returned, with the
    /// JSON path of the field.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.check(None)
    }

    /// [`Scenario::validate`], and also that every `crash_at` names one of
    /// `known_points`.
    pub fn validate_with(&self, known_points: &[&str]) -> Result<(), ScenarioError> {
        self.check(Some(known_points))
    }

    fn check(&self, known_points: Option<&[&str]>) -> Result<(), ScenarioError> {
        if self.format != defaults::FORMAT {
            return Err(ScenarioError::new(
                "format",
                format!(
                    "expected \"{}\", found \"{}\"",
                    defaults::FORMAT,
                    self.format
                ),
            ));
        }
        if self.version != defaults::VERSION {
            return Err(ScenarioError::new(
                "version",
                format!(
                    "unsupported version {}; this build reads version {}",
                    self.version,
                    defaults::VERSION
                ),
            ));
        }
        self.check_cluster()?;
        self.check_timing()?;
        self.check_storage()?;
        for (i, bug) in self.bugs.iter().enumerate() {
            if self.bugs[..i].contains(bug) {
                return Err(ScenarioError::new(
                    index_path("bugs", i),
                    format!("bug `{}` is listed twice", bug.id()),
                ));
            }
        }
        let mut previous: Option<u64> = None;
        let down = self.down_before_each_step();
        for (i, step) in self.schedule.iter().enumerate() {
            let path = index_path("schedule", i);
            if step.at_ms > defaults::MAX_TIME_MS {
                return Err(ScenarioError::new(
                    field_path(&path, "at_ms"),
                    format!(
                        "{} is beyond the latest allowed time {}",
                        step.at_ms,
                        defaults::MAX_TIME_MS
                    ),
                ));
            }
            if let Some(prev) = previous {
                if step.at_ms < prev {
                    return Err(ScenarioError::new(
                        field_path(&path, "at_ms"),
                        format!(
                            "at_ms goes backwards: {} after {prev} (steps must be in time order)",
                            step.at_ms
                        ),
                    ));
                }
            }
            previous = Some(step.at_ms);
            self.check_action(&step.action, &path, known_points, &down[i])?;
        }
        if self.run_until_ms > defaults::MAX_TIME_MS {
            return Err(ScenarioError::new(
                "run_until_ms",
                format!(
                    "{} is beyond the latest allowed time {}",
                    self.run_until_ms,
                    defaults::MAX_TIME_MS
                ),
            ));
        }
        if let Some(last) = self.last_step_ms() {
            if self.run_until_ms < last {
                return Err(ScenarioError::new(
                    "run_until_ms",
                    format!(
                        "the run would stop at {} ms, before the last step (at_ms {last})",
                        self.run_until_ms
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_cluster(&self) -> Result<(), ScenarioError> {
        let c = &self.cluster;
        if !(defaults::MIN_PARTICIPANTS..=defaults::MAX_PARTICIPANTS).contains(&c.participants) {
            return Err(ScenarioError::new(
                "cluster.participants",
                format!(
                    "{} participants; a cluster has {}..={}",
                    c.participants,
                    defaults::MIN_PARTICIPANTS,
                    defaults::MAX_PARTICIPANTS
                ),
            ));
        }
        if c.observers > defaults::MAX_OBSERVERS {
            return Err(ScenarioError::new(
                "cluster.observers",
                format!(
                    "{} observers; a cluster has 0..={}",
                    c.observers,
                    defaults::MAX_OBSERVERS
                ),
            ));
        }
        for (i, id) in c.start_down.iter().enumerate() {
            let path = index_path("cluster.start_down", i);
            self.check_server(*id, &path)?;
            if c.start_down[..i].contains(id) {
                return Err(ScenarioError::new(
                    path,
                    format!("server {id} is listed twice"),
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
            " (the leader pings every tick_ms/2)",
        )?;
        in_range(
            "timing.init_limit",
            t.init_limit,
            1,
            defaults::MAX_LIMIT_TICKS,
            " ticks",
        )?;
        in_range(
            "timing.sync_limit",
            t.sync_limit,
            1,
            defaults::MAX_LIMIT_TICKS,
            " ticks",
        )?;
        in_range("timing.finalize_wait_ms", t.finalize_wait_ms, 1, max, "")?;
        in_range(
            "timing.max_notification_interval_ms",
            t.max_notification_interval_ms,
            t.finalize_wait_ms,
            defaults::MAX_NOTIFICATION_INTERVAL_MS,
            " (at least finalize_wait_ms, FLE's first poll timeout)",
        )?;
        min_max("timing.latency_ms", t.latency_ms, 1)?;
        min_max("timing.fsync_ms", t.fsync_ms, 0)?;
        Ok(())
    }

    fn check_storage(&self) -> Result<(), ScenarioError> {
        let s = &self.storage;
        at_least("storage.snap_count", s.snap_count, defaults::MIN_SNAP_COUNT)?;
        at_least("storage.commit_log_count", s.commit_log_count, 1)?;
        at_least("storage.snap_retain_count", s.snap_retain_count, 1)?;
        if !s.snapshot_size_factor.is_finite() {
            return Err(ScenarioError::new(
                "storage.snapshot_size_factor",
                "must be a finite number",
            ));
        }
        Ok(())
    }

    /// `id` must name a server of the cluster.
    fn check_server(&self, id: ServerId, path: &str) -> Result<(), ScenarioError> {
        if self.cluster.contains(id) {
            return Ok(());
        }
        let hint = if id.0 == 0 { "ids start at 1; " } else { "" };
        Err(ScenarioError::new(
            path,
            format!(
                "server {id} is out of range ({hint}this cluster has servers 1..={})",
                self.cluster.size()
            ),
        ))
    }

    fn check_action(
        &self,
        action: &Action,
        path: &str,
        known_points: Option<&[&str]>,
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
            Action::Write {
                server: s,
                op,
                path: p,
                data,
            } => {
                server(s, "server")?;
                znode_path(p, false)
                    .map_err(|m| ScenarioError::new(field_path(path, "path"), m))?;
                if *op == WriteOp::Delete && data.is_some() {
                    return Err(ScenarioError::new(
                        field_path(path, "data"),
                        "a delete carries no data (data is only for create and set)",
                    ));
                }
            }
            Action::Read { server: s, path: p } => {
                server(s, "server")?;
                znode_path(p, true).map_err(|m| ScenarioError::new(field_path(path, "path"), m))?;
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
                        format!(
                            "a link joins two different servers, but from and to are both {from}"
                        ),
                    ));
                }
            }
            Action::Heal => {}
            Action::DropPacket { packet } | Action::DeliverNow { packet } => {
                if *packet == 0 {
                    return Err(ScenarioError::new(
                        field_path(path, "packet"),
                        "packet ids start at 1",
                    ));
                }
            }
            Action::CrashAt { server: s, point } => {
                server(s, "server")?;
                let ppath = field_path(path, "point");
                if point.is_empty() {
                    return Err(ScenarioError::new(ppath, "empty crash point name"));
                }
                if let Some(known) = known_points {
                    if !known.contains(&point.as_str()) {
                        return Err(ScenarioError::new(
                            ppath,
                            format!("unknown crash point `{point}`; known: {}", known.join(", ")),
                        ));
                    }
                }
            }
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
                format!(
                    "a partition needs at least 2 groups, found {}",
                    groups.len()
                ),
            ));
        }
        let mut seen: Vec<ServerId> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let path_g = index_path(&gpath, g);
            if group.is_empty() {
                return Err(ScenarioError::new(path_g, "empty group"));
            }
            for (j, id) in group.iter().enumerate() {
                let path_j = index_path(&path_g, j);
                self.check_server(*id, &path_j)?;
                if seen.contains(id) {
                    return Err(ScenarioError::new(
                        path_j,
                        format!("server {id} appears twice; every server is in exactly one group"),
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
                format!(
                    "server {missing} is in no group; every server 1..={} is in exactly one group \
                     (only a server that is down at this time may be left out)",
                    self.cluster.size()
                ),
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
    pub fn complete_partitions(&mut self) {
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

fn in_range(path: &str, value: u64, min: u64, max: u64, note: &str) -> Result<(), ScenarioError> {
    if value < min || value > max {
        return Err(ScenarioError::new(
            path,
            format!("{value} is out of range; allowed {min}..={max}{note}"),
        ));
    }
    Ok(())
}

fn at_least(path: &str, value: u64, min: u64) -> Result<(), ScenarioError> {
    if value < min {
        return Err(ScenarioError::new(
            path,
            format!("{value} is too small; at least {min}"),
        ));
    }
    Ok(())
}

fn min_max(path: &str, [min, max]: [u64; 2], lowest: u64) -> Result<(), ScenarioError> {
    if min > max {
        return Err(ScenarioError::new(
            path,
            format!("[{min}, {max}] is not [min, max]: min is larger than max"),
        ));
    }
    if min < lowest {
        return Err(ScenarioError::new(
            path,
            format!("minimum {min} is too small; at least {lowest}"),
        ));
    }
    if max > defaults::MAX_DURATION_MS {
        return Err(ScenarioError::new(
            path,
            format!(
                "maximum {max} is too large; at most {}",
                defaults::MAX_DURATION_MS
            ),
        ));
    }
    Ok(())
}

/// ZooKeeper-style znode path rules (`PathUtils.validatePath`, simplified).
fn znode_path(p: &str, allow_root: bool) -> Result<(), String> {
    if p.is_empty() {
        return Err("empty path; znode paths look like /a or /a/b".to_string());
    }
    if !p.starts_with('/') {
        return Err(format!("path `{p}` must start with '/'"));
    }
    if p == "/" {
        return if allow_root {
            Ok(())
        } else {
            Err("the root `/` cannot be created, set or deleted; use a path like /a".to_string())
        };
    }
    if p.ends_with('/') {
        return Err(format!("path `{p}` must not end with '/'"));
    }
    if p.chars().any(char::is_control) {
        return Err(format!("path {p:?} contains a control character"));
    }
    for segment in p[1..].split('/') {
        if segment.is_empty() {
            return Err(format!("path `{p}` has an empty segment (`//`)"));
        }
        if segment == "." || segment == ".." {
            return Err(format!("path `{p}` has a relative segment `{segment}`"));
        }
    }
    Ok(())
}
