"""The events stage: who did what to whom, where and when, read off the dependency parse.

Triggers are the tokens the verb and noun lexicon in data/event_verbs.yml names
(by lemma and part of speech, one set lookup per token) ("seize", "take over", "drop barrel
bombs", "clashes", "air raid"). For each trigger the parse gives the roles: the
subject (or passive agent) is actor1, the object actor2 or the place, preposition
objects the place ("in Hasakeh") or the other side ("against ISIS", "with regime
troops"). Roles are filled with the entities the link stage found in those words,
so actors and locations are entity ids. A sentence's date expression is resolved
against the article's published date (dates.resolve_event_date); casualty numbers
attached to fatal words become the event's fatalities, with the split by side.

Events that several articles report are grouped into clusters (one real-world
event, and how many sources report it), and every "X said", "told AFP",
"according to X" becomes an attribution: who claimed what, in which sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache


from .actors import load_actors
from .dates import names_a_day, resolve_event_date
from .ids import stable_id
from .realis import SPECIFIC, RealisReader
from .link import demonym_country, names_a_group
from .datafiles import load as load_data

ACTOR_TYPES = ("ORG", "PERSON", "NORP", "GPE")
PLACE_TYPES = ("GPE", "LOC", "FAC")
SUBJECTS = ("nsubj", "csubj")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
PRO_NAME = re.compile(r"\bpro\s*-\s*([A-Z][\w’']+)")
# Adverbs the parser often gives for a verb's particle ("pushed ISIS jihadists away from ...").
PARTICLES = ("away", "back", "out", "off")
# Two events of one story are the same report when their sentences are this alike
# (rapidfuzz ratio): the AFP copies reword little ("ISIS" -> "Daesh"), while two
# different events of one story share far less.
SAME_SENTENCE = 75


# ---- the lexicon --------------------------------------------------------------


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
    lists = ("fatal_words", "injury_words", "cumulative_since_nouns", "cumulative_subjects", "cumulative_words",
             "breakdown_words", "light_verbs", "realis_heads", "location_preps", "state_kinds", "hedge_modals",
             "anaphoric_place_nouns", "armed_kinds", "anaphoric_determiners",
             # realis.py
             "future_auxiliaries", "denial_heads", "negating_determiners", "hypothetical_determiners",
             "hypothetical_modifiers", "hypothetical_nouns", "habitual_adverbs", "habitual_modifiers",
             "earlier_modifiers", "continuing_heads", "aggregate_patterns", "duration_nouns", "series_nouns",
             "occasion_nouns", "escalation_heads", "settled_preps",
             # perpetrators, types and tolls
             "disputing_verbs", "claim_objects", "claimable_types", "unidentified_attackers", "state_violence_types",
             "generic_violence", "specific_remote_violence", "reflexive_pronouns", "killing_verbs", "perpetrating_verbs",
             "one_off_types", "accident_words", "campaign_nouns",
             "non_state_modifiers")
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


# ---- what the stage reads ------------------------------------------------------


@dataclass
class ArticleEvents:
    """What the events stage needs of one article."""

    id: int
    doc: object  # spacy Doc of the body
    sentences: list[tuple[int, int, int]]  # (start_char, end_char, sentence id)
    published: str | None
    mentions: list[tuple[int, int, str]]  # (start_char, end_char, entity key)
    text: str  # the body, doc.text: Doc.text joins its tokens in Python, 2 ms an article


@dataclass
class Event:
    article_id: int
    trigger: object  # the spaCy token
    event_type: str
    sub_event_type: str
    actor1: int | None = None
    actor2: int | None = None
    location: int | None = None
    sub_location: int | None = None
    date: str | None = None
    precision: str | None = None
    date_text: str | None = None
    fatalities: int | None = None
    injured: int | None = None
    sides: list[tuple[int | None, str, int]] = field(default_factory=list)  # (entity id, side words, count)
    specific: bool = False  # the lexicon's construction or a hint fired ("dropped barrel bombs", "suicide bombers struck")
    realis: str = SPECIFIC  # realis.KINDS: one occurrence, or a total, habit, denial, hypothesis
    unnamed_actor: bool = False  # actor1 stands for "gunmen", "attackers": NULL unless a claim names them
    sentence_id: int = 0
    sentence_number: int = 0  # the sentence's place in the article, for looking back a few sentences
    attributed_to: int | None = None
    evidence: str = ""

    def take_date(self, other: Event) -> None:
        """The other report's date, when this one has none."""
        if self.date is None and other.date:
            self.date, self.precision, self.date_text = other.date, other.precision, other.date_text

    def said_little(self) -> bool:
        """Nothing but the trigger word: no actor, place, date, toll or telling construction."""
        return not (self.actor1 or self.actor2 or self.location or self.date or self.fatalities or self.specific)


class EventExtractor:
    """Reads one article's events; entities are the article's own, by entity key (link.ArticleLinks)."""

    def __init__(self, entities: dict[str, dict]):
        self.entities = entities  # entity key -> type, kind, name, place fields
        self.table = lexicon()
        # Per article: token index -> entity id, the article's state forces, its main place.
        self.token_entity: dict[int, int] = {}
        self.state_actor: int | None = None
        self.armed_actor: int | None = None
        self.focus: int | None = None
        self.published: str | None = None
        # "pro-regime", "pro-government", or "pro-" and the surname of a person the article
        # names in full or of a curated person.
        names = [row["name"] for row in entities.values() if row["type"] == "PERSON"]
        names += [actor.name for actor in load_actors() if actor.type == "PERSON"]
        surnames = sorted({re.escape(re.split(r"[\s-]+", name)[-1].lower()) for name in names if len(name.split()) > 1})
        self.pro_state = re.compile(r"\bpro\s*-\s*(" + "|".join(["regime", "government", *surnames]) + r")\b")

    # ---- one article ------------------------------------------------------------

    def article(self, article: ArticleEvents) -> tuple[list[Event], list[dict]]:
        """The article's events and attribution rows."""
        doc = article.doc
        self.token_entity = self._token_entities(doc, article.mentions)
        self.focus = self._most_mentioned(article.mentions, lambda e: self._is_place(e) and
                                          self.entities[e].get("geo_precision") in ("exact", "region"))
        self.state_actor = self._most_mentioned(article.mentions,
                                                lambda e: self.entities[e].get("kind") in self.table.words["state_kinds"])
        self.armed_actor = self._most_mentioned(article.mentions,
                                                lambda e: self.entities[e].get("kind") in self.table.words["armed_kinds"])
        self.published = article.published
        sentence_ids = {start: sid for start, _, sid in article.sentences}
        events, attributions = [], []
        last_speaker: int | None = None
        words = WordIndex(doc, self.table)
        # the document's dates, found once: each event word looks up those of its sentence
        self.date_entities = [ent for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
        self.date_starts = [ent.start for ent in self.date_entities]
        day_dates = {t.i for ent in self.date_entities if names_a_day(ent.text) or (
            (resolved := resolve_event_date(ent.text, self.published)) and resolved.precision == "day") for t in ent}
        self.realis = RealisReader(self.table.words, self.table.nouns.keys() | self.table.verbs.keys(), day_dates)
        self.statements: list[Event] = []
        body = article.text  # Span.text walks its tokens: slicing the body is cheaper
        for number, sent in enumerate(doc.sents):
            self.sentence = sent
            sentence_id = self._sentence_id(sent, body, article.sentences, sentence_ids)
            if sentence_id is None:
                continue
            said, last_speaker = self._attributions(sent, words.within(words.speech, sent), last_speaker)
            for speaker_id, speaker, claim, cue in said:
                attributions.append({
                    "id": stable_id("attribution", article.id, len(attributions)),
                    "article_id": article.id, "sentence_id": sentence_id, "speaker_id": speaker_id,
                    "speaker": speaker, "claim": claim, "cue": cue,
                })
            triggers = words.within(words.triggers, sent)
            found = [e for e in (self._event(t, article.id) for t in triggers if is_trigger(t, self.table)) if e]
            told = [e for e in found if e.realis != SPECIFIC]
            found = self._merge_nested([e for e in found if e.realis == SPECIFIC])
            self._fatalities(sent, words.within(words.numbers, sent), found)
            found = self._toll_to_antecedent(sent, found, events, number)
            speaker = next((s for s, *_ in said if s), None)
            for event in found:
                if event.said_little():
                    continue
                event.sentence_id = sentence_id
                event.attributed_to = speaker
                event.evidence = body[sent.start_char:sent.end_char].strip()
                self._place(event, sent)
                event.sentence_number = number
                events.append(event)
            self._place_to_antecedent(sent, events, number)
            self._fatalities(sent, words.within(words.numbers, sent), [s for s in told if s.realis == "aggregate"],
                             running=True)
            for statement in (s for s in told if not s.said_little()):
                statement.sentence_id, statement.sentence_number = sentence_id, number
                statement.evidence = body[sent.start_char:sent.end_char].strip()
                self._place(statement, sent)
                self.statements.append(statement)
        for event in events:
            if event.location is None:
                event.location = self._story_place(event.trigger.sent)
        self._lead_dates(events)
        for event in events:
            if event.unnamed_actor:
                event.actor1 = None
        self._claimed(doc, events)
        self._generic_to_specific(events)
        self._same_event_dates(events)
        self._same_event_tolls(events)
        return events, attributions

    def _claimed(self, doc, events: list[Event]) -> None:
        """"Islamic State claimed responsibility for the attack": the claimant is the perpetrator of
        the attack it claims (the events at the claimed attack's place that name no actor1), unless
        the claim is denied, hedged or disputed ("the FBI has disputed the claim")."""
        words = self.table.words
        if any(t.lemma_.lower() in words["disputing_verbs"] and any(c.lemma_.lower() == "claim" for c in t.subtree)
               for t in doc if t.pos_ == "VERB"):
            return
        for verb in (t for t in doc if t.lemma_.lower() == "claim" and t.pos_ == "VERB"):
            if self.realis.classify(verb) != SPECIFIC:
                continue  # "No group immediately claimed responsibility", "could claim"
            children = list(verb.children)
            passive = any(c.dep_ in ("auxpass", "agent") for c in children)
            if passive:
                claimant = self._actor(self._pobj(next((c for c in children if c.dep_ == "agent"), None)), own_only=True)
                claimed = next((c for c in children if c.dep_ == "nsubjpass"), None)
            else:
                subject = next((c for c in children if c.dep_ in SUBJECTS), None)
                claimant = self._actor(subject, own_only=True) if subject is not None else None
                claimed = next((c for c in children if c.dep_ == "dobj"), None)
                if claimed is not None and claimed.lemma_.lower() in words["claim_objects"]:
                    claimed = next((self._pobj(c) for c in children if c.dep_ == "prep" and c.lower_ == "for"), None)
            if claimant is None or any(c.dep_ == "det" and c.lower_ == "no" for c in claimant_tokens(verb)):
                continue
            if self.entities[claimant].get("kind") in words["state_kinds"]:
                continue  # a government "claims" what it says it did: no claim of responsibility
            place = self._place_in(claimed)
            lead = next((e for e in events if e.location is not None), None)
            place = place or (lead.location if lead else None)
            for event in events:
                if event.actor1 is None and event.location == place and event.actor2 != claimant and \
                        event.event_type in words["claimable_types"]:
                    event.actor1 = claimant

    def _generic_to_specific(self, events: list[Event]) -> None:
        """"A suicide bomber struck a checkpoint in Mogadishu on Thursday ... Five soldiers were killed":
        a generic word for violence ("killed", "attack", "blast") told of the same place and day as
        one specific kind of remote violence in the article is that event, and has its type."""
        words = self.table.words
        specific = [e for e in events if e.sub_event_type in words["specific_remote_violence"] and e.date
                    and e.precision == "day" and e.location]
        for event in events:
            if event.trigger.lemma_.lower() not in words["generic_violence"] or event.sub_event_type in \
                    words["specific_remote_violence"] and event.sub_event_type != "Remote explosive/landmine/IED":
                continue
            kinds = {(e.event_type, e.sub_event_type) for e in specific if e is not event and e.location == event.location
                     and e.date == event.date}
            if len(kinds) == 1:  # (a car bomb and an air strike that day: "the explosion" may be either)
                event.event_type, event.sub_event_type = kinds.pop()

    def _lead_dates(self, events: list[Event]) -> None:
        """A report's first paragraphs tell its lead event: an event told without a date of its own, at
        the lead's place, before it or within a few sentences after it, is of the lead's day (its
        date_text says so). The lead is the first event dated to the day, else the first dated one."""
        lead = next((e for e in events if e.precision == "day"), None) or next((e for e in events if e.date), None)
        if lead is None:
            return
        for event in events:
            if event.date is None and event.location == lead.location and \
                    event.sentence_number <= lead.sentence_number + self.table.lead_sentences:
                event.date, event.precision = lead.date, lead.precision
                event.date_text = f"{lead.date_text} (the lead's date)"

    def _same_event_dates(self, events: list[Event]) -> None:
        """A bombing, a strike or a massacre told again later in the article without its date ("the
        explosion in front of the bakery") is the one the article dated to the day at that place, when
        it dated only one such: its date_text says so. (Weapons are not compared, as same_occurrence
        does: a mention typed by a word of another weapon still tells of the day; measured, comparing
        them cost more right dates than it saved.)"""
        one_off = self.table.words["one_off_types"]
        dated = [e for e in events if e.precision == "day" and e.location and e.event_type in one_off]
        for event in events:
            if event.date is None and event.location and event.event_type in one_off:
                days = {(e.date, e.date_text.partition(" (")[0]) for e in dated if e.location == event.location}
                if len({day for day, _ in days}) == 1:
                    day, text = min(days)
                    event.date, event.precision, event.date_text = day, "day", f"{text} (told of the same event)"

    def _same_event_tolls(self, events: list[Event]) -> None:
        """The mentions of one bombing, strike or massacre in an article carry its toll: the highest
        the article gives (same_occurrence)."""
        mentions = [(i, e.location, e.date if e.precision == "day" else None, e.event_type, e.sub_event_type, e.actor1)
                    for i, e in enumerate(events)]
        for group in same_occurrence(mentions, self.table):
            tolls = [events[i].fatalities for i in group if events[i].fatalities is not None]
            for i in group:
                if tolls and events[i].fatalities is None:
                    events[i].fatalities = max(tolls)

    def _story_place(self, sent) -> int | None:
        """Where an event with no place of its own happened: the country its sentence names when
        that is not the story's ("In Turkey, the opposition met ..."), else the story's main place."""
        focus_country = self.entities[self.focus].get("country_code") if self.focus else None
        countries = [self.token_entity[t.i] for t in sent if t.i in self.token_entity and self._is_place(self.token_entity[t.i])
                     and self.entities[self.token_entity[t.i]].get("geo_precision") == "country"
                     and t.dep_ == "pobj" and t.head.lower_ in ("in", "inside", "across", "throughout", "near", "at")]
        other = [c for c in countries if self.entities[c].get("country_code") != focus_country]
        return other[0] if other else self.focus

    def _place_to_antecedent(self, sent, events: list[Event], number: int) -> None:
        """"The strike in the town of Hawijah destroyed ...": a definite event noun that points back
        gives its place to the event it names, told in the last few sentences without a place."""
        for token in sent:
            if token.pos_ != "NOUN" or token.lemma_.lower() not in self.table.nouns or not any(
                    c.dep_ == "det" and c.lower_ in self.table.words["anaphoric_determiners"] for c in token.children) or any(
                    c.dep_ in ("poss", "compound", "nmod", "nummod", "amod") for c in token.children):
                continue
            place = next((c for c in (self._place_in(self._pobj(p)) for p in token.children
                                      if p.dep_ == "prep" and p.lower_ in ("in", "on", "near", "at")) if c), None)
            if place is None:
                continue
            window = number - self.table.anaphora_sentences
            antecedent = next((e for e in reversed(events) if e.sentence_number < number), None)
            if antecedent is not None and antecedent.sentence_number >= window and antecedent.location is None:
                antecedent.location = place

    def _toll_to_antecedent(self, sent, found: list[Event], earlier: list[Event], number: int) -> list[Event]:
        """A killing reported of an event already told ("A car bomb exploded in Kabul. Three people
        were killed in the blast.") or told in its own clause ("... were killed when a car bomb
        exploded") is that event's toll, not an event of its own.

        The sentence's only toll-carrying event must be a bare fatal verb. The event it belongs
        to is one in the killing's own clause, else, when the sentence points back with a
        definite event noun ("the blast", "this attack"), the last event of the last few
        sentences; either must have no toll yet. The toll moves to it, and the date and the
        killer when it has none.
        """
        carriers = [e for e in found if e.fatalities]
        if len(carriers) != 1:
            return found
        killing = carriers[0]
        if killing.trigger.lemma_.lower() not in self.table.words["fatal_words"]:
            return found
        # "Three people were killed when a car bomb exploded": the bombing, told in the killing's own clause
        below = {t.i for t in killing.trigger.subtree}
        antecedent = next((e for e in found if e is not killing and e.trigger.i in below and not e.fatalities
                           and e.event_type != "Strategic developments"), None)
        determiners = self.table.words["anaphoric_determiners"]
        pointing = [t for t in sent if t.i != killing.trigger.i and t.lemma_.lower() in self.table.nouns
                    and any(c.dep_ == "det" and c.lower_ in determiners for c in t.children)]
        if antecedent is None and pointing:
            window = number - self.table.anaphora_sentences
            antecedent = next((e for e in reversed(earlier) if e.sentence_number >= window and not e.fatalities
                               and e.event_type != "Strategic developments"), None)
        if antecedent is None:
            return found
        antecedent.fatalities, antecedent.sides = killing.fatalities, killing.sides
        antecedent.injured = antecedent.injured or killing.injured
        antecedent.take_date(killing)
        # "The ISIS group killed 50 people in an attack": who killed is who attacked
        if killing.actor1 and not antecedent.actor1 and not killing.unnamed_actor:
            antecedent.actor1 = killing.actor1
            antecedent.actor2 = antecedent.actor2 or (killing.actor2 if killing.actor2 != killing.actor1 else None)
        return [e for e in found if e is not killing and not self._same_noun(e, pointing)]

    @staticmethod
    def _same_noun(event: Event, pointing: list) -> bool:
        """The event read from the noun that points back: it is the earlier event, not a new one."""
        return any(event.trigger.i == t.i for t in pointing)

    @staticmethod
    def _sentence_id(sent, body, sentences, by_start) -> int | None:
        text = body[sent.start_char:sent.end_char]
        start = sent.start_char + (len(text) - len(text.lstrip()))
        if start in by_start:
            return by_start[start]
        for s_start, s_end, sid in sentences:
            if s_start <= start < s_end:
                return sid
        return None

    @staticmethod
    def _token_entities(doc, mentions) -> dict[int, str]:
        """token index -> entity key, for tokens inside a mention."""
        by_token = {}
        for start, end, entity_id in mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for token in span:
                    by_token[token.i] = entity_id
        return by_token

    @staticmethod
    def _most_mentioned(mentions, wanted) -> str | None:
        """The wanted entity the article names most often; of equals, the one it names first (its lead's)."""
        counts = Counter(key for _, _, key in mentions if wanted(key))  # a Counter keeps first-seen order
        return max(counts, key=counts.__getitem__) if counts else None

    # ---- triggers and roles -----------------------------------------------------

    def _event(self, trigger, article_id) -> Event | None:
        if self._accidental(trigger):
            return None
        if trigger.pos_ == "NOUN" or trigger.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and trigger.lower_ in self.table.nouns:
            event = self._noun_event(trigger, article_id)
        else:
            event = self._verb_event(trigger, article_id)
        if event is not None:
            event.realis = self.realis.classify(trigger)
        return event

    def _accidental(self, trigger) -> bool:
        """Deaths in an accident or a disaster are no event (ACLED): "a plane crash killed 12", "seven
        were killed when a tram derailed", "crashed in a wooded area, killing all aboard"."""
        words = self.table.words
        if trigger.lemma_.lower() not in words["fatal_words"]:
            return False
        accidents = words["accident_words"]
        near = [c for c in trigger.children if c.dep_ in (*SUBJECTS, "advcl")]
        near += [p for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("in", "during", "after") for p in c.children
                 if p.dep_ == "pobj"]
        if trigger.dep_ in ("advcl", "xcomp", "conj"):
            near.append(trigger.head)  # "crashed ..., killing all aboard"
        near += [c for t in near for c in t.children if c.dep_ in (*SUBJECTS, "compound")]
        return any(t.lemma_.lower() in accidents or t.lower_ in accidents for t in near)

    def _verb_event(self, verb, article_id) -> Event | None:
        lemma = self.table.forms.get(verb.lower_, verb.lemma_.lower())
        children = list(verb.children)
        particle = next((c.lower_ for c in children if c.dep_ == "prt" or c.dep_ == "advmod" and c.lower_ in PARTICLES), None)
        passive = any(c.dep_ in ("nsubjpass", "agent") for c in children) or any(
            c.dep_ == "auxpass" and c.i not in self.token_entity for c in children)
        subject = self._subject(verb, passive)
        if subject is not None and subject.lemma_.lower() in self.table.nouns:
            return None  # "clashes took place", "air strikes have destroyed": the noun is the event
        obj = next((c for c in children if c.dep_ in (("nsubjpass",) if passive else ("dobj",))), None)
        if obj is None and not passive:
            obj = next((c for c in children if c.dep_ in ("attr", "oprd")), None)
        entry, prep_object = self._verb_entry(lemma, verb, particle, obj)
        if entry is None or entry.get("attribution"):
            return None
        if obj is not None and obj.lower_ in self.table.words["reflexive_pronouns"] and lemma in self.table.words["fatal_words"]:
            return None  # "the gunman killed himself": his own death is no event (and no toll)
        if entry.get("requires_object_lemma") and self._points_back(obj):
            return None  # "who carried out the attack": the attack already told, not a new one
        target = prep_object if prep_object is not None else obj
        if entry.get("inverted"):
            subject, target = prep_object, subject
        actor1 = self._actor(subject)
        actor2 = self._actor(target)
        if actor2 is None:
            actor2 = next((self._actor(self._pobj(c), own_only=True) for c in children
                           if c.dep_ == "prep" and c.lower_ in ("against", "on", "with") and self._pobj(c) is not None), None)
        location = self._place_in(target)
        sub_type, hinted = self._hinted_sub_type(entry, subject, target, verb)
        if entry.get("weak") and not hinted and not any(
                a and self.entities[a]["type"] != "NORP" for a in (actor1, actor2)):
            return None
        event = self._classified(entry, sub_type, actor1, actor2, location, verb, article_id)
        event.specific = hinted or bool(entry.get("requires_object_lemma"))
        if subject is not None and subject.lemma_.lower() in self.table.words["unidentified_attackers"] \
                and event.actor1 == self.armed_actor and not self._names_group(subject):
            event.unnamed_actor = True  # "gunmen stormed ...": typed as an armed side, but nobody named them
        return event

    def _verb_entry(self, lemma, verb, particle, obj):
        """The most specific lexicon entry whose particle, preposition and object fit; with the prep's object."""
        for entry in self.table.verbs.get(lemma, ()):
            if (entry.get("particle") or None) != (particle if entry.get("particle") else None):
                continue
            required = entry.get("requires_object_lemma")
            if required and not (obj is not None and self._has_lemma(obj, required)):
                continue
            prep_object = None
            if entry.get("prep"):
                holders = [verb] + ([obj] if obj is not None else [])
                prep_object = next((self._pobj(c) for h in holders for c in h.children
                                    if c.dep_ in ("prep", "agent") and c.lower_ == entry["prep"] and self._pobj(c) is not None), None)
                if prep_object is None:
                    continue
            elif entry["object"] in ("territory", "target", "actor") and obj is None:
                prep_object = next((self._pobj(c) for c in verb.children
                                    if c.dep_ == "prep" and c.lower_ in ("on", "against", "into", "to", "towards", "toward")
                                    and self._pobj(c) is not None), None)
                if entry.get("weak") and prep_object is None:
                    continue
            return entry, prep_object
        return None, None

    @staticmethod
    def _has_lemma(token, lemmas) -> bool:
        words = {token.lemma_.lower(), token.lower_}
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
        modifiers += [g for c in modifiers for g in c.children if g.dep_ == "compound"]  # "barrel bomb attack"
        words.update(c.lemma_.lower() for c in modifiers)
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                words.update(p.lemma_.lower() for p in prep.children if p.dep_ == "pobj")
        return bool(words & set(lemmas))

    @staticmethod
    def _pobj(prep):
        return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None

    def _subject(self, verb, passive):
        """Who acted: the subject, the passive agent, or the subject of the verb this one hangs from."""
        if passive:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            return self._pobj(agent)
        token = verb
        for _ in range(4):
            subject = next((c for c in token.children if c.dep_ in SUBJECTS), None)
            if subject is None:
                # The small model reads a sentence-initial "IS" as a verb ("IS began"): an actor
                # named right before the verb is its subject.
                subject = next((c for c in token.lefts if c.i in self.token_entity and c.dep_ in ("aux", "auxpass", "npadvmod")
                                and self._is_actor(self.token_entity[c.i])), None)
            if subject is not None:
                if subject.tag_ == "WDT" or subject.lower_ in ("that", "which", "who"):
                    return token.head if token.dep_ == "relcl" else None
                return subject
            if token.dep_ in ("relcl", "amod", "acl") and token.head.pos_ in ("NOUN", "PROPN"):
                return token.head  # "fighters, who advanced ...", "jihadists ... advanced Thursday to ..."
            if token.dep_ in ("xcomp", "conj", "advcl") and token.head != token:
                token = token.head
                continue
            return None
        return None

    def _noun_event(self, noun, article_id) -> Event | None:
        entry, specific = self._noun_entry(noun)
        if entry is None:
            return None
        if entry.get("agent") and noun.dep_ not in SUBJECTS:
            return None  # "including 11 suicide bombers": people, not an attack
        if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.ent_type_ == "DATE":
            return None  # "nine months of air strikes": a campaign, not one event
        if self._points_back(noun):
            return None  # "The attacks follow ...": points back to events told before
        words = self.table.words
        actor1 = actor2 = location = None
        possessor = next((c for c in noun.children if c.dep_ == "poss"), None)
        actor1 = self._actor(possessor)
        actor1 = actor1 or next((self.token_entity[c.i] for c in noun.children if c.dep_ in ("compound", "nmod")
                                 and c.i in self.token_entity and self._is_named_actor(self.token_entity[c.i])
                                 and not c.lower_.startswith("anti")), None)
        if actor1 is None and entry["event_type"] in words["state_violence_types"]:
            actor1 = self._country_forces(noun)  # "U.S. airstrikes", "Saudi-led air raids"
        light = noun.head if noun.dep_ in ("dobj", "nsubjpass") and noun.head.lemma_.lower() in words["light_verbs"] else None
        # The verb a noun hangs from may carry the noun's date ("began its assault ... on May 30",
        # "follow the capture last month of Palmyra"); a speech verb's date is the telling's.
        verb = light if light is not None else (
            noun.head if noun.dep_ in (*SUBJECTS, "dobj") and noun.head.pos_ in ("VERB", "AUX")
            and noun.head.lemma_.lower() not in self.table.speech_verbs else None)
        if light is not None:
            actor1 = actor1 or self._actor(self._subject(light, noun.dep_ == "nsubjpass"))
        # "a barrel bomb attack carried out by government forces", "the strike launched by the coalition"
        for verb in (c for c in noun.children if c.dep_ == "acl" and c.lemma_.lower() in words["perpetrating_verbs"]):
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            actor1 = actor1 or self._actor(self._pobj(agent), own_only=True)
        for prep in (c for c in noun.children if c.dep_ in ("prep", "agent")):
            pobj = self._pobj(prep)
            if pobj is None:
                continue
            word = prep.lower_
            if word == "between":
                found = [a for a in (self._actor(s, own_only=True) for s in [pobj, *pobj.conjuncts]) if a]
                if found:
                    actor1 = actor1 or found[0]
                    actor2 = actor2 or (found[1] if len(found) > 1 else None)
                for against in (c for c in pobj.subtree if c.dep_ == "prep" and c.lower_ == "against"):
                    actor2 = actor2 or self._actor(self._pobj(against))
            elif word in ("against", "with", "on", "by", "of") and self._actor(pobj, own_only=True):
                if word in ("by", "of"):
                    actor1 = actor1 or self._actor(pobj, own_only=True)
                else:
                    actor2 = actor2 or self._actor(pobj, own_only=True)
            if word in words["location_preps"]:
                location = location or self._place_in(pobj)
        if entry.get("weak") and not (actor1 or actor2):
            return None
        event = self._classified(entry, entry["sub_event_type"], actor1, actor2, location, noun, article_id,
                                 date_scope=verb)
        event.specific = specific
        return event

    @staticmethod
    def _points_back(noun) -> bool:
        """"the attacks", "such raids": a bare definite event noun names events told before."""
        children = list(noun.children)
        return any(c.dep_ == "det" and c.lower_ in ("the", "these", "those", "such") for c in children) and not any(
            c.dep_ in ("prep", "poss", "compound", "nmod", "nummod") for c in children)

    def _noun_entry(self, noun) -> tuple[dict | None, bool]:
        entries = self.table.nouns.get(noun.lower_) or self.table.nouns.get(noun.lemma_.lower())
        for entry in entries or ():
            modifier = entry.get("modifier")
            if modifier is None or self._has_lemma(noun, [modifier]):
                return entry, modifier is not None
        return None, False

    def _hinted_sub_type(self, entry, subject, target, verb) -> tuple[str, bool]:
        """The sub-type the words around the verb call for ("suicide bombers struck", "shelled with mortars")."""
        instruments = [self._pobj(c) for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"]
        subjects = [subject, *(c for c in verb.children if c.dep_ in SUBJECTS and c != subject)]
        holders = ((entry.get("subject_lemma_hint"), [*subjects, *instruments]), (entry.get("object_lemma_hint"), [target]),
                   (self.table.platforms, [*subjects, *instruments]))
        for hints, tokens in holders:
            for token in tokens:
                if not hints or token is None:
                    continue
                words = [token.lemma_.lower()] + [c.lemma_.lower() for c in token.children if c.dep_ in ("compound", "amod")]
                for lemma, sub_type in hints.items():
                    if lemma in words:
                        if hints is self.table.platforms and entry["event_type"] != "Battles":
                            continue
                        return sub_type, True
        return entry["sub_event_type"], False

    def _classified(self, entry, sub_type, actor1, actor2, location, trigger, article_id, date_scope=None) -> Event:
        words = self.table.words
        actor1_kind = self.entities[actor1].get("kind") if actor1 else None
        if sub_type == entry["sub_event_type"]:
            if actor1_kind in words["state_kinds"] and entry.get("government_sub_event_type"):
                sub_type = entry["government_sub_event_type"]
            elif actor1_kind and actor1_kind not in words["state_kinds"] and entry.get("nonstate_sub_event_type"):
                sub_type = entry["nonstate_sub_event_type"]
        # ACLED's Attack is violence against civilians; against an armed actor it is a battle.
        if sub_type == "Attack" and actor2 and self.entities[actor2].get("kind") in words["armed_kinds"] | words["state_kinds"]:
            sub_type = "Armed clash"
        event = Event(article_id, trigger, self.table.sub_event_types.get(sub_type, entry["event_type"]), sub_type,
                      actor1=actor1, actor2=actor2 if actor2 != actor1 else None, location=location)
        found = self._date_for(trigger) or (self._date_for(date_scope, own_only=True) if date_scope is not None else None)
        if found:
            event.date, event.precision, event.date_text = found
        return event

    # ---- arguments to entities ----------------------------------------------------

    def _is_actor(self, entity_id) -> bool:
        entity = self.entities[entity_id]
        return entity["type"] in ("ORG", "PERSON", "NORP") or (entity["type"] == "GPE" and entity.get("geo_precision") == "country")

    def _is_named_actor(self, entity_id) -> bool:
        return self.entities[entity_id]["type"] in ("ORG", "PERSON")

    def _is_place(self, entity_id) -> bool:
        return self.entities[entity_id]["type"] in PLACE_TYPES

    def _actor(self, token, own_only=False) -> int | None:
        """The actor an argument names, most direct evidence first.

        The entity on the head word ("ISIS", "the Kurds", "Iran"); a name beside it
        ("Syria's opposition National Coalition", "ISIS shock troops"); words for state
        forces ("regime helicopters", "troops loyal to ...", "pro-government
        militias"), which are the article's state forces; then a named group or
        person anywhere in the phrase, outside relative clauses.
        """
        if token is None:
            return None
        entity = self.token_entity.get(token.i)
        if entity is not None and self._is_actor(entity):
            return entity
        beside = [(c, self.token_entity.get(c.i)) for c in token.children
                  if c.dep_ in ("compound", "appos", "nmod", "poss", "amod") and not c.lower_.startswith("anti")]
        for candidate, entity in beside:
            if entity is not None and self.entities[entity]["type"] == "ORG":
                return entity
        if self.state_actor and self._names_state_forces(token):
            return self.state_actor  # "the Assad army": the army, not the man
        if token.lemma_.lower() in self.table.platforms:
            country = self._country_forces(token)  # "Israeli warplanes", "U.S. drones"
            if country is not None:
                return country
        if self.armed_actor and token.lemma_.lower() in self.table.side_words["combatant"] and not own_only:
            return self.armed_actor  # "the jihadists' capture of Palmyra" in a story about one armed group
        for candidate, entity in beside:
            if entity is not None and self._is_named_actor(entity):
                return entity
        if own_only:
            return None
        skip = {t.i for c in token.children if c.dep_ in ("relcl", "acl", "advcl") for t in c.subtree}
        for candidate in token.subtree:
            entity = self.token_entity.get(candidate.i)
            if candidate.i not in skip and entity is not None and self._is_named_actor(entity) and not candidate.lower_.startswith("anti"):
                return entity
        return None

    def _country_forces(self, token) -> int | None:
        """The state whose forces the words name ("U.S. airstrikes", "Israeli warplanes", "Saudi-led
        raids"): its curated state forces when the article names them, else the country itself."""
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")]
        modifiers += [g for c in modifiers if c.lower_ in ("led", "backed") for g in c.children
                      if g.dep_ in ("compound", "npadvmod", "amod", "nmod")]
        for modifier in modifiers:
            key = self.token_entity.get(modifier.i)
            if key is not None and self.entities[key]["type"] == "GPE" and self.entities[key].get("geo_precision") == "country":
                code = self.entities[key].get("country_code")
            else:
                code = demonym_country(modifier.text)
            if not code:
                continue
            forces = [k for k in state_forces().get(code, ()) if k in self.entities]
            if forces:
                return forces[0]
            if f"place:country:{code}" in self.entities:
                return f"place:country:{code}"
        return None

    def _names_group(self, token) -> bool:
        """Whether the words name the group ("Shabab gunmen", "IS attackers")."""
        return any(t.i in self.token_entity and self._is_named_actor(self.token_entity[t.i]) for t in token.subtree)

    def _names_state_forces(self, token) -> bool:
        """"regime helicopters", "government troops", "soldiers", "pro-Assad warplanes", "pro-regime forces"."""
        state = self.table.side_words["state"]
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
        if any(c.lemma_.lower() in self.table.side_words["combatant"] | self.table.words["non_state_modifiers"]
               for c in modifiers):
            return False  # "rebel troops", "opposition soldiers"
        if token.lemma_.lower() in state or any(c.lemma_.lower() in state for c in modifiers):
            return True
        text = " ".join(c.text for c in token.lefts)
        if self.pro_state.search(text.lower()):
            return True
        # "pro-Assad forces", "pro-Gaddafi militias": support for a named leader, not for a
        # people or a country ("pro-Kurdish", "pro-Russian")
        leader = PRO_NAME.search(text)
        return bool(leader) and not names_a_group(leader.group(1))


    def _place_in(self, token) -> int | None:
        """The most specific place an argument names (a town over its country)."""
        if token is None:
            return None
        skip = {t.i for c in token.subtree if c.dep_ == "relcl" for t in c.subtree}  # "the town, which lies north of X"
        places = [self.token_entity[t.i] for t in token.subtree
                  if t.i in self.token_entity and t.i not in skip and self._is_place(self.token_entity[t.i])]
        places = list(dict.fromkeys(places))
        if not places:
            return None
        local = [p for p in places if self.entities[p].get("geo_precision") != "country"]
        return (local or places)[0]

    def _place(self, event: Event, sent) -> None:
        """Settle where: the argument's place, else a place in the trigger's phrases, else in the sentence.

        A country stands for the article's main town when that town is in it ("posts in
        northeastern Syria" in a story about Hasakah). A place GeoNames lacks (a
        neighbourhood) is kept as sub_location and the event placed at the town the
        sentence or the article is about.
        """
        def places(tokens, precisions):
            return [self.token_entity[t.i] for t in tokens if t.i in self.token_entity and self._is_place(self.token_entity[t.i])
                    and self.entities[self.token_entity[t.i]].get("geo_precision") in precisions]

        if event.location is None:
            event.location = next(iter(places(event.trigger.subtree, ("exact", "region", None))), None)
        if event.location is None and any(t.lemma_.lower() in self.table.words["anaphoric_place_nouns"] for t in sent):
            event.location = self.focus  # "checkpoints inside the city" in a story about one city
        if event.location is None or self.entities[event.location].get("geo_precision") == "country":
            local = places(sent, ("exact", "region", None))
            if local:
                event.location = local[0]
            elif event.location is not None and self.focus is not None and \
                    self.entities[self.focus].get("country_code") == self.entities[event.location].get("country_code"):
                event.location = self.focus
        if event.location is not None and self.entities[event.location].get("latitude") is None:
            geocoded = places(sent, ("exact", "region"))
            event.sub_location = event.location
            event.location = geocoded[0] if geocoded else self.focus

    # ---- merging, dates, casualties ----------------------------------------------

    def _merge_nested(self, events: list[Event]) -> list[Event]:
        """A trigger inside another's phrase is the same event ("advanced ... after fighting with X",
        "launched raids ..., targeting the highway"); the more specific sub-type wins."""
        kept: list[Event] = []
        for event in sorted(events, key=lambda e: (len(list(e.trigger.ancestors)), e.trigger.i)):
            outer = next((k for k in kept if event.trigger.i in {t.i for t in k.trigger.subtree}
                          and not self._own_clause(event.trigger, k.trigger)
                          and event.trigger.head.lemma_.lower() not in self.table.speech_verbs
                          and (k.event_type == event.event_type
                               or event.trigger.head == k.trigger and event.trigger.dep_ in ("dobj", "nsubjpass"))), None)
            if outer is None:
                kept.append(event)
                continue
            if event.specific and not outer.specific:
                outer.sub_event_type, outer.specific = event.sub_event_type, True
            outer.actor2 = outer.actor2 or (event.actor2 if event.actor2 != outer.actor1 else None) or (
                event.actor1 if event.actor1 != outer.actor1 else None)
            outer.actor1 = outer.actor1 or event.actor1
            outer.location = outer.location or event.location
            outer.take_date(event)
        return sorted(kept, key=lambda e: e.trigger.i)

    @staticmethod
    def _own_clause(inner, outer) -> bool:
        """Whether inner sits in a clause of its own under outer ("captured X, and fighters launched Y")."""
        token = inner
        while token != outer and token.head != token:
            if token.pos_ in ("VERB", "AUX") and (token.dep_ == "conj" or any(
                    c.dep_ in SUBJECTS and c.tag_ not in ("WDT", "WP") for c in token.children)):
                return True
            token = token.head
        return False

    def _date_for(self, trigger, own_only=False):
        """(iso, precision, text) of the date expression in the trigger's own phrase, if any.

        own_only: only time words hanging on the trigger itself ("began its assault ... on
        May 30"), not those deeper in its objects ("follow the capture last month of ...").
        """
        if own_only:
            subtree = {t.i for c in trigger.children if c.dep_ in ("npadvmod", "prep", "tmod", "advmod")
                       and (c.dep_ != "prep" or c.lower_ in ("on", "in", "at", "during")) for t in c.subtree}
        else:
            subtree = {t.i for t in trigger.subtree} - self._speech_parts(trigger)
        sent = self.sentence
        dates = self.date_entities
        for ent in dates[bisect_left(self.date_starts, sent.start):bisect_left(self.date_starts, sent.end)]:
            if not any(t.i in subtree for t in ent):
                continue
            before = trigger.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            if before in ("since", "until", "for") or ent.text.lower().startswith(("since", "the past", "the last")):
                continue
            resolved = resolve_event_date(ent.text, self.published)
            if resolved:
                return resolved.iso, resolved.precision, ent.text
        return None

    def _speech_parts(self, trigger) -> set[int]:
        """Tokens of speech clauses under the trigger ("..., a source told AFP on Wednesday")."""
        parts = set()
        for token in trigger.subtree:
            if token != trigger and token.pos_ == "VERB" and token.lemma_.lower() in self.table.speech_verbs:
                parts.update(t.i for t in token.subtree)
        return parts

    def _fatalities(self, sent, numerals: list, events: list[Event], running: bool = False) -> None:
        """Deaths reported in the sentence, added to the event they belong to, with the split by side.

        "left 27 regime fighters and 26 jihadists dead" is 53, split 27 and 26; "at least
        119 people have died ..., among them 71 regime forces and 48 ISIS fighters" is 119,
        split 71 and 48 (numbers under "among", "including" are parts of the total
        before them, not more deaths). running: the events are running totals, whose
        cumulative counts are theirs.
        """
        if not events:
            return
        numbers = [n for n in (self._counted(token) for token in numerals) if n]
        fatal = [(noun, value) for noun, value in numbers if self._is_fatal(noun, running)]
        hurt = [(noun, value) for noun, value in numbers if (noun, value) not in fatal and self._is_injured(noun)]
        if hurt:
            event = self._event_for_casualties(events, hurt[0][0]) or (events[0] if len(events) == 1 else None)
            if event is not None:
                event.injured = (event.injured or 0) + sum(value for _, value in hurt)
        if not fatal:
            return
        fatal_nouns = [noun for noun, _ in fatal]
        totals, parts = [], defaultdict(list)
        for noun, value in numbers:
            whole = self._breakdown_of(noun, fatal_nouns)
            if whole is not None:
                parts[whole.i].append((noun, value))
            elif noun in fatal_nouns:
                totals.append((noun, value))
        if not totals:
            return
        # Numbers conjoined under one fatal word are sides of one toll and add up ("left 27
        # regime fighters and 26 jihadists dead"); a sentence that gives the toll twice
        # ("Blast kills six ... A bomb blast killed six people") gives it once: the largest.
        groups = defaultdict(list)
        for noun, value in totals:
            groups[_toll_head(noun)].append((noun, value))
        totals = max(groups.values(), key=lambda group: sum(value for _, value in group))
        event = self._event_for_casualties(events, totals[0][0])
        if event is None:
            return
        sides = totals if len(totals) > 1 else parts.get(totals[0][0].i, [])
        event.fatalities = (event.fatalities or 0) + sum(value for _, value in totals)
        event.sides = [(self._side(noun, event), _noun_phrase(noun), value) for noun, value in sides]
        named = list(dict.fromkeys(side for side, _, _ in event.sides if side))
        if not event.actor1 and not event.actor2 and len(named) == 2:
            event.actor1, event.actor2 = named  # the sides of the toll are the two sides of the fighting

    @staticmethod
    def _counted(token):
        """(counted noun, value) for a number that counts people or things ("27 fighters", "119"), else None."""
        if not token.like_num or token.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"):
            return None
        if token.dep_ in ("quantmod", "compound") and token.head.like_num:
            return None  # "20" in "20 to 30", "Sixty" in "Sixty-seven"
        value = _number(token)
        if value is None or (1900 <= value <= 2100 and token.ent_type_ != "CARDINAL"):
            return None
        noun = token.head if token.dep_ in ("nummod", "quantmod") and token.head.pos_ in ("NOUN", "PROPN") else token
        return noun, value

    def _is_injured(self, noun) -> bool:
        """Whether the counted noun is hurt, not dead: "35 wounded", "five injured", "wounding 20"."""
        injury = self.table.words["injury_words"]
        return bool(_own_modifiers(noun) & injury) or noun.head.lemma_.lower() in injury or noun.head.lower_ in injury

    def _is_fatal(self, noun, running: bool = False) -> bool:
        """Whether the counted noun is dead: argument of a fatal word, and no running total (unless running)."""
        words = self.table.words
        own = _own_modifiers(noun)
        if own & words["injury_words"] and not own & words["fatal_words"]:
            return False  # "Three people were killed and five injured": the five are hurt
        token = noun
        while token.dep_ == "conj" and token.head != token:
            token = token.head
        head = token.head
        related = [head] + [c for c in head.children if c.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "advcl")]
        related += [c for n in (token, *token.conjuncts) for c in n.children if c.dep_ in ("amod", "acl")]
        lemmas = {t.lemma_.lower() for t in related} | {t.lower_ for t in related}
        if token.dep_ == "pobj" and head.dep_ == "prep":  # "the death toll rose to 50", "the toll stood at 12"
            verb = head.head
            lemmas |= {c.lemma_.lower() for c in verb.children if c.dep_ in SUBJECTS}
            lemmas |= {g.lemma_.lower() for c in verb.children if c.dep_ in SUBJECTS for g in c.children}
            head = verb
        if not lemmas & words["fatal_words"]:
            return False
        if token.dep_ == "nsubj" and head.lemma_.lower() in words["killing_verbs"]:
            return False  # "Four suicide bombers killed six people": the four are the killers
        if lemmas & words["injury_words"] and not lemmas & {"kill", "dead", "die"}:
            return False
        return running or not self._cumulative(head, token)

    def _cumulative(self, verb, noun) -> bool:
        """A running total: "since" a year or the start of a war, "the conflict has killed", "in total"."""
        words = self.table.words
        for since in (c for c in verb.subtree if c.lower_ == "since" and c.dep_ in ("prep", "mark")):
            clause = since.head if since.dep_ == "mark" else since
            if any((t.like_num and t.ent_type_ == "DATE") or re.fullmatch(r"(19|20)\d\d", t.text)
                   or t.lemma_.lower() in words["cumulative_since_nouns"] for t in clause.subtree):
                return True
        if any(c.dep_ in SUBJECTS and c.lemma_.lower() in words["cumulative_subjects"] for c in verb.children):
            return True
        if any(p.dep_ == "pobj" and p.lemma_.lower() in words["cumulative_subjects"] for c in verb.children
               if c.dep_ == "prep" and c.lower_ in ("in", "during", "throughout") for p in c.children):
            return True  # "200,000 people have died in the conflict"
        return any(t.lemma_.lower() in words["cumulative_words"] for t in noun.subtree)

    def _breakdown_of(self, noun, totals):
        """The total this counted noun is a part of ("among them 71 ..."), or None."""
        words = self.table.words
        token = noun
        for _ in range(4):
            if token.dep_ == "conj":
                token = token.head
                continue
            parent = token.head
            if parent == token:
                return None
            if parent.lower_ in words["breakdown_words"] or parent.lemma_.lower() in words["breakdown_words"]:
                anchor = parent.head
                earlier = [t for t in totals if t != noun and t.i < noun.i
                           and (t == anchor or anchor in t.ancestors or t in anchor.subtree)]
                return earlier[-1] if earlier else None
            token = parent
        return None

    def _event_for_casualties(self, events: list[Event], noun) -> Event | None:
        ancestors = {t.i for t in noun.ancestors}
        for event in events:
            if event.trigger.i in ancestors or noun.i in {t.i for t in event.trigger.subtree}:
                return event
        return events[0] if events else None

    def _side(self, noun, event: Event) -> int | None:
        """Which actor a share of the toll belongs to: an entity in its words, else by what they are."""
        for token in noun.subtree:
            entity_id = self.token_entity.get(token.i)
            if entity_id is not None and self._is_named_actor(entity_id):
                return entity_id
        lemmas = {t.lemma_.lower() for t in noun.subtree}
        actors = [a for a in (event.actor1, event.actor2) if a]
        state = [a for a in actors if self.entities[a].get("kind") in self.table.words["state_kinds"]]
        other = [a for a in actors if a not in state]
        if lemmas & self.table.side_words["state"]:
            return state[0] if state else self.state_actor
        if lemmas & self.table.side_words["combatant"]:
            # "26 jihadists": the other side of the event, else the armed group the article is about
            return other[0] if other else self.armed_actor
        return None

    # ---- who said what ----------------------------------------------------------

    def _attributions(self, sent, cues: list, last_speaker):
        """[(speaker id, speaker text, claim, cue)] for the sentence (cues: its speech verbs and "according"
        candidates), and the last named speaker so far."""
        found = []
        for token in cues:
            lemma = token.lemma_.lower()
            speaker_token = None
            if lemma in self.table.speech_verbs and token.pos_ == "VERB":
                speaker_token = next((c for c in token.children if c.dep_ in SUBJECTS), None)
                if speaker_token is None:
                    agent = next((c for c in token.children if c.dep_ == "agent"), None)
                    speaker_token = self._pobj(agent) if agent is not None else None
                cue = lemma
                claim_root = next((c for c in token.children if c.dep_ == "ccomp"), None)
            elif token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
                speaker_token = self._pobj(token.nbor(1))
                cue = "according to"
                claim_root = None
            else:
                continue
            if speaker_token is None:
                continue
            speaker_text = _phrase(speaker_token)
            speaker_id = self._speaker(speaker_token)
            if speaker_id is None and speaker_token.lower_ in self.table.speaker_pronouns:
                speaker_id = last_speaker
            if speaker_id is not None and self.entities[speaker_id]["type"] in ("PERSON", "ORG"):
                last_speaker = speaker_id if self.entities[speaker_id]["type"] == "PERSON" else last_speaker
            claim = _claim(sent, token, claim_root, speaker_token)
            if claim:
                found.append((speaker_id, speaker_text, claim, cue))
        return found, last_speaker

    def _speaker(self, token) -> int | None:
        for candidate in [token] + list(token.subtree):
            entity_id = self.token_entity.get(candidate.i)
            if entity_id is not None and self._is_named_actor(entity_id):
                return entity_id
        return None


def _own_modifiers(noun) -> set[str]:
    """The words (as written and as lemmas) that describe the counted noun itself ("five injured")."""
    modifiers = [c for c in noun.children if c.dep_ in ("amod", "acl")]
    return {c.lower_ for c in modifiers} | {c.lemma_.lower() for c in modifiers}


def _toll_head(noun) -> int:
    """The word a counted noun's toll hangs from, past conjuncts ("27 fighters and 26 jihadists")."""
    token = noun
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    return token.head.i


def same_occurrence(mentions: list[tuple], table: Lexicon) -> list[list]:
    """Groups of mentions of one bombing, strike or massacre, by key.

    mentions: (key, location, day, event type, sub-type, actor1), day None unless precise to the
    day. One occurrence: one-sided violence (one_off_types) at one place on one day, with no two
    different first actors; mentions naming different weapons (weapon_families) are different
    occurrences, and a mention naming none then belongs to neither.
    """
    one_off, family = table.words["one_off_types"], table.weapon_family
    by_day = defaultdict(list)
    for key, location, day, event_type, sub_type, actor1 in mentions:
        if location and day and event_type in one_off:
            by_day[(location, day)].append((key, family.get(sub_type), actor1))
    groups = []
    for found in by_day.values():
        weapons = {weapon for _, weapon, _ in found} - {None}
        for weapon in weapons if len(weapons) > 1 else [None]:
            group = [(key, actor1) for key, w, actor1 in found if weapon is None or w == weapon]
            if len(group) > 1 and len({actor1 for _, actor1 in group} - {None}) <= 1:
                groups.append([key for key, _ in group])
    return groups


def claimant_tokens(verb) -> list:
    """The words of the claim's subject ("No group" has "no")."""
    return [t for c in verb.children if c.dep_ in SUBJECTS for t in c.subtree]


def _number(token) -> int | None:
    text = token.text.replace(",", "")
    value = int(text) if text.isdigit() else NUMBER_WORDS.get(token.lower_)
    if value is not None and value < 10:  # "Sixty-seven": the tens are a compound before it
        value += sum(TENS.get(c.lower_, 0) for c in token.children if c.dep_ == "compound" and c.i < token.i)
    return value


def _phrase(token) -> str:
    """The words of a token's phrase, without relative clauses and parentheticals."""
    skip = set()
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "advcl"):
            skip.update(t.i for t in child.subtree)
    words = [t for t in token.subtree if t.i not in skip]
    return token.doc[words[0].i: words[-1].i + 1].text.strip(" ,") if words else token.text


def _noun_phrase(noun) -> str:
    """The counted noun with its modifiers: "regime fighters", "ISIS fighters"."""
    words = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i and not c.like_num]
    return " ".join(t.text for t in [*words, noun])


def _claim(sent, verb, claim_root, speaker_token) -> str:
    """What was claimed: the reported clause, else the sentence without the attribution."""
    if claim_root is not None:
        text = sent.doc[claim_root.left_edge.i: claim_root.right_edge.i + 1].text
    else:
        drop = {t.i for t in speaker_token.subtree} | {verb.i}
        if verb.lower_ == "according":
            drop |= {t.i for t in verb.subtree}
        else:
            drop |= {t.i for c in verb.children if c.dep_ in ("dobj", "dative", "prep", "npadvmod") for t in c.subtree}
        kept = [t for t in sent if t.i not in drop]
        text = "".join(t.text_with_ws for t in kept)
    text = re.sub(r"\s+", " ", text).strip(" ,;:\"“”'‘’")
    return text if len(text.split()) >= 3 else ""


# ---- across articles -------------------------------------------------------------


def article_events(article: ArticleEvents, entities: dict[str, dict]) -> dict[str, list[dict]]:
    """Rows of events, event_fatalities and attributions for one article.

    Entity columns (actor1_id, location_id, side_id, speaker_id...) hold entity keys
    here; the store turns them into entity ids once the corpus-wide merge has run.
    Every id is unique within the article by construction (its trigger, or its position).
    """
    extractor = EventExtractor(entities)
    events, attribution_rows = extractor.article(article)
    event_rows, fatality_rows = [], []
    for event in events:
        event_id = stable_id("event", article.id, event.sentence_id, event.trigger.i)
        place = entities.get(event.location) if event.location else None
        event_rows.append({
            "id": event_id,
            "article_id": article.id,
            "sentence_id": event.sentence_id,
            "event_type": event.event_type,
            "sub_event_type": event.sub_event_type,
            "actor1_id": event.actor1,
            "actor2_id": event.actor2,
            "location_id": event.location,
            "sub_location_id": event.sub_location,
            "event_date": event.date,
            "date_precision": event.precision,
            "date_text": event.date_text,
            "fatalities": event.fatalities,
            "injured": event.injured,
            "latitude": place.get("latitude") if place else None,
            "longitude": place.get("longitude") if place else None,
            "trigger": event.trigger.text,
            "attributed_to_id": event.attributed_to,
            "evidence": event.evidence,
        })
        for position, (entity_key, side, count) in enumerate(event.sides):
            fatality_rows.append({"id": stable_id("fatality", event_id, position), "event_id": event_id,
                                  "side_id": entity_key, "side": side, "count": count})
    statement_rows = [{
        "id": stable_id("statement", article.id, statement.sentence_id, statement.trigger.i),
        "article_id": article.id, "sentence_id": statement.sentence_id, "realis": statement.realis,
        "event_type": statement.event_type, "sub_event_type": statement.sub_event_type,
        "actor1_id": statement.actor1, "actor2_id": statement.actor2, "location_id": statement.location,
        "event_date": statement.date, "date_precision": statement.precision, "fatalities": statement.fatalities,
        "trigger": statement.trigger.text, "evidence": statement.evidence,
    } for statement in extractor.statements]
    return {"events": event_rows, "event_fatalities": fatality_rows, "event_statements": statement_rows,
            "attributions": attribution_rows}


def cluster_events(event_rows: list[dict]) -> list[dict]:
    """Group event rows that report one real-world event; set each row's cluster_id; return cluster rows.

    Each row also carries its article's story_id and outlet. Two reports are one event
    when they are the same sentence in copies of one story (the AFP report run by two
    outlets), or when they agree on what (sub-type), who (actor1), where (location) and
    the day, all stated, or when reports of different stories tell the same type of event at
    the same place on the same day, with no two different first actors. Every test is
    blocked (by story and type; by the facts; by type, place and day), so the work grows
    with the corpus, not with its square. A cluster's id is its smallest
    event id, so it stays while that report stays.
    """
    from rapidfuzz import fuzz, process

    parent = {row["id"]: row["id"] for row in event_rows}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a, b):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_story = defaultdict(list)
    for row in event_rows:
        by_story[(row["story_id"], row["event_type"])].append(row)
    for rows in by_story.values():
        if len({r["article_id"] for r in rows}) < 2:
            continue
        scores = process.cdist([r["evidence"] for r in rows], [r["evidence"] for r in rows],
                               scorer=fuzz.ratio, score_cutoff=SAME_SENTENCE)
        for i, a in enumerate(rows):
            for j in scores[i].nonzero()[0]:
                if j > i and a["article_id"] != rows[j]["article_id"]:
                    join(a["id"], rows[j]["id"])
    by_facts = defaultdict(list)
    for row in event_rows:
        if row["actor1_id"] and row["location_id"] and row["event_date"] and row["date_precision"] == "day":
            by_facts[(row["sub_event_type"], row["actor1_id"], row["location_id"], row["event_date"])].append(row)
    for rows in by_facts.values():
        for other in rows[1:]:
            join(rows[0]["id"], other["id"])

    # One article's mentions of one bombing, strike or massacre (same_occurrence)
    mentions = [(row["id"], row["location_id"], row["event_date"] if row["date_precision"] == "day" else None,
                 row["event_type"], row["sub_event_type"], row["actor1_id"]) for row in event_rows]
    by_article = defaultdict(list)
    for row, mention in zip(event_rows, mentions):
        by_article[row["article_id"]].append(mention)
    for article_mentions in by_article.values():
        for group in same_occurrence(article_mentions, lexicon()):
            for other in group[1:]:
                join(group[0], other)

    # Reports by other outlets, in their own words: the same kind of event at the same town on the
    # same day, their first actors not at odds ("a suicide bombing in Jableh on Monday").
    by_day = defaultdict(list)
    for row in event_rows:
        if row["location_id"] and row["event_date"] and row["date_precision"] == "day":
            by_day[(row["event_type"], row["location_id"], row["event_date"])].append(row)
    for rows in by_day.values():
        actors = {row["id"]: {row["actor1_id"]} - {None} for row in rows}  # a group's named first actors
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                ra, rb = root(a["id"]), root(b["id"])
                joined = actors.get(ra, set()) | actors.get(rb, set())
                if a["story_id"] != b["story_id"] and ra != rb and len(joined) <= 1:
                    join(ra, rb)
                    actors[root(ra)] = joined

    members = defaultdict(list)
    for row in event_rows:
        row["cluster_id"] = root(row["id"])
        members[row["cluster_id"]].append(row)
    clusters = []
    for cluster_id, rows in members.items():
        def common(column):
            values = Counter(r[column] for r in rows if r[column] is not None)
            return min(values, key=lambda v: (-values[v], str(v))) if values else None

        dated = sorted((r for r in rows if r["event_date"]), key=lambda r: ({"day": 0, "week": 1, "month": 2, "year": 3}[r["date_precision"]], r["event_date"]))
        fatalities = [r["fatalities"] for r in rows if r["fatalities"] is not None]
        clusters.append({
            "id": cluster_id,
            "event_type": common("event_type"),
            "sub_event_type": common("sub_event_type"),
            "actor1_id": common("actor1_id"),
            "actor2_id": common("actor2_id"),
            "location_id": common("location_id"),
            "event_date": dated[0]["event_date"] if dated else None,
            "date_precision": dated[0]["date_precision"] if dated else None,
            "fatalities": max(fatalities) if fatalities else None,
            "latitude": common("latitude"),
            "longitude": common("longitude"),
            "event_count": len(rows),
            "article_count": len({r["article_id"] for r in rows}),
            "story_count": len({r["story_id"] for r in rows}),
            "source_count": len({r["outlet"] for r in rows}),
            "evidence": min(rows, key=lambda r: r["id"])["evidence"],
        })
    return clusters
