import sqlite3

import pytest

from newsarchive.dates import date_evidence, normalize_published, parse_date_line, resolve_event_date


def test_full_date_with_time_and_zone():
    assert parse_date_line("Thursday, 04 June 2015 06:52 AM EDT", set()).iso == "2015-06-04T06:52:00-04:00"


def test_time_without_zone_stays_naive():
    assert parse_date_line("Thursday, 04 June 2015 06:52 AM", set()).iso == "2015-06-04T06:52:00"


def test_a_zone_name_the_data_lacks_is_no_offset_and_no_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dateutil's UnknownTimezoneWarning would raise here
        found = parse_date_line("November 20, 2019 - 11:28 AMT", set())
    assert found is not None and found.iso.startswith("2019-11-20T11:28")


def test_ambiguous_numeric_date_decided_by_weekday_in_text():
    assert parse_date_line("09-07-2015", {"Thursday", "Wednesday"}).iso == "2015-07-09"
    assert parse_date_line("09-07-2015", {"Monday"}).iso == "2015-09-07"


def test_ambiguous_numeric_date_without_evidence_uses_outlet_order_or_nothing():
    assert parse_date_line("09-07-2015", set()) is None
    assert parse_date_line("09-07-2015", set(), "MDY").iso == "2015-09-07"
    assert parse_date_line("09-07-2015", set(), "DMY").iso == "2015-07-09"


def test_unambiguous_numeric_date():
    assert parse_date_line("25/12/2015", set()).iso == "2015-12-25"


def test_labelled_dates_and_non_dates():
    assert parse_date_line("Published: June 5, 2015", set()).iso == "2015-06-05"
    assert parse_date_line("Updated: 6 June 2015", set()).label == "updated"
    assert parse_date_line("Thursday", set()) is None
    assert parse_date_line("Iraq, Syria, conflict, US, Hasakeh, Raqa", set()) is None
    assert parse_date_line("ISIS began its assault on Hasakeh on May 30 2015 and launched an offensive", set()) is None


def test_structured_dates():
    assert normalize_published("2015-06-04") == ("2015-06-04", "day")
    assert normalize_published("2015-06-04T10:52:00Z") == ("2015-06-04T10:52:00+00:00", "time")
    assert normalize_published("not a date") is None


# ---- only what is stated: never a day, month or year of the build ------------------------


def test_partial_published_values_keep_their_precision():
    assert normalize_published("May 2015") == ("2015-05", "month")
    assert normalize_published("2015") == ("2015", "year")
    assert normalize_published("Thursday, 4 June 2015") == ("2015-06-04", "day")


def test_published_values_without_a_year_are_no_date():
    for value in ("Monday", "June 4", "4 June", "yesterday", "10:00"):
        assert normalize_published(value) is None, value


def test_years_outside_1800_2100_are_no_evidence():
    for value in ("0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "June 4, 1066", "9999"):
        assert normalize_published(value) is None, value
    assert parse_date_line("Published: 01/01/0001", set()) is None
    assert parse_date_line("31 December 9999", set()) is None


def test_an_impossible_utc_offset_keeps_the_day():
    assert normalize_published("2015-06-04T10:00:00+25:00") == ("2015-06-04", "day")


def test_date_lines_with_month_and_year_only():
    line = parse_date_line("Published: June 2015", set())
    assert (line.iso, line.stated) == ("2015-06", "month")
    assert parse_date_line("Posted June 4", set()) is None


def test_event_dates_need_the_precision_they_use():
    from newsarchive.dates import resolve_event_date

    # a day-precise article resolves weekdays; one that states only its month does not
    assert resolve_event_date("Wednesday", "2015-06-04").iso == "2015-06-03"
    assert resolve_event_date("Wednesday", "2015-06") is None
    assert resolve_event_date("yesterday", "2015") is None
    assert resolve_event_date("last month", "2015-06").iso == "2015-05"
    assert resolve_event_date("last month", "2015") is None
    assert resolve_event_date("last year", "2015") .iso == "2014"
    assert resolve_event_date("May 30", "2015-06").iso == "2015-05-30"
    assert resolve_event_date("May 30", "2015") is None
    assert resolve_event_date("May 30", None) is None


def test_no_date_in_an_archive_that_its_input_did_not_state(tmp_path):
    """Every date in a built archive is one its input states: the build's own day never appears."""
    import datetime
    import sqlite3

    from newsarchive.build import build

    folder = tmp_path / "in"
    folder.mkdir()
    body = ("Rebels shelled the town of Idlib on Monday, killing four civilians, a monitoring group said.\n\n"
            "The group said the attack began on June 4 and fighting continued into the evening.")
    records = [{"title": "Shelling in Idlib", "published": value, "body": body}
               for value in ("May 2015", "Monday", "June 4", "0001-01-01", "9999-12-31", "2015")]
    import json

    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (folder / "page.txt").write_text(f"Shelling in Idlib\nPublished: June 2015\n\n{body}\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    build([folder], db)
    with sqlite3.connect(db) as conn:
        published = conn.execute("select published, published_precision from articles order by file, line").fetchall()
        dates = [d for (d,) in conn.execute("select event_date from events where event_date is not null")]
    # identical bodies in different records are one article each (their fields differ)
    assert sorted(published, key=str) == sorted([("2015-06", "month"), ("2015-05", "month"), (None, None), (None, None),
                                                 (None, None), (None, None), ("2015", "year")], key=str)
    today = datetime.date.today()
    stamps = {today.isoformat(), today.strftime("%Y-%m"), str(today.year)}
    assert not stamps & {d[:len(s)] for d in dates for s in stamps}, dates
    assert all(d[:4] == "2015" for d in dates), dates  # "June 4" in a 2015 article, never the build's June


def test_iso_8601_date_lines():
    """The commonest form scrapers write: an ISO 8601 timestamp on a line of its own."""
    assert parse_date_line("2017-10-02T09:53:52", set()).iso == "2017-10-02T09:53:52"
    assert parse_date_line("2016-11-11T11:02:27Z", set()).iso == "2016-11-11T11:02:27+00:00"
    assert parse_date_line("Published: 2016-11-11", set()).iso == "2016-11-11"
    assert parse_date_line("Updated 2016-11-11 10:15", set()).label == "updated"
    assert parse_date_line("0001-01-01T00:00:00", set()) is None


def test_ambiguous_numeric_date_decided_by_a_date_the_text_writes_out():
    text = ("Over 30 rockets so far on Damascus, a witness wrote on February 5 2015. "
            "The Mayor 12 2015 plan and the 1st of Decision 2015 are no dates.")
    evidence = date_evidence(text)
    assert "2015-02-05" in evidence and not any(e.startswith("2015-05") or e.startswith("2015-12") for e in evidence)
    assert parse_date_line("2/5/2015", evidence).iso == "2015-02-05"
    assert parse_date_line("05.02.2015", evidence).iso == "2015-02-05"
    assert parse_date_line("2/5/2015", date_evidence("Nothing is dated here.")) is None


def test_a_day_written_in_numbers_is_read_either_way_round_only_with_evidence():
    # "05.02.2015" is 5 February or 2 May: the reading in the week up to the article's day wins
    assert resolve_event_date("05.02.2015", "2015-02-05T10:00:00+00:00").iso == "2015-02-05"
    assert resolve_event_date("02/05/2015", "2015-02-06").iso == "2015-02-05"
    assert resolve_event_date("05.02.2015", None) is None  # no evidence: no guess
    assert resolve_event_date("05.02.2015", "2016-01-01") is None
    assert resolve_event_date("25.02.2015", None).iso == "2015-02-25"  # only one reading is a date
    assert resolve_event_date("2015-02-05", None).iso == "2015-02-05"


def test_an_event_dated_by_a_day_written_in_numbers(tmp_path):
    from .test_events import built, rows

    db = built(tmp_path, "damascus.txt", (
        "Islamists launch rocket attack on Damascus\n"
        "Published: 2015-02-05T16:00:00Z\n\n"
        "05.02.2015 A Syrian rebel group has launched a rocket attack on residential areas of Damascus, leaving at "
        "least three people killed and 30 wounded, according to local reports.\n"))
    dated = {row["trigger"]: row["event_date"] for row in rows(db, "select trigger, event_date from events")}
    assert dated.get("launched") == "2015-02-05", dated


@pytest.mark.parametrize("expression, anchor, iso, precision", [
    ("Six days later", ("2016-03-13", "day"), "2016-03-19", "day"),
    ("Six days later", ("2016-03", "month"), "2016-03", "month"),  # no finer than what it counts from
    ("A month earlier", ("2016-03", "month"), "2016-02", "month"),
    ("the next day", ("2016-12-31", "day"), "2017-01-01", "day"),
    ("Hours later", ("2016-12-31", "day"), "2016-12-31", "day"),
    ("later that night", ("2016-12-31", "day"), "2016-12-31", "day"),
    ("two weeks later", ("2016-03", "month"), None, None),  # may be the next month: not guessed
    ("Six days later", ("2016", "year"), None, None),
])
def test_a_date_told_from_the_event_before_it(expression, anchor, iso, precision):
    from newsarchive.dates import EventDate, relative_to

    found = relative_to(expression, EventDate(*anchor))
    assert (found.iso, found.precision) == (iso, precision) if iso else found is None


def test_six_days_later_dates_an_event_from_the_one_told_before(tmp_path):
    from newsarchive.build import build

    (tmp_path / "istanbul.txt").write_text(
        "Bombing in Istanbul\nPublished: 2016-06-07T10:00:00Z\n\n"
        "ISTANBUL (CNN) - A car bomb killed 11 people in Istanbul on Tuesday, officials said.\n\n"
        "In March, at least 37 were killed when a car bomb detonated near a bus stop in the capital, Ankara.\n\n"
        "Six days later an ISIS suicide bomber detonated himself on one of Istanbul's main streets, killing four.\n\n"
        "A month earlier, 28 had been killed in a blast targeting military vehicles in central Ankara.\n",
        encoding="utf-8")
    build([tmp_path], tmp_path / "archive.db", workers=1)
    with sqlite3.connect(tmp_path / "archive.db") as connection:
        found = {trigger: (day, toll) for trigger, day, toll in connection.execute(
            "select trigger, event_date, fatalities from events")}
    assert found["bomber"] == ("2016-03", 4), found
    # a month before the bombing told just before it; its 28, which the model ran into the date, are the toll
    assert found["blast"] == ("2016-02", 28), found
