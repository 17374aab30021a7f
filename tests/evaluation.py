"""Score a built archive's entities against the hand annotations in tests/fixtures/gold_entities.json.

    python -m tests.evaluation archive.db

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
        rows = [dict(row) for row in connection.execute("select * from entities")]
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


def main() -> None:
    db = Path(sys.argv[1] if len(sys.argv) > 1 else "archive.db")
    print(json.dumps(evaluate(db), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
