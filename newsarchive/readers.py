"""Read input files into raw documents: one per .txt/.html/.md file, one per .jsonl or .json record.

What each kind of file gives (see the README's "Inputs"):
- .txt, .html: the page, to be parsed (parse.py); when the file starts with a "---" line
  and YAML front matter, the front matter's fields and the text or HTML after it;
- .md, .markdown: Markdown, with or without front matter, as plain text (kind "text");
- .jsonl (one record a line) and .json (one record, or a list of records, as news-please
  writes them): the record's body and fields (kind "jsonl"); see record_document().

Anything that cannot be read becomes a SkipInput with a reason a person can act on,
naming the file (and the record's line in a .jsonl file); the build reports it and
goes on with the other files. Nothing a scraper can produce raises out of scan(),
load() or read_file(): not a file's bytes, not its name, not what kind of file it is.

A document that was read but with a doubt (a guessed legacy encoding, a dropped
field, a file name that is not UTF-8) carries the doubt in its `warnings`: a list
of short sentences on RawDocument, a tuple on DocumentRef, never part of its
content hash. The build prints them; they do not stop anything.

Limits (what one article can be; anything bigger is skipped with its size and the limit):
- MAX_FILE_BYTES: a .txt/.html/.md/.json file, checked before it is read;
- MAX_RECORD_BYTES: one line of a .jsonl file, which is read line by line;
- MAX_TEXT_CHARS: the decoded text of a .txt/.md file or the body of a JSON record
  (the build's own limit on an article's body, 1,000,000 characters, is lower: this
  one only saves parsing what cannot be an article).
"""

from __future__ import annotations

import codecs
import datetime
import errno
import hashlib
import html
import io
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import yaml
from charset_normalizer import from_bytes

# What a file reads as depends on this module: a new version reads every file again.
READER_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
# Other tools' exports, each read into one of the kinds above: a news-please .json file's
# records as "jsonl", Markdown as "text". Every suffix a build reads: INPUT_SUFFIXES.
EXPORT_SUFFIXES = {".json": "json", ".md": "markdown", ".markdown": "markdown"}
INPUT_SUFFIXES = {**SUFFIXES, **EXPORT_SUFFIXES}
# A folder's own notes, not articles: README.md, LICENSE.txt, CHANGELOG.md, package.json...
PROJECT_FILES = re.compile(r"(?i)(readme|license|licence|changelog|changes|contributing|authors|notice|copying|"
                           r"manifest|package|package-lock|tsconfig|composer)(\.[\w-]+)*$")

# A saved web page with its inline scripts, styles and images runs to a few MB (the
# heaviest news pages are 2-5 MB); the text of the longest long read is ~150,000
# characters. 10 MB admits every real page with room to spare, and bounds what one
# file costs: a 10 MB page needs ~150 MB to decode and extract, where a 50 MB dump
# read whole took 1.2 GB. A bigger file is a dump, a log or a binary, not an article.
MAX_FILE_BYTES = 10_000_000
# One .jsonl line is one article, possibly with its raw HTML: the same bound.
MAX_RECORD_BYTES = 10_000_000
# The build skips a body over 1,000,000 characters (parse.MAX_BODY_CHARACTERS); a text
# twice that long cannot be one article even with a page's furniture around it, and is
# not worth parsing (the parser takes ~1.5 s per million characters).
MAX_TEXT_CHARS = 2_000_000
# News records nest two or three levels; a deeper record is not an article, and
# Python's JSON parser would hit the recursion limit (RecursionError) on one.
MAX_JSON_DEPTH = 100
# Python refuses to convert an integer literal of more than 4,300 digits (ValueError):
# a longer number in a record becomes a float (inf) instead; no article field is a number.
MAX_INT_DIGITS = 4000


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
    line: int | None  # record number in a .jsonl file or a .json list, else None
    kind: str  # text (.txt, .md), html or jsonl (a JSON record, from .jsonl or .json)
    text: str  # decoded text (page text, HTML, or the record's body)
    # From structured input (JSON records, front matter): title, url, published, source, author,
    # hostname (the publisher's domain) and language (ISO 639-1); all text, each only when given.
    fields: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # doubts about how it was read; not part of its content

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @cached_property
    def content_hash(self) -> str:
        """Hash of the normalised content: the article's identity across rebuilds."""
        payload = json.dumps([self.text, self.fields], sort_keys=True, ensure_ascii=False)
        payload = " ".join(unicodedata.normalize("NFC", payload).split())
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class DocumentRef:
    """Where a document is and what it holds, without its text: what a build keeps of every input."""

    path: Path
    file: str
    line: int | None
    content_hash: str
    warnings: tuple[str, ...] = ()  # the document's warnings, as read_file gave them

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def scan(sources: list[Path], cache=None) -> Iterator[DocumentRef | SkipInput]:
    """Every document under the sources, hashed and let go of; unreadable ones as SkipInput.

    With a cache (newsarchive.cache.BuildCache), a file whose size and modification time
    are what they were last time is not read again: the cache says what it held.
    """
    version = READER_VERSION
    for item in walk_sources(sources):
        if isinstance(item, SkipInput):
            yield item
            continue
        path, name = item
        try:
            status = path.stat()
        except (OSError, ValueError) as error:
            yield SkipInput(name, f"cannot read file ({_error_text(error)})")
            continue
        key = f"{version}\0{_key_text(os.path.abspath(path))}\0{name}"
        known = cache.known_file(key, status.st_size, status.st_mtime_ns) if cache else None
        if known is None:
            known = [[item.where, item.reason] if isinstance(item, SkipInput)
                     else [item.line, item.content_hash, list(item.warnings)]
                     for item in read_file(path, name)]
            if cache:
                cache.remember_file(key, status.st_size, status.st_mtime_ns, known)
        for entry in known:
            if isinstance(entry[0], str):
                yield SkipInput(entry[0], entry[1])
            else:
                yield DocumentRef(path, name, entry[0], entry[1], tuple(entry[2]) if len(entry) > 2 else ())


def load(refs: list[DocumentRef]) -> Iterator[RawDocument]:
    """The documents behind the refs, reading each file once, in the refs' order of files."""
    by_path: dict[Path, set] = {}
    names: dict[Path, str] = {}
    for ref in refs:
        by_path.setdefault(ref.path, set()).add(ref.line)
        names.setdefault(ref.path, ref.file)
    for path, lines in by_path.items():
        for item in read_file(path, names[path]):
            if isinstance(item, RawDocument) and item.line in lines:
                yield item


# ---------------------------------------------------------------------------------------------
# Finding the files: folders recursively, symbolic links only to what is inside the sources.


def find_files(sources: list[Path]) -> list[tuple[Path, str]]:
    """Every readable input file under the sources, as (path, name relative to its source), sorted."""
    return [item for item in walk_sources(sources) if not isinstance(item, SkipInput)]


def walk_sources(sources: list[Path]) -> Iterator[tuple[Path, str] | SkipInput]:
    """(path, name) of every input file under the sources, and a SkipInput for every input that is not read.

    Folders are searched recursively, in sorted order. A symbolic link (to a file or a
    folder) is followed only when its target is inside one of the source folders; a link
    out of them, a broken link, a link loop, and a FIFO, socket or device are reported,
    never opened. Names are relative to the source, with what is not UTF-8 in them
    shown as \\xNN escapes.
    """
    roots = []
    for source in sources:
        try:
            if os.path.isdir(source):
                roots.append(os.path.realpath(source))
        except (OSError, ValueError):
            pass
    for source in sources:
        source = Path(source)
        display = safe_name(str(source))
        try:
            status = source.stat()
        except (OSError, ValueError) as error:
            yield SkipInput(display, _link_problem(source, error) or f"cannot read ({_error_text(error)})")
            continue
        if stat.S_ISDIR(status.st_mode):
            yield from _walk_folder(source, "", roots, [os.path.realpath(source)])
        elif stat.S_ISREG(status.st_mode):
            yield source, safe_name(source.name)
        else:
            yield SkipInput(display, f"{_file_type(status.st_mode)}, not a regular file: not read")


def _walk_folder(folder: Path, prefix: str, roots: list[str], stack: list[str]) -> Iterator[tuple[Path, str] | SkipInput]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as error:
        yield SkipInput(safe_name(prefix.rstrip("/") or str(folder)), f"cannot read folder ({_error_text(error)})")
        return
    # news-please saves the raw page X.html beside its record X.html.json: the record stands for
    # the article, and the page is not read a second time (it would be the same article twice).
    recorded = {entry[:-len(".json")] for entry in names if entry.endswith((".html.json", ".htm.json"))}
    for entry_name in names:
        path = folder / entry_name
        name = safe_name(prefix + entry_name)
        is_input = (Path(entry_name).suffix.lower() in INPUT_SUFFIXES and not entry_name.startswith(".")
                    and entry_name not in recorded and not PROJECT_FILES.match(entry_name))
        try:
            own = path.lstat()
        except OSError as error:
            if is_input:
                yield SkipInput(name, f"cannot read file ({_error_text(error)})")
            continue
        if stat.S_ISLNK(own.st_mode):
            if not entry_name.startswith("."):  # hidden, like a hidden file (an editor's lock link .#page.txt)
                yield from _follow_link(path, name, is_input, roots, stack)
        elif stat.S_ISDIR(own.st_mode):
            yield from _walk_folder(path, prefix + entry_name + "/", roots, [*stack, os.path.realpath(path)])
        elif stat.S_ISREG(own.st_mode):
            if is_input:
                yield path, name
        elif not entry_name.startswith("."):
            yield SkipInput(name, f"{_file_type(own.st_mode)}, not a regular file: not read")


def _follow_link(path: Path, name: str, is_input: bool, roots: list[str], stack: list[str]):
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        status = path.stat()
    except OSError as error:
        if is_input or error.errno in (errno.ENOENT, errno.ELOOP):
            yield SkipInput(name, _link_problem(path, error) or f"cannot read file ({_error_text(error)})")
        return
    real = os.path.realpath(path)
    inside = any(_is_within(real, root) for root in roots)
    if stat.S_ISDIR(status.st_mode):
        if not inside:
            yield SkipInput(name, f"symbolic link to the folder {safe_name(target)} outside the source folders: not followed")
        elif any(_is_within(folder, real) for folder in stack):
            yield SkipInput(name, f"symbolic link loop: {safe_name(target)} contains this link, not followed")
        else:
            yield from _walk_folder(path, name + "/", roots, [*stack, real])
        return
    if not is_input:
        return
    if not inside:
        yield SkipInput(name, f"symbolic link to {safe_name(target)}, outside the source folders: not followed")
    elif not stat.S_ISREG(status.st_mode):
        yield SkipInput(name, f"symbolic link to a {_file_type(status.st_mode)}, not a regular file: not read")
    else:
        yield path, name


def _link_problem(path: Path, error: OSError) -> str | None:
    if not os.path.islink(path):
        return None
    try:
        target = safe_name(os.readlink(path))
    except OSError:
        target = "?"
    if error.errno == errno.ELOOP:
        return f"symbolic link loop ({target} leads back to itself): not followed"
    if error.errno == errno.ENOENT:
        return f"broken symbolic link: its target {target} does not exist"
    return None


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def safe_name(name: str) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 become \\xNN."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _key_text(path: str) -> str:
    """A path as text for a cache key: itself when it is UTF-8, else its bytes in hex (exact, unlike safe_name)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return "\0bytes:" + os.fsencode(path).hex()


def _error_text(error: Exception) -> str:
    return safe_name(str(getattr(error, "strerror", None) or error))


# ---------------------------------------------------------------------------------------------
# Bytes to text.


def decode(data: bytes, where: str) -> str:
    """Bytes to text (see decode_text), without its warnings."""
    return decode_text(data, where)[0]


def decode_text(data: bytes, where: str) -> tuple[str, list[str]]:
    """Bytes to NFC text, and warnings when the encoding is a guess that could be wrong.

    UTF-8 when valid; UTF-16 and UTF-32 by their byte-order mark or, without one, by the
    pattern of NUL bytes that ASCII letters leave; else a legacy code page (see
    decode_legacy). Raises SkipInput for an empty, binary or undecodable file.
    """
    if not data.strip():
        raise SkipInput(where, "empty file")
    warnings: list[str] = []
    wide = _wide_encoding(data)
    if wide:
        encoding, bom = wide
        try:
            text = data[len(bom):].decode(encoding)
        except UnicodeDecodeError:
            text = data[len(bom):].decode(encoding, "replace")
            warnings.append(f"some bytes are not valid {encoding.upper()}: replaced with U+FFFD")
    elif b"\x00" in data[:4096]:
        raise SkipInput(where, "binary file (contains NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text, warnings = decode_legacy(data)
    if not text.strip():
        raise SkipInput(where, "empty file")
    if _looks_binary(text):
        raise SkipInput(where, "binary file (mostly control characters), not text")
    return unicodedata.normalize("NFC", text), warnings


BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _wide_encoding(data: bytes) -> tuple[str, bytes] | None:
    """(encoding, BOM) of UTF-16/32 data, by its byte-order mark or its NUL pattern; None for anything else.

    Without a BOM: UTF-32-LE text of BMP characters has NUL in bytes 2 and 3 of every
    four, UTF-16-LE text mostly in Latin script has NUL in most odd bytes and none in
    even ones (mirrored for big-endian). The candidate must decode and not look binary.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return (encoding, bom) if encoding != "utf-8" else None
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if b"\x00" not in sample:
        return None
    candidates = []
    if len(sample) >= 8:
        columns = [sample[i::4] for i in range(4)]  # the sample is a multiple of 4 bytes long
        nul = [column.count(0) / len(column) for column in columns]
        if nul[3] == 1 and nul[2] > 0.9 and nul[0] < 0.1:
            candidates.append("utf-32-le")
        if nul[0] == 1 and nul[1] > 0.9 and nul[3] < 0.1:
            candidates.append("utf-32-be")
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.02 * len(even):
            candidates.append("utf-16-le")
        if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.02 * len(odd):
            candidates.append("utf-16-be")
    for encoding in candidates:
        try:  # the sample may end inside a character: decode it as the start of a stream
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if text.strip() and not _looks_binary(text):
            return encoding, b""
    return None


# Control characters (Unicode category Cc) other than the whitespace ones.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return len(CONTROLS.findall(sample)) > len(sample) * 0.05


# Single-byte code pages of Latin-script text, in order of preference when two read equally well.
LEGACY_ENCODINGS = ("cp1252", "cp1250", "iso8859_2", "cp1254", "iso8859_15", "latin_1")
ENCODING_NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2",
                  "cp1254": "Windows-1254", "iso8859_15": "ISO-8859-15", "latin_1": "ISO-8859-1",
                  "utf_8+cp1252": "UTF-8 mixed with Windows-1252"}
# The accented letters of the languages these code pages are for (lower case; İ has none).
ALPHABETS = {name: frozenset(letters) for name, letters in {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüß", "nl": "éèëïöü", "es": "áéíóúñü", "pt": "áàâãçéêíóôõú",
    "it": "àèéìíîòóùú", "ca": "àçèéíïòóúü", "sv": "åäöé", "da": "æøåé", "is": "áðéíóúýþæö",
    "pl": "ąćęłńóśźż", "cs": "áčďéěíňóřšťúůýž", "sk": "áäčďéíĺľňóôŕšťúýž", "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ", "hr": "čćđšž", "tr": "çğıöşüİ", "et": "äöõüšž", "sq": "ëç",
}.items()}
# Few news texts are in Icelandic: its letters (þ ð ý) are Turkish ones (ş ğ ı) read in the wrong code page more often.
RARE_LANGUAGES = {"is": 0.5}
# Signs, in a legacy code page, of a letter of another one read wrongly ("Wa³êsa", "¶roda").
ODD_SIGNS = frozenset("¤¦¨¬¯±²³´¶¸¹¼½¾¥¢£µ×÷")
IN_WORD_PUNCTUATION = frozenset("’‘–—·‑ʼ-")
LETTERS = re.compile(r"[^\W\d_]+")
C1_CONTROLS = re.compile(r"[\x80-\x9f]")
# A non-ASCII sign (not a letter or space; ² ³ ¹ ¼ ½ ¾ count as \w) beside a letter.
SIGN = r"(?:[^\x00-\x7f\w\s]|[\u00b2\u00b3\u00b9\u00bc-\u00be])"
SIGN_BY_LETTER = re.compile(rf"(?<=[^\W\d_]){SIGN}|{SIGN}(?=[^\W\d_])")
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# UTF-8 read as Windows-1252: a lead byte's letter and its continuation bytes' signs ("Ã©", "â€™").
CONTINUATION = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿"
UTF8_AS_CP1252 = re.compile(f"[\u00c2-\u00df][{CONTINUATION}]|[\u00e0-\u00ef][{CONTINUATION}]{{2}}")
UNCERTAIN_MARGIN = 1.0  # a runner-up this close, reading differently, makes the choice a guess


def decode_legacy(data: bytes) -> tuple[str, list[str]]:
    """Text that is not UTF-8, and warnings when its encoding is in doubt (see _decode_legacy)."""
    text, warnings, _ = _decode_legacy(data)
    return text, warnings


def _decode_legacy(data: bytes) -> tuple[str, list[str], str]:
    """Text that is not UTF-8: the Latin code page under which it reads most like text, with warnings when in doubt.

    Every candidate (LEGACY_ENCODINGS, and UTF-8 with stray Windows-1252 bytes when the
    data holds valid UTF-8 sequences) is decoded and given penalty points (mojibake_score);
    the lowest wins, ties going to the earlier code page. Text whose letters are mostly
    not ASCII under every Latin reading is in another script (Cyrillic, Greek...):
    charset-normalizer picks its code page. A warning says when the choice was close,
    when the best reading still looks wrong, or when bytes had to be replaced.
    Returns (text, warnings, the encoding's name).
    """
    readings: dict[str, tuple[float, int, str]] = {}
    candidates = list(LEGACY_ENCODINGS)
    if UTF8_SEQUENCE.search(data):
        candidates.insert(0, "utf_8+cp1252")
    for order, encoding in enumerate(candidates):
        try:
            if encoding == "utf_8+cp1252":
                text = data.decode("utf-8", "newsarchive-cp1252")
            else:
                text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = unicodedata.normalize("NFC", text)
        if text not in readings:
            readings[text] = (mojibake_score(_score_sample(text)), order, encoding)
    ranked = sorted((value, text) for text, value in readings.items())
    (points, _, encoding), text = ranked[0]
    letters = LETTERS.findall(text[:100_000])
    total = sum(map(len, letters))
    if total and sum(c >= "\x80" for word in letters for c in word) > 0.5 * total:
        other = _other_script(data)
        if other:
            return other
    name = ENCODING_NAMES[encoding]
    warnings = []
    if len(ranked) > 1 and ranked[1][0][0] - points < UNCERTAIN_MARGIN:
        runner_up = ENCODING_NAMES[ranked[1][0][2]]
        warnings.append(f"not UTF-8; the encoding is uncertain: read as {name}, but {runner_up} reads almost as well")
    elif points >= 2:
        warnings.append(f"not UTF-8; read as {name}, but some characters still look wrong (mojibake?)")
    elif encoding == "utf_8+cp1252":
        warnings.append("mostly UTF-8, with some bytes in another encoding: those read as Windows-1252")
    return text, warnings, name


def _other_script(data: bytes) -> tuple[str, list[str], str] | None:
    best = from_bytes(data[:MAX_FILE_BYTES]).best()
    if best is None:
        return None
    try:
        text = str(best)
    except Exception:
        return None
    warnings = []
    if best.chaos > 0.1 or best.coherence < 0.2:
        warnings.append(f"not UTF-8; the encoding is uncertain: detected as {best.encoding}")
    return text, warnings, best.encoding


def _cp1252_for_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    chunk = error.object[error.start:error.end]
    return chunk.decode("cp1252", "ignore") if all(b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in chunk) \
        else chunk.decode("latin-1"), error.end


codecs.register_error("newsarchive-cp1252", _cp1252_for_stray_bytes)


SCORE_SAMPLE_CHARS = 200_000  # what the choice of code page is made on: the lines with non-ASCII letters


def _score_sample(text: str) -> str:
    """The lines of text that are not plain ASCII, up to SCORE_SAMPLE_CHARS: enough to judge, quick on 10 MB."""
    if len(text) <= SCORE_SAMPLE_CHARS:
        return text
    sample, size = [], 0
    for line in text.splitlines():
        if not line.isascii():
            sample.append(line[:SCORE_SAMPLE_CHARS])
            size += len(sample[-1]) + 1
            if size >= SCORE_SAMPLE_CHARS:
                break
    return "\n".join(sample)


def mojibake_score(text: str) -> float:
    """Penalty points for signs that text was decoded with the wrong code page (0: nothing odd).

    10 a C1 control character (a Windows code page's quote or dash read as ISO-8859);
    4 a UTF-8 sequence read as Windows-1252 ("Ã©");
    3 a sign between two letters ("Wa³êsa"), 1 an odd sign next to a letter ("¶rodę");
    2 a word whose accented letters belong to no one language ("Kýlýçdaroðlu");
    1 for every language beyond the first needed to cover the text's accented letters
    (Hungarian read as Windows-1252 needs Portuguese õ beside German ö).
    """
    points = 10.0 * len(C1_CONTROLS.findall(text))
    points += 4.0 * len(UTF8_AS_CP1252.findall(text))
    for match in SIGN_BY_LETTER.finditer(text):
        index, sign = match.start(), match.group()
        if sign in IN_WORD_PUNCTUATION:
            continue
        if index > 0 and text[index - 1].isalpha() and index + 1 < len(text) and text[index + 1].isalpha():
            points += 3
        elif sign in ODD_SIGNS:
            points += 1
    accented: set[str] = set()
    for word, count in Counter(word for word in LETTERS.findall(text) if not word.isascii()).items():
        marked = {c if c == "İ" else c.lower() for c in word if c >= "\x80"}
        accented |= marked
        if not any(marked <= letters for letters in ALPHABETS.values()):
            points += 2 * count
    languages = 0.0
    while accented:
        name = max(ALPHABETS, key=lambda k: (len(accented & ALPHABETS[k]), -RARE_LANGUAGES.get(k, 0)))
        if not accented & ALPHABETS[name]:
            languages += len(accented)
            break
        accented -= ALPHABETS[name]
        languages += 1 + RARE_LANGUAGES.get(name, 0)
    return points + max(languages - 1, 0)


# ---------------------------------------------------------------------------------------------
# Files to documents.


def read_file(path: Path, name: str) -> Iterator[RawDocument | SkipInput]:
    """Yield the documents in one file; unreadable files and records come back as SkipInput. Never raises."""
    name = safe_name(str(name))
    warnings = []
    raw = "/".join(Path(path).parts[-len(name.split("/")):])  # the name as the file system has it
    if safe_name(raw) != raw:
        warnings.append(f"the file name is not valid UTF-8: shown as {name}")
    try:
        kind = INPUT_SUFFIXES.get(Path(path).suffix.lower(), "text")
        with _open_regular(path, name) as handle:
            if kind == "jsonl":
                yield from _read_jsonl(handle, name, warnings)
                return
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise SkipInput(name, f"file is {_size(size)}, over the limit of {_size(MAX_FILE_BYTES)} "
                                      f"for one article (MAX_FILE_BYTES): not read")
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SkipInput(name, f"file is over the limit of {_size(MAX_FILE_BYTES)} for one article "
                                  f"(MAX_FILE_BYTES): not read")
        text, notes = decode_text(data, name)
        del data
        warnings += notes
        if kind == "json":
            yield from _read_json(text, name, warnings)
            return
        if kind in ("text", "markdown") and len(text) > MAX_TEXT_CHARS:
            raise SkipInput(name, f"text is {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,} "
                                  f"for one article (MAX_TEXT_CHARS): not read")
        fields, after_front_matter = {}, False
        if text.startswith("---"):
            fields, text, after_front_matter = front_matter(text, kind == "markdown", warnings)
        if kind == "markdown":
            text, kind = markdown_text(text, warnings), "text"
        if not text.strip():
            raise SkipInput(name, "no text after the front matter" if after_front_matter
                            else "no text (nothing but Markdown markup)")
        yield RawDocument(file=name, line=None, kind=kind, text=text, fields=fields, warnings=warnings)
    except SkipInput as skip:
        yield skip
    except (OSError, ValueError) as error:
        yield SkipInput(name, f"cannot read file ({_error_text(error)})")
    except (MemoryError, RecursionError) as error:
        yield SkipInput(name, f"cannot read file ({type(error).__name__})")


def _open_regular(path: Path, name: str) -> io.BufferedReader:
    """The file opened for reading in binary, only if it is a regular file: a FIFO is never waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise SkipInput(name, f"{_file_type(mode)}, not a regular file: not read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _size(size: int) -> str:
    return f"{size:,} bytes ({size / 1_000_000:.1f} MB)" if size >= 1_000_000 else f"{size:,} bytes"


def _read_jsonl(handle: io.BufferedReader, name: str, warnings: list[str]) -> Iterator[RawDocument | SkipInput]:
    """The records of a .jsonl file, read line by line: never the whole file in memory."""
    head = handle.peek(4096)[:4096] if hasattr(handle, "peek") else b""
    wide = _wide_encoding(head)
    if wide:
        encoding, bom = wide
        encoding = {"utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32", "utf-32-be": "utf-32"}[encoding] \
            if bom else encoding
        lines = _wide_lines(handle, encoding)
    elif b"\x00" in head:
        yield SkipInput(name, "binary file (contains NUL bytes), not text")
        return
    else:
        lines = _utf8_lines(handle)
    records = 0
    for number, line, problem in lines:
        where = f"{name}:{number}"
        if problem:
            yield SkipInput(where, problem)
            records += 1
            continue
        if isinstance(line, bytes):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if not line.strip():
                continue
            try:
                line = line.decode("utf-8")
                notes = []
            except UnicodeDecodeError:
                line, notes, encoding = _decode_legacy(line)
                notes = [f"the record is not UTF-8 (as JSON must be): read as {encoding}", *notes]
        else:
            if number == 1:
                line = line.removeprefix("\ufeff")
            notes = []
        if not line.strip():
            continue
        records += 1
        yield _record(line, where, name, number, warnings + notes)
    if not records:
        yield SkipInput(name, "empty file")


def _utf8_lines(handle: io.BufferedReader) -> Iterator[tuple[int, bytes | None, str | None]]:
    """(number, line, None) for every line split on b"\\n" alone; (number, None, reason) for one over the limit."""
    return _limited_lines(handle.readline, b"\n", MAX_RECORD_BYTES, 1 << 20, 1)


def _wide_lines(handle: io.BufferedReader, encoding: str) -> Iterator[tuple[int, str | None, str | None]]:
    """Lines of UTF-16/32 text, split on "\\n" alone, at most MAX_RECORD_BYTES of it at a time."""
    unit = 4 if "32" in encoding else 2
    text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="\n")
    return _limited_lines(text.readline, "\n", MAX_RECORD_BYTES // unit, 1 << 18, unit)


def _limited_lines(readline, newline, limit: int, chunk: int, unit: int) -> Iterator[tuple]:
    """(number, line without its line end, None) per line read with readline (bytes or text); for a
    line over limit units, (number, None, reason), read past in chunks and never held whole."""
    number = 0
    while True:
        line = readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not (len(line) == limit + 1 and line.endswith(newline)):
            size = len(line)
            while not line.endswith(newline):
                line = readline(chunk)
                if not line:
                    break
                size += len(line)
            about = "" if unit == 1 else "about "
            yield number, None, (f"record is {about}{_size(size * unit)}, over the limit of {_size(MAX_RECORD_BYTES)} "
                                 f"for one record (MAX_RECORD_BYTES): not read")
            continue
        yield number, line.rstrip(newline).rstrip(b"\r" if isinstance(line, bytes) else "\r"), None


STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)
SURROGATES = re.compile(r"[\ud800-\udfff]")


def _record(line: str, where: str, name: str, number: int, warnings: list[str]) -> RawDocument | SkipInput:
    """One JSONL line as a document, or the reason it is not one."""
    record = _load_json(line, where)
    if isinstance(record, SkipInput):
        return record
    if not isinstance(record, dict):
        return SkipInput(where, "a JSON record must be an object with a body or text field")
    return record_document(record, where, name, number, warnings)


def _load_json(text: str, where: str):
    """The JSON value of text, or a SkipInput: nesting over MAX_JSON_DEPTH is refused before parsing."""
    brackets = re.sub(r"[^\[\]{}]", "", STRINGS.sub("", text))
    depth = max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)
    if depth > MAX_JSON_DEPTH:
        return SkipInput(where, f"JSON nested {depth:,} levels deep, more than {MAX_JSON_DEPTH} (MAX_JSON_DEPTH): "
                                f"not an article record")
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        at = f"line {error.lineno} column {error.colno}" if error.lineno > 1 else f"column {error.colno}"
        return SkipInput(where, f"malformed JSON ({error.msg} at {at})")
    except (ValueError, RecursionError) as error:
        return SkipInput(where, f"malformed JSON ({type(error).__name__}: {str(error)[:200]})")


def _read_json(text: str, name: str, warnings: list[str]) -> Iterator[RawDocument | SkipInput]:
    """A .json file: one record (news-please writes one file per article) or a list of records.

    A list's records are numbered from 1, as `line` (name.json:3 is the third record).
    """
    value = _load_json(text, name)
    del text
    if isinstance(value, SkipInput):
        yield value
    elif isinstance(value, dict):
        yield record_document(value, name, name, None, warnings)
    elif isinstance(value, list):
        if not value:
            yield SkipInput(name, "an empty JSON list: no article records")
        for number, record in enumerate(value, start=1):
            where = f"{name}:{number}"
            if isinstance(record, dict):
                yield record_document(record, where, name, number, warnings)
            else:
                yield SkipInput(where, f"a JSON record must be an object with a body or text field, "
                                       f"not {_json_type(record)}")
    else:
        yield SkipInput(name, f"a .json file must hold an article record (an object) or a list of them, "
                              f"not {_json_type(value)}")


# Where a JSON record keeps each field, first found first: this project's own keys, then
# news-please's (maintext, title_page, title_rss, date_publish, authors, source_domain).
BODY_KEYS = ("body", "text", "maintext")
RECORD_FIELDS = {
    "title": ("title", "title_rss", "title_page"),  # an RSS title has no " | Site name" after it
    "url": ("url",),
    "published": ("published", "date_publish"),
    "source": ("source",),
    "hostname": ("hostname", "source_domain"),
    "author": ("author", "authors"),
    "language": ("language", "lang"),
}
JSONL_FIELDS = tuple(RECORD_FIELDS)  # the fields a record can give a document


def record_document(record: dict, where: str, name: str, number: int | None,
                    warnings: list[str]) -> RawDocument | SkipInput:
    """A JSON record (a .jsonl line, or a .json file's object) as a document, or the reason it is not one.

    The body is the first of body, text and maintext that is text: the article text only
    (news-please's description is a summary, never added to it). Each field comes from the
    first of its keys (RECORD_FIELDS) that holds a usable value; a value of the wrong type or
    shape is dropped with a warning, and the record kept. Dates stay as written: the parser
    reads them (dates.normalize_published).
    """
    body, present = None, None
    for key in BODY_KEYS:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            body = value
            break
        if value and present is None:
            present = key, value
    if body is None:
        what = f" (its {present[0]} is {_json_type(present[1])}, not a string)" if present else ""
        return SkipInput(where, f"record has no body or text{what}")
    warnings = list(warnings)
    body = _clean(body, "body", warnings)
    if len(body) > MAX_TEXT_CHARS:
        return SkipInput(where, f"body is {len(body):,} characters, over the limit of {MAX_TEXT_CHARS:,} "
                                f"for one article (MAX_TEXT_CHARS): not read")
    fields = {}
    for field_name, keys in RECORD_FIELDS.items():
        for key in keys:
            value = _field_value(field_name, key, record.get(key), warnings)
            if value:
                fields[field_name] = value
                break
    return RawDocument(file=name, line=number, kind="jsonl", text=unicodedata.normalize("NFC", body),
                       fields=fields, warnings=warnings)


MAX_NAMES = 50  # authors of one article, more than any byline has
MAX_NAMES_CHARS = 2_000
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2}(?:[-_][A-Za-z0-9]{1,8})*")  # ISO 639-1, with a region or script: en, pt-BR


def _field_value(field_name: str, key: str, value, warnings: list[str], yaml_scalars: bool = False,
                 front_matter: bool = False) -> str | None:
    """One field's text from a record's or front matter's value; None (with a warning when it was
    something unusable) when there is none.

    Only text is taken, but an author may be a list of names (joined with ", "), and from
    YAML front matter a date or a number is taken as written (date.isoformat()).
    """
    if value is None or value == "" or value == []:
        return None
    if front_matter and field_name != "author" and isinstance(value, list) and len(value) == 1:
        value = value[0]  # WordPress exports put one value in a list ("original_link: - 'http://...'")
    if front_matter and isinstance(value, bool):
        return None  # a flag ("published: true" in Jekyll), not a value of this field: the next key is read
    if yaml_scalars and isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    elif yaml_scalars and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    elif field_name == "author" and isinstance(value, list):
        value = _names(key, value, warnings)
        if value is None:
            return None
    if not isinstance(value, str):
        warnings.append(f"field {key!r} is {_json_type(value)}, not a string: dropped")
        return None
    value = _clean(value, key, warnings).strip()
    if front_matter:
        value = html.unescape(value)  # WordPress writes "&#8211;" and "&#038;" into its exports
    if not value:
        return None
    if field_name == "url" and not _valid_url(value):
        warnings.append(f"field {key!r} is not a valid URL ({_shorten(value)}): dropped")
        return None
    if field_name == "hostname":
        host = _host(value)
        if not host:
            warnings.append(f"field {key!r} is not a domain name ({_shorten(value)}): dropped")
        return host
    if field_name == "language" and not LANGUAGE_CODE.fullmatch(value):
        warnings.append(f"field {key!r} is not an ISO 639-1 language code ({_shorten(value)}): dropped")
        return None
    return value


def _names(key: str, items: list, warnings: list[str]) -> str | None:
    """A list of author names as one byline, "A, B": names that are not text are dropped with a warning."""
    names: list[str] = []
    dropped = 0
    for item in items[:MAX_NAMES]:
        if not isinstance(item, str):
            dropped += 1
            continue
        item = " ".join(item.split())
        if item and item not in names:
            names.append(item)
    if dropped:
        warnings.append(f"field {key!r} has {dropped} name{'s' if dropped > 1 else ''} that "
                        f"{'are' if dropped > 1 else 'is'} not a string: dropped")
    if len(items) > MAX_NAMES:
        warnings.append(f"field {key!r} lists {len(items):,} names: only the first {MAX_NAMES} kept")
    byline = ", ".join(names)
    if len(byline) > MAX_NAMES_CHARS:
        warnings.append(f"field {key!r} is {len(byline):,} characters long, not a byline: dropped")
        return None
    return byline or None


def _host(value: str) -> str | None:
    """The host name of a domain or URL ("www.rt.com", "https://www.rt.com/news/"), lower case; else None."""
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return None
    return host if host and "." in host and not any(c.isspace() for c in host) else None


# ---------------------------------------------------------------------------------------------
# YAML front matter (Jekyll, Hugo, WordPress exports, aggregators) and Markdown.

FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\r?\n")
FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$\n?", re.M)
# Front matter is a few hundred bytes of YAML; a block this long is not front matter, and
# a YAML parser should not spend seconds on it.
MAX_FRONT_MATTER_CHARS = 100_000
# Where front matter keeps each field, first found first (keys compared ignoring case). An
# aggregator's original_link is the original publisher's URL: it comes before the aggregator's
# own link. A URL must be absolute (Hugo's url is the page's path on the site).
FRONT_MATTER_FIELDS = {
    "title": ("title", "post_title"),
    "published": ("date", "published", "pubDate", "publishDate", "post_date"),  # an aggregator's post_date last
    "url": ("original_link", "link", "url", "canonical_url", "source_url"),
    "author": ("author", "authors"),
    "source": ("source", "publisher"),
    "language": ("lang", "language"),
}
# A .txt or .html file may start with a "---" separator line of its own: its "---" block is
# front matter only when it has one of these keys (a .md file's always is).
FRONT_MATTER_KEYS = frozenset(key.lower() for keys in FRONT_MATTER_FIELDS.values() for key in keys) | {
    "layout", "tags", "categories", "category", "slug", "permalink", "draft", "description", "excerpt",
    "summary", "image", "featured_image", "status", "guid", "id", "type", "lastmod", "updated", "modified"}


def front_matter(text: str, markdown: bool, warnings: list[str]) -> tuple[dict, str, bool]:
    """(fields, the text after the front matter, True) when text starts with YAML front matter.

    Front matter is a "---" line, YAML, and a "---" (or "...") line. When the YAML does not
    parse, or is not a mapping of keys to values, the whole text is the document, with a
    warning. A text whose first "---" line is never closed has no front matter (a Markdown
    rule, a text's separator): (no fields, the whole text, False); nor has a text that is
    not Markdown whose "---" block names none of FRONT_MATTER_KEYS.
    """
    opening = FRONT_MATTER_OPEN.match(text)
    closing = FRONT_MATTER_CLOSE.search(text, opening.end()) if opening else None
    if not closing:
        return {}, text, False
    block, after = text[opening.end():closing.start()], text[closing.end():]
    if len(block) > MAX_FRONT_MATTER_CHARS:
        warnings.append(f"the front matter is {len(block):,} characters long, over {MAX_FRONT_MATTER_CHARS:,} "
                        f"(MAX_FRONT_MATTER_CHARS): not read; the text after it is")
        return {}, after, True
    try:
        data = yaml.safe_load(block)
    except Exception as error:  # noqa: BLE001 - any YAML failure (YAMLError, a bad date's ValueError, deep nesting)
        problem = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, yaml.MarkedYAMLError) and error.problem:
            mark = error.problem_mark
            problem = error.problem + (f", line {mark.line + 2} of the file" if mark else "")
        warnings.append(f"the front matter is not valid YAML ({_shorten(problem, 120)}): the whole file read as text")
        return {}, text, False
    if data is None:
        return {}, after, True
    if not isinstance(data, dict):
        what = "text" if isinstance(data, str) else _json_type(data)
        warnings.append(f"the '---' block at the start is {what}, not front matter (keys and values): "
                        f"the whole file read as text")
        return {}, text, False
    keyed = {}
    for key, value in data.items():
        keyed.setdefault(str(key).lower(), (str(key), value))
    if not markdown and not FRONT_MATTER_KEYS & set(keyed):
        return {}, text, False
    fields = {}
    for field_name, keys in FRONT_MATTER_FIELDS.items():
        for key in keys:
            name, value = keyed.get(key.lower(), (key, None))
            value = _field_value(field_name, name, value, warnings, yaml_scalars=field_name != "url", front_matter=True)
            if field_name == "url" and value and not _absolute_url(value):
                continue  # a path on the site (Hugo's url), not the article's address
            if value:
                fields[field_name] = value
                break
    return fields, after.lstrip("\r\n"), True


def _absolute_url(value: str) -> bool:
    value = value.strip().lower()
    return value.startswith(("http://", "https://", "//"))


_MARKDOWN = None


def markdown_text(source: str, warnings: list[str]) -> str:
    """Markdown as the plain text a reader sees: paragraphs separated by blank lines.

    Parsed with markdown-it-py (CommonMark, with tables and strikethrough): headings,
    paragraphs, list items, quotes and table rows become lines of text; emphasis, code and
    link markup go (a link keeps its text), images go, code blocks stay as text, and inline
    HTML keeps only its text. A paragraph's wrapped lines are joined into one.
    """
    global _MARKDOWN
    try:
        if _MARKDOWN is None:
            from markdown_it import MarkdownIt

            _MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 20}).enable(["table", "strikethrough"])
        tokens = _MARKDOWN.parse(source)
    except Exception as error:  # noqa: BLE001 - a parser bug on odd input costs the markup, not the text
        warnings.append(f"could not read the Markdown ({type(error).__name__}): kept as it is")
        return source
    blocks: list[str] = []
    row: list[str] | None = None
    table: list[str] | None = None
    for token in tokens:
        if token.type == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text.strip())
            elif text.strip():
                blocks.append(text.strip())
        elif token.type in ("fence", "code_block"):
            if token.content.strip():
                blocks.append(token.content.strip("\n"))
        elif token.type == "html_block":
            text = _html_text(token.content)
            if text:
                blocks.append(text)
        elif token.type == "table_open":
            table = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if table is not None and row and any(row):
                table.append(" | ".join(row))
            row = None
        elif token.type == "table_close":
            if table:
                blocks.append("\n".join(table))
            table = None
    return "\n\n".join(blocks)


def _inline_text(children: list) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        # images, HTML tags and the markup of emphasis and links give no text
    return "".join(parts)


BLOCK_TAGS = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr figure figcaption section "
                       "article header footer aside hr dd dt".split())


def _html_text(html: str) -> str:
    """The text of an HTML block in Markdown (WordPress exports carry them): one line per block element."""
    from lxml import etree, html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    for element in list(root.iter("script", "style", "noscript", "template", "iframe")):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _parse_int(digits: str):
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def _clean(value: str, key: str, warnings: list[str]) -> str:
    """A JSON string without lone surrogates (\\ud800 is valid JSON but not text): each becomes U+FFFD."""
    if SURROGATES.search(value):
        count = len(SURROGATES.findall(value))
        warnings.append(f"field {key!r} has {count} lone surrogate escape{'s' if count > 1 else ''} "
                        f"(not a character): replaced with U+FFFD")
        value = SURROGATES.sub("\ufffd", value)
    return value


def _valid_url(url: str) -> bool:
    try:
        for parts in (urlsplit(url), urlsplit(url if "//" in url else f"//{url}")):
            parts.hostname, parts.port
    except ValueError:
        return False
    return True


def _json_type(value) -> str:
    return {dict: "an object", list: "a list", bool: "true or false", int: "a number", float: "a number",
            str: "a string"}.get(type(value), type(value).__name__)


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + "…"
