"""Shared fixtures: the seed articles, a built archive, and Datasette's in-process client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory) -> Path:
    """The seeds built once into a temporary archive, shared by read-only tests."""
    from newsarchive.build import build

    folder = tmp_path_factory.mktemp("archive")
    db = folder / "archive.db"
    report = build([SEEDS], db)
    assert report.articles == 5 and not report.skipped
    return db


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of the seeds, for tests that add, change or remove files."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def datasette_for(db: Path):
    from datasette.app import Datasette

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text())
    return Datasette([str(db)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                     template_dir=str(ROOT / "templates"))


@pytest.fixture(scope="session")
def datasette(built_archive):
    return datasette_for(built_archive)
