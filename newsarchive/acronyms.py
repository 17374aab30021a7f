"""Acronyms a text defines: "the People Power Party (PPP)", "British Transport Police (BTP)".

A name followed by its acronym in brackets is one naming of one body, and the acronym names it for
the rest of the article ("... the PPP said"). The acronym must be the initials of the name's words,
leaving out small words and Arabic particles ("Islamic State of Iraq and Syria (ISIS)",
"Hayat Tahrir al-Sham (HTS)"), in the manner of Schwartz and Hearst's (2003) definition finder;
a bracketed acronym in another language ("Kurdish People's Protection Units (YPG)") stays apart.
"""

from __future__ import annotations

import re

BRACKETED = re.compile(r"[ \t]*\(([A-Z][A-Za-z&]{1,7})\)")
BRACKETED_AT_END = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,7})\)$")  # a mention "People Power Party (PPP)"
SMALL_WORDS = frozenset({"of", "and", "the", "for", "in", "on", "to", "de", "du", "des", "la", "le", "&"})


def bracketed_acronym(body: str, name: str, end: int) -> tuple[str, int] | None:
    """The acronym written in brackets right after the name ending at end, and where the brackets end;
    None unless it is the name's initials."""
    match = BRACKETED.match(body, end)
    if match is None:
        return None
    acronym = match.group(1)
    letters = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    if not letters.isupper() or initials(name, particles=PARTICLES) != letters.lower():
        return None
    return acronym, match.end()


PARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "an", "at", "az"})


def initials(name: str, particles: frozenset[str] = PARTICLES) -> str:
    """The first letters of a name's words, without small words and particles ("al-Sham": "s")."""
    letters = []
    for word in re.split(r"\s+", name.strip()):
        for part in word.split("-"):
            part = part.strip("'’.,")
            if part and part.lower() not in SMALL_WORDS and part.lower() not in particles:
                letters.append(part[0].lower())
    return "".join(letters)


def without_acronym(surface: str) -> tuple[str, str | None]:
    """A mention's text without its bracketed acronym, and the acronym: ("People Power Party", "PPP")."""
    match = BRACKETED_AT_END.search(surface)
    return (surface[:match.start()], match.group(1)) if match and match.start() else (surface, None)
