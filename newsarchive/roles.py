"""Who: the entities that fill an event's roles, the state forces words name, and claims of responsibility.

A part of events.EventExtractor (a mixin): it reads the extractor's per-article state
(entities, token_entity, table, sentence, focus, state_actor, armed_actor).
"""

from __future__ import annotations

import re

from .attributions import claimant_tokens
from .lexicon import PLACE_TYPES, SUBJECTS, state_forces
from .link import demonym_country, names_a_group
from .realis import SPECIFIC
from .triggers import Event


PRO_NAME = re.compile(r"\bpro\s*-\s*([A-Z][\w’']+)")


class Roles:
    def _is_actor(self, entity_id) -> bool:
        entity = self.entities[entity_id]
        if entity.get("kind") in self.table.words["press_kinds"]:
            return False
        return entity["type"] in ("ORG", "PERSON", "NORP") or (entity["type"] == "GPE" and entity.get("geo_precision") == "country")


    def _is_named_actor(self, entity_id) -> bool:
        entity = self.entities[entity_id]
        return entity["type"] in ("ORG", "PERSON") and entity.get("kind") not in self.table.words["press_kinds"]


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
        if self._national_force(token):
            forces = self._country_forces(token)  # "an Afghan soldier", "Turkish troops": that state's
            if forces is not None:
                return forces
        if self.state_actor and self._names_state_forces(token):
            return self.state_actor  # "the Assad army": the army, not the man
        if token.lemma_.lower() in self.table.platforms:
            country = self._country_forces(token)  # "Israeli warplanes", "U.S. drones"
            if country is not None:
                return country
        if token.lemma_.lower() in self.table.side_words["combatant"]:
            # "four gunmen from al-Shabab", "fighters of the Islamic State group": whose they are
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("from", "of")):
                entity = self._actor(self._pobj(prep), own_only=True)
                if entity is not None and self.entities[entity]["type"] == "ORG":
                    return entity
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


    def _means_actor(self, noun, event_type: str) -> int | None:
        """Whose fire, strikes or attack the words before the noun say: "rebel fire", "a militant
        attack" (the article's own reading of "rebels", "militants": side_actors); for state
        violence, "U.S. airstrikes", "Saudi-led air raids" (the country's forces) and "government air
        strikes", "regime shelling" (the story's state forces)."""
        if not self._fire_noun(noun):
            return None  # the means, not people ("attacked by government supporters")
        modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
        side = next((self.side_actors[c.lemma_.lower()] for c in modifiers if c.lemma_.lower() in self.side_actors
                     and c.lemma_.lower() in self.table.side_words["combatant"]), None)
        if side is not None or event_type not in self.table.words["state_violence_types"]:
            return side
        forces = self._country_forces(noun)
        if forces is None and any(c.lemma_.lower() in self.table.side_words["state"] for c in modifiers):
            forces = self.state_actor
        return forces

    def _fire_noun(self, noun) -> bool:
        """An event noun of the lexicon, or a word for fire (fire_nouns): a means, not people."""
        if noun is None:
            return False
        lemma = noun.lemma_.lower()
        return lemma in self.table.nouns or lemma in self.table.words["fire_nouns"]

    def _means_side(self, noun) -> bool:
        """Whether a word before the noun of fire says whose it was ("rebel fire", "militant attack")."""
        return self._fire_noun(noun) and any(c.dep_ in ("compound", "amod", "nmod")
                                             and c.lemma_.lower() in self.table.side_words["combatant"]
                                             for c in noun.children)

    def _side_actors(self, doc, mentions) -> dict[str, str]:
        """The word -> entity readings of the article's lower-case mentions of armed groups ("the
        rebels": rebel -> Syrian rebel groups), for the same word before a noun ("rebel fire")."""
        kinds = self.table.words["armed_kinds"] | self.table.words["state_kinds"]
        found = {}
        for start, end, key in mentions:
            if self.entities[key].get("kind") not in kinds:
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and span.text[:1].islower():
                found.setdefault(span.root.lemma_.lower(), key)
        return found

    def _antecedent(self, token) -> int | None:
        """"They later seized Sirte", "the group said it killed 20 soldiers": a pronoun or "the group"
        as subject is the last armed group or state force named before it, in its sentence or the
        two before (a measured rule, not a coreference model)."""
        if token is None or token.doc[token.i].ent_type_:
            return None
        words = self.table.words
        pointing = token.lower_ in words["anaphoric_pronouns"] or (
            token.lemma_.lower() in words["anaphoric_group_nouns"]
            and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
            and not any(c.dep_ in ("compound", "amod", "nmod", "poss", "prep", "relcl", "acl") for c in token.children))
        if not pointing:
            return None
        start = token.sent.start
        for _ in range(2):
            if start > 0:
                start = token.doc[start - 1].sent.start
        kinds = words["armed_kinds"] | words["state_kinds"]
        for i in range(token.i - 1, start - 1, -1):
            entity = self.token_entity.get(i)
            if entity is not None and self.entities[entity].get("kind") in kinds:
                return entity
        return None

    def _blamed(self, token) -> int | None:
        """The one an attack is laid on: an actor, or a capital named for its government ("which
        Washington blames on Damascus": Syria's state forces, or Syria)."""
        actor = self._actor(token, own_only=True)
        if actor is not None or token is None:
            return actor
        key = self.token_entity.get(token.i)
        if key is None or not self.entities[key].get("capital"):
            return None
        return self._forces_of(self.entities[key].get("country_code"))

    def _named_state_forces(self, code: str | None) -> list:
        """A country's curated state forces that the article names."""
        return [k for k in state_forces().get(code, ()) if k in self.entities] if code else []

    def _forces_of(self, code: str | None) -> int | None:
        """A country's curated state forces when the article names them, else the country itself."""
        if not code:
            return None
        forces = self._named_state_forces(code)
        if forces:
            return forces[0]
        return f"place:country:{code}" if f"place:country:{code}" in self.entities else None

    def _country_forces(self, token) -> int | None:
        """The state whose forces the words name ("U.S. airstrikes", "Israeli warplanes", "Saudi-led
        raids"): its curated state forces when the article names them, else the country itself."""
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")]
        modifiers += [g for c in modifiers if c.lower_ in ("led", "backed") for g in c.children
                      if g.dep_ in ("compound", "npadvmod", "amod", "nmod")]
        for modifier in modifiers:
            key = self.token_entity.get(modifier.i)
            if key is not None and self.entities[key]["type"] == "GPE" and self.entities[key].get("geo_precision") == "country":
                if token.lemma_.lower() in self.table.words["generic_violence"]:
                    continue  # "a central Syria attack": where it was, not whose (a people's word says whose)
                code = self.entities[key].get("country_code")
            else:
                code = demonym_country(modifier.text)
            forces = self._forces_of(code)
            if forces is not None:
                return forces
        return None


    def _national_force(self, token) -> bool:
        """"an Afghan soldier", "Turkish troops", "U.S. forces": a state's word for its forces with
        no word that makes them another side's ("rebel troops", "opposition fighters")."""
        lemma = token.lemma_.lower()
        if lemma not in self.table.side_words["state"] | self.table.words["force_nouns"] \
                or lemma in self.table.side_words["combatant"]:
            return False
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
        return not any(c.lemma_.lower() in self.table.side_words["combatant"] | self.table.words["non_state_modifiers"]
                       for c in modifiers)

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
        if token.lemma_.lower() in state:
            return True
        # "government troops", "regime warplanes"; not "government supporters" or "regime officials"
        if any(c.lemma_.lower() in state for c in modifiers) and token.lemma_.lower() in (
                self.table.side_words["combatant"] | self.table.platforms.keys() | self.table.words["force_nouns"]):
            return True
        text = " ".join(c.text for c in token.lefts)
        if self.pro_state.search(text.lower()):
            return True
        # "pro-Assad forces", "pro-Gaddafi militias": support for a named leader, not for a
        # people or a country ("pro-Kurdish", "pro-Russian")
        leader = PRO_NAME.search(text)
        return bool(leader) and not names_a_group(leader.group(1))


    def _one_air_force(self, events: list[Event]) -> None:
        """Only a state flies the aircraft (or, seldom, a coalition of states): in a story that names one
        actor, and only one, for its air strikes (in events or in what it tells of habits: "as Saudi Arabian
        warplanes continue to bomb"), an air strike it leaves unattributed is that actor's."""
        strike = "Air/drone strike"
        actors = {e.actor1 for e in [*events, *self.statements] if e.sub_event_type == strike and e.actor1}
        if len(actors) != 1:
            return
        actor = actors.pop()
        for event in events:
            if event.sub_event_type == strike and event.actor1 is None and event.actor2 != actor and not event.by_means:
                event.actor1 = actor

    def _arresting_state(self, events: list[Event]) -> None:
        """An arrest (state_sub_types) that names no one making it is by the state forces the article
        names of the country it took place in ("Trevino Morales was arrested in a pre-dawn raid in
        San Pedro Garza Garcia" in a story naming Mexico's marines); never by the one arrested."""
        for event in events:
            if event.sub_event_type not in self.table.words["state_sub_types"] or event.actor1 is not None:
                continue
            place = event.location or self.focus
            code = self.entities[place].get("country_code") if place is not None else None
            forces = [key for key in self._named_state_forces(code) if key != event.actor2]
            if forces:
                event.actor1 = forces[0]

    def _identified(self, doc, events: list[Event]) -> None:
        """"The gunman, identified as Stephen Paddock, ...", "Police identified the attacker as X", "X
        was identified as the shooter": when an article so names one person, that person is actor1 of
        the events whose subject was the attacker word and that name no one else."""
        words = self.table.words
        named = set()
        for verb in (t for t in doc if t.lemma_.lower() in words["identifying_verbs"] and t.pos_ == "VERB"):
            parts = [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")]
            parts += [self._pobj(c) for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"]
            if verb.dep_ == "acl":
                parts.append(verb.head)  # "the gunman, identified as ..."
            parts = [p for p in parts if p is not None]
            if not any(p.lemma_.lower() in words["unidentified_attackers"] for p in parts):
                continue
            people = {self.token_entity.get(p.i) for p in parts} - {None}
            named |= {key for key in people if self.entities[key]["type"] == "PERSON"}
        if len(named) != 1:
            return
        person = named.pop()
        for event in events:
            if event.by_attacker and event.actor1 is None and event.actor2 != person:
                event.actor1 = person

    def _claimed(self, doc, events: list[Event]) -> None:
        """"Islamic State claimed responsibility for the attack": the claimant is the perpetrator of
        the attack it claims (the events at the claimed attack's place that name no actor1 and no other
        weapon than the claimed attack's), unless the claim is denied, hedged or disputed ("the FBI has
        disputed the claim")."""
        words = self.table.words
        verbs = [t for t in doc if t.pos_ == "VERB"]
        claims = [t for t in verbs if t.lemma_.lower() == "claim"]
        if not claims or any(t.lemma_.lower() in words["disputing_verbs"] and any(
                c.lemma_.lower() == "claim" for c in t.subtree) for t in verbs):
            return
        for verb in claims:
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
                    # "claimed responsibility for the bombings": "for" on the verb or on "responsibility"
                    claimed = next((self._pobj(c) for c in [*children, *claimed.children]
                                    if c.dep_ == "prep" and c.lower_ == "for"), None)
            if claimant is None or any(c.dep_ == "det" and c.lower_ == "no" for c in claimant_tokens(verb)):
                continue
            if self.entities[claimant].get("kind") in words["state_kinds"]:
                continue  # a government "claims" what it says it did: no claim of responsibility
            place = self._place_in(claimed)
            lead = next((e for e in events if e.location is not None), None)
            place = place or (lead.location if lead else None)
            # "claimed the bombings": bombings, not the shelling of a road nearby (weapon_families)
            entry = self._noun_entry(claimed)[0] if claimed is not None else None
            family = self.table.weapon_family.get(entry["sub_event_type"]) if entry else None
            if family is None:  # "claimed the attacks": the kind of attack the article tells first at that place
                family = next((f for f in (self.table.weapon_family.get(e.sub_event_type) for e in events
                                           if e.location == place) if f), None)
            for event in events:
                if event.actor1 is None and event.location == place and event.actor2 != claimant and \
                        event.event_type in words["claimable_types"] and \
                        (family is None or self.table.weapon_family.get(event.sub_event_type) in (None, family)):
                    event.actor1 = claimant
