"""End to end, in a real browser: Debian's Chromium driven by Playwright, against a real
Datasette serving a real archive built from the seed articles, on 127.0.0.1.

Screenshots of every page go to test-artifacts/ (look at them). Requests that leave
127.0.0.1 (map tiles) are blocked, so the tests never wait on the internet; the map
markers come from the archive and are checked through Leaflet's own objects.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, SEEDS
from .server import datasette_flags, serve

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = FIXTURES / "hostile" / "hostile_article.txt"

# Where the places are, independently of the gazetteer (degrees, WGS84).
PLACES = {
    "Hasakah": (36.50, 40.75),
    "Raqqa": (35.95, 39.01),
    "Palmyra": (34.55, 38.27),
    "Ramadi": (33.42, 43.30),
}

# Record every Leaflet map a page creates, so tests can read its markers.
LEAFLET_SPY = """
(() => {
  window.__leafletMaps = [];
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get() { return leaflet; },
    set(value) {
      leaflet = value;
      if (value && value.Map && !value.Map.__spied) {
        value.Map.__spied = true;
        value.Map.addInitHook(function () { window.__leafletMaps.push(this); });
      }
    },
  });
})();
"""

MARKERS = """
() => {
  const found = [];
  const add = (marker) => found.push({
    lat: marker.getLatLng().lat, lng: marker.getLatLng().lng,
    popup: marker.getPopup() ? String(marker.getPopup().getContent()) : "",
  });
  for (const map of window.__leafletMaps) {
    const groups = [], plain = [];
    map.eachLayer((layer) => {
      if (L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) groups.push(layer);
      else if (layer instanceof L.Marker && !(L.MarkerCluster && layer instanceof L.MarkerCluster)) plain.push(layer);
    });
    if (groups.length) groups.forEach((group) => group.getLayers().forEach(add));
    else plain.forEach(add);
  }
  return found;
}
"""
HAS_MARKERS = f"() => ({MARKERS.strip()})().length > 0"

# Zoom the cluster map to the given places; then, per place, where its marker (or the
# cluster that holds it) is drawn on screen, relative to where the place projects.
ZOOM_TO = """
(places) => {
  const map = window.__leafletMaps[0];
  map.fitBounds(L.latLngBounds(places.map((p) => [p.lat, p.lng])), {animate: false, padding: [30, 30]});
}
"""
DRAWN_AT = """
(places) => {
  const map = window.__leafletMaps[0];
  let group;
  map.eachLayer((layer) => { if (layer instanceof L.MarkerClusterGroup) group = layer; });
  const frame = map.getContainer().getBoundingClientRect();
  return places.map((p) => {
    const marker = group.getLayers().find((m) =>
      Math.abs(m.getLatLng().lat - p.lat) < 0.15 && Math.abs(m.getLatLng().lng - p.lng) < 0.15);
    const shown = group.getVisibleParent(marker);
    const box = shown._icon.getBoundingClientRect();
    const clustered = shown !== marker;
    // A marker's tip is at the bottom centre of its icon; a cluster is centred on its icon.
    const x = box.left + box.width / 2 - frame.left;
    const y = (clustered ? box.top + box.height / 2 : box.bottom) - frame.top;
    const expected = map.latLngToContainerPoint([p.lat, p.lng]);
    return {name: p.name, clustered, x, y, dx: x - expected.x, dy: y - expected.y,
            visible: box.width > 0 && x >= 0 && y >= 0 && x <= frame.width && y <= frame.height};
  });
}
"""


# Module scope: Playwright's sync API keeps an event loop running in this thread until it
# stops, and other test modules call asyncio.run().
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("NEWSARCHIVE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def site(built_archive):
    """The seed archive, served like `make serve` does."""
    with serve([str(built_archive), *datasette_flags()], cwd=ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The seeds plus an article whose text carries a script, an onerror image and a javascript: link."""
    from newsarchive.build import build

    folder = tmp_path_factory.mktemp("hostile")
    sources = folder / "articles"
    shutil.copytree(SEEDS, sources)
    shutil.copy(HOSTILE, sources / HOSTILE.name)
    db = folder / "archive.db"
    report = build([sources], db)
    assert report.articles == 6 and not report.skipped
    with serve([str(db), *datasette_flags()], cwd=ROOT) as url:
        yield url, db


@pytest.fixture
def page(browser):
    """A fresh page that records script errors and never reaches past 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    context.add_init_script(LEAFLET_SPY)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def shoot(page, artifacts, name):
    """The whole page, and what a reader sees first (the top of a long page)."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    if page.evaluate("() => document.body.scrollHeight > window.innerHeight"):
        page.screenshot(path=str(artifacts / f"{name}_top.png"))


def one_value(db: Path, sql: str, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def test_home_page_lists_the_tables(page, site, artifacts):
    page.goto(site + "/")
    shoot(page, artifacts, "home")
    listed = page.locator("a").all_inner_texts()
    for table in ("articles", "sentences", "entities", "mentions", "sources"):
        assert table in listed, table
    assert page.locator("h1").inner_text() == "News archive"
    assert not page.errors


def test_search_shows_results_with_snippets(page, site, artifacts):
    page.goto(site + "/archive/search")
    page.fill("input[name=q]", "Hasakeh")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"q=Hasakeh"))
    shoot(page, artifacts, "search_hasakeh")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 5  # all five seeds name the city, each in its own spelling
    marks = page.locator("td.col-snippet mark").all_inner_texts()
    assert marks and {mark.lower() for mark in marks} <= {"hasakeh", "hasakah", "hasaka", "al-hasakah"}, marks
    assert {"Hasakeh", "Hasakah"} <= set(marks)
    assert "Hasakah, Hasaka, al-Hasakah" in page.locator("p.also-matched").inner_text()
    # A result's title leads to the article page.
    page.locator("td.col-title a").first.click()
    assert page.locator("article.article-page").count() == 1
    assert not page.errors


def test_outlet_facet_narrows_the_list(page, site, artifacts):
    page.goto(site + "/archive/articles")
    assert page.locator("table.rows-and-columns tbody tr").count() == 5
    facet = page.locator(".facet-info[data-column=source_id]")
    facet.get_by_role("link", name="Rudaw").click()
    page.wait_for_url(re.compile(r"source_id=rudaw"))
    shoot(page, artifacts, "articles_facet_rudaw")
    titles = page.locator("table.rows-and-columns tbody td.col-title").all_inner_texts()
    assert titles == ["Fierce fighting in Hasaka between Syrian regime forces and ISIS"]
    assert not page.errors


def test_map_shows_the_places_where_they_are(page, site, artifacts):
    page.goto(site + "/archive/places")
    page.wait_for_function(HAS_MARKERS)
    page.wait_for_selector(".leaflet-marker-icon")
    shoot(page, artifacts, "map_places")
    markers = page.evaluate(MARKERS)
    for place, (lat, lng) in PLACES.items():
        near = [m for m in markers if abs(m["lat"] - lat) < 0.15 and abs(m["lng"] - lng) < 0.15]
        assert near, f"no marker near {place} ({lat}, {lng})"
        popup = near[0]["popup"]
        assert "<strong>" in popup and "mentions in" in popup, popup
    # Zoomed to the four places, each is drawn where it belongs on the screen.
    places = [{"name": name, "lat": lat, "lng": lng} for name, (lat, lng) in PLACES.items()]
    page.evaluate(ZOOM_TO, places)
    page.wait_for_timeout(800)  # let the cluster layer redraw after the zoom
    map_frame = page.locator(".leaflet-container")
    map_frame.screenshot(path=str(artifacts / "map_places_syria_iraq.png"))
    for drawn in page.evaluate(DRAWN_AT, places):
        assert drawn["visible"], drawn
        tolerance = 60 if drawn["clustered"] else 3
        assert abs(drawn["dx"]) <= tolerance and abs(drawn["dy"]) <= tolerance, drawn
    # Clicking Palmyra's marker opens its popup, with a link to the place's page.
    palmyra = next(d for d in page.evaluate(DRAWN_AT, places) if d["name"] == "Palmyra")
    assert not palmyra["clustered"]
    frame = map_frame.bounding_box()
    page.mouse.click(frame["x"] + palmyra["x"], frame["y"] + palmyra["y"] - 20)
    page.wait_for_selector(".leaflet-popup-content a")
    page.wait_for_timeout(500)  # the map pans to show the popup
    map_frame.screenshot(path=str(artifacts / "map_places_popup.png"))
    assert "Palmyra" in page.locator(".leaflet-popup-content").inner_text()
    href = page.evaluate("document.querySelector('.leaflet-popup-content a').href")  # resolved against the page
    assert re.fullmatch(re.escape(site) + r"/archive/entities/\d+", href), href
    assert not page.errors


def test_events_map(page, site, built_archive, artifacts):
    """Events are drawn where they happened: the `event_map` view when the archive has it, else the clusters."""
    with sqlite3.connect(built_archive) as conn:
        names = {row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")}
    table = next((t for t in ("event_map", "event_clusters", "events") if t in names), None)
    if table is None:
        pytest.skip("this archive has no events")
    page.goto(f"{site}/archive/{table}")
    page.wait_for_function(HAS_MARKERS)
    markers = page.evaluate(MARKERS)
    lat, lng = PLACES["Hasakah"]
    assert any(abs(m["lat"] - lat) < 0.15 and abs(m["lng"] - lng) < 0.15 for m in markers)
    page.evaluate(ZOOM_TO, [{"lat": lat, "lng": lng}, {"lat": 33.4, "lng": 43.3}])
    page.wait_for_timeout(800)
    single = page.locator(".leaflet-marker-icon:not(.marker-cluster)")
    for _ in range(6):  # events at one town draw a cluster: a click zooms in, or spreads it out at the last zoom
        if single.count():
            break
        page.locator(".leaflet-marker-icon.marker-cluster").first.click()
        page.wait_for_timeout(800)
    inside = page.evaluate("""() => {  // a marker drawn inside the map, not one off its edge
        const box = document.querySelector('.leaflet-container').getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)')].findIndex(m => {
            const r = m.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            return x > box.left && x < box.right && y > box.top && y < box.bottom; });
    }""")
    single.nth(max(inside, 0)).click()
    page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_timeout(500)
    shoot(page, artifacts, f"map_{table}")
    assert page.locator(".leaflet-popup-content").inner_text().strip()
    assert not page.errors


def test_article_page_highlights_clickable_entities(page, site, built_archive, artifacts):
    article_id = one_value(built_archive, "select id from articles where source_id = 'rudaw'")
    page.goto(f"{site}/archive/articles/{article_id}")
    shoot(page, artifacts, "article_rudaw")
    assert page.locator("h1").inner_text() == "Fierce fighting in Hasaka between Syrian regime forces and ISIS"
    assert "Rudaw" in page.locator(".meta").inner_text()
    mentions = page.locator(".body a.mention")
    assert mentions.count() >= 10
    for kind in ("gpe", "org", "person"):
        assert page.locator(f".body a.mention-{kind}").count() > 0, kind
    # Highlighted: a mention has a coloured background.
    background = page.locator(".body a.mention-gpe").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator(".body a.mention", has_text="Hasaka").first.click()
    page.wait_for_selector(".entity-page h1")
    assert page.locator(".entity-page h1").inner_text() == "Hasakah"
    assert not page.errors


def test_entity_page_shows_aliases_pin_and_mentions(page, site, built_archive, artifacts):
    entity_id = one_value(built_archive, "select id from entities where name = 'Hasakah'")
    page.goto(f"{site}/archive/entities/{entity_id}")
    page.wait_for_function(HAS_MARKERS)
    shoot(page, artifacts, "entity_hasakah")
    assert set(page.locator(".aliases .alias").all_inner_texts()) >= {"Hasakeh", "Hasaka", "al-Hasakah"}
    [pin] = page.evaluate(MARKERS)
    assert abs(pin["lat"] - PLACES["Hasakah"][0]) < 0.15 and abs(pin["lng"] - PLACES["Hasakah"][1]) < 0.15
    assert page.locator("h3.article").count() == 5
    assert page.locator("ul.sentences mark").count() >= 20
    assert page.locator(".neighbours a.mention").count() > 0
    page.locator(".neighbours a.mention", has_text="Islamic State").click()
    page.wait_for_selector(".entity-page h1")
    shoot(page, artifacts, "entity_islamic_state")
    assert page.locator(".entity-page h1").inner_text() == "Islamic State"
    assert page.locator("#entity-map").count() == 0  # not a place: no map
    assert not page.errors


def test_hostile_article_runs_no_script(page, hostile_site, artifacts):
    url, db = hostile_site
    article_id = one_value(db, "select id from articles where file = ?", HOSTILE.name)
    pages = {
        "hostile_article": f"/archive/articles/{article_id}",
        "hostile_entity_hasakah": f"/archive/entities/{one_value(db, 'select id from entities where name = ?', 'Hasakah')}",
        "hostile_entity_ivan_hasib": f"/archive/entities/{one_value(db, 'select id from entities where name = ?', 'Ivan Hasib')}",
        "hostile_articles_table": f"/archive/articles?id={article_id}",
        "hostile_search": "/archive/search?q=hackers",
        "hostile_sentences": "/archive/sentences_mentioning?phrase=window.__pwned",
    }
    for name, path in pages.items():
        page.goto(url + path)
        page.wait_for_load_state("load")
        shoot(page, artifacts, name)
        assert page.evaluate("() => typeof window.__pwned") == "undefined", name
        assert page.locator("img[src=x]").count() == 0, name
        assert page.locator("a[href^='javascript:' i]").count() == 0, name
        assert page.locator("script", has_text="__pwned").count() == 0, name
        assert "window.__pwned" in page.locator("body").inner_text(), name
    page.goto(url + pages["hostile_article"])
    text = page.locator("article .body").inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert '<a href="javascript:window.__pwned=1">' in text
    assert "<script>" in page.locator("h1").inner_text()
    assert page.locator("article .body a.mention").count() >= 5
    assert not page.errors


# The bars Chart.js drew for a timeline: per dataset its values and each bar's height in pixels,
# and where the first non-empty bar is on the page.
CHART_MARKS = """
(id) => {
  const canvas = document.querySelector(`#timeline-${id} canvas`);
  const chart = Chart.getChart(canvas);
  const box = canvas.getBoundingClientRect();
  return chart.data.datasets.map((dataset, i) => ({
    label: dataset.label,
    values: dataset.data,
    bars: chart.getDatasetMeta(i).data.map((bar) => {
      const p = bar.getProps(["x", "y", "base"], true);
      return {height: p.base - p.y, x: box.left + p.x, y: box.top + (p.y + p.base) / 2};
    }),
  }));
}
"""
CHART_READY = "(id) => window.Chart && Chart.getChart(document.querySelector(`#timeline-${id} canvas`))"


def test_timeline_draws_the_archives_events(page, site, built_archive, artifacts):
    page.goto(site + "/")
    page.wait_for_function(CHART_READY, arg="events-by-type")
    shoot(page, artifacts, "home_timelines")
    marks = page.evaluate(CHART_MARKS, "events-by-type")
    assert sum(sum(d["values"]) for d in marks) == \
        one_value(built_archive, "select count(*) from event_clusters where date_precision = 'day'")
    for dataset in marks:  # one bar per day, as tall as its count: empty days draw nothing
        assert len(dataset["bars"]) == len(dataset["values"])
        assert [bar["height"] > 1 for bar in dataset["bars"]] == [value > 0 for value in dataset["values"]]
    page.wait_for_function(CHART_READY, arg="deaths")
    [deaths] = page.evaluate(CHART_MARKS, "deaths")
    assert sum(deaths["values"]) == one_value(
        built_archive, "select coalesce(sum(fatalities), 0) from event_clusters where date_precision = 'day'")
    assert page.locator("#timeline-articles-by-outlet canvas").count() == 1
    # A bar leads to the events of its day, on the event map.
    page.locator("#timeline-events-by-type canvas").scroll_into_view_if_needed()
    battles = next(d for d in page.evaluate(CHART_MARKS, "events-by-type") if d["label"] == "Battles")
    day, bar = next((i, bar) for i, bar in enumerate(battles["bars"]) if bar["height"] > 1)
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url(re.compile(r"event_map\?event_date__gte="))
    assert "event_date__lte" in page.url
    assert page.locator("input[type=date][name=event_date__gte]").input_value() == \
        page.locator("input[type=date][name=event_date__lte]").input_value()  # one day
    assert not page.errors


def test_event_map_date_range(page, site, built_archive, artifacts):
    page.goto(site + "/archive/event_map")
    page.wait_for_function(HAS_MARKERS)
    everything = len(page.evaluate(MARKERS))
    assert everything == one_value(built_archive, "select count(*) from event_map")
    page.fill("input[type=date][name=event_date__gte]", "2015-06-01")
    page.fill("input[type=date][name=event_date__lte]", "2015-06-30")
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url(re.compile(r"event_date__lte=2015-06-30"))
    page.wait_for_function(HAS_MARKERS)
    page.wait_for_function(CHART_READY, arg="events-by-type")
    shoot(page, artifacts, "event_map_june")
    june = one_value(built_archive, "select count(*) from event_map where event_date between '2015-06-01' and '2015-06-30'")
    assert 0 < june < everything
    assert len(page.evaluate(MARKERS)) == june
    drawn = page.evaluate(CHART_MARKS, "events-by-type")
    assert sum(sum(d["values"]) for d in drawn) == one_value(
        built_archive, "select count(*) from event_map where date_precision = 'day' "
                       "and event_date between '2015-06-01' and '2015-06-30'")
    page.get_by_role("link", name="every date").click()
    page.wait_for_function(HAS_MARKERS)
    assert len(page.evaluate(MARKERS)) == everything
    assert not page.errors


def test_event_page_from_an_article(page, site, built_archive, artifacts):
    with sqlite3.connect(built_archive) as conn:
        article_id, cluster, reports, lat, lng = conn.execute("""
            select events.article_id, event_clusters.id, event_clusters.event_count, event_clusters.latitude,
                   event_clusters.longitude
            from events join event_clusters on event_clusters.id = events.cluster_id
            where event_clusters.event_count > 1 and event_clusters.latitude is not null
            order by event_clusters.event_count desc, event_clusters.id limit 1""").fetchone()
        titles = [row[0] for row in conn.execute("""select coalesce(title, 'Untitled article') from events
            join articles on articles.id = events.article_id where cluster_id = ?
            group by events.article_id, events.evidence""", [cluster])]  # one report per sentence
        reports = len(titles)
    page.goto(f"{site}/archive/articles/{article_id}")
    page.locator(f'a.event-link[href$="/event_clusters/{cluster}"]').first.click()
    page.wait_for_selector(".event-page h1")
    page.wait_for_function(HAS_MARKERS)
    shoot(page, artifacts, "event_page")
    [pin] = page.evaluate(MARKERS)
    assert abs(pin["lat"] - lat) < 1e-6 and abs(pin["lng"] - lng) < 1e-6
    assert page.locator("li.report").count() == reports
    assert sorted(page.locator("li.report .report-meta > a").all_inner_texts()) == sorted(titles)
    assert page.locator("dl.event-facts dd.where a").count() >= 1
    page.locator("li.report .report-meta > a").last.click()
    page.wait_for_selector("article.article-page")
    assert page.locator("article.article-page h1").inner_text() in titles
    assert not page.errors


def test_acled_export(page, site, built_archive, artifacts):
    from .test_datasette import ACLED_COLUMNS

    page.goto(site + "/archive/acled_export?from=&to=")
    shoot(page, artifacts, "acled_export")
    assert page.locator("table.rows-and-columns thead th").all_inner_texts() == ACLED_COLUMNS
    assert page.locator("table.rows-and-columns tbody tr").count() == \
        one_value(built_archive, "select count(*) from event_clusters where latitude is not null")
    assert not page.locator("textarea[name=sql]").is_visible()  # the SQL is folded away
    csv = page.locator("a", has_text=re.compile(r"^CSV$")).first.get_attribute("href")
    response = page.request.get(site + csv if csv.startswith("/") else csv)
    assert response.ok and response.text().splitlines()[0] == ",".join(ACLED_COLUMNS)
    assert not page.errors


def test_articles_table_on_a_phone(browser, site, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site + "/archive/articles")
        shoot(page, artifacts, "phone_articles")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
        assert page.evaluate("document.documentElement.scrollHeight") < 8000  # excerpts, not five whole bodies
        bodies = page.locator("table.rows-and-columns td.col-body")
        assert bodies.count() == 5
        for text in bodies.all_inner_texts():
            assert len(text) < 260 and text.endswith("read it in the article")
        bodies.first.get_by_role("link", name="read it in the article").click()
        page.wait_for_selector("article.article-page")
        shoot(page, artifacts, "phone_article")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert not errors
    finally:
        context.close()


def test_an_archive_under_another_name_keeps_its_queries(page, built_archive, tmp_path_factory, artifacts):
    folder = tmp_path_factory.mktemp("mine")
    mine = folder / "mine.db"
    shutil.copy(built_archive, mine)
    with serve([str(mine), *datasette_flags()], cwd=ROOT) as url:
        page.goto(url + "/")
        shoot(page, artifacts, "mine_home")
        assert page.get_by_role("link", name="Search articles").count() == 1
        assert page.get_by_role("link", name="_build_info").count() == 0
        page.get_by_role("link", name="Search articles").click()
        page.fill("input[name=q]", "Hasakeh")
        page.locator("input[type=submit]").click()
        page.wait_for_url(re.compile(r"/mine/search\?q=Hasakeh"))
        shoot(page, artifacts, "mine_search")
        assert page.locator("table.rows-and-columns tbody tr").count() == 5
        page.goto(url + "/mine/event_map")
        page.wait_for_function(HAS_MARKERS)
        assert page.locator("form.date-range").count() == 1
        assert not page.errors
