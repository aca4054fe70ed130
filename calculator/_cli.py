"""The command line: ``python -m calculator estimate|regions``.

Bad input of any kind prints one line naming the field and the value on stderr and exits
with code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from ._api import estimate, regions
from ._errors import PolicyError, RequestError, YibaoError
from ._policies import PolicySet, default_policies
from ._text import render_text

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m calculator", description="Estimate what basic medical insurance pays for a visit.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    est = sub.add_parser("estimate", help="estimate one visit from a request (JSON)")
    est.add_argument("--request", required=True, metavar="FILE", help="request JSON file, or - for stdin")
    est.add_argument("--format", choices=("json", "text"), default="json")
    est.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of --format text")
    est.add_argument("--policy", metavar="FILE", action="append", default=[], help="a region policy file (YAML or JSON) outside policies/")
    reg = sub.add_parser("regions", help="list the regions with policy data")
    reg.add_argument("--format", choices=("json", "text"), default="text")
    return parser


def _read_request(name: str) -> Any:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise RequestError(f"--request: {name!r} cannot be read ({exc.strerror})", field="--request", value=name) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise RequestError(f"--request: {name!r} is not valid JSON ({exc})", field="--request", value=name) from None


def _with_policy_files(policies: PolicySet, files: list[str]) -> PolicySet:
    for name in files:
        path = Path(name)
        if not path.exists():
            raise PolicyError(f"--policy: {name!r} does not exist", field="--policy", value=name)
        if path.suffix == ".json":
            from ._decode import decode
            from ._policy_model import Region

            def error(field: str, value: object, problem: str) -> PolicyError:
                return PolicyError(f"{field}: {value!r} {problem}", file=name, field=field, value=value)

            try:
                data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
            except ValueError as exc:
                raise PolicyError(f"is not valid JSON ({exc})", file=name) from None
            region = decode(Region, data, error)
        else:
            try:
                from .policy_files import load_region_file
            except ImportError:
                raise PolicyError("reading YAML needs PyYAML and pydantic (pip install -e '.[dev]'), or give the policy as JSON", file=name) from None
            region = load_region_file(path, policies.shared_sources, check_name=False)
        policies = policies.with_region(region)
    return policies


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "regions":
            rows = regions()
            if args.format == "json":
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for row in rows:
                    name = row["name"]
                    assert isinstance(name, dict)
                    print(f"{row['id']:<12} {name['zh']:<8}\t{name['en']:<12} parent={row['parent'] or '-':<10} verified_on={row['verified_on']} confidence={row['confidence']}")
            return 0
        policies = _with_policy_files(default_policies(), args.policy)
        result = estimate(_read_request(args.request), policies)
        if args.format == "text":
            print(render_text(result, args.lang))
        else:
            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    except YibaoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
