"""The archive as people use it: Datasette's JSON API and pages, through its in-process client."""

from __future__ import annotations

import asyncio
import shutil
from urllib.parse import quote

import pytest
import yaml

from .conftest import ROOT


def get(datasette, path: str):
    response = asyncio.run(datasette.client.get(path))
    assert response.status_code == 200, (path, response.text[:500])
    return response


def test_search_canned_query_ranks_and_highlights(datasette):
    found = get(datasette, "/archive/search.json?q=%22Hasakeh%22&_shape=array").json()
    assert len(found) == 2
    assert all("**Hasakeh**" in row["snippet"] for row in found)
    assert {row["outlet"] for row in found} == {"Newsmax", None}


@pytest.mark.parametrize("query", ["Hasakeh", "Hasaka", "al-Hasakah", "Hasakah", "Hasakah OR Hasakeh", "Hasak*",
                                   "Daesh", "Islamic State", "ISIS"])
def test_search_finds_every_spelling_and_takes_operators(datasette, query):
    # All five seeds are about Hasakah and the Islamic State, each spelling them its own way.
    found = get(datasette, f"/archive/search.json?q={quote(query)}&_shape=array").json()
    assert len(found) == 5, query


def test_search_says_what_else_it_matched_and_survives_bad_syntax(datasette):
    page = get(datasette, "/archive/search?q=Daesh").text
    assert "Also matched" in page and "Islamic State" in page[page.index("Also matched"):][:300]
    for query in ['"unclosed', "(Hasakeh OR", "OR", "NOT", "Hasakeh AND", ")(", "***", "NEAR(", "title:x"]:
        get(datasette, f"/archive/search.json?q={quote(query)}&_shape=array")  # 200, never an error page
        get(datasette, f"/archive/articles.json?_search={quote(query)}&_shape=array")


@pytest.mark.parametrize("path", ["/archive/search", "/archive/search.json?q=&_shape=array",
                                  "/archive/sentences_mentioning.json?phrase=&_shape=array"])
def test_an_empty_search_finds_nothing_rather_than_failing(datasette, path):
    response = get(datasette, path)
    if path.endswith("array"):
        assert response.json() == []


@pytest.mark.parametrize("query", ['"barrel', "Hasakeh)", "AND OR NOT", "al-Hasakah's", "*"])
def test_search_survives_punctuation(datasette, query):
    get(datasette, f"/archive/search.json?_shape=array&q={query}")


def test_search_page_shows_marked_snippets(datasette):
    html = get(datasette, "/archive/search?q=barrel+bombs").text
    assert "<mark>barrel</mark>" in html and "<mark>bombs</mark>" in html


def test_table_search_box(datasette):
    found = get(datasette, "/archive/articles.json?_search=Kurdish&_shape=array&_col=title").json()
    assert len(found) == 5
    sentences = get(datasette, "/archive/sentences.json?_search=barrel+bombs&_shape=array").json()
    assert len(sentences) == 2 and all("barrel bombs" in row["text"] for row in sentences)


def test_facets_on_outlet_wire_and_date(datasette):
    data = get(datasette, "/archive/articles.json?_facet=source_id&_facet=wire_id&_facet_date=published&_size=0").json()
    outlets = {item["value"]: item["count"] for item in data["facet_results"]["source_id"]["results"]}
    assert outlets == {"newsmax": 1, "rudaw": 1, "ara-news": 1}
    wires = {item["value"]: item["count"] for item in data["facet_results"]["wire_id"]["results"]}
    assert wires == {"afp": 2}
    dates = {item["value"]: item["count"] for item in data["facet_results"]["published"]["results"]}
    assert dates == {"2015-06-04": 1, "2015-07-09": 1}
    narrowed = get(datasette, "/archive/articles.json?source_id=rudaw&_shape=array").json()
    assert [row["title"] for row in narrowed] == ["Fierce fighting in Hasaka between Syrian regime forces and ISIS"]


def test_articles_by_outlet_between_dates(datasette):
    rows = get(datasette, "/archive/articles_by_outlet.json?outlet=afp&from=2015-06-01&to=2015-06-04&_shape=array").json()
    assert [row["outlet"] for row in rows] == ["Newsmax"]
    every_afp = get(datasette, "/archive/articles_by_outlet.json?outlet=AFP&from=&to=&_shape=array").json()
    assert len(every_afp) == 2
    rudaw = get(datasette, "/archive/articles_by_outlet.json?outlet=Rudaw&from=2015-07-09&to=&_shape=array").json()
    assert len(rudaw) == 1


def test_sentences_mentioning_a_phrase(datasette):
    rows = get(datasette, "/archive/sentences_mentioning.json?phrase=Kurdish+forces&_shape=array").json()
    assert rows and all("**Kurdish forces**" in row["snippet"] for row in rows)
    assert {"Newsmax", "ARA News"} <= {row["outlet"] for row in rows}
    assert get(datasette, '/archive/sentences_mentioning.json?phrase=say+"hi&_shape=array').json() == []


def test_story_copies_query(datasette):
    rows = get(datasette, "/archive/story_copies.json?_shape=array").json()
    assert len(rows) == 1 and rows[0]["copies"] == 2


def test_labels_and_descriptions(datasette):
    row = get(datasette, "/archive/articles.json?_labels=on&source_id=newsmax&_shape=array").json()[0]
    assert row["source_id"] == {"value": "newsmax", "label": "Newsmax"}
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    tables = metadata["databases"]["archive"]["tables"]
    contract = {
        "sources": ["id", "name", "domain", "kind", "article_count"],
        "articles": ["id", "file", "source_id", "wire_id", "title", "published", "dateline", "byline", "body",
                     "word_count", "story_id"],
        "sentences": ["id", "article_id", "position", "text", "start_char", "end_char"],
    }
    for table, columns in contract.items():
        assert tables[table]["description"]
        for column in columns:
            assert tables[table]["columns"][column], (table, column)
    assert len(metadata["databases"]["archive"]["queries"]) >= 3


def test_build_info_is_hidden(datasette):
    tables = {t["name"] for t in get(datasette, "/archive.json").json()["tables"] if not t["hidden"]}
    assert "_build_info" not in tables and "articles" in tables


def test_an_archive_of_any_name_is_served_with_its_queries_and_descriptions(built_archive, tmp_path):
    from .conftest import datasette_for

    mine = tmp_path / "mine.db"
    shutil.copy(built_archive, mine)
    served = datasette_for(mine)
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["archive"]["queries"]
    page = get(served, "/mine").text
    assert all(f'href="/mine/{name}"' in page for name in queries), "a canned query is missing on /mine"
    rows = get(served, "/mine/fatalities_by_actor.json?_shape=array").json()
    assert rows and rows[0]["actor"]
    tables = {t["name"]: t for t in get(served, "/mine.json").json()["tables"]}
    assert tables["_build_info"]["hidden"]
    assert "One row per reported event" in get(served, "/mine/events").text  # the table's description
    described = get(served, "/-/metadata.json").json()["databases"]["mine"]
    assert described["tables"]["articles"]["description"] and described["tables"]["events"]["facets"]


ACLED_COLUMNS = ["event_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
                 "country", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]


def test_events_export_in_acleds_columns(datasette):
    rows = get(datasette, "/archive/acled_export.json?_shape=array&from=&to=").json()
    assert rows and list(rows[0]) == ACLED_COLUMNS
    placed = get(datasette, "/archive.json?sql=select+count(*)+as+n+from+event_clusters+where+latitude+is+not+null"
                            "&_shape=array").json()[0]["n"]
    assert len(rows) == placed  # one row per real-world event with a place
    dated = [row for row in rows if row["event_date"]]
    assert dated == sorted(dated, key=lambda row: row["event_date"]) == rows[:len(dated)]  # by date, undated last
    assert all(row["time_precision"] in (1, 2, 3) and row["geo_precision"] in (1, 2, 3) for row in rows)
    assert all(isinstance(row["fatalities"], int) for row in rows)  # 0 when none is reported, as ACLED
    tolled = next(row for row in rows if row["fatalities"])
    assert tolled["source"] and tolled["notes"] and tolled["actor1"]
    june = get(datasette, "/archive/acled_export.json?_shape=array&from=2015-06-03&to=2015-06-04").json()
    assert june and all("2015-06-03" <= row["event_date"] <= "2015-06-04z" for row in june)
    csv = get(datasette, "/archive/acled_export.csv?from=&to=").text
    assert csv.splitlines()[0] == ",".join(ACLED_COLUMNS)
    # every event in one file: the event_map table, streamed, has every ACLED column
    streamed = get(datasette, "/archive/event_map.csv?_stream=on").text.splitlines()
    assert set(ACLED_COLUMNS) - {"event_id"} <= set(streamed[0].split(","))
    assert len(streamed) == placed + 1


def test_an_untitled_article_has_one_name_and_a_link_in_query_results(datasette):
    page = get(datasette, "/archive/search?q=Hasakeh").text
    untitled = [row["id"] for row in get(datasette, "/archive/search.json?q=Hasakeh&_shape=array").json()
                if not row["title"]]
    assert untitled, "the seeds have an article without a title"
    assert f'<a href="/archive/articles/{untitled[0]}">Untitled article</a>' in page
    assert "(untitled)" not in page and ">None<" not in page
