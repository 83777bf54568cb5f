package dev.verifyd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.rpc.BadRequest;
import dev.verifyd.v1.ChannelAttempt;
import dev.verifyd.v1.CheckCodeResponse;
import dev.verifyd.v1.CheckResult;
import dev.verifyd.v1.DeliveryStatus;
import dev.verifyd.v1.RoutingStep;
import dev.verifyd.v1.SandboxMessage;
import dev.verifyd.v1.StartVerificationRequest;
import dev.verifyd.v1.Verification;
import dev.verifyd.v1.VerificationState;
import dev.verifyd.v1.WatchEventKind;
import dev.verifyd.v1.WatchStatusResponse;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Integration tests of the Java client against a real verifyd server process
 * (VERIFYD_BIN, default ../../target/debug/verifyd), started with --clock manual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifydClientTest {
  private static final String FALLBACK_PHONE = "+33199001110";
  private static final String OK_PHONE = "+33199000000";

  /** The whole life of a telegram -> voice -> sms fallback on +33199001110, code checked. */
  private static final List<String> FULL_FALLBACK =
      List.of(
          "CHANNEL_SENT[0]:TELEGRAM",
          "CHANNEL_FAILED[0]:TELEGRAM",
          "CHANNEL_SENT[1]:VOICE",
          "CHANNEL_FAILED[1]:VOICE",
          "CHANNEL_SENT[2]:SMS",
          "CHANNEL_SUCCESS[2]:SMS",
          "SUCCESS",
          "VERIFIED");

  /** The documented SandboxMessage.outcome words (admin.proto). */
  private static final List<String> OUTCOMES =
      List.of("delivered", "accepted", "failed", "rejected", "no report", "blocked", "provider error");

  private static final Map<WatchEventKind, String> EVENT_NAMES = new EnumMap<>(WatchEventKind.class);

  static {
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT, "snapshot");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_SUCCESS, "verify_code.success");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_FAILED, "verify_code.failed");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_CHANNEL_SENT, "verify_code.channel.sent");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_CHANNEL_SUCCESS, "verify_code.channel.success");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_CHANNEL_FAILED, "verify_code.channel.failed");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_CHANNEL_UPDATED, "verify_code.channel.updated");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_VERIFIED, "verify_code.verified");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_EXPIRED, "verify_code.expired");
    EVENT_NAMES.put(
        WatchEventKind.WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED, "verify_code.max_attempts_reached");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_CANCELED, "verify_code.canceled");
    EVENT_NAMES.put(WatchEventKind.WATCH_EVENT_KIND_BLOCKED, "verification.blocked");
  }

  private VerifydServer server;
  private VerifydClient client;
  private VerifydAdmin admin;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  /** The tenant-wide events of the fallback test's verification (CHANNEL_UPDATED left out). */
  private List<WatchStatusResponse> fallbackEvents;
  /** The id of the fallback test's verification. */
  private String fallbackId;

  @BeforeAll
  void startServer() throws Exception {
    server = new VerifydServer();
    client = new VerifydClient(server.address, server.apiKey, "default");
    admin = new VerifydAdmin(server.address, server.adminToken);
  }

  @AfterAll
  void stopServer() throws Exception {
    if (client != null) client.close();
    if (admin != null) admin.close();
    pool.shutdownNow();
    if (server != null) {
      int code = server.stop();
      String logs = server.logs();
      server.close();
      assertEquals(0, code, "verifyd should exit 0 on SIGTERM; stderr tail:\n" + tail(logs));
    }
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }

  private static RoutingStep step(dev.verifyd.v1.Channel channel) {
    return RoutingStep.newBuilder().setChannel(channel).build();
  }

  private static String kindName(WatchEventKind k) {
    return k.name().replace("WATCH_EVENT_KIND_", "");
  }

  /**
   * "CHANNEL_SENT[0]:TELEGRAM" and the like for a channel event (from its step_index and
   * channel), "SUCCESS" and the like for the others.
   */
  private static String label(WatchStatusResponse ev) {
    String kind = kindName(ev.getKind());
    if (!ev.hasStepIndex()) return kind;
    return kind + "[" + ev.getStepIndex() + "]:" + ev.getChannel().name().replace("CHANNEL_", "");
  }

  private static List<String> labels(List<WatchStatusResponse> events) {
    return events.stream().map(VerifydClientTest::label).collect(Collectors.toList());
  }

  /** Attempt statuses, e.g. "FAILED,IN_PROGRESS,NEW". */
  private static String historyOf(Verification v) {
    return v.getHistoryList().stream()
        .map(a -> a.getStatus().name().replace("DELIVERY_STATUS_", ""))
        .collect(Collectors.joining(","));
  }

  private static boolean notUpdated(WatchStatusResponse ev) {
    return ev.getKind() != WatchEventKind.WATCH_EVENT_KIND_CHANNEL_UPDATED;
  }

  private static String wrongCode(String code) {
    StringBuilder b = new StringBuilder();
    for (char c : code.toCharArray()) b.append((char) ('0' + (c - '0' + 1) % 10));
    return b.toString();
  }

  /** Reads every message of a stream on a pool thread into a queue; null marks its end. */
  private BlockingQueue<Object> drain(WatchStream stream) {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    pool.submit(
        () -> {
          try {
            for (WatchStatusResponse ev : stream) q.add(ev);
            q.add(Boolean.TRUE); // ended
          } catch (RuntimeException e) {
            q.add(e);
          }
        });
    return q;
  }

  /** The next message of a drained stream; fails on timeout, error, or end of stream. */
  private static WatchStatusResponse next(BlockingQueue<Object> q, Duration timeout, String what)
      throws InterruptedException {
    Object o = q.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (o == null) fail("timed out after " + timeout + " waiting for " + what);
    if (o instanceof RuntimeException) throw (RuntimeException) o;
    if (o instanceof Boolean) fail("the stream ended while waiting for " + what);
    return (WatchStatusResponse) o;
  }

  @Test
  @Order(1)
  void fallbackTelegramVoiceSmsWatchedToTheEnd() throws Exception {
    // A tenant-wide watch opened before the start sees the whole life of the verification.
    try (WatchStream tenantStream = client.watch("")) {
      BlockingQueue<Object> tenant = drain(tenantStream);
      WatchStatusResponse snapshot = next(tenant, Duration.ofSeconds(10), "the tenant-wide snapshot");
      assertEquals(WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT, snapshot.getKind());
      assertEquals("snapshot", snapshot.getEvent());
      assertFalse(snapshot.hasVerification(), "a tenant-wide snapshot has no single verification");

      Verification v =
          client.start(
              StartVerificationRequest.newBuilder()
                  .setPhone(FALLBACK_PHONE)
                  .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM))
                  .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_VOICE))
                  .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                  .build());
      assertEquals(36, v.getId().length());
      assertEquals("default", v.getTenantId());
      assertEquals(FALLBACK_PHONE, v.getPhone());
      assertEquals(VerificationState.VERIFICATION_STATE_PENDING, v.getState());
      assertEquals(3, v.getHistoryCount());
      fallbackId = v.getId();
      // StartVerification answers once the first step was handed to its channel: telegram
      // is in progress (waiting for its report) with the provider's id, the rest not reached...
      assertEquals(DeliveryStatus.DELIVERY_STATUS_IN_PROGRESS, v.getStatus());
      assertEquals("IN_PROGRESS,NEW,NEW", historyOf(v));
      assertFalse(v.getHistory(0).getExternalId().isEmpty(), v.getHistory(0).toString());
      assertTrue(v.getHistory(0).hasSentAt(), v.getHistory(0).toString());
      // ...and the sandbox outbox already holds that first message.
      List<SandboxMessage> sent = admin.sandboxMessages(v.getId());
      assertFalse(sent.isEmpty(), "the first message is in the outbox when start returns");
      assertEquals(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM, sent.get(0).getChannel());
      assertEquals(v.getHistory(0).getExternalId(), sent.get(0).getExternalId());

      // The per-verification watch, read on another thread until it ends.
      List<WatchStatusResponse> perId = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> delivered = new CompletableFuture<>();
      CompletableFuture<Void> perIdEnded =
          CompletableFuture.runAsync(
              () -> {
                try (WatchStream s = client.watch(v.getId())) {
                  for (WatchStatusResponse ev : s) {
                    perId.add(ev);
                    DeliveryStatus d = ev.getVerification().getStatus();
                    if (d == DeliveryStatus.DELIVERY_STATUS_SUCCESS
                        || d == DeliveryStatus.DELIVERY_STATUS_FAILED) {
                      delivered.complete(null);
                    }
                  }
                }
              },
              pool);

      // The tenant-wide stream, up to the end of delivery.
      List<WatchStatusResponse> tenantEvents = new ArrayList<>();
      collect(tenant, v.getId(), tenantEvents, WatchEventKind.WATCH_EVENT_KIND_SUCCESS);
      try {
        delivered.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        fail("the per-verification stream did not report delivery success; got "
            + labels(List.copyOf(perId)));
      }

      // The code, from the sandbox outbox: one message per attempted step, same code.
      List<SandboxMessage> messages = admin.sandboxMessages(v.getId());
      assertEquals(
          List.of(
              dev.verifyd.v1.Channel.CHANNEL_TELEGRAM,
              dev.verifyd.v1.Channel.CHANNEL_VOICE,
              dev.verifyd.v1.Channel.CHANNEL_SMS),
          messages.stream().map(SandboxMessage::getChannel).collect(Collectors.toList()));
      String code = messages.get(2).getCode();
      assertTrue(code.matches("\\d{6}"), "a 6-digit code: " + code);
      for (SandboxMessage m : messages) {
        assertEquals(v.getId(), m.getVerificationId());
        assertEquals("default", m.getTenantId());
        assertEquals(FALLBACK_PHONE, m.getRecipient());
        assertEquals(code, m.getCode());
      }

      CheckCodeResponse checked = client.check(v.getId(), code);
      assertEquals(CheckResult.CHECK_RESULT_VERIFIED, checked.getResult());
      assertEquals(VerificationState.VERIFICATION_STATE_VERIFIED, checked.getVerification().getState());

      // The per-verification stream yields VERIFIED and then ends by itself.
      try {
        perIdEnded.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        fail("the per-verification stream did not end after VERIFIED; got "
            + labels(List.copyOf(perId)));
      }
      collect(tenant, v.getId(), tenantEvents, WatchEventKind.WATCH_EVENT_KIND_VERIFIED);
      fallbackEvents =
          tenantEvents.stream().filter(VerifydClientTest::notUpdated).collect(Collectors.toList());

      for (WatchStatusResponse ev : concat(perId, tenantEvents)) {
        assertEquals(EVENT_NAMES.get(ev.getKind()), ev.getEvent(), "event name of " + ev.getKind());
        assertTrue(ev.hasEventTime(), "every event has an event_time");
      }

      // Tenant-wide: exactly the full life, in order.
      List<WatchStatusResponse> tenantDecisive =
          tenantEvents.stream().filter(VerifydClientTest::notUpdated).collect(Collectors.toList());
      assertEquals(FULL_FALLBACK, labels(tenantDecisive));

      // Per verification: SNAPSHOT first, then the rest of the life in order, VERIFIED last,
      // each event with the same record as on the tenant-wide stream.
      assertEquals(WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT, perId.get(0).getKind());
      assertEquals(v.getId(), perId.get(0).getVerification().getId());
      assertFalse(perId.get(0).hasStepIndex(), "a snapshot has no step_index");
      assertEquals(dev.verifyd.v1.Channel.CHANNEL_UNSPECIFIED, perId.get(0).getChannel());
      List<WatchStatusResponse> perIdEvents = List.copyOf(perId.subList(1, perId.size()));
      assertEquals(
          tenantEvents.subList(tenantEvents.size() - perIdEvents.size(), tenantEvents.size()),
          perIdEvents);
      assertEquals(
          1, perId.stream().filter(e -> e.getKind() == WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT).count());
      List<String> rest =
          labels(
              perId.subList(1, perId.size()).stream()
                  .filter(VerifydClientTest::notUpdated)
                  .collect(Collectors.toList()));
      assertFalse(rest.isEmpty(), "VERIFIED follows the snapshot");
      assertEquals("VERIFIED", rest.get(rest.size() - 1), "VERIFIED is the last message of the stream");
      assertEquals(
          FULL_FALLBACK.subList(FULL_FALLBACK.size() - rest.size(), FULL_FALLBACK.size()),
          rest,
          "per-verification events after the snapshot must be the tail of the fallback life");

      // Read back.
      Verification got = client.get(v.getId());
      assertEquals(v.getId(), got.getId());
      assertEquals(VerificationState.VERIFICATION_STATE_VERIFIED, got.getState());
      assertEquals(DeliveryStatus.DELIVERY_STATUS_SUCCESS, got.getStatus());
      assertEquals(dev.verifyd.v1.Channel.CHANNEL_SMS, got.getDeliveredChannel());
      assertEquals(
          List.of(
              DeliveryStatus.DELIVERY_STATUS_FAILED,
              DeliveryStatus.DELIVERY_STATUS_FAILED,
              DeliveryStatus.DELIVERY_STATUS_SUCCESS),
          got.getHistoryList().stream().map(ChannelAttempt::getStatus).collect(Collectors.toList()));
      assertEquals("EUR", got.getCurrency());
    }
  }

  @Test
  @Order(2) // after the fallback test, whose events it reads
  void eachWatchEventCarriesTheVerificationRightAfterItsTransition() {
    // WatchStatusResponse.verification: the record as stored right after this event's own
    // transition, even when one change moved several steps (telegram failed, voice started).
    // One row per event of the fallback test: the attempt statuses (telegram, voice, sms),
    // the verification's status, its delivered channel, whether its cost is set, its state.
    assertNotNull(fallbackEvents, "the fallback test captured its events");
    List<String> expected =
        List.of(
            "CHANNEL_SENT[0]:TELEGRAM IN_PROGRESS,NEW,NEW IN_PROGRESS UNSPECIFIED nocost PENDING",
            "CHANNEL_FAILED[0]:TELEGRAM FAILED,NEW,NEW IN_PROGRESS UNSPECIFIED nocost PENDING",
            "CHANNEL_SENT[1]:VOICE FAILED,IN_PROGRESS,NEW IN_PROGRESS UNSPECIFIED nocost PENDING",
            "CHANNEL_FAILED[1]:VOICE FAILED,FAILED,NEW IN_PROGRESS UNSPECIFIED nocost PENDING",
            "CHANNEL_SENT[2]:SMS FAILED,FAILED,IN_PROGRESS IN_PROGRESS UNSPECIFIED nocost PENDING",
            "CHANNEL_SUCCESS[2]:SMS FAILED,FAILED,SUCCESS IN_PROGRESS SMS nocost PENDING",
            "SUCCESS FAILED,FAILED,SUCCESS SUCCESS SMS cost PENDING",
            "VERIFIED FAILED,FAILED,SUCCESS SUCCESS SMS cost VERIFIED");
    List<String> actual =
        fallbackEvents.stream()
            .map(
                ev -> {
                  Verification r = ev.getVerification();
                  return String.join(
                      " ",
                      label(ev),
                      historyOf(r),
                      r.getStatus().name().replace("DELIVERY_STATUS_", ""),
                      r.getDeliveredChannel().name().replace("CHANNEL_", ""),
                      r.hasCost() ? "cost" : "nocost",
                      r.getState().name().replace("VERIFICATION_STATE_", ""));
                })
            .collect(Collectors.toList());
    assertEquals(expected, actual);
    // A channel event's step: attemptOf() is that step's attempt, on the event's channel.
    for (WatchStatusResponse ev : fallbackEvents) {
      var attempt = WatchStream.attemptOf(ev);
      if (!ev.hasStepIndex()) {
        assertTrue(attempt.isEmpty(), label(ev));
        assertEquals(dev.verifyd.v1.Channel.CHANNEL_UNSPECIFIED, ev.getChannel(), label(ev));
        continue;
      }
      ChannelAttempt a = attempt.orElseThrow(() -> new AssertionError(label(ev)));
      assertEquals(ev.getChannel(), a.getChannel(), label(ev));
      assertEquals(
          ev.getChannel(),
          ev.getVerification().getRoutingStrategy(ev.getStepIndex()).getChannel(),
          label(ev));
      assertFalse(a.getExternalId().isEmpty(), label(ev) + ": " + a);
      assertTrue(a.hasSentAt(), label(ev) + ": " + a);
      if (ev.getKind() == WatchEventKind.WATCH_EVENT_KIND_CHANNEL_FAILED) {
        assertFalse(a.getErrorReason().isEmpty(), label(ev) + ": " + a);
      }
    }
  }

  @Test
  @Order(3) // after the fallback test, whose verification it reads
  void sandboxOutcomesOfTheFallbackUseTheDocumentedWords() {
    // SandboxMessage.outcome (admin.proto): telegram and voice "failed" (not delivered, not
    // answered); an SMS the provider accepts is "accepted".
    assertNotNull(fallbackId, "the fallback test started its verification");
    List<SandboxMessage> messages = admin.sandboxMessages(fallbackId);
    assertEquals(
        List.of("CHANNEL_TELEGRAM failed", "CHANNEL_VOICE failed", "CHANNEL_SMS accepted"),
        messages.stream()
            .map(m -> m.getChannel().name() + " " + m.getOutcome())
            .collect(Collectors.toList()));
    for (SandboxMessage m : messages) assertTrue(OUTCOMES.contains(m.getOutcome()), m.getOutcome());
  }

  @Test
  void startAnswersWithTheFirstStepsRealStatus() {
    // An SMS is delivered once the provider accepts it: already SUCCESS in the response,
    // and already in the outbox.
    Verification v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone(OK_PHONE)
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .build());
    assertEquals(DeliveryStatus.DELIVERY_STATUS_SUCCESS, v.getStatus());
    assertEquals(dev.verifyd.v1.Channel.CHANNEL_SMS, v.getDeliveredChannel());
    assertEquals("SUCCESS", historyOf(v));
    assertFalse(v.getHistory(0).getExternalId().isEmpty());
    assertEquals(8, v.getCost());
    assertEquals(
        List.of("CHANNEL_SMS accepted " + v.getHistory(0).getExternalId()),
        admin.sandboxMessages(v.getId()).stream()
            .map(m -> m.getChannel().name() + " " + m.getOutcome() + " " + m.getExternalId())
            .collect(Collectors.toList()));

    // A first channel whose provider cannot be reached: that step's ERROR (refused: no
    // external id).
    v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone("+33199004000")
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM))
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .build());
    assertEquals(DeliveryStatus.DELIVERY_STATUS_ERROR, v.getHistory(0).getStatus());
    assertFalse(v.getHistory(0).getErrorReason().isEmpty());
    assertTrue(v.getHistory(0).getExternalId().isEmpty());
    assertTrue(v.getStatus() != DeliveryStatus.DELIVERY_STATUS_NEW, v.toString());
    List<SandboxMessage> messages = admin.sandboxMessages(v.getId());
    assertFalse(messages.isEmpty());
    assertEquals(
        "CHANNEL_TELEGRAM provider error",
        messages.get(0).getChannel().name() + " " + messages.get(0).getOutcome());

    // A blocked number: the first step fails and so does the verification, no fallback.
    v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone("+33199003000")
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM))
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .build());
    assertEquals("FAILED,NEW", historyOf(v));
    assertEquals(DeliveryStatus.DELIVERY_STATUS_FAILED, v.getStatus());
    assertEquals(
        List.of("CHANNEL_TELEGRAM blocked"),
        admin.sandboxMessages(v.getId()).stream()
            .map(m -> m.getChannel().name() + " " + m.getOutcome())
            .collect(Collectors.toList()));
  }

  private static List<WatchStatusResponse> concat(List<WatchStatusResponse> a, List<WatchStatusResponse> b) {
    List<WatchStatusResponse> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Appends the events of verification `id` from a tenant-wide stream up to `until` (or FAILED). */
  private static void collect(
      BlockingQueue<Object> tenant, String id, List<WatchStatusResponse> out, WatchEventKind until)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      WatchStatusResponse ev =
          next(tenant, left, until + " on the tenant-wide stream; got " + labels(out));
      if (ev.getKind() == WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT) {
        fail("unexpected tenant-wide snapshot (resync=" + ev.getResync() + ")");
      }
      if (!ev.getVerification().getId().equals(id)) continue;
      out.add(ev);
      if (ev.getKind() == until || ev.getKind() == WatchEventKind.WATCH_EVENT_KIND_FAILED) return;
    }
  }

  @Test
  void unspecifiedChannelIsInvalidChannelWithFieldPath() {
    VerifydException e =
        assertThrows(
            VerifydException.class,
            () ->
                client.start(
                    StartVerificationRequest.newBuilder()
                        .setPhone(OK_PHONE)
                        .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM))
                        .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_UNSPECIFIED))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
    assertEquals("verifyd", e.domain());
    assertEquals("INVALID_CHANNEL", e.reason());
    assertTrue(
        e.violation("routing_strategy[1].channel").isPresent(),
        "BadRequest should name routing_strategy[1].channel; got " + fields(e));
  }

  @Test
  void outOfRangeTimeoutIsValidationFailedWithFieldPath() {
    VerifydException e =
        assertThrows(
            VerifydException.class,
            () ->
                client.start(
                    StartVerificationRequest.newBuilder()
                        .setPhone(OK_PHONE)
                        .addRoutingStrategy(
                            RoutingStep.newBuilder()
                                .setChannel(dev.verifyd.v1.Channel.CHANNEL_TELEGRAM)
                                .setTimeoutSec(5))
                        .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
    assertEquals("verifyd", e.domain());
    assertEquals("VALIDATION_FAILED", e.reason());
    BadRequest.FieldViolation v =
        e.violation("routing_strategy[0].timeout_sec")
            .orElseThrow(() -> new AssertionError("BadRequest should name routing_strategy[0].timeout_sec; got " + fields(e)));
    assertFalse(v.getDescription().isEmpty());
  }

  private static List<String> fields(VerifydException e) {
    return e.fieldViolations().stream().map(BadRequest.FieldViolation::getField).collect(Collectors.toList());
  }

  @Test
  void wrongCodeIsIncorrectAndUsesOneAttempt() {
    Verification v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone(OK_PHONE)
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .setMaxAttempts(3)
                .build());
    assertEquals(3, v.getAttemptsRemaining());
    String code = admin.waitForCode(v.getId(), dev.verifyd.v1.Channel.CHANNEL_SMS, Duration.ofSeconds(10));

    CheckCodeResponse first = client.check(v.getId(), wrongCode(code));
    assertEquals(CheckResult.CHECK_RESULT_INCORRECT, first.getResult());
    assertEquals(2, first.getVerification().getAttemptsRemaining());
    assertEquals(VerificationState.VERIFICATION_STATE_PENDING, first.getVerification().getState());

    CheckCodeResponse second = client.check(v.getId(), wrongCode(wrongCode(code)));
    assertEquals(CheckResult.CHECK_RESULT_INCORRECT, second.getResult());
    assertEquals(1, second.getVerification().getAttemptsRemaining());
    assertEquals(1, client.get(v.getId()).getAttemptsRemaining());

    CheckCodeResponse right = client.check(v.getId(), code);
    assertEquals(CheckResult.CHECK_RESULT_VERIFIED, right.getResult());
    assertEquals(VerificationState.VERIFICATION_STATE_VERIFIED, right.getVerification().getState());
    assertEquals(CheckResult.CHECK_RESULT_NOT_PENDING, client.check(v.getId(), code).getResult());
  }

  @Test
  void lastWrongTryIsIncorrectAndReachesMaxAttempts() {
    Verification v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone(OK_PHONE)
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .setCode("4821")
                .setCodeLength(4)
                .setMaxAttempts(1)
                .build());
    CheckCodeResponse last = client.check(v.getId(), "1111");
    assertEquals(CheckResult.CHECK_RESULT_INCORRECT, last.getResult());
    assertEquals(0, last.getVerification().getAttemptsRemaining());
    assertEquals(VerificationState.VERIFICATION_STATE_MAX_ATTEMPTS_REACHED, last.getVerification().getState());
    assertEquals(CheckResult.CHECK_RESULT_MAX_ATTEMPTS_REACHED, client.check(v.getId(), "4821").getResult());
  }

  @Test
  void cancelThenCheckIsNotPending() {
    Verification v =
        client.start(
            StartVerificationRequest.newBuilder()
                .setPhone(OK_PHONE)
                .addRoutingStrategy(step(dev.verifyd.v1.Channel.CHANNEL_SMS))
                .setCode("908172")
                .build());
    Verification canceled = client.cancel(v.getId());
    assertEquals(v.getId(), canceled.getId());
    assertEquals(VerificationState.VERIFICATION_STATE_CANCELED, canceled.getState());
    assertEquals(VerificationState.VERIFICATION_STATE_CANCELED, client.get(v.getId()).getState());

    CheckCodeResponse checked = client.check(v.getId(), "908172");
    assertEquals(CheckResult.CHECK_RESULT_NOT_PENDING, checked.getResult());
    assertEquals(VerificationState.VERIFICATION_STATE_CANCELED, checked.getVerification().getState());

    VerifydException e = assertThrows(VerifydException.class, () -> client.cancel(v.getId()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.code(), e.getMessage());
    assertEquals("verifyd", e.domain());
    assertNotNull(e.reason(), "every error carries an ErrorInfo reason");
  }

  @Test
  void unknownVerificationIsNotFound() {
    VerifydException e =
        assertThrows(VerifydException.class, () -> client.get(UUID.randomUUID().toString()));
    assertEquals(Status.Code.NOT_FOUND, e.code(), e.getMessage());
    assertEquals("NOT_FOUND", e.reason());
    assertEquals("verifyd", e.domain());
  }

  @Test
  void wrongApiKeyIsUnauthenticated() {
    try (VerifydClient bad = new VerifydClient(server.address, "not-the-right-key-0000", "default")) {
      VerifydException e =
          assertThrows(VerifydException.class, () -> bad.get(UUID.randomUUID().toString()));
      assertEquals(Status.Code.UNAUTHENTICATED, e.code(), e.getMessage());
      assertEquals("UNAUTHENTICATED", e.reason());
    }
  }

  @Test
  void readmeExampleRuns() throws Exception {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(buf, true, "UTF-8"));
    try {
      ReadmeExample.run(server.address, server.apiKey, server.adminToken);
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString("UTF-8");
    assertTrue(out.contains("CHECK_RESULT_VERIFIED"), out);
    assertTrue(out.contains("verify_code.verified"), out);
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: moving the clock must not disturb the other tests
  void advanceClockMovesTheManualClock() {
    Instant a = admin.advanceClock(1);
    Instant b = admin.advanceClock(60);
    assertEquals(Duration.ofSeconds(60), Duration.between(a, b));
  }
}
