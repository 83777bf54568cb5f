//! The engine's only source of time. `System` follows the wall clock; `Manual` moves
//! only when told to, so tests (and `--clock manual` demos) drive timeouts and
//! expiry without sleeping.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use crate::domain::verification::Millis;

#[derive(Clone)]
pub enum Clock {
    System,
    Manual(Arc<watch::Sender<Millis>>),
}

impl Clock {
    /// A manual clock that starts at the current wall-clock time.
    pub fn manual() -> Self {
        Clock::Manual(Arc::new(watch::Sender::new(system_now())))
    }

    pub fn now(&self) -> Millis {
        match self {
            Clock::System => system_now(),
            Clock::Manual(tx) => *tx.borrow(),
        }
    }

    /// Moves a manual clock forward and returns the new time; `None` on the system clock.
    pub fn advance(&self, by: Duration) -> Option<Millis> {
        match self {
            Clock::System => None,
            Clock::Manual(tx) => {
                let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
                tx.send_modify(|now| *now = now.saturating_add(by));
                Some(*tx.borrow())
            }
        }
    }

    /// Completes once `now() >= deadline`.
    pub async fn sleep_until(&self, deadline: Millis) {
        match self {
            Clock::System => loop {
                let left = deadline - system_now();
                if left <= 0 {
                    return;
                }
                // Re-checked after waking, in case the wall clock was stepped meanwhile.
                tokio::time::sleep(Duration::from_millis(left as u64)).await;
            },
            Clock::Manual(tx) => {
                let mut rx = tx.subscribe();
                loop {
                    if *rx.borrow_and_update() >= deadline {
                        return;
                    }
                    if rx.changed().await.is_err() {
                        // The clock is gone with the engine: never fire.
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }
}

impl crate::channels::router::Timer for Clock {
    fn now(&self) -> Millis {
        Clock::now(self)
    }

    fn sleep_until(&self, at: Millis) -> futures::future::BoxFuture<'_, ()> {
        Box::pin(Clock::sleep_until(self, at))
    }
}

fn system_now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_fires_only_when_advanced() {
        let c = Clock::manual();
        let mut sleep = Box::pin(c.sleep_until(c.now() + 30_000));
        assert!(futures::poll!(sleep.as_mut()).is_pending());
        c.advance(Duration::from_secs(29));
        assert!(futures::poll!(sleep.as_mut()).is_pending());
        c.advance(Duration::from_secs(1));
        assert!(futures::poll!(sleep.as_mut()).is_ready());
    }
}
