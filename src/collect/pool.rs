//! The one bounded pool collection runs its work on: at most N named scoped
//! threads taking items in order, results returned in the items' order.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work(index, item)` for every item on at most `workers` threads
/// named `NAME-n`. An item no thread ran (none could be started) gets
/// `unstarted(item)`, so every item is always answered.
pub fn run<T: Sync, R: Send>(
    name: &str,
    items: &[T],
    workers: usize,
    work: impl Fn(usize, &T) -> R + Sync,
    unstarted: impl Fn(&T) -> R,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for n in 0..workers.clamp(1, items.len().max(1)) {
            let worker = || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = work(i, item);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(result);
                    }
                }
            };
            let spawned =
                std::thread::Builder::new().name(format!("{name}-{n}")).spawn_scoped(scope, worker);
            // The threads already started take every item; with none at all
            // the items are answered by `unstarted` below.
            if spawned.is_err() && n == 0 {
                break;
            }
        }
    });
    results
        .into_iter()
        .zip(items)
        .map(|(slot, item)| slot.into_inner().ok().flatten().unwrap_or_else(|| unstarted(item)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_answered_in_order_within_the_bound() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<usize> = (0..50).collect();
        let out = run(
            "test",
            &items,
            3,
            |i, item| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::yield_now();
                running.fetch_sub(1, Ordering::SeqCst);
                (i, item * 2)
            },
            |_| (usize::MAX, 0),
        );
        assert_eq!(out, items.iter().map(|i| (*i, i * 2)).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 3, "at most 3 at once");
        assert_eq!(run("test", &[] as &[u8], 4, |_, _| 1, |_| 0), Vec::<i32>::new());
    }
}
