"""The disk under the archive: an unwritable target, a full disk, a damaged cache or archive.
Each is one clear line (or a warning), never a traceback, and nothing already built is lost."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from newsarchive.build import BuildError, build, cache_path

from .conftest import ROOT, SEEDS


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_db.py"), *map(str, args), "-q"], capture_output=True,
                          text=True, timeout=600)


def _articles(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select count(*) from articles").fetchone()[0]
    finally:
        conn.close()  # an open file keeps the test's file system from being unmounted


@pytest.mark.parametrize("target, reason", [
    ("missing/archive.db", "does not exist"),
    ("a_file/archive.db", "is not a folder"),
])
def test_an_unusable_target_is_one_line_before_any_work(tmp_path, target, reason):
    (tmp_path / "a_file").write_text("not a folder")
    result = _cli(SEEDS, "--db", tmp_path / target)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write {tmp_path / target}: ") and reason in lines[0]


def test_a_read_only_folder_is_one_line():
    result = _cli(SEEDS, "--db", "/proc/archive.db")  # procfs: no new files, even for root
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: cannot write /proc/archive.db")


def test_another_file_at_the_archive_path_is_never_overwritten_unasked(tmp_path):
    db = tmp_path / "notes.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table notes (text)")
        conn.execute("insert into notes values ('my own work')")
    with pytest.raises(BuildError, match="not an archive this tool can update"):
        build([SEEDS], db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select text from notes").fetchall() == [("my own work",)]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not SQLite at all\n" * 100)
    with pytest.raises(BuildError, match="file is not a database"):
        build([SEEDS], garbage)
    assert build([SEEDS], garbage, rebuild=True).articles == 5  # asked to replace it: done


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other tables"])
def test_a_damaged_cache_is_set_aside_with_a_warning(tmp_path, damage):
    db = tmp_path / "archive.db"
    build([SEEDS], db, workers=1)
    cache = cache_path(db)
    if damage == "garbage":
        cache.write_bytes(b"\x00garbage" * 5000)
    elif damage == "truncated":
        data = cache.read_bytes()
        cache.write_bytes(data[:len(data) // 3])
    else:
        cache.unlink()
        with sqlite3.connect(cache) as conn:
            conn.execute("create table docs (key text, something_else blob)")
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    (folder / "000_e3e09a604ac093d0.txt").write_text(
        (SEEDS / "000_e3e09a604ac093d0.txt").read_text(encoding="utf-8") + "\n\nA later paragraph was added.\n",
        encoding="utf-8")
    report = build([folder], db, workers=1)
    assert report.articles == 5 and not report.skipped
    assert any("set aside" in w for w in report.warnings), report.warnings
    assert cache.with_name(cache.name + ".damaged").exists()
    again = build([folder], db, workers=1)  # the new cache works
    assert again.up_to_date and not again.warnings


def test_a_full_disk_is_one_line_and_the_archive_is_unchanged(tmp_path):
    """On a 1 MB file system (a tmpfs: needs root, as in CI), the seeds fit and a hundred more articles do not."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        db = mount / "archive.db"
        assert _cli(SEEDS, "--db", db).returncode == 0
        more = tmp_path / "more"
        more.mkdir()
        text = (SEEDS / "002_b389d2223fbaba74.txt").read_text(encoding="utf-8")
        for i in range(150):
            (more / f"copy_{i}.txt").write_text(f"{text}\n\nCorrection number {i}: an earlier version misstated a figure.\n",
                                                encoding="utf-8")
        result = _cli(SEEDS, more, "--db", db)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "disk is full" in result.stderr and "the archive is unchanged" in result.stderr
        assert _articles(db) == 5
        assert "is up to date" in subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(SEEDS), "--db", str(db)],
                                                 capture_output=True, text=True).stdout
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
