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

Events that several articles report are grouped into clusters (clusters.py: one
real-world event, and how many sources report it), and every "X said", "told AFP",
"according to X" becomes an attribution: who claimed what, in which sentence.
"""

from __future__ import annotations

import re
from collections import Counter

from .actors import load_actors
from .attributions import Attributions
from .dates import DAY_IN_NUMBERS, EventDate, names_a_day, weekday_anchor
from .ids import stable_id
from .lexicon import WordIndex, is_trigger, lexicon
from .realis import SPECIFIC, RealisReader
from .roles import Roles
from .tolls import Tolls
from .triggers import ArticleEvents, Event, Triggers
from .where_when import PlacesAndDates


class EventExtractor(Triggers, Roles, PlacesAndDates, Tolls, Attributions):
    """Reads one article's events; entities are the article's own, by entity key (link.ArticleLinks).

    One concern per module, each a mixin of this class: triggers (what happened), roles
    (who), where_when (where and when), tolls (how many died), attributions (who said so);
    realis.py says whether it happened, clusters.py which reports are one event.
    """

    def __init__(self, entities: dict[str, dict]):
        self.entities = entities  # entity key -> type, kind, name, place fields
        self.table = lexicon()
        # Per article: token index -> entity id, the article's state forces, its main place.
        self.token_entity: dict[int, int] = {}
        self.side_actors: dict[str, str] = {}  # "rebel" -> the entity the article's "rebels" are
        self.state_actor: int | None = None
        self.armed_actor: int | None = None
        self.focus: int | None = None
        self.published: str | None = None
        self.weekday_anchor = None  # an undated article: the day its text states, for its weekdays
        self.previous_date = None  # the date of the last event told, for "six days later"
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
        self.side_actors = self._side_actors(doc, article.mentions)
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
        self.date_entities = self._date_spans(doc, article.text)
        self.date_starts = [ent.start for ent in self.date_entities]
        # an article the page leaves undated counts its weekdays from the day its text states
        self.previous_date = None
        self.weekday_anchor = None if self.published else weekday_anchor(
            [ent.text for ent in self.date_entities], article.text)
        day_dates = {t.i for ent in self.date_entities if names_a_day(ent.text) or (
            (resolved := self._event_date(ent.text)) and resolved.precision == "day") for t in ent}
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
            self._no_deaths(body[sent.start_char:sent.end_char], found, events, number)
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
                if event.date and event.precision in ("day", "month"):
                    self.previous_date = EventDate(event.date, event.precision)
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
                event.location, event.place_told = self._story_place(event.trigger.sent), False
        self._lead_dates(events)
        for event in events:
            if event.unnamed_actor:
                event.actor1 = None
        self._identified(doc, events)
        self._claimed(doc, events)
        self._killed_in_fighting(events)
        self._generic_to_specific(events)
        self._same_event_dates(events)
        self._same_event_tolls(events)
        self._one_air_force(events)
        self._arresting_state(events)
        return events, attributions

    @staticmethod
    def _date_spans(doc, body: str) -> list:
        """The model's DATE and TIME entities, and the days written in numbers it leaves out
        ("05.02.2015", "2015-02-05"), in text order."""
        spans = [ent for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
        taken = {t.i for ent in spans for t in ent}
        for match in DAY_IN_NUMBERS.finditer(body):
            span = doc.char_span(match.start(), match.end(), label="DATE")
            if span is not None and not any(t.i in taken for t in span):
                spans.append(span)
        return sorted(spans, key=lambda span: span.start)

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


    # ---- arguments to entities ----------------------------------------------------


    # ---- merging, dates, casualties ----------------------------------------------


    # ---- who said what ----------------------------------------------------------


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


