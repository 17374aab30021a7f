"""Exact, faster stand-ins for two stock spaCy components: the attribute ruler and the lemmatizer.

In en_core_web_sm these two cost a quarter of the model's time (measured on 250 real
articles: 5.0 s and 3.5 s of 34 s), though they only look words up in tables:
- the AttributeRuler runs a general token Matcher over every token for its 180
  single-token and 2-token patterns (the tag map and the morphology exceptions);
- the Lemmatizer calls its Python rule function for every token and caches only the
  rarer results.
Both outputs are a function of a few attributes of a token (and of its neighbour for
the 2-token patterns), so each stand-in decides once per distinct combination and then
reuses the decision. The stock component stays inside and is asked whenever the
answer is not known yet, so the result is the stock one token for token
(tests/test_fastpipes.py checks every attribute on real articles).

A pipeline whose ruler uses anything but the pattern forms handled here (equality,
IN, NOT_IN and REGEX on TAG, LOWER, DEP and IS_SPACE) keeps its stock ruler.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
OTHER = -1  # a LOWER or DEP no pattern names or matches: every such value gets the same answers
OTHER_TEXT = "\x00other"


class Unsupported(Exception):
    """A pattern form this module does not evaluate: keep the stock component."""


def _index_keys(spec: dict) -> list[tuple[int, object]]:
    """(slot, value) pairs one of which a token must have to match the spec; [] when none is required."""
    for key in ("TAG", "LOWER", "IS_SPACE"):
        value = spec.get(key)
        if isinstance(value, (str, bool)):
            return [(KEYS.index(key), value)]
        if isinstance(value, dict) and list(value) == ["IN"]:
            return [(KEYS.index(key), item) for item in value["IN"]]
    return []


def _predicate(spec: dict):
    """A test of one token's (tag, lower, dep, is_space) strings for one Matcher token spec."""
    tests = []
    for key, value in spec.items():
        if key not in KEYS:
            raise Unsupported(key)
        slot = KEYS.index(key)
        if isinstance(value, (str, bool)):
            tests.append(lambda v, slot=slot, want=value: v[slot] == want)
        elif isinstance(value, dict) and len(value) == 1:
            (operator, argument), = value.items()
            if operator == "IN":
                tests.append(lambda v, slot=slot, allowed=frozenset(argument): v[slot] in allowed)
            elif operator == "NOT_IN":
                tests.append(lambda v, slot=slot, banned=frozenset(argument): v[slot] not in banned)
            elif operator == "REGEX":
                tests.append(lambda v, slot=slot, search=re.compile(argument).search: bool(search(v[slot])))
            else:
                raise Unsupported(operator)
        else:
            raise Unsupported(repr(value))
    return lambda v: all(test(v) for test in tests)


class FastAttributeRuler:
    """The stock AttributeRuler's result, decided once per distinct (tag, lower, dep, is_space)."""

    def __init__(self, ruler):
        self.vocab = ruler.vocab
        self.attrs = ruler.attrs  # normalised attrs of each rule, in rule order: later rules win
        self.single = []  # (rule, predicate) of one-token patterns
        self.multi = []  # (rule, predicates, index) of longer patterns
        # Which one-token patterns could match a token with this tag, lower or is_space, by position
        # in self.single: only those are tested. Patterns with no such key are always tested.
        self.candidates: dict[tuple[int, object], list[int]] = {}
        self.always: list[int] = []
        for rule, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                predicates = [_predicate(spec) for spec in pattern]
                if len(predicates) == 1:
                    keys = _index_keys(pattern[0])
                    for key in keys:
                        self.candidates.setdefault(key, []).append(len(self.single))
                    if not keys:
                        self.always.append(len(self.single))
                    self.single.append((rule, predicates[0]))
                else:
                    self.multi.append((rule, predicates, entry.get("index", 0)))
        self.decided: dict[tuple, tuple] = {}
        # Words and dependency labels are many, but the patterns name few of them: any value a
        # pattern neither names nor matches by regex is decided as OTHER, which keeps the
        # decisions few (hundreds) however large the vocabulary grows.
        self.named: dict[int, set[str]] = {1: set(), 2: set()}
        self.regexes: dict[int, list] = {1: [], 2: []}
        for entry in ruler.patterns:
            for spec in (spec for pattern in entry["patterns"] for spec in pattern):
                for key in ("LOWER", "DEP"):
                    value = spec.get(key)
                    if isinstance(value, str):
                        self.named[KEYS.index(key)].add(value)
                    elif isinstance(value, dict):
                        (operator, argument), = value.items()
                        if operator == "REGEX":
                            self.regexes[KEYS.index(key)].append(re.compile(argument))
                        else:
                            self.named[KEYS.index(key)].update(argument)
        if any(regex.search(OTHER_TEXT) for regexes in self.regexes.values() for regex in regexes):
            raise Unsupported("a regex matching every value")
        self.canonical: dict[int, dict[int, int]] = {1: {}, 2: {}}

    def _canonical(self, slot: int, value: int) -> int:
        text = self.vocab.strings[value] if value else ""
        if text in self.named[slot] or any(regex.search(text) for regex in self.regexes[slot]):
            return value
        return OTHER

    def _decide(self, key: tuple[int, int, int, int]):
        """(merged attrs of the one-token rules that match, tuple of multi-pattern ids whose first spec matches)."""
        strings = self.vocab.strings
        values = tuple(OTHER_TEXT if value == OTHER else strings[value] if value else "" for value in key[:3]) \
            + (bool(key[3]),)
        merged: dict = {}
        for rule in self._rules(values):
            merged.update(self.attrs[rule])
        starts = tuple(number for number, (_, predicates, _) in enumerate(self.multi) if predicates[0](values))
        return merged, starts, values

    def _rules(self, values: tuple) -> list[int]:
        """The rules whose one-token patterns match a token with these values, in rule order."""
        found = {*self.always}
        for slot in (0, 1, 3):
            found.update(self.candidates.get((slot, values[slot]), ()))
        return sorted({rule for rule, matches in (self.single[n] for n in found) if matches(values)})

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        from spacy.tokens._retokenize import set_token_attrs

        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        decided = self.decided
        lowers, deps = self.canonical[1], self.canonical[2]
        decisions = []
        for tag, lower, dep, space in rows:
            lower_key = lowers.get(lower)
            if lower_key is None:
                lower_key = lowers[lower] = self._canonical(1, lower)
            dep_key = deps.get(dep)
            if dep_key is None:
                dep_key = deps[dep] = self._canonical(2, dep)
            key = (tag, lower_key, dep_key, space)
            decision = decided.get(key)
            if decision is None:
                decision = decided[key] = self._decide(key)
            decisions.append(decision)
        extra: dict[int, list[int]] = {}  # token -> rules of patterns of several tokens that set it
        for start, (_, starts, _) in enumerate(decisions):
            for number in starts:
                rule, predicates, index = self.multi[number]
                end = start + len(predicates)
                if end <= len(decisions) and all(test(decisions[i][2]) for test, i in zip(predicates[1:], range(start + 1, end))):
                    target = range(start, end)[index]
                    extra.setdefault(target, []).append(rule)
        for i, (merged, _, values) in enumerate(decisions):
            if i in extra:
                rules = sorted({*extra[i], *self._rules(values)})
                merged = {}
                for rule in rules:
                    merged.update(self.attrs[rule])
            if merged:
                set_token_attrs(doc[i], merged)
        return doc


class FastLemmatizer:
    """The stock rule lemmatizer's lemma, decided once per distinct (word, part of speech, morphology)."""

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        # The stock rules test `form in index` against lists of up to 57,000 words: sets give
        # the same answers (the lists are only ever tested for membership and emptiness).
        if lemmatizer.lookups.has_table("lemma_index"):
            index = lemmatizer.lookups.get_table("lemma_index")
            for pos, words in list(index.items()):
                index[pos] = frozenset(words)
        self.overwrite = lemmatizer.overwrite
        self.decided: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        strings = doc.vocab.strings
        decided = self.decided
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if lemma and not self.overwrite:
                continue
            key = (orth, pos, morph)
            chosen = decided.get(key)
            if chosen is None:
                chosen = decided[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            doc[i].lemma = chosen
        return doc


def speed_up(nlp: Language) -> Language:
    """Swap in the stand-ins where the pipeline has the stock components they reproduce."""
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler, Lemmatizer

    if "newsarchive_fast_lemmatizer" not in Language.factories:
        Language.factory("newsarchive_fast_attribute_ruler",
                         func=lambda nlp, name: FastAttributeRuler(nlp.get_pipe("attribute_ruler")))
        Language.factory("newsarchive_fast_lemmatizer", func=lambda nlp, name: FastLemmatizer(nlp.get_pipe("lemmatizer")))
    names = nlp.pipe_names
    if "attribute_ruler" in names and isinstance(nlp.get_pipe("attribute_ruler"), AttributeRuler) \
            and {"tagger", "parser"} <= set(names[:names.index("attribute_ruler")]) \
            and _supported(nlp.get_pipe("attribute_ruler")):
        nlp.add_pipe("newsarchive_fast_attribute_ruler", name="fast_attribute_ruler", before="attribute_ruler")
        nlp.remove_pipe("attribute_ruler")
    if "lemmatizer" in names and isinstance(nlp.get_pipe("lemmatizer"), Lemmatizer) \
            and nlp.get_pipe("lemmatizer").mode == "rule":
        nlp.add_pipe("newsarchive_fast_lemmatizer", name="fast_lemmatizer", before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    return nlp


def _supported(ruler) -> bool:
    try:
        FastAttributeRuler(ruler)
    except Unsupported:
        return False
    return True
