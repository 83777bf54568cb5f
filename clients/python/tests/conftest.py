"""Starts one real verifyd server for the whole test session (see docs/server-contract.md).

The binary comes from $VERIFYD_BIN, or ../../target/debug/verifyd relative to
clients/python. The server runs on 127.0.0.1:0 with a temporary data dir and
`--clock manual`; its stderr goes to <tmp>/verifyd.stderr.log and is printed when a test
fails to start it. On teardown it gets SIGTERM and must exit 0.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

import verifyd

CLIENT_DIR = Path(__file__).resolve().parent.parent
API_KEY = "dev-api-key-0123456789"
ADMIN_TOKEN = "dev-admin-token-0123456789"
TENANT = "default"
START_TIMEOUT = 60.0
LISTENING = re.compile(r"listening on (\S+)")


@dataclass
class Server:
    target: str
    process: subprocess.Popen
    stderr_path: Path

    def stderr_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def verifyd_bin() -> Path:
    env = os.environ.get("VERIFYD_BIN")
    return Path(env).resolve() if env else (CLIENT_DIR / ".." / ".." / "target" / "debug" / "verifyd").resolve()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = verifyd_bin()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(
            f"verifyd binary not found at {binary}: build it (cargo build --bin verifyd) "
            "or set VERIFYD_BIN",
            pytrace=False,
        )
    tmp = tmp_path_factory.mktemp("verifyd")
    stderr_path = tmp / "verifyd.stderr.log"
    stderr = open(stderr_path, "wb")
    process = subprocess.Popen(
        [
            str(binary), "serve",
            "--listen", "127.0.0.1:0",
            "--data-dir", str(tmp / "data"),
            "--admin-token", ADMIN_TOKEN,
            "--bootstrap-api-key", API_KEY,
            "--clock", "manual",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    # Read stdout in a thread: the first `listening on` line gives the address, and the
    # pipe keeps being drained afterwards so the server never blocks on it.
    found = threading.Event()
    address: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            if not found.is_set():
                m = LISTENING.search(raw.decode(errors="replace"))
                if m:
                    address.append(m.group(1))
                    found.set()
        found.set()

    threading.Thread(target=pump, name="verifyd-stdout", daemon=True).start()
    srv = Server(target="", process=process, stderr_path=stderr_path)
    if not found.wait(START_TIMEOUT) or not address:
        process.kill()
        process.wait()
        pytest.fail(
            f"verifyd did not print 'listening on ...' within {START_TIMEOUT}s "
            f"(exit code {process.poll()}); stderr:\n{srv.stderr_tail()}",
            pytrace=False,
        )
    srv.target = address[0]
    try:
        yield srv
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
        stderr.close()
        assert code == 0, (
            f"verifyd did not exit 0 after SIGTERM (exit code {code}); stderr:\n{srv.stderr_tail()}"
        )


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[verifyd.Client]:
    with verifyd.Client(server.target, api_key=API_KEY, tenant_id=TENANT) as c:
        yield c


@pytest.fixture(scope="session")
def admin(server: Server) -> Iterator[verifyd.AdminClient]:
    with verifyd.AdminClient(server.target, admin_token=ADMIN_TOKEN) as a:
        yield a
