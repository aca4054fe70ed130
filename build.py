#!/usr/bin/env python3
"""Yibao's one build script: a pipeline of named phases, and the commands around it.

    python3 build.py serve [--port N]   build the site into public/ and serve it on 127.0.0.1
    python3 build.py test [ARGS]        run the whole test suite (pytest ARGS)
    python3 build.py check              validate every policy file, rewrite the bundle and
                                        JSON Schemas, print a summary
    python3 build.py build              build the site into public/ (the default)

Run with any Python 3: outside ``.venv`` the script first makes ``.venv`` (Python ≥ 3.12),
installs the project with its ``dev`` extra, and re-runs itself there. Only the standard
library is imported at the top; each phase imports what it needs.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
PUBLIC = ROOT / "public"
SITE = ROOT / "site"
CHROMIUM = Path("/usr/bin/chromium")
#: Debian packages the browser tests need.
APT_PACKAGES = ("chromium", "fonts-wqy-microhei")
STALE_DAYS = 365


# --------------------------------------------------------------------------- bootstrap


def _find_python() -> str:
    """A Python ≥ 3.12 for the venv (pyodide-lock and pyodide-build need it)."""
    if sys.version_info >= (3, 12):
        return sys.executable
    candidates = [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin/python3"), reverse=True)
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")), reverse=True)
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("build.py: needs Python 3.12 or newer (none found on PATH or in ~/.pyenv/versions)")


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def bootstrap(command: str) -> None:
    """Make ``.venv`` with the dev dependencies (once), then re-run this script inside it."""
    if _in_venv():
        return
    stamp = VENV / ".installed"
    if not VENV_PYTHON.exists():
        print(f"build.py: creating {VENV.name} …", flush=True)
        subprocess.run([_find_python(), "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        print("build.py: installing dependencies (pip install -e '.[dev]') …", flush=True)
        subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        stamp.touch()
    if command == "test":
        ensure_chromium()
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(ROOT / "build.py"), *sys.argv[1:]])


def ensure_chromium() -> None:
    """Debian's Chromium for the browser tests (Playwright cannot download one here)."""
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("build.py: /usr/bin/chromium is missing; install Debian's chromium to run the browser tests", file=sys.stderr)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *APT_PACKAGES], check=True, env=env)


# --------------------------------------------------------------------------- phases


def phase_policies() -> object:
    """Validate every policy file (pydantic + shared checks), write the engine's bundle and
    the JSON Schemas. Fails with the file, field path and value of the first problem."""
    from calculator.policy_files import POLICY_DIR, json_schemas, load_policies, write_bundle

    bundle = load_policies()
    write_bundle(bundle)
    schema_dir = POLICY_DIR / "schema"
    schema_dir.mkdir(exist_ok=True)
    for name, text in json_schemas().items():
        path = schema_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return bundle


def policy_summary(bundle: object) -> str:
    """Regions, parameters, counts by confidence, and what is older than 12 months."""
    from datetime import date

    from calculator._policies import PolicySet, weakest
    from calculator._policy_checks import iter_parameters

    ps = PolicySet(bundle)  # type: ignore[arg-type]
    today = date.today()
    lines = [f"{len(ps.regions)} regions, {len(ps.shared_sources)} shared sources, {len(ps.catalogue)} dental procedures", ""]
    lines.append(f"{'region':<11} {'parent':<10} {'params':>6} {'values':>6}  official secondary unverified  verified_on")
    totals = {"official": 0, "secondary": 0, "unverified": 0}
    stale_regions, old_values = [], 0
    for region_id in sorted(ps.regions):
        region = ps.regions[region_id]
        counts = {"official": 0, "secondary": 0, "unverified": 0}
        params = list(iter_parameters(region))
        values = 0
        for _path, param in params:
            for dated in param.values:
                values += 1
                level = weakest(ps.sources[dated.source].confidence, dated.confidence or "official")
                counts[level] += 1
                if (today - dated.since).days > STALE_DAYS:
                    old_values += 1
        for key in totals:
            totals[key] += counts[key]
        if (today - region.verified_on).days > STALE_DAYS:
            stale_regions.append(region_id)
        lines.append(
            f"{region_id:<11} {region.parent or '-':<10} {len(params):>6} {values:>6}  {counts['official']:>8} {counts['secondary']:>9} {counts['unverified']:>10}  {region.verified_on}"
        )
    lines.append("")
    lines.append(f"values by confidence: official {totals['official']}, secondary {totals['secondary']}, unverified {totals['unverified']}")
    lines.append(f"values in force since more than 12 months: {old_values}")
    lines.append(f"regions verified more than 12 months ago: {', '.join(stale_regions) or 'none'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- commands


def cmd_check(_args: argparse.Namespace) -> int:
    """``check``: validate the policies and print the summary."""
    from calculator import PolicyError

    try:
        bundle = phase_policies()
    except PolicyError as exc:
        print(f"policy error: {exc}", file=sys.stderr)
        return 2
    print(policy_summary(bundle))
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    """``test``: the whole pytest suite (policies first, so the bundle is current)."""
    rc = cmd_check(argparse.Namespace())
    if rc:
        return rc
    return subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], cwd=ROOT)


def cmd_build(_args: argparse.Namespace) -> int:
    """``build``: run the pipeline into ``public/``."""
    from site_build import build_site  # type: ignore[import-not-found]

    started = time.perf_counter()
    build_site(ROOT, PUBLIC, phase_policies)
    print(f"built {PUBLIC} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """``serve``: build, then serve ``public/`` on 127.0.0.1 until interrupted."""
    import functools
    import http.server

    rc = cmd_build(args)
    if rc:
        return rc
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(PUBLIC))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving Yibao at http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("build", help="build the site into public/")
    serve = sub.add_parser("serve", help="build and serve on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    sub.add_parser("check", help="validate policies, rewrite bundle and schemas, print a summary")
    test = sub.add_parser("test", help="run the test suite")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command or "build"
    bootstrap(command)
    handlers = {"build": cmd_build, "serve": cmd_serve, "check": cmd_check, "test": cmd_test}
    return handlers[command](args)


if __name__ == "__main__":
    sys.exit(main())
