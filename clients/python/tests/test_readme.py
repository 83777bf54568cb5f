"""The README's programs run as written, against the test server."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import CLIENT_DIR


def readme_program(name: str) -> str:
    text = (CLIENT_DIR / "README.md").read_text()
    m = re.search(rf"<!-- newcomer:file {re.escape(name)} -->\n```python\n(.*?)```", text, re.S)
    assert m, f"README.md has no ```python block marked as {name}"
    return m.group(1)


def run(program: str, target: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "VERIFYD_TARGET": target},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_readme_example_runs(server):
    example = readme_program("example.py")
    assert len(example.strip().splitlines()) <= 12
    out = run(example, server.target)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "CHECK_RESULT_VERIFIED"
    assert lines[1] == "INVALID_ARGUMENT VALIDATION_FAILED ['routing_strategy[0].timeout_sec']", lines[1]


def test_readme_watch_program_stands_alone_and_ends(server):
    out = run(readme_program("watch.py"), server.target)
    assert out.returncode == 0, out.stderr
    events = [line.split()[0] for line in out.stdout.splitlines()]
    assert events[0] == "snapshot", out.stdout
    assert events[-1] == "verify_code.verified", out.stdout
