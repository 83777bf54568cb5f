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
//! - A provider may have a configured health check: a URL fetched every `interval`
//!   (once before the node serves, then in the background). While its last answer is
//!   not a 2xx, the provider is skipped like one that cools down, and a try in the
//!   attempt's history says so; the first 2xx puts it back.
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

#[derive(Debug, Default, Clone)]
struct Health {
    consecutive_faults: u32,
    cooling_until: Millis,
    /// Why the provider's health check fails, while it does.
    check_failing: Option<String>,
}

/// A provider's configured health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    /// The provider (entry name) it judges.
    pub provider: String,
    /// Fetched with GET; a 2xx answer means healthy.
    pub url: String,
    pub interval: Duration,
    pub timeout: Duration,
}

/// Why a provider is passed over for now.
enum Skip {
    Cooling,
    CheckFailing(String),
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
    checks: Vec<HealthCheck>,
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
            checks: Vec::new(),
        }
    }

    /// Adds a provider's health check (see the module documentation).
    pub fn add_health_check(&mut self, check: HealthCheck) {
        self.checks.push(check);
    }

    pub fn health_checks(&self) -> &[HealthCheck] {
        &self.checks
    }

    /// Records the answer of a provider's health check: `Err(why)` while it fails.
    pub fn set_check_result(&self, provider: &str, result: Result<(), String>) {
        let mut all = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let h = all.entry(provider.to_owned()).or_default();
        match (&h.check_failing, result) {
            (None, Err(why)) => {
                tracing::warn!(provider, why = %why, "provider health check fails; skipping it");
                h.check_failing = Some(why);
            }
            (Some(_), Ok(())) => {
                tracing::info!(provider, "provider health check passes again");
                h.check_failing = None;
            }
            (Some(_), Err(why)) => h.check_failing = Some(why),
            (None, Ok(())) => {}
        }
    }

    /// Runs every health check once, at the same time.
    pub async fn check_health_now(&self, http: &reqwest::Client) {
        let runs = self.checks.iter().map(|c| async move {
            let result = probe(http, c).await;
            self.set_check_result(&c.provider, result);
        });
        futures::future::join_all(runs).await;
    }

    /// Runs every health check every `interval` until `stop`.
    pub fn spawn_health_checks(
        &self,
        http: reqwest::Client,
        tracker: &tokio_util::task::TaskTracker,
        stop: &tokio_util::sync::CancellationToken,
    ) {
        for c in self.checks.clone() {
            let (this, http, stop) = (self.clone(), http.clone(), stop.clone());
            tracker.spawn(async move {
                let mut every = tokio::time::interval(c.interval);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                every.tick().await; // the first tick is now: checked before serving
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = every.tick() => {}
                    }
                    let result = probe(&http, &c).await;
                    this.set_check_result(&c.provider, result);
                }
            });
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

    fn skip(&self, name: &str, now: Millis) -> Option<Skip> {
        let all = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let h = all.get(name)?;
        if let Some(why) = &h.check_failing {
            return Some(Skip::CheckFailing(why.clone()));
        }
        (h.cooling_until > now).then_some(Skip::Cooling)
    }

    fn record(&self, name: &str, fault: bool, now: Millis) {
        let mut all = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let h = all.entry(name.to_owned()).or_default();
        if !fault {
            h.consecutive_faults = 0;
            h.cooling_until = 0;
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
            let skips: Vec<Option<Skip>> =
                providers.iter().map(|p| self.skip(p.name(), now)).collect();
            let warm: Vec<usize> = ready
                .iter()
                .copied()
                .filter(|&i| skips[i].is_none())
                .collect();
            for &i in &ready {
                if let Some(skip) = &skips[i]
                    && !noted_cooling[i]
                    && !warm.is_empty()
                {
                    noted_cooling[i] = true;
                    tries.push(ProviderTry {
                        provider: providers[i].name().to_owned(),
                        at: now,
                        outcome: match skip {
                            Skip::Cooling => "skipped: cooling down after repeated faults".into(),
                            Skip::CheckFailing(why) => {
                                format!("skipped: its health check fails ({why})")
                            }
                        },
                    });
                }
            }
            // Every provider passed over: the first ready one is the last resort.
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

/// One fetch of a health check: `Ok` on a 2xx answer.
async fn probe(http: &reqwest::Client, c: &HealthCheck) -> Result<(), String> {
    match tokio::time::timeout(c.timeout, http.get(&c.url).send()).await {
        Ok(Ok(r)) if r.status().is_success() => Ok(()),
        Ok(Ok(r)) => Err(format!("HTTP {}", r.status().as_u16())),
        Ok(Err(e)) if e.is_timeout() => Err("no answer in time".into()),
        Ok(Err(_)) => Err("unreachable".into()),
        Err(_) => Err("no answer in time".into()),
    }
}
