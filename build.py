#!/usr/bin/env python3
"""Yibao's build: one script, a pipeline of named phases writing the static site to ``public/``.

Commands (``python3 build.py COMMAND``; the first run creates ``.venv`` and installs into it)::

    build                     the whole pipeline (the default command)
    serve [--port N]          build, then serve the site on 127.0.0.1 and print its URL
    test [PYTEST ARGS]        run the whole pytest suite (it builds the site once, in a temp dir)
    check                     validate policies/, rewrite the bundle and schemas, print a summary
    PHASE [PHASE ...]         run named phases in pipeline order: policies guides mkdocs wheel
                              pyodide offline compress check-output

Options for build and phases: ``--out DIR`` (default ``public/``), ``--policies DIR`` (default
``policies/``; another directory builds a site from it without touching the committed bundle).

Phases, in order (each reads what the previous ones wrote, so each can be rerun alone):

1. ``policies``     YAML → pydantic → bundle JSON (and JSON Schemas for editors).
2. ``guides``       bundle → Jinja2 → Markdown pages, one tree per language, + MkDocs configs.
3. ``mkdocs``       one MkDocs Material build per language: zh at ``/``, en at ``/en/``.
4. ``wheel``        the calculator as a pure-Python wheel + a minimal ``pyodide-lock.json``.
5. ``pyodide``      the Pyodide core, pinned from npm (cached outside the tree), copied in
                    with a trimmed, precompiled stdlib.
6. ``offline``      ``sw.js``: the service worker that keeps the estimator working offline.
7. ``compress``     ``.br``/``.gz`` siblings of every file a browser downloads.
8. ``check-output`` fails on anything wrong in the output (``site/builder/check_output.py``).

The phases live in ``site/builder/`` (one module each); this script is the command line: it
makes its environment, then runs phases and commands. Only the standard library is imported at
module level: the script must start on a bare ``python3`` to create its own environment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
sys.path.insert(0, str(ROOT / "site"))

from builder.context import Build, BuildError  # noqa: E402 - after the path is set
from builder.pipeline import PHASES, run_phases  # noqa: E402
from builder.policies import command_check  # noqa: E402
from builder.serve import serve  # noqa: E402

#: Debian packages the browser tests need.
APT_PACKAGES = ("chromium", "fonts-wqy-microhei")


# --------------------------------------------------------------------------------------------
# Environment: .venv with Python >= 3.12, the dev extra installed, Chromium for the tests
# --------------------------------------------------------------------------------------------


def _python_ok(exe: str) -> bool:
    try:
        out = subprocess.run([exe, "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "True"


def find_python() -> str:
    """A Python >= 3.12: python3.13 / python3.12 on PATH, then pyenv's versions, then this one."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12", "python3.14")]
    pyenv = sorted(Path("/root/.pyenv/versions").glob("3.1[2-9]*/bin/python3"), reverse=True)
    candidates += [str(p) for p in pyenv] + [sys.executable]
    for exe in candidates:
        if exe and _python_ok(exe):
            return exe
    raise SystemExit("build.py: no Python >= 3.12 found (looked for python3.13, python3.12 and in /root/.pyenv/versions)")


def ensure_environment(command: str) -> None:
    """Make ``.venv`` with the project and its ``dev`` extra (again whenever ``pyproject.toml``
    is newer than the ``.venv/.installed`` stamp), then re-run this script inside it."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        exe = find_python()
        print(f"build.py: creating .venv with {exe}", flush=True)
        subprocess.run([exe, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        print("build.py: installing the project and its dev tools (pip install -e '.[dev]')", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        stamp.touch()
    if command == "test":
        ensure_chromium()
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def ensure_chromium() -> None:
    """Install Debian's chromium (and CJK fonts) with apt-get when missing and we are root."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("build.py: /usr/bin/chromium is missing; install it (apt-get install chromium) to run the browser tests", file=sys.stderr)
        return
    print("build.py: installing chromium with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *APT_PACKAGES], check=True, env=env)


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def _arguments(command: str, rest: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"build.py {command}")
    parser.add_argument("--out", type=Path, help="output directory (default: public/)")
    parser.add_argument("--policies", type=Path, help="policy directory (default: policies/)")
    if command == "serve":
        parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: 8000 or the next free one)")
        parser.add_argument("--no-build", action="store_true", help="serve the existing output")
    if command in PHASES:
        parser.add_argument("phases", nargs="*", choices=list(PHASES), help="more phases to run")
    return parser.parse_args(rest)


def main(argv: list[str]) -> int:
    """``build.py [COMMAND] [ARGS]``: see the module docstring."""
    command, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("build", argv)
    known = ["build", "serve", "test", "check", *PHASES]
    if command not in known:
        print(f"build.py: unknown command {command!r}; use one of: {', '.join(known)}", file=sys.stderr)
        return 2
    if os.environ.get("YIBAO_NO_BOOTSTRAP") != "1":
        ensure_environment(command)  # re-runs this script in .venv unless already there
    try:
        if command == "test":  # policies first, so the committed bundle and schemas are current
            command_check(Build.create())
            return subprocess.call([sys.executable, "-m", "pytest", *rest], cwd=ROOT)
        args = _arguments(command, rest)
        b = Build.create(args.out, args.policies)
        if command == "check":
            command_check(b)
        elif command in ("build", "serve"):
            if not getattr(args, "no_build", False):
                run_phases(b, PHASES)
            if command == "serve":
                serve(b.out, args.port or 8000, explicit_port=args.port is not None)
        else:
            run_phases(b, [command, *args.phases])
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from calculator import YibaoError  # a PolicyError names file, field and value: no traceback

        if isinstance(exc, YibaoError):
            print(f"build.py: {exc}", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
