"""The Makefile never builds a user's archive from the seeds (what `make -n` would run)."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from .conftest import ROOT


@pytest.fixture
def project(tmp_path):
    """A folder with the Makefile and an installed-looking venv, so `make -n` shows only the archive's steps."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").touch()
    time.sleep(0.01)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    (tmp_path / ".venv" / ".installed").touch()
    return tmp_path


def planned(project, *args) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", *args], cwd=project, capture_output=True, text=True)
    return done.stdout + done.stderr


def test_make_serve_builds_the_seeds_only_when_no_archive_is_named_or_built(project):
    assert "build_db.py seeds --db archive.db" in planned(project, "serve")  # a fresh clone: the demo
    (project / "archive.db").touch()  # built from the user's folder earlier (make serve SOURCES=mine/)
    for target in ("serve", "publish-check"):
        assert "build_db.py" not in planned(project, target)  # served as it is, never rebuilt from the seeds
    (project / "mine.db").touch()
    assert "build_db.py" not in planned(project, "serve", "DB=mine.db")
    assert "publish.check mine.db" in planned(project, "publish-check", "DB=mine.db")
    assert "build_db.py mine/ --db mine.db" in planned(project, "serve", "DB=mine.db", "SOURCES=mine/")
    assert "no such archive" in planned(project, "serve", "DB=other.db")
