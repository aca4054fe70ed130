"""The engine's run time imports only the standard library (it runs in Pyodide, where
pydantic would cost +1 s and +2 MB), and its public surface is exactly ``__all__``."""

from __future__ import annotations

import json
import subprocess
import sys

from cli_support import ROOT

PROBE = r"""
import json, sys
before = set(sys.modules)
import calculator
result = calculator.estimate(json.loads(sys.argv[1]))
assert result.total > 0
loaded = set(sys.modules) - before
outside = sorted(
    name for name in loaded
    if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "calculator"
)
print(json.dumps({"outside": outside, "calculator": sorted(n for n in loaded if n.startswith("calculator"))}))
"""

REQUEST = {
    "region": "zibo",
    "visit_date": "2026-12-01",
    "scheme": "employee",
    "member": "retired",
    "care": "inpatient",
    "institution_level": 3,
    "items": [{"name": "x", "category": "A", "amount": "5000"}],
}


def test_import_and_one_estimate_load_only_the_standard_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(REQUEST)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["outside"] == []
    assert "calculator.policy_files" not in report["calculator"]  # the pydantic side stays out


def test_the_public_surface_is_exactly_all() -> None:
    import types

    import calculator

    public = {name for name in dir(calculator) if not name.startswith("_") and not isinstance(getattr(calculator, name), types.ModuleType)}
    assert public == set(calculator.__all__)
