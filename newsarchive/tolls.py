"""How many died and were hurt, which event the toll belongs to, and the split by side.

A part of events.EventExtractor (a mixin): it reads the extractor's per-article state
(entities, token_entity, table, sentence, focus, state_actor, armed_actor).
"""

from __future__ import annotations

import re
from collections import defaultdict

from .clusters import same_occurrence

UNDATED = "undated"  # the day of the undated mentions at a place no mention dates
from .lexicon import SUBJECTS
from .triggers import Event


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100}


TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def _own_modifiers(noun) -> set[str]:
    """The words (as written and as lemmas) that describe the counted noun itself ("five injured")."""
    modifiers = [c for c in noun.children if c.dep_ in ("amod", "acl")]
    return {c.lower_ for c in modifiers} | {c.lemma_.lower() for c in modifiers}


def _toll_head(noun) -> int:
    """The word a counted noun's toll hangs from, past conjuncts ("27 fighters and 26 jihadists")."""
    token = noun
    while token.dep_ == "conj" and token.head != token:
        if token.head.pos_ == "VERB" and token.pos_ == "NUM":
            return token.head.i  # "killing a commander and three of his soldiers", the three parsed as the verb's
        token = token.head
    return token.head.i


def _number(token) -> int | None:
    text = token.text.replace(",", "")
    value = int(text) if text.isdigit() else NUMBER_WORDS.get(token.lower_)
    if value is not None and value < 10:  # "Sixty-seven": the tens are a compound before it
        value += sum(TENS.get(c.lower_, 0) for c in token.children if c.dep_ == "compound" and c.i < token.i)
    return value


def _noun_phrase(noun) -> str:
    """The counted noun with its modifiers: "regime fighters", "ISIS fighters"."""
    words = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i and not c.like_num]
    return " ".join(t.text for t in [*words, noun])


class Tolls:
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
        numbers += [(noun, 1) for noun in self._one_victim(sent, numbers)]
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
        if event.actor2 is None:  # "killing 35 civilians": ACLED's Civilians (Yemen) are the side attacked
            event.actor2 = next((key for noun, _ in totals for key in [self.token_entity.get(noun.i)]
                                 if key and self.entities[key].get("kind") == "civilians"), None)
        named = list(dict.fromkeys(side for side, _, _ in event.sides if side))
        if not event.actor1 and not event.actor2 and len(named) == 2:
            event.actor1, event.actor2 = named  # the sides of the toll are the two sides of the fighting


    def _one_victim(self, sent, numbers) -> list:
        """"An American soldier was killed", "killing a commander and three of his soldiers", "killing
        the Afghan soldier": one person, counted as one. A singular word for a person (side_words,
        captive_nouns) with "a" or "an", or with "the" as the one a killing verb kills, that no number
        counts already. (Not the people_nouns: "a French citizen had died" is
        most often one of the dead counted before, by where they came from.)"""
        counted = {noun.i for noun, _ in numbers}
        people = set().union(*self.table.side_words.values(), self.table.words["captive_nouns"])
        killing = self.table.words["killing_verbs"]

        def kills(noun) -> bool:  # "A motorcycle bomber killed at least 16 people": the killer, not one of the dead
            return noun.dep_ == "nsubj" and noun.head.lemma_.lower() in killing or any(
                c.dep_ == "acl" and c.lemma_.lower() in killing and any(g.dep_ == "dobj" for g in c.children)
                for c in noun.children)
        def one(noun) -> bool:  # "a commander"; or "the terrorist", "the Afghan soldier" as the one killed
            if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
                return True
            return noun.dep_ in ("dobj", "nsubjpass") and noun.head.lemma_.lower() in killing and any(
                c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
        return [t for t in sent if t.pos_ == "NOUN" and t.tag_ == "NN" and t.lemma_.lower() in people
                and t.i not in counted and one(t) and not kills(t)]

    @staticmethod
    def _counted(token):
        """(counted noun, value) for a number that counts people or things ("27 fighters", "119"), else None."""
        if not token.like_num:
            return None
        # (the model may run a date into the count after it: "A month earlier, 28 had been killed"; a
        # number that is the subject of a verb is a count, unless it is a year)
        counts_as_subject = token.ent_type_ == "DATE" and token.dep_ in ("nsubj", "nsubjpass") and token.head.pos_ == "VERB"
        if token.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY") and not counts_as_subject:
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
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in ("life", "lives") \
                and head.head.head.lemma_.lower() in words["life_taking_verbs"]:
            lemmas.add("life")  # "an attack claimed the lives of some 80 people"
        elif token.dep_ == "pobj" and head.dep_ == "prep" or token.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            # "the death toll rose to 50", "the toll stood at 12", "the death toll has reached 126", "the toll was 12"
            verb = head.head if token.dep_ == "pobj" else head
            subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
            if token.dep_ == "pobj" or any(c.lemma_.lower() == "toll" for c in subjects):
                lemmas |= {c.lemma_.lower() for c in subjects}
                lemmas |= {g.lemma_.lower() for c in subjects for g in c.children}
                head = verb
        if not lemmas & words["fatal_words"]:
            return False
        if token.dep_ == "nsubj" and head.lemma_.lower() in words["killing_verbs"]:
            return False  # "Four suicide bombers killed six people": the four are the killers
        if token.dep_ == "nsubj" and head.lemma_.lower() not in words["fatal_words"] and any(
                c.dep_ == "advcl" and c.lemma_.lower() in words["killing_verbs"] for c in head.children):
            return False  # "Three suicide bombers blew themselves up, killing two": the three killed
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
        subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
        if verb.dep_ == "relcl" and any(c.tag_ in ("WDT", "WP") for c in subjects):
            subjects.append(verb.head)  # "a war that has killed at least 250,000 people"
        if any(c.lemma_.lower() in words["cumulative_subjects"] for c in subjects):
            return True
        if any(p.dep_ == "pobj" and p.lemma_.lower() in words["cumulative_subjects"] for c in verb.children
               if c.dep_ == "prep" and c.lower_ in ("in", "during", "throughout") for p in c.children):
            return True  # "200,000 people have died in the conflict"
        return any(t.lemma_.lower() in words["cumulative_words"] for t in noun.subtree)


    def _breakdown_of(self, noun, totals):
        """The total this counted noun is a part of ("among them 71 ..."), or None."""
        words = self.table.words
        number = next((c for c in noun.children if c.dep_ == "nummod"), noun)
        doc = noun.doc
        if number.i >= 2 and doc[number.i - 1].lower_ in ("them", "whom") and \
                doc[number.i - 2].lower_ in words["breakdown_words"]:
            # "Fifteen civilians among them 11 children" (the commas lost, the parser makes two subjects)
            earlier = [t for t in totals if t != noun and t.i < number.i - 2]
            return earlier[-1] if earlier else None
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
        """The event whose words the casualties hang from, else the sentence's first. Only violence
        kills or wounds: an arrest, an agreement or a peaceful protest in the sentence never takes
        a toll ("seven were killed when a tram derailed, and the driver has been arrested")."""
        events = [e for e in events if e.event_type not in self.table.words["tollless_types"]]
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


    def _no_deaths(self, text: str, found: list[Event], earlier: list[Event], number: int) -> None:
        """"No other deaths were reported": the sentence's events, else the one told within a few
        sentences before, had a toll of 0 (zero_toll_patterns); a toll already read stays."""
        lowered = text.lower()
        if not any(re.search(pattern, lowered) for pattern in self.table.words["zero_toll_patterns"]):
            return
        told = [e for e in found if e.fatalities is None]
        if not found:
            told = [e for e in earlier[-1:] if e.fatalities is None
                    and e.sentence_number >= number - self.table.anaphora_sentences]
        for event in told:
            event.fatalities = 0

    def _same_event_tolls(self, events: list[Event]) -> None:
        """The mentions of one bombing, strike or massacre in an article (same_occurrence) carry its
        toll, the highest the article gives, and its perpetrator where one mention names it and no
        mention names another ("A US missile strike near Homs killed five people ... the settlement
        was severely damaged as the result of the missile strike"). At a place where the article dates
        no event to the day, its undated mentions are one occurrence too, for the toll only (a wrong
        place would hand a perpetrator to another attack); so are mentions of one weapon whose first
        actors differ (one misread), for the toll only."""
        dated = {e.location for e in events if e.precision == "day"}

        def day(event):
            if event.precision == "day":
                return event.date
            return UNDATED if event.date is None and event.location not in dated else None
        mentions = [(i, e.location, day(e), e.event_type, e.sub_event_type, e.actor1) for i, e in enumerate(events)]
        for group in same_occurrence(mentions, self.table, one_weapon_any_actors=True):
            tolls = [events[i].fatalities for i in group if events[i].fatalities is not None]
            actors = {events[i].actor1 for i in group} - {None}
            for i in group:
                if tolls and events[i].fatalities is None:
                    events[i].fatalities = max(tolls)
                if len(actors) == 1 and events[i].actor1 is None and events[i].actor2 not in actors \
                        and not events[i].by_means and mentions[group[0]][2] != UNDATED:
                    events[i].actor1 = next(iter(actors))
        # "Eleven people were killed in a gunfight when gang members ambushed a police convoy ... the
        # attack on police": the mentions of a fight at one place on one day share its toll too; not a
        # town taken or a bombing that day, which are events of their own, nor undated mentions (a story of
        # a battle for a town tells of fighting on several days)
        fighting = [(m, e) for m, e in zip(mentions, events) if e.sub_event_type == "Armed clash" or (
            e.sub_event_type not in self.table.words["specific_remote_violence"] and self._generic_word(e.trigger) is not None)]
        fight = [m for m, _ in fighting if m[2] != UNDATED]
        # one sentence tells one time, dated or not: "Eleven people were killed in a gunfight ... when gang
        # members ambushed a police convoy"
        by_sentence = defaultdict(list)
        for (i, location, *_), event in fighting:
            by_sentence[(event.sentence_id, location)].append(i)
        groups = same_occurrence(fight, self.table, battles=True) + [g for g in by_sentence.values() if len(g) > 1]
        for group in groups:
            tolls = [events[i].fatalities for i in group if events[i].fatalities is not None]
            if tolls and any(events[i].event_type == "Battles" for i in group):
                for i in group:
                    if events[i].fatalities is None:
                        events[i].fatalities = max(tolls)
