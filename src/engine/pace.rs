//! Pacing of `CheckCode` answers, so that their timing tells nothing.
//!
//! A check of an unknown id, of another tenant's id, of an expired or locked
//! verification and of a wrong code do different work: a record read or not, a
//! commit or an audit entry, a comparison against the sealed copy or a bcrypt
//! verify (once `is_code_deleted` erased the copy). Making the work identical is not
//! enough (a cached read, a bigger write) and not always possible (bcrypt is only
//! worth running when there is a hash). So every answer other than VERIFIED (which
//! gives itself away by its content anyway) is held until a moment that does not
//! depend on the outcome: `started + pad`, where `pad` is the median of how long
//! the checks that really compared a code took lately. The wait is a timer, not
//! work: it costs no CPU, and under load the median follows the server's real
//! speed. tokio's timer ticks every millisecond, which adds up to one to each wait,
//! alike for every outcome.
//!
//! Only real comparisons feed the estimate, so probing unknown ids cannot lower it.
//! Before there are any, `INITIAL_PAD` applies; `MAX_PAD` bounds it whatever a slow
//! disk does.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The pad before any real check was measured.
const INITIAL_PAD: Duration = Duration::from_millis(2);
/// The pad never exceeds this.
const MAX_PAD: Duration = Duration::from_millis(250);
/// How many recent real checks the estimate looks at.
const WINDOW: usize = 256;
/// The estimate is recomputed after this many new samples.
const EVERY: usize = 16;
/// Which quantile of recent real checks the pad is: the median (a higher one only
/// lengthens every wait, and the timer's tick already blurs the tail).
const QUANTILE: f64 = 0.5;

/// The pad, and the recent durations it comes from.
pub struct Pace {
    // std Mutex: held to push a sample or read the pad, never across an await.
    state: Mutex<State>,
}

struct State {
    samples: VecDeque<Duration>,
    since_update: usize,
    pad: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                samples: VecDeque::with_capacity(WINDOW),
                since_update: 0,
                pad: INITIAL_PAD,
            }),
        }
    }
}

impl Pace {
    /// The moment an answer to a check that started at `started` may leave.
    pub fn release_at(&self, started: Instant) -> Instant {
        started + self.pad()
    }

    pub fn pad(&self) -> Duration {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).pad
    }

    /// Records how long a check that really compared a code took.
    pub fn record(&self, took: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.samples.len() == WINDOW {
            s.samples.pop_front();
        }
        s.samples.push_back(took.min(MAX_PAD));
        s.since_update += 1;
        if s.since_update >= EVERY || s.samples.len() < EVERY {
            s.since_update = 0;
            let mut sorted: Vec<Duration> = s.samples.iter().copied().collect();
            sorted.sort_unstable();
            let i = ((sorted.len() as f64 - 1.0) * QUANTILE).round() as usize;
            s.pad = sorted[i.min(sorted.len() - 1)];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pad_follows_the_median_of_real_checks() {
        let p = Pace::default();
        assert_eq!(p.pad(), INITIAL_PAD);
        for i in 1..=100u64 {
            p.record(Duration::from_micros(i * 10));
        }
        // The median of 10..=1000 µs.
        let pad = p.pad();
        assert!(
            pad >= Duration::from_micros(480) && pad <= Duration::from_micros(520),
            "{pad:?}"
        );
        // Slow outliers are capped.
        for _ in 0..WINDOW {
            p.record(Duration::from_secs(9));
        }
        assert_eq!(p.pad(), MAX_PAD);
    }

    #[test]
    fn release_is_the_start_plus_the_pad() {
        let p = Pace::default();
        let t = Instant::now();
        assert_eq!(p.release_at(t), t + INITIAL_PAD);
    }
}
