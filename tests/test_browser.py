"""The HTML explorer in a real headless Chromium: it draws, searches and shows facts, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.export import export
from kg.store import KGStore

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def explorer(seeds_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "explorer.html"
    with KGStore.open(seeds_store_path, read_only=True) as store:
        export(store, "html", out)
    return out


def test_explorer_in_chromium(explorer: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            remote: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.goto(explorer.as_uri(), timeout=30_000)
            page.wait_for_function("window.cy && window.cy.nodes().length > 0", timeout=20_000)

            assert page.evaluate("cy.nodes().length") > 100
            assert page.evaluate("cy.edges().length") > 100
            # drawn on screen: nodes have finite, distinct rendered positions inside the viewport
            spread = page.evaluate("""(() => { const b = cy.nodes().renderedBoundingBox();
                                        return [b.w, b.h]; })()""")
            assert spread[0] > 200 and spread[1] > 200
            page.screenshot(path=str(ARTIFACTS / "explorer-overview.png"))

            page.fill("#search", "麦积区")
            page.wait_for_function("cy.$(':selected').length === 1", timeout=5_000)
            assert page.evaluate("cy.$(':selected').data('label')") == "麦积区"
            facts = page.inner_text("#facts")
            assert "麦积区" in facts and "620503" in facts
            assert "5800亩" in facts and "完成老果园提升改造" in facts  # an observation with its quote
            assert "000_ba2591f620f4a0fb.txt" in facts  # and its source document

            # the type filter hides indicator nodes
            page.uncheck("#types input[data-type='indicator']")
            assert page.evaluate("cy.nodes('[type = \"indicator\"]').filter(n => n.visible()).length") == 0
            page.check("#types input[data-type='indicator']")

            # a click on a document node shows its title, date and publisher
            page.evaluate("""(() => { const d = cy.nodes('[type = "document"]').filter(
                                 n => n.data('file') === '000_ba2591f620f4a0fb.txt')[0];
                               d.emit('tap'); })()""")
            doc_facts = page.inner_text("#facts")
            assert "2022-05-24" in doc_facts and "麦积区乡村振兴局" in doc_facts

            page.fill("#search", "麦积区")
            page.keyboard.press("Enter")
            page.wait_for_timeout(400)  # the centring animation
            page.screenshot(path=str(ARTIFACTS / "explorer.png"))
            assert not errors, errors
            assert not remote, f"the page fetched remote resources: {remote}"
        finally:
            browser.close()
    assert (ARTIFACTS / "explorer.png").stat().st_size > 10_000
