"""Publish-ready: `make publish-check`'s script passes on the seed archive, and the README's
publish commands carry exactly the flags and settings the Makefile serves with."""

from __future__ import annotations

import re
import shutil

from publish import check

from .conftest import ROOT
from .server import datasette_flags


def test_publish_check_passes(built_archive, tmp_path, capsys, monkeypatch):
    db = tmp_path / "archive.db"
    shutil.copy(built_archive, db)
    monkeypatch.chdir(ROOT)  # the flags name metadata.yml, plugins/ and templates/ relative to the repo
    status = check.main([str(db), "--", *datasette_flags()])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "publish-check passed" in out and "archive is immutable with a hash" in out
    for line in ("200  /archive/articles", "200  /archive/places", "200  /archive/search?q=Hasakeh",
                 "ok    setting default_page_size = 50 (served: 50)"):
        assert line in out, line


def test_publish_check_fails_loudly(built_archive, tmp_path, capsys, monkeypatch):
    """A broken page makes it fail, naming the page, and the server is still stopped."""
    db = tmp_path / "archive.db"
    shutil.copy(built_archive, db)
    metadata = tmp_path / "metadata.yml"
    metadata.write_text((ROOT / "metadata.yml").read_text().replace(
        "queries:\n", "queries:\n      broken:\n        sql: select * from no_such_table\n", 1))
    monkeypatch.chdir(ROOT)
    flags = [str(metadata) if flag == "metadata.yml" else flag for flag in datasette_flags()]
    assert check.main([str(db), "--", *flags]) == 1
    out = capsys.readouterr().out
    assert "publish-check FAILED" in out and "/archive/broken: HTTP 400" in out


def test_publish_check_serves_an_archive_of_any_name_and_fails_on_one_served_bare(built_archive, tmp_path, capsys,
                                                                                  monkeypatch):
    db = tmp_path / "mine.db"
    shutil.copy(built_archive, db)
    monkeypatch.chdir(ROOT)
    assert check.main([str(db), "--", *datasette_flags()]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "200  /mine/fatalities_by_actor" in out and "ok    mine is served with its canned queries" in out
    flags = list(datasette_flags())
    bare = flags[:flags.index("--plugins-dir")] + flags[flags.index("--plugins-dir") + 2:]  # without the plugins
    assert check.main([str(db), "--", *bare]) == 1
    assert "FAIL  mine is served with its canned queries" in capsys.readouterr().out


def test_readme_publish_commands_match_the_makefile():
    readme = (ROOT / "README.md").read_text()
    publishing = readme[readme.index("## Publishing"):]
    publishing = publishing[:publishing.index("\n## ")]
    # Each command, its continued lines joined.
    commands = [" ".join(c.replace("\\\n", " ").split())
                for c in re.findall(r"datasette publish (?:[^\n]*\\\n)*[^\n]*", publishing)]
    assert {c.split()[2] for c in commands} == {"cloudrun", "fly", "vercel"}
    flags = list(datasette_flags())
    settings = " ".join(flags[flags.index("--setting"):])
    common = " ".join(flags[:flags.index("--setting")])
    assert common == "-m metadata.yml --plugins-dir plugins --template-dir templates"
    for command in commands:
        assert common in command, command
        assert "--install 'datasette-cluster-map>=0.18,<0.19'" in command, command
        assert "--install 'datasette>=0.65.2,<1.0'" in command, command
        if command.split()[2] == "vercel":
            assert command.endswith(settings), command
        else:
            assert f"--extra-options '{settings}'" in command, command
