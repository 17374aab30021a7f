"""Dates as pages print them, turned into ISO 8601 without inventing what is not stated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from dateutil import parser as dateutil_parser
from .datafiles import load as load_data


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]

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


@dataclass(frozen=True)
class PageDate:
    """A date stated on the page. iso is what goes in articles.published."""

    iso: str
    day: date
    precision: int  # 1 date only, 2 with time, 3 with time and offset
    label: str  # "published", "updated" or "" when unlabelled


def parse_date_line(line: str, weekdays_in_text: set[str], date_order: str | None = None) -> PageDate | None:
    """A line that is nothing but a date (optionally labelled), as a PageDate; else None.

    A numeric date that reads both ways (09-07-2015) is decided by evidence: the
    reading whose weekday the article mentions, else the outlet's known date order;
    with neither, the date is left out rather than guessed.
    """
    text = line.strip().strip("|•·").strip()
    label_match = DATE_LABEL.match(text)
    label = ""
    if label_match:
        label = "updated" if "updated" in label_match.group(1).lower() else "published"
        text = text[label_match.end():]
    if not HAS_YEAR.search(text) or len(text) > 60:
        return None
    numeric = NUMERIC_DATE.match(text)
    if numeric:
        return _parse_numeric(numeric, weekdays_in_text, date_order, label)
    if not MONTH_WORD.search(text):
        return None
    try:
        parsed = dateutil_parser.parse(text, tzinfos=tz_offsets(), fuzzy=False, dayfirst=True)
    except (ValueError, OverflowError):
        return None
    return _page_date(parsed, text, label)


def _parse_numeric(match: re.Match, weekdays_in_text: set[str], date_order: str | None, label: str) -> PageDate | None:
    first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    readings = {}
    for order, (day_, month_) in (("DMY", (first, second)), ("MDY", (second, first))):
        try:
            readings[order] = date(year, month_, day_)
        except ValueError:
            pass
    if len(set(readings.values())) == 2:
        by_weekday = [o for o, d in readings.items() if WEEKDAYS[d.weekday()] in weekdays_in_text]
        if len(by_weekday) == 1:
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
        try:
            parsed = dateutil_parser.parse(f"{day_.isoformat()} {rest}", tzinfos=tz_offsets())
            return _page_date(parsed, rest, label)
        except (ValueError, OverflowError):
            pass
    return PageDate(day_.isoformat(), day_, 1, label)


def _page_date(parsed: datetime, text: str, label: str) -> PageDate:
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    if not has_time:
        return PageDate(parsed.date().isoformat(), parsed.date(), 1, label)
    if parsed.tzinfo is not None:
        return PageDate(parsed.isoformat(), parsed.date(), 3, label)
    return PageDate(parsed.replace(tzinfo=None).isoformat(), parsed.date(), 2, label)


def weekdays_mentioned(text: str) -> set[str]:
    return {day for day in WEEKDAYS if re.search(rf"\b{day}\b", text)}


def normalize_published(value: str) -> str | None:
    """A structured published value (JSONL, HTML metadata) to ISO 8601, or None if unparseable."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dateutil_parser.parse(value, tzinfos=tz_offsets())
        except (ValueError, OverflowError):
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return parsed.date().isoformat()
    if parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0) and value.endswith("Z"):
        parsed = parsed.astimezone(timezone.utc)
    return parsed.isoformat()


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
YEAR_ALONE = re.compile(r"^(?:in\s+)?((?:19|20)\d{2})$", re.I)


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
    anchor = _published_day(published)

    for pattern, day_group, month_group in ((MONTH_DAY, 2, 1), (DAY_MONTH, 1, 2)):
        match = pattern.search(text)
        if match:
            month, day_ = MONTH_NUMBER[_month_key(match.group(month_group))], int(match.group(day_group))
            year = int(match.group(3)) if match.group(3) else None
            return _day_in_year(year, month, day_, anchor)
    match = MONTH_YEAR.search(text)
    if match:
        return EventDate(f"{int(match.group(2)):04d}-{MONTH_NUMBER[_month_key(match.group(1))]:02d}", "month")
    match = YEAR_ALONE.match(text)
    if match:
        return EventDate(match.group(1), "year")
    if anchor is None:
        return None
    if re.search(r"\byesterday\b", text):
        return EventDate((anchor - timedelta(days=1)).isoformat(), "day")
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return EventDate(anchor.isoformat(), "day")
    match = WEEKDAY.search(text)
    if match:
        wanted = WEEKDAYS.index(match.group(2).capitalize())
        back = (anchor.weekday() - wanted) % 7
        if match.group(1) and back == 0:
            back = 7
        return EventDate((anchor - timedelta(days=back)).isoformat(), "day")
    if re.search(r"\blast month\b", text):
        first = anchor.replace(day=1) - timedelta(days=1)
        return EventDate(f"{first.year:04d}-{first.month:02d}", "month")
    if re.search(r"\b(this|earlier this) month\b", text):
        return EventDate(f"{anchor.year:04d}-{anchor.month:02d}", "month")
    if re.search(r"\blast week\b", text):
        return EventDate((anchor - timedelta(days=anchor.weekday() + 7)).isoformat(), "week")
    if re.search(r"\b(this|earlier this) week\b", text):
        return EventDate((anchor - timedelta(days=anchor.weekday())).isoformat(), "week")
    if re.search(r"\blast year\b", text):
        return EventDate(f"{anchor.year - 1:04d}", "year")
    if re.search(r"\bthis year\b", text):
        return EventDate(f"{anchor.year:04d}", "year")
    match = MONTH_ALONE.match(text)
    if match:
        month = MONTH_NUMBER[_month_key(match.group(1))]
        year = anchor.year if month <= anchor.month else anchor.year - 1
        return EventDate(f"{year:04d}-{month:02d}", "month")
    return None


def _month_key(word: str) -> str:
    word = word.lower().rstrip(".")
    return word if word in MONTH_NUMBER else word[:3]


def _published_day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


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
