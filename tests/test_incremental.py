"""Builds of real corpora: no crash on a few hundred real articles, work and ids proportional to change.

The corpus is ../shared/dev/corpus/news-2881.tar.gz (BBC News 2004-05 and FA-KES Syrian war
reports). A deterministic slice of it is built here; the full corpus is the benchmark's
(bench/bench_scale.py).
"""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import pytest

from newsarchive import build as build_module
from newsarchive.build import build

from .conftest import ROOT, SEEDS
from .test_build import snapshot

CORPUS = ROOT.parent / "shared" / "dev" / "corpus" / "news-2881.tar.gz"
# The FA-KES report whose one sentence states the same toll twice ("Syria army kills 32
# rebels ... Syrian troops killed 32 rebels"): it once gave two fatality rows one id and
# cost every build of the corpus its archive.
SAME_TOLL_TWICE = "fakes/1923848239-syria-army-kills-32-rebels-in-daraa-province-ambush-ngo.txt"
EVERY = 18  # every 18th article of the corpus: 160 articles, both collections, every BBC section


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def corpus_slice(tmp_path_factory) -> Path:
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is not here (it comes with ../shared)")
    folder = tmp_path_factory.mktemp("corpus")
    with tarfile.open(CORPUS) as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile() and m.name.endswith(".txt")), key=lambda m: m.name)
        chosen = [m for i, m in enumerate(members) if i % EVERY == 0 or m.name == SAME_TOLL_TWICE]
        archive.extractall(folder / "articles", members=chosen, filter="data")
        spare = [m for i, m in enumerate(members) if i % EVERY == 1][:2]
        archive.extractall(folder / "spare", members=spare, filter="data")
    return folder


@pytest.fixture(scope="module")
def corpus_archive(corpus_slice, tmp_path_factory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("built") / "corpus.db"
    report = build([corpus_slice / "articles"], db, workers=2)
    return db, report


def test_a_real_corpus_builds_whole(corpus_slice, corpus_archive):
    db, report = corpus_archive
    files = list((corpus_slice / "articles").rglob("*.txt"))
    assert report.articles + len(report.skipped) == len(files) > 150
    assert not [s for s in report.skipped if "not stored" in s.reason or "could not be parsed" in s.reason]
    assert report.entities > 500 and report.events > 100 and report.mentions > 3000
    assert rows(db, "pragma integrity_check") == [("ok",)]
    for child, column, parent in (("mentions", "entity_id", "entities"), ("mentions", "sentence_id", "sentences"),
                                  ("events", "article_id", "articles"), ("events", "cluster_id", "event_clusters"),
                                  ("event_fatalities", "event_id", "events"), ("articles", "source_id", "sources")):
        assert rows(db, f"select count(*) from {child} where {column} is not null and {column} not in "
                        f"(select id from {parent})") == [(0,)], f"{child}.{column} points nowhere"
    assert_search_indexes_match(db)


def assert_search_indexes_match(db: Path) -> None:
    """Every full-text index holds exactly its table's rows (SQLite raises on any difference)."""
    for table in ("articles", "sentences", "attributions"):
        with sqlite3.connect(db) as connection:
            connection.execute(f"insert into {table}_fts ({table}_fts, rank) values ('integrity-check', 1)")


def test_one_sentence_stating_the_same_toll_twice(corpus_archive):
    db, _ = corpus_archive
    tolls = rows(db, "select f.id, f.count from event_fatalities f join events e on e.id = f.event_id "
                     "join articles a on a.id = e.article_id where a.file = ?", (SAME_TOLL_TWICE,))
    assert len({fatality_id for fatality_id, _ in tolls}) == len(tolls)
    # the toll stated twice is counted once
    events = rows(db, "select e.fatalities from events e join articles a on a.id = e.article_id "
                      "where a.file = ? and e.fatalities is not null", (SAME_TOLL_TWICE,))
    assert events and {toll for (toll,) in events} == {32}, events


def untouched_ids(db: Path, files: list[str]) -> dict[str, set]:
    """Entity ids mentioned by, and event ids of, the articles of these files."""
    marks = ",".join("?" * len(files))
    articles = f"select id from articles where file in ({marks})"
    return {
        "entities": set(rows(db, f"select distinct entity_id from mentions where article_id in ({articles})", files)),
        "events": set(rows(db, f"select id from events where article_id in ({articles})", files)),
        "sentences": set(rows(db, f"select id from sentences where article_id in ({articles})", files)),
    }


def test_adding_changing_and_removing_one_article_touches_only_its_rows(corpus_slice, corpus_archive, tmp_path):
    source_db, _ = corpus_archive
    folder = tmp_path / "articles"
    import shutil

    shutil.copytree(corpus_slice / "articles", folder)
    db = tmp_path / "corpus.db"
    shutil.copy(source_db, db)
    shutil.copy(build_module.cache_path(source_db), build_module.cache_path(db))
    files = sorted(rows(db, "select file from articles"))
    files = [f for (f,) in files]
    changed, removed = files[3], files[7]
    untouched = [f for f in files if f not in (changed, removed)]
    before = untouched_ids(db, untouched)

    assert build([folder], db, workers=1).up_to_date
    added = next((corpus_slice / "spare").rglob("*.txt"))
    (folder / "added.txt").write_text(added.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / changed
    path.write_text(path.read_text(encoding="utf-8") + "\n\nThe report was updated on Friday.\n", encoding="utf-8")
    (folder / removed).unlink()
    report = build([folder], db, workers=1)

    assert (report.changed, report.removed, report.analysed) == (2, 2, 2)  # the changed one is removed and re-added
    assert report.articles == len(files)
    assert untouched_ids(db, untouched) == before
    assert rows(db, "select count(*) from articles where file = ?", (removed,)) == [(0,)]
    assert rows(db, "select count(*) from sentences where text = 'The report was updated on Friday.'") == [(1,)]
    assert rows(db, "select count(*) from sentences_fts where sentences_fts match '\"report was updated on Friday\"'") == [(1,)]
    assert_search_indexes_match(db)


def test_an_update_rewrites_the_map_rows_of_what_it_changed(seed_copy, tmp_path):
    """Each build rewrites only the event_map rows of the clusters and entities it changed, and they are
    what rewriting the whole map gives."""
    from newsarchive.store import refresh_event_map

    db = tmp_path / "archive.db"
    build([seed_copy], db, workers=1)
    with sqlite3.connect(db) as connection:
        before = connection.execute("select * from event_map order by id").fetchall()
    first, second = sorted(seed_copy.iterdir())[:2]
    first.unlink()
    second.write_text(second.read_text(encoding="utf-8") + "\n\nWarplanes struck Raqqa on Friday, killing "
                      "nine people, activists said.\n", encoding="utf-8")
    build([seed_copy], db, workers=1)
    with sqlite3.connect(db) as connection:
        kept = connection.execute("select * from event_map order by id").fetchall()
        refresh_event_map(connection)
        assert connection.execute("select * from event_map order by id").fetchall() == kept
        connection.rollback()
    assert kept != before  # the update changed the map


def test_editing_the_rules_reruns_only_the_rules(seed_copy, tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    build([seed_copy], db, workers=1)
    before = snapshot(db)
    monkeypatch.setattr(build_module, "rules_fingerprint", lambda: "edited-data")
    report = build([seed_copy], db, workers=1)
    assert report.analysed == 0 and report.changed == 5  # every article re-read by the rules, none by the model
    after = snapshot(db)
    assert after.pop("_build_info") != before.pop("_build_info")  # it records the rules' fingerprint
    assert after == before


def test_an_entity_keeps_its_id_when_a_longer_spelling_arrives(seed_copy, tmp_path):
    db = tmp_path / "archive.db"
    build([seed_copy], db, workers=1)
    [(entity_id,)] = rows(db, "select id from entities where name = 'Ivan Hasib'")
    rudaw = (SEEDS / "003_fbfddf5f01aa5224.txt").read_text(encoding="utf-8")
    (seed_copy / "later.txt").write_text(rudaw.replace("Ivan Hasib", "Ivan K. Hasib").replace("Scores", "Dozens"),
                                         encoding="utf-8")
    build([seed_copy], db, workers=1)
    assert rows(db, "select id from entities where aliases like '%Ivan K. Hasib%'") == [(entity_id,)]
    assert rows(db, "select count(distinct entity_id) from mentions where text like 'Ivan%Hasib'") == [(1,)]


def test_parallel_and_single_process_builds_are_identical(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    build([SEEDS], one, workers=1, rebuild=True)
    build_module.INLINE_BELOW, saved = 0, build_module.INLINE_BELOW
    try:
        build([SEEDS], two, workers=2, rebuild=True)
    finally:
        build_module.INLINE_BELOW = saved
    assert snapshot(two) == snapshot(one)
