"""The build cache beside the archive (<archive>.cache): per-article work, kept by content.

Per input file, its size, modification time and the documents it held (their content
hashes), so that a run over unchanged files reads none of them. Then two kinds of
per-article entries, kept apart so that editing the rules never re-runs the model:
- docs: the statistical model's analysis of a body (newsarchive.nlp.doc_to_bytes), keyed by the
  model's fingerprint and the body;
- analyses: everything the rules derive from one article (newsarchive.analysis),
  keyed by the code-and-data fingerprint and the article's content.
Losing the file costs time, never correctness: the build recomputes what is missing.
So a damaged cache (truncated, overwritten, another program's file) never stops a build:
it is set aside as <archive>.cache.damaged with a warning, and a new one is started; a
read that fails mid-build is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Iterable

CHUNK = 500  # keys per "in (...)" query, under SQLite's parameter limit


# The tables and columns this code writes; a file with others is not this cache.
TABLES = {
    "docs": "create table docs (key text primary key, doc blob not null)",
    "analyses": "create table analyses (key text primary key, doc_key text not null, analysis blob not null)",
    "files": "create table files (key text primary key, size integer not null, mtime_ns integer not null, "
             "documents text not null)",
}


class BuildCache:
    def __init__(self, path: Path, model_fingerprint: str, rules_fingerprint: str):
        self.path = path
        self.model_fingerprint = model_fingerprint
        self.rules_fingerprint = rules_fingerprint
        self.warnings: list[str] = []
        self.damaged: str | None = None  # why reads stopped working mid-build, if they did
        try:
            self.connection = self._open()
        except sqlite3.DatabaseError as error:
            self._set_aside(str(error))
            self.connection = self._open()
        self._files: dict[str, tuple[int, int, str]] | None = None
        self._seen_files: set[str] = set()

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path)
        try:
            connection.execute("pragma journal_mode = wal")
            connection.execute("pragma synchronous = normal")
            found = {name: sql for name, sql in connection.execute("select name, sql from sqlite_master where type = 'table'")}
            if found and {name: " ".join(sql.lower().split()) for name, sql in found.items()} != TABLES:
                raise sqlite3.DatabaseError(f"it holds other tables than the cache's ({', '.join(sorted(found))})")
            for name, sql in TABLES.items():
                if name not in found:
                    connection.execute(sql)
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection

    def _set_aside(self, reason: str) -> None:
        aside = self.path.with_name(self.path.name + ".damaged")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, f"{aside}{suffix}")
        self.warnings.append(f"the build cache {self.path} could not be used ({reason}); it was set aside as "
                             f"{aside.name} and a new one started: every article is analysed again")

    def _failed(self, error: sqlite3.DatabaseError) -> None:
        if self.damaged is None:
            self.damaged = str(error)

    def known_file(self, key: str, size: int, mtime_ns: int) -> list | None:
        """What a file held when it last had this size and modification time, or None."""
        if self._files is None:
            try:
                self._files = {row[0]: row[1:] for row in self.connection.execute("select * from files")}
            except sqlite3.DatabaseError as error:
                self._failed(error)
                self._files = {}
        self._seen_files.add(key)
        entry = self._files.get(key)
        return json.loads(entry[2]) if entry and entry[:2] == (size, mtime_ns) else None

    def remember_file(self, key: str, size: int, mtime_ns: int, documents: list) -> None:
        self._seen_files.add(key)
        self._write("insert or replace into files values (?, ?, ?, ?)", (key, size, mtime_ns, json.dumps(documents)))

    def _write(self, sql: str, parameters=()) -> None:
        """A write; once the file proved damaged, writes stop (a full disk is not damage: it is raised)."""
        if self.damaged:
            return
        try:
            self.connection.execute(sql, parameters)
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as error:
            self._failed(error)

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
        found = {}
        for content_hash, blob in blobs.items():
            try:
                found[content_hash] = pickle.loads(blob)
            except Exception:  # a damaged entry, or one pickled by other code: a miss
                continue
        return found

    def _get(self, table: str, column: str, keys: dict[str, str]) -> dict[str, bytes]:
        """keys[key] -> the column's value, for the keys the table holds."""
        found = {}
        if self.damaged:
            return found
        items = list(keys)
        try:
            for start in range(0, len(items), CHUNK):
                chunk = items[start:start + CHUNK]
                rows = self.connection.execute(
                    f"select key, {column} from {table} "
                    f"where key in ({','.join('?' * len(chunk))})", chunk)
                for key, blob in rows:
                    found[keys[key]] = blob
        except sqlite3.DatabaseError as error:
            self._failed(error)
        return found

    def put(self, body: str, doc: bytes | None, content_hash: str, analysis: object) -> None:
        if doc is not None:
            self._write("insert or replace into docs values (?, ?)", (self.doc_key(body), doc))
        self._write("insert or replace into analyses values (?, ?, ?)",
                    (self.analysis_key(content_hash), self.doc_key(body), pickle.dumps(analysis, protocol=5)))

    def commit(self) -> None:
        """Keep what was written so far: a build killed later loses none of it."""
        if not self.damaged:
            self.connection.commit()

    def prune(self, content_hashes: Iterable[str]) -> None:
        """Forget the work on articles no longer in the archive, or done by older code or models."""
        if self.damaged:
            return
        try:
            keep = {self.analysis_key(h) for h in content_hashes}
            stale = [key for (key,) in self.connection.execute("select key from analyses") if key not in keep]
            self.connection.executemany("delete from analyses where key = ?", [(key,) for key in stale])
            self.connection.execute("delete from docs where key not in (select doc_key from analyses)")
            stale = [key for (key,) in self.connection.execute("select key from files") if key not in self._seen_files]
            self.connection.executemany("delete from files where key = ?", [(key,) for key in stale])
            self.connection.commit()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as error:
            self._failed(error)

    def close(self) -> None:
        """Commit and close; a cache that proved damaged during the build is set aside for the next."""
        try:
            if not self.damaged:
                self.connection.commit()
        finally:
            self.connection.close()
        if self.damaged:
            self._set_aside(self.damaged)
