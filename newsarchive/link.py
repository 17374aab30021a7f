"""The link stage: spaCy's entity spans -> one canonical entity per real person, group or place.

For each span, in order of evidence:
  1. a curated actor or outlet (the EntityRuler's pattern id), or a generic phrase
     ("regime forces") resolved by the country the story is about;
  2. a place: GeoNames (via the gazetteer) corrects the model's type ("Palmyra" is
     a GPE, not a PERSON) and gives coordinates, chosen by the story's countries;
     "X province" is the province, "X neighbourhood" a LOC, "X checkpoint" a FAC;
  3. otherwise a person, organization or group, its name normalised (case,
     diacritics, hyphens, "al-", transliteration variants) and merged with close
     spellings across articles (rapidfuzz), short forms ("Jolani") joined to the
     full name in the same article ("Abu Mohamed al-Jolani").
Rules and word lists live in data/entity_rules.yml.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from unidecode import unidecode

from .acronyms import bracketed_acronym, without_acronym
from .actors import COLLECTIVE_TYPE, actors_by_name, generic_alias_table
from .gazetteer import Gazetteer, Place
from .institutions import with_institutions
from .untagged_places import with_untagged_places
from .outlets import load_registry
from .person_names import PersonNames
from .datafiles import load as load_data

TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
# A label the model puts on a town now and then ("the Croydon tram crash", "the stronghold of Manbij"):
# such a name is read as a place where a person's or a group's name would be, else dropped.
MISREAD = ("PRODUCT",)
# Two person or organization names are one entity at this rapidfuzz token_sort_ratio of
# their normalised keys. Transliteration classes already unify Abdel/Abdul and
# Mohammad/Mohamed, so the fuzzy step only catches residual spellings; at 90 no
# two different people in the seeds merge (their closest pair scores 67).
NAME_MATCH = 90
# A PERSON/ORG/NORP span is taken for a place only with this much evidence: the
# place is in the story's countries, or it is a country, province or city this big.
RETYPE_MIN_POPULATION = 100_000
# Nouns that make "<name> <noun>" the name of a province rather than of its capital.
PLACE_KEY_PREFIXES = ("place:", "loc:", "fac:", "gpe:")
POSSESSIVE_RUN = re.compile(r"[A-Z][a-z]{3,}s")  # "Syrias", "Aleppos": a name and its possessive, apostrophe lost
# ", W.Va." or ", Costa Rica" after a place's name, up to the next comma, stop, bracket or dash
QUALIFIER = re.compile(r",[ \t]*([A-Z][\w.'’]*(?:[ \t][A-Z][\w.'’]*){0,3})(?=[ \t]*(?:[,.;:()\[\]—–]|-[ \t]|\n|$))")
BASED = re.compile(r"([A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*)?)\s*-\s*based\s+(\S.*)$")  # "London-based X", "US-based X"
BASED_AFTER = re.compile(r"\s*-\s*based\b")
# Acronyms (capitals, digits, "*" or "&", or two capitals or more among lower case: "IoTX") and
# one- or two-letter abbreviations ("Dr", "Sr"): a place the gazetteer does not know is none of these.
ACRONYM = re.compile(r"[A-Z0-9*&+]{2,6}|(?=(?:.*[A-Z]){2})(?![A-Z][a-z]+$)[A-Za-z0-9*&+]{2,6}")
ABBREVIATION = re.compile(r"[A-Z][a-z]?\.?")
# A town inside an organisation's name counts as a place only from this size: smaller names are
# as often a founder's or a brand's ("Kelly Services", "Ford Motor").
EMBEDDED_TOWN_POPULATION = 15_000
LOCAL_DIVISIONS = {"district", "county", "parish", "borough", "subdistrict", "municipality"}
PROVINCE_NOUNS = {"province", "governorate", "oblast", "prefecture", "wilayat", "muhafazat"}
TOWN_NOUNS = {"city", "town"}  # written after a town's name ("Homs city"): the town, not its province


@dataclass(frozen=True)
class Rules:
    place_nouns: dict[str, str]  # noun -> LOC or FAC
    region_nouns: frozenset[str]
    person_roles: frozenset[str]
    person_titles: frozenset[str]
    venue_nouns: frozenset[str]
    locative: frozenset[str]
    of_a_place: frozenset[str]
    stoplist: frozenset[str]
    particles: frozenset[str]
    norp: dict[str, str]  # surface (lower) -> canonical
    institutions: frozenset[str]  # "ministry", "embassy": a state's bodies its place names
    placed_institutions: frozenset[str]  # "department", "agency": the same, only where a place names them
    body_heads: frozenset[str]  # "assembly", "court": head nouns of bodies a state or the UN heads
    missions: frozenset[str]  # "embassy", "consulate": named with the country or town they are in
    state_missions: frozenset[str]  # "embassy": one per receiving state
    organisation_heads: frozenset[str]  # "Front", "Party", "Forces": the last word of a group's name
    place_openers: frozenset[str]  # "San", "Fort", "North": never a place alone
    group_words: dict[str, str | None]  # first word of a group's name -> the group's kind (armed group or None)
    transliteration: dict[str, str]  # name part -> class representative


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = load_data("entity_rules.yml")
    norp = {}
    for canonical, aliases in data["norp_aliases"].items():
        for alias in (canonical, *aliases):
            norp[alias.lower()] = canonical
    return Rules(
        place_nouns={noun: kind for kind, nouns in data["place_nouns"].items() for noun in nouns},
        region_nouns=frozenset(data["region_nouns"]),
        person_roles=frozenset(data["person_roles"]),
        person_titles=frozenset(data["person_titles"]),
        venue_nouns=frozenset(data["venue_nouns"]),
        locative=frozenset(data["locative_prepositions"]),
        of_a_place=frozenset(data["nouns_of_a_place"]),
        stoplist=frozenset(data["stoplist"]),
        particles=frozenset(data["name_particles"]),
        norp=norp,
        institutions=frozenset(data["institution_nouns"]),
        placed_institutions=frozenset(data["placed_institution_nouns"]),
        body_heads=frozenset(data["body_heads"]),
        missions=frozenset(data["mission_nouns"]),
        state_missions=frozenset(data["state_missions"]),
        organisation_heads=frozenset(data["organisation_heads"]),
        place_openers=frozenset(data["place_name_openers"]) | frozenset(data["name_particles"]),
        group_words={word: ("armed group" if armed == "armed" else None)
                     for armed, words in data["group_name_words"].items() for word in words},
        transliteration={variant: group[0] for group in data["transliterations"] for variant in group},
    )


LEADING_COUNTRY = 2  # a story names its country at least twice as often as any other: it is about that country


def names_a_group(word: str) -> bool:
    """Whether a word names a people, faith or country ("Kurdish", "Shia", "Russian", "Iran"), not a person."""
    word = word.lower()
    return word in rules().norp or word in ArticleLinker._demonyms() or word in _country_names()


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    countries = load_data("countries.yml").get("countries", {})
    return frozenset(name.lower() for c in countries.values() for name in [c.get("name", ""), *(c.get("aliases") or [])] if name)


def _names_a_country(word: str) -> bool:
    """"Saudi", "U.S.", "France": a country's name or its people's word (countries.yml)."""
    return bool(demonym_country(word)) or word.lower() in _country_names()


def demonym_country(word: str) -> str | None:
    """The country a people's adjective names ("Israeli" -> IL), from countries.yml."""
    return ArticleLinker._demonyms().get(word.lower())


def person_key(name: str) -> str:
    """Normalised name: ASCII, lower case, no particles ("al-", "el"), transliteration variants unified."""
    table = rules()
    words = re.sub(r"[^a-z0-9]+", " ", unidecode(name).lower().replace("'", "")).split()
    words = [table.transliteration.get(word, word) for word in words if word not in table.particles]
    return " ".join(words)


@dataclass
class EntityInfo:
    type: str
    curated_name: str | None = None
    kind: str | None = None
    place: Place | None = None
    geo_precision: str | None = None
    country_code: str | None = None  # a place the gazetteer lacks: the country of the story that names it

    @property
    def country(self) -> str | None:
        return self.place.country_code if self.place else self.country_code


@dataclass
class ArticleLinks:
    """The link stage's result for one article: its mentions, the entities they name, its dateline place."""

    mentions: list[tuple[int, int, str, str]]  # (start_char, end_char, text, entity key)
    entities: dict[str, EntityInfo]  # entity key -> what the article says it is
    dateline: str | None = None  # entity key of the dateline's place
    dateline_text: str | None = None  # the dateline's place as written ("Erbil" for "ERBIL")
    embedded: list[tuple[int, int, str, str]] = field(default_factory=list)  # places inside an ORG's mention


class ArticleLinker:
    """Resolves one article's entity spans to entity keys; the same key in two articles is one entity."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.registry = load_registry()
        self.person_names = PersonNames(
            rules().person_titles, rules().person_roles, rules().stoplist,
            lambda word: gazetteer.resolve(word, set(), kinds=("country", "region")) is not None)
        self.body = ""  # the text of the article being linked

    def link(self, doc, dateline: str | None = None, body: str | None = None,
             home_country: str | None = None) -> ArticleLinks:
        """body: doc.text, when the caller has it (Doc.text joins every token in Python: 1-2 ms a call).
        home_country: the publisher's country, the story's country when its text names none."""
        self.body = body if body is not None else doc.text  # for the words after a span, this article only
        entities = with_institutions(doc, self.person_names.mended(doc), rules().institutions, _names_a_country,
                                     rules().missions, rules().placed_institutions)
        entities = with_untagged_places(doc, entities, rules().locative, rules().of_a_place, self._well_known_place)
        spans = [span for span in (self._clean(ent) for ent in entities if ent.label_ in TYPES + MISREAD) if span]
        spans = [part for span in spans for based in _split_based(span) for named in _split_names(based)
                 for part in self._split_unmarked_possessive(named)]
        context, main_country, divisions, leading = self._story_places(spans, dateline, home_country)
        resolved = [(span, self._resolve(span, context, main_country, divisions, leading)) for span in spans]
        resolved = self._join_places(self._join_short_names(self._speakers_are_no_towns(resolved)))
        resolved = self._join_acronyms(resolved)
        links = ArticleLinks([], {})
        if dateline:
            self._link_dateline(links, dateline, context)
        sentence_countries = self._sentence_countries(resolved)
        resolved = self._collectives_where_they_act(resolved, sentence_countries, main_country)
        owners = {span[1]: span[0] for span, found in resolved if found and _owns_bodies(found[1])}
        for span_info, (key, info) in ((span, r) for span, r in resolved if r):
            start, end, text = span_info[:3]
            if info.type == "ORG" and start - 1 in owners and self.body[start - 1] == " " \
                    and span_info[4].root.lemma_.lower() in rules().body_heads:
                # "the U.S. State Department", "the United Nations Mine Action Service": the name as written,
                # the state or the international body a mention of its own
                start = owners[start - 1]
                text = self.body[start:end]
            if info.type == "ORG":
                embedded = self._embedded_places(span_info[4], span_info[5], context)
                for place, part in embedded:  # "Japan's Ministry of Agriculture": Japan is named too
                    place_key, place_info = self._place_entity(place, "GPE")
                    links.entities.setdefault(place_key, place_info)
                    links.embedded.append((part.start_char, part.end_char, part.text, place_key))
                # (not the host of a mission: "the Saudi Embassy in Tehran" is Saudi Arabia's)
                countries = {place.country_code for place, part in embedded
                             if part.start == 0 or part.doc[part.start - 1].lower_ != "in"} | self._demonyms_in(span_info[4])
                if info.country_code is None and len(countries) == 1:
                    info = replace(info, country_code=countries.pop())  # the ORG's country
            if info.place is None and key.startswith(("loc:", "fac:", "gpe:")):
                # "Youssef al-Najjar Hospital", "Las Vegas Village", a village the gazetteer lacks: no
                # coordinates, but the country of the places its sentence names ("Al-Shifa Hospital in
                # Gaza City"), else of the country the story is mostly about
                country = sentence_countries.get(start) or leading
                if country:
                    info = replace(info, country_code=country)
            known = links.entities.get(key)
            if known is None or known.country is None and info.country is not None:
                links.entities[key] = info  # the first mention, or the first that tells the country
            links.mentions.append((start, end, text, key))
        return links

    def _well_known_place(self, text: str) -> str | None:
        """"country" for a country's exact name; "place" for a first-level division's or a city of 100,000's."""
        places, exact = self.gazetteer.candidates(text)
        if not exact:
            return None
        if any(p.kind == "country" for p in places):
            return "country"
        if any(p.kind == "region" or p.kind == "city" and p.population >= RETYPE_MIN_POPULATION for p in places):
            return "place"
        return None

    def _split_unmarked_possessive(self, span_info) -> list[tuple]:
        """"Syrias Hama province", "Aleppos Old City": text whose apostrophes were stripped (as some
        datasets and scrapers do) runs a place's possessive into one word. When the word is no name
        the gazetteer knows and, without its "s", is a country, a province or a city of 100,000, the
        place is read (its mention covers the name, not the "s") and the rest of the span after it."""
        start, end, text, label, span, pattern_id = span_info
        first = span[0]
        if pattern_id or not POSSESSIVE_RUN.fullmatch(first.text) or self.gazetteer.candidates(first.text)[1]:
            return [span_info]
        stem = first.text[:-1]
        place = self.gazetteer.resolve(stem, set(), kinds=("country", "region", "city"))
        if place is None or not self.gazetteer.candidates(stem)[1] or (
                place.kind == "city" and place.population < RETYPE_MIN_POPULATION):
            return [span_info]
        parts = [(first.idx, first.idx + len(stem), stem, "GPE", span[:1], "")]
        if len(span) > 1:
            rest = span[1:]
            parts.append((rest.start_char, end, rest.text, label, rest, pattern_id))
        return parts

    def _embedded_places(self, span, pattern_id: str, context: set[str]) -> list[tuple[Place, object]]:
        """The countries, first-level divisions and continents an organisation's name holds, by
        their exact names: "Japan" in "Japan's Ministry of Agriculture", "Alberta" in "University of
        Alberta", "U.S." in "U.S. Army"; and a town of the story's countries (of 15,000 people or
        more) or a county that opens the name or follows its "of": "Oakdale Fire Department",
        "University of Cincinnati". Not the whole name (that is a typing question), not an
        outlet's name ("The Washington Post" is no mention of Washington)."""
        if pattern_id and not pattern_id.startswith("actor:") or self.registry.match_name(span.text):
            return []
        tokens = list(span)
        found = []
        i = 0
        while i < len(tokens):
            for size in (3, 2, 1):
                part = span.doc[tokens[i].i: tokens[i].i + size] if i + size <= len(tokens) else None
                if part is None or len(part) == len(span) or not part[0].text[:1].isupper() or part[-1].is_punct:
                    continue
                exact = self.gazetteer.candidates(part.text)[1]
                place = self.gazetteer.resolve(part.text, context, kinds=("country", "region", "continent")) if exact else None
                hosted = part.start > span.start and span.doc[part.start - 1].lower_ == "in"
                opens = part.start == span.start or span.doc[part.start - 1].lower_ == "of"
                if place is None and exact and hosted:
                    # "the Saudi Embassy in Tehran": the town a mission is in, wherever it is
                    place = self.gazetteer.resolve(part.text, context, kinds=("city", "district"))
                if place is None and exact and opens and context:
                    # "Oakdale Fire Department", "University of Cincinnati", "Butler County Coroner": the town
                    # or county of the story's countries that opens the name, or follows its "of"
                    town = self.gazetteer.resolve(part.text, context, kinds=("city", "district"), local_only=True)
                    if town is not None and (town.kind == "district" or town.population >= EMBEDDED_TOWN_POPULATION):
                        place = town
                if place is not None:
                    found.append((place, part))
                    i += size - 1
                    break
            i += 1
        return found

    def _demonyms_in(self, span) -> set[str]:
        """The countries whose people an organisation's name names: "Japanese Financial Services Agency"."""
        return {code for code in (self._demonym_country(t.text) for t in span if t.text[:1].isupper()) if code}

    def _link_dateline(self, links: ArticleLinks, dateline: str, context: set[str]) -> None:
        """The dateline's place ("ERBIL, Kurdistan Region" -> Erbil) as the article's dateline entity."""
        first, _, rest = (part.strip() for part in dateline.partition(","))
        name = first.title() if first.isupper() else first
        qualifier = self._division_or_country(rest.split(",")[0].strip()) if rest else None
        if qualifier is not None:  # "SAN JOSE, Costa Rica", "CHARLESTON, W.Va."
            place = self._resolve_in(name, qualifier)
        else:
            place = self.gazetteer.resolve(name, context)
        if place:
            key, info = self._place_entity(place, "GPE")
            links.entities.setdefault(key, info)
            links.dateline, links.dateline_text = key, name

    def _clean(self, ent):
        """(start_char, end_char, text, label, span) without a leading "the" or trailing "'s"; None to drop."""
        tokens = list(ent)
        while tokens and tokens[0].lower_ in {"the", "a", "an"}:
            tokens = tokens[1:]
        while tokens and (tokens[-1].lower_ in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
            tokens = tokens[:-1]
        if ent.label_ in ("GPE", "LOC", "FAC") and len(tokens) > 1 and tokens[-1].lower_ in TOWN_NOUNS \
                and tokens[-1].is_lower:
            tokens = tokens[:-1]  # "Homs city": the name, which the word after it says is a town's
        if ent.label_ == "PERSON":
            while len(tokens) > 2 and tokens[0].lower_.rstrip(".") in rules().person_titles:
                tokens = tokens[1:]  # "Grand Ayatollah Ali al-Sistani": the name, not the title
        if not tokens:
            return None
        end = tokens[-1].i + 1
        following = ent.doc[end] if end < len(ent.doc) else None
        # a people's name is never joined to the noun ("the Syrian province of Idlib"); a NORP
        # tag on a name that is none ("Aleppo province") is the model's slip
        people = ent.label_ == "NORP" and bool(ent.text.lower() in rules().norp or self._demonym_country(ent.text))
        # (not a noun that modifies the next one: "the Red Sea port city of Hodeida" names the sea)
        if not ent.ent_id_ and following is not None and following.dep_ not in ("compound", "amod", "nmod") and (
                (ent.label_ != "NORP" and rules().place_nouns.get(following.lower_) == "FAC")
                or (not people and following.lower_ in PROVINCE_NOUNS)):
            end += 1  # "Makana checkpoint", "al-Hasakah province": the name with its noun
        span = ent.doc[tokens[0].i: end]
        text = span.text
        if ent.ent_id_:
            return span.start_char, span.end_char, text, ent.label_, span, ent.ent_id_
        words = [w for w in re.split(r"[\s-]+", text) if w]
        if not words:  # nothing but dashes and spaces
            return None
        content = [w for w in words if w.lower() not in rules().particles] or words
        lower_case_body = ent.label_ == "ORG" and span[-1].lemma_.lower() in rules().institutions  # "the interior ministry"
        if (len(text) < 2 or text.lower() in rules().stoplist or not (content[0][:1].isupper() or lower_case_body)
                or re.match(r"(?i)(pro|anti)-", text) or not re.search(r"[A-Za-z]", text)):
            return None
        return span.start_char, span.end_char, text, ent.label_, span, ""

    def _collectives_where_they_act(self, resolved, sentence_countries: dict[int, str], main_country: str | None):
        """"protesters", "civilians": ACLED's collective of the country their sentence's places are in
        ("during a protest in Tehran" in a story about Yemen: Protesters (Iran)), else of the story's."""
        out = []
        for span_info, found in resolved:
            pattern_id = span_info[5]
            if pattern_id.startswith("generic:") and all(
                    actor.type == COLLECTIVE_TYPE for actor in generic_alias_table().get(pattern_id[8:], ())):
                found = self._curated(pattern_id, sentence_countries.get(span_info[0]) or main_country)
            out.append((span_info, found))
        return out

    @staticmethod
    def _sentence_countries(resolved) -> dict[int, str]:
        """span start -> the one country of the geocoded towns and regions its sentence names, if one."""
        by_sentence: dict[int, set[str]] = {}
        starts: dict[int, int] = {}
        for span, found in resolved:
            sentence = span[4].sent.start
            starts[span[0]] = sentence
            if found and found[1].place is not None and found[1].place.kind in ("city", "region", "district"):
                by_sentence.setdefault(sentence, set()).add(found[1].place.country_code)
        return {start: next(iter(by_sentence[sentence])) for start, sentence in starts.items()
                if len(by_sentence.get(sentence, ())) == 1}

    def _story_places(self, spans, dateline: str | None, home_country: str | None = None
                      ) -> tuple[set[str], str | None, frozenset[tuple[str, str]], str | None]:
        """What the story is about: the countries it names (directly, by their people, by a
        first-level division: "Texas", "Idlib", or by a city of 100,000: "Juba") and where its
        dateline is (else, for a story that names none, its publisher's country); the commonest of
        them; the (country, admin1) of the divisions it names; and the commonest country again if
        it leads the others by far (LEADING_COUNTRY times as often)."""
        counts: Counter = Counter()
        cities: Counter = Counter()
        divisions = set()
        for _, end, text, label, span, pattern_id in spans:
            if pattern_id:
                continue
            if label in ("GPE", "LOC"):
                region = self.gazetteer.resolve(text, set(), kinds=("region",))
                if region is not None and region.admin1:
                    divisions.add((region.country_code, region.admin1))
                    if label == "LOC" and self.gazetteer.candidates(text)[1]:
                        counts[region.country_code] += 1  # "the Eastern Cape", tagged LOC: South Africa
                elif label == "GPE":
                    # a town only one place in the world bears ("Watertown" aside, "Delano" is Minnesota's
                    # only if no other): its division is the story's too, as the divisions it names are
                    towns, exact = self.gazetteer.candidates(text)
                    if exact and len(towns) == 1 and towns[0].kind == "city" and towns[0].admin1:
                        divisions.add((towns[0].country_code, towns[0].admin1))
            if label not in ("GPE", "NORP") or BASED_AFTER.match(self.body, end):
                continue  # "the Britain-based Syrian Observatory": where a group is based, not the story's country
            place = self.gazetteer.resolve(text, set(), kinds=("country", "region"))
            if place is None and label == "GPE":
                # A big city tells which country the story is mostly about ("Juba": South Sudan), but
                # is no context for placing other names (in local news it would be a namesake abroad)
                city = self.gazetteer.resolve(text, set(), kinds=("city",))
                if city is not None and self.gazetteer.candidates(text)[1] and city.population >= RETYPE_MIN_POPULATION:
                    cities[city.country_code] += 1
                    continue
            code = place.country_code if place else self._demonym_country(text)
            if code:
                counts[code] += 1
        if dateline:
            place = self.gazetteer.resolve(dateline.split(",")[0], set(counts))
            if place and place.country_code:
                counts[place.country_code] += 1
        if not counts and home_country and (not cities or home_country in cities):
            # a local story names no country: the publisher's ("Radstock, Somerset"), as its big cities agree
            counts[home_country] += 1
        weight = counts + cities
        main = min(weight, key=lambda code: (-weight[code], code)) if weight else None
        runner_up = max((n for code, n in weight.items() if code != main), default=0)
        leading = main if main and weight[main] >= LEADING_COUNTRY * runner_up else None
        return set(counts), main, frozenset(divisions), leading

    @staticmethod
    @lru_cache(maxsize=None)
    def _demonyms() -> dict[str, str]:
        countries = load_data("countries.yml").get("countries", {})
        return {d.lower(): code for code, c in countries.items() for d in c.get("demonyms") or []}

    def _demonym_country(self, text: str) -> str | None:
        return self._demonyms().get(text.lower())

    def _resolve(self, span_info, context: set[str], main_country: str | None,
                 divisions: frozenset[tuple[str, str]] = frozenset(), leading: str | None = None):
        """(entity key, EntityInfo) for one cleaned span, or None to drop it. leading: the country the
        story is about, when it names one far more often than any other."""
        start, end, text, label, span, pattern_id = span_info
        doc = span.doc
        if pattern_id:
            return self._curated(pattern_id, main_country)
        after = doc[span.end] if span.end < len(doc) else None
        before = doc[span.start - 1] if span.start > 0 else None
        table = rules()
        if before is not None and before.lower_ in table.person_roles and label in ("ORG", "PERSON", "GPE"):
            if not (after is not None and after.lower_ in table.place_nouns):
                label = "PERSON"
        if label in ("GPE", "LOC", "FAC", "ORG") and _age_follows(span):
            label = "PERSON"  # "Barry Smith, 80, and Beryl, 81": an age after a name

        words = text.split()
        if len(words) > 1 and words[-1] in table.organisation_heads and label in ("GPE", "LOC", "FAC", "PERSON", "ORG"):
            # "Syria Revolutionaries Front", "Popular Mobilization Forces": a group, not a place or a front line
            return f"org:{person_key(text)}", EntityInfo("ORG")
        if len(words) > 1 and words[0].lower() in table.group_words:
            # "Jaysh al-Islam", "Faylaq al-Rahman": the Arabic for army, legion, front begins a group's name
            return f"org:{person_key(text)}", EntityInfo("ORG", kind=table.group_words[words[0].lower()])
        if label in ("GPE", "LOC", "FAC", "NORP") and text.lower() in table.place_openers:
            return None  # "San" cut from "San Pedro Garza Garcia", a lone "North", "Western states": no place
        if label == "NORP" or text.lower() in table.norp:
            canonical = table.norp.get(text.lower())
            country = self._demonym_country(canonical or text)
            if canonical or country:
                canonical = canonical or text
                # "Syrian": the people keep their type, and link to their country (entities.country_code)
                return f"norp:{canonical.lower()}", EntityInfo("NORP", curated_name=canonical, country_code=country)

        place_type = self._place_type(span, after)
        if span[-1].lower_ in PROVINCE_NOUNS:
            region = self.gazetteer.resolve(text, context, kinds=("region",))
            if region:
                return self._place_entity(region, "GPE")
        if after is not None and after.lower_ in TOWN_NOUNS and label in ("GPE", "LOC", "FAC"):
            # "Homs city", "Taez city": the city, not the province of its name
            town = self.gazetteer.resolve(text, context, kinds=("city",))
            if town:
                return self._place_entity(town, "GPE")
            return f"gpe:{person_key(text)}", EntityInfo("GPE")  # a town the gazetteer lacks ("al-Baath" is not Bath)
        region_noun = after.text if after is not None and after.lower_ in table.region_nouns else None
        if place_type == "REGION":
            region_noun, place_type = "province", None
        if region_noun:
            # "the Salah al-Din district of Aleppo": a district or county is the story's own
            region = self.gazetteer.resolve(f"{text} {region_noun}", context, kinds=("region", "district"),
                                            local_only=bool(context) and region_noun.lower() in LOCAL_DIVISIONS)
            if region:
                return self._place_entity(region, "GPE")
            place_type = place_type or "LOC"  # "Villat Homr district": a place, if not a province
            if region_noun.lower() in LOCAL_DIVISIONS and span.end + 1 < len(doc) and doc[span.end + 1].lower_ == "of":
                # "the al Midan district of Damascus": a quarter of the town named after it, which the
                # gazetteer lacks; a same-name village elsewhere (Ma'dan, 400 km off) is not it
                return f"loc:{person_key(text)}", EntityInfo("LOC")
        if (span[-1].lower_ in table.venue_nouns or (after is not None and after.lower_ in table.venue_nouns)) \
                and label in ("GPE", "LOC", "FAC"):
            return f"fac:{person_key(text)}", EntityInfo("FAC")  # "La Terrasse restaurant": a venue's name, no town
        if label in ("GPE", "LOC", "FAC") or place_type:
            named_with_noun = after is not None and after.lower_ in table.place_nouns
            local = place_type in ("LOC", "FAC")
            if local and len(span) > 1 and span[-1].lower_ in table.place_nouns:
                # "Cape Town", "Jersey City": a city whose name ends in a place noun is that city, not a
                # neighbourhood of the story's countries only
                towns, exact = self.gazetteer.candidates(text)
                local = not (exact and any(t.kind == "city" and t.population >= EMBEDDED_TOWN_POPULATION
                                           for t in towns))
            qualifier = self._qualifier(span)
            if qualifier is not None and self.gazetteer.resolve(text, set(), kinds=("country", "region")):
                qualifier = None  # a list of countries ("Canada, Australia"), not a town and its country
            if qualifier is not None:  # "Institute, W.Va.", "SAN JOSE, Costa Rica": only there
                place = self._resolve_in(text, qualifier)
            else:
                place = self.gazetteer.resolve(text, context, local_only=local, divisions=divisions)
            if place and place.kind not in ("city", "country") and named_with_noun:
                place = None  # "the Idlib countryside": a named place of its own, not the province
            # (a country's name before a place noun is the country: "near the US border" names the US)
            if place:
                return self._place_entity(place, place_type or "GPE")
        # (a misread label falls through unless the name ends in its noun: "Siouf square", "Shairat airbase")
        if (label in ("GPE", "LOC", "FAC") or place_type) and (label not in MISREAD or span[-1].lower_ in table.place_nouns):
            if not place_type and ABBREVIATION.fullmatch(text):
                return None  # "Dr", "Sr": a title the model took for a place
            if not place_type and ACRONYM.fullmatch(text):
                # "OT", "AI", "IoTX", "T*SOL": an acronym the gazetteer does not know is no place
                return f"org:{person_key(text)}", EntityInfo("ORG")
            kind = place_type or label
            return f"{kind.lower()}:{person_key(text)}", EntityInfo(kind)
        if label in ("PERSON", "ORG", "NORP", *MISREAD):
            place = self.gazetteer.resolve(text, context)
            exact = self.gazetteer.candidates(text)[1]
            # A name the model calls a person or a group is a town only where the words say
            # it is a place ("in Kelly", not "Kelly said", "the White House") or it is a city
            # of 100,000 in the story's countries ("Raqa"); a country or a province it names
            # exactly is one whatever the model says.
            locative = (before is not None and before.lower_ in table.locative) or self._of_a_place(span)
            big_here = place is not None and place.country_code in context and place.population >= RETYPE_MIN_POPULATION
            # a NORP tag on a town of the story's countries, or on a city when the story's
            # countries are unknown, is the model's slip ("Aleppo"); on a town abroad it is a
            # people ("Gazan" is no town in Saudi Arabia)
            norp_slip = label == "NORP" and place is not None and (
                place.country_code in context or (not context and place.population >= RETYPE_MIN_POPULATION))
            if place and place.kind == "city" and not locative and not big_here and not norp_slip:
                place = None
            # (a first-level division abroad only by a place cue: "Salah al-Din is located west of Aleppo" in a
            # story about Syria is a quarter of Aleppo, not Iraq's Salah al-Din province)
            abroad_division = place is not None and place.kind == "region" and bool(context) \
                and place.country_code not in context and not locative
            if place and not abroad_division and (
                    (place.country_code in context and (exact or place.population >= RETYPE_MIN_POPULATION))
                    or (exact and (place.kind != "city" or place.population >= RETYPE_MIN_POPULATION))):
                return self._place_entity(place, "GPE")
        if label in ("NORP", *MISREAD):
            return None  # not a nationality, religion or political group we know, nor a place
        mission = self._mission_to_a_state(span) if label == "ORG" else None
        if mission is not None:
            return mission
        if label == "ORG" and self._bare_state_body(span):
            # "the Interior Ministry" in a story about Syria is Syria's, not every state's interior ministry;
            # in a story about several states, the one a lower-case "interior ministry" is stays unknown
            if leading:
                return f"org:{person_key(text)}:{leading.lower()}", EntityInfo("ORG", country_code=leading)
            if text.islower():
                return None
        return f"{label.lower()}:{person_key(text)}", EntityInfo(label)

    def _mission_to_a_state(self, span):
        """"the U.S. Embassy in Riyadh", "the U.S. Embassy in Saudi Arabia": one embassy, keyed by the
        sending state's words and the receiving country; None for any other name."""
        for token in span:
            if token.lemma_.lower() in rules().state_missions and token.i + 2 < span.end and span.doc[token.i + 1].lower_ == "in":
                host = span.doc[token.i + 2:span.end].text
                place = self.gazetteer.resolve(host, set(), kinds=("country", "region", "city"))
                if place is None or not place.country_code:
                    return None
                sender = span.doc[span.start:token.i + 1].text
                return f"org:{person_key(sender)} in {place.country_code.lower()}", EntityInfo("ORG")
        return None

    def _bare_state_body(self, span) -> bool:
        """"Interior Ministry", "the foreign ministry", "Health Ministry": a state's body named by its
        noun (institution_nouns) and words that name no place, of no one state."""
        words = [t for t in span if not t.is_punct]
        return 1 < len(words) <= 3 and words[-1].lemma_.lower() in rules().institutions and not any(
            t.lower_ == "of" or _names_a_country(t.text) for t in words)

    def _qualifier(self, span):
        """The country or first-level division written right after a place's name, as in
        "Charleston, W.Va." or "San Jose, Costa Rica", or None."""
        match = QUALIFIER.match(self.body, span.end_char)
        return self._division_or_country(match.group(1)) if match else None

    def _division_or_country(self, name: str):
        place = self.gazetteer.resolve(name, set(), kinds=("country", "region"))
        return place if place is not None and place.country_code else None

    def _resolve_in(self, name: str, qualifier: Place) -> Place | None:
        """The place of that name in the country or division written after it, or None."""
        return self.gazetteer.resolve(name, {qualifier.country_code}, local_only=True,
                                      admin1=qualifier.admin1 if qualifier.kind == "region" else None)

    @staticmethod
    def _of_a_place(span) -> bool:
        """Whether the name stands after "<noun> of" where the noun takes a place: "the city of
        Palmyra", "the capture of Palmyra", "the outskirts of Kelly"."""
        doc = span.doc
        if span.start < 2 or doc[span.start - 1].lower_ != "of":
            return False
        return doc[span.start - 2].lemma_.lower() in rules().of_a_place

    def _place_type(self, span, after) -> str | None:
        """LOC or FAC when the words around the span say it is a neighbourhood, checkpoint, bridge..."""
        table = rules()
        last = span[-1].lower_
        if last in table.place_nouns:
            return table.place_nouns[last]
        if after is not None and after.lower_ in table.place_nouns and after.lower_ not in table.region_nouns:
            return table.place_nouns[after.lower_]
        head = span.root
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        if head.dep_ == "pobj" and head.head.lower_ == "of":
            noun = head.head.head.lemma_.lower()
            if noun in table.region_nouns:
                return "REGION"  # "the province of Aleppo"
            if noun in table.place_nouns:
                return "LOC"  # "the neighbourhoods of Neqil", "the checkpoints of Geweran": a location
        return None

    def _place_entity(self, place: Place, entity_type: str):
        # Countries, provinces and GeoNames populated places are GPEs, whatever the model
        # said; countries and provinces go by their curated English name.
        curated = place.name if place.kind in ("country", "region", "district", "continent") else None
        kind = "LOC" if place.kind == "continent" else "GPE"
        return f"place:{place.key}", EntityInfo(kind, curated_name=curated, place=place, geo_precision=place.precision)

    def _curated(self, pattern_id: str, main_country: str | None):
        kind, _, value = pattern_id.partition(":")
        if kind == "actor":
            actor = actors_by_name()[value]
            return f"actor:{actor.name}", EntityInfo(actor.type, curated_name=actor.name, kind=actor.kind,
                                                     country_code=actor.country)
        if kind == "generic":
            for actor in generic_alias_table().get(value, ()):
                if actor.applies_to(main_country):
                    return f"actor:{actor.name}", EntityInfo(actor.type, curated_name=actor.name, kind=actor.kind,
                                                             country_code=actor.country)
            return None  # "government forces" in a story we cannot place: no entity
        if kind == "outlet":
            outlet = self.registry.outlets[value]
            return f"outlet:{outlet.id}", EntityInfo("ORG", curated_name=outlet.name, kind="news outlet")
        return None

    @staticmethod
    def _speakers_are_no_towns(resolved):
        """A name that says something ("said Noma", "Wavepiston said", "Mamo stressed") is a person or
        a company, not a town or an unknown place, wherever it stands in the article ("in Noma's
        case"): a town never speaks. A country, a province or a capital may ("Russia said", "Tehran
        denies it"), and so may a facility for its operator ("Heathrow said"): they stay places."""
        speakers = {person_key(span_info[2]) for span_info, result in resolved if _speaks(span_info[4])}
        if not speakers:
            return resolved
        people = {person_key(span_info[2]) for span_info, _ in resolved if span_info[3] == "PERSON"}
        kept = []
        for span_info, result in resolved:
            key = person_key(span_info[2])
            place = result[1].place if result else None
            if result and key in speakers and result[0].startswith(("place:", "loc:", "gpe:")) and (
                    place is None or place.kind == "city" and not place.capital and result[1].type != "FAC"):
                kind = "PERSON" if key in people or span_info[3] == "PERSON" else "ORG"
                result = f"{kind.lower()}:{key}", EntityInfo(kind)
            kept.append((span_info, result))
        return kept

    @staticmethod
    def _join_places(resolved):
        """A name the article also uses for a place is that place ("Hasakeh" tagged PERSON once, GPE elsewhere).

        merge_names does the same across the archive; doing it here too lets the events
        stage see the place, not a person, in the article's own words.
        """
        places = {}
        for (_, _, text, *_), result in resolved:
            if result and result[0].startswith(PLACE_KEY_PREFIXES):
                places.setdefault(person_key(text), result)
        joined = []
        for span_info, result in resolved:
            if result and result[0].partition(":")[0] in ("person", "org", "loc", "gpe"):
                place = places.get(result[0].partition(":")[2])
                if place and place[0] != result[0]:
                    result = place
            joined.append((span_info, result))
        return joined

    def _join_acronyms(self, resolved):
        """"the People Power Party (PPP) ... the PPP": a name with its acronym in brackets is one
        mention, written as the text wrote it, and the acronym's other mentions are that name's."""
        defined, covered, joined = {}, [], []
        for span_info, result in resolved:
            start, end, text, *rest = span_info
            if result and result[1].type not in ("PERSON", "NORP"):
                found = bracketed_acronym(self.body, text, end)
                if found is not None:
                    acronym, end = found
                    defined.setdefault(acronym, result)
                    covered.append((span_info[1], end))
                    span_info = (start, end, self.body[start:end], *rest)
            joined.append((span_info, result))
        if not defined:
            return resolved
        return [(span_info, defined.get(span_info[2], result)) for span_info, result in joined
                if not any(first <= span_info[0] < last for first, last in covered)]

    def _join_short_names(self, resolved):
        """A one-word PERSON (or ORG) that is the last name of a person in the article is that person; so is
        one that is the first name of the only person of that first name the article names in full ("Yoon",
        of Yoon Suk Yeol, family name first; "Helen", of Helen Kunz)."""
        full_names: dict[str, tuple] = {}
        first_names: dict[str, dict[str, tuple]] = defaultdict(dict)  # first name -> key -> result, per person
        for span_info, result in resolved:
            words = result[0].split(":", 1)[1].split() if result else []
            if result and result[1].type == "PERSON" and len(words) > 1:
                full_names.setdefault(words[-1], result)
                first_names[words[0]].setdefault(result[0], result)
        joined = []
        table = rules()
        for span_info, result in resolved:
            # a surname the gazetteer also knows as a town ("Kelly") is still the person; so is one the
            # model called a place, where no place cue stands before it ("to become the next Salah", in
            # a story about Mohamed Salah; not "from Roma")
            town = result and result[1].place is not None and result[1].place.kind == "city"
            span = span_info[4]
            cued = span.start > 0 and (span.doc[span.start - 1].lower_ in table.locative or self._of_a_place(span))
            said = town and (span_info[3] in ("PERSON", "ORG") or span_info[3] == "GPE" and not cued)
            # a "place" no gazetteer knows that is a name of a person in the article ("Yulia",
            # "Buhari" tagged GPE, "Pruitt" tagged FAC) is that person
            unplaced = result and result[1].type in ("GPE", "LOC", "FAC") and result[1].place is None
            if result and (said or unplaced or (result[1].type in ("PERSON", "ORG") and not result[1].curated_name)):
                key = person_key(span_info[2]) if (said or unplaced) else result[0].split(":", 1)[1]
                if len(key.split()) == 1 and key in full_names:
                    result = full_names[key]
                elif (unplaced or result[1].type == "PERSON") and len(key.split()) == 1 \
                        and len(first_names.get(key, ())) == 1:
                    result = next(iter(first_names[key].values()))
            joined.append((span_info, result))
        return joined


def _owns_bodies(info: EntityInfo) -> bool:
    """A state or an international organisation, whose name heads the names of its bodies."""
    return (info.type == "GPE" and info.place is not None and info.place.kind == "country") or \
        info.kind == "international organization"


def _age_follows(span) -> bool:
    """", 81," or " (7)" right after the name: news gives a person's age so."""
    doc = span.doc
    tokens = [t.text for t in doc[span.end: span.end + 3]]
    return len(tokens) == 3 and tokens[0] in (",", "(") and tokens[1].isdigit() and 0 < int(tokens[1]) < 120 \
        and tokens[2] in (",", ")", ";")


def _speaks(span) -> bool:
    """The name is the subject of a speech verb: "Noma said", "said Noma", "Mamo stressed the need"."""
    root = span.root
    return root.dep_ == "nsubj" and root.head.pos_ == "VERB" and root.head.lemma_.lower() in speech_verbs()


@lru_cache(maxsize=1)
def speech_verbs() -> frozenset[str]:
    return frozenset(load_data("attribution_cues.yml")["speech_verbs"])


def _split_names(span_info) -> list[tuple]:
    """"Tom Perry/Laila Bassam" (a credit line's two writers): two people."""
    start, end, text, label, span, pattern_id = span_info
    if label != "PERSON" or "/" not in text or pattern_id:
        return [span_info]
    parts, offset = [], 0
    for name in text.split("/"):
        part = span.doc.char_span(start + offset, start + offset + len(name), alignment_mode="contract")
        offset += len(name) + 1
        if part is not None and len(part.text.split()) >= 2:
            parts.append((part.start_char, part.end_char, part.text, label, part, ""))
    return parts if len(parts) >= 2 else [span_info]


def _split_based(span_info) -> list[tuple]:
    """"Britain-based Syrian Observatory": the place where a group is based, then the group."""
    start, end, text, label, span, pattern_id = span_info
    match = BASED.match(text)
    if not match or label not in ("ORG", "NORP", "PERSON", "FAC"):
        return [span_info]
    doc = span.doc
    place = doc.char_span(start, start + match.end(1), alignment_mode="contract")
    rest = doc.char_span(start + match.start(2), end, alignment_mode="contract")
    parts = []
    if place is not None and len(place):
        parts.append((place.start_char, place.end_char, place.text, "GPE", place, ""))
    if rest is not None and len(rest):
        parts.append((rest.start_char, rest.end_char, rest.text, label, rest, pattern_id))
    return parts or [span_info]


# ---- across articles ----------------------------------------------------------


def merge_names(keys: list[str], surfaces: dict[str, Counter]) -> dict[str, str]:
    """key -> root key, for keys that name the same entity as another key; other keys map to nothing.

    - A person, group or unplaced name the corpus also uses for a place is that place
      ("Hasakeh" tagged PERSON in one sentence and GPE in others).
    - Person, org, loc and fac keys of one type join a longer root whose normalised name
      is a close spelling (rapidfuzz token_sort_ratio >= NAME_MATCH).
    - A lone surname joins the only full name in the corpus that ends with it.

    Near-linear: a key is compared only with the roots that share a blocking key with it
    (see _blocking_keys).
    """
    from rapidfuzz import fuzz

    merged: dict[str, str] = {}
    place_names: dict[str, str] = {}
    for key in sorted(keys):
        if key.startswith(PLACE_KEY_PREFIXES):
            for surface in sorted(surfaces.get(key, ())):
                place_names.setdefault(person_key(surface), key)
    by_type: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys):
        prefix, _, name = key.partition(":")
        if prefix in ("person", "org", "loc", "gpe") and name in place_names and place_names[name] != key:
            merged[key] = place_names[name]
        elif prefix in ("person", "org", "loc", "fac"):
            by_type[prefix].append(key)
    for prefix, type_keys in by_type.items():
        roots: list[str] = []  # in the order they became roots: the first close one wins
        sorted_names: list[str] = []  # each root's name with its words sorted, as token_sort_ratio compares it
        blocks: dict[str, list[int]] = defaultdict(list)  # blocking key -> indexes into roots
        enders: dict[str, list[int]] = defaultdict(list)  # last word -> indexes of person roots
        for key in sorted(type_keys, key=lambda k: (-len(k.split()), k)):
            name = key.partition(":")[2]
            words = name.split()
            ordered = " ".join(sorted(words))
            first, last = _blocking_keys(ordered)
            candidates = sorted({*blocks.get(first, ()), *blocks.get(last, ())})
            # the earliest root close enough; a few candidates each, so one call per pair beats a vectorised call
            match = next((roots[i] for i in candidates
                          if fuzz.ratio(ordered, sorted_names[i], score_cutoff=NAME_MATCH)), None)
            if match is None and prefix == "person" and len(words) == 1:
                ending = enders.get(name, [])
                match = roots[ending[0]] if len(ending) == 1 else None
            if match:
                merged[key] = match
                continue
            roots.append(key)
            sorted_names.append(ordered)
            blocks[first].append(len(roots) - 1)
            blocks[last].append(len(roots) - 1)
            if words:
                enders[words[-1]].append(len(roots) - 1)
    return merged


def _blocking_keys(ordered: str) -> tuple[str, str]:
    """The first and last three letters of a name with its words sorted, as token_sort_ratio compares it.

    Two names 90% alike in that form differ by a letter or two, so they share one end.
    On the 15,800 names of a 2,881-article corpus this finds every merge the all-pairs
    loop finds, in 0.3 s instead of 23 s.
    """
    return "<" + ordered[:3], ">" + ordered[-3:]


def canonical_name(surface: Counter, entity_type: str) -> str:
    """The name to show: for people the fullest form, otherwise the most used one; a dateline's
    capitals ("MOGADISHU") only when the name is never written otherwise; a name the text defines
    an acronym for ("People Power Party (PPP)") over that acronym, however often the text uses it."""
    unbracketed = Counter()
    defined = {}
    for name, count in surface.items():
        name, acronym = without_acronym(name)
        unbracketed[name] += count
        if acronym:
            defined[acronym] = name
    for acronym, name in defined.items():
        unbracketed[name] += unbracketed.pop(acronym, 0)  # (the store counts the acronym as a surface too)
    surface = +unbracketed or surface
    cased = {name.lower() for name in surface if not name.isupper()}

    def rank(name: str):
        words = len(name.split())
        shouted = name.isupper() and name.lower() in cased
        if entity_type == "PERSON":
            return (shouted, -words, -surface[name], name)
        return (shouted, -surface[name], -words, name)

    return min(surface, key=rank)
