"""The reader's pages, through Datasette's in-process client: the article page, the entity
page, the home page, cell rendering, the tile layer setting, any database name, a
base_url, an archive without the event tables, and escaping of hostile article text."""

from __future__ import annotations

import asyncio
import html
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
    assert 'id="entity-map" data-latitude="36.50237" data-longitude="40.74772"' in text
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
