"""Every kind of input: text pages, HTML pages, JSONL records, and bad files of each kind."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsarchive.build import build
from newsarchive.cli import main

from .conftest import SEEDS

SEED_003 = (SEEDS / "003_fbfddf5f01aa5224.txt").read_text(encoding="utf-8")
SEED_002 = (SEEDS / "002_b389d2223fbaba74.txt").read_text(encoding="utf-8")


def html_page(text: str) -> str:
    """A real article's paragraphs inside the furniture of a typical CMS page."""
    lines = [line for line in text.splitlines() if line.strip()]
    title, paragraphs = lines[0], [l for l in lines if len(l.split()) > 12][:9]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head>
<meta charset="utf-8"><title>{title} | Rudaw.net</title>
<meta property="og:site_name" content="Rudaw">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2015-07-09T14:20:00+03:00">
<link rel="canonical" href="https://www.rudaw.net/english/middleeast/syria/09072015">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/me">Middle East</a></li></ul></nav>
<header><div class="share">Share on Facebook</div></header>
<article><h1>{title}</h1><time datetime="2015-07-09">09-07-2015</time>{body}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Erbil hosts trade fair</a></li></ul></aside>
<footer><p>Sign up for our newsletter</p><p>© 2015 Rudaw Media Network. All rights reserved.</p></footer>
</body></html>"""


def test_html_page(tmp_path):
    (tmp_path / "page.html").write_text(html_page(SEED_003), encoding="utf-8")
    db = tmp_path / "archive.db"
    report = build([tmp_path], db)
    assert report.articles == 1 and not report.skipped
    import sqlite_utils

    row = next(sqlite_utils.Database(db)["articles"].rows)
    assert row["title"] == "Fierce fighting in Hasaka between Syrian regime forces and ISIS"
    assert row["source_id"] == "rudaw"
    assert row["published"].startswith("2015-07-09")
    assert row["dateline"] == "ERBIL, Kurdistan Region"
    assert "Fierce fighting resumed" in row["body"]
    for furniture in ("Share on Facebook", "Most read", "newsletter", "All rights reserved", "Home"):
        assert furniture not in row["body"]


def test_jsonl_records(tmp_path):
    records = [
        {"title": "ISIS militants advance in Syria's Hasakah", "body": SEED_002, "url": "https://aranews.net/2015/06/x/",
         "published": "2015-06-06T18:00:00+03:00"},
        {"text": SEED_003, "source": "Rudaw", "published": "2015-07-09"},
        {"title": "A story from an outlet the registry lacks", "body": SEED_003.replace("Rudaw", "the paper"),
         "source": "Hasakah Courier"},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = tmp_path / "archive.db"
    report = build([tmp_path], db)
    assert report.articles == 3 and not report.skipped
    import sqlite_utils

    archive = sqlite_utils.Database(db)
    rows = {row["line"]: row for row in archive["articles"].rows}
    assert rows[1]["source_id"] == "ara-news" and rows[1]["published"] == "2015-06-06T18:00:00+03:00"
    assert rows[1]["url"] == "https://aranews.net/2015/06/x/" and rows[1]["byline"] == "Zozan Shekho"
    assert rows[2]["source_id"] == "rudaw" and rows[2]["published"] == "2015-07-09"
    assert rows[3]["source_id"] == "hasakah-courier"
    assert archive["sources"].get("hasakah-courier")["curated"] == 0
    assert {row["file"] for row in rows.values()} == {"feed.jsonl"}


def bad_inputs(folder: Path) -> dict[str, str]:
    """Bad files, each with the words its skip message must contain."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("\n   \n\t\n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "furniture-only.txt").write_text("Share\nTweet\nSign up for our newsletter\n© 2015 Example Media\n")
    (folder / "broken.jsonl").write_text(
        json.dumps({"title": "ok", "body": SEED_003}) + "\n{\"title\": \"cut off\", \"body\": \n[1, 2]\n"
        + json.dumps({"title": "no text"}) + "\n", encoding="utf-8")
    (folder / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    return {
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "image.txt": "binary",
        "furniture-only.txt": "no article text",
        "broken.jsonl:2": "malformed JSON",
        "broken.jsonl:3": "must be an object",
        "broken.jsonl:4": "no body or text",
        "empty.html": "no article text",
    }


def test_bad_inputs_are_skipped_with_a_reason_and_the_rest_builds(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "good.txt").write_text(SEED_002, encoding="utf-8")
    expected = bad_inputs(source)
    result = CliRunner().invoke(main, [str(source), "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for where, reason in expected.items():
        lines = [line for line in result.output.splitlines() if line.startswith(f"skipped {where}:")]
        assert len(lines) == 1 and reason in lines[0], (where, result.output)
    assert "2 articles" in result.output and f"{len(expected)} skipped" in result.output


def test_legacy_encodings_are_detected(tmp_path):
    text = SEED_003.replace("Khabour", "Khābour").replace("–", "-").replace("’", "'").replace("“", '"').replace("”", '"')
    (tmp_path / "latin.txt").write_bytes(text.replace("ā", "é").encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(SEED_002.encode("utf-16"))
    report = build([tmp_path], tmp_path / "archive.db")
    assert report.articles == 2 and not report.skipped
    import sqlite_utils

    bodies = [row["body"] for row in sqlite_utils.Database(tmp_path / "archive.db")["articles"].rows]
    assert any("Khébour River" in body for body in bodies)
    assert any("Zozan" in body or "Villat Homr" in body for body in bodies)


def test_duplicate_file_kept_once(tmp_path):
    (tmp_path / "a.txt").write_text(SEED_002, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SEED_002, encoding="utf-8")
    report = build([tmp_path], tmp_path / "archive.db")
    assert report.articles == 1
    assert [(s.where, "same content as a.txt" in s.reason) for s in report.skipped] == [("b.txt", True)]
