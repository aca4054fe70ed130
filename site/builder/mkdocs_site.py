"""The ``mkdocs`` phase: one MkDocs Material build per language (its config comes from
``site/mkdocs.yml`` plus the per-language settings), assembled into the output."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .context import ESTIMATOR_DIR, LANGS, RUNTIME_DIRS, SITE_SRC, Build, BuildError
from .csp import CSP
from .pyodide_runtime import runtime_paths, runtime_preload

#: How search splits text into words (both languages; see mkdocs_config).
SEARCH_SEPARATOR = r"""[\s\u200b\u3000\-,.;:!?()\[\]"'“”‘’、。，．？！；：（）「」《》【】]+"""


def mkdocs_config(b: Build, lang: str, nav: list[Any]) -> str:
    """The MkDocs config of one language: ``site/mkdocs.yml`` plus the per-language settings."""
    import yaml

    config = yaml.safe_load((SITE_SRC / "mkdocs.yml").read_text(encoding="utf-8"))
    root_prefix = "" if lang == LANGS[0] else "../"  # from this language's root to the site root
    config.update(
        docs_dir=str(b.work / "docs" / lang),
        site_dir=str(b.work / "mkdocs" / lang),
        nav=nav,
        strict=True,
    )
    labels = yaml.safe_load((SITE_SRC / "labels.yaml").read_text(encoding="utf-8"))
    config["site_name"] = labels["site_name"][lang]
    config["theme"].update(language=lang, custom_dir=str(SITE_SRC / "overrides"), font=False)
    config["extra"]["alternate"] = [
        {"name": name, "lang": other, "link": root_prefix + ("" if other == LANGS[0] else f"{other}/")}
        for other, name in (("zh", "中文"), ("en", "English"))
    ]
    config["extra"]["site_root"] = root_prefix
    config["extra"]["estimator_dir"] = ESTIMATOR_DIR
    config["extra"]["runtime_preload"] = runtime_preload()  # site/overrides/estimate.html
    config["extra"]["runtime"] = runtime_paths()
    config["extra"]["csp"] = CSP  # every page's first <meta> (site/overrides/main.html)
    # Words split on spaces and punctuation, ASCII and Chinese; jieba segments Chinese at build
    # time (U+200B between words). No stemmer or trimmer, so English words on the Chinese pages
    # match as typed.
    search = {"pipeline": ["stopWordFilter"], "separator": SEARCH_SEPARATOR}
    config["plugins"] = [{"search": search}]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _mkdocs_one(config_file: str) -> str | None:
    """One language's MkDocs build (in its own process); the error message, or None."""
    import logging
    import warnings

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    log = logging.getLogger("mkdocs")
    log.setLevel(logging.WARNING)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("  mkdocs %(levelname)s: %(message)s"))
        log.addHandler(handler)
    try:
        mkdocs_build(load_config(config_file=config_file))
    except Abort as exc:
        return str(exc)
    finally:
        sys.stdout.flush()
    return None


def phase_mkdocs(b: Build) -> None:
    """One MkDocs Material build per language, assembled into ``out/``: zh at the root, en in
    ``en/``; the estimator's JS and CSS are shared at ``assets/estimator/``. Keeps the runtime
    folders the wheel and pyodide phases wrote (:data:`RUNTIME_DIRS`).

    The languages build at the same time, one process each (where there is more than one core):
    MkDocs renders a page in one thread, and the pages are most of a build's time."""
    configs = [str(b.work / f"mkdocs-{lang}.yml") for lang in LANGS]
    workers = min(len(configs), os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            errors = list(pool.map(_mkdocs_one, configs))
    else:
        errors = [_mkdocs_one(c) for c in configs]
    for lang, error in zip(LANGS, errors):
        if error is not None:
            raise BuildError(f"mkdocs ({lang}): {error}")
    keep = {d: b.work / "keep" / d for d in RUNTIME_DIRS if (b.out / d).exists()}
    for d, tmp in keep.items():
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        (b.out / d).rename(tmp)
    shutil.rmtree(b.out, ignore_errors=True)
    shutil.copytree(b.work / "mkdocs" / LANGS[0], b.out)
    for lang in LANGS[1:]:
        shutil.copytree(b.work / "mkdocs" / lang, b.out / lang)
        (b.out / lang / "404.html").unlink(missing_ok=True)  # servers use the root 404 page
    shutil.copytree(SITE_SRC / "estimator", b.out / ESTIMATOR_DIR)
    for d, tmp in keep.items():
        (b.out / d).parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(b.out / d)

