"""The public archive holds up against hostile queries (plugins/sql_limits.py, public_sql.py,
map_links.py, quiet_errors.py).

In-process, through Datasette's client with the Makefile's settings: no value over the
cell cap and no visitor's answer over its budget, the dangerous functions denied, the
archive's pages, searches and canned queries unchanged, a visitor's SQL cut off sooner
than the archive's own. In Chromium: a query whose map popup links to `javascript:`
runs no script when the link is clicked. On loopback: five clients looping
pathological queries do not slow 45 readers down (the figures are printed).
"""

from __future__ import annotations

import asyncio
import importlib.util
import random
import re
import shutil
import sqlite3
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
import yaml
from datasette.app import Datasette

from publish.check import SAMPLE_PARAMETERS, settings_in

from .conftest import ROOT
from .server import datasette_flags, serve


def plugin(name):
    """A module of plugins/, loaded from its file (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"hostile_server_{name}", ROOT / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sql_limits = plugin("sql_limits")
public_sql = plugin("public_sql")
CELL_CAP = sql_limits.CELL_CAP
PUBLIC_LIMIT_S = public_sql.PUBLIC_SQL_TIME_LIMIT_MS / 1000


def makefile_settings() -> dict:
    return {name: int(value) if value.isdigit() else value
            for name, value in settings_in(list(datasette_flags())).items()}


def served(db: Path, metadata: dict | None = None) -> Datasette:
    if metadata is None:
        metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    return Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"), settings=makefile_settings())


SLOW = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"


@pytest.fixture(scope="module")
def ds(built_archive):
    """The archive as `make serve` serves it, plus one canned query that never ends on its own."""
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    metadata["databases"]["archive"]["queries"]["count_forever"] = {"sql": SLOW}
    datasette = served(built_archive, metadata)
    asyncio.run(datasette.client.get("/archive.json?sql=select+1"))  # start the worker before timing anything
    return datasette


def get(ds: Datasette, path: str) -> tuple[httpx.Response, float]:
    start = time.perf_counter()
    response = asyncio.run(ds.client.get(path))
    return response, time.perf_counter() - start


def run_sql(ds: Datasette, sql: str, **params) -> tuple[httpx.Response, float]:
    return get(ds, "/archive.json?" + urlencode({"sql": sql, "_shape": "objects", **params}))


def one_value(db: Path, sql: str, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


# Sizes


def test_the_settings_are_the_makefiles():
    settings = makefile_settings()
    assert settings["sql_time_limit_ms"] / 1000 > 2 * PUBLIC_LIMIT_S  # visitors' SQL really is cut off sooner


@pytest.mark.parametrize("sql", [
    "select length(randomblob(900000000))",
    "select length(zeroblob(900000000))",
    "select randomblob(5000000) from sentences limit 200",
    "select length(group_concat(a.text || b.text)) from sentences as a, sentences as b, sentences as c",
])
def test_no_value_over_the_cell_cap(ds, sql):
    response, seconds = run_sql(ds, sql)
    assert response.status_code == 400 and "string or blob too big" in response.json()["error"], response.text
    assert seconds < 1, f"{seconds:.2f} s: failed slowly"  # randomblob(900000000) alone ran 4.5 s before


def test_printf_over_the_cell_cap_gives_null(ds):
    response, _ = run_sql(ds, "select printf('%.*c', 5000000, 'x') as s")
    assert response.status_code == 200 and response.json()["rows"] == [{"s": None}]


def test_the_longest_articles_the_build_accepts_are_served(tmp_path):
    """1,000,000 characters (the build's limit), here Chinese, 3 bytes each: 3 MB in a row."""
    from newsarchive.parse import MAX_BODY_CHARACTERS

    body = "中" * MAX_BODY_CHARACTERS
    db = tmp_path / "long.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table articles (id integer primary key, title text, body text)")
        conn.execute("insert into articles values (1, 'long', ?), (2, 'longer', ? || '!'), (3, 'short', 'x')",
                     [body, body])
    long_archive = Datasette([str(db)], plugins_dir=str(ROOT / "plugins"), settings=makefile_settings())
    row, _ = get(long_archive, "/long/articles/1.json?_shape=array")
    assert row.status_code == 200 and row.json()[0]["body"] == body
    # The archive's pages have no answer budget: 6 MB of bodies in one page.
    table, _ = get(long_archive, "/long/articles.json?_shape=array")
    assert table.status_code == 200 and [len(r["body"]) for r in table.json()] == [len(body), len(body) + 1, 1]
    # A visitor's SQL reads, sorts and measures one; two are over the budget.
    one, _ = get(long_archive, "/long.json?_shape=array&sql=" + quote(
        "select body, length(body) as n from articles where id < 3 order by body limit 1"))
    assert one.status_code == 200, one.text[:300]
    assert one.json() == [{"body": body, "n": MAX_BODY_CHARACTERS}]
    both, _ = get(long_archive, "/long.json?sql=" + quote("select body from articles"))
    assert both.status_code == 400 and "larger than 4 MB" in both.json()["error"]


def test_a_visitors_answer_has_a_budget(ds, built_archive):
    response, seconds = run_sql(ds, "select randomblob(1000000) as b from sentences limit 200")
    assert response.status_code == 400, response.text[:300]
    assert "larger than 4 MB" in response.json()["error"] and seconds < 1.5
    small, _ = run_sql(ds, "select length(randomblob(1000000)) as n from sentences limit 200")
    assert small.status_code == 200
    assert len(small.json()["rows"]) == min(200, one_value(built_archive, "select count(*) from sentences"))
    within, _ = run_sql(ds, "select randomblob(1000000) as b from sentences limit 3")
    assert within.status_code == 200 and len(within.json()["rows"]) == 3


# Functions


@pytest.mark.parametrize("sql, denied", [
    ("select fts3_tokenizer('simple')", "fts3_tokenizer"),
    ("select hex(fts3_tokenizer('simple', x'0000000000000000'))", "fts3_tokenizer"),
    ("select load_extension('/tmp/evil.so')", "load_extension"),
    ("select rtreenode(2, x'00')", "rtreenode"),
    ("select sqlite_log(1, 'hello')", "sqlite_log"),
])
def test_dangerous_functions_are_denied(ds, sql, denied):
    response, _ = run_sql(ds, sql)
    assert response.status_code == 400
    assert response.json()["error"] == f"not authorized to use function: {denied}"


def test_other_visitors_statements_stay_private(ds):
    response, _ = run_sql(ds, "select sql from sqlite_stmt")
    assert response.status_code == 400 and "prohibited" in response.json()["error"]


@pytest.mark.parametrize("sql", [
    "select instr(hex(zeroblob(2000000)), hex(zeroblob(200000)) || 'x')",  # 40 s in one call
    "select length(trim(hex(zeroblob(100000)), replace(hex(zeroblob(100000)), '0', 'b') || '0'))",  # 40 s
])
def test_one_endless_function_call_is_stopped_at_the_time_limit(ds, sql):
    response, seconds = run_sql(ds, sql)
    assert response.status_code == 400 and "took too long" in response.json()["error"]
    assert seconds < PUBLIC_LIMIT_S + public_sql.WORKER_GRACE_S + 1, seconds
    after, _ = run_sql(ds, "select count(*) as n from articles")  # a new worker answers the next query
    assert after.status_code == 200 and after.json()["rows"] == [{"n": 5}]


def test_long_like_patterns_are_refused(ds):
    response, seconds = run_sql(ds, "select printf('%.*c', 4000000, 'a') like '%' || printf('%.*c', 10000, 'a') || 'b'")
    assert response.status_code == 400 and "LIKE or GLOB pattern too complex" in response.json()["error"]
    assert seconds < 1  # over a minute in one uninterruptible call before
    ordinary, _ = run_sql(ds, "select count(*) as n from sentences where text like '%Hasak%'")
    assert ordinary.status_code == 200 and ordinary.json()["rows"][0]["n"] > 0


def test_everyday_sql_still_works(ds):
    sql = """select sum(instr(text, 'the')) > 0 as found, max(length(replace(text, ' ', ''))) > 0 as replaced,
                    (select group_concat(value) from json_each('[1, 2]')) as listed, upper(trim('  a ')) as trimmed
             from sentences where text like '%a%'"""
    response, _ = run_sql(ds, sql)
    assert response.status_code == 200, response.text[:300]
    assert response.json()["rows"] == [{"found": 1, "replaced": 1, "listed": "1,2", "trimmed": "A"}]


def test_pages_facets_search_and_canned_queries_still_work(ds, built_archive):
    article = one_value(built_archive, "select id from articles where source_id = 'rudaw'")
    entity = one_value(built_archive, "select id from entities where name = 'Hasakah'")
    pages = ["/", "/archive", "/archive/articles", "/archive/articles?_facet=source_id&_facet_date=published",
             f"/archive/articles/{article}", f"/archive/entities/{entity}", "/archive/places",
             "/archive/articles?_search=Hasakeh", "/archive/sentences.json?_search=Kurdish",
             "/archive/entities.json?_facet=type&_size=max", "/archive/search?q=Hasakeh"]
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["archive"]["queries"]
    for name, query in queries.items():
        names = dict.fromkeys(re.findall(r"(?<!:):([A-Za-z_]\w*)", query["sql"]))
        pages.append(f"/archive/{name}.json?" + urlencode({n: SAMPLE_PARAMETERS.get(n, "") for n in names}))
    for path in pages:
        response, _ = get(ds, path)
        assert response.status_code == 200, (path, response.text[:300])
    found, _ = get(ds, "/archive/search.json?q=Hasakeh&_shape=array")
    assert len(found.json()) == 5  # the canned search still calls escape_fts(), which reads every spelling


# Time limits


def test_a_visitors_sql_gets_the_shorter_time_limit(ds):
    response, seconds = run_sql(ds, SLOW)
    assert response.status_code == 400 and "took too long" in response.json()["error"]
    # Cut off at the public limit; and no seconds spent printing the error (quiet_errors.py).
    assert PUBLIC_LIMIT_S <= seconds < PUBLIC_LIMIT_S + 1.5, seconds
    for larger in ("0", "99999", "abc"):  # a visitor cannot raise it
        response, seconds = run_sql(ds, SLOW, _timelimit=larger)
        assert response.status_code == 400 and seconds < PUBLIC_LIMIT_S + 1.5, (larger, seconds)
    lower, seconds = run_sql(ds, SLOW, _timelimit="200")  # but can lower it
    assert lower.status_code == 400 and seconds < PUBLIC_LIMIT_S


def test_a_canned_query_keeps_the_normal_time_limit(ds):
    response, seconds = get(ds, "/archive/count_forever.json")
    assert response.status_code == 400 and "took too long" in response.json()["error"]
    assert seconds >= makefile_settings()["sql_time_limit_ms"] / 1000 - 0.05, seconds


def test_sql_in_a_table_page_gets_the_shorter_time_limit(ds):
    where = "(select count(*) from sentences as a, sentences as b, sentences as c, sentences as d, sentences as e) > 0"
    response, seconds = get(ds, "/archive/sentences.json?_where=" + quote(where))
    assert response.status_code == 400 and seconds < PUBLIC_LIMIT_S + 1.5, (response.status_code, seconds)


def test_visitors_sql_waits_its_turn_and_is_turned_away_when_the_queue_is_full(ds):
    """One runs, PUBLIC_SQL_WAITING wait, the rest get 503 at once."""
    extra = 3
    total = 1 + public_sql.PUBLIC_SQL_WAITING + extra

    async def all_at_once():
        path = "/archive.json?" + urlencode({"sql": SLOW, "_timelimit": "150"})
        return await asyncio.gather(*(ds.client.get(path) for _ in range(total)))

    statuses = [response.status_code for response in asyncio.run(all_at_once())]
    assert statuses.count(503) == extra and statuses.count(400) == total - extra, statuses


@pytest.mark.parametrize("path, args, visitor", [
    ("/archive", {"sql": "select 1"}, True),
    ("/archive.json", {"sql": "select 1"}, True),
    ("/archive.csv", {"sql": "select 1"}, True),
    ("/archive", {}, False),
    ("/archive", {"sql": ""}, False),
    ("/archive/search", {"sql": "select 1", "q": "x"}, False),  # a canned query ignores sql=
    ("/archive/articles", {"_where": "id > 0"}, True),
    ("/archive/articles.json", {"_search": "x", "_searchmode": "raw"}, True),
    ("/archive/articles", {"_search": "x"}, False),
    ("/-/versions.json", {"sql": "select 1"}, False),
])
def test_what_counts_as_a_visitors_sql(path, args, visitor):
    assert public_sql.is_visitor_sql(path, args) is visitor


# In Chromium: a popup link to javascript: runs nothing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
POPUP_SQL = """select 36.5 as latitude, 40.75 as longitude,
  json_object('title', 'Hostile marker', 'link', ' JaVa' || char(9) || 'Script:window.__pwned=1') as popup
union all select 33.4, 43.3, json_object('title', 'Honest marker', 'link', 'https://example.org/report')"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def click_popup_link(browser, url: str, title: str) -> dict:
    """Open the page, click the marker whose popup has `title`, click the popup's link: what happened."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url)
        page.wait_for_selector(".leaflet-marker-icon:not(.marker-cluster)")
        popup = page.locator(".leaflet-popup-content", has_text=title)
        # On a loaded machine the map may still be fitting its bounds, or drawing its second marker,
        # when the first appears: click round the markers until the popup opens.
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            for marker in page.locator(".leaflet-marker-icon:not(.marker-cluster)").all():
                try:
                    marker.click(timeout=5000)
                    popup.wait_for(timeout=3000)
                    break
                except PlaywrightTimeout:
                    continue
            else:
                continue
            break
        link = popup.locator("a").first
        href = link.get_attribute("href")
        if href is None or not href.startswith("https://"):
            link.click()
            page.wait_for_timeout(300)
        return {"href": href, "pwned": page.evaluate("typeof window.__pwned"), "errors": errors,
                "text": popup.inner_text()}
    finally:
        context.close()


@pytest.mark.browser
def test_a_map_popup_link_to_javascript_runs_no_script(browser, built_archive, tmp_path):
    url = "/archive?sql=" + quote(POPUP_SQL)
    # As served: the link loses its href, the honest one keeps it.
    with serve([str(built_archive), *datasette_flags()], cwd=ROOT) as base:
        hostile = click_popup_link(browser, base + url, "Hostile marker")
        honest = click_popup_link(browser, base + url, "Honest marker")
    assert hostile["pwned"] == "undefined" and hostile["href"] is None, hostile
    assert "Hostile marker" in hostile["text"] and not hostile["errors"], hostile
    assert honest["href"] == "https://example.org/report" and not honest["errors"], honest
    # Without plugins/map_links.py the same click runs the script: the test tests something.
    plugins = tmp_path / "plugins"
    shutil.copytree(ROOT / "plugins", plugins, ignore=shutil.ignore_patterns("map_links.py", "__pycache__"))
    flags = list(datasette_flags())
    flags[flags.index("--plugins-dir") + 1] = str(plugins)
    with serve([str(built_archive), *flags], cwd=ROOT) as base:
        unprotected = click_popup_link(browser, base + url, "Hostile marker")
    assert unprotected["pwned"] == "number", unprotected


# On loopback: 5 hostile clients, 45 readers

READERS, ATTACKERS = 45, 5
BASELINE_S, ATTACK_S = 10, 20
THINK_S = (4, 12)  # a reader's pause between pages


def hostile_requests() -> dict[str, str]:
    def sql(text):
        return "/archive.json?sql=" + quote(text)

    four = "sentences as a, sentences as b, sentences as c, sentences as d"
    five = four + ", sentences as e"  # a count of four can finish in a few seconds on a fast moment
    return {
        "cross join, sorted": sql(f"select a.text, b.text from {four} order by a.text || b.text || c.text limit 10"),
        "endless recursive CTE": sql(SLOW),
        "randomblob(5000000) x 200": sql("select randomblob(5000000) from sentences limit 200"),
        "randomblob(1000000) x 200": sql("select randomblob(1000000) from sentences limit 200"),
        "group_concat of a cross join": sql("select length(group_concat(a.text || b.text)) "
                                            "from sentences as a, sentences as b, sentences as c"),
        "_where with a cross join": "/archive/sentences.json?_where=" + quote(f"(select count(*) from {five}) > 0"),
        "fts3_tokenizer": sql("select hex(fts3_tokenizer('simple'))"),
        "escape_fts (Python) for every row": sql("select escape_fts(a.text) as e from sentences as a, sentences as b, "
                                                 "sentences as c order by e limit 1"),
        "instr() of two long strings": sql("select instr(hex(zeroblob(2000000)), hex(zeroblob(200000)) || 'x')"),
    }


def reader_pages(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        articles = [row[0] for row in conn.execute("select id from articles")]
        entities = [row[0] for row in conn.execute("select id from entities order by mention_count desc limit 5")]
    return ["/", "/archive/articles", "/archive/articles?source_id=rudaw", "/archive/entities?type=GPE",
            "/archive/search?q=Hasakeh", "/archive/sentences?_search=Kurdish", "/archive/places",
            "/archive/articles.json?_facet=source_id&_size=0", "/archive/search.json?q=Hasakeh&_shape=array",
            "/archive/places.json?_shape=array", "/archive/events_in_place?place=Hasakeh"] + \
        [f"/archive/articles/{a}" for a in articles] + [f"/archive/entities/{e}" for e in entities]


def percentile(values, p):
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def test_hostile_clients_do_not_slow_readers_down(built_archive):
    pages, attacks = reader_pages(built_archive), hostile_requests()
    results = []  # (who, what, started, seconds, status, bytes)
    lock = threading.Lock()

    def loop(who, choose, pause, start, stop):
        rnd = random.Random()
        time.sleep(max(0.0, start - time.monotonic()) + (rnd.uniform(0, THINK_S[1]) if pause else 0))
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                what = choose(rnd)
                started = time.monotonic()
                try:
                    response = client.get(pages[what] if who == "reader" else attacks[what])
                    status, size = response.status_code, len(response.content)
                except httpx.HTTPError as error:
                    status, size = type(error).__name__, 0
                with lock:
                    results.append((who, what, started, time.monotonic() - started, status, size))
                if pause:
                    time.sleep(rnd.uniform(*THINK_S))

    # The archive served as `datasette publish` serves it: immutable, CORS, the Makefile's flags.
    with serve(["-i", str(built_archive), "--cors", *datasette_flags()], cwd=ROOT) as base:
        begin = time.monotonic()
        attack, end = begin + BASELINE_S, begin + BASELINE_S + ATTACK_S
        def read(rnd):
            return rnd.randrange(len(pages))

        def attack_with(rnd):
            return rnd.choice(list(attacks))

        threads = [threading.Thread(target=loop, args=("reader", read, True, begin, end)) for _ in range(READERS)]
        threads += [threading.Thread(target=loop, args=("attacker", attack_with, False, attack, end))
                    for _ in range(ATTACKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert httpx.get(base + "/archive/articles.json?_size=1").status_code == 200  # still standing

    def figures(rows):
        seconds = sorted(row[3] for row in rows)
        return f"{len(rows)} requests, p50 {percentile(seconds, 50):.3f} s, p95 {percentile(seconds, 95):.3f} s, " \
               f"max {seconds[-1]:.3f} s"

    readers = [row for row in results if row[0] == "reader"]
    before = [row for row in readers if row[2] < attack]
    during = [row for row in readers if row[2] >= attack]
    attackers = [row for row in results if row[0] == "attacker"]
    print(f"\nreaders ({READERS}, a page every {THINK_S[0]}-{THINK_S[1]} s), before the attack: {figures(before)}")
    print(f"readers during the attack ({ATTACKERS} clients looping hostile queries): {figures(during)}")
    print(f"attackers: {figures(attackers)}, largest answer {max(row[5] for row in attackers):,} bytes")
    for what in attacks:
        rows = [row for row in attackers if row[1] == what]
        outcomes = {status: sum(1 for row in rows if row[4] == status)
                    for status in sorted({row[4] for row in rows}, key=str)}
        if rows:
            mean = statistics.mean(row[3] for row in rows)
            print(f"  {what}: {len(rows)} requests, mean {mean:.2f} s, HTTP {outcomes}")

    assert all(row[4] == 200 for row in readers), [row for row in readers if row[4] != 200][:5]
    assert all(row[4] in (400, 503) for row in attackers), [row for row in attackers if row[4] not in (400, 503)][:5]
    assert len(during) >= 50 and len(attackers) >= 10
    assert max(row[5] for row in results) <= CELL_CAP
    assert percentile(sorted(row[3] for row in during), 95) < 1.0, figures(during)
