"""Build- and test-time loading of ``policies/``: YAML → pydantic → the runtime dataclasses.

Not imported by the engine (it needs PyYAML and pydantic, which the browser never loads).
pydantic validates each file into the same stdlib dataclasses the engine uses, rejecting
unknown keys; :mod:`calculator._policy_checks` then checks the meaning. Every error names the
file, the field path and the value (cut to 80 characters) and has a code; no file, however
hostile, raises anything else. A file is read only if it is at most :data:`MAX_FILE_BYTES`,
with PyYAML's safe loader, and refused before it is built if its aliases would expand it past
:data:`MAX_YAML_NODES` nodes (a "billion laughs" file fails in milliseconds). :func:`write_bundle` writes the JSON the engine reads and
:func:`json_schemas` the JSON Schemas for editors (``policies/schema/``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import TypeAdapter, ValidationError

from ._errors import PolicyError
from ._policy_json import jsonable as to_jsonable
from ._policy_checks import check_catalogue, check_region, check_source
from ._policy_model import Bundle, Catalogue, LocalText, Region, Source
from ._request_model import Request

__all__ = [
    "POLICY_DIR",
    "BUNDLE_PATH",
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "load_region_file",
    "load_policies",
    "bundle_json",
    "write_bundle",
    "json_schemas",
    "to_jsonable",
]

POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
BUNDLE_PATH = Path(__file__).resolve().parent / "_data" / "bundle.json"

_REGION = TypeAdapter(Region)
_SOURCES = TypeAdapter(tuple[Source, ...])
_CATALOGUE = TypeAdapter(Catalogue)

#: The largest policy file read (sources.yaml, the largest, is ~50 KB today; 2 MB parse in ~3 s).
MAX_FILE_BYTES = 2_000_000
#: The most YAML nodes a file may hold once its aliases are expanded (cn.yaml: ~2,000).
MAX_YAML_NODES = 200_000


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``2024-13-01`` as a string and ``2024-01-01`` as a date; keep both as
    text so that the date check (and its message) is pydantic's."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_text(path: Path) -> str:
    """The file's text, or a one-line :class:`PolicyError` (missing, a directory, too big, not
    UTF-8)."""
    file = str(path)
    try:
        if not path.is_file():
            raise PolicyError("is missing" if not path.exists() else "is not a regular file (a directory?)", file=file, code="unreadable")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PolicyError(f"is {path.stat().st_size} bytes; a policy file may have at most {MAX_FILE_BYTES}", file=file, code="too_large")
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise PolicyError(f"cannot be read ({exc.strerror})", file=file, code="unreadable") from None
    except UnicodeDecodeError:
        raise PolicyError("is not UTF-8 text (save it as UTF-8)", file=file, code="unreadable") from None


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once aliases are expanded (an alias is the same node
    object, so each is counted once and reused); stops early past :data:`MAX_YAML_NODES`."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_YAML_NODES + 1  # a node inside itself (a recursive alias) is too big
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes)
        if total > MAX_YAML_NODES:
            break
    sizes[id(node)] = total
    return total


def _read_yaml(path: Path) -> Any:
    text = _read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_YAML_NODES:
            raise PolicyError(f"expands to more than {MAX_YAML_NODES} YAML nodes (too many aliases?)", file=str(path), code="too_large")
        return None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())  # one line
        raise PolicyError(f"is not valid YAML: {problem[:200]}", file=str(path), code="invalid") from None
    except (RecursionError, MemoryError):
        raise PolicyError("is nested too deeply or too large to read", file=str(path), code="too_large") from None
    finally:
        loader.dispose()


#: pydantic's error types, as the project's codes.
_CODES = {
    "missing": "required",
    "missing_argument": "required",
    "missing_keyword_only_argument": "required",
    "extra_forbidden": "unknown_field",
    "unexpected_keyword_argument": "unknown_field",
    "unexpected_positional_argument": "unknown_field",
    "string_too_long": "too_long",
    "too_long": "too_many",
    "literal_error": "not_one_of",
    "enum": "not_one_of",
    "decimal_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "decimal_max_places": "too_many_decimals",
    "finite_number": "not_a_number",
    "int_parsing": "not_whole",
    "int_from_float": "not_whole",
    "int_type": "not_whole",
    "date_parsing": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "date_from_datetime_inexact": "bad_date",
    "date_type": "bad_date",
    "string_type": "wrong_type",
    "bool_parsing": "wrong_type",
    "bool_type": "wrong_type",
    "list_type": "wrong_type",
    "tuple_type": "wrong_type",
    "dict_type": "wrong_type",
    "dataclass_type": "wrong_type",
    "dataclass_exact_type": "wrong_type",
    "model_type": "wrong_type",
}


def _validate(adapter: TypeAdapter[Any], data: Any, file: str) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in first["loc"]).replace(".[", "[")
        value = first.get("input") if not first["type"].startswith("missing") else None
        raise PolicyError.at(file, field or "(top)", value, first["msg"], _CODES.get(first["type"], "invalid")) from None
    except (RecursionError, MemoryError):
        raise PolicyError("is nested too deeply or too large to check", file=file, code="too_large") from None


def _check_titles(sources: tuple[Source, ...], file: str) -> None:
    """Source titles in ``policies/`` are zh + en (pages show each language's own); a reader's
    own policy (inline, ``--policy``) may give one plain string."""
    for i, src in enumerate(sources):
        if not isinstance(src.title, LocalText):
            raise PolicyError.at(file, f"sources[{i}].title", src.title, "must be {zh: …, en: …}", "wrong_type")


def load_sources(path: Path) -> dict[str, Source]:
    data = _read_yaml(path)
    sources = _validate(_SOURCES, (data or {}).get("sources", []) if isinstance(data, dict) else data, str(path))
    _check_titles(sources, str(path))
    by_id: dict[str, Source] = {}
    for i, src in enumerate(sources):
        check_source(src, f"sources[{i}]", str(path))
        if src.id in by_id:
            raise PolicyError.at(str(path), f"sources[{i}].id", src.id, "is used twice", "duplicate")
        by_id[src.id] = src
    return by_id


def load_region_file(path: Path, sources: Mapping[str, Source], *, check_name: bool = True) -> Region:
    """Validate one region file (shape with pydantic, meaning with the shared checks).
    Files in ``policies/regions/`` are named after their id (``check_name``)."""
    region: Region = _validate(_REGION, _read_yaml(path), str(path))
    if check_name and region.id != path.stem:
        raise PolicyError.at(str(path), "id", region.id, f"must match the file name {path.stem!r}", "bad_id")
    check_region(region, sources, str(path))
    return region


def load_policies(policy_dir: Path = POLICY_DIR, extra: list[Path] | None = None) -> Bundle:
    """All of ``policies/`` (plus ``extra`` region files) as one validated :class:`Bundle`."""
    sources = load_sources(policy_dir / "sources.yaml")
    catalogue: Catalogue = _validate(_CATALOGUE, _read_yaml(policy_dir / "catalogue.yaml"), str(policy_dir / "catalogue.yaml"))
    check_catalogue(catalogue, sources, str(policy_dir / "catalogue.yaml"))
    paths = sorted((policy_dir / "regions").glob("*.yaml")) + list(extra or [])
    regions = [load_region_file(p, sources) for p in paths]
    for region, path in zip(regions, paths[: len(paths) - len(extra or [])]):
        _check_titles(region.sources, str(path))  # the project's own files are zh + en
    ids = {r.id for r in regions}
    for region, path in zip(regions, paths):
        if region.parent is not None and region.parent not in ids:
            raise PolicyError.at(str(path), "parent", region.parent, "is not a known region", "unknown_region")
    return Bundle(regions=tuple(regions), sources=tuple(sources.values()), catalogue=catalogue)


def bundle_json(bundle: Bundle) -> str:
    """The bundle as reproducible JSON (sorted keys, fixed separators)."""
    return json.dumps(to_jsonable(bundle), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_bundle(bundle: Bundle, path: Path = BUNDLE_PATH) -> bool:
    """Write the bundle if it changed; return whether it did."""
    text = bundle_json(bundle)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def json_schemas() -> dict[str, str]:
    """JSON Schemas for editors: one for region files, one for requests (with inline policy)."""
    out = {}
    for name, model in (("region", Region), ("request", Request), ("catalogue", Catalogue)):
        schema = TypeAdapter(model).json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{name}.schema.json"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out
