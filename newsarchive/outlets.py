"""The registry of news outlets and wire agencies (data/outlets.yml) and how evidence matches it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from unidecode import unidecode

from .datafiles import DATA, read_yaml



@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    kind: str = "outlet"  # outlet or wire
    country: str | None = None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    date_order: str | None = None
    curated: bool = True  # False when made up from a page's own claim (a "Source:" line, a sitename)

    @property
    def domain(self) -> str | None:
        return self.domains[0] if self.domains else None


def name_key(name: str) -> str:
    """Compare outlet names loosely: case, accents, punctuation, legal suffixes and a leading "The"."""
    key = unidecode(name).lower()
    key = re.sub(r"[^a-z0-9]+", " ", key)
    key = re.sub(r"\b(inc|llc|ltd|plc|corp|co|group|media group)\s*$", "", key.strip())
    key = re.sub(r"^the ", "", key.strip())
    return " ".join(key.split())


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-") or "unknown"


@dataclass(eq=False)  # compared and hashed by identity, so per-registry caches work
class Registry:
    outlets: dict[str, Outlet]
    by_key: dict[str, Outlet] = field(default_factory=dict)
    by_domain: dict[str, Outlet] = field(default_factory=dict)
    by_code: dict[str, Outlet] = field(default_factory=dict)

    def __post_init__(self):
        for outlet in self.outlets.values():
            for alias in (outlet.name, *outlet.aliases):
                self.by_key.setdefault(name_key(alias), outlet)
            for domain in outlet.domains:
                self.by_domain[domain.lower()] = outlet
        # The codes datasets and feeds name outlets by: "dailysabah", "daily-sabah", "aljazeera".
        for outlet in self.outlets.values():
            for code in (outlet.id, *(name_key(a) for a in (outlet.name, *outlet.aliases)),
                         *(d.lower().removeprefix("www.").split(".")[0] for d in outlet.domains)):
                self.by_code.setdefault(re.sub(r"[^a-z0-9]", "", code), outlet)

    def match_code(self, text: str) -> Outlet | None:
        """The outlet a code names: its name, id or domain with spaces and punctuation squeezed out."""
        code = re.sub(r"[^a-z0-9]", "", unidecode(text).lower()) if text and len(text) < 80 else ""
        return self.by_code.get(code) if len(code) >= 3 else None

    def match_name(self, text: str) -> Outlet | None:
        """The outlet a short piece of text names in full ("ARA News", "Newsmax Media, Inc.")."""
        return self.by_key.get(name_key(text)) if text and len(text) < 80 else None

    def match_url(self, url: str) -> Outlet | None:
        host = host_of(url)
        parts = host.lower().split(".")
        for start in range(len(parts) - 1):
            outlet = self.by_domain.get(".".join(parts[start:]))
            if outlet:
                return outlet
        return None

    def domains_in_text(self, text: str) -> list[Outlet]:
        """Outlets whose domain appears in page text, in order of appearance.

        Scraped banners glue words together ("Webwww.newsmax.comFREE"), so a domain
        preceded by "www." or "://" counts whatever follows it; otherwise it must
        stand as a word of its own.
        """
        lowered = text.lower()
        found: dict[str, int] = {}  # outlet id -> where its domain first appears
        outlets = {}
        for domain in [d for d in self.by_domain if d in lowered]:  # a substring test per domain is cheap
            outlet = self.by_domain[domain]
            for match in re.finditer(re.escape(domain), lowered):
                before = lowered[max(0, match.start() - 4):match.start()]
                after = lowered[match.end():match.end() + 1]
                glued = before.endswith(("www.", "://"))
                standalone = not re.match(r"[a-z0-9.-]", before[-1:] or " ") and not re.match(r"[a-z0-9-]", after or " ")
                if glued or standalone:
                    if match.start() < found.get(outlet.id, len(lowered) + 1):
                        found[outlet.id], outlets[outlet.id] = match.start(), outlet
                    break
        return [outlets[i] for i in sorted(found, key=lambda i: found[i])]

    def wires(self) -> list[Outlet]:
        return [o for o in self.outlets.values() if o.kind == "wire"]

    def adhoc(self, name: str, url: str | None = None) -> Outlet:
        """An outlet the registry lacks, named by the page itself (its sitename or a "Source:" line)."""
        known = self.match_name(name) or self.match_code(name)
        if known:
            return known
        domain = (urlsplit(url).hostname or "").removeprefix("www.") if url else None
        return Outlet(id=slug(name), name=name.strip(), domains=(domain,) if domain else (), curated=False)


# Aggregators and redirectors that name the real page in a query parameter.
REDIRECT_PARAMETERS = ("url", "u", "q", "dest", "destination", "target", "link")


def original_url(url: str) -> str:
    """The page a redirect URL leads to (news.google.com/...?url=https://www.reuters.com/...), else the URL."""
    from urllib.parse import parse_qs

    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return url
    for name in REDIRECT_PARAMETERS:
        for value in query.get(name, ()):
            if value.startswith(("http://", "https://")) and host_of(value):
                return value
    return url


def host_of(url: str) -> str:
    """The URL's host name, lower-case, without "www."; "" when it has none."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


@lru_cache(maxsize=1)
def load_registry(path: Path = DATA / "outlets.yml") -> Registry:
    entries = read_yaml(path)["outlets"]
    outlets = {}
    for entry in entries:
        outlets[entry["id"]] = Outlet(
            id=entry["id"],
            name=entry["name"],
            kind=entry.get("kind", "outlet"),
            country=entry.get("country"),
            domains=tuple(d.lower() for d in entry.get("domains") or ()),
            aliases=tuple(entry.get("aliases") or ()),
            date_order=entry.get("date_order"),
        )
    return Registry(outlets)
