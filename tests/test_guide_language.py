"""The built guides read in one language each, and carry what a patient needs.

Chinese pages are Chinese throughout: a run of three or more Latin words that is not a URL, a
code or a name fails (English notes leaked into zh pages once). English pages carry Chinese
names and document numbers, never Chinese prose (a run with Chinese punctuation). And every
section a patient needs (finding a designated institution, the e-certificate, filing for care
elsewhere, the documents of a manual claim, the hotlines, chronic diseases, the personal account
and dental work) is on the Zibo page and the national page in both languages, with its sources
and confidence."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from yibao_site import built_site  # noqa: E402

#: Words that are names or codes, not English prose (kept short on purpose: a new entry needs a
#: reason). Hyphenated or dotted tokens (parents-medical-helper, qebk.com) count as one word.
NAMES = {"Yibao", "Dental", "Tribune", "App", "LawRefBook", "Laws"}

_LATIN_RUN = re.compile(r"[A-Za-z][\w'’.\-/]*(?:[ \u00a0,:;&()]+[A-Za-z][\w'’.\-/]*){2,}")
_CHINESE_PROSE = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff\u3000-\u303f\uff00-\uffef0-9]*[，。；！？][\u3400-\u9fff\u3000-\u303f\uff00-\uffef0-9]*")
_URL = re.compile(r"^(?:https?://|www\.)|\.(?:com|cn|org|net|html?)\b")


class _Text(HTMLParser):
    """A page's reader-visible text (no script, style, code or SVG)."""

    SKIP = {"script", "style", "code", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in self.SKIP and self.depth > 0

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)



def english_runs(text: str) -> list[str]:
    """Runs of three or more Latin words that are not URLs, codes or names (a quoted English
    search query is English on a Chinese page too)."""
    out = []
    for run in _LATIN_RUN.findall(text):
        words = [w for w in re.split(r"[ \u00a0,:;&()]+", run) if w]
        prose = [w for w in words if w not in NAMES and not _URL.search(w) and not any(c.isdigit() for c in w)]
        if len(prose) >= 3:
            out.append(run)
    return out


def chinese_prose(text: str) -> list[str]:
    return _CHINESE_PROSE.findall(text)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("site"))


def _guide_pages(site: Path) -> list[Path]:
    skip = ("pyodide/", "packages/", "assets/", "en/pyodide/", "en/packages/", "en/assets/")
    return [p for p in sorted(site.rglob("*.html")) if not p.relative_to(site).as_posix().startswith(skip)]


def test_the_detectors_catch_what_leaked_before() -> None:
    assert english_runs("说明 No official document of the Zibo Healthcare Security Bureau was found")
    assert english_runs("数字来源 Set by: set here")
    assert not english_runs("转载 parents-medical-helper 项目的资料页，见 https://www.nhsa.gov.cn/art/2022 和 qebk.com")
    assert not english_runs("Dental Tribune：中国为种植牙费用设上限；医保发〔2022〕22号")
    assert english_runs("用“成都 职工医保”“Chengdu basic medical insurance”等词查找")
    assert chinese_prose("Note: 生效日期不详，来源网页没有日期。")
    assert not chinese_prose("the national app (国家医保服务平台) and 医保发〔2022〕22号")


@pytest.mark.timeout(900)
def test_chinese_pages_have_no_english_prose_and_english_pages_no_chinese_prose(site: Path) -> None:
    problems = []
    pages = _guide_pages(site)
    assert len(pages) >= 30
    for page in pages:
        rel = page.relative_to(site).as_posix()
        text = page_text(page.read_text(encoding="utf-8"))
        found = chinese_prose(text) if rel.startswith("en/") else english_runs(text)
        problems += [f"{rel}: {f[:80]}" for f in found]
    assert problems == [], "\n".join(problems[:40])


#: What a patient needs, per page and language: words that show the section is there.
SECTIONS = {
    "designated lookup": {"zh": "怎样查定点医疗机构", "en": "Finding a designated institution"},
    "e-certificate": {"zh": "激活医保电子凭证", "en": "Activating the medical insurance e-certificate"},
    "filing steps": {"zh": "备案的步骤", "en": "Filing, step by step"},
    "manual-claim documents": {"zh": "出院记录", "en": "discharge record"},
    "national hotline": {"zh": "12393", "en": "12393"},
    "chronic diseases": {"zh": "门诊慢特病", "en": "Chronic and special outpatient diseases"},
    "personal account and dental": {"zh": "自费的牙科费用", "en": "dental costs are never paid by the pooled fund"},
}

ZIBO_SECTIONS = {
    "Zibo hotline": {"zh": "0533-3120000", "en": "0533-3120000"},
    "Zibo filing in the mini program": {"zh": "在“淄博医保”微信小程序里备案", "en": "Filing in the Zibo medical insurance WeChat mini program"},
    "Zibo documents": {"zh": "就医后到医保窗口结算报销要带", "en": "settling at the insurance counter after treatment"},
    "Zibo payment": {"zh": "报销款可以在医保窗口领取", "en": "collect the money at the counter"},
    "Zibo chronic diseases": {"zh": "淄博职工门诊慢特病", "en": "Chronic and special outpatient diseases for Zibo employees"},
    "Zibo personal account and dental": {"zh": "没有找到淄博的规定，不知道", "en": "no Zibo rule was found, so it is unknown"},
}


def _items(html: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", html, flags=re.S)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("page", ["guide/dental", "regions/zibo"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_section_a_patient_needs_is_there_with_sources_and_confidence(site: Path, page: str, lang: str) -> None:
    html = (site / ("en/" if lang == "en" else "") / page / "index.html").read_text(encoding="utf-8")
    items = _items(html)
    wanted = {**SECTIONS, **(ZIBO_SECTIONS if page == "regions/zibo" else {})}
    for name, words in wanted.items():
        found = [i for i in items if words[lang] in i]
        assert found, f"{page} ({lang}): no line for {name}"
        # a source without an address (the project's seed texts) is named, not linked
        assert any("yb-cite" in i and "yb-conf" in i for i in found), f"{page} ({lang}): {name} has no source or confidence"
    assert 'href="tel:12393"' in html and (page != "regions/zibo" or 'href="tel:05333120000"' in html)
