"""The archive's configuration for an archive of any name.

metadata.yml describes the archive under `databases: archive:` (descriptions, facets,
search settings, hidden tables, canned queries). Datasette keys that block by the
database's name, so an archive built into `mine.db` would be served without any of it.
This plugin gives the same block to every served database that has the archive's
schema, whatever its file is called; a block metadata.yml has for that name itself
still wins, as Datasette's own metadata takes precedence over a plugin's.
"""

import sqlite3

from datasette import hookimpl

TEMPLATE = "archive"  # the block in metadata.yml that describes an archive
SCHEMA = {"articles", "sentences", "entities", "mentions", "events", "sources"}

_archives: dict[str, bool] = {}  # database name -> whether it has the archive's schema


def is_archive(database) -> bool:
    """Whether a served database has the archive's tables (read once per database)."""
    if database.name not in _archives:
        tables: set[str] = set()
        if database.path and not database.is_memory:
            try:
                with sqlite3.connect(f"file:{database.path}?mode=ro", uri=True) as connection:
                    tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
            except sqlite3.Error:
                tables = set()
        _archives[database.name] = SCHEMA <= tables
    return _archives[database.name]


@hookimpl
def get_metadata(datasette, key, database, table):
    block = ((datasette._metadata_local or {}).get("databases") or {}).get(TEMPLATE)
    if not block:
        return {}
    names = [name for name, db in datasette.databases.items()
             if name != TEMPLATE and not name.startswith("_") and is_archive(db)]
    return {"databases": {name: block for name in names}}
