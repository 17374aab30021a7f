"""A running Datasette sees the archive it serves change: in-place updates and --rebuild alike
when served as `make serve` does (mutable), and after the documented reload steps when served
immutable with an inspect file, as `datasette publish` does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from newsarchive.build import build

from .conftest import FIXTURES, SEEDS
from .server import datasette_flags, serve


def _count(url: str) -> int:
    return httpx.get(url + "/archive/articles.json?_size=0&_shape=objects", timeout=30).json()["filtered_table_rows_count"]


def _found(url: str, word: str) -> int:
    rows = httpx.get(url + f"/archive/articles.json?_search={word}&_shape=array", timeout=30).json()
    return len(rows)


def test_a_served_archive_shows_every_update_and_rebuild(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "archive.db"
    build([folder], db, workers=1)
    with serve([str(db), *datasette_flags()]) as url:
        assert _count(url) == 5
        shutil.copy(FIXTURES / "unseen" / "darfur_report.txt", folder)
        build([folder], db, workers=1)
        assert _count(url) == 6 and _found(url, "Darfur") == 1
        build([folder], db, workers=1, rebuild=True)  # a new file, copied into the served one
        (folder / "darfur_report.txt").unlink()
        build([folder], db, workers=1)
        assert _count(url) == 5 and _found(url, "Darfur") == 0


def test_an_immutable_archive_after_the_reload_steps(tmp_path):
    """Immutable serving trusts the file and its inspect data never change: rebuild, re-inspect, restart."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    db = tmp_path / "archive.db"
    inspect = tmp_path / "inspect-data.json"
    datasette = str(Path(sys.executable).with_name("datasette"))
    build([folder], db, workers=1)
    subprocess.run([datasette, "inspect", str(db), "--inspect-file", str(inspect)], check=True)
    immutable = ["-i", str(db), "--inspect-file", str(inspect), *datasette_flags()]
    with serve(immutable) as url:
        assert _count(url) == 5
    shutil.copy(FIXTURES / "unseen" / "darfur_report.txt", folder)
    build([folder], db, workers=1)
    subprocess.run([datasette, "inspect", str(db), "--inspect-file", str(inspect)], check=True)
    with serve(immutable) as url:
        assert _count(url) == 6 and _found(url, "Darfur") == 1
