"""Run the pipeline: read -> parse -> analyse (model, rules) -> store, then the corpus-wide steps.

Work is proportional to what changed:
- a run over unchanged input, code and data stops after hashing the files;
- an article already in the archive with the same content, file and rules is not
  touched: not parsed, not analysed, its rows not rewritten;
- a new or changed article is parsed, analysed (the model's output and the rules'
  result both come from the build cache when it has them) and stored in a stream,
  so memory stays flat in the number of articles;
- the corpus-wide steps (merging entity names, story and event clusters) are blocked,
  near-linear, and write only the rows that changed.
Everything lands in one SQLite transaction (a --rebuild, or an archive of an older
schema, is written to a new file that replaces the old one when complete).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator

from . import nlp as nlp_stage
from . import store
from .cache import BuildCache
from .datafiles import DATA
from .outlets import load_registry
from .parse import MAX_BODY_CHARACTERS, Article, parse_document
from .readers import DocumentRef, RawDocument, SkipInput, load, scan

PACKAGE = Path(__file__).resolve().parent
BATCH = 32  # articles per unit of parallel work: memory stays flat, and nlp.pipe is 10% cheaper than at 16
BATCHES_PER_WORKER = 8  # in parallel, smaller batches when needed so that no worker idles long at the end
MIN_BATCH = 8
INLINE_BELOW = 64  # fewer articles than this for the model: run it in this process, no pool to start


@dataclass
class BuildReport:
    db: Path
    articles: int = 0
    sentences: int = 0
    analysed: int = 0  # bodies that went through the model this run (the rest came from the cache)
    changed: int = 0  # articles added or replaced in the archive this run
    removed: int = 0
    skipped: list[SkipInput] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things done that the user should know of (nothing lost)
    up_to_date: bool = False
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    entities: int = 0
    mentions: int = 0
    events: int = 0
    attributions: int = 0

    def counts(self) -> dict[str, int]:
        return {"articles": self.articles, "sentences": self.sentences, "entities": self.entities,
                "mentions": self.mentions, "events": self.events, "attributions": self.attributions}


def cache_path(db: Path) -> Path:
    return db.with_name(db.name + ".cache")


def model_fingerprint(model: str) -> str:
    """The model's name and installed version, and the sentence rule: what the model's output depends on."""
    import inspect

    digest = hashlib.sha256(model.encode())
    try:
        digest.update(metadata.version(model.replace("_", "-")).encode())
    except metadata.PackageNotFoundError:
        meta = Path(model) / "meta.json"
        if meta.exists():
            digest.update(meta.read_bytes())
    for function in (nlp_stage.paragraph_breaks, nlp_stage.doc_to_bytes, nlp_stage.doc_from_bytes):  # what is cached
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:16]


def rules_fingerprint() -> str:
    """Everything besides the input and the model that decides the archive's content: code and data files."""
    from .gazetteer import index_version

    digest = hashlib.sha256(index_version().encode())
    for path in sorted([*PACKAGE.glob("*.py"), *DATA.glob("*")]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def check_model(model: str) -> None:
    """Fail before any work when the model is not installed (a package name or a folder)."""
    import importlib.util

    if Path(model).is_dir() or importlib.util.find_spec(model.replace("-", "_")) is not None:
        return
    raise nlp_stage.ModelNotAvailable(nlp_stage.missing_model(model))


def read_inputs(sources: list[Path], cache: BuildCache | None = None,
                warnings: list[str] | None = None) -> tuple[list[DocumentRef], list[SkipInput]]:
    """A reference to every readable document (its text is let go of: memory stays flat), and the skipped ones.

    warnings, when given, gets a line for each doubt about how a document was read
    (an encoding guessed, a field dropped), naming the document.
    """
    documents, skipped = [], []
    for item in scan(sources, cache):
        if isinstance(item, SkipInput):
            skipped.append(item)
            continue
        documents.append(item)
        if warnings is not None:
            warnings.extend(f"{item.where}: {warning}" for warning in item.warnings)
    return documents, skipped


def unique(documents: list[DocumentRef], skipped: list[SkipInput]) -> list[DocumentRef]:
    """The documents in file order, each content once: a copy is skipped with a line naming the first."""
    first: dict[str, DocumentRef] = {}
    for document in sorted(documents, key=lambda d: (d.file, d.line or 0)):
        if document.content_hash in first:
            skipped.append(SkipInput(document.where, f"same content as {first[document.content_hash].where}, kept once"))
        else:
            first[document.content_hash] = document
    return list(first.values())


def _parse(document: RawDocument, registry, skipped: list[SkipInput]) -> Article | None:
    try:
        article = parse_document(document, registry)
    except SkipInput as skip:
        skipped.append(skip)
        return None
    except Exception as error:  # a parser bug must not cost the user the whole build
        skipped.append(SkipInput(document.where, f"could not be parsed ({type(error).__name__}: {error})"))
        return None
    if len(article.body) > MAX_BODY_CHARACTERS:
        skipped.append(SkipInput(document.where, f"article text of {len(article.body):,} characters is longer than "
                                                 f"{MAX_BODY_CHARACTERS:,}, the most one article may have"))
        return None
    return article


class BuildError(Exception):
    """A build that cannot go on, in one line a person can act on; the archive is left as it was."""


def check_target(db: Path) -> None:
    """Fail before any work when the archive cannot be written where asked."""
    folder = db.parent if str(db.parent) else Path(".")
    if not folder.exists():
        raise BuildError(f"cannot write {db}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise BuildError(f"cannot write {db}: {folder} is not a folder")
    if db.exists() and not db.is_file():
        raise BuildError(f"cannot write {db}: it exists and is not a file")
    probe = folder / f".{db.name}.probe-{os.getpid()}"
    try:
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise BuildError(f"cannot write {db}: {error.strerror or error} in {folder}") from None


def _disk_error(error: BaseException, db: Path) -> BuildError | None:
    """The one-line BuildError for an error of the disk itself (full, read-only, failing), else None."""
    text = str(error)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return BuildError(f"the disk holding {db} is full ({text}); the archive is unchanged")
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
        return BuildError(f"cannot write {db} ({text}); the archive is unchanged")
    if isinstance(error, sqlite3.OperationalError) and ("full" in text or "disk I/O" in text or "readonly" in text):
        return BuildError(f"could not write {db}: {text}; the archive is unchanged")
    return None


class Stopwatch:
    def __init__(self, report: BuildReport):
        self.report = report
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.report.stages[stage] = self.report.stages.get(stage, 0.0) + now - self.last
        self.last = now


def build(
    sources: list[Path],
    db: Path,
    model: str = nlp_stage.DEFAULT_MODEL,
    rebuild: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> BuildReport:
    """Build or update the archive at db from the sources.

    workers: processes for the model (default: every core); scheduler: the address of a
    Dask scheduler to send the model's work to instead; progress: bars on stderr.
    Raises BuildError, with the archive unchanged, when it cannot be written (a missing
    or read-only folder, a full disk).
    """
    check_target(db)
    try:
        return _build(sources, db, model, rebuild, workers, scheduler, progress)
    except store.InvariantBroken as error:
        raise BuildError(f"{error}. This is a bug: please report it with those files") from None
    except (OSError, sqlite3.OperationalError) as error:
        problem = _disk_error(error, db)
        if problem is None:
            raise
        raise problem from None


def _build(sources: list[Path], db: Path, model: str, rebuild: bool, workers: int | None, scheduler: str | None,
           progress: bool) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(db=db)
    watch = Stopwatch(report)
    store.remove_stale_temporaries(db)
    if rebuild:
        cache_path(db).unlink(missing_ok=True)
    rules = rules_fingerprint()
    models = model_fingerprint(model)
    cache = BuildCache(cache_path(db), models, rules)
    try:
        documents, report.skipped = read_inputs(sources, cache, report.warnings)
    except BaseException:
        cache.close()
        raise
    inputs = hashlib.sha256(f"{rules}\0{models}\0{store.SCHEMA_VERSION}".encode())
    for document in sorted(documents, key=lambda d: (d.file, d.line or 0)):
        inputs.update(f"{document.where}\0{document.content_hash}\n".encode("utf-8", "surrogatepass"))
    fingerprint = inputs.hexdigest()
    try:
        previous = store.read_build_info(db)
    except store.NotAnArchive as error:
        if not rebuild:
            cache.close()
            raise BuildError(f"{db} is not an archive this tool can update ({error}); move it away, "
                             f"or pass --rebuild to replace it") from None
        previous = {}
    watch.lap("read")
    if not rebuild and previous.get("fingerprint") == fingerprint:
        cache.close()
        report.warnings.extend(cache.warnings)
        report.up_to_date = True
        for name in report.counts():
            setattr(report, name, int(previous.get(name, 0)))
        report.seconds = time.perf_counter() - started
        return report

    try:
        check_model(model)
        fresh = rebuild or previous.get("schema") != store.SCHEMA_VERSION
        target = store.temporary_path(db) if fresh else db
        if fresh:
            target.unlink(missing_ok=True)
            store.create_archive(target)
    except BaseException:
        cache.close()
        raise
    archive = store.Archive(target, fresh=fresh)
    runner = Runner(model, workers, scheduler, cache, report)
    try:
        wanted = {document.content_hash: document for document in unique(documents, report.skipped)}
        stored = {content_hash: (article_id, file, line) for article_id, (content_hash, file, line) in archive.articles().items()}
        same_rules = previous.get("rules") == rules and previous.get("model") == models
        kept = {h for h, d in wanted.items() if same_rules and stored.get(h, ())[1:] == (d.file, d.line)}
        gone = [article_id for content_hash, (article_id, *_) in stored.items() if content_hash not in kept]
        archive.remove_articles(gone)
        todo = [d for h, d in wanted.items() if h not in kept]
        report.removed = len([h for h in stored if h not in wanted])
        watch.lap("plan")

        with _bar(progress, len(todo), "Analysing articles") as bar:
            for article, analysis in runner.analysed(todo, report.skipped, bar):
                try:
                    archive.add_article(article, analysis)
                    report.changed += 1
                except store.RowConflict as conflict:
                    report.skipped.append(SkipInput(_where(article), f"not stored: {conflict}"))
        cache.commit()
        watch.lap("analyse and store articles")

        affected = archive.link_entities()
        watch.lap("link entities")
        with _bar(progress, len(archive.added | affected), "Storing events") as bar:
            store_events(archive, sorted(archive.added | affected), wanted, runner, bar, report.skipped)
        watch.lap("events")

        counts = archive.finish({"fingerprint": fingerprint, "model": models, "rules": rules, "model_name": model})
        for name, value in counts.items():
            setattr(report, name, value)
        archive.close()
        if fresh:
            store.install(target, db)
        cache.prune(wanted.keys())
        watch.lap("stories, clusters and commit")
    except BaseException:
        archive.close()
        if fresh:
            target.unlink(missing_ok=True)
        raise
    finally:
        runner.close()
        cache.close()
        report.warnings.extend(cache.warnings)
    report.seconds = time.perf_counter() - started
    return report


def store_events(archive: store.Archive, article_ids: list[int], documents: dict[str, DocumentRef],
                 runner: Runner, bar, skipped: list[SkipInput]) -> None:
    """Store the events of these articles, now that entity keys have ids; their analyses come from the cache.

    An analysis the cache lost (it was deleted) is made again from the document.
    """
    hashes = {article_id: content_hash for article_id, (content_hash, *_) in archive.articles().items()}
    for chunk in store.chunks(article_ids):
        analyses = runner.cache.analyses(hashes[a] for a in chunk)
        missing = [documents[hashes[a]] for a in chunk if hashes[a] not in analyses]
        for article, analysis in runner.analysed(missing, skipped, None):
            analyses[article.content_hash] = analysis
        for article_id in chunk:
            analysis = analyses.get(hashes[article_id])
            if analysis is None:
                continue  # analysed again and failed: named in skipped
            try:
                archive.add_events(article_id, analysis)
            except store.RowConflict as conflict:
                where = documents[hashes[article_id]].where if hashes[article_id] in documents else str(article_id)
                skipped.append(SkipInput(where, f"events not stored: {conflict}"))
        bar.update(len(chunk))


def _where(article: Article) -> str:
    return f"{article.file}:{article.line}" if article.line else article.file


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _bar(show: bool, total: int, label: str):
    if not show or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit=" articles", dynamic_ncols=True, smoothing=0.1)


class Runner:
    """Sends batches of articles through the model and the rules: in this process, worker processes, or Dask."""

    def __init__(self, model: str, workers: int | None, scheduler: str | None, cache: BuildCache, report: BuildReport):
        self.model = model
        self.workers = workers or os.cpu_count() or 1
        self.scheduler = scheduler
        self.cache = cache
        self.report = report
        self.executor = None
        self.client = None

    def analysed(self, documents: list[DocumentRef], skipped: list[SkipInput], bar) -> Iterator[tuple[Article, object]]:
        """(article, analysis) for every document that parses, streamed in batches."""
        from .analysis import analyse_batch

        registry = load_registry()
        articles = (a for a in (_parse(d, registry, skipped) for d in load(documents)) if a)
        if self.scheduler is None and (self.workers <= 1 or len(documents) < INLINE_BELOW):
            submit, size = None, BATCH
        else:
            submit = self._submitter()
            size = min(BATCH, max(MIN_BATCH, -(-len(documents) // (BATCHES_PER_WORKER * self.workers))))
        pending: deque = deque()
        for batch in _batches(articles, size):
            ready = self.cache.analyses(a.content_hash for a in batch)
            done = [(a, ready[a.content_hash]) for a in batch if a.content_hash in ready]
            todo = [a for a in batch if a.content_hash not in ready]
            yield from self._finished(done, bar)
            if not todo:
                continue
            docs = self.cache.docs(a.body for a in todo)
            blobs = [docs.get(a.body) for a in todo]
            self.report.analysed += sum(blob is None for blob in blobs)
            if submit is None:
                yield from self._store(todo, analyse_batch(self.model, todo, blobs), bar, skipped)
                continue
            pending.append((todo, submit(self.model, todo, blobs)))
            while len(pending) > 2 * self.workers:
                todo_done, future = pending.popleft()
                yield from self._store(todo_done, future.result(), bar, skipped)
        while pending:
            todo_done, future = pending.popleft()
            yield from self._store(todo_done, future.result(), bar, skipped)

    def _store(self, articles: list[Article], results, bar, skipped: list[SkipInput]) -> Iterator[tuple[Article, object]]:
        """Cache each analysis and pass it on; an article whose analysis failed is skipped, named."""
        from .analysis import Failed

        done = []
        for article, (blob, analysis) in zip(articles, results):
            if isinstance(analysis, Failed):
                skipped.append(SkipInput(_where(article), analysis.reason))
                continue
            self.cache.put(article.body, blob, article.content_hash, analysis)
            done.append((article, analysis))
        self.cache.commit()  # a build killed later keeps this batch's work
        yield from self._finished(done, bar)

    @staticmethod
    def _finished(pairs, bar) -> Iterator[tuple[Article, object]]:
        for pair in pairs:
            yield pair
        if bar is not None and pairs:
            bar.update(len(pairs))

    def _submitter(self):
        from .analysis import analyse_batch

        if self.scheduler:
            if self.client is None:
                try:
                    from distributed import Client
                except ImportError:
                    raise SystemExit("--scheduler needs Dask: pip install 'newsarchive[dask]'") from None
                self.client = Client(self.scheduler)
            return lambda *args: self.client.submit(analyse_batch, *args, pure=False)
        if self.executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from .gazetteer import default_gazetteer

            default_gazetteer()  # build the place index once here, not in every worker at the same time

            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return lambda *args: self.executor.submit(analyse_batch, *args)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
        if self.client is not None:
            self.client.close()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
