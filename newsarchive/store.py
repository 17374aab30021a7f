"""The database layer: the archive's schema, and updating it in place in one transaction.

This is the only module that knows SQL. A build opens the archive, deletes and
inserts the rows of the articles that changed, re-links entities, stories and event
clusters whose members changed, and commits once: SQLite's commit is the atomicity,
so a reader never sees a half-built archive and a failed or killed build leaves the
last good one intact. Rows of untouched articles are never rewritten, and an entity
keeps its id while any of the names it was built from is still in the archive.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .acronyms import without_acronym
from .ids import stable_id


# The words news puts after a first-level division's name ("Nangarhar province", "Anbar governorate"),
# which are no part of it: the name alone is an alias of the division too.
DIVISION_WORDS = frozenset({"province", "governorate", "oblast", "prefecture", "wilayat", "muhafazat"})


def _names_a_town(name: str, country: str) -> bool:
    """Whether a town of the country bears the name (Aleppo, of Aleppo province)."""
    from .gazetteer import default_gazetteer

    places, exact = default_gazetteer().candidates(name)
    return exact and any(place.kind == "city" and place.country_code == country for place in places)


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
         "published": str, "published_precision": str, "dateline": str, "dateline_entity_id": int, "byline": str, "body": str, "word_count": int,
         "story_id": int, "url": str, "language": str, "content_hash": str},
        foreign_keys=(("source_id", "sources", "id"), ("wire_id", "sources", "id"),
                      ("dateline_entity_id", "entities", "id")),
        indexes=(("source_id",), ("wire_id",), ("published", "source_id"), ("story_id",), ("file",), ("dateline_entity_id",),
                 ("language",), ("dateline",)),
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
         "text": str, "entity_key": str},
        foreign_keys=(("entity_id", "entities", "id"), ("article_id", "articles", "id"),
                      ("sentence_id", "sentences", "id")),
        indexes=(("entity_id", "article_id"), ("article_id",), ("sentence_id",), ("entity_key",)),
        not_null=frozenset({"article_id", "start_char", "end_char", "text", "entity_key"}),
    ),
    Table(
        "event_clusters",
        {"id": int, "event_type": str, "sub_event_type": str, "actor1_id": int, "actor2_id": int, "location_id": int,
         "event_date": str, "date_precision": str, "fatalities": int, "latitude": float, "longitude": float,
         "event_count": int, "article_count": int, "story_count": int, "source_count": int, "evidence": str},
        foreign_keys=(("actor1_id", "entities", "id"), ("actor2_id", "entities", "id"), ("location_id", "entities", "id")),
        # A place's or an actor's events by date, and their timeline, read from the index alone
        indexes=(("event_type", "sub_event_type"), ("event_date", "date_precision", "event_type", "fatalities"),
                 *((role, "event_date", "date_precision", "event_type", "fatalities")
                   for role in ("location_id", "actor1_id", "actor2_id")),
                 ("sub_event_type",), ("source_count",)),
        not_null=frozenset({"event_type", "sub_event_type", "event_count", "article_count", "story_count", "source_count"}),
    ),
    Table(
        "events",
        {"id": int, "article_id": int, "sentence_id": int, "event_type": str, "sub_event_type": str,
         "actor1_id": int, "actor2_id": int, "location_id": int, "sub_location_id": int, "event_date": str,
         "date_precision": str, "date_text": str, "fatalities": int, "injured": int, "latitude": float, "longitude": float,
         "trigger": str, "attributed_to_id": int, "cluster_id": int, "evidence": str},
        foreign_keys=(("article_id", "articles", "id"), ("sentence_id", "sentences", "id"),
                      ("actor1_id", "entities", "id"), ("actor2_id", "entities", "id"),
                      ("location_id", "entities", "id"), ("sub_location_id", "entities", "id"),
                      ("attributed_to_id", "entities", "id"), ("cluster_id", "event_clusters", "id")),
        indexes=(("article_id",), ("sentence_id",), ("event_type", "sub_event_type"), ("actor1_id",), ("actor2_id",),
                 ("location_id",), ("sub_location_id",), ("event_date",), ("cluster_id",), ("sub_event_type",),
                 ("attributed_to_id",)),
        not_null=frozenset({"article_id", "sentence_id", "event_type", "sub_event_type", "cluster_id", "evidence"}),
    ),
    Table(
        "event_fatalities",
        {"id": int, "event_id": int, "side_id": int, "side": str, "count": int},
        foreign_keys=(("event_id", "events", "id"), ("side_id", "entities", "id")),
        indexes=(("event_id",), ("side_id",)),
        not_null=frozenset({"event_id", "count"}),
    ),
    # What an article tells of violence that is not one event (realis.py): running totals,
    # habitual activity, denials, hypotheses, background. Analysts count totals here, not on the map.
    Table(
        "event_statements",
        {"id": int, "article_id": int, "sentence_id": int, "realis": str, "trigger": str, "evidence": str,
         "event_type": str, "sub_event_type": str, "actor1_id": int, "actor2_id": int, "location_id": int,
         "event_date": str, "date_precision": str, "fatalities": int},
        foreign_keys=(("article_id", "articles", "id"), ("sentence_id", "sentences", "id"),
                      ("actor1_id", "entities", "id"), ("actor2_id", "entities", "id"), ("location_id", "entities", "id")),
        indexes=(("article_id",), ("realis",), ("actor1_id",), ("actor2_id",), ("location_id",)),
        not_null=frozenset({"article_id", "sentence_id", "realis", "event_type", "sub_event_type", "evidence"}),
    ),
    Table(
        "attributions",
        {"id": int, "article_id": int, "sentence_id": int, "speaker_id": int, "speaker": str, "claim": str, "cue": str},
        foreign_keys=(("article_id", "articles", "id"), ("sentence_id", "sentences", "id"), ("speaker_id", "entities", "id")),
        indexes=(("article_id",), ("sentence_id",), ("speaker_id",)),
        fts=("speaker", "claim"),
        not_null=frozenset({"article_id", "sentence_id", "speaker", "claim", "cue"}),
    ),
    Table(
        "event_map",
        {"id": int, "event_type": str, "sub_event_type": str, "actor1": str, "actor2": str, "location": str,
         "event_date": str, "date_precision": str, "fatalities": int, "source_count": int, "latitude": float,
         "longitude": float, "time_precision": int, "country": str, "geo_precision": int, "source": str, "notes": str,
         "popup": str},
        indexes=(("event_type",), ("sub_event_type",), ("actor1",), ("location",), ("event_date",), ("source_count",),
                 ("country",)),
        not_null=frozenset({"event_type", "sub_event_type", "location", "source_count", "latitude", "longitude", "popup"}),
    ),
    # Where a published id went: an entity merged into another, a cluster joined to another.
    Table("entity_redirects", {"id": int, "entity_id": int}, foreign_keys=(("entity_id", "entities", "id"),),
          indexes=(("entity_id",),), not_null=frozenset({"entity_id"})),
    Table("cluster_redirects", {"id": int, "cluster_id": int}, foreign_keys=(("cluster_id", "event_clusters", "id"),),
          indexes=(("cluster_id",),), not_null=frozenset({"cluster_id"})),
)

# The build's own bookkeeping, hidden in Datasette: which entity id each normalised name
# (entity key) has, which key each article's dateline has, and each body's MinHash.
INTERNAL: tuple[Table, ...] = (
    Table("entity_keys", {"key": str, "entity_id": int, "home_id": int, "info": str}, pk="key", indexes=(("entity_id",),),
          not_null=frozenset({"info"})),
    Table("dateline_keys", {"article_id": int, "key": str, "text": str}, pk="article_id", indexes=(("key",),),
          not_null=frozenset({"key", "text"})),
    Table("story_signatures", {"article_id": int, "signature": bytes}, pk="article_id",
          not_null=frozenset({"signature"})),
)

# Rows that belong to one article, deleted and inserted with it (children first).
ARTICLE_TABLES = ("event_fatalities", "attributions", "event_statements", "events", "mentions", "sentences", "dateline_keys",
                  "story_signatures", "articles")
# Columns that hold entity ids; the per-article analysis holds entity keys there.
ENTITY_COLUMNS = {"events": ("actor1_id", "actor2_id", "location_id", "sub_location_id", "attributed_to_id"),
                  "event_fatalities": ("side_id",), "attributions": ("speaker_id",),
                  "event_statements": ("actor1_id", "actor2_id", "location_id")}

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
}

# Every real-world event with a place, once however many outlets report it, for the map and
# in ACLED's columns (the event_map table, rewritten from event_clusters by each build): its popup says what,
# who, when, the toll and how many outlets report it, and links to the event's page. A table,
# not a view, so its facets and the map's pages stay fast at 100,000 articles.
EVENT_MAP_SELECT = """
        select event_clusters.id, event_clusters.event_type, event_clusters.sub_event_type,
          actor1.name as actor1, actor2.name as actor2, place.name as location,
          event_clusters.event_date, event_clusters.date_precision, event_clusters.fatalities, event_clusters.source_count,
          event_clusters.latitude, event_clusters.longitude,
          case event_clusters.date_precision when 'day' then 1 when 'week' then 2 else 3 end as time_precision,
          place.country_code as country,
          case place.geo_precision when 'exact' then 1 when 'region' then 2 else 3 end as geo_precision,
          (select group_concat(name, '; ') from (
             select distinct coalesce(sources.name, '(unknown outlet)') as name from events
             join articles on articles.id = events.article_id
             left join sources on sources.id = articles.source_id
             where events.cluster_id = event_clusters.id order by name)) as source,
          event_clusters.evidence as notes,
          json_object(
            'title', event_clusters.sub_event_type || ' in ' || place.name
              || coalesce(', ' || event_clusters.event_date, ''),
            'description', coalesce(actor1.name, 'unnamed actor')
              || coalesce(' against ' || actor2.name, '')
              || coalesce('; ' || event_clusters.fatalities || ' killed', '')
              || '; reported by ' || event_clusters.source_count
              || case event_clusters.source_count when 1 then ' outlet: ' else ' outlets: ' end
              || event_clusters.evidence,
            'link', 'event_clusters/' || event_clusters.id
          ) as popup
        from event_clusters
        join entities as place on place.id = event_clusters.location_id
        left join entities as actor1 on actor1.id = event_clusters.actor1_id
        left join entities as actor2 on actor2.id = event_clusters.actor2_id
        where event_clusters.latitude is not null
"""


def refresh_event_map(connection: sqlite3.Connection, clusters: set[int] | None = None) -> None:
    """Rewrite the event_map rows of these clusters (a gone one loses its row); of every cluster without them."""
    insert = f"insert into event_map ({', '.join(COLUMNS['event_map'])}) {EVENT_MAP_SELECT}"
    if clusters is None:
        connection.execute("delete from event_map")
        connection.execute(insert)
        return
    for chunk in chunks(sorted(clusters)):
        marks = ",".join("?" * len(chunk))
        connection.execute(f"delete from event_map where id in ({marks})", chunk)
        connection.execute(f"{insert} and event_clusters.id in ({marks})", chunk)


BUILD_INFO = "_build_info"


class InvariantBroken(Exception):
    """Rows that break the archive's invariants (a bug, never the input's fault), with the articles at fault."""


class RowConflict(Exception):
    """An article whose rows cannot be stored (an id it would reuse), with the reason."""


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


class NotAnArchive(Exception):
    """A file at the archive's path that no build of this tool wrote, or that is damaged: never overwritten unasked."""


def read_build_info(path: Path) -> dict[str, str]:
    """The key/value notes a build left in the archive (its input fingerprint), or {} if there is no archive yet.

    Raises NotAnArchive for a file that is not one (another database, a damaged file).
    """
    if not path.exists() or path.stat().st_size == 0:
        return {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(connection.execute(f"select key, value from {BUILD_INFO}"))
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise NotAnArchive(str(error)) from None


def install(fresh: Path, target: Path) -> None:
    """Put a freshly written archive at target.

    Over an existing archive it is copied with SQLite's backup API, in one transaction on
    the same file, so a running Datasette sees the new archive (after a rename it would go
    on reading the old file); a killed copy is rolled back by the journal. A new target, or
    a file that is not a database (replaced on --rebuild), is renamed into place.
    """
    if target.exists() and target.stat().st_size:
        try:
            source, destination = sqlite3.connect(fresh), sqlite3.connect(target, timeout=60)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
            fresh.unlink()
            return
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):  # a full disk, a lock held too long: not a bad file
                raise
    os.replace(fresh, target)


def create_archive(path: Path) -> None:
    """A new, empty archive file: every table, index, full-text index with its triggers, and view."""
    import sqlite_utils  # a fifth of a second to import: a no-op build does without it

    db = sqlite_utils.Database(path)
    for table in (*SCHEMA, *INTERNAL):
        _create(db, table)
    db[BUILD_INFO].create({"key": str, "value": str}, pk="key")
    for table in SCHEMA:
        if table.fts:  # filled in one pass when the build ends, then kept by triggers (Archive._index_text)
            db[table.name].enable_fts(list(table.fts), create_triggers=False, tokenize="porter")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    db[BUILD_INFO].insert({"key": "schema", "value": SCHEMA_VERSION})
    db.conn.close()


def _fts_triggers(table: Table) -> list[str]:
    """The triggers that keep a table's full-text index up to date (as sqlite-utils writes them, but an
    update re-indexes a row only when one of its indexed columns changed)."""
    name, columns = table.name, ", ".join(f"[{column}]" for column in table.fts)
    new, old = (", ".join(f"{row}.[{column}]" for column in table.fts) for row in ("new", "old"))
    insert = f"insert into [{name}_fts] (rowid, {columns}) values (new.rowid, {new});"
    delete = f"insert into [{name}_fts] ([{name}_fts], rowid, {columns}) values ('delete', old.rowid, {old});"
    return [f"create trigger [{name}_ai] after insert on [{name}] begin {insert} end",
            f"create trigger [{name}_ad] after delete on [{name}] begin {delete} end",
            f"create trigger [{name}_au] after update of {columns} on [{name}] begin {delete} {insert} end"]


def _create(db, table: Table) -> None:
    db[table.name].create(
        table.columns,
        pk=table.pk,
        foreign_keys=list(table.foreign_keys),
        not_null=set(table.not_null),
    )
    for columns in table.indexes:
        db[table.name].create_index(list(columns))


class Archive:
    """One build's write transaction on an archive file: nothing is visible to readers until commit()."""

    def __init__(self, path: Path, fresh: bool = False):
        self.path = path
        self.fresh = fresh
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=60)
        if fresh:  # a new file nobody reads yet: no journal needed, it is renamed into place when done
            self.connection.execute("pragma journal_mode = off")
            self.connection.execute("pragma synchronous = off")
        self.connection.execute("begin immediate")
        self.key_ids: dict[str, int] = {}
        self.added: set[int] = set()
        self.touched_keys: set[str] = set()  # entity keys of the articles added or removed: their entities change
        self.new_events: set[int] = set()  # events inserted by this build
        self.dirty_clusters: set[int] = set()  # clusters that lost an event this build
        self.divisions: dict[int, str | None] = {}  # place entity -> its first-level division (admin1 code)
        self.mapped_clusters: set[int] = set()  # clusters recomputed or gone this build: their event_map rows
        self.renamed_entities: set[int] = set()  # entity rows rewritten this build: the map rows that name them
        self.restoried: set[int] = set()  # articles whose story_id changed

    def execute(self, sql: str, parameters=()):
        return self.connection.execute(sql, parameters)

    # ---- articles ------------------------------------------------------------------

    def articles(self) -> dict[int, tuple[str, str, int | None]]:
        """article id -> (content hash, file, line) of every article in the archive."""
        return {row[0]: row[1:] for row in self.execute("select id, content_hash, file, line from articles")}

    def remove_articles(self, ids: list[int]) -> None:
        """Delete the articles and every row that belongs to them."""
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            self.touched_keys.update(key for (key,) in self.execute(
                f"select entity_key from mentions where article_id in ({marks}) "
                f"union select key from dateline_keys where article_id in ({marks})", chunk + chunk))
            self.dirty_clusters.update(c for (c,) in self.execute(
                f"select distinct cluster_id from events where article_id in ({marks})", chunk))
            for table in ARTICLE_TABLES:
                if table == "event_fatalities":
                    self.execute(f"delete from event_fatalities where event_id in "
                                 f"(select id from events where article_id in ({marks}))", chunk)
                else:
                    column = "id" if table == "articles" else "article_id"
                    self.execute(f"delete from {table} where {column} in ({marks})", chunk)

    def add_article(self, article, analysis) -> None:
        """Insert an article, its sentences, mentions (by entity key), dateline key and story signature.

        Raises RowConflict, with nothing of the article stored, when one of its rows would
        reuse an id: two rows of its own, or a row already in the archive.
        """
        rows = _article_rows(article, analysis)
        for table, table_rows in rows.items():
            ids = [row[0] for row in table_rows]
            if len(ids) != len(set(ids)):
                raise RowConflict(f"two {table} rows would have the same id")
        self.execute("savepoint article")
        try:
            for outlet in filter(None, (article.source, article.wire)):
                self.execute("insert into sources (id, name, domain, kind, country, curated, article_count, "
                             "published_count, credited_count) values (?, ?, ?, ?, ?, ?, 0, 0, 0) "
                             "on conflict(id) do update set name = excluded.name, domain = excluded.domain, "
                             "kind = excluded.kind, country = excluded.country, curated = excluded.curated",
                             (outlet.id, outlet.name, outlet.domain, outlet.kind, outlet.country, int(outlet.curated)))
            for table, table_rows in rows.items():
                if table_rows:
                    marks = ",".join("?" * len(table_rows[0]))
                    self.connection.executemany(f"insert into {table} values ({marks})", table_rows)
            infos = self._with_known_countries({key: _info_dict(info) for key, info in analysis.entities.items()})
            self.connection.executemany(
                "insert into entity_keys (key, entity_id, home_id, info) values (?, null, null, ?) "
                "on conflict(key) do update set info = excluded.info",
                [(key, json.dumps(info, sort_keys=True)) for key, info in infos.items()])
        except (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError) as error:  # a duplicate id; a value SQLite cannot hold
            self.execute("rollback to article")
            self.execute("release article")
            raise RowConflict(f"a row would reuse an id already in the archive, or hold a value SQLite cannot "
                              f"store ({error})") from None
        self.execute("release article")
        self.added.add(article.id)
        self.touched_keys.update(analysis.entities)

    # ---- entities ------------------------------------------------------------------

    def link_entities(self) -> set[int]:
        """Merge entity keys into entities across the archive, keeping ids stable; update changed rows.

        Returns the ids of articles already in the archive whose event rows name an entity
        whose id changed (two entities merged, or one split): the caller re-adds their events.
        """
        from .link import PLACE_KEY_PREFIXES, merge_names

        known_ids = {i for (i,) in self.execute("select distinct entity_id from entity_keys where entity_id is not null")}
        self.execute("delete from entity_keys where key not in "
                     "(select entity_key from mentions union select key from dateline_keys)")
        old_ids = dict(self.execute("select key, entity_id from entity_keys"))
        homes = dict(self.execute("select key, home_id from entity_keys where home_id is not null"))
        infos = dict(self.execute("select key, info from entity_keys"))  # JSON, parsed only for rows written
        # The merge reads the names places go by; only their keys' mentions are read (a range of the index).
        place_surfaces = self._surfaces(" or ".join(
            f"{{column}} between '{prefix}' and '{prefix}\U0010ffff'" for prefix in PLACE_KEY_PREFIXES))
        merged = merge_names(sorted(infos), place_surfaces)
        groups: dict[str, list[str]] = defaultdict(list)
        for key in sorted(infos):
            groups[merged.get(key, key)].append(key)

        new_ids = _group_ids(groups, homes)
        key_ids = {key: new_ids[root] for root, keys in groups.items() for key in keys}
        changed = [key for key, entity_id in key_ids.items() if old_ids.get(key) != entity_id]
        remapped = [key for key in changed if old_ids.get(key) is not None]
        affected = set()
        for chunk in chunks(remapped):
            marks = ",".join("?" * len(chunk))
            affected.update(a for (a,) in self.execute(
                f"select distinct article_id from mentions where entity_key in ({marks}) "
                f"union select article_id from dateline_keys where key in ({marks})", chunk + chunk))
        self.connection.executemany("update entity_keys set entity_id = ? where key = ?",
                                    [(key_ids[key], key) for key in changed])
        self.execute("update entity_keys set home_id = entity_id where home_id is null")
        self.connection.executemany("update mentions set entity_id = ? where entity_key = ?",
                                    [(key_ids[key], key) for key in remapped])
        self.execute("update mentions set entity_id = (select entity_id from entity_keys where key = mentions.entity_key) "
                     "where entity_id is null")
        self.execute("update articles set dateline_entity_id = (select entity_id from dateline_keys join entity_keys "
                     "using (key) where dateline_keys.article_id = articles.id) "
                     "where id in (select article_id from dateline_keys) and dateline_entity_id is not "
                     "(select entity_id from dateline_keys join entity_keys using (key) "
                     "where dateline_keys.article_id = articles.id)")
        self.key_ids = key_ids
        touched = self.touched_keys | set(changed)
        self._write_entities({root: keys for root, keys in groups.items() if touched.intersection(keys)},
                             new_ids, infos)
        gone = known_ids - set(new_ids.values())
        self.connection.executemany("delete from entities where id = ?", [(i,) for i in sorted(gone)])
        went: dict[int, Counter] = defaultdict(Counter)  # a gone id -> the ids its names now have
        for key, old in old_ids.items():
            if old in gone and key in key_ids:
                went[old][key_ids[key]] += 1
        self._redirect("entity_redirects", "entity_id", "entities", went)
        return affected - self.added

    def _with_known_countries(self, infos: dict[str, dict]) -> dict[str, dict]:
        """infos, where an article tells no country for a name the gazetteer lacks, with the country another
        article told ("the village of Qaa" in one story, "Qaa in eastern Lebanon" in another)."""
        unknown = [key for key, info in infos.items() if info["country_code"] is None]
        for chunk in chunks(unknown):
            for key, told in self.execute(f"select key, info from entity_keys where key in ({','.join('?' * len(chunk))})",
                                          chunk):
                infos[key]["country_code"] = json.loads(told).get("country_code")
        return infos

    def _redirect(self, table: str, column: str, targets: str, went: dict[int, Counter]) -> None:
        """Record where each gone id went (where most of it went), and keep every redirect one hop
        to a live row: chains are followed, a redirect whose id is live again or whose target is
        gone for good is dropped."""
        self.connection.executemany(f"insert or replace into {table} (id, {column}) values (?, ?)",
                                    [(old, min(c.items(), key=lambda item: (-item[1], item[0]))[0])
                                     for old, c in sorted(went.items())])
        self.execute(f"delete from {table} where id in (select id from {targets})")
        for _ in range(64):  # each pass shortens every chain by one hop
            moved = self.execute(f"update {table} set {column} = (select later.{column} from {table} as later "
                                 f"where later.id = {table}.{column}) "
                                 f"where {column} in (select id from {table})").rowcount
            if not moved:
                break
        self.execute(f"delete from {table} where {column} not in (select id from {targets})")

    def _write_entities(self, groups, ids, infos) -> None:
        """(Re)write the rows of these entity groups, where they differ from what the archive holds."""
        from .link import canonical_name

        keys = [key for members in groups.values() for key in members]
        surfaces = self._surfaces("{column} in (%s)", keys)
        entity_ids = sorted({ids[root] for root in groups})
        mention_counts, article_counts = {}, {}
        for chunk in chunks(entity_ids):
            marks = ",".join("?" * len(chunk))
            mention_counts.update((entity_id, count) for entity_id, count in self.execute(
                f"select entity_id, count(*) from mentions where entity_id in ({marks}) group by entity_id", chunk))
            article_counts.update(self.execute(
                f"select entity_id, count(distinct article_id) from (select entity_id, article_id from mentions "
                f"where entity_id in ({marks}) union select entity_id, article_id from dateline_keys join entity_keys "
                f"using (key) where entity_id in ({marks})) group by entity_id", chunk + chunk))
        rows = {}
        for root, keys in groups.items():
            info = json.loads(infos[root])
            surface = sum((surfaces.get(key, Counter()) for key in keys), Counter())
            entity_id = ids[root]
            name = info["curated_name"] or (canonical_name(surface, info["type"]) if surface else info["geoname"])
            rows[entity_id] = (entity_id, name or root.partition(":")[2], info["type"], info["kind"],
                               json.dumps(sorted(surface), ensure_ascii=False),
                               mention_counts.get(entity_id, 0), article_counts.get(entity_id, 0),
                               info["geonameid"], info["geoname"], info["country_code"], info["latitude"],
                               info["longitude"], info["geo_precision"])
        self.renamed_entities.update(_sync(self.connection, "entities", rows, delete_others=False))

    def _surfaces(self, where: str, keys: list[str] = ()) -> dict[str, Counter]:
        """entity key -> how often each surface form names it, in mentions and datelines, for keys matching where.

        where holds {column} for the key column and, with keys, one %s for a list of parameters.
        """
        surfaces: dict[str, Counter] = defaultdict(Counter)
        if "%s" in where and not keys:
            return surfaces  # no keys asked for (a build whose articles name no one)
        for chunk in chunks(keys) if keys else [[]]:
            condition = where % ",".join("?" * len(chunk)) if keys else where
            for key, text, count in self.execute(
                    f"select entity_key, text, count(*) from mentions where {condition.format(column='entity_key')} "
                    f"group by entity_key, text union all select key, text, count(*) from dateline_keys "
                    f"where {condition.format(column='key')} group by key, text", chunk + chunk):
                surfaces[key][text] += count
                acronym = without_acronym(text)[1]
                if acronym:  # "Syrian Observatory for Human Rights (SOHR)" names it "SOHR" too
                    surfaces[key][acronym] += count
                name, _, noun = text.rpartition(" ")
                if key.startswith("place:region:") and name and noun.lower() in DIVISION_WORDS \
                        and not _names_a_town(name, key.split(":")[2]):
                    surfaces[key][name] += count  # "Nangarhar province" names Nangarhar (not Aleppo: the city's)
        return surfaces

    # ---- events --------------------------------------------------------------------

    def add_events(self, article_id: int, analysis) -> None:
        """(Re)place the article's events, fatalities and attributions, entity keys turned into ids.

        Raises RowConflict, with the article's previous events left as they were, when its
        rows cannot be stored (an id they would reuse, an entity key the archive lacks).
        """
        try:
            rows = {table: [self._event_row(table, row) for row in analysis.events.get(table, ())]
                    for table in ("events", "event_fatalities", "event_statements", "attributions")}
        except KeyError as error:
            raise RowConflict(f"its events name an entity key the archive does not hold ({error})") from None
        self.execute("savepoint events")
        try:
            clusters = {c for (c,) in self.execute("select distinct cluster_id from events where article_id = ?",
                                                   (article_id,))}
            self.execute("delete from event_fatalities where event_id in (select id from events where article_id = ?)",
                         (article_id,))
            self.execute("delete from events where article_id = ?", (article_id,))
            self.execute("delete from attributions where article_id = ?", (article_id,))
            self.execute("delete from event_statements where article_id = ?", (article_id,))
            for table, table_rows in rows.items():
                if table_rows:
                    marks = ",".join("?" * len(COLUMNS[table]))
                    self.connection.executemany(f"insert into {table} values ({marks})", table_rows)
        except (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError) as error:
            self.execute("rollback to events")
            self.execute("release events")
            raise RowConflict(f"its events were not stored: a row would reuse an id ({error})") from None
        self.execute("release events")
        self.dirty_clusters.update(clusters)
        self.new_events.update(row[0] for row in rows["events"])

    def _event_row(self, table: str, row: dict) -> tuple:
        row = dict(row)
        for column in ENTITY_COLUMNS[table]:
            if row.get(column) is not None:
                row[column] = self.key_ids[row[column]]
        if table == "events":
            row["cluster_id"] = row["id"]  # until clusters are computed
        return tuple(row.get(column) for column in COLUMNS[table])

    # ---- corpus-wide, then commit ----------------------------------------------------

    def finish(self, build_info: dict[str, str]) -> dict[str, int]:
        """Stories, event clusters and outlet counts; checks; commit. Returns the row counts."""
        self._link_stories()
        self._cluster_events()
        self.execute("update sources set published_count = (select count(*) from articles where source_id = sources.id), "
                     "credited_count = (select count(*) from articles where wire_id = sources.id)")
        self.execute("update sources set article_count = published_count + credited_count")
        self.execute("delete from sources where article_count = 0")
        refresh_event_map(self.connection, None if self.fresh else self._map_clusters())
        if self.fresh:
            self._index_text()
        self._check()
        self.execute(f"delete from {BUILD_INFO} where key != 'schema'")
        counts = {table: self.execute(f"select count(*) from {table}").fetchone()[0]
                  for table in ("articles", "sentences", "entities", "mentions", "events", "attributions")}
        self.connection.executemany(f"insert into {BUILD_INFO} (key, value) values (?, ?)",
                                    sorted({**build_info, **{k: str(v) for k, v in counts.items()}}.items()))
        self.execute("commit")
        return counts

    def _map_clusters(self) -> set[int]:
        """The clusters whose event_map rows this build changed: recomputed, gone, or naming a rewritten entity."""
        clusters = set(self.mapped_clusters)
        for chunk in chunks(sorted(self.renamed_entities)):
            marks = ",".join("?" * len(chunk))
            clusters.update(c for (c,) in self.execute(
                f"select id from event_clusters where location_id in ({marks}) or actor1_id in ({marks}) "
                f"or actor2_id in ({marks})", chunk * 3))
        return clusters

    def _index_text(self) -> None:
        """A new archive's full-text indexes, each built in one pass, then kept up to date by triggers.

        FTS5 writes its pending terms out as a new segment whenever a row comes with a smaller
        rowid than the one before, and row ids here are hashes: indexed row by row as they were
        stored, the sentences alone took five times as long.
        """
        for table in SCHEMA:
            if table.fts:
                self.execute(f"insert into [{table.name}_fts] ([{table.name}_fts]) values ('rebuild')")
                for trigger in _fts_triggers(table):
                    self.execute(trigger)

    def _link_stories(self) -> None:
        from .stories import story_ids

        signatures = dict(self.execute("select article_id, signature from story_signatures"))
        stories = story_ids(signatures)
        current = dict(self.execute("select id, story_id from articles"))
        moved = [(story, article) for article, story in stories.items() if current.get(article) != story]
        self.connection.executemany("update articles set story_id = ? where id = ?", moved)
        self.restoried = {article for _, article in moved} - self.added

    EVENT_COLUMNS = ("id", "article_id", "event_type", "sub_event_type", "actor1_id", "actor2_id", "location_id",
                     "event_date", "date_precision", "fatalities", "latitude", "longitude", "evidence", "cluster_id")

    def _event_rows(self, where: str, parameters: list) -> list[dict]:
        """Event rows (with their article's story and outlet) matching where; a list parameter fills its "in (%s)"."""
        select = (f"select {', '.join('events.' + c for c in self.EVENT_COLUMNS)}, articles.story_id, "
                  "coalesce(articles.source_id, articles.wire_id, 'article:' || articles.id), "
                  "place.country_code, place.geo_precision, articles.published "
                  "from events join articles on articles.id = events.article_id "
                  "left join entities place on place.id = events.location_id where ")
        names = (*self.EVENT_COLUMNS, "story_id", "outlet", "country", "place_precision", "published")
        if "%s" not in where:
            rows = [dict(zip(names, row)) for row in self.execute(select + where, parameters)]
        else:
            rows = []
            for chunk in chunks(list(parameters)):
                rows += [dict(zip(names, row)) for row in self.execute(select + where % ",".join("?" * len(chunk)), chunk)]
        self._add_divisions(rows)
        return rows

    def _add_divisions(self, rows: list[dict]) -> None:
        """Each row's place's first-level division (admin1 code), from the gazetteer, as "division"."""
        wanted = {row["location_id"] for row in rows if row["location_id"]} - self.divisions.keys()
        if wanted:
            from .gazetteer import default_gazetteer

            gazetteer = default_gazetteer()
            for chunk in chunks(sorted(wanted)):
                for key, entity in self.execute("select key, entity_id from entity_keys where key like 'place:%%' "
                                                "and entity_id in (%s)" % ",".join("?" * len(chunk)), chunk):
                    if self.divisions.get(entity) is None:
                        self.divisions[entity] = gazetteer.division(key.removeprefix("place:"))
            self.divisions.update((entity, None) for entity in wanted - self.divisions.keys())
        for row in rows:
            row["division"] = self.divisions.get(row["location_id"])

    def _cluster_events(self) -> None:
        """Re-cluster the events that changed, with every event that could share a cluster with them.

        Clusters are the connected groups of three relations, each within a block: same story
        and type; same sub-type, actor, place and day; same type, place and day. So the events to look at are the
        new ones, those of articles whose story changed and of clusters that lost an event,
        and, repeatedly, every event sharing a block or a cluster with one of those.
        """
        from .clusters import cluster_events

        seeds = self.new_events | {e for (e,) in self.execute(
            "select id from events where article_id in (%s)" % ",".join(map(str, self.restoried)))}
        total = self.execute("select count(*) from events").fetchone()[0]
        if len(seeds) * 4 > total:  # most of the archive changed: read it whole
            rows = self._event_rows("1", [])
            stale = {c for (c,) in self.execute("select id from event_clusters")}
        else:
            rows = self._cluster_scope(seeds)
            stale = {row["cluster_id"] for row in rows} | self.dirty_clusters
        current = {row["id"]: row["cluster_id"] for row in rows}
        computed = cluster_events(rows)
        # cluster_events names a cluster by its smallest event id; the archive keeps the id
        # the cluster's events already had, so a published cluster URL survives edits elsewhere.
        members: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            members[row["cluster_id"]].append(row["id"])
        held = {name: [current[e] for e in events if e not in self.new_events] for name, events in members.items()}
        ids = _cluster_ids(members, held, lambda i: i not in stale and self.execute(
            "select 1 from event_clusters where id = ?", (i,)).fetchone() is not None)
        for row in rows:
            row["cluster_id"] = ids[row["cluster_id"]]
        clusters = {}
        for row in computed:
            row["id"] = ids[row["id"]]
            clusters[row["id"]] = tuple(row[c] for c in COLUMNS["event_clusters"])
        self.connection.executemany("update events set cluster_id = ? where id = ?",
                                    [(row["cluster_id"], row["id"]) for row in rows if current[row["id"]] != row["cluster_id"]])
        gone = stale - set(clusters)
        self.connection.executemany("delete from event_clusters where id = ?", [(c,) for c in gone])
        _sync(self.connection, "event_clusters", clusters, delete_others=False)
        self.mapped_clusters |= set(clusters) | gone
        went: dict[int, Counter] = defaultdict(Counter)
        for row in rows:
            if row["id"] not in self.new_events and current[row["id"]] in gone:
                went[current[row["id"]]][row["cluster_id"]] += 1
        self._redirect("cluster_redirects", "cluster_id", "event_clusters", went)

    def _cluster_scope(self, seeds: set[int]) -> list[dict]:
        from .clusters import months_touched

        scope: dict[int, dict] = {}
        asked: set[tuple[str, str, str]] = set()  # (type, country, month) blocks already read
        rows = self._event_rows("events.id in (%s)", sorted(seeds))
        rows += self._event_rows("events.cluster_id in (%s)", sorted(self.dirty_clusters))
        while rows:
            fresh = [row for row in rows if row["id"] not in scope]
            scope.update((row["id"], row) for row in fresh)
            rows = self._event_rows("events.cluster_id in (%s)", sorted({row["cluster_id"] for row in fresh}))
            for story, event_type in sorted({(row["story_id"], row["event_type"]) for row in fresh}):
                rows += self._event_rows("articles.story_id = ? and events.event_type = ?", [story, event_type])
            facts = {(row["sub_event_type"], row["actor1_id"], row["location_id"], row["event_date"]) for row in fresh
                     if row["actor1_id"] and row["location_id"] and row["event_date"] and row["date_precision"] == "day"}
            for fact in sorted(facts):
                rows += self._event_rows("events.sub_event_type = ? and events.actor1_id = ? and events.location_id = ? "
                                         "and events.event_date = ? and events.date_precision = 'day'", list(fact))
            # _join_other_outlets: the same type of event in the same country, dated (or, undated,
            # published) in the months the report's days touch
            months = {(row["event_type"], row["country"], month) for row in fresh if row["country"]
                      for month in months_touched(row)} - asked
            asked |= months
            for event_type, country, month in sorted(months):
                rows += self._event_rows(
                    "events.event_type = ? and events.location_id in (select id from entities where country_code = ?) "
                    "and (events.event_date >= ? and events.event_date < ? or events.event_date is null "
                    "and articles.published >= ? and articles.published < ?)",
                    [event_type, country, month, month + "~", month, month + "~"])
            rows = [row for row in rows if row["id"] not in scope]
        return list(scope.values())

    def _check(self) -> None:
        """Invariants that must hold before the commit; a failure rolls the whole build back,
        naming the articles at fault."""
        problems = {
            "mentions without an entity": "select article_id from mentions where entity_id is null",
            # Missing ids are found on the id's own index first: a scan of every row costs seconds at scale.
            "mentions of a missing entity": "select article_id from mentions where entity_id in "
                                            "(select entity_id from mentions where entity_id not in (select id from entities))",
            "events of a missing article": "select article_id from events where article_id not in (select id from articles)",
            "events without a cluster": "select article_id from events where cluster_id in "
                                        "(select cluster_id from events where cluster_id not in (select id from event_clusters))",
        }
        for problem, sql in problems.items():
            at_fault = [a for (a,) in self.execute(f"select distinct article_id from ({sql}) limit 6")]
            if at_fault:
                files = dict(self.execute(f"select id, coalesce(file || ':' || line, file) from articles "
                                          f"where id in ({','.join('?' * len(at_fault))})", at_fault))
                named = ", ".join(files.get(a, f"article {a} (not in the archive)") for a in at_fault[:5])
                raise InvariantBroken(f"the archive would have {problem}, in {named}"
                                      f"{' and more' if len(at_fault) > 5 else ''}; nothing was written")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.execute("rollback")

    def close(self) -> None:
        self.rollback()
        self.connection.close()


COLUMNS = {table.name: tuple(table.columns) for table in (*SCHEMA, *INTERNAL)}
CHUNK = 500  # ids per "in (...)": well under SQLite's limit on parameters


def chunks(items: list) -> list[list]:
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]
# An archive written with other tables or views is rebuilt whole, into a new file.
SCHEMA_VERSION = hashlib.sha256(json.dumps(
    [[t.name, {c: k.__name__ for c, k in t.columns.items()}, t.pk, t.foreign_keys, t.indexes, t.fts, sorted(t.not_null)]
     for t in (*SCHEMA, *INTERNAL)] + [VIEWS], sort_keys=True).encode()).hexdigest()[:16]


def _article_rows(article, analysis) -> dict[str, list[tuple]]:
    """The article's own rows, in table column order (entity ids of mentions come after the merge)."""
    from .analysis import sentence_id

    sentence_ids = [sentence_id(article.content_hash, position) for position in range(len(analysis.sentences))]
    starts = [start for start, _ in analysis.sentences]
    mentions = []
    for start, end, text, key in analysis.mentions:
        index = bisect.bisect_right(starts, start) - 1
        mentions.append((stable_id("mention", article.id, start, end), None, article.id,
                         sentence_ids[index] if index >= 0 else None, start, end, text, key))
    return {
        "articles": [(article.id, article.file, article.line, article.source.id if article.source else None,
                      article.wire.id if article.wire else None, article.title, article.published,
                      article.published_precision, article.dateline,
                      None, article.byline, article.body, article.word_count, article.id, article.url,
                      article.language, article.content_hash)],
        "sentences": [(sentence_ids[position], article.id, position, article.body[start:end], start, end)
                      for position, (start, end) in enumerate(analysis.sentences)],
        "mentions": mentions,
        "dateline_keys": [(article.id, analysis.dateline, analysis.dateline_text)] if analysis.dateline else [],
        "story_signatures": [(article.id, analysis.signature)],
    }


def _info_dict(info) -> dict:
    place = info.place
    return {"type": info.type, "curated_name": info.curated_name, "kind": info.kind,
            "geo_precision": info.geo_precision, "geonameid": place.geonameid if place else None,
            "geoname": place.name if place else None, "country_code": info.country,
            "latitude": place.latitude if place else None, "longitude": place.longitude if place else None}


def _group_ids(groups: dict[str, list[str]], homes: dict[str, int]) -> dict[str, int]:
    """root key -> entity id, from each key's home: the id it was first given.

    A group takes the home most of its keys have (on a tie, its root's); a new group gets a
    hash of its root. So an entity that merges keeps the id most of its names came with, and
    when it splits again each part gets back its own. Larger groups choose first. Ids are
    unique by construction: a taken id is never given twice.
    """
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for root in sorted(groups, key=lambda r: (-len(groups[r]), r)):
        held = Counter(homes[key] for key in groups[root] if key in homes)
        own = homes.get(root)
        entity_id = next((i for i, _ in sorted(held.items(), key=lambda item: (-item[1], item[0] != own, item[0]))
                          if i not in taken), None)
        salt = 0
        while entity_id is None or entity_id in taken:
            entity_id = stable_id("entity", root, *([salt] if salt else []))
            salt += 1
        taken.add(entity_id)
        ids[root] = entity_id
    return ids


def _cluster_ids(members: dict[int, list[int]], held: dict[int, list[int]], used_elsewhere) -> dict[int, int]:
    """computed cluster name -> cluster id: the id most of its events already had (bigger clusters
    choose first); else its smallest event id not in use. used_elsewhere(id): held by a cluster
    outside this re-clustering."""
    ids: dict[int, int] = {}
    taken: set[int] = set()
    for name in sorted(members, key=lambda n: (-len(members[n]), n)):
        votes = Counter(held[name])
        choice = next((i for i, _ in sorted(votes.items(), key=lambda item: (-item[1], item[0])) if i not in taken), None)
        if choice is None:
            choice = next((e for e in sorted(members[name]) if e not in taken and not used_elsewhere(e)), None)
        salt = 0
        while choice is None or choice in taken:
            choice = stable_id("cluster", name, salt)
            salt += 1
        taken.add(choice)
        ids[name] = choice
    return ids


def _sync(connection: sqlite3.Connection, table: str, rows: dict[int, tuple], delete_others: bool = True) -> list:
    """Make the table hold these rows (by id), writing only the rows that differ; and only them, unless told not to.
    Returns the ids written."""
    columns = COLUMNS[table]
    select = f"select {', '.join(columns)} from {table}"
    if delete_others:
        current = {row[0]: row for row in connection.execute(select)}
        connection.executemany(f"delete from {table} where id = ?", [(i,) for i in current if i not in rows])
    else:
        ids = list(rows)
        current = {}
        for chunk in chunks(ids):
            current.update((row[0], row) for row in connection.execute(
                f"{select} where id in ({','.join('?' * len(chunk))})", chunk))
    changed = [row for entity_id, row in rows.items() if current.get(entity_id) != row]
    connection.executemany(f"insert or replace into {table} values ({','.join('?' * len(columns))})", changed)
    return [row[0] for row in changed]
