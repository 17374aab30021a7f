"""Published links keep working: entity and event-cluster URLs survive unrelated additions and
edits, and the URL of an entity merged into another forwards to the survivor."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3

from newsarchive.build import build

from .conftest import FIXTURES, SEEDS
from .test_api import served


def _ids(db) -> dict[str, set[int]]:
    with sqlite3.connect(db) as conn:
        return {"entities": {i for (i,) in conn.execute("select id from entities")},
                "event_clusters": {i for (i,) in conn.execute("select id from event_clusters")}}


def _status(ds, path: str) -> int:
    return asyncio.run(ds.client.get(path, follow_redirects=True)).status_code


def test_urls_survive_an_unrelated_addition_and_an_edit(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "archive.db"
    build([folder], db, workers=1)
    before = _ids(db)
    with sqlite3.connect(db) as conn:
        # what the edited article's own events were clustered in: those clusters may go with it
        edited = sorted(folder.glob("*.txt"))[2]
        own = {c for (c,) in conn.execute(
            "select cluster_id from events join articles on articles.id = events.article_id where articles.file = ? "
            "and cluster_id not in (select cluster_id from events join articles on articles.id = events.article_id "
            "where articles.file != ?)", (edited.name, edited.name))}

    shutil.copy(FIXTURES / "unseen" / "darfur_report.txt", folder / "darfur_report.txt")
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace(" said", " stated", 1), encoding="utf-8")
    build([folder], db, workers=1)

    ds = served(db)
    for table, ids in before.items():
        kept = ids - (own if table == "event_clusters" else set())
        broken = [i for i in sorted(kept) if _status(ds, f"/archive/{table}/{i}.json") != 200]
        assert not broken, (table, broken)
    for cluster in sorted(before["event_clusters"] - own):
        rows = asyncio.run(ds.client.get(f"/archive/event_reports.json?event={cluster}&_shape=array")).json()
        assert rows, cluster


def test_a_merged_entity_forwards_to_the_survivor(tmp_path):
    """"Blinken" is its own entity while two Blinkens are named; with one, it is his, and its URL forwards."""
    folder = tmp_path / "articles"
    shutil.copytree(FIXTURES / "links", folder)
    db = tmp_path / "archive.db"
    build([folder], db, workers=1)
    with sqlite3.connect(db) as conn:
        names = dict(conn.execute("select name, id from entities where name like '%Blinken'"))
    assert {"Blinken", "Donald Blinken", "Antony Blinken"} <= set(names)

    (folder / "arrives_tel_aviv.txt").unlink()
    build([folder], db, workers=1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select entity_id from entity_redirects where id = ?", (names["Blinken"],)).fetchone() == (
            names["Donald Blinken"],)
    ds = served(db)
    response = asyncio.run(ds.client.get(f"/archive/entities/{names['Blinken']}.json?_shape=object"))
    assert response.status_code == 301
    assert response.headers["location"].endswith(f"/archive/entities/{names['Donald Blinken']}.json?_shape=object")
    page = asyncio.run(ds.client.get(f"/archive/entities/{names['Blinken']}", follow_redirects=True))
    assert page.status_code == 200 and "Donald Blinken" in page.text
    assert _status(ds, "/archive/entities/12345") == 404  # an id that never was stays missing

    # the id comes back to life when the entity does: its redirect goes
    shutil.copy(FIXTURES / "links" / "arrives_tel_aviv.txt", folder / "arrives_tel_aviv.txt")
    build([folder], db, workers=1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from entity_redirects where id = ?", (names["Blinken"],)).fetchone() == (0,)
        assert conn.execute("select name from entities where id = ?", (names["Blinken"],)).fetchone() == ("Blinken",)
