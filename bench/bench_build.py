"""How much does a whole build cost beyond spaCy itself?

Compares, in one run and side by side, the time of a cold build
(newsarchive.build.build with rebuild=True into a fresh folder) with the time
of the same spaCy pipeline's nlp.pipe over the same article bodies. The target
is build / nlp.pipe <= 1.25: reading, parsing, caching, story grouping and
writing SQLite together should add at most a quarter to spaCy's own time.

The corpus is synthetic but made of real text: each article is a deterministic
selection of paragraphs from the seed articles in seeds/, with a seed headline
and a date line, so the parser sees pages shaped like the real ones.

Usage (from anywhere):
    .venv/bin/python bench/bench_build.py [--articles N] [--repeat R] [--check] [--target 1.25]
"""

from __future__ import annotations

import argparse
import inspect
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from any cwd without installing the package

from newsarchive import nlp as nlp_stage  # noqa: E402
from newsarchive.build import build, parse_all, read_inputs  # noqa: E402

SEEDS = REPO / "seeds"
FIRST_DAY = datetime(2015, 6, 4, 6, 52)  # "Thursday, 04 June 2015 06:52 AM EDT", the seeds' own date line


@dataclass
class Round:
    """One side-by-side measurement: nlp.pipe, then a cold build, then a no-op rebuild."""

    pipe: float
    cold: float
    noop: float
    sentences: int
    analysed: int
    up_to_date: bool

    @property
    def ratio(self) -> float:
        return self.cold / self.pipe


def build_batch_size(fallback: int = 32) -> int:
    """The batch_size newsarchive.nlp.analyse passes to nlp.pipe, read from its source.

    Read rather than copied so the comparison stays like for like while nlp.py evolves.
    """
    match = re.search(r"batch_size\s*=\s*(\w+)", inspect.getsource(nlp_stage.analyse))
    value = match and (int(match[1]) if match[1].isdigit() else getattr(nlp_stage, match[1], None))
    if isinstance(value, int):
        return value
    print(f"warning: cannot find the build's batch size in nlp.analyse, using {fallback}", file=sys.stderr)
    return fallback


def seed_material(seeds: Path = SEEDS) -> tuple[list[str], list[str]]:
    """Headlines and distinct paragraphs of the seed articles, as the project's own parser cleans them."""
    documents, skipped = read_inputs([seeds])
    articles = parse_all(documents, skipped)
    titles = [article.title for article in articles if article.title]
    paragraphs = dict.fromkeys(p for article in articles for p in article.body.split("\n\n") if p.strip())
    return titles, list(paragraphs)


def compose_article(rng: random.Random, number: int, titles: list[str], paragraphs: list[str]) -> tuple[str, tuple[str, ...]]:
    """One page: headline, date line, then 6-20 seed paragraphs in random order, blank lines between."""
    chosen = tuple(rng.sample(paragraphs, rng.randint(6, min(20, len(paragraphs)))))
    when = FIRST_DAY + timedelta(days=number % 365, minutes=rng.randrange(24 * 60))
    date_line = when.strftime("%A, %d %B %Y %I:%M %p EDT")
    return "\n\n".join([rng.choice(titles), date_line, *chosen]) + "\n", chosen


def write_corpus(folder: Path, count: int, seed: int) -> None:
    """Write count distinct articles as .txt files; a repeated paragraph selection is drawn again.

    Distinct selections matter: the build drops identical files and caches by body text,
    so a repeated article would be measured as free.
    """
    titles, paragraphs = seed_material()
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    number = 0
    while number < count:
        text, chosen = compose_article(rng, number, titles, paragraphs)
        if chosen in seen:
            continue
        seen.add(chosen)
        (folder / f"article_{number:05d}.txt").write_text(text, encoding="utf-8")
        number += 1


def corpus_bodies(folder: Path) -> list[str]:
    """The exact texts the build sends to spaCy: parsed bodies, each distinct body once (as analyse does)."""
    documents, skipped = read_inputs([folder])
    articles = parse_all(documents, skipped)
    if skipped:
        print(f"warning: {len(skipped)} generated files were skipped, e.g. {skipped[0]}", file=sys.stderr)
    return list(dict.fromkeys(article.body for article in articles))


def time_pipe(nlp, bodies: list[str], batch_size: int) -> float:
    """Seconds for nlp.pipe over the bodies with the build's batch size, consuming every Doc."""
    started = time.perf_counter()
    for _ in nlp.pipe(bodies, batch_size=batch_size):
        pass
    return time.perf_counter() - started


def time_builds(corpus: Path, model: str) -> tuple[float, float, object, object]:
    """A cold build into a fresh temp folder, then a no-op rerun over the unchanged input.

    Returns (cold seconds, no-op seconds, cold report, no-op report). Times are wall
    clock around build(), so everything the caller would wait for is included.
    """
    with tempfile.TemporaryDirectory(prefix="bench-db-") as folder:
        db = Path(folder) / "archive.db"
        started = time.perf_counter()
        cold = build([corpus], db, model=model, rebuild=True)
        cold_seconds = time.perf_counter() - started
        started = time.perf_counter()
        noop = build([corpus], db, model=model)
        noop_seconds = time.perf_counter() - started
    return cold_seconds, noop_seconds, cold, noop


def measure(corpus: Path, bodies: list[str], nlp, batch_size: int, model: str, repeat: int) -> list[Round]:
    """Alternate nlp.pipe and build, repeat times, so machine noise hits both alike."""
    rounds = []
    for number in range(1, repeat + 1):
        pipe = time_pipe(nlp, bodies, batch_size)
        cold, noop, cold_report, noop_report = time_builds(corpus, model)
        rounds.append(Round(pipe, cold, noop, cold_report.sentences, cold_report.analysed, noop_report.up_to_date))
        print(f"  round {number}/{repeat}: nlp.pipe {pipe:.2f} s, build {cold:.2f} s, "
              f"ratio {cold / pipe:.3f}, no-op {noop:.3f} s", flush=True)
    return rounds


def print_table(rounds: list[Round], articles: int, words: int, target: float, load_seconds: float) -> bool:
    """The summary table (medians over rounds); returns whether the ratio meets the target."""
    pipe = statistics.median(r.pipe for r in rounds)
    cold = statistics.median(r.cold for r in rounds)
    ratio = statistics.median(r.ratio for r in rounds)
    noop = statistics.median(r.noop for r in rounds)
    passed = ratio <= target
    header = ("articles", "words", "nlp.pipe s", "build s", "ratio", "target", "result")
    values = (f"{articles}", f"{words}", f"{pipe:.2f}", f"{cold:.2f}", f"{ratio:.3f}", f"<= {target:g}",
              "PASS" if passed else "FAIL")
    widths = [max(len(h), len(v)) for h, v in zip(header, values)]
    print()
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    print("  ".join(v.rjust(w) for v, w in zip(values, widths)))
    print()
    print(f"no-op rerun (unchanged input): {noop:.3f} s = {noop / cold:.2%} of the cold build")
    if not all(r.up_to_date for r in rounds):
        print("WARNING: a rerun was not up to date, so it re-did the work (from the NLP cache): "
              "did the package or data/ change during the run, or is the no-op check broken?")
    print(f"medians of {len(rounds)} round(s); ratio = median of per-round build / nlp.pipe.")
    print(f"build includes loading the model (about {load_seconds:.2f} s here); the timed nlp.pipe does not.")
    sentences = {r.sentences for r in rounds}
    analysed = {r.analysed for r in rounds}
    print(f"build report: {', '.join(map(str, sorted(sentences)))} sentences; "
          f"{', '.join(map(str, sorted(analysed)))} bodies analysed by spaCy (of {articles})")
    return passed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="synthetic articles to generate (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of nlp.pipe + build; the median counts (default 3)")
    parser.add_argument("--target", type=float, default=1.25, help="highest acceptable build / nlp.pipe ratio (default 1.25)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio exceeds the target")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the corpus (default 1)")
    parser.add_argument("--model", default=nlp_stage.DEFAULT_MODEL, help="spaCy model (default: the build's)")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.repeat < 1:
        parser.error("--articles and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as folder:
        corpus = Path(folder)
        write_corpus(corpus, args.articles, args.seed)
        bodies = corpus_bodies(corpus)
        words = sum(len(body.split()) for body in bodies)
        started = time.perf_counter()
        nlp = nlp_stage.load_pipeline(args.model)
        list(nlp.pipe(["Warm-up."]))  # first-call set-up belongs to loading, as in the build, not to round 1
        load_seconds = time.perf_counter() - started
        batch_size = build_batch_size()
        print(f"corpus: {len(bodies)} distinct articles from {args.articles} files, {words} words "
              f"(seed {args.seed}); model {args.model}, pipes {nlp.pipe_names}, batch size {batch_size}")
        rounds = measure(corpus, bodies, nlp, batch_size, args.model, args.repeat)
    passed = print_table(rounds, len(bodies), words, args.target, load_seconds)
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
