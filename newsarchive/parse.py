"""Parse a raw document into an article: body without page furniture, title, date, dateline, byline, outlet, wire.

A scraped page is a list of lines. Each line is classified by general rules:
  * cues (data/page_rules.yml): app banners, tags, share bars, newsletter boxes,
    copyright and trademark notices, photo credits, captchas, comment sections;
  * shape: prose is a line of several words ending like a sentence; headlines,
    dates, outlet names and tag lists are short and unpunctuated;
  * position: the body runs from the first prose line to the last one; what
    stands before it is the header (headline, date, outlet), what follows a
    comment-section heading is dropped whole;
  * repetition: a line that repeats an earlier one, or a teaser that repeats
    the start of the body and trails off with an ellipsis, is furniture.
Fields are only filled from evidence on the page; without it they stay None.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache


from .dates import HAS_YEAR, MONTH_WORD, PageDate, normalize_published, parse_date_line, date_evidence
from .outlets import Outlet, Registry, host_of, original_url
from .ids import stable_id
from .language import detect as detect_language, normalise as normalise_language
from .readers import RawDocument, SkipInput
from .datafiles import load as load_data


SENTENCE_END = re.compile(r"[.!?。！？]['\"’”)\]」』]*$|[\"”’]$")
PUNCTUATION = re.compile(r"[.,;:!?。，、！？]")
# Scripts written without spaces between words: their length in words is read from characters.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
ELLIPSIS_END = re.compile(r"(\.\.\.|…)\s*$")
MAX_FURNITURE_WORDS = 20  # a cue only marks furniture on a line this short: article paragraphs run longer
DATELINE = re.compile(
    r"^(?P<place>(?:[A-Z][\w'’.-]*\s?){1,4}(?:,\s*(?:[A-Z][\w'’.-]*\s?){1,3})?)"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<credit>[A-Za-z][\w .&-]{1,30})\))?"
    r"\s*(?:[-–—]+|:)\s+(?=[\"“‘'A-Z0-9])"
)


# A dateline a feed glued to the first sentence, its separator lost: "BEIRUT Bomb blasts killed ...",
# "JUBA Renewed fighting erupted ...". Taken as one only when the capitals name a sizeable place.
GLUED_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z'’.-]{2,}(?: [A-Z][A-Z'’.-]{2,}){0,2}) (?=[A-Z][a-z]+ [a-z])")
GLUED_DATELINE_POPULATION = 100_000


# A body longer than this is not one news article (a feed dumped into one file, a book):
# the build skips it, naming it, rather than spend minutes and gigabytes on it.
MAX_BODY_CHARACTERS = 1_000_000


@dataclass
class Article:
    """One parsed article, ready for NLP and storage."""

    id: int
    file: str
    line: int | None
    content_hash: str
    title: str | None
    body: str
    published: str | None  # ISO 8601, as precise as the page states it: 2015-06-04T10:00:00+03:00, 2015-06-04, 2015-06, 2015
    published_precision: str | None  # time, day, month or year
    dateline: str | None
    byline: str | None
    source: Outlet | None
    wire: Outlet | None
    url: str | None
    language: str | None = None  # ISO 639-1, as the document states it or as langid reads the body

    @property
    def word_count(self) -> int:
        return len(self.body.split())


@dataclass(frozen=True)
class PageRules:
    minor_words: frozenset[str]
    section_end: re.Pattern
    aside: re.Pattern
    furniture: re.Pattern
    byline: re.Pattern
    field_label: re.Pattern
    source_line: re.Pattern
    credit_after: str
    credit_before: str
    not_datelines: frozenset[str]


@lru_cache(maxsize=1)
def page_rules() -> PageRules:
    rules = load_data("page_rules.yml")

    def any_of(patterns):
        return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"

    return PageRules(
        minor_words=frozenset(rules["title_case_minor_words"]),
        section_end=re.compile(any_of(rules["furniture_section_end"]), re.I),
        aside=re.compile(any_of(rules["furniture_aside"]), re.I),
        furniture=re.compile(any_of(rules["furniture_line"]), re.I),
        byline=re.compile(rf"^{any_of(rules['byline_labels'])}\s*:?\s+(?P<name>[A-Z][^|]{{2,80}}?)\s*$", re.I),
        field_label=re.compile(rf"{any_of(rules['byline_labels'] + rules['date_labels'])}\s*:", re.I),
        source_line=re.compile(rf"^{any_of(rules['source_labels'])}\s*:\s*(?P<name>.{{2,60}}?)\s*$", re.I),
        credit_after=any_of(rules["wire_credit_verbs"]),
        credit_before=any_of(rules["wire_credit_lead"]),
        not_datelines=frozenset(word.lower() for word in rules["not_datelines"]),
    )


# Unicode's space separators (category Zs) and the tab: all become a plain space.
ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def clean_line(line: str) -> str:
    """Normalise spacing: non-breaking and odd spaces become plain ones, runs collapse."""
    line = ODD_SPACES.sub(" ", line)
    line = re.sub(r"[\u200b-\u200d\ufeff]", "", line)
    return " ".join(line.split())


def words(line: str) -> list[str]:
    return re.findall(r"[\w’'-]+", line.lower())


def word_count(line: str) -> int:
    """Words in the line; in Chinese, Japanese, Korean or Thai text, about one per two characters."""
    unspaced = len(UNSPACED.findall(line))
    return len(line.split()) + unspaced // 2


TEASER_BREAK = re.compile(r"\w(?:\.\.\.|…)\s+\S")  # a sentence broken off mid-line, and more text after it
TEASER_BREAKS = 3
CUT_OFF = re.compile(r"\w(?:\.\.\.|…)$")
TRUNCATED = re.compile(r"\w ?(?:\.\.\.|…)$")  # a summary a page cut to its box's length: "... former Nissan Chairman and CEO …"
TRUNCATED_WORDS = 12


def is_prose(line: str, on_a_page: bool = True) -> bool:
    """A line shaped like article text: several words, ending like a sentence (or long).

    A row of teasers run together (a news ticker, a carousel: "... may soon... Indian-origin
    man pleads ...") is not prose, however long: it breaks off with an ellipsis again and again.
    On a page, neither is a summary cut to its box's length ("... Nissan Chairman and CEO …");
    in a record's own text (on_a_page False) that is where the record was cut.
    """
    count = word_count(line)
    if len(TEASER_BREAK.findall(line)) >= TEASER_BREAKS:
        return False
    # a long line counts as prose only if punctuated: a tag cloud or a menu run together is not
    # a short line cut off with an ellipsis ("... to devastate Britain as Hurri...") is a teaser's start
    ends = bool(SENTENCE_END.search(line)) and not CUT_OFF.search(line)
    if on_a_page and count >= TRUNCATED_WORDS and TRUNCATED.search(line):
        return False
    return (count >= 25 and bool(PUNCTUATION.search(line))) or (count >= 5 and ends)


# Where a headline runs into its summary with no space between: "...At Troy SteakhouseA party of six left..."
GLUE = re.compile(r"(?<=[a-z0-9?!'’”)])(?=(?:A|[A-Z][a-z]+)\b)")
GLUED_CARDS = 3  # so many such lines, next to another, make a row of story cards; one alone could be a brand name ("YouTube")


def glued_card(line: str, minor_words: frozenset[str]) -> bool:
    """A story card flattened into one line: a title-case headline glued to the first words of its summary.

    A page-to-text dump gives this for cards whose headline and summary are inline
    elements: "Customers Leave Without Paying $690 Bill At Troy SteakhouseA party of six ..."
    """
    for glue in GLUE.finditer(line):
        head, tail = line[:glue.start()], line[glue.start():]
        head_words = head.split()
        if not 4 <= len(head_words) <= 20 or len(tail.split()) < 6 or len(head_words[-1]) < 3:
            return False
        if re.search(r"[.!?]\s", head):
            return False
        if all(w[:1].isupper() or w[:1].isdigit() or not w[:1].isalnum() or w.lower() in minor_words
               for w in head_words):
            return True
    return False


@dataclass
class Page:
    """A text page split into its regions."""

    header: list[str]  # lines before the body (headline, date, outlet, ...)
    body: list[str]  # article paragraphs
    outside: list[str]  # every line not in the body, furniture included, for evidence
    in_boxes: frozenset[str] = frozenset()  # header lines that stand in a box of links to other stories
    above_standfirst: str | None = None  # the header line right above a standfirst the page prints twice


LINK = re.compile(r"(https?://|www\.)\S+")  # a link printed under a list item goes on nothing


def unwrap(lines: list[str]) -> list[str]:
    """Lines of hard-wrapped text (a sentence broken over lines at a fixed width) joined into
    paragraphs; other text as it is. Text is hard-wrapped when lines broken mid-sentence are
    often followed by a line that goes on in lower case (a page's menus never are); a line is
    then joined to the next unless it ends a sentence or the next is blank.
    """
    stripped = [line.strip() for line in lines]
    # a line broken mid-sentence, and the next line going on in lower case: "... in the Alberta / legislature on"
    broken = [i for i, line in enumerate(stripped[:-1]) if len(line.split()) >= 5 and not SENTENCE_END.search(line)]
    going_on = [i for i in broken if stripped[i + 1][:1].islower() and not LINK.match(stripped[i + 1])]
    if len(going_on) < 3 or len(going_on) < len(broken) * 0.3:
        return lines
    joined: list[str] = []
    open_line = False
    for line in stripped:
        if open_line and line:
            joined[-1] += " " + line
        else:
            joined.append(line)
        open_line = bool(line) and not SENTENCE_END.search(line)
    return joined


def split_page(lines: list[str], whole: bool = False) -> Page:
    rules = page_rules()
    lines = [clean_line(line) for line in lines]
    lines = [line for line in lines if line]
    kept: list[tuple[str, bool]] = []  # (line, is furniture)
    barriers: set[int] = set()  # section headings ("Comments", "Related articles"): the article never runs across one
    in_box = False  # inside a box of links to other stories, which runs until prose resumes
    boxed: set[int] = set()  # its lines: never article text
    for index, line in enumerate(lines):
        short = len(line.split()) <= MAX_FURNITURE_WORDS
        if short and rules.section_end.fullmatch(line):
            barriers.add(index)
            kept.append((line, True))
            continue
        if short and rules.aside.fullmatch(line):
            in_box = True
            kept.append((line, True))
            continue
        in_box = in_box and not is_prose(line)
        if in_box:
            boxed.add(index)
        kept.append((line, short and bool(rules.furniture.fullmatch(line))))

    boxed |= _dated_cards(lines)
    cards = {i for i, line in enumerate(lines) if glued_card(line, rules.minor_words)}
    cards = {i for i in cards if i - 1 in cards or i + 1 in cards}  # cards come in rows
    if len(cards) >= GLUED_CARDS:
        kept = [(line, furniture or i in cards) for i, (line, furniture) in enumerate(kept)]

    # Repetition: drop repeats of earlier lines and teasers of the body.
    seen_keys: set[tuple[str, ...]] = set()
    candidates: list[tuple[str, bool]] = []
    repeats: set[int] = set()  # lines dropped only for repeating an earlier one
    running_words: list[str] = []
    for index, (line, furniture) in enumerate(kept):
        key = tuple(w for w in words(line) if w not in {"tags", "tag", "topics"})
        teaser = bool(ELLIPSIS_END.search(line)) and _is_prefix(words(ELLIPSIS_END.sub("", line))[:-1], running_words)
        repeat = bool(key) and key in seen_keys
        seen_keys.add(key)
        candidates.append((line, furniture or teaser or repeat or index in boxed))
        if repeat and not (furniture or teaser):
            repeats.add(index)
        if not furniture and is_prose(line):
            running_words.extend(words(line))

    if whole:
        prose = [i for i, (line, furniture) in enumerate(candidates) if not furniture and is_prose(line, on_a_page=False)]
        first, last = (prose[0], prose[-1]) if prose else (None, None)
    else:
        first, last = _article_span(candidates, barriers)
        if first is not None:
            first = _after_front_matter(candidates, first, last)
    if first is None:
        return Page(header=[l for l, f in candidates if not f], body=[], outside=lines)
    body = [line for line, furniture in candidates[first:last + 1] if not furniture]
    # A header line said twice stands where it is said last: a headline is often printed
    # once in a "now reading" bar at the top and again right above the article.
    # Box lines stay header lines: a menu label can look like a box heading.
    header = [line for i, (line, furniture) in enumerate(candidates[:first])
              if not furniture or i in repeats or (i in boxed and not kept[i][1])]
    last_said = {line: i for i, line in enumerate(header)}
    # A sentence printed twice above the text is a standfirst (below the headline, and again as
    # the summary over the text); the line above its first printing is the headline.
    said = Counter(header)
    above_standfirst = next((header[i - 1] for i, line in enumerate(header)
                             if i and said[line] == 2 and last_said[line] > i + 1 and line.endswith((".", "!", "?", "…"))
                             and is_prose(line, on_a_page=False)
                             and word_count(header[i - 1]) < word_count(line)), None)
    header = [line for i, line in enumerate(header) if last_said[line] == i]
    in_boxes = frozenset(line for i, (line, _) in enumerate(candidates[:first]) if i in boxed)
    body_set = set(body)
    outside = [line for line in lines if line not in body_set]
    return Page(header=header, body=body, outside=outside, in_boxes=in_boxes, above_standfirst=above_standfirst)


CARD_DATES = 3  # so many dated cards in a row make a list of other stories
CARD_LINES = 5  # a card: a headline, an author, a date and a summary, give or take a line


def _dated_cards(lines: list[str]) -> set[int]:
    """Lines of a list of story cards that each carry their own date line (headline, author,
    date, summary; again and again): the dates recur every few lines, with at most one
    paragraph between two of them. An article states its date once; a live blog stamps its
    entries with times, not full dates, and writes more than a line under each.
    """
    dated = [i for i, line in enumerate(lines)
             if word_count(line) <= 8 and HAS_YEAR.search(line) and MONTH_WORD.search(line) and _looks_dated(line)]
    found: set[int] = set()
    chain: list[int] = []
    for index in dated + [None]:
        if index is not None and chain and 2 <= index - chain[-1] <= CARD_LINES \
                and sum(is_prose(line) for line in lines[chain[-1] + 1:index]) <= 1:
            chain.append(index)
            continue
        if len(chain) >= CARD_DATES:
            # the last card's summary, if cards have one under their date
            summaries = all(is_prose(lines[i + 1]) for i in chain[:-1])
            found.update(range(chain[0], min(chain[-1] + (2 if summaries else 1), len(lines))))
        chain = [index] if index is not None else []
    return found


def _article_span(candidates: list[tuple[str, bool]], barriers: set[int]) -> tuple[int | None, int | None]:
    """(first, last) index of the run of lines that is most like an article, or (None, None).

    Each prose line gains its length in words; every other line costs (menus, teasers,
    link lists, furniture): the run with the highest total is the longest coherent run of
    prose, and a subheading or a list between paragraphs stays in it (a maximum-sum
    subarray, as in Finn, Kushmerick and Smyth's body-text extraction). No run crosses a
    section heading (a comment section, related articles), and prose after the first such
    heading counts for less: a comment thread wins only when it is much longer than the
    text above it, which is then no article.
    """
    weights = rules_weights()
    best, best_span = 0.0, (None, None)
    total, start = 0.0, 0
    discount = 1.0
    gap = 0  # lines since the last prose line
    for index, (line, furniture) in enumerate(candidates):
        count = word_count(line)
        if index in barriers:
            total, start = 0.0, index + 1
            if best >= weights["article_words"]:  # a tagline above a menu's "Comment" is no article yet
                discount = weights["after_section"]
            continue
        prose = not furniture and is_prose(line)
        gap = 0 if prose else gap + 1
        # each further short line of a gap costs more: a list or a subheading between paragraphs
        # is cheap, a staff list or a menu of twenty lines divides two regions of the page (a
        # row of captions, already dear by its words, does not)
        growth = 1 + weights["gap_growth"] * (gap - 1) if furniture or count <= weights["gap_short_words"] else 1.0
        if furniture:
            gain = -weights["furniture"] * growth
        elif prose:
            gain = count * discount
        else:
            gain = -(weights["other_line"] + weights["other_word"] * count) * growth
        if total <= 0:
            total, start = 0.0, index
        total += gain
        if total > best:
            best, best_span = total, (start, index)
    return best_span


FRONT_LINES = 6  # the lines at the top of an article where its byline and date stand


def _after_front_matter(candidates: list[tuple[str, bool]], first: int, last: int) -> int:
    """Where the text starts: after the last byline or date line among the span's first lines.

    A headline and a standfirst shaped like sentences join the run of prose below them, but
    the byline and the date stand between them and the text: what is above those lines is
    the page's header, where the headline is looked for.
    """
    rules = page_rules()
    start = first
    # the span ends on a prose line, so prose always follows a line before `last`
    for index in range(first, min(first + FRONT_LINES, last)):
        line, furniture = candidates[index]
        if furniture or (is_prose(line) and len(line.split()) > 8):  # text that mentions a time ("at 10:30 p.m.")
            continue
        if rules.byline.match(line) or parse_date_line(line, set()) or _looks_dated(line):
            start = index + 1
    return start


@lru_cache(maxsize=1)
def rules_weights() -> dict[str, float]:
    return {key: float(value) for key, value in load_data("page_rules.yml")["span_weights"].items()}


def _is_prefix(short: list[str], long: list[str]) -> bool:
    return len(short) >= 5 and long[: len(short)] == short


def parse_document(doc: RawDocument, registry: Registry) -> Article:
    """Turn one raw document into an Article, or raise SkipInput when it holds no article text."""
    fields = dict(doc.fields)
    if doc.kind == "html":
        # trafilatura has already told the article from the page: its paragraphs, list items
        # and table rows are kept as they are, not judged again by the text-dump rules.
        text, html_fields = extract_html(doc.text)
        for key, value in html_fields.items():
            fields.setdefault(key, value)
        lines = [line for line in (clean_line(line) for line in text.splitlines()) if line]
        title = clean_line(fields.get("title") or "")
        while lines and title and lines[0].casefold() == title.casefold():  # the headline, printed above the text
            lines = lines[1:]
        if not any(is_prose(line) for line in lines) and sum(word_count(line) for line in lines) < 25:
            lines = []  # a menu or a caption is not an article
        page = Page(header=[], body=lines, outside=[])
    else:
        text = doc.text
        # A record's body is the article as the scraper saw it: from its first prose to its
        # last, not a page to find the article in.
        page = split_page(unwrap(text.splitlines()), whole=doc.kind in ("jsonl", "json"))
    page_text = "\n".join(text.splitlines())
    rules = page_rules()

    if doc.kind == "html":
        body_lines = list(page.body)
        # a date or byline line trafilatura kept above the text ("Last Updated Jul 4, 2016 1:45 AM EDT")
        while len(body_lines) > 1 and word_count(body_lines[0]) <= 12 and (
                _is_field_line(body_lines[0], registry) or _looks_dated(body_lines[0])):
            body_lines = body_lines[1:]
    else:
        body_lines = [line for line in page.body if not _is_field_line(line, registry)]
    if not body_lines:
        raise SkipInput(doc.where, "no article text found (nothing shaped like paragraphs of prose)")

    dateline, credit, body_lines[0] = split_dateline(body_lines[0])
    body = "\n\n".join(body_lines)

    source = find_publisher(fields, page, page_text, registry)
    wire = find_wire(fields, page, body, credit, registry)
    if wire and source and wire.id == source.id:
        wire = None
    published, precision = find_published(fields, page, body, source)
    return Article(
        id=stable_id(doc.content_hash),
        file=doc.file,
        line=doc.line,
        content_hash=doc.content_hash,
        title=_without_site_name(fields.get("title") or find_title(page, body, registry) or "", site_keys(fields, source))
        or None,
        body=body,
        published=published,
        published_precision=precision,
        dateline=dateline,
        byline=fields.get("author") or find_byline(page.outside + page.header, rules),
        source=source,
        wire=wire,
        url=fields.get("url"),
        language=normalise_language(fields.get("language")) or detect_language(body),
    )


def _is_field_line(line: str, registry: Registry) -> bool:
    """Lines inside the body span that are metadata, not text: a date, a byline, a source or outlet name."""
    rules = page_rules()
    if is_prose(line) and len(line.split()) > 8:
        return False
    return bool(
        parse_date_line(line, set())
        or rules.byline.match(line)
        or rules.source_line.match(line)
        or registry.match_name(line)
    )


def split_dateline(first_paragraph: str) -> tuple[str | None, str | None, str]:
    """Split "ERBIL, Kurdistan Region – Fierce fighting..." into its dateline and the text."""
    match = DATELINE.match(first_paragraph)
    if not match:
        glued = GLUED_DATELINE.match(first_paragraph)
        if glued and _major_place(glued.group("place")):
            return glued.group("place"), None, first_paragraph[glued.end():]
    if not match or len(match.group("place").split()) > 6:
        return None, None, first_paragraph
    place = match.group("place").strip(" ,")
    if place.split()[-1].lower() in {"the", "a", "an", "and", "of"}:
        return None, None, first_paragraph
    if place.split()[0].lower().strip(".:'’") in page_rules().not_datelines:  # "FILE - ...", "Photo: ...": a caption
        return None, None, first_paragraph
    return place, match.group("credit"), first_paragraph[match.end():]


def _major_place(capitals: str) -> bool:
    """Whether "BEIRUT" or "NEW YORK" names a country, a province or a city of 100,000 people or more
    (not an acronym that a village happens to share: "ISIS", "NATO")."""
    from .gazetteer import default_gazetteer

    places, exact = default_gazetteer().candidates(capitals.title())
    return exact and any(p.kind in ("country", "region") or p.population >= GLUED_DATELINE_POPULATION for p in places)


def find_title(page: Page, body: str, registry: Registry) -> str | None:
    """The headline: the header line near the body that is about what the body is about.

    Menus, section names and teasers stand before the body too; the headline is the
    line whose words the opening of the body repeats most (at least half of them, two at
    least), among the last TITLE_WINDOW header lines shaped like a headline (2-30 words,
    not a date, outlet or byline). On a tie, the earlier line: the headline comes before
    the standfirst and the caption. Without such a line the page states no title.
    """
    rules = page_rules()
    opening = _content_words(" ".join(body.split()[:BODY_OPENING_WORDS]))
    scored: list[tuple[float, int, str]] = []  # (score, distance from the body, line)
    def front(line: str) -> bool:  # a byline, a date, or a label of one ("Author:", "Publish date:")
        return bool(_looks_dated(line) or parse_date_line(line, set()) or rules.byline.match(line)
                    or (line.endswith(":") and len(line.split()) <= 3))

    if page.above_standfirst and not front(page.above_standfirst) \
            and _headline_shaped(page.above_standfirst, rules, registry):
        return page.above_standfirst.rstrip(" |-–—")
    window = page.header[-TITLE_WINDOW:]
    distance = -1  # header lines between this one and the body, the byline and date lines not counted
    for index in range(len(window) - 1, -1, -1):
        line = window[index]
        count = word_count(line)
        if front(line) or (index and rules.field_label.fullmatch(window[index - 1])):
            continue  # a byline or a date, or what a label introduces ("Author:" / "Jane Doe")
        distance += 1
        if not _headline_shaped(line, rules, registry):
            continue
        own = _content_words(line)
        shared = len(own & opening)
        # where a headline stands: right above the article, not in a box of links to other stories
        near = distance < NEAR_BODY and count >= 4 and line not in page.in_boxes
        if shared < 1 or (not near and (shared < 2 or shared < len(own) / 3)):
            continue
        score = shared - (len(own) - shared) / 2 + (NEAR_BONUS if near else 0)
        if line.endswith(".") and not line.endswith(("...", "…")) and not _title_case(line, rules.minor_words):
            score -= SENTENCE_PENALTY  # a standfirst or caption ends like a sentence; a headline seldom does
        scored.append((score, distance, line))
    # a breadcrumb trail run together ends in the headline: "Home Holidays Homemade Spiced Honey Pear Jam"
    folded = [" ".join(line.casefold().split()) for _, _, line in scored]
    scored = [s for s, f in zip(scored, folded) if not any(f != g and f.endswith(" " + g) for g in folded)]
    if not scored:
        return None
    # The headline stands above its standfirst and captions, which repeat the body as much:
    # of the lines that score about as well as the best, the earliest.
    top = max(score for score, _, _ in scored)
    best = max((s for s in scored if s[0] >= top - HEADLINE_MARGIN), key=lambda s: s[1])[2]
    return best.rstrip(" |-–—")


def _headline_shaped(line: str, rules: PageRules, registry: Registry) -> bool:
    """2-30 words, and not a label, a breadcrumb, a source line, a caption or an outlet's name."""
    return (2 <= word_count(line) <= 30 and not line.endswith(":") and not BREADCRUMB.search(line)
            and not rules.source_line.match(line) and not CAPTION_CREDIT.search(line)
            and not registry.match_name(line))


BREADCRUMB = re.compile(r"\s[»›>]\s|^[*•]")  # "News » World", "* Click here"
TITLE_WINDOW = 25  # the header lines before the body where the headline is looked for
NEAR_BODY, NEAR_BONUS = 3, 2.0  # the last header lines before the body, and what standing there is worth
SENTENCE_PENALTY = 100.0  # a line ending with a full stop is chosen only when no other line qualifies
HEADLINE_MARGIN = 1.0  # a line above the best-scoring one, and at most this far below it, is the headline
BODY_OPENING_WORDS = 150  # the opening of the body a headline is compared with


# a caption's closing credit: "... four RS-25 engines. (credit: NASA/Jude Guidry)", "(AP Photo/Evan Vucci)"
CAPTION_CREDIT = re.compile(r"\((?:[\w .&-]{0,30}\b)?(?:photo(?:graph)?|image|picture|credit|file)s?\b[^()]{0,60}\)\s*$", re.I)


def _title_case(line: str, minor_words: frozenset[str]) -> bool:
    """A headline in title case ("Why You Shouldn't Worry."): every word capitalised but the minor ones."""
    found = [w for w in line.split() if w[:1].isalpha()]
    return len(found) >= 4 and all(w[:1].isupper() or w.lower() in minor_words for w in found)


def _looks_dated(line: str) -> bool:
    """A line that states a date or a time ("Nov. 20, 2019Updated: ... 1:35 a.m."): a dateline, not a headline."""
    # a month and a year alone are no date line: "September 2018 open thread" is a headline
    return bool(re.search(r"\b\d{1,2}:\d{2}\b", line) or (HAS_YEAR.search(line) and MONTH_WORD.search(line)
                                                            and DAY_NUMBER.search(line) and word_count(line) <= 12))


DAY_NUMBER = re.compile(r"(?<![\d.,])\b(0?[1-9]|[12]\d|3[01])(st|nd|rd|th)?\b(?![.,]?\d)")


def _content_words(text: str) -> set[str]:
    """Words of three letters or more, lower-cased and cut to five letters (a crude stem that lets
    "advancing" meet "advanced" in any language); in unspaced scripts, character pairs."""
    found = {w[:5] for w in re.findall(r"[^\W_]{3,}", text.lower()) if not UNSPACED.search(w)}
    for run in re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]+", text):
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found


def find_byline(lines: list[str], rules: PageRules) -> str | None:
    for line in lines:
        match = rules.byline.match(line)
        if match and len(line.split()) <= 12:
            return match.group("name").strip(" .,")
    return None


def find_published(fields: dict, page: Page, body: str, source: Outlet | None) -> tuple[str, str] | tuple[None, None]:
    """(the publication date the page states, its precision): structured metadata first, then
    date lines around the body; (None, None) when the page states none."""
    if fields.get("published"):
        value = normalize_published(fields["published"])
        if value:
            return value
    weekdays = date_evidence(body)
    order = source.date_order if source else None
    found: list[PageDate] = []
    for line in page.header + page.outside:
        parsed = parse_date_line(line, weekdays, order)
        if parsed:
            found.append(parsed)
    if not found:
        return None, None
    published = [d for d in found if d.label != "updated"] or found
    first_day = published[0].iso[:10]
    best = max((d for d in published if d.iso[:10] == first_day), key=lambda d: d.detail)
    return best.iso, best.stated


def find_publisher(fields: dict, page: Page, page_text: str, registry: Registry) -> Outlet | None:
    """The outlet that published the page, by the strongest evidence it gives; None without evidence."""
    urls = [original_url(fields[key]) for key in ("url", "hostname") if fields.get(key)]
    for url in urls:
        outlet = registry.match_url(url)
        if outlet:
            return outlet
    for key in ("source", "sitename"):
        if fields.get(key):
            return registry.adhoc(fields[key], fields.get("url"))
    host = next((host_of(url) for url in urls if "." in host_of(url)), None)
    if host:  # an outlet the registry lacks, named by the domain it publishes on
        return registry.adhoc(host, f"https://{host}/")
    rules = page_rules()
    for line in page.outside:
        match = rules.source_line.match(line)
        if match:
            outlet = registry.match_name(match.group("name"))
            if outlet and outlet.kind != "wire":
                return outlet
            if not outlet and _looks_like_name(match.group("name")):
                return registry.adhoc(match.group("name"))
    outlets = [o for o in registry.domains_in_text(page_text) if o.kind != "wire"]
    if outlets:
        return outlets[0]
    for line in page.outside:
        outlet = registry.match_name(_strip_copyright(line))
        if outlet and outlet.kind != "wire":
            return outlet
    return None


def find_wire(fields: dict, page: Page, body: str, dateline_credit: str | None, registry: Registry) -> Outlet | None:
    """The news agency the article is credited to: dateline, copyright or sign-off line, or a credit in the text."""
    if dateline_credit:
        outlet = registry.match_name(dateline_credit)
        if outlet and outlet.kind == "wire":
            return outlet
    if fields.get("source"):
        outlet = registry.match_name(fields["source"])
        if outlet and outlet.kind == "wire":
            return outlet
    rules = page_rules()
    for line in page.outside:
        name = _strip_copyright(line)
        source_match = rules.source_line.match(line)
        if source_match:
            name = source_match.group("name")
        outlet = registry.match_name(name.strip(" -–—()"))
        if outlet and outlet.kind == "wire":
            return outlet
    return _wire_credited_in_text(body, registry, rules)


def _wire_credited_in_text(body: str, registry: Registry, rules: PageRules) -> Outlet | None:
    """The wire credited earliest in the text ("AFP reports", "according to Reuters")."""
    named, any_name = _wire_names(registry)
    mentioned = {named[match.group()] for match in any_name.finditer(body)}  # only wires the text names at all
    earliest = None
    for wire in registry.wires():
        for pattern in _credit_patterns(wire, rules) if wire.id in mentioned else ():
            match = pattern.search(body)
            if match and (earliest is None or match.start() < earliest[0]):
                earliest = (match.start(), wire)
    return earliest[1] if earliest else None


@lru_cache(maxsize=4)
def _wire_names(registry: Registry) -> tuple[dict[str, str], re.Pattern]:
    """(every wire name -> wire id, one pattern finding any of them)."""
    named = {alias: wire.id for wire in registry.wires() for alias in {wire.name, *wire.aliases}}
    return named, re.compile("|".join(re.escape(name) for name in sorted(named, key=len, reverse=True)))


@lru_cache(maxsize=None)
def _credit_patterns(wire: Outlet, rules: PageRules) -> tuple[re.Pattern, re.Pattern]:
    """The patterns crediting this wire, compiled the first time a text names it (compiling all costs 0.3 s)."""
    names = "|".join(re.escape(alias) for alias in sorted({wire.name, *wire.aliases}, key=len, reverse=True))
    return (re.compile(rf"\b(?:{names})(?:\s*\([^)]{{1,20}}\))?\s+{rules.credit_after}\b"),
            re.compile(rf"\b{rules.credit_before}\s+(?:the\s+)?(?:{names})\b"
                       rf"(?!\s+(?:news|newspaper|journalist|reporter|correspondent))"))


def _strip_copyright(line: str) -> str:
    line = re.sub(r"^(©|\(c\)|copyright)\s*", "", line, flags=re.I)
    line = re.sub(r"\b(19|20)\d{2}\b", "", line)
    line = re.sub(r"\ball rights reserved\.?", "", line, flags=re.I)
    return line.strip(" .,-–—")


def _looks_like_name(text: str) -> bool:
    return 0 < len(text.split()) <= 5 and text[:1].isupper() and not SENTENCE_END.search(text)


def extract_html(html: str) -> tuple[str, dict]:
    """Article text and metadata (title, date, sitename, url, author) from an HTML page, via trafilatura."""
    import trafilatura

    settings = dict(
        output_format="json",
        with_metadata=True,
        include_comments=False,  # as the benchmark runs it: measured best on the extraction set
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    extracted = trafilatura.extract(html, **settings)
    if not extracted:
        return "", {}
    data = json.loads(extracted)
    if data.get("text"):
        recalled = trafilatura.extract(html, **{**settings, "with_metadata": False}, favor_recall=True)
        if recalled:
            data["text"] = _with_inner_paragraphs(data["text"], json.loads(recalled).get("text") or "")
    fields = {}
    # trafilatura 2 names the site "source-hostname" in its JSON (1.x: "sitename")
    for ours, theirs in (("title", "title"), ("published", "date"), ("sitename", "sitename"),
                         ("sitename", "source-hostname"), ("url", "source"), ("author", "author")):
        if data.get(theirs) and ours not in fields:
            fields[ours] = str(data[theirs]).strip()
    if data.get("hostname"):
        fields["hostname"] = data["hostname"]
    if data.get("language"):
        fields["language"] = data["language"]
    title = html_title(html, fields.get("title"), site_keys(fields))
    if title:
        fields["title"] = title
    text = data.get("text") or data.get("raw_text") or ""
    return text, fields


def _with_inner_paragraphs(text: str, recalled: str) -> str:
    """The article's text with the paragraphs trafilatura's recall setting finds among its own: a
    page may set some paragraphs in <div>s among its <p>s (CNN's "zn-body__paragraph"), which the
    precise setting drops. Within the article's first and last paragraph all are kept; past its
    end only the prose that follows straight on (is_prose), so teasers, footers and link lists stay
    out. None is taken unless the recall text holds every paragraph of the article, in order."""
    ours, theirs = text.split("\n"), recalled.split("\n")
    positions = []
    for paragraph in ours:
        start = positions[-1] + 1 if positions else 0
        if paragraph not in theirs[start:]:
            return text
        positions.append(theirs.index(paragraph, start))
    last = positions[-1]
    while last + 1 < len(theirs) and is_prose(theirs[last + 1]):
        last += 1
    return "\n".join(theirs[positions[0]:last + 1])


SITE_SEPARATOR = re.compile(r"\s+[|\-–—·•»:]+\s+")


def html_title(html: str, extracted: str | None, keys: set[str]) -> str | None:
    """The headline the page's own title sources agree on, without the site's name.

    trafilatura takes the first of JSON-LD's headline, og:title, <title> and <h1>; a CMS can
    put its own name in the first ("escenic"). Each source votes for its text (the site name
    cut off either end: "Suicide attack near US diplomatic site – CBS News"), and the text most
    sources give wins; on a tie, trafilatura's.
    """
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return extracted
    found = [extracted]
    found += tree.xpath('//meta[@property="og:title" or @name="og:title" or @name="twitter:title"]/@content')[:2]
    found += [h.text_content() for h in tree.xpath("//h1")[:1]]
    found += [t.text_content() for t in tree.xpath("//head/title")[:1]]
    titles = [t for t in (_without_site_name(clean_line(t or ""), keys) for t in found) if t]
    if not titles:
        return None
    votes: dict[str, int] = {}
    for title in titles:
        votes[title.casefold()] = votes.get(title.casefold(), 0) + 1
    return max(titles, key=lambda t: (votes[t.casefold()], t == titles[0]))


def site_keys(fields: dict, source: Outlet | None = None) -> set[str]:
    """The names a page's site goes by, squeezed: its sitename, its host's labels, its outlet's names."""
    names = [fields.get("sitename") or ""]
    if source is not None:
        names += [source.name, *source.aliases]
    keys = {re.sub(r"\W|_", "", name.casefold()) for name in names}
    for host in (fields.get("hostname"), *(source.domains if source else ())):
        keys.update(label for label in (host or "").casefold().split(".") if len(label) >= 4 and label != "www")
    return {key for key in keys if len(key) >= 3}


def _without_site_name(title: str, keys: set[str]) -> str:
    """"Headline – Site" or "Site | Headline" without the segment that names the site."""
    separators = list(SITE_SEPARATOR.finditer(title))
    if not separators or not keys:
        return title
    for cut, kept in ((title[separators[-1].end():], title[:separators[-1].start()]),
                      (title[:separators[0].start()], title[separators[0].end():])):
        squeezed = re.sub(r"\W|_", "", cut.casefold())
        if len(squeezed) >= 3 and any(key in squeezed or squeezed in key for key in keys):
            return kept
    return title
