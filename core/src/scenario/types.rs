//! The scenario file as Rust values (contract: `scenario-format.md`, version 1).

use serde::{Deserialize, Serialize};

use super::defaults;
use super::error::ScenarioError;
pub use crate::action::Action;
use crate::config::{Bug, Config, Storage, Timing};
use crate::ids::{ServerId, Time};

/// A whole scenario file: the cluster, its constants, and a schedule of interventions.
///
/// Read one with [`Scenario::from_json`] (parses, fills defaults, validates) and write
/// one with [`Scenario::to_json_pretty`]. Every field is filled in after parsing: the
/// defaults of absent fields are in [`defaults`](super::defaults).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Always `"zab-scenario"`.
    pub format: String,
    /// Format version; this build reads and writes 1.
    pub version: u32,
    /// Title shown in the app and in reports.
    pub name: String,
    /// Free text shown in the app (a teacher may read it aloud).
    pub description: String,
    /// Seed of every random choice of the run (latencies, fsync times, snapshot points).
    pub seed: u64,
    /// Which servers exist and which start crashed.
    pub cluster: Cluster,
    /// Timing constants (spec §3).
    pub timing: Timing,
    /// Storage constants (spec §3, §11).
    pub storage: Storage,
    /// Historical ZooKeeper bugs switched back on (spec §14).
    pub bugs: Vec<Bug>,
    /// Interventions, in non-decreasing `at_ms` order.
    pub schedule: Vec<Step>,
    /// Simulated time at which the run stops.
    pub run_until_ms: Time,
}

/// The servers of a scenario: participants `1..=participants`, then observers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Voting participants (ids `1..=participants`).
    pub participants: u32,
    /// Non-voting observers (ids `participants+1..=participants+observers`).
    #[serde(default)]
    pub observers: u32,
    /// Servers that are crashed at time 0 (a `restart` step brings them up).
    #[serde(default)]
    pub start_down: Vec<ServerId>,
}

impl Cluster {
    /// A cluster of `participants` voters, no observers, every server up.
    pub fn new(participants: u32) -> Cluster {
        Cluster {
            participants,
            observers: defaults::OBSERVERS,
            start_down: Vec::new(),
        }
    }

    /// Number of servers, participants and observers together.
    pub fn size(&self) -> u32 {
        self.participants.saturating_add(self.observers)
    }

    /// Every server id, participants first.
    pub fn server_ids(&self) -> impl Iterator<Item = ServerId> {
        (1..=self.size()).map(ServerId)
    }

    /// Whether `id` names a server of this cluster.
    pub fn contains(&self, id: ServerId) -> bool {
        id.0 >= 1 && id.0 <= self.size()
    }

    /// Whether `id` is an observer of this cluster.
    pub fn is_observer(&self, id: ServerId) -> bool {
        id.0 > self.participants && id.0 <= self.size()
    }
}

/// One intervention of the schedule: an [`Action`] at simulated time `at_ms`.
///
/// In JSON the action's fields sit beside `at_ms`:
/// `{"at_ms": 5000, "do": "crash", "server": 5}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// When the action happens (simulated milliseconds).
    pub at_ms: Time,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
}

impl Scenario {
    /// A scenario of `participants` servers with every default and an empty schedule.
    pub fn new(participants: u32) -> Scenario {
        Scenario {
            format: defaults::FORMAT.to_string(),
            version: defaults::VERSION,
            name: defaults::NAME.to_string(),
            description: defaults::DESCRIPTION.to_string(),
            seed: defaults::SEED,
            cluster: Cluster::new(participants),
            timing: Timing::default(),
            storage: Storage::default(),
            bugs: Vec::new(),
            schedule: Vec::new(),
            run_until_ms: defaults::run_until_ms(None),
        }
    }

    /// Parses a scenario file, fills in the defaults and [validates](Scenario::validate)
    /// it. Never panics; the error names the field (or the line and column of a JSON
    /// syntax error).
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let mut scenario = super::parse::parse(text)?;
        scenario.complete_partitions();
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as a JSON file: every field written out, one schedule step per
    /// line. [`Scenario::from_json`] reads it back to an equal value.
    pub fn to_json_pretty(&self) -> String {
        super::write::to_json_pretty(self)
    }

    /// The time of the last scheduled step, if any.
    pub fn last_step_ms(&self) -> Option<Time> {
        self.schedule.last().map(|s| s.at_ms)
    }

    /// The server configuration the simulator builds from this scenario.
    pub fn config(&self) -> Config {
        Config {
            participants: self.cluster.participants,
            observers: self.cluster.observers,
            timing: self.timing.clone(),
            storage: self.storage.clone(),
            bugs: self.bugs.clone(),
        }
    }
}

impl std::str::FromStr for Scenario {
    type Err = ScenarioError;

    /// Same as [`Scenario::from_json`].
    fn from_str(text: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(text)
    }
}

impl<'de> Deserialize<'de> for Scenario {
    /// Reads a scenario embedded in other serde data, with the same defaults and checks
    /// as [`Scenario::from_json`] (errors become the deserialiser's custom errors).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scenario, D::Error> {
        let value = super::parse::StrictValue::deserialize(d)?;
        let mut scenario =
            super::parse::scenario_from_value(value.0).map_err(serde::de::Error::custom)?;
        scenario.complete_partitions();
        scenario.validate().map_err(serde::de::Error::custom)?;
        Ok(scenario)
    }
}

impl<'de> Deserialize<'de> for Step {
    /// Reads one step (`{"at_ms": ..., "do": ..., ...}`) with the checks of
    /// [`Scenario::from_json`] that concern a single step.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Step, D::Error> {
        let value = super::parse::StrictValue::deserialize(d)?;
        super::parse::step_from_value(value.0, "").map_err(serde::de::Error::custom)
    }
}
