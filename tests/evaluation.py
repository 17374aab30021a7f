"""Score a built archive's entities and events against the hand annotations in tests/fixtures/.

    python -m tests.evaluation archive.db

Entities are scored against gold_entities.json (below); events against
gold_events.json (see evaluate_events).

Matching is by surface form: an archive entity matches a gold entity of the
same type when one of its aliases is one of the gold aliases (case and a leading
"the" aside). From that:
  * precision and recall by type (entity level, across the corpus);
  * splits: gold entities spread over more than one archive row;
  * merges: archive rows whose aliases belong to more than one gold entity;
  * geocoding: of the gold places with coordinates that GeoNames can know (not
    the neighbourhoods annotated with their city's position), the share placed
    within 25 km of the truth (countries and provinces: within 500 km).
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold_entities.json"
TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
NEAR_KM = 25
# A country's or province's "position" differs by source (centroid, GeoNames
# point, capital: the two usual points for the United States lie 383 km apart);
# for them the test is whether the marker lies well inside the area.
AREA_KM = 500


COLLECTIVE_KINDS = ("protesters", "rioters", "civilians")


def is_area(entity: dict) -> bool:
    return entity.get("geo_note", "").startswith(("country", "governorate", "autonomous region"))


def norm(alias: str) -> str:
    alias = alias.replace("’", "'").strip()
    if alias.lower().startswith("the "):
        alias = alias[4:]
    return alias.lower()


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def evaluate(db: Path, gold_path: Path = GOLD) -> dict:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["entities"]
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        # ACLED's collective actors ("Civilians (Syria)") are groups of people, not named entities
        rows = [dict(row) for row in connection.execute(
            "select * from entities where kind is null or kind not in (?, ?, ?)", COLLECTIVE_KINDS)]
    for row in rows:
        row["alias_set"] = {norm(a) for a in json.loads(row["aliases"])} | {norm(row["name"])}
    gold_by_alias = defaultdict(list)
    for index, entity in enumerate(gold):
        for alias in {*entity["aliases"], entity["name"]}:
            gold_by_alias[norm(alias)].append(index)

    matches = defaultdict(set)  # gold index -> archive row indexes (same type)
    row_golds = defaultdict(set)  # archive row -> gold indexes (any type)
    for r, row in enumerate(rows):
        for alias in row["alias_set"]:
            for g in gold_by_alias.get(alias, ()):
                row_golds[r].add(g)
                if gold[g]["type"] == row["type"]:
                    matches[g].add(r)

    by_type = {}
    for entity_type in TYPES:
        gold_ids = [g for g, e in enumerate(gold) if e["type"] == entity_type]
        row_ids = [r for r, row in enumerate(rows) if row["type"] == entity_type]
        found = sum(1 for g in gold_ids if matches[g])
        correct = sum(1 for r in row_ids if any(gold[g]["type"] == entity_type for g in row_golds[r]))
        by_type[entity_type] = {
            "gold": len(gold_ids), "archive": len(row_ids),
            "recall": round(found / len(gold_ids), 3) if gold_ids else None,
            "precision": round(correct / len(row_ids), 3) if row_ids else None,
        }
    all_found = sum(1 for g in range(len(gold)) if matches[g])
    all_correct = sum(1 for r, row in enumerate(rows) if any(gold[g]["type"] == row["type"] for g in row_golds[r]))

    splits = [gold[g]["name"] for g in range(len(gold)) if len(matches[g]) > 1]
    merges = [rows[r]["name"] for r, golds in row_golds.items() if len(golds) > 1]

    places = [g for g, e in enumerate(gold) if e.get("latitude") is not None and "city coord" not in e.get("geo_note", "")]
    placed, near, misplaced = 0, 0, []
    for g in places:
        located = [rows[r] for r in matches[g] if rows[r]["latitude"] is not None]
        if not located:
            misplaced.append(f"{gold[g]['name']} (no coordinates)")
            continue
        placed += 1
        distance = min(km(gold[g]["latitude"], gold[g]["longitude"], row["latitude"], row["longitude"]) for row in located)
        if distance <= (AREA_KM if is_area(gold[g]) else NEAR_KM):
            near += 1
        else:
            misplaced.append(f"{gold[g]['name']} ({distance:.0f} km off)")
    return {
        "precision": round(all_correct / len(rows), 3) if rows else 0.0,
        "recall": round(all_found / len(gold), 3),
        "by_type": by_type,
        "split_gold_entities": splits,
        "merged_archive_rows": merges,
        "missed": [gold[g]["name"] for g in range(len(gold)) if not matches[g]],
        "spurious": sorted(row["name"] for r, row in enumerate(rows)
                           if not any(gold[g]["type"] == row["type"] for g in row_golds[r])),
        "geocoding": {"places": len(places), "with_coordinates": placed, "within_25km": near,
                      "accuracy": round(near / len(places), 3) if places else None, "wrong": misplaced},
    }


GOLD_EVENTS = Path(__file__).resolve().parent / "fixtures" / "gold_events.json"
EVENT_FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "date", "fatalities")


def squash(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').replace("\xa0", " ").lower().split())


def evaluate_events(db: Path, gold_path: Path = GOLD_EVENTS, entity_gold: Path = GOLD) -> dict:
    """Score the archive's events against gold_events.json.

    An archive event matches a gold event of the same file when the gold evidence
    (or one of its other_evidence passages) lies in the event's sentence or the
    sentence in it. Detection precision is the share of archive events that match
    a gold event; recall the share of gold events matched. For each field, on
    matched events: precision is the share of stated (non-NULL) archive values
    that equal the gold value, recall the share of stated gold values the archive
    gives. In battles the two sides may come in either order (ACLED does not code
    who started a battle). Actors and places are compared as entities: a gold name matches an
    archive entity that has one of the gold entity's aliases; a location also
    matches the gold sub-locations. A gold event whose dates need a published date
    the page does not give (needs_published_date) expects NULL.
    """
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["events"]
    gold_entities = json.loads(entity_gold.read_text(encoding="utf-8"))["entities"]
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        events = [dict(row) for row in connection.execute(
            "select events.*, articles.file, sentences.text as sentence from events"
            " join articles on articles.id = events.article_id join sentences on sentences.id = events.sentence_id")]
        entities = {row["id"]: row for row in map(dict, connection.execute("select id, name, aliases from entities"))}

    alias_ids = defaultdict(set)
    for entity_id, row in entities.items():
        for alias in {*json.loads(row["aliases"]), row["name"]}:
            alias_ids[norm(alias)].add(entity_id)
    ids_of = {}
    for entity in gold_entities:
        names = {entity["name"], *entity["aliases"], *entity.get("descriptive_mentions", [])}
        ids_of[entity["name"]] = set().union(*(alias_ids.get(norm(n), set()) for n in names))

    def entity_ok(predicted, names) -> bool:
        return predicted is not None and any(predicted in ids_of.get(name, set()) for name in names if name)

    def expected(g: dict, name: str):
        if name == "date":
            return None if g.get("needs_published_date") else g["event_date"]
        if name == "location":
            return g["location"]
        return g[name]

    def agrees(p: dict, g: dict, name: str) -> bool:
        if name in ("actor1", "actor2"):
            if g["event_type"] == "Battles" and p["event_type"] == "Battles":
                # ACLED: in battles the order of the two sides says nothing about who started it.
                return entity_ok(p[name + "_id"], [g["actor1"], g["actor2"]])
            return entity_ok(p[name + "_id"], [g[name]])
        if name == "location":
            return entity_ok(p["location_id"], [g["location"], *g.get("sub_locations", [])])
        if name == "date":
            return p["event_date"] == expected(g, "date")
        return p[name] == g[name]

    def predicted(p: dict, name: str):
        return p[{"actor1": "actor1_id", "actor2": "actor2_id", "location": "location_id", "date": "event_date"}.get(name, name)]

    def shown(value, name):
        return entities[value]["name"] if name in ("actor1", "actor2", "location") and value in entities else value

    matches = defaultdict(list)  # archive event index -> gold indexes
    for e, event in enumerate(events):
        sentence = squash(event["sentence"])
        for g, item in enumerate(gold):
            if item["file"] != event["file"]:
                continue
            passages = [squash(x) for x in (item["evidence"], *item.get("other_evidence", []))]
            if any(x in sentence or sentence in x for x in passages):
                matches[e].append(g)
    # A sentence reporting two gold events is scored against the one it agrees with most.
    best = {e: max(gs, key=lambda g: sum(agrees(events[e], gold[g], f) for f in EVENT_FIELDS)) for e, gs in matches.items()}
    matched_gold = {g for gs in matches.values() for g in gs}

    fields = {}
    for name in EVENT_FIELDS:
        stated = [e for e in best if predicted(events[e], name) is not None]
        right = [e for e in stated if agrees(events[e], gold[best[e]], name)]
        gold_stated = [g for g, item in enumerate(gold) if expected(item, name) is not None]
        found = [g for g in gold_stated if any(best.get(e) == g and agrees(events[e], gold[g], name) for e in best)]
        fields[name] = {
            "precision": round(len(right) / len(stated), 3) if stated else None,
            "recall": round(len(found) / len(gold_stated), 3) if gold_stated else None,
            "stated": len(stated), "gold": len(gold_stated),
        }
    sides_right = sides_gold = 0
    with sqlite3.connect(db) as connection:
        for e, g in best.items():
            split = gold[g].get("fatalities_by_side")
            if not split:
                continue
            sides_gold += len(split)
            rows = connection.execute("select side_id, count from event_fatalities where event_id = ?", (events[e]["id"],)).fetchall()
            sides_right += sum(1 for name, count in split.items() if any(c == count and entity_ok(s, [name]) for s, c in rows))

    real = defaultdict(set)
    for e, g in best.items():
        real[gold[g]["real_event"]].add(events[e]["cluster_id"])
    multi = [slug for slug in {item["real_event"] for item in gold}
             if len({item["file"] for item in gold if item["real_event"] == slug}) > 1]
    statements = _statements_found(db, json.loads(gold_path.read_text(encoding="utf-8")).get("statements", []))
    return {
        "gold_events": len(gold),
        "statements": statements,
        "archive_events": len(events),
        "precision": round(len(matches) / len(events), 3) if events else 0.0,
        "recall": round(len(matched_gold) / len(gold), 3),
        "fields": fields,
        "fatality_sides": {"gold": sides_gold, "right": sides_right},
        "clusters": {"real_events_in_several_articles": len(multi),
                     "kept_in_one_cluster": sum(1 for slug in multi if len(real.get(slug, ())) == 1)},
        "missed": [f"{item['id']}: {item['evidence'][:70]}" for g, item in enumerate(gold) if g not in matched_gold],
        "spurious": [f"{events[e]['file'][:3]} {events[e]['sub_event_type']}: {events[e]['sentence'][:70]}"
                     for e in range(len(events)) if e not in matches],
        "wrong": [f"{gold[g]['id']} {name}: {shown(predicted(events[e], name), name)!r} for {expected(gold[g], name)!r}"
                  for e, g in sorted(best.items(), key=lambda x: x[1]) for name in EVENT_FIELDS
                  if predicted(events[e], name) is not None and not agrees(events[e], gold[g], name)],
    }


def _statements_found(db: Path, gold: list[dict]) -> dict:
    """Gold statements (running totals, denials, hypotheses) found in event_statements with their
    realis and running total, and none of them among the events."""
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        found = [dict(r) for r in connection.execute(
            "select event_statements.realis, event_statements.fatalities, sentences.text as sentence, articles.file "
            "from event_statements join sentences on sentences.id = event_statements.sentence_id "
            "join articles on articles.id = event_statements.article_id")]
        events = [dict(r) for r in connection.execute(
            "select sentences.text as sentence, articles.file from events join sentences on sentences.id = events.sentence_id "
            "join articles on articles.id = events.article_id")]
    right, as_events = [], []
    for item in gold:
        evidence = squash(item["evidence"])
        here = [r for r in found if r["file"] == item["file"] and evidence in squash(r["sentence"])]
        if any(r["realis"] == item["realis"] and r["fatalities"] == item["fatalities"] for r in here) or (
                item["fatalities"] is None and any(r["realis"] == item["realis"] for r in here)):
            right.append(item["id"])
        if any(e["file"] == item["file"] and evidence in squash(e["sentence"]) for e in events):
            as_events.append(item["id"])
    return {"gold": len(gold), "right": len(right), "as_events": as_events,
            "missed": [item["id"] for item in gold if item["id"] not in right]}


def main() -> None:
    db = Path(sys.argv[1] if len(sys.argv) > 1 else "archive.db")
    print(json.dumps({"entities": evaluate(db), "events": evaluate_events(db)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
