"""Helpers for tests that run the CLI as a user would (a plain module: ``conftest`` names clash)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m calculator ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
