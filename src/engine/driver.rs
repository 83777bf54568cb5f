//! The driver: one tracked task per verification that is not final, on the node that
//! owns it. It owns the verification's timers and sends: it feeds the pure machine
//! with sends' results, provider reports and deadlines (from the injected clock),
//! commits each change through [`Inner::apply`], and hands the step the record is
//! waiting on ([`machine::awaiting_send`]) to its channel. Others' changes (a check,
//! a cancel, a report applied on another node) reach it as `Refresh`: it re-reads the
//! record and carries on from there, so a verification that became final stops
//! sending at once.
//!
//! It exits when the verification is final; when another node took it over (a
//! commit of its conflicts with a record owned elsewhere); or at shutdown once no
//! send is in flight. The stored state is resumed by whoever drives it next.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;
use uuid::Uuid;

use super::machine::{self, Input};
use super::{Command, EngineError, Inner, MAILBOX, View};
use crate::channels::{Accepted, Outbound, ProviderTry, Report, SendFailure};
use crate::domain::messages;
use crate::domain::verification::Verification;

type InFlight = BoxFuture<'static, Result<Accepted, (SendFailure, Vec<ProviderTry>)>>;

/// The longest a poll of a provider may take before the driver gives up on it.
const POLL_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a driver that stopped on a store fault waits before it is started again.
const RESTART_AFTER_FAULT: Duration = Duration::from_secs(1);

/// Starts the driver of `v` and registers its mailbox in `drivers` (whose lock the
/// caller holds, so a verification never gets two drivers on one node).
pub(super) fn spawn(
    inner: &Arc<Inner>,
    v: Verification,
    drivers: &mut HashMap<Uuid, mpsc::Sender<Command>>,
    first_send: Option<oneshot::Sender<View>>,
) {
    let (tx, rx) = mpsc::channel(MAILBOX);
    drivers.insert(v.id, tx);
    let span = tracing::info_span!("verification", verification_id = %v.id);
    let d = Driver {
        inner: inner.clone(),
        v,
        rx,
        in_flight: None,
        stashed: Vec::new(),
        first_send,
    };
    inner.tracker.spawn(d.run().instrument(span));
}

/// One step of a driver that may await the store or a provider, boxed: a parked
/// driver's future then holds a pointer where the largest step's state would be
/// (3.8 KB a driver before, with 100,000 parked).
type Step<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Halt>> + Send + 'a>>;

/// Why a driver stops before its verification is final.
enum Halt {
    /// Another node drives the verification now.
    Lost,
    /// The store failed: the record in memory may be ahead of the stored one.
    Fault(EngineError),
}

impl From<EngineError> for Halt {
    fn from(e: EngineError) -> Self {
        Halt::Fault(e)
    }
}

impl From<crate::store::StoreError> for Halt {
    fn from(e: crate::store::StoreError) -> Self {
        Halt::Fault(e.into())
    }
}

struct Driver {
    inner: Arc<Inner>,
    v: Verification,
    rx: mpsc::Receiver<Command>,
    /// The send being made, and which attempt it is for.
    in_flight: Option<(usize, InFlight)>,
    /// Reports that arrived while their attempt's send was still in flight; applied
    /// right after it, so "sent" always comes before "delivered".
    stashed: Vec<(usize, Report)>,
    /// Whoever started the verification waits here until its first step was handed
    /// to a channel (or could not be), to answer with that step's real status.
    first_send: Option<oneshot::Sender<View>>,
}

impl Driver {
    async fn run(mut self) {
        let halted = self.drive().await;
        let id = self.v.id;
        let inner = self.inner.clone();
        self.exit();
        match halted {
            Ok(()) => {}
            Err(Halt::Lost) => tracing::info!("another node drives the verification now"),
            Err(Halt::Fault(e)) => {
                tracing::error!(error = %e, "driver stopped on a store fault; starting again shortly");
                inner.tracker.spawn(restart_after_fault(inner.clone(), id));
            }
        }
    }

    fn first_send_done(&mut self) {
        if let Some(tx) = self.first_send.take() {
            let _ = tx.send(self.inner.view(&self.v));
        }
    }

    async fn drive(&mut self) -> Result<(), Halt> {
        self.feed(Input::Resume).await?;
        if self.in_flight.is_none() {
            self.first_send_done();
        }
        let shutdown = self.inner.shutdown.clone();
        let clock = self.inner.clock.clone();
        let mut next_poll: Option<(usize, crate::domain::verification::Millis)> = None;
        while let Some(deadline) = machine::next_deadline(&self.v) {
            let sending = self.in_flight.is_some();
            next_poll = self.poll_schedule(next_poll);
            let poll_at = next_poll.map_or(crate::domain::verification::Millis::MAX, |(_, at)| at);
            let in_flight = &mut self.in_flight;
            let mailbox = &mut self.rx;
            tokio::select! {
                biased;
                result = async {
                    match in_flight {
                        Some((_, f)) => f.await,
                        None => std::future::pending().await,
                    }
                }, if sending => {
                    let (attempt, _) = self.in_flight.take().expect("polled only while set");
                    let input = match result {
                        Ok(accepted) => Input::Sent { attempt, accepted },
                        Err((failure, tries)) => Input::SendFailed { attempt, failure, tries },
                    };
                    self.feed(input).await?;
                    let (now, later): (Vec<_>, Vec<_>) =
                        std::mem::take(&mut self.stashed).into_iter().partition(|(a, _)| *a == attempt);
                    self.stashed = later;
                    for (attempt, report) in now {
                        self.feed(Input::Report { attempt, report }).await?;
                    }
                    self.first_send_done();
                }
                cmd = mailbox.recv() => match cmd {
                    Some(Command::Refresh) => self.refresh().await?,
                    Some(Command::Report { attempt_id, report }) => self.on_report(attempt_id, report).await?,
                    None => return Ok(()),
                },
                _ = clock.sleep_until(deadline) => self.feed(Input::Tick).await?,
                _ = clock.sleep_until(poll_at), if next_poll.is_some() && !sending => {
                    let (attempt, _) = next_poll.take().expect("polled only while set");
                    self.poll(attempt).await?;
                    next_poll = Some((attempt, clock.now()));
                }
                _ = shutdown.cancelled(), if !sending => return Ok(()),
            }
        }
        Ok(())
    }

    /// When to poll the provider of the attempt waiting for a report, if its provider
    /// is polled: `last` is the previous poll (attempt, time), kept while the same
    /// attempt waits.
    fn poll_schedule(
        &self,
        last: Option<(usize, crate::domain::verification::Millis)>,
    ) -> Option<(usize, crate::domain::verification::Millis)> {
        let i = self.v.current_attempt()?;
        let a = &self.v.history[i];
        a.external_id.as_ref()?;
        let provider = self.inner.channels.provider(a.provider.as_deref()?)?;
        let every = i64::try_from(provider.poll_interval()?.as_millis()).unwrap_or(i64::MAX);
        let since = match last {
            Some((j, at)) if j == i => at,
            _ => a.processed_at.unwrap_or_else(|| self.inner.clock.now()),
        };
        Some((i, since.saturating_add(every)))
    }

    /// Asks the attempt's provider for its status, and applies a decisive answer.
    fn poll(&mut self, attempt: usize) -> Step<'_> {
        Box::pin(self.poll_now(attempt))
    }

    async fn poll_now(&mut self, attempt: usize) -> Result<(), Halt> {
        let a = &self.v.history[attempt];
        let (Some(name), Some(external_id)) = (a.provider.clone(), a.external_id.clone()) else {
            return Ok(());
        };
        let Some(provider) = self.inner.channels.provider(&name) else {
            return Ok(());
        };
        match tokio::time::timeout(POLL_TIMEOUT, provider.poll(&external_id)).await {
            Ok(Ok(Some(report))) => self.feed(Input::Report { attempt, report }).await?,
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                tracing::warn!(provider = %name, error = %e, "polling the provider failed")
            }
            Err(_) => tracing::warn!(provider = %name, "polling the provider timed out"),
        }
        Ok(())
    }

    fn on_report(&mut self, attempt_id: Uuid, report: Report) -> Step<'_> {
        Box::pin(self.on_report_now(attempt_id, report))
    }

    async fn on_report_now(&mut self, attempt_id: Uuid, report: Report) -> Result<(), Halt> {
        if let Some(attempt) = self.v.history.iter().position(|a| a.id == attempt_id) {
            if self.in_flight.as_ref().is_some_and(|(a, _)| *a == attempt) {
                self.stashed.push((attempt, report));
            } else {
                self.feed(Input::Report { attempt, report }).await?;
            }
        }
        Ok(())
    }

    /// Someone else changed the record: read it, and carry on from what is stored.
    fn refresh(&mut self) -> Step<'_> {
        Box::pin(self.refresh_now())
    }

    async fn refresh_now(&mut self) -> Result<(), Halt> {
        let Some(loaded) = self.inner.store.load(self.v.id).await? else {
            return Err(Halt::Lost);
        };
        if !loaded.record.is_final() && loaded.owner.as_deref() != Some(self.inner.node.as_str()) {
            return Err(Halt::Lost);
        }
        if loaded.record.revision > self.v.revision {
            self.v = loaded.record;
        }
        if let Some(input) = self.ensure_sending() {
            self.feed(input).await?;
        }
        Ok(())
    }

    /// Applies an input and everything it leads to: commits, publishes, starts the
    /// send the record then waits on. A send that cannot even start becomes the
    /// next input.
    fn feed(&mut self, input: Input) -> Step<'_> {
        Box::pin(self.feed_now(input))
    }

    async fn feed_now(&mut self, input: Input) -> Result<(), Halt> {
        let mut next = Some(input);
        while let Some(input) = next.take() {
            let applied = self
                .inner
                .apply(self.v.clone(), true, "system", |v, ctx| {
                    ((), machine::step(v, input.clone(), ctx).unwrap_or_default())
                })
                .await?
                .ok_or(Halt::Lost)?;
            self.v = applied.v;
            next = self.ensure_sending();
        }
        Ok(())
    }

    /// Starts the send the record waits on, unless it is already being made.
    fn ensure_sending(&mut self) -> Option<Input> {
        let attempt = machine::awaiting_send(&self.v)?;
        if self.in_flight.as_ref().is_some_and(|(a, _)| *a == attempt) {
            return None;
        }
        match self.start_send(attempt) {
            Ok(()) => None,
            Err(failure) => Some(Input::SendFailed {
                attempt,
                failure,
                tries: Vec::new(),
            }),
        }
    }

    fn start_send(&mut self, attempt: usize) -> Result<(), SendFailure> {
        let v = &self.v;
        let step = &v.routing_strategy[attempt];
        let code = v
            .secret
            .sealed
            .as_ref()
            .and_then(|s| self.inner.crypto.open(v.id, s).ok())
            .ok_or_else(|| {
                tracing::error!("the code cannot be unsealed for sending");
                SendFailure::ProviderError("internal: the code is not available for sending".into())
            })?;
        let content = messages::render(
            step.channel,
            v.lang,
            &v.app_name,
            &code,
            step.template.as_deref(),
        );
        let now = self.inner.clock.now();
        let a = &v.history[attempt];
        let msg = Outbound {
            verification_id: v.id,
            attempt_id: a.id,
            step: attempt,
            tenant_id: v.tenant_id.clone(),
            channel: step.channel,
            recipient: v.recipient(step.channel).to_owned(),
            sender_id: step.sender_id.clone(),
            lang: v.lang,
            code,
            content,
            sent_at: now,
            timeout_sec: a
                .deadline
                .zip(a.sent_at)
                .map(|(d, s)| u32::try_from((d - s) / 1000).unwrap_or(u32::MAX)),
            idempotency_key: format!("{}:{attempt}", v.id),
        };
        // The step's budget: its own deadline if it waits for a report, else the
        // time a provider may take to accept.
        let send_ms = i64::try_from(self.inner.cfg.send_timeout.as_millis()).unwrap_or(i64::MAX);
        let budget_end = a.deadline.unwrap_or(now.saturating_add(send_ms));
        let channels = self.inner.channels.clone();
        let clock = self.inner.clock.clone();
        tracing::info!(channel = %step.channel, attempt, "sending");
        // A send still in flight for an earlier step that someone else closed is
        // dropped: its outcome no longer matters.
        self.in_flight = Some((
            attempt,
            Box::pin(async move { channels.send(&msg, budget_end, &clock).await }),
        ));
        Ok(())
    }

    /// Unregisters the mailbox, then hands on whatever reports were already queued.
    fn exit(mut self) {
        {
            let mut drivers = self.inner.drivers.lock().unwrap_or_else(|p| p.into_inner());
            drivers.remove(&self.v.id);
        }
        self.rx.close();
        let mut left = Vec::new();
        while let Ok(cmd) = self.rx.try_recv() {
            if let Command::Report { attempt_id, report } = cmd {
                left.push((attempt_id, report));
            }
        }
        left.extend(
            self.stashed
                .drain(..)
                .map(|(i, r)| (self.v.history[i].id, r)),
        );
        if !left.is_empty() && !self.inner.shutdown.is_cancelled() {
            let inner = self.inner.clone();
            let id = self.v.id;
            inner.clone().tracker.spawn(async move {
                for (attempt_id, report) in left {
                    inner.apply_report(id, attempt_id, report).await;
                }
            });
        }
    }
}

/// Starts a driver again after a store fault, once the store answers, if the
/// verification still needs one here.
async fn restart_after_fault(inner: Arc<Inner>, id: Uuid) {
    let mut wait = RESTART_AFTER_FAULT;
    loop {
        tokio::select! {
            _ = inner.shutdown.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        match inner.store.load(id).await {
            Ok(Some(l))
                if !l.record.is_final() && l.owner.as_deref() == Some(inner.node.as_str()) =>
            {
                inner.spawn_driver(l.record, None);
                return;
            }
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(verification_id = %id, error = %e, "the store still fails; retrying");
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}
