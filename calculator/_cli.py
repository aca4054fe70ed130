"""The command line: ``python -m calculator estimate|regions``.

Bad input of any kind prints one line naming the field and the value on stderr and exits
with code 2, never a traceback: a request file that is missing, a directory, too big (over
1,000,000 bytes), not UTF-8 (UTF-16 and UTF-32 with a BOM are read), not JSON or nested too
deeply; a ``--policy`` that is any of those, or a YAML file that breaks the policy rules.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from ._api import estimate, regions
from ._decode import MAX_REQUEST_BYTES, parse_json
from ._errors import PolicyError, RequestError, YibaoError, cut_path
from ._policies import PolicySet, default_policies
from ._text import clean, render_text

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


def _read_bytes(option: str, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a file (or of stdin for ``-``), or one line naming the option,
    the file and what is wrong: missing, a directory, unreadable, too big."""
    def error(problem: str, code: str) -> YibaoError:
        return _file_error(option, name)("", None, problem, code)

    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            path = Path(name)
            if path.is_dir():
                raise error("is a directory, not a file", "unreadable")
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror})", "unreadable") from None
    if len(data) > limit:
        raise error(f"is larger than {limit} bytes", "too_large")
    return data


def _file_error(option: str, name: str) -> Any:
    """An error factory naming the option and the file (not the file's text): one line."""

    def error(_field: str, _value: object, problem: str, code: str = "invalid") -> YibaoError:
        cls = RequestError if option == "--request" else PolicyError
        return cls(f"{option}: {cut_path(name)!r} {problem}", field=option, value=name, code=code)

    return error


def _read_request(name: str) -> Any:
    return parse_json(_read_bytes("--request", name, MAX_REQUEST_BYTES), _file_error("--request", name))


def _with_policy_files(policies: PolicySet, files: list[str]) -> PolicySet:
    for name in files:
        path = Path(name)
        if not path.exists():
            raise _file_error("--policy", name)("", None, "does not exist", "unreadable")
        if path.is_dir():
            raise _file_error("--policy", name)("", None, "is a directory; give a region file (YAML or JSON)", "unreadable")
        if path.suffix == ".json":
            from ._decode import decode
            from ._policy_model import Region

            error = functools.partial(PolicyError.at, name)
            data = parse_json(_read_bytes("--policy", name, MAX_REQUEST_BYTES), _file_error("--policy", name))
            region = decode(Region, data, error)
        else:
            try:
                from .policy_files import load_region_file
            except ImportError:
                raise PolicyError("reading YAML needs PyYAML and pydantic (pip install -e '.[dev]'), or give the policy as JSON", file=name, code="unreadable") from None
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
        print(f"error: {clean(exc.message)}", file=sys.stderr)  # one line: control characters escaped
        return 2
    except (RecursionError, MemoryError):  # pathological input the checks did not foresee
        print("error: the input is too large or nested too deeply", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        return 130
