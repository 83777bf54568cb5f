// Starts a real verifyd server process for the tests (see docs/server-contract.md).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** clients/typescript, whether this file runs from test/ or dist/test/. */
export const PACKAGE_ROOT = (() => {
  let dir = fileURLToPath(new URL(".", import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = resolve(dir, "..");
  return dir;
})();

/** VERIFYD_BIN, or ../../target/debug/verifyd relative to the client's directory. */
export function verifydBin(): string {
  const env = process.env.VERIFYD_BIN;
  if (env) return resolve(env);
  return resolve(PACKAGE_ROOT, "../../target/debug/verifyd");
}

export interface RunningServer {
  /** host:port the server listens on. */
  address: string;
  apiKey: string;
  adminToken: string;
  dataDir: string;
  /** Everything the server wrote on stderr so far (its logs). */
  logs(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code (or the signal). */
  stop(): Promise<number | string>;
}

export async function startServer(): Promise<RunningServer> {
  const bin = verifydBin();
  if (!existsSync(bin)) {
    throw new Error(`verifyd binary not found at ${bin}: build it (cargo build --bin verifyd) or set VERIFYD_BIN`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "verifyd-ts-"));
  const apiKey = `test-api-key-${randomBytes(12).toString("hex")}`;
  const adminToken = `test-admin-token-${randomBytes(12).toString("hex")}`;
  const child: ChildProcess = spawn(
    bin,
    [
      "serve",
      "--listen", "127.0.0.1:0",
      "--data-dir", dataDir,
      "--admin-token", adminToken,
      "--bootstrap-api-key", apiKey,
      "--clock", "manual",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr += d;
    if (process.env.VERIFYD_LOG_STDERR) process.stderr.write(d);
  });
  const exited = new Promise<number | string>((res) => {
    child.once("exit", (code, signal) => res(code ?? signal ?? "unknown"));
  });
  // Never leave a server behind, even when the test process dies early.
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  void exited.then(() => process.off("exit", reap));

  const address = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`verifyd printed no "listening on" line within 30 s; stderr:\n${stderr}`));
    }, 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      rej(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`verifyd exited (${code}) before listening; stderr:\n${stderr}`));
    });
  });

  let stopping: Promise<number | string> | undefined;
  return {
    address,
    apiKey,
    adminToken,
    dataDir,
    logs: () => stderr,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        const code = await exited;
        clearTimeout(killer);
        rmSync(dataDir, { recursive: true, force: true });
        return code;
      })();
      return stopping;
    },
  };
}
