"""A state's bodies named by its place, which the model leaves untagged or cut in two.

"the Syrian foreign ministry", "France's Foreign Ministry", "the Saudi Embassy", "the U.S.
consulate" (in Matamoros): the model tags the country ("Syrian", "France") and, at best, the
body on its own ("Foreign Ministry"), so the article names no organisation, or one of no
country. Here the whole phrase is one ORG span; the place inside it stays its country (the
linker records places inside an organisation's name as its country).
"""

from __future__ import annotations

from spacy.tokens import Span

PLACE_LABELS = ("GPE", "NORP")
HOST_LABELS = ("GPE", "LOC", "FAC", "ORG", "PERSON")
# a body's name runs left over these (the country, "foreign", "U.S.") but not over "the"
MODIFIERS = ("compound", "amod", "poss", "nmod", "case")


def with_institutions(doc, spans: list[Span], nouns: frozenset[str], names_a_country,
                      missions: frozenset[str] = frozenset(), placed: frozenset[str] = frozenset()) -> list[Span]:
    """spans (the doc's entity spans) with each body a place names as one ORG span.

    nouns: the bodies' nouns ("ministry", "embassy"). missions: those of a state's missions abroad,
    whose name holds the country they are in: "the U.S. Embassy in Turkey" is one body (not every U.S.
    embassy), and Turkey a place inside its name (the linker records it as a mention of its own). A
    body is named only by a place the model tagged
    among the words before its noun ("Syrian", "France's"), or a country's name or people's word
    the model left untagged (names_a_country: "the Saudi Embassy", "the U.S. Embassy"). "The interior
    ministry" alone names no state: it is one ORG span too, which the linker gives the story's country.
    placed: nouns of bodies named here only where a place names them ("the US State Department").
    """
    by_token = {t.i: span for span in spans for t in span}
    bodies = nouns | placed
    found: list[Span] = []
    for token in doc:
        if token.lemma_.lower() not in bodies or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if any(c.lower_ in ("news", "press") for c in token.lefts) or token.tag_ in ("NNS", "NNPS"):
            continue  # "the official SANA news agency": an outlet; "German federal agencies": no one body
        own = by_token.get(token.i)
        if own is not None and (own.label_ != "ORG" or any(t.lower_ == "of" for t in own)):
            continue  # a place, or a body named in full ("Ministry of Public Security"): as tagged
        modifiers = [c for c in token.lefts if c.dep_ in MODIFIERS]
        if own is not None:
            modifiers += [c for t in own if t.i < token.i for c in t.lefts if c.dep_ in MODIFIERS]
        start = min((c.left_edge.i for c in modifiers), default=token.i)
        if own is not None:
            start = min(start, own.start)
        while start < token.i and doc[start].dep_ == "det":
            start += 1
        places = {by_token[i] for i in range(start, token.i) if i in by_token and by_token[i].label_ in PLACE_LABELS}
        if any(span.start < start for span in places):
            continue
        if not places and not any(names_a_country(doc[i].text) for i in range(start, token.i)):
            if token.lemma_.lower() in placed:
                continue
            # "the interior ministry said": the story's state's (the linker keys it by the story's country)
            after_the = start > 0 and doc[start - 1].lower_ == "the"
            if start + 1 < token.i and doc[start].lower_ in ("country", "nation") and doc[start + 1].tag_ == "POS":
                start += 2  # "the country's security ministry": the story's state's too
            if own is None and after_the and start < token.i \
                    and all(doc[i].is_alpha and doc[i].is_lower for i in range(start, token.i)):
                found.append(Span(doc, start, token.i + 1, label="ORG"))
            continue
        end = token.i + 1 if own is None else max(own.end, token.i + 1)
        if doc[end - 1].is_punct:
            continue
        host = by_token.get(end + 1) if end + 1 < len(doc) and doc[end].lower_ == "in" else None
        # "the U.S. consulate in Matamoros": a mission is in a place, whatever the model called its name
        if token.lemma_.lower() in missions and host is not None and host.label_ in HOST_LABELS and host.start == end + 1:
            end = host.end
        found.append(Span(doc, start, end, label="ORG"))
    if not found:
        return spans
    covered = {i for span in found for i in range(span.start, span.end)}
    kept = [span for span in spans if not any(i in covered for i in range(span.start, span.end))]
    return sorted(kept + found, key=lambda span: span.start)
