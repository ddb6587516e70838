//! Identifiers and counters, named and laid out as ZooKeeper names them (spec §2).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Simulated time in milliseconds since the start of a run.
pub type Time = u64;

/// A server's `myid`: 1-based, participants first, then observers.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct ServerId(pub u32);

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A ZAB epoch (the high 32 bits of a zxid; files `acceptedEpoch` and `currentEpoch`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Epoch(pub u32);

impl fmt::Display for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A ZooKeeper transaction id: `epoch << 32 | counter` (spec §2.1, `ZxidUtils`).
///
/// Kept as a signed 64-bit integer like Java's `long`, so that ZooKeeper's `-1`
/// ("none") sentinel stays faithful. Displayed in ZooKeeper's log form, `0x100000002`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Zxid(pub i64);

impl Zxid {
    /// The "no zxid" sentinel (`-1` in ZooKeeper).
    pub const NONE: Zxid = Zxid(-1);
    /// The zxid of an empty database.
    pub const ZERO: Zxid = Zxid(0);
    /// The largest counter; a leader that would mint it shuts down instead (ZOOKEEPER-1277).
    pub const MAX_COUNTER: u32 = 0xffff_ffff;

    /// Builds `epoch << 32 | counter`.
    pub fn new(epoch: Epoch, counter: u32) -> Zxid {
        Zxid(((epoch.0 as i64) << 32) | counter as i64)
    }

    /// The epoch half.
    pub fn epoch(self) -> Epoch {
        Epoch((self.0 >> 32) as u32)
    }

    /// The counter half; 0 marks control packets (NEWLEADER and its ACK).
    pub fn counter(self) -> u32 {
        (self.0 & 0xffff_ffff) as u32
    }

    /// The zxid that follows this one in the same epoch.
    pub fn next(self) -> Zxid {
        Zxid(self.0 + 1)
    }
}

impl fmt::Display for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0 {
            write!(f, "-1")
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

impl fmt::Debug for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for Zxid {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "-1" {
            return Ok(Zxid::NONE);
        }
        let hex = s
            .strip_prefix("0x")
            .ok_or_else(|| format!("zxid `{s}` must start with 0x"))?;
        i64::from_str_radix(hex, 16)
            .map(Zxid)
            .map_err(|e| format!("zxid `{s}`: {e}"))
    }
}

impl Serialize for Zxid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Zxid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A client process of the simulation (`c1`, `c2`, ...): the program that holds a
/// ZooKeeper handle. It is not a server and has no vote.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct ClientId(pub u32);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// A ZooKeeper session id. The server a client first connects to mints it
/// (`SessionTrackerImpl.initializeNextSessionId`: its `myid` in the top byte, the
/// process start time below, then counting up), shown in hex as ZooKeeper logs it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct SessionId(pub u64);

impl SessionId {
    /// The first id a server started at `start_ms` hands out:
    /// `((start << 24) >>> 8) | (myid << 56)` (SessionTrackerImpl.java,
    /// `initializeNextSessionId`, with the simulated clock for `currentElapsedTime`).
    pub fn first_of(server: ServerId, start_ms: Time) -> SessionId {
        SessionId(((start_ms << 24) >> 8) | ((server.0 as u64) << 56))
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec §2.1: zxid = epoch << 32 | counter, shown in hex like ZooKeeper's logs.
    #[test]
    fn zxid_layout_and_display_follow_zxidutils() {
        let z = Zxid::new(Epoch(1), 2);
        assert_eq!(z.0, 0x1_0000_0002);
        assert_eq!(z.epoch(), Epoch(1));
        assert_eq!(z.counter(), 2);
        assert_eq!(z.to_string(), "0x100000002");
        assert_eq!(Zxid::ZERO.to_string(), "0x0");
        assert_eq!(Zxid::NONE.to_string(), "-1");
        assert_eq!("0x100000002".parse::<Zxid>().unwrap(), z);
    }

    /// Spec §2.1: numeric order equals (epoch, counter) order; a new epoch's
    /// base zxid (counter 0) sorts above every txn of older epochs.
    #[test]
    fn zxid_order_is_epoch_then_counter() {
        assert!(Zxid::new(Epoch(2), 0) > Zxid::new(Epoch(1), 0xffff_fff0));
        assert!(Zxid::new(Epoch(1), 3) > Zxid::new(Epoch(1), 2));
        assert!(Zxid::NONE < Zxid::ZERO);
    }
}
