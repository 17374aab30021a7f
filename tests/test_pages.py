"""The reader's pages, through Datasette's in-process client: the article page, the entity
page, the home page, cell rendering, the tile layer setting, any database name, a
base_url, an archive without the event tables, and escaping of hostile article text."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import sqlite3

import pytest
import yaml
from datasette.app import Datasette

from .conftest import FIXTURES, ROOT, SEEDS

HOSTILE = FIXTURES / "hostile" / "hostile_article.txt"


def served(db, metadata=None, **options) -> Datasette:
    metadata = metadata or yaml.safe_load((ROOT / "metadata.yml").read_text())
    return Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"), **options)


def page(ds, path: str) -> str:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.text[:1000])
    return response.text


def value(db, sql, *params):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_article_page_paragraphs_and_linked_mentions(datasette, built_archive):
    article_id = value(built_archive, "select id from articles where source_id = 'rudaw'")
    text = page(datasette, f"/archive/articles/{article_id}")
    body = value(built_archive, "select body from articles where id = ?", article_id)
    shown = section(text, '<div class="body">', "</div>")
    assert shown.count("<p>") == len([p for p in body.split("\n\n") if p.strip()])
    links = re.findall(r'<a class="mention mention-(\w+)" href="/archive/entities/(\d+)" title="([^"]*)">([^<]*)</a>',
                       shown)
    with sqlite3.connect(built_archive) as conn:
        mentions = conn.execute("""select mentions.text, mentions.entity_id, entities.type from mentions
            join entities on entities.id = mentions.entity_id where article_id = ?""", [article_id]).fetchall()
    assert len(links) == len(mentions)
    assert sorted((html.unescape(t), int(e), k) for k, e, _, t in links) == \
        sorted((t, e, k.lower()) for t, e, k in mentions)
    meta = section(text, '<p class="meta">', "</p>")
    assert ">Rudaw</a>" in meta and "2015-07-09" in meta and "ERBIL, Kurdistan Region" in meta
    assert "Every field of this row" in text  # the raw row is still there


def test_article_page_lists_other_copies(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        first, second = [row[0] for row in conn.execute(
            "select id from articles where story_id in (select story_id from articles group by 1 having count(*) > 1)")]
    copies = section(page(datasette, f"/archive/articles/{first}"), '<ul class="copies">', "</ul>")
    assert f"/archive/articles/{second}" in copies
    alone = value(built_archive, "select id from articles where source_id = 'rudaw'")
    assert "None in the archive." in page(datasette, f"/archive/articles/{alone}")


def test_article_page_shows_its_events(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        if not conn.execute("select 1 from sqlite_master where name = 'events'").fetchone():
            pytest.skip("this build has no events table yet")
        article_id, events = conn.execute(
            "select article_id, count(*) from events group by 1 order by 2 desc limit 1").fetchone()
    text = page(datasette, f"/archive/articles/{article_id}")
    assert "Events reported in this article" in text
    assert text.count('<tr class="event">') == events


def test_entity_page_of_a_place(datasette, built_archive):
    hasakah = value(built_archive, "select id from entities where name = 'Hasakah'")
    text = page(datasette, f"/archive/entities/{hasakah}")
    aliases = section(text, '<p class="aliases">', "</p>")
    assert re.findall(r'<span class="alias">([^<]+)</span>', aliases) == ["Hasaka", "Hasakah", "Hasakeh", "al-Hasakah"]
    assert 'id="entity-map" class="pin-map" data-latitude="36.50237" data-longitude="40.74772"' in text
    assert text.count('<h3 class="article">') == 5
    assert "<mark>Hasakeh</mark>" in text and "<mark>Hasaka</mark>" in text
    assert "Most often mentioned with" in text and ">Islamic State</a>" in section(text, "neighbours", "</ul>")
    assert "Articles filed from Hasakah" in text


def test_entity_page_of_an_actor_has_no_map(datasette, built_archive):
    isis = value(built_archive, "select id from entities where name = 'Islamic State'")
    text = page(datasette, f"/archive/entities/{isis}")
    assert "entity-map" not in section(text, '<div class="reader entity-page">', "</details>")
    assert '<span class="alias">Daesh</span>' in text
    assert text.count("<mark>") >= 50


def test_a_people_and_a_states_forces_link_to_their_country(datasette, built_archive):
    syria = value(built_archive, "select id from entities where country_code = 'SY' and geo_precision = 'country'")
    for name in ("Syrian", "Syrian government forces"):  # NORP keeps its type; the curated actor its kind
        row = asyncio.run(datasette.client.get(
            f"/archive/entities.json?name={name.replace(' ', '+')}&_shape=array")).json()[0]
        assert row["country_code"] == "SY" and row["type"] in ("NORP", "ORG"), row
        text = page(datasette, f"/archive/entities/{row['id']}")
        assert f'Country: <a href="/archive/entities/{syria}">Syria</a>' in text


def charts(text: str) -> dict[str, dict]:
    """The timelines on a page: each canvas's chart data, by chart id."""
    found = re.findall(r'<figure class="timeline" id="timeline-([\w-]+)">.*?data-chart=\'([^\']*)\'', text, re.S)
    return {chart_id: json.loads(html.unescape(data)) for chart_id, data in found}


def test_event_page_shows_the_event_and_every_report(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        cluster, reports, outlets, place = conn.execute("""
            select event_clusters.id, event_count, source_count, entities.name from event_clusters
            join entities on entities.id = location_id
            where event_clusters.latitude is not null order by event_count desc, event_clusters.id limit 1""").fetchone()
        articles = {row[0] for row in conn.execute("select article_id from events where cluster_id = ?", [cluster])}
        # two events read from one sentence of one article are one report
        reports = conn.execute("select count(distinct article_id || ':' || evidence) from events where cluster_id = ?",
                               [cluster]).fetchone()[0]
    assert reports >= 2
    text = page(datasette, f"/archive/event_clusters/{cluster}")
    assert 'class="reader event-page"' in text and f" in {place}" in section(text, "<h1", "</h1>")
    facts = section(text, '<dl class="event-facts">', "</dl>")
    for fact in ("Who", "Where", "When", "Killed", "Outlets"):
        assert f"<dt>{fact}</dt>" in facts
    assert f"reported by {outlets} outlet" in text
    assert text.count('<li class="report">') == reports
    shown = set(map(int, re.findall(r'<p class="report-meta"><a href="/archive/articles/(\d+)"', text)))
    assert shown == articles
    assert 'id="event-map" class="pin-map"' in text
    assert f"/archive/event_reports?event={cluster}" in text


def test_pages_link_to_the_event_page(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        article_id, cluster, place = conn.execute("""select article_id, cluster_id, location_id from events
            where location_id is not null order by id limit 1""").fetchone()
    link = f'href="/archive/event_clusters/{cluster}"'
    assert link in page(datasette, f"/archive/articles/{article_id}")
    assert link in page(datasette, f"/archive/entities/{place}")
    popup = json.loads(value(built_archive, "select popup from event_map where id = ?", cluster))
    assert popup["link"] == f"event_clusters/{cluster}"  # relative to /archive/event_map
    assert "event-page" in page(datasette, f"/archive/{popup['link']}")


def test_timelines_count_the_archives_events(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        by_day = dict(conn.execute("""select event_date, count(*) from event_clusters
            where date_precision = 'day' group by 1"""))
        deaths = conn.execute("select coalesce(sum(fatalities), 0) from event_clusters where date_precision = 'day'"
                              ).fetchone()[0]
        dated_articles = conn.execute("select count(*) from articles where published is not null").fetchone()[0]
    home = charts(page(datasette, "/"))
    events = home["events-by-type"]
    assert events["labels"][0] == min(by_day) and events["labels"][-1] == max(by_day)  # seeds: a day per bar
    drawn = [sum(values) for values in zip(*(d["data"] for d in events["datasets"]))]
    assert dict((day, n) for day, n in zip(events["labels"], drawn) if n) == by_day
    assert sum(home["deaths"]["datasets"][0]["data"]) == deaths
    assert sum(sum(d["data"]) for d in home["articles-by-outlet"]["datasets"]) == dated_articles
    assert "/-/archive-assets/chart.umd.min.js" in page(datasette, "/")
    script = asyncio.run(datasette.client.get("/-/archive-assets/chart.umd.min.js"))
    assert script.status_code == 200 and "javascript" in script.headers["content-type"] and "Chart.js v4" in script.text


def test_place_and_actor_pages_have_their_timelines(datasette, built_archive):
    hasakah = value(built_archive, "select id from entities where name = 'Hasakah'")
    at_place = value(built_archive, """select count(*) from event_clusters where date_precision = 'day'
        and (location_id = ? or id in (select cluster_id from events where sub_location_id = ?))""", hasakah, hasakah)
    place = charts(page(datasette, f"/archive/entities/{hasakah}"))
    assert sum(sum(d["data"]) for d in place["events-by-type"]["datasets"]) == at_place
    assert all(f"location_id={hasakah}" in href for href in place["events-by-type"]["hrefs"])
    isis = value(built_archive, "select id from entities where name = 'Islamic State'")
    by_actor = value(built_archive, """select count(*) from event_clusters where date_precision = 'day'
        and (actor1_id = ? or actor2_id = ?)""", isis, isis)
    actor = charts(page(datasette, f"/archive/entities/{isis}"))
    assert sum(sum(d["data"]) for d in actor["events-by-type"]["datasets"]) == by_actor > 0
    assert "articles-by-outlet" in actor


def test_event_map_date_range_filters_its_timeline(datasette, built_archive):
    with sqlite3.connect(built_archive) as conn:
        first, last = conn.execute("select min(event_date), max(event_date) from event_map "
                                   "where event_date glob '????-??-??'").fetchone()
        in_june = conn.execute("""select count(*) from event_clusters where latitude is not null
            and location_id is not null and date_precision = 'day' and event_date between '2015-06-01' and '2015-06-30'
            """).fetchone()[0]
    assert first < "2015-06-01" or last > "2015-06-30"  # the range leaves some out
    text = page(datasette, "/archive/event_map?event_date__gte=2015-06-01&event_date__lte=2015-06-30")
    form = section(text, '<form class="date-range"', "</form>")
    assert 'name="event_date__gte" value="2015-06-01"' in form and 'name="event_date__lte" value="2015-06-30"' in form
    assert 'href="/archive/event_map">every date</a>' in form
    shown = charts(text)["events-by-type"]
    assert sum(sum(d["data"]) for d in shown["datasets"]) == in_june
    assert all("2015-06-01" <= label <= "2015-06-30" for label in shown["labels"])
    # other filters stay with the dates
    text = page(datasette, "/archive/event_map?event_type=Battles&event_date__gte=2015-06-01")
    assert '<input type="hidden" name="event_type" value="Battles">' in text
    assert {d["label"] for d in charts(text)["events-by-type"]["datasets"]} == {"Battles"}


def test_a_search_matching_most_rows_comes_without_facets(built_archive):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    metadata["plugins"]["big-searches"] = {"max_faceted": 3}
    ds = served(built_archive, metadata)
    big = page(ds, "/archive/articles?_search=Hasakah")  # all five articles
    assert '<p class="big-search"><strong>5</strong> rows match this search.' in big
    assert 'class="facet-info' not in big and big.count('<td class="col-id') == 5
    narrow = page(ds, "/archive/articles?_search=Rudaw")  # one article: facets as usual
    assert "big-search" not in narrow and 'class="facet-info' in narrow
    api = asyncio.run(ds.client.get("/archive/articles.json?_search=Hasakah&_shape=objects")).json()
    assert len(api["rows"]) == 5


def test_wide_tables_show_their_usual_columns(datasette):
    usual = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["archive"]["tables"]["events"][
        "plugins"]["column-sets"]["columns"]
    text = page(datasette, "/archive/events")
    shown = re.findall(r'<th [^>]*data-column="(\w+)"', text)
    assert shown == usual  # in the set's order: what, the sentence, who, where, the toll first
    assert 'href="/archive/events?_allcols=1">Show every column</a>' in text
    every = re.findall(r'<th [^>]*data-column="(\w+)"', page(datasette, "/archive/events?_allcols=1"))
    assert len(every) == 20 and "trigger" in every
    assert re.findall(r'<th [^>]*data-column="(\w+)"', page(datasette, "/archive/events?_col=trigger")) == ["id", "trigger"]
    row = asyncio.run(datasette.client.get("/archive/events.json?_shape=array&_size=1")).json()[0]
    assert len(row) == 20  # the API keeps every column


def test_other_rows_keep_the_default_page(datasette):
    text = page(datasette, "/archive/sources/afp")
    assert "sources: afp" in text and "article-page" not in text and "entity-page" not in text


def test_home_page_lists_every_table_and_query(datasette):
    text = page(datasette, "/")
    for table in ("sources", "articles", "sentences", "entities", "mentions", "places"):
        assert f'<a href="/archive/{table}">{table}</a>' in text, table
    assert "/archive/search" in text and "Search articles" in text
    assert "articles_fts" not in text  # hidden tables stay hidden


def test_cells_aliases_and_links_from_ids(datasette):
    entities = page(datasette, "/archive/entities?name=Hasakah")
    assert '<span class="alias">Hasakeh</span>, <span class="alias">al-Hasakah</span>' in entities
    sentences = page(datasette, "/archive/sentences_mentioning?phrase=Kurdish+forces")
    assert re.search(r'<td class="col-article_id"><a href="/archive/articles/\d+">[^<]+</a>&nbsp;<em>\d+</em>', sentences)
    search = page(datasette, "/archive/search?q=Hasakeh")
    assert re.search(r'<td class="col-title"><a href="/archive/articles/\d+">If Hasakeh falls', search)
    articles = page(datasette, "/archive/articles")
    assert re.search(r'<a href="/archive/articles\?story_id=\d+" title="every copy of this story">', articles)
    places = page(datasette, "/archive/places")
    assert re.search(r'<td class="col-name type-str"><a href="/archive/entities/\d+">Palmyra</a>', places)
    assert "<strong>Palmyra</strong>: 4 mentions in 2 articles" in places


def test_tile_layer_comes_from_metadata(built_archive):
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    own = "https://tiles.example.org/{z}/{x}/{y}.png"
    metadata["plugins"]["datasette-cluster-map"]["tile_layer"] = own
    ds = served(built_archive, metadata)
    assert f"window.DATASETTE_CLUSTER_MAP_TILE_LAYER = \"{own}\"" in page(ds, "/archive/places")
    hasakah = value(built_archive, "select id from entities where name = 'Hasakah'")
    assert f'data-tile-layer="{own}"' in page(ds, f"/archive/entities/{hasakah}")


def test_pages_work_under_any_database_name_and_base_url(built_archive, tmp_path):
    db = tmp_path / "news-2015.db"
    shutil.copy(built_archive, db)
    ds = served(db, settings={"base_url": "/mirror/"})
    article_id = value(db, "select id from articles where source_id = 'rudaw'")
    text = page(ds, f"/news-2015/articles/{article_id}")
    assert 'class="reader article-page"' in text
    # (Datasette's own ".json" link in the row details doubles the base_url in 0.65; ours must not.)
    hrefs = re.findall(r'href="([^"]+)"', section(text, '<article class="reader', '<details class="row-fields">'))
    assert hrefs and all(h.startswith("/mirror/news-2015/") for h in hrefs if not h.startswith("http")), hrefs
    hasakah = value(db, "select id from entities where name = 'Hasakah'")
    entity = page(ds, f"/news-2015/entities/{hasakah}")
    assert '<a href="/mirror/news-2015/articles/' in entity


def test_pages_without_event_tables(built_archive, tmp_path):
    """An archive built before events existed: the pages leave those sections out."""
    db = tmp_path / "archive.db"
    shutil.copy(built_archive, db)
    with sqlite3.connect(db) as conn:
        for name, kind in conn.execute("select name, type from sqlite_master where type in ('table', 'view')"
                                       " and (name like 'event%' or name like 'attribution%')").fetchall():
            conn.execute(f"drop {kind} if exists [{name}]")
    ds = served(db)
    article_id = value(db, "select id from articles where source_id = 'rudaw'")
    text = page(ds, f"/archive/articles/{article_id}")
    assert "Events reported" not in text and "Who said what" not in text and 'class="mention' in text
    hasakah = value(db, "select id from entities where name = 'Hasakah'")
    assert "<h2>Events</h2>" not in page(ds, f"/archive/entities/{hasakah}")


def test_hostile_article_text_is_escaped(tmp_path):
    from newsarchive.build import build

    sources = tmp_path / "articles"
    shutil.copytree(SEEDS, sources)
    shutil.copy(HOSTILE, sources)
    db = tmp_path / "archive.db"
    build([sources], db)
    ds = served(db)
    article_id = value(db, "select id from articles where file = ?", HOSTILE.name)
    hasakah = value(db, "select id from entities where name = 'Hasakah'")
    for path in (f"/archive/articles/{article_id}", f"/archive/entities/{hasakah}", "/archive/search?q=hackers"):
        text = page(ds, path)
        assert "<script>window.__pwned" not in text and "<img src=x" not in text, path
        assert 'href="javascript:' not in text, path
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text, path
