"""The article page: an `articles` row shown as a readable article.

The body is split into paragraphs and every mention is highlighted by entity
type and linked to its entity page; around it go the outlet, wire, date,
dateline and byline, the people, groups and places in the article, its events
and quoted claims (when the archive has those tables), and other copies of the
same story.

Article text is untrusted: every piece of it goes through markupsafe.escape, and
the template (autoescaped by Datasette) renders everything else. Links are built
with datasette.urls, so they work under any base_url and database name.
"""

import re

from datasette import hookimpl
from datasette.utils import urlsafe_components
from markupsafe import Markup, escape

PARAGRAPH = re.compile(r"(?:(?!\n\s*\n).)+", re.S)


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "articles" or request is None:
        return {}

    async def article_vars():
        pk = urlsafe_components(request.url_vars["pks"])[0]
        return {"article_page": await article_context(datasette, database, pk)}

    return article_vars


def entity_url(datasette, database, entity_id):
    return datasette.urls.row(database, "entities", str(entity_id))


def highlighted_paragraphs(body, mentions, link):
    """Split the body at blank lines; wrap each mention in a link to its entity.

    `mentions` are dicts with start_char, end_char, entity_id, name, type, sorted by
    start_char. Overlapping or paragraph-crossing mentions are left as plain text.
    """
    paragraphs = []
    pending = list(mentions)
    for match in PARAGRAPH.finditer(body):
        start, end = match.span()
        parts, cursor = [], start
        while pending and pending[0]["start_char"] < end:
            mention = pending.pop(0)
            m_start, m_end = mention["start_char"], mention["end_char"]
            if m_start < cursor or m_end > end:
                continue
            parts.append(escape(body[cursor:m_start]))
            parts.append(Markup('<a class="mention mention-{cls}" href="{href}" title="{title}">{text}</a>').format(
                cls=mention["type"].lower(),
                href=link(mention["entity_id"]),
                title=f'{mention["name"]} ({mention["type"]})',
                text=body[m_start:m_end],
            ))
            cursor = m_end
        parts.append(escape(body[cursor:end]))
        text = Markup("").join(parts).strip()
        if text:
            paragraphs.append(text)
    return paragraphs


async def rows(db, sql, params=()):
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def article_context(datasette, database, pk):
    db = datasette.get_database(database)
    found = await rows(db, "select * from articles where id = ?", [pk])
    if not found:
        return None
    article = found[0]
    names = {
        row["id"]: row["name"]
        for row in await rows(
            db, "select id, name from sources where id in (?, ?)", [article["source_id"], article["wire_id"]]
        )
    }
    mentions = await rows(db, """
        select mentions.start_char, mentions.end_char, mentions.entity_id, entities.name, entities.type
        from mentions join entities on entities.id = mentions.entity_id
        where mentions.article_id = ? order by mentions.start_char, mentions.end_char desc""", [pk])
    entities = await rows(db, """
        select entities.id, entities.name, entities.type, count(*) as mentions
        from mentions join entities on entities.id = mentions.entity_id
        where mentions.article_id = ? group by entities.id
        order by count(*) desc, entities.name""", [pk])
    copies = await rows(db, """
        select articles.id, articles.title, articles.published, sources.name as outlet
        from articles left join sources on sources.id = articles.source_id
        where articles.story_id = ? and articles.id != ?
        order by articles.published is null, articles.published, articles.id""",
        [article["story_id"], pk])
    dateline_place = None
    if article.get("dateline_entity_id"):
        place = await rows(db, "select id, name from entities where id = ?", [article["dateline_entity_id"]])
        dateline_place = place[0] if place else None

    def link(entity_id):
        return entity_url(datasette, database, entity_id)

    return {
        "article": article,
        "outlet": names.get(article["source_id"]),
        "url": article.get("url") if str(article.get("url") or "").startswith(("https://", "http://")) else None,
        "wire": names.get(article["wire_id"]),
        "dateline_place": dateline_place,
        "paragraphs": highlighted_paragraphs(article["body"] or "", mentions, link),
        "entities": entities,
        "copies": copies,
        "events": await article_events(db, pk),
        "attributions": await article_attributions(db, pk),
        "link_entity": link,
        "link_article": lambda article_id: datasette.urls.row(database, "articles", str(article_id)),
        "link_source": lambda source_id: datasette.urls.row(database, "sources", str(source_id)),
        "link_table": lambda table: datasette.urls.table(database, table),
        "link_event": lambda cluster_id: datasette.urls.row(database, "event_clusters", str(cluster_id)),
    }


async def entity_names(db, ids):
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    found = await rows(db, f"select id, name from entities where id in ({marks})", ids)
    return {row["id"]: row["name"] for row in found}


async def article_events(db, pk):
    """The article's events with actor and place names; [] when the archive has no events table."""
    if not await db.table_exists("events") or not await db.table_exists("event_clusters"):
        return []
    events = await rows(db, """
        select events.*, event_clusters.source_count from events
        left join sentences on sentences.id = events.sentence_id
        left join event_clusters on event_clusters.id = events.cluster_id
        where events.article_id = ? order by sentences.position, events.id""", [pk])
    roles = ("actor1_id", "actor2_id", "location_id", "sub_location_id")
    names = await entity_names(db, [event.get(column) for event in events for column in roles])
    for event in events:
        for column in ("actor1", "actor2", "location", "sub_location"):
            event[column + "_name"] = names.get(event.get(column + "_id"))
        event["sides"] = []
    if events and await db.table_exists("event_fatalities"):
        by_id = {event["id"]: event for event in events}
        marks = ", ".join("?" for _ in by_id)
        sides = await rows(db, f"select * from event_fatalities where event_id in ({marks}) order by id", list(by_id))
        side_names = await entity_names(db, [side.get("side_id") for side in sides])
        for side in sides:
            side["side_name"] = side_names.get(side.get("side_id"))
            by_id[side["event_id"]]["sides"].append(side)
    return events


async def article_attributions(db, pk):
    """Who said what in the article; [] when the archive has no attributions table."""
    if not await db.table_exists("attributions"):
        return []
    found = await rows(db, "select * from attributions where article_id = ? order by id", [pk])
    names = await entity_names(db, [row.get("speaker_id") for row in found])
    for row in found:
        row["speaker_name"] = names.get(row.get("speaker_id"))
    return found
