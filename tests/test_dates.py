from newsarchive.dates import normalize_published, parse_date_line


def test_full_date_with_time_and_zone():
    assert parse_date_line("Thursday, 04 June 2015 06:52 AM EDT", set()).iso == "2015-06-04T06:52:00-04:00"


def test_time_without_zone_stays_naive():
    assert parse_date_line("Thursday, 04 June 2015 06:52 AM", set()).iso == "2015-06-04T06:52:00"


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
    assert normalize_published("2015-06-04") == "2015-06-04"
    assert normalize_published("2015-06-04T10:52:00Z") == "2015-06-04T10:52:00+00:00"
    assert normalize_published("not a date") is None
