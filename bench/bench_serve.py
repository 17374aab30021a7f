"""How fast is every page of a published archive of about 100,000 articles.

1. An archive of the shared corpus (../shared/dev/corpus, 2,881 real articles): built
   here with build_db.py, or given with --archive.
2. Replicated to about --articles articles (default 100,000): every article and
   everything read from it (sentences, mentions, events, clusters, tolls, statements,
   attributions) copied with new ids, so each copy is a separate article and event;
   entities and outlets are shared and their counts scaled. Full-text indexes are
   rebuilt. The replica is cached in --scratch and reused when it is up to date.
3. Served exactly as `make publish-check` and `datasette publish` serve it: `datasette
   inspect`, then `datasette serve -i --inspect-file` with the Makefile's flags. The
   start-up (until the first answer) is timed.
4. Every page type, each fetched --repeat times over HTTP on 127.0.0.1 after one warm-up:
   p50 and p95 latency and the size of the answer, against the targets (p95 < 300 ms,
   under 1 MB; start-up under 3 s).

Usage (from the project root):
    .venv/bin/python bench/bench_serve.py [--archive corpus.db] [--articles 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsarchive.store import refresh_event_map  # noqa: E402
from publish.check import published_args, serve  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "dev" / "corpus" / "news-2881.tar.gz"
P95_TARGET_MS = 300
SIZE_TARGET = 1_000_000
START_TARGET_S = 3.0
# Ids of copy k are the original ids plus k << 53 (ids are below 2**53, SQLite integers reach 2**63).
SHIFT = 53
# The columns of each per-article table that hold ids of rows that are copied along with it
COPIED_IDS = {
    "articles": ("id", "story_id"),
    "sentences": ("id", "article_id"),
    "mentions": ("id", "article_id", "sentence_id"),
    "event_clusters": ("id",),
    "events": ("id", "article_id", "sentence_id", "cluster_id"),
    "event_fatalities": ("id", "event_id"),
    "event_statements": ("id", "article_id", "sentence_id"),
    "attributions": ("id", "article_id", "sentence_id"),
}
FTS = ("articles_fts", "sentences_fts", "attributions_fts")


def datasette_flags() -> list[str]:
    output = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(REPO), "datasette-flags"],
                            check=True, capture_output=True, text=True).stdout
    return shlex.split(output)


def build_corpus_archive(scratch: Path, corpus: Path) -> Path:
    db = scratch / "corpus.db"
    if db.exists():
        return db
    folder = scratch / "corpus"
    if not folder.exists():
        with tarfile.open(corpus) as tar:
            tar.extractall(folder, filter="data")
    print(f"building {db} from {folder} ...", flush=True)
    subprocess.run([sys.executable, str(REPO / "build_db.py"), str(folder), "--db", str(db), "-q"], check=True)
    return db


def replicate(source: Path, target: Path, articles: int) -> int:
    """Copy source to target with its articles repeated to about `articles`; returns the number of copies."""
    with sqlite3.connect(source) as conn:
        have = conn.execute("select count(*) from articles").fetchone()[0]
    copies = max(1, math.ceil(articles / have))
    stamp = f"{source.stat().st_mtime_ns}:{source.stat().st_size}:{copies}"
    marker = target.with_suffix(".stamp")
    if target.exists() and marker.exists() and marker.read_text() == stamp:
        return copies
    print(f"replicating {source.name} x{copies} into {target} ...", flush=True)
    target.unlink(missing_ok=True)
    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("attach database ? as source", [str(source)])
    triggers = conn.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall()
    for name, _ in triggers:  # the full-text indexes are rebuilt once at the end
        conn.execute(f"drop trigger [{name}]")
    for copy in range(1, copies):
        for table, id_columns in COPIED_IDS.items():
            columns = [row[1] for row in conn.execute(f"pragma table_info([{table}])")]
            select = ", ".join(f"[{c}] + ({copy} << {SHIFT})" if c in id_columns else f"[{c}]" for c in columns)
            conn.execute(f"insert into main.[{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                         f"select {select} from source.[{table}]")
        conn.commit()
    conn.execute("update entities set mention_count = mention_count * ?, article_count = article_count * ?",
                 [copies, copies])
    source_columns = {row[1] for row in conn.execute("pragma table_info(sources)")}
    for column in ("article_count", "published_count", "credited_count"):
        if column in source_columns:
            conn.execute(f"update sources set {column} = {column} * ?", [copies])
    for fts in FTS:
        conn.execute(f"insert into [{fts}] ([{fts}]) values ('rebuild')")
    for _, sql in triggers:
        conn.execute(sql)
    refresh_event_map(conn)  # derived from the clusters, as each build does
    conn.commit()
    conn.execute("detach database source")
    conn.execute("analyze")
    conn.commit()
    conn.close()
    marker.write_text(stamp)
    return copies


def sample_pages(db: Path, name: str) -> dict[str, str]:
    """One URL for every page type a reader or an API client hits."""
    conn = sqlite3.connect(db)

    def one(sql):
        row = conn.execute(sql).fetchone()
        return row[0] if row else None

    article = one("select id from articles order by word_count desc limit 1")
    top_entity = one("select id from entities order by mention_count desc limit 1")
    top_place = one("select id from entities where latitude is not null order by mention_count desc limit 1")
    top_actor = one("select actor1_id from event_clusters where actor1_id is not null "
                    "group by 1 order by count(*) desc limit 1")
    cluster = one("select id from event_clusters order by event_count desc limit 1")
    place_name = one(f"select name from entities where id = {top_place}")
    first_day = one("select min(event_date) from event_clusters where date_precision = 'day'")
    conn.close()
    month = (first_day or "2015-01-01")[:7]
    return {
        "home": "/",
        "database": f"/{name}",
        "article page": f"/{name}/articles/{article}",
        "articles table": f"/{name}/articles",
        "articles?_search=said": f"/{name}/articles?_search=said",
        "search query (Aleppo)": f"/{name}/search?q=Aleppo",
        "search query (said)": f"/{name}/search?q=said",
        "entities table": f"/{name}/entities",
        "entity page (most mentioned)": f"/{name}/entities/{top_entity}",
        "place page (most mentioned)": f"/{name}/entities/{top_place}",
        "actor page (most events)": f"/{name}/entities/{top_actor}",
        "events table": f"/{name}/events",
        "event_clusters table": f"/{name}/event_clusters",
        "event page": f"/{name}/event_clusters/{cluster}",
        "event map": f"/{name}/event_map",
        "event map, one month": f"/{name}/event_map?event_date__gte={month}-01&event_date__lte={month}-31",
        "event_map.json (what the map loads)": f"/{name}/event_map.json?_size=max&_labels=on&_shape=objects",
        "places map": f"/{name}/places",
        "mentions of a place": f"/{name}/mentions?entity_id={top_place}",
        "events_in_place query": f"/{name}/events_in_place?place={quote(place_name or '')}&from=&to=",
        "fatalities_by_actor query": f"/{name}/fatalities_by_actor",
        "event_reports query": f"/{name}/event_reports?event={cluster}",
        "acled_export query": f"/{name}/acled_export?from=&to=",
        "acled_export.csv": f"/{name}/acled_export.csv?from=&to=&_size=max",
        "articles_by_outlet query": f"/{name}/articles_by_outlet?outlet=bbc&from=&to=",
        "story_copies query": f"/{name}/story_copies",
        "sentences_mentioning query": f"/{name}/sentences_mentioning?phrase={quote('security forces')}",
        "sources table": f"/{name}/sources",
    }


def measure(url: str, pages: dict[str, str], repeat: int) -> list[dict]:
    results = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for label, path in pages.items():
            client.get(path)  # warm-up: SQLite's page cache, Datasette's caches
            times, sizes, statuses = [], [], set()
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                sizes.append(len(response.content))
                statuses.add(response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
            row = {"page": label, "path": path, "p50_ms": statistics.median(times), "p95_ms": p95,
                   "bytes": max(sizes), "status": sorted(statuses)}
            row["ok"] = p95 < P95_TARGET_MS and row["bytes"] < SIZE_TARGET and row["status"] == [200]
            results.append(row)
            print(f"{'ok  ' if row['ok'] else 'SLOW'} {label:40} p50 {row['p50_ms']:7.0f} ms  p95 {p95:7.0f} ms  "
                  f"{row['bytes'] / 1000:8.0f} kB  {row['status']}", flush=True)
    return results


def start_up(db: Path, inspect_file: Path, flags: list[str]) -> float:
    start = time.perf_counter()
    with serve(published_args(db, inspect_file, flags), timeout=120):
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", type=Path, help="an archive built from the corpus (default: build one)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus tarball to build from")
    parser.add_argument("--articles", type=int, default=100_000, help="replicate to about this many articles")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "newsarchive-bench-serve")
    parser.add_argument("--out", type=Path, default=REPO / "bench-serve-results.json")
    args = parser.parse_args(argv)
    args.scratch.mkdir(parents=True, exist_ok=True)
    source = args.archive.resolve() if args.archive else build_corpus_archive(args.scratch, args.corpus)
    db = args.scratch / "archive.db"
    copies = replicate(source, db, args.articles)
    with sqlite3.connect(db) as conn:
        counts = {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0]
                  for t in ("articles", "sentences", "mentions", "entities", "events", "event_clusters")}
    print("archive: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" ({copies} copies)", flush=True)
    flags = datasette_flags()
    inspect_file = args.scratch / "inspect-data.json"
    datasette = str(Path(sys.executable).with_name("datasette"))
    subprocess.run([datasette, "inspect", str(db), "--inspect-file", str(inspect_file)], check=True)
    startups = sorted(start_up(db, inspect_file, flags) for _ in range(3))
    startup = startups[1]
    print(f"{'ok  ' if startup < START_TARGET_S else 'SLOW'} start-up (median of 3): {startup:.2f} s", flush=True)
    with serve(published_args(db, inspect_file, flags), timeout=120) as url:
        results = measure(url, sample_pages(db, db.stem), args.repeat)
    failing = [row["page"] for row in results if not row["ok"]] + (["start-up"] if startup >= START_TARGET_S else [])
    args.out.write_text(json.dumps({"counts": counts, "copies": copies, "startup_s": startup, "repeat": args.repeat,
                                    "pages": results, "failing": failing}, indent=1))
    print(f"\n| page | p50 ms | p95 ms | size kB |\n|---|---:|---:|---:|")
    for row in results:
        print(f"| {row['page']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['bytes'] / 1000:.0f} |")
    print(f"| start-up (s) | {startup:.2f} | | |")
    print(f"\n{'PASS' if not failing else 'FAIL: ' + ', '.join(failing)} (targets: p95 < {P95_TARGET_MS} ms, "
          f"< {SIZE_TARGET // 1000} kB, start-up < {START_TARGET_S} s); figures in {args.out}")
    return 0 if not failing else 1


if __name__ == "__main__":
    sys.exit(main())
