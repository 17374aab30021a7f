"""One article never costs the build: over-long bodies, failures inside one article's analysis."""

from __future__ import annotations

import sqlite3

import pytest

from newsarchive import analysis
from newsarchive.analysis import split_text
from newsarchive.build import build

from .conftest import SEEDS


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_split_text_cuts_at_paragraphs_and_joins_back():
    text = (SEEDS / "000_e3e09a604ac093d0.txt").read_text(encoding="utf-8")
    pieces = split_text(text, 1500)
    assert "".join(pieces) == text
    assert all(len(p) <= 1500 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:-1])
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]  # no break at all: cut anywhere


def test_long_bodies_are_analysed_in_pieces(tmp_path, monkeypatch):
    """The seeds, analysed in pieces of 2,000 characters, give every body whole and the same sentences."""
    whole = tmp_path / "whole.db"
    build([SEEDS], whole, workers=1)
    monkeypatch.setattr(analysis, "CHUNK_CHARACTERS", 2000)
    monkeypatch.setattr(analysis, "BATCH_CHARACTERS", 2000)
    pieces = tmp_path / "pieces.db"
    report = build([SEEDS], pieces, workers=1)
    assert report.articles == 5 and not report.skipped
    assert _rows(pieces, "select id, body from articles order by id") == _rows(whole, "select id, body from articles order by id")
    # cuts fall at paragraph breaks, which are sentence breaks already
    assert _rows(pieces, "select id, text from sentences order by id") == _rows(whole, "select id, text from sentences order by id")
    assert _rows(pieces, "select count(*) from events")[0][0] > 0


def test_a_body_over_the_limit_is_skipped_by_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_text((SEEDS / "000_e3e09a604ac093d0.txt").read_text(encoding="utf-8"), encoding="utf-8")
    lines = [f"Paragraph {i}: the council met again on the {i}th day and issued statement number {i * 7}."
             for i in range(12_500)]
    (folder / "feed_dump.txt").write_text("A feed dumped into one file\n\n" + "\n\n".join(lines), encoding="utf-8")
    db = tmp_path / "archive.db"
    report = build([folder], db, workers=1)
    assert report.articles == 1
    reasons = {skip.where: skip.reason for skip in report.skipped}
    assert "longer than 1,000,000" in reasons["feed_dump.txt"]


def test_a_failure_in_one_article_skips_that_article_only(tmp_path, monkeypatch):
    """A bug the rules hit on one article (injected: no real input is known to trigger one now)
    costs that article, named, and the others are stored."""
    real = analysis.article_events

    def failing_on_one(article_events, facts):
        if "Ras al-Ayn" in article_events.doc.text:
            raise ValueError("injected failure")
        return real(article_events, facts)

    monkeypatch.setattr(analysis, "article_events", failing_on_one)
    db = tmp_path / "archive.db"
    report = build([SEEDS], db, workers=1)
    failed = [skip for skip in report.skipped if "injected failure" in skip.reason]
    assert failed and all(skip.where.endswith(".txt") for skip in failed)
    assert report.articles == 5 - len(failed)
    assert _rows(db, "select count(*) from articles")[0][0] == report.articles


def test_thousands_of_near_duplicates_group_in_linear_time():
    """4,000 copies of one wire story with a changed line: one story, in well under a second here
    (comparing every pair of a bucket took 80 s; the bound leaves a 30-fold margin for a slow machine)."""
    import time

    from newsarchive.stories import signature, story_ids

    base = (SEEDS / "000_e3e09a604ac093d0.txt").read_text(encoding="utf-8")[:1500]
    signatures = {i: signature(f"{base}\n\nUpdate {i}: reporting by staff {i % 97}.") for i in range(4000)}
    started = time.perf_counter()
    stories = story_ids(signatures)
    assert time.perf_counter() - started < 15
    assert set(stories.values()) == {0}
