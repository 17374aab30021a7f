"""Person names the model cut short, ran on or missed, mended from the tokens around them.

The small English model often stops a long name early ("President Yoon Suk | Yeol", "Luis
Guillermo | Solis Rivera"), runs a name into the next sentence's first word when a scraper
lost the stop ("Bashar al-Assad Eleven people were killed"), and misses a name after a title
it does not know ("Deputy Chief Constable Adrian Hanstock added"). The fixes read only the
model's own tags, and only where the name plainly ends: a name part is a capitalised proper
noun the model gave no other entity type, and the word after the mended name is no capitalised
word (a run of capitals is a headline, a caption or a list whose punctuation was lost).
"""

from __future__ import annotations

import calendar
import re

from spacy.tokens import Span

# Name parts a name is extended by, at most.
MAX_EXTENSION = 2
# A sentence with more than this share of its words capitalised is title case (a headline, a
# caption label): its capitals say nothing about where a name ends.
TITLE_CASE_SHARE = 0.6
ACRONYM = re.compile(r"[A-Z]{2,}s?")
CALENDAR_WORDS = frozenset(w.lower() for w in [*calendar.month_name[1:], *calendar.month_abbr[1:],
                                               *calendar.day_name, *calendar.day_abbr])


class PersonNames:
    """Mends the PERSON spans of a doc; words: titles, roles and the stoplist of entity_rules.yml."""

    def __init__(self, titles: frozenset[str], roles: frozenset[str], stoplist: frozenset[str], is_region):
        """is_region(word): whether a word names a country or a first-level division ("Iran")."""
        self.titles, self.not_names = titles, titles | roles | stoplist | CALENDAR_WORDS
        self.is_region = is_region

    def mended(self, doc) -> list[Span]:
        """doc.ents with its PERSON spans mended, and the titled names it missed; the rest as they are."""
        spans = list(doc.ents)
        taken = {t.i for span in spans for t in span}
        out = []
        for span in spans:
            if span.label_ != "PERSON" or span.ent_id_:
                out.append(span)
                continue
            start, end = span.start, span.end
            # "Bashar al-Assad Eleven", "Li Na 6-3 7-6", "Neil Ford QC": a name ends in no number or post-nominal
            while end - start > 1 and (_number_or_punct(doc[end - 1])
                                       or end - start > 2 and ACRONYM.fullmatch(doc[end - 1].text)):
                end -= 1
            if all(t.lower_.rstrip(".") in CALENDAR_WORDS for t in doc[start:end]):
                continue  # "Thu Feb 26 2015": a date the model took for a name
            if end == span.end and end - start >= 2 and not doc[end - 1].is_punct and doc[end - 1].tag_ != "POS" \
                    and not _title_case(span.sent):
                stop = self._name_parts(doc, end, taken, span.sent)
                if stop - end <= MAX_EXTENSION and _name_ends(doc, stop):
                    end = stop  # "Yoon Suk" + "Yeol"
            out.append(span if (start, end) == (span.start, span.end) else Span(doc, start, end, label="PERSON"))
        out.extend(self._titled_names(doc, taken))
        return sorted(out, key=lambda s: s.start)

    def _name_part(self, token) -> bool:
        """A capitalised proper noun of no other entity; not an acronym or its possessive with the
        apostrophe lost ("QC", "WHOs"), a title, an office, a country or a province."""
        text = token.text
        return (token.pos_ == "PROPN" and text[:1].isupper() and not token.ent_type_ and not token.like_num
                and text.replace("-", "").isalpha() and not ACRONYM.fullmatch(text)
                and token.lower_.rstrip(".") not in self.not_names and not self.is_region(text))

    def _name_parts(self, doc, start: int, taken: set[int], sent) -> int:
        """The end of the run of name parts from start, within the sentence."""
        end = start
        while end < len(doc) and end not in taken and doc[end].sent == sent and self._name_part(doc[end]):
            end += 1
        return end

    def _titled_names(self, doc, taken: set[int]) -> list[Span]:
        """"Deputy Chief Constable Adrian Hanstock added": two or three name parts right after a
        capitalised title the model tagged nothing are a person."""
        found = []
        i = 0
        while i < len(doc):
            token = doc[i]
            if not (token.text[:1].isupper() and token.lower_.rstrip(".") in self.titles and i not in taken):
                i += 1
                continue
            start = i + 1
            while start < len(doc) and start not in taken and doc[start].text[:1].isupper() \
                    and doc[start].lower_.rstrip(".") in self.titles:
                start += 1  # the rest of the title
            end = self._name_parts(doc, start, taken, token.sent)
            if 2 <= end - start <= 3 and _name_ends(doc, end) and not _title_case(token.sent):
                found.append(Span(doc, start, end, label="PERSON"))
            i = max(end, i + 1)
        return found


def _number_or_punct(token) -> bool:
    return token.like_num or token.is_punct or any(c.isdigit() for c in token.text)


def _name_ends(doc, end: int) -> bool:
    """The word after a name is lower case, a number or punctuation, or the text ends."""
    return end >= len(doc) or not doc[end].text[:1].isupper()


def _title_case(sent) -> bool:
    words = [t for t in sent if t.is_alpha]
    return bool(words) and sum(t.text[:1].isupper() for t in words) > TITLE_CASE_SHARE * len(words)
