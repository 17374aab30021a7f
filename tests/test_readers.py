"""The reading stage against what scrapers produce: nothing stops it, nothing is garbled.

One test per kind of bad input (each failed before readers.py handled it), the
committed corpus of tests/fixtures/bad_inputs/ checked against its expected.json,
and the measurement of legacy-encoding detection on real-looking news text.
"""

from __future__ import annotations

import json
import os
import threading
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from newsarchive import readers
from newsarchive.cache import BuildCache
from newsarchive.outlets import load_registry
from newsarchive.parse import parse_document
from newsarchive.readers import DocumentRef, RawDocument, SkipInput, decode_text, load, read_file, scan

from .conftest import FIXTURES

BAD = FIXTURES / "bad_inputs"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))

ARTICLE = """\
Council approves new bus depot
By Maria Keller
HAMBURG — The city council approved plans on Thursday for a new electric bus depot in Wilhelmsburg, the transport authority said.
The depot will house 240 buses and is due to open in 2027, replacing two diesel garages in Harburg and Altona.
Opposition members criticised the cost, estimated at 180 million euros, and asked for a review by the state audit office.
"""


def items(path: Path, name: str | None = None) -> dict[str, RawDocument | SkipInput]:
    return {item.where: item for item in read_file(path, name or path.name)}


def scanned(*sources: Path) -> dict[str, DocumentRef | SkipInput]:
    return {item.where: item for item in scan(list(sources))}


def run_with_timeout(function, seconds: float = 20):
    """function() in a thread; fails the test (instead of hanging it) if it blocks."""
    result: dict = {}

    def target():
        try:
            result["value"] = function()
        except BaseException as error:  # noqa: BLE001 - reported below
            result["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked (a FIFO opened?)"
    if "error" in result:
        raise result["error"]
    return result["value"]


# --- The committed corpus ----------------------------------------------------------------------------------------


def test_the_bad_inputs_folder_reads_as_expected_json_says():
    got: dict[str, RawDocument | SkipInput] = {}
    for path in sorted(BAD.iterdir()):
        if path.suffix in readers.SUFFIXES:
            got.update(items(path))
    assert set(got) == set(EXPECTED), "expected.json lists every document and skip of the folder"
    registry = load_registry()
    for where, expected in EXPECTED.items():
        item = got[where]
        if expected["outcome"] == "skipped":
            assert isinstance(item, SkipInput) and expected["reason_contains"] in item.reason, (where, item)
            continue
        assert isinstance(item, RawDocument), (where, item)
        for text in expected["text_contains"]:
            assert text in item.text, (where, text, item.text[:300])
        if "warning_contains" in expected:
            assert any(expected["warning_contains"] in warning for warning in item.warnings), (where, item.warnings)
        article = parse_document(item, registry)
        assert expected["body_contains"] and all(text in article.body for text in expected["body_contains"]), where


def test_the_bad_inputs_readme_describes_every_file():
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for path in BAD.iterdir():
        if path.suffix in readers.SUFFIXES:
            assert f"`{path.name}`" in readme, path.name


# --- JSONL records ---------------------------------------------------------------------------------------------------


def test_a_huge_number_does_not_cost_the_record_or_the_file():
    found = items(BAD / "jsonl_huge_number.jsonl")
    assert [type(item) for item in found.values()] == [RawDocument, RawDocument]
    assert "Burgundy" in found["jsonl_huge_number.jsonl:1"].text


def test_deep_nesting_skips_that_record_only():
    found = items(BAD / "jsonl_deep_nesting.jsonl")
    skip = found["jsonl_deep_nesting.jsonl:1"]
    assert isinstance(skip, SkipInput) and "nested 10,001 levels deep" in skip.reason
    assert isinstance(found["jsonl_deep_nesting.jsonl:2"], RawDocument)


def test_a_lone_surrogate_becomes_a_replacement_character_with_a_warning():
    document = items(BAD / "jsonl_lone_surrogate.jsonl")["jsonl_lone_surrogate.jsonl:1"]
    assert "new tram line \ufffd on Monday" in document.text
    assert document.fields["title"] == "New tram line in Lyon \ufffd"
    document.text.encode("utf-8")
    assert len(document.content_hash) == 64
    assert any("'body'" in warning and "lone surrogate" in warning for warning in document.warnings)
    assert any("'title'" in warning for warning in document.warnings)


def test_jsonl_lines_split_on_newline_only():
    found = items(BAD / "jsonl_line_separators.jsonl")
    assert list(found) == ["jsonl_line_separators.jsonl:1", "jsonl_line_separators.jsonl:2", "jsonl_line_separators.jsonl:3"]
    assert all(isinstance(item, RawDocument) for item in found.values())
    assert "\u2028All passengers" in found["jsonl_line_separators.jsonl:1"].text
    assert not found["jsonl_line_separators.jsonl:3"].text.endswith("\r")


def test_a_bad_optional_field_is_dropped_with_a_warning_and_the_record_kept():
    found = items(BAD / "jsonl_bad_fields.jsonl")
    assert all(isinstance(item, RawDocument) for item in found.values()) and len(found) == 5
    snow, drought, rail, fire, fund = found.values()
    assert "url" not in snow.fields and snow.fields["title"] == "Snow cuts power in the Alps"
    assert snow.warnings == ["field 'url' is not a valid URL (http://[::1): dropped"]
    assert drought.fields["published"] == "2024-02-01T10:00:00+25:00" and not drought.warnings  # the parser's to judge
    assert "published" not in rail.fields and "'published' is a number" in rail.warnings[0]
    assert "title" not in fire.fields and fire.fields["source"] == "Lusa" and "'title' is an object" in fire.warnings[0]
    assert not {"url", "source"} & set(fund.fields) and len(fund.warnings) == 2
    registry = load_registry()
    for document in found.values():
        parse_document(document, registry)


def test_a_record_in_a_legacy_encoding_is_decoded_with_a_warning():
    found = items(BAD / "jsonl_legacy_line.jsonl")
    legacy = found["jsonl_legacy_line.jsonl:1"]
    assert "Zoë Müller" in legacy.text and legacy.fields["title"] == "Bülach plans new school"
    assert legacy.warnings == ["the record is not UTF-8 (as JSON must be): read as Windows-1252"]
    assert not found["jsonl_legacy_line.jsonl:2"].warnings


def test_jsonl_in_utf16_without_a_bom(tmp_path):
    lines = [json.dumps({"title": f"Story {n}", "body": ARTICLE.replace("Thursday", day)}, ensure_ascii=False)
             for n, day in enumerate(["Monday", "Tuesday"], start=1)]
    (tmp_path / "feed.jsonl").write_bytes("\n".join(lines).encode("utf-16-le"))
    found = items(tmp_path / "feed.jsonl")
    assert [item.fields["title"] for item in found.values()] == ["Story 1", "Story 2"]
    assert "on Tuesday" in found["feed.jsonl:2"].text


# --- File names, sizes -----------------------------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_shown_escaped_and_read(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    found = scanned(tmp_path)
    ref = found["caf\\xe9.txt"]
    assert isinstance(ref, DocumentRef) and ref.where.encode("utf-8")
    assert ref.warnings == ("the file name is not valid UTF-8: shown as caf\\xe9.txt",)
    assert [document.text for document in load([ref])] == [unicodedata.normalize("NFC", ARTICLE)]
    # the build cache stores the name in SQLite: it must be text SQLite can take
    cache = BuildCache(tmp_path / "cache.db", "model", "rules")
    try:
        first = list(scan([tmp_path], cache))
        again = list(scan([tmp_path], cache))
    finally:
        cache.close()
    assert first == again == [ref]


def test_a_file_over_the_size_limit_is_skipped_without_being_read(tmp_path):
    big = tmp_path / "dump.txt"
    with big.open("wb") as handle:  # 50 MB of real-looking text, as a scraper's dump would be
        chunk = ARTICLE.encode() * 1000
        while handle.tell() < 50_000_000:
            handle.write(chunk)
    tracemalloc.start()
    try:
        (skip,) = read_file(big, "dump.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(skip, SkipInput) and skip.where == "dump.txt"
    assert f"{big.stat().st_size:,} bytes" in skip.reason and "limit of 10,000,000 bytes (10.0 MB)" in skip.reason
    assert peak < 5_000_000


def test_a_text_over_the_character_limit_is_skipped(tmp_path):
    paragraph = "The council met again and issued a statement about the budget for the coming year.\n"
    (tmp_path / "feed_dump.txt").write_text(paragraph * (readers.MAX_TEXT_CHARS // len(paragraph) + 10))
    (skip,) = read_file(tmp_path / "feed_dump.txt", "feed_dump.txt")
    assert isinstance(skip, SkipInput) and f"limit of {readers.MAX_TEXT_CHARS:,}" in skip.reason


def test_jsonl_is_streamed_and_an_oversized_record_or_body_skipped(tmp_path):
    feed = tmp_path / "feed.jsonl"
    record = {"title": "Bus depot approved", "body": ARTICLE}
    with feed.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
        handle.write(json.dumps({"title": "A whole site in one record", "body": "x" * 12_000_000}) + "\n")
        handle.write(json.dumps({"title": "A long body", "body": "Word " * (readers.MAX_TEXT_CHARS // 5 + 1)}) + "\n")
        for n in range(5000):  # 13 MB more of ordinary records
            handle.write(json.dumps({**record, "title": f"Story {n}"}) + "\n")
    tracemalloc.start()
    try:
        found = {}
        for item in read_file(feed, "feed.jsonl"):
            found[item.where] = item if isinstance(item, SkipInput) else item.fields["title"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found["feed.jsonl:1"] == "Bus depot approved" and found["feed.jsonl:5003"] == "Story 4999"
    assert "record is 12,000," in found["feed.jsonl:2"].reason and "limit of 10,000,000 bytes" in found["feed.jsonl:2"].reason
    assert f"limit of {readers.MAX_TEXT_CHARS:,}" in found["feed.jsonl:3"].reason
    assert len(found) == 5003
    assert peak < 40_000_000  # one record at a time, the biggest cut at the limit: not the 38 MB file and its text


# --- Encodings -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["utf16le_nobom.txt", "utf16be_nobom.txt", "utf32le_nobom.txt", "utf32be_nobom.txt"])
def test_utf16_and_utf32_without_a_bom_are_text_not_binary(name):
    (document,) = read_file(BAD / name, name)
    assert isinstance(document, RawDocument) and not document.warnings
    assert all(text in document.text for text in EXPECTED[name]["text_contains"])


def test_binary_files_are_still_binary(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "ints.txt").write_bytes(bytes([7, 0, 1, 0, 12, 0, 3, 0, 0, 0, 9, 0]) * 300)
    assert all(isinstance(item, SkipInput) and "binary" in item.reason for item in scanned(tmp_path).values())


@pytest.mark.parametrize("name", [name for name in EXPECTED if name.startswith("legacy_")])
def test_legacy_encodings_decode_without_mojibake(name):
    (document,) = read_file(BAD / name, name)
    assert all(text in document.text for text in EXPECTED[name]["text_contains"]), document.text[:200]
    assert not document.warnings


# Real-looking news text with the accented names of French, German, Spanish, Portuguese, Italian, Dutch,
# Nordic, Turkish, Polish, Czech, Slovak, Hungarian, Romanian and Croatian, each in the code pages it is
# found in, and two non-Latin texts. Before: charset-normalizer alone. After: readers.decode_legacy.
# DEVELOPMENT: the set the scoring was designed on; TUNED: held out, then two adjustments made after a
# first run (34/38 right); UNSEEN: written after the scoring was final and never tuned on.
DEVELOPMENT = {
    "Le maire de Besançon, Anne Vignot, a annoncé mercredi la fermeture de la piscine municipale. « Nous n'avons pas "
    "le choix », a déclaré l'élue écologiste devant le conseil. Selon François Lefèvre, adjoint chargé des finances, "
    "les travaux coûteront près de 2 millions d’euros.": ["cp1252", "latin-1", "iso8859-15"],
    "Municipales : Hélène Géraud réélue à Épinal": ["cp1252", "latin-1"],
    "Die Kölner Oberbürgermeisterin Henriette Reker hat am Dienstag angekündigt, dass die Straßen rund um den Dom bis "
    "Freitag gesperrt bleiben. „Wir müssen die Sicherheit gewährleisten“, sagte Sprecherin Zoë Müller.": ["cp1252", "latin-1"],
    "Zoë Müller übernimmt Vorsitz in Düsseldorf": ["cp1252", "latin-1"],
    "El alcalde de Málaga, José Ángel Núñez, anunció el miércoles que la campaña de vacunación comenzará en otoño. "
    "«Es una decisión difícil», reconoció la concejala María Peña.": ["cp1252", "latin-1"],
    "Peña Nieto niega acusaciones en Querétaro": ["cp1252", "latin-1"],
    "O presidente da Câmara de Lisboa, Carlos Moedas, afirmou na terça-feira que as obras na Praça do Comércio serão "
    "concluídas até março. A decisão foi criticada por João Gonçalves.": ["cp1252", "latin-1"],
    "İstanbul Büyükşehir Belediye Başkanı Ekrem İmamoğlu, çarşamba günü yaptığı açıklamada metro hattının gelecek yıl "
    "açılacağını söyledi. Açıklamaya göre projenin maliyeti 4,2 milyar lira olacak.": ["cp1254", "iso8859-9"],
    "Erdoğan, Kılıçdaroğlu ile görüştü": ["cp1254", "iso8859-9"],
    "Prezydent Warszawy Rafał Trzaskowski powiedział w środę, że miasto przeznaczy dodatkowe środki na remont mostu "
    "Łazienkowskiego. Według rzeczniczki ratusza, Katarzyny Żółtowskiej, prace potrwają do jesieni.": ["cp1250", "iso8859-2"],
    "Wałęsa krytykuje rząd w Gdańsku": ["cp1250", "iso8859-2"],
    "Předseda vlády Petr Fiala ve čtvrtek oznámil, že vláda schválila nový rozpočet. Ministr financí Zbyněk Stanjura "
    "řekl, že schodek klesne pod 250 miliard korun.": ["cp1250", "iso8859-2"],
    "Babiš: Česko potřebuje změnu": ["cp1250", "iso8859-2"],
    "Karácsony Gergely főpolgármester kedden bejelentette, hogy a Lánchíd felújítása ősszel fejeződik be. A munkálatok "
    "költsége meghaladja a 30 milliárd forintot.": ["cp1250", "iso8859-2"],
    "Primarul Capitalei, Nicuşor Dan, a anunţat marţi că lucrările la pasajul de la Piaţa Sudului vor începe în "
    "septembrie.": ["cp1250", "iso8859-2"],
    "PARIS (AP) — French prosecutors on Tuesday charged Zoë Müller, a spokeswoman for the Geneva-based charity, after a "
    "two-year inquiry. Her lawyer, François Ménard, said she would appeal. “This is a political case,” he told "
    "reporters outside the Palais de Justice.": ["cp1252", "latin-1"],
    "Real Madrid coach Carlo Ancelotti praised Vinícius Júnior and Aurélien Tchouaméni after Sunday's 3-1 win over "
    "Atlético.": ["cp1252", "latin-1"],
    "ANKARA, Turkey — Turkish President Recep Tayyip Erdoğan met opposition leader Kemal Kılıçdaroğlu on Thursday, the "
    "first such meeting in two years, state broadcaster TRT said.": ["cp1254", "iso8859-9"],
    "WARSAW — Former president Lech Wałęsa on Monday criticised the government of Mateusz Morawiecki, speaking at a "
    "rally in Gdańsk organised by Solidarność veterans.": ["cp1250", "iso8859-2"],
    "PRAGUE — Czech billionaire Andrej Babiš returned to power on Monday as President Petr Pavel asked him to form a "
    "government.": ["cp1250"],
    "REYKJAVIK — Prime minister Katrín Jakobsdóttir and foreign minister Þórdís Kolbrún Gylfadóttir met President Guðni "
    "Jóhannesson on Friday.": ["cp1252", "latin-1"],
    "Президент России Владимир Путин в среду провёл совещание с членами правительства по экономическим вопросам.":
        ["cp1251", "koi8-r"],
    "Ο πρωθυπουργός Κυριάκος Μητσοτάκης δήλωσε την Τρίτη ότι η κυβέρνηση θα στηρίξει τους αγρότες της Θεσσαλίας.":
        ["cp1253", "iso8859-7"],
}
TUNED = {
    "Il sindaco di Milano, Giuseppe Sala, ha dichiarato giovedì che la città è pronta per le Olimpiadi. «Non c'è più "
    "tempo da perdere», ha detto l'assessore Niccolò Rossi.": ["cp1252", "latin-1"],
    "De Rotterdamse wethouder Ahmed Aboutaleb zei woensdag dat de ruïne van het oude stadhuis wordt gesloopt. Volgens "
    "gedeputeerde Frédérique Smit is dat „onvermijdelijk”.": ["cp1252"],
    "Stockholms finansborgarråd Karin Wanngård sade på måndagen att tunnelbanan till Nacka öppnar 2030. Kritiken från "
    "Sverigedemokraterna är hård.": ["cp1252", "latin-1"],
    "Københavns overborgmester Sophie Hæstorp Andersen åbnede fredag den nye bro over Øresund, oplyser kommunen.":
        ["cp1252", "latin-1"],
    "L'alcaldessa de Barcelona, Ada Colau, va anunciar dimarts que la col·lecció del museu tornarà a Sant Martí. «És "
    "una bona notícia», va dir.": ["cp1252", "latin-1"],
    "Predseda vlády Robert Fico v pondelok vyhlásil, že Slovensko nepošle zbrane na Ukrajinu. Minister obrany Robert "
    "Kaliňák to potvrdil v Žiline.": ["cp1250", "iso8859-2"],
    "Hrvatski premijer Andrej Plenković u srijedu je rekao da će vlada povećati plaće. Ministar financija Marko Primorac "
    "kazao je da će proračun izdržati.": ["cp1250", "iso8859-2"],
    "Slovenski premier Robert Golob je v četrtek napovedal, da bo vlada v Ljubljani sprejela zakon o pokojninah. "
    "Minister Luka Mesec je dejal, da bo to šlo hitro.": ["cp1250", "iso8859-2"],
    "Minister zdrowia Łukasz Szumowski ogłosił w piątek, że szpitale w Poznaniu i Wrocławiu otrzymają nowe respiratory. "
    "Źródła w ministerstwie mówią o opóźnieniach.": ["cp1250", "iso8859-2"],
    "Ankara Büyükşehir Belediye Başkanı Mansur Yavaş, Perşembe günü düzenlenen törende yeni otobüslerin hizmete "
    "gireceğini açıkladı. Şehirde ulaşım ücretleri değişmeyecek.": ["cp1254", "iso8859-9"],
    "Orbán Viktor: a kormány nem enged a nyomásnak": ["cp1250", "iso8859-2"],
    "SANTIAGO, Chile — Residents of Ñuñoa protested on Saturday after the mayor, Emilia Ríos, announced the closure of "
    "the municipal market.": ["cp1252", "latin-1"],
    "OSLO — Norway's energy minister Terje Aasland said the Ørsted-led wind farm near Tromsø would be delayed by two "
    "years.": ["cp1252", "latin-1"],
    "BRATISLAVA — Slovak police charged Marián Kočner, a businessman, with ordering the murder of journalist Ján "
    "Kuciak.": ["cp1250", "iso8859-2"],
    "Galatasaray's Barış Alper Yılmaz scored twice as the Istanbul club beat Beşiktaş 3-1 on Sunday.": ["cp1254", "iso8859-9"],
    "BERLIN (Reuters) — Chancellor Olaf Scholz's spokesman, Steffen Hebestreit, said on Tuesday that talks with Markus "
    "Söder and Hubert Aiwanger had been “constructive.”": ["cp1252"],
    "BUCHAREST — Romania's president Klaus Iohannis named Marcel Ciolacu prime minister; the mayor of Timişoara, Dominic "
    "Fritz, criticised the choice.": ["cp1250", "iso8859-2"],
    "Le ministre de l'Économie, Bruno Le Maire, a présenté vendredi un plan d'économies de 10 milliards d'euros. « C'est "
    "un effort nécessaire », a-t-il déclaré à Bercy.": ["cp1252", "latin-1"],
    "La presidenta de la Comunidad de Madrid, Isabel Díaz Ayuso, inauguró el lunes el nuevo hospital de Alcañiz junto "
    "al consejero Enrique López.": ["cp1252", "latin-1"],
    "Der bayerische Ministerpräsident Markus Söder hat am Montag in München eine Erhöhung des Pflegegeldes angekündigt. "
    "Die Opposition äußerte Kritik an der Finanzierung.": ["cp1252", "latin-1"],
}
UNSEEN = {
    "Home | World | Europe\nShare this article\nMacron names new prime minister\nBy Hélène Fouquet\nPARIS — President "
    "Emmanuel Macron on Friday appointed François Bayrou, the centrist mayor of Pau, as prime minister, the Élysée said "
    "in a statement.\nBayrou, 73, replaces Michel Barnier, whose government fell after a no-confidence vote in the "
    "Assemblée nationale.\n© 2024 Bloomberg": ["cp1252", "latin-1"],
    "Berlin's mayor Kai Wegner said on Wednesday that the Brandenburger Tor would stay closed. Police spokesman Jörg "
    "Düsterhöft told reporters the Straße des 17. Juni was cordoned off.": ["cp1252", "latin-1"],
    "MEXICO CITY — Mexico's president Andrés Manuel López Obrador said on Monday that Pemex would receive new funds. "
    "Finance minister Rogelio Ramírez de la O welcomed the move, Señor López said.": ["cp1252", "latin-1"],
    "WARSAW, Poland — Poland's prime minister Donald Tusk met Andrzej Duda at the Belweder palace; the head of the "
    "chancellery, Małgorzata Paprocka, called the talks “difficult.”": ["cp1250"],
    "ISTANBUL — Turkey's central bank governor Fatih Karahan said on Thursday that inflation in İzmir and Diyarbakır had "
    "slowed; economist Güldem Atabay disagreed.": ["cp1254", "iso8859-9"],
    "PRAGUE — The Czech interior minister Vít Rakušan said police in Plzeň and České Budějovice had arrested three "
    "suspects.": ["cp1250", "iso8859-2"],
    "BUDAPEST — Hungarian foreign minister Péter Szijjártó met his Slovak counterpart in Győr on Tuesday; the mayor, "
    "Csaba András Dézsi, welcomed them.": ["cp1250", "iso8859-2"],
    "Roma, 12 marzo — Il presidente della Repubblica Sergio Mattarella ha ricevuto al Quirinale il premier. «È un "
    "momento difficile per l'Italia», ha detto Mattarella, citato dall'agenzia Ansa.": ["cp1252", "latin-1"],
    "O primeiro-ministro Luís Montenegro anunciou na segunda-feira um aumento das pensões. A oposição, liderada por "
    "Pedro Nuno Santos, criticou a decisão em São Bento.": ["cp1252", "latin-1"],
    "München (dpa) — Nach dem Unwetter in Oberbayern sind am Sonntag mehr als 2000 Helfer im Einsatz gewesen. "
    "Innenminister Joachim Herrmann sprach von einer „großen Herausforderung“.": ["cp1252"],
    "Gdańsk. Prezydent miasta Aleksandra Dulkiewicz poinformowała w czwartek, że nowy tramwaj pojedzie ulicą "
    "Świętokrzyską już w październiku.": ["cp1250", "iso8859-2"],
    "İzmir Büyükşehir Belediyesi, Karşıyaka'da yeni bir park açtı. Başkan Cemil Tugay, törende yaptığı konuşmada "
    "çocuklar için ücretsiz etkinlikler düzenleneceğini söyledi.": ["cp1254", "iso8859-9"],
    "Zagrebački gradonačelnik Tomislav Tomašević u ponedjeljak je najavio obnovu Trga bana Jelačića.": ["cp1250", "iso8859-2"],
    "Interview: Søren Kierkegaard's biographer on faith and doubt": ["cp1252", "latin-1"],
}
ASCII_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "—": "-", "–": "-", "…": "..."})


def encoded(texts: dict[str, list[str]]):
    """(label, bytes, true text) for every text in every code page it is listed with."""
    for text, encodings in texts.items():
        for encoding in encodings:
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:  # ISO-8859 has no curly quotes or dashes: the page would have ASCII ones
                text = text.translate(ASCII_PUNCTUATION)
                data = text.encode(encoding)
            yield f"{encoding}: {text[:40]}", data, unicodedata.normalize("NFC", text)


def measure(texts: dict[str, list[str]]) -> tuple[int, int, list[str]]:
    """(right, total, labels of wrong decodings that came without a warning)."""
    right, total, silent = 0, 0, []
    for label, data, truth in encoded(texts):
        text, warnings = decode_text(data, label)
        total += 1
        right += text == truth
        if text != truth and not warnings:
            silent.append(label)
    return right, total, silent


def test_legacy_encoding_detection_on_news_text():
    """Measured (right/total): charset-normalizer alone got 25/46, 13/38 and 10/26; constrained to the
    11 single-byte code pages of these texts 30/46, 20/38, 14/26; decode_legacy gets 46/46, 38/38 and
    24/26, and warns on both wrong ones ("Győr" read as Windows-1252 "Gyõr": Portuguese õ explains it
    as well as Hungarian ő)."""
    assert measure(DEVELOPMENT) == (46, 46, [])
    assert measure(TUNED) == (38, 38, [])
    right, total, silent = measure(UNSEEN)
    assert (right, total) == (24, 26) and not silent


def test_an_uncertain_decoding_is_a_warning_on_the_document(tmp_path):
    (tmp_path / "budapest.txt").write_bytes(next(iter(encoded({list(UNSEEN)[6]: ["cp1250"]})))[1])
    (ref,) = scan([tmp_path])
    assert ref.warnings == ("not UTF-8; the encoding is uncertain: read as Windows-1252, but Windows-1250 reads almost "
                            "as well",)


def test_utf8_read_as_utf8_and_a_bom_removed():
    assert decode_text("\ufeffZoë Müller said on Tuesday.".encode("utf-8"), "x") == ("Zoë Müller said on Tuesday.", [])
    assert decode_text("Zoë Müller said.".encode("utf-16"), "x") == ("Zoë Müller said.", [])
    assert decode_text("Zoë Müller said.".encode("utf-32"), "x") == ("Zoë Müller said.", [])


# --- Symbolic links and special files --------------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path):
    """A source folder with every kind of link and special file, and a folder outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (outside / "other.txt").write_text(ARTICLE.replace("Thursday", "Friday"))
    source = tmp_path / "source"
    (source / "2015").mkdir(parents=True)
    (source / "2015" / "bus.txt").write_text(ARTICLE)
    (source / "latest").symlink_to(source / "2015")  # a folder inside: followed
    (source / "copy.txt").symlink_to(source / "2015" / "bus.txt")  # a file inside: followed
    (source / "passwd.txt").symlink_to(outside / "passwd.txt")  # a file outside: not read
    (source / "elsewhere").symlink_to(outside)  # a folder outside: not read
    (source / "gone.txt").symlink_to(source / "deleted.txt")  # broken
    (source / "loop.txt").symlink_to(source / "loop.txt")  # loops on itself
    (source / "2015" / "up").symlink_to(source)  # a folder containing itself
    (source / ".#bus.txt").symlink_to("maria@desk.4711")  # an editor's lock: hidden, ignored like hidden files
    os.mkfifo(source / "pipe.txt")
    return source


def test_symlinks_are_followed_inside_the_sources_only_and_the_rest_reported(linked):
    found = run_with_timeout(lambda: scanned(linked))
    assert {where for where, item in found.items() if isinstance(item, DocumentRef)} == {
        "2015/bus.txt", "copy.txt", "latest/bus.txt"}
    reasons = {where: item.reason for where, item in found.items() if isinstance(item, SkipInput)}
    assert set(reasons) == {"passwd.txt", "elsewhere", "gone.txt", "loop.txt", "2015/up", "latest/up", "pipe.txt"}
    assert "outside the source folders" in reasons["passwd.txt"] and str(linked.parent / "outside") in reasons["passwd.txt"]
    assert "folder" in reasons["elsewhere"] and "outside the source folders" in reasons["elsewhere"]
    assert "broken symbolic link" in reasons["gone.txt"]
    assert "loop" in reasons["loop.txt"] and "loop" in reasons["2015/up"]
    assert "FIFO" in reasons["pipe.txt"]
    assert not any("root:x" in document.text for document in load([r for r in found.values() if isinstance(r, DocumentRef)]))


def test_a_fifo_is_never_opened(linked):
    (skip,) = run_with_timeout(lambda: list(read_file(linked / "pipe.txt", "pipe.txt")))
    assert isinstance(skip, SkipInput) and skip.where == "pipe.txt" and "FIFO" in skip.reason
    (skip,) = run_with_timeout(lambda: list(scan([linked / "pipe.txt"])))
    assert "FIFO" in skip.reason


def test_a_source_given_through_a_symlink_is_read(linked, tmp_path):
    (tmp_path / "alias").symlink_to(linked)
    found = run_with_timeout(lambda: scanned(tmp_path / "alias"))
    assert isinstance(found["2015/bus.txt"], DocumentRef) and isinstance(found["latest/bus.txt"], DocumentRef)
    assert isinstance(found["passwd.txt"], SkipInput)


def test_warnings_reach_the_document_refs_and_survive_the_cache(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "feed.jsonl").write_bytes((BAD / "jsonl_bad_fields.jsonl").read_bytes())
    cache = BuildCache(tmp_path / "cache.db", "model", "rules")
    try:
        first = list(scan([source], cache))
        cache.commit()
        again = list(scan([source], cache))
    finally:
        cache.close()
    assert first == again
    assert first[0].warnings == ("field 'url' is not a valid URL (http://[::1): dropped",)
    assert {ref.content_hash for ref in first} == {document.content_hash for document in load(first)}
