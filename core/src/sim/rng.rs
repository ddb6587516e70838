//! Seeded randomness: one independent stream per subsystem (TigerBeetle's VOPR habit),
//! so an extra draw in one subsystem never perturbs another.

/// SplitMix64: tiny, fast, identical on every platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A stream derived from the run's seed and a per-subsystem salt.
    pub fn new(seed: u64, salt: u64) -> Rng {
        let mut r = Rng(seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi]` (inclusive).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u64() % (hi - lo + 1)
        }
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        den > 0 && self.next_u64() % den < num
    }
}

/// The simulator's streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Streams {
    /// Packet latencies.
    pub net: Rng,
    /// fsync latencies and snapshot jitter.
    pub disk: Rng,
    /// Client workload (used by sweeps and benchmarks).
    pub client: Rng,
    /// Fault injection (used by sweeps).
    pub fault: Rng,
    /// Latencies of session clients' messages.
    pub sessions: Rng,
}

impl Streams {
    /// All streams for one seed.
    pub fn new(seed: u64) -> Streams {
        Streams {
            net: Rng::new(seed, 1),
            disk: Rng::new(seed, 2),
            client: Rng::new(seed, 3),
            fault: Rng::new(seed, 4),
            sessions: Rng::new(seed, 5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let mut a = Streams::new(42);
        let mut b = Streams::new(42);
        for _ in 0..10 {
            a.net.next_u64();
        }
        assert_eq!(
            a.disk.next_u64(),
            b.disk.next_u64(),
            "net draws must not shift the disk stream"
        );
        assert_ne!(Streams::new(1).net, Streams::new(2).net);
        let r = b.net.range(5, 20);
        assert!((5..=20).contains(&r));
    }
}
