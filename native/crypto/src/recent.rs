//! The last few values of a pure function, remembered by their key: a block verifies against
//! the same keys, contexts and ring roots as the block before it, so a handful suffices.
//! Remembering changes no result.

use std::sync::Mutex;

use crate::Result;

/// At most `N` (key, value) pairs, the most recent last, behind a lock.
pub(crate) struct Recent<K, V, const N: usize> {
    entries: Mutex<Vec<(K, V)>>,
}

impl<K: PartialEq, V: Clone, const N: usize> Recent<K, V, N> {
    pub(crate) const fn new() -> Self {
        Recent { entries: Mutex::new(Vec::new()) }
    }

    /// The value remembered for `key`, else `f()`, remembered when it succeeds. `f` runs without
    /// the lock, so that verifications on other threads (a tickets extrinsic's ring proofs) do
    /// not wait for each other's work.
    pub(crate) fn get_or_try(&self, key: K, f: impl FnOnce() -> Result<V>) -> Result<V> {
        if let Some((_, v)) = self.lock().iter().rev().find(|(k, _)| *k == key) {
            return Ok(v.clone());
        }
        let v = f()?;
        let mut entries = self.lock();
        if entries.len() == N {
            let _evicted = entries.remove(0);
        }
        entries.push((key, v.clone()));
        Ok(v)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(K, V)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
