// better-auth 1.7.24 + its phone-number plugin, served for verifyd-bench as a plaintext
// HTTP peer. Started by `scripts/bench-peers.sh serve better-auth PORT`, which copies this
// file next to the pinned node_modules in .tools/peers/better-auth/ and sets:
//   PEER_PORT    port to listen on (127.0.0.1 only)
//   PEER_DB      SQLite file to create (in a fresh temp dir)
//   PEER_DB_DIR  that temp dir, removed when the process gets SIGTERM/SIGINT
//   PEER_SECRET  a random BETTER_AUTH secret for this run
// NODE_ENV=production is set by the script, so better-auth runs with its production
// defaults (secret validation, secure defaults); see the one deliberate change below.
//
// The protocol a load driver speaks to this server is documented at the top of
// scripts/bench-peers.sh.
import http from "node:http";
import fs from "node:fs";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { createAuthEndpoint } from "better-auth/api";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { phoneNumber } from "better-auth/plugins";

const port = Number(process.env.PEER_PORT);
const dbPath = process.env.PEER_DB;
if (!port || !dbPath || !process.env.PEER_SECRET) {
  console.error("server.mjs: PEER_PORT, PEER_DB and PEER_SECRET must be set");
  process.exit(2);
}

// SQLite: WAL journal (SQLite's recommended mode for a server; one fsync per commit
// into the log instead of rewriting a rollback journal), synchronous left at its
// default FULL, so every commit is durable. Node runs JS on one thread and
// better-sqlite3 is synchronous, so there is never a second writer in this process and
// "database is locked" cannot happen; busy_timeout is only a guard.
const db = new Database(dbPath);
db.pragma("journal_mode = WAL");
db.pragma("busy_timeout = 5000");

// The phone-number plugin has no test mode and no option to choose or generate the
// code (checked in dist/plugins/phone-number/types.d.mts: otpLength, expiresIn,
// allowedAttempts, sendOTP, verifyOTP, phoneNumberValidator, ...). The code stays the
// plugin's own random 6-digit code; instead of sending an SMS, sendOTP hands it back
// to the caller in the send-otp response header `x-bench-otp` (ctx.setHeader of the
// endpoint context). That costs no extra request and leaves generation, storage and
// checking of the code exactly as in production.
function sendOTP({ code }, ctx) {
  ctx?.setHeader("x-bench-otp", code);
}

// The plugin's public /phone-number/verify also marks a *user* verified and, by
// default, creates a session; for a number with no user it answers 500 unless
// signUpOnVerification creates one. The plugin's own OTP-only check (verify and consume
// the code, no user, no session) is the server-side API consumePhoneNumberOTP, which has
// no HTTP route. This tiny plugin routes POST /api/auth/phone-number/consume-otp to it,
// through better-auth's normal router (same middleware, error mapping and JSON as the
// built-in endpoints). Body and errors are those of consumePhoneNumberOTP.
let auth;
const benchConsumeRoute = {
  id: "verifyd-bench-consume-otp",
  endpoints: {
    benchConsumePhoneNumberOTP: createAuthEndpoint(
      "/phone-number/consume-otp",
      { method: "POST" },
      async (ctx) => ctx.json(await auth.api.consumePhoneNumberOTP({ body: ctx.body })),
    ),
  },
};

auth = betterAuth({
  baseURL: `http://127.0.0.1:${port}`,
  secret: process.env.PEER_SECRET,
  database: db,
  // Rate limiting is ON by default in production (100 requests / 10 s per IP, and the
  // phone-number plugin's own rule: 10 requests / 60 s on /phone-number/*). A benchmark
  // drives everything from 127.0.0.1, so it would be throttled to a few requests per
  // second: disabled here, and this is the only non-default security setting.
  rateLimit: { enabled: false },
  telemetry: { enabled: false }, // off by default too; stated so it never phones out
  logger: { level: "error" },
  plugins: [
    phoneNumber({
      otpLength: 6, // default, stated for clarity
      expiresIn: 300, // default
      allowedAttempts: 3, // default
      sendOTP,
      // Only used by /phone-number/verify (not the benchmark pair): lets it accept a
      // number that has no user yet by creating one.
      signUpOnVerification: {
        getTempEmail: (phone) => `${phone.replace(/\D/g, "")}@bench.invalid`,
      },
    }),
    benchConsumeRoute,
  ],
});

// Create the schema (user, session, account, verification + the plugin's columns).
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

function cleanupAndExit(code = 0) {
  try {
    db.close();
  } catch {}
  if (process.env.PEER_DB_DIR) fs.rmSync(process.env.PEER_DB_DIR, { recursive: true, force: true });
  process.exit(code);
}
process.on("SIGTERM", () => cleanupAndExit(0));
process.on("SIGINT", () => cleanupAndExit(0));

// node:http with better-auth's own Node adapter; no request logging. Keep-alive is on
// (Node's default). Anything outside /api/auth/ is a 404.
const authHandler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url.startsWith("/api/auth/")) return authHandler(req, res);
  res.statusCode = 404;
  res.end();
});
server.keepAliveTimeout = 65_000;
server.on("error", (err) => {
  console.error(`better-auth peer: ${err.message}`);
  cleanupAndExit(1);
});
server.listen(port, "127.0.0.1", () => {
  console.error(`better-auth peer listening on http://127.0.0.1:${port}/api/auth (db ${dbPath})`);
});
