//! The driver: one tracked task per pending verification. It feeds the pure
//! machine with sends' results, provider reports, deadlines (from the injected
//! clock), checks and cancels; stores and flushes each change; publishes the
//! transitions; and carries out sends. It exits when the verification is final,
//! or at shutdown once no send is in flight (the stored state is resumed on the
//! next start).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;
use uuid::Uuid;

use super::hub::Event;
use super::machine::{self, Ctx, Effect, Input};
use super::{Command, EngineError, Inner, MAILBOX, View, cancel_without_driver, not_pending};
use crate::channels::{Outbound, Receipt, Report, SendFailure};
use crate::domain::messages;
use crate::domain::verification::{CheckResult, Verification};

type InFlight = BoxFuture<'static, Result<Receipt, SendFailure>>;

/// Starts the driver of `v` and registers its mailbox in `drivers` (whose lock the
/// caller holds, so a verification never gets two drivers).
pub(super) fn spawn(
    inner: &Arc<Inner>,
    v: Verification,
    drivers: &mut HashMap<Uuid, mpsc::Sender<Command>>,
    first_send: Option<oneshot::Sender<View>>,
) -> mpsc::Sender<Command> {
    let (tx, rx) = mpsc::channel(MAILBOX);
    drivers.insert(v.id, tx.clone());
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
    tx
}

/// After a store fault the record in memory is ahead of the stored one, so the driver
/// must stop: the stored state is what resumes on the next start.
fn store_fault<T>(r: &Result<T, EngineError>) -> Result<(), EngineError> {
    match r {
        Err(EngineError::Store(e)) => Err(EngineError::Stopped(e.to_string())),
        _ => Ok(()),
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
        if let Err(e) = self.drive().await {
            tracing::error!(error = %e, "driver stopped; the stored state resumes on restart");
        }
        self.exit();
    }

    fn first_send_done(&mut self) {
        if let Some(tx) = self.first_send.take() {
            let _ = tx.send(self.inner.view(&self.v));
        }
    }

    async fn drive(&mut self) -> Result<(), EngineError> {
        self.feed(Input::Resume).await?;
        if self.in_flight.is_none() {
            self.first_send_done();
        }
        let shutdown = self.inner.shutdown.clone();
        let clock = self.inner.clock.clone();
        while let Some(deadline) = machine::next_deadline(&self.v) {
            let sending = self.in_flight.is_some();
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
                        Ok(r) => Input::Sent { attempt, external_id: r.external_id },
                        Err(failure) => Input::SendFailed { attempt, failure },
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
                    Some(cmd) => self.handle(cmd).await?,
                    None => return Ok(()),
                },
                _ = clock.sleep_until(deadline) => self.feed(Input::Tick).await?,
                _ = shutdown.cancelled(), if !sending => return Ok(()),
            }
        }
        Ok(())
    }

    async fn handle(&mut self, cmd: Command) -> Result<(), EngineError> {
        match cmd {
            Command::Check { code, reply } => {
                let r = self.check(code).await;
                let fault = store_fault(&r);
                let _ = reply.send(r);
                fault?;
            }
            Command::Cancel { reply } => {
                let r = self
                    .feed(Input::Cancel)
                    .await
                    .map(|_| self.inner.view(&self.v));
                let fault = store_fault(&r);
                let _ = reply.send(r);
                fault?;
            }
            Command::Report { attempt_id, report } => {
                if let Some(attempt) = self.v.history.iter().position(|a| a.id == attempt_id) {
                    if self.in_flight.as_ref().is_some_and(|(a, _)| *a == attempt) {
                        self.stashed.push((attempt, report));
                    } else {
                        self.feed(Input::Report { attempt, report }).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn check(&mut self, code: String) -> Result<(CheckResult, View), EngineError> {
        if self.inner.clock.now() >= self.v.expires_at {
            self.feed(Input::Tick).await?;
        }
        if let Some(r) = machine::precheck(&self.v) {
            return Ok((r, self.inner.view(&self.v)));
        }
        let matched = self
            .inner
            .crypto
            .verify_code(self.v.id, &code, &self.v.secret.hash)
            .await?;
        let tenant = self.inner.tenant(&self.v.tenant_id);
        let before = self.v.revision;
        let ctx = self.ctx(&tenant.settings);
        let (result, fx) = machine::apply_check(&mut self.v, matched, &ctx);
        self.commit(before, &fx).await?;
        if result == CheckResult::Incorrect {
            tracing::info!(
                attempts_remaining = self.v.attempts_remaining,
                "incorrect code"
            );
        } else {
            tracing::info!(?result, "code checked");
        }
        Ok((result, self.inner.view(&self.v)))
    }

    fn ctx<'a>(&self, settings: &'a crate::domain::tenant::TenantSettings) -> Ctx<'a> {
        let voice = self.inner.cfg.voice_answer_timeout.as_millis();
        Ctx {
            now: self.inner.clock.now(),
            settings,
            voice_answer_timeout_ms: i64::try_from(voice).unwrap_or(i64::MAX),
        }
    }

    /// Applies an input and everything it leads to: stores, publishes, starts sends.
    /// A send that cannot even start becomes the next input.
    async fn feed(&mut self, input: Input) -> Result<(), EngineError> {
        let mut queue = VecDeque::from([input]);
        while let Some(input) = queue.pop_front() {
            let tenant = self.inner.tenant(&self.v.tenant_id);
            let before = self.v.revision;
            let ctx = self.ctx(&tenant.settings);
            let fx = machine::step(&mut self.v, input, &ctx).map_err(|_| not_pending(&self.v))?;
            self.commit(before, &fx).await?;
            for effect in fx {
                if let Effect::Send { attempt } = effect
                    && let Err(failure) = self.start_send(attempt)
                {
                    queue.push_back(Input::SendFailed { attempt, failure });
                }
            }
        }
        Ok(())
    }

    /// Stores the record if it changed, flushes, then publishes the transitions.
    async fn commit(&mut self, before: u64, fx: &[Effect]) -> Result<(), EngineError> {
        if self.v.revision != before {
            self.inner.store.put_verification(&self.v)?;
            self.inner.store.flush().await?;
        }
        // With the code erased by now, no event may carry it either.
        let erased = self.v.secret.sealed.is_none();
        let events: Vec<_> = fx
            .iter()
            .filter_map(|e| match e {
                Effect::Emit { kind, step, record } => {
                    tracing::info!(event = kind.name(), ?step, "transition");
                    let mut view = self.inner.view(record);
                    if erased {
                        view.code = None;
                    }
                    Some(Arc::new(Event {
                        kind: *kind,
                        step: *step,
                        at: record.updated_at,
                        view: Arc::new(view),
                    }))
                }
                Effect::Send { .. } => None,
            })
            .collect();
        if !events.is_empty() {
            self.inner.hub.publish(&self.v.tenant_id, events);
        }
        Ok(())
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
        let msg = Outbound {
            verification_id: v.id,
            attempt_id: v.history[attempt].id,
            tenant_id: v.tenant_id.clone(),
            channel: step.channel,
            recipient: v.recipient(step.channel).to_owned(),
            sender_id: step.sender_id.clone(),
            code,
            content,
            sent_at: self.inner.clock.now(),
        };
        let backend = self.inner.channels.backend(step.channel).clone();
        let limit = self.inner.cfg.send_timeout;
        tracing::info!(channel = %step.channel, attempt, "sending");
        self.in_flight = Some((
            attempt,
            Box::pin(async move {
                match tokio::time::timeout(limit, backend.send(&msg)).await {
                    Ok(r) => r,
                    Err(_) => Err(SendFailure::ProviderError(format!(
                        "the provider did not answer within {}s",
                        limit.as_secs()
                    ))),
                }
            }),
        ));
        Ok(())
    }

    /// Unregisters the mailbox, then answers whatever was already queued in it.
    fn exit(mut self) {
        {
            let mut drivers = self.inner.drivers.lock().unwrap_or_else(|p| p.into_inner());
            drivers.remove(&self.v.id);
        }
        self.rx.close();
        while let Ok(cmd) = self.rx.try_recv() {
            match cmd {
                Command::Check { reply, .. } => {
                    let _ = reply.send(self.inner.check_without_driver(&self.v));
                }
                Command::Cancel { reply } => {
                    let _ = reply.send(Err(cancel_without_driver(&self.v)));
                }
                Command::Report { .. } => {}
            }
        }
    }
}
