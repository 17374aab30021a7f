"""Property-based tests: whatever bytes, records or names a scraper produces, reading never raises.

Every output of read_file/scan is either a document whose text (and fields, and warnings)
is text that encodes to UTF-8, or a SkipInput whose `where` names the file (and line).
The parser, given any text, returns an Article or raises SkipInput.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from newsarchive.dates import WEEKDAYS, normalize_published, parse_date_line
from newsarchive.outlets import load_registry
from newsarchive.parse import Article, parse_document
from newsarchive.readers import (SUFFIXES, DocumentRef, RawDocument, SkipInput, _valid_url, decode_text, load, read_file,
                                 scan)

# 250 examples each keeps the file under ~20 s; FUZZ_EXAMPLES=5000 for a longer hunt. No example
# database (it would be a .hypothesis folder in the checkout): a failure prints its input instead.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252", "latin-1",
             "iso8859-2", "cp1250", "cp1254", "cp1251", "koi8-r", "utf-8-sig"]
NEWS = ["PARIS (AP) — ", "Zoë Müller said on Tuesday.", "By İsmail Kılıç", "© 2015 Rudaw", "Share\n", "\n\n",
        "Published: 04/06/2015 10:52", "“quoted,” she said.", "Łódź", "\u2028", "\u0085", "\r\n", "\x00", "\ufeff"]

# Any text, lone surrogates included (they come out of JSON escapes and surrogateescape'd names).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
NEWSY_TEXT = st.lists(st.one_of(st.sampled_from(NEWS), ANY_TEXT), max_size=12).map("".join)


@st.composite
def file_bytes(draw) -> bytes:
    """Arbitrary bytes, or text in some encoding (errors and all), or a mix of both."""
    kind = draw(st.sampled_from(["bytes", "encoded", "mixed"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    text = draw(NEWSY_TEXT)
    if kind == "encoded":
        encoding = draw(st.sampled_from(ENCODINGS))
        return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return text.encode("utf-8", "surrogatepass") + draw(st.binary(max_size=200)) + text.encode("cp1252", "ignore")


def check(item, name: str) -> None:
    """The one invariant of the reading stage."""
    if isinstance(item, SkipInput):
        assert item.where == name or item.where.startswith(name + ":"), (item.where, name)
        item.reason.encode("utf-8")
        item.where.encode("utf-8")
        return
    assert isinstance(item, RawDocument), item
    assert isinstance(item.text, str) and item.text.strip()
    item.text.encode("utf-8")
    assert item.file == name
    for key, value in item.fields.items():
        assert isinstance(value, str)
        value.encode("utf-8")
    for warning in item.warnings:
        warning.encode("utf-8")
    assert len(item.content_hash) == 64


@FUZZ
@given(data=file_bytes(), suffix=st.sampled_from(sorted(SUFFIXES)))
@example(data=b"\xff\xfe\x00\x00" + b"\x00" * 7, suffix=".txt")  # a UTF-32 BOM and a cut-off character
@example(data=b"\x00A\x00B\x00", suffix=".jsonl")  # UTF-16-BE without a BOM, odd length
@example(data=b'{"body": "x", "n": ' + b"1" * 5000 + b"}", suffix=".jsonl")
@example(data=b'{"body": "x", "t": ' + b"[" * 5000 + b"]" * 5000 + b"}", suffix=".jsonl")
@example(data=b'{"body": "a\\ud800b", "title": "\\udfff"}', suffix=".jsonl")
def test_any_bytes_in_any_kind_of_file(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_bytes(data)
        found = list(read_file(path, path.name))
    assert found
    for item in found:
        check(item, path.name)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT | st.sampled_from(["http://[::1", "2015-06-04T10:00:00+25:00"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
FIELD_VALUE = st.one_of(JSON_VALUE, NEWSY_TEXT)
RECORD = st.one_of(
    JSON_VALUE,
    st.fixed_dictionaries({}, optional={key: FIELD_VALUE for key in ("title", "body", "text", "url", "published", "source")}),
)


@FUZZ
@given(records=st.lists(RECORD, min_size=1, max_size=5), ascii_only=st.booleans(), newline=st.sampled_from(["\n", "\r\n"]))
def test_any_json_records(records: list, ascii_only: bool, newline: str):
    lines = [json.dumps(record, ensure_ascii=ascii_only) for record in records]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.jsonl"
        path.write_bytes(newline.join(lines).encode("utf-8", "surrogatepass"))
        found = list(read_file(path, path.name))
    for item in found:
        check(item, "feed.jsonl")
    if any(line.strip() for line in lines):
        # one item per record, on its own line: no record split or merged
        assert [int(item.where.rsplit(":", 1)[1]) for item in found] == list(range(1, len(lines) + 1))


FILE_NAME = st.binary(min_size=1, max_size=60).filter(lambda name: b"/" not in name and b"\x00" not in name
                                                      and name not in (b".", b".."))


@FUZZ
@given(stem=FILE_NAME, suffix=st.sampled_from(sorted(SUFFIXES) + [".TXT", ""]), body=st.binary(max_size=200))
def test_any_file_name(stem: bytes, suffix: str, body: bytes):
    with tempfile.TemporaryDirectory() as folder:
        name = stem + suffix.encode()
        try:
            with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
                handle.write(b"Zo\xeb M\xfcller said on Tuesday that the council had approved the plan.\n" + body)
        except OSError:
            assume(False)  # a name this file system refuses
        found = list(scan([Path(folder)]))
        documents = [item for item in found if isinstance(item, DocumentRef)]
        for item in found:
            item.where.encode("utf-8")
            if isinstance(item, SkipInput):
                item.reason.encode("utf-8")
            else:
                assert all(isinstance(warning, str) for warning in item.warnings)
        for document in load(documents):
            check(document, document.file)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_decoding_gives_text_or_a_skip(data: bytes):
    try:
        text, warnings = decode_text(data, "x.txt")
    except SkipInput as skip:
        assert skip.where == "x.txt"
        return
    text.encode("utf-8")


# --- The parser ------------------------------------------------------------------------------------------------------

REGISTRY = load_registry()
# What a reader can give the parser: text without lone surrogates (readers replace them).
READER_TEXT = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=300)
READER_NEWSY = st.lists(st.one_of(st.sampled_from(NEWS), READER_TEXT), max_size=12).map("".join)
# Date-shaped lines, to reach every branch of dates.py: numbers, months, weekdays, clocks, offsets, labels.
DATE_TOKENS = ["Published:", "Updated", "Posted on", "Monday,", "Thursday", "June", "Jun.", "Sept", "4", "04", "31",
               "2015", "1799", "2101", "0000", "9999", "20155", "10:52", "25:61", "AM", "PM", "GMT", "EST", "AST",
               "+03:00", "+25:00", "-2400", "Z", "T", "/", "-", ".", ",", "|", "•", "09-07-2015", "31/02/2015",
               "2015-06-04T10:00:00", "1e400", "\u0660\u0664"]
DATEISH = st.lists(st.one_of(st.sampled_from(DATE_TOKENS), st.integers(-1, 10**12).map(str)), min_size=1, max_size=8) \
    .flatmap(lambda tokens: st.sampled_from([" ", "", "-", "/", ":"]).map(lambda sep: sep.join(tokens)))
PAGE_LINE = st.one_of(
    READER_NEWSY,
    DATEISH,
    st.sampled_from([
        "Fierce fighting resumed between the Syrian regime and the Islamic State group on Thursday, officials said.",
        "ERBIL, Kurdistan Region – Fighting resumed in Hasakah on Thursday, a Kurdish official told Rudaw.",
        "By Zozan Shekho", "Published: 09-07-2015", "June 4, 2015 10:52 AM", "Thursday, 4 June 2015",
        "© 2015 AFP. All rights reserved.", "Source: Reuters", "(AFP) -", "Share on Facebook", "Related articles",
        "Updated 2015-06-04T10:00:00+25:00", "31/02/2015", "0000-00-00", "Monday, 99 June 20155",
        "BEIRUT, June 4 (AFP) - Islamic State jihadists advanced on Thursday.",
    ]),
)
PAGE = st.lists(PAGE_LINE, max_size=15).map("\n".join)
FIELDS = st.fixed_dictionaries({}, optional={
    # what a reader gives: any text, but a url only if it parses (readers drop the others)
    "title": READER_NEWSY, "url": st.one_of(READER_TEXT, st.just("https://www.rudaw.net/english/x")).filter(_valid_url),
    "published": st.one_of(READER_TEXT, DATEISH, st.sampled_from([
        "2015-06-04", "2015-06-04T10:00:00+25:00", "June 2015", "9999-12-31T23:59:59-23:59", "Monday", "0001-01-01"])),
    "source": st.one_of(READER_TEXT, st.sampled_from(["Rudaw", "AFP", "Reuters"])),
})


def parse_any(text: str, kind: str, fields: dict):
    document = RawDocument(file="page.txt", line=None, kind=kind, text=text, fields=fields)
    try:
        article = parse_document(document, REGISTRY)
    except SkipInput as skip:
        assert skip.where == "page.txt"
        return None
    assert isinstance(article, Article)
    return article


@FUZZ
@given(text=PAGE, kind=st.sampled_from(["text", "jsonl"]), fields=FIELDS)
def test_the_parser_never_raises_on_any_text(text: str, kind: str, fields: dict):
    parse_any(text, kind, fields)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
@given(paragraphs=st.lists(PAGE_LINE, max_size=8), title=READER_NEWSY)
def test_the_parser_never_raises_on_any_html(paragraphs: list[str], title: str):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    parse_any(f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>", "html", {})


@FUZZ
@given(line=st.one_of(DATEISH, READER_TEXT), weekdays=st.sets(st.sampled_from(WEEKDAYS)),
       order=st.sampled_from([None, "DMY", "MDY", "YMD"]))
def test_dates_never_raise(line: str, weekdays: set[str], order: str | None):
    parse_date_line(line, weekdays, order)
    normalize_published(line)
