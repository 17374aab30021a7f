"""What happened: the event a trigger word tells, its type and sub-type, read off the parse;
and the Event record the other parts fill in.

A part of events.EventExtractor (a mixin): it reads the extractor's per-article state
(entities, token_entity, table, sentence, focus, state_actor, armed_actor).
"""

from __future__ import annotations

from collections import Counter

from dataclasses import dataclass, field

from .lexicon import SUBJECTS
from .realis import SPECIFIC


# Adverbs the parser often gives for a verb's particle ("pushed ISIS jihadists away from ...").
PARTICLES = ("away", "back", "out", "off")
NEXT_SENTENCES = 2  # the sentences after a generic "attack" read for the kind of weapon it was


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
    by_means: bool = False  # its actor is the side whose fire or strikes its sentence names ("killed in rebel fire")
    by_attacker: bool = False  # its subject is "the gunman", "an attacker": the one the article may name later
    place_told: bool = True  # False: no place in its sentence, so the story's main place was assumed
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


class Triggers:
    def _event(self, trigger, article_id) -> Event | None:
        if self._accidental(trigger):
            return None
        if trigger.pos_ == "NOUN" or trigger.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and trigger.lower_ in self.table.nouns:
            event = self._noun_event(trigger, article_id)
        else:
            event = self._verb_event(trigger, article_id)
        if event is not None and event.sub_event_type in self.table.words["state_sub_types"] and any(
                t.lemma_.lower() in self.table.words["accident_words"] for t in trigger.sent):
            return None  # "arrested on suspicion of manslaughter following the crash": a criminal case, no event
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
        # the trigger's own clauses, and those of a verb joined to it ("were killed and dozens were injured
        # when a tram derailed")
        near = [c for c in trigger.children if c.dep_ in (*SUBJECTS, "advcl")]
        near += [g for c in trigger.children if c.dep_ == "conj" and c.pos_ == "VERB" for g in c.children
                 if g.dep_ == "advcl"]
        near += [p for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("in", "during", "after") for p in c.children
                 if p.dep_ == "pobj"]
        # and the verbs joined to a clause ("when a tram jumped the rails ... and flipped on its side")
        near += [c for t in near if t.pos_ == "VERB" for c in t.children if c.dep_ == "conj" and c.pos_ == "VERB"]
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
        # "the Shabab fighters killed in the strikes": a participle after a noun tells what was done to it
        # (not one with an object of its own: the tagger's "A motorcycle bomber killed at least 16")
        reduced = verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN") \
            and not any(c.dep_ == "dobj" for c in children)
        if reduced and (verb.head.lemma_.lower() in self.table.nouns and lemma in self.table.words["perpetrating_verbs"]
                        or verb.head.lemma_.lower() in self.table.words["series_nouns"]):
            # "a barrel bomb attack carried out by government forces": the noun is the event (its _perpetrator
            # reads the agent); "bombing campaigns carried out by ISIS": a campaign, no one event
            return None
        passive = passive or reduced
        subject = self._subject(verb, passive)
        if subject is not None and self._noun_entry(subject)[0] is not None:
            return None  # "clashes took place", "air strikes have destroyed": the noun is the event
            # (not "a bomber killed 16": "bomber" is an event noun only as "suicide bomber")
        obj = next((c for c in children if c.dep_ in (("nsubjpass",) if passive else ("dobj",))), None)
        if obj is None and reduced:
            obj = verb.head
        if obj is None and not passive:
            obj = next((c for c in children if c.dep_ in ("attr", "oprd")), None)
        if particle and f"{lemma} {particle}" in self.table.words["phrasal_idioms"]:
            return None  # "the group struck out on its own", "hit out at critics"
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
        actor1 = self._actor(subject) or self._antecedent(subject)
        if actor1 is None and passive:  # "67 people were killed in the Westgate attack, which was carried out by ..."
            actor1 = next((self._perpetrator(self._pobj(c)) for c in children if c.dep_ == "prep"
                           and c.lower_ in ("in", "during") and self._pobj(c) is not None
                           and self._pobj(c).lemma_.lower() in self.table.nouns), None)
        by_means = False
        if actor1 is None and passive:  # "eight civilians were killed in rebel fire", "by government shelling"
            means = [self._pobj(c) for c in children if c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ in ("in", "during")]
            actor1 = next((a for a in (self._means_actor(m, entry["event_type"]) for m in means) if a is not None), None)
            # a side named, even one the article names no further ("rebel fire"): not another side's act
            by_means = actor1 is not None or any(self._means_side(m) for m in means)
        actor2 = self._actor(target)
        if actor2 is None:
            actor2 = next((self._actor(self._pobj(c), own_only=True) for c in children
                           if c.dep_ == "prep" and c.lower_ in ("against", "on", "with") and self._pobj(c) is not None), None)
        location = self._place_in(target)
        sub_type, hinted = self._hinted_sub_type(entry, subject, target, verb)
        if entry.get("weak") and not hinted and not any(
                a and self.entities[a]["type"] != "NORP" for a in (actor1, actor2)):
            return None
        event = self._classified(entry, sub_type, actor1, actor2, location, verb, article_id, target=target)
        event.specific = hinted or bool(entry.get("requires_object_lemma"))
        event.by_means = by_means
        if subject is not None and subject.lemma_.lower() in self.table.words["unidentified_attackers"] \
                and not self._names_group(subject):
            event.by_attacker = True
            # "gunmen stormed ...": typed as an armed side, but nobody named them
            event.unnamed_actor = event.actor1 == self.armed_actor
        return event


    def _verb_entry(self, lemma, verb, particle, obj):
        """The most specific lexicon entry whose particle, preposition and object fit; with the prep's object."""
        for entry in self.table.verbs.get(lemma, ()):
            if (entry.get("particle") or None) != (particle if entry.get("particle") else None):
                continue
            required = entry.get("requires_object_lemma")
            if required and not (obj is not None and self._has_lemma(obj, required)):
                continue
            if entry.get("intransitive") and obj is not None and obj.dep_ == "dobj":
                continue  # "tried to rally right-wing supporters": to win them over, not a rally
            if entry.get("group_object") and not (obj is not None and self._a_group(obj)):
                continue  # "joined forces", "joined the ceremony": no group joined
            if obj is not None and obj.lemma_.lower() in self.table.words["idiom_objects"] and not any(
                    c.dep_ in ("det", "poss", "amod", "compound", "nummod") for c in obj.children):
                return None, None  # "took cover", "take part", "police take position outside the hotel"
            if obj is not None and obj.lemma_.lower() in self.table.words["way_objects"] and any(
                    c.dep_ == "poss" for c in obj.children):
                return None, None  # "gunmen fought their way into the building": how they went, not a battle
            prep_object = None
            if entry.get("prep"):
                holders = [verb] + ([obj] if obj is not None else [])
                prep_object = next((self._pobj(c) for h in holders for c in h.children
                                    if c.dep_ in ("prep", "agent") and c.lower_ == entry["prep"] and self._pobj(c) is not None), None)
                if prep_object is None:
                    continue
            elif entry["object"] in ("territory", "target", "actor") and obj is None:
                # (not a verb that with the preposition says something else: "had taken to the witness box")
                prep_object = next((self._pobj(c) for c in verb.children
                                    if c.dep_ == "prep" and c.lower_ in ("on", "against", "into", "to", "towards", "toward")
                                    and f"{lemma} {c.lower_}" not in self.table.words["phrasal_idioms"]
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
            if token is not verb and token.lemma_.lower() in self.table.speech_verbs:
                # "Warplanes struck a camp, the Pentagon said, killing 150": the killing is the reported
                # act's, not the teller's
                reported = next((c for c in token.children if c.dep_ in ("ccomp", "parataxis") and c.pos_ == "VERB"), None)
                return self._subject(reported, False) if reported is not None else None
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
            if token.dep_ == "xcomp":
                # "the guards opened fire on them, forcing them to blow themselves up": the object acts
                controller = next((c for c in token.head.children if c.dep_ == "dobj"), None)
                if controller is not None:
                    return controller
            if token.dep_ in ("xcomp", "conj", "advcl") and token.head != token:
                token = token.head
                continue
            return None
        return None


    def _perpetrator(self, noun) -> int | None:
        """The agent of a verb of perpetrating the noun carries: "a barrel bomb attack carried out by
        government forces", "the strike launched by the coalition", "the Westgate attack, which was
        carried out by four gunmen from al-Shabab"; the one it is laid on ("attacks attributed to the
        Islamic State", "the chemical weapon use which Washington blames on Damascus": blaming_verbs);
        else, for a weapon only a state uses (state_weapons), the story's state forces."""
        words = self.table.words
        # the clause may hang on the noun the trigger modifies ("chemical weapon use which ...")
        heads = [noun, noun.head] if noun.dep_ == "compound" else [noun]
        for verb in (c for head in heads for c in head.children if c.dep_ in ("acl", "relcl")
                     and c.lemma_.lower() in words["blaming_verbs"]):
            actor = next((a for a in (self._blamed(self._pobj(c)) for c in verb.children
                                      if c.dep_ == "prep" and c.lower_ in ("to", "on")) if a is not None), None)
            if actor is not None:
                return actor
        for verb in (c for c in noun.children if c.dep_ in ("acl", "relcl")
                     and c.lemma_.lower() in words["perpetrating_verbs"]):
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            actor = self._actor(self._pobj(agent), own_only=True)
            # the parser often hangs "from al-Shabab" on the verb, not on "gunmen"
            if actor is None and agent is not None:
                actor = next((a for a in (self._blamed(self._pobj(c)) for c in verb.children
                                          if c.dep_ == "prep" and c.lower_ == "from")
                              if a is not None and self.entities[a]["type"] == "ORG"), None)
            if actor is not None:
                return actor
        if self.state_actor and self._has_lemma(noun, words["state_weapons"]):
            return self.state_actor  # "a barrel bomb attack": only the state's air force drops them
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
        if entry["sub_event_type"] == "Agreement" and self._ended(noun):
            return None  # "after a Feb. 27 ceasefire collapsed", "the collapse of the truce": its end, no agreement
        words = self.table.words
        actor1 = actor2 = location = None
        possessor = next((c for c in noun.children if c.dep_ == "poss"), None)
        actor1 = self._actor(possessor)
        # (not a target's name: "the Westgate shopping mall attack", which the parser hangs flat on the noun)
        targets = self._verb_hints(noun.lemma_.lower(), "object_lemma_hint")
        last_target = max((c.i for c in noun.children if c.dep_ in ("compound", "nmod") and c.lemma_.lower() in targets),
                          default=-1)
        actor1 = actor1 or next((self.token_entity[c.i] for c in noun.children if c.dep_ in ("compound", "nmod")
                                 and c.i > last_target and c.i in self.token_entity
                                 and self._is_named_actor(self.token_entity[c.i])
                                 and not c.lower_.startswith("anti")), None)
        actor1 = actor1 or self._means_actor(noun, entry["event_type"])
        light = noun.head if noun.dep_ in ("dobj", "nsubjpass") and noun.head.lemma_.lower() in words["light_verbs"] else None
        # The verb a noun hangs from may carry the noun's date ("began its assault ... on May 30",
        # "follow the capture last month of Palmyra"); a speech verb's date is the telling's.
        verb = light if light is not None else (
            noun.head if noun.dep_ in (*SUBJECTS, "dobj") and noun.head.pos_ in ("VERB", "AUX")
            and (noun.head.lemma_.lower() not in self.table.speech_verbs or self._claims_lives(noun.head)) else None)
        if verb is None and noun.dep_ == "pobj" and noun.head.lower_ in ("in", "during") \
                and noun.head.head.lemma_.lower() in words["fatal_words"] | words["injury_words"]:
            verb = noun.head.head  # "killed at least 16 people Tuesday in a suicide attack": the killing's day
        if verb is None and noun.dep_ == "pobj" and noun.head.lower_ == "for" \
                and noun.head.head.lemma_.lower() in words["claim_objects"] and noun.head.head.head.lemma_.lower() == "claim":
            verb = noun.head.head.head  # "Last month, the Shabab claimed responsibility for an attack": then, or before
        if light is not None:
            light_subject = self._subject(light, noun.dep_ == "nsubjpass")
            actor1 = actor1 or self._actor(light_subject) or self._antecedent(light_subject)
        actor1 = actor1 or self._perpetrator(noun)
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
                if word == "of" and noun.lemma_.lower() in words["patient_of_nouns"]:
                    actor2 = actor2 or self._actor(pobj, own_only=True)  # "the arrest of Hernandez Fuentes"
                elif word in ("by", "of"):
                    actor1 = actor1 or self._actor(pobj, own_only=True)
                else:
                    actor2 = actor2 or self._actor(pobj, own_only=True)
            if word in words["location_preps"]:
                location = location or self._place_in(pobj)
        if entry.get("weak") and not (actor1 or actor2):
            return None
        sub_type = entry["sub_event_type"]
        if not specific:
            sub_type, specific = self._noun_hint(noun, entry)
        captured = next((self._pobj(c) for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        event = self._classified(entry, sub_type, actor1, actor2, location, noun, article_id, date_scope=verb,
                                 target=captured)
        event.specific = specific
        return event


    def _noun_hint(self, noun, entry) -> tuple[str, bool]:
        """The sub-type the noun's own phrases call for, as the verb's hints do: the attacker in its by-phrase
        ("attacks by suicide bombers", also when the parser hangs it on the killing), the weapon in its
        with-phrase ("an assault with mortars"; "clashes with residents" names an opponent, not a weapon),
        the target in its on-, against- or at-phrase or its own modifier ("an attack on a hotel", "the
        shopping mall attack": violence against civilians)."""
        weapons = self.table.words["specific_remote_violence"]
        for key, prep_words in (("subject_lemma_hint", ("by", "with")), ("object_lemma_hint", ("on", "against", "at"))):
            hints = self._verb_hints(noun.lemma_.lower(), key)
            if not hints and key == "subject_lemma_hint":
                # a noun with no verb of its own ("blasts"): who caused it, as for "kill"
                hints = self._verb_hints("kill", key)
            if not hints:
                continue
            preps = [c for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in prep_words]
            if key == "subject_lemma_hint" and noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB":
                # "killed in attacks by five suicide bombers": the parser hangs the by-phrase on the verb
                preps += [c for c in noun.head.head.children if c.dep_ == "agent" and c.i > noun.i]
            if key == "subject_lemma_hint":
                # "a series of blasts caused by suicide bombers", "an attack carried out by a suicide bomber"
                preps += [g for c in noun.children if c.dep_ == "acl" for g in c.children if g.dep_ == "agent"]
            if key == "object_lemma_hint":
                # "the Westgate shopping mall attack": the target as the noun's own modifier
                found = next((hints[c.lemma_.lower()] for c in noun.children if c.dep_ in ("compound", "nmod")
                              and hints.get(c.lemma_.lower()) not in (None, *weapons)), None)
                if found:
                    return found, True
            for prep in preps:
                pobj = self._pobj(prep)
                if pobj is None:
                    continue
                for token in [pobj, *pobj.conjuncts] if key == "object_lemma_hint" else [pobj]:
                    words = [token.lemma_.lower()] + [c.lemma_.lower() for c in token.children
                                                      if c.dep_ in ("compound", "amod")]
                    found = next((sub_type for lemma, sub_type in hints.items() if lemma in words
                                  and (prep.lower_ != "with" or sub_type in weapons)), None)
                    if found:
                        return found, True
        return entry["sub_event_type"], False


    @staticmethod
    def _claims_lives(verb) -> bool:
        """"An attack claimed the lives of 80 people": a killing, not a claim (its date is the attack's)."""
        return verb.lemma_.lower() == "claim" and any(c.dep_ == "dobj" and c.lemma_.lower() in ("life", "lives")
                                                       for c in verb.children)

    def _ended(self, noun) -> bool:
        """An agreement told as ending: the subject of "collapsed", "broke down", or "the collapse of" it."""
        ending = self.table.words["ending_words"]
        head = noun.head
        if noun.dep_ in SUBJECTS:
            return head.lemma_.lower() in ending
        return noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in ending

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


    def _classified(self, entry, sub_type, actor1, actor2, location, trigger, article_id, date_scope=None,
                    target=None) -> Event:
        words = self.table.words
        if actor1 and self.entities[actor1].get("kind") == "civilians":
            actor1, actor2 = None, actor2 or actor1  # "three civilians killed ...": the attacked, never the attacker
        actor1_kind = self.entities[actor1].get("kind") if actor1 else None
        if sub_type in ("Non-state actor overtakes territory", "Government regains territory") and self._a_person(target):
            # "marines captured 'El Gafe', a leader of the Gulf cartel": a person taken, not territory;
            # by the state or unnamed authorities an arrest, by an armed group an abduction
            armed = actor1_kind is not None and actor1_kind not in words["state_kinds"]
            sub_type = "Abduction/forced disappearance" if armed else "Arrests"
            taken = self.token_entity.get(target.i)
            if actor1 is not None and actor1 == taken:  # "the capture of X": X is taken, not taking
                actor1, actor2 = None, actor1
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


    def _a_group(self, token) -> bool:
        """An armed group or state forces ("ISIS", "the Navy"), or a word for one ("the alliance", "rebel forces")."""
        words = self.table.words
        entity = self.token_entity.get(token.i)
        if entity is not None and self.entities[entity].get("kind") in words["armed_kinds"] | words["state_kinds"]:
            return True
        # (a bare plural is an idiom: "joined forces")
        return token.lemma_.lower() in words["group_nouns"] and any(
            c.dep_ in ("det", "poss", "amod", "compound", "nmod") for c in token.children)

    def _a_person(self, token) -> bool:
        """A named person or a word for one ("a leader", "the suspect"), not a place or a position."""
        if token is None:
            return False
        entity = self.token_entity.get(token.i)
        if entity is not None and self.entities[entity]["type"] == "PERSON":
            return True
        # "'El Gafe,' a leader of the Gulf cartel": the word in apposition says who
        return any(t.lemma_.lower() in self.table.words["captive_nouns"]
                   for t in (token, *(c for c in token.children if c.dep_ == "appos")))

    def _merge_nested(self, events: list[Event]) -> list[Event]:
        """A trigger inside another's phrase is the same event ("advanced ... after fighting with X",
        "launched raids ..., targeting the highway"); the more specific sub-type wins."""
        kept: list[Event] = []
        for event in sorted(events, key=lambda e: (len(list(e.trigger.ancestors)), e.trigger.i)):
            outer = next((k for k in kept if event.trigger.i in self._phrase(k.trigger)
                          and not self._own_clause(event.trigger, k.trigger)
                          and event.trigger.head.lemma_.lower() not in self.table.speech_verbs
                          and (k.event_type == event.event_type
                               or event.trigger.head == k.trigger and event.trigger.dep_ in ("dobj", "nsubjpass")
                               # "was arrested in a pre-dawn raid": the raid is the arrest
                               or k.sub_event_type == "Arrests" and event.trigger.dep_ == "pobj"
                               and event.trigger.head.head == k.trigger)), None)
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
    def _phrase(trigger) -> set[int]:
        """The tokens of a trigger's phrase: its subtree, and for a noun the by-phrase the parser hangs on
        the verb above it ("killed in attacks by five suicide bombers and two devices planted in cars")."""
        tokens = {t.i for t in trigger.subtree}
        if trigger.dep_ == "pobj" and trigger.head.head.pos_ == "VERB":
            tokens |= {t.i for c in trigger.head.head.children if c.dep_ == "agent" and c.i > trigger.i for t in c.subtree}
        return tokens

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


    def _generic_word(self, trigger):
        """The generic word for violence an event was read from: the trigger ("killed", "the attack"),
        or the object of a verb of perpetrating ("carried out the attacks"); None if it was specific."""
        words = self.table.words
        if trigger.lemma_.lower() in words["generic_violence"]:
            return trigger
        if trigger.lemma_.lower() in words["perpetrating_verbs"]:
            return next((c for c in trigger.children if c.dep_ == "dobj" and c.lemma_.lower() in words["generic_violence"]),
                        None)
        return None

    def _indefinite(self, trigger) -> bool:
        """A noun told with "a", "an" or no determiner: a new event, not one told before."""
        if trigger.pos_ not in ("NOUN", "PROPN"):
            return False
        return not any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in self.table.words["anaphoric_determiners"]
                       for c in trigger.children)

    def _killed_in_fighting(self, events: list[Event]) -> None:
        """"Ten people had been killed in the gunfight", "civilians died during clashes": a killing told
        in a battle is that battle's (ACLED counts such deaths in the battle), not an attack on civilians."""
        words = self.table.words
        for event in events:
            trigger = event.trigger
            if event.event_type != "Violence against civilians" or trigger.lemma_.lower() not in words["fatal_words"]:
                continue
            for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("in", "during", "amid")):
                noun = next((p for p in prep.children if p.dep_ == "pobj"), None)
                lemma = noun.lemma_.lower() if noun is not None else ""
                entry = next((e for e in self.table.nouns.get(lemma, ()) if not e.get("modifier")), None)
                if entry is not None and entry["event_type"] == "Battles" and lemma not in words["generic_violence"]:
                    event.event_type, event.sub_event_type = entry["event_type"], entry["sub_event_type"]
                    break

    def _generic_to_specific(self, events: list[Event]) -> None:
        """"A suicide bomber struck a checkpoint in Mogadishu on Thursday ... Five soldiers were killed":
        a generic word for violence ("killed", "attack", "blast") told of the same place and day as
        specific remote violence in the article is that event, and has its kind (the one told most);
        so is one told without a date at a place where the article told such violence on one day only
        (_same_event_dates then gives it that day)."""
        words = self.table.words
        # Only an event whose own sentence placed it: one put at the story's main place is no evidence of what
        # happened there ("the road was heavily bombarded again on Monday", in a story about bombings elsewhere)
        # (a bomb or a blast that names no kind, "Bombs killed nearly 150", is told, not specific: it does
        # not outvote the suicide bombers the article names)
        told_here = [e for e in events if e.sub_event_type in words["specific_remote_violence"]
                     and e.location and e.place_told and (e.specific or e.sub_event_type != "Remote explosive/landmine/IED")]
        specific = [e for e in told_here if e.date and e.precision == "day"]
        # an article that dates nothing at a place ("at least 35 workers were killed" in Hodeida, where it
        # told air strikes, undated): its undated killing there is that violence too (not its "assault",
        # which may be the offensive the bombings were part of)
        undated = [e for e in told_here if e.date is None and not any(d.location == e.location for d in events if d.date)]
        for event in events:
            word = self._generic_word(event.trigger)
            if word is None or event.sub_event_type in \
                    words["specific_remote_violence"] and event.sub_event_type != "Remote explosive/landmine/IED":
                continue
            if event.event_type in ("Riots", "Protests"):
                continue  # "attacked by government supporters": a mob's attack, whatever else happened that day
            if event.specific and event.sub_event_type == "Remote explosive/landmine/IED":
                continue  # "a car bomb", "a roadside bomb": its own kind, whatever else happened that day
            here = [e for e in specific if e is not event and e.location == event.location]
            # an undated mention ("the attack") at a place where the article told such violence on one day only
            # ("the attack", "the blasts", "killed": not "a violent attack", which tells of a new one)
            undated_one_day = event.date is None and len({e.date for e in here}) == 1 and not self._indefinite(word)
            told = [(e.event_type, e.sub_event_type) for e in here if e.date == event.date or undated_one_day]
            if not told and event.date is None and word.lemma_.lower() in words["killing_verbs"]:
                told = [(e.event_type, e.sub_event_type) for e in undated if e is not event and e.location == event.location]
            # "A suicide car bomber rammed the gates ... in an attack that killed three": its own sentence's
            # kind; not for an attack named apart ("killed the terrorist behind the Westgate mall attack")
            # or one dated apart ("the 2013 attack on the Westgate mall ... after American strikes killed")
            named = any(t.pos_ == "PROPN" and t.dep_ in ("compound", "nmod", "poss", "amod")
                        for t in word.subtree if t.i < word.i)
            told = told or [(e.event_type, e.sub_event_type) for e in events if e is not event and not named
                            and e.sentence_id == event.sentence_id
                            and (None in (e.location, event.location) or e.location == event.location)
                            and e.sub_event_type in words["specific_remote_violence"]
                            and (None in (e.date, event.date) or e.date == event.date)]
            if not told and not named and word.pos_ == "NOUN" and not self._weapon_named(word):
                told = self._kind_told_next(event.trigger.sent)
            if told:  # several kinds ("five suicide bombers and two car bombs"): the kind told most, else first
                counts = Counter(told)
                event.event_type, event.sub_event_type = max(told, key=lambda kind: (counts[kind], -told.index(kind)))

    def _verb_hints(self, lemma: str, key: str) -> dict[str, str]:
        """The first hint map (subject_lemma_hint, object_lemma_hint) the lexicon's entries for lemma give."""
        return next((entry[key] for entry in self.table.verbs.get(lemma, ()) if entry.get(key)), {})

    def _weapon_hints(self) -> dict[str, str]:
        """The words that name a weapon as a killing's subject does ("blast", "shelling", "suicide")."""
        return self._verb_hints("kill", "subject_lemma_hint")

    def _weapon_named(self, noun) -> bool:
        """"a bomb explosion": the noun's own modifier names its weapon."""
        weapons = self.table.words["specific_remote_violence"]
        return any(self._weapon_hints().get(c.lemma_.lower()) in weapons for c in noun.children if c.dep_ == "compound")

    def _kind_told_next(self, sent) -> list[tuple[str, str]]:
        """"the morning rush-hour attack in Istanbul ... The explosion, which occurred about 8.40 a.m., left 36
        people injured": the kind of weapon a definite noun names in the next sentences ("the explosion", "the
        suicide bombing"; not "the March bombing", which is another), as casualty subjects name it."""
        hints, weapons = self._weapon_hints(), self.table.words["specific_remote_violence"]
        doc, found = sent.doc, []
        end = sent.end
        for _ in range(NEXT_SENTENCES):
            if end >= len(doc):
                break
            following = doc[end].sent
            for noun in following:
                if noun.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in noun.children):
                    continue
                modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
                if any(c.pos_ == "PROPN" or c.ent_type_ in ("DATE", "TIME") for c in modifiers):
                    continue
                if hints.get(noun.lemma_.lower()) not in weapons:
                    continue  # (not "the shell company")
                kinds = [hints.get(c.lemma_.lower()) for c in modifiers] + [hints[noun.lemma_.lower()]]
                found.append(("Explosions/Remote violence", next(k for k in kinds if k in weapons)))
            end = following.end
        return found[:1] if len(set(found)) == 1 else []  # two kinds told: which was it?
