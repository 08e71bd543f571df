"""Screenshots of the main pages of a running Duikou, for docs/screenshots/ (see its README.md).

Start the demo in one terminal (`make demo`), then in another::

    make screenshots                       # or: .venv/bin/python tools/screenshots.py
    .venv/bin/python tools/screenshots.py --url http://127.0.0.1:8001 --page supporter=/supporters/1/

It logs in (the demo administrator unless --username / --password say otherwise), and saves PNGs of the
overview, the map, the county list reached by clicking 莎车县 on the map, the supporter index, a supporter's
page, 莎车县's page, the project list and a project (the largest of 莎车县), the ledger, the roster and a
pairing page.
Extra pages: `--page NAME=/path/` (repeatable) saves NAME.png. The browser is Debian's Chromium
(/usr/bin/chromium, package `chromium`; install `fonts-noto-cjk` for the Chinese text), driven by Playwright.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from duikou.browser import CHROMIUM, VIEWPORT, launch_chromium

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
DEMO_USERNAME, DEMO_PASSWORD = "admin", "duikou-admin-2026"  # `duikou demo-accounts`
DATA_SET_LAST_DAY = "2025-12-31"  # the demo data set's as-of day (duikou.demo.generator.AS_OF)
SHACHE = (77.25, 38.4)  # lon, lat inside 莎车县
FULL_PAGE_HEIGHT = 1_800  # px; a longer page is cut here (the overview fits)
LIST_HEIGHT = 1_000  # px; a list is shown by its first rows
SIZE_WARNING = 400 * 1024  # bytes; the README asks to keep each committed PNG below this
CHART_NAMES = ["fundsByYear", "supporters", "categories", "zones", "map"]

CHARTS_READY_JS = """
(names) => {
  const charts = window.duikouOverview && window.duikouOverview.charts;
  return Boolean(charts) && names.every((name) => charts[name] && !charts[name].isDisposed());
}
"""
MAP_PIXEL_JS = """
([lon, lat]) => {
  const chart = window.duikouOverview && window.duikouOverview.charts && window.duikouOverview.charts.map;
  if (!chart) return null;
  for (const finder of [{seriesIndex: 0}, {geoIndex: 0}]) {
    let point = null;
    try { point = chart.convertToPixel(finder, [lon, lat]); } catch (error) { point = null; }
    if (point && Number.isFinite(point[0]) && Number.isFinite(point[1])) {
      const box = document.getElementById("map").getBoundingClientRect();
      return {x: box.left + point[0], y: box.top + point[1]};
    }
  }
  return null;
}
"""


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server (make demo)")
    parser.add_argument("--username", default=DEMO_USERNAME)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the PNGs (docs/screenshots)")
    parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"], help="interface language")
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="NAME=/path/",
        help="also save NAME.png of this page (repeatable), e.g. supporter=/supporters/1/",
    )
    return parser.parse_args(argv)


class Shooter:
    def __init__(self, page: Page, base_url: str, output: Path):
        self.page = page
        self.base_url = base_url.rstrip("/") + "/"
        self.output = output
        self.saved: list[Path] = []

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def save(self, name: str, *, element: str | None = None, max_height: int = FULL_PAGE_HEIGHT) -> None:
        """Save NAME.png: the element, or the page from its top down to `max_height` pixels."""
        path = self.output / f"{name}.png"
        if element:
            self.page.locator(element).first.screenshot(path=path)
        else:
            height = self.page.evaluate("() => document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, max_height)}
            self.page.screenshot(path=path, full_page=True, clip=clip)
        size = path.stat().st_size
        warning = "  (over 400 KB: crop it or take less)" if size > SIZE_WARNING else ""
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"  {shown}  {size // 1024} KB{warning}")
        self.saved.append(path)

    def settle(self) -> None:
        """Wait for the network and for ECharts' entry animations (1 s by default)."""
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(1_500)

    def log_in(self, username: str, password: str, language: str) -> None:
        self.page.goto(self.url("/accounts/login/"))
        if language != "zh-hans":
            self.page.locator(f'[data-language="{language}"]').first.click()
            self.page.wait_for_function(f"() => document.documentElement.lang === '{language}'")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        if "/accounts/login/" in self.page.url:
            raise SystemExit(f"log-in as {username!r} failed: is this the demo database (make demo)?")

    def overview(self) -> None:
        self.page.goto(self.url("/"))
        self.page.wait_for_function(CHARTS_READY_JS, arg=CHART_NAMES, timeout=60_000)
        self.settle()
        self.save("overview")
        # The map's card, header (metric switch) and note included.
        self.page.locator("#map").scroll_into_view_if_needed()
        self.save("map", element=".card:has(#map)")

    def county(self) -> None:
        """Click 莎车县 on the map, as a person does, and keep the page it leads to."""
        self.page.goto(self.url("/"))
        self.page.wait_for_function(MAP_PIXEL_JS, arg=list(SHACHE), timeout=60_000)
        self.page.locator("#map").scroll_into_view_if_needed()
        self.page.locator('#map[data-finished="true"]').wait_for(state="attached")  # drawn, animation over
        point = self.page.evaluate(MAP_PIXEL_JS, list(SHACHE))
        with self.page.expect_navigation():
            self.page.mouse.click(point["x"], point["y"])
        self.settle()
        self.save("county", max_height=LIST_HEIGHT)

    def scoped_pages(self) -> None:
        """The supporter index, one supporter's page (the first in the index) and 莎车县's page."""
        self.page.goto(self.url("/supporters/"))
        self.settle()
        self.save("supporters", max_height=LIST_HEIGHT)
        first = self.page.locator("tr[data-supporter] a").first
        if first.count():
            self.page.goto(urljoin(self.page.url, first.get_attribute("href")))
            self.page.wait_for_function(CHARTS_READY_JS, arg=CHART_NAMES, timeout=60_000)
            self.settle()
            self.save("supporter-page")
        self.page.goto(self.url("/divisions/653125/"))
        self.page.wait_for_function(CHARTS_READY_JS, arg=CHART_NAMES, timeout=60_000)
        self.settle()
        self.save("county-page")

    def registries(self) -> None:
        """The project list, a project (the largest of 莎车县, so its ledger and timeline are full),
        the ledger, the roster and a pairing page."""
        self.page.goto(self.url("/projects/"))
        self.settle()
        self.save("project-list", max_height=LIST_HEIGHT)
        self.page.goto(self.url("/divisions/653125/"))
        top_project = self.page.locator("[data-role=top-projects] tbody a").first
        if top_project.count():
            self.page.goto(urljoin(self.page.url, top_project.get_attribute("href")))
            self.settle()
            self.save("project")
        else:
            print("  莎车县 has no projects: project.png not taken", file=sys.stderr)
        self.page.goto(self.url("/ledger/?kind=arrived"))
        self.settle()
        self.save("ledger", max_height=LIST_HEIGHT)
        self.page.goto(self.url(f"/people/?in_post_on={DATA_SET_LAST_DAY}"))
        self.settle()
        self.save("people", max_height=LIST_HEIGHT)
        self.page.goto(self.url("/pairings/?q=莎车"))
        pairing = self.page.locator("[data-role=results-table] tbody a").first
        if pairing.count():
            self.page.goto(urljoin(self.page.url, pairing.get_attribute("href")))
            self.page.wait_for_function(CHARTS_READY_JS, arg=CHART_NAMES, timeout=60_000)
            self.settle()
            self.save("pairing-page")

    def extra(self, spec: str) -> None:
        name, _, path = spec.partition("=")
        if not name or not path:
            raise SystemExit(f"--page takes NAME=/path/, not {spec!r}")
        self.page.goto(self.url(path))
        self.settle()
        self.save(name)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk", file=sys.stderr)
        return 1
    arguments.output.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"Screenshots of {arguments.url} into {arguments.output}:")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(30_000)
        shooter = Shooter(context.new_page(), arguments.url, arguments.output)
        try:
            shooter.log_in(arguments.username, arguments.password, arguments.language)
            shooter.overview()
            shooter.county()
            shooter.scoped_pages()
            shooter.registries()
            for spec in arguments.page:
                shooter.extra(spec)
        except PlaywrightError as error:
            if "ERR_CONNECTION_REFUSED" in str(error):
                print(f"nothing answers at {arguments.url}: start `make demo` first", file=sys.stderr)
                return 1
            raise
        finally:
            browser.close()
    print(f"{len(shooter.saved)} screenshots in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
