"""Who said what: "X said", "told AFP", "according to X" become attributions.

A part of events.EventExtractor (a mixin): it reads the extractor's per-article state
(entities, token_entity, table, sentence, focus, state_actor, armed_actor).
"""

from __future__ import annotations

import re

from .lexicon import SUBJECTS


def claimant_tokens(verb) -> list:
    """The words of the claim's subject ("No group" has "no")."""
    return [t for c in verb.children if c.dep_ in SUBJECTS for t in c.subtree]


def _phrase(token) -> str:
    """The words of a token's phrase, without relative clauses and parentheticals."""
    skip = set()
    for child in token.children:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "advcl"):
            skip.update(t.i for t in child.subtree)
    words = [t for t in token.subtree if t.i not in skip]
    return token.doc[words[0].i: words[-1].i + 1].text.strip(" ,") if words else token.text


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


class Attributions:
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
            # a person or an organisation, the press included ("SANA reported")
            if entity_id is not None and self.entities[entity_id]["type"] in ("ORG", "PERSON"):
                return entity_id
        return None
