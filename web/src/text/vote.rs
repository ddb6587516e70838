//! How the page writes a vote: its three fields in the order Fast Leader Election
//! compares them (`totalOrderPredicate`: peerEpoch, then zxid, then server id), each
//! with a one-letter tag, e.g. `(e1, 0x100000002, s3)`. ZooKeeper prints a vote as
//! (leader, zxid, peerEpoch), and core's trace keeps that form; the page shows the
//! comparison order so that a vote reads left to right as it is compared (issue 14).

use zab_core::packet::Vote;
use zab_core::Zxid;

/// A vote's fields as the page writes them.
pub fn text(leader: u32, zxid: Zxid, peer_epoch: u32) -> String {
    format!("(e{peer_epoch}, {zxid}, s{leader})")
}

/// Core's vote as the page writes it.
pub fn of(v: &Vote) -> String {
    text(v.leader.0, v.zxid, v.peer_epoch.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_reads_in_the_order_it_is_compared() {
        let v = Vote {
            leader: zab_core::ServerId(3),
            zxid: Zxid((1 << 32) | 2),
            election_epoch: 4,
            peer_epoch: zab_core::Epoch(1),
        };
        assert_eq!(of(&v), "(e1, 0x100000002, s3)");
    }
}
