"""The guides in Chromium: search finds a Chinese word from the middle of a sentence (and an
English word on the Chinese site), and the language switcher leads to the same page."""

from __future__ import annotations

from typing import Any

from yibao_site import search


def test_search_finds_a_chinese_word_from_the_middle_of_a_sentence(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    # "明细" sits inside "向医院索要费用明细清单" in the national steps (policies/regions/cn.yaml)
    hits = search(page, "明细")
    assert any("/guide/dental/" in h for h in hits), hits
    page.close()


def test_search_on_the_chinese_site_finds_an_english_word(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    hits = search(page, "statute")  # in the title of the Social Insurance Law source
    assert any("/sources/" in h for h in hits), hits
    assert not any("/en/" in h for h in hits), hits
    page.close()


def test_the_language_switcher_leads_to_the_same_page(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "regions/zibo/")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    page.wait_for_url(server + "en/regions/zibo/")
    assert "Zibo" in page.inner_text("h1")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="zh"]')
    page.wait_for_url(server + "regions/zibo/")
    assert "淄博" in page.inner_text("h1")
    page.close()


def test_an_unverified_number_is_flagged_on_its_region_page(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "regions/zibo/")
    assert page.locator(".admonition.warning").first.is_visible()
    assert page.locator(".yb-conf-unverified").count() > 0
    page.close()
