"""The event lexicon (data/event_verbs.yml) and the trigger words of a document."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .actors import load_actors
from .datafiles import load as load_data


PLACE_TYPES = ("GPE", "LOC", "FAC")
SUBJECTS = ("nsubj", "csubj")


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, list[dict]]  # lemma -> entries, most specific first
    forms: dict[str, str]  # surface form -> lemma, for words the model mis-lemmatises
    nouns: dict[str, list[dict]]
    words: dict[str, frozenset[str]]  # the word lists (fatal_words, light_verbs...)
    side_words: dict[str, frozenset[str]]
    platforms: dict[str, str]  # weapon or platform lemma -> sub-type, for battles fought with it
    speech_verbs: frozenset[str]
    speaker_pronouns: frozenset[str]
    sub_event_types: dict[str, str]  # sub-type -> event type
    weapon_family: dict[str, str]  # sub-type -> the weapon it names ("Suicide bomb" -> bomb)
    anaphora_sentences: int  # how far back "the attack" may point
    lead_sentences: int  # how far the lead event's date reaches


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = load_data("event_verbs.yml")
    cues = load_data("attribution_cues.yml")

    def specificity(entry: dict) -> int:
        return -(bool(entry.get("particle")) + bool(entry.get("prep")) + 2 * bool(entry.get("requires_object_lemma")))

    verbs: dict[str, list[dict]] = defaultdict(list)
    forms: dict[str, str] = {}
    for entry in data["verbs"]:
        verbs[entry["lemma"].lower()].append(entry)
        for form in entry.get("forms") or ():
            forms[form.lower()] = entry["lemma"].lower()
    nouns: dict[str, list[dict]] = defaultdict(list)
    for entry in data["nouns"]:
        nouns[entry["lemma"].lower()].append(entry)
    lists = ("fatal_words", "life_taking_verbs", "injury_words", "cumulative_since_nouns", "cumulative_subjects", "cumulative_words",
             "breakdown_words", "light_verbs", "realis_heads", "location_preps", "state_kinds", "hedge_modals",
             "anaphoric_place_nouns", "armed_kinds", "press_kinds", "fire_nouns", "anaphoric_determiners", "group_nouns",
             # realis.py
             "future_auxiliaries", "denial_heads", "negating_determiners", "hypothetical_determiners",
             "hypothetical_modifiers", "hypothetical_nouns", "intending_verbs", "habitual_adverbs", "habitual_modifiers", "accusing_verbs",
             "earlier_modifiers", "continuing_heads", "aggregate_patterns", "zero_toll_patterns", "duration_nouns", "series_nouns",
             "occasion_nouns", "escalation_heads", "settled_preps",
             # perpetrators, types and tolls
             "disputing_verbs", "claim_objects", "claimable_types", "unidentified_attackers", "identifying_verbs", "state_weapons",
             "tollless_types", "captive_nouns", "patient_of_nouns", "people_nouns", "force_nouns", "state_sub_types", "state_violence_types",
             "generic_violence", "specific_remote_violence", "reflexive_pronouns", "killing_verbs", "perpetrating_verbs",
             "blaming_verbs",
             "one_off_types", "accident_words", "ending_words", "campaign_nouns",
             "non_state_modifiers", "idiom_objects", "way_objects", "phrasal_idioms",
             "anaphoric_pronouns", "anaphoric_group_nouns")
    return Lexicon(
        verbs={lemma: sorted(entries, key=specificity) for lemma, entries in verbs.items()},
        forms=forms,
        nouns={lemma: sorted(entries, key=lambda e: not e.get("modifier")) for lemma, entries in nouns.items()},
        words={name: frozenset(data[name]) for name in lists},
        side_words={side: frozenset(words) for side, words in data["side_words"].items()},
        platforms=data["platforms"],
        anaphora_sentences=int(data["anaphora_sentences"]),
        lead_sentences=int(data["lead_sentences"]),
        speech_verbs=frozenset(cues["speech_verbs"]),
        speaker_pronouns=frozenset(cues["speaker_pronouns"]),
        sub_event_types={sub: event for event, subs in data["event_types"].items() for sub in subs},
        weapon_family={sub: family for family, subs in data["weapon_families"].items() for sub in subs},
    )


@lru_cache(maxsize=1)
def state_forces() -> dict[str, tuple[str, ...]]:
    """country code -> the entity keys of its curated state forces (actors.yml)."""
    kinds = lexicon().words["state_kinds"]
    forces: dict[str, list[str]] = defaultdict(list)
    for actor in load_actors():
        if actor.kind in kinds and actor.country:
            forces[actor.country].append(f"actor:{actor.name}")
    return {code: tuple(keys) for code, keys in forces.items()}


# A noun trigger in a noun's position: the small model tags a sentence-initial "Fighting"
# or "capture" as a verb now and then; as subject or object it is the noun.
NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "dobj", "pobj", "conj", "appos", "attr"})


def is_trigger(token, table: Lexicon) -> bool:
    """Whether the lexicon has the token as an event verb or noun (one test per token, no matcher)."""
    if token.ent_type_ in ("DATE", "TIME"):
        return False  # "in March 2011": a month, not a march
    lower = token.lower_
    if lower in table.forms:
        return True
    if token.pos_ in ("VERB", "ADJ") and token.lemma_ in table.verbs:
        return True
    if token.pos_ == "NOUN" and (token.lemma_ in table.nouns or lower in table.nouns):
        return True
    return lower in table.nouns and token.dep_ in NOMINAL_DEPS


class WordIndex:
    """The tokens of a document each scan can need, found once from its attribute arrays.

    A spaCy Token object costs more to make than the test made on it, so the scans of
    a sentence (event words, speech verbs, numbers) visit only these candidates:
    the same tokens, in the same order, that a test of every token would keep.
    """

    def __init__(self, doc, table: Lexicon):
        import numpy as np
        from spacy.attrs import LEMMA, LIKE_NUM, LOWER

        self.doc = doc
        columns = doc.to_array([LOWER, LEMMA, LIKE_NUM])
        strings = doc.vocab.strings
        lowers = {h: strings[h] for h in set(columns[:, 0].tolist())}
        lemmas = {h: strings[h] for h in set(columns[:, 1].tolist())}

        def having(column: int, names: dict[int, str], test) -> "np.ndarray":
            wanted = [h for h, name in names.items() if test(name)]
            return np.isin(columns[:, column], np.fromiter(wanted, dtype=columns.dtype, count=len(wanted)))

        triggers = (having(0, lowers, lambda w: w in table.forms or w in table.nouns)
                    | having(1, lemmas, lambda w: w in table.verbs or w in table.nouns))
        speech = having(1, lemmas, lambda w: w.lower() in table.speech_verbs) | having(0, lowers, "according".__eq__)
        self.triggers = np.flatnonzero(triggers).tolist()
        self.speech = np.flatnonzero(speech).tolist()
        self.numbers = np.flatnonzero(columns[:, 2]).tolist()

    def within(self, positions: list[int], sent) -> list:
        """The tokens at these positions that lie in the sentence."""
        doc = self.doc
        return [doc[i] for i in positions[bisect_left(positions, sent.start):bisect_left(positions, sent.end)]]
