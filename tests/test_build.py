"""The build (``build.py``): its output is complete in both languages and self-contained, its
check phase catches what it promises to catch, the wheel and lock are reproducible and agree,
the pinned Pyodide is verified, and a second build needs no network."""

from __future__ import annotations

import ast
import hashlib
import html as html_lib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from yibao_site import ROOT, build_seconds, built_site  # noqa: E402 - also puts site/ on sys.path
from builder import pyodide_runtime  # noqa: E402
from builder.check_output import check_output  # noqa: E402
from builder.context import PACKAGES_DIR, PYODIDE_DIR, PYODIDE_FILES, PYODIDE_VERSION, BuildError  # noqa: E402
from builder.wheel import build_wheel, runtime_bundle  # noqa: E402

from calculator import catalogue, regions  # noqa: E402
from calculator._policy_checks import iter_parameters  # noqa: E402
from calculator.policy_files import bundle_json, load_policies  # noqa: E402


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("site"))


def test_the_build_passes_its_own_check(site: Path) -> None:
    assert check_output(site) == []
    seconds = build_seconds()
    if seconds is not None:
        print(f"\nbuild time (python build.py build, cold jieba cache aside): {seconds:.1f} s")


def test_every_region_has_a_guide_in_chinese_and_in_english(site: Path) -> None:
    for region in regions():
        for lang, root in (("zh", site), ("en", site / "en")):
            page = root / "regions" / region["id"] / "index.html"
            assert page.exists(), page
            html = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in html
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
            assert h1 and region["name"][lang] in html_lib.unescape(h1.group(1)), (page, h1 and h1.group(1))
    for rel in ("index.html", "guide/dental/index.html", "estimate/index.html", "sources/index.html"):
        assert (site / rel).exists() and (site / "en" / rel).exists(), rel


def test_a_region_page_lists_every_parameter_with_date_source_and_confidence(site: Path) -> None:
    bundle = load_policies()
    sources = {s.id: s for s in bundle.sources}
    zibo = next(r for r in bundle.regions if r.id == "zibo")
    html = (site / "regions" / "zibo" / "index.html").read_text(encoding="utf-8")
    for path, param in iter_parameters(zibo):
        assert f'id="{path.replace(".", "-")}"' in html and f"<code>{path}</code>" not in html, path  # anchored, no internal key shown
        for dated in param.values:
            assert dated.start.isoformat() in html
            for source_id in dated.source_ids:
                title = sources[source_id].title.zh.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")
                assert title in html, source_id
    assert "yb-conf-unverified" in html and 'class="admonition warning"' in html
    assert "yb-conf-unverified" in (site / "en" / "regions" / "zibo" / "index.html").read_text(encoding="utf-8")


def test_the_coverage_page_shows_every_region_in_both_languages_with_a_link_to_its_guide(site: Path) -> None:
    for root, words in ((site, ("无法估算", "范围")), (site / "en", ("not estimable", "range"))):
        html = (root / "coverage" / "index.html").read_text(encoding="utf-8")
        assert all(word in html for word in words)
        for region in regions():
            if region["id"] != "cn":
                assert f'href="../regions/{region["id"]}/"' in html, region["id"]


def test_the_estimator_page_embeds_the_regions_and_the_catalogue(site: Path) -> None:
    for root, lang in ((site, "zh"), (site / "en", "en")):
        html = (root / "estimate" / "index.html").read_text(encoding="utf-8")
        data = json.loads(re.search(r'<script type="application/json" id="yb-data">(.*?)</script>', html, re.S).group(1))
        assert data["lang"] == lang
        ids = [r["id"] for r in data["regions"]]
        assert sorted(ids) == [r["id"] for r in regions()] and ids[0] == "cn"  # tree order, parents first
        parents = {r["id"]: r["parent"] for r in regions()}
        assert all(ids.index(parents[i]) < ids.index(i) for i in ids if parents[i])
        assert [p["code"] for p in data["catalogue"]] == [p["code"] for p in catalogue()]
        assert 'type="module"' in html and "assets/estimator/app.js" in html
    # only the estimator page loads the worker's module
    assert "app.js" not in (site / "regions" / "zibo" / "index.html").read_text(encoding="utf-8")


def test_pages_load_no_fonts_and_do_not_use_instant_navigation(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert "navigation.instant" not in config["features"]
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_chinese_search_is_segmented_and_keeps_english_words(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["pipeline"] == ["stopWordFilter"]
    assert "\\u200b" in index["config"]["separator"]  # a regex escape, as the theme expects
    assert any("\u200b明细\u200b" in d["text"] for d in index["docs"])


def _mutate(site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "public"
    shutil.copytree(site, copy)
    page = copy / "regions" / "zibo" / "index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</body>",
        '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">'
        '<img src="http://example.org/pixel.gif" alt="">'
        '<a href="https://example.org/a-source">a source the reader may click</a>'
        '<a href="../nowhere/">broken</a>'
        '<a href="../../sources/#no-such-anchor">missing anchor</a>'
        "</body>",
    )
    page.write_text(html, encoding="utf-8")
    css = copy / "stylesheets" / "yibao.css"
    css.write_text(css.read_text(encoding="utf-8") + '\n.x { background: url("https://example.org/bg.png"); }\n', encoding="utf-8")
    app = copy / "assets" / "estimator" / "app.js"
    app.write_text(app.read_text(encoding="utf-8") + '\nfetch("https://api.example.com/track");\n', encoding="utf-8")
    bundle = next((copy / "assets" / "javascripts").glob("bundle.*.min.js"))
    bundle.write_text(bundle.read_text(encoding="utf-8") + '\nimport("https://esm.example.com/x.mjs");\n', encoding="utf-8")
    wheel = next((copy / "assets" / "packages").glob("*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    (copy / "en" / "sources" / "index.html").unlink()
    return copy


def test_the_check_fails_on_what_the_browser_would_load_from_elsewhere_and_on_broken_output(site: Path, tmp_path: Path) -> None:
    problems = "\n".join(check_output(_mutate(site, tmp_path)))
    expected = [
        "regions/zibo/index.html: <script src> loads an off-site URL: https://cdn.jsdelivr.net/npm/x.js",
        "regions/zibo/index.html: <link rel=stylesheet> loads an off-site URL: //fonts.googleapis.com/css?family=Roboto",
        "regions/zibo/index.html: <img src> loads an off-site URL: http://example.org/pixel.gif",
        "regions/zibo/index.html: broken link: ../nowhere/",
        "regions/zibo/index.html: link to a missing anchor: ../../sources/#no-such-anchor",
        "stylesheets/yibao.css: CSS loads an off-site URL: https://example.org/bg.png",
        "assets/estimator/app.js: JavaScript names an off-site URL: https://api.example.com/track",
        "assets/estimator/app.js: JavaScript loads an off-site URL: https://api.example.com/track",
        "JavaScript loads an off-site URL: https://esm.example.com/x.mjs",
        "differs from the lock's",
        "page sources/index.html exists in zh but not in en",
        "en/index.html: broken link:",  # the English nav links to the removed page
    ]
    for text in expected:
        assert text in problems, f"{text!r} not reported in:\n{problems}"
    assert "a-source" not in problems  # a plain link to a source is fine


def test_the_wheel_is_reproducible_and_carries_the_validated_bundle(tmp_path: Path) -> None:
    text = bundle_json(load_policies())
    first = build_wheel(text, tmp_path / "a")
    second = build_wheel(text, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        names = zf.namelist()
        carried = zf.read("calculator/_data/bundle.json").decode("utf-8")
        assert carried == runtime_bundle(text) and len(carried) < len(text)
        assert '"note"' not in carried and '"research"' not in carried  # prose the engine never reads
        # bytecode for Pyodide's CPython (issue 4), never the build-time YAML loader or the CLI
        assert "calculator/__init__.pyc" in names and not [n for n in names if n.endswith(".py")]
        assert "calculator/policy_files.pyc" not in names and "calculator/_cli.pyc" not in names
        assert not [n for n in names if "__pycache__" in n]
        record = zf.read(next(n for n in names if n.endswith("/RECORD"))).decode()
        for line in record.splitlines():
            name, digest, _size = line.split(",")
            if digest:
                import base64

                data = zf.read(name)
                assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), name


def test_the_lock_lists_only_the_calculator_with_its_sha256(site: Path) -> None:
    lock = json.loads((site / PACKAGES_DIR / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert list(lock["packages"]) == ["yibao-calculator"]
    package = lock["packages"]["yibao-calculator"]
    wheel = site / PACKAGES_DIR / package["file_name"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == package["sha256"]
    assert package["imports"] == ["calculator"] and package["depends"] == []
    assert lock["info"]["python"].startswith("3.14")
    shipped = [p.name for p in (site / PYODIDE_DIR).iterdir() if p.suffix not in (".br", ".gz")]  # + compressed siblings
    assert sorted(shipped) == sorted([*PYODIDE_FILES, "SHA256SUMS"])


def test_a_pyodide_tarball_that_is_not_the_pinned_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "npm" / f"pyodide-{PYODIDE_VERSION}.tgz"
    fake.parent.mkdir()
    fake.write_bytes(b"not the pinned tarball")
    monkeypatch.setattr(pyodide_runtime, "CACHE", tmp_path)
    with pytest.raises(BuildError, match="integrity"):
        pyodide_runtime.pyodide_tarball()
    assert not fake.exists() and fake.with_suffix(".tgz.bad").exists()


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.builds  # a whole build: the longer timeout
@pytest.mark.skipif(not _unshare_works(), reason="needs `unshare --net` (root) to cut the network")
def test_a_second_build_works_with_the_network_cut(site: Path, tmp_path: Path) -> None:
    # `site` was built first, so Pyodide is in the cache; this build runs with no network at all
    out = tmp_path / "offline"
    proc = subprocess.run(
        ["unshare", "--net", "--", sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "assets" / "pyodide").exists() and (out / "en" / "estimate" / "index.html").exists()


def test_the_build_imports_only_the_standard_library_at_module_level() -> None:
    # build.py must start on a bare python3 to create its own environment
    for path in [ROOT / "build.py", *sorted((ROOT / "site" / "builder").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("builder")):
                continue  # the build's own modules
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    top = name.split(".")[0]
                    assert top == "__future__" or top in sys.stdlib_module_names, f"{path.name}: {name}"


@pytest.mark.builds  # build.py check (a fresh clone makes .venv first)
def test_check_prints_the_policy_summary() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "values by confidence: official" in out
    assert "regions verified more than 12 months ago" in out
    for region in regions():
        assert re.search(rf"^{region['id']}\s", out, re.M), region["id"]


def test_an_unknown_command_is_refused() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "deploy"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "unknown command 'deploy'" in proc.stderr


def _texts_in_both_languages(node: object, path: str = "") -> list[str]:
    """Where a reader-facing text in the site's YAML is not a zh and en string pair (an
    unquoted comma in a YAML flow mapping cuts an English text short and makes a stray key)."""
    problems = []
    if isinstance(node, dict):
        if "zh" in node or "en" in node:
            bad = set(node) != {"zh", "en"} or not all(isinstance(v, (str, list)) and v for v in node.values())
            if bad:
                problems.append(f"{path}: {node!r}")
        for key, value in node.items():
            if value is None:
                problems.append(f"{path}.{key}: empty")
            problems += _texts_in_both_languages(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            problems += _texts_in_both_languages(value, f"{path}[{i}]")
    return problems


@pytest.mark.parametrize("name", ["labels.yaml", "guides/glossary.yaml"])
def test_every_text_of_the_site_is_a_whole_zh_and_en_pair(name: str) -> None:
    import yaml

    data = yaml.safe_load((ROOT / "site" / name).read_text(encoding="utf-8"))
    assert _texts_in_both_languages(data) == []
    # the checker itself: the comma mistake it exists for is caught
    assert _texts_in_both_languages(yaml.safe_load("a: {zh: 甲, en: one, two}")) != []
