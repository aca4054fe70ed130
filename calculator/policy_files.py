"""Build- and test-time loading of ``policies/``: YAML → pydantic → the runtime dataclasses.

Not imported by the engine (it needs PyYAML and pydantic, which the browser never loads).
pydantic validates each file into the same stdlib dataclasses the engine uses, rejecting
unknown keys; :mod:`calculator._policy_checks` then checks the meaning. Every error names the
file, the field path and the value. :func:`write_bundle` writes the JSON the engine reads and
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
from ._policy_checks import check_catalogue, check_region
from ._policy_model import Bundle, Catalogue, LocalText, Region, Source
from ._request_model import Request

__all__ = ["POLICY_DIR", "BUNDLE_PATH", "load_region_file", "load_policies", "bundle_json", "write_bundle", "json_schemas", "to_jsonable"]

POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
BUNDLE_PATH = Path(__file__).resolve().parent / "_data" / "bundle.json"

_REGION = TypeAdapter(Region)
_SOURCES = TypeAdapter(tuple[Source, ...])
_CATALOGUE = TypeAdapter(Catalogue)


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``2024-13-01`` as a string and ``2024-01-01`` as a date; keep both as
    text so that the date check (and its message) is pydantic's."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise PolicyError(f"is not valid YAML: {exc}", file=str(path)) from None


def _validate(adapter: TypeAdapter[Any], data: Any, file: str) -> Any:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in first["loc"]).replace(".[", "[")
        raise PolicyError(f"{field}: {first.get('input')!r} {first['msg']}", file=file, field=field, value=first.get("input")) from None


def _check_titles(sources: tuple[Source, ...], file: str) -> None:
    """Source titles in ``policies/`` are zh + en (pages show each language's own); a reader's
    own policy (inline, ``--policy``) may give one plain string."""
    for i, src in enumerate(sources):
        if not isinstance(src.title, LocalText):
            raise PolicyError(f"sources[{i}].title: {src.title!r} must be {{zh: …, en: …}}", file=file, field=f"sources[{i}].title", value=src.title)


def load_sources(path: Path) -> dict[str, Source]:
    data = _read_yaml(path)
    sources = _validate(_SOURCES, (data or {}).get("sources", []) if isinstance(data, dict) else data, str(path))
    _check_titles(sources, str(path))
    by_id: dict[str, Source] = {}
    for i, src in enumerate(sources):
        if src.id in by_id:
            raise PolicyError(f"sources[{i}].id: {src.id!r} is used twice", file=str(path), field=f"sources[{i}].id", value=src.id)
        by_id[src.id] = src
    return by_id


def load_region_file(path: Path, sources: Mapping[str, Source], *, check_name: bool = True) -> Region:
    """Validate one region file (shape with pydantic, meaning with the shared checks).
    Files in ``policies/regions/`` are named after their id (``check_name``)."""
    region: Region = _validate(_REGION, _read_yaml(path), str(path))
    if check_name and region.id != path.stem:
        raise PolicyError(f"id: {region.id!r} must match the file name {path.stem!r}", file=str(path), field="id", value=region.id)
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
            raise PolicyError(f"parent: {region.parent!r} is not a known region", file=str(path), field="parent", value=region.parent)
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
