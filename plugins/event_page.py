"""The event page: an `event_clusters` row shown as one real-world event and every report of it.

What happened, who against whom, where (with a pin) and when (with its precision),
the toll, how many independent outlets and stories report it, and each report:
its outlet, date, the sentence it was read from and a link to the article.
Tolls that differ between reports are shown per report, so a reader sees the range.
"""

from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import urlsafe_components

REPORT_LIMIT = 200
# How precisely the place is known (entities.geo_precision), in a reader's words
PLACE_PRECISION = {"exact": "the town or site", "region": "the province or region only",
                   "country": "the country only", "continent": "the continent only"}


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "event_clusters" or request is None:
        return {}

    async def event_vars():
        pk = urlsafe_components(request.url_vars["pks"])[0]
        return {"event_page": await event_context(datasette, database, pk)}

    return event_vars


async def rows(db, sql, params=()):
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def event_context(datasette, database, pk):
    db = datasette.get_database(database)
    if not await db.table_exists("events"):
        return None
    found = await rows(db, """
        select event_clusters.*, actor1.name as actor1_name, actor1.type as actor1_type,
               actor2.name as actor2_name, actor2.type as actor2_type,
               place.name as location_name, place.type as location_type, place.geo_precision,
               place.country_code
        from event_clusters
        left join entities as actor1 on actor1.id = event_clusters.actor1_id
        left join entities as actor2 on actor2.id = event_clusters.actor2_id
        left join entities as place on place.id = event_clusters.location_id
        where event_clusters.id = ?""", [pk])
    if not found:
        return None
    event = found[0]
    reports = await rows(db, """
        select events.id, events.article_id, events.event_date, events.date_precision, events.date_text,
               events.fatalities, events.injured, events.sub_event_type, events.evidence,
               articles.title, articles.published, articles.url, articles.story_id,
               publisher.name as outlet, articles.source_id, wire.name as wire,
               speaker.id as speaker_id, speaker.name as speaker_name,
               sub_place.id as sub_location_id, sub_place.name as sub_location_name
        from events
        join articles on articles.id = events.article_id
        left join sources as publisher on publisher.id = articles.source_id
        left join sources as wire on wire.id = articles.wire_id
        left join entities as speaker on speaker.id = events.attributed_to_id
        left join entities as sub_place on sub_place.id = events.sub_location_id
        where events.cluster_id = ?
        order by articles.published is null, articles.published, articles.id, events.id
        limit ?""", [pk, REPORT_LIMIT])
    tolls = sorted({report["fatalities"] for report in reports if report["fatalities"] is not None})
    # Two events read from one sentence of one article are one report to a reader
    by_sentence = {}
    for report in reports:
        kept = by_sentence.setdefault((report["article_id"], report["evidence"]), dict(report, events=0))
        kept["events"] += 1
        for column in ("event_date", "date_text", "fatalities", "injured", "speaker_id", "speaker_name"):
            if kept[column] is None:
                kept[column] = report[column]

    def link(table, row_id):
        return datasette.urls.row(database, table, str(row_id))

    return {
        "event": event,
        "reports": list(by_sentence.values()),
        "outlets": sorted({report["outlet"] for report in reports if report["outlet"]}),
        "unnamed_outlet": any(not report["outlet"] for report in reports),
        "place_precision": PLACE_PRECISION.get(event["geo_precision"]),
        "tolls": tolls,
        "sub_locations": sorted({(r["sub_location_id"], r["sub_location_name"]) for r in reports if r["sub_location_id"]},
                                key=lambda place: place[1] or ""),
        "link_entity": lambda row_id: link("entities", row_id),
        "link_article": lambda row_id: link("articles", row_id),
        "link_source": lambda row_id: link("sources", row_id),
        "link_reports": datasette.urls.query(database, "event_reports") + f"?event={int(event['id'])}",
        "link_map": datasette.urls.table(database, "event_map") + f"?location={quote(event['location_name'] or '')}",
    }
