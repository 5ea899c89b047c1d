"""Run a benchmark step in a fresh Python process with a given checkout's glossary.

Each step runs alone (its memory and CPU time are its own) and reports on its
last line of output, as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_python(code: Path, script: str, *args: object) -> subprocess.CompletedProcess:
    """Run SCRIPT with ARGS in a new interpreter whose ``glossary`` is CODE's."""
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(code)},
        check=False,
        cwd=code,
    )


def last_json(out: subprocess.CompletedProcess) -> dict:
    """Return what a step printed on its last line; raise when it failed."""
    out.check_returncode()
    return json.loads(out.stdout.strip().splitlines()[-1])
