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


def test_search_on_the_chinese_site_finds_a_latin_name(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    hits = search(page, "LawRefBook")  # the statute mirror named in the Social Insurance Law source's note
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


# --- issue 5: the national steps and checklist, the glossary, the dental FAQ, region guides ------

#: The glossary anchors shared with the estimator (its explanation steps link to them).
GLOSSARY_IDS = (
    "deductible", "pooled-fund", "fund-ratio", "annual-cap", "categories", "category-b-first-pay",
    "policy-scope", "cross-region-filing", "serious-illness", "supplementary", "medical-assistance",
    "personal-account", "designated-institution", "itemised-statement", "direct-settlement", "price-ceiling",
)


def _pdf_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_every_glossary_term_has_its_anchor_definition_and_sources_in_both_languages(browser: Any, server: str) -> None:
    page = browser.new_page()
    for lang_root in ("", "en/"):
        page.goto(server + lang_root + "guide/glossary/")
        for term in GLOSSARY_IDS:
            heading = page.locator(f"h2#{term}")
            assert heading.count() == 1, (lang_root, term)
            # the section up to the next term: a definition, how it is calculated, sources, confidence
            section = heading.evaluate(
                "h => { const out = []; for (let e = h.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) out.push(e.outerHTML); return out.join(''); }"
            )
            assert 'class="yb-cite"' in section and "yb-conf-" in section, (lang_root, term, section[:300])
            assert ("怎样进入计算" if not lang_root else "How it enters the calculation") in section, (lang_root, term)
    # the pointer to a region's number leads to that number on the region page
    page.goto(server + "guide/glossary/")
    link = page.locator("h2#deductible ~ p a[href*='regions/zibo/#']").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**/regions/zibo/#*")
    anchor = href.split("#", 1)[1]
    assert "deductible" in anchor and page.locator(f"[id='{anchor}']").count() == 1
    page.close()


def test_the_guides_link_a_glossary_term_where_it_first_appears(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "guide/dental/")
    links = page.locator("article a.yb-term[href$='#deductible']")
    assert links.count() == 1  # once per page, at the first appearance
    first = page.evaluate("() => document.querySelector('article').textContent.indexOf('起付标准')")
    linked = page.evaluate("() => { const a = document.querySelector(\"article a.yb-term[href$='#deductible']\"); const r = document.createRange(); r.setStart(document.querySelector('article'), 0); r.setEndBefore(a); return r.toString().length; }")
    assert linked == first
    links.first.click()
    page.wait_for_url(server + "guide/glossary/#deductible")
    page.close()


def test_the_national_steps_are_numbered_with_sources_and_confidence(browser: Any, server: str) -> None:
    page = browser.new_page()
    for lang_root, word in (("", "第"), ("en/", "Step")):
        page.goto(server + lang_root + "guide/dental/")
        steps = page.locator("article h2[id^='step-']")
        ids = steps.evaluate_all("hs => hs.map(h => h.id)")
        assert ids == ["step-policy", "step-designated", "step-documents", "step-statement", "step-claim", "step-payment"]  # the seed's six
        assert all(t.startswith(word) for t in steps.all_inner_texts())
        for step in ids:  # every step shows sourced items, each with a confidence badge
            items = page.locator(f"h2#{step} ~ ul").first.locator("> li")
            assert items.count() >= 1, step
            assert items.first.locator(".yb-conf").count() == 1, step
            assert items.first.locator(".yb-cite").inner_text().startswith(("来源", "Sources")), step
    page.close()


def test_the_checklist_prints_cleanly_on_a4(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "guide/dental/")
    boxes = page.locator("ul.yb-checklist input[type=checkbox]")
    assert boxes.count() >= 10
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".yb-print"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert boxes.first.is_visible() and page.locator("h2#step-policy").is_visible()
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width  # nothing sticks out past the page
    whole = _pdf_pages(page.pdf(format="A4"))
    assert 2 <= whole <= 15, whole
    # "print the checklist only": the button's mode hides everything but the checklist
    page.evaluate("() => document.body.classList.add('yb-print-checklist')")
    assert not page.locator("h2#step-policy").is_visible()
    assert page.locator("h2#checklist").is_visible() and boxes.last.is_visible()
    only = _pdf_pages(page.pdf(format="A4"))
    assert 1 <= only <= 2 and only < whole, (only, whole)
    page.emulate_media(media="screen")
    page.evaluate("() => document.body.classList.remove('yb-print-checklist')")
    assert page.locator(".md-header").is_visible()
    page.close()


def test_the_dental_faq_answers_with_sources_confidence_and_the_implant_price_caps(browser: Any, server: str) -> None:
    page = browser.new_page()
    for lang_root in ("", "en/"):
        page.goto(server + lang_root + "guide/dental-faq/")
        for q in ("covered", "implants", "orthodontics", "dentures", "fillings", "root-canal", "extraction", "cleaning"):
            assert page.locator(f"h2#{q}").count() == 1, (lang_root, q)
        cites = page.locator("article p.yb-cite")
        assert cites.count() == page.locator("article h2[id]").count() >= 8  # one per answer
        assert cites.evaluate_all("ps => ps.every(p => p.querySelector('.yb-conf') && /^(来源|Sources)/.test(p.textContent))")
        implants = page.locator("h2#implants ~ p").first.inner_text()
        assert "4,500" in implants and "20" in implants
        # the implant service row carries its price range with its source, from the catalogue
        row = page.locator("article tr", has_text="3500–5400")  # D-IMPLANT-SERVICE, only under #implants
        assert row.count() == 1 and row.locator("a.yb-src").count() == 1
    page.close()


def test_a_region_guide_shows_its_checklist_weak_data_and_a_preset_estimator_link(browser: Any, server: str) -> None:
    import json
    from urllib.parse import unquote

    page = browser.new_page()
    page.goto(server + "regions/zibo/")
    lines = page.locator("h2#checklist ~ ul.yb-checklist").first.locator("li")
    assert lines.count() >= 3
    texts = lines.all_inner_texts()
    assert any("淄博" in t for t in texts[:2])  # the region's own lines come first…
    assert any("沿用" in t for t in texts)  # …then the ones inherited from above
    assert lines.locator(".yb-conf-unverified").count() >= 1  # weak data is marked to the reader
    assert "未核实" in page.locator("h2#checklist ~ p").first.inner_text()
    link = page.locator("a.md-button[href*='estimate/#']").first
    assert json.loads(unquote(link.get_attribute("href").split("#", 1)[1])) == {"region": "zibo"}
    link.click()
    page.wait_for_url("**/estimate/#*")
    assert "region" in unquote(page.evaluate("location.hash"))
    page.close()


def test_the_language_switch_keeps_the_place_on_the_page(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "guide/dental-faq/#implants")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    page.wait_for_url(server + "en/guide/dental-faq/#implants")
    # on the estimator the fragment is the reader's inputs: they go along too
    page.goto(server + 'estimate/#%7B%22region%22%3A%22zibo%22%7D')
    page.wait_for_timeout(300)
    hash_before = page.evaluate("location.hash")
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="en"]')
    page.wait_for_url("**/en/estimate/**")
    assert page.evaluate("location.hash") == hash_before
    page.close()


def test_the_home_page_leads_a_phone_user_to_the_estimator_the_steps_and_a_region(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    start = page.locator(".yb-start a.md-button")
    assert start.count() == 3
    hrefs = start.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("estimate/" in h for h in hrefs) and any("guide/dental/" in h for h in hrefs)
    for i in range(3):  # the three ways in sit on the first screen, full width, not cut
        box = start.nth(i).bounding_box()
        assert box["y"] + box["height"] <= 812 and box["width"] >= 300, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.locator("article a[href$='regions/zibo/']").click()
    page.wait_for_url(server + "regions/zibo/")
    context.close()


def test_every_page_has_its_front_matter_read_not_printed(site: Any) -> None:
    """A page whose front matter is not valid YAML shows it as text (and loses its title)."""
    import re

    pages = [p for p in site.rglob("*.html") if "assets" not in p.parts and p.name != "404.html"]
    assert len(pages) >= 30
    for path in pages:
        html = path.read_text(encoding="utf-8")
        article = html.split("<article", 1)[1]
        assert not re.search(r"<p>\s*title:", article), path
        if {"guide", "regions"} & set(path.parts):  # the guides say what they are to search engines
            assert re.search(r'<meta name="description" content="[^"]+"', html), path


def test_a_region_guide_fits_a_phone_and_leads_with_what_to_do(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 812})
    for lang_root in ("", "en/"):
        page.goto(server + lang_root + "regions/zibo/")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        # what to do first: whom to call, the steps, the checklist; the numbers after them
        tops = page.evaluate("() => ['.yb-call', 'h2#how-to-claim', 'h2#checklist', 'h2#numbers'].map(s => document.querySelector(s).getBoundingClientRect().top)")
        assert tops == sorted(tops), tops
        assert page.locator(".yb-call a[href='tel:05333120000']").count() >= 1 and page.locator("a[href='tel:12393']").count() >= 1
        assert page.evaluate("() => document.documentElement.scrollHeight") < 15000  # was ~29,800 px
        text = page.inner_text("article")
        assert "rules." not in text and "D-IMPLANT" not in text  # no internal keys or codes
        # every parameter table, opened, fits the screen, with its start, sources and confidence above it
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
        widths = page.evaluate("() => [...document.querySelectorAll('article table')].map(t => t.getBoundingClientRect().width)")
        assert widths and max(widths) <= 375, widths
        dated = page.locator("details.yb-params p.yb-dated")
        assert dated.count() >= 10
        assert dated.evaluate_all("ps => ps.every(p => p.querySelector('.yb-conf') && p.textContent.includes(p.closest('html').lang.startsWith('zh') ? '来源' : 'Sources'))")
    page.close()
