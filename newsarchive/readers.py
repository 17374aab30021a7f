"""Read input files into raw documents: one per .txt/.html file, one per .jsonl record.

Anything that cannot be read raises SkipInput with a reason a person can act on;
the build reports it and goes on with the other files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator

from charset_normalizer import from_bytes

# What a file reads as depends on this module: a new version reads every file again.
READER_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


class SkipInput(Exception):
    """A file or record that cannot become an article, with the reason why."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass
class RawDocument:
    """One article's raw text, with whatever structure its file format gave."""

    file: str  # path relative to the source folder it was found in
    line: int | None  # record number in a .jsonl file, else None
    kind: str  # text, html or jsonl
    text: str  # decoded text (page text, HTML, or the record's body)
    fields: dict = field(default_factory=dict)  # title, url, published, source from structured input

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @cached_property
    def content_hash(self) -> str:
        """Hash of the normalised content: the article's identity across rebuilds."""
        payload = json.dumps([self.text, self.fields], sort_keys=True, ensure_ascii=False)
        payload = " ".join(unicodedata.normalize("NFC", payload).split())
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DocumentRef:
    """Where a document is and what it holds, without its text: what a build keeps of every input."""

    path: Path
    file: str
    line: int | None
    content_hash: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def scan(sources: list[Path], cache=None) -> Iterator[DocumentRef | SkipInput]:
    """Every document under the sources, hashed and let go of; unreadable ones as SkipInput.

    With a cache (newsarchive.cache.BuildCache), a file whose size and modification time
    are what they were last time is not read again: the cache says what it held.
    """
    version = READER_VERSION
    for path, name in find_files(sources):
        try:
            status = path.stat()
        except OSError as error:
            yield SkipInput(name, f"cannot read file ({error.strerror or error})")
            continue
        key = f"{version}\0{os.path.abspath(path)}\0{name}"
        known = cache.known_file(key, status.st_size, status.st_mtime_ns) if cache else None
        if known is None:
            known = [[item.where, item.reason] if isinstance(item, SkipInput) else [item.line, item.content_hash]
                     for item in read_file(path, name)]
            if cache:
                cache.remember_file(key, status.st_size, status.st_mtime_ns, known)
        for first, second in known:
            yield SkipInput(first, second) if isinstance(first, str) else DocumentRef(path, name, first, second)


def load(refs: list[DocumentRef]) -> Iterator[RawDocument]:
    """The documents behind the refs, reading each file once, in the refs' order of files."""
    by_path: dict[Path, set] = {}
    for ref in refs:
        by_path.setdefault(ref.path, set()).add(ref.line)
    for path, lines in by_path.items():
        name = next(ref.file for ref in refs if ref.path == path)
        for item in read_file(path, name):
            if isinstance(item, RawDocument) and item.line in lines:
                yield item


def find_files(sources: list[Path]) -> list[tuple[Path, str]]:
    """Every readable input file under the sources, as (path, name relative to its source), sorted."""
    found = []
    for source in sources:
        if source.is_file():
            found.append((source, source.name))
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith("."):
                found.append((path, path.relative_to(source).as_posix()))
    return found


def decode(data: bytes, where: str) -> str:
    """Bytes to text: UTF-8 when valid, else the encoding charset-normalizer detects."""
    if not data.strip():
        raise SkipInput(where, "empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SkipInput(where, "binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise SkipInput(where, "cannot detect the text encoding")
        text = str(best)
    if _looks_binary(text):
        raise SkipInput(where, "binary file (mostly control characters), not text")
    return unicodedata.normalize("NFC", text)


# Control characters (Unicode category Cc) other than the whitespace ones.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return len(CONTROLS.findall(sample)) > len(sample) * 0.05


def read_file(path: Path, name: str) -> Iterator[RawDocument | SkipInput]:
    """Yield the documents in one file; unreadable files and records come back as SkipInput."""
    kind = SUFFIXES.get(path.suffix.lower(), "text")
    try:
        text = decode(path.read_bytes(), name)
    except SkipInput as skip:
        yield skip
        return
    except OSError as error:
        yield SkipInput(name, f"cannot read file ({error.strerror or error})")
        return
    if kind == "jsonl":
        yield from _read_jsonl(text, name)
    else:
        yield RawDocument(file=name, line=None, kind=kind, text=text)


JSONL_FIELDS = ("title", "url", "published", "source")


def _read_jsonl(text: str, name: str) -> Iterator[RawDocument | SkipInput]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield SkipInput(where, f"malformed JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            yield SkipInput(where, "a JSON record must be an object with a body or text field")
            continue
        body = record.get("body") or record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield SkipInput(where, "record has no body or text")
            continue
        fields = {k: str(record[k]).strip() for k in JSONL_FIELDS if record.get(k) not in (None, "")}
        yield RawDocument(file=name, line=number, kind="jsonl", text=unicodedata.normalize("NFC", body), fields=fields)
