//! [`SharedVec`]: a vector whose chunks are shared between clones, so that copies of
//! long append-mostly sequences (the checker's histories, the client write records)
//! cost O(len / chunk) instead of O(len), and time-travel checkpoints holding such
//! copies share what they have in common.

use serde::{Serialize, Serializer};
use std::ops::Index;
use std::sync::Arc;

/// Elements per chunk (a power of two). Cloning copies one pointer per chunk; the
/// first push after a clone copies the last chunk (at most this many elements).
const CHUNK: usize = 64;

/// A vector of `T` in reference-counted chunks of 64 elements (only the last
/// may be shorter). Cloning shares the chunks; changing an element, pushing or
/// truncating copies the one chunk it touches if another clone still shares it
/// (copy on write), so clones never see each other's changes.
#[derive(Clone, Debug)]
pub struct SharedVec<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> SharedVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `i`-th element, if `i < len`.
    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| &self.chunks[i / CHUNK][i % CHUNK])
    }

    /// The last element.
    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|c| c.last())
    }

    /// The elements in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }

    /// The number of leading elements for which `pred` holds (they must come first, as
    /// for [`slice::partition_point`]): a binary search.
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        // Chunks are never empty; those whose last element satisfies `pred` lie wholly
        // before the point, which is then in the first other chunk.
        let c = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(&mut pred));
        match self.chunks.get(c) {
            Some(chunk) => c * CHUNK + chunk.partition_point(pred),
            None => self.len,
        }
    }
}

impl<T: Clone> SharedVec<T> {
    /// Appends an element.
    pub fn push(&mut self, x: T) {
        if self.len % CHUNK == 0 {
            self.chunks.push(Arc::new(Vec::new()));
        }
        if let Some(last) = self.chunks.last_mut() {
            Arc::make_mut(last).push(x);
        }
        self.len += 1;
    }

    /// The `i`-th element for changing, if `i < len`.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        Some(&mut Arc::make_mut(&mut self.chunks[i / CHUNK])[i % CHUNK])
    }

    /// Keeps the first `n` elements (no-op if there are not more).
    pub fn truncate(&mut self, n: usize) {
        if n >= self.len {
            return;
        }
        self.chunks.truncate(n.div_ceil(CHUNK));
        if n % CHUNK != 0 {
            if let Some(last) = self.chunks.last_mut() {
                Arc::make_mut(last).truncate(n % CHUNK);
            }
        }
        self.len = n;
    }
}

impl<T> Index<usize> for SharedVec<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        assert!(
            i < self.len,
            "index {i} out of range for length {}",
            self.len
        );
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> FromIterator<T> for SharedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = SharedVec::new();
        for x in iter {
            v.push(x);
        }
        v
    }
}

impl<T: PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Serialize> Serialize for SharedVec<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_chunks_but_not_changes() {
        let mut a: SharedVec<usize> = (0..200).collect();
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.chunks[0], &b.chunks[0]));
        a.push(200);
        *a.get_mut(3).unwrap() = 1000;
        assert_eq!((a.len(), b.len()), (201, 200));
        assert_eq!((a[3], b[3]), (1000, 3));
        assert!(
            Arc::ptr_eq(&a.chunks[1], &b.chunks[1]),
            "untouched chunks stay shared"
        );
        assert_eq!(
            b.iter().copied().collect::<Vec<_>>(),
            (0..200).collect::<Vec<_>>()
        );
    }

    #[test]
    fn truncate_push_and_search() {
        let mut a: SharedVec<usize> = (0..130).collect();
        let b = a.clone();
        a.truncate(CHUNK + 1);
        assert_eq!(
            (a.len(), a.last(), a.get(CHUNK + 1)),
            (CHUNK + 1, Some(&CHUNK), None)
        );
        a.truncate(CHUNK);
        a.push(7);
        assert_eq!((a.len(), a[CHUNK], b[CHUNK]), (CHUNK + 1, 7, CHUNK));
        assert_eq!(b.partition_point(|x| *x < 100), 100);
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 2] {
            let v: SharedVec<usize> = (0..n).collect();
            for p in 0..=n + 1 {
                assert_eq!(v.partition_point(|x| *x < p), p.min(n));
            }
        }
        a.clear();
        assert!(a.is_empty() && a.last().is_none());
        assert_eq!(b.len(), 130);
    }
}
