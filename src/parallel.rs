//! Work over `0..n` shared by a few scoped threads, each taking the next index as it becomes free.
//!
//! The rule packs at start-up, the regexes a text wakes and the files named on a command line are all
//! lists of independent items of uneven cost; this is the one loop they share.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work(&mut state, i)` for every `i` in `0..n` on `threads` threads (at least one, at most `n`),
/// each with its own `init()` state, and returns the states. With one thread it runs on the caller's.
pub fn each_index<S: Send>(
    n: usize,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) + Sync,
) -> Vec<S> {
    let threads = threads.min(n).max(1);
    let next = AtomicUsize::new(0);
    let run = || {
        let mut state = init();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break state;
            }
            work(&mut state, i);
        }
    };
    if threads == 1 {
        return vec![run()];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(run)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    /// Every index is worked exactly once, whatever the number of threads.
    #[test]
    fn every_index_once() {
        for threads in [0, 1, 2, 5, 200] {
            let states = super::each_index(100, threads, Vec::new, |seen: &mut Vec<usize>, i| {
                seen.push(i)
            });
            assert!(!states.is_empty() && states.len() <= threads.max(1));
            let mut all: Vec<usize> = states.into_iter().flatten().collect();
            all.sort_unstable();
            assert_eq!(all, (0..100).collect::<Vec<_>>(), "{threads} threads");
        }
        assert_eq!(super::each_index(0, 4, || 7, |_, _| {}), vec![7]);
    }
}
