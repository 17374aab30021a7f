"""Realis: whether an event word tells one occurrence that happened, or something else.

An event, in ACLED's sense, is one specific occurrence with a place and a time, said to
have happened. News also tells of violence in other ways, and those are not events:

- aggregate: a running total or a campaign ("the war that has killed 250,000", "attacks
  over the past year", "a string of bombings", "has been fighting in Syria");
- habitual: recurring activity with no one occurrence ("frequently targeted", "continue
  to launch attacks", "countless air raids");
- negated: "did not advance", "has denied targeting civilians";
- hypothetical: conditional, hedged, future or intended ("could fall", "if ISIS seizes",
  "will keep bombing", "an offensive to capture", "any ground attack");
- historical: the background a "since" clause dates something by ("since protests
  broke out in 2011").

The cues are read in the trigger's own clause (not in a clause hanging from it, whose
"continue to bomb" says nothing of "were killed ... as warplanes continue to bomb"),
and a date to the day in that clause makes a would-be aggregate or habitual statement
a specific event ("on Sunday"). The word lists are in data/event_verbs.yml (realis).
"""

from __future__ import annotations

import re

SPECIFIC = "specific"
KINDS = (SPECIFIC, "aggregate", "habitual", "negated", "hypothetical", "historical")

# Clauses of their own under the clause verb: their words do not describe the trigger.
SUBJECT_DEPS = ("nsubj", "nsubjpass")
OWN_CLAUSES = frozenset({"ccomp", "conj", "parataxis", "relcl", "advcl", "acl", "csubj"})
YEAR = re.compile(r"(19|20)\d\d")
NUMBERED_DAY = re.compile(r"\d{1,2}/\d{1,2}")  # "since 9/11"


def clause_verb(trigger):
    """The verb whose clause the trigger is told in: itself, or the verb a noun hangs from."""
    token = trigger
    for _ in range(4):
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound"):
            return token
        if token.head == token:
            return token
        token = token.head
    return token


def clause_tokens(verb) -> list:
    """The verb's clause: its subtree without the clauses that hang from it."""
    skip = {t.i for c in verb.children if c.dep_ in OWN_CLAUSES for t in c.subtree}
    return [t for t in verb.subtree if t.i not in skip]


def _shared_modifiers(verb) -> list:
    """"62 children were killed and 30 wounded during the fighting over the past week": the phrases after
    the last of coordinated verbs tell of them all; the parser hangs them on that one."""
    phrases = [c for conjunct in verb.conjuncts if conjunct.i > verb.i for c in conjunct.children
               if c.dep_ in ("prep", "npadvmod") and c.i > conjunct.i]
    skip = {t.i for phrase in phrases for d in phrase.subtree if d.dep_ in OWN_CLAUSES for t in d.subtree}
    return [t for phrase in phrases for t in phrase.subtree if t.i not in skip]


class RealisReader:
    """Classifies event words; one per article (it knows which date words are to the day)."""

    def __init__(self, words: dict[str, frozenset[str]], event_nouns, day_dates: set[int]):
        self.words = words
        self.event_nouns = event_nouns  # the lexicon's event nouns ("attack", "bombing")
        self.day_dates = day_dates  # token indexes of date expressions that name a day

    def classify(self, trigger) -> str:
        verb = clause_verb(trigger)
        kind = self._unreal(trigger)
        if kind:
            return kind
        if self._in_since_clause(trigger) or self._background_of_a_place(verb):
            return "historical"
        clause = clause_tokens(verb) + _shared_modifiers(verb)
        if any(t.i in self.day_dates for t in clause):
            return SPECIFIC
        if trigger is verb:
            # "have launched major attacks", "carried out countless raids": the verb tells what its object does
            told = [self.classify(c) for c in trigger.children if c.dep_ == "dobj" and c.lemma_.lower() in self.event_nouns]
            if told and told[0] in ("aggregate", "habitual"):
                return told[0]
        if self._habitual(trigger, verb, clause):
            return "habitual"
        if self._aggregate(trigger, verb, clause):
            return "aggregate"
        return SPECIFIC

    # ---- negated and hypothetical ------------------------------------------------

    def _unreal(self, trigger) -> str | None:
        """Negated, hedged, conditional, future or only intended ("did not advance", "could fall",
        "If ISIS seizes", "will keep bombing", "an offensive to capture", "denied targeting")."""
        words = self.words
        if trigger.pos_ == "NOUN":
            determiners = {c.lower_ for c in trigger.children if c.dep_ == "det"}
            if determiners & words["negating_determiners"]:
                return "negated"  # "no attack took place"
            if determiners & words["hypothetical_determiners"]:
                return "hypothetical"  # "any U.S.-led ground attack"
            if any(c.dep_ == "amod" and c.lemma_.lower() in words["hypothetical_modifiers"] for c in trigger.children):
                return "hypothetical"  # "a possible attack", "a planned offensive"
            if trigger.dep_ == "pobj" and trigger.head.head.lemma_.lower() in words["hypothetical_nouns"]:
                return "hypothetical"  # "the threat of an attack", "fears of an offensive"
            verb = trigger.head if trigger.dep_ == "dobj" else trigger.head.head if trigger.dep_ == "pobj" else None
            if verb is not None and verb.pos_ == "VERB" and verb.lemma_.lower() in words["intending_verbs"]:
                return "hypothetical"  # "were preparing an attack", "training for an attack on U.S. forces"
        token, modal_only = trigger, False
        for _ in range(6):
            children = list(token.children)
            if any(c.dep_ == "aux" and c.lower_ in words["hedge_modals"] | words["future_auxiliaries"] for c in children):
                return "hypothetical"  # "could fall", "will keep bombing", "after it joins ... it will press"
            if not modal_only:
                if any(c.dep_ == "neg" for c in children):
                    return "negated"
                clause = next((t for t in [token, *token.ancestors] if t.pos_ in ("VERB", "AUX")), token)
                if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in clause.children):
                    return "hypothetical"
                if token.head != token and token.head.lemma_.lower() in words["denial_heads"] and \
                        token.dep_ in ("xcomp", "ccomp", "dobj", "pcomp", "pobj"):
                    return "negated"  # "Russia has denied targeting civilians"
                if token.pos_ != "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to" for c in children):
                    if token.head == token or token.head.lemma_.lower() not in words["realis_heads"]:
                        return "hypothetical"  # "vowed to inflict attacks", "allows planes to fly raids"
            if token.head == token:
                break
            if token.dep_ == "pobj" and token.head.lower_ in words["settled_preps"]:
                break  # "was forced to pull back after fierce combat": the combat happened whatever the pulling back
            if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("xcomp", "conj", "pcomp"):
                token = token.head  # a noun to the verb it is told with; a verb to the verb it hangs from
                continue
            if token.dep_ == "advcl":
                token, modal_only = token.head, True  # "after it joins": the main clause's modal rules it
                continue
            break
        return None

    def _background_of_a_place(self, verb) -> bool:
        """"Mali's desert north, where French forces wrested control of territory from the rebels, is
        plagued by violence": a past told, undated, in a "where" clause of a place the sentence describes
        in the present is the place's background, not an event."""
        if verb.dep_ != "relcl" or verb.tag_ not in ("VBD", "VBN") or not any(
                c.dep_ == "advmod" and c.lower_ == "where" for c in verb.children):
            return False
        main = verb.head.head if verb.head.dep_ in SUBJECT_DEPS else None
        return main is not None and (main.tag_ in ("VBZ", "VBP") or any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBZ", "VBP") for c in main.children)) and not any(
            t.i in self.day_dates or t.ent_type_ == "DATE" for t in verb.subtree)

    @staticmethod
    def _in_since_clause(trigger) -> bool:
        """"since protests broke out in 2011": the trigger only dates something else."""
        clause = next((t for t in [trigger, *trigger.ancestors] if t.pos_ in ("VERB", "AUX")), trigger)
        return any(c.dep_ == "mark" and c.lower_ == "since" for c in clause.children)

    # ---- habitual and aggregate --------------------------------------------------

    def _habitual(self, trigger, verb, clause) -> bool:
        words = self.words
        if any(t.dep_ in ("advmod", "npadvmod") and t.lower_ in words["habitual_adverbs"] for t in clause):
            return True  # "are frequently targeted", "shelled the town almost daily"
        if any(t.dep_ in ("amod", "compound", "nmod") and t.lemma_.lower() in words["habitual_modifiers"]
               and t.head.lemma_.lower() in self.event_nouns for t in clause):
            return True  # "frequent air raids", "countless air raids", "launch frequent attack"
        if trigger.pos_ == "NOUN":
            modifiers = [c.lemma_.lower() for c in trigger.children if c.dep_ in ("amod", "compound", "nmod")]
            if trigger.tag_ in ("NNS", "NNPS") and any(m in words["earlier_modifiers"] for m in modifiers):
                return True  # "previous attacks", "earlier bombings"
        # (the parser may hang "of" on the accuser: "accused by human rights groups of ...")
        if verb.dep_ == "pcomp" and verb.head.lower_ == "of" and any(
                a.lemma_.lower() in words["accusing_verbs"] for a in list(verb.head.ancestors)[:3]):
            return True  # "It is accused by human rights groups of indiscriminately killing civilians": a conduct
        # "al-Shabab continues to launch attacks": an activity that goes on, told in the present
        head = verb.head if verb.dep_ == "xcomp" else None
        return head is not None and head.lemma_.lower() in words["continuing_heads"] and head.tag_ in ("VBZ", "VBP")

    def _aggregate(self, trigger, verb, clause) -> bool:
        words = self.words
        text = " ".join(t.lower_ for t in clause)
        if any(re.search(pattern, text) for pattern in words["aggregate_patterns"]):
            return True  # "so far", "over the past year", "in the last two years"
        since_clauses = [t for v in (verb, *verb.conjuncts) for c in v.children if c.dep_ == "advcl"
                         for t in c.children if t.dep_ == "mark"]
        for token in [*clause, *since_clauses]:
            if token.lower_ == "since" and token.dep_ in ("prep", "mark"):
                scope = token.head if token.dep_ == "mark" else token
                if any(t.ent_type_ == "DATE" or YEAR.fullmatch(t.text) or t.lemma_.lower() in words["cumulative_since_nouns"]
                       or NUMBERED_DAY.fullmatch(t.text) for t in scope.subtree):
                    return True  # "since mid-2012", "since the conflict began", "since 9/11"
            if token.lower_ in ("for", "throughout") and token.dep_ == "prep" and any(
                    t.lemma_.lower() in words["duration_nouns"] for t in token.subtree):
                return True  # "for decades", "for more than one month" (not "for three days": one event)
            if token.lemma_.lower() in words["series_nouns"] and any(
                    p.lemma_.lower() in self.event_nouns or p.lemma_.lower() in words["occasion_nouns"]
                    for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"):
                return True  # "a string of attacks", "on a number of occasions" (not "a number of people")
        # "Bombings in Damascus this year killed dozens": several, uncounted, over a period
        if trigger.pos_ == "NOUN" and trigger.tag_ == "NNS" and not any(c.dep_ == "nummod" for c in trigger.children) \
                and any(t.ent_type_ == "DATE" and t.lemma_.lower() in words["duration_nouns"] for t in clause):
            return True
        # "the war that has killed 250,000", "the conflict which began with protests": the war's story
        if any(t.dep_ in ("relcl", "acl") and t.head.lemma_.lower() in words["cumulative_subjects"]
               for t in [trigger, *trigger.ancestors]):
            return True
        # "the civil war was fought along ethnic lines", "waged a war": the war's story
        if trigger is verb and any(c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lemma_.lower() in words["campaign_nouns"]
                                   for c in verb.children):
            return True
        # "have recently stepped up bombardment": more of what goes on
        if trigger.pos_ == "NOUN" and trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in words["escalation_heads"]:
            return True
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        undated = not any(t.ent_type_ in ("DATE", "TIME") for t in clause)
        # "Hezbollah has been fighting in Syria", "Islamic State, which is fighting against government
        # forces", "the coalition fighting ISIS": going on, not one occurrence
        if trigger is verb and verb.tag_ == "VBG" and undated and (
                "been" in aux or aux & {"is", "are", "am"} or verb.dep_ == "acl" and trigger.sent.root.tag_ in ("VBZ", "VBP")):
            return True  # (not "reported seeing troops looting a shop": told in the past)
        # "Insurgents have also launched major attacks in that area": uncounted, undated, up to now
        if trigger.pos_ == "NOUN" and trigger.tag_ == "NNS" and trigger.dep_ in ("dobj", "pobj") and undated \
                and aux & {"has", "have"} and not any(
                c.dep_ == "nummod" for c in trigger.children) and not any(t.like_num for t in clause):
            return True
        # "Local affiliates of the IS group have targeted minority Shiites and security officials":
        # an undated present perfect whose object is a bare plural (a kind of people or places, none counted)
        if trigger is verb and undated and aux & {"has", "have"} and not any(t.like_num for t in clause) and any(
                c.dep_ == "dobj" and c.tag_ in ("NNS", "NNPS") and not any(
                    g.dep_ in ("det", "poss", "nummod") for g in c.children) for c in verb.children):
            return True
        if verb.lemma_.lower() in words["fatal_words"]:
            # "the conflict has killed 250,000", "died in the war", "in total"
            if any(c.dep_ in ("nsubj", "csubj") and c.lemma_.lower() in words["cumulative_subjects"] for c in verb.children):
                return True
            for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "during", "throughout")):
                if any(p.dep_ == "pobj" and p.lemma_.lower() in words["cumulative_subjects"] for p in prep.children):
                    return True
            if any(t.lemma_.lower() in words["cumulative_words"] for t in clause):
                return True
        return False
