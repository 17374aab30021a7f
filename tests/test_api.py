"""The JSON API shapes people use, on the seed archive, through Datasette's in-process client:
_shape, _facet, _search, _sort, _labels, paging, a canned query with parameters,
_extra(s), and CORS when Datasette runs with --cors (as `datasette publish` does)."""

from __future__ import annotations

import asyncio
import re

import datasette as datasette_package
import pytest
import yaml
from datasette.app import Datasette

from .conftest import ROOT

VERSION = tuple(int(part) for part in datasette_package.__version__.split(".")[:2] if part.isdigit())


def get(ds, path: str, **kwargs):
    response = asyncio.run(ds.client.get(path, **kwargs))
    assert response.status_code == 200, (path, response.text[:500])
    return response


def served(db, **options) -> Datasette:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    return Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"), **options)


def test_shape_array_with_chosen_columns(datasette):
    rows = get(datasette, "/archive/entities.json?type=GPE&_shape=array&_col=name&_col=latitude&_col=longitude").json()
    assert rows and set(rows[0]) == {"id", "name", "latitude", "longitude"}
    assert {"Hasakah", "Palmyra", "Ramadi", "Damascus"} <= {row["name"] for row in rows}


def test_shape_objects_arrays_and_object(datasette):
    objects = get(datasette, "/archive/sources.json?_shape=objects").json()
    assert {"rows", "columns", "database", "table"} <= set(objects)
    assert {row["id"] for row in objects["rows"]} >= {"afp", "rudaw", "newsmax", "ara-news"}
    arrays = get(datasette, "/archive/sources.json?_shape=arrays").json()
    assert arrays["columns"][0] == "id" and all(isinstance(row, list) for row in arrays["rows"])
    keyed = get(datasette, "/archive/sources.json?_shape=object").json()
    assert keyed["rudaw"]["name"] == "Rudaw"


def test_facets(datasette):
    data = get(datasette, "/archive/entities.json?_facet=type&_facet=country_code&_size=0").json()
    types = {item["value"]: item["count"] for item in data["facet_results"]["type"]["results"]}
    assert types["GPE"] >= 10 and types["PERSON"] >= 5 and sum(types.values()) == data["filtered_table_rows_count"]
    countries = {item["value"] for item in data["facet_results"]["country_code"]["results"]}
    assert {"SY", "IQ"} <= countries
    # Selecting a facet value narrows the rows and is reflected in the facet's toggle URL.
    syria = get(datasette, "/archive/entities.json?country_code=SY&_facet=type&_shape=objects").json()
    assert syria["rows"] and all(row["country_code"] == "SY" for row in syria["rows"])


def test_search(datasette):
    # "Hasakeh" is one of the city's spellings: every article that names the city, however it spells it
    rows = get(datasette, "/archive/articles.json?_search=Hasakeh&_shape=array&_col=title").json()
    assert len(rows) == 5
    exact = get(datasette, "/archive/articles.json?_search=%22Hasakeh%22&_shape=array&_col=title").json()
    assert len(exact) == 2  # in quotes: that spelling alone
    assert all("Hasakeh" in row["title"] or row["title"].startswith("ISIS Fighters") for row in exact)
    # Search combines with filters.
    narrowed = get(datasette, "/archive/articles.json?_search=Hasakeh&source_id=newsmax&_shape=array").json()
    assert [row["source_id"] for row in narrowed] == ["newsmax"]


def test_sort_and_sort_desc(datasette):
    descending = get(datasette, "/archive/entities.json?_sort_desc=mention_count&_shape=array&_size=5").json()
    counts = [row["mention_count"] for row in descending]
    assert counts == sorted(counts, reverse=True) and descending[0]["name"] == "Islamic State"
    ascending = get(datasette, "/archive/articles.json?_sort=word_count&_shape=array").json()
    words = [row["word_count"] for row in ascending]
    assert words == sorted(words)


def test_paging_with_next(datasette):
    first = get(datasette, "/archive/sentences.json?_size=40&_shape=objects").json()
    assert len(first["rows"]) == 40 and first["next"]
    second = get(datasette, f"/archive/sentences.json?_size=40&_shape=objects&_next={first['next']}").json()
    assert not {row["id"] for row in first["rows"]} & {row["id"] for row in second["rows"]}


def test_labels_expand_foreign_keys(datasette):
    rows = get(datasette, "/archive/mentions.json?_labels=on&_shape=array&_size=3").json()
    assert all(set(row["entity_id"]) == {"value", "label"} for row in rows)


def test_canned_query_with_parameters(datasette):
    data = get(datasette, "/archive/articles_by_outlet.json?outlet=Rudaw&from=2015-07-01&to=2015-07-31").json()
    assert data["columns"][:3] == ["id", "title", "published"]
    assert [row[1] for row in data["rows"]] == ["Fierce fighting in Hasaka between Syrian regime forces and ISIS"]
    found = get(datasette, "/archive/search.json?q=barrel+bombs&_shape=array").json()
    assert found and all("**" in row["snippet"] for row in found)


@pytest.mark.skipif(VERSION >= (1, 0), reason="_extras is the 0.x spelling")
def test_row_extras_foreign_key_tables(datasette, built_archive):
    import sqlite3

    with sqlite3.connect(built_archive) as conn:
        hasakah = conn.execute("select id from entities where name = 'Hasakah'").fetchone()[0]
    data = get(datasette, f"/archive/entities/{hasakah}.json?_extras=foreign_key_tables").json()
    linked = {(t["other_table"], t["other_column"]): t["count"] for t in data["foreign_key_tables"]}
    assert linked[("mentions", "entity_id")] == 32


@pytest.mark.skipif(VERSION < (1, 0), reason="?_extra= arrived in Datasette 1.0; 0.65 has _extras on row pages")
def test_extra_count(datasette):  # pragma: no cover - runs on Datasette 1.x
    data = get(datasette, "/archive/articles.json?_extra=count").json()
    assert data["count"] == 5


def test_cors_only_when_asked(built_archive):
    origin = {"Origin": "https://example.org"}
    plain = asyncio.run(served(built_archive).client.get("/archive/articles.json?_shape=array", headers=origin))
    assert "access-control-allow-origin" not in plain.headers
    cors = served(built_archive, cors=True)
    for path in ("/archive/articles.json?_shape=array", "/archive/search.json?q=Hasakeh", "/archive.json"):
        response = get(cors, path, headers=origin)
        assert response.headers["access-control-allow-origin"] == "*", path


def test_settings_of_a_public_archive(built_archive):
    from .server import datasette_flags

    flags = list(datasette_flags())
    settings = {flags[i + 1]: flags[i + 2] for i, flag in enumerate(flags) if flag == "--setting"}
    settings = {name: value == "on" if value in ("on", "off") else int(value) for name, value in settings.items()}
    assert settings == {"sql_time_limit_ms": 3500, "max_returned_rows": 500, "facet_time_limit_ms": 500,
                        "default_page_size": 50, "suggest_facets": False, "truncate_cells_html": 300}
    ds = served(built_archive, settings=settings)
    data = get(ds, "/archive/sentences.json?_shape=objects").json()
    assert len(data["rows"]) == 50
    assert get(ds, "/-/settings.json").json()["sql_time_limit_ms"] == 3500
    assert "suggested_facets" not in get(ds, "/archive/articles.json").json() or \
        not get(ds, "/archive/articles.json").json()["suggested_facets"]
    page = get(ds, "/archive/articles").text
    assert max(len(cell) for cell in re.findall(r'<td class="col-body[^"]*">(.*?)</td>', page, flags=re.S)) < 600
