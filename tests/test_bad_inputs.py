"""Every kind of bad input at once, with good articles: the build finishes, stores every good
article, and names every bad file (or record) exactly once."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

from .conftest import FIXTURES, ROOT, SEEDS

BAD = FIXTURES / "bad_inputs"


def test_a_build_of_every_bad_input_with_good_articles(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(BAD, folder / "bad", ignore=shutil.ignore_patterns("*.md", "*.json", "*.py", ".gitattributes"))
    shutil.copytree(SEEDS, folder / "seeds")
    expected = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
    good = sum(1 for outcome in expected.values() if outcome["outcome"] == "article")
    bad = {f"bad/{where}" for where, outcome in expected.items() if outcome["outcome"] == "skipped"}

    seed = (SEEDS / "000_e3e09a604ac093d0.txt").read_text(encoding="utf-8")
    # what cannot live in git
    os.symlink(folder / "seeds" / "000_e3e09a604ac093d0.txt", folder / "inside_link.txt")  # followed, a copy: kept once
    outside = tmp_path / "outside.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(outside, folder / "passwd.txt")
    os.symlink(tmp_path / "nowhere.txt", folder / "dangling.txt")
    os.symlink(folder / "loop_b.txt", folder / "loop_a.txt")
    os.symlink(folder / "loop_a.txt", folder / "loop_b.txt")
    os.mkfifo(folder / "pipe.txt")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:  # a name that is not UTF-8: read, warned
        f.write(seed.replace("the", "a", 5).encode("utf-8"))
    (folder / "too_big.html").write_bytes(b"<p>" + b"x" * 11_000_000 + b"</p>")
    lines = [f"Paragraph {i}: the council met again on day {i} and issued statement {i * 7}." for i in range(14_000)]
    (folder / "feed_dump.txt").write_text("A feed dumped into one file\n\n" + "\n\n".join(lines), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    records = [
        {"title": "Twice the same toll", "published": "0001-01-01",
         "body": "Islamic State militants attacked army posts on Monday, killing 12 soldiers in Hasakah and 12 soldiers "
                 "in Qamishli, the Syrian Observatory for Human Rights said."},
        {"title": "Far future", "published": "9999-12-31",
         "body": "Kurdish forces said they had retaken three villages south of Hasakah after two days of fighting."},
        "not an object",
        {"title": "no body"},
    ]
    (folder / "odd.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n{broken json\n", encoding="utf-8")
    bad |= {"passwd.txt", "dangling.txt", "loop_a.txt", "loop_b.txt", "pipe.txt", "too_big.html", "feed_dump.txt",
            "empty.txt", "binary.txt", "odd.jsonl:3", "odd.jsonl:4", "odd.jsonl:5", "seeds/000_e3e09a604ac093d0.txt"}  # the link sorts first
    good += 5 + 1 + 2  # the seeds, café, two odd records

    db = tmp_path / "archive.db"
    result = subprocess.run([sys.executable, str(ROOT / "build_db.py"), str(folder), "--db", str(db), "--quiet",
                             "--workers", "1"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    named = re.findall(r"^skipped (.+?): ", result.stderr, flags=re.M)
    assert sorted(named) == sorted(bad), result.stderr
    assert "caf\\xe9.txt" in result.stderr  # warned, with a visible name
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == good
        published = {title: date for title, date in conn.execute("select title, published from articles")}
        tolls = conn.execute("select count(*) from event_fatalities").fetchone()[0]
    assert published["Twice the same toll"] is None and published["Far future"] is None
    assert tolls >= 1
