//! Routing one step's send over its channel's providers, in their configured order.
//!
//! - A refusal of the recipient (`Rejected`, `Blocked`) ends the send at once: the
//!   next provider would refuse the same person.
//! - A provider fault (`Transient`: unreachable, 5xx, 429, timeout) moves the send to
//!   the next provider right away; a provider that failed is tried again after a
//!   backoff (or its `Retry-After`), all within the step's budget. When no provider
//!   is ready, the send waits for the first one that will be, if that is before the
//!   budget ends. A provider that is `Down` (credentials, account) is not tried
//!   again within the send.
//! - A provider that faults `faults_before_cooldown` times in a row, across sends, is
//!   skipped for `cooldown` (logged once), unless every provider of the channel is
//!   cooling down. Health is per node and in memory: it is about the path from this
//!   node to the provider.
//!
//! Every try is returned, for the attempt's history. Time comes from a [`Timer`], so
//! a manual clock drives backoffs in tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use super::{Accepted, Outbound, Provider, ProviderTry, SendError, SendFailure};
use crate::domain::channel::Channel;
use crate::domain::verification::Millis;

/// The time a send runs on.
pub trait Timer: Send + Sync {
    fn now(&self) -> Millis;
    fn sleep_until(&self, at: Millis) -> BoxFuture<'_, ()>;
}

/// How providers fail over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failover {
    /// Consecutive faults after which a provider cools down.
    pub faults_before_cooldown: u32,
    pub cooldown: Duration,
    /// The most provider calls one send makes.
    pub max_tries: u32,
}

impl Default for Failover {
    fn default() -> Self {
        Self {
            faults_before_cooldown: 3,
            cooldown: Duration::from_secs(60),
            max_tries: 10,
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Health {
    consecutive_faults: u32,
    cooling_until: Millis,
}

/// Which providers serve which channel, in order, and how they are doing.
#[derive(Clone)]
pub struct Channels {
    routes: HashMap<Channel, Vec<Arc<dyn Provider>>>,
    fallback: Arc<dyn Provider>,
    by_name: HashMap<String, Arc<dyn Provider>>,
    failover: Failover,
    /// With a delivery config: a channel it does not route has no provider (its
    /// steps are refused), instead of going to the sandbox.
    strict: bool,
    // std Mutex: held to read or update one provider's counters, never across an await.
    health: Arc<Mutex<HashMap<String, Health>>>,
}

fn ms(d: Duration) -> Millis {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The wait before trying a provider again after its `n`-th fault in this send.
fn backoff(n: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << n.min(5).saturating_sub(1)))
        .min(Duration::from_secs(5))
}

impl Channels {
    /// Every channel goes to `fallback` (the sandbox) unless `set` routes it.
    pub fn new(fallback: Arc<dyn Provider>) -> Self {
        let mut by_name = HashMap::new();
        by_name.insert(fallback.name().to_owned(), fallback.clone());
        Self {
            routes: HashMap::new(),
            fallback,
            by_name,
            failover: Failover::default(),
            strict: false,
            health: Arc::default(),
        }
    }

    /// From now on a channel without providers has none, rather than the sandbox.
    pub fn refuse_unrouted(&mut self) {
        self.strict = true;
    }

    /// Whether `channel` has any provider.
    pub fn routed(&self, channel: Channel) -> bool {
        !self.strict || self.routes.contains_key(&channel)
    }

    pub fn set_failover(&mut self, f: Failover) {
        self.failover = f;
    }

    /// Routes `channel` to `providers`, in order.
    pub fn set(&mut self, channel: Channel, providers: Vec<Arc<dyn Provider>>) {
        for p in &providers {
            self.by_name.insert(p.name().to_owned(), p.clone());
        }
        self.routes.insert(channel, providers);
    }

    /// The providers of `channel`, in order.
    pub fn providers(&self, channel: Channel) -> Vec<Arc<dyn Provider>> {
        match self.routes.get(&channel) {
            Some(p) => p.clone(),
            None if self.strict => Vec::new(),
            None => vec![self.fallback.clone()],
        }
    }

    /// Every channel with the names of its providers, in order.
    pub fn routes(&self) -> Vec<(Channel, Vec<String>)> {
        Channel::ALL
            .iter()
            .map(|&c| {
                let names = self
                    .providers(c)
                    .iter()
                    .map(|p| p.name().to_owned())
                    .collect();
                (c, names)
            })
            .collect()
    }

    /// The provider of that name, for callbacks, polls and revocations.
    pub fn provider(&self, name: &str) -> Option<Arc<dyn Provider>> {
        self.by_name.get(name).cloned()
    }

    fn cooling(&self, name: &str, now: Millis) -> Option<Millis> {
        let h = self.health.lock().unwrap_or_else(|p| p.into_inner());
        h.get(name)
            .map(|h| h.cooling_until)
            .filter(|&until| until > now)
    }

    fn record(&self, name: &str, fault: bool, now: Millis) {
        let mut all = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let h = all.entry(name.to_owned()).or_default();
        if !fault {
            *h = Health::default();
            return;
        }
        h.consecutive_faults += 1;
        if h.consecutive_faults >= self.failover.faults_before_cooldown && h.cooling_until <= now {
            h.cooling_until = now + ms(self.failover.cooldown);
            tracing::warn!(
                provider = name,
                faults = h.consecutive_faults,
                cooldown_sec = self.failover.cooldown.as_secs(),
                "provider keeps failing; skipping it while it cools down"
            );
        }
    }

    /// Sends `msg` on its channel's providers until one takes it, one refuses the
    /// recipient, or `budget_end` passes. The error carries every try.
    pub async fn send(
        &self,
        msg: &Outbound,
        budget_end: Millis,
        timer: &dyn Timer,
    ) -> Result<Accepted, (SendFailure, Vec<ProviderTry>)> {
        let providers = self.providers(msg.channel);
        let mut tries: Vec<ProviderTry> = Vec::new();
        let mut ready_at: Vec<Millis> = vec![0; providers.len()];
        let mut faults: Vec<u32> = vec![0; providers.len()];
        let mut last_fault = if providers.is_empty() {
            format!("no provider is configured for {}", msg.channel)
        } else {
            String::from("no provider could be tried in the step's time")
        };
        let mut noted_cooling = vec![false; providers.len()];
        let mut calls = 0;
        while calls < self.failover.max_tries {
            let now = timer.now();
            if now >= budget_end {
                break;
            }
            let ready: Vec<usize> = (0..providers.len())
                .filter(|&i| ready_at[i] <= now)
                .collect();
            let warm: Vec<usize> = ready
                .iter()
                .copied()
                .filter(|&i| self.cooling(providers[i].name(), now).is_none())
                .collect();
            for &i in &ready {
                if !warm.contains(&i) && !noted_cooling[i] && !warm.is_empty() {
                    noted_cooling[i] = true;
                    tries.push(ProviderTry {
                        provider: providers[i].name().to_owned(),
                        at: now,
                        outcome: "skipped: cooling down after repeated faults".into(),
                    });
                }
            }
            // Every provider cooling down: the first ready one is the last resort.
            let Some(&i) = warm.first().or(ready.first()) else {
                let next = ready_at.iter().copied().min().unwrap_or(Millis::MAX);
                if next >= budget_end {
                    break;
                }
                timer.sleep_until(next).await;
                continue;
            };
            let p = &providers[i];
            calls += 1;
            let left = Duration::from_millis(u64::try_from(budget_end - now).unwrap_or(0));
            let result = match tokio::time::timeout(left, p.send(msg)).await {
                Ok(r) => r,
                Err(_) => Err(SendError::Transient {
                    message: "the provider did not answer within the step's time".into(),
                    retry_after: None,
                }),
            };
            let at = timer.now();
            let mut try_ = |outcome: String| {
                tries.push(ProviderTry {
                    provider: p.name().to_owned(),
                    at,
                    outcome,
                })
            };
            match result {
                Ok(r) => {
                    self.record(p.name(), false, at);
                    try_("accepted".into());
                    return Ok(Accepted {
                        external_id: r.external_id,
                        provider: p.name().to_owned(),
                        settles: r.settles,
                        cost: r.cost,
                        tries,
                    });
                }
                Err(e @ SendError::Rejected { .. }) => {
                    try_(format!("refused: {e}"));
                    return Err((SendFailure::Rejected(e.to_string()), tries));
                }
                Err(e @ SendError::Blocked { .. }) => {
                    try_(format!("blocked: {e}"));
                    return Err((SendFailure::Blocked(e.to_string()), tries));
                }
                Err(SendError::Down { message }) => {
                    self.record(p.name(), true, at);
                    tracing::warn!(provider = p.name(), channel = %msg.channel, error = %message, "provider down");
                    try_(format!("down: {message}"));
                    ready_at[i] = Millis::MAX;
                    last_fault = message;
                }
                Err(SendError::Transient {
                    message,
                    retry_after,
                }) => {
                    self.record(p.name(), true, at);
                    tracing::warn!(provider = p.name(), channel = %msg.channel, error = %message, "provider fault");
                    try_(format!("fault: {message}"));
                    faults[i] += 1;
                    ready_at[i] = at + ms(retry_after.unwrap_or_else(|| backoff(faults[i])));
                    last_fault = message;
                }
            }
        }
        // The last fault says why; the tries say who was tried.
        Err((SendFailure::ProviderError(last_fault), tries))
    }
}
