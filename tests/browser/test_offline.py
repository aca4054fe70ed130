"""Offline use and cache-busting (issue 4): after one visit the estimator works with the network
cut, under a sub-path; after a rebuild with a changed calculator the new version is served, its
cache replacing the old one whole, even when the open page keeps requesting files while the new
version installs; the open page then says it runs the previous version and reloads on request."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from estimator_page import pick_region, submit_and_wait
from yibao_site import PRIMED, READY_TIMEOUT_MS, ROOT, SW_ACTIVE, Served, open_estimator, wait_until

from calculator import PolicySet, estimate_json
from calculator.policy_files import bundle_json, load_policies

REQUEST = {
    "region": "zibo", "visit_date": "2026-12-01", "scheme": "employee", "member": "in_service",
    "care": "inpatient", "institution_level": 2, "admission_number": 1,
    "items": [{"code": "D-EXT-IMPACTED", "quantity": 1}, {"name": "住院床位费", "category": "A", "amount": "600"}],
}
CACHES = "async () => (await caches.keys()).filter(n => n.startsWith('yibao-estimator '))"
#: the estimator's snapshot folder in the origin private file system (site/estimator/snapshot.js)
FOLDER = "navigator.storage.getDirectory().then(root => root.getDirectoryHandle('yibao-snapshot ' + encodeURIComponent(new URL('../', location.href).pathname), {create: true}))"
#: where earlier builds kept the snapshot (Cache Storage)
LEGACY = "'yibao-snapshot ' + new URL('../', location.href).pathname"
SNAPSHOTS = f"async () => {{ const names = []; for await (const name of (await {FOLDER}).keys()) names.push(name); return names.filter(n => n.endsWith('.bin')).sort(); }}"
READY = "async () => await window.yibao.ready"
#: On a page opened at "?race" (once per tab): fetch a file the old service worker answers every
#: few ms until 1.5 s after the new version is installed. Chromium asks the old worker to stop
#: as soon as the new one is installed; a request in that moment starts it again, and the new
#: version then waits for minutes (site/estimator/offline.js tells it again to take over).
RACE = """if (location.search === "?race" && !sessionStorage.getItem("raced")) {
  sessionStorage.setItem("raced", "1");
  const file = new URL("../assets/estimator/app.js", location.href);
  let until = Infinity;
  const timer = setInterval(async () => {
    if (performance.now() > until) return clearInterval(timer);
    fetch(file).catch(() => {});
    const registration = await navigator.serviceWorker.getRegistration();
    if (registration && registration.waiting && until === Infinity) until = performance.now() + 1500;
  }, 3);
}"""


def _version(site: Path) -> str:
    match = re.search(r'"version": "([0-9a-f]+)"', (site / "sw.js").read_text(encoding="utf-8"))
    assert match, "sw.js carries no version"
    return match.group(1)


def _changed_site(tmp_path: Path) -> tuple[Path, PolicySet]:
    """The site rebuilt from policies where Zibo's first-admission deductible at level-2
    hospitals is 555 instead of 500: a different calculator wheel (its bundle)."""
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    zibo = policies / "regions" / "zibo.yaml"
    text = zibo.read_text(encoding="utf-8")
    assert "{admission: 1, level: 2, value: 500}" in text
    zibo.write_text(text.replace("{admission: 1, level: 2, value: 500}", "{admission: 1, level: 2, value: 555}"), encoding="utf-8")
    out = tmp_path / "public-b"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(out), "--policies", str(policies)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out, PolicySet.from_json(bundle_json(load_policies(policies)))


def test_after_one_visit_the_estimator_works_offline_and_a_rebuild_replaces_it_whole(browser: Any, site: Path, tmp_path: Path) -> None:
    text = json.dumps(REQUEST, ensure_ascii=False)
    before = json.loads(estimate_json(text))
    changed, changed_policies = _changed_site(tmp_path)
    after = json.loads(estimate_json(text, changed_policies))
    assert before["total"] == after["total"] and before["cash"] != after["cash"], "the change must show in the estimate"

    host = tmp_path / "host"
    host.mkdir()
    mount = host / "yibao"  # hosted under a sub-path
    mount.symlink_to(site, target_is_directory=True)
    served = Served(host)
    context = browser.new_context()
    try:
        base = served.url + "yibao/"
        page = open_estimator(context, base + "estimate/")
        wait_until(page, SW_ACTIVE, "the service worker to activate")
        assert page.evaluate(CACHES) == [f"yibao-estimator /yibao/ {_version(site)}"]
        assert page.query_selector("#yb-updated") is None  # a first install changes nothing on the page
        wait_until(page, f"async () => ({SNAPSHOTS})().then(k => k.length === 1)", "the first build's snapshot to be stored")
        old_snapshot = page.evaluate(SNAPSHOTS)[0]

        context.set_offline(True)  # the network is cut: the reload and Python come from the cache
        page.reload()
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == before
        assert page.evaluate("!!navigator.serviceWorker.controller")

        context.set_offline(False)  # a new build is published at the same place
        mount.unlink()
        mount.symlink_to(changed, target_is_directory=True)
        page.add_init_script(RACE)
        page.goto(base + "estimate/?race")  # the browser checks sw.js, installs the new version (RACE)
        new = f"yibao-estimator /yibao/ {_version(changed)}"
        assert _version(changed) != _version(site)
        wait_until(page, f"async () => JSON.stringify(await ({CACHES})()) === JSON.stringify([{json.dumps(new)}])", "the new version to replace the old cache")

        # the open page, still the old version, says so and offers to reload (offline too)
        page.wait_for_selector("#yb-updated button", timeout=10_000)
        assert "新版本" in page.inner_text("#yb-status")
        # and has had Pyodide's JavaScript compiled from the new version's cache (prime.js)
        wait_until(page, PRIMED, "the page to prime the new cache")
        assert page.evaluate(PRIMED) == "true"
        context.set_offline(True)
        with page.expect_navigation():
            page.click("#yb-updated button")
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == after
        assert page.query_selector("#yb-updated") is None  # the new version's page has nothing to say
        cached = page.evaluate(
            """async (name) => { const cache = await caches.open(name);
                 const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
                 return Promise.all((await cache.keys()).map(async (r) => [new URL(r.url).pathname,
                   hex(await crypto.subtle.digest("SHA-256", await (await cache.match(r)).arrayBuffer()))])); }""",
            new,
        )
        assert any(path.endswith(".whl") for path, _ in cached) and any(path.endswith("/estimate/") for path, _ in cached)
        for path, digest in cached:  # every cached file is the new build's, byte for byte
            rel = path.removeprefix("/yibao/")
            file = changed / (rel + "index.html" if rel.endswith("/") else rel)
            assert hashlib.sha256(file.read_bytes()).hexdigest() == digest, path
        # the new build's memory snapshot replaces the old one (stored a moment after ready)
        wait_until(page, f"async () => ({SNAPSHOTS})().then(k => k.length === 1 && k[0] !== {json.dumps(old_snapshot)})", "the new build's snapshot to replace the old one")
    finally:
        context.close()
        served.close()


def test_a_second_start_restores_the_memory_snapshot_and_a_bad_one_is_dropped(browser: Any, server: str) -> None:
    """The first start leaves a snapshot of Python's memory on the device; the next start
    restores it (no CPython start-up, no imports) and estimates exactly as the engine does; a
    snapshot Pyodide refuses is deleted and Python starts afresh."""
    expected = json.loads(estimate_json(json.dumps(REQUEST, ensure_ascii=False)))
    context = browser.new_context()
    try:
        page = open_estimator(context, server + "estimate/")
        assert page.evaluate(READY)["restored"] is False
        wait_until(page, f"async () => ({SNAPSHOTS})().then(k => k.length === 1)", "the snapshot to be stored")
        key = page.evaluate(SNAPSHOTS)[0]
        assert re.fullmatch(r"snapshot-[0-9a-f]{64}\.bin", key), key

        wheels: list[str] = []
        # (a HEAD is the page's check of the host when a start is slow: calculator.js)
        context.on("request", lambda request: request.url.endswith(".whl") and request.method == "GET" and wheels.append(request.url))
        page.reload()
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate(READY)["restored"] is True
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == expected
        # the whole page works too, from the snapshot alone: the wheel is not unpacked again
        assert wheels == []
        pick_region(page, "北京", "beijing")
        submit_and_wait(page)  # its result, the comparison and the chart
        assert "北京" in page.inner_text("#yb-result")
        assert page.evaluate(SNAPSHOTS) == [key]  # a restored start stores nothing new

        page.evaluate(  # the same key, bytes that are no snapshot
            f"""async (key) => {{ const file = await (await {FOLDER}).getFileHandle(key);
                 const out = await file.createWritable(); await out.write(new Uint8Array(64 << 20)); await out.close(); }}""",
            key,
        )
        page.evaluate(f"async () => (await caches.open({LEGACY})).put('snapshot-old.bin', new Response('old'))")
        page.reload()
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate(READY)["restored"] is False
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == expected
        wait_until(page, f"async () => ({SNAPSHOTS})().then(k => k.length === 1)", "a good snapshot to be stored again")
        assert page.evaluate(f"caches.has({LEGACY})") is False  # an earlier build's copy in Cache Storage is gone
        page.reload()
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate(READY)["restored"] is True
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == expected
    finally:
        context.close()


def _traced_visit(context: Any, url: str) -> list[dict[str, Any]]:
    """Open ``url`` in a new page of ``context`` with Chromium's tracing on (its "v8" category)
    until the estimator is ready; the trace's events."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    events: list[dict[str, Any]] = []
    complete: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda params: events.extend(params["value"]))
    cdp.on("Tracing.tracingComplete", lambda params: complete.append(True))
    cdp.send("Tracing.start", {"traceConfig": {"includedCategories": ["v8"]}, "transferMode": "ReportEvents"})
    page.goto(url)
    page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    cdp.send("Tracing.end")
    for _ in range(150):
        if complete:
            break
        page.wait_for_timeout(200)
    assert complete, "the trace did not complete"
    return events


def test_after_the_first_install_the_next_start_runs_pyodide_from_compiled_javascript(browser: Any, server: str) -> None:
    """Chromium stores compiled code for a cached script only from the second time it compiles
    it. Once the service worker has installed, the page has Pyodide's JavaScript compiled from
    the new cache (prime.js), so the very next start uses compiled code for pyodide.asm.mjs
    (1.25 MB), its module factory included, instead of compiling it again."""
    context = browser.new_context()
    try:
        page = open_estimator(context, server + "estimate/")
        wait_until(page, SW_ACTIVE, "the service worker to activate")
        wait_until(page, PRIMED, "the page to prime the new cache")
        assert page.evaluate(PRIMED) == "true"

        events = _traced_visit(context, server + "estimate/")
        compiled = [e["args"]["data"] for e in events
                    if e.get("name") == "v8.compileModule" and e["args"].get("data", {}).get("url", "").endswith("/pyodide.asm.mjs")]
        assert compiled, "the trace shows no compilation of pyodide.asm.mjs"
        # The factory's code is in the cache: without it a cache holds only the module's top level
        # (~20 KB here), with it ~700 KB.
        assert compiled[0].get("consumedCacheSize", 0) > 300_000, compiled[0]
        assert compiled[0].get("cacheRejected") is False, compiled[0]
    finally:
        context.close()


def test_after_one_visit_the_other_language_and_the_guides_read_work_offline(browser: Any, server: str) -> None:
    """One visit to the Chinese estimator installs both languages' estimator; a guide page read
    after it (while online) is kept and comes back with the network cut; one never read does not."""
    expected = json.loads(estimate_json(json.dumps(REQUEST, ensure_ascii=False)))
    context = browser.new_context()
    try:
        page = open_estimator(context, server + "estimate/")
        wait_until(page, SW_ACTIVE, "the service worker to activate")
        page.goto(server + "regions/zibo/")
        title = page.title()
        assert "淄博" in title, title

        context.set_offline(True)
        page.goto(server + "en/estimate/")
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("r => window.yibao.estimate(r)", REQUEST) == expected
        page.goto(server + "regions/zibo/")
        assert page.title() == title
        # its theme's stylesheet came too (the estimator's copy: the same file)
        assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.includes('/main.') && s.cssRules.length > 100)")
        try:
            page.goto(server + "regions/jinan/")
            unread = page.title()
        except Exception as error:  # noqa: BLE001 - the browser's network error is what is expected
            unread = str(error)
        assert "济南" not in unread, unread
    finally:
        context.close()


def test_the_build_check_fails_on_a_page_loading_a_file_the_service_worker_does_not_keep(site: Path, tmp_path: Path) -> None:
    """sw.js keeps pages as they are read and what they load from its precache: a page loading
    anything else would lack it offline, and the build's check says which page and file."""
    from builder.offline import offline_problems

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    assert offline_problems(copy) == []
    (copy / "assets" / "extra.png").write_bytes((copy / "assets" / "images" / "favicon.png").read_bytes())
    page = copy / "regions" / "zibo" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", '<img src="../../assets/extra.png" alt=""></body>'), encoding="utf-8")
    assert offline_problems(copy) == ["regions/zibo/index.html loads assets/extra.png, which sw.js does not keep: offline the page would lack it"]
