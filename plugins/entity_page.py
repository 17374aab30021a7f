"""The entity page: an `entities` row shown as everything the archive knows about it.

Its aliases, a map pin for a place, the articles and sentences that mention it
(the mention highlighted), the events it takes part in or happened at, what it
is quoted as saying, and the entities it most often shares a sentence with.
Events and attributions appear when the archive has those tables.

Text from articles is escaped with markupsafe; a place's pin is drawn by
plugins/pin_map.py.
"""

import json
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import urlsafe_components
from markupsafe import Markup, escape

# Every list on the page is bounded, so the page of a place named in 10,000 articles stays small;
# each ends with a link to the whole list as a table.
ARTICLE_LIMIT = 40
SENTENCE_LIMIT = 200
NEIGHBOUR_LIMIT = 15
DATE_INDEX = "idx_articles_published_source_id"
NEIGHBOUR_ARTICLES = 300  # "most often mentioned with" counts in this many most recent articles
EVENT_LIMIT = 50
LIST_LIMIT = 50


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "entities" or request is None:
        return {}

    async def entity_vars():
        pk = urlsafe_components(request.url_vars["pks"])[0]
        return {"entity_page": await entity_context(datasette, database, pk)}

    return entity_vars


async def rows(db, sql, params=()):
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def by_date(db):
    """Make SQLite walk the articles by date (an archive built before the index existed does without)."""
    found = await db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [DATE_INDEX])
    return f"indexed by {DATE_INDEX}" if found.first() else ""


def marks(values):
    return ", ".join("?" for _ in values) or "null"


def parse_aliases(value):
    try:
        aliases = json.loads(value or "[]")
    except (TypeError, ValueError):
        return [value]
    return [str(alias) for alias in aliases] if isinstance(aliases, list) else [str(aliases)]


def highlight(text, spans):
    """The sentence with each (start, end) span wrapped in <mark>, everything escaped."""
    parts, cursor = [], 0
    for start, end in sorted(spans):
        if start is None or start < cursor or end > len(text):
            continue
        parts += [escape(text[cursor:start]), Markup("<mark>{}</mark>").format(text[start:end])]
        cursor = end
    parts.append(escape(text[cursor:]))
    return Markup("").join(parts)


async def entity_context(datasette, database, pk):
    db = datasette.get_database(database)
    found = await rows(db, "select * from entities where id = ?", [pk])
    if not found:
        return None
    entity = found[0]
    # The most recent articles that mention it: walking the index of dates and stopping at the
    # limit keeps this fast for an entity mentioned in tens of thousands of articles.
    recent = [row["id"] for row in await rows(db, f"""
        select id from articles {await by_date(db)}
        where id in (select article_id from mentions where entity_id = ?)
        order by published desc limit ?""", [pk, NEIGHBOUR_ARTICLES])]
    shown = recent[:ARTICLE_LIMIT]
    sentences = await rows(db, f"""
        select articles.id as article_id, articles.title, articles.published, sources.name as outlet,
               sentences.id as sentence_id, sentences.text, mentions.start_char - sentences.start_char as start,
               mentions.end_char - sentences.start_char as end
        from mentions
        join articles on articles.id = mentions.article_id
        left join sources on sources.id = articles.source_id
        left join sentences on sentences.id = mentions.sentence_id
        where mentions.entity_id = ? and mentions.article_id in ({marks(shown)})
        order by articles.published is null, articles.published desc, articles.id desc, sentences.position,
                 mentions.start_char
        limit ?""", [pk, *shown, SENTENCE_LIMIT])
    articles, spans = [], {}
    for row in sentences:
        if not articles or articles[-1]["id"] != row["article_id"]:
            articles.append({"id": row["article_id"], "title": row["title"], "published": row["published"],
                             "outlet": row["outlet"], "sentences": []})
        if row["text"] is None:
            continue
        if row["sentence_id"] not in spans:
            spans[row["sentence_id"]] = []
            articles[-1]["sentences"].append((row["text"], spans[row["sentence_id"]]))
        spans[row["sentence_id"]].append((row["start"], row["end"]))
    for article in articles:
        article["sentences"] = [highlight(text, marks) for text, marks in article["sentences"]]
    datelined = await rows(db, """
        select articles.id, articles.title, articles.published, sources.name as outlet
        from articles left join sources on sources.id = articles.source_id
        where articles.dateline_entity_id = ?
        order by articles.published is null, articles.published desc, articles.id limit ?""", [pk, LIST_LIMIT + 1])
    neighbours = await rows(db, f"""
        select entities.id, entities.name, entities.type,
               count(distinct other.sentence_id) as sentences, count(distinct other.article_id) as articles
        from mentions as this
        join mentions as other on other.sentence_id = this.sentence_id and other.entity_id != this.entity_id
        join entities on entities.id = other.entity_id
        where this.entity_id = ? and this.article_id in ({marks(recent)})
        group by entities.id order by sentences desc, articles desc, entities.name limit ?""",
        [pk, *recent, NEIGHBOUR_LIMIT])

    def link(table, row_id):
        return datasette.urls.row(database, table, str(row_id))

    # A people, a state's forces or a group with a country ("Syrian" -> Syria): the country's page
    country = None
    if entity.get("country_code") and entity.get("geo_precision") != "country" and entity.get("latitude") is None:
        found = await rows(db, "select id, name from entities where country_code = ? and geo_precision = 'country' "
                               "order by mention_count desc limit 1", [entity["country_code"]])
        country = {"code": entity["country_code"], "name": found[0]["name"] if found else entity["country_code"],
                   "href": link("entities", found[0]["id"]) if found else None}

    return {
        "entity": entity,
        "country": country,
        "aliases": parse_aliases(entity.get("aliases")),
        "is_place": entity.get("latitude") is not None and entity.get("longitude") is not None,
        "articles": articles,
        "datelined": datelined,
        "neighbours": neighbours,
        "events": await entity_events(db, pk),
        "attributions": await entity_attributions(db, pk),
        "link_entity": lambda row_id: link("entities", row_id),
        "link_article": lambda row_id: link("articles", row_id),
        "link_mentions": datasette.urls.table(database, "mentions") + f"?entity_id={quote(str(pk))}",
        "link_table": lambda table, column: datasette.urls.table(database, table) + f"?{column}={quote(str(pk))}",
        "link_event": lambda cluster_id: link("event_clusters", cluster_id),
        "link_event_map": datasette.urls.table(database, "event_map") + f"?location={quote(entity['name'])}",
        "list_limit": LIST_LIMIT,
        "neighbour_articles": len(recent),
    }


async def entity_names(db, ids):
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {row["id"]: row["name"] for row in await rows(db, f"select id, name from entities where id in ({marks})", ids)}


async def entity_events(db, pk):
    """The real-world events (clusters) with this entity as an actor or the place, newest first.

    At most EVENT_LIMIT of them, with how many there are in each role and a link to all of
    them; None without event tables.
    """
    if not await db.table_exists("event_clusters") or not await db.table_exists("events"):
        return None
    counts = (await db.execute("""
        select (select count(*) from event_clusters where location_id = :id),
               (select count(*) from event_clusters where actor1_id = :id),
               (select count(*) from event_clusters where actor2_id = :id)""", {"id": pk})).first()
    # The newest of each role, each read in date order from its index, then merged
    newest = " union ".join(f"select * from (select id from event_clusters where {role} = :id "
                            f"order by event_date desc limit :limit)" for role in ("location_id", "actor1_id", "actor2_id"))
    clusters = await rows(db, f"""
        select event_clusters.*, event_clusters.id as cluster_id from event_clusters
        where id in ({newest}
                     union select * from (select cluster_id from events where sub_location_id = :id limit :limit))
        order by event_date is null, event_date desc, id desc limit :limit""", {"id": pk, "limit": EVENT_LIMIT + 1})
    names = await entity_names(db, [event.get(column) for event in clusters
                                    for column in ("actor1_id", "actor2_id", "location_id")])
    for event in clusters:
        for column in ("actor1", "actor2", "location"):
            event[column + "_name"] = names.get(event.get(column + "_id"))
    return {"rows": clusters[:EVENT_LIMIT], "more": len(clusters) > EVENT_LIMIT,
            "by_role": [(role, column, count) for (role, column), count in
                        zip((("at this place", "location_id"), ("as the first actor", "actor1_id"),
                             ("as the second actor", "actor2_id")), counts) if count]}


async def entity_attributions(db, pk):
    """What this entity is reported as saying (at most LIST_LIMIT + 1); [] without an attributions table."""
    if not await db.table_exists("attributions") or "speaker_id" not in await db.table_columns("attributions"):
        return []
    return await rows(db, "select * from attributions where speaker_id = ? order by article_id desc, id limit ?",
                      [pk, LIST_LIMIT + 1])
