"""The phases in pipeline order, and running them."""

from __future__ import annotations

import time
from typing import Callable, Iterable

from .check_output import phase_check_output
from .compress import phase_compress
from .context import Build
from .guides import phase_guides
from .mkdocs_site import phase_mkdocs
from .offline import phase_offline
from .policies import phase_policies
from .pyodide_runtime import phase_pyodide
from .wheel import phase_wheel

#: Every phase, in pipeline order (each reads what the ones before it wrote).
PHASES: dict[str, Callable[[Build], None]] = {
    "policies": phase_policies,
    "guides": phase_guides,
    "mkdocs": phase_mkdocs,
    "wheel": phase_wheel,
    "pyodide": phase_pyodide,
    "offline": phase_offline,
    "compress": phase_compress,
    "check-output": phase_check_output,
}


def run_phases(b: Build, names: Iterable[str]) -> float:
    """Run the named phases in pipeline order; print each one's time; return the total."""
    wanted = set(names)
    start = time.perf_counter()
    for name, phase in PHASES.items():
        if name in wanted:
            t = time.perf_counter()
            print(f"[{name}]", flush=True)
            phase(b)
            print(f"  {time.perf_counter() - t:.2f} s", flush=True)
    total = time.perf_counter() - start
    print(f"built {b.out} in {total:.1f} s", flush=True)
    return total

