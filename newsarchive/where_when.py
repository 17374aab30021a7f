"""Where and when: an event's place and date, from its words, its sentence and the article.

A part of events.EventExtractor (a mixin): it reads the extractor's per-article state
(entities, token_entity, table, sentence, focus, state_actor, armed_actor).
"""

from __future__ import annotations

from bisect import bisect_left

from .clusters import NEAR_KM, distance_km
from .dates import EventDate, nearest_weekday, relative_to, resolve_event_date
from .triggers import Event


PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


class PlacesAndDates:
    def _event_date(self, expression: str) -> EventDate | None:
        """What a date expression says, against the article's date, or for an undated article
        against the day its text states (weekday_anchor: its weekdays only); "six days later", "a month
        earlier" against the date of the event told before it (previous_date)."""
        resolved = resolve_event_date(expression, self.published)
        if resolved is None and self.weekday_anchor is not None:
            resolved = nearest_weekday(expression, self.weekday_anchor)
        if resolved is None:
            resolved = relative_to(expression, self.previous_date)  # "Six days later"
        return resolved

    def _place_in(self, token) -> int | None:
        """The most specific place an argument names (a town over its country)."""
        if token is None:
            return None
        skip = {t.i for c in token.subtree if c.dep_ == "relcl" for t in c.subtree}  # "the town, which lies north of X"
        places = [self.token_entity[t.i] for t in token.subtree
                  if t.i in self.token_entity and t.i not in skip and self._is_place(self.token_entity[t.i])
                  and self._tells_where(t)]
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
                    and self.entities[self.token_entity[t.i]].get("geo_precision") in precisions
                    and self._tells_where(t)]

        if event.location is None:
            event.location = next(iter(places(event.trigger.subtree, ("exact", "region", None))), None)
        if event.location is None and any(t.lemma_.lower() in self.table.words["anaphoric_place_nouns"] for t in sent):
            event.location = self.focus  # "checkpoints inside the city" in a story about one city
        speakers = self._speakers(event.trigger)
        told = [t for t in sent if t.i not in speakers]  # not "The U.N. office in Geneva said ..."
        if event.location is None or self.entities[event.location].get("geo_precision") == "country":
            local = places(told, ("exact", "region", None))
            if local:
                event.location = local[0]
            elif event.location is not None and self.focus is not None and \
                    self.entities[self.focus].get("country_code") == self.entities[event.location].get("country_code"):
                event.location = self.focus
        if event.location is not None and self.entities[event.location].get("latitude") is None:
            geocoded = places(told, ("exact", "region"))
            event.sub_location = event.location
            event.location = geocoded[0] if geocoded else self.focus


    def _tells_where(self, token) -> bool:
        """A place word that tells where: not where people are from, nor the neighbour across a border."""
        return not self._nationality(token) and not _across_a_border(token)

    def _nationality(self, token) -> bool:
        """"French and Belgium nationals", "two United States service members": a country naming people
        by where they are from, not where it happened."""
        head = token
        while head.dep_ in ("compound", "amod", "nmod", "conj") and head.head is not head:
            head = head.head
            if head.pos_ == "NOUN":
                break
        return head is not token and head.pos_ == "NOUN" and head.lemma_.lower() in self.table.words["people_nouns"]

    def _speakers(self, trigger) -> set[int]:
        """The subjects of the speech verbs the event is told under ("The U.N. human rights office in
        Geneva also said ... civilians died") and of a clause that blames someone for it: where the
        teller is, not where it happened."""
        found = set()
        for verb in trigger.ancestors:
            if verb.pos_ == "VERB" and verb.lemma_.lower() in self.table.speech_verbs:
                found.update(t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree)
        # "the chemical attack, which Washington blames on Damascus": who lays the blame is no place of it
        for blaming in (t for t in trigger.subtree if t.dep_ in ("relcl", "acl")
                        and t.lemma_.lower() in self.table.words["blaming_verbs"]):
            found.update(t.i for c in blaming.children if c.dep_ == "nsubj" for t in c.subtree)
        return found

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


    def _date_for(self, trigger, own_only=False):
        """(iso, precision, text) of the date expression in the trigger's own phrase, if any.

        own_only: only time words hanging on the trigger itself ("began its assault ... on
        May 30") or on a verb joined to it with no subject of its own, not those deeper in its
        objects ("follow the capture last month of ...").
        """
        if own_only:
            # and the verbs joined to it that share its subject: "Bombs killed 150 and wounded 200 ... on Monday"
            heads = [trigger, *(c for c in trigger.children if c.dep_ == "conj" and c.pos_ == "VERB"
                                and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children))]
            subtree = {t.i for head in heads for c in head.children if c.dep_ in ("npadvmod", "prep", "tmod", "advmod")
                       and (c.dep_ != "prep" or c.lower_ in ("on", "in", "at", "during")) for t in c.subtree}
        else:
            subtree = {t.i for t in trigger.subtree} - self._speech_parts(trigger)
        # a clause joined with a subject of its own tells its own time ("captured most of Darfur last year,
        # and fighters ... launched a major assault last month"), unless the trigger's clause tells none
        # ("were killed and hundreds were injured Sunday")
        joined = {t.i for c in trigger.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
                  and any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children) for t in c.subtree}
        sent = self.sentence
        dates = self.date_entities
        in_sentence = dates[bisect_left(self.date_starts, sent.start):bisect_left(self.date_starts, sent.end)]
        if not own_only:
            # "on January 25, when it fired dozens of rockets": a clause told of a date has that date
            head = trigger
            while head.dep_ in ("conj", "xcomp") and head.head is not head:
                head = head.head
            when = next((c for c in head.children if c.dep_ == "advmod" and c.lower_ == "when"), None)
            if head.dep_ in ("relcl", "advcl") and when is not None:
                before = when.i - 1 - (when.i > 0 and trigger.doc[when.i - 1].is_punct)
                subtree |= {t.i for ent in in_sentence if head.head.i in range(ent.start, ent.end)
                            or ent.end - 1 == before for t in ent}
        found = []
        for ent in in_sentence:
            if not any(t.i in subtree for t in ent):
                continue
            before = trigger.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            if before in ("since", "until", "for") or ent.text.lower().startswith(("since", "the past", "the last")):
                continue
            resolved = self._event_date(ent.text)
            if resolved:
                found.append((ent.start not in joined, resolved.iso, resolved.precision, ent.text))
        own = [date for date in found if date[0]] or found
        # the most precise of them: "Date of publication 11 October 2017 ... blew themselves up ... on Wednesday"
        return min(own, key=lambda d: PRECISION_RANK[d[2]])[1:] if own else None


    def _speech_parts(self, trigger) -> set[int]:
        """Tokens of speech clauses under the trigger ("..., a source told AFP on Wednesday")."""
        parts = set()
        for token in trigger.subtree:
            if token != trigger and token.pos_ == "VERB" and token.lemma_.lower() in self.table.speech_verbs:
                parts.update(t.i for t in token.subtree)
        return parts


    def _lead_dates(self, events: list[Event]) -> None:
        """A report's first paragraphs tell its lead event: an event told without a date of its own, at
        the lead's place, before it or within a few sentences after it, is of the lead's day (its
        date_text says so). The lead is the first event dated to the day, else the first dated one."""
        lead = next((e for e in events if e.precision == "day"), None) or next((e for e in events if e.date), None)
        if lead is None:
            return
        # a lead dated only to its week, month or year reaches back no further than forward
        first = 0 if lead.precision == "day" else lead.sentence_number - self.table.lead_sentences
        for event in events:
            if event.date is None and self._same_place(event.location, lead.location) and \
                    first <= event.sentence_number <= lead.sentence_number + self.table.lead_sentences:
                event.date, event.precision = lead.date, lead.precision
                event.date_text = f"{lead.date_text} (the lead's date)"


    def _same_place(self, a: int | None, b: int | None) -> bool:
        """One place, or two towns or quarters within NEAR_KM ("air raids on Eastern Ghouta" in a lead
        about Damascus)."""
        if a == b:
            return True
        if a is None or b is None:
            return False
        pa, pb = self.entities[a], self.entities[b]
        return pa.get("geo_precision") == pb.get("geo_precision") == "exact" and None not in (
            pa.get("latitude"), pb.get("latitude")) and distance_km(pa, pb) <= NEAR_KM

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


BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})


def _across_a_border(token) -> bool:
    """The neighbour in "a village at the border with Syria": not where it happened."""
    return token.dep_ == "pobj" and token.head.lower_ == "with" and token.head.head.lemma_.lower() in BORDER_NOUNS
