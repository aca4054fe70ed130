"""Accessibility in Chromium: axe-core (pinned, injected by the test, never shipped) finds no
violation on any page of the built site, in either language; the keyboard alone reaches a
glossary term and the language switch, which opens the same page at the same term."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from axe import axe_script, describe, run_axe
from yibao_site import swept


def built_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a URL path from the site root (``en/guide/…/``)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            continue
        pages.append(rel.removesuffix("index.html"))
    return pages


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def test_axe_as_injected_does_report_a_violation(server: str, page: Any, axe: str) -> None:
    """The check below would pass vacuously if axe never ran: a page with an unlabelled image
    and an unnamed button must fail."""
    page.goto(server)
    page.evaluate("() => { document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"data:,\"><button></button>'); }")
    found = {v["id"] for v in run_axe(page, axe)}
    assert {"image-alt", "button-name"} <= found, found


@pytest.mark.timeout(600)  # every page in both languages: the longer bound
def test_axe_finds_no_violation_on_any_built_page(site: Path, server: str, page: Any, axe: str) -> None:
    pages = swept(built_pages(site))
    # both languages, every kind of page (the check-output phase makes sure they pair up)
    assert {"", "en/", "guide/glossary/", "en/guide/glossary/", "guide/dental-faq/", "regions/zibo/", "en/estimate/"} <= set(pages), pages
    failures = {}
    for rel in pages:
        page.goto(server + rel)
        page.wait_for_load_state("load")
        violations = run_axe(page, axe)
        if violations:
            failures[rel] = describe(violations)
    assert not failures, f"axe-core found violations on {len(failures)} of {len(pages)} pages:\n" + "\n".join(
        f"{rel or '/'}:\n{text}" for rel, text in failures.items()
    )


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, href: e.getAttribute('href') || '',"
        " lang: e.getAttribute('hreflang') || '', text: e.textContent.trim()}; }"
    )


def test_the_keyboard_alone_leads_to_a_term_and_to_the_same_term_in_english(page: Any, server: str) -> None:
    page.goto(server + "guide/glossary/")
    for _ in range(120):  # forward through the header and the navigation to the list of terms
        page.keyboard.press("Tab")
        if _focused(page)["href"] == "#deductible":
            break
    else:
        pytest.fail("Tab never reached the glossary's link to #deductible")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "guide/glossary/#deductible")
    for _ in range(200):  # back up to the language switch in the header
        page.keyboard.press("Shift+Tab")
        if _focused(page)["lang"] == "en":
            break
    else:
        pytest.fail("Shift+Tab never reached the language switch")
    assert page.is_visible('a.md-select__link[hreflang="en"]')  # the menu opens on focus
    page.keyboard.press("Enter")
    page.wait_for_url(server + "en/guide/glossary/#deductible")
    assert page.inner_text("h2#deductible").startswith("Deductible")


def test_a_checklist_line_is_ticked_with_the_keyboard(page: Any, server: str) -> None:
    page.goto(server + "guide/dental/#checklist")
    box = page.locator("ul.yb-checklist input[type=checkbox]").first
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type === 'checkbox'"):
            break
    assert box.evaluate("b => b === document.activeElement")
    page.keyboard.press("Space")
    assert box.is_checked()
    label = page.locator(f'label[for="{box.get_attribute("id")}"]')
    assert label.inner_text().strip()  # the box has a visible name
