//! The simulator's event queue: a binary heap of small entries ordered by their key
//! (time, class, sequence number). Sequence numbers are unique, so keys are, and events
//! come out in the same order as from a map sorted by key.

use crate::ids::Time;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// When an event is due: (time, ordering class, sequence number).
pub(super) type Key = (Time, u8, u64);

#[derive(Clone, Debug)]
struct Entry<E> {
    key: Key,
    ev: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed, so that the max-heap yields the smallest key first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Events by key, smallest first.
#[derive(Clone, Debug)]
pub(super) struct Queue<E> {
    heap: BinaryHeap<Entry<E>>,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::new(),
        }
    }
}

impl<E> Queue<E> {
    /// Adds an event (its key must not be queued already).
    pub(super) fn insert(&mut self, key: Key, ev: E) {
        self.heap.push(Entry { key, ev });
    }

    /// The smallest key.
    pub(super) fn first_key(&self) -> Option<&Key> {
        self.heap.peek().map(|e| &e.key)
    }

    /// Takes the event with the smallest key.
    pub(super) fn pop_first(&mut self) -> Option<(Key, E)> {
        self.heap.pop().map(|e| (e.key, e.ev))
    }

    /// Keeps only the events for which `keep` (given the key and the event) is true.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&Key, &E) -> bool) {
        self.heap.retain(|e| keep(&e.key, &e.ev));
    }

    /// How many events are queued.
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Every event in the order they will be taken.
    pub(super) fn sorted(&self) -> Vec<(&Key, &E)> {
        let mut all: Vec<(&Key, &E)> = self.heap.iter().map(|e| (&e.key, &e.ev)).collect();
        all.sort_unstable_by_key(|(key, _)| **key);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order() {
        let mut q = Queue::default();
        for (i, key) in [(5, 0, 3), (1, 1, 2), (1, 0, 4), (5, 0, 1), (0, 1, 9)]
            .into_iter()
            .enumerate()
        {
            q.insert(key, i);
        }
        q.retain(|_, i| *i != 2);
        let sorted: Vec<Key> = q.sorted().into_iter().map(|(k, _)| *k).collect();
        assert_eq!(sorted, vec![(0, 1, 9), (1, 1, 2), (5, 0, 1), (5, 0, 3)]);
        assert_eq!(q.first_key(), Some(&(0, 1, 9)));
        let popped: Vec<Key> = std::iter::from_fn(|| q.pop_first().map(|(k, _)| k)).collect();
        assert_eq!(popped, sorted);
        assert_eq!(q.len(), 0);
    }
}
