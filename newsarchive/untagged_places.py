"""Place names the model left untagged: "a transit point west of Aleppo", "Azerbaijan puts pressure".

spaCy's small English model misses a well-known place now and then, most often a foreign name
in a long sentence, or cuts a long one into pieces ("San" a place, "Garza Garcia" a person). Such a name is read as a place where the text puts it as one (after a
locative preposition: "in", "near", "west of", or after "the town of") and the gazetteer knows
it by that exact name as a country, a first-level division or a city of 100,000 people; any
other capitalised word there ("in March", "at Reuters") stays as it was. A country's own name
needs no cue, unless it runs into other name words ("Air France KLM", "Ukraine Trade Mission",
"Stade de France") or the model calls it a person elsewhere in the text ("Jordan said").
"""

from __future__ import annotations

from spacy.tokens import Span

MAX_WORDS = 3  # "Khan Sheikhoun", "Ras al-Ain", "Deir ez-Zor"
MAX_CUT_WORDS = 4  # "San Pedro Garza Garcia"
NAME_LINKS = frozenset({"de", "du", "des", "la", "le", "del", "di", "da", "van", "von"})  # "Stade de France", "Tour de France"
COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})


def with_untagged_places(doc, spans: list[Span], locative: frozenset[str], nouns_of_a_place: frozenset[str],
                         known_place) -> list[Span]:
    """spans (the doc's entity spans) and a GPE span for each untagged place name a place cue opens.

    known_place(text): "country" when the gazetteer knows text exactly as a country, "place" as a
    first-level division or a city of 100,000, else None.
    """
    spans = _names_the_model_cut(doc, spans, locative, nouns_of_a_place, known_place)
    tagged = {t.i for span in spans for t in span}
    people = {span.text for span in spans if span.label_ == "PERSON"}
    found: list[Span] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        if token.i in tagged or not _name_word(token):
            i += 1
            continue
        cue = _place_cue(doc, i, locative, nouns_of_a_place)
        end = i + 1
        while end < len(doc) and end - i < MAX_WORDS and end not in tagged and _name_word(doc[end]):
            end += 1
        # the longest run the gazetteer knows ("Khan Sheikhoun", not "Khan"); without a cue, only the whole
        # run, as a country's name standing alone
        alone = not _runs_into_name(doc, i) and doc[i:end].text not in people
        stops = range(end, i, -1) if cue else [end] if alone else []
        for stop in stops:
            kind = known_place(doc[i:stop].text)
            if kind is not None and (cue or kind == "country"):
                found.append(Span(doc, i, stop, label="GPE"))
                i = stop
                break
        else:
            i += 1
    return sorted([*spans, *found], key=lambda span: span.start) if found else spans


def _names_the_model_cut(doc, spans: list[Span], locative: frozenset[str], nouns_of_a_place: frozenset[str],
                         known_place) -> list[Span]:
    """spans, with a place name a place cue opens and the model cut into pieces made one GPE span
    where the gazetteer knows the whole name ("in San Pedro Garza Garcia": "San" a place and "Garza
    Garcia" a person to the model). The pieces must lie inside the name: "in New York Times" stays
    the newspaper."""
    piece_of = {t.i: (span.start, span.end) for span in spans for t in span}
    joined: list[Span] = []
    cut: set[tuple[int, int]] = set()
    i = 0
    while i < len(doc):
        if not (_name_word(doc[i]) and _place_cue(doc, i, locative, nouns_of_a_place)):
            i += 1
            continue
        end = i + 1
        while end < len(doc) and end - i < MAX_CUT_WORDS and _name_word(doc[end]):
            end += 1
        for stop in range(end, i + 1, -1):
            pieces = {piece_of.get(j, (j, j + 1)) for j in range(i, stop)}
            if len(pieces) > 1 and all(i <= start and stop_ <= stop for start, stop_ in pieces) \
                    and known_place(doc[i:stop].text) is not None:
                joined.append(Span(doc, i, stop, label="GPE"))
                cut |= pieces
                i = stop
                break
        else:
            i += 1
    if not joined:
        return spans
    return sorted([s for s in spans if (s.start, s.end) not in cut] + joined, key=lambda span: span.start)


def _runs_into_name(doc, i: int) -> bool:
    """Whether the word at i ends a longer name: "Air France", "Stade de France" (not "the Minister of Defence of
    Azerbaijan": a country named in a title is named)."""
    if i == 0:
        return False
    if _name_word(doc[i - 1]):
        return True
    return i >= 2 and doc[i - 1].lower_ in NAME_LINKS and _name_word(doc[i - 2])


def _name_word(token) -> bool:
    """A capitalised word of a name, not an all-capitals heading or an abbreviation."""
    return token.pos_ == "PROPN" and token.text[:1].isupper() and not token.text.isupper()


def _place_cue(doc, i: int, locative: frozenset[str], nouns_of_a_place: frozenset[str]) -> bool:
    """A locative preposition before the word ("in", "near"), or "of" after a place noun or a compass
    word ("the town of", "west of")."""
    if i == 0:
        return False
    cue = doc[i - 1]
    if cue.is_title and not cue.is_sent_start:
        return False  # a headline's "Blast Occurs Near Bus Convoy": every word capitalised, no cue
    before = cue.lower_
    if before in locative and before not in COMPASS:
        return True
    return before == "of" and i >= 2 and (doc[i - 2].lower_ in COMPASS or doc[i - 2].lemma_.lower() in nouns_of_a_place)
