"""The database layer: the archive's schema, and writing a whole archive into a new SQLite file.

This is the only module that knows SQL. A build writes every table into a fresh
file beside the target and renames it over the old one, so a reader never sees a
half-built archive and a failed or killed build leaves the last good one intact.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)


SCHEMA: tuple[Table, ...] = (
    Table(
        "sources",
        {"id": str, "name": str, "domain": str, "kind": str, "country": str,
         "article_count": int, "published_count": int, "credited_count": int, "curated": int},
        not_null=frozenset({"name", "kind"}),
    ),
    Table(
        "entities",
        {"id": int, "name": str, "type": str, "kind": str, "aliases": str, "mention_count": int,
         "article_count": int, "geonameid": int, "geoname": str, "country_code": str, "latitude": float,
         "longitude": float, "geo_precision": str},
        indexes=(("type",), ("name",), ("country_code",), ("geonameid",)),
        not_null=frozenset({"name", "type", "aliases", "mention_count", "article_count"}),
    ),
    Table(
        "articles",
        {"id": int, "file": str, "line": int, "source_id": str, "wire_id": str, "title": str,
         "published": str, "dateline": str, "dateline_entity_id": int, "byline": str, "body": str, "word_count": int,
         "story_id": int, "url": str, "content_hash": str},
        foreign_keys=(("source_id", "sources", "id"), ("wire_id", "sources", "id"),
                      ("dateline_entity_id", "entities", "id")),
        indexes=(("source_id",), ("wire_id",), ("published",), ("story_id",), ("file",), ("dateline_entity_id",)),
        fts=("title", "body"),
        not_null=frozenset({"file", "body", "word_count", "content_hash"}),
    ),
    Table(
        "sentences",
        {"id": int, "article_id": int, "position": int, "text": str, "start_char": int, "end_char": int},
        foreign_keys=(("article_id", "articles", "id"),),
        indexes=(("article_id", "position"),),
        fts=("text",),
        not_null=frozenset({"article_id", "position", "text", "start_char", "end_char"}),
    ),
    Table(
        "mentions",
        {"id": int, "entity_id": int, "article_id": int, "sentence_id": int, "start_char": int, "end_char": int,
         "text": str},
        foreign_keys=(("entity_id", "entities", "id"), ("article_id", "articles", "id"),
                      ("sentence_id", "sentences", "id")),
        indexes=(("entity_id",), ("article_id",), ("sentence_id",)),
        not_null=frozenset({"entity_id", "article_id", "start_char", "end_char", "text"}),
    ),
    Table(
        "event_clusters",
        {"id": int, "event_type": str, "sub_event_type": str, "actor1_id": int, "actor2_id": int, "location_id": int,
         "event_date": str, "date_precision": str, "fatalities": int, "latitude": float, "longitude": float,
         "event_count": int, "article_count": int, "story_count": int, "source_count": int, "evidence": str},
        foreign_keys=(("actor1_id", "entities", "id"), ("actor2_id", "entities", "id"), ("location_id", "entities", "id")),
        indexes=(("event_type", "sub_event_type"), ("location_id",), ("event_date",), ("actor1_id",)),
        not_null=frozenset({"event_type", "sub_event_type", "event_count", "article_count", "story_count", "source_count"}),
    ),
    Table(
        "events",
        {"id": int, "article_id": int, "sentence_id": int, "event_type": str, "sub_event_type": str,
         "actor1_id": int, "actor2_id": int, "location_id": int, "sub_location_id": int, "event_date": str,
         "date_precision": str, "date_text": str, "fatalities": int, "latitude": float, "longitude": float,
         "trigger": str, "attributed_to_id": int, "cluster_id": int, "evidence": str},
        foreign_keys=(("article_id", "articles", "id"), ("sentence_id", "sentences", "id"),
                      ("actor1_id", "entities", "id"), ("actor2_id", "entities", "id"),
                      ("location_id", "entities", "id"), ("sub_location_id", "entities", "id"),
                      ("attributed_to_id", "entities", "id"), ("cluster_id", "event_clusters", "id")),
        indexes=(("article_id",), ("sentence_id",), ("event_type", "sub_event_type"), ("actor1_id",), ("actor2_id",),
                 ("location_id",), ("event_date",), ("cluster_id",)),
        not_null=frozenset({"article_id", "sentence_id", "event_type", "sub_event_type", "cluster_id", "evidence"}),
    ),
    Table(
        "event_fatalities",
        {"id": int, "event_id": int, "side_id": int, "side": str, "count": int},
        foreign_keys=(("event_id", "events", "id"), ("side_id", "entities", "id")),
        indexes=(("event_id",), ("side_id",)),
        not_null=frozenset({"event_id", "count"}),
    ),
    Table(
        "attributions",
        {"id": int, "article_id": int, "sentence_id": int, "speaker_id": int, "speaker": str, "claim": str, "cue": str},
        foreign_keys=(("article_id", "articles", "id"), ("sentence_id", "sentences", "id"), ("speaker_id", "entities", "id")),
        indexes=(("article_id",), ("sentence_id",), ("speaker_id",)),
        fts=("speaker", "claim"),
        not_null=frozenset({"article_id", "sentence_id", "speaker", "claim", "cue"}),
    ),
)

VIEWS = {
    # Places with coordinates, shaped for datasette-cluster-map: its popup column
    # (JSON with title, description and link) labels each marker. Links are relative
    # to the map's page (/<database>/places), so they work whatever the database file
    # is called and under a base_url.
    "places": """
        select id, name, type, country_code, geo_precision, mention_count, article_count, latitude, longitude,
          json_object(
            'title', name,
            'description', mention_count || ' mentions in ' || article_count || ' articles'
              || coalesce(' (' || geoname || ', ' || country_code || ')', ''),
            'link', 'entities/' || id
          ) as popup
        from entities
        where latitude is not null
    """,
    # Every real-world event with a place, once however many outlets report it, for the
    # map: its popup says what, who, when, the toll and how many outlets report it.
    "event_map": """
        select event_clusters.id, event_clusters.event_type, event_clusters.sub_event_type,
          actor1.name as actor1, actor2.name as actor2, place.name as location,
          event_clusters.event_date, event_clusters.fatalities, event_clusters.source_count,
          event_clusters.latitude, event_clusters.longitude,
          json_object(
            'title', event_clusters.sub_event_type || ' in ' || place.name
              || coalesce(', ' || event_clusters.event_date, ''),
            'description', coalesce(actor1.name, 'unnamed actor')
              || coalesce(' against ' || actor2.name, '')
              || coalesce('; ' || event_clusters.fatalities || ' killed', '')
              || '; reported by ' || event_clusters.source_count
              || case event_clusters.source_count when 1 then ' outlet: ' else ' outlets: ' end
              || event_clusters.evidence,
            'link', 'event_reports?event=' || event_clusters.id
          ) as popup
        from event_clusters
        join entities as place on place.id = event_clusters.location_id
        left join entities as actor1 on actor1.id = event_clusters.actor1_id
        left join entities as actor2 on actor2.id = event_clusters.actor2_id
        where event_clusters.latitude is not null
    """,
}

BUILD_INFO = "_build_info"


def temporary_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.building-{os.getpid()}")


def remove_stale_temporaries(target: Path) -> None:
    """Delete temporary files left by builds that were killed (their process is gone)."""
    for path in target.parent.glob(f".{target.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _process_alive(int(pid)):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_build_info(path: Path) -> dict[str, str]:
    """The key/value notes a build left in the archive (its input fingerprint), or {} if none."""
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return dict(connection.execute(f"select key, value from {BUILD_INFO}"))
    except sqlite3.Error:
        return {}


def write_archive(target: Path, rows: dict[str, list[dict]], build_info: dict[str, str]) -> None:
    """Write every table into a new file and atomically replace the target with it."""
    temporary = temporary_path(target)
    temporary.unlink(missing_ok=True)
    try:
        db = sqlite_utils.Database(temporary)
        db.conn.execute("pragma journal_mode = off")
        db.conn.execute("pragma synchronous = off")
        with db.conn:
            for table in SCHEMA:
                _create(db, table)
                ordered = sorted(rows.get(table.name, []), key=lambda row: row[table.pk])
                db[table.name].insert_all(ordered, batch_size=1000)
            db[BUILD_INFO].insert_all(
                [{"key": key, "value": value} for key, value in sorted(build_info.items())], pk="key")
        for table in SCHEMA:
            if table.fts:
                db[table.name].enable_fts(list(table.fts), create_triggers=True, tokenize="porter")
        for name, sql in VIEWS.items():
            db.create_view(name, sql.strip())
        db.conn.execute("pragma journal_mode = delete")
        db.conn.execute("analyze")
        db.conn.close()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _create(db: sqlite_utils.Database, table: Table) -> None:
    db[table.name].create(
        table.columns,
        pk=table.pk,
        foreign_keys=list(table.foreign_keys),
        not_null=set(table.not_null),
    )
    for columns in table.indexes:
        db[table.name].create_index(list(columns))
