"""The curated actors (data/actors.yml): armed groups, state forces, monitors, agencies and their aliases."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafiles import DATA, read_yaml



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
    entries = read_yaml(path)["actors"]
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
