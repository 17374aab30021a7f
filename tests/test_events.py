"""Events: who did what to whom, where and when, on the seeds and on an unseen report."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from newsarchive.build import build
from newsarchive.dates import resolve_event_date

from .evaluation import evaluate_events

UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"
THURSDAY = "2015-06-04T06:52:00-04:00"


def rows(db: Path, sql: str, *params) -> list[dict]:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]


EVENTS = """
    select events.*, articles.file, a1.name as actor1, a2.name as actor2, place.name as location
    from events join articles on articles.id = events.article_id
    left join entities a1 on a1.id = events.actor1_id
    left join entities a2 on a2.id = events.actor2_id
    left join entities place on place.id = events.location_id
"""


def sub_types(db: Path, words: str) -> set[str]:
    """The sub-types of the events read from sentences with these words (none: an empty set)."""
    return {row["sub_event_type"] for row in rows(db, "select * from events") if words in row["evidence"]}


def event_with(db: Path, file_prefix: str, words: str) -> dict:
    found = [row for row in rows(db, EVENTS) if row["file"].startswith(file_prefix) and words in row["evidence"]]
    assert found, f"no event in {file_prefix} from a sentence with {words!r}"
    return found[0]


@pytest.mark.parametrize("expression, published, iso, precision", [
    ("on Wednesday", THURSDAY, "2015-06-03", "day"),
    ("Thursday", THURSDAY, "2015-06-04", "day"),
    ("last month", THURSDAY, "2015-05", "month"),
    ("May 30", THURSDAY, "2015-05-30", "day"),
    ("in March", THURSDAY, "2015-03", "month"),
    ("Dec. 25", THURSDAY, "2014-12-25", "day"),  # a day well after publication is last year's
    ("yesterday", THURSDAY, "2015-06-03", "day"),
    ("last week", THURSDAY, "2015-05-25", "week"),
    ("last year", THURSDAY, "2014", "year"),
    ("30 May 2015", None, "2015-05-30", "day"),
    ("June 2014", None, "2014-06", "month"),
])
def test_dates_resolve_against_the_published_date(expression, published, iso, precision):
    resolved = resolve_event_date(expression, published)
    assert (resolved.iso, resolved.precision) == (iso, precision)


@pytest.mark.parametrize("expression", ["on Wednesday", "last month", "May 30", "recent days"])
def test_no_published_date_and_no_year_means_no_date(expression):
    assert resolve_event_date(expression, None) is None


def test_the_fighting_for_hasakah_is_read_whole(built_archive):
    advance = event_with(built_archive, "000", "advanced Thursday to the gates")
    assert (advance["event_type"], advance["sub_event_type"]) == ("Battles", "Armed clash")
    assert {advance["actor1"], advance["actor2"]} == {"Islamic State", "Syrian government forces"}
    assert advance["location"] == "Hasakah"
    assert (advance["event_date"], advance["date_precision"]) == ("2015-06-04", "day")
    assert advance["latitude"] == pytest.approx(36.5, abs=0.1) and advance["longitude"] == pytest.approx(40.75, abs=0.1)

    palmyra = event_with(built_archive, "000", "capture last month of Palmyra")
    assert palmyra["sub_event_type"] == "Non-state actor overtakes territory"
    assert (palmyra["location"], palmyra["event_date"], palmyra["date_precision"]) == ("Palmyra", "2015-05", "month")

    barrels = event_with(built_archive, "000", "dropped barrel bombs")
    assert (barrels["sub_event_type"], barrels["actor1"]) == ("Air/drone strike", "Syrian government forces")
    # the sentence gives no date: it follows the lead at the lead's place, so it has the lead's day, and says so
    assert barrels["event_date"] == "2015-06-04" and barrels["date_text"].endswith("(the lead's date)")

    retaken = event_with(built_archive, "004", "had retaken territory")
    assert (retaken["sub_event_type"], retaken["actor1"]) == ("Government regains territory", "Syrian government forces")


def test_regime_forces_are_one_actor_whatever_the_words(built_archive):
    wordings = {("000", "regime troops"), ("000", "Regime helicopters"), ("002", "Pro-Assad forces also withdrew"),
                ("003", "driving out the Syrian army"), ("004", "Assad government forces")}
    for prefix, words in wordings:
        sentence = [row for row in rows(built_archive, EVENTS) if row["file"].startswith(prefix) and words in row["evidence"]]
        assert any("Syrian government forces" in (e["actor1"], e["actor2"]) for e in sentence), (prefix, words)


def test_fatalities_are_counted_with_the_split_by_side(built_archive):
    fighting = event_with(built_archive, "000", "left 27 regime fighters and 26 jihadists dead")
    assert fighting["fatalities"] == 53 and fighting["event_date"] == "2015-06-03"
    split = rows(built_archive, "select entities.name, count from event_fatalities join entities on entities.id = side_id "
                                "where event_id = ? order by count desc", fighting["id"])
    assert split == [{"name": "Syrian government forces", "count": 27}, {"name": "Islamic State", "count": 26}]


def test_running_totals_denials_and_hypotheticals_are_statements_not_events(built_archive):
    evidence = [row["evidence"] for row in rows(built_archive, "select evidence from events")]
    assert not [e for e in evidence if "220,000" in e or "10,000 ISIS members" in e or "119 people" in e]
    assert not [e for e in evidence if e.startswith("If ")]
    # the 119 "so far" contains the 53 of 3 June: the events' largest toll is the day's
    assert rows(built_archive, "select max(fatalities) as most from events")[0]["most"] == 53
    statements = {row["realis"]: row for row in rows(built_archive, "select * from event_statements order by id")}
    assert {"aggregate", "hypothetical", "negated"} <= set(statements)
    totals = {row["fatalities"] for row in rows(built_archive, "select fatalities from event_statements where realis = 'aggregate'")}
    assert {119, 220000, 10000} <= totals  # the running totals, kept for the analyst who wants them
    scores = evaluate_events(built_archive)["statements"]
    assert scores["right"] == scores["gold"] and not scores["as_events"], scores


def test_copies_share_a_story_and_their_events_one_cluster(built_archive):
    articles = rows(built_archive, "select file, story_id from articles order by file")
    stories = {row["file"][:3]: row["story_id"] for row in articles}
    assert stories["000"] == stories["001"]
    assert len({stories[key] for key in ("000", "002", "003", "004")}) == 4

    fighting = event_with(built_archive, "000", "left 27 regime fighters")
    cluster = rows(built_archive, "select * from event_clusters where id = ?", fighting["cluster_id"])[0]
    assert (cluster["article_count"], cluster["story_count"], cluster["source_count"]) == (2, 1, 2)
    assert cluster["fatalities"] == 53 and cluster["event_date"] == "2015-06-03"

    # The offensive that began on May 30 is reported by the AFP story and by 004, whose
    # page gives no year: 000's dated report and 001's copy are one cluster.
    start = event_with(built_archive, "000", "began its assault on Hasakeh on May 30")
    assert start["event_date"] == "2015-05-30"
    assert len(rows(built_archive, "select id from events where cluster_id = ?", start["cluster_id"])) >= 2


def test_attributions_say_who_said_what(built_archive):
    said = rows(built_archive, """
        select attributions.*, entities.name from attributions left join entities on entities.id = speaker_id
        join articles on articles.id = article_id where articles.file like '000%'""")
    by_claim = {row["claim"][:40]: row for row in said}
    helicopters = next(row for claim, row in by_claim.items() if claim.startswith("Regime helicopters"))
    assert helicopters["name"] == "Rami Abdel Rahman"  # "he said", after his name earlier on
    observatory = next(row for row in said if row["cue"] == "according to")
    assert observatory["name"] == "Syrian Observatory for Human Rights"
    assert "left 27 regime fighters" in observatory["claim"]
    anonymous = next(row for row in said if row["speaker"] == "a security source")
    assert anonymous["speaker_id"] is None and anonymous["cue"] == "tell"
    fighting = event_with(built_archive, "000", "left 27 regime fighters")
    assert fighting["attributed_to_id"] == observatory["speaker_id"]


def get(datasette, path: str, **params):
    return asyncio.run(datasette.client.get(path, params=params))


def test_canned_queries_answer_the_analysts_questions(datasette, built_archive):
    def query(name, **params):
        response = get(datasette, f"/archive/{name}.json", **params, _shape="array")
        assert response.status_code == 200, response.text
        return response.json()

    timeline = query("events_in_place", place="Hasakeh", **{"from": "2015-05-30", "to": "2015-06-10"})
    dates = [row["event_date"] for row in timeline]
    assert dates == sorted(dates) and dates[0] == "2015-05-30" and "2015-06-04" in dates
    assert any(row["fatalities"] == 53 and row["according_to"] == "Syrian Observatory for Human Rights" for row in timeline)

    tolls = {row["actor"]: row for row in query("fatalities_by_actor")}
    # each death once: the running total of 119 (71 and 48) contains the 3 June toll (27 and 26)
    assert tolls["Syrian government forces"]["deaths_on_this_side"] == 27
    assert tolls["Islamic State"]["deaths_on_this_side"] == 26

    fighting = event_with(built_archive, "000", "left 27 regime fighters")
    reports = query("event_reports", event=str(fighting["id"]))
    assert {row["outlet"] for row in reports} == {"Newsmax", "(unknown outlet)"}

    said = query("source_said", speaker="Rami Abdel Rahman")
    assert len(said) >= 4 and all(row["speaker"] == "Rami Abdel Rahman" for row in said)


def test_events_table_has_facets_and_a_map(datasette):
    response = get(datasette, "/archive/events.json", _facet="sub_event_type", _size="1")
    facets = {value["value"] for value in response.json()["facet_results"]["sub_event_type"]["results"]}
    assert {"Armed clash", "Non-state actor overtakes territory", "Air/drone strike", "Suicide bomb"} <= facets
    page = get(datasette, "/archive/events")
    assert page.status_code == 200 and "datasette-cluster-map" in page.text


def test_an_unseen_report_from_another_war(tmp_path):
    db = tmp_path / "archive.db"
    build([UNSEEN], db)
    mellit = event_with(db, "darfur", "seized the town of Mellit")
    assert (mellit["actor1"], mellit["sub_event_type"]) == ("Rapid Support Forces", "Non-state actor overtakes territory")
    assert (mellit["location"], mellit["event_date"]) == ("Mellit", "2024-05-14")  # "Tuesday" before Wed 15 May
    market = event_with(db, "darfur", "bombed a market in Kutum")
    assert (market["sub_event_type"], market["fatalities"], market["event_date"]) == ("Air/drone strike", 12, "2024-05-13")
    darfur = event_with(db, "darfur", "captured most of Darfur last year")
    assert (darfur["event_date"], darfur["date_precision"]) == ("2023", "year")
    assert not [row for row in rows(db, "select evidence from events") if "14,000" in row["evidence"]]


def test_evaluation_floors(built_archive):
    """Floors a little under the measured figures (see the README), so a regression fails."""
    scores = evaluate_events(built_archive)
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95
    fields = scores["fields"]
    assert fields["event_type"]["precision"] >= 0.95 and fields["event_type"]["recall"] >= 0.9
    assert fields["sub_event_type"]["precision"] >= 0.88
    assert fields["actor1"]["precision"] >= 0.9 and fields["actor1"]["recall"] >= 0.7
    assert fields["actor2"]["precision"] >= 0.9
    assert fields["location"]["precision"] >= 0.95 and fields["location"]["recall"] >= 0.75
    # 0.88: two undated follow-ups of a lead now take the lead's day, which the seed annotation left open
    assert fields["date"]["precision"] >= 0.85 and fields["date"]["recall"] >= 0.7
    assert fields["fatalities"]["precision"] == 1.0 and fields["fatalities"]["recall"] == 1.0
    assert scores["fatality_sides"]["right"] == scores["fatality_sides"]["gold"]
    assert scores["clusters"]["kept_in_one_cluster"] >= 9


def test_a_toll_told_of_an_event_already_reported_is_that_events_toll(tmp_path):
    (tmp_path / "kabul.txt").write_text(
        "Bombs hit Afghan convoys\n\n"
        "KABUL, May 5, 2017 (AFP) - A roadside bomb exploded near an army convoy in Helmand province on Friday. "
        "Four soldiers were killed in the blast, the defence ministry said.\n\n"
        "In a separate attack, gunmen stormed a police checkpoint in Kandahar on Thursday. Eleven policemen were "
        "killed and 35 wounded in the attack, officials said.\n\n"
        "Three people were killed when a car bomb exploded in Kabul on Wednesday, police said.\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    build([tmp_path], db, workers=1)
    events = rows(db, "select trigger, fatalities, evidence from events")
    towns = ("Helmand", "Kandahar", "Kabul")
    tolls = {(row["trigger"], next(t for t in towns if t in row["evidence"])): row["fatalities"] for row in events}
    # each toll on the event it belongs to, and no killing of its own beside it
    assert tolls == {("bomb", "Helmand"): 4, ("stormed", "Kandahar"): 11, ("bomb", "Kabul"): 3}, events


def built(folder: Path, name: str, text: str) -> Path:
    """An archive built from one article written for the test."""
    (folder / name).write_text(text, encoding="utf-8")
    db = folder / "archive.db"
    build([folder], db, workers=1)
    return db


def test_the_country_across_a_border_is_not_where_it_happened(tmp_path):
    db = built(tmp_path, "qaa.txt", (
        "Suicide bombers strike Lebanese village\n"
        "Published: 2016-06-27T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Four suicide bombers killed six people and wounded 19 others in an attack in a "
        "Lebanese village at the border with Syria on Monday, security sources said.\n"))
    found = [row for row in rows(db, EVENTS) if "border with Syria" in row["evidence"]]
    assert found and all(row["location"] != "Syria" for row in found), found


def test_an_event_without_a_place_of_its_own_is_where_the_story_or_its_sentence_says(tmp_path):
    db = built(tmp_path, "mosul.txt", (
        "Coalition strike hits bomb factory\n\n"
        "MOSUL, Iraq, March 9, 2017 (AFP) - Iraqi forces fought Islamic State militants in western Mosul on Thursday, "
        "officials said. The fighting in Mosul has lasted for weeks.\n\n"
        "The U.S.-led coalition launched an air raid on Wednesday that destroyed a car bomb factory, officials said. "
        "The strike in the town of Hawijah levelled the building.\n\n"
        "Clashes between the army and the militants erupted again near the old bridge, a police officer said.\n\n"
        "In Turkey, the opposition met with the U.N. envoy on Thursday, a spokesman said.\n"))
    found = rows(db, "select trigger, event_date, date_text, entities.name as location from events "
                     "left join entities on entities.id = events.location_id")
    places = {row["trigger"]: row["location"] for row in found}
    dates = {row["trigger"]: (row["event_date"], row["date_text"]) for row in found}
    # told without a date, at the lead's place, a few sentences after it: the lead's day, and it says so
    assert dates["Clashes"][0] == "2017-03-09" and dates["Clashes"][1].endswith("(the lead's date)")
    # a sentence at another place does not take the lead's day; its own "on Thursday" counts from the
    # dateline's March 9, 2017, a Thursday (the page states no date of its own)
    assert dates["met"] == ("2017-03-09", "Thursday")
    assert places["launched"] == "Hawijah"  # the next sentence's "the strike in the town of Hawijah"
    assert places["Clashes"] == "Mosul"  # no place in its sentence: where the story is
    assert places["met"] == "Turkey"  # "In Turkey": the sentence's own country


def test_who_did_it_is_who_claimed_it_and_unnamed_gunmen_stay_unnamed(tmp_path):
    db = built(tmp_path, "claims.txt", (
        "Bombing at checkpoint\n\n"
        "MOGADISHU, Somalia, Jan. 22, 2016 (AP) - A suicide car bomb exploded at a checkpoint in Mogadishu on Thursday, "
        "killing five soldiers, police said. Al-Shabab claimed responsibility for the attack in a statement.\n\n"
        "Separately, gunmen opened fire on a bus in Kismayo on Friday, killing two passengers, police said.\n\n"
        "U.S. airstrikes hit an al-Shabab training camp near Baidoa on Saturday, officials said.\n"))
    found = rows(db, "select trigger, a1.name as actor1, place.name as location from events "
                     "left join entities a1 on a1.id = events.actor1_id left join entities place on place.id = events.location_id")
    by_place = {row["location"]: row for row in found}
    assert by_place["Mogadishu"]["actor1"] == "al-Shabaab"  # named by its claim, two sentences on
    assert by_place["Kismayo"]["actor1"] is None  # "gunmen": nobody named them, nobody claimed it
    assert by_place["Baidoa"]["actor1"] == "United States", found  # "U.S. airstrikes"


def test_a_generic_word_for_violence_takes_the_kind_its_place_and_day_were_told(tmp_path):
    db = built(tmp_path, "checkpoint.txt", (
        "Suicide bombing at checkpoint\n"
        "Published: 2016-01-22T10:00:00Z\n\n"
        "BAGHDAD (AP) - A suicide bomber blew himself up at a police checkpoint in Baghdad "
        "on Thursday, police said.\n\n"
        "Five policemen were killed, a hospital official said.\n"))
    assert sub_types(db, "Five policemen") == {"Suicide bomb"}


def test_a_generic_word_takes_the_kind_of_the_violence_its_own_sentence_or_undated_place_tells(tmp_path):
    # "in an attack": the suicide bombing its own sentence tells, though only the attack has a place
    db = built(tmp_path, "qaa.txt", (
        "Suicide bombers strike Lebanese village\n"
        "Published: 2016-06-27T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Four suicide bombers killed six people and wounded 19 others in an attack in a "
        "Lebanese village at the border with Syria on Monday, security sources said.\n"))
    assert sub_types(db, "in an attack") == {"Suicide bomb"}  # the bombers and the attack: one kind
    # an undated page: the workers killed in Hodeida died in the air strikes it tells there, undated too
    (tmp_path / "qaa.txt").unlink()
    db = built(tmp_path, "hodeida.txt", (
        "Saudi-led air strikes hit dairy factory in Yemen\n\n"
        "Saudi-led coalition warplanes carried out air strikes on a dairy factory in Hodeida, residents said.\n\n"
        "According to the medical center in Hodeida, at least 35 workers were killed, many of them crushed by "
        "the rubble.\n"))
    assert sub_types(db, "35 workers") == {"Air/drone strike"}


def test_the_mentions_of_one_gunfight_share_its_toll_but_not_a_town_taken_that_day(tmp_path):
    db = built(tmp_path, "ocotlan.txt", (
        "Gunmen ambush police convoy in western Mexico\n"
        "Published: 2015-03-20T18:00:00Z\n\n"
        "OCOTLAN, Mexico (AP) - Suspected gang members ambushed a police convoy in Ocotlan on Thursday, "
        "the state security commission said.\n\n"
        "Eleven people were killed in Ocotlan on Thursday, officials said.\n\n"
        "Separately, cartel gunmen seized the town hall of Ocotlan on Thursday, residents said.\n"))
    tolls = {row["trigger"]: row["fatalities"] for row in rows(db, "select * from events")}
    assert tolls["ambushed"] == 11, tolls  # the ambush is the killing told of that place and day
    assert tolls["seized"] is None, tolls  # a town hall taken that day is another event
    # one sentence tells one time, even on a page that dates nothing
    (tmp_path / "ocotlan.txt").unlink()
    db = built(tmp_path, "ambush.txt", (
        "Gunmen ambush police convoy in western Mexico\n\n"
        "Eleven people were killed in a gunfight in western Mexico when suspected gang members ambushed a police "
        "convoy.\n"))
    tolls = {row["trigger"]: row["fatalities"] for row in rows(db, "select * from events")}
    assert set(tolls.values()) == {11}, tolls


def test_suicide_attackers_storming_is_a_suicide_bombing_and_those_forced_to_act_are_not_the_forcers(tmp_path):
    db = built(tmp_path, "damascus.txt", (
        "Suicide bombers hit Damascus police headquarters\n"
        "Published: 2017-10-11T12:00:00Z\n\n"
        "DAMASCUS (AP) - Three suicide attackers tried to storm the police headquarters in Damascus on Wednesday, "
        "the interior ministry said. The police guards opened fire on them, forcing them to blow themselves up "
        "before they entered the building, the ministry said.\n"))
    found = {row["trigger"]: row for row in rows(db, EVENTS)}
    assert found["storm"]["sub_event_type"] == "Suicide bomb", found["storm"]
    assert found["blow"]["actor1"] is None, found["blow"]  # "forcing them to blow themselves up": not the police


def test_deaths_in_a_gunfight_are_the_battle_and_a_raid_that_arrests_is_the_arrest(tmp_path):
    db = built(tmp_path, "zetas.txt", (
        "Zetas leader captured in Mexico\n"
        "Published: 2015-03-04T18:00:00Z\n\n"
        "MONTERREY, Mexico (AP) - Omar Trevino Morales was arrested in a pre-dawn raid in San Pedro Garza Garcia "
        "on Wednesday, officials said.\n\n"
        "In Ocotlan, authorities originally said that ten people had been killed in the gunfight on Wednesday, "
        "though it was later revealed that a third bystander had died.\n"))
    found = {row["trigger"]: row for row in rows(db, EVENTS)}
    assert found["arrested"]["sub_event_type"] == "Arrests" and "raid" not in found, found
    deaths = [row for row in found.values() if "ten people" in row["evidence"]]
    assert deaths and all(row["event_type"] == "Battles" for row in deaths), deaths  # ACLED counts them in the battle


def test_an_undated_event_near_the_leads_town_is_of_the_leads_day(tmp_path):
    db = built(tmp_path, "ghouta.txt", (
        "Rockets hit Damascus\n"
        "Published: 2015-02-05T18:00:00Z\n\n"
        "DAMASCUS (AFP) - Rebels fired dozens of rockets at Damascus on Thursday, killing six people, a monitor said.\n\n"
        "At least 40 people were killed in government air raids on Douma, the monitor said.\n"))
    raids = event_with(db, "ghouta", "air raids on Douma")  # Douma lies 10 km from Damascus
    assert raids["event_date"] == "2015-02-05" and raids["date_text"].endswith("(the lead's date)"), raids


def test_the_killer_named_with_a_is_not_one_of_the_dead(tmp_path):
    # a headline run into the lead, as scraped: the parser reads "A motorcycle bomber killed ..." as a
    # bomber who was killed; the verb's own object says the bomber killed
    db = built(tmp_path, "hasakeh.txt", (
        "Bomber kills 16\n"
        "Published: 2016-07-05T10:00:00Z\n\n"
        "Motorbike bomber kills 16 outside bakery in Syrias Hasakeh AFP Tuesday 5 Jul 2016 A motorcycle bomber "
        "killed at least 16 people and wounded 40 Tuesday in a suicide attack on a Kurdish-populated district of "
        "the northeastern Syrian city of Hasakeh an official said.\n"))
    assert {row["fatalities"] for row in rows(db, "select * from events")} == {16}


def test_the_one_person_killed_named_with_the_is_one_death(tmp_path):
    db = built(tmp_path, "jalalabad.txt", (
        "Insider attack in Afghanistan\n"
        "Published: 2017-03-08T10:00:00Z\n\n"
        "JALALABAD, Afghanistan (AP) - An Afghan soldier opened fire on U.S. troops in Jalalabad on Wednesday. "
        "The American troops returned fire on Wednesday, killing the Afghan soldier, officials said.\n"))
    killing = [row for row in rows(db, "select * from events") if "returned fire" in row["evidence"]]
    assert killing and {row["fatalities"] for row in killing} == {1}, killing
    # a rank counts as a person: "a colonel and two lieutenant colonels" are three
    (tmp_path / "jalalabad.txt").unlink()
    db = built(tmp_path, "fallujah.txt", (
        "Convoy ambushed near Fallujah\n"
        "Published: 2015-11-05T10:00:00Z\n\n"
        "FALLUJAH, Iraq (AP) - A colonel and two lieutenant colonels died in a roadside bomb blast north of "
        "Fallujah on Wednesday, a senior officer said.\n"))
    assert {row["fatalities"] for row in rows(db, "select * from events")} == {3}


def test_a_past_told_of_a_place_described_in_the_present_is_its_background(tmp_path):
    db = built(tmp_path, "bamako.txt", (
        "Gunmen attack restaurant in Bamako\n"
        "Published: 2015-03-07T10:00:00Z\n\n"
        "BAMAKO, Mali (Reuters) - Mali's desert north, where French forces wrested control of territory from "
        "separatist rebels, is plagued by frequent political violence, but this is the first militant attack "
        "for years in Bamako.\n"))
    assert not [row for row in rows(db, "select * from events") if row["trigger"] == "wrested"]
    statements = rows(db, "select trigger, realis from event_statements")
    assert ("wrested", "historical") in {(row["trigger"], row["realis"]) for row in statements}, statements


def test_reports_in_their_own_words_of_one_place_and_day_are_one_event():
    from newsarchive.clusters import cluster_events

    def report(event_id, story, actor1, evidence):
        return {"id": event_id, "article_id": event_id, "story_id": story, "outlet": f"outlet-{story}",
                "event_type": "Explosions/Remote violence", "sub_event_type": "Suicide bomb", "actor1_id": actor1,
                "actor2_id": None, "location_id": 7, "event_date": "2016-05-23", "date_precision": "day",
                "fatalities": None, "latitude": 35.4, "longitude": 35.9, "evidence": evidence,
                "country": "SY", "division": "02", "place_precision": "exact"}

    rows = [report(1, 10, 5, "Suicide bombers struck the bus station in Jableh on Monday."),
            report(2, 20, None, "Seven explosions rocked the coastal city of Jableh."),
            report(3, 30, 6, "Another group's bombing in Jableh the same day, its own attack.")]
    cluster_events(rows)
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]  # other outlets' words, same town and day
    assert rows[2]["cluster_id"] != rows[0]["cluster_id"]  # two different first actors: two events


def test_the_wounded_are_counted_apart_from_the_dead(tmp_path):
    db = built(tmp_path, "blasts.txt", (
        "Blasts in the capital\n"
        "Published: 2016-01-22T10:00:00Z\n\n"
        "KABUL (AP) - A car bomb exploded near a market in Kabul on Thursday. Three people were killed and five "
        "injured in the blast, police said.\n\n"
        "Gunmen attacked a checkpoint in Kandahar on Friday, leaving 11 dead and 35 wounded, officials said. "
        "One gunman later killed himself, police said.\n"))
    tolls = {row["trigger"]: (row["fatalities"], row["injured"]) for row in rows(db, "select * from events")}
    assert tolls["bomb"] == (3, 5) and tolls["attacked"] == (11, 35), tolls
    assert "killed" not in tolls  # an attacker's own death is no event


def test_tolls_count_the_dead_once_and_not_their_killers(tmp_path):
    db = built(tmp_path, "tolls.txt", (
        "Attacks in the north\n"
        "Published: 2016-06-28T10:00:00Z\n\n"
        "BEIRUT (Reuters) - Four suicide bombers killed six people in Baalbek on Monday, "
        "security sources said.\n\n"
        "Sixty-seven people were killed when gunmen stormed a mall in Nairobi on Saturday, police said.\n\n"
        "Blast kills five in Homs A bomb blast killed five people in Homs on Sunday, state TV said.\n"))
    tolls = {place: toll for place, toll in (
        (row["place"], row["fatalities"]) for row in rows(
            db, "select entities.name as place, fatalities from events join entities on entities.id = events.location_id "
                "where fatalities is not null"))}
    assert tolls == {"Baalbek": 6, "Nairobi": 67, "Homs": 5}, tolls  # not 10, not 7, not 10


def test_who_acted_is_read_from_the_forces_a_country_names_and_from_the_killing(tmp_path):
    db = built(tmp_path, "forces.txt", (
        "Violence in Darfur and Garissa\n"
        "Published: 2017-01-06T10:00:00Z\n\n"
        "KHARTOUM (Reuters) - Sudanese security services killed 12 civilians in Nyala on Monday, a rights group said.\n\n"
        "Kenyan police arrested three men in Garissa on Tuesday, officials said.\n\n"
        "The Islamic State group killed 40 people in an attack on a village near Mosul on Wednesday, officials said.\n\n"
        "Nine children were killed in Aleppo on Thursday in a barrel bomb attack carried out by Syrian "
        "government forces, a monitor said.\n"))
    found = rows(db, "select trigger, sub_event_type, a1.name as actor1, a1.country_code as country, place.name as location "
                     "from events left join entities a1 on a1.id = events.actor1_id "
                     "left join entities place on place.id = events.location_id")
    by_place = {row["location"]: row for row in found}
    # a country's adjective before a word for its forces: that state's forces, with their country
    assert (by_place["Nyala"]["actor1"], by_place["Nyala"]["country"]) == ("Sudanese Armed Forces", "SD"), found
    assert (by_place["Garissa"]["actor1"], by_place["Garissa"]["country"]) == ("Police Forces of Kenya", "KE"), found
    assert by_place["Mosul"]["actor1"] == "Islamic State", found  # who killed in the attack made it
    # the perpetrator of the participle after the event noun; a barrel bomb is an air strike (ACLED)
    assert (by_place["Aleppo"]["actor1"], by_place["Aleppo"]["sub_event_type"]) == ("Syrian government forces", "Air/drone strike")


def test_a_bombing_told_again_later_without_its_date_is_the_dated_one(tmp_path):
    db = built(tmp_path, "bakery.txt", (
        "Bomber kills 12 outside bakery\n"
        "Published: 2016-07-06T10:00:00Z\n\n"
        "QAMISHLI, Syria (AFP) - A suicide bomber on a motorcycle killed 12 people outside a bakery in Qamishli "
        "on Tuesday, a monitor said.\n\n"
        "The city is held by Kurdish forces. Its markets were busy before the holiday. Many families had come "
        "from nearby villages. Prices had risen in recent weeks. Traders said business was slow. "
        "The holiday begins on Wednesday.\n\n"
        "A police source said the explosion in front of the bakery in Qamishli shattered windows across the street.\n\n"
        "Kurdish fighters clashed with the militants south of Qamishli, the source said.\n"))
    found = rows(db, "select trigger, event_date, date_text, evidence from events")
    told_again = next(row for row in found if "shattered" in row["evidence"])
    assert told_again["event_date"] == "2016-07-05", found  # the bombing the lead dated
    assert told_again["date_text"].endswith("(told of the same event)")
    clash = next(row for row in found if row["trigger"] == "clashed")
    assert clash["event_date"] is None  # a battle may be of any day: no date is given to it



def _strike(event_id, story, place, day, precision="day", actor1=None, sub_type="Shelling/artillery/missile attack",
            published="2017-04-08T10:00:00Z"):
    """A report of a missile strike in Homs province, as the clustering stage reads it from the archive."""
    places = {"Homs": (7, "exact", 34.72, 36.72), "Homs province": (8, "region", 34.5, 38.3),
              "Talbiseh": (9, "exact", 34.84, 36.73), "Syria": (10, "country", 35.0, 38.0),
              "Idlib": (11, "exact", 35.93, 36.63)}
    location, place_precision, latitude, longitude = places[place]
    return {"id": event_id, "article_id": event_id, "story_id": story, "outlet": f"outlet-{story}",
            "event_type": "Explosions/Remote violence", "sub_event_type": sub_type, "actor1_id": actor1,
            "actor2_id": None, "location_id": location, "event_date": day, "date_precision": precision,
            "fatalities": None, "latitude": latitude, "longitude": longitude,
            "evidence": ["Missiles hit the air base.", "A strike killed five soldiers, the army said.",
                         "Residents heard explosions at dawn.", "The governor said the attack was repelled.",
                         "Warplanes were seen over the town.", "Monitors counted a dozen rockets."][event_id - 1],
            "country": "SY", "division": "11" if place != "Idlib" else "07", "place_precision": place_precision,
            "published": published}


def test_other_outlets_reports_a_day_apart_or_naming_the_province_or_month_are_one_event():
    from newsarchive.clusters import cluster_events

    rows = [_strike(1, 10, "Homs", "2017-04-06"),
            _strike(2, 20, "Homs", "2017-04-07"),  # an outlet in another time zone: the next day
            _strike(3, 30, "Homs province", "2017-04-07"),  # says only the province
            _strike(4, 40, "Homs", "2017-04", "month"),  # says only the month
            _strike(5, 50, "Talbiseh", "2017-04-07"),  # a town 14 km away: a quarter of the same area
            _strike(6, 60, "Idlib", "2017-04-07")]  # another province
    cluster_events(rows)
    one = {row["cluster_id"] for row in rows[:5]}
    assert len(one) == 1
    assert rows[5]["cluster_id"] not in one


def test_an_undated_report_is_of_the_one_event_at_its_place_in_the_days_before_its_publication():
    from newsarchive.clusters import cluster_events

    # "A missile strike by the US killed five in Homs" in an article of April 8: the strike another
    # outlet dated April 7, if they name the same first actor or the same toll; else it says too little
    rows = [_strike(1, 10, "Homs", "2017-04-07", actor1=5), _strike(2, 20, "Homs", None, None, actor1=5)]
    cluster_events(rows)
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]
    rows = [_strike(1, 10, "Homs", "2017-04-07"), _strike(2, 20, "Homs", None, None)]
    rows[0]["fatalities"] = rows[1]["fatalities"] = 5
    cluster_events(rows)
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]
    rows = [_strike(1, 10, "Homs", "2017-04-07"), _strike(2, 20, "Homs", None, None)]
    cluster_events(rows)
    assert rows[0]["cluster_id"] != rows[1]["cluster_id"]
    # published ten days later, it tells of something else; nor does it join one of two strikes
    rows = [_strike(1, 10, "Homs", "2017-04-07", actor1=5), _strike(2, 20, "Homs", None, None, actor1=5,
                                                                    published="2017-04-18")]
    cluster_events(rows)
    assert rows[0]["cluster_id"] != rows[1]["cluster_id"]
    rows = [_strike(1, 10, "Homs", "2017-04-07", actor1=5), _strike(2, 30, "Homs", "2017-04-06", actor1=6),
            _strike(3, 20, "Homs", None, None)]
    for row in rows:
        row["fatalities"] = 5
    cluster_events(rows)
    assert rows[2]["cluster_id"] not in (rows[0]["cluster_id"], rows[1]["cluster_id"])

def test_reports_of_one_event_do_not_chain_across_days_or_guess_between_two_events():
    from newsarchive.clusters import cluster_events

    # Strikes on Homs on three days in a row are three events, not one chained across them.
    rows = [_strike(1, 10, "Homs", "2017-04-05"), _strike(2, 20, "Homs", "2017-04-06", actor1=5),
            _strike(3, 30, "Homs", "2017-04-07", actor1=6)]
    cluster_events(rows)
    assert rows[1]["cluster_id"] != rows[2]["cluster_id"]
    # A report that names only the province fits two events of that day: it joins neither.
    rows = [_strike(1, 10, "Homs", "2017-04-07", actor1=5), _strike(2, 20, "Talbiseh", "2017-04-07", actor1=6),
            _strike(3, 30, "Homs province", "2017-04-07")]
    cluster_events(rows)
    assert len({row["cluster_id"] for row in rows}) == 3
    # Nor does a month-dated report join an event its own story tells apart as another one.
    rows = [_strike(1, 10, "Homs", "2017-04-07"), _strike(2, 20, "Homs", "2017-04-07"),
            _strike(3, 20, "Homs", "2017-04", "month")]
    cluster_events(rows)
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] != rows[2]["cluster_id"]
    # A report dated only to the month and named only by its country says too little to join anything.
    rows = [_strike(1, 10, "Homs", "2017-04-07"), _strike(2, 20, "Syria", "2017-04", "month")]
    cluster_events(rows)
    assert rows[0]["cluster_id"] != rows[1]["cluster_id"]
    # Fighting goes on day after day: "clashes in Homs" told without a day is no one battle's report.
    rows = [_strike(1, 10, "Homs", "2017-04-07", sub_type="Armed clash"),
            _strike(2, 20, "Homs", None, None, sub_type="Armed clash")]
    for row in rows:
        row["event_type"] = "Battles"
    cluster_events(rows)
    assert rows[0]["cluster_id"] != rows[1]["cluster_id"]

def test_the_mentions_of_one_bombing_share_its_toll_and_its_cluster(tmp_path):
    db = built(tmp_path, "kabul.txt", (
        "Car bomb kills nine in Kabul\n"
        "Published: 2016-01-26T10:00:00Z\n\n"
        "KABUL (Reuters) - A car bomb exploded near a market in Kabul on Monday, killing nine people, police said.\n\n"
        "The explosion in Kabul destroyed several shops and cars, witnesses said.\n\n"
        "Hours later, government air strikes hit a compound in Kabul on Monday, officials said.\n"))
    found = {row["trigger"]: row for row in rows(db, "select trigger, sub_event_type, fatalities, cluster_id from events")}
    assert found["explosion"]["fatalities"] == 9, found  # told again: the same bombing, the same dead
    assert found["explosion"]["cluster_id"] == found["bomb"]["cluster_id"]
    assert found["strikes"]["cluster_id"] != found["bomb"]["cluster_id"]  # another weapon: another event
    assert found["strikes"]["fatalities"] is None


def test_deaths_in_accidents_and_a_wars_story_are_no_events(tmp_path):
    db = built(tmp_path, "crash.txt", (
        "Plane crash kills 12\n"
        "Published: 2018-01-01T10:00:00Z\n\n"
        "SAN JOSE, Costa Rica (AP) - A small plane crashed in a wooded area near Punta Islita on Sunday, "
        "killing all 12 people aboard, officials said.\n\n"
        "Two people were killed when a bus collided with a truck near Liberia on Saturday, police said.\n\n"
        "Three people were killed and dozens more were injured when a train derailed near Cartago on Friday.\n\n"
        "In a separate case, gunmen shot dead a police officer in Limon on Sunday.\n\n"
        "The civil war in Costa Rica was fought largely along party lines, historians say.\n"))
    triggers = {row["trigger"] for row in rows(db, "select trigger from events")}
    assert triggers == {"shot"}, triggers  # the shooting; not the crash, not the collision, not the war
    told = {row["trigger"]: row["realis"] for row in rows(db, "select trigger, realis from event_statements")}
    assert told.get("fought") == "aggregate", told


def test_bare_police_and_troops_are_the_forces_of_the_storys_country(tmp_path):
    db = built(tmp_path, "bamako.txt", (
        "Arrests after hotel attack\n"
        "Published: 2015-11-24T10:00:00Z\n\n"
        "BAMAKO, Mali (AFP) - Police arrested two suspects in Bamako on Monday over the hotel attack, "
        "officials said.\n\n"
        "Rebel troops attacked an army post in Kidal on Sunday, a spokesman said.\n\n"
        "Troops raided a rebel camp near Gao on Saturday, the army said.\n"))
    found = {row["trigger"]: row for row in rows(db, "select trigger, a1.name as actor1 from events "
                                                      "left join entities a1 on a1.id = events.actor1_id")}
    assert found["arrested"]["actor1"] == "Police Forces of Mali", found  # ACLED: the country's police
    assert found["raided"]["actor1"] == "Malian Armed Forces", found  # and its army (curated)
    assert found["attacked"]["actor1"] != "Malian Armed Forces", found  # "rebel troops" are not the state's


def test_verb_noun_idioms_are_no_capture(tmp_path):
    db = built(tmp_path, "idioms.txt", (
        "Gunfire near the hotel\n"
        "Published: 2017-10-02T10:00:00Z\n\n"
        "LAS VEGAS (AP) - Police take position outside the hotel on Sunday night, officials said.\n\n"
        "Islamic State fighters took cover in Tabqa on Sunday as the YPG took the town of Tabqa, "
        "a monitor said.\n"))
    found = rows(db, "select trigger, evidence from events")
    assert not [row for row in found if "take position" in row["evidence"]], found
    assert [row["trigger"] for row in found if "Tabqa" in row["evidence"]] == ["took"], found  # the capture alone


def test_they_and_the_group_are_the_actor_named_just_before(tmp_path):
    db = built(tmp_path, "sirte.txt", (
        "Militants advance on the coast\n"
        "Published: 2015-06-10T10:00:00Z\n\n"
        "TRIPOLI (Reuters) - Islamic State fighters entered Nofaliya in central Libya in February, officials said. "
        "They seized the town of Sirte on Tuesday.\n\n"
        "In Benghazi, Libyan National Army troops pushed east. The group said it killed 20 fighters "
        "near Derna on Wednesday.\n"))
    found = {row["trigger"]: row for row in rows(db, "select trigger, a1.name as actor1 from events "
                                                      "left join entities a1 on a1.id = events.actor1_id")}
    assert found["seized"]["actor1"] == "Islamic State", found
    assert found["killed"]["actor1"] == "Libyan National Army", found  # the last group named before


def test_an_attack_on_a_civilian_place_is_violence_against_civilians(tmp_path):
    db = built(tmp_path, "hotel.txt", (
        "Gunmen storm hotel\n"
        "Published: 2016-02-27T10:00:00Z\n\n"
        "MOGADISHU, Somalia (AP) - Al-Shabab claimed responsibility for an attack on a popular hotel "
        "in Mogadishu on Friday that killed 10 people, police said.\n\n"
        "Heavy shelling killed three soldiers on Friday, residents said.\n\n"
        "An explosion killed two people on Friday, a hospital official said.\n"))
    hotel = event_with(db, "hotel", "an attack on a popular hotel")
    assert (hotel["event_type"], hotel["sub_event_type"]) == ("Violence against civilians", "Attack")
    # The shelling, with no place in its sentence, was put at the story's town only by assumption: it is no evidence
    # of what the generic "explosion" that day was.
    explosion = event_with(db, "hotel", "An explosion killed two people")
    assert explosion["sub_event_type"] == "Remote explosive/landmine/IED"


def test_a_glued_dateline_and_a_day_of_several_bombings(tmp_path):
    db = built(tmp_path, "coast.txt", (
        "Bombings hit Syrian coastal towns\n"
        "Published: 2016-05-23T19:00:00Z\n\n"
        "BEIRUT Bombs killed nearly 150 people and wounded at least 200 in Jableh on Syria's Mediterranean "
        "coast on Monday, state media said.\n\n"
        "A suicide bomber blew himself up at a bus station in Jableh on Monday. A car bomb exploded outside a "
        "hospital in Jableh on Monday. A second car bomb exploded near the hospital in Jableh on Monday.\n\n"
        "The attacks in Jableh on Monday killed 148 people, a monitor said.\n"))
    # A feed lost the dateline's separator: "BEIRUT" is the dateline, not part of a name
    assert rows(db, "select dateline from articles")[0]["dateline"] == "BEIRUT"
    assert not rows(db, "select name from entities where name like 'BEIRUT %'")
    # "on Monday" on the verb joined to "killed" dates the bombs that killed
    bombs = event_with(db, "coast", "Bombs killed nearly 150")
    assert (bombs["event_type"], bombs["event_date"]) == ("Explosions/Remote violence", "2016-05-23")
    # "the attacks" that day in Jableh: bombings of two kinds, the car bombs told most
    attacks = event_with(db, "coast", "The attacks in Jableh")
    assert (attacks["event_type"], attacks["sub_event_type"]) == ("Explosions/Remote violence",
                                                                  "Remote explosive/landmine/IED")


def test_the_storys_country_counts_its_big_cities(tmp_path):
    """A story told through its capital ("Juba") and naming a neighbour country twice is about the
    capital's country: its bare "troops" are that country's forces."""
    db = built(tmp_path, "juba.txt", (
        "Fighting in Juba\n"
        "Published: 2016-07-10T10:00:00Z\n\n"
        "JUBA (Reuters) - Heavy fighting erupted in Juba on Sunday near the airport, residents said.\n\n"
        "Troops fired on a convoy in Juba on Sunday, killing three people, a witness said.\n\n"
        "Flights to Kenya were cancelled, and Kenya said it would send a plane for its citizens.\n"))
    convoy = event_with(db, "juba", "Troops fired on a convoy")
    assert convoy["actor1"] == "Military Forces of South Sudan", convoy


def test_a_wars_running_total_in_a_relative_clause_is_no_events_toll(tmp_path):
    db = built(tmp_path, "blasts.txt", (
        "Blasts in Jableh\n"
        "Published: 2016-05-23T19:00:00Z\n\n"
        "BEIRUT (Reuters) - Bomb blasts killed 48 people in Jableh on Monday, the latest bloodshed in a war "
        "that has killed at least 250,000 people.\n"))
    blasts = event_with(db, "blasts", "Bomb blasts killed 48")
    assert blasts["fatalities"] == 48  # not the war's 250,000


def test_the_attack_told_again_without_a_date_is_the_days_bombing_but_a_new_attack_is_not(tmp_path):
    db = built(tmp_path, "jableh.txt", (
        "Bombings kill scores in Jableh\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Suicide bombers blew themselves up at a bus station in Jableh, Syria, on Monday, "
        "killing dozens of people, Syrian state media said.\n\n"
        "The town is on the coast. Its markets were busy in the morning. Many families live in the old quarter. "
        "Prices had risen in recent weeks. Traders said business was slow.\n\n"
        "Islamic State said through its Amaq news agency that its fighters carried out the attacks in Jableh.\n\n"
        "A week earlier, militants had begun a violent attack on the outskirts of Jableh, residents said.\n"))
    found = rows(db, "select trigger, sub_event_type, event_date, evidence from events")
    claimed = [row for row in found if "Amaq" in row["evidence"]]
    assert claimed and all(row["sub_event_type"] == "Suicide bomb" and row["event_date"] == "2016-05-23"
                           for row in claimed), found
    earlier = [row for row in found if "violent attack" in row["evidence"]]
    assert all(row["sub_event_type"] != "Suicide bomb" for row in earlier), found


def test_the_perpetrator_of_the_attack_a_killing_was_told_in_and_whose_fighters_they_are(tmp_path):
    db = built(tmp_path, "westgate.txt", (
        "Drone strike kills Westgate plotter\n"
        "Published: 2016-06-01T10:00:00Z\n\n"
        "NAIROBI, Kenya (AP) - Sixty-seven people were killed in the Westgate attack, which was carried out by "
        "four gunmen from al-Shabab.\n\n"
        "Fighters of the Islamic State group stormed the town of Palmyra, Syria, on Sunday.\n"))
    actors = {row["trigger"]: row["actor"] for row in rows(
        db, "select trigger, entities.name as actor from events left join entities on entities.id = actor1_id")}
    assert actors["killed"] == "al-Shabaab" and actors["stormed"] == "Islamic State", actors


def test_a_barrel_bomb_attack_is_the_state_forces(tmp_path):
    db = built(tmp_path, "aleppo.txt", (
        "Barrel bomb attack kills 11 children in Aleppo\n"
        "Published: 2016-08-25T18:00:00Z\n\n"
        "ALEPPO, Syria (AFP) - Fifteen civilians, among them 11 children, were killed in a barrel bomb attack on the "
        "Bab al-Nayrab neighbourhood of Aleppo on Thursday, a monitor said.\n\n"
        "Government forces have pressed an offensive on rebel-held districts of the city since July.\n"))
    actors = {row["trigger"]: row["actor"] for row in rows(
        db, "select trigger, entities.name as actor from events left join entities on entities.id = actor1_id")}
    assert actors.get("attack") == "Syrian government forces" or actors.get("killed") == "Syrian government forces", actors


def test_one_victim_named_by_a_or_an_counts_one(tmp_path):
    db = built(tmp_path, "jalalabad.txt", (
        "US soldier killed in insider attack\n"
        "Published: 2015-04-08T18:00:00Z\n\n"
        "JALALABAD, Afghanistan (AP) - An American soldier was killed on Wednesday when an Afghan soldier opened fire "
        "on a group of U.S. troops in the city of Jalalabad, officials said.\n"))
    tolls = [row["fatalities"] for row in rows(db, "select fatalities from events")]
    assert 1 in tolls and not any(t and t > 1 for t in tolls), tolls


def test_an_arrest_never_takes_the_toll_of_the_sentence(tmp_path):
    db = built(tmp_path, "croydon.txt", (
        "Tram derails in London\n"
        "Published: 2016-11-09T18:00:00Z\n\n"
        "LONDON (Reuters) - At least seven people were killed and dozens more were injured when a tram derailed near "
        "London on Wednesday, the British police said, and the driver of the tram has been arrested.\n"))
    found = rows(db, "select sub_event_type, fatalities from events")
    assert not any(row["fatalities"] for row in found), found


def test_phrasal_verbs_of_another_meaning_are_no_events(tmp_path):
    db = built(tmp_path, "phrasal.txt", (
        "Cartel leader arrested\n"
        "Published: 2015-04-18T10:00:00Z\n\n"
        "MONTERREY, Mexico (AP) - The Zetas were once the armed wing of the Gulf Cartel. But the group struck out "
        "on its own in early 2010, setting off the most violent phase in Mexico's drug war.\n\n"
        "The Gulf Cartel hit out at the Zetas in a statement on Friday.\n"))
    found = rows(db, "select trigger, evidence from events")
    assert not found, found


def test_a_by_phrase_the_parser_hangs_on_the_killing_types_the_attack(tmp_path):
    db = built(tmp_path, "jableh_toll.txt", (
        "Bombs kill scores in Jableh\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "BEIRUT (Reuters) - The Britain-based Syrian Observatory for Human Rights said 145 people were killed in "
        "attacks by at least five suicide bombers and two devices in Jableh, Syria, on Monday.\n"))
    found = rows(db, "select trigger, sub_event_type, fatalities from events")
    assert [(row["sub_event_type"], row["fatalities"]) for row in found] == [("Suicide bomb", 145)], found


def test_fire_on_a_crowd_is_an_attack_on_protesters_excessive_force(tmp_path):
    db = built(tmp_path, "vegas.txt", (
        "Gunman kills dozens at festival\n"
        "Published: 2017-10-02T10:00:00Z\n\n"
        "LAS VEGAS (AP) - A gunman opened fire on the crowd at a music festival in Las Vegas on Sunday night, "
        "police said.\n\n"
        "\"They randomly fired at the people sitting near the stage,\" a witness in Las Vegas said.\n\n"
        "In Caracas, soldiers fired on protesters outside the parliament on Monday, witnesses said.\n"))
    kinds = {row["trigger"]: row["sub_event_type"] for row in rows(db, "select trigger, sub_event_type from events")}
    assert kinds.get("opened") == "Attack" and kinds.get("fired") in ("Attack", "Excessive force against protesters"), kinds
    found = rows(db, "select sub_event_type, evidence from events")
    assert [row["sub_event_type"] for row in found if "protesters" in row["evidence"]] == \
        ["Excessive force against protesters"], found
    assert [row["sub_event_type"] for row in found if "randomly" in row["evidence"]] == ["Attack"], found


def test_an_attack_named_by_its_civilian_target_or_venue_is_violence_against_civilians(tmp_path):
    db = built(tmp_path, "bamako.txt", (
        "Gunmen attack restaurant in Bamako\n"
        "Published: 2015-03-07T10:00:00Z\n\n"
        "BAMAKO, Mali (Reuters) - France condemned the attack at La Terrasse restaurant in Bamako on Saturday, "
        "officials said.\n\n"
        "A US drone strike has killed the militant behind the Westgate shopping mall attack in Nairobi, Kenya.\n\n"
        "Gunmen attacked a casino in Monterrey, Mexico, on Thursday, officials said.\n"))
    found = rows(db, "select trigger, sub_event_type, evidence from events")
    for words in ("La Terrasse", "Westgate", "casino"):
        kinds = [row["sub_event_type"] for row in found if words in row["evidence"] and row["trigger"].startswith("attack")]
        assert kinds == ["Attack"], (words, found)


def test_a_person_captured_is_an_arrest_or_an_abduction_not_territory(tmp_path):
    db = built(tmp_path, "reynosa.txt", (
        "Cartel leader captured\n"
        "Published: 2015-04-18T10:00:00Z\n\n"
        "REYNOSA, Mexico (AP) - Federal police and marines captured 'El Gafe,' a leader of the Gulf cartel, in "
        "Reynosa on Friday, a spokesman said.\n\n"
        "Mexican authorities confirmed the capture of Jose Tiburcio Hernandez Fuentes in Reynosa on Saturday.\n\n"
        "Islamic State fighters captured the town of Palmyra, Syria, on Sunday.\n"))
    found = rows(db, "select sub_event_type, evidence, a2.name as taken from events "
                     "left join entities a2 on a2.id = events.actor2_id")
    kinds = {row["evidence"][:20]: row["sub_event_type"] for row in found}
    assert kinds["Federal police and m"] == "Arrests" and kinds["Mexican authorities "] == "Arrests", found
    assert kinds["Islamic State fighte"] == "Non-state actor overtakes territory"
    assert [row["taken"] for row in found if row["evidence"].startswith("Mexican")] == ["Jose Tiburcio Hernandez Fuentes"]


def test_an_attack_told_in_the_killing_takes_the_killings_day(tmp_path):
    db = built(tmp_path, "hasakeh.txt", (
        "Motorbike bomber kills 16 outside bakery in Hasakeh\n"
        "Published: 2016-07-05T18:00:00Z\n\n"
        "A motorcycle bomber killed at least 16 people and wounded 40 Tuesday in a suicide attack on a "
        "Kurdish-populated district of the northeastern Syrian city of Hasakeh, a monitor said.\n"))
    found = rows(db, "select sub_event_type, event_date from events")
    assert [(row["sub_event_type"], row["event_date"]) for row in found] == [("Suicide bomb", "2016-07-05")], found


def test_where_the_teller_is_is_not_where_it_happened(tmp_path):
    db = built(tmp_path, "saada.txt", (
        "Airstrikes kill civilians in Yemen\n"
        "Published: 2015-04-20T10:00:00Z\n\n"
        "SANAA, Yemen (AP) - Airstrikes hit rebel positions in the northern city of Saada, Yemen, on Sunday, "
        "residents said.\n\n"
        "The U.N. human rights office in Geneva said that at least 19 civilians died when airstrikes hit a market.\n"))
    places = [row["place"] for row in rows(
        db, "select entities.name as place from events join entities on entities.id = events.location_id")]
    assert places and "Geneva" not in places, places


def test_a_country_naming_where_people_are_from_is_not_where_it_happened(tmp_path):
    db = built(tmp_path, "nationals.txt", (
        "Gunmen attack restaurant in Bamako\n"
        "Published: 2015-03-07T10:00:00Z\n\n"
        "BAMAKO, Mali (Reuters) - Militants attacked a restaurant in Bamako on Saturday, officials said.\n\n"
        "French and Belgium nationals were killed in the attack.\n"))
    places = {row["place"] for row in rows(
        db, "select entities.name as place from events join entities on entities.id = events.location_id")}
    assert places == {"Bamako"}, places


def test_government_supporters_are_a_mob_not_the_states_forces(tmp_path):
    db = built(tmp_path, "tartous.txt", (
        "Bombs kill scores in Tartous\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Government forces shelled rebel areas near Tartous, Syria, on Monday, a monitor said.\n\n"
        "The Observatory said an area of Tartous hosting displaced Syrians was briefly attacked by government "
        "supporters on Monday in reaction to the blasts.\n"))
    found = rows(db, "select sub_event_type, entities.name as actor, evidence from events "
                     "left join entities on entities.id = events.actor1_id")
    mob = [row for row in found if "supporters" in row["evidence"]]
    assert [row["sub_event_type"] for row in mob] == ["Mob violence"], found
    assert all(row["actor"] != "Syrian government forces" for row in mob), found


def test_who_did_it_from_a_blame_the_states_modifier_and_the_named_attacker(tmp_path):
    """An attack laid at someone's door names its perpetrator ("attributed to", "blames on" a capital:
    its government); "government air strikes" are the state's; "the attacker, identified as X" is X."""
    db = built(tmp_path, "who.txt", (
        "Attacks and strikes\n"
        "Published: 2017-04-07T10:00:00Z\n\n"
        "BEIRUT (Reuters) - Syrian government forces fought rebels near Hama on Thursday, a monitor said.\n\n"
        "In Douma, government air strikes killed 12 people on Thursday, the Syrian Observatory said.\n\n"
        "Istanbul has been on high alert after two suicide bombings last month that were attributed to the Islamic "
        "State.\n\n"
        "The chemical attack on Khan Sheikhoun in Syria, which Washington blames on Damascus, killed 87 people on "
        "Tuesday.\n\n"
        "LONDON - An attacker stabbed a police officer to death outside Parliament in London on Wednesday. "
        "The attacker, identified as Khalid Masood, 52, was shot dead at the scene.\n"))
    found = rows(db, EVENTS)

    def actor_of(words):
        return {row["actor1"] for row in found if words in row["evidence"]}
    assert actor_of("government air strikes") == {"Syrian government forces"}, found
    assert actor_of("attributed to") == {"Islamic State"}, found
    assert actor_of("blames on Damascus") & {"Syrian government forces", "Syria"}, found
    assert actor_of("stabbed") == {"Khalid Masood"}, found


def test_mentions_of_one_strike_share_its_perpetrator_and_the_press_carries_out_nothing(tmp_path):
    db = built(tmp_path, "homs.txt", (
        "US strike on Syrian air base\n"
        "Published: 2017-04-07T10:00:00Z\n\n"
        "A US missile strike on an air base near Homs killed five people on Friday, the governor said.\n\n"
        "A nearby village was severely damaged as the result of the missile strike near Homs, the governor said.\n\n"
        "Sputnik Explosion near Homs A car bomb exploded near a checkpoint in Homs on Friday, killing two soldiers, "
        "Sputnik reported.\n"))
    found = rows(db, EVENTS)
    assert {row["actor1"] for row in found if "damaged" in row["evidence"]} == {"United States"}, found
    assert not {row["actor1"] for row in found} & {"Sputnik"}, found


def test_fire_told_with_its_side_is_that_sides_and_not_the_days_other_side(tmp_path):
    """"killed in rebel fire" is the rebels' (the article's own "rebels"), not the government's whose
    air strikes hit the same city that day."""
    db = built(tmp_path, "aleppo.txt", (
        "Aleppo\n"
        "Published: 2016-08-25T10:00:00Z\n\n"
        "BEIRUT (AFP) - Syrian government air strikes killed 15 people in rebel-held areas of Aleppo, Syria, on "
        "Thursday, a monitor said. The rebels have fought government forces in Syria for the city for months.\n\n"
        "It also reported eight civilians were killed Thursday in rebel fire on the government-held west of the "
        "city.\n"))
    found = rows(db, EVENTS)
    assert {row["actor1"] for row in found if "rebel fire" in row["evidence"]} == {"Syrian rebel groups"}, found
    assert {row["actor1"] for row in found if "air strikes" in row["evidence"]} == {"Syrian government forces"}, found


def test_undated_mentions_of_one_attack_carry_its_toll(tmp_path):
    """A report with no dates: every mention of the one attack at a place carries its toll."""
    db = built(tmp_path, "bamako.txt", (
        "Gunmen attack restaurant in Bamako\n\n"
        "Masked gunmen opened fire in a restaurant popular with foreigners in Bamako, killing five people, "
        "officials said.\n\n"
        "France condemned the attack on the restaurant in Bamako, and its foreign minister confirmed that a French "
        "citizen had died.\n"))
    found = rows(db, EVENTS)
    assert found and {row["fatalities"] for row in found} == {5}, found


def test_an_attack_told_with_a_suicide_bombing_in_its_sentence_is_that_bombing(tmp_path):
    """"A suicide car bomber rammed the gates ... before gunmen fought their way in, in an attack that
    killed three": one suicide bombing with its toll, no battle ("fought their way" is how they went
    in); an attack named apart or dated apart keeps its own kind, and one only prepared is no event."""
    db = built(tmp_path, "lido.txt", (
        "Attack on beach restaurant\n"
        "Published: 2016-01-22T08:00:00Z\n\n"
        "MOGADISHU, Somalia (AP) - A suicide car bomber rammed the gates of a restaurant near a beach in "
        "Mogadishu before gunmen fought their way into the building in an attack claimed by al-Shabab that killed "
        "at least three people on Thursday, a police official said.\n\n"
        "A US drone strike has killed the commander behind the Westgate shopping mall attack which left 67 people "
        "dead in Nairobi, officials said.\n\n"
        "Officials said the fighters were training for an attack on African Union forces.\n"))
    found = rows(db, EVENTS)
    lido = [row for row in found if "rammed" in row["evidence"]]
    assert lido and {(row["sub_event_type"], row["fatalities"]) for row in lido} == {("Suicide bomb", 3)}, lido
    westgate = [row for row in found if row["trigger"] == "attack" and "Westgate" in row["evidence"]]
    assert all(row["sub_event_type"] != "Air/drone strike" for row in westgate), westgate
    assert not [row for row in found if "training" in row["evidence"]], found


def test_an_event_takes_the_date_its_clause_tells(tmp_path):
    """The most precise date of its phrase ("Date of publication 11 October 2017 ... on Wednesday"); the
    date a "when" clause is told of ("on January 25, when it fired"); the claim's for a claimed attack;
    never the date of a contrasting clause ("attacked in 2012, but Monday's bombings")."""
    db = built(tmp_path, "dates.txt", (
        "Damascus attacks\n"
        "Published: 2017-10-12T10:00:00Z\n\n"
        "Date of publication 11 October 2017 Three suicide bombers blew themselves up near the police headquarters "
        "in Damascus on Wednesday.\n\n"
        "Jaish al-Islam has carried out such barrages before, including on January 25, when it fired dozens of "
        "rockets at Damascus, killing six.\n\n"
        "Last month, the Islamic State claimed responsibility for an attack on a police station in Midan that "
        "killed 17 people.\n\n"
        "The same police station in Midan was attacked in 2012, but Wednesday's bombings were the first to hit "
        "the city this year.\n"))
    found = rows(db, EVENTS)

    def dates(trigger):
        return {row["event_date"] for row in found if row["trigger"] == trigger}
    assert dates("blew") == {"2017-10-11"}, found
    assert dates("fired") == {"2017-01-25"}, found
    assert dates("attack") == {"2017-09"}, found
    assert dates("attacked") == {"2012"}, found


def test_protesters_rioters_and_civilians_are_acleds_collectives_of_the_country_they_act_in(tmp_path):
    """"protesters" in Tehran in a story about Yemen are Protesters (Iran); "killing 35 civilians" makes
    Civilians (Yemen) the side attacked, never the attacker; a conduct someone is accused of is no event."""
    db = built(tmp_path, "yemen.txt", (
        "Yemen strikes\n"
        "Published: 2015-04-02T10:00:00Z\n\n"
        "SANAA, Yemen (AP) - Airstrikes hit a dairy factory in Hodeida, Yemen, killing 35 civilians on Thursday.\n\n"
        "In Tehran, protesters burned photos of Saudi King Salman on Thursday outside the Saudi Embassy.\n\n"
        "The coalition is accused by human rights groups of indiscriminately killing civilians in Yemen.\n"))
    found = rows(db, EVENTS)
    assert {row["actor2"] for row in found if "dairy" in row["evidence"]} == {"Civilians (Yemen)"}, found
    assert {row["actor1"] for row in found if "burned" in row["evidence"]} == {"Protesters (Iran)"}, found
    assert not [row for row in found if "accused" in row["evidence"]], found
    assert "Civilians (Yemen)" not in {row["actor1"] for row in found}, found
    kinds = {row["name"]: row["kind"] for row in rows(db, "select name, kind from entities where type = 'NORP'")}
    assert kinds.get("Protesters (Iran)") == "protesters" and kinds.get("Civilians (Yemen)") == "civilians", kinds


def test_an_agreements_end_a_take_without_anything_taken_and_a_tram_accident_are_no_events(tmp_path):
    db = built(tmp_path, "none.txt", (
        "Blasts and a crash\n"
        "Published: 2016-11-10T10:00:00Z\n\n"
        "The Kremlin said the blasts underscored the need for peace talks after a Feb. 27 ceasefire collapsed in "
        "April.\n\n"
        "Mr Anderson, who quit the company in 2001, had previously taken to the witness box during the trial.\n\n"
        "At least seven people were killed Wednesday when a tram jumped the rails on a sharp curve in south London "
        "and flipped on its side, investigators said.\n"))
    found = rows(db, EVENTS)
    assert not [row for row in found if row["trigger"] in ("ceasefire", "taken", "killed")], found


def test_who_was_killed_is_no_killer_and_the_teller_is_no_perpetrator(tmp_path):
    """"The Shabab fighters killed in the strikes": a participle after a noun tells what was done to it, so
    the fighters are no actor1; "..., the Pentagon said, killing about 150": the killing is the
    reported strike's, not the teller's."""
    db = built(tmp_path, "strike.txt", (
        "US strikes Shabab camp\n"
        "Published: 2016-03-07T10:00:00Z\n\n"
        "American warplanes on Saturday struck a training camp in Somalia belonging to the Islamist militant group "
        "the Shabab, the Pentagon said, killing about 150 fighters.\n\n"
        "The Shabab fighters killed in the strikes were nearing the end of their training, officials said.\n"))
    found = rows(db, EVENTS)
    assert {row["actor1"] for row in found if "Pentagon said" in row["evidence"]} == {"United States Armed Forces"}, found
    assert "al-Shabaab" not in {row["actor1"] for row in found if "training, officials" in row["evidence"]}, found


def test_a_report_that_says_no_one_else_died_gives_a_toll_of_zero(tmp_path):
    db = built(tmp_path, "jiddah.txt", (
        "Suicide bomber strikes near US consulate\n"
        "Published: 2016-07-04T10:00:00Z\n\n"
        "JIDDAH, Saudi Arabia (AP) - A suicide bomber carried out an attack early Monday near a U.S. diplomatic "
        "site in the Red Sea city of Jiddah, according to state-linked Saudi news sites.\n\n"
        "Okaz news website said the bomber died in the attack, and that no other deaths were immediately reported.\n"))
    tolls = {row["fatalities"] for row in rows(db, "select fatalities from events")}
    assert tolls == {0}, tolls


def test_an_attack_that_claimed_lives_has_its_toll_and_its_day(tmp_path):
    """"claimed the lives of some 80 people" is a killing (its toll and its "On Tuesday"), not a claim."""
    db = built(tmp_path, "idlib.txt", (
        "Chemical attack\n"
        "Published: 2017-04-07T10:00:00Z\n\n"
        "On Tuesday an alleged chemical weapon attack in the Syrian province of Idlib claimed the lives of some 80 "
        "people and inflicted harm on an additional 200 civilians.\n"))
    found = rows(db, "select sub_event_type, event_date, fatalities from events")
    assert ("Chemical weapon", "2017-04-04", 80) in {tuple(row.values()) for row in found}, found


def test_a_claim_of_the_attacks_is_no_claim_of_the_days_shelling(tmp_path):
    """"claimed responsibility for the attacks": the attacks the article tells first at that place
    (suicide bombings), not a road's shelling there."""
    db = built(tmp_path, "jableh.txt", (
        "Bombs kill scores in Jableh\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "JABLEH, Syria (Reuters) - Suicide bombers killed 100 people in Jableh on Monday, a monitor said.\n\n"
        "Islamic State claimed responsibility for the attacks.\n\n"
        "A rebel official said the road near Jableh was bombarded again on Monday.\n"))
    found = rows(db, EVENTS)
    assert {row["actor1"] for row in found if "bombarded" in row["evidence"]} == {None}, found
    assert "Islamic State" in {row["actor1"] for row in found if "Suicide bombers" in row["evidence"]}, found


def test_a_part_after_among_them_is_not_added_when_the_commas_are_lost(tmp_path):
    """"Fifteen civilians among them 11 children were killed": 15, not 26, also where a scraper lost the
    commas and the parser reads two subjects."""
    db = built(tmp_path, "aleppo.txt", (
        "Barrel bombs\n"
        "Published: 2016-08-25T10:00:00Z\n\n"
        "Fifteen civilians among them 11 children were killed in a barrel bomb attack on the Bab al-Nayrab "
        "neighbourhood of Aleppo on Thursday.\n"))
    assert {row["fatalities"] for row in rows(db, "select fatalities from events")} == {15}


def test_a_bomb_that_names_no_kind_does_not_outvote_the_suicide_bombers(tmp_path):
    """"Bombs killed nearly 150 ... attacks by five suicide bombers and two car bombs ... one of the
    blasts": bombs and blasts that name no kind are of the kind the article names most, suicide
    bombings, however often it says "bombs" or "blasts"; the car bombs keep their kind."""
    db = built(tmp_path, "jableh.txt", (
        "Bombs kill scores in Jableh\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Bombs killed nearly 150 people in Jableh, Syria, on Monday, a monitor said. Bombs "
        "also damaged the bus station in Jableh on Monday.\n\n"
        "The monitor said the people were killed in attacks by at least five suicide bombers and two car bombs in "
        "Jableh on Monday.\n\n"
        "One of the blasts in Jableh hit a hospital emergency department, the monitor said.\n"))
    found = rows(db, EVENTS)
    assert {row["sub_event_type"] for row in found if row["trigger"] in ("blasts", "Bombs")} == {"Suicide bomb"}, found
    # "two car bombs": a kind of its own
    assert {row["sub_event_type"] for row in found if row["trigger"] == "bombs"} <= {"Remote explosive/landmine/IED"}, found


def test_the_means_the_attackers_phrase_names_are_the_attacks_own(tmp_path):
    """"killed in attacks by five suicide bombers and two devices planted in cars": the parser hangs the
    by-phrase on "killed", but the devices are the attacks' own means: one event, not a second bombing
    with the same toll."""
    db = built(tmp_path, "jableh.txt", (
        "Bombs kill scores in Jableh\n"
        "Published: 2016-05-23T18:00:00Z\n\n"
        "BEIRUT (Reuters) - Bombs killed scores of people in Jableh on Syria's coast on Monday. The Syrian "
        "Observatory for Human Rights said 145 people were killed in attacks by at least five suicide bombers "
        "and two devices planted in cars.\n"))
    found = [row for row in rows(db, EVENTS) if "devices planted" in row["evidence"]]
    assert [(row["sub_event_type"], row["fatalities"]) for row in found] == [("Suicide bomb", 145)], found


def test_an_attack_is_of_the_weapon_the_next_sentences_name_it_by(tmp_path):
    """"the morning rush-hour attack ... The explosion, which occurred about 8.40 a.m.": a bombing, not a
    battle; "a bomb explosion" names its own weapon."""
    db = built(tmp_path, "istanbul.txt", (
        "Istanbul blast\n"
        "Published: 2016-06-07T10:00:00Z\n\n"
        "Eleven people were among the dead in the morning rush-hour attack in Istanbul's Vezneciler district, the "
        "governor told reporters.\n\n"
        "The explosion, which occurred about 8.40 a.m. local time, left 36 people injured, three of them critically, "
        "he said.\n"))
    attack = event_with(db, "istanbul", "rush-hour attack")
    assert (attack["event_type"], attack["sub_event_type"]) == (
        "Explosions/Remote violence", "Remote explosive/landmine/IED"), attack


def test_the_target_named_before_an_attack_is_not_its_attacker(tmp_path):
    db = built(tmp_path, "westgate.txt", (
        "US drone strike kills Westgate plotter\n"
        "Published: 2015-03-14T10:00:00Z\n\n"
        "A US drone strike in Somalia has killed the terrorist behind the Westgate shopping mall attack.\n"))
    attack = next(row for row in rows(db, EVENTS) if row["trigger"] == "attack")
    assert attack["actor1"] != "Westgate", attack


def test_to_rally_supporters_is_no_rally(tmp_path):
    db = built(tmp_path, "likud.txt", (
        "Israel votes\n"
        "Published: 2015-03-18T10:00:00Z\n\n"
        "JERUSALEM (AP) - Netanyahu's Likud party tried to rally right-wing supporters in Jerusalem on Tuesday. "
        "Thousands of Hamas supporters rallied in Gaza City on Wednesday.\n"))
    protests = {row["evidence"][:20] for row in rows(db, EVENTS) if row["event_type"] == "Protests"}
    assert protests == {"Thousands of Hamas s"}, protests


def test_joining_is_a_change_to_a_group_only_when_a_group_is_joined(tmp_path):
    db = built(tmp_path, "hazzm.txt", (
        "Rebels regroup\n"
        "Published: 2015-03-02T10:00:00Z\n\n"
        "BEIRUT (Reuters) - The rebel group Hazzm movement joined the alliance last month after pressure from "
        "the Nusra Front. The FBI has joined the investigation, along with the local police. Two firms joined "
        "forces in Aleppo on Monday.\n"))
    joined = {row["evidence"][:12] for row in rows(db, EVENTS) if row["trigger"].startswith("join")}
    assert joined == {"The rebel gr"}, joined


def test_blasts_caused_by_suicide_bombers_are_suicide_bombings(tmp_path):
    db = built(tmp_path, "qaa.txt", (
        "Blasts in Lebanon\n"
        "Published: 2016-06-27T10:00:00Z\n\n"
        "BEIRUT (AP) - Lebanon's state-run news agency says a series of blasts caused by suicide bombers in the "
        "village of Qaa in eastern Lebanon have killed five people.\n"))
    kinds = {row["sub_event_type"] for row in rows(db, EVENTS) if row["trigger"] == "blasts"}
    assert kinds == {"Suicide bomb"}, rows(db, EVENTS)


def test_a_campaign_of_tens_of_thousands_and_a_sometimes_targeting_bombardment_are_no_events(tmp_path):
    db = built(tmp_path, "campaigns.txt", (
        "Darfur and Gaza\n"
        "Published: 2017-01-13T10:00:00Z\n\n"
        "After rebels in Darfur staged an uprising, Sudanese security services and their militia allies "
        "slaughtered tens of thousands of civilians.\n\n"
        "Israel's intensive bombardment of Gaza, sometimes targeting hospitals and surrounding areas, has "
        "prompted dire conditions.\n"))
    found = rows(db, EVENTS)
    assert not [row for row in found if row["trigger"] in ("slaughtered", "bombardment")], found
    told = {row["trigger"]: row["realis"] for row in rows(db, "select trigger, realis from event_statements")}
    assert told.get("slaughtered") == "aggregate" and told.get("bombardment") == "habitual", told


def test_an_unattributed_air_strike_is_the_one_air_force_the_story_names(tmp_path):
    """Only a state flies the aircraft: "hit by an air strike" in a story whose only air force is Saudi
    Arabia's (told as a habit: "as Saudi Arabian warplanes continue to bomb") is Saudi Arabia's."""
    db = built(tmp_path, "hodeida.txt", (
        "Airstrikes in Yemen\n"
        "Published: 2015-04-01T10:00:00Z\n\n"
        "At least 35 workers have been killed at a dairy factory in Yemen as Saudi Arabian warplanes continue to "
        "bomb rebel positions in the country.\n\n"
        "Smoke rises from the dairy factory in Hodeida, Yemen, after it was hit by an air strike today.\n"))
    found = rows(db, EVENTS)
    assert {row["actor1"] for row in found if row["trigger"] == "strike"} == {"Military Forces of Saudi Arabia"}, found


def test_a_country_named_before_an_attack_says_where_not_who(tmp_path):
    """"ISIS kills more than 50 in central Syria attack": Syria is where; "U.S. airstrikes" say whose."""
    db = built(tmp_path, "hama.txt", (
        "Attack in Hama\n"
        "Published: 2017-05-18T10:00:00Z\n\n"
        "Thursday 18 May 2017 ISIS kills more than 50 in central Syria attack.\n\n"
        "U.S. airstrikes hit the town of Raqqa, Syria, on Thursday, the monitor said.\n"))
    found = rows(db, EVENTS)
    assert not {row["actor1"] for row in found if row["trigger"] == "attack"} & {"Syria", "Syrian government forces"}, found
    assert {row["actor1"] for row in found if row["trigger"] == "airstrikes"} <= {"United States Armed Forces", "United States"}, found


def test_the_arrest_of_someone_is_not_their_arrest_of_others(tmp_path):
    db = built(tmp_path, "reynosa.txt", (
        "Violence in Reynosa\n"
        "Published: 2015-04-18T10:00:00Z\n\n"
        "REYNOSA, Mexico (AP) - National Security Commission head Monte Alejandro Rubido says the Friday violence "
        "in Reynosa followed the arrest of Jose Tiburcio Hernandez Fuentes on Friday.\n"))
    found = rows(db, EVENTS)
    arrests = [row for row in found if row["trigger"] == "arrest"]
    assert arrests and all(row["actor1"] != "Jose Tiburcio Hernandez Fuentes" for row in arrests), found
    assert {row["actor2"] for row in arrests} == {"Jose Tiburcio Hernandez Fuentes"}, found


def test_an_undated_article_counts_its_weekdays_from_the_day_its_text_states(tmp_path):
    # Story files of the CNN/Daily Mail corpus carry no date; a caption states one, and its weekday
    # is the one the story names, so "on Friday" is that day and "on Saturday" the next.
    db = built(tmp_path, "reynosa.txt", (
        "Gunfights broke out and vehicles were set ablaze in Reynosa after security forces arrested a cartel leader.\n\n"
        "Three suspected assailants were killed during the violence on Friday, the Tamaulipas state government said.\n\n"
        "A truck blazes on a street of Reynosa, Tamaulipas state, Mexico on April 17, 2015 as gunfights erupted.\n\n"
        "On Saturday, gunmen ambushed a police patrol outside Reynosa, killing two officers, officials said.\n"))
    clash = event_with(db, "reynosa", "Three suspected assailants")
    assert (clash["event_date"], clash["date_precision"]) == ("2015-04-17", "day")
    ambush = event_with(db, "reynosa", "gunmen ambushed")
    assert ambush["event_date"] == "2015-04-18"


def test_an_undated_article_with_no_stated_day_of_that_weekday_leaves_its_weekdays_open(tmp_path):
    db = built(tmp_path, "reynosa.txt", (
        "Three suspected assailants were killed in Reynosa on Friday, the Tamaulipas state government said.\n\n"
        "The cartel has fought for the city since March 3, 2015, officials said.\n"))
    assert event_with(db, "reynosa", "Three suspected assailants")["event_date"] is None


def test_an_outlet_naming_only_the_province_reports_the_strike_another_places_in_its_town(tmp_path):
    (tmp_path / "a.txt").write_text(
        "US missiles hit Syrian air base\nApril 7, 2017\n\n"
        "The United States fired 59 Tomahawk missiles at an air base in Homs province on Friday, "
        "killing six Syrian soldiers, the Syrian army said.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Deadly US strike near Homs\nApril 7, 2017\n\n"
        "A US missile strike near Homs killed five people on Thursday night, the governor told state television. "
        "Residents said the explosions shook their houses for an hour.\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    build([tmp_path], db, workers=1)
    strikes = rows(db, EVENTS + " where events.sub_event_type = 'Shelling/artillery/missile attack'")
    assert {row["location"] for row in strikes} == {"Homs Governorate", "Homs"}
    assert len({row["cluster_id"] for row in strikes}) == 1, strikes


def test_an_arrest_that_names_no_one_making_it_is_by_the_state_forces_the_article_names(tmp_path):
    # ACLED codes an arrest as the state's act: unnamed, it is the forces of the country it took place in.
    db = built(tmp_path, "zetas.txt", (
        "Zetas leader captured\n"
        "Published: 2015-03-04T18:00:00Z\n\n"
        "MEXICO CITY (AP) - Mexican marines have been hunting the leaders of the Zetas cartel for years.\n\n"
        "Omar Trevino Morales, 41, was arrested in a pre-dawn raid in San Pedro Garza Garcia, a wealthy suburb of "
        "Monterrey, on Wednesday, an official said.\n"))
    arrest = event_with(db, "zetas", "was arrested in a pre-dawn raid")
    assert arrest["sub_event_type"] == "Arrests"
    assert arrest["actor1"] == "Mexican Armed Forces" and arrest["actor2"] != arrest["actor1"]


def test_a_nations_soldier_is_that_nations_forces_not_the_storys_main_state_force(tmp_path):
    db = built(tmp_path, "jalalabad.txt", (
        "Insider attack in Afghanistan\n"
        "Published: 2013-06-12T10:00:00Z\n\n"
        "JALALABAD, Afghanistan (AP) - U.S. troops have trained the Afghan National Army for a decade, and U.S. forces "
        "still patrol with it.\n\n"
        "An Afghan soldier opened fire on a group of U.S. troops in the city of Jalalabad on Wednesday, officials said.\n"))
    shooting = event_with(db, "jalalabad", "An Afghan soldier opened fire")
    assert shooting["actor1"] == "Afghan National Army"


def test_a_verb_whose_subject_is_no_event_noun_on_its_own_is_the_event(tmp_path):
    # "bomber" is an event noun only as "suicide bomber": "a motorcycle bomber killed 16" is told by its verb.
    db = built(tmp_path, "hasakeh.txt", (
        "Motorbike bomber kills 16 in Hasakeh\n"
        "Published: 2016-07-05T12:00:00Z\n\n"
        "A motorcycle bomber killed at least 16 civilians outside a bakery in Hasakeh on Tuesday, an official said.\n"))
    bombing = event_with(db, "hasakeh", "A motorcycle bomber killed")
    assert (bombing["sub_event_type"], bombing["fatalities"], bombing["event_date"]) == ("Suicide bomb", 16, "2016-07-05")



def test_mentions_of_one_weapon_at_one_place_and_day_are_one_occurrence_for_the_toll_whatever_actors_they_name():
    # One article seldom tells two suicide bombings in one town on one day: when one mention's first
    # actor is misread (the police who surrounded the bomber), its toll is still the bombing's; the
    # perpetrator is shared only where the mentions agree, and clusters keep the strict rule.
    from newsarchive.clusters import same_occurrence
    from newsarchive.lexicon import lexicon

    bomb = "Explosions/Remote violence"
    mentions = [(1, "damascus", "2017-10-11", bomb, "Suicide bomb", "islamic-state"),
                (2, "damascus", "2017-10-11", bomb, "Suicide bomb", "police"),
                (3, "damascus", "2017-10-11", bomb, "Suicide bomb", None)]
    assert same_occurrence(mentions, lexicon()) == []
    assert same_occurrence(mentions, lexicon(), one_weapon_any_actors=True) == [[1, 2, 3]]
    # a mention naming no weapon ("an attack") could be another occurrence: it keeps the strict rule
    vague = mentions[:2] + [(3, "damascus", "2017-10-11", "Violence against civilians", "Attack", None)]
    assert same_occurrence(vague, lexicon(), one_weapon_any_actors=True) == []


def test_a_lead_dated_only_to_its_week_gives_no_date_to_an_event_told_well_before_it(tmp_path):
    db = built(tmp_path, "hasakah.txt", (
        "Suicide bomber kills 16 in Hasakah\n"
        "Published: 2016-07-05T12:00:00Z\n\n"
        "A suicide bomber on a motorcycle blew himself up in the Salihiah neighbourhood of Hasakah city, a monitor said. "
        "Fifteen of the wounded were in critical condition. Kurdish police put the death toll at 16. "
        "Nearly all of Hasakah province is controlled by Kurdish forces. They have declared an autonomous region. "
        "The Pentagon regards them as the most effective force against IS. "
        "Kurdish-led forces seized a key road junction near Hasakah last week, pushing further into IS territory.\n"))
    bombing = event_with(db, "hasakah", "A suicide bomber on a motorcycle")
    assert bombing["event_date"] is None, bombing["date_text"]
    assert event_with(db, "hasakah", "seized a key road junction")["date_precision"] == "week"


def test_an_arrest_after_an_accident_is_a_criminal_case_not_an_event(tmp_path):
    db = built(tmp_path, "tram.txt", (
        "Tram derails in Croydon\n"
        "Published: 2016-11-09T12:00:00Z\n\n"
        "Police have confirmed a 42-year-old man from Beckenham has been arrested on suspicion of manslaughter "
        "following the deadly crash in Croydon.\n\n"
        "Police arrested two protesters outside parliament in London on Wednesday, officials said.\n"))
    found = rows(db, EVENTS)
    assert not any("manslaughter" in row["evidence"] for row in found), found
    assert any(row["sub_event_type"] == "Arrests" and "protesters" in row["evidence"] for row in found), found


def test_a_death_toll_that_has_reached_a_number_is_the_events_toll(tmp_path):
    db = built(tmp_path, "convoy.txt", (
        "Convoy bombing toll rises\n"
        "Published: 2017-04-16T10:00:00Z\n\n"
        "The death toll from a bomb attack on a crowded bus convoy outside Aleppo on Saturday has reached at "
        "least 126, the Observatory said.\n"))
    attack = event_with(db, "convoy", "The death toll from a bomb attack")
    assert attack["fatalities"] == 126


def test_bombers_who_blew_themselves_up_killing_others_are_not_the_toll(tmp_path):
    db = built(tmp_path, "damascus.txt", (
        "Suicide attack on police headquarters\n"
        "Published: 2017-10-11T10:00:00Z\n\n"
        "Three suicide bombers blew themselves up near the police headquarters in Damascus on Wednesday, "
        "killing two people, the interior ministry said.\n"))
    assert event_with(db, "damascus", "Three suicide bombers")["fatalities"] == 2


def test_one_named_person_and_a_number_killed_together_add_up(tmp_path):
    # "a commander" is one death; "three of his soldiers" three more: the toll is four
    db = built(tmp_path, "anbar.txt", (
        "Convoy ambushed in Anbar\n"
        "Published: 2015-05-19T10:00:00Z\n\n"
        "Islamic State fighters ambushed an Iraqi army convoy near Fallujah on Monday, killing a commander and "
        "three of his soldiers.\n"))
    ambush = [row for row in rows(db, EVENTS) if row["trigger"] == "ambushed"]
    assert [row["fatalities"] for row in ambush] == [4], ambush


def test_a_clusters_toll_is_the_lowest_an_article_reports_each_article_its_highest():
    # ACLED's conservative rule where reports differ; an article that updates its own toll ("rose to 5")
    # reports its highest.
    from newsarchive.clusters import cluster_events

    rows = [_strike(1, 10, "Homs", "2017-04-07"), _strike(2, 10, "Homs", "2017-04-07"),
            _strike(3, 20, "Homs", "2017-04-07")]
    rows[1]["article_id"] = rows[0]["article_id"]  # two mentions in one article: 3, then 5
    for row, toll in zip(rows, (3, 5, 7)):
        row["fatalities"] = toll
    clusters = cluster_events(rows)
    assert len(clusters) == 1 and clusters[0]["fatalities"] == 5
