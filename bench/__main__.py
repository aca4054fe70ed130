"""``python -m bench`` — see :mod:`bench`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"

if Path(sys.prefix).resolve() != VENV.resolve() and (VENV / "bin" / "python").exists():
    # Playwright, PyYAML and the build's tools live in the project's .venv (made by build.py)
    os.execv(str(VENV / "bin" / "python"), [str(VENV / "bin" / "python"), "-m", "bench", *sys.argv[1:]])

from bench.cli import main  # noqa: E402 - after re-running in .venv

sys.exit(main(sys.argv[1:]))
