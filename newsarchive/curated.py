"""Curated names over the model's output: actors, generic actor phrases and outlets as entities.

The statistical model runs first and its Docs are cached; these rules run after it,
so editing data/actors.yml or data/outlets.yml never sends an article through the
model again. spaCy's PhraseMatcher finds every curated alias in one pass over the
tokens (a hash lookup per token, where an EntityRuler of token patterns walks a
state machine); the longest match wins, and it replaces any model entity it overlaps.
Then "Sudanese security services", "Kenyan police" and the like name that state's
forces (actors.NationalForces). The match's id says what it is: actor:<name>,
generic:<phrase> or outlet:<id>. The
words of a model entity outside a curated name stay an entity (run before the NER, a
ruler would have let the model read them on their own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actors import alias_key, load_actors, load_national_forces
from .outlets import load_registry

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def curated_names() -> list[tuple[str, str, str, bool]]:
    """(alias, label, pattern id, exact case) for every actor alias, generic phrase and outlet name.

    Matching ignores case except for aliases marked case-sensitive (IS, WHO) and outlet
    names ("Dawn" the paper, not "at dawn"). The first entry for an alias wins.
    """
    names, generic = [], set()
    for actor in load_actors():
        for alias in (actor.name, *actor.aliases):
            names.append((alias, actor.type, f"actor:{actor.name}", alias in actor.case_sensitive))
        for alias in actor.generic_aliases:
            if alias_key(alias) not in generic:  # one pattern; the linker picks the actor by country
                generic.add(alias_key(alias))
                names.append((alias, actor.type, f"generic:{alias_key(alias)}", alias in actor.case_sensitive))
    for outlet in load_registry().outlets.values():
        for name in (outlet.name, *outlet.aliases):
            names.append((name, "ORG", f"outlet:{outlet.id}", True))
    return names


class CuratedMatcher:
    """Tags curated names in an analysed Doc, replacing overlapping model entities."""

    def __init__(self, nlp: Language):
        from spacy.matcher import PhraseMatcher

        self.matchers = {"LOWER": PhraseMatcher(nlp.vocab, attr="LOWER"), "ORTH": PhraseMatcher(nlp.vocab, attr="ORTH")}
        self.entries: dict[str, tuple[str, str]] = {}  # match key -> (label, pattern id)
        variants = [(variant, label, pattern_id, exact_case) for alias, label, pattern_id, exact_case in curated_names()
                    for variant in dict.fromkeys((alias, alias.replace("'", "’")))]
        seen: set[tuple[str, ...]] = set()
        patterns: dict[str, list] = {}
        for (_, label, pattern_id, exact_case), pattern in zip(variants, nlp.tokenizer.pipe(v[0] for v in variants)):
            folded = tuple(token.lower_ for token in pattern)
            if folded in seen:  # the first entry for an alias wins
                continue
            seen.add(folded)
            attribute = "ORTH" if exact_case else "LOWER"
            key = f"{attribute}:{label}:{pattern_id}"
            self.entries[key] = (label, pattern_id)
            patterns.setdefault(key, []).append(pattern)
        for key, docs in patterns.items():
            self.matchers[key.partition(":")[0]].add(key, docs)
        self.national = load_national_forces()

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        spans = []
        for matcher in self.matchers.values():
            for match_id, start, end in matcher(doc):
                label, pattern_id = self.entries[doc.vocab.strings[match_id]]
                if pattern_id.startswith("generic:") and _named_by_modifier(doc, start, end):
                    continue  # "ISIS troops", "Kiir's soldiers", "rebel troops": not the state's forces
                spans.append(Span(doc, start, end, label=label, span_id=pattern_id))
        # after the curated aliases: of two equal spans, filter_spans keeps the first
        for start, end, name in self.national.spans([token.lower_ for token in doc]):
            spans.append(Span(doc, start, end, label="ORG", span_id=f"actor:{name}"))
        # a group's name in the Arabic family-name form that ends a person's ("Abdul-Malik al-Houthi") is the
        # person's family name (not "Monitor AFP", "Hezballah SOHR": the model's runs of two names)
        surnames = {(ent.start, ent.end) for ent in doc.ents if ent.label_ == "PERSON" and len(ent) >= 2}
        spans = [span for span in spans if span.label_ != "ORG" or len(span) > 1 or not _after_article(doc, span.start)
                 or not any(start < span.start and span.end == end for start, end in surnames)]
        if not spans:
            return doc
        curated = filter_spans(spans)
        taken = {i for span in curated for i in range(span.start, span.end)}
        model = []
        for ent in doc.ents:
            if not taken.intersection(range(ent.start, ent.end)):
                model.append(ent)
                continue
            if ent.label_ == "PERSON":
                continue  # half a person's name is no entity ("Ben" of "Ben Wagner")
            # The other words of a model entity outside a curated name stay an entity of their own:
            # the model read "Damascus Reuters" as one name, the curated "Reuters" leaves "Damascus".
            piece: list[int] = []
            for i in [*range(ent.start, ent.end), None]:
                if i is not None and i not in taken:
                    piece.append(i)
                    continue
                if piece and any(not (doc[j].is_punct or doc[j].is_stop or doc[j].is_space) for j in piece):
                    model.append(Span(doc, piece[0], piece[-1] + 1, label=ent.label_))
                piece = []
        doc.ents = sorted([*curated, *model], key=lambda span: span.start)
        return doc


NUMBER_TYPES = ("CARDINAL", "QUANTITY", "PERCENT")
FAMILY_NAME_ARTICLES = ("al", "el")  # "al-Houthi": a family name, as Arabic names end


def _after_article(doc: Doc, start: int) -> bool:
    """Whether the word at start follows "al-" or "el-" (spaCy splits "al-Houthi" in three)."""
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in FAMILY_NAME_ARTICLES


def _named_by_modifier(doc: Doc, start: int, end: int) -> bool:
    """Whether the word before a generic phrase says whose forces they are: a name, a noun or a possessive."""
    if start == 0:
        return False
    before = doc[start - 1]
    if before.tag_ == "POS" or before.ent_type_ and before.ent_type_ not in NUMBER_TYPES:
        return True  # "ISIS troops", "Kiir's soldiers"; not "20 soldiers", "35 civilians"
    return start <= before.head.i < end and before.dep_ in ("compound", "poss", "nmod", "amod") and (
        before.pos_ in ("PROPN", "NOUN") or before.text[:1].isupper())
