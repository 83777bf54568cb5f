"""A webhook receiver for the tests: verifies every delivery with the `standardwebhooks`
package from PyPI (an implementation of Standard Webhooks independent of verifyd's).

Listens on 127.0.0.1 (port 0 unless given) and prints `listening on <port>` once ready.

  POST /_setup  {"path": "/a", "secrets": ["whsec_..."], "script": [500, "hang", 200]}
                Configures a path: the secrets to verify with, and the answers to its
                next requests, in order ("hang" holds the request open without an
                answer; "429:120" answers 429 with `Retry-After: 120`; a 3xx answer
                carries `Location: /followed`); after the script, 200.
  GET  /_log?min=N&timeout=S
                Every request received so far, oldest first, once there are at least N
                (or after S seconds, 20 by default).
  POST <path>   A delivery: recorded with what the library said of it, then answered.

For each delivery the log holds the webhook-* headers, the body, the answer, and the
library's verdicts: `verified` (one per secret: null if it verified, else the library's
error), `tampered` (the same body with one character changed) and `stale` (the same
request, timestamp moved 10 minutes back).
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Condition()
LOG = []
PATHS = {}  # path -> {"secrets": [...], "script": [...]}
HANG = threading.Event()  # never set: a hanging request waits until the process ends


def verdict(secret, body, headers):
    try:
        Webhook(secret).verify(body, headers)
        return None
    except WebhookVerificationError as e:
        return str(e)
    except Exception as e:  # a malformed header is a failure too, not a crash
        return f"{type(e).__name__}: {e}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path != "/_log":
            return self.answer(404)
        q = parse_qs(u.query)
        want = int(q.get("min", ["0"])[0])
        timeout = float(q.get("timeout", ["20"])[0])
        with LOCK:
            LOCK.wait_for(lambda: len(LOG) >= want, timeout=timeout)
            out = json.dumps(LOG).encode()
        self.answer(200, out)

    def do_POST(self):
        n = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(n)
        path = urlparse(self.path).path
        if path == "/_setup":
            cfg = json.loads(raw)
            with LOCK:
                PATHS[cfg["path"]] = {
                    "secrets": list(cfg.get("secrets", [])),
                    "script": list(cfg.get("script", [])),
                }
            return self.answer(200, b"{}")
        body = raw.decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            cfg = PATHS.setdefault(path, {"secrets": [], "script": []})
            reply = cfg["script"].pop(0) if cfg["script"] else 200
            secrets = list(cfg["secrets"])
        tampered = body.replace('"', "'", 1) if '"' in body else body + " "
        stale = dict(headers)
        try:
            stale["webhook-timestamp"] = str(int(headers.get("webhook-timestamp", "0")) - 600)
        except ValueError:
            pass
        entry = {
            "path": path,
            "webhook_id": headers.get("webhook-id"),
            "webhook_timestamp": headers.get("webhook-timestamp"),
            "webhook_signature": headers.get("webhook-signature"),
            "content_type": headers.get("content-type"),
            "body": body,
            "answer": reply,
            "verified": [verdict(s, body, headers) for s in secrets],
            "tampered": [verdict(s, tampered, headers) for s in secrets],
            "stale": [verdict(s, body, stale) for s in secrets],
        }
        with LOCK:
            LOG.append(entry)
            LOCK.notify_all()
        if reply == "hang":
            HANG.wait()
            return
        code, _, retry_after = str(reply).partition(":")
        headers = []
        if retry_after:
            headers.append(("retry-after", retry_after))
        if 300 <= int(code) < 400:
            headers.append(("location", "/followed"))
        self.answer(int(code), b"{}", headers)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
