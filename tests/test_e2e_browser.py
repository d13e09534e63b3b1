"""The dashboard in a real browser: `greatleap app` on a free loopback port, driven by Playwright
through Debian's chromium (never `playwright install`).

Under CI=true these tests must run: a missing browser or asset cache is a failure. Elsewhere they
skip with a message saying how to install what is missing. Screenshots, the server log and the
downloads go to $E2E_ARTIFACTS (default: artifacts/e2e in the repository).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from greatleap.params import PARAMS
from greatleap.visualization import assets

pytestmark = pytest.mark.browser

CI = os.environ.get("CI") == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", ROOT / "artifacts" / "e2e"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
COUNTER = re.compile(r"^Month \d+ of \d+$")
MONTHLY_COLUMNS = {"run", "seed", "date", "year", "month", "population", "deaths", "cdr", "cdr_registered",
                   "harvest_true_kg", "harvest_reported_cadre_kg", "quota_kg", "procurement_kg", "kcal_mean",
                   "kcal_p10", "central_stock_kg", "labour_fields", "cadres_purged_total"}


def unavailable(why: str):
    """Fail under CI (the tests must run there); skip with instructions elsewhere."""
    if CI:
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SHARED: dict[str, list] = {}  # name -> [value, stop, users]


@contextlib.contextmanager
def shared(name: str, start):
    """One server and one browser per pytest process, even when another test module imports these
    fixtures (pytest then holds a second session fixture, and two sync Playwrights cannot run in
    one process)."""
    if name not in _SHARED:
        _SHARED[name] = [*start(), 0]
    entry = _SHARED[name]
    entry[2] += 1
    try:
        yield entry[0]
    finally:
        entry[2] -= 1
        if entry[2] == 0:
            del _SHARED[name]
            entry[1]()


def start_server():
    if assets.missing():
        try:
            assets.fill(log=lambda *_: None)
        except Exception as exc:  # npm absent or offline
            unavailable(f"dashboard assets missing and could not be fetched ({exc}); "
                        "run `python -m greatleap.visualization.assets fill`")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(ARTIFACTS / "server.log", "w")
    cli = Path(sys.executable).with_name("greatleap")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "greatleap"]
    proc = subprocess.Popen(cmd + ["app", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)

    def stop():
        proc.send_signal(signal.SIGTERM)  # by PID, never by name
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url + "readyz", timeout=2).status == 200:
                return url, stop
        if proc.poll() is not None or time.monotonic() > deadline:
            stop()
            raise RuntimeError(f"greatleap app did not become ready; see {ARTIFACTS / 'server.log'}")
        time.sleep(0.2)


def start_browser(request):
    if not Path(CHROMIUM).exists():
        unavailable(f"no chromium at {CHROMIUM}: `apt-get install chromium` (or set CHROMIUM_PATH), "
                    "or run `bash scripts/dev.sh test`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[dev]'")
    # one sync Playwright per process: reuse pytest-playwright's if that plugin is loaded
    if request.config.pluginmanager.has_plugin("playwright"):
        manager = contextlib.nullcontext(request.getfixturevalue("playwright"))
    else:
        manager = sync_playwright()
    pw = manager.__enter__()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except BaseException:
        manager.__exit__(None, None, None)
        raise

    def stop():
        b.close()
        manager.__exit__(None, None, None)

    return b, stop


@pytest.fixture(scope="session")
def server_url():
    with shared("server", start_server) as url:
        yield url


@pytest.fixture(scope="session")
def browser(request):
    with shared("browser", lambda: start_browser(request)) as b:
        yield b


class Tab:
    """One browser context (one student) on the dashboard, recording anything that goes wrong."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        self.context.set_default_timeout(30_000)
        self.problems: list[str] = []
        self.context.route(re.compile(r"^(?!(?:https?|wss?)://127\.0\.0\.1[:/])[a-z]+://"), self._block)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.on("websocket", lambda ws: None if ws.url.startswith("ws://127.0.0.1:") else
                     self.problems.append(f"websocket outside 127.0.0.1: {ws.url}"))
        self.page.goto(url)
        self.page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
        self.grid.wait_for()
        self.charts.wait_for()

    def _block(self, route):
        if route.request.url.startswith(("data:", "blob:")):
            return route.continue_()
        self.problems.append(f"request outside 127.0.0.1: {route.request.url}")
        route.abort()

    @property
    def counter(self):
        return self.page.locator(".gl-counter")

    @property
    def banner(self):
        return self.page.locator(".gl-banner")

    @property
    def grid(self):
        return self.page.locator(".gl-map img").first

    @property
    def charts(self):
        return self.page.locator(".gl-charts canvas").first

    def button(self, name):
        return self.page.get_by_role("button", name=name, exact=True)

    def choose(self, label: str, option: str):
        """Open a Vuetify select by its label and pick an option."""
        field = self.page.locator(".v-select").filter(has=self.page.locator(f"label:text-is('{label}')"))
        field.locator(".v-select__slot").click()
        self.page.locator(".v-menu__content.menuable__content__active").get_by_role(
            "option", name=option, exact=True).click()

    def months(self) -> int:
        return int(self.counter.inner_text().split()[1])

    def set_world_size(self, size: dict[str, int]) -> None:
        """Move the size sliders to `size` by keyboard (Home is the slider's minimum, one step a
        key); a lesson loaded afterwards keeps the world size."""
        from playwright.sync_api import expect

        for name, value in size.items():
            slider = self.page.get_by_role("slider", name=PARAMS[name].label)
            slider.press("Home")
            for _ in range(value - PARAMS[name].low):
                slider.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", str(value))

    def close(self):
        self.context.close()


def shot(locator, timeout: float = 15) -> bytes:
    """Element screenshot that survives the element being replaced by a redraw."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return locator.screenshot(timeout=5_000, animations="disabled")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_changed(locator, before: bytes, timeout: float = 15) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = shot(locator)
        if now != before:
            return now
        time.sleep(0.2)
    raise AssertionError("element did not change")


def wait_still(tab: Tab, quiet: float = 1.0, timeout: float = 15) -> int:
    """The month counter once it has stopped moving (a month in flight at Pause still lands)."""
    deadline = time.monotonic() + timeout
    last, since = tab.months(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = tab.months()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"counter never settled (last {last})")


@pytest.fixture
def tab(browser, server_url):
    t = Tab(browser, server_url)
    yield t
    t.close()
    assert not t.problems, t.problems


def test_play_switch_scenario_compare_and_export(tab):
    from playwright.sync_api import expect

    page = tab.page
    expect(tab.counter).to_have_text("Month 0 of 72")
    expect(page.locator(".gl-monitors")).to_contain_text("Starvation deaths so far")
    grid0, charts0 = shot(tab.grid), shot(tab.charts)

    tab.button("Step").click()
    expect(tab.counter).to_have_text("Month 1 of 72")
    expect(tab.banner).to_contain_text("January 1957 \u2014 ")
    wait_changed(tab.charts, charts0)

    tab.button("Play").click()
    expect(tab.counter).not_to_have_text(re.compile(r"^Month [0-4] of"), timeout=20_000)
    tab.button("Pause").click()
    paused = wait_still(tab)
    assert paused >= 5
    wait_changed(tab.grid, grid0)  # months of hunger and deaths show on the map
    page.screenshot(path=str(ARTIFACTS / "dashboard_played.png"), full_page=True)

    before = shot(tab.grid)
    page.get_by_role("button", name="Standing crop").click()
    expect(page.locator(".gl-legend")).to_contain_text("Standing crop (kg per plot)")
    wait_changed(tab.grid, before)
    page.get_by_role("button", name="Hunger").click()

    tab.choose("Scenario", "Cadres report honestly")
    expect(tab.counter).to_have_text("Month 0 of 72")
    page.get_by_role("button", name="Policy levers").click()
    honest = page.get_by_role("switch", name="Cadres report honestly")
    expect(honest).to_be_checked()

    tab.choose("Compare with", "No dining halls")
    expect(page.locator(".gl-map img")).to_have_count(2)
    expect(page.locator(".gl-map")).to_contain_text(["Cadres report honestly:", "No dining halls:"])
    expect(page.locator('.gl-monitors td[data-monitor="People alive"]')).to_have_count(2)  # both runs
    charts_single = shot(tab.charts)
    round_trips = []
    for month in range(1, 25):
        started = time.monotonic()
        tab.button("Step").click()
        # polled every animation frame (expect() backs off to 1 s polls, which would blur the timing)
        page.wait_for_function("want => document.querySelector('.gl-counter')?.innerText === want",
                               arg=f"Month {month} of 72")
        round_trips.append((time.monotonic() - started) * 1000)
    wait_changed(tab.charts, charts_single)
    round_trips.sort()
    note = (f"browser Step click -> counter updated, compare mode (2 runs): median {round_trips[12]:.0f} ms, "
            f"max {round_trips[-1]:.0f} ms")
    print("\n" + note)
    (ARTIFACTS / "timing.txt").write_text(note + "\n")
    page.screenshot(path=str(ARTIFACTS / "dashboard_compare.png"), full_page=True)

    with page.expect_download() as got:
        page.get_by_role("button", name="Download monthly series (CSV)").click()
    path = ARTIFACTS / "greatleap_monthly.csv"
    got.value.save_as(path)
    text = path.read_text()
    assert text.startswith("# greatleap ") and "# parameters of " in text and "--seed 1" in text
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert MONTHLY_COLUMNS <= set(rows[0]), MONTHLY_COLUMNS - set(rows[0])
    assert [sum(r["run"] == name for r in rows) for name in ("Cadres report honestly", "No dining halls")] == [24, 24]

    with page.expect_download() as got:
        page.get_by_role("button", name="Download charts (PNG)").click()
    png = ARTIFACTS / "greatleap_charts.png"
    got.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_two_browser_contexts_get_independent_models(browser, server_url):
    from playwright.sync_api import expect

    first, second = Tab(browser, server_url), Tab(browser, server_url)
    try:
        for month in (1, 2, 3):
            first.button("Step").click()
            expect(first.counter).to_have_text(f"Month {month} of 72")
        expect(second.counter).to_have_text("Month 0 of 72")
        second.button("Step").click()
        expect(second.counter).to_have_text("Month 1 of 72")
        expect(first.counter).to_have_text("Month 3 of 72")
        assert not first.problems and not second.problems, first.problems + second.problems
    finally:
        first.close()
        second.close()


def test_guard_reports_a_request_that_leaves_loopback(tab):
    """The guard the other tests rely on: a request elsewhere is blocked and reported."""
    tab.page.evaluate("fetch('http://192.0.2.1/probe').catch(() => null)")
    tab.page.wait_for_timeout(500)
    assert tab.problems == ["request outside 127.0.0.1: http://192.0.2.1/probe"]
    tab.problems.clear()


def test_screenshot_for_the_docs(browser, server_url):
    """The documentation's picture: compare mode in mid-1960, map and charts in view.
    Set UPDATE_DOCS_SCREENSHOT=1 to copy it to docs/img/dashboard.png."""
    from playwright.sync_api import expect

    tab = Tab(browser, server_url)
    try:
        tab.page.set_viewport_size({"width": 1500, "height": 1580})  # down to the first row of charts
        tab.choose("Compare with", "Cadres report honestly")
        tab.page.get_by_role("slider", name="Speed (months per second)").press("End")
        tab.button("Play").click()
        expect(tab.counter).to_have_text(re.compile(r"^Month (4[2-9]|[5-7]\d) of"), timeout=90_000)
        tab.button("Pause").click()
        wait_still(tab)
        tab.page.wait_for_timeout(500)  # let the last chart update paint
        path = ARTIFACTS / "dashboard.png"
        tab.page.screenshot(path=str(path))
        assert not tab.problems, tab.problems
        if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
            shutil.copyfile(path, ROOT / "docs" / "img" / "dashboard.png")
    finally:
        tab.close()


def test_seed_box_language_keyboard_and_nothing_fetched_for_the_lessons(tab):
    """Input and state as a class meets them: the Seed box takes whole numbers only, with a
    one-line error that goes when the box changes and a Step that will not advance the old run;
    the running seed is on screen; Space plays and pauses; the page says its language; no Solara
    badge; a lesson's text needs nothing from a CDN (KaTeX was fetched by every card)."""
    from playwright.sync_api import expect

    page = tab.page
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_text("This website runs on")).to_have_count(0)
    expect(page.locator(".gl-seed")).to_have_text("Seed 1")
    box = page.get_by_label("Seed")
    for typed in ("abc", "3.5", "1e6", "-2"):
        box.fill(typed)
        expect(page.get_by_text(f"seed: got '{typed}'")).to_be_visible()
        expect(tab.button("Step")).to_be_disabled()
    tab.button("Reset").click()
    expect(tab.button("Step")).to_be_disabled()
    expect(page.locator(".gl-seed")).to_have_text("Seed 1")  # nothing else was run in its place
    box.fill("5")
    expect(page.get_by_text("seed: got")).to_have_count(0)
    tab.button("Reset").click()
    expect(page.locator(".gl-seed")).to_have_text("Seed 5")
    expect(tab.counter).to_have_text("Month 0 of 72")

    page.locator(".gl-banner").click()  # focus on the page, not in a box
    page.keyboard.press("Space")
    expect(tab.button("Pause")).to_be_visible()
    expect(tab.counter).not_to_have_text("Month 0 of 72", timeout=20_000)
    page.keyboard.press("Space")
    expect(tab.button("Play")).to_be_visible()
    wait_still(tab)

    page.get_by_role("button", name="Lessons", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^1\. ")).click()
    page.get_by_role("button", name="Show what to notice").click()
    expect(page.locator(".gl-lesson-notice li").first).to_be_visible()
    page.wait_for_timeout(500)
    fetched = [u for u in tab.requests if "katex" in u or "mermaid" in u]
    assert not fetched, fetched


# every text the charts' ECharts instance draws (titles, legends, axis labels, event numbers, keys),
# with its box (the glyphs' em square, centred on the line zrender lays the text out on), and the
# rectangle of each plot
CHART_TEXTS = """() => {
  const el = document.querySelector('.gl-charts');
  const chart = el && el.__vue__ && el.__vue__.chart;
  if (!chart) return null;
  const out = [];
  chart.getZr().storage.getDisplayList(true).forEach(t => {
    if (t.type !== 'tspan' || !t.style || !t.style.text || t.invisible) return;
    const r = t.getBoundingRect().clone();
    r.applyTransform(t.getComputedTransform());
    const em = parseFloat((String(t.style.font).match(/([\\d.]+)px/) || [0, 12])[1]);
    out.push({text: String(t.style.text), x: r.x, w: r.width, y: r.y + r.height / 2 - em / 2, h: em});
  });
  const plots = [];
  chart.getModel().eachComponent('grid', g => {
    const r = g.coordinateSystem.getRect();
    plots.push({text: 'plot', x: r.x, w: r.width, y: r.y, h: r.height});
  });
  return {texts: out, plots: plots};
}"""


def overlapping_chart_texts(page) -> list[tuple[str, str]]:
    """Pairs of chart texts whose boxes overlap, and texts drawn inside a plot (a legend over the
    lines): (text, "plot"), by more than half a pixel."""
    drawn = None
    for _ in range(50):  # the chart draws once ECharts has loaded
        drawn = page.evaluate(CHART_TEXTS)
        if drawn and drawn["texts"] and drawn["plots"]:
            break
        page.wait_for_timeout(200)
    assert drawn and drawn["texts"] and drawn["plots"], "no chart drawn"
    texts = drawn["texts"]

    def clash(a, b, tol=0.5):
        return (a["x"] + tol < b["x"] + b["w"] and b["x"] + tol < a["x"] + a["w"]
                and a["y"] + tol < b["y"] + b["h"] and b["y"] + tol < a["y"] + a["h"])

    return ([(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:] if clash(a, b)]
            + [(a["text"], p["text"]) for a in texts for p in drawn["plots"] if clash(a, p)])


@pytest.mark.parametrize("width,height", [(1400, 900), (1024, 700), (390, 844)])
def test_layout_leaves_nothing_cut_off(browser, server_url, width, height):
    """A desk, a projector and a phone: the controls fit across the screen, the page never scrolls
    sideways (the charts scroll inside their own box), the compared maps sit side by side, no text
    of the charts (event numbers, legends, titles, keys) covers another, and the lesson card keeps a
    readable width."""
    from playwright.sync_api import expect

    tab = Tab(browser, server_url)
    try:
        page = tab.page
        page.set_viewport_size({"width": width, "height": height})
        tab.choose("Compare with", "Cadres report honestly")
        expect(page.locator(".gl-map img")).to_have_count(2)
        page.wait_for_timeout(300)

        def inside(locator, name):
            box = locator.bounding_box()
            assert box is not None, name
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (name, box, width)
            return box

        for name in ("Play", "Step", "Reset"):
            inside(tab.button(name), name)
        inside(page.get_by_label("Seed"), "Seed")
        speed = inside(page.get_by_role("slider", name="Speed (months per second)"), "speed slider")
        tracks = page.locator(".gl-speed .v-slider").first.bounding_box()
        assert tracks["width"] >= 150, f"speed slider is a stub: {tracks}"
        boxes = [inside(page.locator(".gl-map img").nth(i), f"map {i}") for i in (0, 1)]
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2, "the compared maps must sit side by side"
        assert boxes[0]["width"] >= 150
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        inside(page.locator(".gl-charts-scroll"), "charts box")
        inside(page.locator(".gl-monitors"), "monitors")
        inside(page.get_by_role("button", name="Download monthly series (CSV)"), "CSV button")
        clashes = overlapping_chart_texts(page)
        assert not clashes, f"chart texts on top of each other or of a plot: {clashes[:6]}"
        page.get_by_role("button", name="Lessons", exact=True).click()
        page.get_by_role("button", name=re.compile(r"^1\. ")).click()
        card = inside(page.locator(".gl-lesson"), "lesson card")
        assert card["width"] >= 250, card
        page.screenshot(path=str(ARTIFACTS / f"layout_{width}x{height}.png"), full_page=True)
        assert speed and not tab.problems, tab.problems
    finally:
        tab.close()


def test_run_10_seeds_shows_progress_and_draws_bands(tab):
    """The ensemble in one click, on a small world (1 commune of 3 x 3 plots) so that twenty whole
    runs take seconds: a progress bar while the worker processes run, then the note and the
    shaded bands on the charts."""
    from playwright.sync_api import expect

    page = tab.page
    for label in ("Number of communes", "Commune size (plots per side)"):
        page.get_by_role("slider", name=label).press("Home")
    tab.choose("Compare with", "Cadres report honestly")
    tab.button("Reset").click()
    expect(page.locator(".gl-map img")).to_have_count(2)
    charts = shot(tab.charts)
    tab.button("Run 10 seeds").click()
    expect(page.locator(".gl-ensemble-done")).to_contain_text("seeds 1\u201310", timeout=180_000)
    wait_changed(tab.charts, charts)
    page.screenshot(path=str(ARTIFACTS / "ensemble.png"), full_page=True)


def test_clicking_the_map_inspects_the_household_under_the_click(tab):
    from playwright.sync_api import expect

    page = tab.page
    tab.button("Step").click()
    expect(tab.counter).to_have_text("Month 1 of 72")
    tab.grid.click(position={"x": 60, "y": 60})
    inspect = page.locator(".gl-inspect")
    expect(inspect).to_contain_text("Household")
    expect(inspect.locator(".gl-inspect-people tr").nth(1)).to_be_visible()
    expect(inspect).to_contain_text("body mass index")
