"""Floors on the Zyte article-extraction benchmark's development half, as text dumps.

../shared/dev/extraction holds 89 pages as page-to-text dumps with their ground-truth
bodies, and the benchmark's own metric (bench_evaluate.py). Parsing them takes seconds,
so the floors run with every test run; `make eval` prints the full figures, HTML included.
The floors sit a little under what the parser reaches (body F1 0.934, titles 0.685).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from newsarchive.outlets import load_registry
from newsarchive.parse import parse_document
from newsarchive.readers import RawDocument, read_file

ROOT = Path(__file__).resolve().parent.parent
EXTRACTION = ROOT.parent / "shared" / "dev" / "extraction"


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    if not (EXTRACTION / "ground-truth.json.gz").exists():
        pytest.skip(f"{EXTRACTION} is not here (it comes with ../shared)")
    sys.path.insert(0, str(EXTRACTION))
    try:
        import score  # the benchmark's scorer: its metric and its title check
    finally:
        sys.path.remove(str(EXTRACTION))
    truth = json.loads(gzip.decompress((EXTRACTION / "ground-truth.json.gz").read_bytes()))
    folder = tmp_path_factory.mktemp("dumps")
    registry = load_registry()
    bodies, titles_right = {}, 0
    for key, page in truth.items():
        dump = folder / f"{key}.txt"
        dump.write_bytes(gzip.decompress((EXTRACTION / "txt" / f"{key}.txt.gz").read_bytes()))
        documents = [d for d in read_file(dump, dump.name) if isinstance(d, RawDocument)]
        assert documents, f"{key}: no document read"
        article = parse_document(documents[0], registry)
        bodies[key] = article.body
        html = gzip.decompress((EXTRACTION / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        refs = score.page_titles(html)
        titles_right += score.title_check(article.title, refs, score.site_keys(page.get("url"), refs))[0]
    figures = score.figures(truth, bodies, list(truth))
    return figures, titles_right / len(truth)


def test_text_dump_bodies_and_titles_hold_their_floors(scored):
    figures, titles = scored
    assert figures["f1"] >= 0.925, figures
    assert figures["empty"] == 0
    assert titles >= 0.66
