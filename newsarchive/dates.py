"""Dates as pages print them, turned into ISO 8601 without inventing what is not stated."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from dateutil import parser as dateutil_parser
from .datafiles import load as load_data


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b(.*)$")
HAS_YEAR = re.compile(r"\b(19|20)\d{2}\b")
DATE_LABEL = re.compile(
    r"^(published|posted|updated|last updated|first published|date|dated)(\s+(on|at))?\s*[:\-]?\s*", re.I)
MONTH_WORD = re.compile(r"\b(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\b", re.I)


@lru_cache(maxsize=1)
def tz_offsets() -> dict[str, int]:
    """Time-zone abbreviation -> offset in seconds, from data/timezones.yml."""
    table = load_data("timezones.yml")
    return {abbr: int(hours * 3600) for abbr, hours in table.items()}


# Years a stated date may have: outside them a "date" is a typo, a price or a placeholder (0001, 9999).
YEARS = range(1800, 2101)

# What a published value states, coarsest last: "time" (a clock time), "day", "month", "year".
PRECISIONS = ("time", "day", "month", "year")


@dataclass(frozen=True)
class PageDate:
    """A date stated on the page. iso is what goes in articles.published: as much as is stated, no more."""

    iso: str  # 2015-06-04T10:00:00+03:00, 2015-06-04, 2015-06 or 2015
    stated: str  # one of PRECISIONS
    detail: int  # to choose between statements of one day: 0 partial, 1 date, 2 with time, 3 with offset
    label: str  # "published", "updated" or "" when unlabelled


# dateutil fills what a text leaves out from a default date. Parsing with two defaults that
# differ in every field shows which fields the text stated: the ones that come out equal.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def _stated(text: str, **options) -> tuple[datetime, str] | None:
    """(the datetime, its precision) for what the text states, or None without a year in YEARS."""
    try:
        with warnings.catch_warnings():
            # a zone name data/timezones.yml lacks ("ET", "AMT" is Armenian or Amazon time) states no offset
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            first, second = (dateutil_parser.parse(text, default=d, **options) for d in _DEFAULTS)
        first.utcoffset()  # an offset of 24 hours or more raises here
    except (ValueError, ArithmeticError, TypeError):  # dateutil's Decimal raises InvalidOperation on "1e9999"-like tokens
        return None
    if first.year != second.year or first.year not in YEARS:
        return None
    if first.month != second.month:
        return first, "year"
    if first.day != second.day:
        return first, "month"
    return first, "day"


def _iso(parsed: datetime, stated: str) -> str:
    if stated == "year":
        return f"{parsed.year:04d}"
    if stated == "month":
        return f"{parsed.year:04d}-{parsed.month:02d}"
    return parsed.date().isoformat()


def parse_date_line(line: str, weekdays_in_text: set[str], date_order: str | None = None) -> PageDate | None:
    """A line that is nothing but a date (optionally labelled), as a PageDate; else None.

    A numeric date that reads both ways (09-07-2015) is decided by evidence
    (weekdays_in_text, from date_evidence): the reading the article writes out in words,
    else the reading whose weekday the article mentions, else the outlet's known date
    order; with none of these, the date is left out rather than guessed.
    """
    text = line.strip().strip("|•·").strip()
    label_match = DATE_LABEL.match(text)
    label = ""
    if label_match:
        label = "updated" if "updated" in label_match.group(1).lower() else "published"
        text = text[label_match.end():]
    if not HAS_YEAR.search(text) or len(text) > 60:
        return None
    if ISO_DATE.match(text):  # 2016-11-11T11:02:27: the form scrapers write most
        found = normalize_published(text)
        if found is None:
            return None
        iso, stated = found
        return PageDate(iso, stated, {"time": 3 if "+" in iso[10:] or iso.endswith("Z") else 2}.get(stated, 1), label)
    numeric = NUMERIC_DATE.match(text)
    if numeric:
        return _parse_numeric(numeric, weekdays_in_text, date_order, label)
    if not MONTH_WORD.search(text):
        return None
    found = _stated(text, tzinfos=tz_offsets(), fuzzy=False, dayfirst=True)
    if found is None:
        return None
    parsed, stated = found
    if stated != "day":
        return PageDate(_iso(parsed, stated), stated, 0, label)
    return _page_date(parsed, text, label)


def _parse_numeric(match: re.Match, weekdays_in_text: set[str], date_order: str | None, label: str) -> PageDate | None:
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if year not in YEARS:
        return None
    readings = {}
    for order, (day_, month_) in (("DMY", (first, second)), ("MDY", (second, first))):
        try:
            readings[order] = date(year, month_, day_)
        except ValueError:
            pass
    if len(set(readings.values())) == 2:
        by_date = [o for o, d in readings.items() if d.isoformat() in weekdays_in_text]
        by_weekday = [o for o, d in readings.items() if WEEKDAYS[d.weekday()] in weekdays_in_text]
        if len(by_date) == 1:
            readings = {by_date[0]: readings[by_date[0]]}
        elif len(by_weekday) == 1:
            readings = {by_weekday[0]: readings[by_weekday[0]]}
        elif date_order in readings:
            readings = {date_order: readings[date_order]}
        else:
            return None
    if not readings:
        return None
    day_ = next(iter(readings.values()))
    rest = match.group(4).strip()
    if rest:
        found = _stated(f"{day_.isoformat()} {rest}", tzinfos=tz_offsets())
        if found:
            return _page_date(found[0], rest, label)
    return PageDate(day_.isoformat(), "day", 1, label)


def _page_date(parsed: datetime, text: str, label: str) -> PageDate:
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    if not has_time:
        return PageDate(parsed.date().isoformat(), "day", 1, label)
    if parsed.tzinfo is not None:
        return PageDate(parsed.isoformat(), "time", 3, label)
    return PageDate(parsed.replace(tzinfo=None).isoformat(), "time", 2, label)


def weekdays_mentioned(text: str) -> set[str]:
    return {day for day in WEEKDAYS if re.search(rf"\b{day}\b", text)}


WRITTEN_DATE = re.compile(r"\b(?:(?P<month1>[A-Z][a-z]{2,8})\.? (?P<day1>\d{1,2})(?:st|nd|rd|th)?,? (?P<year1>\d{4})"
                          r"|(?P<day2>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?P<month2>[A-Z][a-z]{2,8})\.?,? (?P<year2>\d{4}))\b")


def date_evidence(text: str) -> set[str]:
    """What a text says that decides a numeric date read both ways: the weekdays it names, and
    the dates it writes out with the month's name ("February 5 2015"), as ISO strings."""
    found = weekdays_mentioned(text)
    for match in WRITTEN_DATE.finditer(text):
        month = MONTH_NUMBER.get((match.group("month1") or match.group("month2")).lower())  # "Mayor 5" is no date
        try:
            if month:
                found.add(date(int(match.group("year1") or match.group("year2")), month,
                               int(match.group("day1") or match.group("day2"))).isoformat())
        except ValueError:
            pass
    return found


# An offset at the end of a timestamp: dropped when it is not a real one (+25:00).
_OFFSET = re.compile(r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def normalize_published(value: str) -> tuple[str, str] | None:
    """A structured published value (JSONL, HTML metadata) as (ISO 8601, precision), or None.

    Only what the value states is kept: "May 2015" is ("2015-05", "month"), never a day
    of the build's month; "Monday" or "June 4" (no year) is None.
    """
    value = value.strip()
    if not value or len(value) > 100:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed.utcoffset()
    except ValueError:
        parsed = None
    if parsed is None:
        found = _stated(value, tzinfos=tz_offsets())
        if found is None and _OFFSET.search(value):  # "2015-06-04T10:00:00+25:00": the day is still stated
            found = _stated(_OFFSET.sub("", value), tzinfos=tz_offsets())
            if found and found[1] == "day":
                return found[0].date().isoformat(), "day"
        if found is None:
            return None
        parsed, stated = found
        if stated != "day":
            return _iso(parsed, stated), stated
    if parsed.year not in YEARS:
        return None
    if re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", value) or (parsed.time() == datetime.min.time() and not re.search(r"\d:\d", value)):
        return parsed.date().isoformat(), "day"
    if parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0) and value.endswith("Z"):
        parsed = parsed.astimezone(timezone.utc)
    return parsed.isoformat(), "time"


# ---- dates of events, as a sentence words them ----------------------------------

MONTH_NUMBER = {name.lower(): number for number, name in enumerate(MONTHS, 1)}
MONTH_NUMBER.update({name[:3].lower(): number for name, number in list(MONTH_NUMBER.items())})
MONTH_NUMBER["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d{{2}}))?", re.I)
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+((?:19|20)\d{{2}}))?", re.I)
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?((?:19|20)\d{{2}})\b", re.I)
MONTH_ALONE = re.compile(rf"^(?:(?:early|mid|late|in|since|until|by|the\s+end\s+of|the\s+start\s+of)[\s-]+)*{_MONTH}$", re.I)
WEEKDAY = re.compile(rf"\b(last\s+)?{_WEEKDAY}\b", re.I)
RELATIVE_DAY = re.compile(r"\b(yesterday|today|tonight)\b", re.I)
YEAR_ALONE = re.compile(r"^(?:in\s+)?((?:19|20)\d{2})$", re.I)
ISO_DAY = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
NUMERIC_DAY = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})\b")
DAY_IN_NUMBERS = re.compile(rf"{ISO_DAY.pattern}|{NUMERIC_DAY.pattern}")  # either form, to find them in text
NUMERIC_DAY_BEFORE = 7  # a numeric date read both ways is the reading this many days or fewer before publication


@dataclass(frozen=True)
class EventDate:
    iso: str  # YYYY-MM-DD for day and week (the week's Monday), YYYY-MM for month, YYYY for year
    precision: str  # day, week, month or year


def resolve_event_date(expression: str, published: str | None) -> EventDate | None:
    """The date a sentence's date expression refers to, given the article's published date.

    "Wednesday" in an article of Thursday 4 June 2015 is 2015-06-03; "last month" is
    2015-05 (month); "May 30" is 2015-05-30. A weekday is the latest such day on or
    before publication. Without a published date only expressions that carry their
    year resolve; the rest are None, never guessed.
    """
    text = " ".join(expression.lower().replace("’", "'").split())
    known = _published_anchor(published)
    # What the article states of its own date bounds what can be said of an event's:
    # "Wednesday" needs its day, "last month" its month, "last year" its year.
    anchor, stated = known if known else (None, None)
    day_anchor = anchor if stated == "day" else None
    month_anchor = anchor if stated in ("day", "month") else None

    for pattern, day_group, month_group in ((MONTH_DAY, 2, 1), (DAY_MONTH, 1, 2)):
        match = pattern.search(text)
        if match:
            month, day_ = MONTH_NUMBER[_month_key(match.group(month_group))], int(match.group(day_group))
            year = int(match.group(3)) if match.group(3) else None
            if year is None and stated == "month":  # the latest day the article can have been published
                return _day_in_year(None, month, day_, _month_end(anchor))
            return _day_in_year(year, month, day_, day_anchor)
    numeric = _numeric_day(text, day_anchor)
    if numeric is not None:
        return numeric
    match = MONTH_YEAR.search(text)
    if match:
        return EventDate(f"{int(match.group(2)):04d}-{MONTH_NUMBER[_month_key(match.group(1))]:02d}", "month")
    match = YEAR_ALONE.match(text)
    if match:
        return EventDate(match.group(1), "year")
    if day_anchor is not None:
        if re.search(r"\byesterday\b", text):
            return EventDate((day_anchor - timedelta(days=1)).isoformat(), "day")
        if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
            return EventDate(day_anchor.isoformat(), "day")
        match = WEEKDAY.search(text)
        if match:
            wanted = WEEKDAYS.index(match.group(2).capitalize())
            back = (day_anchor.weekday() - wanted) % 7
            if match.group(1) and back == 0:
                back = 7
            return EventDate((day_anchor - timedelta(days=back)).isoformat(), "day")
    if month_anchor is not None:
        if re.search(r"\blast month\b", text):
            first = month_anchor.replace(day=1) - timedelta(days=1)
            return EventDate(f"{first.year:04d}-{first.month:02d}", "month")
        if re.search(r"\b(this|earlier this) month\b", text):
            return EventDate(f"{month_anchor.year:04d}-{month_anchor.month:02d}", "month")
    if day_anchor is not None:
        if re.search(r"\blast week\b", text):
            return EventDate((day_anchor - timedelta(days=day_anchor.weekday() + 7)).isoformat(), "week")
        if re.search(r"\b(this|earlier this) week\b", text):
            return EventDate((day_anchor - timedelta(days=day_anchor.weekday())).isoformat(), "week")
    if anchor is not None:
        if re.search(r"\blast year\b", text):
            return EventDate(f"{anchor.year - 1:04d}", "year")
        if re.search(r"\bthis year\b", text):
            return EventDate(f"{anchor.year:04d}", "year")
    match = MONTH_ALONE.match(text)
    if match and month_anchor is not None:
        month = MONTH_NUMBER[_month_key(match.group(1))]
        year = month_anchor.year if month <= month_anchor.month else month_anchor.year - 1
        return EventDate(f"{year:04d}-{month:02d}", "month")
    return None


def weekday_anchor(expressions: list[str], text: str) -> date | None:
    """The day an undated article's weekdays count from: the one full date, year and all, its date
    expressions state whose weekday the article also names ("a street of Reynosa on April 17, 2015"
    in a caption, and "on Friday"). None when there is no such date or there are several."""
    named = weekdays_mentioned(text)
    fitting = set()
    for expression in expressions:
        resolved = resolve_event_date(expression, None)
        if resolved is not None and resolved.precision == "day":
            day_ = date.fromisoformat(resolved.iso)
            if WEEKDAYS[day_.weekday()] in named:
                fitting.add(day_)
    return fitting.pop() if len(fitting) == 1 else None


def nearest_weekday(expression: str, anchor: date) -> EventDate | None:
    """"Friday", "on Saturday", counted from a day the text states rather than from publication:
    the nearest such day, up to three days either side ("last Friday" is left alone)."""
    match = WEEKDAY.search(expression)
    if match is None or match.group(1):
        return None
    offset = (WEEKDAYS.index(match.group(2).capitalize()) - anchor.weekday()) % 7
    return EventDate((anchor + timedelta(days=offset - 7 if offset > 3 else offset)).isoformat(), "day")


def _numeric_day(text: str, anchor: date | None) -> EventDate | None:
    """"2015-02-05", "05.02.2015": a day written in numbers. Day and month may come either way
    round ("05.02.2015" is 5 February or 2 May): a reading that cannot be a date is dropped, and of
    two that can, only the one in the week up to the article's own day is taken, else none."""
    match = ISO_DAY.search(text)
    readings = [(int(match.group(1)), int(match.group(2)), int(match.group(3)))] if match else []
    match = NUMERIC_DAY.search(text) if not readings else None
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        readings = list({(year, second, first), (year, first, second)})
    days = []
    for year, month, day_ in readings:
        try:
            days.append(date(year, month, day_))
        except ValueError:
            continue
    if len(days) > 1:
        days = [d for d in days if anchor is not None and timedelta(0) <= anchor - d <= timedelta(days=NUMERIC_DAY_BEFORE)]
    return EventDate(days[0].isoformat(), "day") if len(days) == 1 else None


def _month_key(word: str) -> str:
    word = word.lower().rstrip(".")
    return word if word in MONTH_NUMBER else word[:3]


def _published_anchor(published: str | None) -> tuple[date, str] | None:
    """(the first day the published value allows, its precision: day, month or year), or None."""
    if not published:
        return None
    try:
        if len(published) >= 10:
            return date.fromisoformat(published[:10]), "day"
        if len(published) == 7:
            return date(int(published[:4]), int(published[5:7]), 1), "month"
        if len(published) == 4:
            return date(int(published), 1, 1), "year"
    except ValueError:
        pass
    return None


def _month_end(day_: date) -> date:
    return (day_.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _day_in_year(year: int | None, month: int, day_: int, anchor: date | None) -> EventDate | None:
    """A day and month, in the stated year or else the one that puts it at most a week after publication."""
    if year is None:
        if anchor is None:
            return None
        year = anchor.year
        try:
            if date(year, month, day_) > anchor + timedelta(days=7):
                year -= 1
        except ValueError:
            return None
    try:
        return EventDate(date(year, month, day_).isoformat(), "day")
    except ValueError:
        return None


def names_a_day(text: str) -> bool:
    """Whether a date expression names one day ("on Sunday", "May 30", "3 June", "yesterday")."""
    return any(pattern.search(text) for pattern in (WEEKDAY, MONTH_DAY, DAY_MONTH, RELATIVE_DAY))


# "Six days later", "a month earlier", "the next day": a date told from the event told just before
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
RELATIVE = re.compile(r"\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
                      r"(day|week|month)s?\s+(later|after|earlier|before)\b", re.I)
NEXT_DAY = re.compile(r"\bthe\s+(next|following|previous)\s+day\b|\bthe\s+day\s+(after|before)\b", re.I)
SAME_DAY = re.compile(r"\b(?:later|earlier)\s+that\s+(?:day|night|morning|afternoon|evening)\b|\bthe\s+same\s+day\b"
                      r"|\bhours\s+(?:later|earlier)\b|^that\s+(?:day|night)$", re.I)


def relative_to(expression: str, anchor: EventDate | None) -> EventDate | None:
    """The date a relative expression tells from the date of the event told before it ("hours later": the
    same; "Six days later"
    after one of 2016-03-13: 2016-03-19), no finer than that date ("Six days later" after "In March":
    March; "A month earlier": February); None for anything else."""
    if anchor is None or anchor.precision not in ("day", "month"):
        return None
    text = " ".join(expression.lower().split())
    if SAME_DAY.search(text):
        return anchor  # "hours later", "later that day", "the same day"
    match = RELATIVE.search(text)
    if match:
        count = int(match.group(1)) if match.group(1).isdigit() else COUNT_WORDS[match.group(1)]
        unit, sign = match.group(2), 1 if match.group(3) in ("later", "after") else -1
    else:
        match = NEXT_DAY.search(text)
        if match is None:
            return None
        count, unit, sign = 1, "day", -1 if (match.group(1) == "previous" or match.group(2) == "before") else 1
    if unit == "month":
        year, month = (int(part) for part in anchor.iso[:7].split("-"))
        month += sign * count
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        return EventDate(f"{year:04d}-{month:02d}", "month")
    days = count * (7 if unit == "week" else 1)
    if anchor.precision == "month":
        return anchor if days <= 7 else None  # "Six days later" than a day in March: March, most likely
    return EventDate((date.fromisoformat(anchor.iso) + timedelta(days=sign * days)).isoformat(), "day")
