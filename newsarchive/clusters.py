"""Clusters: the reports of one real-world event, across copies of a story, outlets and sentences."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta

from .lexicon import Lexicon, lexicon

# Two events of one story are the same report when their sentences are this alike
# (rapidfuzz ratio): the AFP copies reword little ("ISIS" -> "Daesh"), while two
# different events of one story share far less.
SAME_SENTENCE = 75
# Reports by other outlets of one event: its town or a quarter of it (places this close), and its
# day or the next (outlets in other time zones, "late Thursday" and "early Friday").
NEAR_KM = 25
DAYS_APART = 1
# A report told without a date, in an article of a known day: news of the last few days.
UNDATED_DAYS = 3
# How loose a fit may be (_when + _where): a day apart in the named province, or the month at the
# same town, or the country on the same day; never only the country and only the month.
LOOSEST = 2


def same_occurrence(mentions: list[tuple], table: Lexicon, one_weapon_any_actors: bool = False,
                    battles: bool = False) -> list[list]:
    """Groups of mentions of one bombing, strike or massacre, by key.

    mentions: (key, location, day, event type, sub-type, actor1), day None unless precise to the
    day. One occurrence: one-sided violence (one_off_types) at one place on one day, with no two
    different first actors; mentions naming different weapons (weapon_families) are different
    occurrences, and a mention naming none then belongs to neither. one_weapon_any_actors: a group
    whose mentions all name one weapon is one occurrence even if its mentions name two first actors
    (one of them misread: one article seldom tells two suicide bombings in one town on one day).
    battles: battles count too, whatever their first actors (each side is the first actor of some
    mention of a gunfight), for a toll: one article seldom tells two gunfights in one town on one day.
    """
    one_off, family = table.words["one_off_types"], table.weapon_family
    if battles:
        one_off = [*one_off, "Battles"]
    by_day = defaultdict(list)
    for key, location, day, event_type, sub_type, actor1 in mentions:
        if location and day and event_type in one_off:
            by_day[(location, day)].append((key, family.get(sub_type), actor1))
    groups = []
    for found in by_day.values():
        weapons = {weapon for _, weapon, _ in found} - {None}
        for weapon in weapons if len(weapons) > 1 else [None]:
            group = [(key, w, actor1) for key, w, actor1 in found if weapon is None or w == weapon]
            one_weapon = one_weapon_any_actors and None not in {w for _, w, _ in group}
            if len(group) > 1 and (one_weapon or battles or len({actor1 for _, _, actor1 in group} - {None}) <= 1):
                groups.append([key for key, _, _ in group])
    return groups


def _days(row) -> tuple[date, date] | None:
    """The first and last day a report's date allows (a day, a week, a month; an undated report,
    the UNDATED_DAYS up to its article's day of publication); None for a year or no date at all."""
    iso, precision = row["event_date"], row["date_precision"]
    published = row.get("published") or ""
    if not iso and len(published) >= 10:
        last = date.fromisoformat(published[:10])
        return last - timedelta(days=UNDATED_DAYS), last
    if not iso or precision not in ("day", "week", "month"):
        return None
    first = date.fromisoformat(iso if precision != "month" else iso + "-01")
    if precision == "day":
        return first, first
    if precision == "week":
        return first, first + timedelta(days=6)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def _months(first: date, last: date) -> set[str]:
    months = set()
    while first <= last:
        months.add(first.isoformat()[:7])
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    months.add(last.isoformat()[:7])
    return months


def months_touched(row) -> set[str]:
    """The months ("YYYY-MM") of the days a report of another outlet may date the same event to, or
    publish it in undated."""
    span = _days(row)
    if span is None:
        return set()
    return _months(span[0] - timedelta(days=DAYS_APART), span[1] + timedelta(days=max(DAYS_APART, UNDATED_DAYS)))


def _when(da: tuple[date, date] | None, db: tuple[date, date] | None) -> int | None:
    """How loosely two reports' dates (their _days) agree: 0 the same day; 1 a day apart (outlets in
    other time zones); 2 one's day in the other's week or month, or in the days before an undated
    report's publication (each date's precision respected); else None."""
    if da is None or db is None:
        return None
    a_day, b_day = da[0] == da[1], db[0] == db[1]
    if a_day and b_day:
        apart = abs((da[0] - db[0]).days)
        return apart if apart <= DAYS_APART else None
    if a_day != b_day:
        day, span = (da[0], db) if a_day else (db[0], da)
        return 2 if span[0] <= day <= span[1] else None
    return None


def distance_km(a: dict, b: dict) -> float:
    """Great-circle kilometres between two rows with latitude and longitude."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _where(a: dict, b: dict) -> int | None:
    """How loosely two reports' places agree: 0 one place, or two towns or quarters within NEAR_KM;
    1 one names the province the other's place lies in; 2 one names only its country; else None."""
    if a["location_id"] == b["location_id"]:
        return 0
    pa, pb = a["place_precision"], b["place_precision"]
    if pa == pb == "exact" and None not in (a["latitude"], b["latitude"]) and distance_km(a, b) <= NEAR_KM:
        return 0
    if pa == pb or not a["country"] or a["country"] != b["country"]:
        return None
    if "country" in (pa, pb):
        return 2
    if "region" in (pa, pb) and a["division"] and a["division"] == b["division"]:
        return 1
    return None


def _finer(a: dict, b: dict) -> bool:
    """Whether a says more than b of when (a day, b a week or month) or of where (a place in b's
    province or country)."""
    rank = {"exact": 0, "region": 1, "country": 2}
    return (a["date_precision"] == "day" and b["date_precision"] != "day") or \
        rank.get(a["place_precision"], 0) < rank.get(b["place_precision"], 0)


def _agree(a: dict, b: dict) -> bool:
    """Whether two reports name the same first actor or give the same toll: what an undated report
    needs besides its place to be another's ("the attack killed 58" and "killed 58 in Las Vegas")."""
    return (a["actor1_id"] is not None and a["actor1_id"] == b["actor1_id"]) or \
        (a["fatalities"] is not None and a["fatalities"] == b["fatalities"])


def _join_other_outlets(event_rows: list[dict], root, join) -> None:
    """Join the reports other outlets give of one event in their own words: the same type of event,
    no two weapons, no two named first actors, at one place (or a quarter of its town) on one day.
    A report of one-off violence (one_off_types: a bombing, a strike, a massacre; not fighting,
    which goes on day after day) that fits less closely (a day apart, only the province or the
    country, only the week or month; no date, when it names the same first actor or toll) joins, of
    the same sub-type, the one cluster of other stories that fits it, never one of several (a city shelled day after day), nor one its own story
    tells apart; clusters then span no more days than before."""
    family, one_off = lexicon().weapon_family, lexicon().words["one_off_types"]
    spans_of = {row["id"]: _days(row) for row in event_rows}
    blocks = defaultdict(list)
    for row in event_rows:
        if row["location_id"] and row["country"] and spans_of[row["id"]]:
            blocks[(row["event_type"], row["country"])].append(row)
    actors: dict[int, set] = defaultdict(set)  # a cluster's named first actors
    stories: dict[int, set] = defaultdict(set)  # the stories that report it
    spans: dict[int, tuple[date, date]] = {}  # a cluster's first and last day-dated report
    for row in event_rows:
        top = root(row["id"])
        actors[top] |= {row["actor1_id"]} - {None}
        stories[top].add(row["story_id"])
        if row["date_precision"] == "day":
            day = date.fromisoformat(row["event_date"])
            first, last = spans.get(top, (day, day))
            spans[top] = (min(first, day), max(last, day))

    def weapons_agree(a, b):
        return len({family.get(a["sub_event_type"]), family.get(b["sub_event_type"])} - {None}) <= 1

    def fits(ra, rb):
        if len(actors[ra] | actors[rb]) > 1:
            return False
        if ra in spans and rb in spans:
            first, last = min(spans[ra][0], spans[rb][0]), max(spans[ra][1], spans[rb][1])
            widest = max((end - start).days for start, end in (spans[ra], spans[rb]))
            return (last - first).days <= max(DAYS_APART, widest)
        return True

    def merge(ra, rb):
        join(ra, rb)
        top = root(ra)
        actors[top] = actors[ra] | actors[rb]
        stories[top] = stories[ra] | stories[rb]
        both = [spans[r] for r in (ra, rb) if r in spans]
        if both:
            spans[top] = (min(first for first, _ in both), max(last for _, last in both))

    for rows in blocks.values():
        # the same day at one place: other outlets' words for one event
        days = sorted((row for row in rows if row["date_precision"] == "day"), key=lambda r: (r["event_date"], r["id"]))
        for i, a in enumerate(days):
            for b in days[i + 1:]:
                if b["event_date"] != a["event_date"]:
                    break
                ra, rb = root(a["id"]), root(b["id"])
                if ra == rb or a["story_id"] == b["story_id"] or _where(a, b) != 0:
                    continue
                if (a["location_id"] == b["location_id"] or weapons_agree(a, b)) and fits(ra, rb):
                    merge(ra, rb)
        # a looser fit (a day apart, only the province, only the month; LOOSEST in all): only to the
        # one cluster of that sub-type that fits, and not one a's own story tells apart from it
        if rows[0]["event_type"] not in one_off:
            continue  # fighting goes on day after day: only one-off violence is matched loosely
        # a report can fit only one whose dates share a month with the days it may be told of
        by_month = defaultdict(list)
        for row in rows:
            for month in _months(*spans_of[row["id"]]):
                by_month[(row["sub_event_type"], month)].append(row)
        for a in sorted(rows, key=lambda r: r["id"]):
            fitting = set()
            near = {b["id"]: b for month in months_touched(a) for b in by_month.get((a["sub_event_type"], month), ())}
            for b in near.values():
                if not _finer(a, b):
                    when, where = _when(spans_of[a["id"]], spans_of[b["id"]]), _where(a, b)
                    if when is not None and where is not None and 0 < when + where <= LOOSEST \
                            and (a["event_date"] or _agree(a, b)):
                        fitting.add(root(b["id"]))
            fitting.discard(root(a["id"]))
            if len(fitting) == 1 and a["story_id"] not in stories[next(iter(fitting))]:
                ra, rb = root(a["id"]), fitting.pop()
                if fits(ra, rb):
                    merge(ra, rb)


def cluster_events(event_rows: list[dict]) -> list[dict]:
    """Group event rows that report one real-world event; set each row's cluster_id; return cluster rows.

    Each row also carries its article's story_id and outlet, and its place's country, first-level
    division (admin1 code) and place_precision. Two reports are one event when they are the same
    sentence in copies of one story (the AFP report run by two outlets), or when they agree on
    what (sub-type), who (actor1), where (location) and the day, all stated, or when reports of
    different stories tell the same type of event at one place within a day, or say less of it
    (_join_other_outlets). Every test is blocked (by story and type; by the facts; by type and
    country), so the work grows with the corpus, not with its square. A cluster's id is its
    smallest event id, so it stays while that report stays.
    """
    from rapidfuzz import fuzz, process

    parent = {row["id"]: row["id"] for row in event_rows}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a, b):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_story = defaultdict(list)
    for row in event_rows:
        by_story[(row["story_id"], row["event_type"])].append(row)
    for rows in by_story.values():
        if len({r["article_id"] for r in rows}) < 2:
            continue
        scores = process.cdist([r["evidence"] for r in rows], [r["evidence"] for r in rows],
                               scorer=fuzz.ratio, score_cutoff=SAME_SENTENCE)
        for i, a in enumerate(rows):
            for j in scores[i].nonzero()[0]:
                if j > i and a["article_id"] != rows[j]["article_id"]:
                    join(a["id"], rows[j]["id"])
    by_facts = defaultdict(list)
    for row in event_rows:
        if row["actor1_id"] and row["location_id"] and row["event_date"] and row["date_precision"] == "day":
            by_facts[(row["sub_event_type"], row["actor1_id"], row["location_id"], row["event_date"])].append(row)
    for rows in by_facts.values():
        for other in rows[1:]:
            join(rows[0]["id"], other["id"])

    # One article's mentions of one bombing, strike or massacre (same_occurrence)
    mentions = [(row["id"], row["location_id"], row["event_date"] if row["date_precision"] == "day" else None,
                 row["event_type"], row["sub_event_type"], row["actor1_id"]) for row in event_rows]
    by_article = defaultdict(list)
    for row, mention in zip(event_rows, mentions):
        by_article[row["article_id"]].append(mention)
    for article_mentions in by_article.values():
        for group in same_occurrence(article_mentions, lexicon()):
            for other in group[1:]:
                join(group[0], other)

    # Reports by other outlets, in their own words ("a suicide bombing in Jableh on Monday")
    _join_other_outlets(event_rows, root, join)

    members = defaultdict(list)
    for row in event_rows:
        row["cluster_id"] = root(row["id"])
        members[row["cluster_id"]].append(row)
    clusters = []
    for cluster_id, rows in members.items():
        def common(column):
            values = Counter(r[column] for r in rows if r[column] is not None)
            return min(values, key=lambda v: (-values[v], str(v))) if values else None

        dated = sorted((r for r in rows if r["event_date"]), key=lambda r: ({"day": 0, "week": 1, "month": 2, "year": 3}[r["date_precision"]], r["event_date"]))
        # each article's toll is the highest it gives (it may update itself); where articles differ,
        # the lowest of theirs (ACLED's conservative rule)
        by_article: dict[int, int] = {}
        for r in rows:
            if r["fatalities"] is not None:
                by_article[r["article_id"]] = max(by_article.get(r["article_id"], 0), r["fatalities"])
        clusters.append({
            "id": cluster_id,
            "event_type": common("event_type"),
            "sub_event_type": common("sub_event_type"),
            "actor1_id": common("actor1_id"),
            "actor2_id": common("actor2_id"),
            "location_id": common("location_id"),
            "event_date": dated[0]["event_date"] if dated else None,
            "date_precision": dated[0]["date_precision"] if dated else None,
            "fatalities": min(by_article.values()) if by_article else None,
            "latitude": common("latitude"),
            "longitude": common("longitude"),
            "event_count": len(rows),
            "article_count": len({r["article_id"] for r in rows}),
            "story_count": len({r["story_id"] for r in rows}),
            "source_count": len({r["outlet"] for r in rows}),
            "evidence": min(rows, key=lambda r: r["id"])["evidence"],
        })
    return clusters
