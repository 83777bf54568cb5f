// Integration tests of the TypeScript client against a real verifyd server process
// (VERIFYD_BIN, default ../../target/debug/verifyd), started with --clock manual.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { status as GrpcStatus } from "@grpc/grpc-js";
import {
  Channel,
  CheckResult,
  DeliveryStatus,
  VerificationState,
  VerifydAdmin,
  VerifydClient,
  VerifydError,
  WatchEventKind,
  eventAttempt,
  type Verification,
  type WatchStatusResponse,
} from "../src/index.js";
import { PACKAGE_ROOT, startServer, type RunningServer } from "./server.js";

const EVENT_NAMES: Record<WatchEventKind, string> = {
  [WatchEventKind.WATCH_EVENT_KIND_UNSPECIFIED]: "",
  [WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT]: "snapshot",
  [WatchEventKind.WATCH_EVENT_KIND_SUCCESS]: "verify_code.success",
  [WatchEventKind.WATCH_EVENT_KIND_FAILED]: "verify_code.failed",
  [WatchEventKind.WATCH_EVENT_KIND_CHANNEL_SENT]: "verify_code.channel.sent",
  [WatchEventKind.WATCH_EVENT_KIND_CHANNEL_SUCCESS]: "verify_code.channel.success",
  [WatchEventKind.WATCH_EVENT_KIND_CHANNEL_FAILED]: "verify_code.channel.failed",
  [WatchEventKind.WATCH_EVENT_KIND_CHANNEL_UPDATED]: "verify_code.channel.updated",
  [WatchEventKind.WATCH_EVENT_KIND_VERIFIED]: "verify_code.verified",
  [WatchEventKind.WATCH_EVENT_KIND_EXPIRED]: "verify_code.expired",
  [WatchEventKind.WATCH_EVENT_KIND_MAX_ATTEMPTS_REACHED]: "verify_code.max_attempts_reached",
  [WatchEventKind.WATCH_EVENT_KIND_CANCELED]: "verify_code.canceled",
  [WatchEventKind.WATCH_EVENT_KIND_BLOCKED]: "verification.blocked",
  [WatchEventKind.UNRECOGNIZED]: "",
};

/** The whole life of a telegram -> voice -> sms fallback on +33199001110, code checked at the end. */
const FULL_FALLBACK = [
  "CHANNEL_SENT[0]:TELEGRAM",
  "CHANNEL_FAILED[0]:TELEGRAM",
  "CHANNEL_SENT[1]:VOICE",
  "CHANNEL_FAILED[1]:VOICE",
  "CHANNEL_SENT[2]:SMS",
  "CHANNEL_SUCCESS[2]:SMS",
  "SUCCESS",
  "VERIFIED",
];

/** The documented SandboxMessage.outcome words (admin.proto). */
const OUTCOMES = ["delivered", "accepted", "failed", "rejected", "no report", "blocked", "provider error"];

const kindName = (k: WatchEventKind) => WatchEventKind[k].replace("WATCH_EVENT_KIND_", "");
const channelName = (c: Channel) => Channel[c].replace("CHANNEL_", "");

/**
 * A label such as "CHANNEL_SENT[0]:TELEGRAM" for a channel event (from its step_index and
 * channel), or "SUCCESS" for the others.
 */
function label(ev: WatchStatusResponse): string {
  const kind = kindName(ev.kind);
  if (ev.stepIndex === undefined) return kind;
  return `${kind}[${ev.stepIndex}]:${channelName(ev.channel)}`;
}

const labels = (events: WatchStatusResponse[]): string[] => events.map(label);

/** Attempt statuses, e.g. "FAILED,IN_PROGRESS,NEW". */
const historyOf = (v: Verification | undefined): string =>
  (v?.history ?? []).map((a) => DeliveryStatus[a.status].replace("DELIVERY_STATUS_", "")).join(",");

function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms waiting for ${typeof what === "string" ? what : what()}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function expectError(p: Promise<unknown>): Promise<VerifydError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof VerifydError, `expected a VerifydError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

function wrongCode(code: string): string {
  return code
    .split("")
    .map((d) => String((Number(d) + 1) % 10))
    .join("");
}

describe("verifyd TypeScript client against a real server", () => {
  let server: RunningServer;
  let client: VerifydClient;
  let admin: VerifydAdmin;
  /** The tenant-wide events of the fallback test's verification (CHANNEL_UPDATED left out). */
  let fallbackEvents: WatchStatusResponse[] | undefined;
  /** The id of the fallback test's verification. */
  let fallbackId: string | undefined;

  before(async () => {
    server = await startServer();
    client = new VerifydClient(server.address, server.apiKey, "default");
    admin = new VerifydAdmin(server.address, server.adminToken);
  });

  after(async () => {
    client?.close();
    admin?.close();
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `verifyd should exit 0 on SIGTERM; stderr tail:\n${server.logs().slice(-4000)}`);
    }
  });

  it("telegram -> voice -> sms fallback, watched to the end, code from the sandbox, checked and read back", { timeout: 60_000 }, async () => {
    // A tenant-wide watch opened before the start sees the whole life of the verification.
    const tenantWatch = client.watch("");
    const first = await withTimeout(tenantWatch.next(), 10_000, "tenant-wide snapshot");
    assert.equal(first.done, false);
    assert.equal(first.value!.kind, WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT);
    assert.equal(first.value!.event, "snapshot");
    assert.equal(first.value!.verification, undefined, "a tenant-wide snapshot has no single verification");

    const v = await client.start({
      phone: "+33199001110",
      routingStrategy: [
        { channel: Channel.CHANNEL_TELEGRAM },
        { channel: Channel.CHANNEL_VOICE },
        { channel: Channel.CHANNEL_SMS },
      ],
    });
    assert.match(v.id, /^[0-9a-f-]{36}$/i);
    assert.equal(v.tenantId, "default");
    assert.equal(v.phone, "+33199001110");
    assert.equal(v.state, VerificationState.VERIFICATION_STATE_PENDING);
    assert.deepEqual(v.routingStrategy.map((s) => s.channel), [Channel.CHANNEL_TELEGRAM, Channel.CHANNEL_VOICE, Channel.CHANNEL_SMS]);
    assert.equal(v.history.length, 3);
    fallbackId = v.id;
    // StartVerification answers once the first step was handed to its channel: telegram is
    // in progress (waiting for its report) with the provider's id, the rest not reached...
    assert.equal(v.status, DeliveryStatus.DELIVERY_STATUS_IN_PROGRESS);
    assert.equal(historyOf(v), "IN_PROGRESS,NEW,NEW");
    assert.ok(v.history[0]!.externalId && v.history[0]!.sentAt instanceof Date, JSON.stringify(v.history[0]));
    // ...and the sandbox outbox already holds that first message.
    const sent = await admin.listSandboxMessages({ verificationId: v.id });
    assert.equal(sent[0]?.channel, Channel.CHANNEL_TELEGRAM);
    assert.equal(sent[0]?.externalId, v.history[0]!.externalId);

    // The per-verification watch, consumed in the background until it ends.
    const perId: WatchStatusResponse[] = [];
    let deliveryDone!: () => void;
    const delivered = new Promise<void>((r) => (deliveryDone = r));
    const perIdDone = (async () => {
      for await (const ev of client.watch(v.id)) {
        perId.push(ev);
        const d = ev.verification?.status;
        if (d === DeliveryStatus.DELIVERY_STATUS_SUCCESS || d === DeliveryStatus.DELIVERY_STATUS_FAILED) deliveryDone();
      }
    })();

    // The tenant-wide stream, up to the end of delivery.
    const tenantEvents: WatchStatusResponse[] = [];
    const collectTenant = async (until: WatchEventKind) => {
      for (;;) {
        const r = await tenantWatch.next();
        assert.equal(r.done, false, "a tenant-wide watch never ends on its own");
        const ev = r.value!;
        if (ev.kind === WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT) assert.fail(`unexpected tenant snapshot (resync=${ev.resync})`);
        if (ev.verification?.id !== v.id) continue;
        tenantEvents.push(ev);
        if (ev.kind === until || ev.kind === WatchEventKind.WATCH_EVENT_KIND_FAILED) return;
      }
    };
    await withTimeout(collectTenant(WatchEventKind.WATCH_EVENT_KIND_SUCCESS), 30_000,
      () => "delivery to finish (tenant-wide stream); got " + JSON.stringify(labels(tenantEvents)));
    await withTimeout(delivered, 10_000, "the per-verification stream to report delivery success");

    // The code, from the sandbox outbox: one message per attempted step, same code.
    const messages = await admin.listSandboxMessages({ verificationId: v.id });
    assert.deepEqual(messages.map((m) => m.channel), [Channel.CHANNEL_TELEGRAM, Channel.CHANNEL_VOICE, Channel.CHANNEL_SMS]);
    for (const m of messages) {
      assert.equal(m.verificationId, v.id);
      assert.equal(m.tenantId, "default");
      assert.equal(m.recipient, "+33199001110");
      assert.match(m.code, /^\d{6}$/);
      assert.equal(m.code, messages[2]!.code);
    }
    const code = messages[2]!.code;

    const checked = await client.check(v.id, code);
    assert.equal(checked.result, CheckResult.CHECK_RESULT_VERIFIED);
    assert.equal(checked.verification?.state, VerificationState.VERIFICATION_STATE_VERIFIED);

    // The per-verification stream yields VERIFIED and then ends by itself.
    await withTimeout(perIdDone, 10_000, () => "the per-verification stream to end after VERIFIED; got " + JSON.stringify(labels(perId)));
    await withTimeout(collectTenant(WatchEventKind.WATCH_EVENT_KIND_VERIFIED), 10_000, "VERIFIED on the tenant-wide stream");
    await tenantWatch.return(undefined);
    fallbackEvents = tenantEvents.filter((ev) => ev.kind !== WatchEventKind.WATCH_EVENT_KIND_CHANNEL_UPDATED);

    for (const ev of [...perId, ...tenantEvents]) {
      assert.equal(ev.event, EVENT_NAMES[ev.kind], `event name of ${WatchEventKind[ev.kind]}`);
      assert.ok(ev.eventTime instanceof Date, "every event has an event_time");
    }
    const notUpdated = (ev: WatchStatusResponse) => ev.kind !== WatchEventKind.WATCH_EVENT_KIND_CHANNEL_UPDATED;

    // Tenant-wide: exactly the full life, in order.
    assert.deepEqual(labels(tenantEvents.filter(notUpdated)), FULL_FALLBACK);

    // Per verification: SNAPSHOT first, then the rest of the life in order, VERIFIED last,
    // each event with the same record as on the tenant-wide stream.
    assert.equal(perId[0]?.kind, WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT, "the first message is a snapshot");
    assert.equal(perId[0]?.verification?.id, v.id);
    assert.equal(perId[0]?.stepIndex, undefined, "a snapshot has no step_index");
    assert.equal(perId[0]?.channel, Channel.CHANNEL_UNSPECIFIED);
    const perIdEvents = perId.slice(1);
    assert.deepEqual(perIdEvents, tenantEvents.slice(tenantEvents.length - perIdEvents.length));
    assert.equal(perId.filter((e) => e.kind === WatchEventKind.WATCH_EVENT_KIND_SNAPSHOT).length, 1);
    const rest = labels(perId.slice(1).filter(notUpdated));
    assert.deepEqual(rest, FULL_FALLBACK.slice(FULL_FALLBACK.length - rest.length),
      `per-verification events after the snapshot must be the tail of the fallback life`);
    assert.equal(rest.at(-1), "VERIFIED", "VERIFIED is the last message of the stream");

    // Read back.
    const got = await client.get(v.id);
    assert.equal(got.id, v.id);
    assert.equal(got.state, VerificationState.VERIFICATION_STATE_VERIFIED);
    assert.equal(got.status, DeliveryStatus.DELIVERY_STATUS_SUCCESS);
    assert.equal(got.deliveredChannel, Channel.CHANNEL_SMS);
    assert.deepEqual(got.history.map((a) => [a.channel, a.status]), [
      [Channel.CHANNEL_TELEGRAM, DeliveryStatus.DELIVERY_STATUS_FAILED],
      [Channel.CHANNEL_VOICE, DeliveryStatus.DELIVERY_STATUS_FAILED],
      [Channel.CHANNEL_SMS, DeliveryStatus.DELIVERY_STATUS_SUCCESS],
    ]);
    assert.equal(got.currency, "EUR");
  });

  it("each watch event carries the verification as it was right after that event's transition", () => {
    // WatchStatusResponse.verification: the record as stored right after this event's own
    // transition, even when one change moved several steps (telegram failed, voice started).
    // One row per event of the fallback test: the attempt statuses (telegram, voice, sms),
    // the verification's status, its delivered channel, whether its cost is set, its state.
    assert.ok(fallbackEvents, "the fallback test captured its events");
    const expected = [
      ["CHANNEL_SENT[0]:TELEGRAM", "IN_PROGRESS,NEW,NEW", "IN_PROGRESS", "UNSPECIFIED", false, "PENDING"],
      ["CHANNEL_FAILED[0]:TELEGRAM", "FAILED,NEW,NEW", "IN_PROGRESS", "UNSPECIFIED", false, "PENDING"],
      ["CHANNEL_SENT[1]:VOICE", "FAILED,IN_PROGRESS,NEW", "IN_PROGRESS", "UNSPECIFIED", false, "PENDING"],
      ["CHANNEL_FAILED[1]:VOICE", "FAILED,FAILED,NEW", "IN_PROGRESS", "UNSPECIFIED", false, "PENDING"],
      ["CHANNEL_SENT[2]:SMS", "FAILED,FAILED,IN_PROGRESS", "IN_PROGRESS", "UNSPECIFIED", false, "PENDING"],
      ["CHANNEL_SUCCESS[2]:SMS", "FAILED,FAILED,SUCCESS", "IN_PROGRESS", "SMS", false, "PENDING"],
      ["SUCCESS", "FAILED,FAILED,SUCCESS", "SUCCESS", "SMS", true, "PENDING"],
      ["VERIFIED", "FAILED,FAILED,SUCCESS", "SUCCESS", "SMS", true, "VERIFIED"],
    ];
    const actual = fallbackEvents.map((ev) => [
      label(ev),
      historyOf(ev.verification),
      DeliveryStatus[ev.verification!.status].replace("DELIVERY_STATUS_", ""),
      channelName(ev.verification!.deliveredChannel),
      ev.verification!.cost !== undefined,
      VerificationState[ev.verification!.state].replace("VERIFICATION_STATE_", ""),
    ]);
    assert.deepEqual(actual, expected);
    // A channel event's step: eventAttempt() is that step's attempt, on the event's channel.
    for (const ev of fallbackEvents) {
      const attempt = eventAttempt(ev);
      if (ev.stepIndex === undefined) {
        assert.equal(attempt, undefined);
        assert.equal(ev.channel, Channel.CHANNEL_UNSPECIFIED, `${label(ev)} has no channel`);
        continue;
      }
      assert.ok(attempt, label(ev));
      assert.equal(attempt.channel, ev.channel, label(ev));
      assert.equal(ev.verification!.routingStrategy[ev.stepIndex]?.channel, ev.channel, label(ev));
      assert.ok(attempt.externalId && attempt.sentAt instanceof Date, `${label(ev)}: ${JSON.stringify(attempt)}`);
      if (ev.kind === WatchEventKind.WATCH_EVENT_KIND_CHANNEL_FAILED) assert.ok(attempt.errorReason, label(ev));
    }
  });

  it("the sandbox outcomes of the fallback use the documented words", async () => {
    // SandboxMessage.outcome (admin.proto): telegram and voice "failed" (not delivered, not
    // answered); an SMS the provider accepts is "accepted".
    assert.ok(fallbackId, "the fallback test started its verification");
    const messages = await admin.listSandboxMessages({ verificationId: fallbackId });
    assert.deepEqual(
      messages.map((m) => [Channel[m.channel], m.outcome]),
      [["CHANNEL_TELEGRAM", "failed"], ["CHANNEL_VOICE", "failed"], ["CHANNEL_SMS", "accepted"]],
    );
    for (const m of messages) assert.ok(OUTCOMES.includes(m.outcome), m.outcome);
  });

  it("StartVerification answers with the first step's real status, its message already in the outbox", async () => {
    // An SMS is delivered once the provider accepts it: already SUCCESS in the response.
    let v = await client.start({ phone: "+33199000000", routingStrategy: [{ channel: Channel.CHANNEL_SMS }] });
    assert.equal(v.status, DeliveryStatus.DELIVERY_STATUS_SUCCESS);
    assert.equal(v.deliveredChannel, Channel.CHANNEL_SMS);
    assert.equal(historyOf(v), "SUCCESS");
    assert.ok(v.history[0]!.externalId);
    assert.equal(v.cost, 8);
    let messages = await admin.listSandboxMessages({ verificationId: v.id }); // no waiting
    assert.deepEqual(messages.map((m) => [m.channel, m.outcome, m.externalId]),
      [[Channel.CHANNEL_SMS, "accepted", v.history[0]!.externalId]]);

    // A first channel whose provider cannot be reached: that step's ERROR (refused: no external id).
    v = await client.start({ phone: "+33199004000", routingStrategy: [{ channel: Channel.CHANNEL_TELEGRAM }, { channel: Channel.CHANNEL_SMS }] });
    assert.equal(v.history[0]!.status, DeliveryStatus.DELIVERY_STATUS_ERROR);
    assert.ok(v.history[0]!.errorReason);
    assert.equal(v.history[0]!.externalId, "");
    assert.notEqual(v.status, DeliveryStatus.DELIVERY_STATUS_NEW);
    messages = await admin.listSandboxMessages({ verificationId: v.id });
    assert.deepEqual([messages[0]?.channel, messages[0]?.outcome], [Channel.CHANNEL_TELEGRAM, "provider error"]);

    // A blocked number: the first step fails and so does the verification, no fallback.
    v = await client.start({ phone: "+33199003000", routingStrategy: [{ channel: Channel.CHANNEL_TELEGRAM }, { channel: Channel.CHANNEL_SMS }] });
    assert.equal(historyOf(v), "FAILED,NEW");
    assert.equal(v.status, DeliveryStatus.DELIVERY_STATUS_FAILED);
    messages = await admin.listSandboxMessages({ verificationId: v.id });
    assert.deepEqual(messages.map((m) => [m.channel, m.outcome]), [[Channel.CHANNEL_TELEGRAM, "blocked"]]);
  });

  it("an unspecified channel is INVALID_ARGUMENT with reason INVALID_CHANNEL and the field path", async () => {
    const err = await expectError(
      client.start({
        phone: "+33199000000",
        routingStrategy: [{ channel: Channel.CHANNEL_TELEGRAM }, { channel: Channel.CHANNEL_UNSPECIFIED }],
      }),
    );
    assert.equal(err.code, GrpcStatus.INVALID_ARGUMENT, err.message);
    assert.equal(err.domain, "verifyd");
    assert.equal(err.reason, "INVALID_CHANNEL");
    assert.ok(err.violation("routing_strategy[1].channel"),
      `BadRequest should name routing_strategy[1].channel; got ${JSON.stringify(err.fieldViolations)}`);
  });

  it("an out-of-range timeout_sec is INVALID_ARGUMENT with reason VALIDATION_FAILED and the field path", async () => {
    const err = await expectError(
      client.start({
        phone: "+33199000000",
        routingStrategy: [{ channel: Channel.CHANNEL_TELEGRAM, timeoutSec: 5 }, { channel: Channel.CHANNEL_SMS }],
      }),
    );
    assert.equal(err.code, GrpcStatus.INVALID_ARGUMENT, err.message);
    assert.equal(err.domain, "verifyd");
    assert.equal(err.reason, "VALIDATION_FAILED");
    const v = err.violation("routing_strategy[0].timeout_sec");
    assert.ok(v, `BadRequest should name routing_strategy[0].timeout_sec; got ${JSON.stringify(err.fieldViolations)}`);
    assert.ok(v.description.length > 0);
  });

  it("a wrong code is INCORRECT and uses one attempt; the right one still verifies", async () => {
    const v = await client.start({
      phone: "+33199000000",
      routingStrategy: [{ channel: Channel.CHANNEL_SMS }],
      maxAttempts: 3,
    });
    assert.equal(v.attemptsRemaining, 3);
    const code = await admin.waitForCode(v.id, Channel.CHANNEL_SMS);

    const first = await client.check(v.id, wrongCode(code));
    assert.equal(first.result, CheckResult.CHECK_RESULT_INCORRECT);
    assert.equal(first.verification?.attemptsRemaining, 2);
    assert.equal(first.verification?.state, VerificationState.VERIFICATION_STATE_PENDING);

    const second = await client.check(v.id, wrongCode(wrongCode(code)));
    assert.equal(second.result, CheckResult.CHECK_RESULT_INCORRECT);
    assert.equal(second.verification?.attemptsRemaining, 1);

    assert.equal((await client.get(v.id)).attemptsRemaining, 1);
    const right = await client.check(v.id, code);
    assert.equal(right.result, CheckResult.CHECK_RESULT_VERIFIED);
    assert.equal(right.verification?.state, VerificationState.VERIFICATION_STATE_VERIFIED);

    const again = await client.check(v.id, code);
    assert.equal(again.result, CheckResult.CHECK_RESULT_NOT_PENDING, "a verified code cannot be used again");
  });

  it("the wrong try that uses the last attempt is INCORRECT and moves the state to MAX_ATTEMPTS_REACHED", async () => {
    const v = await client.start({ phone: "+33199000000", routingStrategy: [{ channel: Channel.CHANNEL_SMS }], code: "4821", codeLength: 4, maxAttempts: 1 });
    assert.equal(v.codeLength, 4);
    const last = await client.check(v.id, "1111");
    assert.equal(last.result, CheckResult.CHECK_RESULT_INCORRECT);
    assert.equal(last.verification?.attemptsRemaining, 0);
    assert.equal(last.verification?.state, VerificationState.VERIFICATION_STATE_MAX_ATTEMPTS_REACHED);
    const after = await client.check(v.id, "4821");
    assert.equal(after.result, CheckResult.CHECK_RESULT_MAX_ATTEMPTS_REACHED);
  });

  it("cancel moves the verification to CANCELED; then check is NOT_PENDING and a second cancel FAILED_PRECONDITION", async () => {
    const v = await client.start({ phone: "+33199000000", routingStrategy: [{ channel: Channel.CHANNEL_SMS }], code: "908172" });
    const canceled = await client.cancel(v.id);
    assert.equal(canceled.id, v.id);
    assert.equal(canceled.state, VerificationState.VERIFICATION_STATE_CANCELED);
    assert.equal((await client.get(v.id)).state, VerificationState.VERIFICATION_STATE_CANCELED);

    const checked = await client.check(v.id, "908172");
    assert.equal(checked.result, CheckResult.CHECK_RESULT_NOT_PENDING);
    assert.equal(checked.verification?.state, VerificationState.VERIFICATION_STATE_CANCELED);

    const err = await expectError(client.cancel(v.id));
    assert.equal(err.code, GrpcStatus.FAILED_PRECONDITION, err.message);
    assert.equal(err.domain, "verifyd");
    assert.ok(err.reason, "every error carries an ErrorInfo reason");
  });

  it("an unknown verification is NOT_FOUND with reason NOT_FOUND", async () => {
    const err = await expectError(client.get(randomUUID()));
    assert.equal(err.code, GrpcStatus.NOT_FOUND, err.message);
    assert.equal(err.reason, "NOT_FOUND");
    assert.equal(err.domain, "verifyd");
  });

  it("a wrong API key is UNAUTHENTICATED with reason UNAUTHENTICATED", async () => {
    const bad = new VerifydClient(server.address, "not-the-right-key-0000", "default");
    try {
      const err = await expectError(bad.get(randomUUID()));
      assert.equal(err.code, GrpcStatus.UNAUTHENTICATED, err.message);
      assert.equal(err.reason, "UNAUTHENTICATED");
    } finally {
      bad.close();
    }
  });

  it("AdvanceClock moves the manual clock forward", async () => {
    const a = await admin.advanceClock(1);
    const b = await admin.advanceClock(60);
    assert.equal(b.getTime() - a.getTime(), 60_000);
  });

  it("the README example runs as written", { timeout: 60_000 }, async () => {
    const readme = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");
    const m = /```js\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, "README.md has a ```js example");
    const dir = join(PACKAGE_ROOT, "dist", "readme");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "example.mjs");
    writeFileSync(file, m[1]!);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, VERIFYD_ADDR: server.address, VERIFYD_API_KEY: server.apiKey, VERIFYD_ADMIN_TOKEN: server.adminToken },
      timeout: 50_000,
    });
    assert.match(stdout, /CHECK_RESULT_VERIFIED/);
    assert.match(stdout, /verify_code\.verified/);
  });
});
