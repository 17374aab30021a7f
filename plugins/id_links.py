"""Links from ids to names where Datasette does not make them itself.

Datasette labels foreign keys on table pages, but canned queries, SQL results and
views show bare ids. There, a column named like a reference (`article_id`,
`entity_id`, `actor1_id`, ...) becomes a link to that row, labelled with its title
or name; a `title` or `name` next to an `id` that is that article or entity links
to its page. On the articles table, `story_id` links to every copy of the story; on the
event map, `id` links to the event's page.
Labels are escaped; links come from datasette.urls, so base_url is respected.
"""

import os

from datasette import hookimpl
from markupsafe import Markup

REFERENCES = {
    "article_id": "articles",
    "entity_id": "entities",
    "actor1_id": "entities",
    "actor2_id": "entities",
    "location_id": "entities",
    "speaker_id": "entities",
    "side_id": "entities",
    "dateline_entity_id": "entities",
    "source_id": "sources",
    "wire_id": "sources",
}
LABELS = {"articles": "title", "entities": "name", "sources": "name"}
NAMED = {"title": "articles", "name": "entities"}
# A reference column whose label its row may carry: "title" labels article_id, "name" entity_id
OWN_LABEL = {"title": "article_id", "name": "entity_id"}
SCHEMAS: dict[str, tuple] = {}
UNTITLED = "Untitled article"  # the one name of an article without a title, on every page


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None and not (column == "title" and table is None):
        return None
    if table == "event_map" and column == "id":  # a map row is an event: its page, not the map row's
        href = datasette.urls.row(database, "event_clusters", str(int(value)))
        return Markup('<a href="{}" title="the event\'s page">{}</a>').format(href, value)
    if table == "articles" and column == "story_id":
        href = datasette.urls.table(database, "articles") + "?story_id=" + str(int(value))
        return Markup('<a href="{}" title="every copy of this story">{}</a>').format(href, value)
    if column not in REFERENCES and column not in NAMED:
        return None

    async def link():
        db = datasette.get_database(database)
        tables, views = await schema(db)
        if table is not None and table not in views:
            return None  # a real table: Datasette labels its foreign keys itself
        columns = row.keys()
        if column in REFERENCES:
            target, row_id = REFERENCES[column], value
            if target not in tables:
                return None
            own = LABELS[target]
            # The row already carries the label ("article_id" beside its "title"): no query per cell
            label = row[own] if own in columns and column == OWN_LABEL.get(own) else await lookup(db, target, row_id)
            if label is None:
                return None
            return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(
                datasette.urls.row(database, target, str(row_id)), label or UNTITLED, row_id)
        if "id" not in columns or OWN_LABEL[column] in columns:
            return None  # no id to check it against, or the label of the row's article_id / entity_id link
        target, row_id = NAMED[column], row["id"]
        if target not in tables or await lookup(db, target, row_id) != (value or ""):
            return None
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, target, str(row_id)), value or UNTITLED)

    return link


async def schema(db):
    """The database's tables and views, read once while its file is unchanged."""
    key = (db.path, db.hash, os.path.getmtime(db.path) if db.path and os.path.exists(db.path) else None)
    cached = SCHEMAS.get(db.name)
    if cached is None or cached[0] != key:
        cached = (key, (set(await db.table_names()), set(await db.view_names())))
        SCHEMAS[db.name] = cached
    return cached[1]


async def lookup(db, table, row_id):
    """The label of a row, '' when it has none, None when there is no such row."""
    found = (await db.execute(f"select {LABELS[table]} from {table} where id = ?", [row_id])).rows
    return (found[0][0] or "") if found else None
