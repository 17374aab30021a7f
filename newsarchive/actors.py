"""The curated actors (data/actors.yml): armed groups, state forces, monitors, agencies and their aliases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path

from .datafiles import DATA, load, read_yaml



@dataclass(frozen=True)
class Actor:
    name: str
    type: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    case_sensitive: frozenset[str]
    generic_aliases: tuple[str, ...]
    generic_countries: frozenset[str]

    def applies_to(self, country: str | None) -> bool:
        """Whether a generic alias ("regime forces") of this actor can mean it in a story about country."""
        return country is not None and (country == self.country or country in self.generic_countries)


def alias_key(alias: str) -> str:
    return " ".join(alias.replace("’", "'").lower().split())


@lru_cache(maxsize=1)
def load_actors(path: Path = DATA / "actors.yml") -> tuple[Actor, ...]:
    """The curated actors, then every country's military and police (national_forces)."""
    data = read_yaml(path)
    curated = _curated_actors(data["actors"])
    return with_national_forces(curated, data.get("national_forces") or {}) + collectives(data.get("collectives") or {})


def _curated_actors(entries: list[dict]) -> tuple[Actor, ...]:
    return tuple(
        Actor(
            name=entry["name"],
            type=entry.get("type", "ORG"),
            kind=entry.get("kind", ""),
            country=entry.get("country"),
            aliases=tuple(entry.get("aliases") or ()),
            case_sensitive=frozenset(entry.get("case_sensitive") or ()),
            generic_aliases=tuple(entry.get("generic_aliases") or ()),
            generic_countries=frozenset(entry.get("generic_countries") or ()),
        )
        for entry in entries
    )


def with_national_forces(curated: tuple[Actor, ...], spec: dict) -> tuple[Actor, ...]:
    """The curated actors, and an ACLED-named actor for each country's military ("Military
    Forces of Sudan") where none is curated, and for its police ("Police Forces of Sudan").

    Each country's forces also take the bare words (national_forces: generic): "police",
    "troops" in a story about one country are that country's, as ACLED codes them.
    """
    forces = national_forces(curated, spec)
    generic = spec.get("generic", {})
    branch_of = {name: branch for (_, branch), name in forces.actors.items()}
    joined = tuple(replace(actor, generic_aliases=tuple(dict.fromkeys(
        (*actor.generic_aliases, *generic.get(branch_of[actor.name], ()))))) if actor.name in branch_of else actor
        for actor in curated)
    named = {actor.name for actor in curated}
    generated = {name: (code, branch) for (code, branch), name in forces.actors.items() if name not in named}
    return joined + tuple(Actor(name=name, type="ORG", kind="state forces", country=code, aliases=(),
                                case_sensitive=frozenset(), generic_aliases=tuple(generic.get(branch, ())),
                                generic_countries=frozenset())
                          for name, (code, branch) in generated.items())


COLLECTIVE_TYPE = "NORP"


def collectives(spec: dict) -> tuple[Actor, ...]:
    """ACLED's collective actors for every country ("Protesters (Iran)", "Civilians (Syria)"), each
    taking its bare words (collectives: generic) in a story about that country; kind: the branch."""
    countries = load("countries.yml").get("countries", {}) if spec else {}
    return tuple(Actor(name=name.format(country=country["name"]), type=COLLECTIVE_TYPE, kind=branch, country=code,
                       aliases=(), case_sensitive=frozenset(), generic_aliases=tuple(spec["generic"][branch]),
                       generic_countries=frozenset())
                 for branch, name in spec.get("names", {}).items() for code, country in countries.items())


@lru_cache(maxsize=1)
def collective_actors() -> dict[tuple[str, str], str]:
    """(kind, country code) -> the name of that country's collective of that kind."""
    spec = read_yaml(DATA / "actors.yml").get("collectives") or {}
    return {(actor.kind, actor.country): actor.name for actor in collectives(spec)}


@dataclass(frozen=True)
class NationalForces:
    """"Sudanese security services", "Kenyan police", "an Afghan soldier".

    A country's demonym (countries.yml), then one of the words for its forces (actors.yml,
    national_forces), names that state's forces: its first curated state forces for the
    military words, else the ACLED-named actor. Only demonyms: a country's name ("Russia's
    military", "U.S. troops") stays a mention of the place, and the curated aliases above
    name the commonest of those forces.
    """

    demonyms: dict[tuple[str, ...], str]  # ("south", "sudanese") -> SS
    words: dict[tuple[str, ...], str]  # ("security", "services") -> "military"
    actors: dict[tuple[str, str], str]  # (country code, branch) -> actor name

    def spans(self, lowers: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, actor name) of every national-forces phrase in the tokens (lower case)."""
        firsts = self.first_words
        found, start = [], 0
        while start < len(lowers):
            hit = self._match(lowers, start) if lowers[start] in firsts else None
            if hit is None:
                start += 1
                continue
            found.append((start, *hit))
            start = hit[0]
        return found

    @cached_property
    def first_words(self) -> frozenset[str]:
        return frozenset(demonym[0] for demonym in self.demonyms)

    def _match(self, lowers: list[str], start: int) -> tuple[int, str] | None:
        for size in (3, 2, 1):
            code = self.demonyms.get(tuple(lowers[start:start + size]))
            if code is None:
                continue
            at = start + size
            for length in (3, 2, 1):
                branch = self.words.get(tuple(lowers[at:at + length]))
                if branch is not None:
                    return at + length, self.actors[(code, branch)]
            return None
        return None


@lru_cache(maxsize=1)
def load_national_forces() -> NationalForces:
    data = read_yaml(DATA / "actors.yml")
    return national_forces(_curated_actors(data["actors"]), data.get("national_forces") or {})


def national_forces(curated: tuple[Actor, ...], spec: dict) -> NationalForces:
    countries = load("countries.yml").get("countries", {}) if spec else {}
    first_curated: dict[str, str] = {}
    for actor in curated:
        if actor.kind == "state forces" and actor.country:
            first_curated.setdefault(actor.country, actor.name)
    demonyms: dict[tuple[str, ...], str] = {}
    actors: dict[tuple[str, str], str] = {}
    for code, country in countries.items():
        for demonym in country.get("demonyms", ()):
            demonyms.setdefault(tuple(demonym.lower().split()), code)
        the = "the " if country["name"] in spec.get("definite", ()) else ""
        for branch in spec["branches"]:
            curated_name = first_curated.get(code) if branch == "military" else None
            actors[(code, branch)] = curated_name or spec["names"][branch].format(country=the + country["name"])
    words = {tuple(word.lower().split()): branch for branch, listed in spec.get("branches", {}).items() for word in listed}
    return NationalForces(demonyms, words, actors)


@lru_cache(maxsize=1)
def actors_by_name() -> dict[str, Actor]:
    return {actor.name: actor for actor in load_actors()}


@lru_cache(maxsize=1)
def generic_alias_table() -> dict[str, tuple[Actor, ...]]:
    """generic alias (lower case) -> the actors it may mean, decided per story by country."""
    table: dict[str, list[Actor]] = {}
    for actor in load_actors():
        for alias in actor.generic_aliases:
            table.setdefault(alias_key(alias), []).append(actor)
    return {alias: tuple(actors) for alias, actors in table.items()}
