"""The README's example runs as written, against the test server."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import CLIENT_DIR


def test_readme_example_runs(server):
    text = (CLIENT_DIR / "README.md").read_text()
    example = re.search(r"Then:\n\n```python\n(.*?)```", text, re.S).group(1)
    assert len(example.strip().splitlines()) <= 12
    out = subprocess.run(
        [sys.executable, "-c", example],
        env={**os.environ, "VERIFYD_TARGET": server.target},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "CHECK_RESULT_VERIFIED"
    assert lines[1] == "INVALID_ARGUMENT VALIDATION_FAILED ['routing_strategy[0].timeout_sec']", lines[1]
