"""Timelines: events by type and deaths over time, and articles by outlet.

On the home page (the whole archive), a place's or an actor's entity page (its
events, and the articles that mention it) and the event map (the events the page's
filters select). Each bar of an event timeline links to that stretch of time.

The charts are drawn by Chart.js (MIT, https://www.chartjs.org), bundled in
plugins/assets/ and served by this plugin, so no page loads a script from a CDN.
The bars count real-world events (event_clusters), once however many articles
report them, by the day, week or month the span of dates calls for; an event dated
less precisely than a bar (to the month, on a weekly chart) is counted in the
caption, not drawn.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import Filters
from datasette.utils import urlsafe_components
from datasette.utils.asgi import Response

ASSETS = Path(__file__).parent / "assets"
CHART_JS = "chart.umd.min.js"
ASSET_PATH = "/-/archive-assets/"
# ACLED's six event types, each with one colour on every chart
EVENT_TYPES = {
    "Battles": "#c92a2a",
    "Explosions/Remote violence": "#e8590c",
    "Violence against civilians": "#7048e8",
    "Protests": "#1c7ed6",
    "Riots": "#d6336c",
    "Strategic developments": "#868e96",
}
OTHER_COLOUR = "#adb5bd"
DEATHS_COLOUR = "#343a40"
OUTLET_COLOURS = ["#1c7ed6", "#2b8a3e", "#e8590c", "#7048e8", "#c92a2a", "#0c8599", "#d6336c", "#5c940d"]
TOP_OUTLETS = len(OUTLET_COLOURS)
DATE_INDEX = "idx_articles_published_source_id"
# The bar a span of dates calls for: days up to three months, weeks up to three years, then months
DAY_SPAN, WEEK_SPAN = 92, 3 * 366
# Which date precisions each bar can draw: an event dated to its month is not drawn on a weekly chart
DRAWN = {"day": {"day"}, "week": {"day", "week"}, "month": {"day", "week", "month"}}


@hookimpl
def register_routes():
    return [(r"^/-/archive-assets/(?P<name>[a-z.-]+\.js)$", asset)]


async def asset(request):
    name = request.url_vars["name"]
    path = ASSETS / name
    if name != CHART_JS or not path.exists():
        return Response.text("Not found", status=404)
    return Response(path.read_text("utf-8"), content_type="application/javascript; charset=utf-8",
                    headers={"cache-control": "public, max-age=86400"})


def charted(view_name, table):
    return view_name == "index" or (view_name == "row" and table == "entities") or \
        (view_name == "table" and table == "event_map")


@hookimpl
def extra_js_urls(view_name, table, datasette):
    if charted(view_name, table):
        return [{"url": datasette.urls.path(ASSET_PATH + CHART_JS)}]
    return []


@hookimpl
def extra_body_script(view_name, table):
    if charted(view_name, table):
        return DRAW_SCRIPT
    return None


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if not charted(view_name, table) or request is None:
        return {}

    async def timeline_vars():
        if view_name == "index":
            for name in datasette.databases:
                db = datasette.get_database(name)
                if name != "_internal" and await db.table_exists("event_clusters"):
                    return {"timelines": await home_timelines(datasette, name)}
            return {}
        db = datasette.get_database(database)
        if not await db.table_exists("event_clusters"):
            return {}
        if view_name == "table":
            return {"timelines": await map_timelines(datasette, database, request),
                    "date_filter": date_filter(datasette, database, request)}
        pk = urlsafe_components(request.url_vars["pks"])[0]
        return {"timelines": await entity_timelines(datasette, database, pk)}

    return timeline_vars


async def home_timelines(datasette, database):
    db = datasette.get_database(database)
    clusters = await event_counts(db, "1", {})
    link = datasette.urls.table(database, "event_map")
    return [chart for chart in (
        *event_charts(clusters, "in the archive", link, {}),
        await outlet_chart(db, "1", {}, "Articles per {bar}, by outlet"),
    ) if chart]


async def entity_timelines(datasette, database, pk):
    db = datasette.get_database(database)
    params = {"id": pk}
    found = (await db.execute("select name, latitude from entities where id = :id", params)).first()
    if found is None:
        return []
    name, is_place = found[0], found[1] is not None
    if is_place:
        where = "(location_id = :id or id in (select cluster_id from events where sub_location_id = :id))"
        link, link_args = datasette.urls.table(database, "event_clusters"), {"location_id": pk}
    else:
        where = "(actor1_id = :id or actor2_id = :id)"
        link, link_args = datasette.urls.table(database, "event_clusters"), {"actor1_id": pk}
    clusters = await event_counts(db, where, params)
    articles = await outlet_chart(db, "id in (select article_id from mentions where entity_id = :id)", params,
                                  "Articles that mention " + name + ", per {bar}, by outlet")
    return [chart for chart in (*event_charts(clusters, ("at " if is_place else "with ") + name, link, link_args),
                                articles) if chart]


async def map_timelines(datasette, database, request):
    """The events the map shows: the view's rows that the page's column filters select."""
    db = datasette.get_database(database)
    args = [(key, value) for key, value in parse_qsl(request.query_string, keep_blank_values=True)
            if not key.startswith("_") and value != ""]
    columns = set(await db.table_columns("event_map"))
    filters = Filters(sorted((key, value) for key, value in args if key.split("__")[0] in columns))
    where, params = filters.build_where_clauses("event_map")
    ids = f"id in (select id from event_map where {' and '.join(where)})" if where else "1"
    clusters = await event_counts(db, ids, params)
    return event_charts(clusters, "on this map", datasette.urls.table(database, "event_map"), dict(args))


def date_filter(datasette, database, request):
    """The event map's date range form: its two dates, and every other argument of the page kept."""
    args = parse_qsl(request.query_string, keep_blank_values=True)
    dates = {key: value for key, value in args if key in ("event_date__gte", "event_date__lte")}
    others = [(key, value) for key, value in args if key not in ("event_date__gte", "event_date__lte")]
    url = datasette.urls.table(database, "event_map")
    return {"action": url, "from": dates.get("event_date__gte", ""), "to": dates.get("event_date__lte", ""),
            "hidden": others, "clear_url": url + ("?" + urlencode(others) if others else "") if dates else None}


async def event_counts(db, where, params):
    """(event_date, date_precision, event_type, events, deaths) for the clusters `where` selects."""
    result = await db.execute(f"""
        select event_date, date_precision, event_type, count(*), sum(fatalities)
        from event_clusters where {where} and event_date is not null
        group by event_date, date_precision, event_type""", params)
    return [tuple(row) for row in result.rows]


def event_charts(clusters, where_words, link, link_args):
    """Events per bar by type, and deaths per bar; [] when no event has a date to draw."""
    bar, start, end = choose_bar([row[0] for row in clusters if row[1] in ("day", "week")]
                                 or [row[0] for row in clusters if row[1] == "month"])
    if bar is None:
        return []
    labels = bar_starts(bar, start, end)
    index = {label: i for i, label in enumerate(labels)}
    by_type, deaths, undrawn = {}, [0] * len(labels), 0
    for date, precision, event_type, count, killed in clusters:
        position = index.get(bar_of(bar, date)) if precision in DRAWN[bar] else None
        if position is None:
            undrawn += count
            continue
        by_type.setdefault(event_type, [0] * len(labels))[position] += count
        deaths[position] += killed or 0
    ranges = [[label, bar_end(bar, label)] for label in labels]
    hrefs = [link + "?" + urlencode({**{k: v for k, v in link_args.items() if not k.startswith("event_date")},
                                     "event_date__gte": first, "event_date__lte": last}) for first, last in ranges]
    note = (f"{undrawn} more event{'s' if undrawn != 1 else ''}, dated less precisely than to the {bar}, "
            f"{'are' if undrawn != 1 else 'is'} not drawn.") if undrawn else ""
    types = sorted(by_type, key=lambda t: list(EVENT_TYPES).index(t) if t in EVENT_TYPES else len(EVENT_TYPES))
    total = sum(sum(counts) for counts in by_type.values())
    return [
        {"id": "events-by-type", "title": f"Events {where_words} per {bar}, by type", "unit": "events",
         "labels": labels, "hrefs": hrefs, "note": note,
         "summary": f"{total} events from {labels[0]} to {ranges[-1][1]}",
         "datasets": [{"label": t, "data": by_type[t], "color": EVENT_TYPES.get(t, OTHER_COLOUR)} for t in types]},
        {"id": "deaths", "title": f"Deaths in events {where_words} per {bar}", "unit": "deaths",
         "labels": labels, "hrefs": hrefs, "note": "Each event's toll: the lowest an article reports (ACLED's conservative rule)." + (" " + note if note else ""),
         "summary": f"{sum(deaths)} deaths from {labels[0]} to {ranges[-1][1]}",
         "datasets": [{"label": "deaths", "data": deaths, "color": DEATHS_COLOUR}]},
    ]


async def outlet_chart(db, where, params, title):
    """Articles per bar, stacked by outlet (the largest few, then the rest); None without dates.

    The counts come from the index on (published, source_id) alone; outlets are named after.
    """
    found = await db.execute("select 1 from sqlite_master where type = 'index' and name = ?", [DATE_INDEX])
    # Walking the (published, source_id) index never reads an article row: fast for 30,000 of them
    hint = f"indexed by {DATE_INDEX}" if found.first() else ""
    result = await db.execute(f"""
        select substr(published, 1, 10) as day, source_id, count(*) from articles {hint}
        where {where} and published glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'
        group by day, source_id""", params)
    names = {row[0]: row[1] for row in (await db.execute("select id, name from sources")).rows}
    counts = [(day, names.get(source, "(unknown outlet)"), count) for day, source, count in result.rows]
    bar, start, end = choose_bar([day for day, _, _ in counts])
    if bar is None:
        return None
    labels = bar_starts(bar, start, end)
    index = {label: i for i, label in enumerate(labels)}
    totals = {}
    for _, outlet, count in counts:
        totals[outlet] = totals.get(outlet, 0) + count
    top = sorted(totals, key=lambda outlet: (-totals[outlet], outlet))[:TOP_OUTLETS]
    series = {outlet: [0] * len(labels) for outlet in (*top, "other outlets")}
    for day, outlet, count in counts:
        series[outlet if outlet in top else "other outlets"][index[bar_of(bar, day)]] += count
    if not any(series["other outlets"]):
        del series["other outlets"]
    colours = dict(zip(top, OUTLET_COLOURS))
    return {"id": "articles-by-outlet", "title": title.format(bar=bar), "unit": "articles", "labels": labels,
            "hrefs": [], "note": "", "summary": f"{sum(totals.values())} dated articles from {labels[0]}",
            "datasets": [{"label": outlet, "data": data, "color": colours.get(outlet, OTHER_COLOUR)}
                         for outlet, data in series.items()]}


def parse_day(text):
    try:
        return dt.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        try:
            return dt.date.fromisoformat(text[:7] + "-01")
        except (TypeError, ValueError):
            return None


def choose_bar(dates):
    days = [day for day in map(parse_day, dates) if day is not None]
    if not days:
        return None, None, None
    start, end = min(days), max(days)
    span = (end - start).days
    return ("day" if span <= DAY_SPAN else "week" if span <= WEEK_SPAN else "month"), start, end


def bar_of(bar, text):
    """The label (first day) of the bar a date falls in."""
    day = parse_day(text)
    if day is None:
        return None
    if bar == "week":
        day -= dt.timedelta(days=day.weekday())
    elif bar == "month":
        return day.isoformat()[:7]
    return day.isoformat()


def bar_starts(bar, start, end):
    labels, day = [], dt.date.fromisoformat(bar_of(bar, start.isoformat()) + ("-01" if bar == "month" else ""))
    while day <= end:
        labels.append(day.isoformat()[:7] if bar == "month" else day.isoformat())
        day = (day + dt.timedelta(days=32)).replace(day=1) if bar == "month" else \
            day + dt.timedelta(days=7 if bar == "week" else 1)
    return labels


def bar_end(bar, label):
    if bar == "day":
        return label
    if bar == "week":
        return (dt.date.fromisoformat(label) + dt.timedelta(days=6)).isoformat()
    first = dt.date.fromisoformat(label + "-01")
    return ((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)).isoformat()


DRAW_SCRIPT = """
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  for (const canvas of document.querySelectorAll("canvas.timeline-chart")) {
    const spec = JSON.parse(canvas.dataset.chart);
    const stacked = spec.datasets.length > 1;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((d) => ({label: d.label, data: d.data, backgroundColor: d.color,
                                              borderColor: d.color, barPercentage: 1.0, categoryPercentage: 0.9})),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        onClick: (event, elements) => {
          if (spec.hrefs.length && elements.length) window.location.href = spec.hrefs[elements[0].index];
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = spec.hrefs.length && elements.length ? "pointer" : "default";
        },
        plugins: {legend: {display: stacked, position: "bottom", labels: {boxWidth: 12}}},
        scales: {
          x: {stacked: true, ticks: {maxTicksLimit: 10, maxRotation: 0}},
          y: {stacked: true, beginAtZero: true, ticks: {precision: 0},
              title: {display: true, text: spec.unit}},
        },
      },
    });
  }
});
"""
