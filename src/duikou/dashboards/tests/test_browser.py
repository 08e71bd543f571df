"""The workspace as a person uses it, in a real browser: Playwright drives Debian's Chromium.

One journey, step by step, against a live server holding reference data, a small generated data set and
the demo accounts (fixtures in conftest.py): log in → the overview shows its headline cards, four charts
and the map, all drawn → a click on 莎车县 on the map lands on its filtered project list → switching to
English → logging out. Each step leaves a screenshot in the test's tmp_path (printed on failure).

Run alone: `.venv/bin/pytest src/duikou/dashboards/tests/test_browser.py -q` (add `-m "not browser"`
to the usual runs to leave them out). Skipped only when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import re
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from duikou.browser import CHROMIUM, VIEWPORT

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk); "
        "`playwright install` browsers are not used",
        allow_module_level=True,
    )

pytestmark = pytest.mark.browser

# id on the page → name in window.duikouOverview.charts
CHARTS = {
    "chart-funds-by-year": "fundsByYear",
    "chart-supporters": "supporters",
    "chart-categories": "categories",
    "chart-zones": "zones",
    "map": "map",
}
HEADLINE_FIGURES = ["funds.planned", "funds.arrived", "rates.arrival", "projects.total", "people.in_post"]
SHACHE = (77.25, 38.4)  # lon, lat inside 莎车县 (653125), away from the XPCC markers
MIN_DRAWN_PIXELS = 500  # a chart with axes, bars or areas paints far more; an empty canvas paints none

# For one chart container: how many canvas pixels are painted, and how many data items its fullest series
# has (ECharts' own option). SVG rendering counts drawn shapes instead of pixels.
CHART_STATE_JS = """
([id, name]) => {
  const element = document.getElementById(id);
  if (!element) return {exists: false};
  let painted = 0;
  for (const canvas of element.querySelectorAll("canvas")) {
    if (!canvas.width || !canvas.height) continue;
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  }
  const svg = element.querySelector("svg");
  if (svg) painted += svg.querySelectorAll("path, rect, circle, polygon").length * MIN;
  const chart = window.duikouOverview && window.duikouOverview.charts && window.duikouOverview.charts[name];
  let items = 0;
  if (chart && chart.getOption) {
    for (const series of chart.getOption().series || []) items = Math.max(items, (series.data || []).length);
  }
  const drawn = Boolean(chart) && painted >= MIN && items > 0;
  return {exists: true, instance: Boolean(chart), painted, items, drawn};
}
""".replace("MIN", str(MIN_DRAWN_PIXELS))
# True once every chart is drawn; polled by the overview step.
ALL_CHARTS_DRAWN_JS = f"(charts) => charts.every((chart) => ({CHART_STATE_JS.strip()})(chart).drawn)"

# Viewport coordinates of a longitude/latitude on the map chart, or null while the map is not drawn.
MAP_PIXEL_JS = """
([lon, lat]) => {
  const chart = window.duikouOverview && window.duikouOverview.charts && window.duikouOverview.charts.map;
  if (!chart) return null;
  let point = null;
  for (const finder of [{seriesIndex: 0}, {geoIndex: 0}]) {
    try { point = chart.convertToPixel(finder, [lon, lat]); } catch (error) { point = null; }
    if (point && Number.isFinite(point[0]) && Number.isFinite(point[1])) break;
    point = null;
  }
  if (!point) return null;
  const box = document.getElementById("map").getBoundingClientRect();
  return {x: box.left + point[0], y: box.top + point[1], width: box.width, height: box.height};
}
"""


class Journey:
    """The page, the live server and a numbered screenshot at the end of every step, failed or not."""

    def __init__(self, page, base_url: str, screenshots):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.screenshots = screenshots
        self.number = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def overview_url(self) -> re.Pattern:
        return re.compile(re.escape(self.base_url) + r"/(\?.*)?$")

    def log_in(self, world) -> None:
        """The login form, as the demo administrator; lands on the overview."""
        self.page.goto(self.url("/accounts/login/"))
        self.page.fill("#id_username", world.username)
        self.page.fill("#id_password", world.password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(self.overview_url)

    def switch_language(self, code: str) -> None:
        """The language switch: a `[data-language]` button, or a `select[name=language]` and its form."""
        button = self.page.locator(f'[data-language="{code}"]')
        if button.count():
            button.first.click()
            return
        select = self.page.locator("select[name=language]").first
        select.select_option(code)
        select.evaluate("(select) => select.form.requestSubmit()")

    @contextmanager
    def step(self, name: str):
        self.number += 1
        try:
            yield
        finally:
            path = self.screenshots / f"{self.number:02d}-{name}.png"
            try:
                self.page.screenshot(path=path, full_page=True)
            except Exception as error:  # the screenshot must not hide the step's own failure
                print(f"screenshot {path.name} failed: {error}")
            else:
                print(f"screenshot: {path}")

    def chart_states(self) -> dict[str, dict]:
        return {chart: self.page.evaluate(CHART_STATE_JS, [chart, name]) for chart, name in CHARTS.items()}


def english(chinese: str) -> str:
    """The English the catalogue ships for a Chinese interface string (the same text when it has none)."""
    with translation.override("en"):
        return translation.gettext(chinese)


def test_log_in_read_the_overview_drill_into_a_county_switch_to_english_and_log_out(
    page, page_problems, live_server, browser_world, tmp_path
):
    journey = Journey(page, live_server.url, tmp_path)
    world = browser_world
    # The navigation's first entry and the log-out button, as the English catalogue has them.
    english_labels = {chinese: english(chinese) for chinese in ("退出", "概览")}
    untranslated = [chinese for chinese, text in english_labels.items() if text == chinese]
    assert not untranslated, f"no English in the catalogue for {untranslated}"

    with journey.step("login"):
        page.goto(journey.url("/accounts/login/"))
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.fill("#id_username", world.username)
        page.fill("#id_password", world.password)
        page.click("button[type=submit]")
        page.wait_for_url(journey.overview_url)

    with journey.step("overview"):
        page.wait_for_function("() => window.duikouOverview && window.duikouOverview.charts")
        for figure in HEADLINE_FIGURES:
            # The figure is a card itself or sits in one.
            value = page.locator(f'.card[data-figure="{figure}"], .card [data-figure="{figure}"]')
            assert value.count() >= 1, f"headline figure {figure} is not on a card"
            assert value.first.is_visible(), f"headline figure {figure} is hidden"
            text = value.first.inner_text()
            assert re.search(r"\d", text), f"headline figure {figure} shows no number: {text!r}"
        # Every chart drawn: painted pixels on its canvas and data in its ECharts option.
        with suppress(PlaywrightTimeoutError):  # the assertion below says which chart is not drawn
            page.wait_for_function(ALL_CHARTS_DRAWN_JS, arg=list(CHARTS.items()), polling=250)
        states = journey.chart_states()
        not_drawn = {chart: state for chart, state in states.items() if not state.get("drawn")}
        assert not not_drawn, f"charts not drawn (painted pixels, data items): {not_drawn}"

    with journey.step("map-hover"):
        page.locator("#map").scroll_into_view_if_needed()
        page.wait_for_function(MAP_PIXEL_JS, arg=list(SHACHE))
        point = page.evaluate(MAP_PIXEL_JS, list(SHACHE))
        inside = 0 < point["x"] < VIEWPORT["width"] and 0 < point["y"] < VIEWPORT["height"]
        assert inside, f"{world.county_name} is outside the viewport: {point}"
        # Drawn and its entry animation over (ECharts' "finished" event, overview.js), so the tooltip
        # answers the first hover.
        page.locator('#map[data-finished="true"]').wait_for(state="attached")
        page.mouse.move(point["x"], point["y"])  # hover first, as a person does: the tooltip names the county
        page.locator("#map").get_by_text(world.county_name).first.wait_for(state="visible")

    with journey.step("county-list"):
        page.mouse.click(point["x"], point["y"])
        page.wait_for_url(re.compile(r"division"))
        landed = urlsplit(page.url)
        names_the_county = re.compile(rf"\b({world.county_id}|{world.county_code})\b")
        county = f"{world.county_name} ({world.county_code}, id {world.county_id})"
        assert names_the_county.search(f"{landed.path}?{landed.query}"), f"clicked {county}, got {page.url}"

    with journey.step("english"):
        page.goto(journey.url("/"))
        with page.expect_navigation():
            journey.switch_language("en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert journey.overview_url.match(page.url), f"switching language left the overview: {page.url}"
        for chinese, text in english_labels.items():
            assert page.get_by_text(text, exact=True).first.is_visible(), f"{text!r} ({chinese}) is not shown"
            assert page.get_by_text(chinese, exact=True).count() == 0, f"{chinese!r} still shown in English"

    with journey.step("logout"):
        with page.expect_navigation():
            page.locator('form[action*="logout"] [type=submit]').first.click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.locator("#id_username").is_visible()
        page.goto(journey.url("/"))
        assert "/accounts/login/" in page.url, f"the overview is shown after logging out: {page.url}"

    assert not page_problems.errors, "problems on the pages:\n" + "\n".join(page_problems.errors)
