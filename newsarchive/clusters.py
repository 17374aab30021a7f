"""Clusters: the reports of one real-world event, across copies of a story, outlets and sentences."""

from __future__ import annotations

from collections import Counter, defaultdict

from .lexicon import Lexicon, lexicon

# Two events of one story are the same report when their sentences are this alike
# (rapidfuzz ratio): the AFP copies reword little ("ISIS" -> "Daesh"), while two
# different events of one story share far less.
SAME_SENTENCE = 75


def same_occurrence(mentions: list[tuple], table: Lexicon) -> list[list]:
    """Groups of mentions of one bombing, strike or massacre, by key.

    mentions: (key, location, day, event type, sub-type, actor1), day None unless precise to the
    day. One occurrence: one-sided violence (one_off_types) at one place on one day, with no two
    different first actors; mentions naming different weapons (weapon_families) are different
    occurrences, and a mention naming none then belongs to neither.
    """
    one_off, family = table.words["one_off_types"], table.weapon_family
    by_day = defaultdict(list)
    for key, location, day, event_type, sub_type, actor1 in mentions:
        if location and day and event_type in one_off:
            by_day[(location, day)].append((key, family.get(sub_type), actor1))
    groups = []
    for found in by_day.values():
        weapons = {weapon for _, weapon, _ in found} - {None}
        for weapon in weapons if len(weapons) > 1 else [None]:
            group = [(key, actor1) for key, w, actor1 in found if weapon is None or w == weapon]
            if len(group) > 1 and len({actor1 for _, actor1 in group} - {None}) <= 1:
                groups.append([key for key, _ in group])
    return groups


def cluster_events(event_rows: list[dict]) -> list[dict]:
    """Group event rows that report one real-world event; set each row's cluster_id; return cluster rows.

    Each row also carries its article's story_id and outlet. Two reports are one event
    when they are the same sentence in copies of one story (the AFP report run by two
    outlets), or when they agree on what (sub-type), who (actor1), where (location) and
    the day, all stated, or when reports of different stories tell the same type of event at
    the same place on the same day, with no two different first actors. Every test is
    blocked (by story and type; by the facts; by type, place and day), so the work grows
    with the corpus, not with its square. A cluster's id is its smallest
    event id, so it stays while that report stays.
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

    # Reports by other outlets, in their own words: the same kind of event at the same town on the
    # same day, their first actors not at odds ("a suicide bombing in Jableh on Monday").
    by_day = defaultdict(list)
    for row in event_rows:
        if row["location_id"] and row["event_date"] and row["date_precision"] == "day":
            by_day[(row["event_type"], row["location_id"], row["event_date"])].append(row)
    for rows in by_day.values():
        actors = {row["id"]: {row["actor1_id"]} - {None} for row in rows}  # a group's named first actors
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                ra, rb = root(a["id"]), root(b["id"])
                joined = actors.get(ra, set()) | actors.get(rb, set())
                if a["story_id"] != b["story_id"] and ra != rb and len(joined) <= 1:
                    join(ra, rb)
                    actors[root(ra)] = joined

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
        fatalities = [r["fatalities"] for r in rows if r["fatalities"] is not None]
        clusters.append({
            "id": cluster_id,
            "event_type": common("event_type"),
            "sub_event_type": common("sub_event_type"),
            "actor1_id": common("actor1_id"),
            "actor2_id": common("actor2_id"),
            "location_id": common("location_id"),
            "event_date": dated[0]["event_date"] if dated else None,
            "date_precision": dated[0]["date_precision"] if dated else None,
            "fatalities": max(fatalities) if fatalities else None,
            "latitude": common("latitude"),
            "longitude": common("longitude"),
            "event_count": len(rows),
            "article_count": len({r["article_id"] for r in rows}),
            "story_count": len({r["story_id"] for r in rows}),
            "source_count": len({r["outlet"] for r in rows}),
            "evidence": min(rows, key=lambda r: r["id"])["evidence"],
        })
    return clusters
