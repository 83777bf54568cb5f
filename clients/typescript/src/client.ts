import {
  credentials as grpcCredentials,
  Metadata,
  status as GrpcStatus,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceError,
} from "@grpc/grpc-js";
import { VerifydError } from "./errors.js";
import {
  AdminServiceClient,
  type SandboxMessage,
} from "./gen/verifyd/v1/admin.js";
import {
  Channel,
  StartVerificationRequest,
  VerifyServiceClient,
  type ChannelAttempt,
  type CheckCodeResponse,
  type DeepPartial,
  type Verification,
  type WatchStatusResponse,
} from "./gen/verifyd/v1/verify.js";

/** Options shared by {@link VerifydClient} and {@link VerifydAdmin}. */
export interface ClientOptions {
  /**
   * Channel credentials. Default: TLS for an `https://` address, plaintext otherwise
   * (a server on the same host or behind a TLS-terminating proxy).
   */
  credentials?: ChannelCredentials;
  /** Deadline of each unary call, in milliseconds. Default 30000. */
  timeoutMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/** The fields of a StartVerification request; unset fields take the server's defaults. */
export type StartInput = DeepPartial<StartVerificationRequest>;

type Callback<Res> = (err: ServiceError | null, res: Res) => void;
type UnaryMethod<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: Partial<CallOptions>,
  cb: Callback<Res>,
) => ClientUnaryCall;

function parseAddress(address: string, creds?: ChannelCredentials): [string, ChannelCredentials] {
  let target = address;
  let tls = false;
  if (target.startsWith("https://")) {
    target = target.slice("https://".length);
    tls = true;
  } else if (target.startsWith("http://")) {
    target = target.slice("http://".length);
  }
  target = target.replace(/\/+$/, "");
  return [target, creds ?? (tls ? grpcCredentials.createSsl() : grpcCredentials.createInsecure())];
}

abstract class BaseClient {
  protected readonly timeoutMs: number;

  protected constructor(
    private readonly headers: Record<string, string>,
    options: ClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Fresh call metadata with the authentication headers. */
  protected metadata(): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(this.headers)) md.set(k, v);
    return md;
  }

  protected unary<Req, Res>(method: UnaryMethod<Req, Res>, req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      method(req, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err, res) => {
        if (err) reject(VerifydError.from(err));
        else resolve(res);
      });
    });
  }
}

function required(v: Verification | undefined, rpc: string): Verification {
  if (!v) throw new VerifydError({ code: GrpcStatus.INTERNAL, details: `${rpc}: response has no verification` });
  return v;
}

/**
 * The attempt a channel event (CHANNEL_SENT, _SUCCESS, _FAILED, _UPDATED) is about:
 * `ev.verification.history[ev.stepIndex]`, as it was right after the event (`ev.channel`
 * is its channel). `undefined` for the other events, whose `stepIndex` is unset.
 */
export function eventAttempt(ev: WatchStatusResponse): ChannelAttempt | undefined {
  return ev.stepIndex === undefined ? undefined : ev.verification?.history[ev.stepIndex];
}

/**
 * A thin client of verifyd's VerifyService. Every call carries
 * `authorization: Bearer <apiKey>` and `x-tenant-id: <tenantId>`, and every failure is
 * thrown as a {@link VerifydError}.
 *
 * ```ts
 * const client = new VerifydClient("127.0.0.1:50051", apiKey, "default");
 * const v = await client.start({ phone: "+33199001110", routingStrategy: [{ channel: Channel.CHANNEL_SMS }] });
 * ```
 */
export class VerifydClient extends BaseClient {
  /** The generated grpc-js client, for calls this class does not wrap. */
  readonly raw: VerifyServiceClient;

  constructor(address: string, apiKey: string, tenantId = "default", options: ClientOptions = {}) {
    super({ authorization: `Bearer ${apiKey}`, "x-tenant-id": tenantId }, options);
    const [target, creds] = parseAddress(address, options.credentials);
    this.raw = new VerifyServiceClient(target, creds, options.channelOptions);
  }

  /** Starts a verification and returns it as stored (StartVerification). */
  async start(request: StartInput): Promise<Verification> {
    const req = StartVerificationRequest.fromPartial(request);
    const res = await this.unary(this.raw.startVerification.bind(this.raw), req);
    return required(res.verification, "StartVerification");
  }

  /** Checks a code; a wrong code is a result (`CHECK_RESULT_INCORRECT`), not an error (CheckCode). */
  async check(id: string, code: string): Promise<CheckCodeResponse> {
    return this.unary(this.raw.checkCode.bind(this.raw), { id, code });
  }

  /** Returns the full record of a verification (GetVerification). */
  async get(id: string): Promise<Verification> {
    const res = await this.unary(this.raw.getVerification.bind(this.raw), { id });
    return required(res.verification, "GetVerification");
  }

  /** Cancels a pending verification and returns it, now CANCELED (CancelVerification). */
  async cancel(id: string): Promise<Verification> {
    const res = await this.unary(this.raw.cancelVerification.bind(this.raw), { id });
    return required(res.verification, "CancelVerification");
  }

  /**
   * Streams the transitions of one verification (`id`), or of every verification of the
   * tenant (`id` empty), as an async iterator (WatchStatus). The first item is always a
   * SNAPSHOT. With an id, iteration ends after the transition that makes the verification
   * final. Leaving the loop early (break, return, throw) or aborting `signal` cancels the
   * stream. Server errors are thrown as {@link VerifydError}. Each event's `verification`
   * is the record as it was right after that event; a channel event also names its step
   * (`stepIndex`, `channel`; see {@link eventAttempt}).
   */
  async *watch(id = "", options: { signal?: AbortSignal } = {}): AsyncGenerator<WatchStatusResponse, void, undefined> {
    const { signal } = options;
    signal?.throwIfAborted();
    const call: ClientReadableStream<WatchStatusResponse> = this.raw.watchStatus({ id }, this.metadata());
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const msg of call as AsyncIterable<WatchStatusResponse>) {
        yield msg;
      }
    } catch (err) {
      if (signal?.aborted && (err as Partial<ServiceError>).code === GrpcStatus.CANCELLED) {
        throw signal.reason;
      }
      throw VerifydError.from(err);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      call.cancel(); // no-op when the stream already ended
    }
  }

  /** Closes the underlying channel. */
  close(): void {
    this.raw.close();
  }
}

/** A filter for {@link VerifydAdmin.listSandboxMessages}; every set field must match. */
export interface SandboxFilter {
  tenantId?: string;
  verificationId?: string;
  recipient?: string;
}

/**
 * A small helper over verifyd's AdminService for tests and demos: the sandbox outbox and
 * the manual clock. Every call carries `authorization: Bearer <adminToken>`.
 */
export class VerifydAdmin extends BaseClient {
  /** The generated grpc-js client, for the tenant and key management calls. */
  readonly raw: AdminServiceClient;

  constructor(address: string, adminToken: string, options: ClientOptions = {}) {
    super({ authorization: `Bearer ${adminToken}` }, options);
    const [target, creds] = parseAddress(address, options.credentials);
    this.raw = new AdminServiceClient(target, creds, options.channelOptions);
  }

  /** What the sandbox "delivered", oldest first (ListSandboxMessages). */
  async listSandboxMessages(filter: SandboxFilter = {}): Promise<SandboxMessage[]> {
    const res = await this.unary(this.raw.listSandboxMessages.bind(this.raw), {
      tenantId: filter.tenantId ?? "",
      verificationId: filter.verificationId ?? "",
      recipient: filter.recipient ?? "",
    });
    return res.messages;
  }

  /**
   * Waits until the sandbox outbox holds a message of the verification (on `channel`, if
   * given) and returns its code. Polls every 50 ms; throws after `timeoutMs` (default 10 s).
   */
  async waitForCode(
    verificationId: string,
    channel?: Channel,
    options: { timeoutMs?: number } = {},
  ): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const messages = await this.listSandboxMessages({ verificationId });
      const hit = messages.filter((m) => channel === undefined || m.channel === channel).at(-1);
      if (hit) return hit.code;
      if (Date.now() >= deadline) {
        const on = channel === undefined ? "" : ` on ${Channel[channel]}`;
        throw new Error(`no sandbox message for verification ${verificationId}${on} after ${options.timeoutMs ?? 10_000} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Moves a `--clock manual` server's clock forward and returns the new time (AdvanceClock). */
  async advanceClock(seconds: number): Promise<Date> {
    const res = await this.unary(this.raw.advanceClock.bind(this.raw), { seconds });
    if (!res.now) throw new VerifydError({ code: GrpcStatus.INTERNAL, details: "AdvanceClock: response has no time" });
    return res.now;
  }

  /** Closes the underlying channel. */
  close(): void {
    this.raw.close();
  }
}
