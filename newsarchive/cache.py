"""The build cache beside the archive (<archive>.cache): per-article work, kept by content.

Per input file, its size, modification time and the documents it held (their content
hashes), so that a run over unchanged files reads none of them. Then two kinds of
per-article entries, kept apart so that editing the rules never re-runs the model:
- docs: the statistical model's analysis of a body (spaCy DocBin bytes), keyed by the
  model's fingerprint and the body;
- analyses: everything the rules derive from one article (newsarchive.analysis),
  keyed by the code-and-data fingerprint and the article's content.
Losing the file costs time, never correctness: the build recomputes what is missing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from pathlib import Path
from typing import Iterable

CHUNK = 500  # keys per "in (...)" query, under SQLite's parameter limit


class BuildCache:
    def __init__(self, path: Path, model_fingerprint: str, rules_fingerprint: str):
        self.path = path
        self.model_fingerprint = model_fingerprint
        self.rules_fingerprint = rules_fingerprint
        self.connection = sqlite3.connect(path)
        self.connection.execute("pragma journal_mode = wal")
        self.connection.execute("pragma synchronous = normal")
        self.connection.execute("create table if not exists docs (key text primary key, doc blob not null)")
        self.connection.execute(
            "create table if not exists analyses (key text primary key, doc_key text not null, analysis blob not null)")
        self.connection.execute("create table if not exists files (key text primary key, size integer not null, "
                                "mtime_ns integer not null, documents text not null)")
        self._files: dict[str, tuple[int, int, str]] | None = None
        self._seen_files: set[str] = set()

    def known_file(self, key: str, size: int, mtime_ns: int) -> list | None:
        """What a file held when it last had this size and modification time, or None."""
        if self._files is None:
            self._files = {row[0]: row[1:] for row in self.connection.execute("select * from files")}
        self._seen_files.add(key)
        entry = self._files.get(key)
        return json.loads(entry[2]) if entry and entry[:2] == (size, mtime_ns) else None

    def remember_file(self, key: str, size: int, mtime_ns: int, documents: list) -> None:
        self._seen_files.add(key)
        self.connection.execute("insert or replace into files values (?, ?, ?, ?)",
                                (key, size, mtime_ns, json.dumps(documents)))

    def doc_key(self, body: str) -> str:
        return hashlib.sha256(f"{self.model_fingerprint}\0{body}".encode("utf-8", "surrogatepass")).hexdigest()

    def analysis_key(self, content_hash: str) -> str:
        return hashlib.sha256(f"{self.rules_fingerprint}\0{self.model_fingerprint}\0{content_hash}".encode()).hexdigest()

    def docs(self, bodies: Iterable[str]) -> dict[str, bytes]:
        """body -> the model's analysis, for the bodies the cache holds."""
        return self._get("docs", "doc", {self.doc_key(body): body for body in bodies})

    def analyses(self, content_hashes: Iterable[str]) -> dict[str, object]:
        """content hash -> ArticleAnalysis, for the articles the cache holds under the current rules."""
        blobs = self._get("analyses", "analysis", {self.analysis_key(h): h for h in content_hashes})
        return {content_hash: pickle.loads(blob) for content_hash, blob in blobs.items()}

    def _get(self, table: str, column: str, keys: dict[str, str]) -> dict[str, bytes]:
        """keys[key] -> the column's value, for the keys the table holds."""
        found = {}
        items = list(keys)
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            rows = self.connection.execute(
                f"select key, {column} from {table} "
                f"where key in ({','.join('?' * len(chunk))})", chunk)
            for key, blob in rows:
                found[keys[key]] = blob
        return found

    def put(self, body: str, doc: bytes | None, content_hash: str, analysis: object) -> None:
        if doc is not None:
            self.connection.execute("insert or replace into docs values (?, ?)", (self.doc_key(body), doc))
        self.connection.execute("insert or replace into analyses values (?, ?, ?)",
                                (self.analysis_key(content_hash), self.doc_key(body), pickle.dumps(analysis, protocol=5)))

    def commit(self) -> None:
        self.connection.commit()

    def prune(self, content_hashes: Iterable[str]) -> None:
        """Forget the work on articles no longer in the archive, or done by older code or models."""
        keep = {self.analysis_key(h) for h in content_hashes}
        stale = [key for (key,) in self.connection.execute("select key from analyses") if key not in keep]
        self.connection.executemany("delete from analyses where key = ?", [(key,) for key in stale])
        self.connection.execute("delete from docs where key not in (select doc_key from analyses)")
        stale = [key for (key,) in self.connection.execute("select key from files") if key not in self._seen_files]
        self.connection.executemany("delete from files where key = ?", [(key,) for key in stale])
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()
